"""Registers for service tests: the demo register on SQLite or in memory, finding a record in it
by name, and an empty register on each engine (``ENGINES``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, TypeVar

import pytest
from fakes.memory_store import MemoryStore

from db import FileStore, SqliteStore, open_db
from db.sqlite.session import utcnow
from exports import file_adapters
from transfers_app.domain.models import Entity
from transfers_app.ports.storage import Store
from transfers_app.services.demo import load_demo

DEMO_DAY = date(2026, 11, 25)


_S = TypeVar("_S", bound=Store)


def with_demo(store: _S) -> _S:
    """``store`` (empty) with the demo register as of ``DEMO_DAY`` loaded into it."""
    load_demo(store, DEMO_DAY, file_adapters().pdf)
    return store


def demo_sqlite(folder: Path, actor: str = "t") -> SqliteStore:
    """The demo register as of ``DEMO_DAY`` in a new SQLite file in ``folder`` (``r.db``, signed
    files beside it). The caller closes it."""
    return with_demo(
        SqliteStore(open_db(folder / "r.db"), actor=actor, files=FileStore(folder / "files"))
    )


def demo_memory(actor: str = "privacy-lead") -> MemoryStore:
    """The demo register as of ``DEMO_DAY`` in the in-memory store."""
    return with_demo(MemoryStore(actor=actor))


def entity_named(store: Store, name: str) -> Entity:
    """The one live entity called ``name``."""
    (found,) = [e for e in store.entities.list() if e.name == name]
    return found


# -- one register on each engine -----------------------------------------------------------

# The engines a service or end-to-end test that touches storage runs on (``engine``,
# ``new_register`` in tests/conftest.py); PostgreSQL on the run's server (``postgres_server``).
ENGINES = ("sqlite", "postgresql")
# For a test whose storage is incidental (and that is slow): on the register file only.
sqlite_only = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


class NewRegister(Protocol):
    """Makes a new, empty register (the ``new_register`` fixture)."""

    def __call__(self, *, actor: str = ..., now: Callable[[], datetime] = ...) -> Store: ...


def open_register(
    engine: str,
    folder: Path,
    request: pytest.FixtureRequest,
    *,
    actor: str = "t",
    now: Callable[[], datetime] = utcnow,
) -> Store:
    """A new, empty register on ``engine``: a register file in ``folder``, or a database of
    its own on the run's PostgreSQL server; its signed files in ``folder / "files"`` (on
    PostgreSQL in the database, their local copies in ``folder / "cache"``). The
    caller closes it, then calls ``release_register``."""
    if engine == "sqlite":
        files = FileStore(folder / "files")
        return SqliteStore(open_db(folder / "register.db"), actor=actor, files=files, now=now)
    from db.postgres import PgStore, open_postgres

    server = request.getfixturevalue("postgres_server")
    cache = folder / "cache"  # its signed files are in the database; local copies here
    return PgStore(open_postgres(server.new_database()), actor=actor, cache=cache, now=now)


def release_register(store: Store, request: pytest.FixtureRequest) -> None:
    """Closes a register of ``open_register``; a PostgreSQL one's database is handed back."""
    store.close()
    if not isinstance(store, SqliteStore):
        from db.postgres import PgStore

        assert isinstance(store, PgStore)
        request.getfixturevalue("postgres_server").release(store.connection.where)


class DemoRegisters:
    """The demo register, loaded once per engine for the whole run (into ``folder``, and a
    database of its own on the server) and copied for each test that asks for it: loading it
    renders its signed PDFs and takes seconds, a copy a tenth of that."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.databases: dict[str, str] = {}  # engine -> the source register's URL

    def open(self, engine: str, folder: Path, request: pytest.FixtureRequest) -> Store:
        """A copy of the demo register on ``engine``, its signed files in ``folder``. The
        caller closes it, then calls ``release_register``."""
        source = self.folder / engine
        if engine == "sqlite":
            if not source.exists():
                with_demo(open_register(engine, source, request)).close()
            shutil.copytree(source, folder)
            return SqliteStore(
                open_db(folder / "register.db"), actor="t", files=FileStore(folder / "files")
            )
        from db.postgres import PgStore, open_postgres

        server = request.getfixturevalue("postgres_server")
        if engine not in self.databases:
            url = server.new_source()
            store = PgStore(open_postgres(url), actor="t", cache=source / "cache")
            with_demo(store).close()
            self.databases[engine] = url
        # The signed files are in the database, copied with it.
        copy = open_postgres(server.copy_of(self.databases[engine]))
        return PgStore(copy, actor="t", cache=folder / "cache")


def another_user(store: Store, actor: str) -> Store:
    """A connection of its own to the register ``store`` is open on (SQLite or PostgreSQL),
    for another person writing as ``actor``; made in the thread that uses it. The caller
    closes it."""
    if isinstance(store, SqliteStore):
        return SqliteStore(open_db(Path(store.storage.location)), actor=actor)
    from db.postgres import PgStore, open_postgres

    assert isinstance(store, PgStore)
    return PgStore(open_postgres(store.connection.where), actor=actor)
