"""A PostgreSQL server for the tests, and a fresh register database for each store.

The server is, in this order: the one ``TRANSFERS_TEST_POSTGRES`` names (a libpq URL whose
user may create databases; ``.ci/run`` starts Debian's cluster and sets it), or one started
for the run in a temporary folder with the PostgreSQL binaries found here (``pg_ctl``): by
pytest-postgresql, or as root (which PostgreSQL refuses to run as) as the ``postgres`` user.
With none, the PostgreSQL tests are skipped and say why, unless
``TRANSFERS_TEST_POSTGRES_REQUIRED=1`` (CI), which fails them.

Each store gets a database of its own, copied from a template migrated once per test run
(``CREATE DATABASE ... TEMPLATE``: a tenth of a second, where migrating takes half a second),
emptied after the test and handed to the next (a few hundredths of a second).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import quote, urlencode

import port_for
import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from db.postgres import open_postgres
from db.postgres.roles import group_roles
from transfers_app.domain.team_register import without_password
from transfers_app.ports.storage import Store, UnitOfWork

T = TypeVar("T")

ENV_SERVER = "TRANSFERS_TEST_POSTGRES"
ENV_REQUIRED = "TRANSFERS_TEST_POSTGRES_REQUIRED"


@dataclass
class PostgresServer:
    """A running server where the tests' user may create and drop databases (through one
    connection of its own, to the database ``params`` names)."""

    params: dict[str, Any]
    template: str = field(default_factory=lambda: f"treg_template_{uuid.uuid4().hex[:10]}")
    made: list[tuple[str, bool]] = field(default_factory=list)  # (name, to reuse?)
    spare: list[str] = field(default_factory=list)  # empty registers to hand out again
    sources: list[str] = field(default_factory=list)  # registers copied from (``copy_of``)
    logins: list[str] = field(default_factory=list)  # login roles made by ``login_role``
    _admin: psycopg.Connection[Any] | None = None

    def url(self, dbname: str) -> str:
        """The database's postgresql:// URL, as a user gives it to the app."""
        rest = {k: str(v) for k, v in self.params.items() if k != "dbname" and v not in (None, "")}
        return f"postgresql:///{quote(dbname)}" + (f"?{urlencode(rest)}" if rest else "")

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
        # A session of another user (a role's test) may still be ending after its client
        # closed; FORCE may not end it for us (only a superuser may end others' sessions).
        for _ in range(50):
            try:
                self._run(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                break
            except psycopg.errors.InsufficientPrivilege:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{name}: another user's session did not end")
        # The register's roles (``db init`` makes them; they belong to the whole server).
        for role in group_roles(name).values():
            self._run(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))

    def login_role(self) -> tuple[str, str]:
        """A new login role with a password, named uniquely (tests run in parallel share the
        server); ``drop_login_roles`` drops it. Returns its name and password."""
        name, password = f"treg_user_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
        self._run(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)
            )
        )
        self.logins.append(name)
        return name, password

    def drop_login_roles(self) -> None:
        while self.logins:
            name = self.logins.pop()
            self._run(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))

    def url_as(self, url: str, user: str, password: str, **options: str) -> str:
        """``url`` (one of this server's databases) as a postgresql:// URL for ``user``: by the
        server's Unix socket where that lets a password in, or else over TCP on localhost
        (Debian's cluster lets local users in by their system name only, ``peer``)."""
        params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v not in (None, "")}
        dbname = params.pop("dbname")
        for key in ("user", "password"):
            params.pop(key, None)
        params.update(options)
        login = f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@"

        def as_url(rest: dict[str, str]) -> str:
            return f"{login}/{quote(dbname)}?{urlencode(rest, quote_via=quote)}"

        try:
            psycopg.connect(as_url(params), connect_timeout=5).close()
        except psycopg.OperationalError:
            params["host"] = "127.0.0.1"
        return as_url(params)

    def create_template(self) -> None:
        """The template every test database is copied from: an empty register, migrated."""
        self._create(self.template, "template0")
        open_postgres(self.url(self.template), migrate=True).close()

    def new_database(self, template: bool = True, reuse: bool = True) -> str:
        """A new database (an empty register, or with ``template`` False, an empty database);
        returns its URL. ``drop_databases`` drops it, or, if ``reuse`` (the test changes no
        schema), empties it for another test."""
        if template and reuse and self.spare:
            name = self.spare.pop()
        else:
            name = f"treg_{uuid.uuid4().hex[:12]}"
            self._create(name, self.template if template else "template0")
        self.made.append((name, template and reuse))
        return self.url(name)

    def new_source(self) -> str:
        """A new, empty register kept for the whole run (dropped by ``close``), to fill once and
        copy for each test (``copy_of``); returns its URL."""
        name = f"treg_source_{uuid.uuid4().hex[:10]}"
        self._create(name, self.template)
        self.sources.append(name)
        return self.url(name)

    def copy_of(self, source: str) -> str:
        """A new register holding what the register at ``source`` (``new_source``, no one
        connected to it) holds, for one test; returns its URL (``drop_databases`` and
        ``release`` empty it for the next test)."""
        name = f"treg_{uuid.uuid4().hex[:12]}"
        self._create(name, next(n for n in self.sources if self.url(n) == source))
        self.made.append((name, True))
        return self.url(name)

    def release(self, url: str) -> None:
        """Done with the one database at ``url`` (made by ``new_database``; its password may
        be left out): emptied for another test, or dropped, as ``drop_databases`` does,
        leaving the others alone."""
        name = next(
            n for n, _ in self.made if without_password(self.url(n)) == without_password(url)
        )
        kept = [m for m in self.made if m[0] != name]
        self.made = [m for m in self.made if m[0] == name]
        self.drop_databases()
        self.made = kept

    def drop_databases(self) -> None:
        """Done with every database made since the last call: the registers are emptied (ids
        start from 1 again) and kept for the next test, quicker than copying a new one."""
        while self.made:
            name, reuse = self.made.pop()
            if reuse:
                with psycopg.connect(self.url(name), autocommit=True) as conn:
                    empty_register(conn)
                self.spare.append(name)
            else:
                self._drop(name)

    def close(self) -> None:
        """Drops every database made and the template."""
        self.drop_databases()
        for name in [*self.spare, *self.sources, self.template]:
            self._drop(name)
        self.spare.clear()
        self.drop_login_roles()
        if self._admin is not None:
            self._admin.close()
            self._admin = None


