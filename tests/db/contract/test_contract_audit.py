"""The audit trail as a hash chain, settings changes audited, a lost version race as a
``ConflictError`` that says who won it and when, and the storage's own description (journal
mode, read-only): the same on every adapter."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from support.contract_samples import (
    ACTOR,
    StoreFactory,
    assessment,
    location,
    notice,
    parties,
    scc,
    transfer,
    vendor,
)

import transfers_app.services.audit as audit_service
from transfers_app.domain.audit_chain import GENESIS, hash_of, verify_chain
from transfers_app.domain.models import AuditEntry, CatalogueItem
from transfers_app.errors import ConflictError, StorageError
from transfers_app.ports.storage import JournalMode, Store
from transfers_app.services.audit import AuditService, SettingsService


def _whole_chain(store: Store) -> list[AuditEntry]:
    return store.audit.chain(0, 1_000_000)


def test_every_write_is_chained_to_the_one_before(store: Store) -> None:
    own, stratus = parties(store)
    assert own.id and stratus.id
    store.entities.add_location(location(stratus))
    store.documents.add(scc((own.id, stratus.id)))
    store.transfers.add(transfer(own, stratus))
    store.settings.add_catalogue_items([CatalogueItem("data_category", "Contact details")])
    store.audit.note("demo", "a bulk action")
    store.records.add_many([vendor("Imported Ltd")], [], [])
    trail = _whole_chain(store)
    assert len(trail) >= 7
    assert [e.id for e in trail] == sorted(e.id or 0 for e in trail)
    assert trail[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(trail):
        assert after.prev_hash == before.hash
    assert all(e.hash == hash_of(e) for e in trail)
    # What the newest-first read gives carries the same hashes.
    newest = store.audit.entries(limit=3)
    assert [e.hash for e in newest] == [e.hash for e in reversed(trail[-3:])]
    result = verify_chain(trail)
    assert result.intact and result.entries == len(trail) and result.head_hash == trail[-1].hash
    # Recorded beside the trail with every write: the newest entry, so removing it shows.
    assert store.audit.anchor() == (trail[-1].id, trail[-1].hash)


def test_the_chain_is_read_in_pages_oldest_first(store: Store) -> None:
    for i in range(7):
        store.audit.note("note", f"note {i}")
    first = store.audit.chain(0, 3)
    second = store.audit.chain(first[-1].id or 0, 3)
    rest = store.audit.chain(second[-1].id or 0, 3)
    assert [e.after for e in first + second + rest] == [f"note {i}" for i in range(7)]
    assert store.audit.chain(rest[-1].id or 0, 3) == []


def test_the_service_verifies_across_pages(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_service, "VERIFY_PAGE", 2)
    for i in range(5):
        store.audit.note("note", f"note {i}")
    result = AuditService(store).verify()
    trail = _whole_chain(store)
    assert (result.entries, result.head_hash, result.head_id, result.broken) == (
        5,
        trail[-1].hash,
        trail[-1].id,
        None,
    )
    assert AuditService(store).verify() == verify_chain(trail)


def test_a_setting_changed_is_audited_and_one_unchanged_is_not(store: Store) -> None:
    store.settings.set("first_start", "done")
    store.settings.set("first_start", "done")
    store.settings.set("first_start", "again")
    changes = store.audit.entries(table="settings")
    assert [(e.action, e.actor, e.record_id) for e in changes] == [("set", ACTOR, None)] * 2
    newest, oldest = changes
    assert oldest.before is None
    assert json.loads(oldest.after or "") == {"key": "first_start", "value": "done"}
    assert json.loads(newest.before or "") == {"key": "first_start", "value": "done"}
    assert json.loads(newest.after or "") == {"key": "first_start", "value": "again"}
    assert verify_chain(_whole_chain(store)).intact


def _journal(store: Store) -> JournalMode | None:
    return store.storage.journal


def test_the_journal_mode_chosen_is_kept_and_audited(store: Store) -> None:
    info = store.storage
    assert info.read_only is None and info.location
    if info.journal is None:  # an engine without journal modes (a server) refuses the choice
        with pytest.raises(StorageError, match="no journal mode"):
            SettingsService(store).set_journal_mode(JournalMode.ROLLBACK)
        assert store.settings.get("journal_mode") is None
        assert store.audit.entries(table="settings") == []
        return
    SettingsService(store).set_journal_mode(JournalMode.ROLLBACK)
    assert _journal(store) is JournalMode.ROLLBACK
    assert store.settings.get("journal_mode") == "rollback"
    (entry,) = store.audit.entries(table="settings")
    assert json.loads(entry.after or "") == {"key": "journal_mode", "value": "rollback"}
    store.set_journal_mode(JournalMode.ROLLBACK)  # the same choice again: nothing to record
    assert len(store.audit.entries(table="settings")) == 1
    store.set_journal_mode(JournalMode.WAL)
    assert _journal(store) is JournalMode.WAL


# -- the version race -------------------------------------------------------------------------


def test_a_lost_race_says_who_saved_the_record_and_when(store: Store) -> None:
    mine = store.entities.add(vendor())
    assert mine.id is not None
    theirs = store.entities.update(replace(mine, notes="Bob's edit"))
    with pytest.raises(ConflictError) as caught:
        store.entities.update(replace(mine, notes="my edit"))
    error = caught.value
    assert isinstance(error, StorageError)
    assert (error.table, error.label, error.record_id) == ("entities", "entity", mine.id)
    assert (error.expected_version, error.stored_version) == (1, 2)
    # Who and when come from the audit trail: the entry of the write that made version 2.
    (bumped, _created) = store.audit.entries(table="entities", record_id=mine.id)
    assert error.changed_by == ACTOR == bumped.actor and error.changed_at == bumped.at
    text = str(error)
    assert f"entity {mine.id} was changed elsewhere by {ACTOR} on " in text
    assert "nothing was saved" in text and "entitie " not in text
    assert store.entities.get(mine.id) == theirs


def test_every_kind_of_record_reports_its_conflicts(store: Store) -> None:
    own, stratus = parties(store)
    assert own.id and stratus.id
    loc = store.entities.add_location(location(stratus))
    doc = store.documents.add(scc((own.id, stratus.id)))
    t = store.transfers.add(transfer(own, stratus))
    tia = store.assessments.add(assessment(t))
    n = store.notices.add(notice(stratus))
    stale: list[tuple[Any, Callable[[Any], Any], str, str]] = [
        (loc, store.entities.update_location, "locations", "location"),
        (doc, store.documents.update, "documents", "document"),
        (t, store.transfers.update, "transfers", "transfer"),
        (tia, store.assessments.update, "tias", "transfer assessment"),
        (n, store.notices.update, "subprocessor_notices", "sub-processor notice"),
    ]
    for record, update, table, label in stale:
        update(record)  # someone else saves it first
        with pytest.raises(ConflictError) as caught:
            update(record)
        assert (caught.value.table, caught.value.label) == (table, label)
        assert caught.value.record_id == record.id and caught.value.changed_by == ACTOR
    # Archiving a stale copy is a conflict too.
    with pytest.raises(ConflictError):
        store.transfers.archive(t)


def test_two_stores_see_the_same_chain(new_store: StoreFactory) -> None:
    """A second register starts its own chain from the beginning."""
    a, b = new_store(), new_store()
    a.audit.note("x", "one")
    b.audit.note("x", "one")
    assert a.audit.chain()[0].prev_hash == b.audit.chain()[0].prev_hash == GENESIS
