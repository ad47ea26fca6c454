"""A team register for the roles' tests: made by ``db init`` on the tests' server, with our
entity, an active supplier (with a location and a transfer) on it, and a login user per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from psycopg import sql
from support.contract_samples import location, own_entity, transfer, vendor
from support.postgres import PostgresServer

from db.postgres import PgStore, open_postgres
from db.postgres.connection import init_postgres
from db.postgres.roles import group_role
from transfers_app.domain.models import Entity
from transfers_app.ports.storage import RegisterRole


@dataclass
class Team:
    """``url[role]`` connects as that role's user (``users[role]``); ``owner_url`` as the
    register's owner, who ran ``db init``."""

    owner_url: str
    database: str
    users: dict[RegisterRole, str]
    url: dict[RegisterRole, str]
    own: Entity
    supplier: Entity


def register_team(server: PostgresServer) -> Iterator[Team]:
    """A fixture's body: the team register, dropped after the test with its roles and users."""
    owner_url = server.new_database(reuse=False)
    init_postgres(owner_url)  # makes the roles
    users: dict[RegisterRole, str] = {}
    urls: dict[RegisterRole, str] = {}
    conn = open_postgres(owner_url)
    try:
        owner = PgStore(conn, actor="owner")
        own, supplier = owner.entities.add(own_entity()), owner.entities.add(vendor())
        owner.entities.add_location(location(supplier))
        owner.transfers.add(transfer(own, supplier))
        database = conn.raw.info.dbname
        for role in RegisterRole:
            name, password = server.login_role()
            conn.raw.execute(
                sql.SQL("GRANT {} TO {}").format(
                    sql.Identifier(group_role(database, role)), sql.Identifier(name)
                )
            )
            users[role] = name
            urls[role] = server.url_as(owner_url, name, password)
    finally:
        conn.close()
    try:
        yield Team(owner_url, database, users, urls, own, supplier)
    finally:
        server.drop_databases()
        server.drop_login_roles()
