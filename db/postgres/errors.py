"""PostgreSQL's errors as the one clear message a user can act on (``db.errors`` calls this
for every psycopg error raised inside a repository)."""

from __future__ import annotations

import psycopg
from psycopg import errors as pg

from transfers_app.errors import StorageError

CHANGED_AT_ONCE = (
    "someone else changed the register at the same moment; nothing was changed, try again"
)


def storage_error(exc: Exception) -> StorageError:
    """The StorageError that says what ``exc`` (a psycopg error) means to a user."""
    if isinstance(exc, pg.UniqueViolation):
        if getattr(exc.diag, "constraint_name", None) == "transfers_identity":
            return StorageError(
                "this transfer is already on the register (same exporter, importer, "
                "destination, kind of access and upstream transfer); edit that one instead"
            )
        return StorageError(f"the change was refused by the database: {_first_line(exc)}")
    if isinstance(exc, pg.ForeignKeyViolation):
        return StorageError(
            "the change refers to a record that does not exist (was it archived or removed?)"
        )
    if isinstance(exc, pg.IntegrityError):
        return StorageError(f"the change was refused by the database: {_first_line(exc)}")
    if isinstance(exc, (pg.SerializationFailure, pg.DeadlockDetected, pg.LockNotAvailable)):
        return StorageError(CHANGED_AT_ONCE)
    if isinstance(exc, pg.InsufficientPrivilege):
        return StorageError(
            f"your database role may not make this change ({_first_line(exc)}); ask the "
            "register's owner for the right role"
        )
    if isinstance(exc, psycopg.OperationalError):
        return StorageError(
            f"the register server cannot be used ({_first_line(exc)}); check the connection "
            "and try again"
        )
    return StorageError(f"the register database cannot be used: {_first_line(exc)}")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
