"""The Assessments page's table: the assessments on file and the transfers missing one.

``ObjectRole`` gives the ``AssessmentRow`` (decided in ``services.worklists``: missing,
overdue, stale); ``SortRole`` real values (dates as dates, the attention flag as a rank); the
filter tests the rows' states, never the text shown.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from transfers_app.domain.enums import TiaStatus
from transfers_app.domain.formatting import day
from transfers_app.domain.names import fold
from transfers_app.services.worklists import AssessmentRow
from ui.models.rows import RowsTableModel, SortRole, date_key

_Index = QModelIndex | QPersistentModelIndex
_RED = QColor("#b00020")

STATUS_LABELS = {
    TiaStatus.DRAFT: "draft",
    TiaStatus.IN_REVIEW: "in review",
    TiaStatus.APPROVED: "approved",
    TiaStatus.SUPERSEDED: "superseded",
}
STATE_CHOICES = [
    ("", "All assessments"),
    ("missing", "Missing"),
    ("overdue", "Review overdue"),
    ("stale", "No longer matches the register"),
]


class Column(IntEnum):
    ID = 0
    TRANSFER = 1
    DESTINATION = 2
    STATUS = 3
    ASSESSOR = 4
    APPROVER = 5
    APPROVED = 6
    NEXT_REVIEW = 7
    FLAG = 8


# Columns narrowed (to at least these widths) so that every column fits the page.
ELASTIC: dict[int, int] = {Column.TRANSFER: 300, Column.ASSESSOR: 80, Column.APPROVER: 80}
# The widest a column is made when first sized to its contents.
CAPS: dict[int, int] = {Column.TRANSFER: 400}

HEADERS = {
    Column.ID: "TIA",
    Column.TRANSFER: "Transfer",
    Column.DESTINATION: "Destination",
    Column.STATUS: "Status",
    Column.ASSESSOR: "Assessor",
    Column.APPROVER: "Approver",
    Column.APPROVED: "Approved",
    Column.NEXT_REVIEW: "Next review",
    Column.FLAG: "Attention",
}


class AssessmentsModel(RowsTableModel[AssessmentRow]):
    headers = HEADERS

    def __init__(self, rows: list[AssessmentRow], parent: Any = None) -> None:
        super().__init__(rows, parent)
        self.haystack = [
            fold(
                " ".join(
                    (
                        r.transfer_text,
                        r.destination_text,
                        r.tia.assessor if r.tia else "",
                        r.tia.approver if r.tia else "",
                        r.state,
                    )
                )
            )
            for r in rows
        ]

    def cell(self, r: AssessmentRow, column: int, role: int) -> Any:
        col = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == SortRole:
            return self._sort_value(r, col)
        attention = bool(r.flag)
        if role == Qt.ItemDataRole.ForegroundRole and attention and col is Column.FLAG:
            return QBrush(_RED)
        if role == Qt.ItemDataRole.ForegroundRole and r.overdue and col is Column.NEXT_REVIEW:
            return QBrush(_RED)
        if role == Qt.ItemDataRole.FontRole and attention and col is Column.FLAG:
            font = QFont()
            font.setBold(True)
            return font
        why = r.reason if r.missing else r.stale
        if role == Qt.ItemDataRole.ToolTipRole and col is Column.TRANSFER:
            return f"{r.transfer_text} ({r.destination_text})" + (f"\n{why}" if why else "")
        if role == Qt.ItemDataRole.ToolTipRole and why:
            return why
        return None

    @staticmethod
    def _display(r: AssessmentRow, col: Column) -> str:
        tia = r.tia
        if col is Column.ID:
            return tia.reference if tia else "none"
        if col is Column.TRANSFER:
            return r.transfer_text
        if col is Column.DESTINATION:
            return r.destination_text
        if col is Column.FLAG:
            return r.flag
        if tia is None:
            return "missing" if col is Column.STATUS else ""
        if col is Column.STATUS:
            return STATUS_LABELS[tia.status]
        if col is Column.ASSESSOR:
            return tia.assessor
        if col is Column.APPROVER:
            return tia.approver
        if col is Column.APPROVED:
            return day(tia.approved_on, "")
        return day(tia.next_review_on, "")

    @classmethod
    def _sort_value(cls, r: AssessmentRow, col: Column) -> Any:
        tia = r.tia
        if col is Column.ID:
            return (tia.id or 0) if tia else 0
        if col is Column.APPROVED:
            return date_key(tia.approved_on if tia else None)
        if col is Column.NEXT_REVIEW:
            return date_key(tia.next_review_on if tia else None)
        if col is Column.FLAG:
            return 0 if r.missing else 1 if r.overdue else 2 if r.stale else 3
        return cls._display(r, col).casefold()


class AssessmentFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.state = ""
        self.text = ""
        self.setSortRole(SortRole)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, AssessmentsModel):
            return True
        r = model.row(source_row)
        if self.state == "missing" and not r.missing:
            return False
        if self.state == "overdue" and not r.overdue:
            return False
        if self.state == "stale" and not r.stale:
            return False
        return all(word in model.haystack[source_row] for word in self.text.split())
