"""The Sub-processor notices page's table: one row per notice, and the filter over it.

``ObjectRole`` gives the ``SubprocessorNotice``; ``SortRole`` real values (dates as dates,
undecided notices first); the proxy tests the notice's decision, never the text shown.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from transfers_app.domain.countries import country_name
from transfers_app.domain.formatting import day
from transfers_app.domain.models import SubprocessorNotice
from transfers_app.services.notices import NoticeView
from ui.models.rows import ObjectRole, RowsTableModel, SortRole, date_key

_Index = QModelIndex | QPersistentModelIndex
_RED = QColor("#b00020")


class Column(IntEnum):
    PROCESSOR = 0
    SUBPROCESSOR = 1
    REPLACES = 2
    COUNTRIES = 3
    RECEIVED = 4
    DEADLINE = 5
    DECISION = 6
    SERVICE = 7


HEADERS = {
    Column.PROCESSOR: "Processor",
    Column.SUBPROCESSOR: "Sub-processor",
    Column.REPLACES: "Replaces",
    Column.COUNTRIES: "Countries",
    Column.RECEIVED: "Received",
    Column.DEADLINE: "Last day to object",
    Column.DECISION: "Decision",
    Column.SERVICE: "Service",
}
# Columns that give up width (down to these) so that every column fits the page.
ELASTIC: dict[int, int] = {
    Column.PROCESSOR: 130,
    Column.SUBPROCESSOR: 130,
    Column.REPLACES: 90,
    Column.DECISION: 150,
}
# The widest a column is made when sized to its contents.
CAPS: dict[int, int] = {
    column: 260
    for column in (Column.PROCESSOR, Column.SUBPROCESSOR, Column.REPLACES, Column.DECISION)
}


class NoticesModel(RowsTableModel[NoticeView]):
    """One row per notice; ``ObjectRole`` gives the ``SubprocessorNotice``."""

    headers = HEADERS

    def view(self, row: int) -> NoticeView:
        return self._rows[row]

    def object_of(self, row: NoticeView) -> SubprocessorNotice:
        return row.notice

    def cell(self, v: NoticeView, column: int, role: int) -> Any:
        col = Column(column)
        n = v.notice
        if role == Qt.ItemDataRole.DisplayRole:
            if col is Column.PROCESSOR:
                return v.processor
            if col is Column.SUBPROCESSOR:
                return v.subprocessor
            if col is Column.REPLACES:
                return v.replaces
            if col is Column.COUNTRIES:
                return ", ".join(n.countries)
            if col is Column.SERVICE:
                return n.service
            if col is Column.RECEIVED:
                return day(n.received_on)
            if col is Column.DEADLINE:
                return v.deadline_text
            return v.decision_text
        if role == SortRole:
            if col is Column.RECEIVED:
                return date_key(n.received_on)
            if col is Column.DEADLINE:
                # Undecided notices first, by deadline; decided ones after them.
                julian = date_key(n.objection_deadline).toJulianDay()
                return julian + (0 if n.decision is None else 100_000_000)
            return str(self.cell(v, column, Qt.ItemDataRole.DisplayRole)).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            if col is Column.COUNTRIES:
                return ", ".join(f"{country_name(c)} ({c})" for c in n.countries)
            if col is Column.DEADLINE:
                return f"{n.notice_period_days} days' notice from {day(n.received_on)}"
            if col is Column.RECEIVED:
                return None
            # Whole, where a narrow column elides it; with the notice's notes.
            text = str(self.cell(v, column, Qt.ItemDataRole.DisplayRole))
            return f"{text}\n\n{n.notes}" if n.notes and text else text or None
        if role == Qt.ItemDataRole.ForegroundRole and v.overdue:
            return QBrush(_RED)
        if role == Qt.ItemDataRole.FontRole and v.overdue and col is Column.DEADLINE:
            font = QFont()
            font.setBold(True)
            return font
        return None


class NoticesProxy(QSortFilterProxyModel):
    """Hides decided notices unless asked; filters on the notice, not its display text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.show_decided = True

    def set_show_decided(self, show: bool) -> None:
        self.beginFilterChange()
        self.show_decided = show
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self.show_decided:
            return True
        model = self.sourceModel()
        notice = model.index(source_row, 0, source_parent).data(ObjectRole)
        return isinstance(notice, SubprocessorNotice) and notice.decision is None
