"""The name index, and transfers with their ordered mechanisms."""

from __future__ import annotations

from dataclasses import replace

import pytest
from support.contract_samples import own_entity, parties, scc, transfer, vendor

from transfers_app.domain.enums import Access, EntityKind, Mechanism, Role
from transfers_app.domain.models import Entity, MechanismUse
from transfers_app.domain.names import name_key
from transfers_app.errors import NotFoundError, StorageError, ValidationError
from transfers_app.ports.storage import Store


def _add(store: Store, name: str, legal: str = "", kind: EntityKind = EntityKind.VENDOR) -> int:
    saved = store.entities.add(Entity(name=name, kind=kind, legal_name=legal))
    assert saved.id is not None
    return saved.id


def test_names_of_live_entities_and_of_any_entity_by_id(store: Store) -> None:
    a = _add(store, "Acme Payments Ltd")
    b = _add(store, "Beta Cloud SA")
    gone = store.entities.add(Entity(name="Gone Ltd", kind=EntityKind.VENDOR))
    store.entities.archive(gone)
    assert gone.id is not None
    assert store.names.names() == {a: "Acme Payments Ltd", b: "Beta Cloud SA"}
    assert store.names.names([b, gone.id, 999]) == {b: "Beta Cloud SA", gone.id: "Gone Ltd"}
    assert store.names.names([]) == {}
    keys = store.names.keys()
    assert dict(zip(keys.ids, keys.keys, strict=True)) == {
        a: name_key("Acme Payments Ltd"),
        b: name_key("Beta Cloud SA"),
    }


def test_name_prefixes_find_names_and_legal_names(store: Store) -> None:
    stratus = _add(store, "Stratus Cloud Hosting, Inc.")
    sakura = _add(store, "Sakura Translations", legal="Sakura Honyaku K.K.")
    _add(store, "Cloud Stratos Ltd")
    gone = store.entities.add(Entity(name="Stratus Archive", kind=EntityKind.VENDOR))
    store.entities.archive(gone)

    hits = store.names.with_key_prefix(name_key("Stratus"), 10)
    assert {(h.entity_id, h.name) for h in hits} == {(stratus, "Stratus Cloud Hosting, Inc.")}
    by_legal = store.names.with_key_prefix(name_key("Sakura Hon"), 10)
    assert [h.entity_id for h in by_legal] == [sakura]
    assert len(store.names.with_key_prefix("", 2)) == 2

    found = store.names.with_word_prefixes(["clou", "hony"], 10)
    assert {c.entity_id for c in found} == {stratus, sakura, stratus + 2}
    sakura_keys = next(c for c in found if c.entity_id == sakura)
    assert sakura_keys.name_key == name_key("Sakura Translations")
    assert sakura_keys.legal_key == name_key("Sakura Honyaku K.K.")
    assert store.names.with_word_prefixes([], 10) == []


def test_group_entities_in_name_order(store: Store) -> None:
    z = _add(store, "Zeta Group Holdings", kind=EntityKind.GROUP)
    a = _add(store, "Alpha Group Ltd", kind=EntityKind.GROUP)
    _add(store, "Vendor Ltd")
    assert [(h.entity_id, h.name) for h in store.names.groups()] == [
        (a, "Alpha Group Ltd"),
        (z, "Zeta Group Holdings"),
    ]


# -- transfers -----------------------------------------------------------------------------------


