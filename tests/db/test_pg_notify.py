"""Changes by others on a PostgreSQL register: every committed transaction notifies the other
clients once (``db.postgres.notify``), and ``PgChangeFeed`` hears it on a thread of its own.
Two (or three) real connections to one register; nothing is mocked."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest
from psycopg import sql
from support.contract_samples import vendor

from db.postgres import PgStore
from db.postgres import listener as listener_module
from db.postgres.notify import NAMED, UNWATCHED, parse_payload, watched_tables
from transfers_app.ports.changes import ChangeFeed, RegisterChange

# Long enough for a notification to cross a loaded machine; waits end as soon as it arrives.
WAIT = 10.0
# How long to listen for a notification that must not come.
QUIET = 1.0


class Heard:
    """What a feed delivered, in order, from its thread."""

    def __init__(self) -> None:
        self.changes: list[RegisterChange] = []
        self.threads: set[str] = set()
        self._arrived = threading.Condition()

    def __call__(self, change: RegisterChange) -> None:
        with self._arrived:
            self.changes.append(change)
            self.threads.add(threading.current_thread().name)
            self._arrived.notify_all()

    def wait_for(self, count: int, timeout: float = WAIT) -> list[RegisterChange]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.changes) >= count, timeout)
            return list(self.changes)


@pytest.fixture
def ann_hears(two_stores: tuple[PgStore, PgStore]) -> Iterator[Heard]:
    """Ann's feed, started and listening."""
    feed = two_stores[0].changes()
    heard = Heard()
    feed.start(heard)
    assert feed.wait_listening(WAIT)
    yield heard
    feed.stop()


def _user(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT current_user").fetchone()
        assert row is not None
        return str(row[0])


def test_a_change_bob_commits_reaches_anns_feed_naming_the_record(
    two_stores: tuple[PgStore, PgStore], ann_hears: Heard, register: str
) -> None:
    ann, bob = two_stores
    saved = bob.entities.add(vendor("Bob's Supplier Ltd"))
    (change,) = ann_hears.wait_for(1)
    assert saved.id is not None and change.touches("entities", saved.id)
    assert not change.touches("entities", saved.id + 1)
    assert not change.own and not change.everything
    assert change.actor == _user(register)  # the database user who committed it
    assert change.at is not None and change.at.tzinfo is not None
    assert ann_hears.threads == {"register-changes"}  # never the caller's thread
    # Ann's own save is heard too, marked as hers (her window has refreshed already).
    ann.entities.update(replace(ann.entities.get(saved.id), notes="checked"))
    own = ann_hears.wait_for(2)[1]
    assert own.own and own.touches("entities", saved.id)


def test_a_location_or_a_mechanism_names_the_record_it_belongs_to(
    two_stores: tuple[PgStore, PgStore], ann_hears: Heard, register: str
) -> None:
    _, bob = two_stores
    saved = bob.entities.add(vendor("Parent Ltd"))
    ann_hears.wait_for(1)
    with psycopg.connect(register, autocommit=True) as psql:  # a script bypassing the app
        psql.execute(
            "INSERT INTO locations (entity_id, country, activity, created_at, updated_at, "
            "version) VALUES (%s, 'US', 'hosting', 'now', 'now', 1)",
            (saved.id,),
        )
    change = ann_hears.wait_for(2)[1]
    assert change.records == {"entities": frozenset({saved.id})}


def test_a_rolled_back_write_notifies_nobody(
    two_stores: tuple[PgStore, PgStore], ann_hears: Heard
) -> None:
    _, bob = two_stores
    with pytest.raises(RuntimeError), bob.transaction() as tx:
        tx.entities.add(vendor("Never Saved Ltd"))
        raise RuntimeError("the user cancelled the import")
    kept = bob.entities.add(vendor("Saved Ltd"))
    # The first (and only) notification is the committed one's.
    (change,) = ann_hears.wait_for(1)
    assert change.records == {"entities": frozenset({kept.id})}
    assert ann_hears.wait_for(2, QUIET) == [change]


def test_a_savepoint_rolled_back_takes_its_records_out_of_the_notification(
    two_stores: tuple[PgStore, PgStore], ann_hears: Heard
) -> None:
    _, bob = two_stores
    with bob.transaction() as outer:
        kept = outer.entities.add(vendor("Kept Ltd"))
        with pytest.raises(RuntimeError), bob.transaction() as inner:
            inner.entities.add(vendor("Dropped Ltd"))
            raise RuntimeError("one row of the import was refused")
    (change,) = ann_hears.wait_for(1)
    assert change.records["entities"] == frozenset({kept.id})


def test_a_thousand_changes_in_one_transaction_are_one_small_notification(
    two_stores: tuple[PgStore, PgStore], ann_hears: Heard
) -> None:
    _, bob = two_stores
    ids = bob.records.add_many([vendor(f"Bulk Supplier {i:04}") for i in range(1000)], [], [])
    (change,) = ann_hears.wait_for(1)
    assert len(ids) == 1000
    assert "entities" in change.more  # more than it names
    assert len(change.records["entities"]) <= NAMED
    assert all(change.touches("entities", i) for i in ids)
    assert ann_hears.wait_for(2, QUIET) == [change]


def test_a_role_without_rights_on_the_signal_table_notifies_too(
    register: str, ann_hears: Heard
) -> None:
    # A role that may write the register's tables and nothing else (as procurement may
    # write entities): its changes are announced under its own name.
    role = f"treg_clerk_{uuid.uuid4().hex[:8]}"
    ident = sql.Identifier(role)
    with psycopg.connect(register, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {}").format(ident))
        try:
            conn.execute(sql.SQL("GRANT {} TO current_user").format(ident))
            conn.execute(sql.SQL("GRANT SELECT, INSERT ON entities TO {}").format(ident))
            with conn.transaction():
                conn.execute(sql.SQL("SET LOCAL ROLE {}").format(ident))
                conn.execute(
                    "INSERT INTO entities (id, name, name_key, legal_key, kind, lifecycle, "
                    "created_at, updated_at, version) "
                    "VALUES (77, 'Proposed Ltd', 'proposed ltd', '', 'vendor', 'proposed', "
                    "'now', 'now', 1)"
                )
            (change,) = ann_hears.wait_for(1)
            assert change.actor == role
            assert change.records == {"entities": frozenset({77})}
        finally:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(ident))
            conn.execute(sql.SQL("DROP ROLE {}").format(ident))


def test_every_table_of_the_register_is_watched(register: str) -> None:
    with psycopg.connect(register) as conn:
        tables = watched_tables(conn)
        triggered = {
            r[0]
            for r in conn.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger "
                "WHERE tgname = 'register_note_change'"
            )
        }
    assert {"entities", "locations", "transfers", "documents", "tias", "settings"} <= set(tables)
    assert set(tables) == triggered
    assert not UNWATCHED & triggered


