"""What every SQLite repository shares: the connection, the actor, the clock, the file store,
transactions (savepoints when nested) and the versioned, audited writes of one record."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar, cast

from db import mapping as mp
from db.errors import READ_ONLY, storage_errors
from db.files import SignedFiles
from db.sqlite.rows import AUDIT_ANCHOR
from transfers_app.domain.audit_chain import GENESIS, entry_hash
from transfers_app.domain.models import (
    Document,
    Entity,
    Location,
    SubprocessorNotice,
    Tia,
    Transfer,
)
from transfers_app.errors import ConflictError, NotFoundError, ReadOnlyError

# An audit entry as inserted: at, actor, table, record id, action, before, after.
AuditRow = tuple[str, str, str, int | None, str, str | None, str | None]

Versioned = TypeVar("Versioned", Entity, Location, Transfer, Document, Tia, SubprocessorNotice)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Table:
    """A table of versioned records: its SQL name and what a message calls one record."""

    name: str
    label: str


ENTITIES = Table("entities", "entity")
LOCATIONS = Table("locations", "location")
TRANSFERS = Table("transfers", "transfer")
DOCUMENTS = Table("documents", "document")
TIAS = Table("tias", "transfer assessment")
NOTICES = Table("subprocessor_notices", "sub-processor notice")

_savepoints = itertools.count(1)


class Cursor(Protocol):
    """What the repositories read from a statement (``sqlite3.Cursor`` and the PostgreSQL
    adapter's cursors alike)."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The DB-API connection the repositories write SQL to, with ``?`` and ``:name``
    parameters (``sqlite3.Connection``; ``db.postgres.connection.PgConnection``)."""

    @property
    def in_transaction(self) -> bool: ...
    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


class Session:
    """One open register database, shared by the repositories of one store.

    The repositories write the SQL both engines agree on; what SQLite and PostgreSQL spell
    differently is a method here, which ``db.postgres.session.PgSession`` overrides."""

    def __init__(
        self,
        conn: Connection,
        actor: str,
        files: SignedFiles | None,
        now: Callable[[], datetime],
        read_only: str | None = None,
    ) -> None:
        self.conn = conn
        self.actor = actor
        self.files = files  # where the signed files' content is kept
        self.now = now
        # Why nothing can be written (None: writes are possible).
        self.read_only = read_only

    def refuse_if_read_only(self) -> None:
        if self.read_only is not None:
            raise ReadOnlyError(READ_ONLY.format(reason=self.read_only), self.read_only)

    # -- what the engines spell differently ------------------------------------------------

    # How a transaction begins: SQLite's takes the write lock at once (see ``atomic``).
    BEGIN = "BEGIN IMMEDIATE"

    def insert_id(self, sql: str, params: Sequence[Any]) -> int | None:
        """Runs an INSERT of one row; returns its id, or None if it inserted nothing (ON
        CONFLICT DO NOTHING)."""
        cur = cast(sqlite3.Cursor, self.conn.execute(sql, params))
        return cur.lastrowid if cur.rowcount else None

    @staticmethod
    def in_ids(column: str, param: str = "?") -> str:
        """The condition "``column`` is one of the ids in the parameter ``param``" (the ids
        passed as ``ids_param``)."""
        return f"{column} IN (SELECT value FROM json_each({param}))"

    @staticmethod
    def ids_param(ids: Iterable[int]) -> object:
        return json.dumps([int(i) for i in ids])

    def defer_foreign_keys(self) -> None:
        """References are checked at commit, not per row, for the rest of the transaction."""
        self.conn.execute("PRAGMA defer_foreign_keys = ON")

    def new_ids(self, table: str, count: int) -> list[int]:
        """``count`` ids no record of ``table`` has, for rows inserted with their ids."""
        first = self.max_id(table) + 1
        return list(range(first, first + count))

    def ids_written(self, *tables: str) -> None:
        """Rows were inserted with their ids into ``tables``: the next new row must not take
        one of them (SQLite takes the highest id plus one by itself)."""

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Everything inside is written together or not at all; inside another transaction,
        a savepoint (an error rolls back to it, the outer transaction decides the rest).

        A transaction takes the write lock when it begins (BEGIN IMMEDIATE), so what it reads
        is what it writes over: two programs filling one register, or appending to the audit
        chain, take turns instead of one of them writing from a stale read."""
        self.refuse_if_read_only()
        conn = self.conn
        with storage_errors():
            if conn.in_transaction:
                name = f"tr_{next(_savepoints)}"
                conn.execute(f"SAVEPOINT {name}")
                try:
                    yield
                except BaseException:
                    # An error may have ended the whole transaction already.
                    if conn.in_transaction:
                        conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                        conn.execute(f"RELEASE SAVEPOINT {name}")
                    raise
                conn.execute(f"RELEASE SAVEPOINT {name}")
            else:
                conn.execute(self.BEGIN)
                try:
                    yield
                    conn.execute("COMMIT")
                except BaseException:
                    conn.rollback()
                    raise

    # -- audit ---------------------------------------------------------------------------------

    def audit(
        self,
        table: str,
        record_id: int | None,
        action: str,
        before: object | None,
        after: object | None,
    ) -> None:
        self.append_audit(
            [
                (
                    self.now().isoformat(),
                    self.actor,
                    table,
                    record_id,
                    action,
                    mp.to_json(before) if before is not None else None,
                    mp.to_json(after) if after is not None else None,
                )
            ]
        )

    def note(self, action: str, detail: str) -> None:
        self.append_audit(
            [(self.now().isoformat(), self.actor, "register", None, action, None, detail)]
        )

    def audit_head(self) -> str:
        """The newest entry's hash: what the next entry links to."""
        row = self.conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return GENESIS if row is None else str(row[0])

    def append_audit(self, rows: Sequence[AuditRow]) -> None:
        """Appends entries to the audit chain, each hashed over its content and the hash of the
        entry before it (``transfers_app.domain.audit_chain``)."""
        if not rows:
            return
        with self.atomic():
            prev = self.audit_head()
            chained = []
            for at, actor, table, record_id, action, before, after in rows:
                h = entry_hash(
                    datetime.fromisoformat(at), actor, table, record_id, action, before, after, prev
                )
                chained.append((at, actor, table, record_id, action, before, after, prev, h))
                prev = h
            self.conn.executemany(
                "INSERT INTO audit (at, actor, table_name, record_id, action, before, after, "
                "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                chained,
            )
            self.anchor_audit()

    def anchor_audit(self) -> None:
        """Records the newest entry (id and hash) beside the trail, in the same transaction:
        removing the newest entries then shows (``ChainVerifier``'s anchor)."""
        row = self.conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        if row is not None:
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (AUDIT_ANCHOR, f"{row[0]}:{row[1]}"),
            )

    def last_change(self, table: str, record_id: int) -> tuple[str, datetime] | None:
        """Who wrote the record's newest audited change, and when."""
        row = self.conn.execute(
            "SELECT actor, at FROM audit WHERE table_name = ? AND record_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (table, record_id),
        ).fetchone()
        return None if row is None else (str(row[0]), datetime.fromisoformat(row[1]))

    # -- one versioned record --------------------------------------------------------------------

    def insert(self, table: Table, row: dict[str, Any]) -> tuple[int, str]:
        """Inserts a new record at version 1; returns its id and time stamp."""
        stamp = self.now().isoformat()
        row = {**row, "created_at": stamp, "updated_at": stamp, "version": 1}
        new_id = self.insert_id(
            f"INSERT INTO {table.name} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        assert new_id is not None
        return new_id, stamp

    @staticmethod
    def require_id(table: Table, record_id: int | None) -> int:
        if record_id is None:
            raise NotFoundError(f"{table.label} has no id: add it first")
        return record_id

    def update(
        self, table: Table, record_id: int, expected_version: int, row: dict[str, Any]
    ) -> str:
        """Writes ``row`` over the record if it is still at ``expected_version`` (optimistic
        locking); returns the time stamp. A stale version or a missing record is refused."""
        stamp = self.now().isoformat()
        sets = ", ".join(f"{k} = ?" for k in row)
        cur = self.conn.execute(
            f"UPDATE {table.name} SET {sets}, updated_at = ?, version = version + 1 "
            "WHERE id = ? AND version = ?",
            (*row.values(), stamp, record_id, expected_version),
        )
        if cur.rowcount != 1:
            found = self.conn.execute(
                f"SELECT version FROM {table.name} WHERE id = ?", (record_id,)
            ).fetchone()
            if found is None:
                raise NotFoundError(f"{table.label} {record_id} does not exist")
            who = self.last_change(table.name, record_id)
            raise ConflictError(
                table=table.name,
                label=table.label,
                record_id=record_id,
                expected_version=expected_version,
                stored_version=int(found[0]),
                changed_by=who[0] if who else None,
                changed_at=who[1] if who else None,
            )
        return stamp

    @staticmethod
    def stamped(obj: Versioned, record_id: int, stamp: str, version: int) -> Versioned:
        when = datetime.fromisoformat(stamp)
        return replace(
            obj, id=record_id, version=version, created_at=obj.created_at or when, updated_at=when
        )

    def set_archived(self, table: Table, obj: Versioned, archive: bool) -> Versioned:
        """Archives (hides, never deletes) or restores a record, versioned and audited."""
        action = "archive" if archive else "restore"
        if obj.id is None:
            raise NotFoundError(f"cannot {action} an unsaved {table.label}")
        when = self.now() if archive else None
        with self.atomic():
            stamp = self.update(
                table, obj.id, obj.version, {"archived_at": when.isoformat() if when else None}
            )
            saved = replace(self.stamped(obj, obj.id, stamp, obj.version + 1), archived_at=when)
            self.audit(table.name, obj.id, action, obj, saved)
        return saved

    def one(self, table: Table, cols: tuple[str, ...], record_id: int) -> tuple[Any, ...]:
        row: tuple[Any, ...] | None = self.conn.execute(
            f"SELECT {', '.join(cols)} FROM {table.name} WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"{table.label} {record_id} does not exist")
        return row

    def max_id(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])

    def bulk_insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Inserts prepared rows (ids set) at once; the caller holds the transaction."""
        if not rows:
            return
        stamp = self.now().isoformat()
        cols = list(rows[0])
        extra = [c for c in ("created_at", "updated_at", "version") if c not in cols]
        fill = tuple({"created_at": stamp, "updated_at": stamp, "version": 1}[c] for c in extra)
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(cols + extra)}) "
            f"VALUES ({', '.join('?' * len(cols + extra))})",
            (tuple(r[c] for c in cols) + fill for r in rows),
        )
