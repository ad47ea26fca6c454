"""The organisation's profile and the open items' follow-ups: saved whole, validated, audited,
rolled back with their transaction, dumped and loaded with the register."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from support.contract_samples import StoreFactory, parties

from transfers_app.domain.organisation import FollowUp, OrganisationProfile, Person
from transfers_app.errors import ValidationError
from transfers_app.ports.storage import Store
from transfers_app.services.demo import DEMO_ORGANISATION

# The demo's fictional organisation, with a trading name, an address on two lines, a signer
# without an email address and an addressee of its own.
PROFILE = replace(
    DEMO_ORGANISATION,
    name="Keystone Europe",
    address="1 Example Street\nLondon",
    signers=(DEMO_ORGANISATION.signers[0], Person("Anita Patel", "Privacy Counsel")),
    addressee="The Information Commission",
)


def test_the_profile_is_empty_until_saved_then_comes_back_whole(store: Store) -> None:
    assert store.organisation.get() == OrganisationProfile()
    assert store.organisation.save(PROFILE) == PROFILE
    assert store.organisation.get() == PROFILE
    # The name stays where readers that predate the profile look for it.
    assert store.settings.get("organisation.name") == "Keystone Europe"
    fewer = replace(PROFILE, signers=PROFILE.signers[1:], eu_representative="", address="")
    store.organisation.save(fewer)
    assert store.organisation.get() == fewer


def test_every_change_of_the_profile_is_audited_before_and_after(store: Store) -> None:
    store.organisation.save(PROFILE)
    store.organisation.save(PROFILE)  # no change, no entry
    store.organisation.save(replace(PROFILE, dpo_email="privacy@keystone.example"))
    entries = store.audit.entries(table="organisation")
    assert [e.action for e in entries] == ["update", "update"]
    newest = entries[0]
    assert newest.before is not None and newest.after is not None
    assert json.loads(newest.before)["dpo_email"] == "dpo@keystone-europe.example"
    assert json.loads(newest.after)["dpo_email"] == "privacy@keystone.example"
    assert json.loads(newest.after)["signers"][0]["name"] == "Maria Santos"


def test_an_invalid_profile_is_refused_naming_the_field(store: Store) -> None:
    with pytest.raises(ValidationError, match="dpo_email") as caught:
        store.organisation.save(replace(PROFILE, dpo_email="dpo.keystone.example"))
    assert caught.value.field == "dpo_email"
    with pytest.raises(ValidationError, match=r"signers\[3\]\.name"):
        store.organisation.save(replace(PROFILE, signers=(*PROFILE.signers, Person(" "))))
    assert store.organisation.get() == OrganisationProfile()
    assert store.audit.entries(table="organisation") == []


def test_a_failed_transaction_keeps_the_profile_as_it_was(store: Store) -> None:
    store.organisation.save(PROFILE)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.organisation.save(replace(PROFILE, name="Half saved"))
        tx.open_items.set(FollowUp("tia_missing", "T1", "Legal"))
        raise RuntimeError
    assert store.organisation.get() == PROFILE
    assert store.open_items.list() == []


def test_follow_ups_are_set_changed_cleared_and_audited(store: Store) -> None:
    a = FollowUp("tia_missing", "T10", "Anita Patel", date(2027, 1, 31))
    b = FollowUp("tia_missing", "T2", "Legal - Privacy")
    c = FollowUp("entity_without_country", "E4", "", date(2027, 2, 1))
    for f in (a, b, c):
        store.open_items.set(f)
    assert store.open_items.list() == [c, b, a]  # by code, then T2 before T10
    store.open_items.set(replace(a, owner="Maria Santos"))
    assert store.open_items.list()[-1].owner == "Maria Santos"
    store.open_items.set(FollowUp("tia_missing", "T2"))  # empty: back to the defaults
    assert store.open_items.list() == [c, replace(a, owner="Maria Santos")]
    entries = store.audit.entries(table="open_items")
    assert len(entries) == 5 and entries[0].after is None
    with pytest.raises(ValidationError, match="subject"):
        store.open_items.set(FollowUp("tia_missing", "transfer 3", "x"))


def test_profile_and_follow_ups_travel_with_a_dump_and_load(new_store: StoreFactory) -> None:
    source = new_store()
    parties(source)
    source.organisation.save(PROFILE)
    source.open_items.set(FollowUp("no_safeguard", "T1", "Anita Patel", date(2027, 3, 1)))
    dumped = source.records.dump()
    assert dumped.organisation == (PROFILE,)
    assert dumped.open_items == (FollowUp("no_safeguard", "T1", "Anita Patel", date(2027, 3, 1)),)
    target = new_store()
    target.records.load(dumped, "loaded for the test")
    assert target.organisation.get() == PROFILE
    # The audit trail travels too (checked in test_contract_bulk); here, the rest is equal.
    assert replace(target.records.dump(), audit=()) == replace(dumped, audit=())
    empty = new_store()
    assert empty.records.dump().organisation == ()
