"""The port for changes made by others: a shared register tells each open window what another
client committed, so the window can show it without a restart.

``ChangeFeed`` is what a store hands out (``Store.changes()``); the desktop app starts it when
its window opens and stops it when the window closes. A register file kept by one person has
no one else to hear from: ``NoChanges``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class RegisterChange:
    """What one committed transaction changed on the register.

    ``records``: by aggregate (``entities``, ``transfers``, ``documents``, ``tias``...), the ids
    of the records changed, so far as they were named (a bulk change names the first ones and
    sets ``more``). ``everything``: the listener was cut off and may have missed changes, so
    anything may have changed. ``own``: the change came through this store's own connection
    (the window that made it has refreshed already).
    """

    actor: str
    at: datetime | None
    records: Mapping[str, frozenset[int]] = field(default_factory=dict)
    more: frozenset[str] = frozenset()  # aggregates with more records changed than named
    own: bool = False
    everything: bool = False

    def touches(self, aggregate: str, record_id: int | None) -> bool:
        """Whether the record ``record_id`` of ``aggregate`` may have been changed."""
        if self.everything or aggregate in self.more:
            return True
        return record_id is not None and record_id in self.records.get(aggregate, frozenset())


class ChangeFeed(Protocol):
    """Tells of each transaction another client commits on the register."""

    @property
    def live(self) -> bool:
        """Whether other clients' changes are heard at all (False: a register file)."""
        ...

    def start(self, deliver: Callable[[RegisterChange], None]) -> None:
        """Start listening without blocking the caller: ``deliver`` is called on a thread of
        the feed's own, once per committed transaction, never after ``stop`` returned."""
        ...

    def wait_listening(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds until changes are heard; whether they are."""
        ...

    def stop(self) -> None:
        """Stop listening and wait for the feed's thread to end (a second call does nothing)."""
        ...


class NoChanges:
    """A ``ChangeFeed`` that hears nothing: the register has no other clients to hear from."""

    live = False

    def start(self, deliver: Callable[[RegisterChange], None]) -> None:
        del deliver

    def wait_listening(self, timeout: float) -> bool:
        del timeout
        return False

    def stop(self) -> None:
        pass
