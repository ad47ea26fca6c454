"""``transfers-app db grant`` and ``db revoke``: who may do what on a team register (its parser
and its handler; ``transfers_app.cli`` wires them in and hands over the register's URL).

``db grant USER ROLE`` gives the database user ``USER`` the register role ``ROLE`` (legal,
procurement or auditor) on the register ``--database`` names, and takes its other roles on
that register from them; ``db revoke USER ROLE`` (or ``db grant --revoke``) takes it away.
The roles are made by ``db init`` (``db.postgres.roles``); the database enforces them.
"""

from __future__ import annotations

import argparse
from typing import Any

from transfers_app.errors import StorageError, ValidationError
from transfers_app.ports.storage import RegisterRole

ROLE_NAMES = tuple(r.value for r in RegisterRole)
_WHAT = {
    RegisterRole.LEGAL: "read and change everything",
    RegisterRole.PROCUREMENT: "read, check, and propose suppliers (nothing else)",
    RegisterRole.AUDITOR: "read, check and export; change nothing",
}


def add_parsers(actions: Any) -> None:
    """The ``grant`` and ``revoke`` actions of the ``db`` command."""
    for name, text in (
        ("grant", "give a database user a role on the register (--database URL)"),
        ("revoke", "take a role on the register from a database user (--database URL)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("user", metavar="USER", help="the user's PostgreSQL login name")
        action.add_argument("role", metavar="ROLE", help=f"one of: {', '.join(ROLE_NAMES)}")
        if name == "grant":
            action.add_argument("--revoke", action="store_true", help="take the role away")


def parse_role(text: str) -> RegisterRole:
    try:
        return RegisterRole(text.strip().lower())
    except ValueError:
        raise ValidationError(
            "ROLE", f"{text!r} is not a register role; choose one of {', '.join(ROLE_NAMES)}"
        ) from None


def run(args: argparse.Namespace, url: str) -> int:
    """Grants or revokes the role on the register at ``url``; prints what changed."""
    import psycopg

    from db.postgres.connection import connect
    from db.postgres.errors import storage_error
    from db.postgres.roles import grant_role, group_role, revoke_role

    role = parse_role(args.role)
    revoke = args.db_command == "revoke" or args.revoke
    conn = connect(url)
    try:
        where = conn.where
        group = group_role(conn.raw.info.dbname, role)
        if revoke:
            if revoke_role(conn.raw, args.user, role):
                print(f"{args.user} no longer has the role {role.value} on {where} ({group})")
            else:
                print(f"{args.user} did not have the role {role.value} on {where}; nothing changed")
            return 0
        had = grant_role(conn.raw, args.user, role)
    except psycopg.errors.InsufficientPrivilege as exc:
        reason = str(exc).strip().splitlines()[0]
        raise StorageError(
            f"only the register's owner (who ran db init) or a user who may create roles can "
            f"grant or revoke its roles ({reason}); nothing was changed"
        ) from None
    except psycopg.Error as exc:
        raise storage_error(exc) from None
    finally:
        conn.close()
    was = [r for r in had if r != role.value]
    before = f" (was {', '.join(was)})" if was else ""
    print(f"{args.user} has the role {role.value} on {where}{before}: {_WHAT[role]} ({group})")
    return 0


def roles_text(url: str) -> str:
    """What ``db init`` says of the register's roles: their names and how to give one."""
    from db.postgres.connection import connect
    from db.postgres.roles import group_roles

    conn = connect(url)
    try:
        names = group_roles(conn.raw.info.dbname)
    finally:
        conn.close()
    lines = [f"  {role.value:<12} {names[role]:<32} {_WHAT[role]}" for role in names]
    return "\n".join(
        [
            "Its roles (the database enforces them; the register's owner keeps every right):",
            *lines,
            f"Give one to a database user with: transfers-app --database {conn.where} db grant "
            "USER ROLE",
        ]
    )
