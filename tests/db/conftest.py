"""PostgreSQL registers for the engine's own tests (``test_postgres_store``, ``test_pg_notify``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from support.postgres import PostgresServer

    from db.postgres import PgStore


@pytest.fixture
def register(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty register (the test may change its schema)."""
    yield postgres_server.new_database(reuse=False)
    postgres_server.drop_databases()


@pytest.fixture
def two_stores(register: str) -> Iterator[tuple[PgStore, PgStore]]:
    """Two people's stores on one register, each on its own connection."""
    from db.postgres import PgStore, open_postgres

    a, b = open_postgres(register), open_postgres(register)
    yield PgStore(a, actor="ann"), PgStore(b, actor="bob")
    a.close()
    b.close()
