"""open_db: creating, checking and migrating register files; refusing files it must not touch."""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import db.connection as connection
from db import SqliteStore, open_db
from db.connection import APPLICATION_ID
from db.migrations import MIGRATION_NAMES, SCHEMA_VERSION, migrations
from exports import file_adapters
from transfers_app.domain.enums import EntityKind
from transfers_app.domain.models import Entity
from transfers_app.errors import ReadOnlyError, StorageError
from transfers_app.services.demo import load_demo

TODAY = date(2026, 11, 25)


@pytest.fixture
def opened() -> Iterator[list[sqlite3.Connection]]:
    """Collects connections a test opens and closes them afterwards."""
    conns: list[sqlite3.Connection] = []
    yield conns
    for c in conns:
        c.close()


def _make_register(path: Path, *, demo: bool = False) -> None:
    """A real register file on disk, closed (WAL checkpointed into the main file)."""
    database = open_db(path)
    repo = SqliteStore(database, actor="tester")
    if demo:
        load_demo(repo, TODAY, file_adapters().pdf)
    else:
        repo.entities.add(Entity(name="Acme Hosting Ltd", kind=EntityKind.VENDOR))
    database.conn.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def _write_behind_the_app(path: Path, *statements: str) -> None:
    """Run ``statements`` on the file with plain sqlite3, as another program would."""
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def _sidecars(path: Path) -> list[Path]:
    return [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


# -- creation ---------------------------------------------------------------------------------


def test_open_db_creates_missing_folder_with_wal_and_foreign_keys(
    tmp_path: Path, opened: list[sqlite3.Connection]
) -> None:
    path = tmp_path / "does" / "not" / "exist" / "register.db"
    database = open_db(path)
    opened.append(database.conn)

    assert path.parent.is_dir()
    assert path.is_file()
    conn = database.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_new_database_gets_no_backup(tmp_path: Path, opened: list[sqlite3.Connection]) -> None:
    database = open_db(tmp_path / "register.db")
    opened.append(database.conn)
    assert not (tmp_path / "backups").exists()


def test_reopening_a_register_keeps_its_data_and_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _make_register(path)
    database = open_db(path)
    try:
        names = [e.name for e in SqliteStore(database, actor="t").entities.list()]
        assert names == ["Acme Hosting Ltd"]
        assert database.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert database.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        database.conn.close()
    assert not (tmp_path / "backups").exists()


# -- schema snapshot --------------------------------------------------------------------------

EXPECTED_TABLES = {
    "_sqlite_migrations",
    "files",
    "entities",
    "entity_tokens",
    "locations",
    "documents",
    "document_parties",
    "transfers",
    "transfer_mechanisms",
    "tias",
    "catalogue",
    "audit",
    "settings",
    "publications",
    "subprocessor_notices",
}

EXPECTED_ENTITY_COLUMNS = [
    "id",
    "name",
    "name_key",
    "legal_key",
    "kind",
    "legal_name",
    "registration_number",
    "address",
    "contact_name",
    "contact_email",
    "website",
    "parent_id",
    "notes",
    "lifecycle",
    "proposed_on",
    "approved_on",
    "active_on",
    "offboarded_on",
    "owner",
    "exporter_regimes",
    "created_at",
    "updated_at",
    "archived_at",
    "version",
]

EXPECTED_TRANSFER_COLUMNS = [
    "id",
    "exporter_id",
    "importer_id",
    "destination",
    "access",
    "importer_role",
    "exporter_role",
    "regimes",
    "service",
    "purpose",
    "data_categories",
    "data_subjects",
    "special_category",
    "criminal_data",
    "frequency",
    "volume",
    "parent_transfer_id",
    "started_on",
    "ended_on",
    "notes",
    "created_at",
    "updated_at",
    "archived_at",
    "version",
]


def test_schema_snapshot(tmp_path: Path, opened: list[sqlite3.Connection]) -> None:
    database = open_db(tmp_path / "register.db")
    opened.append(database.conn)
    assert set(database.table_names()) == EXPECTED_TABLES
    assert [c.name for c in database["entities"].columns] == EXPECTED_ENTITY_COLUMNS
    assert [c.name for c in database["transfers"].columns] == EXPECTED_TRANSFER_COLUMNS
    assert len(MIGRATION_NAMES) == SCHEMA_VERSION
    applied = [m.name for m in migrations.applied(database)]
    assert applied == list(MIGRATION_NAMES)


# -- files that are not (usable) registers ----------------------------------------------------


def test_random_bytes_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    content = random.Random(42).randbytes(8192)
    path.write_bytes(content)

    with pytest.raises(StorageError, match="not a Transfer Register"):
        open_db(path)

    assert path.read_bytes() == content
    assert _sidecars(path) == []
    assert not (tmp_path / "backups").exists()


def test_sqlite_file_of_another_app_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    _write_behind_the_app(
        path,
        "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)",
        "INSERT INTO recipes (title) VALUES ('Pierogi')",
    )
    content = path.read_bytes()

    with pytest.raises(StorageError, match="not a Transfer Register"):
        open_db(path)

    assert path.read_bytes() == content
    assert _sidecars(path) == []
    assert not (tmp_path / "backups").exists()
    check = sqlite3.connect(path)
    try:
        assert check.execute("SELECT title FROM recipes").fetchall() == [("Pierogi",)]
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"recipes"}
    finally:
        check.close()