def test_stopping_ends_the_thread_at_once_and_nothing_is_delivered_after(
    two_stores: tuple[PgStore, PgStore],
) -> None:
    ann, bob = two_stores
    feed = ann.changes()
    heard = Heard()
    feed.start(heard)
    assert feed.wait_listening(WAIT)
    started = time.monotonic()
    feed.stop()
    assert time.monotonic() - started < 2
    assert not any(t.name == "register-changes" for t in threading.enumerate())
    bob.entities.add(vendor("After Closing Ltd"))
    assert heard.wait_for(1, QUIET) == []
    feed.stop()  # a second stop does nothing


def test_a_lost_connection_is_opened_again_and_says_anything_may_have_changed(
    two_stores: tuple[PgStore, PgStore], register: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listener_module, "RETRY_SECONDS", 0.1)
    ann, bob = two_stores
    feed: ChangeFeed = ann.changes()
    heard = Heard()
    feed.start(heard)
    try:
        assert feed.wait_listening(WAIT)
        with psycopg.connect(register, autocommit=True) as admin:  # as a server restart would
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN%'"
            )
        (change,) = heard.wait_for(1)
        assert change.everything and change.touches("transfers", 1)
        saved = bob.entities.add(vendor("Heard Again Ltd"))
        assert heard.wait_for(2)[1].touches("entities", saved.id)
    finally:
        feed.stop()


def test_a_payload_that_is_not_the_triggers_means_anything_may_have_changed() -> None:
    assert parse_payload("refresh please", own_pid=1).everything
    assert parse_payload('{"pid": 1}', own_pid=1).everything
    change = parse_payload(
        '{"pid": 7, "user": "bob", "at": "2026-12-07T18:03:04.5+00:00", '
        '"changed": "entities:12 locations entities:12 settings"}',
        own_pid=8,
    )
    assert change.records == {"entities": frozenset({12})}
    assert change.more == {"locations", "settings"} and change.actor == "bob"
    assert not change.own and change.touches("settings", None)
