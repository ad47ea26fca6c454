"""The rules follow the reference data: change a row and the verdict changes.

Each test builds a reference set from the built-in bundle with one field changed and shows
that the rules' answer moves with it, so the fact lives in the data and not in code. The
built-in answers are those of legal-facts.md (sections 3.3, 4.1-4.4, 7.1 and 8).
"""

from __future__ import annotations

import copy
import gc
import weakref
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fakes.memory_store import MemoryStore
from source_tiers import as_format_2

from transfers_app.domain.enums import (
    Access,
    DocumentKind,
    EntityKind,
    Finding,
    Mechanism,
    Regime,
    Role,
    Severity,
    TiaStatus,
)
from transfers_app.domain.models import Document, Entity, MechanismUse, Tia, Transfer
from transfers_app.errors import ReferenceDataError
from transfers_app.reference.loader import (
    Memo,
    ReferenceSet,
    builtin_bundle,
    builtin_reference,
    parse_bundle,
)
from transfers_app.rules.destination import Certifications, assess_destination
from transfers_app.rules.gaps import GapCode, TransferContext, TransferStatus, evaluate_transfer
from transfers_app.rules.mechanisms import CHECKERS
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService
from transfers_app.services.workspace import Workspace

EU, UK, CH = Regime.EU, Regime.UK, Regime.CH
M = Mechanism
TODAY = date(2026, 11, 25)
SIGNED = date(2023, 1, 10)
EXPORTER, IMPORTER, TRANSFER = 1, 2, 10

Bundle = dict[str, Any]
UK_LISTED = Certifications(dpf_eu=True, dpf_uk_extension=True)


def bundle_with(change: Callable[[Bundle], object]) -> ReferenceSet:
    """The built-in set with one change applied to (a copy of) its bundle."""
    bundle = copy.deepcopy(builtin_bundle())
    change(bundle)
    return parse_bundle(bundle, origin="test")


def instrument(bundle: Bundle, kind: str) -> dict[str, Any]:
    return next(r for r in bundle["instruments"]["instruments"] if r["kind"] == kind)


def mechanism(bundle: Bundle, code: str) -> dict[str, Any]:
    return next(r for r in bundle["instruments"]["mechanisms"] if r["mechanism"] == code)


def regime_row(bundle: Bundle, code: str) -> dict[str, Any]:
    return next(r for r in bundle["regimes"]["regimes"] if r["code"] == code)


def doc(kind: DocumentKind, doc_id: int, **kw: Any) -> Document:
    return Document(
        kind=kind,
        title=kw.pop("title", f"{kind.value} #{doc_id}"),
        id=doc_id,
        party_ids=(EXPORTER, IMPORTER),
        **kw,
    )


SCC_M2 = doc(DocumentKind.EU_SCC_2021, 101, scc_module=2, signed_on=SIGNED)
SCC_M4 = doc(DocumentKind.EU_SCC_2021, 104, scc_module=4, signed_on=SIGNED)
ADDENDUM = doc(DocumentKind.UK_ADDENDUM, 111, title="UK Addendum", signed_on=SIGNED)
IDTA = doc(DocumentKind.UK_IDTA, 112, signed_on=SIGNED)
BCR = doc(DocumentKind.BCR, 113, signed_on=SIGNED)
LEGACY_2010 = doc(DocumentKind.LEGACY_SCC_2010, 121, title="2010 SCCs", signed_on=date(2019, 5, 1))
TIA_OK = Tia(
    transfer_id=TRANSFER,
    id=1,
    status=TiaStatus.APPROVED,
    approved_on=date(2021, 6, 1),
    next_review_on=date(2027, 6, 1),
)


def dpf_evidence(checked: date) -> Document:
    return doc(
        DocumentKind.DPF_CERTIFICATION,
        141,
        title="DPF List entry",
        dpf_eu=True,
        dpf_uk_extension=True,
        checked_on=checked,
    )


