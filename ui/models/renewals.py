"""The Renewals page's table: what is overdue and what falls due, overdue first.

``ObjectRole`` gives the ``Reminder``; ``SortRole`` real values (the due date as a date, the
days left as a number); overdue is the reminder's own verdict (``domain.renewals``).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from transfers_app.domain.formatting import day
from transfers_app.domain.renewals import Reminder, days_left_text
from ui.models.rows import RowsTableModel, SortRole, date_key

_RED = QColor("#b00020")


class Column(IntEnum):
    STATE = 0
    DUE = 1
    DAYS_LEFT = 2
    WHAT = 3
    SUBJECT = 4
    PARTIES = 5


HEADERS = {
    Column.STATE: "State",
    Column.DUE: "Due",
    Column.DAYS_LEFT: "Days left",
    Column.WHAT: "What",
    Column.SUBJECT: "Subject",
    Column.PARTIES: "Parties",
}
# Columns that give up width (down to these) so that every column fits the page, and the
# widest a column is made when first sized to its contents.
ELASTIC: dict[int, int] = {Column.SUBJECT: 220, Column.PARTIES: 120}
CAPS: dict[int, int] = {Column.SUBJECT: 460}
WHAT_LABELS = {
    "expiry": "Expiry",
    "notice": "Notice deadline",
    "review": "Document review",
    "dpf_recheck": "DPF re-check",
    "tia_review": "Assessment review",
}


def days_text(days: int) -> str:
    return days_left_text(days)


class RemindersModel(RowsTableModel[Reminder]):
    headers = HEADERS

    def __init__(self, reminders: list[Reminder], parent: Any = None) -> None:
        # Overdue first, then by due date.
        super().__init__(
            sorted(reminders, key=lambda r: (not r.overdue, r.due_on, r.subject)), parent
        )

    def reminder(self, row: int) -> Reminder:
        return self._rows[row]

    def cell(self, r: Reminder, column: int, role: int) -> Any:
        col = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            if col is Column.STATE:
                return "OVERDUE" if r.overdue else "due"
            if col is Column.DUE:
                return day(r.due_on)
            if col is Column.DAYS_LEFT:
                return days_text(r.days_left)
            if col is Column.WHAT:
                return WHAT_LABELS.get(r.what, r.what)
            if col is Column.SUBJECT:
                return r.subject
            return r.parties
        if role == SortRole:
            if col is Column.STATE:
                return 0 if r.overdue else 1
            if col is Column.DUE:
                return date_key(r.due_on)
            if col is Column.DAYS_LEFT:
                return r.days_left
            return str(self.cell(r, column, Qt.ItemDataRole.DisplayRole)).casefold()
        if role == Qt.ItemDataRole.ForegroundRole and r.overdue:
            return QBrush(_RED)
        if role == Qt.ItemDataRole.FontRole and r.overdue and col is Column.STATE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col in (Column.SUBJECT, Column.PARTIES):
            return f"{r.subject}\n{r.parties}"
        return None
