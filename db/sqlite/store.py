"""``SqliteStore``: the register's repositories over one SQLite database, and its unit of
work."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlite_utils import Database

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


class SqliteStore:
    """A register in one SQLite database (opened with ``db.open_db``), its signed files in
    ``files``. Implements ``transfers_app.ports.storage.Store``.

    SQLite has one writer per connection, so the unit of work is the store itself: its
    repositories all write through the one connection, and ``transaction()`` only marks
    where the writes begin and end (a savepoint when nested).
    """

    def __init__(
        self,
        db: Database | sqlite3.Connection,
        *,
        actor: str,
        files: FileStore | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        conn = db.conn if isinstance(db, Database) else db
        self._session = s = Session(conn, actor, files, now)
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
        self.queries = SqliteQueries(s)
        self.records = SqliteBulkRecords(s)

    @property
    def actor(self) -> str:
        return self._session.actor

    @property
    def connection(self) -> sqlite3.Connection:
        """For SQLite-specific tools and tests (backups, statement counts), never the core."""
        return self._session.conn

    @contextmanager
    def transaction(self) -> Iterator[SqliteStore]:
        with self._session.atomic():
            yield self

    def close(self) -> None:
        self._session.conn.close()
