"""What every page and dialog of the app is given: the services, the date, where things are."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from transfers_app.paths import AppPaths
from transfers_app.ports.files import FileAdapters
from transfers_app.reference.loader import ReferenceSet
from transfers_app.services.register import RegisterService, StatusReport
from transfers_app.services.tia import TiaService
from transfers_app.services.workspace import Workspace


@dataclass
class UiContext:
    service: RegisterService
    workspace: Workspace
    paths: AppPaths
    today: date
    # A new service on its own database connection, for work in a background thread
    # (an SQLite connection belongs to the thread that opened it).
    service_factory: Callable[[], RegisterService]
    # The file writers and readers (PDF, CSV, XLSX, JSON, lists), built by the composition root.
    files: FileAdapters

    # One status report shared by every page: computed once per register generation and
    # reference set, whichever page (or background thread) asks first; the others wait for it.
    _status_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _status: tuple[tuple[int, date, ReferenceSet], StatusReport] | None = field(
        default=None, repr=False
    )

    _tias: TiaService | None = field(default=None, repr=False)

    @property
    def tias(self) -> TiaService:
        """Transfer impact assessments on the same register, following the reference data in
        use (loading a newer reference file changes what a new draft starts from)."""
        if self._tias is None or self._tias.repo is not self.service.repo:
            self._tias = TiaService(self.service.repo, self.service.ref, self.files.pdf)
        self._tias.ref = self.service.ref
        return self._tias

    @property
    def database(self) -> str:
        return str(self.paths.database)

    def status(self, service: RegisterService | None = None) -> StatusReport:
        """The register's status today, shared across pages and threads.

        ``service`` is the caller's own (a background thread's connection); it follows the
        reference data in use, so loading a newer reference file changes every verdict.
        """
        service = service or self.service
        service.ref = self.service.ref
        with self._status_lock:
            # The set itself, not its id(): a replaced set may be freed and its id reused.
            key = (service.repo.generation(), self.today, self.service.ref)
            if self._status is not None and self._status[0] == key:
                return self._status[1]
            report = service.compute_status(self.today)
            self._status = (key, report)
            return report
