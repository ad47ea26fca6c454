"""``PgSession``: the SQLite adapter's ``Session`` with what PostgreSQL spells differently."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from db.sqlite.session import Session

# Held by the transaction appending to the audit chain, so two writers take turns at its head.
_AUDIT_LOCK = 0x41554454  # "AUDT"


class PgSession(Session):
    # Rows are locked as they are written; the audit chain's head by ``audit_head``.
    BEGIN = "BEGIN"

    def insert_id(self, sql: str, params: Sequence[Any]) -> int | None:
        row = self.conn.execute(f"{sql} RETURNING id", params).fetchone()
        return int(row[0]) if row else None

    @staticmethod
    def in_ids(column: str, param: str = "?") -> str:
        return f"{column} = ANY({param})"

    @staticmethod
    def ids_param(ids: Iterable[int]) -> object:
        return [int(i) for i in ids]

    def defer_foreign_keys(self) -> None:
        self.conn.execute("SET CONSTRAINTS ALL DEFERRED")

    def new_ids(self, table: str, count: int) -> list[int]:
        # From the table's sequence: ids no one else takes, even writing at the same time.
        if count == 0:
            return []
        rows = self.conn.execute(
            "SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)",
            (table, count),
        )
        return sorted(int(r[0]) for r in rows)

    def ids_written(self, *tables: str) -> None:
        for table in tables:
            self.conn.execute(
                "SELECT setval(pg_get_serial_sequence(?, 'id'), coalesce(max(id), 0) + 1, false) "
                f"FROM {table}",
                (table,),
            )

    def audit_head(self) -> str:
        # Two transactions appending at once would both link to the same head and fork the
        # chain: the second waits here until the first commits, then reads its entries.
        self.conn.execute("SELECT pg_advisory_xact_lock(?)", (_AUDIT_LOCK,))
        return super().audit_head()
