"""The register's three roles, enforced by PostgreSQL (GRANTs and row-level security), not the UI.

``db init`` makes three group roles per register database (``setup_roles``), named after the
database: ``treg_live`` gets ``treg_live_legal``, ``treg_live_procurement`` and
``treg_live_auditor``. PostgreSQL's roles belong to the whole server, which may hold two
registers (a test and a live one): a grant on one register then gives nothing on the other.
``db grant USER ROLE`` makes a login user a member of one of them (``grant_role``).

- legal: reads and writes everything the app writes; the audit trail only grows.
- procurement: reads everything; proposes a supplier: inserts entities in lifecycle
  ``proposed`` (not one of our own, exporting, entities), and locations and name words only for
  a proposed entity, transfers (and their mechanisms) only TO one, which the status engine
  holds not live; never choosing a record's id; audit entries only under its own name
  (``session_user``), linked to the chain's head and telling of a record made or a note on the
  register (a forged hash still shows when the chain is checked); and of the settings only
  the audit chain's anchor, which every audited change writes (``Session.anchor_audit``),
  and only as the truth (the newest entry's id and hash): procurement can neither forge it
  nor wipe it, and no app role may delete an audit entry. Nothing else: no UPDATE or DELETE
  of any record, no documents, assessments or settings.
- auditor: reads everything, writes nothing.

The register's owner (who ran ``db init``) keeps every right (it owns the tables, and row
security does not apply to a table's owner). Everything here is idempotent: ``db init`` runs
it again on every call, so tables a newer schema adds are granted too.
"""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
from psycopg import sql

from db.postgres.notify import pin_search_path
from db.sqlite.rows import AUDIT_ANCHOR
from transfers_app.domain.audit_chain import GENESIS
from transfers_app.errors import StorageError
from transfers_app.ports.storage import RegisterRole

# Taken while (re)granting, so two people initialising one database at once take turns.
_LOCK = 0x54524F4C  # "TROL"
_MAX_NAME = 63  # PostgreSQL's longest identifier, in bytes

# Tables whose rows procurement may insert only under a condition: row-level security is on
# for them (and for ``settings`` and ``audit``), with a policy per role.
_PROPOSED = "EXISTS (SELECT 1 FROM entities e WHERE e.id = {col} AND e.lifecycle = 'proposed')"
# A transfer procurement adds goes TO a proposed entity: the status engine treats a transfer
# whose importer is proposed as not live, so a proposal never adds a live transfer (or a
# mechanism for one) to a supplier already on the register.
_PROPOSED_TRANSFER = (
    "EXISTS (SELECT 1 FROM transfers t JOIN entities e ON e.id = t.importer_id "
    "WHERE t.id = transfer_id AND e.lifecycle = 'proposed')"
)
PROPOSALS: dict[str, str] = {
    # Not one of our own (exporting) entities, which count whatever their lifecycle.
    "entities": "lifecycle = 'proposed' AND archived_at IS NULL AND exporter_regimes = ''",
    "locations": _PROPOSED.format(col="entity_id"),
    "entity_tokens": _PROPOSED.format(col="entity_id"),
    "transfers": _PROPOSED.format(col="importer_id"),
    "transfer_mechanisms": _PROPOSED_TRANSFER,
}
# Rewritten whole when saved (DELETE, then INSERT): procurement may run the DELETE, which no
# policy lets reach a row, so it deletes nothing (a new entity has none to delete).
_REWRITTEN = ("entity_tokens", "transfer_mechanisms")
_ANCHOR_IS_HEAD = (
    "key = {k} AND value = "
    "(SELECT CAST(a.id AS text) || ':' || a.hash FROM audit a ORDER BY a.id DESC LIMIT 1)"
)
# Procurement's audit entry links to the head of the chain (as ``append_audit`` writes it):
# nothing slipped in below it or forked from it.
# And it tells of what procurement may do: a record of its own made, or a note on the register
# (an import, say), not a document deleted or a supplier approved.
_LINKS_TO_HEAD = (
    "actor = session_user AND prev_hash = "
    "coalesce((SELECT a.hash FROM audit a ORDER BY a.id DESC LIMIT 1), {genesis}) AND "
    "(table_name = 'register' OR (table_name IN ('entities', 'locations', 'transfers') "
    "AND action = 'create' AND before IS NULL))"
)
_ROW_SECURED = (*PROPOSALS, "settings", "audit")
_POLICY_NAMES = ("treg_read", "treg_legal", "treg_propose", "treg_anchor", "treg_anchor_update")
_SCHEMA_TABLE = "schema_migrations"


