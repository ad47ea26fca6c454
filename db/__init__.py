"""Storage of the register: SQLite through sqlite-utils (here and in ``db.sqlite``), and
PostgreSQL through psycopg (``db.postgres``, imported only for a team register)."""

from db.connection import open_db
from db.files import FileStore
from db.sqlite import SqliteStore

__all__ = ["FileStore", "SqliteStore", "open_db"]
