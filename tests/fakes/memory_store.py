"""An in-memory ``Store``: every storage port implemented with dicts, for service tests that
run in milliseconds.

It behaves as the SQLite store does where a user could tell (``tests/db/contract`` runs the
same suite on both): the same validation, record versions and stale-write refusal, audit
entries (same tables, actions and JSON), archive instead of delete, references that must
exist, the one-live-transfer rule, orders of lists, and transactions that roll back whole
(a nested one to where it began). It is not fast on large registers and keeps no files on
disk beyond the optional ``FileStore``.

The record JSON of the audit log comes from ``db.mapping.to_json``: the audit format is one
definition whatever the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from db.files import FileStore
from fakes.memory_core import Core, utcnow
from fakes.memory_organisation import MemoryOpenItems, MemoryOrganisation
from fakes.memory_queries import MemoryBulkRecords, MemoryQueries
from fakes.memory_repositories import (
    MemoryAssessments,
    MemoryAudit,
    MemoryDocuments,
    MemoryEntities,
    MemoryNames,
    MemoryNotices,
    MemoryPublications,
    MemorySettings,
    MemoryTransfers,
)
from transfers_app.ports.changes import ChangeFeed, NoChanges
from transfers_app.ports.storage import JournalMode, StorageInfo


class MemoryStore:
    """Implements ``transfers_app.ports.storage.Store`` in memory."""

    def __init__(
        self,
        *,
        actor: str = "tester",
        files: FileStore | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._core = core = Core(actor, files, now)
        self.entities = MemoryEntities(core)
        self.names = MemoryNames(core)
        self.transfers = MemoryTransfers(core)
        self.documents = MemoryDocuments(core)
        self.assessments = MemoryAssessments(core)
        self.notices = MemoryNotices(core)
        self.publications = MemoryPublications(core)
        self.settings = MemorySettings(core)
        self.organisation = MemoryOrganisation(core)
        self.open_items = MemoryOpenItems(core)
        self.audit = MemoryAudit(core)
        self.queries = MemoryQueries(core)
        self.records = MemoryBulkRecords(core)
        self._journal = JournalMode.WAL

    @property
    def actor(self) -> str:
        return self._core.actor

    def changes(self) -> ChangeFeed:
        return NoChanges()

    @property
    def storage(self) -> StorageInfo:
        core = self._core
        return StorageInfo("memory", read_only=core.read_only, journal=self._journal)

    def set_journal_mode(self, mode: JournalMode) -> None:
        # No file, no journal: the choice is kept and audited as SQLite's store does.
        if self._core.read_only is not None:
            with self._core.atomic():
                pass  # raises the ReadOnlyError a write would
        self._journal = mode
        self.settings.set("journal_mode", mode.value)

    @contextmanager
    def transaction(self) -> Iterator[MemoryStore]:
        with self._core.atomic():
            yield self

    def close(self) -> None:
        pass
