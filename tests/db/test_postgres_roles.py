"""The team register's roles, enforced by PostgreSQL: what legal, procurement and an auditor may
do, tried with plain SQL behind the app's back and through the app's services, on a real
server, as real login users (made for the test, named uniquely, dropped after it)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import psycopg
import pytest
from psycopg import errors as pg
from psycopg.conninfo import conninfo_to_dict
from support.cli import run_cli_cleanly
from support.contract_samples import TODAY, location, transfer, vendor
from support.postgres import PostgresServer
from support.team import Team, register_team

from db.postgres import PgStore, open_postgres
from db.postgres.connection import init_postgres
from db.postgres.errors import role_refusal
from db.postgres.roles import group_role, group_roles
from exports import file_adapters
from transfers_app.domain.enums import Lifecycle
from transfers_app.domain.models import Entity
from transfers_app.errors import RoleRefusedError, StorageError
from transfers_app.ports.storage import RegisterRole
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource

# -- without a server ------------------------------------------------------------------------


def test_role_names_are_the_database_s_and_fit_postgresql_s_limit() -> None:
    assert group_roles("treg_live") == {
        RegisterRole.LEGAL: "treg_live_legal",
        RegisterRole.PROCUREMENT: "treg_live_procurement",
        RegisterRole.AUDITOR: "treg_live_auditor",
    }
    long_a, long_b = "register_" + "a" * 60, "register_" + "a" * 59 + "b"
    a, b = group_role(long_a, RegisterRole.AUDITOR), group_role(long_b, RegisterRole.AUDITOR)
    assert len(a.encode()) <= 63 and len(b.encode()) <= 63
    assert a != b and a.endswith("_auditor")


def test_a_refusal_says_the_role_what_it_may_do_and_whom_to_ask() -> None:
    denied = pg.InsufficientPrivilege("permission denied for table entities")
    message = str(role_refusal(denied, RegisterRole.PROCUREMENT))
    assert message.startswith("Your role on this register is procurement: you may propose")
    assert "not approve, edit or archive a supplier already on the register" in message
    assert message.endswith("Ask the legal team.")
    documents = pg.InsufficientPrivilege("permission denied for table documents")
    assert "not add or change documents" in str(role_refusal(documents, RegisterRole.PROCUREMENT))
    active = pg.InsufficientPrivilege(
        'new row violates row-level security policy for table "entities"'
    )
    assert "in any lifecycle but proposed" in str(role_refusal(active, RegisterRole.PROCUREMENT))
    assert "is auditor: you may read" in str(role_refusal(documents, RegisterRole.AUDITOR))


# -- a register with its roles, and its users ------------------------------------------------


@pytest.fixture
def team(postgres_server: PostgresServer) -> Iterator[Team]:
    yield from register_team(postgres_server)


def _sql_as(team: Team, role: RegisterRole) -> psycopg.Connection[Any]:
    return psycopg.connect(team.url[role], autocommit=True)


_NEW_ENTITY = (
    "INSERT INTO entities (name, name_key, kind, lifecycle, created_at, updated_at) "
    "VALUES (%s, %s, 'vendor', %s, 'now', 'now') RETURNING id"
)


def _refused(conn: psycopg.Connection[Any], statement: str, *params: object) -> None:
    with pytest.raises(pg.InsufficientPrivilege):
        conn.execute(statement, params or None)


def test_procurement_bypassing_the_app_may_only_propose_a_supplier(team: Team) -> None:
    supplier = team.supplier.id
    with _sql_as(team, RegisterRole.PROCUREMENT) as conn:
        # Reading is allowed.
        assert conn.execute("SELECT count(*) FROM entities").fetchone() == (2,)
        # Approving or editing an entity on the register, adding an active one: refused.
        _refused(conn, "UPDATE entities SET lifecycle = 'approved' WHERE id = %s", supplier)
        _refused(conn, _NEW_ENTITY, "Rogue Ltd", "rogue ltd", "active")
        # Documents, assessments, the organisation's settings: refused.
        _refused(
            conn,
            "INSERT INTO documents (kind, title, created_at, updated_at) "
            "VALUES ('eu_scc_2021', 'SCCs', 'now', 'now')",
        )
        _refused(conn, "INSERT INTO settings (key, value) VALUES ('organisation', '{}')")
        # The audit chain's anchor: only its true value (the newest entry's id and hash).
        _refused(conn, "UPDATE settings SET value = '1:forged' WHERE key = 'audit_anchor'")
        # Deleting anything: refused, or (the name words and mechanisms the app rewrites on
        # every save) allowed to run but reaching no row.
        for table in ("entities", "locations", "transfers", "documents", "settings", "audit"):
            _refused(conn, f"DELETE FROM {table}")
        for table in ("entity_tokens", "transfer_mechanisms"):
            assert conn.execute(f"DELETE FROM {table}").rowcount == 0
        # The audit trail: no change, no entry under another name.
        _refused(conn, "UPDATE audit SET actor = 'mallory'")
        _refused(
            conn,
            "INSERT INTO audit (at, actor, table_name, action) VALUES ('now', 'legal.lead', "
            "'entities', 'create')",
        )
        # A location or transfer for a supplier already approved: refused.
        _refused(
            conn,
            "INSERT INTO locations (entity_id, country, activity, created_at, updated_at) "
            "VALUES (%s, 'US', 'hosting', 'now', 'now')",
            supplier,
        )
        # Proposing: a proposed entity, its location and a transfer to it.
        row = conn.execute(_NEW_ENTITY, ("Nimbus Ltd", "nimbus ltd", "proposed")).fetchone()
        assert row is not None
        new_id = row[0]
        conn.execute(
            "INSERT INTO locations (entity_id, country, activity, created_at, updated_at) "
            "VALUES (%s, 'IN', 'support', 'now', 'now')",
            (new_id,),
        )
        conn.execute(
            "INSERT INTO transfers (exporter_id, importer_id, destination, access, "
            "importer_role, exporter_role, frequency, created_at, updated_at) "
            "VALUES (%s, %s, 'IN', 'storage', 'processor', 'controller', 'continuous', "
            "'now', 'now')",
            (team.own.id, new_id),
        )
        # ...and it cannot then approve its own proposal.
        _refused(conn, "UPDATE entities SET lifecycle = 'approved' WHERE id = %s", new_id)
    with psycopg.connect(team.owner_url) as owner:
        assert owner.execute("SELECT count(*) FROM entity_tokens").fetchone() != (0,)
        assert owner.execute("SELECT count(*) FROM transfer_mechanisms").fetchone() != (0,)
        assert owner.execute("SELECT lifecycle FROM entities ORDER BY id").fetchall() == [
            ("active",),
            ("active",),
            ("proposed",),
        ]


_TRANSFER = (
    "INSERT INTO transfers (exporter_id, importer_id, destination, access, importer_role, "
    "exporter_role, frequency, created_at, updated_at) VALUES (%s, %s, 'CN', 'storage', "
    "'processor', 'controller', 'continuous', 'now', 'now') RETURNING id"
)


def _one(conn: psycopg.Connection[Any], statement: str, *params: object) -> Any:
    row = conn.execute(statement, params or None).fetchone()
    assert row is not None
    return row[0]


def test_procurement_may_not_reach_the_register_through_a_proposal(team: Team) -> None:
    # A proposal is not live: the status engine leaves out a transfer whose importer is
    # proposed, and only that. Procurement must not add, through a proposed entity, a live
    # transfer to a supplier on the register, a mechanism to one, one of our own (exporting)
    # entities, or records whose ids legal's next ones would then collide with.
    supplier = team.supplier.id
    with _sql_as(team, RegisterRole.PROCUREMENT) as conn:
        proposed = _one(conn, _NEW_ENTITY, "Nimbus Ltd", "nimbus ltd", "proposed")
        _refused(conn, _TRANSFER, proposed, supplier)  # would be live: its importer is active
        onward = _one(conn, _TRANSFER, supplier, proposed)  # to the proposal: not live
        conn.execute(
            "INSERT INTO transfer_mechanisms (transfer_id, position, mechanism) "
            "VALUES (%s, 0, 'eu_scc_2021')",
            (onward,),
        )
        _refused(
            conn,
            "INSERT INTO entities (name, name_key, kind, lifecycle, exporter_regimes, "
            "created_at, updated_at) VALUES ('Aardvark Group', 'aardvark group', 'group', "
            "'proposed', 'eu', 'now', 'now')",
        )
        _refused(
            conn,
            "INSERT INTO entities (id, name, name_key, kind, lifecycle, created_at, updated_at) "
            "VALUES (1000, 'Squat Ltd', 'squat ltd', 'vendor', 'proposed', 'now', 'now')",
        )
        _refused(
            conn,
            "INSERT INTO locations (id, entity_id, country, activity, created_at, updated_at) "
            "VALUES (1000, %s, 'CN', 'hosting', 'now', 'now')",
            proposed,
        )
        user = team.users[RegisterRole.PROCUREMENT]
        # An entry slipped into a gap of the chain (below its head), or linked to anything but
        # the head: refused.
        _refused(
            conn,
            "INSERT INTO audit (id, at, actor, table_name, action) VALUES (1000, 'now', %s, "
            "'entities', 'create')",
            user,
        )
        _refused(
            conn,
            "INSERT INTO audit (at, actor, table_name, action, prev_hash, hash) "
            "VALUES ('now', %s, 'entities', 'create', %s, %s)",
            user,
            "0" * 64,
            "1" * 64,
        )
        # ...or one telling of what procurement may not do, however well linked.
        head = _one(conn, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
        for table, action in (("documents", "delete"), ("entities", "update")):
            _refused(
                conn,
                "INSERT INTO audit (at, actor, table_name, record_id, action, prev_hash, hash) "
                "VALUES ('now', %s, %s, 1, %s, %s, %s)",
                user,
                table,
                action,
                head,
                "1" * 64,
            )
    with psycopg.connect(team.owner_url) as owner:
        assert owner.execute(
            "SELECT exporter_id, importer_id FROM transfers WHERE importer_id = %s",
            (supplier,),
        ).fetchall() == [(team.own.id, supplier)]


def test_an_entry_procurement_forges_at_the_head_shows_when_the_chain_is_checked(
    team: Team,
) -> None:
    user = team.users[RegisterRole.PROCUREMENT]
    with _sql_as(team, RegisterRole.PROCUREMENT) as conn:
        head = _one(conn, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
        forged = _one(
            conn,
            "INSERT INTO audit (at, actor, table_name, record_id, action, prev_hash, hash) "
            "VALUES (%s, %s, 'entities', 1, 'create', %s, %s) RETURNING id",
            "2026-12-07T20:00:00+00:00",
            user,
            head,
            "f" * 64,
        )
    services = _services(team.url[RegisterRole.AUDITOR])
    try:
        result = services.audit.verify()
        assert result.broken is not None and result.broken.entry_id == forged
        assert services.audit.entries()[0].actor == user  # and it names who wrote it
    finally:
        services.close()


def test_an_auditor_may_read_and_nothing_else(team: Team) -> None:
    with _sql_as(team, RegisterRole.AUDITOR) as conn:
        assert conn.execute("SELECT count(*) FROM audit").fetchone() != (0,)
        _refused(conn, _NEW_ENTITY, "Nimbus Ltd", "nimbus ltd", "proposed")
        _refused(conn, "UPDATE entities SET notes = 'x'")
        _refused(conn, "INSERT INTO settings (key, value) VALUES ('audit_anchor', '1:x')")
        _refused(
            conn,
            "INSERT INTO audit (at, actor, table_name, action) VALUES ('now', %s, 'x', 'y')",
            team.users[RegisterRole.AUDITOR],
        )
        for table in ("entities", "entity_tokens", "audit"):
            _refused(conn, f"DELETE FROM {table}")


def test_an_auditor_cannot_borrow_the_owner_s_rights_through_a_temporary_table(
    team: Team,
) -> None:
    # ``register_notify`` runs as the register's owner (SECURITY DEFINER) and deletes from
    # ``register_changes`` by name: were the session's temporary schema searched first, a
    # temporary table of that name with a trigger of the caller's would run as the owner.
    with _sql_as(team, RegisterRole.AUDITOR) as conn, conn.transaction():
        conn.execute("SELECT register_signal('x')")
        conn.execute("CREATE TEMP TABLE register_changes (id BIGINT, actor TEXT)")
        conn.execute("GRANT ALL ON register_changes TO PUBLIC")
        conn.execute(
            "CREATE FUNCTION pg_temp.borrow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE public.entities SET lifecycle = 'offboarded'; RETURN NULL; END $$"
        )
        conn.execute(
            "CREATE TRIGGER borrow BEFORE DELETE ON pg_temp.register_changes "
            "FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.borrow()"
        )
    with psycopg.connect(team.owner_url) as owner:
        lifecycles = owner.execute("SELECT DISTINCT lifecycle FROM entities").fetchall()
        assert lifecycles == [("active",)]
        assert owner.execute("SELECT count(*) FROM register_changes").fetchone() == (0,)


def test_legal_may_write_everything_but_the_audit_trail_only_grows(team: Team) -> None:
    with _sql_as(team, RegisterRole.LEGAL) as conn:
        conn.execute("UPDATE entities SET lifecycle = 'offboarded' WHERE id = %s", (team.own.id,))
        conn.execute(
            "INSERT INTO documents (kind, title, created_at, updated_at) "
            "VALUES ('eu_scc_2021', 'SCCs', 'now', 'now')"
        )
        conn.execute("INSERT INTO settings (key, value) VALUES ('organisation', '{}')")
        assert conn.execute("DELETE FROM entity_tokens").rowcount > 0
        _refused(conn, "UPDATE audit SET actor = 'mallory'")
        _refused(conn, "DELETE FROM audit")
        _refused(conn, "INSERT INTO schema_migrations VALUES ('x', 'y', 'z')")


# -- through the app -------------------------------------------------------------------------


def _services(url: str) -> AppServices:
    store = PgStore(open_postgres(url))
    return AppServices.build(store, ReferenceSource(builtin_reference()), file_adapters(), TODAY)


def _propose(services: AppServices, own: Entity, name: str) -> Entity:
    proposal = vendor(name, lifecycle=Lifecycle.PROPOSED, approved_on=None, active_on=None)
    saved = services.entities.save(proposal, [location(replace(proposal, id=0), country="IN")])
    services.transfers.save(transfer(own, saved, destination="IN"))
    return saved


def test_procurement_proposes_through_the_app_and_is_told_it_may_not_approve(team: Team) -> None:
    user = team.users[RegisterRole.PROCUREMENT]
    services = _services(team.url[RegisterRole.PROCUREMENT])
    try:
        assert services.settings.storage().role is RegisterRole.PROCUREMENT
        assert services.read_only is None  # proposing is a write
        saved = _propose(services, team.own, "Nimbus Analytics Ltd")
        assert saved.id is not None
        assert [loc.country for loc in services.entities.locations(saved.id)] == ["IN"]
        assert [t.destination for t in services.transfers.of_entity(saved.id)] == ["IN"]
        mine = [e for e in services.audit.entries() if e.actor == user]
        assert {e.table for e in mine} == {"entities", "locations", "transfers"}
        approved = replace(saved, lifecycle=Lifecycle.APPROVED, approved_on=date(2026, 11, 25))
        with pytest.raises(RoleRefusedError) as refused:
            services.entities.save(approved)
        message = str(refused.value)
        assert message.startswith("Your role on this register is procurement: you may propose")
        assert "not approve, edit or archive a supplier" in message
        assert "Ask the legal team" in message
        assert refused.value.role == "procurement"
        # Nothing of the refused save was kept; the chain still holds.
        assert services.entities.get(saved.id).lifecycle is Lifecycle.PROPOSED
        assert services.audit.verify().intact
    finally:
        services.close()


def test_an_auditor_s_register_reads_as_read_only_and_a_write_is_refused_clearly(
    team: Team,
) -> None:
    services = _services(team.url[RegisterRole.AUDITOR])
    try:
        storage = services.settings.storage()
        assert storage.role is RegisterRole.AUDITOR
        assert services.read_only is not None and "auditor" in services.read_only
        with pytest.raises(RoleRefusedError, match="Your role on this register is auditor"):
            services.entities.save(vendor("Another Ltd"))
    finally:
        services.close()


def test_the_audit_names_the_login_user_even_when_it_sets_its_role(
    team: Team, postgres_server: PostgresServer
) -> None:
    # The user logs in and SETs ROLE to the group (current_user is then the group's name):
    # the audit still names who logged in, and the app knows the role it acts in.
    user = team.users[RegisterRole.PROCUREMENT]
    group = group_role(team.database, RegisterRole.PROCUREMENT)
    as_group = urlencode({"options": f"-c role={group}"}, quote_via=quote)
    url = f"{team.url[RegisterRole.PROCUREMENT]}&{as_group}"
    conn = open_postgres(url)
    try:
        assert conn.raw.execute("SELECT current_user").fetchone() == (group,)
        assert conn.user == user and conn.role is RegisterRole.PROCUREMENT
        store = PgStore(conn)
        store.entities.add(vendor("Set Role Ltd", lifecycle=Lifecycle.PROPOSED))
        assert store.audit.entries()[0].actor == user
    finally:
        conn.close()


def test_a_role_on_one_register_gives_nothing_on_another(
    team: Team, postgres_server: PostgresServer
) -> None:
    other = postgres_server.new_database(reuse=False)
    init_postgres(other)
    user = team.users[RegisterRole.LEGAL]
    password = conninfo_to_dict(team.url[RegisterRole.LEGAL])["password"]
    with pytest.raises(StorageError, match=f"{user} has no role on this register"):
        open_postgres(postgres_server.url_as(other, user, str(password)))


def test_procurement_proposes_while_legal_approves_another(team: Team) -> None:
    procurement = _services(team.url[RegisterRole.PROCUREMENT])
    legal = _services(team.url[RegisterRole.LEGAL])
    try:
        pending = legal.entities.save(vendor("Pending Ltd", lifecycle=Lifecycle.PROPOSED))
        done: list[BaseException | Entity] = []

        def propose() -> None:
            try:
                done.append(_propose(procurement, team.own, "Nimbus Ltd"))
            except BaseException as exc:
                done.append(exc)

        approve = replace(pending, lifecycle=Lifecycle.APPROVED, approved_on=TODAY)
        with legal._store.transaction() as tx:  # legal's approval, still being written
            tx.entities.update(approve)
            worker = threading.Thread(target=propose)
            worker.start()
            worker.join(0.5)
            assert worker.is_alive()  # the proposal waits for the head of the audit chain
        worker.join(30)
        assert not worker.is_alive() and len(done) == 1 and isinstance(done[0], Entity), done
        lifecycles = {e.name: e.lifecycle for e in legal.entities.list()}
        assert lifecycles["Pending Ltd"] is Lifecycle.APPROVED
        assert lifecycles["Nimbus Ltd"] is Lifecycle.PROPOSED
        actors = [e.actor for e in legal.audit.entries(limit=5)]
        assert actors[0] == team.users[RegisterRole.PROCUREMENT]  # appended after legal's
        assert team.users[RegisterRole.LEGAL] in actors
        assert legal.audit.verify().intact
    finally:
        procurement.close()
        legal.close()


# -- db grant --------------------------------------------------------------------------------


def _roles_of(owner_url: str, user: str) -> set[str]:
    with psycopg.connect(owner_url) as conn:
        return {
            r[0]
            for r in conn.execute(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
                (user,),
            )
        }


def test_db_grant_gives_one_role_and_revoke_takes_it(
    team: Team, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = team.owner_url
    user, _password = postgres_server.login_role()
    database = team.database
    code, out, _err = run_cli_cleanly(capsys, "--database", url, "db", "grant", user, "auditor")
    assert code == 0 and f"{user} has the role auditor" in out
    assert _roles_of(url, user) == {group_role(database, RegisterRole.AUDITOR)}
    # Another grant replaces it: one role per register.
    code, out, _err = run_cli_cleanly(capsys, "--database", url, "db", "grant", user, "legal")
    assert code == 0 and "(was auditor)" in out
    assert _roles_of(url, user) == {group_role(database, RegisterRole.LEGAL)}
    code, out, _err = run_cli_cleanly(
        capsys, "--database", url, "db", "grant", "--revoke", user, "legal"
    )
    assert code == 0 and "no longer has the role legal" in out
    assert _roles_of(url, user) == set()


def test_db_grant_refuses_an_unknown_role_or_user_naming_it(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    url, user = team.owner_url, team.users[RegisterRole.AUDITOR]
    code, _out, err = run_cli_cleanly(capsys, "--database", url, "db", "grant", user, "boss")
    assert code == 2 and "ROLE: 'boss' is not a register role" in err
    code, _out, err = run_cli_cleanly(capsys, "--database", url, "db", "grant", "nobody_x", "legal")
    assert code == 2 and "USER: there is no database user 'nobody_x'" in err
    code, _out, err = run_cli_cleanly(capsys, "db", "grant", user, "legal")
    assert code == 2 and "say which register" in err
    # A legal user may change the register, not who may: granting is the owner's.
    as_legal = team.url[RegisterRole.LEGAL]
    code, _out, err = run_cli_cleanly(capsys, "--database", as_legal, "db", "grant", user, "legal")
    assert code == 2 and "only the register's owner (who ran db init)" in err
    assert _roles_of(url, user) == {group_role(team.database, RegisterRole.AUDITOR)}


def test_a_command_procurement_may_not_run_says_so_without_a_traceback(
    team: Team, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = team.url[RegisterRole.PROCUREMENT]
    public_list = str(tmp_path / "subprocessors.html")
    publish = ("export", "public-list", "-o", public_list, "--publish", "--force")
    code, _out, err = run_cli_cleanly(capsys, "--database", url, *publish)
    assert code == 2
    assert "Your role on this register is procurement: you may propose suppliers" in err
    assert "Ask the legal team." in err
    code, out, _err = run_cli_cleanly(capsys, "--database", url, "status")
    assert "Register status" in out  # reading and checking stay (exit 1: gaps were found)
    assert code == 1


def test_db_init_again_keeps_the_grants_and_refuses_no_one(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run_cli_cleanly(capsys, "db", "init", team.owner_url)
    assert code == 0 and "no record was changed" in out
    assert f"procurement  {team.database}_procurement" in out  # the roles, by name
    with _sql_as(team, RegisterRole.PROCUREMENT) as conn:
        _refused(conn, "UPDATE entities SET notes = 'x'")
        assert conn.execute(_NEW_ENTITY, ("Again Ltd", "again ltd", "proposed")).fetchone()


def test_a_refused_change_is_one_line_of_error_and_nothing_else(team: Team, tmp_path: Path) -> None:
    # A refused multi-row write ends psycopg's pipeline, which psycopg reports in a log line of
    # its own ("error ignored terminating <psycopg.Pipeline ...>"): not for the user's eyes.
    # In a process of its own, as a user runs it (pytest's log capture would hide that line).
    url = team.url[RegisterRole.PROCUREMENT]
    profile = ["--name", "Pat Ltd", "--registration-number", "ZA123456", "--dpo-name", "Dee"]
    profile += ["--dpo-email", "dpo@pat.example", "--legal-name", "Pat Limited"]
    command = [sys.executable, "-m", "transfers_app", "--database", url, "org", "set", *profile]
    env = {**os.environ, "TRANSFERS_APP_HOME": str(tmp_path)}
    for _ in range(6):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(
            "transfers-app: error: Your role on this register is procurement"
        )


def test_procurement_importing_a_list_is_told_once_what_its_role_may_do(
    team: Team, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # An import adds active suppliers: the role's refusal, said once, the register unchanged.
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text("Name,Country,Service\nAcme Analytics Inc,US,Analytics\n")
    url = team.url[RegisterRole.PROCUREMENT]
    code, _out, err = run_cli_cleanly(capsys, "--database", url, "import", str(suppliers))
    assert code == 2
    assert "Your role on this register is procurement" in err
    assert err.count("Nothing was changed") == 1 and "nothing was imported" not in err
    with _sql_as(team, RegisterRole.AUDITOR) as conn:
        row = conn.execute("SELECT count(*) FROM entities WHERE name LIKE 'Acme%'").fetchone()
    assert row is not None and row[0] == 0


def test_db_init_by_a_team_member_says_it_is_the_owner_s_to_run(team: Team) -> None:
    # A legal user (no CREATEROLE, owns nothing) is told who may run it, not only the right.
    with pytest.raises(StorageError, match=r"^db init must be run by the register's owner"):
        init_postgres(team.url[RegisterRole.LEGAL])


def test_db_init_takes_back_what_another_register_s_roles_hold_on_this_one(team: Team) -> None:
    # A dump restored into a new database brings the original register's grants with it:
    # db init leaves this register's three roles alone with rights on it.
    stranger = f"treg_other_{os.urandom(5).hex()}"
    with psycopg.connect(team.owner_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {stranger} NOLOGIN")
        try:
            conn.execute(f"GRANT SELECT, DELETE ON documents, entities TO {stranger}")
            init_postgres(team.owner_url)
            held = conn.execute(
                "SELECT has_table_privilege(%s, 'documents', 'DELETE'), "
                "has_table_privilege(%s, 'entities', 'SELECT')",
                (stranger, stranger),
            ).fetchone()
            assert held == (False, False)
            legal = conn.execute(
                "SELECT has_table_privilege(%s, 'documents', 'DELETE')",
                (group_role(team.database, RegisterRole.LEGAL),),
            ).fetchone()
            assert legal == (True,)
        finally:
            conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {stranger}")
            conn.execute(f"DROP ROLE {stranger}")
