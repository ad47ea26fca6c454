"""SqliteRegister: versioned, audited, atomic writes; documents and their files."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from db import FileStore, SqliteRegister, open_db
from transfers_app.domain.enums import (
    Access,
    Activity,
    DocumentKind,
    DocumentStatus,
    EntityKind,
    Mechanism,
    Regime,
    Role,
)
from transfers_app.domain.models import Document, Entity, Location, MechanismUse, Transfer
from transfers_app.errors import NotFoundError, StorageError
from transfers_app.services.synthetic import generate

TODAY = date(2026, 11, 25)
ACTOR = "alice.auditor"


class Clock:
    """A clock that ticks one second per call, so every write gets a distinct timestamp."""

    def __init__(self, start: datetime = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)) -> None:
        self.t = start

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSFERS_APP_HOME", str(tmp_path / "app-home"))


def _open(path: Path, files: Path | None = None) -> SqliteRegister:
    database = open_db(path)
    return SqliteRegister(
        database, actor=ACTOR, files=FileStore(files) if files else None, now=Clock()
    )


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[SqliteRegister]:
    r = _open(tmp_path / "data" / "register.db", tmp_path / "data" / "files")
    yield r
    r.conn.close()


def _rows(repo: SqliteRegister, table: str) -> int:
    return int(repo.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _own_and_vendor(repo: SqliteRegister) -> tuple[Entity, Entity]:
    own = repo.add_entity(
        Entity(name="Keystone Europe Ltd", kind=EntityKind.GROUP, exporter_regimes=(Regime.UK,))
    )
    vendor = repo.add_entity(Entity(name="Stratus Cloud Hosting, Inc.", kind=EntityKind.VENDOR))
    return own, vendor


# -- entities: versions, timestamps, audit ---------------------------------------------------


def test_add_entity_sets_id_version_timestamps_and_audits(repo: SqliteRegister) -> None:
    saved = repo.add_entity(
        Entity(name="Acme Payments Ltd", kind=EntityKind.VENDOR, website="https://acme.example")
    )
    assert saved.id is not None
    assert saved.version == 1
    assert saved.created_at is not None and saved.created_at.tzinfo is not None
    assert saved.updated_at == saved.created_at

    loaded = repo.get_entity(saved.id)
    assert loaded == saved

    log = repo.audit_log(table="entities", record_id=saved.id)
    assert len(log) == 1
    entry = log[0]
    assert entry.actor == ACTOR
    assert entry.action == "create"
    assert entry.table == "entities"
    assert entry.record_id == saved.id
    assert entry.before is None
    after = json.loads(entry.after or "")
    assert after["name"] == "Acme Payments Ltd"
    assert after["website"] == "https://acme.example"
    assert after["version"] == 1


def test_update_entity_bumps_version_and_audits_before_and_after(repo: SqliteRegister) -> None:
    first = repo.add_entity(Entity(name="Acme Payments Ltd", kind=EntityKind.VENDOR))
    assert first.id is not None

    second = repo.update_entity(replace(first, name="Acme Payments Limited", notes="renamed"))
    assert second.version == 2
    assert second.created_at == first.created_at
    assert first.updated_at is not None and second.updated_at is not None
    assert second.updated_at > first.updated_at

    loaded = repo.get_entity(first.id)
    assert loaded.name == "Acme Payments Limited"
    assert loaded.notes == "renamed"
    assert loaded.version == 2
    assert loaded.created_at == first.created_at
    assert loaded.updated_at == second.updated_at

    third = repo.update_entity(replace(loaded, owner="Legal"))
    assert third.version == 3
    assert repo.get_entity(first.id).version == 3

    log = repo.audit_log(table="entities", record_id=first.id)
    assert [e.action for e in log] == ["update", "update", "create"]  # newest first
    assert all(e.actor == ACTOR for e in log)
    upd = log[1]
    before = json.loads(upd.before or "")
    after = json.loads(upd.after or "")
    assert before["name"] == "Acme Payments Ltd"
    assert before["version"] == 1
    assert after["name"] == "Acme Payments Limited"
    assert after["notes"] == "renamed"
    assert after["version"] == 2
    assert log[0].at > log[1].at > log[2].at


def test_stale_update_is_refused_and_changes_nothing(repo: SqliteRegister) -> None:
    e = repo.add_entity(Entity(name="Acme Payments Ltd", kind=EntityKind.VENDOR))
    assert e.id is not None
    fresh = repo.update_entity(replace(e, notes="edited by Bob"))
    audit_count = _rows(repo, "audit")

    # Alice still holds version 1.
    with pytest.raises(StorageError, match="changed elsewhere"):
        repo.update_entity(replace(e, name="Alice's rename"))

    now = repo.get_entity(e.id)
    assert now == fresh
    assert now.name == "Acme Payments Ltd"
    assert now.version == 2
    assert _rows(repo, "audit") == audit_count


def test_update_of_missing_entity_raises_not_found(repo: SqliteRegister) -> None:
    with pytest.raises(NotFoundError):
        repo.update_entity(Entity(name="Ghost", kind=EntityKind.VENDOR, id=999, version=1))
    with pytest.raises(NotFoundError):
        repo.get_entity(999)


def test_archive_hides_entity_and_restore_brings_it_back(repo: SqliteRegister) -> None:
    keep = repo.add_entity(Entity(name="Keep Ltd", kind=EntityKind.VENDOR))
    gone = repo.add_entity(Entity(name="Gone Ltd", kind=EntityKind.VENDOR))
    assert gone.id is not None

    archived = repo.archive(gone)
    assert archived.archived_at is not None
    assert archived.version == 2

    assert [e.name for e in repo.list_entities()] == ["Keep Ltd"]
    everything = repo.list_entities(include_archived=True)
    assert {e.name for e in everything} == {"Keep Ltd", "Gone Ltd"}
    stored = repo.get_entity(gone.id)
    assert stored.archived_at is not None
    assert stored.version == 2
    assert repo.count("entities") == 1
    assert gone.id not in {i for i, _, _ in repo.entity_names()}

    restored = repo.restore(stored)
    assert restored.archived_at is None
    assert restored.version == 3
    assert {e.name for e in repo.list_entities()} == {"Keep Ltd", "Gone Ltd"}
    assert repo.get_entity(gone.id).archived_at is None
    assert keep.id is not None and repo.get_entity(keep.id).version == 1

    actions = [a.action for a in repo.audit_log(table="entities", record_id=gone.id)]
    assert actions == ["restore", "archive", "create"]


def test_archive_with_stale_version_is_refused(repo: SqliteRegister) -> None:
    e = repo.add_entity(Entity(name="Acme Ltd", kind=EntityKind.VENDOR))
    repo.update_entity(replace(e, notes="x"))
    with pytest.raises(StorageError):
        repo.archive(e)
    assert e.id is not None
    assert repo.get_entity(e.id).archived_at is None


@pytest.mark.parametrize(
    "name",
    [
        "株式会社テスト",
        "Łódź Sp. z o.o.",
        "İstanbul A.Ş.",
        "Lo\u0301dz\u0301 decomposed",  # NFD: must not be normalised on the way in or out
    ],
)
def test_unicode_names_round_trip_exactly(tmp_path: Path, name: str) -> None:
    path = tmp_path / "register.db"
    repo = _open(path)
    saved = repo.add_entity(
        Entity(name=name, kind=EntityKind.VENDOR, legal_name=name, address=f"{name}, 1")
    )
    assert saved.id is not None
    assert repo.get_entity(saved.id).name == name
    repo.conn.close()

    again = _open(path)
    try:
        loaded = again.get_entity(saved.id)
        assert loaded.name == name
        assert loaded.legal_name == name
        assert loaded.address == f"{name}, 1"
        assert [e.name for e in again.list_entities()] == [name]
        assert json.loads(again.audit_log(table="entities")[0].after or "")["name"] == name
    finally:
        again.conn.close()


# -- documents and files -----------------------------------------------------------------------


def test_document_file_is_stored_once_by_sha256(repo: SqliteRegister, tmp_path: Path) -> None:
    own, vendor = _own_and_vendor(repo)
    assert own.id and vendor.id
    content = b"%PDF-1.7 signed SCCs \x00\xff" * 1000
    signed = tmp_path / "signed SCCs.pdf"
    signed.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()

    d1 = repo.add_document(
        Document(
            kind=DocumentKind.EU_SCC_2021,
            title="Stratus SCCs",
            party_ids=(own.id, vendor.id),
            scc_module=2,
        ),
        signed,
    )
    assert d1.file_sha256 == digest
    assert d1.file_name == "signed SCCs.pdf"

    copy = tmp_path / "copy of the same.pdf"
    copy.write_bytes(content)
    d2 = repo.add_document(
        Document(kind=DocumentKind.UK_ADDENDUM, title="Stratus Addendum", party_ids=(own.id,)),
        copy,
    )
    assert d2.file_sha256 == digest
    assert d2.file_name == "copy of the same.pdf"

    assert repo.files is not None
    stored = repo.files.path_for(digest)
    assert stored.read_bytes() == content
    assert repo.files.verify(digest)
    store_files = [p for p in repo.files.root.rglob("*") if p.is_file()]
    assert store_files == [stored]
    assert _rows(repo, "files") == 1
    row = repo.conn.execute("SELECT sha256, size FROM files").fetchone()
    assert row == (digest, len(content))

    assert d1.id and d2.id
    loaded = repo.get_document(d1.id)
    assert loaded.file_sha256 == digest
    assert loaded.party_ids == tuple(sorted((own.id, vendor.id)))
    assert loaded.series_id == d1.id
    assert loaded.doc_version == 1


def test_tampered_stored_file_fails_verification(repo: SqliteRegister, tmp_path: Path) -> None:
    src = tmp_path / "dpa.pdf"
    src.write_bytes(b"original")
    doc = repo.add_document(Document(kind=DocumentKind.DPA, title="DPA"), src)
    assert repo.files is not None and doc.file_sha256
    target = repo.files.path_for(doc.file_sha256)
    target.chmod(0o644)
    target.write_bytes(b"tampered")
    assert not repo.files.verify(doc.file_sha256)


def test_document_with_file_but_no_store_is_refused_atomically(tmp_path: Path) -> None:
    repo = _open(tmp_path / "register.db", files=None)
    try:
        src = tmp_path / "x.pdf"
        src.write_bytes(b"x")
        with pytest.raises(StorageError, match="file store"):
            repo.add_document(Document(kind=DocumentKind.DPA, title="DPA"), src)
        assert _rows(repo, "documents") == 0
        assert _rows(repo, "audit") == 0
    finally:
        repo.conn.close()


def test_renew_document_supersedes_old_and_moves_mechanisms(
    repo: SqliteRegister, tmp_path: Path
) -> None:
    own, vendor = _own_and_vendor(repo)
    assert own.id and vendor.id
    old_file = tmp_path / "idta-2024.pdf"
    old_file.write_bytes(b"IDTA signed 2024")
    new_file = tmp_path / "idta-2026.pdf"
    new_file.write_bytes(b"IDTA signed 2026")

    old = repo.add_document(
        Document(
            kind=DocumentKind.UK_IDTA,
            title="IDTA Stratus",
            party_ids=(own.id, vendor.id),
            signed_on=date(2024, 1, 10),
            expires_on=date(2026, 12, 31),
        ),
        old_file,
    )
    other = repo.add_document(Document(kind=DocumentKind.DPA, title="Stratus DPA"))
    t = repo.add_transfer(
        Transfer(
            exporter_id=own.id,
            importer_id=vendor.id,
            destination="US",
            access=Access.STORAGE,
            importer_role=Role.PROCESSOR,
            mechanisms=(
                MechanismUse(Mechanism.UK_IDTA, old.id),
                MechanismUse(Mechanism.EU_SCC, other.id),
            ),
        )
    )
    assert old.id and t.id and other.id

    new = repo.renew_document(
        old,
        Document(
            kind=DocumentKind.UK_IDTA,
            title="IDTA Stratus (2026)",
            party_ids=(own.id, vendor.id),
            signed_on=date(2026, 11, 1),
        ),
        new_file,
    )

    assert new.id is not None and new.id != old.id
    assert new.doc_version == 2
    assert new.series_id == old.series_id == old.id
    assert new.supersedes_id == old.id
    assert new.status is DocumentStatus.CURRENT
    assert new.file_sha256 == hashlib.sha256(b"IDTA signed 2026").hexdigest()

    kept = repo.get_document(old.id)
    assert kept.status is DocumentStatus.SUPERSEDED
    assert kept.doc_version == 1
    assert kept.title == "IDTA Stratus"
    assert kept.file_sha256 == hashlib.sha256(b"IDTA signed 2024").hexdigest()

    history = repo.document_history(new)
    assert [d.id for d in history] == [old.id, new.id]
    assert [d.doc_version for d in history] == [1, 2]
    assert [d.status for d in history] == [DocumentStatus.SUPERSEDED, DocumentStatus.CURRENT]
    assert [d.id for d in repo.document_history(kept)] == [old.id, new.id]

    mechs = repo.get_transfer(t.id).mechanisms
    assert mechs == (
        MechanismUse(Mechanism.UK_IDTA, new.id),
        MechanismUse(Mechanism.EU_SCC, other.id),
    )

    # Both files remain in the store.
    assert repo.files is not None
    assert kept.file_sha256 and repo.files.verify(kept.file_sha256)
    assert new.file_sha256 and repo.files.verify(new.file_sha256)

    # A superseded version cannot be renewed again.
    with pytest.raises(StorageError, match="already renewed"):
        repo.renew_document(kept, Document(kind=DocumentKind.UK_IDTA, title="again"))
    assert len(repo.document_history(new)) == 2

    # Renewing the current version continues the series.
    third = repo.renew_document(new, Document(kind=DocumentKind.UK_IDTA, title="IDTA 2028"))
    assert third.doc_version == 3
    assert third.series_id == old.id
    assert [d.doc_version for d in repo.document_history(third)] == [1, 2, 3]
    assert repo.get_transfer(t.id).mechanisms[0] == MechanismUse(Mechanism.UK_IDTA, third.id)


# -- atomicity ---------------------------------------------------------------------------------


def _counts(repo: SqliteRegister) -> dict[str, int]:
    return {
        t: _rows(repo, t)
        for t in ("entities", "transfers", "transfer_mechanisms", "documents", "audit", "tias")
    }


def test_transfer_to_missing_importer_is_refused_without_partial_rows(
    repo: SqliteRegister,
) -> None:
    own, vendor = _own_and_vendor(repo)
    assert own.id and vendor.id
    doc = repo.add_document(Document(kind=DocumentKind.EU_SCC_2021, title="SCCs"))
    before = _counts(repo)

    with pytest.raises(StorageError):
        repo.add_transfer(
            Transfer(
                exporter_id=own.id,
                importer_id=9999,
                destination="US",
                access=Access.STORAGE,
                importer_role=Role.PROCESSOR,
                mechanisms=(MechanismUse(Mechanism.EU_SCC, doc.id),),
            )
        )

    assert _counts(repo) == before
    assert repo.list_transfers(include_archived=True) == []


def test_failure_in_a_later_step_rolls_back_the_earlier_ones(repo: SqliteRegister) -> None:
    """The transfer row is inserted first; a bad mechanism document must undo it."""
    own, vendor = _own_and_vendor(repo)
    assert own.id and vendor.id
    before = _counts(repo)

    with pytest.raises(StorageError):
        repo.add_transfer(
            Transfer(
                exporter_id=own.id,
                importer_id=vendor.id,
                destination="US",
                access=Access.STORAGE,
                importer_role=Role.PROCESSOR,
                mechanisms=(
                    MechanismUse(Mechanism.ADEQUACY),
                    MechanismUse(Mechanism.EU_SCC, 424242),  # no such document
                ),
            )
        )

    assert _counts(repo) == before
    assert repo.list_transfers(include_archived=True) == []

    # The register is still usable afterwards.
    ok = repo.add_transfer(
        Transfer(
            exporter_id=own.id,
            importer_id=vendor.id,
            destination="US",
            access=Access.STORAGE,
            importer_role=Role.PROCESSOR,
        )
    )
    assert ok.id is not None
    assert _rows(repo, "transfers") == 1


def test_outer_transaction_rolls_back_every_step(repo: SqliteRegister) -> None:
    before = _counts(repo)
    with pytest.raises(StorageError), repo.transaction():
        e = repo.add_entity(Entity(name="Half Done Ltd", kind=EntityKind.VENDOR))
        assert e.id is not None
        repo.add_location(Location(e.id, "US", Activity.HOSTING))
        repo.add_location(Location(31337, "US", Activity.HOSTING))  # FK fails
    assert _counts(repo) == before
    assert _rows(repo, "locations") == 0


# -- bulk load of a synthetic register --------------------------------------------------------


def _bulk(path: Path, seed: int) -> SqliteRegister:
    repo = _open(path)
    reg = generate(200, seed, TODAY)
    repo.bulk_add(reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias)
    return repo


def test_bulk_add_synthetic_register_is_deterministic(tmp_path: Path) -> None:
    assert generate(200, 3, TODAY) == generate(200, 3, TODAY)

    a = _bulk(tmp_path / "a" / "register.db", 3)
    b = _bulk(tmp_path / "b" / "register.db", 3)
    c = _bulk(tmp_path / "c" / "register.db", 4)
    try:
        assert a.count("entities") == 200
        assert len(a.list_entities()) == 200
        assert a.count("transfers") == 196  # one per vendor; the 4 group entities have none
        assert a.own_entities()[0].name == "Synthetic Europe Ltd"

        assert a.list_entities() == b.list_entities()
        assert a.list_transfers() == b.list_transfers()
        assert a.list_documents() == b.list_documents()
        assert a.list_tias() == b.list_tias()
        assert a.all_locations() == b.all_locations()

        assert [e.name for e in a.list_entities()] != [e.name for e in c.list_entities()]

        log = a.audit_log()
        assert len(log) == 1
        assert log[0].action == "generate"
        assert log[0].actor == ACTOR

        # The loaded register is internally consistent.
        assert a.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        snap = a.snapshot()
        for t in snap.transfers:
            assert t.importer_id in snap.entities
            for m in t.mechanisms:
                assert m.document_id is None or m.document_id in snap.documents
    finally:
        for r in (a, b, c):
            r.conn.close()


def test_bulk_add_failure_leaves_register_empty(repo: SqliteRegister) -> None:
    reg = generate(20, 1, TODAY)
    broken = [replace(t, importer_id=10_000) for t in reg.transfers]
    with pytest.raises(StorageError):
        repo.bulk_add(reg.entities, reg.locations, reg.documents, broken, reg.tias)
    assert _counts(repo) == dict.fromkeys(_counts(repo), 0)
    assert _rows(repo, "locations") == 0


def test_a_record_from_the_rules_snapshot_cannot_be_saved_over_the_full_one(tmp_path: Path) -> None:
    """The snapshot carries only what the rules read; saving it must not blank the rest."""
    from dataclasses import replace as _replace

    from transfers_app.errors import StorageError as _StorageError

    database = open_db(tmp_path / "snap.db")
    repo = SqliteRegister(database, actor="t")
    saved = repo.add_entity(
        Entity("Vendor", EntityKind.VENDOR, notes="keep me", website="https://v.example")
    )
    assert saved.id is not None
    lean = repo.snapshot().entities[saved.id]
    assert lean.name == "Vendor"
    with pytest.raises(_StorageError, match="changed elsewhere"):
        repo.update_entity(_replace(lean, name="Vendor 2"))
    assert repo.get_entity(saved.id).notes == "keep me"
    database.conn.close()
