"""Someone else saved the record first: their version beside yours, field by field, and the
choice to reload theirs (then make your change again) or keep editing. Nothing is overwritten.

Built with data (``ConflictDialog(error, opened, theirs, yours)``); ``ask`` wraps ``exec()``.
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transfers_app.errors import ConflictError, when_text
from ui.models.audit import field_label

# Bookkeeping the header already says (versions) or nobody edits.
_SKIPPED = frozenset({"id", "version", "created_at", "updated_at"})
THEIR_CHANGE = QColor("#fde7e9")
YOUR_CHANGE = QColor("#fff3c4")
EMPTY = "—"


def shown(value: Any) -> str:
    """A field's value as the user reads it."""
    if value is None or value == "" or value == ():
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return when_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(shown(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = (
            f"{f.name.replace('_', ' ')}: {shown(getattr(value, f.name))}"
            for f in dataclasses.fields(value)
            if getattr(value, f.name) not in (None, "", (), False)
        )
        return "; ".join(parts) or EMPTY
    return str(value)


@dataclass(frozen=True, slots=True)
class FieldVersions:
    field: str
    opened: str  # as the user opened it
    theirs: str  # as the other person saved it
    yours: str  # as the user edited it

    @property
    def they_changed(self) -> bool:
        return self.theirs != self.opened

    @property
    def you_changed(self) -> bool:
        return self.yours != self.opened

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


def compare_versions(
    opened: object | None, theirs: object | None, yours: object
) -> list[FieldVersions]:
    """Every field of the record in the three versions (fields that differ first)."""
    if not dataclasses.is_dataclass(yours):
        return []
    rows = []
    for f in dataclasses.fields(yours):
        if f.name in _SKIPPED:
            continue
        mine = shown(getattr(yours, f.name))
        rows.append(
            FieldVersions(
                f.name,
                shown(getattr(opened, f.name)) if opened is not None else EMPTY,
                shown(getattr(theirs, f.name)) if theirs is not None else "(not readable)",
                mine,
            )
        )
    return sorted(rows, key=lambda r: not r.differs)


class ConflictDialog(QDialog):
    def __init__(
        self,
        error: ConflictError,
        opened: object | None,
        theirs: object | None,
        yours: object,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone else saved this first")
        self.setSizeGripEnabled(True)
        self.resize(820, 520)
        self.error = error
        self.rows = compare_versions(opened, theirs, yours)
        self.reload_chosen = False
        who = error.changed_by or "Someone else"
        when = f" on {when_text(error.changed_at)}" if error.changed_at is not None else ""
        self.message = QLabel(
            f"<p><b>Your changes were not saved.</b> {html.escape(who)} saved this "
            f"{error.label} (#{error.record_id}){when}, after you opened it "
            f"(it is now version {error.stored_version}; you opened version "
            f"{error.expected_version}). Nothing was overwritten.</p>"
            "<p>Reload their version, then make your change again; or keep editing to copy "
            "what you typed first.</p>"
        )
        self.message.setWordWrap(True)
        self.only_different = QCheckBox("Only the fields that differ")
        self.only_different.setChecked(True)
        self.only_different.toggled.connect(self._fill)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            ["Field", "When you opened it", f"Saved by {who}", "Yours (not saved)"]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.setAccessibleName("Their version and yours")
        buttons = QDialogButtonBox()
        self.reload_button = QPushButton("Reload their version")
        self.reload_button.setToolTip("Close the editor and open it again on what is saved now")
        self.keep_button = QPushButton("Keep editing")
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reload_button.clicked.connect(self._reload)
        self.keep_button.clicked.connect(self.reject)
        self.keep_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.only_different)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._fill()

    def _fill(self) -> None:
        rows = [r for r in self.rows if r.differs or not self.only_different.isChecked()]
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = (field_label(r.field), r.opened, r.theirs, r.yours)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 2 and r.they_changed:
                    item.setBackground(QBrush(THEIR_CHANGE))
                    item.setToolTip("Their change")
                if j == 3 and r.you_changed:
                    item.setBackground(QBrush(YOUR_CHANGE))
                    item.setToolTip("Your change")
                self.table.setItem(i, j, item)
        self.table.resizeRowsToContents()

    def _reload(self) -> None:
        self.reload_chosen = True
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        error: ConflictError,
        opened: object | None,
        theirs: object | None,
        yours: object,
    ) -> bool:
        """Show both versions; True when the user chose to reload theirs."""
        dialog = cls(error, opened, theirs, yours, parent)
        dialog.exec()
        return dialog.reload_chosen
