"""Transfer impact assessments on the demo register: prefill, sign-off, staleness, revisions.

The service on the in-memory store (``tests/fakes``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.models import Tia, Transfer
from transfers_app.domain.tia import (
    CategoryRisk,
    Conclusion,
    DataFormat,
    EegFinding,
    EegRating,
    Enforceability,
    HumanRights,
    KeyHolder,
    Measure,
    MeasureKind,
    ResidualRisk,
    TiaContent,
    progress,
)
from transfers_app.errors import ValidationError
from transfers_app.ports.storage import Store
from transfers_app.reference import builtin_reference
from transfers_app.rules.gaps import Gap, GapCode
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService
from transfers_app.services.tia import TiaService

TODAY = date(2026, 11, 25)


@pytest.fixture
def repo(demo_register: Store) -> Store:
    """The demo register (as of ``TODAY``), on each engine."""
    return demo_register


@pytest.fixture
def svc(repo: Store) -> TiaService:
    return TiaService(repo, ReferenceSource(builtin_reference()))


def _transfer_to(repo: Store, importer_name: str, dest: str) -> Transfer:
    ids = {n: i for i, n in repo.names.names().items()}
    return next(
        t
        for t in repo.transfers.of_entity(ids[importer_name])
        if t.importer_id == ids[importer_name] and t.destination == dest
    )


APPROVER = "Maria Santos (General Counsel)"


def _complete(tia: Tia) -> Tia:
    """Answer everything the register cannot know."""
    assert tia.content is not None
    c = replace(
        tia.content,
        description=replace(
            tia.content.description,
            purpose="Hosting the customer platform",
            data_subjects=("Customers", "Service users"),
            # Encrypted at rest with the keys in the UK: the storage use case fits.
            data_format=DataFormat.ENCRYPTED,
            key_holder=KeyHolder.EXPORTER,
        ),
        eeg=tuple(EegFinding(g, EegRating.PARTLY_MET, "see profile") for g in "ABCD"),
        problematic_law=True,
        measures=(
            Measure(MeasureKind.TECHNICAL, "Encryption at rest, keys held in the UK", "T1", "UC1"),
        ),
        review_triggers=("Reauthorisation of FISA s.702",),
        category_risks=tuple(
            CategoryRisk(cat, 3, 2) for cat in tia.content.description.data_categories
        ),
        human_rights=HumanRights.C2,
        human_rights_notes="Encrypted data the importer cannot read.",
        enforceability=Enforceability.D3,
        enforceability_notes="UK courts under the Addendum.",
        conclusion=Conclusion.PROCEED_WITH_MEASURES,
        residual_risk=ResidualRisk.LOW,
    )
    return replace(tia, content=c, assessor="A. Patel")


def _accepting(svc: TiaService, tia: Tia, on: date = TODAY) -> list[str]:
    """The keys of every unverified fact ``tia`` relies on: what the approver accepts."""
    return [f.key for f in svc.unverified_facts(tia, on)]


def _approved_alone(repo: Store, svc: TiaService) -> tuple[Transfer, Tia]:
    """The demo's Stratus transfer to the US, its earlier assessments archived, and a new
    assessment of it, complete and approved."""
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    for old in [x for x in repo.assessments.list() if x.transfer_id == t.id]:
        repo.assessments.archive(old)
    done = _complete(svc.create(svc.draft_for(t.id or 0, TODAY, assessor="A. Patel")))
    return t, svc.sign_off(done, APPROVER, TODAY, accept=_accepting(svc, done))


def test_a_new_draft_is_prefilled_from_the_register(repo: Store, svc: TiaService) -> None:
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    draft = svc.draft_for(t.id or 0, TODAY, assessor="A. Patel")
    c = draft.content
    assert c is not None
    assert c.destination == "US"
    assert set(c.description.data_categories) == set(t.data_categories)
    assert c.description.nature_of_processing == "Cloud hosting of the customer platform"
    # the importer's locations (US, IE, IN) are where the data may be
    assert {"US", "IE", "IN"} <= set(c.description.storage_locations)
    # Stratus passes support on to Indus in India: an onward transfer the assessor must see
    assert any(
        "Indus Support Services" in o and "(IN)" in o for o in c.description.onward_transfers
    )
    assert draft.regimes == (Regime.UK, Regime.EU)
    assert [e.guarantee for e in c.eeg] == ["A", "B", "C", "D"]
    assert draft.inputs is not None and draft.inputs.countries == ("US",)


def test_sign_off_needs_every_step_and_a_second_person(repo: Store, svc: TiaService) -> None:
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    draft = svc.create(svc.draft_for(t.id or 0, TODAY, assessor="A. Patel"))
    problems = svc.sign_off_problems(draft, APPROVER)
    assert any("European Essential Guarantees" in p for p in problems)
    with pytest.raises(ValidationError, match="sign-off"):
        svc.sign_off(draft, APPROVER, TODAY)

    done = _complete(draft)
    assert svc.sign_off_problems(done, "a. patel") == [
        "the approver must be someone other than the assessor"
    ]
    approved = svc.sign_off(done, APPROVER, TODAY, accept=_accepting(svc, done))
    assert approved.status is TiaStatus.APPROVED
    assert approved.approved_on == TODAY
    assert approved.next_review_on == date(2027, 11, 25)  # the 12-month cycle


def test_approval_clears_the_missing_assessment_gap(repo: Store, svc: TiaService) -> None:
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    status = RegisterService(repo, svc.reference)

    def tia_gaps() -> set[GapCode]:
        return {
            g.code
            for g in status.compute_status(TODAY).gaps
            if g.transfer_id == t.id and g.code.value.startswith("tia")
        }

    for old in [x for x in repo.assessments.list() if x.transfer_id == t.id]:
        repo.assessments.archive(old)
    assert GapCode.TIA_MISSING in tia_gaps()
    draft = svc.create(svc.draft_for(t.id or 0, TODAY, assessor="A. Patel"))
    assert GapCode.TIA_MISSING in tia_gaps()  # a draft is not an assessment
    done = _complete(draft)
    svc.sign_off(done, APPROVER, TODAY, accept=_accepting(svc, done))
    assert tia_gaps() == set()


def test_the_destination_starts_from_the_country_profile(repo: Store, svc: TiaService) -> None:
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    c = svc.draft_for(t.id or 0, TODAY).content
    assert c is not None
    titles = [law.title for law in c.laws]
    assert any("FISA s.702" in x for x in titles)
    assert any("CLOUD Act" in x for x in titles)
    fisa = next(law for law in c.laws if "FISA s.702" in law.title)
    assert all(src.startswith("http") for src in fisa.sources)
    # facts the research could not verify come across flagged
    assert any(not law.verified for law in c.laws)
    assert {e.guarantee: e.rating for e in c.eeg}["C"] is EegRating.PARTLY_MET
    assert c.profile_as_of == date(2026, 11, 25)
    assert any("C-703/25 P" in trig for trig in c.review_triggers)


def test_a_destination_without_a_profile_starts_blank(repo: Store, svc: TiaService) -> None:
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    blank = svc.draft_for(t.id or 0, TODAY)
    assert blank.content is not None
    from transfers_app.services.tia import prefill_from_profile

    none = prefill_from_profile(replace(blank.content, laws=(), review_triggers=()), "NO")
    assert none.laws == () and none.review_triggers == ()


def test_a_change_on_the_register_makes_the_assessment_stale_with_the_reason(
    repo: Store, svc: TiaService
) -> None:
    t, approved = _approved_alone(repo, svc)
    status = RegisterService(repo, svc.reference)

    def stale_gaps() -> list[Gap]:
        # The demo's older assessments are stale already (made with older reference data).
        gaps = status.compute_status(TODAY).gaps
        return [g for g in gaps if g.code is GapCode.TIA_STALE and approved.reference in g.message]

    assert not stale_gaps()

    t = repo.transfers.get(t.id or 0)
    repo.transfers.update(replace(t, data_categories=(*t.data_categories, "Marketing Data")))
    stale = stale_gaps()
    assert len(stale) == 1
    assert "data categories changed: added Marketing Data" in stale[0].message
    assert approved.reference in stale[0].message
    assert svc.stale_reasons(repo.assessments.get(approved.id or 0), TODAY) == [
        "data categories changed: added Marketing Data"
    ]


def test_reassessment_is_a_new_revision_that_supersedes_on_approval(
    repo: Store, svc: TiaService
) -> None:
    _, v1 = _approved_alone(repo, svc)
    with pytest.raises(ValidationError, match="reason"):
        svc.reassess(v1, TODAY, "  ")
    v2 = svc.reassess(v1, TODAY, "Onward transfer to India added")
    assert (v2.revision, v2.status, v2.series_id) == (2, TiaStatus.DRAFT, v1.series_id)
    assert v2.reference.endswith("-v2")
    # v1 stays in force while v2 is drafted
    assert repo.assessments.get(v1.id or 0).status is TiaStatus.APPROVED
    later = date(2026, 12, 1)
    svc.sign_off(v2, APPROVER, later, accept=_accepting(svc, v2, later))
    history = svc.history(v2)
    assert [(h.revision, h.status) for h in history] == [
        (1, TiaStatus.SUPERSEDED),
        (2, TiaStatus.APPROVED),
    ]
    log = svc.change_log(v2)
    assert {a.action for a in log} >= {"create", "update"}


def test_one_assessment_may_cover_like_transfers_to_one_importer_only(
    repo: Store, svc: TiaService
) -> None:
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    other = _transfer_to(repo, "Meridian Recovery Services Pvt. Ltd.", "IN")
    with pytest.raises(ValidationError, match="one importer"):
        svc.draft_for(t.id or 0, TODAY, extra_transfer_ids=[other.id or 0])


def test_content_survives_storage_whole(repo: Store, svc: TiaService) -> None:
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    saved = svc.create(_complete(svc.draft_for(t.id or 0, TODAY, assessor="A. Patel")))
    again = repo.assessments.get(saved.id or 0)
    assert again.content == saved.content
    assert again.inputs == saved.inputs
    # the lean list the status report reads leaves the content out but keeps the inputs
    lean = next(x for x in repo.assessments.list() if x.id == saved.id)
    assert lean.content is None and lean.inputs == saved.inputs


def test_progress_lists_what_is_left_in_words() -> None:
    steps = {s.key: s for s in progress(TiaContent(), uk=True)}
    assert not steps["describe"].done
    assert "data categories" in steps["describe"].missing
    assert not steps["tra"].done
    assert "score the data categories" in steps["tra"].missing


def test_the_next_review_follows_the_cycle_to_the_day(repo: Store, svc: TiaService) -> None:
    """Approval + 12 months is 12 months (dateutil): a leap day reviews on 28 Feb."""
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    leap = date(2028, 2, 29)
    done = _complete(svc.create(svc.draft_for(t.id or 0, TODAY, assessor="A. Patel")))
    approved = svc.sign_off(done, APPROVER, leap, accept=_accepting(svc, done, leap))
    assert approved.next_review_on == date(2029, 2, 28)
    six = replace(done, id=None, version=0, review_cycle_months=6, series_id=None)
    end = date(2027, 8, 31)
    later = svc.sign_off(svc.create(six), APPROVER, end, accept=_accepting(svc, six, end))
    assert later.next_review_on == date(2028, 2, 29)


def test_a_change_log_entry_may_not_postdate_the_approval(repo: Store, svc: TiaService) -> None:
    t = _transfer_to(repo, "Stratus Cloud Hosting, Inc.", "US")
    done = _complete(svc.create(svc.draft_for(t.id or 0, TODAY, assessor="A. Patel")))
    problems = svc.sign_off_problems(done, APPROVER, date(2026, 11, 1))  # before the draft
    assert any("the change log has an entry dated after the approval" in p for p in problems)
