"""The database's errors as the one clear message a user can act on, never an sqlite3 or
psycopg traceback."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from transfers_app.errors import StorageError

P = ParamSpec("P")
R = TypeVar("R")

LOCKED = (
    "the register is in use by another program and stayed locked; close the other program or "
    "try again in a moment (nothing was changed)"
)


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
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StorageError(LOCKED) from None
        raise StorageError(f"the register database cannot be used: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"the register database cannot be read ({exc}); it may be damaged. "
            "Restore it from the backups folder beside it."
        ) from None
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