def evaluate(
    ref: ReferenceSet,
    dest: str,
    regimes: tuple[Regime, ...],
    mechanisms: tuple[Mechanism, ...],
    docs: tuple[Document, ...] = (),
    tias: tuple[Tia, ...] = (TIA_OK,),
    on: date = TODAY,
    exporter_role: Role = Role.CONTROLLER,
    importer_role: Role = Role.PROCESSOR,
    importer_kind: EntityKind = EntityKind.VENDOR,
) -> TransferStatus:
    transfer = Transfer(
        exporter_id=EXPORTER,
        importer_id=IMPORTER,
        destination=dest,
        access=Access.STORAGE,
        importer_role=importer_role,
        id=TRANSFER,
        exporter_role=exporter_role,
        mechanisms=tuple(MechanismUse(m) for m in mechanisms),
    )
    ctx = TransferContext(
        transfer=transfer,
        exporter=Entity("Acme Ltd", EntityKind.GROUP, id=EXPORTER, exporter_regimes=regimes),
        importer=Entity("Vendor Inc", importer_kind, id=IMPORTER),
        regimes=regimes,
        exporter_role=exporter_role,
        documents={d.id: d for d in docs if d.id is not None},
        importer_documents=docs,
        tias=tias,
    )
    return evaluate_transfer(ref, ctx, on)


def covered(status: TransferStatus) -> dict[Regime, Mechanism | None]:
    return {r.assessment.regime: r.covered_by for r in status.results}


def codes(status: TransferStatus) -> set[GapCode]:
    return {g.code for g in status.gaps}


# -- the combination rule: only_with / addendum_to -----------------------------------------------


def test_bare_eu_sccs_for_a_uk_transfer_are_refused_because_the_row_says_only_with() -> None:
    status = evaluate(builtin_reference(), "IN", (UK,), (M.EU_SCC,), (SCC_M2,))
    assert covered(status) == {UK: None}
    [gap] = status.gaps
    assert (gap.code, gap.severity) == (GapCode.UK_BARE_EU_SCC, Severity.CRITICAL)
    assert gap.message == (
        "UK transfer relies on bare EU SCCs: they need the UK Addendum (or use the IDTA); "
        "nothing else covers the transfer"
    )


def test_without_only_with_the_same_transfer_is_covered_by_the_eu_sccs() -> None:
    ref = bundle_with(lambda b: instrument(b, "eu_scc_2021")["regimes"]["UK"].pop("only_with"))
    status = evaluate(ref, "IN", (UK,), (M.EU_SCC,), (SCC_M2,))
    assert covered(status) == {UK: M.EU_SCC}
    assert GapCode.UK_BARE_EU_SCC not in codes(status)


def test_eu_sccs_beside_a_uk_tool_serve_the_eu_side_only() -> None:
    ref = builtin_reference()
    for uk_tool, uk_doc in ((M.UK_IDTA, IDTA), (M.UK_ADDENDUM, ADDENDUM)):
        status = evaluate(ref, "IN", (EU, UK), (M.EU_SCC, uk_tool), (SCC_M2, uk_doc))
        assert covered(status) == {EU: M.EU_SCC, UK: uk_tool}
        assert status.gaps == ()


def test_the_addendum_needs_the_sccs_it_amends_because_the_row_says_addendum_to() -> None:
    ref = builtin_reference()
    status = evaluate(ref, "IN", (UK,), (M.UK_ADDENDUM,), (ADDENDUM,))
    assert covered(status) == {UK: None}
    assert [g.message for g in status.gaps] == [
        "the UK Addendum has no EU SCCs to attach to on the register; nothing else covers "
        "the transfer"
    ]
    assert covered(evaluate(ref, "IN", (UK,), (M.UK_ADDENDUM,), (ADDENDUM, SCC_M2))) == {
        UK: M.UK_ADDENDUM
    }
    alone = bundle_with(lambda b: instrument(b, "uk_addendum").pop("addendum_to"))
    assert covered(evaluate(alone, "IN", (UK,), (M.UK_ADDENDUM,), (ADDENDUM,))) == {
        UK: M.UK_ADDENDUM
    }


def test_the_addendum_takes_the_module_of_the_sccs_it_amends() -> None:
    status = evaluate(builtin_reference(), "IN", (UK,), (M.UK_ADDENDUM,), (ADDENDUM, SCC_M4))
    assert [g.code for g in status.gaps] == [GapCode.WRONG_MODULE]
    assert "uses SCC Module 4, but controller to processor needs Module 2" in (
        status.gaps[0].message
    )


# -- where a mechanism applies, what it needs ------------------------------------------------------


