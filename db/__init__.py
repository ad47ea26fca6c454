"""Storage of the register: SQLite through sqlite-utils."""

from db.connection import open_db
from db.files import FileStore
from db.sqlite import SqliteStore

__all__ = ["FileStore", "SqliteStore", "open_db"]
