"""Form rows with a place for the field's validation message, and the Save/Cancel foot, shared
by the editors."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.errors import ValidationError

ERROR_COLOUR = "#b3261e"
ERROR_STYLE = f"color: {ERROR_COLOUR};"


def form_layout() -> QFormLayout:
    """A form whose fields take the width they are given, each label right-aligned at the top
    of its row (beside a field that grows a message under it)."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return form


def save_cancel_row(
    message: QLabel,
    on_save: Callable[[], object],
    on_cancel: Callable[[], object],
    *,
    save_text: str = "",
    save_shortcut: bool = True,
) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """A dialog's foot: ``message`` (why it cannot be saved) on the left, Save (``save_text``
    if given; Ctrl+S unless not ``save_shortcut``) and Cancel on the right, connected; the row
    and the two buttons."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert save is not None and cancel is not None
    if save_text:
        save.setText(save_text)
    if save_shortcut:
        save.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
    save.clicked.connect(on_save)
    cancel.clicked.connect(on_cancel)
    row = QHBoxLayout()
    row.addWidget(message, 1)
    row.addWidget(buttons)
    return row, save, cancel


def button_row(*widgets: QWidget) -> QHBoxLayout:
    """``widgets`` (buttons, check boxes) side by side on the left of a row, the room left
    after them."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


class FieldMessages:
    """Mixin for dialogs that show each validation message beside its field.

    The dialog sets ``self._errors = {}`` before building its form.
    """

    _errors: dict[str, QLabel]
    # The fields the user has edited (``_refused`` adds those with a problem).
    _touched: set[str]
    # What ``_offer_save`` enables, and where it says what is still wrong.
    save_button: QPushButton
    summary: QLabel
    # How a message looks (a dialog may keep its own red).
    error_style = ERROR_STYLE

    def _error_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error-{field}")
        label.setStyleSheet(self.error_style)
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

    def _field_form(self, *rows: tuple[str, str, QWidget]) -> QFormLayout:
        """A form (``form_layout``) of ``rows``: (label, field, widget), each with the place
        for its message."""
        form = form_layout()
        for text, field, widget in rows:
            self._row(form, text, field, widget)
        return form

    def _offer_save(self, ok: bool, pending: list[str], before: str, read_only: str | None) -> None:
        """Save is offered only when the record is ``ok`` and the register writable; the
        summary says what is still wrong (after ``before``, e.g. "Before saving"), or why
        nothing can be saved."""
        self.save_button.setEnabled(ok and read_only is None)
        self.summary.setText(f"{before}: " + "; ".join(pending) if pending else "")
        if read_only is not None:
            self.summary.setText(f"The register is read-only ({read_only}): nothing can be saved")

    def _refused(self, found: Collection[ValidationError], validate: Callable[[], object]) -> bool:
        """On Save: if there is any problem, every field with one counts as touched and
        ``validate`` (the dialog's own) shows each message; True then (nothing is saved)."""
        if not found:
            return False
        self._touched.update(p.field for p in found)
        validate()
        return True

    def _show_messages(
        self,
        found: Iterable[ValidationError],
        touched: Collection[str],
        quiet: Collection[str],
        name: Callable[[str], str],
    ) -> list[str]:
        """Show each field's messages beside it; what is not shown there, for a summary.

        A field the user has not touched yet keeps quiet while its messages are all in
        ``quiet`` (it is only still empty); a message about a field without a place of its
        own has nowhere else to go. ``name`` gives a field's name in the summary."""
        by_field: dict[str, list[str]] = {}
        for p in found:
            by_field.setdefault(p.field, []).append(p.message)
        pending: list[str] = []
        for field, label in self._errors.items():
            texts = by_field.pop(field, [])
            only_quiet = all(t in quiet for t in texts)
            shown = bool(texts) and (field in touched or not only_quiet)
            label.setText("; ".join(texts) if shown else "")
            label.setVisible(shown)
            if texts and not shown:
                pending.append(f"{name(field)} {'; '.join(texts)}")
        for field, texts in by_field.items():
            pending.append(f"{name(field)}: {'; '.join(texts)}")
        return pending
