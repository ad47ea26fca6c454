"""The SQLite store: versioned, audited, atomic writes; documents and their files."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from db import FileStore, SqliteStore, open_db
from transfers_app.domain import enums
from transfers_app.domain.models import Document, Entity, Location, MechanismUse, Transfer
from transfers_app.domain.readmodels import EntityFacts
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


def _open(path: Path, files: Path | None = None) -> SqliteStore:
    database = open_db(path)
    return SqliteStore(
        database, actor=ACTOR, files=FileStore(files) if files else None, now=Clock()
    )


def _files(tmp_path: Path) -> FileStore:
    """The file store of the ``repo`` fixture's register."""
    return FileStore(tmp_path / "data" / "files")


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[SqliteStore]:
    r = _open(tmp_path / "data" / "register.db", tmp_path / "data" / "files")
    yield r
    r.close()


def _rows(repo: SqliteStore, table: str) -> int:
    return int(repo.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _own_and_vendor(repo: SqliteStore) -> tuple[Entity, Entity]:
    own = repo.entities.add(
        Entity(
            name="Keystone Europe Ltd",
            kind=enums.EntityKind.GROUP,
            exporter_regimes=(enums.Regime.UK,),
        )
    )
    vendor = repo.entities.add(
        Entity(name="Stratus Cloud Hosting, Inc.", kind=enums.EntityKind.VENDOR)
    )
    return own, vendor


def _us_processor(exporter_id: int, importer_id: int, *uses: MechanismUse) -> Transfer:
    """A processor in the US that stores the exporter's data, on ``uses``."""
    return Transfer(
        exporter_id=exporter_id,
        importer_id=importer_id,
        destination="US",
        access=enums.Access.STORAGE,
        importer_role=enums.Role.PROCESSOR,
        mechanisms=uses,
    )


# -- entities: versions, timestamps, audit ---------------------------------------------------


def test_add_entity_sets_id_version_timestamps_and_audits(repo: SqliteStore) -> None:
    saved = repo.entities.add(
        Entity(
            name="Acme Payments Ltd", kind=enums.EntityKind.VENDOR, website="https://acme.example"
        )
    )
    assert saved.id is not None
    assert saved.version == 1
    assert saved.created_at is not None and saved.created_at.tzinfo is not None
    assert saved.updated_at == saved.created_at

    loaded = repo.entities.get(saved.id)
    assert loaded == saved

    log = repo.audit.entries(table="entities", record_id=saved.id)
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


def test_update_entity_bumps_version_and_audits_before_and_after(repo: SqliteStore) -> None:
    first = repo.entities.add(Entity(name="Acme Payments Ltd", kind=enums.EntityKind.VENDOR))
    assert first.id is not None

    second = repo.entities.update(replace(first, name="Acme Payments Limited", notes="renamed"))
    assert second.version == 2
    assert second.created_at == first.created_at
    assert first.updated_at is not None and second.updated_at is not None
    assert second.updated_at > first.updated_at

    loaded = repo.entities.get(first.id)
    assert loaded.name == "Acme Payments Limited"
    assert loaded.notes == "renamed"
    assert loaded.version == 2
    assert loaded.created_at == first.created_at
    assert loaded.updated_at == second.updated_at

    third = repo.entities.update(replace(loaded, owner="Legal"))
    assert third.version == 3
    assert repo.entities.get(first.id).version == 3

    log = repo.audit.entries(table="entities", record_id=first.id)
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


def test_stale_update_is_refused_and_changes_nothing(repo: SqliteStore) -> None:
    e = repo.entities.add(Entity(name="Acme Payments Ltd", kind=enums.EntityKind.VENDOR))
    assert e.id is not None
    fresh = repo.entities.update(replace(e, notes="edited by Bob"))
    audit_count = _rows(repo, "audit")

    # Alice still holds version 1.
    with pytest.raises(StorageError, match="changed elsewhere"):
        repo.entities.update(replace(e, name="Alice's rename"))

    now = repo.entities.get(e.id)
    assert now == fresh
    assert now.name == "Acme Payments Ltd"
    assert now.version == 2
    assert _rows(repo, "audit") == audit_count


def test_update_of_missing_entity_raises_not_found(repo: SqliteStore) -> None:
    with pytest.raises(NotFoundError):
        repo.entities.update(Entity(name="Ghost", kind=enums.EntityKind.VENDOR, id=999, version=1))
    with pytest.raises(NotFoundError):
        repo.entities.get(999)


def test_archive_hides_entity_and_restore_brings_it_back(repo: SqliteStore) -> None:
    keep = repo.entities.add(Entity(name="Keep Ltd", kind=enums.EntityKind.VENDOR))
    gone = repo.entities.add(Entity(name="Gone Ltd", kind=enums.EntityKind.VENDOR))
    assert gone.id is not None

    archived = repo.entities.archive(gone)
    assert archived.archived_at is not None
    assert archived.version == 2

    assert [e.name for e in repo.entities.list()] == ["Keep Ltd"]
    everything = repo.entities.list(include_archived=True)
    assert {e.name for e in everything} == {"Keep Ltd", "Gone Ltd"}
    stored = repo.entities.get(gone.id)
    assert stored.archived_at is not None
    assert stored.version == 2
    assert repo.queries.counts().entities == 1
    assert gone.id not in {i for i, _ in repo.names.names().items()}

    restored = repo.entities.restore(stored)
    assert restored.archived_at is None
    assert restored.version == 3
    assert {e.name for e in repo.entities.list()} == {"Keep Ltd", "Gone Ltd"}
    assert repo.entities.get(gone.id).archived_at is None
    assert keep.id is not None and repo.entities.get(keep.id).version == 1

    actions = [a.action for a in repo.audit.entries(table="entities", record_id=gone.id)]
    assert actions == ["restore", "archive", "create"]


def test_archive_with_stale_version_is_refused(repo: SqliteStore) -> None:
    e = repo.entities.add(Entity(name="Acme Ltd", kind=enums.EntityKind.VENDOR))
    repo.entities.update(replace(e, notes="x"))
    with pytest.raises(StorageError):
        repo.entities.archive(e)
    assert e.id is not None
    assert repo.entities.get(e.id).archived_at is None


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
    saved = repo.entities.add(
        Entity(name=name, kind=enums.EntityKind.VENDOR, legal_name=name, address=f"{name}, 1")
    )
    assert saved.id is not None
    assert repo.entities.get(saved.id).name == name
    repo.connection.close()

    again = _open(path)
    try:
        loaded = again.entities.get(saved.id)
        assert loaded.name == name
        assert loaded.legal_name == name
        assert loaded.address == f"{name}, 1"
        assert [e.name for e in again.entities.list()] == [name]
        assert json.loads(again.audit.entries(table="entities")[0].after or "")["name"] == name
    finally:
        again.close()


# -- documents and files -----------------------------------------------------------------------


def test_document_file_is_stored_once_by_sha256(repo: SqliteStore, tmp_path: Path) -> None:
    own, vendor = _own_and_vendor(repo)
    assert own.id and vendor.id
    content = b"%PDF-1.7 signed SCCs \x00\xff" * 1000
    signed = tmp_path / "signed SCCs.pdf"
    signed.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()

    d1 = repo.documents.add(
        Document(
            kind=enums.DocumentKind.EU_SCC_2021,
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
    d2 = repo.documents.add(
        Document(
            kind=enums.DocumentKind.UK_ADDENDUM, title="Stratus Addendum", party_ids=(own.id,)
        ),
        copy,
    )
    assert d2.file_sha256 == digest
    assert d2.file_name == "copy of the same.pdf"

    files = _files(tmp_path)
    stored = files.path_for(digest)
    assert repo.documents.file_path(digest) == stored
    assert stored.read_bytes() == content
    assert files.verify(digest)
    store_files = [p for p in files.root.rglob("*") if p.is_file()]
    assert store_files == [stored]
    assert _rows(repo, "files") == 1
    row = repo.connection.execute("SELECT sha256, size FROM files").fetchone()
    assert row == (digest, len(content))

    assert d1.id and d2.id
    loaded = repo.documents.get(d1.id)
    assert loaded.file_sha256 == digest
    assert loaded.party_ids == tuple(sorted((own.id, vendor.id)))
    assert loaded.series_id == d1.id
    assert loaded.doc_version == 1


def test_tampered_stored_file_fails_verification(repo: SqliteStore, tmp_path: Path) -> None:
    src = tmp_path / "dpa.pdf"
    src.write_bytes(b"original")
    doc = repo.documents.add(Document(kind=enums.DocumentKind.DPA, title="DPA"), src)
    files = _files(tmp_path)
    assert doc.file_sha256
    target = files.path_for(doc.file_sha256)
    target.chmod(0o644)
    target.write_bytes(b"tampered")
    assert not files.verify(doc.file_sha256)


def test_document_with_file_but_no_store_is_refused_atomically(tmp_path: Path) -> None:
    repo = _open(tmp_path / "register.db", files=None)
    try:
        src = tmp_path / "x.pdf"
        src.write_bytes(b"x")
        with pytest.raises(StorageError, match="file store"):
            repo.documents.add(Document(kind=enums.DocumentKind.DPA, title="DPA"), src)
        assert _rows(repo, "documents") == 0
        assert _rows(repo, "audit") == 0
    finally:
        repo.connection.close()


def test_renew_document_supersedes_old_and_moves_mechanisms(
    repo: SqliteStore, tmp_path: Path
) -> None:
    own, vendor = _own_and_vendor(repo)
    assert own.id and vendor.id
    old_file = tmp_path / "idta-2024.pdf"
    old_file.write_bytes(b"IDTA signed 2024")
    new_file = tmp_path / "idta-2026.pdf"
    new_file.write_bytes(b"IDTA signed 2026")

    old = repo.documents.add(
        Document(
            kind=enums.DocumentKind.UK_IDTA,
            title="IDTA Stratus",
            party_ids=(own.id, vendor.id),
            signed_on=date(2024, 1, 10),
            expires_on=date(2026, 12, 31),
        ),
        old_file,
    )
    other = repo.documents.add(Document(kind=enums.DocumentKind.DPA, title="Stratus DPA"))
    t = repo.transfers.add(
        _us_processor(
            own.id,
            vendor.id,
            MechanismUse(enums.Mechanism.UK_IDTA, old.id),
            MechanismUse(enums.Mechanism.EU_SCC, other.id),
        )
    )
    assert old.id and t.id and other.id

    new = repo.documents.renew(
        old,
        Document(
            kind=enums.DocumentKind.UK_IDTA,
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
    assert new.status is enums.DocumentStatus.CURRENT
    assert new.file_sha256 == hashlib.sha256(b"IDTA signed 2026").hexdigest()

    kept = repo.documents.get(old.id)
    assert kept.status is enums.DocumentStatus.SUPERSEDED
    assert kept.doc_version == 1
    assert kept.title == "IDTA Stratus"
    assert kept.file_sha256 == hashlib.sha256(b"IDTA signed 2024").hexdigest()

    history = repo.documents.history(new)
    assert [d.id for d in history] == [old.id, new.id]
    assert [d.doc_version for d in history] == [1, 2]
    assert [d.status for d in history] == [
        enums.DocumentStatus.SUPERSEDED,
        enums.DocumentStatus.CURRENT,
    ]
    assert [d.id for d in repo.documents.history(kept)] == [old.id, new.id]

    mechs = repo.transfers.get(t.id).mechanisms
    assert mechs == (
        MechanismUse(enums.Mechanism.UK_IDTA, new.id),
        MechanismUse(enums.Mechanism.EU_SCC, other.id),
    )

    # Both files remain in the store.
    files = _files(tmp_path)
    assert kept.file_sha256 and files.verify(kept.file_sha256)
    assert new.file_sha256 and files.verify(new.file_sha256)

    # A superseded version cannot be renewed again.
    with pytest.raises(StorageError, match="already renewed"):
        repo.documents.renew(kept, Document(kind=enums.DocumentKind.UK_IDTA, title="again"))
    assert len(repo.documents.history(new)) == 2

    # Renewing the current version continues the series.
    third = repo.documents.renew(new, Document(kind=enums.DocumentKind.UK_IDTA, title="IDTA 2028"))
    assert third.doc_version == 3
    assert third.series_id == old.id
    assert [d.doc_version for d in repo.documents.history(third)] == [1, 2, 3]
    assert repo.transfers.get(t.id).mechanisms[0] == MechanismUse(enums.Mechanism.UK_IDTA, third.id)


# -- atomicity ---------------------------------------------------------------------------------


def _counts(repo: SqliteStore) -> dict[str, int]:
    return {
        t: _rows(repo, t)
        for t in ("entities", "transfers", "transfer_mechanisms", "documents", "audit", "tias")
    }


def test_transfer_to_missing_importer_is_refused_without_partial_rows(
    repo: SqliteStore,
) -> None:
    own, vendor = _own_and_vendor(repo)
    assert own.id and vendor.id
    doc = repo.documents.add(Document(kind=enums.DocumentKind.EU_SCC_2021, title="SCCs"))
    before = _counts(repo)

    with pytest.raises(StorageError):
        repo.transfers.add(
            _us_processor(own.id, 9999, MechanismUse(enums.Mechanism.EU_SCC, doc.id))
        )

    assert _counts(repo) == before
    assert repo.transfers.list(include_archived=True) == []


def test_failure_in_a_later_step_rolls_back_the_earlier_ones(repo: SqliteStore) -> None:
    """The transfer row is inserted first; a bad mechanism document must undo it."""
    own, vendor = _own_and_vendor(repo)
    assert own.id and vendor.id
    before = _counts(repo)

    with pytest.raises(StorageError):
        repo.transfers.add(
            _us_processor(
                own.id,
                vendor.id,
                MechanismUse(enums.Mechanism.ADEQUACY),
                MechanismUse(enums.Mechanism.EU_SCC, 424242),  # no such document
            )
        )

    assert _counts(repo) == before
    assert repo.transfers.list(include_archived=True) == []

    # The register is still usable afterwards.
    ok = repo.transfers.add(_us_processor(own.id, vendor.id))
    assert ok.id is not None
    assert _rows(repo, "transfers") == 1


def test_outer_transaction_rolls_back_every_step(repo: SqliteStore) -> None:
    before = _counts(repo)
    with pytest.raises(StorageError), repo.transaction():
        e = repo.entities.add(Entity(name="Half Done Ltd", kind=enums.EntityKind.VENDOR))
        assert e.id is not None
        repo.entities.add_location(Location(e.id, "US", enums.Activity.HOSTING))
        repo.entities.add_location(Location(31337, "US", enums.Activity.HOSTING))  # FK fails
    assert _counts(repo) == before
    assert _rows(repo, "locations") == 0


# -- bulk load of a synthetic register --------------------------------------------------------


def _bulk(path: Path, seed: int) -> SqliteStore:
    repo = _open(path)
    reg = generate(200, seed, TODAY)
    repo.records.add_generated(reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias)
    return repo


def test_bulk_add_synthetic_register_is_deterministic(tmp_path: Path) -> None:
    assert generate(200, 3, TODAY) == generate(200, 3, TODAY)

    a = _bulk(tmp_path / "a" / "register.db", 3)
    b = _bulk(tmp_path / "b" / "register.db", 3)
    c = _bulk(tmp_path / "c" / "register.db", 4)
    try:
        assert a.queries.counts().entities == 200
        assert len(a.entities.list()) == 200
        assert a.queries.counts().transfers == 196  # one per vendor; the 4 group entities have none
        assert a.entities.own()[0].name == "Synthetic Europe Ltd"

        assert a.entities.list() == b.entities.list()
        assert a.transfers.list() == b.transfers.list()
        assert a.documents.list() == b.documents.list()
        assert a.assessments.list() == b.assessments.list()
        assert a.entities.locations() == b.entities.locations()

        assert [e.name for e in a.entities.list()] != [e.name for e in c.entities.list()]

        log = a.audit.entries()
        assert len(log) == 1
        assert log[0].action == "generate"
        assert log[0].actor == ACTOR

        # The loaded register is internally consistent.
        assert a.connection.execute("PRAGMA foreign_key_check").fetchall() == []
        snap = a.queries.snapshot()
        for t in snap.transfers:
            assert t.importer_id in snap.entities
            for m in t.mechanisms:
                assert m.document_id is None or m.document_id in snap.documents
    finally:
        for r in (a, b, c):
            r.close()


def test_bulk_add_failure_leaves_register_empty(repo: SqliteStore) -> None:
    reg = generate(20, 1, TODAY)
    broken = [replace(t, importer_id=10_000) for t in reg.transfers]
    with pytest.raises(StorageError):
        repo.records.add_generated(reg.entities, reg.locations, reg.documents, broken, reg.tias)
    assert _counts(repo) == dict.fromkeys(_counts(repo), 0)
    assert _rows(repo, "locations") == 0


def test_a_record_from_the_rules_snapshot_cannot_be_saved_over_the_full_one(tmp_path: Path) -> None:
    """The snapshot carries only what the rules read, as a read model of its own: not an
    ``Entity``, so it cannot be written back over the full record and blank the rest."""
    database = open_db(tmp_path / "snap.db")
    repo = SqliteStore(database, actor="t")
    saved = repo.entities.add(
        Entity("Vendor", enums.EntityKind.VENDOR, notes="keep me", website="https://v.example")
    )
    assert saved.id is not None
    lean = repo.queries.snapshot().entities[saved.id]
    assert lean.name == "Vendor"
    assert isinstance(lean, EntityFacts) and not isinstance(lean, Entity)
    assert not hasattr(lean, "notes") and not hasattr(lean, "version")
    assert repo.entities.get(saved.id).notes == "keep me"
    database.conn.close()
