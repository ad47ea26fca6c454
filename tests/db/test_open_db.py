"""open_db against damaged, locked and read-only registers, and the journal mode the user
chose (SQLite's own concerns: the storage contract, run on every engine, is elsewhere)."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from support.registers import (
    checkpoint,
    damage_pages,
    held_by_another_program,
    journal_of_file,
    read_only,
    sha256,
)

import db.connection as connection
from db import SqliteStore, open_db
from db.migrations import migrations
from exports import file_adapters
from transfers_app.domain.enums import EntityKind
from transfers_app.domain.models import Entity
from transfers_app.errors import (
    ConflictError,
    DamagedError,
    LockedError,
    ReadOnlyError,
    StorageError,
)
from transfers_app.ports.storage import JournalMode
from transfers_app.services.audit import AuditService
from transfers_app.services.demo import load_demo

TODAY = date(2026, 11, 25)


def _register(path: Path, *, demo: bool = False, journal: JournalMode | None = None) -> None:
    store = SqliteStore(open_db(path, journal=journal), actor="tester")
    if demo:
        load_demo(store, TODAY, file_adapters().pdf)
    else:
        store.entities.add(Entity(name="Acme Hosting Ltd", kind=EntityKind.VENDOR))
    store.close()
    checkpoint(path)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed demo register with no free pages (every page one the register uses)."""
    path = tmp_path_factory.mktemp("demo") / "register.db"
    _register(path, demo=True)
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    conn.close()
    checkpoint(path)
    return path


# -- damaged ----------------------------------------------------------------------------------


def _with_backups(folder: Path, source: Path) -> Path:
    """Two backups beside the register; the newer one is returned."""
    backups = folder / "backups"
    backups.mkdir()
    older = backups / "register-20261101T090000Z-before-m004.db"
    newer = backups / "register-20261120T090000Z-before-m005.db"
    for i, p in enumerate((older, newer)):
        shutil.copyfile(source, p)
        os.utime(p, (1_790_000_000 + i * 1000, 1_790_000_000 + i * 1000))
    return newer


def test_damaged_copies_are_all_refused_untouched_naming_the_newest_backup(
    demo_file: Path, tmp_path: Path
) -> None:
    """The probe of issue 12: random bytes over 1-4 pages of 13 copies of a register."""
    rng = random.Random(12)
    refused = 0
    for i in range(13):
        folder = tmp_path / f"copy{i}"
        folder.mkdir()
        path = folder / "register.db"
        shutil.copyfile(demo_file, path)
        newest = _with_backups(folder, demo_file)
        hit = damage_pages(path, rng, rng.randint(1, 4))
        before = sha256(path)
        with pytest.raises(DamagedError) as caught:
            open_db(path)
        text = str(caught.value)
        assert text.startswith(f"{path} is damaged (SQLite's integrity check: "), hit
        assert f"Restore the newest backup, {newest}" in text
        assert "\n" not in text
        assert sha256(path) == before, f"copy {i} was written to"
        refused += 1
    assert refused == 13


