"""The tables of the export dialogs: the public list's change log and the evidence pack's
readiness findings (``ObjectRole`` gives the ``ListChange`` or ``Finding``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Qt

from transfers_app.domain.formatting import day
from transfers_app.reports.public_list import ChangeKind, ListChange
from transfers_app.services.open_items import TITLES, Finding
from ui.models.register_model import StatusRole
from ui.models.rows import RowsTableModel, SortRole

CHANGE_LABELS = {
    ChangeKind.ADDED: "Added",
    ChangeKind.REMOVED: "Removed",
    ChangeKind.LOCATION: "Changed location",
    ChangeKind.PURPOSE: "Changed purpose",
}
CATEGORY_TITLES: dict[str, str] = TITLES


class ChangesModel(RowsTableModel[ListChange]):
    """The change log since the last published version: what customers must be told."""

    KIND, NAME, DETAIL = range(3)
    headers: ClassVar[dict[int, str]] = {KIND: "Change", NAME: "Sub-processor", DETAIL: "What"}

    def cell(self, row: ListChange, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            if column == self.KIND:
                return CHANGE_LABELS[row.kind]
            if column == self.NAME:
                return row.name
            return row.detail
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.text
        return None


class FindingsModel(RowsTableModel[Finding]):
    """The open items the readiness check found, worst first, with since when each is open,
    its owner and its target date (as the service dated and owned them)."""

    SEVERITY, CATEGORY, REF, ENTITY, MESSAGE, SINCE, OWNER, TARGET = range(8)
    headers: ClassVar[dict[int, str]] = {
        SEVERITY: "Severity",
        CATEGORY: "What an inquiry asks about",
        REF: "Ref.",
        ENTITY: "Entity",
        MESSAGE: "Open item",
        SINCE: "Open since",
        OWNER: "Owner",
        TARGET: "Target date",
    }

    def cell(self, row: Finding, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.SEVERITY:
                return row.severity.value.upper()
            if column == self.CATEGORY:
                return CATEGORY_TITLES.get(row.category, row.category)
            if column == self.REF:
                return row.reference
            if column == self.ENTITY:
                return row.subject
            if column == self.SINCE:
                return day(row.open_since, "")
            if column == self.OWNER:
                return row.owner
            if column == self.TARGET:
                return day(row.target_on, "")
            return row.text()
        if role == StatusRole and column == self.SEVERITY:
            return row.severity
        if role == SortRole:
            if column == self.SEVERITY:
                return row.severity.rank
            if column == self.SINCE:
                return row.open_since or date.max
            if column == self.TARGET:
                return row.target_on or date.max
            return self.cell(row, column, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.MESSAGE:
            return row.text()
        return None


def worst_first(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.severity.rank)
