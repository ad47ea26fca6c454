"""Choose several destinations: typed or picked, each shown as a removable chip in a flowing
row (the supplier check's countries)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QMargins,
    QPoint,
    QRect,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import (
    country_name,
)
from transfers_app.domain.names import fold
from transfers_app.errors import ValidationError
from ui.pages.supplier_report import choice_label, parse_destination


class FlowLayout(QLayout):
    """Lays its items out left to right, wrapping to the next line (the chips)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), test_only=True)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, test_only=False)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _do_layout(self, rect: QRect, test_only: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            next_x = x + hint.width() + self._spacing
            if next_x - self._spacing > rect.right() and line_height > 0:
                x = rect.x()
                y += line_height + self._spacing
                next_x = x + hint.width() + self._spacing
                line_height = 0
            if not test_only:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x = next_x
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class CountryPicker(QWidget):
    """A searchable multi-select of destinations: type, pick from the list, see chips."""

    changed = Signal()

    def __init__(self, choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels = {code: choice_label(code, name) for code, name in choices}
        self._codes: list[str] = []
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Type a country or organisation, e.g. India, US, EPO")
        self.edit.setAccessibleName("Add a country")
        self.edit.setClearButtonEnabled(True)
        # The page ranks the suggestions itself (a code or a name's start first: "indi" offers
        # India before British Indian Ocean Territory), so the completer shows them unfiltered.
        self.suggestion_model = QStringListModel(self)
        self.completer = QCompleter(self.suggestion_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated.connect(self._picked)
        self.edit.textEdited.connect(self._suggest)
        self.edit.returnPressed.connect(self._entered)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add the country typed on the left")
        self.add_button.clicked.connect(self._entered)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318;")
        self.error.setVisible(False)
        self.chips = QWidget()
        self.chips_layout = FlowLayout(self.chips)
        self.empty = QLabel("No country chosen yet.")
        self.empty.setStyleSheet("color: #57606a;")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.empty)
        layout.addWidget(self.chips)

    def codes(self) -> list[str]:
        return list(self._codes)

    def suggestions(self, text: str, limit: int = 40) -> list[str]:
        """The destinations that match ``text``, best first: the code, then a name starting
        with it, then a word of a name starting with it, then a name containing it."""
        needle = fold(text.strip())
        if not needle:
            return []
        ranked: list[tuple[int, str]] = []
        for code, label in self._labels.items():
            name = fold(label)
            if code.casefold() == needle:
                rank = 0
            elif name.startswith(needle):
                rank = 1
            elif any(word.startswith(needle) for word in name.split()):
                rank = 2
            elif needle in name:
                rank = 3
            else:
                continue
            ranked.append((rank, label))
        ranked.sort(key=lambda item: (item[0], item[1].casefold()))
        return [label for _, label in ranked[:limit]]

    def _suggest(self, text: str) -> None:
        found = self.suggestions(text)
        self.suggestion_model.setStringList(found)
        if found:
            self.completer.complete()
        elif (popup := self.completer.popup()) is not None:
            popup.hide()

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def add_country(self, text: str) -> bool:
        """Add a destination from a code, a name or a picked label; False (and a message) if
        it is not a country or organisation the app knows."""
        if not text.strip():
            return False
        try:
            code = parse_destination(text)
        except ValidationError as exc:
            self.error.setText(f"Unknown country {text.strip()!r}: {exc.message.split(': ')[-1]}")
            self.error.setVisible(True)
            return False
        self.error.setVisible(False)
        self.error.clear()
        if code not in self._codes:
            self._codes.append(code)
            self._rebuild()
            self.changed.emit()
        return True

    def remove_country(self, code: str) -> None:
        if code in self._codes:
            self._codes.remove(code)
            self._rebuild()
            self.changed.emit()

    def set_codes(self, codes: Iterable[str]) -> None:
        self._codes = list(dict.fromkeys(codes))
        self.error.setVisible(False)
        self._rebuild()
        self.changed.emit()

    def _label(self, code: str) -> str:
        return self._labels.get(code) or choice_label(code, country_name(code))

    def _rebuild(self) -> None:
        while (item := self.chips_layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        for code in self._codes:
            chip = QToolButton()
            chip.setText(f"{self._label(code)}  ✕")
            chip.setToolTip(f"Remove {self._label(code)}")
            chip.setAccessibleName(f"Remove {self._label(code)}")
            chip.setAutoRaise(False)
            chip.setStyleSheet(
                "QToolButton { border: 1px solid palette(mid); border-radius: 9px; "
                "padding: 2px 8px; background: palette(alternate-base); }"
                "QToolButton:hover { background: palette(midlight); }"
            )
            chip.clicked.connect(lambda _=False, c=code: self.remove_country(c))
            self.chips_layout.addWidget(chip)
        self.empty.setVisible(not self._codes)
        self.chips.setVisible(bool(self._codes))
        self.chips_layout.invalidate()
        self.chips.updateGeometry()

    def _picked(self, text: str) -> None:
        if self.add_country(text):
            # The line edit puts the completion into itself after this slot: clear it after.
            QTimer.singleShot(0, self.edit.clear)

    def _entered(self) -> None:
        text = self.edit.text()
        if self.add_country(text):
            self.edit.clear()
