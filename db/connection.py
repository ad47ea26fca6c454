"""``open_db``: the only way into a register database."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from db.migrations import MIGRATION_NAMES, SCHEMA_VERSION, migrations
from transfers_app.errors import StorageError

# PRAGMA application_id marks a file as a Transfer Register ("TREG").
APPLICATION_ID = 0x54524547
SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_file(path: Path) -> bool:
    """Return True when the file exists with content; raise if it cannot be a register."""
    if not path.exists():
        return False
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a register database file")
    if path.stat().st_size == 0:
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from None
    if head != SQLITE_MAGIC:
        raise StorageError(
            f"{path} is not a Transfer Register database (it is not an SQLite file); "
            "it was left untouched"
        )
    if not os.access(path, os.W_OK):
        raise StorageError(
            f"{path} is read-only: Transfer Register needs to write to its database. "
            "Copy it somewhere writable or change its permissions."
        )
    return True


def backup_database(conn: sqlite3.Connection, path: Path, label: str) -> Path:
    """Copy the whole database with SQLite's online backup API; return the copy's path."""
    folder = path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{path.stem}-{stamp}-{label}.db"
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def open_db(path: Path | str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) a register database, checked and migrated.

    Turns on foreign keys and WAL; refuses files that are not registers, are corrupt,
    read-only or written by a newer version; backs up before applying migrations.
    """
    path = Path(path)
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:")
        existed = False
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
        existed = _check_file(path)
        try:
            # The app reads in a background thread on a connection it opened for that thread;
            # a connection is never used by two threads at once.
            conn = sqlite3.connect(path, timeout=5.0, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open {path}: {exc}") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StorageError(
            f"{path} is damaged or not a Transfer Register database ({exc}); it was left "
            "untouched. Restore it from the backups folder beside it."
        ) from None
    if existed and tables and app_id != APPLICATION_ID:
        conn.close()
        raise StorageError(
            f"{path} is an SQLite database but not a Transfer Register; it was left untouched"
        )
    if user_version > SCHEMA_VERSION:
        conn.close()
        raise StorageError(
            f"{path} was written by a newer version of Transfer Register (schema "
            f"{user_version}; this version knows {SCHEMA_VERSION}). Upgrade the app to open it."
        )
    conn.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            conn.close()
            raise StorageError(f"cannot use {path}: {exc}") from None
        conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn)
    if not migrate:
        return db
    applied = {m.name for m in migrations.applied(db)}
    unknown = applied - set(MIGRATION_NAMES)
    if unknown:
        conn.close()
        raise StorageError(
            f"{path} has schema changes this version does not know ({', '.join(sorted(unknown))}); "
            "it was written by a newer version of Transfer Register"
        )
    pending = migrations.pending(db)
    if pending:
        if existed and tables:
            try:
                backup_database(conn, path, f"before-{pending[0].name}")
            except (OSError, sqlite3.Error) as exc:
                conn.close()
                raise StorageError(
                    f"cannot back up {path} before upgrading it ({exc}); nothing was changed. "
                    "Free some disk space or make the folder writable, then try again."
                ) from None
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrations.apply(db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            conn.close()
            raise StorageError(f"cannot update {path}: {exc}") from None
    return db
