"""What the entity and transfer editors share: Save writes and closes, Cancel asks first, a
save that lost the race to someone else shows both versions, a read-only register saves
nothing."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtWidgets import QBoxLayout, QDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from transfers_app.domain.formatting import moment
from transfers_app.errors import ConflictError, TransfersError
from transfers_app.ports.changes import RegisterChange
from ui import messages

if TYPE_CHECKING:
    from ui.context import UiContext

R = TypeVar("R")


class RecordEditor(QDialog, Generic[R]):
    """A dialog that edits one record (``R``): Save checks it, writes it and closes (writing
    nothing when an existing record did not change); Cancel, Esc or the window's close button
    ask before dropping unsaved edits.

    A subclass sets ``ctx``, ``original`` (None: a new record) and ``saved`` (None until
    written) and says how the record is checked (``_validate``, which enables Save through
    ``_allow_save``), written (``_write``), read as edited (``value``), read as stored now
    (``_stored``) and compared with what was loaded (``is_dirty``, ``_mark_clean``).

    When another person saved the record since it was opened, the save is refused
    (``ConflictError``) and ``ConflictDialog`` shows their version beside the user's; if the
    user chooses to reload, the editor closes with ``reload_requested`` set and its
    ``edit`` opens it again on the stored record. Nothing is overwritten either way.
    """

    # What the record is called in "The ... was not saved".
    noun = "record"
    ctx: UiContext
    original: R | None
    saved: R | None
    save_button: QPushButton
    # The user chose to reload the record someone else saved: open the editor again on it.
    reload_requested = False
    # The aggregate of the record in a notice of changes by others ("entities", "transfers").
    aggregate = ""
    # Shown at the top while someone else has changed the record since it was opened.
    changed_notice: QFrame | None = None
    changed_label: QLabel
    # A new record of this kind is part of a proposal, which a user who ``may_propose`` (the
    # procurement role) can save on a register otherwise read-only to them.
    proposable = False

    def _validate(self) -> bool:
        """Show the problems beside the fields; True when there are none."""
        raise NotImplementedError

    def _write(self) -> R:
        """Write the record as edited; what was stored (raises ``TransfersError``)."""
        raise NotImplementedError

    def value(self) -> R:
        """The record as edited, validated."""
        raise NotImplementedError

    def _read(self, record_id: int) -> R:
        """The record ``record_id`` as it is stored now (raises ``TransfersError``)."""
        raise NotImplementedError

    def _stored(self) -> R | None:
        """The record as it is stored now (None: a new record)."""
        record_id = getattr(self.original, "id", None)
        return None if record_id is None else self._read(record_id)

    def is_dirty(self) -> bool:
        raise NotImplementedError

    def _mark_clean(self) -> None:
        """What the editor shows now is what is stored."""
        raise NotImplementedError

    @property
    def read_only(self) -> str | None:
        """Why nothing can be saved (the register is read-only), or None."""
        if self.proposable and self.original is None and self.ctx.may_propose:
            return None
        return self.ctx.read_only

    def _foot_message(self) -> QLabel | None:
        """The label beside Save (why it cannot be saved), if the editor has one."""
        return None

    def _allow_save(self, problems: bool) -> None:
        """Save is possible when the record has no ``problems`` and the register can be
        written; its tooltip says why not, and on a read-only register so does the line
        beside it."""
        reason = self.read_only
        self.save_button.setEnabled(not problems and reason is None)
        if reason is not None:
            tip = f"The register is read-only ({reason}): nothing can be saved"
            foot = self._foot_message()
            if foot is not None and not foot.text():
                foot.setText(tip)
                foot.setVisible(True)
        elif problems:
            tip = "Fix the problems shown in red first"
        else:
            tip = f"Save the {self.noun} (Ctrl+S)"
        self.save_button.setToolTip(tip)

    def save(self) -> R | None:
        """Write the record; close on success, stay open with a message on an error."""
        if not self._validate():
            return None
        if self.original is not None and not self.is_dirty():
            self.accept()  # nothing changed: nothing to write
            return None
        saved = self._write_or_say()
        if saved is None:
            return None
        self.saved = saved
        self._mark_clean()
        self.accept()
        return saved

    def changed_elsewhere(self, changes: Sequence[RegisterChange]) -> None:
        """Others committed ``changes``: if they may include this record, say so above the
        fields and offer to reload it; what the user typed stays until they choose (a save
        meanwhile meets the conflict dialog, and nothing is overwritten)."""
        record_id = getattr(self.original, "id", None)
        hits = [
            c for c in changes if record_id is not None and c.touches(self.aggregate, record_id)
        ]
        if not hits:
            return
        change = hits[-1]
        if change.everything:
            text = (
                f"This {self.noun} may have been changed while the connection to the server "
                "was lost."
            )
        else:
            who = html.escape(change.actor or "Someone else")
            when = f" at {moment(change.at)}" if change.at is not None else ""
            if record_id in change.records.get(self.aggregate, frozenset()):
                text = f"<b>Changed by {who}{when}</b> since you opened this {self.noun}."
            else:
                text = f"<b>{who} changed many records{when}</b>, perhaps this {self.noun}."
            text += " Reload to see it as stored now (your unsaved edits would be dropped)."
        if self.changed_notice is None:
            self.changed_notice = self._notice_bar()
        self.changed_label.setText(text)
        self.changed_notice.show()

    def _notice_bar(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("changed-elsewhere")
        bar.setStyleSheet(
            "QFrame#changed-elsewhere { background: #fff3c4; border: 1px solid #e0c860; }"
            "QLabel { color: #3d2e00; }"
        )
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 4, 6, 4)
        label = self.changed_label = QLabel()
        label.setWordWrap(True)
        row.addWidget(label, 1)
        reload = QPushButton("Reload")
        reload.setToolTip(f"Open the {self.noun} again as it is stored now")
        reload.clicked.connect(self.reload_stored)
        row.addWidget(reload)
        layout = self.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(0, bar)
        return bar

    def reload_stored(self) -> None:
        """Close and open the record again as stored (asking first if edits would be lost)."""
        if self.is_dirty() and not messages.discard_changes(self):
            return
        self.reload_requested = True
        QDialog.reject(self)

    def _conflict(self, error: ConflictError) -> None:
        """Someone saved the record first: show both versions; reload if the user asks."""
        from ui.dialogs.conflict_dialog import ConflictDialog

        try:
            theirs = self._stored()
        except TransfersError:
            theirs = None  # archived or unreadable now: the message still says who and when
        if ConflictDialog.ask(self, error, self.original, theirs, self.value()):
            self.reload_requested = True
            QDialog.reject(self)  # the user chose: no "discard changes?" question

    def _write_or_say(self) -> R | None:
        """``_write``; on a conflict, the conflict dialog; on another error, say so (the
        dialog stays open) and None."""
        try:
            return self._write()
        except ConflictError as exc:
            self._conflict(exc)
            return None
        except TransfersError as exc:
            messages.error(self, f"The {self.noun} was not saved.\n\n{exc}")
            return None

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: ask before dropping unsaved edits."""
        if self.saved is None and self.is_dirty() and not messages.discard_changes(self):
            return
        super().reject()


E = TypeVar("E", bound=RecordEditor[Any])


def settle(
    parent: QWidget | None, read: Callable[[], R | None], build: Callable[[R | None], E]
) -> E | None:
    """Run the editor ``build`` makes on the record ``read`` gives (None: a new record) until
    the user is done; each time the user chooses to reload a record someone else saved first,
    again on theirs. The last editor, or None when the record could not be read (the user
    was told why)."""
    while True:
        try:
            record = read()
        except TransfersError as exc:
            messages.error(parent, str(exc))
            return None
        dialog = build(record)
        dialog.exec()
        if not dialog.reload_requested:
            return dialog
