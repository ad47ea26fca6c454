"""``PgStore``: the register's repositories over one PostgreSQL connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from db.files import FileStore
from db.postgres.connection import PgConnection
from db.postgres.queries import PgQueries
from db.postgres.session import PgSession
from db.sqlite.session import utcnow
from db.sqlite.store import SessionStore
from transfers_app.errors import StorageError
from transfers_app.ports.changes import ChangeFeed
from transfers_app.ports.storage import JournalMode, RegisterRole, StorageInfo

# Why ``--journal`` (shared-drive mode, for a register file) is refused on a server.
NO_JOURNAL_MODES = (
    "a register on a PostgreSQL server has no journal mode to choose: the server keeps its "
    "own write-ahead log, safe for every client (--journal is for a register file)"
)

AUDITOR_READ_ONLY = "your role on this register is auditor: you may read, check and export it"


class PgStore(SessionStore):
    """A register in a PostgreSQL database (opened with ``open_postgres``), its signed files
    in ``files``. Implements ``transfers_app.ports.storage.Store``; the audit names ``actor``,
    by default the authenticated database user."""

    queries_type = PgQueries

    def __init__(
        self,
        conn: PgConnection,
        *,
        actor: str | None = None,
        files: FileStore | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.connection = conn
        super().__init__(PgSession(conn, actor or conn.user, files, now))

    @property
    def storage(self) -> StorageInfo:
        # The server and database, never the password; a server has no journal modes. An
        # auditor's register is read-only (the database refuses every write).
        role = self.connection.role
        read_only = AUDITOR_READ_ONLY if role is RegisterRole.AUDITOR else None
        return StorageInfo(self.connection.where, read_only=read_only, journal=None, role=role)

    def changes(self) -> ChangeFeed:
        # A connection of its own hears the others; this one's changes are marked as its own.
        from db.postgres.listener import PgChangeFeed

        return PgChangeFeed(self.connection.url, self.connection.raw.info.backend_pid)

    def set_journal_mode(self, mode: JournalMode) -> None:
        raise StorageError(NO_JOURNAL_MODES)