def empty_register(conn: psycopg.Connection[Any]) -> None:
    """Deletes every record of the register at ``conn``, the audit trail's too; its ids start
    from 1 again. (Quicker than TRUNCATE on tables this small: a tenth of its time.)"""
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
        # The audit trail is append-only (m006_audit_chain): its owner lifts that for the
        # clearing only, in the same transaction.
        conn.execute("ALTER TABLE audit DISABLE TRIGGER USER")
        for table in tables:
            conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        conn.execute("ALTER TABLE audit ENABLE TRIGGER USER")
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in numbered:
            conn.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN id RESTART").format(sql.Identifier(table))
            )


def current_user(url: str) -> str:
    """The user the server at ``url`` authenticates (what the audit and the window name)."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    assert row is not None
    return str(row[0])


def pg_ctl() -> str | None:
    """The PostgreSQL server's control program on this machine, if any."""
    found = shutil.which("pg_ctl")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return candidates[-1] if candidates else None


def no_server(reason: str) -> NoReturn:
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
    if _is_root():
        server = RootSafeServer(Path(executable).parent)
        request.addfinalizer(server.stop)
        return server.start()
    proc = request.getfixturevalue("postgresql_proc")
    return {
        "host": proc.host,
        "port": proc.port,
        "user": proc.user,
        "password": proc.password or None,
        "dbname": "postgres",
    }


class RootSafeServer:
    """A throwaway server for a test run as root: PostgreSQL refuses to run as root, so it
    runs as the ``postgres`` user (Debian's package makes it) in a temporary folder, without
    fsync, reachable only by its Unix socket, where root is its superuser.

    ``host_auth`` (``scram-sha-256``): it also listens on 127.0.0.1, where every user must
    give a password (the socket still trusts everyone): a server that asks for one. Not as
    root, it runs as the user running the tests, who is then its superuser."""

    def __init__(self, bindir: Path, host_auth: str | None = None) -> None:
        self.bindir = bindir
        self.host_auth = host_auth
        self.folder = Path(tempfile.mkdtemp(prefix="treg-postgres-"))
        self.data = self.folder / "data"
        self.port = 0

    def _as_postgres(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if _is_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            no_server(f"{program} failed: {(done.stderr or done.stdout).strip()[-300:]}")

    def start(self) -> dict[str, Any]:
        superuser = "root" if _is_root() else pwd.getpwuid(os.getuid()).pw_name
        if _is_root():
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                no_server("running as root, and there is no postgres user to run PostgreSQL as")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        auth = ["--auth=trust"]
        if self.host_auth:
            auth = ["--auth-local=trust", f"--auth-host={self.host_auth}"]
        self._as_postgres(
            "initdb", "-D", str(self.data), "-U", superuser, *auth, "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        self.port = port_for.select_random()
        listen = "127.0.0.1" if self.host_auth else ""
        options = f"-k {self.folder} -p {self.port} -c listen_addresses='{listen}' -c fsync=off"
        self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o", options,
            "start",
        )  # fmt: skip
        return {
            "host": str(self.folder),
            "port": self.port,
            "user": superuser,
            "dbname": "postgres",
        }

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def second_waits(
    first: Store, inside: Callable[[UnitOfWork], T], second: Callable[[], object]
) -> tuple[T, object]:
    """Runs ``inside`` in a transaction of ``first``; while it is open, starts ``second`` (on
    another connection) on a thread and checks that it waits for that transaction. Returns
    what ``inside`` returned and what ``second`` did once it could go on: its result, or the
    exception it raised."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(second())
        except BaseException as exc:
            outcome.append(exc)

    with first.transaction() as tx:
        result = inside(tx)
        worker = threading.Thread(target=run)
        worker.start()
        worker.join(0.5)
        assert worker.is_alive()  # the second waits for the first transaction
    worker.join(10)
    assert not worker.is_alive()
    return result, outcome[0]


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
