"""Which register the desktop app is on, and switching it (part of the composition root: it
opens stores; ``transfers_app.cli`` hands an ``AppRegisters`` to ``ui.app.run``).

- ``AppRegisters`` implements ``ui.context.Registers``: the register file on this computer,
  or a team register on a PostgreSQL server, each opened into a ``UiContext`` of its own.
- ``RecentRegisters``: the team registers this user connected to, the last one first, in the
  user's settings folder (``AppPaths.registers``); a URL never carries a password there.
  ``last`` None: the register file (the user went back to it).
- ``WorkerPool``: a team register's background jobs reuse a few connections, one job at a
  time each (a psycopg connection is never used by two threads at once), instead of opening
  one per job: a connection to a server costs more than many of the jobs it serves.

A password the user typed is held by the ``UiContext``'s factory for the connections of that
register (the background jobs open more), and nowhere else: never written, never shown.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from transfers_app.domain.team_register import AddressError, TeamRegister
from transfers_app.paths import AppPaths

if TYPE_CHECKING:
    from transfers_app.ports.files import FileAdapters
    from transfers_app.ports.storage import JournalMode
    from transfers_app.services.app import AppServices
    from transfers_app.services.reference import ReferenceSource
    from ui.context import UiContext

# How many team registers File > Connect offers again.
RECENT = 5


@dataclass
class RecentRegisters:
    """The user's team registers (``path``: a small JSON file), read once, written on change."""

    path: Path
    last: TeamRegister | None = None
    recent: list[TeamRegister] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> RecentRegisters:
        """What ``path`` remembers; a missing or unreadable file remembers nothing (it is a
        convenience: the app starts on the register file rather than refuse to start)."""
        try:
            data = json.loads(path.read_text("utf-8"))
            last = data.get("last")
            recent = [TeamRegister.parse(u) for u in data.get("recent", []) if isinstance(u, str)]
            return cls(path, TeamRegister.parse(last) if isinstance(last, str) else None, recent)
        except (OSError, ValueError, AttributeError, AddressError):
            return cls(path)

    def remember(self, address: TeamRegister | None) -> None:
        """``address`` (None: the register file) is where the next start opens."""
        self.last = address
        if address is not None:
            self.recent = [address, *[r for r in self.recent if r != address]][:RECENT]
        data = {"last": address.url if address else None, "recent": [r.url for r in self.recent]}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass  # not remembered: the register itself is open all the same


class WorkerPool:
    """Services for background jobs, each used by one job at a time and kept for the next.

    ``open`` makes a bundle; ``usable(bundle)`` says whether a returned one can serve again
    (its connection alive and outside a transaction). At most ``keep`` wait unused.
    """

    def __init__(
        self,
        open_services: Callable[[], AppServices],
        usable: Callable[[AppServices], bool],
        keep: int = 4,
    ) -> None:
        self._open = open_services
        self._usable = usable
        self._keep = keep
        self._idle: list[AppServices] = []
        self._lock = threading.Lock()
        self._closed = False

    def take(self) -> AppServices:
        while True:
            with self._lock:
                services = self._idle.pop() if self._idle else None
            if services is None:
                return self._open()
            if self._usable(services):
                return services
            services.close()

    def give_back(self, services: AppServices) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self._keep and self._usable(services):
                self._idle.append(services)
                return
        services.close()

    def close(self) -> None:
        """Close the idle connections (no job is running: the window waited for them)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for services in idle:
            services.close()


@dataclass
class AppRegisters:
    """The registers the desktop app can be on (``ui.context.Registers``)."""

    paths: AppPaths
    reference: ReferenceSource
    files: FileAdapters
    today: date
    journal: JournalMode | None = None
    remembered: RecentRegisters = field(init=False)

    def __post_init__(self) -> None:
        self.remembered = RecentRegisters.load(self.paths.registers)

    def recent(self) -> list[TeamRegister]:
        return list(self.remembered.recent)

    def check(self, address: TeamRegister, password: str | None = None) -> str:
        from db.postgres import PgStore, open_postgres

        store = PgStore(open_postgres(address.url, password=password))
        try:
            where = store.storage.location
            entities = len(store.entities.list())
        finally:
            store.close()
        held = "no entities yet" if not entities else f"{entities} entities"
        return f"Connected to {where}: a Transfer Register with {held}."

    def team(self, address: TeamRegister, password: str | None = None) -> UiContext:
        ctx = self.open(address.url, password)
        self.remembered.remember(address)
        return ctx

    def file(self) -> UiContext:
        ctx = self.open(None)
        self.remembered.remember(None)
        return ctx

    def open(self, database: str | None, password: str | None = None) -> UiContext:
        """A context on the register file (``database`` None) or the team register at the
        URL ``database``, as given (``--database``: not remembered)."""
        from transfers_app.cli import open_services

        services = open_services(
            self.paths,
            self.reference,
            self.files,
            self.today,
            database,
            journal=self.journal if database is None else None,
            password=password,
        )
        return self.context(services, database, password)

    def context(
        self, services: AppServices, database: str | None, password: str | None = None
    ) -> UiContext:
        """The window's context around ``services`` (already open on ``database``)."""
        from transfers_app.cli import open_services
        from ui.context import UiContext

        paths, reference, files, today = self.paths, self.reference, self.files, self.today

        def for_a_worker() -> AppServices:
            # The run's first connection checked the file's integrity.
            return open_services(
                paths, reference, files, today, database, verify=False, password=password
            )

        if database is None:
            # A register file: a connection per job is cheap, and none may stay open while
            # the journal mode changes (SQLite needs the file to itself for that).
            return UiContext(services, for_a_worker, paths, today, registers=self)
        pool = WorkerPool(for_a_worker, connection_usable)
        return UiContext(
            services,
            pool.take,
            paths,
            today,
            release=pool.give_back,
            registers=self,
            on_close=pool.close,
        )


def connection_usable(services: AppServices) -> bool:
    """A team register's bundle can serve another job: its connection is alive and idle."""
    from db.postgres import PgStore

    store = services._store
    if not isinstance(store, PgStore):
        return False
    raw = store.connection.raw
    return not (raw.closed or raw.broken or store.connection.in_transaction)
