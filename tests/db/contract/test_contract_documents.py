"""Documents with parties, signed files and versions; transfer impact assessments."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from support.contract_samples import assessment, dpf, parties, scc, transfer, vendor

from transfers_app.domain.enums import DocumentStatus, Mechanism, TiaStatus
from transfers_app.domain.models import MechanismUse
from transfers_app.errors import NotFoundError, StorageError, ValidationError
from transfers_app.ports.storage import Store


def test_a_document_comes_back_as_saved_and_names_its_series(store: Store) -> None:
    own, stratus = parties(store)
    assert own.id is not None and stratus.id is not None
    saved = store.documents.add(scc((own.id, stratus.id)))
    assert saved.id is not None and saved.version == 1
    assert saved.series_id == saved.id and saved.doc_version == 1
    assert store.documents.get(saved.id) == saved
    assert saved.scc_options is not None and saved.scc_options.clause9_option == 2


def test_parties_are_kept_once_each_in_id_order(store: Store) -> None:
    own, stratus = parties(store)
    assert own.id is not None and stratus.id is not None
    saved = store.documents.add(scc((stratus.id, own.id, stratus.id)))
    assert saved.id is not None
    assert store.documents.get(saved.id).party_ids == (own.id, stratus.id)
    changed = store.documents.update(replace(saved, party_ids=(stratus.id,)))
    assert store.documents.get(saved.id) == changed


def test_a_signed_file_is_stored_once_by_its_sha256(store: Store, tmp_path: Path) -> None:
    own, stratus = parties(store)
    assert own.id is not None and stratus.id is not None
    content = b"%PDF-1.7 signed SCCs \x00\xff" * 500
    signed = tmp_path / "signed SCCs.pdf"
    signed.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()

    first = store.documents.add(scc((own.id, stratus.id)), signed)
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(content)
    second = store.documents.add(scc((own.id,), title="Same file again"), copy)
    assert (first.file_sha256, first.file_name) == (digest, "signed SCCs.pdf")
    assert (second.file_sha256, second.file_name) == (digest, "copy.pdf")
    path = store.documents.file_path(digest)
    assert path is not None and path.read_bytes() == content
    assert store.documents.file_path("0" * 64) is None
    assert [f.sha256 for f in store.records.dump().files] == [digest]


def test_renewal_supersedes_the_old_version_and_moves_its_transfers(store: Store) -> None:
    own, stratus = parties(store)
    assert own.id is not None and stratus.id is not None
    old = store.documents.add(scc((own.id, stratus.id)))
    t = store.transfers.add(
        transfer(own, stratus, mechanisms=(MechanismUse(Mechanism.EU_SCC, old.id),))
    )
    assert old.id is not None and t.id is not None

    new = store.documents.renew(old, replace(old, title="Stratus SCCs 2027", expires_on=None))
    assert new.id is not None and new.id != old.id
    assert (new.series_id, new.doc_version, new.supersedes_id) == (old.id, 2, old.id)
    assert new.status is DocumentStatus.CURRENT and new.version == 1
    assert store.documents.get(old.id).status is DocumentStatus.SUPERSEDED
    moved = store.transfers.get(t.id)
    assert moved.mechanisms == (MechanismUse(Mechanism.EU_SCC, new.id),)
    assert moved.version == 2
    assert store.audit.entries(table="transfers", record_id=t.id)[0].action == "update"

    history = store.documents.history(store.documents.get(old.id))
    assert [(d.id, d.doc_version) for d in history] == [(old.id, 1), (new.id, 2)]
    assert store.documents.history(new) == history
    with pytest.raises(StorageError, match="already renewed"):
        store.documents.renew(old, replace(old, title="twice"))
    assert len(store.documents.history(new)) == 2


def test_documents_of_an_entity_and_the_list(store: Store) -> None:
    own, stratus = parties(store)
    other = store.entities.add(vendor("Other Ltd"))
    assert own.id and stratus.id and other.id
    a = store.documents.add(scc((own.id, stratus.id)))
    b = store.documents.add(dpf((stratus.id,), date(2026, 1, 5)))
    c = store.documents.add(scc((own.id, other.id), title="Other SCCs"))
    gone = store.documents.archive(store.documents.add(scc((stratus.id,), title="Old")))
    assert store.documents.of_entity(stratus.id) == [a, b]
    assert store.documents.list() == [a, b, c]
    assert store.documents.list(include_archived=True) == [a, b, c, gone]
    restored = store.documents.restore(gone)
    assert store.documents.of_entity(stratus.id) == [a, b, restored]


def test_document_edits_are_checked_versioned_and_audited(store: Store) -> None:
    own, stratus = parties(store)
    assert own.id and stratus.id
    d = store.documents.add(scc((own.id, stratus.id)))
    assert d.id is not None
    with pytest.raises(ValidationError) as info:
        store.documents.update(replace(d, scc_module=7))
    assert info.value.field == "scc_module"
    store.documents.update(replace(d, notes="reviewed"))
    with pytest.raises(StorageError, match="changed elsewhere"):
        store.documents.update(replace(d, notes="stale"))
    with pytest.raises(NotFoundError):
        store.documents.get(999)
    with pytest.raises(StorageError, match="refers to a record that does not exist"):
        store.documents.add(scc((own.id, 999)))
    log = store.audit.entries(table="documents", record_id=d.id)
    assert [e.action for e in log] == ["update", "create"]
    assert json.loads(log[0].after or "")["notes"] == "reviewed"


# -- assessments ---------------------------------------------------------------------------------


def test_an_assessment_comes_back_with_its_content_and_inputs(store: Store) -> None:
    own, stratus = parties(store)
    t = store.transfers.add(transfer(own, stratus))
    saved = store.assessments.add(assessment(t))
    assert saved.id is not None and saved.series_id == saved.id and saved.version == 1
    assert store.assessments.get(saved.id) == saved
    assert saved.reference == f"TIA-{saved.id:04d}-v1"
    assert store.assessments.list() == [replace(saved, content=None)]
    assert store.assessments.list(content=True) == [saved]


def test_a_revision_supersedes_the_old_one_in_the_same_series(store: Store) -> None:
    own, stratus = parties(store)
    t = store.transfers.add(transfer(own, stratus))
    first = store.assessments.add(assessment(t))
    assert first.id is not None
    second = store.assessments.revise(first, replace(first, change_note="new subprocessor"))
    assert (second.series_id, second.revision) == (first.id, 2)
    assert second.id != first.id and second.version == 1
    assert store.assessments.get(first.id).status is TiaStatus.SUPERSEDED
    history = store.assessments.history(first.id)
    assert [(x.id, x.revision) for x in history] == [(first.id, 1), (second.id, 2)]
    assert history[1] == second and history[0].content == first.content

    # Revising a stale copy changes nothing.
    generation = store.audit.generation()
    with pytest.raises(StorageError, match="changed elsewhere"):
        store.assessments.revise(first, replace(first, change_note="stale"))
    assert len(store.assessments.history(first.id)) == 2
    assert store.audit.generation() == generation


def test_assessments_are_archived_not_deleted(store: Store) -> None:
    own, stratus = parties(store)
    t = store.transfers.add(transfer(own, stratus))
    x = store.assessments.add(assessment(t))
    assert x.id is not None
    store.assessments.archive(x)
    assert store.assessments.list() == []
    assert store.assessments.get(x.id).archived_at is not None
    store.assessments.restore(store.assessments.get(x.id))
    assert [a.id for a in store.assessments.list()] == [x.id]
    with pytest.raises(ValidationError):
        store.assessments.add(assessment(t, approver=""))
    with pytest.raises(NotFoundError):
        store.assessments.get(999)


def test_the_document_as_approved_is_written_once_and_kept(store: Store) -> None:
    own, stratus = parties(store)
    t = store.transfers.add(transfer(own, stratus))
    draft = store.assessments.add(assessment(t, status=TiaStatus.DRAFT, approved_on=None))
    assert draft.id is not None and draft.approved_document is None
    frozen = '{"format":1,"document":"as approved"}'
    approved = store.assessments.update(
        replace(draft, status=TiaStatus.APPROVED, approved_on=date(2026, 1, 10),
                approved_document=frozen)
    )  # fmt: skip
    assert store.assessments.get(draft.id).approved_document == frozen
    # Lists and histories leave the document out (they feed tables, not exports) ...
    assert store.assessments.list()[0].approved_document is None
    lean = store.assessments.history(draft.id)[0]
    assert lean.approved_document is None
    # ... and writing such a record back keeps it: superseding does not lose what was approved.
    store.assessments.update(replace(lean, status=TiaStatus.SUPERSEDED))
    again = store.assessments.get(draft.id)
    assert (again.status, again.approved_document) == (TiaStatus.SUPERSEDED, frozen)
    # A different document is refused, and nothing is written.
    generation = store.audit.generation()
    with pytest.raises(StorageError, match="cannot be changed"):
        store.assessments.update(replace(again, approved_document='{"other": 1}'))
    assert store.assessments.get(draft.id).approved_document == frozen
    assert store.audit.generation() == generation
    # The audit keeps its digest, not the document; the register's dump keeps the document.
    after = json.loads(store.audit.entries(table="tias", record_id=draft.id)[0].after or "{}")
    digest = hashlib.sha256(frozen.encode()).hexdigest()
    assert after["approved_document"] == f"sha256:{digest}"
    dumped = {x.id: x for x in store.records.dump().tias}
    assert dumped[draft.id].approved_document == frozen
    assert approved.approved_document == frozen
