"""Many records written at once (a register loaded or copied, a supplier list imported), on
each engine: PostgreSQL streams them with COPY (``db.postgres.connection``), SQLite inserts
them row by row; both store exactly what was given, and refuse a duplicate whole."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.contract_samples import own_entity, transfer, vendor
from support.postgres import PostgresServer
from support.stores import NewRegister
from support.team import Team, register_team

from db.postgres import PgStore, open_postgres
from transfers_app.domain.audit_chain import verify_chain
from transfers_app.domain.enums import Activity
from transfers_app.domain.models import Location
from transfers_app.errors import StorageError
from transfers_app.ports.storage import RegisterRole
from transfers_app.services.entities import EntityService

# Text COPY must escape (tab, newline, backslash, the \N it reads as NULL), quotes, scripts.
AWKWARD = [
    "Tab\there",
    "Two\nlines",
    "Back\\slash",
    "\\N",
    'O\'Brien "Ltd"',
    "株式会社サクラ",
    "Ωmega ☁",
]
MANY = 120  # well above the rows from which PostgreSQL uses COPY


def test_many_new_suppliers_read_back_exactly_as_given(new_register: NewRegister) -> None:
    store = new_register()
    names = [f"{AWKWARD[i % len(AWKWARD)]} {i}" for i in range(MANY)]
    given = [vendor(n, notes=AWKWARD[i % len(AWKWARD)], website="") for i, n in enumerate(names)]
    ids = store.records.add_many(
        given, [Location(-(i + 1), "US", Activity.HOSTING) for i in range(MANY)], []
    )
    saved = {e.id: e for e in store.entities.list()}
    assert [(saved[i].name, saved[i].notes, saved[i].website) for i in ids] == [
        (e.name, e.notes, "") for e in given
    ]
    assert all(saved[i].version == 1 for i in ids)
    assert [loc.entity_id for loc in store.entities.locations()] == ids
    # Found by a word inside their names (the name tokens were written with them).
    found = {h.name for h in EntityService(store).search("here", MANY)}
    assert found == {n for n in names if n.startswith("Tab\there")}
    assert len(store.audit.entries(limit=1000)) >= 2 * MANY


def test_a_duplicate_among_many_refuses_them_all(new_register: NewRegister) -> None:
    store = new_register()
    us, them = store.entities.add(own_entity()), store.entities.add(vendor())
    before = store.queries.counts()
    same = [transfer(us, them) for _ in range(MANY)]
    with pytest.raises(StorageError, match="this transfer is already on the register"):
        store.records.add_many([], [], same)
    assert store.queries.counts() == before


@pytest.fixture
def team(postgres_server: PostgresServer) -> Iterator[Team]:
    yield from register_team(postgres_server)


def test_a_team_member_adds_many_under_the_row_security_of_their_role(team: Team) -> None:
    # PostgreSQL refuses COPY into a table whose row-level security applies to the user: a
    # legal user's import goes in row by row, under the role's policies, and is all there.
    store = PgStore(open_postgres(team.url[RegisterRole.LEGAL]))
    try:
        given = [vendor(f"Imported {i}") for i in range(MANY)]
        ids = store.records.add_many(given, [], [])
        names = store.names.names(ids)
        assert [names[i] for i in ids] == [e.name for e in given]
        assert verify_chain(store.audit.chain()).intact
    finally:
        store.close()
