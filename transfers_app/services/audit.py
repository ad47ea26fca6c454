"""The audit log, the register's size and generation, and its settings and catalogues."""

from __future__ import annotations

import json
from typing import Any

from transfers_app.domain.models import AuditEntry, CatalogueItem
from transfers_app.domain.readmodels import Counts
from transfers_app.ports.storage import Store


def parse_record(text: str | None) -> dict[str, Any] | None:
    """The JSON object of an audited record, or None (no record, or a plain-text note)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class AuditService:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def actor(self) -> str:
        """Who is audited as making this run's changes."""
        return self._store.actor

    def entries(
        self, limit: int = 200, table: str | None = None, record_id: int | None = None
    ) -> list[AuditEntry]:
        """Newest first; ``table`` is an ``AuditEntry.table`` ("entities", "documents"...)."""
        return self._store.audit.entries(limit, table, record_id)

    def counts(self) -> Counts:
        """How many live records the register holds, and audit entries."""
        return self._store.queries.counts()

    def generation(self) -> int:
        """Changes whenever anything on the register changes (a view compares it to know
        whether to read again)."""
        return self._store.audit.generation()


class SettingsService:
    """The register's settings and its catalogues of data categories and data subjects."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def catalogue(self, name: str) -> list[CatalogueItem]:
        """ "data_category" or "data_subject", in the order added."""
        return self._store.settings.catalogue(name)

    def get(self, key: str) -> str | None:
        return self._store.settings.get(key)

    def set(self, key: str, value: str) -> None:
        self._store.settings.set(key, value)
