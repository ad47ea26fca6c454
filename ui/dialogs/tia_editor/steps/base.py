"""What every step of the TIA editor shares: the builders of its inputs (each registered for
read-only mode and wired to ``edited``), and the boxes its page is laid out in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.forms import FieldMessages

WARNING_STYLE = (
    "QLabel { background: #fff4ce; color: #4d3800; border: 1px solid #e0c060; "
    "border-radius: 4px; padding: 6px; }"
)
NOTE_STYLE = (
    "QLabel { background: #e8f0fb; color: #1d3557; border: 1px solid #b8cbe6; "
    "border-radius: 4px; padding: 6px; }"
)
MUTED_STYLE = "color: #57606a;"


def lock(widget: QWidget, editable: bool) -> None:
    """Read-only text stays readable (and copyable); other inputs are turned off."""
    if isinstance(widget, QLineEdit | QPlainTextEdit | QAbstractSpinBox):
        widget.setReadOnly(not editable)
        if isinstance(widget, QLineEdit):
            widget.setCursorPosition(0)  # show the start of a long text, not its end
    else:
        widget.setEnabled(editable)


def set_combo(combo: QComboBox, value: object) -> None:
    combo.setCurrentIndex(max(combo.findData(value), 0))


class StepPage(FieldMessages, QWidget):
    """One step's page. ``edited`` fires on every change of an input; ``set_editable``
    turns the page read-only (an approved or superseded revision)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._errors: dict[str, QLabel] = {}
        self.inputs: list[QWidget] = []  # every input that read-only mode turns off
        self.editable = True

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for w in self.inputs:
            lock(w, editable)

    def _emit(self, *_args: object) -> None:
        self.edited.emit()

    # -- builders --------------------------------------------------------------------------

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._emit)
        self.inputs.append(edit)
        return edit

    def _text(self, name: str, lines: int = 3, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 14)
        edit.textChanged.connect(self._emit)
        self.inputs.append(edit)
        return edit

    def _choice(self, choices: dict[Any, str], name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for value, label in choices.items():
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self._emit)
        self.inputs.append(combo)
        return combo

    def _check(self, text: str) -> QCheckBox:
        check = QCheckBox(text)
        check.toggled.connect(self._emit)
        self.inputs.append(check)
        return check

    def _button(self, text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: slot())
        if tip:
            button.setToolTip(tip)
        self.inputs.append(button)
        return button

    @staticmethod
    def _form() -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return form

    @staticmethod
    def _intro(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(MUTED_STYLE)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setOpenExternalLinks(True)
        return label

    @staticmethod
    def _rich() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    @staticmethod
    def _box(title: str, *parts: QWidget | QFormLayout | QHBoxLayout | QGridLayout) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        for part in parts:
            if isinstance(part, QWidget):
                column.addWidget(part)
            else:
                column.addLayout(part)
        return box

    def _lay_out(self, *parts: QWidget) -> None:
        column = QVBoxLayout(self)
        for part in parts:
            column.addWidget(part)
        column.addStretch(1)
