"""``open_postgres``: the only way into a PostgreSQL register, and ``PgConnection``, the
DB-API face the repositories write their SQL to."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from db.postgres.errors import role_refusal, storage_error
from db.postgres.migrations import (
    MIGRATION_NAMES,
    applied_migrations,
    apply_migrations,
    register_tables,
)
from db.postgres.roles import setup_roles, user_role
from transfers_app.domain.team_register import (
    AddressError,
    TeamRegister,
    password_in,
    without_password,
)
from transfers_app.errors import StorageError
from transfers_app.ports.storage import RegisterRole

# psycopg logs "error ignored terminating <psycopg.Pipeline ...>" when a refused statement ends
# the pipeline of ``executemany``; the error itself is raised, and said in one clear message.
# Without a handler of its own, Python would print that log line to the user's terminal; with
# one, it goes where the application sends its logs (nowhere unless it configures logging).
logging.getLogger("psycopg").addHandler(logging.NullHandler())

# A parameter of the repositories' SQL (``?``, ``:name``), a quoted literal, or a percent sign
# (which psycopg reads as the start of a parameter, quoted or not).
_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|(?<![:\w]):([A-Za-z_]\w*)|%")


def _token(m: re.Match[str]) -> str:
    text = m.group(0)
    if text.startswith("'"):
        return text.replace("%", "%%")
    if text == "?":
        return "%s"
    if text == "%":
        return "%%"
    return f"%({m.group(1)})s"


# An INSERT of one row of parameters into named columns, nothing else (no ON CONFLICT, no
# RETURNING): what COPY can do for many rows. From COPY_FROM_ROWS rows it is sent as COPY.
_PLAIN_INSERT = re.compile(r"\s*INSERT INTO (\w+) \((\w+(?:, \w+)*)\) VALUES \(\?(?:, \?)*\)\s*")
COPY_FROM_ROWS = 50


@lru_cache(maxsize=1024)
def psycopg_sql(sql: str) -> str:
    """``sql`` with SQLite's parameters (``?``, ``:name``) spelled as psycopg's."""
    return _TOKENS.sub(_token, sql)


class PgConnection:
    """A psycopg connection in autocommit mode, with the DB-API face of ``sqlite3`` that the
    repositories use (``db.sqlite.session.Connection``): SQLite's parameters, explicit
    BEGIN/COMMIT/SAVEPOINT, ``in_transaction``."""

    def __init__(self, raw: psycopg.Connection[Any], url: str, password: str | None = None) -> None:
        self.raw = raw
        self.url = url  # for another connection to the same register (hearing changes)
        # The password the user typed, if any, held for those connections only (never shown,
        # never written): ``reconnect``.
        self._password = password
        self.where = without_password(url)
        # The user's role on the register (``roles.user_role``), set when opened.
        self.role: RegisterRole | None = None
        self._copy_into: dict[str, bool] = {}  # table -> may COPY fill it (``_copyable``)

    def reconnect(self) -> PgConnection:
        """Another connection to the same register, as the same user."""
        return connect(self.url, self._password)

    def label(self, user: str) -> str:
        """``dbname on host (as USER)``: the register as a window names it."""
        try:
            return TeamRegister.parse(self.where).label(user)
        except AddressError:  # a libpq key=value string: shown as given, without a password
            return f"{self.where} (as {user})"

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    @property
    def user(self) -> str:
        """The authenticated database user (what the audit names): ``session_user``, the
        user who logged in, whose privileges may come from a role it belongs to or ``SET
        ROLE``s to (which changes ``current_user``, not who is working)."""
        row = self.raw.execute("SELECT session_user").fetchone()
        return str(row[0]) if row else ""

    def execute(self, sql: str, parameters: Any = None, /) -> psycopg.Cursor[Any]:
        """``parameters``: a sequence for ``?``, a mapping for ``:name``. A change the user's
        role may not make is refused with a ``RoleRefusedError`` naming the role."""
        try:
            if not parameters:
                return self.raw.execute(sql)
            return self.raw.execute(psycopg_sql(sql), parameters)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise role_refusal(exc, self.role) from None

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> psycopg.Cursor[Any]:
        """``sql`` once per row of ``parameters``; a plain INSERT of many rows (a register
        loaded or copied, an import) is streamed with COPY instead: the same rows, defaults,
        checks and triggers, at a fraction of the time of a statement per row."""
        cur = self.raw.cursor()
        try:
            plain = _PLAIN_INSERT.fullmatch(sql)
            if plain is not None:
                rows = parameters if isinstance(parameters, list) else list(parameters)
                if len(rows) >= COPY_FROM_ROWS and self._copyable(plain[1]):
                    with cur.copy(f"COPY {plain[1]} ({plain[2]}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    return cur
                parameters = rows
            cur.executemany(psycopg_sql(sql), parameters)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise role_refusal(exc, self.role) from None
        return cur

    def _copyable(self, table: str) -> bool:
        """Whether COPY may fill ``table``: not where row-level security applies to this user
        (a team member's role: PostgreSQL refuses COPY FROM there, so the rows go in as
        INSERTs, each checked by the role's policies). Asked once per table."""
        known = self._copy_into.get(table)
        if known is None:
            row = self.raw.execute("SELECT row_security_active(%s)", (table,)).fetchone()
            known = self._copy_into[table] = not (row and row[0])
        return known

    def rollback(self) -> None:
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


def connect(url: str, password: str | None = None) -> PgConnection:
    """A connection to the database at ``url``. The password comes from ``password`` (asked
    by the app, handed to this connection only), else the URL or the PostgreSQL password
    file (libpq reads ``~/.pgpass`` or ``PGPASSFILE``); none is ever stored by the app."""
    extra: dict[str, Any] = {} if password is None else {"password": password}
    try:
        raw = psycopg.connect(
            url, autocommit=True, connect_timeout=10, application_name="transfers-app", **extra
        )
    except psycopg.Error as exc:
        from db.postgres.errors import connect_error

        given = password is not None or password_in(url) is not None
        raise connect_error(exc, without_password(url), given) from None
    return PgConnection(raw, url, password)


def open_postgres(url: str, *, migrate: bool = False, password: str | None = None) -> PgConnection:
    """Open the register in the PostgreSQL database at ``url``, checked.

    Refuses a database that is not UTF-8, holds tables of something else, or holds a register
    written by a newer version; ``migrate`` (``transfers-app db init``) creates or upgrades
    the schema, each named migration in its own transaction; without it a database with no
    register, or an older one, is refused with what to run. Nothing is written otherwise.
    """
    conn = connect(url, password)
    try:
        try:
            conn.role = user_role(conn.raw)
        except psycopg.Error as exc:
            raise storage_error(exc) from None
        _check(conn, migrate)
    except BaseException:
        conn.close()
        raise
    return conn


def init_postgres(url: str) -> list[str]:
    """Creates or upgrades the register's schema in the database at ``url`` (``transfers-app
    db init``), and its roles with their privileges (``roles.setup_roles``, again on every
    call); returns the names of the migrations applied (none: it was current)."""
    conn = connect(url)
    try:
        before = applied_migrations(conn.raw) if register_tables(conn.raw).migrations else []
        _check(conn, migrate=True)
        setup_roles(conn.raw)
        return [m for m in MIGRATION_NAMES if m not in before]
    except psycopg.Error as exc:
        raise storage_error(exc) from None
    finally:
        conn.close()


def _check(conn: PgConnection, migrate: bool) -> None:
    where = conn.where
    try:
        encoding = conn.raw.execute("SHOW server_encoding").fetchone()
        if encoding is None or encoding[0] != "UTF8":
            raise StorageError(
                f"{where} is not a UTF-8 database; create it with ENCODING 'UTF8' (names and "
                "addresses are stored as written, in every script)"
            )
        tables = register_tables(conn.raw)
        applied = applied_migrations(conn.raw) if tables.migrations else []
        if tables.others and not tables.migrations:
            raise StorageError(
                f"{where} holds tables of something else, not a Transfer Register; it was "
                "left untouched (use an empty database)"
            )
        unknown = set(applied) - set(MIGRATION_NAMES)
        if unknown:
            raise StorageError(
                f"{where} was written by a newer version of Transfer Register (it has "
                f"{', '.join(sorted(unknown))}); upgrade the app to open it"
            )
        pending = [m for m in MIGRATION_NAMES if m not in applied]
        if not pending:
            return
        if not migrate:
            if not applied:
                raise StorageError(
                    f"{where} holds no register yet; create it with: transfers-app db init URL"
                )
            raise StorageError(
                f"{where} holds a register of an older version; upgrade it with: "
                "transfers-app db init URL (as the register's owner)"
            )
        apply_migrations(conn.raw)
    except psycopg.Error as exc:
        raise storage_error(exc) from None
