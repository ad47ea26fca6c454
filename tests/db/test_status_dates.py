"""What falls due and what was known on a date, as the status engine decides it.

The reminders, the register page's next due dates and the exports read these dates from the
status report (``StatusReport.dues``); ``status --as-of DATE`` and ``reminders --as-of DATE``
judge what the register knew on that day.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from support.stores import NewRegister

from transfers_app.domain.enums import (
    Access,
    Activity,
    DocumentKind,
    DocumentStatus,
    EntityKind,
    Mechanism,
    Regime,
    Role,
    TiaState,
    TiaStatus,
)
from transfers_app.domain.models import Document, Entity, Location, MechanismUse, Tia, Transfer
from transfers_app.domain.readmodels import DueKind, NextDue
from transfers_app.domain.tia import TiaInputs
from transfers_app.ports.storage import Store
from transfers_app.reference import builtin_reference
from transfers_app.rules.gaps import GapCode
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService, StatusReport

TODAY = date(2026, 11, 25)


@pytest.fixture
def store(new_register: NewRegister) -> Store:
    """An empty register, on each engine."""
    return new_register(now=lambda: datetime(2026, 11, 25, 9, tzinfo=UTC))


def service(store: Store) -> RegisterService:
    return RegisterService(store, ReferenceSource(builtin_reference()))


def status(store: Store, on: date) -> StatusReport:
    return service(store).status(on)


def own(store: Store, regimes: tuple[Regime, ...] = (Regime.UK, Regime.EU)) -> Entity:
    e = store.entities.add(
        Entity(name="Acme Europe Ltd", kind=EntityKind.GROUP, exporter_regimes=regimes)
    )
    store.entities.add_location(Location(e.id or 0, "GB", Activity.HEADQUARTERS))
    return e


def vendor(store: Store, name: str, country: str = "IN", **kw: object) -> Entity:
    e = store.entities.add(Entity(name=name, kind=EntityKind.VENDOR, **kw))  # type: ignore[arg-type]
    store.entities.add_location(Location(e.id or 0, country, Activity.HOSTING))
    return e


def idta(store: Store, parties: tuple[Entity, ...], **kw: object) -> Document:
    fields: dict[str, object] = dict(
        kind=DocumentKind.UK_IDTA,
        title="IDTA",
        party_ids=tuple(p.id or 0 for p in parties),
        signed_on=date(2024, 1, 10),
    )
    fields.update(kw)
    return store.documents.add(Document(**fields))  # type: ignore[arg-type]


def transfer(
    store: Store,
    exporter: Entity,
    importer: Entity,
    *uses: MechanismUse,
    destination: str = "IN",
    regimes: tuple[Regime, ...] = (Regime.UK,),
    started_on: date = date(2024, 1, 1),
    **kw: object,
) -> Transfer:
    return store.transfers.add(
        Transfer(
            exporter.id or 0,
            importer.id or 0,
            destination,
            Access.STORAGE,
            Role.PROCESSOR,
            regimes=regimes,
            mechanisms=uses,
            started_on=started_on,
            **kw,  # type: ignore[arg-type]
        )
    )


def approved(t: Transfer, on: date, review: date, **kw: object) -> Tia:
    fields: dict[str, object] = dict(
        transfer_id=t.id or 0,
        title="TRA",
        status=TiaStatus.APPROVED,
        assessor="A",
        approver="B",
        approved_on=on,
        next_review_on=review,
    )
    fields.update(kw)
    return Tia(**fields)  # type: ignore[arg-type]


def dues(report: StatusReport) -> list[tuple[date, DueKind, str]]:
    return [(d.due_on, d.what, d.title) for d in report.open_dues()]


# -- what falls due ------------------------------------------------------------------------------


def test_the_last_day_of_notice_comes_first_and_is_filed_against_the_importer(
    store: Store,
) -> None:
    acme, stratus = own(store), vendor(store, "Stratus Ltd")
    doc = idta(store, (acme, stratus), expires_on=date(2027, 3, 1), notice_period_days=90)
    t = transfer(store, acme, stratus, MechanismUse(Mechanism.UK_IDTA, doc.id))
    store.assessments.add(approved(t, date(2024, 2, 1), date(2027, 6, 1)))
    report = status(store, TODAY)
    assert dues(report) == [
        (date(2026, 12, 1), DueKind.NOTICE, "IDTA"),
        (date(2027, 3, 1), DueKind.EXPIRY, "IDTA"),
        (date(2027, 6, 1), DueKind.TIA_REVIEW, "TIA-0001-v1"),
    ]
    assert report.next_due_by_entity() == {stratus.id: NextDue(date(2026, 12, 1), DueKind.NOTICE)}
    reminders = report.reminders(10)
    assert [(r.what, r.parties) for r in reminders] == [("notice", "Acme Europe Ltd, Stratus Ltd")]


def test_without_notice_the_expiry_or_the_review_is_next(store: Store) -> None:
    acme, a, b = own(store), vendor(store, "A Ltd"), vendor(store, "B Ltd")
    doc_a = idta(store, (acme, a), expires_on=date(2027, 1, 1))
    doc_b = idta(store, (acme, b), notice_period_days=0, next_review_on=date(2026, 12, 31))
    transfer(store, acme, a, MechanismUse(Mechanism.UK_IDTA, doc_a.id))
    transfer(store, acme, b, MechanismUse(Mechanism.UK_IDTA, doc_b.id))
    due = status(store, TODAY).next_due_by_entity()
    assert due[a.id or 0] == NextDue(date(2027, 1, 1), DueKind.EXPIRY)
    assert due[b.id or 0] == NextDue(date(2026, 12, 31), DueKind.REVIEW)
    assert acme.id not in due


def test_a_replaced_or_unrelied_document_has_nothing_due(store: Store) -> None:
    acme, quiet = own(store), vendor(store, "Quiet Ltd")
    old = idta(store, (acme, quiet), expires_on=date(2026, 12, 1), next_review_on=TODAY)
    new = store.documents.add(
        replace(
            old,
            id=None,
            supersedes_id=old.id,
            signed_on=date(2025, 1, 1),
            expires_on=None,
            next_review_on=None,
        )
    )
    store.documents.update(
        replace(store.documents.get(old.id or 0), status=DocumentStatus.SUPERSEDED)
    )
    transfer(store, acme, quiet, MechanismUse(Mechanism.UK_IDTA, new.id))
    # A DPA (Art 28) is not a transfer mechanism: its review is no transfer's due date.
    idta(store, (acme, quiet), kind=DocumentKind.DPA, title="DPA", next_review_on=TODAY)
    report = status(store, TODAY)
    assert dues(report) == []
    assert report.reminders(1000) == []


def test_dpf_evidence_never_checked_is_due_at_once_and_a_leap_day_check_a_year_later(
    store: Store,
) -> None:
    acme = own(store)
    for name, checked in (("Never Inc.", None), ("Leap Inc.", date(2024, 2, 29))):
        v = vendor(store, name, "US")
        evidence = store.documents.add(
            Document(
                kind=DocumentKind.DPF_CERTIFICATION,
                title=f"DPF {name}",
                party_ids=(v.id or 0,),
                dpf_eu=True,
                dpf_uk_extension=True,
                signed_on=date(2023, 12, 1),
                checked_on=checked,
            )
        )
        transfer(store, acme, v, MechanismUse(Mechanism.DPF, evidence.id), destination="US")
    on_the_day = status(store, date(2025, 2, 28))
    assert dues(on_the_day) == [
        (date(2025, 2, 28), DueKind.DPF_RECHECK, "DPF Never Inc."),
        (date(2025, 2, 28), DueKind.DPF_RECHECK, "DPF Leap Inc."),
    ]
    recheck = [g for g in on_the_day.gaps if g.code is GapCode.DPF_NOT_RECHECKED]
    assert [g.due_on for g in recheck] == [date(2025, 2, 28)]  # never checked: a gap at once
    day_after = status(store, date(2025, 3, 1))
    late = [g for g in day_after.gaps if g.code is GapCode.DPF_NOT_RECHECKED]
    assert sorted(str(g.due_on) for g in late) == ["2025-02-28", "2025-03-01"]
    assert {r.subject for r in day_after.reminders(0) if r.overdue} == {
        "re-check DPF listing ('DPF Leap Inc.')"
    }


def test_only_the_assessment_in_force_has_its_review_due(store: Store) -> None:
    acme, v = own(store), vendor(store, "Assessed Ltd")
    doc = idta(store, (acme, v))
    t = transfer(store, acme, v, MechanismUse(Mechanism.UK_IDTA, doc.id))
    store.assessments.add(
        approved(t, date(2024, 2, 1), date(2025, 2, 1), status=TiaStatus.SUPERSEDED)
    )
    store.assessments.add(approved(t, date(2025, 6, 1), date(2026, 12, 24)))
    store.assessments.add(
        approved(t, None, date(2026, 1, 1), status=TiaStatus.DRAFT, approver="")  # type: ignore[arg-type]
    )
    report = status(store, TODAY)
    assert dues(report) == [(date(2026, 12, 24), DueKind.TIA_REVIEW, "TIA-0002-v1")]
    # On 1 March 2025 the first one was in force (superseded since), and its review overdue.
    earlier = status(store, date(2025, 3, 1))
    assert dues(earlier) == [(date(2025, 2, 1), DueKind.TIA_REVIEW, "TIA-0001-v1")]
    assert [g.code for g in earlier.gaps if g.transfer_id == t.id] == [GapCode.TIA_OVERDUE]


def test_a_legacy_instruments_last_day_differs_per_regime(store: Store) -> None:
    acme, v = own(store), vendor(store, "Meridian Ltd")
    scc = idta(store, (acme, v), kind=DocumentKind.LEGACY_SCC_2010, title="2010 SCCs",
               signed_on=date(2019, 5, 2))  # fmt: skip
    transfer(
        store,
        acme,
        v,
        MechanismUse(Mechanism.LEGACY_SCC, scc.id),
        regimes=(Regime.UK, Regime.EU),
        started_on=date(2019, 6, 1),
    )
    report = status(store, date(2022, 6, 1))
    assert [(d.due_on, d.regime) for d in report.open_dues()] == [
        (date(2022, 12, 27), Regime.EU),
        (date(2024, 3, 21), Regime.UK),
    ]
    later = status(store, date(2023, 1, 1))
    overdue = [r for r in later.reminders(0) if r.overdue]
    assert [r.subject for r in overdue] == ["last day '2010 SCCs' counts for EU transfers"]
    assert [g.code for g in later.gaps if g.regime is Regime.EU] == [GapCode.LEGACY_SCC_EXPIRED]


# -- as of a date --------------------------------------------------------------------------------


def test_an_assessment_approved_later_is_neither_present_nor_stale_before(
    store: Store,
) -> None:
    acme, v = own(store), vendor(store, "Late Ltd")
    doc = idta(store, (acme, v), signed_on=date(2021, 6, 1))
    t = transfer(
        store, acme, v, MechanismUse(Mechanism.UK_IDTA, doc.id), started_on=date(2021, 6, 1)
    )
    # Approved in 2026 on older reference data: stale today (the data changed since).
    inputs = TiaInputs(
        taken_on=date(2026, 3, 1),
        importer_id=v.id or 0,
        importer_name=v.name,
        countries=("IN",),
        mechanisms=("uk_idta",),
        data_categories=(),
        data_subjects=(),
        subprocessors=(),
        reference_version="2020.01.01",
        transfer_ids=(t.id or 0,),
    )
    store.assessments.add(approved(t, date(2026, 3, 1), date(2027, 3, 1), inputs=inputs))
    now = status(store, TODAY)
    st = now.statuses[0]
    assert st.assessment is not None
    assert now.tia_state(st) is TiaState.STALE
    then = status(store, date(2021, 9, 1))
    st = then.statuses[0]
    assert st.assessment is None
    assert then.tia_state(st) is TiaState.MISSING
    codes = [g.code for g in then.gaps]
    assert GapCode.TIA_STALE not in codes and GapCode.TIA_MISSING in codes
    assert "approved only later" in next(
        g.message for g in then.gaps if g.code is GapCode.TIA_MISSING
    )
    assert then.reminders(100_000) == []


def test_the_uk_data_protection_test_is_named_only_from_5_february_2026(store: Store) -> None:
    acme, v = own(store, (Regime.UK,)), vendor(store, "Indus Ltd")
    doc = idta(store, (acme, v))
    transfer(store, acme, v, MechanismUse(Mechanism.UK_IDTA, doc.id))

    def missing(on: date) -> str:
        report = status(store, on)
        return next(g.message for g in report.gaps if g.code is GapCode.TIA_MISSING)

    before = missing(date(2026, 2, 4))
    assert before.startswith("Transfer risk assessment (TRA) required")
    assert "data protection test" not in before
    assert "data protection test" in missing(date(2026, 2, 5))
    check = service(store).check("Indus", ["IN"], Role.PROCESSOR, date(2025, 1, 1))
    assert all("data protection test" not in a.assessment_name for a in check.assessments)


def test_a_missing_country_counts_only_once_the_entity_exists(store: Store) -> None:
    own(store)
    store.entities.add(
        Entity(name="Nowhere Ltd", kind=EntityKind.VENDOR, active_on=date(2026, 1, 10))
    )

    def no_country(on: date) -> list[str]:
        return [g.message for g in status(store, on).gaps if g.code is GapCode.ENTITY_NO_COUNTRY]

    assert no_country(date(2026, 1, 9)) == []
    assert no_country(date(2026, 1, 10)) == [
        "'Nowhere Ltd' has no processing location: where is the data?"
    ]
    # Known only from the day it was recorded when it carries no lifecycle date.
    store.entities.add(Entity(name="Recorded Ltd", kind=EntityKind.VENDOR))
    assert len(no_country(date(2026, 11, 24))) == 1
    assert len(no_country(TODAY)) == 2


def test_a_document_signed_after_the_date_did_not_exist_then(store: Store) -> None:
    acme, v = own(store), vendor(store, "Signed Later Ltd")
    doc = idta(store, (acme, v), signed_on=date(2024, 6, 1), expires_on=date(2028, 1, 1))
    transfer(store, acme, v, MechanismUse(Mechanism.UK_IDTA, doc.id))
    then = status(store, date(2024, 3, 1))
    (gap,) = [g for g in then.gaps if g.code is GapCode.MISSING_DOCUMENT]
    assert "'IDTA' was signed only on 2024-06-01" in gap.message
    assert then.open_dues() == []  # nothing of it falls due: it did not exist
    assert then.statuses[0].results[0].documents == ()
    now = status(store, TODAY)
    assert not [g for g in now.gaps if g.code is GapCode.MISSING_DOCUMENT]
    assert [d.id for d in now.statuses[0].results[0].documents] == [doc.id]
    # A document an unlinked mechanism could use is not found before it was signed either.
    other = vendor(store, "Unlinked Ltd")
    idta(store, (acme, other), signed_on=date(2024, 6, 1))
    transfer(store, acme, other, MechanismUse(Mechanism.UK_IDTA))
    early = status(store, date(2024, 3, 1))
    assert any(
        g.code is GapCode.MISSING_DOCUMENT and "no such document" in g.message
        for g in early.gaps
        if g.entity_id == other.id
    )
