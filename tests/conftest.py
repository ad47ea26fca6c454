"""Every test runs under a temporary home and, for Qt, offscreen; tests of the PostgreSQL
adapter share one server (``postgres_server``); a service or end-to-end test that touches
storage runs on each engine by asking for ``new_register`` (or ``engine``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support.stores import (
    ENGINES,
    DemoRegisters,
    NewRegister,
    open_register,
    release_register,
)

from db.sqlite.session import utcnow

if TYPE_CHECKING:
    from support.postgres import PostgresServer

    from transfers_app.ports.storage import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _temporary_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("TRANSFERS_APP_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole run (``support.postgres``: skipped with the reason
    where none can be had), with a migrated template database; what the tests make on it is
    dropped at the end. (Only the tests that ask for it import psycopg.)"""
    from support.postgres import PostgresServer, server_params

    server = PostgresServer(server_params(request))
    try:
        server.create_template()
        yield server
    finally:
        server.close()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The storage engine the test runs on: each of ``support.stores.ENGINES`` in turn."""
    return str(request.param)


@pytest.fixture
def new_register(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[NewRegister]:
    """Makes new, empty registers on ``engine`` (``support.stores.open_register``: keyword
    arguments ``actor``, ``now``), each in its own folder or database, closed after the test."""
    made: list[Store] = []

    def make(*, actor: str = "t", now: Callable[[], datetime] = utcnow) -> Store:
        folder = tmp_path / f"register{len(made)}"
        store = open_register(engine, folder, request, actor=actor, now=now)
        made.append(store)
        return store

    yield make
    for store in made:
        release_register(store, request)


@pytest.fixture(scope="session")
def demo_registers(tmp_path_factory: pytest.TempPathFactory) -> DemoRegisters:
    return DemoRegisters(tmp_path_factory.mktemp("demo-registers"))


@pytest.fixture
def demo_register(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest, demo_registers: DemoRegisters
) -> Iterator[Store]:
    """The demo register (``support.stores.with_demo``) on ``engine``, a copy of its own."""
    store = demo_registers.open(engine, tmp_path / "demo", request)
    yield store
    release_register(store, request)
