"""What the entity and transfer editors share: Save writes and closes, Cancel asks first."""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtWidgets import QDialog

from transfers_app.errors import TransfersError
from ui import messages

R = TypeVar("R")


class RecordEditor(QDialog, Generic[R]):
    """A dialog that edits one record (``R``): Save checks it, writes it and closes (writing
    nothing when an existing record did not change); Cancel, Esc or the window's close button
    ask before dropping unsaved edits.

    A subclass sets ``original`` (None: a new record) and ``saved`` (None until written) and
    says how the record is checked (``_validate``), written (``_write``) and compared with
    what was loaded (``is_dirty``, ``_mark_clean``).
    """

    # What the record is called in "The ... was not saved".
    noun = "record"
    original: R | None
    saved: R | None

    def _validate(self) -> bool:
        """Show the problems beside the fields; True when there are none."""
        raise NotImplementedError

    def _write(self) -> R:
        """Write the record as edited; what was stored (raises ``TransfersError``)."""
        raise NotImplementedError

    def is_dirty(self) -> bool:
        raise NotImplementedError

    def _mark_clean(self) -> None:
        """What the editor shows now is what is stored."""
        raise NotImplementedError

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

    def _write_or_say(self) -> R | None:
        """``_write``; on an error, say so (the dialog stays open) and None."""
        try:
            return self._write()
        except TransfersError as exc:
            messages.error(self, f"The {self.noun} was not saved.\n\n{exc}")
            return None

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: ask before dropping unsaved edits."""
        if self.saved is None and self.is_dirty() and not messages.discard_changes(self):
            return
        super().reject()
