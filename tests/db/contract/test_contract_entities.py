"""Entities and their locations: round trips, versions, audit, archive, the name index."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from support.contract_samples import ACTOR, location, own_entity, vendor

from transfers_app.domain.enums import Activity, EntityKind, Lifecycle, Regime
from transfers_app.domain.models import Entity
from transfers_app.errors import NotFoundError, StorageError, ValidationError
from transfers_app.ports.storage import Store


def test_an_entity_comes_back_as_saved_with_id_version_and_time_stamps(store: Store) -> None:
    saved = store.entities.add(vendor())
    assert saved.id is not None
    assert saved.version == 1
    assert saved.created_at is not None and saved.created_at.tzinfo is not None
    assert saved.updated_at == saved.created_at
    assert store.entities.get(saved.id) == saved
    assert replace(saved, id=None, version=0, created_at=None, updated_at=None) == vendor()


def test_every_field_of_an_entity_survives_an_update(store: Store) -> None:
    first = store.entities.add(vendor())
    assert first.id is not None
    changed = replace(
        first,
        name="Stratus Cloud Hosting LLC",
        lifecycle=Lifecycle.OFFBOARDED,
        offboarded_on=first.active_on,
        exporter_regimes=(Regime.CH, Regime.UK),
        parent_id=store.entities.add(own_entity()).id,
    )
    second = store.entities.update(changed)
    assert second.version == 2
    assert second.created_at == first.created_at
    assert first.updated_at is not None and second.updated_at is not None
    assert second.updated_at > first.updated_at
    assert store.entities.get(first.id) == second
    assert replace(second, version=1, updated_at=first.updated_at) == changed


def test_writes_are_audited_with_the_actor_and_the_record_before_and_after(store: Store) -> None:
    first = store.entities.add(vendor())
    assert first.id is not None
    store.entities.update(replace(first, notes="renamed"))
    log = store.audit.entries(table="entities", record_id=first.id)
    assert [(e.action, e.actor, e.table, e.record_id) for e in log] == [
        ("update", ACTOR, "entities", first.id),
        ("create", ACTOR, "entities", first.id),
    ]
    update, create = log
    assert create.before is None
    assert json.loads(create.after or "")["name"] == "Stratus Cloud Hosting, Inc."
    assert json.loads(create.after or "")["version"] == 1
    assert json.loads(update.before or "")["notes"] == "hosting for the customer portal"
    assert json.loads(update.after or "") == {
        **json.loads(update.before or ""),
        "notes": "renamed",
        "version": 2,
        "updated_at": json.loads(update.after or "")["updated_at"],
    }
    assert update.at > create.at
    assert update.id is not None and create.id is not None and update.id > create.id


def test_a_stale_update_is_refused_and_changes_nothing(store: Store) -> None:
    first = store.entities.add(vendor())
    assert first.id is not None
    fresh = store.entities.update(replace(first, notes="edited by Bob"))
    generation = store.audit.generation()
    with pytest.raises(StorageError, match="changed elsewhere"):
        store.entities.update(replace(first, name="Alice's rename"))
    assert store.entities.get(first.id) == fresh
    assert store.audit.generation() == generation


def test_missing_entities_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="entity 999 does not exist"):
        store.entities.get(999)
    with pytest.raises(NotFoundError):
        store.entities.update(Entity(name="Ghost", kind=EntityKind.VENDOR, id=999, version=1))
    with pytest.raises(NotFoundError):
        store.entities.update(Entity(name="Never saved", kind=EntityKind.VENDOR))


def test_an_invalid_entity_is_refused_naming_the_field_and_nothing_is_written(
    store: Store,
) -> None:
    with pytest.raises(ValidationError) as info:
        store.entities.add(vendor(website="stratus.example"))
    assert info.value.field == "website"
    assert store.queries.counts().entities == 0
    assert store.audit.generation() == 0


def test_archive_hides_an_entity_and_restore_brings_it_back(store: Store) -> None:
    keep = store.entities.add(vendor("Keep Ltd"))
    gone = store.entities.add(vendor("Gone Ltd"))
    assert gone.id is not None and keep.id is not None

    archived = store.entities.archive(gone)
    assert archived.archived_at is not None and archived.version == 2
    assert [e.name for e in store.entities.list()] == ["Keep Ltd"]
    assert {e.name for e in store.entities.list(include_archived=True)} == {"Keep Ltd", "Gone Ltd"}
    assert store.entities.get(gone.id).archived_at == archived.archived_at
    assert store.queries.counts().entities == 1
    assert gone.id not in store.names.names()
    assert store.names.names([gone.id]) == {gone.id: "Gone Ltd"}

    restored = store.entities.restore(store.entities.get(gone.id))
    assert restored.archived_at is None and restored.version == 3
    assert store.entities.get(gone.id) == restored
    assert store.entities.get(keep.id).version == 1
    actions = [a.action for a in store.audit.entries(table="entities", record_id=gone.id)]
    assert actions == ["restore", "archive", "create"]


def test_archive_saves_only_the_archive_mark(store: Store) -> None:
    e = store.entities.add(vendor())
    assert e.id is not None
    store.entities.archive(replace(e, notes="not saved by archiving"))
    assert store.entities.get(e.id).notes == e.notes


def test_archive_with_a_stale_version_is_refused(store: Store) -> None:
    e = store.entities.add(vendor())
    assert e.id is not None
    store.entities.update(replace(e, notes="x"))
    with pytest.raises(StorageError, match="changed elsewhere"):
        store.entities.archive(e)
    assert store.entities.get(e.id).archived_at is None


def test_entities_are_listed_in_name_order_and_own_ones_apart(store: Store) -> None:
    for name in ["Zeta GmbH", "Ångström AB", "acme Ltd", "Beta SA"]:
        store.entities.add(vendor(name))
    ours = store.entities.add(own_entity("Keystone Europe Ltd"))
    store.entities.add(own_entity("Keystone Asia Pte. Ltd."))
    archived = store.entities.add(own_entity("Keystone Archived Ltd"))
    store.entities.archive(archived)
    assert [e.name for e in store.entities.list()] == [
        "acme Ltd",
        "Ångström AB",
        "Beta SA",
        "Keystone Asia Pte. Ltd.",
        "Keystone Europe Ltd",
        "Zeta GmbH",
    ]
    assert [e.name for e in store.entities.own()] == [
        "Keystone Asia Pte. Ltd.",
        "Keystone Europe Ltd",
    ]
    assert ours in store.entities.own()


@pytest.mark.parametrize(
    "name",
    ["株式会社テスト", "Łódź Sp. z o.o.", "İstanbul A.Ş.", "Lo\u0301dz\u0301 decomposed"],
)
def test_unicode_names_come_back_exactly(store: Store, name: str) -> None:
    saved = store.entities.add(vendor(name, legal_name=name, address=f"{name}, 1"))
    assert saved.id is not None
    loaded = store.entities.get(saved.id)
    assert (loaded.name, loaded.legal_name, loaded.address) == (name, name, f"{name}, 1")
    assert json.loads(store.audit.entries(table="entities")[0].after or "")["name"] == name


# -- locations -----------------------------------------------------------------------------------


def test_locations_round_trip_update_archive_and_restore(store: Store) -> None:
    e = store.entities.add(vendor())
    other = store.entities.add(vendor("Other Ltd"))
    assert e.id is not None
    first = store.entities.add_location(location(e, "US", "Ashburn"))
    second = store.entities.add_location(location(e, "IE", "Dublin"))
    third = store.entities.add_location(location(other, "DE", "Frankfurt"))
    assert first.id is not None and first.version == 1
    assert store.entities.locations(e.id) == [first, second]
    assert store.entities.locations() == [first, second, third]

    moved = store.entities.update_location(
        replace(first, city="Columbus", activity=Activity.BACKUP)
    )
    assert moved.version == 2 and moved.created_at == first.created_at
    assert store.entities.locations(e.id)[0] == moved
    with pytest.raises(StorageError, match="changed elsewhere"):
        store.entities.update_location(replace(first, city="stale"))

    archived = store.entities.archive_location(second)
    assert store.entities.locations(e.id) == [moved]
    store.entities.archive_location(third)
    assert store.queries.entities_with_locations() == {e.id}
    restored = store.entities.restore_location(archived)
    assert store.entities.locations(e.id) == [moved, restored]
    actions = [a.action for a in store.audit.entries(table="locations", record_id=second.id)]
    assert actions == ["restore", "archive", "create"]


def test_a_location_with_an_unknown_country_is_refused(store: Store) -> None:
    e = store.entities.add(vendor())
    with pytest.raises(ValidationError) as info:
        store.entities.add_location(location(e, "XX"))
    assert info.value.field == "country"
    assert store.entities.locations() == []


def test_a_location_of_a_missing_entity_is_refused_with_a_clear_message(store: Store) -> None:
    e = store.entities.add(vendor())
    with pytest.raises(StorageError, match="refers to a record that does not exist"):
        store.entities.add_location(replace(location(e), entity_id=999))
    assert store.entities.locations() == []
