"""Registers for service tests: the demo register on SQLite or in memory, and finding a record
in it by name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fakes.memory_store import MemoryStore

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from transfers_app.domain.models import Entity
from transfers_app.ports.storage import Store
from transfers_app.services.demo import load_demo

DEMO_DAY = date(2026, 11, 25)


def demo_sqlite(folder: Path, actor: str = "t") -> SqliteStore:
    """The demo register as of ``DEMO_DAY`` in a new SQLite file in ``folder`` (``r.db``, signed
    files beside it). The caller closes it."""
    store = SqliteStore(open_db(folder / "r.db"), actor=actor, files=FileStore(folder / "files"))
    load_demo(store, DEMO_DAY, file_adapters().pdf)
    return store


def demo_memory(actor: str = "privacy-lead") -> MemoryStore:
    """The demo register as of ``DEMO_DAY`` in the in-memory store."""
    store = MemoryStore(actor=actor)
    load_demo(store, DEMO_DAY, file_adapters().pdf)
    return store


def entity_named(store: Store, name: str) -> Entity:
    """The one live entity called ``name``."""
    (found,) = [e for e in store.entities.list() if e.name == name]
    return found
