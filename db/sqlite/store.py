"""``SqliteStore``: the register's repositories over one SQLite database, and its unit of
work."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Self

from sqlite_utils import Database

from db.files import FileStore
from db.sqlite.assessments import SqliteAssessments
from db.sqlite.bulk import SqliteBulkRecords
from db.sqlite.documents import SqliteDocuments
from db.sqlite.entities import SqliteEntities, SqliteNames
from db.sqlite.notices import SqliteNotices, SqlitePublications
from db.sqlite.queries import SqliteQueries
from db.sqlite.session import Session, utcnow
from db.sqlite.settings import SqliteAudit, SqliteSettings
from db.sqlite.transfers import SqliteTransfers


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

    def close(self) -> None:
        self._session.conn.close()


class SqliteStore(SessionStore):
    """A register in one SQLite database (opened with ``db.open_db``), its signed files in
    ``files``. Implements ``transfers_app.ports.storage.Store``."""

    def __init__(
        self,
        db: Database | sqlite3.Connection,
        *,
        actor: str,
        files: FileStore | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._conn = conn = db.conn if isinstance(db, Database) else db
        super().__init__(Session(conn, actor, files, now))

    @property
    def connection(self) -> sqlite3.Connection:
        """For SQLite-specific tools and tests (backups, statement counts), never the core."""
        return self._conn