def test_a_transfer_comes_back_as_saved_with_its_mechanisms_in_order(store: Store) -> None:
    own, stratus = parties(store)
    assert own.id is not None and stratus.id is not None
    doc = store.documents.add(scc((own.id, stratus.id)))
    uses = (
        MechanismUse(Mechanism.EU_SCC, doc.id),
        MechanismUse(Mechanism.UK_ADDENDUM, doc.id),
        MechanismUse(Mechanism.DEROGATION),
    )
    saved = store.transfers.add(transfer(own, stratus, mechanisms=uses))
    assert saved.id is not None and saved.version == 1
    assert store.transfers.get(saved.id) == saved
    assert store.transfers.get(saved.id).mechanisms == uses

    reordered = store.transfers.update(replace(saved, mechanisms=uses[::-1], notes="edited"))
    assert reordered.version == 2
    assert store.transfers.get(saved.id) == reordered
    assert store.transfers.get(saved.id).mechanisms == uses[::-1]
    assert store.transfers.update(replace(reordered, mechanisms=())).mechanisms == ()
    assert store.transfers.get(saved.id).mechanisms == ()


def test_transfers_of_an_entity_and_many_at_once(store: Store) -> None:
    own, stratus = parties(store)
    other = store.entities.add(vendor("Other Ltd"))
    a = store.transfers.add(transfer(own, stratus))
    b = store.transfers.add(transfer(stratus, other, importer_role=Role.SUBPROCESSOR))
    c = store.transfers.add(transfer(own, other, destination="IN"))
    archived = store.transfers.archive(
        store.transfers.add(transfer(own, stratus, destination="BR"))
    )
    assert stratus.id is not None and a.id and b.id and c.id and archived.id
    assert store.transfers.of_entity(stratus.id) == [a, b]
    assert store.transfers.list() == [a, b, c]
    assert store.transfers.list(include_archived=True) == [a, b, c, archived]
    many = store.transfers.get_many([c.id, archived.id, 999, c.id])
    assert many == {c.id: c, archived.id: archived}
    assert store.transfers.get_many([]) == {}


def test_a_second_live_transfer_of_the_same_identity_is_refused(store: Store) -> None:
    own, stratus = parties(store)
    first = store.transfers.add(transfer(own, stratus))
    generation = store.audit.generation()
    with pytest.raises(StorageError, match="already on the register"):
        store.transfers.add(transfer(own, stratus, service="another"))
    assert store.transfers.list() == [first]
    assert store.audit.generation() == generation

    # Another kind of access is another transfer; an archived one leaves room for a new one.
    store.transfers.add(transfer(own, stratus, access=Access.REMOTE_ACCESS))
    store.transfers.archive(first)
    again = store.transfers.add(transfer(own, stratus))
    with pytest.raises(StorageError, match="already on the register"):
        store.transfers.restore(store.transfers.get(first.id or 0))
    assert again in store.transfers.list()


def test_a_transfer_to_a_missing_entity_or_document_is_refused(store: Store) -> None:
    own, stratus = parties(store)
    assert stratus.id is not None
    with pytest.raises(StorageError, match="refers to a record that does not exist"):
        store.transfers.add(replace(transfer(own, stratus), importer_id=999))
    with pytest.raises(StorageError, match="refers to a record that does not exist"):
        store.transfers.add(
            transfer(own, stratus, mechanisms=(MechanismUse(Mechanism.EU_SCC, 999),))
        )
    assert store.transfers.list(include_archived=True) == []
    assert store.queries.counts().transfers == 0


def test_transfer_edits_are_versioned_and_stale_ones_refused(store: Store) -> None:
    own, stratus = parties(store)
    t = store.transfers.add(transfer(own, stratus))
    store.transfers.update(replace(t, purpose="billing"))
    with pytest.raises(StorageError, match="changed elsewhere"):
        store.transfers.update(replace(t, purpose="stale"))
    with pytest.raises(StorageError, match="changed elsewhere"):
        store.transfers.archive(t)
    with pytest.raises(NotFoundError):
        store.transfers.get(999)
    with pytest.raises(ValidationError):
        store.transfers.add(transfer(own, own))
    actions = [a.action for a in store.audit.entries(table="transfers")]
    assert actions == ["update", "create"]


def test_an_own_entity_is_an_exporter(store: Store) -> None:
    own = store.entities.add(own_entity())
    assert own.is_own and store.entities.own() == [own]
