"""The storage contract: every adapter of ``transfers_app.ports.storage.Store`` passes the
tests of this folder, on every engine in ``ADAPTERS``: SQLite, PostgreSQL (a server for the
whole run, ``postgres_server``; a fresh database for each store) and the in-memory fake.

What is tested is what a user relies on: records come back as saved, edits are versioned,
audited and refused when stale, archive hides without deleting, multi-step writes happen
whole or not at all, and the read models say the same as the records. Engine details (file
damage, WAL, migrations, statement counts) are tested beside the engine, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.memory_store import MemoryStore
from support.contract_samples import ACTOR, StoreFactory
from support.stores import open_register

from db.files import FileStore
from transfers_app.ports.storage import Store

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class Clock:
    """Ticks one second per call: every write gets its own time stamp."""

    def __init__(self) -> None:
        self.t = START

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def _sqlite(folder: Path, request: pytest.FixtureRequest) -> Store:
    return open_register("sqlite", folder, request, actor=ACTOR, now=Clock())


def _memory(folder: Path, request: pytest.FixtureRequest) -> Store:
    return MemoryStore(actor=ACTOR, files=FileStore(folder / "files"), now=Clock())


def _postgresql(folder: Path, request: pytest.FixtureRequest) -> Store:
    return open_register("postgresql", folder, request, actor=ACTOR, now=Clock())


ADAPTERS: dict[str, Callable[[Path, pytest.FixtureRequest], Store]] = {
    "sqlite": _sqlite,
    "postgresql": _postgresql,
    "memory": _memory,
}


@pytest.fixture(params=sorted(ADAPTERS))
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Makes empty stores of one adapter (each in its own folder or database)."""
    made: list[Store] = []

    def make() -> Store:
        store = ADAPTERS[request.param](tmp_path / f"store{len(made)}", request)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
    if request.param == "postgresql" and made:
        request.getfixturevalue("postgres_server").drop_databases()


@pytest.fixture
def store(new_store: StoreFactory) -> Store:
    return new_store()
