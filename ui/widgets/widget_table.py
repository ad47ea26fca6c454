"""A table whose cells are editing widgets, for the short lists inside an editor (measures,
risk scores, factors): rows are added and removed whole, each row keeps the object that owns
its widgets, and any edit in any cell is one ``edited`` signal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QWidget,
)

R = TypeVar("R")


class WidgetTable(QTableWidget, Generic[R]):
    """Rows of editing widgets; ``rows()`` gives each row's owner object, in table order."""

    edited = Signal()

    def __init__(
        self,
        headers: Sequence[str],
        stretch: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        for column in range(len(headers)):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column in stretch
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        self._rows: list[R] = []
        self._widgets: list[tuple[QWidget, ...]] = []

    # -- rows -----------------------------------------------------------------------------------

    def add_row(self, owner: R, widgets: Sequence[QWidget], select: bool = True) -> int:
        """Append a row of ``widgets`` (one per column) owned by ``owner``; its number."""
        row = self.rowCount()
        self.insertRow(row)
        height = 0
        for column, widget in enumerate(widgets):
            cell = self._cell(widget)
            self.setCellWidget(row, column, cell)
            height = max(height, cell.sizeHint().height())
            self._watch(widget)
        self.setRowHeight(row, height + 4)
        self._rows.append(owner)
        self._widgets.append(tuple(widgets))
        if select:
            self.selectRow(row)
        self.edited.emit()
        return row

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        # The lists first: removing the row moves the selection, and its handlers read them.
        del self._rows[row]
        del self._widgets[row]
        self.removeRow(row)
        self.edited.emit()

    def remove_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        self.remove_row(row)
        if self._rows:
            self.selectRow(min(row, len(self._rows) - 1))
        return True

    def clear_rows(self) -> None:
        self.setRowCount(0)
        self._rows = []
        self._widgets = []

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_owner(self, row: int) -> R:
        return self._rows[row]

    def selected_row(self) -> int | None:
        row = self.currentRow()
        return row if 0 <= row < len(self._rows) else None

    def row_of(self, widget: QObject) -> int | None:
        for row, widgets in enumerate(self._widgets):
            if widget in widgets:
                return row
        return None

    # -- cells ----------------------------------------------------------------------------------

    @staticmethod
    def _cell(widget: QWidget) -> QWidget:
        """A check box sits centred in its cell; every other widget fills it."""
        if not isinstance(widget, QAbstractButton):
            return widget
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignCenter)
        box.setFocusProxy(widget)
        return box

    def _watch(self, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit):
            widget.setFrame(False)
            widget.textChanged.connect(self.edited)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.edited)
        elif isinstance(widget, QAbstractSpinBox):
            widget.setFrame(False)
            value_changed = getattr(widget, "valueChanged", None)
            if value_changed is not None:
                value_changed.connect(self.edited)
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(self.edited)
        # Working in a cell selects its row, so "Remove" removes the row being edited.
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            row = self.row_of(watched)
            if row is not None and row != self.currentRow():
                self.selectRow(row)
        return super().eventFilter(watched, event)
