"""The Transfers page's table: one row per transfer with its status, and the filter over it.

``ObjectRole`` gives the ``TransferRow``; ``SortRole`` real values (the status as a rank);
the filter tests the rows' values (destination, mechanism, status, parties), never the text
shown.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from transfers_app.domain.enums import Severity
from transfers_app.domain.formatting import ACCESS_LABELS
from transfers_app.services.worklists import TransferRow
from ui.models.rows import RowsTableModel, SortRole

_Index = QModelIndex | QPersistentModelIndex

# Badge colours; the badge always carries its text as well (never colour alone).
BADGE = {
    Severity.CRITICAL: ("#8b0000", "#fde2e2"),
    Severity.HIGH: ("#9a3b00", "#fdebd8"),
    Severity.MEDIUM: ("#6b5300", "#fdf5d0"),
    Severity.LOW: ("#24496b", "#e2edf8"),
}
OK_BADGE = ("#1b5e20", "#e3f3e4")
# What the status filter understands (dashboard click-throughs use the same words).
STATUS_CHOICES = [
    ("", "All statuses"),
    ("gaps", "With gaps"),
    ("compliant", "Compliant"),
    ("overdue", "Overdue"),
    ("critical", "Critical"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
    ("not_live", "Not live"),
]
STATUS_ALIASES = {"ok": "compliant", "gap": "gaps", "with_gaps": "gaps", "open": "gaps"}


class Column(IntEnum):
    STATUS = 0
    EXPORTER = 1
    IMPORTER = 2
    DESTINATION = 3
    ACCESS = 4
    ROLE = 5
    MECHANISMS = 6
    REGIMES = 7
    ISSUE = 8


HEADERS = {
    Column.STATUS: "Status",
    Column.EXPORTER: "Exporter",
    Column.IMPORTER: "Importer",
    Column.DESTINATION: "Destination",
    Column.ACCESS: "Access",
    Column.ROLE: "Importer role",
    Column.MECHANISMS: "Mechanisms",
    Column.REGIMES: "Regimes",
    Column.ISSUE: "Worst gap",
}
# Columns that give up width (down to these) so that every column fits the page, and the
# widest a column is made when first sized to its contents.
ELASTIC: dict[int, int] = {
    Column.EXPORTER: 90,
    Column.IMPORTER: 130,
    Column.MECHANISMS: 110,
    Column.ISSUE: 230,  # the last column: kept at least this wide
}
CAPS: dict[int, int] = {
    Column.EXPORTER: 170,
    Column.IMPORTER: 200,
    Column.MECHANISMS: 200,
    Column.ISSUE: 230,  # a sentence: whole in its tooltip, the column stretches to the edge
}


class TransfersModel(RowsTableModel[TransferRow]):
    headers = HEADERS

    def __init__(self, rows: list[TransferRow], parent: Any = None) -> None:
        super().__init__(rows, parent)
        self.haystack = [r.search_text() for r in rows]

    def cell(self, r: TransferRow, column: int, role: int) -> Any:
        col = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == SortRole:
            if col is Column.STATUS:
                return r.status_rank()
            if col is Column.MECHANISMS:
                return self._display(r, col).casefold() if r.transfer.mechanisms else ""
            return self._display(r, col).casefold()
        if col is Column.STATUS and r.live:
            fg, bg = BADGE[r.worst.severity] if r.worst else OK_BADGE
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(fg))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(bg))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ForegroundRole and not r.live:
            return QBrush(QColor("#6b6b6b"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (Column.STATUS, Column.ISSUE) and r.gaps:
                return "\n".join(f"{g.severity.value.upper()}: {g.text()}" for g in r.gaps)
            if col is Column.IMPORTER:
                service = r.transfer.service
                return f"{r.importer}: {service}" if service else r.importer
            if col is Column.MECHANISMS and r.transfer.mechanisms:
                return "Primary first, then fallbacks: " + r.mechanisms
        return None

    @staticmethod
    def _display(r: TransferRow, col: Column) -> str:
        t = r.transfer
        if col is Column.EXPORTER:
            return r.exporter
        if col is Column.IMPORTER:
            return r.importer
        if col is Column.DESTINATION:
            return r.destination
        if col is Column.ACCESS:
            return ACCESS_LABELS[t.access]
        if col is Column.ROLE:
            return t.importer_role.value
        if col is Column.MECHANISMS:
            return r.mechanisms
        if col is Column.REGIMES:
            return ", ".join(x.value for x in r.regimes)
        if col is Column.STATUS:
            return r.status_text
        worst = r.worst
        if worst is None:
            return "" if r.live else "not live on this date (planned, ended or proposed)"
        more = len(r.gaps) - 1
        return worst.text() + (f" (+{more} more)" if more else "")


class TransferFilter(QSortFilterProxyModel):
    """Filters on the rows' values, never on display strings."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.country = ""
        self.status = ""
        self.mechanism = ""
        self.entity_id: int | None = None
        self.countries: frozenset[str] | None = None  # several destinations ("Other" bar)
        self.include_not_live = False
        self.setSortRole(SortRole)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, TransfersModel):
            return True
        r = model.row(source_row)
        t = r.transfer
        if not r.live and not (self.include_not_live or self.status == "not_live"):
            return False
        if self.country and t.destination != self.country:
            return False
        if self.countries is not None and t.destination not in self.countries:
            return False
        if self.entity_id is not None and self.entity_id not in (t.exporter_id, t.importer_id):
            return False
        if self.mechanism:
            used = {u.mechanism.value for u in t.mechanisms}
            if self.mechanism == "none" and used:
                return False
            if self.mechanism != "none" and self.mechanism not in used:
                return False
        if self.status and not self._status_matches(r):
            return False
        return all(word in model.haystack[source_row] for word in self.text.split())

    def _status_matches(self, r: TransferRow) -> bool:
        s = self.status
        if s == "not_live":
            return not r.live
        if s == "compliant":
            return r.live and not r.gaps
        if s == "gaps":
            return bool(r.gaps)
        if s == "overdue":
            return r.overdue
        return r.worst is not None and r.worst.severity.value == s
