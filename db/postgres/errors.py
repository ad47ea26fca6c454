"""PostgreSQL's errors as the one clear message a user can act on (``db.errors`` calls this
for every psycopg error raised inside a repository)."""

from __future__ import annotations

import re

import psycopg
from psycopg import errors as pg

from transfers_app.errors import PasswordRequired, RoleRefusedError, StorageError
from transfers_app.ports.storage import RegisterRole

CHANGED_AT_ONCE = (
    "someone else changed the register at the same moment; nothing was changed, try again"
)


# What a procurement user was refused, by the table the database named.
_NOT_FOR_PROCUREMENT = {
    "entities": "approve, edit or archive a supplier already on the register",
    "locations": "change the locations of an entity already past the proposal",
    "entity_tokens": "change an entity already past the proposal",
    "transfers": "change transfers, or add them to an entity already past the proposal",
    "transfer_mechanisms": "change the safeguards of a transfer",
    "documents": "add or change documents",
    "document_parties": "add or change documents",
    "files": "add or change documents",
    "tias": "write transfer impact assessments",
    "audit": "change the audit trail",
}
_NEW_ROW = "new row violates row-level security policy"
_TABLE = re.compile(r'(?:table|for table) "?(\w+)"?')


def role_refusal(exc: Exception, role: RegisterRole | None) -> RoleRefusedError:
    """What a user whose ``role`` the database refused a change (``exc``: PostgreSQL's
    insufficient_privilege) is told: their role, what it may do, and whom to ask."""
    text = _first_line(exc)
    found = _TABLE.search(text)
    table = found.group(1) if found else ""
    if role is RegisterRole.PROCUREMENT:
        if table == "entities" and _NEW_ROW in text:
            what = "add an entity in any lifecycle but proposed"
        else:
            what = _NOT_FOR_PROCUREMENT.get(table, "change the register's settings or records")
        message = (
            "Your role on this register is procurement: you may propose suppliers (new "
            f"entities, proposed, with their locations and transfers), not {what}. Nothing was "
            "changed. Ask the legal team."
        )
    elif role is RegisterRole.AUDITOR:
        message = (
            "Your role on this register is auditor: you may read, check and export it, not "
            "change it. Nothing was changed. Ask the legal team."
        )
    else:
        message = (
            f"the database refused the change to your user ({text}); nothing was changed. "
            "Ask the register's owner for the legal role (transfers-app db grant USER legal)"
        )
    return RoleRefusedError(message, role.value if role else None)


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
        return role_refusal(exc, None)
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
        return PasswordRequired(
            f"the server of {where} asks for a password; put it in your PostgreSQL password "
            "file (~/.pgpass, or the file PGPASSFILE names)"
        )
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
