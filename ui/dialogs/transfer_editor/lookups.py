"""What the transfer editor reads from the register, read lazily and kept for the dialog's
life: a register of 100,000 entities is never read whole for one transfer."""

from __future__ import annotations

from typing import Any

from transfers_app.domain.models import Document, Entity, Location, Transfer
from transfers_app.domain.names import name_key
from transfers_app.errors import TransfersError
from transfers_app.ports import RegisterPort

SUGGESTIONS = 30


class RegisterLookups:
    """The entities, documents, locations and transfers the editor needs, from ``repo``."""

    def __init__(self, repo: RegisterPort) -> None:
        self.repo = repo
        self._entities: dict[int, Entity | None] = {}
        self._documents: dict[int, list[Document]] = {}

    def search_entities(self, text: str) -> list[tuple[int, str]]:
        """Live entities whose name (or legal name) starts with the text, then those with a
        word starting with every word typed: indexed queries, a few dozen rows at most."""
        key = name_key(text)
        if not key:
            return []
        hits = dict(self.repo.entities_with_key_prefix(key, SUGGESTIONS))
        ranked = sorted(hits.items(), key=lambda kv: (kv[1].casefold(), kv[0]))
        words = [w for w in key.split() if len(w) >= 2]
        if len(hits) < SUGGESTIONS and words:
            more: list[int] = []
            for entity_id, nk, lk in self.repo.entities_with_word_prefixes(words, 500):
                if entity_id in hits:
                    continue
                have = f"{nk} {lk}".split()
                if all(any(h.startswith(w) for h in have) for w in words):
                    more.append(entity_id)
                if len(more) >= SUGGESTIONS - len(hits):
                    break
            names = self.repo.names_of(more)
            ranked += sorted(
                ((i, names[i]) for i in more if i in names), key=lambda kv: kv[1].casefold()
            )
        return ranked

    def own_entities(self) -> list[Entity]:
        own = list(self.repo.own_entities())
        for e in own:
            if e.id is not None:
                self._entities[e.id] = e
        return own

    def catalogue(self, kind: str) -> list[Any]:
        return list(self.repo.catalogue(kind))

    def entity(self, entity_id: int | None) -> Entity | None:
        if entity_id is None:
            return None
        if entity_id not in self._entities:
            try:
                self._entities[entity_id] = self.repo.get_entity(entity_id)
            except TransfersError:
                self._entities[entity_id] = None
        return self._entities[entity_id]

    def name(self, entity_id: int) -> str:
        e = self.entity(entity_id)
        return e.name if e is not None else f"#{entity_id}"

    def documents_of(self, entity_id: int | None) -> list[Document]:
        if entity_id is None:
            return []
        if entity_id not in self._documents:
            self._documents[entity_id] = self.repo.documents_of(entity_id)
        return self._documents[entity_id]

    def document(self, document_id: int) -> Document | None:
        try:
            return self.repo.get_document(document_id)
        except TransfersError:
            return None

    def transfer(self, transfer_id: int) -> Transfer:
        return self.repo.get_transfer(transfer_id)

    def transfers_of(self, entity_id: int) -> list[Transfer]:
        return list(self.repo.transfers_of(entity_id))

    def locations_of(self, entity_id: int) -> list[Location]:
        return list(self.repo.locations_of(entity_id))
