"""``SqliteStore``: the register's repositories over one SQLite database, and its unit of
work."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Self

from sqlite_utils import Database

from db.connection import (
    JOURNAL_SETTING,
    RegisterDatabase,
    journal_of,
    journal_warning,
    set_journal,
)
from db.errors import storage_errors
from db.files import FileStore
from db.sqlite.assessments import SqliteAssessments
from db.sqlite.bulk import SqliteBulkRecords
from db.sqlite.documents import SqliteDocuments
from db.sqlite.entities import SqliteEntities, SqliteNames
from db.sqlite.notices import SqliteNotices, SqlitePublications
from db.sqlite.organisation import SqliteOpenItems, SqliteOrganisation
from db.sqlite.queries import SqliteQueries
from db.sqlite.session import Session, utcnow
from db.sqlite.settings import SqliteAudit, SqliteSettings
from db.sqlite.transfers import SqliteTransfers
from transfers_app.errors import StorageError
from transfers_app.ports.changes import ChangeFeed, NoChanges
from transfers_app.ports.storage import JournalMode, StorageInfo


class SessionStore:
    """The register's repositories over one ``Session`` (one connection) and its unit of
    work: the engine-neutral part of ``SqliteStore`` and ``db.postgres.PgStore``.

    One connection has one transaction at a time, so the unit of work is the store itself:
    its repositories all write through the one connection, and ``transaction()`` only marks
    where the writes begin and end (a savepoint when nested).
    """

    queries_type: type[SqliteQueries] = SqliteQueries

    def __init__(self, session: Session) -> None:
        self._session = s = session
        self.entities = SqliteEntities(s)
        self.names = SqliteNames(s)
        self.transfers = SqliteTransfers(s)
        self.documents = SqliteDocuments(s)
        self.assessments = SqliteAssessments(s)
        self.notices = SqliteNotices(s)
        self.publications = SqlitePublications(s)
        self.settings = SqliteSettings(s)
        self.organisation = SqliteOrganisation(s)
        self.open_items = SqliteOpenItems(s)
        self.audit = SqliteAudit(s)
        self.queries = self.queries_type(s)
        self.records = SqliteBulkRecords(s)

    @property
    def actor(self) -> str:
        return self._session.actor

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        with self._session.atomic():
            yield self

    def changes(self) -> ChangeFeed:
        # One person's file: no other client to hear from (PgStore hears its server).
        return NoChanges()

    def close(self) -> None:
        self._session.conn.close()


class SqliteStore(SessionStore):
    """A register in one SQLite database (opened with ``db.open_db``), its signed files in
    ``files``. Implements ``transfers_app.ports.storage.Store``.

    A database ``open_db`` opened read-only makes a read-only store: every write raises
    ``ReadOnlyError`` with the reason, before touching the file."""

    def __init__(
        self,
        db: Database | sqlite3.Connection,
        *,
        actor: str,
        files: FileStore | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._conn = conn = db.conn if isinstance(db, Database) else db
        self._db = db if isinstance(db, RegisterDatabase) else None
        read_only = self._db.read_only if self._db is not None else None
        super().__init__(Session(conn, actor, files, now, read_only))

    @property
    def storage(self) -> StorageInfo:
        db = self._db
        with storage_errors():
            journal = journal_of(self._conn)
        if db is None or db.path is None:
            return StorageInfo(":memory:" if db is not None else "SQLite", journal=journal)
        risky = journal_warning(db.network_drive, journal)
        return StorageInfo(
            str(db.path),
            read_only=db.read_only,
            journal=journal,
            network_drive=db.network_drive,
            warnings=(*db.warnings, *([risky] if risky else [])),
        )

    def set_journal_mode(self, mode: JournalMode) -> None:
        s = self._session
        s.refuse_if_read_only()
        if self._conn.in_transaction:
            raise StorageError("the journal mode cannot change inside a transaction")
        with storage_errors():
            current = journal_of(self._conn)
        if current is not mode:
            set_journal(self._conn, mode)
        self.settings.set(JOURNAL_SETTING, mode.value)

    @property
    def connection(self) -> sqlite3.Connection:
        """For SQLite-specific tools and tests (backups, statement counts), never the core."""
        return self._conn