def group_role(database: str, role: RegisterRole) -> str:
    """The name of ``role``'s group role for the register in ``database``: the database's name
    and the role's, or where that is longer than PostgreSQL allows, the name shortened and a
    digest of it (two databases never share a role)."""
    name = f"{database}_{role.value}"
    if len(name.encode()) <= _MAX_NAME:
        return name
    digest = hashlib.sha256(database.encode()).hexdigest()[:8]
    keep = _MAX_NAME - len(f"_{digest}_{role.value}")
    short = database.encode()[:keep].decode(errors="ignore")
    return f"{short}_{digest}_{role.value}"


def group_roles(database: str) -> dict[RegisterRole, str]:
    return {role: group_role(database, role) for role in RegisterRole}


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _tables(conn: psycopg.Connection[Any]) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    ]


def setup_roles(conn: psycopg.Connection[Any]) -> dict[RegisterRole, str]:
    """Creates the register's group roles if missing and sets their privileges afresh (one
    transaction; idempotent); returns their names. Needs a user who may create roles."""
    row = conn.execute("SELECT current_database()").fetchone()
    assert row is not None
    names = group_roles(str(row[0]))
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            for name in names.values():
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
                if exists.fetchone() is None:
                    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(_ident(name)))
            _grant_privileges(conn, names)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise StorageError(
            "db init must be run by the register's owner (who owns its tables), with the right "
            f"to create roles (CREATEROLE): {str(exc).strip().splitlines()[0]}. Run it as that "
            "owner (a superuser gives the right: ALTER ROLE owner CREATEROLE)"
        ) from None
    return names


def _grant_privileges(conn: psycopg.Connection[Any], names: dict[RegisterRole, str]) -> None:
    legal = _ident(names[RegisterRole.LEGAL])
    procurement = _ident(names[RegisterRole.PROCUREMENT])
    everyone = sql.SQL(", ").join(_ident(n) for n in names.values())
    tables = _tables(conn)

    def run(statement: str, **parts: sql.Composable) -> None:
        conn.execute(sql.SQL(statement).format(**parts))

    row = conn.execute("SELECT current_schema()").fetchone()
    assert row is not None
    schema = _ident(str(row[0]))
    # From nothing, every time: what an older version granted and this one does not goes, and
    # so does every other role's privilege on the register (another register's roles come
    # with a restored dump, and would keep their rights on this copy).
    held = sql.SQL(", ").join(_ident(n) for n in [*names.values(), *_strangers(conn, names)])
    run("REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}", s=schema, r=held)
    run("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}", s=schema, r=held)
    run("GRANT USAGE ON SCHEMA {s} TO {r}", s=schema, r=everyone)
    run("GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}", s=schema, r=everyone)
    for table in tables:
        t = _ident(table)
        if table == "audit":
            run("GRANT INSERT ON {t} TO {r}", t=t, r=legal)
        elif table != _SCHEMA_TABLE:
            run("GRANT INSERT, UPDATE, DELETE ON {t} TO {r}", t=t, r=legal)
    run("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}", s=schema, r=legal)
    for table in (*PROPOSALS, "audit"):
        # Every column but the id, which the sequence gives: an id procurement chose could
        # fill a gap in the audit chain, or be the one legal's next record then collides with.
        columns = sql.SQL(", ").join(_ident(c) for c in _columns(conn, table) if c != "id")
        run("GRANT INSERT ({c}) ON {t} TO {r}", c=columns, t=_ident(table), r=procurement)
        sequence = _sequence(conn, table)
        if sequence is not None:
            run("GRANT USAGE ON SEQUENCE {q} TO {r}", q=sql.Identifier(*sequence), r=procurement)
    for table in _REWRITTEN:
        run("GRANT DELETE ON {t} TO {r}", t=_ident(table), r=procurement)
    run("GRANT INSERT, UPDATE ON settings TO {r}", r=procurement)
    pin_search_path(conn)  # for a register migrated before the migration did it
    _policies(conn, names)


