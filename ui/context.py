"""What every page and dialog of the app is given: the services, the date, where things are."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from transfers_app.paths import AppPaths
from transfers_app.ports.storage import RegisterRole
from transfers_app.reference.loader import ReferenceSet
from transfers_app.services.app import AppServices
from transfers_app.services.register import StatusReport

# Why a procurement user's register is read-only but for proposals.
PROCUREMENT_ONLY = (
    "your role on this register is procurement: you may propose suppliers, not change what is on it"
)


@dataclass
class UiContext:
    # The services of the GUI thread, built by the composition root.
    services: AppServices
    # New services on a connection of their own, for one background job (a register's
    # connection belongs to the thread that opened it); they share the reference data in use.
    services_factory: Callable[[], AppServices]
    paths: AppPaths
    today: date

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
    _role: tuple[RegisterRole | None] | None = field(default=None, repr=False)

    @property
    def role(self) -> RegisterRole | None:
        """The user's role on a team register (the database enforces it); None: every right
        (a register file, the register's owner)."""
        if self._role is None:
            self._role = (self.services.settings.storage().role,)
        return self._role[0]

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
    def database(self) -> str:
        """Where the register is: its file, or its server and database (no password)."""
        return self.services.settings.storage().location

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
