"""Whole-register writes and reads: dump and load, generated registers, imports."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from support.contract_samples import (
    ACTOR,
    TODAY,
    StoreFactory,
    assessment,
    location,
    notice,
    own_entity,
    parties,
    scc,
    transfer,
    vendor,
)

from transfers_app.domain.audit_chain import IMPORT_ACTION, REGISTER_TABLE, verify_chain
from transfers_app.domain.enums import Mechanism
from transfers_app.domain.models import CatalogueItem, Entity, MechanismUse, Publication
from transfers_app.errors import StorageError, ValidationError
from transfers_app.ports.storage import RegisterRecords, Store
from transfers_app.services.synthetic import generate


def _fill(store: Store, signed: Path) -> None:
    """Something of every kind, archived records and versions included."""
    own, stratus = parties(store)
    assert own.id and stratus.id
    parent = store.entities.add(own_entity("Keystone Group Holdings"))
    store.entities.update(replace(own, parent_id=parent.id))
    store.entities.add_location(location(stratus))
    store.entities.archive_location(store.entities.add_location(location(stratus, "IE")))
    doc = store.documents.add(scc((own.id, stratus.id)), signed)
    renewed = store.documents.renew(doc, replace(doc, title="Renewed SCCs"))
    t = store.transfers.add(
        transfer(own, stratus, mechanisms=(MechanismUse(Mechanism.EU_SCC, renewed.id),))
    )
    onward = store.transfers.add(
        transfer(stratus, parent, destination="IN", parent_transfer_id=t.id, regimes=())
    )
    store.transfers.archive(onward)
    first = store.assessments.add(assessment(t))
    store.assessments.revise(first, replace(first, change_note="yearly review"))
    store.settings.add_catalogue_items([CatalogueItem("data_category", "Contact details")])
    store.publications.add(Publication("public_list", TODAY, '{"entries": []}'))
    store.notices.add(notice(stratus))
    store.entities.archive(store.entities.add(vendor("Archived Ltd")))


def test_dump_then_load_is_lossless(new_store: StoreFactory, tmp_path: Path) -> None:
    source = new_store()
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF signed")
    _fill(source, signed)
    records = source.records.dump()
    assert len(records.entities) == 4 and len(records.documents) == 2
    assert any(e.archived_at for e in records.entities)
    assert [x.revision for x in records.tias] == [1, 2]
    assert records.tias[0].content is not None

    target = new_store()
    target.records.load(records, "loaded from register.json")
    loaded = target.records.dump()
    assert replace(loaded, audit=()) == replace(records, audit=())
    assert target.queries.snapshot() == source.queries.snapshot()
    assert target.queries.register_lines() == source.queries.register_lines()
    note = target.audit.entries(limit=1)[0]
    assert (note.action, note.after, note.actor) == ("load", "loaded from register.json", ACTOR)
    # The history is kept verbatim (hashes included) between the entry announcing it and the
    # note of the load, which links to its last hash: the chain holds, under new ids.
    history = records.audit
    assert len(history) > 10
    assert target.audit.generation() == len(history) + 2
    marker, *kept, last = loaded.audit
    assert (marker.table, marker.action) == (REGISTER_TABLE, IMPORT_ACTION)
    assert [replace(e, id=None) for e in kept] == [replace(e, id=None) for e in history]
    assert last.prev_hash == history[-1].hash
    check = verify_chain(loaded.audit)
    assert check.intact and check.entries == len(history) + 2 and check.head_hash == last.hash
    # Versions go on from where they were.
    own = next(e for e in target.entities.list() if e.name == "Keystone Europe Ltd")
    assert target.entities.update(replace(own, notes="after load")).version == own.version + 1


def test_load_refuses_a_register_that_is_not_empty(new_store: StoreFactory) -> None:
    store = new_store()
    store.entities.add(vendor())
    before = store.records.dump()
    with pytest.raises(StorageError, match="not empty"):
        store.records.load(RegisterRecords(entities=(own_entity(),)), "x")
    assert store.records.dump() == before


def test_load_refuses_records_naming_missing_ones_and_writes_nothing(
    new_store: StoreFactory,
) -> None:
    store = new_store()
    e = replace(vendor(), id=1, version=3)
    child = replace(own_entity(), id=2, parent_id=7)  # no entity 7
    with pytest.raises(StorageError, match="refers to a record that does not exist"):
        store.records.load(RegisterRecords(entities=(e, child)), "x")
    assert store.records.dump() == RegisterRecords()
    assert store.audit.generation() == 0
    # Records may name records that come later in the file.
    parent = replace(own_entity("Parent Ltd"), id=7)
    store.records.load(RegisterRecords(entities=(e, child, parent)), "x")
    assert store.entities.get(2).parent_id == 7 and store.entities.get(1).version == 3


def test_an_import_adds_entities_with_locations_and_transfers_each_audited(store: Store) -> None:
    own = store.entities.add(own_entity())
    ids = store.records.add_many(
        [vendor("Imported One Ltd"), vendor("Imported Two Ltd")],
        [replace(location(own), entity_id=-1), replace(location(own, "IE"), entity_id=-2)],
        [
            replace(transfer(own, own, destination="US"), importer_id=-1),
            replace(transfer(own, own, destination="IE"), importer_id=-2),
        ],
    )
    assert len(ids) == 2 and own.id not in ids
    one, two = (store.entities.get(i) for i in ids)
    assert (one.name, one.version, two.name) == ("Imported One Ltd", 1, "Imported Two Ltd")
    assert [loc.country for loc in store.entities.locations(ids[1])] == ["IE"]
    assert [t.importer_id for t in store.transfers.list()] == ids
    creates = [
        (e.table, e.record_id, json.loads(e.after or "")["version"])
        for e in store.audit.entries()
        if e.action == "create" and e.record_id in ids and e.table == "entities"
    ]
    assert sorted(creates) == [("entities", ids[0], 1), ("entities", ids[1], 1)]
    transfer_audit = store.audit.entries(table="transfers")
    assert {json.loads(a.after or "")["importer_id"] for a in transfer_audit} == set(ids)
    assert all(a.actor == ACTOR for a in transfer_audit)


def test_an_import_with_one_bad_record_adds_nothing(store: Store) -> None:
    own = store.entities.add(own_entity())
    before = store.records.dump()
    with pytest.raises(ValidationError):
        store.records.add_many(
            [vendor("Fine Ltd"), vendor("Bad Ltd", contact_email="not an address")], [], []
        )
    with pytest.raises(StorageError):
        store.records.add_many(
            [vendor("Fine Ltd")], [], [replace(transfer(own, own), importer_id=999)]
        )
    assert store.records.dump() == before


def test_a_generated_register_is_added_whole(store: Store) -> None:
    reg = generate(40, 1, TODAY)
    store.records.add_generated(reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias)
    counts = store.queries.counts()
    assert (counts.entities, counts.transfers, counts.documents, counts.assessments) == (
        40,
        len(reg.transfers),
        len(reg.documents),
        len(reg.tias),
    )
    assert counts.audit_entries == 1
    first: Entity = reg.entities[0]
    loaded = store.entities.get(first.id or 0)
    assert replace(loaded, version=0, created_at=None, updated_at=None) == first
    assert store.transfers.get(reg.transfers[0].id or 0).mechanisms == reg.transfers[0].mechanisms
    assert {x.series_id for x in store.assessments.list()} == {x.id for x in reg.tias}
