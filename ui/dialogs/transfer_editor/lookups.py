"""What the transfer editor reads from the register, read lazily and kept for the dialog's
life: a register of 100,000 entities is never read whole for one transfer."""

from __future__ import annotations

from transfers_app.domain.models import CatalogueItem, Document, Entity, Location, Transfer
from transfers_app.errors import TransfersError
from transfers_app.services.app import AppServices

SUGGESTIONS = 30


class RegisterLookups:
    """The entities, documents, locations and transfers the editor needs, from ``services``."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        self._entities: dict[int, Entity | None] = {}
        self._documents: dict[int, list[Document]] = {}

    def search_entities(self, text: str) -> list[tuple[int, str]]:
        """Live entities whose name (or legal name) starts with the text, then those with a
        word starting with every word typed: indexed queries, a few dozen rows at most."""
        return [(h.entity_id, h.name) for h in self.services.entities.search(text, SUGGESTIONS)]

    def own_entities(self) -> list[Entity]:
        own = self.services.entities.own()
        for e in own:
            if e.id is not None:
                self._entities[e.id] = e
        return own

    def catalogue(self, kind: str) -> list[CatalogueItem]:
        return self.services.settings.catalogue(kind)

    def entity(self, entity_id: int | None) -> Entity | None:
        if entity_id is None:
            return None
        if entity_id not in self._entities:
            try:
                self._entities[entity_id] = self.services.entities.get(entity_id)
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
            self._documents[entity_id] = self.services.documents.of_entity(entity_id)
        return self._documents[entity_id]

    def document(self, document_id: int) -> Document | None:
        try:
            return self.services.documents.get(document_id)
        except TransfersError:
            return None

    def transfer(self, transfer_id: int) -> Transfer:
        return self.services.transfers.get(transfer_id)

    def transfers_of(self, entity_id: int) -> list[Transfer]:
        return self.services.transfers.of_entity(entity_id)

    def locations_of(self, entity_id: int) -> list[Location]:
        return self.services.entities.locations(entity_id)