def test_the_mechanisms_of_each_regime_come_from_the_rows() -> None:
    # legal-facts 4.1-4.4 (EU, UK), 7.1 (CH: EU SCCs with Swiss adaptations; no IDTA,
    # Addendum or legacy SCCs).
    ref = builtin_reference()
    common = {M.ADEQUACY, M.DPF, M.EU_SCC, M.BCR, M.DEROGATION}
    assert ref.mechanisms_under(EU) == common | {M.LEGACY_SCC}
    assert ref.mechanisms_under(UK) == common | {M.LEGACY_SCC, M.UK_IDTA, M.UK_ADDENDUM}
    assert ref.mechanisms_under(CH) == common
    assert ref.document_kinds(M.LEGACY_SCC) == (
        DocumentKind.LEGACY_SCC_2001,
        DocumentKind.LEGACY_SCC_2004,
        DocumentKind.LEGACY_SCC_2010,
    )
    assert set(CHECKERS) == set(Mechanism)


def test_a_regime_missing_from_an_instrument_row_cannot_use_it() -> None:
    ref = bundle_with(lambda b: instrument(b, "bcr")["regimes"].pop("CH"))
    group = EntityKind.GROUP
    before = evaluate(builtin_reference(), "IN", (CH,), (M.BCR,), (BCR,), importer_kind=group)
    assert covered(before) == {CH: M.BCR}
    after = evaluate(ref, "IN", (CH,), (M.BCR,), (BCR,), importer_kind=group)
    assert covered(after) == {CH: None}
    assert codes(after) == {GapCode.NO_SAFEGUARD}
    assert M.BCR not in {s.mechanism for s in assess_destination(ref, CH, "IN", TODAY).safeguards}


def test_bcrs_are_never_offered_for_a_third_party_and_the_limit_is_data() -> None:
    """Issue 13: the supplier check offered BCRs for a vendor. The mechanism row's
    ``within_group_only`` keeps them to a group's members, in the offer and in the rules."""
    ref = builtin_reference()
    assert ref.mechanisms[M.BCR].within_group_only

    def offered(r: ReferenceSet, in_group: bool | None) -> set[Mechanism]:
        a = assess_destination(r, EU, "IN", TODAY, importer_in_group=in_group)
        return {s.mechanism for s in a.safeguards}

    assert M.BCR not in offered(ref, False)
    assert M.BCR in offered(ref, True)
    assert M.BCR in offered(ref, None)  # unknown: offered, with its "intra-group only"
    vendor = evaluate(ref, "IN", (EU,), (M.BCR,), (BCR,))
    assert codes(vendor) == {GapCode.WRONG_MECHANISM}
    # The row, not the code, decides: without the flag, BCRs count for a vendor too.
    lifted = bundle_with(lambda b: mechanism(b, "bcr").update(within_group_only=False))
    assert M.BCR in offered(lifted, False)
    assert covered(evaluate(lifted, "IN", (EU,), (M.BCR,), (BCR,))) == {EU: M.BCR}
    broken = lambda b: mechanism(b, "bcr").update(within_group_only="yes")  # noqa: E731
    with pytest.raises(ReferenceDataError, match=r"within_group_only: expected true or false"):
        bundle_with(broken)


def test_the_supplier_check_offers_no_bcrs() -> None:
    service = RegisterService(MemoryStore(actor="t"), ReferenceSource(builtin_reference()))
    report = service.check("Acme Analytics Inc", ["IN"], Role.PROCESSOR, TODAY)
    assert report.assessments
    for a in report.assessments:
        assert a.safeguards and M.BCR not in {s.mechanism for s in a.safeguards}


def test_whether_a_mechanism_needs_an_assessment_is_read_from_its_row() -> None:
    ref = builtin_reference()
    assert GapCode.TIA_MISSING in codes(evaluate(ref, "IN", (EU,), (M.EU_SCC,), (SCC_M2,), ()))
    no_tia = bundle_with(lambda b: mechanism(b, "eu_scc").update(needs_assessment=False))
    assert evaluate(no_tia, "IN", (EU,), (M.EU_SCC,), (SCC_M2,), ()).gaps == ()


def test_module_four_assessment_follows_the_regime_row() -> None:
    def p2c(ref: ReferenceSet) -> Severity:
        status = evaluate(
            ref,
            "IN",
            (EU,),
            (M.EU_SCC,),
            (SCC_M4,),
            (),
            exporter_role=Role.PROCESSOR,
            importer_role=Role.CONTROLLER,
        )
        [gap] = status.gaps
        assert gap.code is GapCode.TIA_MISSING
        return gap.severity

    assert p2c(builtin_reference()) is Severity.LOW  # SCC Clauses 14-15, Module Four
    always = bundle_with(
        lambda b: regime_row(b, "EU").update(module_four_assessment_only_if_combined=False)
    )
    assert p2c(always) is Severity.HIGH


