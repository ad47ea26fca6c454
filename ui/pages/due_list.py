"""The dashboard's "Next 10 due" list: every item shown whole, its words wrapped over as many
lines as the column needs (the rows grow, the list is as tall as its rows: no inner scroll)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QWidget,
)

from transfers_app.domain.renewals import Reminder

_Index = QModelIndex | QPersistentModelIndex
# What a cell's text loses of its column's width to the item's margins, with room to spare
# (measured narrower than it is painted, a row is never too short for its lines).
_MARGINS = 12
_AIR = 9  # above and below a row's text of one line
_WRAPPED_AIR = 5  # ... and of more (the alternating colours keep the rows apart)


def due_target(reminder: Reminder) -> tuple[str, dict[str, Any]]:
    """The page and criteria that show the record a reminder is about: the document on the
    Documents page, the assessment on the Assessments page."""
    found = reminder.record_of()
    if found is not None and found[0] == "document":
        return "documents", {"document_id": found[1]}
    if found is not None and found[0] == "tia":
        return "assessments", {"tia_id": found[1]}
    return "renewals", {}


class _RowDelegate(QStyledItemDelegate):
    """Each row as tall as its wrapped words need (``DueList.row_height``)."""

    def __init__(self, view: DueList, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), self._view.row_height(index))


class DueList(QTreeWidget):
    """The due list: when, how late, the item and its parties; drops the parties column when
    narrow (they stay in the tooltip). A click on an item, or Enter on the current one, opens
    it (``opened``)."""

    ITEM, PARTIES = 2, 3
    WRAPPED = (ITEM, PARTIES)
    PARTIES_MIN_WIDTH = 760
    opened = Signal(object)  # the QTreeWidgetItem
    refitted = Signal()  # the list took a new height

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._least_rows = 0
        self._refit_later = QTimer(self)
        self._refit_later.setSingleShot(True)
        self._refit_later.setInterval(0)
        self._refit_later.timeout.connect(self._refit)
        self.setColumnCount(4)
        self.setHeaderLabels(["Due", "When", "Item", "Parties"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setItemDelegate(_RowDelegate(self, self))
        self.setAlternatingRowColors(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        head = self.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(self.ITEM, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(self.PARTIES, QHeaderView.ResizeMode.Stretch)
        # New widths, new line breaks: the rows and the list's height follow.
        head.sectionResized.connect(lambda *_: self._refit())
        model = self.model()
        model.rowsInserted.connect(lambda *_: self._refit())
        model.rowsRemoved.connect(lambda *_: self._refit())
        model.modelReset.connect(self._refit)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        # A single click opens (not "activated", which also fires on a double-click and,
        # with some styles, on the click before it).
        self.itemClicked.connect(lambda item, _column: self.opened.emit(item))

    def least_row_height(self) -> int:
        return self.fontMetrics().height() + _AIR

    def row_height(self, index: _Index, widths: dict[int, int] | None = None) -> int:
        """The height of ``index``'s row: its tallest wrapped cell, with some air; with the
        columns as wide as they are, or as ``widths`` says (column -> pixels)."""
        metrics = self.fontMetrics()
        tallest = 0
        for column in self.WRAPPED:
            width = self.header().sectionSize(column) if widths is None else widths[column]
            if width <= 0 or (widths is None and self.isColumnHidden(column)):
                continue
            text = str(index.model().index(index.row(), column).data() or "")
            room = QRect(0, 0, max(width - _MARGINS, 20), 100_000)
            flags = int(Qt.TextFlag.TextWordWrap)
            tallest = max(tallest, metrics.boundingRect(room, flags, text).height())
        return max(self.least_row_height(), tallest + _WRAPPED_AIR)

    def height_at(self, width: int) -> int:
        """How tall the list would be at ``width`` (to choose the page's arrangement)."""
        head = self.header()
        spare = width - head.sectionSize(0) - head.sectionSize(1)
        widths = (
            {self.ITEM: spare, self.PARTIES: 0}
            if width < self.PARTIES_MIN_WIDTH
            else {self.ITEM: spare // 2, self.PARTIES: spare - spare // 2}
        )
        return self._height(widths)

    def fit(self, rows: int) -> None:
        """As tall as its items, and at least ``rows`` rows of one line (no inner scroll)."""
        self._least_rows = rows
        self._refit()

    def _height(self, widths: dict[int, int] | None = None) -> int:
        model = self.model()
        rows = model.rowCount()
        listed = sum(self.row_height(model.index(r, 0), widths) for r in range(rows))
        empty = max(self._least_rows - rows, 0) * self.least_row_height()
        return self.header().sizeHint().height() + listed + empty + 4

    def _refit(self) -> None:
        height = self._height()
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)
            self.refitted.emit()
        self.scheduleDelayedItemsLayout()  # the rows' heights asked again

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.opened.emit(item)
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < self.PARTIES_MIN_WIDTH
        if self.isColumnHidden(self.PARTIES) != narrow:
            self.setColumnHidden(self.PARTIES, narrow)
        if event.size().width() != event.oldSize().width():
            # The stretched columns take their new widths once this event is done (the
            # header does not always say so): measure the lines then.
            self._refit_later.start()
