"""The import preview's table: one line per row of the file, with its status and problems
(``ObjectRole`` gives the ``PreviewRow``)."""

from __future__ import annotations

import html
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from transfers_app.services.import_preview import (
    OUTCOME_LABELS,
    ImportPreview,
    Outcome,
    PreviewRow,
    describe_row,
)
from ui.models.rows import RowsTableModel, SortRole
from ui.widgets.forms import ERROR_COLOUR


def _rich(text: str) -> str:
    """Plain text for a tooltip, never read as markup ("<b>R&D</b> Ltd")."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


class PreviewModel(RowsTableModel[PreviewRow]):
    """The preview, one line per row of the file."""

    ROW, STATUS, NAME, COUNTRIES, REVIEW, CHANGES, PROBLEMS = range(7)
    headers: ClassVar[dict[int, str]] = {
        ROW: "Row",
        STATUS: "Status",
        NAME: "Name",
        COUNTRIES: "Countries",
        REVIEW: "To review",
        CHANGES: "What changes",
        PROBLEMS: "Problems",
    }

    def __init__(self, preview: ImportPreview | None = None) -> None:
        super().__init__(preview.rows if preview else ())
        self.preview = preview

    def set_preview(self, preview: ImportPreview | None, rows: list[PreviewRow]) -> None:
        self.preview = preview
        self.set_rows(rows)

    def _changes(self, row: PreviewRow) -> str:
        if self.preview is None:
            return ""
        plan = self.preview.plan_of(row)
        if plan is None:
            return ""
        if plan.rows[0] != row.number:
            return f"merged into row {plan.rows[0]}"
        if plan.existing is None:
            return "new entity" + (
                f", {len(plan.new_transfers)} transfers" if plan.new_transfers else ""
            )
        return "; ".join(str(c) for c in self.preview.changes_of(plan))

    def cell(self, row: PreviewRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.ROW:
                return str(row.number)
            if column == self.STATUS:
                return OUTCOME_LABELS[row.outcome]
            if column == self.NAME:
                return row.name
            if column == self.COUNTRIES:
                return ", ".join(row.countries)
            if column == self.REVIEW:
                return "; ".join(row.review)
            if column == self.CHANGES:
                return self._changes(row)
            if column == self.PROBLEMS:
                return "; ".join(f"{p.level.value}: {p.message}" for p in row.problems)
        if role == SortRole:
            if column == self.ROW:
                return row.number
            return self.cell(row, column, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ToolTipRole and self.preview is not None:
            lines = list(describe_row(self.preview, row))
            return _rich("\n".join(lines)) if lines else None
        flagged = row.outcome is Outcome.SKIPPED or (column == self.REVIEW and row.review)
        if role == Qt.ItemDataRole.ForegroundRole and flagged:
            return QBrush(QColor(ERROR_COLOUR))
        return None
