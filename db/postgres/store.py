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
from transfers_app.ports.storage import JournalMode, StorageInfo

# Why ``--journal`` (shared-drive mode, for a register file) is refused on a server.
NO_JOURNAL_MODES = (
    "a register on a PostgreSQL server has no journal mode to choose: the server keeps its "
    "own write-ahead log, safe for every client (--journal is for a register file)"
)


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
        # The database, the server and who is connected, never the password; a server has no
        # journal modes.
        return StorageInfo(self.connection.label(self.actor), journal=None, server=True)

    def set_journal_mode(self, mode: JournalMode) -> None:
        raise StorageError(NO_JOURNAL_MODES)
