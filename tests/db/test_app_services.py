"""The application services the composition root builds (``AppServices``), on the in-memory
store: one reference set shared by all of them, and the writes the app makes through them, each
one transaction."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fakes.memory_store import MemoryStore

from db.files import FileStore
from exports import file_adapters
from transfers_app.domain.enums import Access, Activity, DocumentKind, EntityKind, Regime, Role
from transfers_app.domain.models import Document, Entity, Location, Transfer
from transfers_app.errors import StorageError, TransfersError
from transfers_app.reference import builtin_reference, parse_bundle
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource

TODAY = date(2026, 11, 25)


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    return MemoryStore(actor="privacy-lead", files=FileStore(tmp_path / "files"))


@pytest.fixture
def services(store: MemoryStore) -> AppServices:
    return AppServices.build(store, ReferenceSource(builtin_reference()), file_adapters(), TODAY)


def _own(services: AppServices) -> Entity:
    return services.entities.save(
        Entity("Keystone Europe Ltd", EntityKind.GROUP, exporter_regimes=(Regime.UK,))
    )


def test_a_newer_reference_set_reaches_every_service_at_once(services: AppServices) -> None:
    before = services.reference.current
    bundle = json.loads(json.dumps(dict(before.raw)))
    bundle["manifest"]["as_of"] = "2027-01-01"
    newer = parse_bundle(bundle, origin="test")
    services.reference.replace(newer)
    assert services.register.ref is newer
    assert services.tias.ref is newer
    assert services.workspace.register.ref is newer


def test_an_entity_and_its_locations_are_saved_together(services: AppServices) -> None:
    new = Entity("Stratus Cloud Hosting, Inc.", EntityKind.VENDOR)
    # A new entity's locations name no entity yet: the service links them.
    saved = services.entities.save(
        new, [Location(0, "US", Activity.HEADQUARTERS), Location(0, "IE", Activity.HOSTING)]
    )
    assert saved.id is not None
    original = services.entities.locations(saved.id)
    assert [(x.entity_id, x.country) for x in original] == [(saved.id, "US"), (saved.id, "IE")]

    # Edit: US moves to Dallas, IE goes, IN comes; the entity is renamed.
    us, _ie = original
    edited = [replace(us, city="Dallas"), Location(saved.id, "IN", Activity.SUPPORT)]
    again = services.entities.save(replace(saved, name="Stratus Cloud"), edited, original)
    assert again.name == "Stratus Cloud" and again.version == saved.version + 1
    now = services.entities.locations(saved.id)
    assert [(x.country, x.city) for x in now] == [("US", "Dallas"), ("IN", "")]
    actions = [(e.table, e.action) for e in services.audit.entries(limit=5)]
    assert actions[:4] == [
        ("locations", "archive"),
        ("locations", "create"),
        ("locations", "update"),
        ("entities", "update"),
    ]


def test_a_failed_location_leaves_the_entity_unsaved(
    services: AppServices, store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(loc: Location) -> Location:
        raise StorageError("the database is locked")

    monkeypatch.setattr(store.entities, "add_location", broken)
    before = services.audit.counts()
    with pytest.raises(StorageError, match="locked"):
        services.entities.save(
            Entity("Half Written Ltd", EntityKind.VENDOR), [Location(0, "GB", Activity.HOSTING)]
        )
    assert services.audit.counts() == before
    assert "Half Written Ltd" not in services.entities.names().values()


def test_a_location_changed_elsewhere_is_refused_whole(services: AppServices) -> None:
    vendor = services.entities.save(
        Entity("Lumen Analytics GmbH", EntityKind.VENDOR), [Location(0, "DE", Activity.HOSTING)]
    )
    assert vendor.id is not None
    original = services.entities.locations(vendor.id)
    # Someone else edits the location after this user opened the entity.
    services.entities.save(vendor, [replace(original[0], city="Berlin")], original)
    latest = services.entities.get(vendor.id)
    with pytest.raises(StorageError, match="changed elsewhere"):
        services.entities.save(
            replace(latest, notes="mine"), [replace(original[0], city="Munich")], original
        )
    assert services.entities.get(vendor.id).notes == ""
    assert services.entities.locations(vendor.id)[0].city == "Berlin"


def test_search_finds_name_starts_then_every_word(services: AppServices) -> None:
    for name in ("Stratus Cloud Hosting, Inc.", "Cloud Stratus Ltd", "Nimbus Backup GmbH"):
        services.entities.save(Entity(name, EntityKind.VENDOR))
    assert [h.name for h in services.entities.search("strat", 30)] == [
        "Stratus Cloud Hosting, Inc.",
        "Cloud Stratus Ltd",
    ]
    assert [h.name for h in services.entities.search("strat", 1)] == ["Stratus Cloud Hosting, Inc."]
    assert services.entities.search("  ", 30) == []


def test_groups_follow_the_register(services: AppServices) -> None:
    own = _own(services)
    assert [g.name for g in services.entities.groups()] == [own.name]
    services.entities.save(Entity("Keystone Asia Pte. Ltd.", EntityKind.GROUP))
    assert len(services.entities.groups()) == 2  # read again after the write


def test_transfers_and_documents_through_their_services(
    services: AppServices, tmp_path: Path
) -> None:
    own, vendor = _own(services), services.entities.save(Entity("Stratus", EntityKind.VENDOR))
    assert own.id is not None and vendor.id is not None
    t = services.transfers.save(Transfer(own.id, vendor.id, "US", Access.STORAGE, Role.PROCESSOR))
    changed = services.transfers.save(replace(t, service="Hosting"))
    assert changed.version == t.version + 1 and services.transfers.of_entity(vendor.id) == [changed]
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF signed")
    doc = services.documents.add(
        Document(DocumentKind.DPA, "Stratus DPA", party_ids=(own.id, vendor.id)), signed
    )
    stored = services.documents.file_path(doc)
    assert stored is not None and stored.read_bytes() == b"%PDF signed"
    assert services.documents.file_path(replace(doc, file_sha256=None)) is None
    renewed = services.documents.renew(doc, replace(doc, title="Stratus DPA 2027"))
    assert [d.title for d in services.documents.history(renewed)] == [
        "Stratus DPA",
        "Stratus DPA 2027",
    ]


def test_archive_and_undo_of_a_transfer_and_a_document(services: AppServices) -> None:
    own, vendor = _own(services), services.entities.save(Entity("Stratus", EntityKind.VENDOR))
    assert own.id is not None and vendor.id is not None
    t = services.transfers.save(Transfer(own.id, vendor.id, "US", Access.STORAGE, Role.PROCESSOR))
    doc = services.documents.add(Document(DocumentKind.DPA, "DPA", party_ids=(vendor.id,)))
    assert t.id is not None and doc.id is not None
    services.workspace.archive_transfer(t.id)
    services.workspace.archive_document(doc.id)
    assert services.transfers.list() == [] and services.documents.list() == []
    services.workspace.undo_archive()
    assert [d.id for d in services.documents.list()] == [doc.id]
    services.workspace.undo_archive()
    assert [x.id for x in services.transfers.list()] == [t.id]
    assert not services.workspace.can_undo_archive()


def test_the_first_start_is_pending_until_chosen(services: AppServices) -> None:
    assert services.setup.first_start_pending()
    services.setup.first_start_done()
    assert not services.setup.first_start_pending()


def test_a_generated_register_goes_only_into_an_empty_one(services: AppServices) -> None:
    generation = services.audit.generation()
    reg = services.setup.generate(40, 2, TODAY)
    assert services.audit.counts().entities == len(reg.entities) == 40
    assert services.settings.catalogue("data_category")  # seeded with it
    assert services.audit.generation() != generation
    with pytest.raises(TransfersError, match="not empty"):
        services.setup.generate(40, 2, TODAY)


def test_the_notice_service_names_who_decides(services: AppServices) -> None:
    assert services.notices.actor == services.audit.actor == "privacy-lead"
