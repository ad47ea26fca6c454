"""Changes others commit to a shared register, heard while the window is open: the register's
``ChangeFeed`` delivers them on its own thread; ``RemoteChanges`` brings them to the GUI
thread and gathers a burst into one ``settled`` signal, so a thousand changes imported at once
refresh the window once. The window's own saves are left out: it refreshed after them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from transfers_app.domain.formatting import moment
from transfers_app.ports.changes import ChangeFeed, RegisterChange

# How long to gather changes after the first of a burst before the window refreshes.
SETTLE_MS = 400


class RemoteChanges(QObject):
    """Hears ``feed`` from ``start`` until ``stop`` (the window's close)."""

    # The changes by others gathered since the last signal (a list of ``RegisterChange``).
    settled = Signal(list)
    # Emitted on the feed's thread, received on this object's (the GUI thread): queued.
    _arrived = Signal(object)

    def __init__(self, feed: ChangeFeed, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.feed = feed
        self._pending: list[RegisterChange] = []
        self._hearing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._settle)
        self._arrived.connect(self._gather)

    def start(self) -> None:
        if self.feed.live:
            self._hearing = True
            self.feed.start(self._arrived.emit)

    def stop(self) -> None:
        """Stop hearing (the feed's thread ends before this returns); a burst gathered but
        not yet signalled is dropped: the window is closing."""
        self._hearing = False  # what the feed queued before it stopped is dropped too
        self.feed.stop()
        self._timer.stop()
        self._pending.clear()

    def restart(self, feed: ChangeFeed) -> None:
        """Hear another register's ``feed`` instead (the window switched registers)."""
        self.stop()
        self.feed = feed
        self.start()

    def _gather(self, change: RegisterChange) -> None:
        if change.own or not self._hearing:
            return
        self._pending.append(change)
        if not self._timer.isActive():
            self._timer.start()

    def _settle(self) -> None:
        changes, self._pending = self._pending, []
        if changes:
            self.settled.emit(changes)


def who_changed(changes: Sequence[RegisterChange]) -> str:
    """Who changed the register and when (the newest change), as the window says it:
    "alice and bob changed the register (7 Dec 2026 18:03:04)"."""
    names = sorted({c.actor for c in changes if c.actor})
    when = max((c.at for c in changes if c.at is not None), default=None)
    if not names:
        return "The register may have changed (the connection to the server was lost)"
    who = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    return f"{who} changed the register" + (f" ({moment(when)})" if when else "")
