"""The read models: what the rules, the register page and the exports read."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from support.contract_samples import (
    TODAY,
    assessment,
    location,
    own_entity,
    scc,
    transfer,
    vendor,
)

from transfers_app.domain.enums import Lifecycle, Mechanism, Regime, TiaStatus
from transfers_app.domain.models import Entity, MechanismUse, Tia, Transfer
from transfers_app.domain.readmodels import (
    Counts,
    EntityRow,
    MechanismsUsed,
    TransferData,
)
from transfers_app.ports.storage import Store


def _id(x: Entity | Transfer | Tia) -> int:
    assert x.id is not None
    return x.id


def test_register_rows_in_name_order_with_countries_and_services(store: Store) -> None:
    zeta = store.entities.add(vendor("Zeta GmbH", lifecycle=Lifecycle.PROPOSED, legal_name=""))
    acme = store.entities.add(vendor("Ångström AB"))
    own = store.entities.add(own_entity("acme Ltd"))
    gone = store.entities.add(vendor("Gone Ltd"))
    store.entities.archive(gone)
    for country in ("US", "IE", "US"):
        store.entities.add_location(location(acme, country))
    store.entities.archive_location(store.entities.add_location(location(acme, "BR")))
    store.transfers.add(transfer(own, acme, service="Hosting"))
    store.transfers.add(transfer(own, acme, destination="IE", service="Backups"))
    store.transfers.add(transfer(own, acme, destination="DE", service=""))
    store.transfers.archive(store.transfers.add(transfer(own, acme, destination="FR", service="x")))

    rows = store.queries.register_rows()
    assert rows == [
        EntityRow(_id(own), "acme Ltd", "", own.kind, True, Lifecycle.ACTIVE, (), ()),
        EntityRow(
            _id(acme),
            "Ångström AB",
            "Ångström AB (legal)",
            acme.kind,
            False,
            Lifecycle.ACTIVE,
            ("US", "IE"),
            ("Hosting", "Backups"),
        ),
        EntityRow(_id(zeta), "Zeta GmbH", "", zeta.kind, False, Lifecycle.PROPOSED, (), ()),
    ]
    assert store.queries.register_rows(limit=2) == rows[:2]
    assert store.queries.register_rows(limit=0) == []


def test_mechanisms_used_on_the_transfers_an_entity_receives(store: Store) -> None:
    own = store.entities.add(own_entity())
    other_own = store.entities.add(own_entity("Keystone Asia Pte. Ltd."))
    stratus = store.entities.add(vendor())
    bare = store.entities.add(vendor("Bare Ltd"))
    store.transfers.add(transfer(own, stratus))
    store.transfers.add(transfer(other_own, stratus, mechanisms=()))
    store.transfers.add(transfer(own, bare, mechanisms=(MechanismUse(Mechanism.ADEQUACY),) * 2))
    store.transfers.archive(
        store.transfers.add(
            transfer(other_own, bare, mechanisms=(MechanismUse(Mechanism.DEROGATION),))
        )
    )
    used = store.queries.mechanisms_used()
    assert used == {
        _id(stratus): MechanismsUsed(frozenset({Mechanism.DPF, Mechanism.EU_SCC}), True),
        _id(bare): MechanismsUsed(frozenset({Mechanism.ADEQUACY}), False),
    }
    assert store.queries.mechanisms_used([_id(bare), _id(own)]) == {_id(bare): used[_id(bare)]}


def test_register_lines_one_per_entity_and_transfer_it_receives(store: Store) -> None:
    own = store.entities.add(own_entity("Keystone Europe Ltd"))
    former = store.entities.add(own_entity("Former Parent Ltd"))
    stratus = store.entities.add(vendor("Stratus Cloud"))
    lonely = store.entities.add(vendor("Alone Ltd"))
    store.entities.add_location(location(stratus, "US"))
    store.entities.add_location(location(stratus, "IE"))
    doc = store.documents.add(scc((_id(own), _id(stratus))))
    first = store.transfers.add(
        transfer(
            own,
            stratus,
            regimes=(),
            mechanisms=(MechanismUse(Mechanism.DPF), MechanismUse(Mechanism.EU_SCC, doc.id)),
        )
    )
    second = store.transfers.add(transfer(former, stratus, destination="IN", mechanisms=()))
    store.entities.archive(former)

    lines = store.queries.register_lines()
    assert [(x.name, x.transfer_id) for x in lines] == [
        ("Alone Ltd", None),
        ("Keystone Europe Ltd", None),
        ("Stratus Cloud", first.id),
        ("Stratus Cloud", second.id),
    ]
    alone = lines[0]
    assert (alone.entity_id, alone.is_own, alone.countries, alone.mechanisms) == (
        _id(lonely),
        False,
        (),
        (),
    )
    assert alone.exporter_name is None and alone.document_id is None and alone.regimes == ()
    assert lines[1].is_own
    a, b = lines[2], lines[3]
    assert a.countries == b.countries == ("US", "IE")
    assert (a.exporter_id, a.exporter_name, a.exporter_archived) == (own.id, own.name, False)
    assert a.exporter_regimes == (Regime.UK, Regime.EU) and a.regimes == ()
    assert a.mechanisms == (Mechanism.DPF, Mechanism.EU_SCC)
    assert (a.document_id, a.document_title, a.signed_on, a.expires_on, a.next_review_on) == (
        doc.id,
        doc.title,
        doc.signed_on,
        doc.expires_on,
        doc.next_review_on,
    )
    assert (a.importer_role, a.destination) == (first.importer_role, "US")
    assert (b.exporter_name, b.exporter_archived, b.regimes) == (former.name, True, (Regime.EU,))
    assert b.mechanisms == () and b.document_id is None


def test_assessment_heads_and_counts(store: Store) -> None:
    own = store.entities.add(own_entity())
    stratus = store.entities.add(vendor())
    store.entities.add_location(location(stratus))
    store.documents.add(scc((_id(own), _id(stratus))))
    t1 = store.transfers.add(transfer(own, stratus))
    t2 = store.transfers.add(transfer(own, stratus, destination="IN"))
    first = store.assessments.add(assessment(t1, extra_transfer_ids=(t2.id or 0,)))
    second = store.assessments.revise(first, first)
    draft = store.assessments.add(assessment(t2, status=TiaStatus.DRAFT, approver=""))
    store.assessments.archive(draft)

    heads = store.queries.assessment_heads()
    assert [(h.id, h.status, h.revision, h.series_id) for h in heads] == [
        (first.id, TiaStatus.SUPERSEDED, 1, first.id),
        (second.id, TiaStatus.APPROVED, 2, first.id),
    ]
    assert heads[1].transfer_ids == (t1.id, t2.id)
    assert heads[1].reference == second.reference == f"TIA-{_id(first):04d}-v2"
    assert (heads[0].approved_on, heads[0].next_review_on) == (
        first.approved_on,
        first.next_review_on,
    )
    assert store.queries.counts() == Counts(
        entities=2,
        locations=1,
        transfers=2,
        documents=1,
        assessments=2,
        audit_entries=store.audit.generation(),
    )


def test_the_rules_snapshot_says_what_the_records_say(store: Store) -> None:
    own = store.entities.add(own_entity())
    stratus = store.entities.add(vendor())
    gone = store.entities.add(vendor("Gone Ltd"))
    store.entities.add_location(location(stratus))
    doc = store.documents.add(scc((_id(own), _id(stratus))))
    old_doc = store.documents.archive(store.documents.add(scc((_id(stratus),), title="Old")))
    live = store.transfers.add(
        transfer(own, stratus, mechanisms=(MechanismUse(Mechanism.EU_SCC, doc.id),))
    )
    ended = store.transfers.add(transfer(own, stratus, destination="IN", ended_on=TODAY))
    archived_t = store.transfers.archive(store.transfers.add(transfer(own, gone)))
    store.entities.archive(gone)
    approved = store.assessments.add(assessment(live, extra_transfer_ids=(_id(archived_t),)))
    draft = store.assessments.add(assessment(ended, status=TiaStatus.DRAFT, approver=""))

    snap = store.queries.snapshot()
    assert set(snap.entities) == {_id(own), _id(stratus)}
    for record in (own, stratus):
        facts = snap.entities[_id(record)]
        assert {f: getattr(facts, f) for f in facts._fields} == {
            f: getattr(record, f) for f in facts._fields
        }
        assert facts.is_own == record.is_own
    assert set(snap.documents) == {doc.id, old_doc.id}
    for d in (doc, old_doc):
        facts_d = snap.documents[d.id or 0]
        assert {f: getattr(facts_d, f) for f in facts_d._fields} == {
            f: getattr(d, f) for f in facts_d._fields
        }
    assert [t.id for t in snap.transfers] == [live.id, ended.id]
    for t, facts_t in zip((live, ended), snap.transfers, strict=True):
        assert {f: getattr(facts_t, f) for f in facts_t._fields} == {
            f: getattr(t, f) for f in facts_t._fields
        }
        for day in (TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1)):
            assert facts_t.is_live_on(day) == t.is_live_on(day)
    assert [x.id for x in snap.tias] == [approved.id, draft.id]
    for x, facts_x in zip((approved, draft), snap.tias, strict=True):
        assert {f: getattr(facts_x, f) for f in facts_x._fields} == {
            f: getattr(x, f) for f in facts_x._fields
        }
        assert (facts_x.reference, facts_x.transfer_ids) == (x.reference, x.transfer_ids)
    assert snap.located == {_id(stratus)}
    # What the stale check compares: the data of the live transfers approved assessments cover.
    assert snap.transfer_data == {
        live.id: TransferData(("Contact details", "Account data"), ("Customers",))
    }
    store.transfers.update(replace(live, data_categories=("Health data",)))
    assert store.queries.snapshot().transfer_data[live.id or 0].data_categories == ("Health data",)
