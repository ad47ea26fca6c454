"""Form rows with a place for the field's validation message, shared by the editors."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

ERROR_COLOUR = "#b3261e"
ERROR_STYLE = f"color: {ERROR_COLOUR};"


class FieldMessages:
    """Mixin for dialogs that show each validation message beside its field.

    The dialog sets ``self._errors = {}`` before building its form.
    """

    _errors: dict[str, QLabel]

    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error-{field}")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.setVisible(False)
        self._errors[field] = label
        return label

    def _row(self, form: QFormLayout, text: str, field: str, widget: QWidget) -> None:
        """A form row: the field, and under it the place for its validation message."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(self._error_label(field))
        label = QLabel(text)
        label.setBuddy(widget)
        form.addRow(label, box)
