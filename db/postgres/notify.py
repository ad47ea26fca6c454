"""Every committed change to a PostgreSQL register is announced to its other clients: one
``NOTIFY`` on ``CHANNEL`` per transaction, whichever client wrote (the app, a script, psql).

Triggers do it, so nothing written escapes them:

- ``register_note_change`` (a row trigger on every register table) notes which aggregate and
  record changed in a setting local to the transaction (``transfers.changed``), the first
  ``NAMED`` records by id, the rest by aggregate only; on the transaction's first change it
  also adds a row to ``register_changes``;
- ``register_notify`` (a constraint trigger on that row, deferred to the commit) sends the one
  notification, naming the records noted, the backend's pid, the database user and the time,
  and deletes the row again.

A transaction that rolls back sends nothing (PostgreSQL delivers notifications at commit), and
a savepoint rolled back takes its notes with it. ``NOTIFY``/``LISTEN`` need no privilege
beyond connecting to the database; the functions that touch ``register_changes`` run as its
owner (``SECURITY DEFINER``), so a role that may write the register needs no grant on it.

Payload: ``{"pid": 123, "user": "alice", "at": "2026-12-07T18:03:04.5+00:00",
"changed": "entities:12 locations:40 entities"}``: ``aggregate:id`` for each record named, an
aggregate alone when more of it changed than were named.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from transfers_app.ports.changes import RegisterChange

CHANNEL = "transfers_register"
# Records named in one notification (a bulk import names the first ones, then its aggregates).
NAMED = 40

# The aggregate a table's rows belong to, and the column holding its id ("": none).
AGGREGATES: dict[str, tuple[str, str]] = {
    "locations": ("entities", "entity_id"),
    "document_parties": ("documents", "document_id"),
    "transfer_mechanisms": ("transfers", "transfer_id"),
}
# Not watched: the migrations' own bookkeeping, the audit trail (each change is audited, so
# the change itself is what is announced), the search index (written with its entity: a
# trigger per word would only slow imports down), the signal row below, and the signed files'
# content (written with the document that names it, which is announced; a trigger per 1 MiB
# chunk would say nothing more).
UNWATCHED = frozenset(
    {"schema_migrations", "audit", "entity_tokens", "register_changes", "file_chunks"}
)

_FUNCTIONS = f"""
CREATE TABLE register_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor TEXT NOT NULL
);

CREATE FUNCTION register_signal(actor TEXT) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS
$$ INSERT INTO register_changes (actor) VALUES (actor) $$;

CREATE FUNCTION register_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    noted TEXT := coalesce(current_setting('transfers.changed', true), '');
    rec RECORD;
    rid BIGINT;
    entry TEXT := TG_ARGV[0];
BEGIN
    IF TG_OP = 'DELETE' THEN rec := OLD; ELSE rec := NEW; END IF;
    IF TG_ARGV[1] = 'id' THEN rid := rec.id;
    ELSIF TG_ARGV[1] <> '' THEN rid := (to_jsonb(rec) ->> TG_ARGV[1])::BIGINT;
    END IF;
    IF noted = '' THEN
        PERFORM register_signal(current_user::TEXT);
        noted := ' ';
    END IF;
    IF rid IS NOT NULL AND length(noted) - length(replace(noted, ':', '')) < {NAMED} THEN
        entry := entry || ':' || rid;
    END IF;
    IF strpos(noted, ' ' || entry || ' ') = 0 THEN
        PERFORM set_config('transfers.changed', noted || entry || ' ', true);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION register_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', json_build_object(
        'pid', pg_backend_pid(),
        'user', NEW.actor,
        'at', clock_timestamp(),
        'changed', btrim(coalesce(current_setting('transfers.changed', true), ''))
    )::TEXT);
    PERFORM set_config('transfers.changed', '', true);
    DELETE FROM register_changes WHERE id = NEW.id;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER register_notify AFTER INSERT ON register_changes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION register_notify();
"""


# The functions above that run as the register's owner (SECURITY DEFINER).
_OWNER_RUN = ("register_signal(text)", "register_notify()")


def pin_search_path(conn: psycopg.Connection[Any]) -> None:
    """Puts the session's temporary schema last in the owner-run functions' search path: first
    (PostgreSQL's default), a temporary table of the caller's named ``register_changes``, with
    a trigger of theirs, would stand in for the register's and run their code as the owner."""
    row = conn.execute("SELECT current_schema()").fetchone()
    assert row is not None
    for function in _OWNER_RUN:
        conn.execute(
            sql.SQL("ALTER FUNCTION {} SET search_path = {}, pg_temp").format(
                sql.SQL(function), sql.Identifier(str(row[0]))
            )
        )


def watched_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """The register's tables whose changes are announced."""
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
    )
    return [r[0] for r in rows if r[0] not in UNWATCHED]


def watch_tables(conn: psycopg.Connection[Any]) -> None:
    """Puts the trigger that notes changes on every register table (again: a table added by a
    later migration gets it too)."""
    id_tables = {
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'id'"
        )
    }
    for table in watched_tables(conn):
        aggregate, column = AGGREGATES.get(table, (table, "id" if table in id_tables else ""))
        conn.execute(
            sql.SQL(
                "CREATE OR REPLACE TRIGGER register_note_change "
                "AFTER INSERT OR UPDATE OR DELETE ON {} "
                "FOR EACH ROW EXECUTE FUNCTION register_note_change({}, {})"
            ).format(sql.Identifier(table), sql.Literal(aggregate), sql.Literal(column))
        )


def change_notices(conn: psycopg.Connection[Any]) -> None:
    """``pg001_change_notices``: the functions, the signal table and the triggers above."""
    conn.execute(_FUNCTIONS)
    pin_search_path(conn)
    watch_tables(conn)


def parse_payload(payload: str, own_pid: int | None) -> RegisterChange:
    """The ``RegisterChange`` a notification's payload describes; a payload that is not the
    triggers' (someone else's NOTIFY on the channel) is read as "anything may have changed"."""
    try:
        data = json.loads(payload)
        actor = str(data["user"])
        at = datetime.fromisoformat(str(data["at"]))
        changed = str(data["changed"]).split()
        pid = int(data["pid"])
    except (ValueError, KeyError, TypeError):
        return RegisterChange(actor="", at=None, everything=True)
    records: dict[str, set[int]] = {}
    more: set[str] = set()
    for entry in changed:
        aggregate, _, rid = entry.partition(":")
        if rid.isdigit():
            records.setdefault(aggregate, set()).add(int(rid))
        else:
            more.add(aggregate)
    return RegisterChange(
        actor=actor,
        at=at,
        records={k: frozenset(v) for k, v in records.items()},
        more=frozenset(more),
        own=pid == own_pid,
    )
