"""Entities and their processing locations, as the desktop app reads and writes them."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import replace

from transfers_app.domain.models import Entity, Location
from transfers_app.domain.names import name_key
from transfers_app.domain.readmodels import NameHit
from transfers_app.ports.storage import Store


class EntityService:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._groups: tuple[int, builtins.list[NameHit]] | None = None

    # -- reads ----------------------------------------------------------------------------------

    def get(self, entity_id: int) -> Entity:
        return self._store.entities.get(entity_id)

    def list(self, include_archived: bool = False) -> builtins.list[Entity]:
        return self._store.entities.list(include_archived)

    def own(self) -> builtins.list[Entity]:
        """Our own live exporting entities, in name order."""
        return self._store.entities.own()

    def groups(self) -> builtins.list[NameHit]:
        """Live group entities in name order (the choices of a parent); read again only
        after the register changed (every editor asks, and a large register scans for them)."""
        generation = self._store.audit.generation()
        if self._groups is None or self._groups[0] != generation:
            self._groups = (generation, self._store.names.groups())
        return list(self._groups[1])

    def names(self, ids: Sequence[int] | None = None) -> dict[int, str]:
        """The names of these entities (archived ones too), or of every live entity."""
        return self._store.names.names(ids)

    def locations(self, entity_id: int | None = None) -> builtins.list[Location]:
        """The live locations of one entity, or of every entity (None)."""
        return self._store.entities.locations(entity_id)

    def search(self, text: str, limit: int) -> builtins.list[NameHit]:
        """Live entities whose name (or legal name) starts with the text, in name order, then
        those with a word starting with every word typed: indexed reads, ``limit`` at most."""
        key = name_key(text)
        if not key:
            return []
        names = self._store.names
        hits = {h.entity_id: h.name for h in names.with_key_prefix(key, limit)}
        ranked = sorted(hits.items(), key=lambda kv: (kv[1].casefold(), kv[0]))
        words = [w for w in key.split() if len(w) >= 2]
        if len(hits) < limit and words:
            more: builtins.list[int] = []
            for c in names.with_word_prefixes(words, 500):
                if c.entity_id in hits:
                    continue
                have = f"{c.name_key} {c.legal_key}".split()
                if all(any(h.startswith(w) for h in have) for w in words):
                    more.append(c.entity_id)
                if len(more) >= limit - len(hits):
                    break
            found = names.names(more)
            ranked += sorted(
                ((i, found[i]) for i in more if i in found), key=lambda kv: kv[1].casefold()
            )
        return [NameHit(i, n) for i, n in ranked]

    # -- writes ---------------------------------------------------------------------------------

    def save(
        self,
        entity: Entity,
        locations: Sequence[Location] = (),
        original: Sequence[Location] = (),
    ) -> Entity:
        """Write the entity and its locations in one transaction.

        ``locations`` are the ones it has now (new ones without an id; their ``entity_id`` is
        set here, so a new entity's may be anything), ``original`` those it had when the user
        opened it, with their record versions: a changed one is updated (refused if someone
        changed it meanwhile), one no longer there is archived, an unchanged one is left alone.
        """
        with self._store.transaction() as tx:
            saved = tx.entities.add(entity) if entity.id is None else tx.entities.update(entity)
            assert saved.id is not None
            before = {o.id: o for o in original if o.id is not None}
            kept: set[int] = set()
            for loc in locations:
                if loc.id is None:
                    tx.entities.add_location(replace(loc, entity_id=saved.id))
                    continue
                kept.add(loc.id)
                old = before[loc.id]
                if (loc.country, loc.activity, loc.city) != (old.country, old.activity, old.city):
                    tx.entities.update_location(replace(loc, version=old.version))
            for old in original:
                if old.id not in kept:
                    tx.entities.archive_location(old)
        return saved

    def archive(self, entity: Entity) -> Entity:
        return self._store.entities.archive(entity)

    def restore(self, entity: Entity) -> Entity:
        return self._store.entities.restore(entity)
