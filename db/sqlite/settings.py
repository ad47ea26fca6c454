"""Settings, the catalogues of data categories and subjects, and the audit log."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any

from db import mapping as mp
from db.errors import translated
from db.sqlite.rows import AUDIT_ANCHOR, AUDIT_CHAIN_COLS, audit_from
from db.sqlite.session import Session
from transfers_app.domain.models import AuditEntry, CatalogueItem


@translated
class SqliteSettings:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, key: str) -> str | None:
        row = self._s.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        s = self._s
        with s.atomic():
            old = self.get(key)
            if old == value:
                return
            s.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
            s.append_audit(
                [
                    (
                        s.now().isoformat(),
                        s.actor,
                        mp.SETTINGS_TABLE,
                        None,
                        mp.SETTING_SET,
                        mp.setting_json(key, old),
                        mp.setting_json(key, value),
                    )
                ]
            )

    def catalogue(self, name: str) -> builtins.list[CatalogueItem]:
        rows = self._s.conn.execute(
            "SELECT catalogue, name, description, id FROM catalogue WHERE catalogue = ? "
            "ORDER BY id",
            (name,),
        )
        return [CatalogueItem(r[0], r[1], r[2], r[3]) for r in rows]

    def add_catalogue_items(self, items: Iterable[CatalogueItem]) -> None:
        s = self._s
        with s.atomic():
            for item in items:
                new_id = s.insert_id(
                    "INSERT INTO catalogue (catalogue, name, description) "
                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (item.catalogue, item.name, item.description),
                )
                if new_id is not None:
                    s.audit("catalogue", new_id, "create", None, item)


@translated
class SqliteAudit:
    def __init__(self, session: Session) -> None:
        self._s = session

    def entries(
        self, limit: int = 200, table: str | None = None, record_id: int | None = None
    ) -> builtins.list[AuditEntry]:
        clauses: builtins.list[str] = []
        params: builtins.list[Any] = []
        if table:
            clauses.append("table_name = ?")
            params.append(table)
        if record_id is not None:
            clauses.append("record_id = ?")
            params.append(record_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._s.conn.execute(
            f"SELECT {', '.join(AUDIT_CHAIN_COLS)} FROM audit{where} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [audit_from(r) for r in rows]

    def chain(self, after_id: int = 0, limit: int = 5000) -> builtins.list[AuditEntry]:
        rows = self._s.conn.execute(
            f"SELECT {', '.join(AUDIT_CHAIN_COLS)} FROM audit WHERE id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        )
        return [audit_from(r) for r in rows]

    def anchor(self) -> tuple[int, str] | None:
        row = self._s.conn.execute(
            "SELECT value FROM settings WHERE key = ?", (AUDIT_ANCHOR,)
        ).fetchone()
        if row is None:
            return None
        entry_id, _, entry_hash = str(row[0]).partition(":")
        return (int(entry_id), entry_hash) if entry_id.isdigit() else (0, str(row[0]))

    def note(self, action: str, detail: str) -> None:
        s = self._s
        with s.atomic():
            s.note(action, detail)

    def generation(self) -> int:
        return int(self._s.conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])
