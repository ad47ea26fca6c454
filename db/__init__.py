"""Storage of the register: SQLite through sqlite-utils."""

from db.connection import open_db
from db.files import FileStore
from db.repositories import SqliteRegister

__all__ = ["FileStore", "SqliteRegister", "open_db"]