def _columns(conn: psycopg.Connection[Any], table: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            (table,),
        )
    ]


def _strangers(conn: psycopg.Connection[Any], names: dict[RegisterRole, str]) -> list[str]:
    """The roles, other than the register's three and its tables' owner, holding privileges
    on the register's tables or sequences."""
    rows = conn.execute(
        "SELECT DISTINCT r.rolname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL aclexplode(c.relacl) a "
        "JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S') "
        "AND a.grantee <> c.relowner ORDER BY 1"
    )
    ours = set(names.values())
    return [str(r[0]) for r in rows if r[0] not in ours]


def _sequence(conn: psycopg.Connection[Any], table: str) -> tuple[str, str] | None:
    """The sequence numbering ``table``'s ids (its schema and name), if it has one."""
    row = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = (SELECT pg_get_serial_sequence(quote_ident(%s), 'id') "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s AND column_name = 'id')::regclass",
        (table, table),
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def _policies(conn: psycopg.Connection[Any], names: dict[RegisterRole, str]) -> None:
    legal = _ident(names[RegisterRole.LEGAL])
    procurement = _ident(names[RegisterRole.PROCUREMENT])
    everyone = sql.SQL(", ").join(_ident(n) for n in names.values())
    for table in _ROW_SECURED:
        t = _ident(table)
        conn.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t))
        for name in _POLICY_NAMES:
            conn.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(_ident(name), t))

        def policy(text: str, **parts: sql.Composable) -> None:
            conn.execute(sql.SQL(text).format(t=t, **parts))  # noqa: B023 (used at once)

        policy("CREATE POLICY treg_read ON {t} FOR SELECT TO {r} USING (true)", r=everyone)
        if table == "audit":
            # Legal loads a register's history as it was written (names included);
            # procurement appends under its own name only.
            policy("CREATE POLICY treg_legal ON {t} FOR INSERT TO {r} WITH CHECK (true)", r=legal)
            policy(
                "CREATE POLICY treg_propose ON {t} FOR INSERT TO {r} WITH CHECK ({c})",
                r=procurement,
                c=sql.SQL(_LINKS_TO_HEAD).format(genesis=sql.Literal(GENESIS)),
            )
            continue
        policy(
            "CREATE POLICY treg_legal ON {t} FOR ALL TO {r} USING (true) WITH CHECK (true)",
            r=legal,
        )
        if table == "settings":
            # Only the anchor, and only as the truth: the newest audit entry's id and hash
            # (what ``Session.anchor_audit`` writes), so it can be neither forged nor wiped.
            anchor = sql.SQL(_ANCHOR_IS_HEAD).format(k=sql.Literal(AUDIT_ANCHOR))
            policy(
                "CREATE POLICY treg_anchor ON {t} FOR INSERT TO {r} WITH CHECK ({a})",
                r=procurement,
                a=anchor,
            )
            policy(
                "CREATE POLICY treg_anchor_update ON {t} FOR UPDATE TO {r} "
                "USING (key = {k}) WITH CHECK ({a})",
                r=procurement,
                k=sql.Literal(AUDIT_ANCHOR),
                a=anchor,
            )
            continue
        policy(
            "CREATE POLICY treg_propose ON {t} FOR INSERT TO {r} WITH CHECK ({c})",
            r=procurement,
            c=sql.SQL(PROPOSALS[table]),  # constant SQL above
        )


