"""Entities with their locations, and the name index over them."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from db import mapping as mp
from db.errors import translated
from db.sqlite.repository import Repository, create, overwrite
from db.sqlite.rows import entity_from, location_from
from db.sqlite.session import ENTITIES, LOCATIONS, Session
from transfers_app.domain.models import Entity, Location
from transfers_app.domain.readmodels import NameCandidate, NameHit, NameKeys
from transfers_app.domain.validation import ensure_valid

_ENTITY_SQL = f"SELECT {', '.join(mp.ENTITY_COLS)} FROM entities"
_LOCATION_SQL = f"SELECT {', '.join(mp.LOCATION_COLS)} FROM locations"
# The highest code point: ``key < prefix + _TOP`` for every key starting with ``prefix``.
_TOP = "\U0010ffff"


def write_tokens(s: Session, rows: Sequence[dict[str, Any]]) -> None:
    """The words of each entity row's names (with ``id``), for the similar-name search."""
    s.conn.executemany("DELETE FROM entity_tokens WHERE entity_id = ?", [(r["id"],) for r in rows])
    s.conn.executemany(
        "INSERT INTO entity_tokens (token, entity_id) VALUES (?, ?)",
        [(tok, r["id"]) for r in rows for tok in sorted(mp.entity_tokens(r))],
    )


@translated
class SqliteEntities(Repository):
    def add(self, e: Entity) -> Entity:
        ensure_valid(e)
        s = self._s
        row = mp.entity_row(e)
        with s.atomic():
            return create(s, ENTITIES, e, row, lambda i: write_tokens(s, [{**row, "id": i}]))

    def update(self, e: Entity) -> Entity:
        ensure_valid(e)
        s = self._s
        entity_id = s.require_id(ENTITIES, e.id)
        row = mp.entity_row(e)
        with s.atomic():
            return overwrite(
                s,
                ENTITIES,
                entity_id,
                e,
                self.get(entity_id),
                row,
                lambda i: write_tokens(s, [{**row, "id": i}]),
            )

    def get(self, entity_id: int) -> Entity:
        return entity_from(self._s.one(ENTITIES, mp.ENTITY_COLS, entity_id))

    def list(self, include_archived: bool = False) -> builtins.list[Entity]:
        where = "" if include_archived else " WHERE archived_at IS NULL"
        rows = self._s.conn.execute(f"{_ENTITY_SQL}{where} ORDER BY name_key, id")
        return [entity_from(r) for r in rows]

    def own(self) -> builtins.list[Entity]:
        rows = self._s.conn.execute(
            f"{_ENTITY_SQL} WHERE archived_at IS NULL AND exporter_regimes <> '' "
            "ORDER BY name_key, id"
        )
        return [entity_from(r) for r in rows]

    def archive(self, e: Entity) -> Entity:
        return self._s.set_archived(ENTITIES, e, archive=True)

    def restore(self, e: Entity) -> Entity:
        return self._s.set_archived(ENTITIES, e, archive=False)

    # -- locations ---------------------------------------------------------------------------

    def locations(self, entity_id: int | None = None) -> builtins.list[Location]:
        if entity_id is None:
            rows = self._s.conn.execute(f"{_LOCATION_SQL} WHERE archived_at IS NULL ORDER BY id")
        else:
            rows = self._s.conn.execute(
                f"{_LOCATION_SQL} WHERE entity_id = ? AND archived_at IS NULL ORDER BY id",
                (entity_id,),
            )
        return [location_from(r) for r in rows]

    def add_location(self, loc: Location) -> Location:
        ensure_valid(loc)
        s = self._s
        with s.atomic():
            return create(s, LOCATIONS, loc, mp.location_row(loc))

    def update_location(self, loc: Location) -> Location:
        ensure_valid(loc)
        s = self._s
        loc_id = s.require_id(LOCATIONS, loc.id)
        with s.atomic():
            before = location_from(s.one(LOCATIONS, mp.LOCATION_COLS, loc_id))
            return overwrite(s, LOCATIONS, loc_id, loc, before, mp.location_row(loc))

    def archive_location(self, loc: Location) -> Location:
        return self._s.set_archived(LOCATIONS, loc, archive=True)

    def restore_location(self, loc: Location) -> Location:
        return self._s.set_archived(LOCATIONS, loc, archive=False)


@translated
class SqliteNames(Repository):
    def names(self, ids: Sequence[int] | None = None) -> dict[int, str]:
        conn = self._s.conn
        if ids is None:
            return dict(conn.execute("SELECT id, name FROM entities WHERE archived_at IS NULL"))
        if not ids:
            return {}
        s = self._s
        return dict(
            conn.execute(
                f"SELECT id, name FROM entities WHERE {s.in_ids('id')}", (s.ids_param(ids),)
            )
        )

    def keys(self) -> NameKeys:
        # Row by row, not fetchall(): each row is freed as it is read, so the keys lie close
        # together in memory, and the fuzzy matcher that scans them all runs a tenth faster.
        ids: builtins.list[int] = []
        keys: builtins.list[str] = []
        for i, k in self._s.conn.execute(
            "SELECT id, name_key FROM entities WHERE archived_at IS NULL"
        ):
            ids.append(i)
            keys.append(k)
        return NameKeys(tuple(ids), tuple(keys))

    def with_key_prefix(self, prefix: str, limit: int) -> builtins.list[NameHit]:
        upper = prefix + _TOP
        rows = self._s.conn.execute(
            "SELECT id, name FROM entities WHERE name_key >= ? AND name_key < ? "
            "AND archived_at IS NULL UNION "
            "SELECT id, name FROM entities WHERE legal_key >= ? AND legal_key < ? "
            "AND legal_key <> '' AND archived_at IS NULL LIMIT ?",
            (prefix, upper, prefix, upper, limit),
        )
        return [NameHit(i, n) for i, n in rows]

    def with_word_prefixes(
        self, prefixes: Sequence[str], limit: int
    ) -> builtins.list[NameCandidate]:
        if not prefixes:
            return []
        clauses = " OR ".join("(token >= ? AND token < ?)" for _ in prefixes)
        params = [x for p in prefixes for x in (p, p + _TOP)]
        rows = self._s.conn.execute(
            "SELECT id, name_key, legal_key FROM entities WHERE archived_at IS NULL AND id IN "
            f"(SELECT entity_id FROM entity_tokens WHERE {clauses}) LIMIT ?",
            (*params, limit),
        )
        return list(map(NameCandidate._make, rows))

    def groups(self) -> builtins.list[NameHit]:
        rows = self._s.conn.execute(
            "SELECT id, name FROM entities WHERE kind = 'group' AND archived_at IS NULL "
            "ORDER BY name_key, id"
        )
        return [NameHit(i, n) for i, n in rows]
