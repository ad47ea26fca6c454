"""Every test runs under a temporary home and, for Qt, offscreen; tests of the PostgreSQL
adapter share one server (``postgres_server``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from support.postgres import PostgresServer

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