def user_role(conn: psycopg.Connection[Any]) -> RegisterRole | None:
    """The register role whose privileges this connection has (``current_user``'s, which a
    ``SET ROLE`` changes; the audit names ``session_user`` regardless): None where the user has
    every right (the register's owner, a superuser) or the register has no roles yet. A user
    with several has the widest. A user with none of them is refused with what to ask for."""
    row = conn.execute(
        "SELECT current_database(), r.rolsuper OR r.rolbypassrls, "
        "(SELECT pg_has_role(current_user, t.tableowner, 'USAGE') FROM pg_tables t "
        "WHERE t.schemaname = current_schema() AND t.tablename = 'entities') "
        "FROM pg_roles r WHERE r.rolname = current_user"
    ).fetchone()
    if row is None or row[1] or row[2] is None or row[2]:
        return None
    names = group_roles(str(row[0]))
    found = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT rolname, pg_has_role(current_user, oid, 'USAGE') FROM pg_roles "
            "WHERE rolname = ANY(%s)",
            (list(names.values()),),
        )
    }
    if not found:
        return None  # made before the roles were: the database's own privileges decide
    for role in RegisterRole:  # widest first
        if found.get(names[role]):
            return role
    user = conn.execute("SELECT session_user").fetchone()
    who = str(user[0]) if user else "you"
    raise StorageError(
        f"{who} has no role on this register; ask its owner to give you one: transfers-app "
        f"--database URL db grant {who} legal|procurement|auditor"
    )


def grant_role(conn: psycopg.Connection[Any], user: str, role: RegisterRole) -> list[str]:
    """Gives the login ``user`` the register ``role``, and takes the register's other roles
    from them (a user has one role per register); returns the roles they had before."""
    names, had = _membership(conn, user)
    with conn.transaction():
        for other in had:
            if other is not role:
                _revoke(conn, names[other], user)
        if role not in had:
            conn.execute(sql.SQL("GRANT {} TO {}").format(_ident(names[role]), _ident(user)))
    return [r.value for r in had]


def revoke_role(conn: psycopg.Connection[Any], user: str, role: RegisterRole) -> bool:
    """Takes the register ``role`` from ``user``; False if they did not have it."""
    names, had = _membership(conn, user)
    if role not in had:
        return False
    _revoke(conn, names[role], user)
    return True


def _revoke(conn: psycopg.Connection[Any], group: str, user: str) -> None:
    conn.execute(sql.SQL("REVOKE {} FROM {}").format(_ident(group), _ident(user)))


def _membership(
    conn: psycopg.Connection[Any], user: str
) -> tuple[dict[RegisterRole, str], list[RegisterRole]]:
    """The register's role names, and those ``user`` is a direct member of (refused, naming
    what is missing, when the user or the register's roles do not exist)."""
    row = conn.execute("SELECT current_database()").fetchone()
    assert row is not None
    database = str(row[0])
    names = group_roles(database)
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone() is None:
        raise StorageError(
            f"USER: there is no database user {user!r} on this server; create it first (as a "
            f"superuser or a user with CREATEROLE: CREATE ROLE \"{user}\" LOGIN PASSWORD '...')"
        )
    exists = {
        r[0]
        for r in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(names.values()),)
        )
    }
    if exists != set(names.values()):
        raise StorageError(
            f"the register in {database} has no roles yet: run transfers-app db init URL on it "
            "first (as its owner)"
        )
    had = [
        role
        for role in RegisterRole
        if conn.execute(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = %s AND u.rolname = %s",
            (names[role], user),
        ).fetchone()
    ]
    return names, had