def test_the_eea_is_home_for_the_regime_whose_row_says_so() -> None:
    assert assess_destination(builtin_reference(), EU, "DE", TODAY).finding is (
        Finding.NOT_RESTRICTED
    )
    ref = bundle_with(lambda b: regime_row(b, "EU").update(home_includes_eea=False))
    assert assess_destination(ref, EU, "DE", TODAY).restricted


def test_the_swiss_derogation_is_worded_and_flagged_by_its_row() -> None:
    a = assess_destination(builtin_reference(), CH, "IN", TODAY)
    derogation = next(s for s in a.safeguards if s.mechanism is M.DEROGATION)
    assert derogation.label == "Derogation under Swiss law (last resort)"
    assert "Swiss derogations are not in the reference data: check the FADP" in a.unverified

    def sourced(b: Bundle) -> None:
        spec = mechanism(b, "derogation")["regimes"]["CH"]
        spec.update(reference="Art 17 FADP", label="Art 17 FADP exception", verified=True)

    a = assess_destination(bundle_with(sourced), CH, "IN", TODAY)
    derogation = next(s for s in a.safeguards if s.mechanism is M.DEROGATION)
    assert (derogation.label, derogation.reference) == ("Art 17 FADP exception", "Art 17 FADP")
    assert not any("Swiss derogations" in u for u in a.unverified)


# -- legacy SCCs: deadlines, decision numbers, modules --------------------------------------------


def test_legacy_deadline_and_decision_number_come_from_the_row() -> None:
    ref = builtin_reference()
    status = evaluate(ref, "IN", (EU,), (M.LEGACY_SCC,), (LEGACY_2010,))
    assert GapCode.LEGACY_SCC_EXPIRED in codes(status)
    assert "(Decision 2010/87/EU), no longer valid for EU transfers after 2022-12-27" in (
        status.gaps[0].message
    )

    def later(b: Bundle) -> None:
        row = instrument(b, "legacy_scc_2010")
        row["regimes"]["EU"]["valid_until"] = "2030-12-31"
        row["current_version"] = "2010/87/EU (as amended)"

    extended = bundle_with(later)
    assert GapCode.LEGACY_SCC_EXPIRED not in codes(
        evaluate(extended, "IN", (EU,), (M.LEGACY_SCC,), (LEGACY_2010,))
    )
    expired = evaluate(extended, "IN", (EU,), (M.LEGACY_SCC,), (LEGACY_2010,), on=date(2031, 1, 1))
    assert "(Decision 2010/87/EU (as amended))" in expired.gaps[0].message


def test_the_module_a_legacy_decision_covers_comes_from_the_row() -> None:
    on = date(2022, 6, 1)  # before the EU end date of the legacy clauses
    status = evaluate(builtin_reference(), "IN", (EU,), (M.LEGACY_SCC,), (LEGACY_2010,), on=on)
    assert covered(status) == {EU: M.LEGACY_SCC}
    c2c_only = bundle_with(lambda b: instrument(b, "legacy_scc_2010").update(scc_modules=[1]))
    status = evaluate(c2c_only, "IN", (EU,), (M.LEGACY_SCC,), (LEGACY_2010,), on=on)
    assert covered(status) == {EU: None}
    assert status.gaps[0].code is GapCode.WRONG_MODULE
    assert "is a controller to controller set of clauses" in status.gaps[0].message


# -- the DPF re-check: a policy default in the data -----------------------------------------------


def test_the_dpf_recheck_is_stated_as_policy_in_the_data() -> None:
    recheck = builtin_reference().evidence_recheck(DocumentKind.DPF_CERTIFICATION)
    assert recheck is not None
    assert (recheck.every_months, recheck.basis) == (12, "policy")
    assert "Not a period the law sets" in recheck.reasoning


