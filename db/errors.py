"""The database's errors as the one clear message a user can act on, never an sqlite3 or
psycopg traceback."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from transfers_app.errors import DamagedError, LockedError, ReadOnlyError, StorageError

P = ParamSpec("P")
R = TypeVar("R")

LOCKED = (
    "the register is in use by another program and stayed locked; nothing was changed. Close "
    "the other program or try again in a moment"
)
DAMAGED = (
    "the register database cannot be read ({detail}); it may be damaged. Nothing was changed: "
    "close the app and open it again, and it will check the file and name the backup to "
    "restore if it is damaged"
)
READ_ONLY = "the register is open read-only ({reason}): nothing was changed"

# SQLite's primary result codes (https://sqlite.org/rescode.html).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def error_code(exc: sqlite3.Error) -> int:
    """The primary result code of an sqlite3 error (0 if it carries none)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else 0


def is_locked(exc: sqlite3.Error) -> bool:
    text = str(exc)
    return error_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text


def is_damaged(exc: sqlite3.Error) -> bool:
    text = str(exc)
    return (
        error_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB)
        or "malformed" in text
        or "not a database" in text
    )


def is_read_only(exc: sqlite3.Error) -> bool:
    return error_code(exc) == SQLITE_READONLY or "readonly database" in str(exc)


def integrity_message(exc: sqlite3.IntegrityError) -> str:
    text = str(exc)
    if "transfers" in text and "UNIQUE" in text:
        return (
            "this transfer is already on the register (same exporter, importer, "
            "destination, kind of access and upstream transfer); edit that one instead"
        )
    if "FOREIGN KEY" in text:
        return "the change refers to a record that does not exist (was it archived or removed?)"
    return f"the change was refused by the database: {text}"


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turns an sqlite3 or psycopg error raised inside into StorageError (a damaged or locked
    file, a lost server, a refused change); every other error passes through unchanged."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise StorageError(integrity_message(exc)) from None
    except sqlite3.DatabaseError as exc:
        # Three causes, three remedies: wait (locked), ask for write access (read-only),
        # restore (damaged). Telling a user with a locked file to restore a backup loses work.
        if is_locked(exc):
            raise LockedError(LOCKED) from None
        if is_read_only(exc):
            reason = "the file or its folder cannot be written"
            raise ReadOnlyError(READ_ONLY.format(reason=reason), reason) from None
        if is_damaged(exc):
            raise DamagedError(DAMAGED.format(detail=exc)) from None
        raise StorageError(f"the register database cannot be used: {exc}") from None
    except Exception as exc:
        # PostgreSQL's errors (psycopg is imported only where a PostgreSQL store is open).
        if not type(exc).__module__.startswith("psycopg"):
            raise
        from db.postgres.errors import storage_error

        raise storage_error(exc) from None


def translate_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` with ``storage_errors`` around every call."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with storage_errors():
            return fn(*args, **kwargs)

    return wrapper


C = TypeVar("C", bound=type)


def translated(cls: C) -> C:
    """Class decorator: ``translate_errors`` on every public method of ``cls``."""
    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_"):
            setattr(cls, name, translate_errors(member))
    return cls
