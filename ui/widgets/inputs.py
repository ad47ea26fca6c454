"""Inputs the pages and editors share: a page's search box, a date that may be unset, and a
combo that reads its long list only when opened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from transfers_app.domain.formatting import DateOrder, date_order


class SearchBox(QLineEdit):
    """A page's search field: it says what it searches, clears with one click, and takes
    the cursor on Ctrl+F with its text selected (to type over)."""

    def __init__(self, placeholder: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setAccessibleName(name)

    def take_focus(self) -> bool:
        """Ctrl+F: the cursor here, the text selected; True (the page has a search)."""
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()
        return True


class LazyComboBox(QComboBox):
    """A combo that reads its full list when first opened or typed in: the list may come from
    a register of 100,000 entities, and most edits never open it."""

    def __init__(
        self, loader: Callable[[], list[tuple[str, Any]]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._loaded = False

    def ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        current, text = self.currentData(), self.currentText()
        with QSignalBlocker(self):
            first = (self.itemText(0), self.itemData(0)) if self.count() else None
            self.clear()
            if first is not None:
                self.addItem(*first)
            for label, value in self._loader():
                self.addItem(label, value)
            found = self.findData(current) if current is not None else 0
            if found < 0:  # keep a value that is not on the list
                self.addItem(text, current)
                found = self.count() - 1
            self.setCurrentIndex(found)

    def showPopup(self) -> None:
        self.ensure_loaded()
        super().showPopup()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.ensure_loaded()
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.ensure_loaded()
        super().wheelEvent(event)


# A date field shows its date as ``formatting.day`` writes it (Qt's month names follow the
# system locale, as the order does).
_QT_DATE_FORMATS = {
    DateOrder.DMY: "d MMM yyyy",
    DateOrder.MDY: "MMM d, yyyy",
    DateOrder.YMD: "yyyy-MM-dd",
}


def date_display_format() -> str:
    """The display format of every date field of the app."""
    return _QT_DATE_FORMATS[date_order()]


class OptionalDateEdit(QWidget):
    """A date that may be unset: a checkbox turns it on; unchecked means "not set"."""

    changed = Signal()

    def __init__(self, label: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox()
        self.check.setToolTip(f"Set the date {label.lower()}")
        self.check.setAccessibleName(f"{label}: set")
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(date_display_format())
        self.edit.setDate(QDate(today.year, today.month, today.day))
        self.edit.setAccessibleName(label)
        self.edit.setEnabled(False)
        self.edit.setVisible(False)
        self.hint = QLabel("not set")
        self.hint.setEnabled(False)
        self.hint.setBuddy(self.check)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.hint, 1)
        self.setFocusProxy(self.check)
        self.check.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(self.changed)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.edit.setVisible(on)
        self.hint.setVisible(not on)
        self.changed.emit()

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        q = self.edit.date()
        return date(q.year(), q.month(), q.day())

    def set_value(self, value: date | None) -> None:
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))
        self.check.setChecked(value is not None)
        self._toggled(value is not None)
