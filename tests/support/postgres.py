"""A PostgreSQL server for the tests, and a fresh register database for each store.

The server is, in this order: the one ``TRANSFERS_TEST_POSTGRES`` names (a libpq URL whose
user may create databases; ``.ci/run`` starts Debian's cluster and sets it), or one that
pytest-postgresql starts in a temporary folder with the PostgreSQL binaries found here
(``pg_ctl``; not as root, which PostgreSQL refuses). With neither, the PostgreSQL tests are
skipped and say why, unless ``TRANSFERS_TEST_POSTGRES_REQUIRED=1`` (CI), which fails them.

Each store gets a database of its own, copied from a template migrated once per test run
(``CREATE DATABASE ... TEMPLATE``: a tenth of a second, where migrating takes half a second),
emptied after the test and handed to the next (a few hundredths of a second).
"""

from __future__ import annotations

import glob
import os
import shutil
import uuid
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from db.postgres import open_postgres

ENV_SERVER = "TRANSFERS_TEST_POSTGRES"
ENV_REQUIRED = "TRANSFERS_TEST_POSTGRES_REQUIRED"


@dataclass
class PostgresServer:
    """A running server where the tests' user may create and drop databases (through one
    connection of its own, to the database ``params`` names)."""

    params: dict[str, Any]
    template: str = field(default_factory=lambda: f"treg_template_{uuid.uuid4().hex[:10]}")
    made: list[tuple[str, bool]] = field(default_factory=list)  # (name, a register?)
    spare: list[str] = field(default_factory=list)  # empty registers to hand out again
    _admin: psycopg.Connection[Any] | None = None

    def url(self, dbname: str) -> str:
        return make_conninfo(**{**self.params, "dbname": dbname})

    def _run(self, query: sql.Composed) -> None:
        if self._admin is None:
            self._admin = psycopg.connect(make_conninfo(**self.params), autocommit=True)
        self._admin.execute(query)

    def _create(self, name: str, template: str) -> None:
        self._run(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )

    def _drop(self, name: str) -> None:
        self._run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def create_template(self) -> None:
        """The template every test database is copied from: an empty register, migrated."""
        self._create(self.template, "template0")
        open_postgres(self.url(self.template), migrate=True).close()

    def new_database(self, template: bool = True) -> str:
        """A new database (an empty register, or with ``template`` False, an empty database);
        returns its URL. ``drop_databases`` drops it, or empties it for another test."""
        if template and self.spare:
            name = self.spare.pop()
        else:
            name = f"treg_{uuid.uuid4().hex[:12]}"
            self._create(name, self.template if template else "template0")
        self.made.append((name, template))
        return self.url(name)

    def drop_databases(self) -> None:
        """Done with every database made since the last call: the registers are emptied (ids
        start from 1 again) and kept for the next test, quicker than copying a new one."""
        while self.made:
            name, register = self.made.pop()
            if register:
                with psycopg.connect(self.url(name), autocommit=True) as conn:
                    empty_register(conn)
                self.spare.append(name)
            else:
                self._drop(name)

    def close(self) -> None:
        """Drops every database made and the template."""
        self.drop_databases()
        for name in [*self.spare, self.template]:
            self._drop(name)
        self.spare.clear()
        if self._admin is not None:
            self._admin.close()
            self._admin = None


def empty_register(conn: psycopg.Connection[Any]) -> None:
    """Deletes every record of the register at ``conn``; its ids start from 1 again. (Quicker
    than TRUNCATE on tables this small: a tenth of its time.)"""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_name <> 'schema_migrations'"
        )
    ]
    numbered = [
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND is_identity = 'YES'"
        )
    ]
    with conn.transaction():
        conn.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in numbered:
            conn.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN id RESTART").format(sql.Identifier(table))
            )


def pg_ctl() -> str | None:
    """The PostgreSQL server's control program on this machine, if any."""
    found = shutil.which("pg_ctl")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return candidates[-1] if candidates else None


def no_server(reason: str) -> None:
    """Skip (or, where a server is required, fail) the test that needs a server."""
    if os.environ.get(ENV_REQUIRED) == "1":
        pytest.fail(f"PostgreSQL is required ({ENV_REQUIRED}=1) but {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL server for the tests: {reason}")


def server_params(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Where the tests' server is (see the module's doc), starting one if need be."""
    url = os.environ.get(ENV_SERVER)
    if url:
        return dict(conninfo_to_dict(url))
    executable = pg_ctl()
    if executable is None:
        no_server(
            f"neither {ENV_SERVER} is set nor are PostgreSQL's server binaries installed "
            "(Debian: apt-get install postgresql)"
        )
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        no_server(
            f"PostgreSQL does not run as root: start a server as the postgres user and set "
            f"{ENV_SERVER} to its URL, as .ci/run does"
        )
    proc = request.getfixturevalue("postgresql_proc")
    return {
        "host": proc.host,
        "port": proc.port,
        "user": proc.user,
        "password": proc.password or None,
        "dbname": "postgres",
    }
