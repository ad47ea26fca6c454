"""Notices, publications, settings and catalogues, the audit log, and transactions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from support.contract_samples import ACTOR, location, notice, parties, scc, transfer, vendor

from transfers_app.domain.models import CatalogueItem, NoticeDecision, Publication
from transfers_app.errors import NotFoundError, StorageError
from transfers_app.ports.storage import Store


def test_notices_round_trip_newest_received_first(store: Store) -> None:
    _, processor = parties(store)
    first = store.notices.add(notice(processor))
    later = store.notices.add(notice(processor, received_on=date(2026, 11, 20)))
    assert first.id is not None and first.version == 1
    assert store.notices.get(first.id) == first
    assert store.notices.list() == [later, first]
    decided = store.notices.update(
        replace(
            first, decision=NoticeDecision.OBJECT, decided_by="Legal", decided_on=date(2026, 11, 5)
        )
    )
    assert decided.version == 2 and store.notices.get(first.id) == decided
    with pytest.raises(StorageError, match="changed elsewhere"):
        store.notices.update(replace(first, notes="stale"))
    with pytest.raises(NotFoundError):
        store.notices.get(999)
    assert [e.action for e in store.audit.entries(table="subprocessor_notices")] == [
        "update",
        "create",
        "create",
    ]


def test_publications_are_kept_whole_newest_first(store: Store) -> None:
    old = store.publications.add(
        Publication("public_list", date(2026, 1, 1), '{"v": 1}', actor="Maria Santos")
    )
    new = store.publications.add(Publication("public_list", date(2026, 6, 1), '{"v": 2}'))
    store.publications.add(Publication("other", date(2026, 7, 1), "{}"))
    # Who published is the person the service names (never the login); nobody named: "".
    assert old.actor == "Maria Santos" and new.actor == "" and old.id is not None
    assert store.publications.list("public_list") == [new, old]
    assert store.publications.list("public_list", on=date(2026, 3, 1)) == [old]
    assert store.publications.last("public_list") == new
    assert store.publications.last("public_list", on=date(2025, 1, 1)) is None
    entry = store.audit.entries(table="publications")[-1]
    assert (entry.action, entry.record_id, entry.actor) == ("publish", old.id, ACTOR)


def test_settings_and_catalogues(store: Store) -> None:
    assert store.settings.get("organisation.name") is None
    store.settings.set("organisation.name", "Keystone")
    store.settings.set("organisation.name", "Keystone Group")
    assert store.settings.get("organisation.name") == "Keystone Group"

    store.settings.add_catalogue_items(
        [
            CatalogueItem("data_category", "Contact details", "names, emails"),
            CatalogueItem("data_subject", "Customers"),
            CatalogueItem("data_category", "Payment data"),
        ]
    )
    store.settings.add_catalogue_items([CatalogueItem("data_category", "Contact details", "x")])
    categories = store.settings.catalogue("data_category")
    assert [(c.name, c.description) for c in categories] == [
        ("Contact details", "names, emails"),
        ("Payment data", ""),
    ]
    assert all(c.id is not None for c in categories)
    assert [c.name for c in store.settings.catalogue("data_subject")] == ["Customers"]
    assert len(store.audit.entries(table="catalogue")) == 3


def test_the_audit_log_filters_limits_and_counts(store: Store) -> None:
    assert store.audit.generation() == 0
    _, stratus = parties(store)
    store.entities.update(replace(stratus, notes="x"))
    store.audit.note("demo", "loaded the demo register")
    after_writes = store.audit.generation()
    assert after_writes > 0
    store.entities.list()
    store.queries.snapshot()
    assert store.audit.generation() == after_writes  # reads change nothing

    newest = store.audit.entries(limit=2)
    assert (newest[0].table, newest[0].action, newest[0].after) == (
        "register",
        "demo",
        "loaded the demo register",
    )
    assert len(newest) == 2
    assert len(store.audit.entries()) == store.queries.counts().audit_entries == 4
    assert [e.action for e in store.audit.entries(table="entities", record_id=stratus.id)] == [
        "update",
        "create",
    ]
    assert all(e.actor == ACTOR for e in store.audit.entries())


# -- transactions --------------------------------------------------------------------------------


class Boom(Exception):
    pass


def test_a_failed_transaction_leaves_nothing_half_written(store: Store) -> None:
    own, stratus = parties(store)
    before = (store.queries.counts(), store.audit.generation(), store.records.dump())
    with pytest.raises(Boom), store.transaction() as tx:
        e = tx.entities.add(vendor("Half Written Ltd"))
        tx.entities.add_location(location(e))
        tx.transfers.add(transfer(own, e))
        tx.entities.update(replace(stratus, notes="changed in the failed transaction"))
        tx.settings.set("organisation.name", "half")
        raise Boom
    assert (store.queries.counts(), store.audit.generation(), store.records.dump()) == before
    assert store.settings.get("organisation.name") is None


def test_a_refused_write_rolls_back_the_whole_transaction(store: Store) -> None:
    own, stratus = parties(store)
    before = store.records.dump()
    with pytest.raises(StorageError, match="already on the register"), store.transaction() as tx:
        tx.transfers.add(transfer(own, stratus))
        tx.transfers.add(transfer(own, stratus))
    assert store.records.dump() == before


def test_a_transaction_commits_every_write_together(store: Store) -> None:
    own, _ = parties(store)
    with store.transaction() as tx:
        e = tx.entities.add(vendor("Together Ltd"))
        t = tx.transfers.add(transfer(own, e))
    assert store.transfers.get(t.id or 0) == t
    assert store.names.names([e.id or 0]) == {e.id: "Together Ltd"}


def test_a_nested_transaction_joins_the_outer_one(store: Store) -> None:
    with store.transaction() as outer:
        kept = outer.entities.add(vendor("Kept Ltd"))
        with pytest.raises(Boom), store.transaction() as inner:
            inner.entities.add(vendor("Rolled Back Ltd"))
            raise Boom
        later = outer.entities.add(vendor("Later Ltd"))
    names = set(store.names.names().values())
    assert {"Kept Ltd", "Later Ltd"} <= names
    assert "Rolled Back Ltd" not in names
    assert kept.id is not None and later.id is not None

    with pytest.raises(Boom), store.transaction():
        with store.transaction() as inner:
            inner.entities.add(vendor("Inner Committed Ltd"))
        raise Boom
    assert "Inner Committed Ltd" not in store.names.names().values()


def test_a_failing_multi_step_write_leaves_nothing(store: Store) -> None:
    own, stratus = parties(store)
    assert own.id and stratus.id
    doc = store.documents.add(scc((own.id, stratus.id)))
    before = store.records.dump()
    # The renewal's new version names a missing party: the old one stays current.
    with pytest.raises(StorageError):
        store.documents.renew(doc, replace(doc, party_ids=(own.id, 999)))
    assert store.records.dump() == before
    assert json.loads(store.audit.entries(limit=1)[0].after or "")["id"] == doc.id