def test_folder_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    path.mkdir()
    with pytest.raises(StorageError, match="folder"):
        open_db(path)


def _corrupt(path: Path, start: int, end: int) -> bytes:
    data = bytearray(path.read_bytes())
    data[start:end] = random.Random(1).randbytes(end - start)
    path.write_bytes(bytes(data))
    return bytes(data)


def test_badly_corrupted_register_is_refused_and_left_untouched(tmp_path: Path) -> None:
    """The first third overwritten (the schema and the first tables): refused at open.

    (Damage deeper in the file is found when the page is read; open_db does not read the
    whole file, which takes about a second on a 100,000-entity register. The next test
    holds that such damage, too, surfaces only as a StorageError.)
    """
    path = tmp_path / "register.db"
    _make_register(path, demo=True)
    size = path.stat().st_size
    content = _corrupt(path, 4096, size // 3)

    with pytest.raises(StorageError) as info:
        open_db(path)

    assert str(path) in str(info.value)
    assert path.read_bytes() == content
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("damage", ["one_page_overwritten", "truncated"])
def test_damaged_register_raises_only_storage_error(tmp_path: Path, damage: str) -> None:
    """Opening or reading a damaged register may fail, but only as StorageError.

    (open_db promises to refuse corrupt files; anything else would be a raw traceback.)
    """
    path = tmp_path / "register.db"
    _make_register(path, demo=True)
    size = path.stat().st_size
    assert size > 16 * 4096, "the demo register should span many pages"
    middle = size // 2
    if damage == "truncated":
        with path.open("r+b") as fh:
            fh.truncate(middle)
        content = path.read_bytes()
    else:
        content = _corrupt(path, middle - 2048, middle + 2048)

    database = None
    try:
        database = open_db(path)
        repo = SqliteStore(database, actor="tester")
        repo.queries.snapshot()
        repo.audit.entries(limit=10_000)
        repo.settings.catalogue("data_category")
        repo.entities.locations()
    except StorageError:
        pass
    finally:
        if database is not None:
            database.conn.close()

    assert path.read_bytes() == content


def test_read_only_register_opens_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A register whose file cannot be written opens read-only (issue 12; it used to be
    refused): everything reads, every change says why it cannot be made, the file is
    untouched."""
    path = tmp_path / "register.db"
    _make_register(path)
    content = path.read_bytes()

    if os.geteuid() == 0:
        # root ignores file permissions: simulate a read-only file for open_db's check.
        real_access = os.access

        def fake_access(p: object, mode: int, *args: object, **kw: object) -> bool:
            if Path(str(p)) == path and mode & os.W_OK:
                return False
            return bool(real_access(p, mode, *args, **kw))  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", fake_access)
    else:
        path.chmod(0o444)

    try:
        database = open_db(path)
        repo = SqliteStore(database, actor="tester")
        try:
            assert database.read_only == "the file is read-only"
            assert [e.name for e in repo.entities.list()] == ["Acme Hosting Ltd"]
            with pytest.raises(ReadOnlyError, match=r"read-only \(the file is read-only\)"):
                repo.entities.add(Entity(name="Beta Ltd", kind=EntityKind.VENDOR))
        finally:
            repo.close()
    finally:
        path.chmod(0o644)

    assert path.read_bytes() == content


def test_register_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _make_register(path)
    _write_behind_the_app(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    content = path.read_bytes()

    with pytest.raises(StorageError, match="newer version"):
        open_db(path)

    assert path.read_bytes() == content
    assert not (tmp_path / "backups").exists()


def test_register_with_unknown_applied_migration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _make_register(path)
    _write_behind_the_app(
        path,
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('transfers_app', 'm999_from_the_future', '2030-01-01')",
    )

    with pytest.raises(StorageError, match="newer version"):
        open_db(path)


# -- migrations -------------------------------------------------------------------------------


def test_pending_migration_on_existing_register_backs_it_up_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "register.db"
    _make_register(path)
    original = sqlite3.connect(path)
    rows_before = original.execute("SELECT id, name, version FROM entities").fetchall()
    audit_before = original.execute("SELECT count(*) FROM audit").fetchone()[0]
    original.close()
    assert rows_before == [(1, "Acme Hosting Ltd", 1)]

    # A newer app version with one more migration.
    def m002_add_risk(db: object) -> None:
        db.execute("ALTER TABLE entities ADD COLUMN risk TEXT NOT NULL DEFAULT ''")  # type: ignore[attr-defined]

    fake = migrations._Migration("m002_add_risk", m002_add_risk, True)
    monkeypatch.setattr(migrations, "_migrations", [*migrations._migrations, fake])
    monkeypatch.setattr(connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(connection, "MIGRATION_NAMES", (*MIGRATION_NAMES, "m002_add_risk"))

    database = open_db(path)
    try:
        conn = database.conn
        assert "risk" in {c.name for c in database["entities"].columns}
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert conn.execute("SELECT id, name, version FROM entities").fetchall() == rows_before
    finally:
        database.conn.close()

    backups = sorted((tmp_path / "backups").glob("*.db"))
    assert len(backups) == 1
    backup = backups[0]
    assert backup.name.startswith("register-")
    assert "m002_add_risk" in backup.name

    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT id, name, version FROM entities").fetchall() == rows_before
        assert copy.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before
        assert "risk" not in {r[1] for r in copy.execute("PRAGMA table_info(entities)")}
        assert copy.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert copy.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        copy.close()


def test_failing_migration_leaves_data_and_reports_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "register.db"
    _make_register(path)

    def m002_broken(db: object) -> None:
        db.execute("ALTER TABLE entities ADD COLUMN note2 TEXT")  # type: ignore[attr-defined]
        db.execute("ALTER TABLE no_such_table ADD COLUMN x TEXT")  # type: ignore[attr-defined]

    fake = migrations._Migration("m002_broken", m002_broken, True)
    monkeypatch.setattr(migrations, "_migrations", [*migrations._migrations, fake])
    monkeypatch.setattr(connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(connection, "MIGRATION_NAMES", (*MIGRATION_NAMES, "m002_broken"))

    with pytest.raises(StorageError):
        open_db(path)

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT name FROM entities").fetchall() == [("Acme Hosting Ltd",)]
        assert "note2" not in {r[1] for r in conn.execute("PRAGMA table_info(entities)")}
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()
    assert len(list((tmp_path / "backups").glob("*.db"))) == 1


def test_real_upgrade_from_the_first_schema_keeps_data_and_backs_up(tmp_path: Path) -> None:
    """A register written at m001 is upgraded on open: backup first, data intact, new index."""
    import sqlite3 as _sqlite3

    from sqlite_utils import Database as _Database

    from db.connection import APPLICATION_ID
    from db.migrations import migrations as _migrations

    path = tmp_path / "old.db"
    conn = _sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old = _Database(conn)
    _migrations.apply(old, stop_before="m002_own_entities_index")
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO entities (name, name_key, kind, lifecycle, exporter_regimes, created_at, "
        "updated_at) VALUES ('Łódź Old Ltd', 'lodz old', 'group', 'active', 'UK', "
        "'2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()

    database = open_db(path)
    indexes = {
        r[0] for r in database.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert "entities_own" in indexes
    assert database.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [e.name for e in SqliteStore(database, actor="t").entities.own()] == ["Łódź Old Ltd"]
    database.conn.close()
    (backup,) = (tmp_path / "backups").glob("old-*-before-m002_own_entities_index.db")
    check = _sqlite3.connect(backup)
    assert check.execute("SELECT name FROM entities").fetchall() == [("Łódź Old Ltd",)]
    check.close()


def test_upgrade_from_m002_keeps_assessments_and_gives_them_structure(tmp_path: Path) -> None:
    """A TIA saved before the structured assessment existed opens as revision 1 of its own
    series, with no content yet, and can then be filled in and saved."""
    import sqlite3 as _sqlite3

    from sqlite_utils import Database as _Database

    from db.connection import APPLICATION_ID
    from db.migrations import migrations as _migrations
    from transfers_app.domain.tia import TiaContent

    path = tmp_path / "old.db"
    conn = _sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _migrations.apply(_Database(conn), stop_before="m003_tia_structure_and_notices")
    conn.execute("PRAGMA user_version = 2")
    stamp = "'2024-01-01T00:00:00+00:00'"
    conn.executescript(
        f"""
        INSERT INTO entities (id, name, name_key, kind, lifecycle, exporter_regimes, created_at,
            updated_at) VALUES (1, 'Us Ltd', 'us ltd', 'group', 'active', 'UK', {stamp}, {stamp});
        INSERT INTO entities (id, name, name_key, kind, lifecycle, exporter_regimes, created_at,
            updated_at) VALUES (2, 'Vendor Inc', 'vendor inc', 'vendor', 'active', '', {stamp},
            {stamp});
        INSERT INTO transfers (id, exporter_id, importer_id, destination, access, importer_role,
            exporter_role, frequency, created_at, updated_at) VALUES (1, 1, 2, 'US', 'storage',
            'processor', 'controller', 'continuous', {stamp}, {stamp});
        INSERT INTO tias (id, transfer_id, status, assessor, approver, approved_on,
            next_review_on, review_cycle_months, created_at, updated_at)
            VALUES (7, 1, 'approved', 'Ann', 'Bob', '2024-02-01', '2025-02-01', 12, {stamp},
            {stamp});
        """
    )
    conn.commit()
    conn.close()

    database = open_db(path)
    repo = SqliteStore(database, actor="t")
    (tia,) = repo.assessments.list()
    assert (tia.id, tia.revision, tia.approver, tia.content) == (7, 1, "Bob", None)
    saved = repo.assessments.update(
        replace(repo.assessments.get(7), content=TiaContent(destination="US"))
    )
    assert repo.assessments.get(7).content == TiaContent(destination="US")
    assert saved.version == tia.version + 1
    database.conn.close()