@pytest.mark.parametrize(
    ("months", "checked", "fires", "due"),
    [
        (12, date(2026, 1, 10), False, None),
        (6, date(2026, 1, 10), True, date(2026, 7, 10)),
        (12, date(2025, 11, 24), True, date(2026, 11, 24)),
        (24, date(2025, 11, 24), False, None),
    ],
)
def test_the_dpf_recheck_period_decides_when_dpf_not_rechecked_fires(
    months: int, checked: date, fires: bool, due: date | None
) -> None:
    ref = bundle_with(lambda b: mechanism(b, "dpf")["evidence_recheck"].update(every_months=months))
    status = evaluate(ref, "US", (UK,), (M.DPF,), (dpf_evidence(checked),), ())
    assert covered(status) == {UK: M.DPF}
    gaps = [g for g in status.gaps if g.code is GapCode.DPF_NOT_RECHECKED]
    assert bool(gaps) is fires
    if fires:
        assert gaps[0].due_on == due
        assert gaps[0].message.endswith(f"re-check at least every {months} months")
    condition = f"re-check at least every {months} months."
    assert condition in assess_destination(ref, UK, "US", TODAY, certs=UK_LISTED).conditions[-1]


def test_without_a_recheck_period_old_dpf_evidence_is_not_reported() -> None:
    ref = bundle_with(lambda b: mechanism(b, "dpf").pop("evidence_recheck"))
    status = evaluate(ref, "US", (UK,), (M.DPF,), (dpf_evidence(date(2020, 1, 1)),), ())
    assert covered(status) == {UK: M.DPF}
    assert status.gaps == ()


def _relying_on_dpf(repo: MemoryStore, checked_on: date) -> Entity:
    """A vendor in the US whose evidence (checked on ``checked_on``) a live EU transfer relies
    on: the status engine watches the re-check of evidence a verdict rests on."""
    own = repo.entities.add(
        Entity(name="Acme Europe B.V.", kind=EntityKind.GROUP, exporter_regimes=(Regime.EU,))
    )
    vendor = repo.entities.add(Entity(name="Stratus Cloud Hosting, Inc.", kind=EntityKind.VENDOR))
    evidence = repo.documents.add(
        Document(
            kind=DocumentKind.DPF_CERTIFICATION,
            title="DPF List entry",
            party_ids=(vendor.id or 0,),
            dpf_eu=True,
            checked_on=checked_on,
        )
    )
    repo.transfers.add(
        Transfer(
            own.id or 0,
            vendor.id or 0,
            "US",
            Access.STORAGE,
            Role.PROCESSOR,
            mechanisms=(MechanismUse(Mechanism.DPF, evidence.id),),
            started_on=date(2024, 1, 1),
        )
    )
    return vendor


def test_reminders_list_the_dpf_recheck_after_the_period_in_the_data() -> None:
    repo = MemoryStore(actor="test")
    _relying_on_dpf(repo, date(2026, 3, 31))

    def due(ref: ReferenceSet) -> list[date]:
        items = RegisterService(repo, ReferenceSource(ref)).reminders(date(2026, 6, 1), 400)
        return [r.due_on for r in items if r.what == "dpf_recheck"]

    assert due(builtin_reference()) == [date(2027, 3, 31)]
    six = bundle_with(lambda b: mechanism(b, "dpf")["evidence_recheck"].update(every_months=6))
    assert due(six) == [date(2026, 9, 30)]
    none = bundle_with(lambda b: mechanism(b, "dpf").pop("evidence_recheck"))
    assert due(none) == []


def test_the_register_page_due_date_follows_the_recheck_period_in_the_data() -> None:
    """The register page's "next due" reads the same period as the reminders (no 12 months
    written into the storage's query)."""
    repo = MemoryStore(actor="test")
    vendor = _relying_on_dpf(repo, date(2025, 8, 31))

    def due(ref: ReferenceSet) -> tuple[date | None, str]:
        source = ReferenceSource(ref)
        rows = Workspace(repo, RegisterService(repo, source)).register_rows(on=date(2026, 1, 1))
        (row,) = [r for r in rows if r.entity_id == vendor.id]
        return row.next_due, row.due_what

    assert due(builtin_reference()) == (date(2026, 8, 31), "dpf_recheck")
    six = bundle_with(lambda b: mechanism(b, "dpf")["evidence_recheck"].update(every_months=6))
    assert due(six) == (date(2026, 2, 28), "dpf_recheck")
    none = bundle_with(lambda b: mechanism(b, "dpf").pop("evidence_recheck"))
    assert due(none) == (None, "")


# -- validation: a bad field is refused, naming the row and the field -----------------------------