def test_a_damaged_register_without_backups_says_where_to_look(
    demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "register.db"
    shutil.copyfile(demo_file, path)
    damage_pages(path, random.Random(3), 2)
    with pytest.raises(DamagedError, match=r"There is no backup in .*backups: restore"):
        open_db(path)


def test_a_register_damaged_from_its_first_page_names_the_backup_too(
    demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "register.db"
    shutil.copyfile(demo_file, path)
    newest = _with_backups(tmp_path, demo_file)
    data = bytearray(path.read_bytes())
    data[:4096] = random.Random(1).randbytes(4096)
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="damaged beyond recognition") as caught:
        open_db(path)
    assert str(newest) in str(caught.value)


def test_workers_skip_the_check_the_first_connection_made(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    shutil.copyfile(demo_file, path)
    damage_pages(path, random.Random(5), 1)
    with pytest.raises(DamagedError):
        open_db(path)
    # verify=False: the run's first connection already refused it (the app never gets here).
    open_db(path, verify=False).conn.close()


# -- locked -----------------------------------------------------------------------------------


def test_a_write_while_another_program_writes_waits_then_says_in_use(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _register(path)
    store = SqliteStore(open_db(path, busy_timeout=0.3), actor="alice")
    try:
        with held_by_another_program(path):
            started = time.monotonic()
            with pytest.raises(LockedError) as caught:
                store.entities.add(Entity(name="Beta Ltd", kind=EntityKind.VENDOR))
            waited = time.monotonic() - started
            # Reading goes on meanwhile (WAL).
            assert [e.name for e in store.entities.list()] == ["Acme Hosting Ltd"]
        text = str(caught.value)
        assert "in use by another program" in text and "nothing was changed" in text
        assert "damaged" not in text and "backup" not in text
        assert waited >= 0.25, "it gave up before the busy timeout"
        assert [e.name for e in store.entities.list()] == ["Acme Hosting Ltd"]
    finally:
        store.close()


def test_a_register_locked_even_for_readers_is_refused_at_open(tmp_path: Path) -> None:
    """A rollback-journal register whose writer holds it exclusively (as while committing)."""
    path = tmp_path / "register.db"
    _register(path, journal=JournalMode.ROLLBACK)
    before = sha256(path)
    with held_by_another_program(path, "EXCLUSIVE"):
        started = time.monotonic()
        with pytest.raises(LockedError) as caught:
            open_db(path, busy_timeout=0.3)
        assert time.monotonic() - started >= 0.25
    assert str(caught.value) == (
        f"{path} is in use by another program: it stayed locked for 0.3 seconds, so nothing "
        "was read or changed. Close the other program (or wait for it to finish) and try again."
    )
    assert sha256(path) == before


# -- read-only --------------------------------------------------------------------------------


@pytest.mark.parametrize("journal", [JournalMode.WAL, JournalMode.ROLLBACK])
def test_a_register_in_a_read_only_folder_opens_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal: JournalMode
) -> None:
    folder = tmp_path / "shared"
    path = folder / "register.db"
    _register(path, journal=journal)
    before = sha256(path)
    with read_only(monkeypatch, folder):
        database = open_db(path)
        store = SqliteStore(database, actor="alice")
        try:
            reason = f"its folder {folder} is read-only"
            assert database.read_only == reason
            assert store.storage.read_only == reason
            assert [e.name for e in store.entities.list()] == ["Acme Hosting Ltd"]
            assert AuditService(store).verify().intact
            with pytest.raises(ReadOnlyError) as caught:
                store.entities.add(Entity(name="Beta Ltd", kind=EntityKind.VENDOR))
            assert caught.value.reason == reason
            assert (
                str(caught.value)
                == f"the register is open read-only ({reason}): nothing was changed"
            )
            with pytest.raises(ReadOnlyError):
                store.settings.set("first_start", "done")
            with pytest.raises(ReadOnlyError):
                store.set_journal_mode(JournalMode.ROLLBACK)
        finally:
            store.close()
    assert sha256(path) == before
    assert journal_of_file(path) == ("wal" if journal is JournalMode.WAL else "delete")


def test_a_read_only_register_of_an_older_version_says_it_needs_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "register.db"
    conn = sqlite3.connect(path)
    database = connection.RegisterDatabase(conn, path=path)
    conn.execute(f"PRAGMA application_id = {connection.APPLICATION_ID}")
    migrations.apply(database, stop_before="m006_audit_chain")
    conn.close()
    with read_only(monkeypatch, path), pytest.raises(StorageError, match="needs upgrading"):
        open_db(path)


def test_a_new_register_cannot_be_made_in_a_read_only_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with read_only(monkeypatch, tmp_path), pytest.raises(StorageError, match="cannot create"):
        open_db(tmp_path / "register.db")
    assert not (tmp_path / "register.db").exists()


# -- the journal mode -------------------------------------------------------------------------


def test_a_new_register_gets_wal_and_one_on_a_network_drive_the_rollback_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _register(tmp_path / "local.db")
    assert journal_of_file(tmp_path / "local.db") == "wal"
    monkeypatch.setattr(connection, "network_filesystem", lambda folder: "cifs")
    _register(tmp_path / "share.db")
    assert journal_of_file(tmp_path / "share.db") == "delete"
    store = SqliteStore(open_db(tmp_path / "share.db"), actor="alice")
    info = store.storage
    store.close()
    assert (info.journal, info.network_drive, info.warnings) == (JournalMode.ROLLBACK, "cifs", ())


def test_wal_on_a_network_drive_is_warned_of_never_switched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "register.db"
    _register(path)
    monkeypatch.setattr(connection, "network_filesystem", lambda folder: "nfs4")
    store = SqliteStore(open_db(path), actor="alice")
    (warning,) = store.storage.warnings
    assert "network drive (nfs4) but uses WAL" in warning and "--journal rollback" in warning
    store.set_journal_mode(JournalMode.ROLLBACK)
    assert store.storage.warnings == ()
    store.close()
    assert journal_of_file(path) == "delete"


def test_opening_never_switches_a_rollback_register_back_to_wal(tmp_path: Path) -> None:
    """The bug of issue 12: any `status` turned DELETE back into WAL."""
    path = tmp_path / "register.db"
    _register(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")  # as a user's own tool, or older advice, did
    conn.close()
    for _ in range(2):
        store = SqliteStore(open_db(path), actor="alice")
        store.entities.list()
        assert store.storage.journal is JournalMode.ROLLBACK
        store.close()
        assert journal_of_file(path) == "delete"


def test_the_choice_is_remembered_and_restored_if_another_program_changes_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "register.db"
    _register(path)
    store = SqliteStore(open_db(path), actor="alice")
    store.set_journal_mode(JournalMode.ROLLBACK)
    store.close()
    assert journal_of_file(path) == "delete"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")  # an older version of the app did this
    conn.close()
    database = open_db(path)
    assert journal_of_file(path) == "delete"
    assert database.warnings == [
        "another program had switched the register to wal mode; it was put back in the "
        "rollback journal chosen for it"
    ]
    database.conn.close()


def test_switching_needs_the_register_to_itself(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _register(path)
    store = SqliteStore(open_db(path), actor="alice")
    other = sqlite3.connect(path)
    other.execute("SELECT count(*) FROM entities").fetchone()
    try:
        with pytest.raises(LockedError, match="another program has it open"):
            store.set_journal_mode(JournalMode.ROLLBACK)
        assert store.storage.journal is JournalMode.WAL
        assert store.settings.get("journal_mode") is None
    finally:
        other.close()
        store.close()


# -- a conflict between two people -------------------------------------------------------------


@pytest.fixture
def two_people(tmp_path: Path) -> Iterator[tuple[SqliteStore, SqliteStore]]:
    path = tmp_path / "register.db"
    _register(path)
    alice = SqliteStore(open_db(path), actor="alice")
    bob = SqliteStore(open_db(path, verify=False), actor="bob")
    yield alice, bob
    alice.close()
    bob.close()


def test_a_save_that_lost_the_race_names_the_winner(
    two_people: tuple[SqliteStore, SqliteStore],
) -> None:
    alice, bob = two_people
    (opened_by_alice,) = alice.entities.list()
    (opened_by_bob,) = bob.entities.list()
    saved_by_bob = bob.entities.update(replace(opened_by_bob, notes="Bob's note"))
    with pytest.raises(ConflictError) as caught:
        alice.entities.update(replace(opened_by_alice, notes="Alice's note"))
    error = caught.value
    assert (error.changed_by, error.stored_version, error.expected_version) == ("bob", 2, 1)
    assert error.changed_at is not None
    assert saved_by_bob.updated_at is not None
    assert abs((error.changed_at - saved_by_bob.updated_at).total_seconds()) < 1
    assert str(error).startswith(f"entity {opened_by_alice.id} was changed elsewhere by bob on ")
    assert "in use by another program" not in str(error)
    assert alice.entities.get(opened_by_alice.id or 0).notes == "Bob's note"


# -- the audit chain in the file ----------------------------------------------------------------


def test_the_migration_chains_the_entries_a_register_already_has(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    conn = sqlite3.connect(path)
    database = connection.RegisterDatabase(conn, path=path)
    conn.execute(f"PRAGMA application_id = {connection.APPLICATION_ID}")
    migrations.apply(database, stop_before="m006_audit_chain")
    conn.execute("PRAGMA user_version = 4")
    conn.executemany(
        "INSERT INTO audit (at, actor, table_name, record_id, action, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            ("2025-01-02T10:00:00+00:00", "alice", "entities", 1, "create", None, '{"a": 1}'),
            ("2025-01-03T10:00:00.5+01:00", "bob", "entities", 1, "update", '{"a": 1}', "{}"),
            ("2025-01-04T10:00:00", "carol", "register", None, "demo", None, "loaded"),
        ],
    )
    conn.commit()
    conn.close()

    store = SqliteStore(open_db(path), actor="dave")
    store.audit.note("after", "the upgrade")
    result = AuditService(store).verify()
    trail = store.audit.chain()
    store.close()
    assert result.intact and result.entries == 4
    assert [e.actor for e in trail] == ["alice", "bob", "carol", "dave"]
    assert list((tmp_path / "backups").glob("register-*-before-m006_audit_chain.db"))


def _tamper(path: Path, *statements: str) -> None:
    """Edit the audit trail behind the app's back, as a determined user with the file would
    (the append-only triggers dropped first)."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    for sql in statements:
        conn.executescript(sql)
    conn.commit()
    conn.close()


def test_the_trail_is_append_only_for_other_programs(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _register(path)
    conn = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit SET actor = 'mallory'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit")
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("tampering", "broken_entry", "words"),
    [
        ("UPDATE audit SET after = replace(after, 'Acme', 'Acne') WHERE id = 2", 2, "content"),
        ("DELETE FROM audit WHERE id = 2", 3, "entries 2 to 2 are missing"),
        (
            "UPDATE audit SET id = 1000 WHERE id = 2; UPDATE audit SET id = 2 WHERE id = 3; "
            "UPDATE audit SET id = 3 WHERE id = 1000",
            2,
            "link",
        ),
        ("UPDATE audit SET actor = 'mallory' WHERE id = (SELECT max(id) FROM audit)", 4, "content"),
        # Nothing links to the newest entry: the register's record of it beside the trail does.
        (
            "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
            3,
            "newest entries were deleted",
        ),
        ("DELETE FROM audit WHERE id >= 3", 2, "newest entries were deleted"),
    ],
    ids=[
        "text edited",
        "entry deleted",
        "entries reordered",
        "last entry edited",
        "newest entry deleted",
        "two newest deleted",
    ],
)
def test_tampering_with_the_file_is_found_at_the_first_broken_link(
    tmp_path: Path, tampering: str, broken_entry: int, words: str
) -> None:
    path = tmp_path / "register.db"
    store = SqliteStore(open_db(path), actor="alice")
    acme = store.entities.add(Entity(name="Acme Ltd", kind=EntityKind.VENDOR))
    store.entities.update(replace(acme, notes="first"))
    store.settings.set("first_start", "done")
    store.audit.note("check", "the last entry")
    assert AuditService(store).verify().intact
    store.close()
    checkpoint(path)
    _tamper(path, tampering)
    store = SqliteStore(open_db(path), actor="alice")
    result = AuditService(store).verify()
    store.close()
    assert result.broken is not None
    assert result.broken.entry_id == broken_entry and words in result.broken.problem
