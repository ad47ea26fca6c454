"""Transfers, as the desktop app reads and writes them."""

from __future__ import annotations

import builtins

from transfers_app.domain.models import Transfer
from transfers_app.ports.storage import Store


class TransferService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, transfer_id: int) -> Transfer:
        return self._store.transfers.get(transfer_id)

    def list(self, include_archived: bool = False) -> builtins.list[Transfer]:
        """By id."""
        return self._store.transfers.list(include_archived)

    def of_entity(self, entity_id: int) -> builtins.list[Transfer]:
        """Live transfers the entity exports or imports, by id."""
        return self._store.transfers.of_entity(entity_id)

    def save(self, transfer: Transfer) -> Transfer:
        """Add a new transfer or write an edited one (refused if changed meanwhile)."""
        if transfer.id is None:
            return self._store.transfers.add(transfer)
        return self._store.transfers.update(transfer)

    def archive(self, transfer: Transfer) -> Transfer:
        return self._store.transfers.archive(transfer)

    def restore(self, transfer: Transfer) -> Transfer:
        return self._store.transfers.restore(transfer)
