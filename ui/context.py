"""What every page and dialog of the app is given: the services, the date, where things are."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from transfers_app.domain.team_register import TeamRegister
from transfers_app.paths import AppPaths
from transfers_app.ports.storage import RegisterRole, StorageInfo
from transfers_app.reference.loader import ReferenceSet
from transfers_app.services.app import AppServices
from transfers_app.services.register import StatusReport

# Why a procurement user's register is read-only but for proposals.
PROCUREMENT_ONLY = (
    "your role on this register is procurement: you may propose suppliers, not change what is on it"
)


class Registers(Protocol):
    """The registers the app can switch to (built by the composition root). Each call opens
    and checks; a problem is one clear ``StorageError`` (``PasswordRequired`` when the server
    asks for a password); ``password`` goes to the connections only, never to a file."""

    def recent(self) -> list[TeamRegister]:
        """The team registers this user connected to, the last one first."""
        ...

    def check(self, address: TeamRegister, password: str | None = None) -> str:
        """Connect, check the register and disconnect; what was found, in a sentence."""
        ...

    def team(self, address: TeamRegister, password: str | None = None) -> UiContext:
        """The team register at ``address``, opened (and remembered for the next start)."""
        ...

    def file(self) -> UiContext:
        """The register file on this computer, opened (and the next start opens it)."""
        ...


@dataclass
class UiContext:
    # The services of the GUI thread, built by the composition root.
    services: AppServices
    # New services on a connection of their own, for one background job (a register's
    # connection belongs to the thread that opened it); they share the reference data in use.
    services_factory: Callable[[], AppServices]
    paths: AppPaths
    today: date
    # Where a background job's services go when it is done (None: they are closed): a team
    # register keeps a few connections open for the next job instead of opening one each time.
    release: Callable[[AppServices], None] | None = None
    # Switching to another register (None: this window cannot, as in most tests).
    registers: Registers | None = None
    # Closes what the register holds open besides ``services`` (idle background connections).
    on_close: Callable[[], None] | None = None

    # One status report shared by every page: computed once per register generation and
    # reference set, whichever page (or background thread) asks first; the others wait for it.
    _status_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _status: tuple[tuple[int, int, date, ReferenceSet], StatusReport] | None = field(
        default=None, repr=False
    )

    # Counts the bursts of changes heard from others: a change that bypassed the audit trail
    # (a script's) leaves the generation as it was, and must be read again all the same.
    heard: int = 0

    # Why the register cannot be changed (None: it can), and the user's role on a team
    # register; asked once, when first needed.
    _read_only: tuple[str | None] | None = field(default=None, repr=False)
    _storage: StorageInfo | None = field(default=None, repr=False)

    @property
    def role(self) -> RegisterRole | None:
        """The user's role on a team register (the database enforces it); None: every right
        (a register file, the register's owner)."""
        return self.storage.role

    @property
    def may_propose(self) -> bool:
        """The user may not change the register but may propose a supplier: a new entity in
        lifecycle "proposed", with its locations and transfers (the procurement role)."""
        return self.role is RegisterRole.PROCUREMENT

    @property
    def read_only(self) -> str | None:
        """Why the register cannot be changed (a read-only file or folder, an auditor's or
        procurement's role); None: it can. Every editor's Save and the main window's edit
        actions follow it; where ``may_propose``, a new entity and its transfers can still be
        saved (``RecordEditor.proposable``)."""
        if self._read_only is None:
            reason = self.services.read_only
            if reason is None and self.may_propose:
                reason = PROCUREMENT_ONLY
            self._read_only = (reason,)
        return self._read_only[0]

    @property
    def ref(self) -> ReferenceSet:
        """The reference data in use (loading a newer bundle changes it for every service)."""
        return self.services.reference.current

    @property
    def storage(self) -> StorageInfo:
        """Where the register is (asked once: it stays where it is)."""
        if self._storage is None:
            self._storage = self.services.settings.storage()
        return self._storage

    @property
    def database(self) -> str:
        """Where the register is, as the window says it: the file, or on a server "Team
        register: dbname on host (as USER)"."""
        info = self.storage
        return f"Team register: {info.location}" if info.server else info.location

    def close(self) -> None:
        """Close the register: the window's services and the background connections."""
        self.services.close()
        if self.on_close is not None:
            self.on_close()

    def status(self, services: AppServices | None = None) -> StatusReport:
        """The register's status today, shared across pages and threads.

        ``services`` are the caller's own (a background thread's connection).
        """
        register = (services or self.services).register
        with self._status_lock:
            # The set itself, not its id(): a replaced set may be freed and its id reused.
            key = (register.generation(), self.heard, self.today, register.ref)
            if self._status is not None and self._status[0] == key:
                return self._status[1]
            report = register.compute_status(self.today)
            self._status = (key, report)
            return report
