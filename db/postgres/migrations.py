"""The register's schema in PostgreSQL: the SQLite adapter's named migrations (``db.migrations``),
their SQL spelled in PostgreSQL's dialect, applied in order, each in its own transaction.

A migration is written once, for sqlite-utils: its SQL (``db.execute``/``db.executescript``)
is recorded here and translated (``postgres_ddl``); a migration that uses sqlite-utils'
Python API instead has its PostgreSQL version in ``OVERRIDES``, under the same name. What only
a team register has (the signed files' content, kept in the database) is a migration of its
own, in ``POSTGRES_ONLY``, applied after SQLite's. The applied names are kept in
``schema_migrations``, so a database that names one this version does not know is refused,
as a newer SQLite file is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

import psycopg

from db.migrations import MIGRATION_NAMES as SQLITE_NAMES
from db.migrations import migrations as sqlite_migrations
from db.postgres.notify import change_notices, watch_tables
from transfers_app.domain.audit_chain import GENESIS, entry_hash

MIGRATION_SET = "transfers_app"
MIGRATIONS_TABLE = "schema_migrations"
# Taken while migrating, so two people initialising one database at once migrate it once.
_LOCK = 0x54524547  # "TREG"


def _audit_chain(conn: psycopg.Connection[Any]) -> None:
    """``m006_audit_chain``: the hash columns, the existing entries chained in the order they
    were written, and the trail made append-only (a trigger refuses UPDATE, DELETE and
    TRUNCATE to every role, the owner's included, unless it drops the trigger first)."""
    for column in ("prev_hash", "hash"):
        conn.execute(
            f"ALTER TABLE audit ADD COLUMN {column} TEXT COLLATE \"C\" NOT NULL DEFAULT ''"
        )
    prev = GENESIS
    links: list[tuple[str, str, int]] = []
    rows = conn.execute(
        "SELECT id, at, actor, table_name, record_id, action, before, after FROM audit ORDER BY id"
    )
    for r in rows.fetchall():
        h = entry_hash(datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], prev)
        links.append((prev, h, r[0]))
        prev = h
    if links:
        conn.cursor().executemany("UPDATE audit SET prev_hash = %s, hash = %s WHERE id = %s", links)
    conn.execute(
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$"
    )
    conn.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
    )
    conn.execute(
        "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
    )


def _file_chunks(conn: psycopg.Connection[Any]) -> None:
    """``pg002_file_chunks``: the signed files' content, in the database beside their ``files``
    row, so every member of the team opens what another attached (``db.postgres.files``).

    In chunks of at most 1 MiB (``db.files.CHUNK``), rows of a plain table rather than large
    objects: written and read a chunk at a time (a large file never whole in memory), in the
    transaction of the document that names it, dumped and restored by ``pg_dump`` with the
    rest of the register (large objects are left out of a dump of chosen tables or schemas),
    and covered by the same GRANTs as every table (a large object has privileges of its own,
    one object at a time). Stored without compression (``EXTERNAL``): signed PDFs and scans
    are compressed already. SQLite has no such table: a register file keeps its signed files
    in the ``files`` folder beside it, as it always has."""
    conn.execute(
        'CREATE TABLE file_chunks (sha256 TEXT COLLATE "C" NOT NULL '
        "REFERENCES files(sha256) DEFERRABLE, "
        "seq INTEGER NOT NULL CHECK (seq >= 0), "
        "data BYTEA NOT NULL CHECK (length(data) <= 1048576), "
        "PRIMARY KEY (sha256, seq))"
    )
    conn.execute("ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL")


# Migrations whose SQLite version is not plain SQL: name -> what runs on PostgreSQL.
OVERRIDES: dict[str, Callable[[psycopg.Connection[Any]], None]] = {
    "m006_audit_chain": _audit_chain,
}

# Migrations only PostgreSQL has, applied after SQLite's in this order (one must not rely on
# a SQLite migration written after it: an older register applied it first).
POSTGRES_ONLY: dict[str, Callable[[psycopg.Connection[Any]], None]] = {
    "pg001_change_notices": change_notices,
    "pg002_file_chunks": _file_chunks,
}

MIGRATION_NAMES: tuple[str, ...] = (*SQLITE_NAMES, *POSTGRES_ONLY)


class NotPortable(Exception):
    """A migration used sqlite-utils' Python API: it needs its PostgreSQL version."""


class _Recorder:
    """Stands for the sqlite-utils ``Database`` a migration is written for, and records the
    SQL it runs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.statements: list[str] = []

    def execute(self, sql: str, parameters: object = None) -> None:
        if parameters:
            raise NotPortable(f"{self.name} passes parameters")
        self.statements.append(sql)

    def executescript(self, sql: str) -> None:
        self.statements.append(sql)

    def __getattr__(self, attr: str) -> Any:
        raise NotPortable(
            f"{self.name} uses sqlite-utils' {attr}: write its PostgreSQL version in "
            "db/postgres/migrations.py OVERRIDES"
        )


def postgres_ddl(sql: str) -> str:
    """SQLite's DDL in PostgreSQL's words: a row id is an identity column; text compares by
    code point, as in SQLite (name keys sort and match prefixes the same); references may be
    checked at commit (a whole register loads in any order)."""
    sql = re.sub(
        r"\bINTEGER PRIMARY KEY\b", "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql
    )
    sql = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', sql)
    return re.sub(r"(\bREFERENCES \w+\(\w+\))", r"\1 DEFERRABLE", sql)


def migration_sql(name: str) -> list[str]:
    """The PostgreSQL statements of the SQLite migration ``name``."""
    fn = next(m.fn for m in sqlite_migrations._migrations if m.name == name)
    recorder = _Recorder(name)
    fn(recorder)  # type: ignore[arg-type]  # records the SQL, see _Recorder
    return [postgres_ddl(s) for s in recorder.statements]


class Tables(NamedTuple):
    migrations: bool
    others: bool


def register_tables(conn: psycopg.Connection[Any]) -> Tables:
    """Whether the database's schema has the migrations table, and other tables."""
    names = {
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    }
    return Tables(MIGRATIONS_TABLE in names, bool(names - {MIGRATIONS_TABLE}))


def applied_migrations(conn: psycopg.Connection[Any]) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = %s ORDER BY applied_at",
            (MIGRATION_SET,),
        )
    ]


def apply_migrations(conn: psycopg.Connection[Any]) -> list[str]:
    """Applies the pending migrations in order, each in a transaction of its own (PostgreSQL's
    DDL is transactional: a failed one leaves the schema as it was); returns their names."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (migration_set TEXT NOT NULL, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (migration_set, name))"
        )
    done: list[str] = []
    for name in MIGRATION_NAMES:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            if name in applied_migrations(conn):  # another client was first
                continue
            override = OVERRIDES.get(name) or POSTGRES_ONLY.get(name)
            if override is not None:
                override(conn)
            else:
                for statement in migration_sql(name):
                    conn.execute(statement)
            conn.execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at) "
                "VALUES (%s, %s, %s)",
                (MIGRATION_SET, name, datetime.now(UTC).isoformat()),
            )
        done.append(name)
    if done:
        with conn.transaction():  # a table a later migration added is watched too
            watch_tables(conn)
    return done
