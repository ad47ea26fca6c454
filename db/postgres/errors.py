"""PostgreSQL's errors as the one clear message a user can act on (``db.errors`` calls this
for every psycopg error raised inside a repository)."""

from __future__ import annotations

import re

import psycopg
from psycopg import errors as pg

from transfers_app.errors import PasswordRequired, StorageError

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


def connect_error(exc: psycopg.Error, where: str, password_given: bool) -> StorageError:
    """Why a connection to ``where`` failed, as a user can act on it.

    libpq gives a failed connection no SQLSTATE; it does say whether the server asked for a
    password that was not there (``PQconnectionNeedsPassword``) and whether one was sent.
    """
    reason = _reason(exc)
    pgconn = exc.pgconn
    if pgconn is not None and pgconn.needs_password:
        return PasswordRequired(f"the server of {where} asks for a password")
    if pgconn is not None and pgconn.used_password and _PASSWORD_REFUSED.search(reason):
        return PasswordRequired(
            f"the server of {where} refused the password"
            + ("" if password_given else " in the PostgreSQL password file"),
            rejected=True,
        )
    missing = _NO_DATABASE.search(reason)
    if missing:
        return StorageError(
            f"the server has no database named {missing.group(1)!r} ({where}); check the "
            "name, or ask the register's owner which database holds the team register"
        )
    if pgconn is None or _UNREACHABLE.search(reason):
        return StorageError(
            f"cannot reach the register's server ({where}): {reason}. Is the server running, "
            "and reachable from this computer?"
        )
    return StorageError(f"the server refused the connection to {where}: {reason}")


# What libpq and the server say (in English; a translated message falls through to the
# server's own words, shown as they are).
_PASSWORD_REFUSED = re.compile(r"password", re.IGNORECASE)
_NO_DATABASE = re.compile(r'database "([^"]+)" does not exist')
_UNREACHABLE = re.compile(
    r"could not connect|connection refused|timeout expired|could not translate host|"
    r"failed to resolve host|no route to host|network is unreachable|no such file",
    re.IGNORECASE,
)


def _reason(exc: Exception) -> str:
    """libpq's reason without its preamble (``connection to server at ... failed:``) and its
    hint (the message that uses it gives its own)."""
    text = (str(exc).strip().splitlines() or [""])[0].strip()
    text = re.sub(r"^connection (?:failed|is bad):\s*", "", text)
    text = re.sub(r"^connection to server (?:at|on socket) .*? failed:\s*", "", text)
    return re.sub(r"^FATAL:\s*", "", text).strip() or type(exc).__name__


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