def _set(path: Callable[[Bundle], dict[str, Any]], **fields: Any) -> Callable[[Bundle], None]:
    return lambda b: path(b).update(fields)


def _drop(path: Callable[[Bundle], dict[str, Any]], key: str) -> Callable[[Bundle], None]:
    return lambda b: path(b).pop(key)


def _eu_scc(b: Bundle) -> dict[str, Any]:
    return mechanism(b, "eu_scc")


def _unlisted_bcr(b: Bundle) -> None:
    mechanism(b, "bcr").update(document_kinds=[], regimes={"EU": {}})


BAD = [
    (
        _set(_eu_scc, needs_assessment="yes"),
        r"mechanisms\[4\] \(eu_scc\)\.needs_assessment: expected true or false, got 'yes'",
    ),
    (_drop(_eu_scc, "needs_assessment"), r"mechanisms\[4\] \(eu_scc\)\.needs_assessment: is req"),
    (
        _set(lambda b: mechanism(b, "dpf")["evidence_recheck"], every_months=0),
        r"mechanisms\[1\] \(dpf\)\.evidence_recheck\.every_months: expected a whole number",
    ),
    (
        _set(lambda b: mechanism(b, "dpf")["evidence_recheck"], every_months="12"),
        r"\(dpf\)\.evidence_recheck\.every_months: .* got '12'",
    ),
    (
        _set(lambda b: mechanism(b, "dpf")["evidence_recheck"], basis="custom"),
        r"\(dpf\)\.evidence_recheck\.basis: 'custom' is not one of \['law', 'policy'\]",
    ),
    (
        _set(lambda b: mechanism(b, "dpf")["evidence_recheck"], basis="law"),
        r"\(dpf\)\.evidence_recheck\.sources: a period the law sets needs at least one",
    ),
    (
        _drop(lambda b: mechanism(b, "dpf")["evidence_recheck"], "reasoning"),
        r"\(dpf\)\.evidence_recheck\.reasoning: is required",
    ),
    (
        _set(_eu_scc, mechanism="scc_2030"),
        r"mechanisms\[4\]\.mechanism: unknown mechanism 'scc_2030'",
    ),
    (
        lambda b: b["instruments"]["mechanisms"].pop(),
        r"mechanisms: no row for derogation",
    ),
    (
        _set(_eu_scc, regimes={"EU": {}}),
        r"mechanisms\[4\] \(eu_scc\)\.regimes: leave it out, the instrument rows of eu_scc_2021",
    ),
    (
        _drop(lambda b: mechanism(b, "adequacy"), "regimes"),
        r"mechanisms\[0\] \(adequacy\)\.regimes: required",
    ),
    (
        _set(lambda b: mechanism(b, "bcr"), document_kinds=["bcr", "uk_idta"]),
        r"mechanisms\[6\] \(bcr\)\.document_kinds: 'uk_idta' already evidences 'uk_idta'",
    ),
    (_unlisted_bcr, r"instruments \(bcr\): no mechanism lists it in document_kinds"),
    (
        _set(lambda b: mechanism(b, "bcr"), sources=[]),
        r"mechanisms\[6\] \(bcr\)\.sources: at least one source is required",
    ),
    (
        _set(lambda b: instrument(b, "eu_scc_2021"), scc_modules=[1, 5]),
        r"instruments\[0\] \(eu_scc_2021\)\.scc_modules: expected a list of distinct module",
    ),
    (
        _set(lambda b: instrument(b, "uk_addendum"), addendum_to="scc_2030"),
        r"instruments\[2\] \(uk_addendum\)\.addendum_to: unknown document kind 'scc_2030'",
    ),
    (
        _set(lambda b: instrument(b, "uk_addendum"), addendum_to="dpa"),
        r"instruments \(uk_addendum\)\.addendum_to: 'dpa' has no instrument row of its own",
    ),
    (
        _set(lambda b: instrument(b, "eu_scc_2021")["regimes"]["EU"], only_with="uk_idta"),
        r"instruments \(eu_scc_2021\)\.regimes\.EU\.only_with: 'uk_idta' has no EU row",
    ),
    (
        _drop(lambda b: regime_row(b, "EU"), "home_includes_eea"),
        r"regimes\[0\]\.home_includes_eea: is required",
    ),
    (
        _set(lambda b: regime_row(b, "UK"), module_four_assessment_only_if_combined=1),
        r"regimes\[1\]\.module_four_assessment_only_if_combined: expected true or false, got 1",
    ),
    (
        _set(lambda b: b["manifest"], format=4),
        r"manifest\.format: this app reads formats 1 to 3, the file is 4",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_a_bad_field_is_refused_naming_the_row_and_the_field(
    change: Callable[[Bundle], object], message: str
) -> None:
    with pytest.raises(ReferenceDataError, match=message):
        bundle_with(change)


# -- format 1 files ------------------------------------------------------------------------------


def _as_format_1(b: Bundle) -> None:
    """The built-in set as a file written before format 2."""
    as_format_2(b)
    b["manifest"]["format"] = 1
    del b["instruments"]["mechanisms"]
    for row in b["instruments"]["instruments"]:
        row.pop("scc_modules", None)
        row.pop("addendum_to", None)
    for row in b["regimes"]["regimes"]:
        del row["home_includes_eea"]
        del row["module_four_assessment_only_if_combined"]


def test_a_format_1_file_reads_as_the_same_rules() -> None:
    old = bundle_with(_as_format_1)
    new = builtin_reference()
    assert old.raw["manifest"]["format"] == 3
    assert "mechanisms" in old.raw["instruments"]
    scenarios: list[tuple[str, tuple[Regime, ...], tuple[Mechanism, ...], tuple[Document, ...]]] = [
        ("IN", (UK,), (M.EU_SCC,), (SCC_M2,)),
        ("IN", (EU, UK), (M.EU_SCC, M.UK_ADDENDUM), (SCC_M2, ADDENDUM)),
        ("IN", (EU,), (M.LEGACY_SCC,), (LEGACY_2010,)),
        ("US", (UK,), (M.DPF,), (dpf_evidence(date(2025, 1, 1)),)),
        ("DE", (EU,), (), ()),
    ]
    for dest, regimes, mechanisms, docs in scenarios:
        a = evaluate(old, dest, regimes, mechanisms, docs)
        b = evaluate(new, dest, regimes, mechanisms, docs)
        assert a.gaps == b.gaps
        assert covered(a) == covered(b)


def test_a_format_1_file_keeps_what_it_states() -> None:
    def format_1_with_a_later_legacy_end(b: Bundle) -> None:
        _as_format_1(b)
        instrument(b, "legacy_scc_2010")["regimes"]["EU"]["valid_until"] = "2030-12-31"

    ref = bundle_with(format_1_with_a_later_legacy_end)
    status = evaluate(ref, "IN", (EU,), (M.LEGACY_SCC,), (LEGACY_2010,))
    assert GapCode.LEGACY_SCC_EXPIRED not in codes(status)
    assert ref.instruments[DocumentKind.LEGACY_SCC_2010].scc_modules == {2}


# -- the destination memo belongs to its reference set -------------------------------------------


def test_assessments_are_memoised_on_their_own_reference_set() -> None:
    with_dpf = builtin_reference()
    without_dpf = bundle_with(
        lambda b: b["decisions"].update(
            decisions=[d for d in b["decisions"]["decisions"] if not d["requires_certification"]]
        )
    )
    certs = UK_LISTED
    first = assess_destination(with_dpf, UK, "US", TODAY, certs=certs)
    assert assess_destination(with_dpf, UK, "US", TODAY, certs=certs) is first
    # Same arguments, another set: its own answer, not the other set's memo.
    assert first.finding is Finding.ADEQUATE_IF
    assert assess_destination(without_dpf, UK, "US", TODAY, certs=certs).finding is (
        Finding.NOT_ADEQUATE
    )


def test_a_reference_set_and_its_memo_go_when_it_is_no_longer_used() -> None:
    ref = bundle_with(lambda b: None)
    assess_destination(ref, UK, "US", TODAY)
    evaluate(ref, "IN", (UK,), (M.UK_IDTA,), (IDTA,))
    gone = weakref.ref(ref)
    del ref
    gc.collect()
    assert gone() is None


def test_a_memo_is_bounded_and_drops_its_oldest_entry_first() -> None:
    memo: Memo[int, str] = Memo(maxsize=2)
    memo.put(1, "a")
    memo.put(2, "b")
    memo.put(3, "c")
    assert (memo.get(1), memo.get(2), memo.get(3), len(memo)) == (None, "b", "c", 2)
