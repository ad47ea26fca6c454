"""What a transfer impact assessment finds before it is worded: per regime, the tool relied on
and its status, the test that applies, which EDPB use case fits the facts, whether each law
of the destination reaches this importer, and the unverified facts the assessment rests on.

Every legal fact comes from data: the mechanisms and their validity from the reference data
through the rules' checkers (``rules.mechanisms``), the test per regime and date, the use
cases' conditions and the clauses that carry the assessment from ``assessment_tests.json``,
the laws from the country profile. This module decides; ``tia_report`` words the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import (
    Access,
    Activity,
    DocumentKind,
    EntityKind,
    Finding,
    Mechanism,
    Regime,
    Role,
)
from transfers_app.domain.formatting import ROLE_LABELS, day
from transfers_app.domain.models import Document, Entity, Transfer
from transfers_app.domain.tia import (
    DataFormat,
    KeyHolder,
    LawItem,
    MeasureKind,
    TiaContent,
    TransferDescription,
)
from transfers_app.reference.assessment_tests import AssessmentTest, AssessmentTests, UseCaseRow
from transfers_app.reference.loader import ReferenceSet
from transfers_app.rules.context import TransferContext, certifications_of
from transfers_app.rules.destination import (
    DestinationAssessment,
    assess_destination,
    scc_module,
)
from transfers_app.rules.mechanisms import CHECKERS, find_document, uses_under

# -- the importer, as the reasoning names it ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Importer:
    """What the reasoning says about the importer: who it is and what it does with the data."""

    name: str
    kind: EntityKind
    role: Role
    access: Access
    service: str
    activities: tuple[Activity, ...]
    parent_of_exporter: bool = False

    @property
    def phrase(self) -> str:
        """'a third-party vendor acting as processor for cloud hosting of the platform'."""
        kind = {
            EntityKind.GROUP: "a company of the exporter's group"
            + (" (its parent)" if self.parent_of_exporter else ""),
            EntityKind.VENDOR: "a third-party service provider",
            EntityKind.CUSTOMER: "a customer",
        }[self.kind]
        what = f" ({self.service[:1].lower()}{self.service[1:]})" if self.service else ""
        return f"{kind} acting as {ROLE_LABELS[self.role]}{what}"

    @property
    def hosts(self) -> bool:
        return Activity.HOSTING in self.activities or Activity.BACKUP in self.activities


def importer_of(entity: Entity, transfer: Transfer, activities: Iterable[Activity],
                exporter: Entity) -> Importer:  # fmt: skip
    return Importer(
        name=entity.legal_name or entity.name,
        kind=entity.kind,
        role=transfer.importer_role,
        access=transfer.access,
        service=transfer.service,
        activities=tuple(dict.fromkeys(activities)),
        parent_of_exporter=exporter.parent_id is not None and exporter.parent_id == entity.id,
    )


# -- the tool relied on, per regime ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegimeTool:
    """One regime's transfer tool for the assessment's transfer, as on the assessment date."""

    regime: Regime
    finding: str  # the destination test in words ("restricted: no adequacy ...")
    mechanism: Mechanism | None  # the tool relied on (None: none recorded)
    name: str  # "the UK Addendum (B1.0) with the EU SCCs, Module 1"
    documents: tuple[str, ...]  # each document with its dates, in words
    valid: bool
    status: str  # "in force" / "expired on 5 Nov 2026: not valid" ...
    fallback: str  # the next tool listed for the regime, named; "" when none
    needs_assessment: bool  # does this regime's tool call for the assessment?
    scc_module: int | None
    dated: tuple[tuple[str, str], ...] = ()  # (title, its dates in words) of each document

    @property
    def line(self) -> str:
        """The tool in one line, for the decision page (documents signed together once)."""
        if self.dated and len({d for _, d in self.dated}) == 1:
            titles = " and ".join(f"'{t}'" for t, _ in self.dated)
            docs = f"{titles}, {self.dated[0][1]}"
        else:
            docs = "; ".join(f"'{t}', {d}" for t, d in self.dated)
        text = f"{self.name}" + (f" ({docs})" if docs else "") + f": {self.status}"
        return text + (f". Fallback: {self.fallback}" if self.fallback else ". No fallback")


_DPF_NAMES = {
    Regime.EU: "the EU-US Data Privacy Framework",
    Regime.UK: "the UK Extension to the EU-US Data Privacy Framework",
    Regime.CH: "the Swiss-US Data Privacy Framework",
}


def _module(doc: Document | None, expected: int) -> int:
    return doc.scc_module if doc is not None and doc.scc_module else expected


def tool_name(
    mechanism: Mechanism,
    regime: Regime,
    doc: Document | None,
    partner: Document | None,
    module: int,
    ref: ReferenceSet,
) -> str:
    """A tool as a lawyer names it, per regime: the EU SCCs are the EU's tool; for the UK the
    Addendum with the SCCs (or the IDTA); for Switzerland the SCCs with the Swiss amendments."""
    version = f" ({doc.instrument_version})" if doc is not None and doc.instrument_version else ""
    if mechanism is Mechanism.UK_ADDENDUM:
        return f"the UK Addendum{version} with the EU SCCs, Module {_module(partner, module)}"
    if mechanism is Mechanism.UK_IDTA:
        return f"the International Data Transfer Agreement{version}"
    if mechanism is Mechanism.EU_SCC:
        inst = ref.instruments.get(DocumentKind.EU_SCC_2021)
        number = re.search(r"\(EU\) \d{4}/\d+", inst.reference) if inst is not None else None
        basis = f" (Decision {number.group(0)})" if number and regime is Regime.EU else ""
        swiss = " with the Swiss amendments" if regime is Regime.CH else ""
        return f"the EU SCCs{basis}{swiss}, Module {_module(doc, module)}"
    if mechanism is Mechanism.DPF:
        return _DPF_NAMES[regime] + " (importer certified)"
    if mechanism is Mechanism.LEGACY_SCC:
        return f"standard contractual clauses of {doc.instrument_version}" if doc and (
            doc.instrument_version
        ) else "legacy standard contractual clauses"  # fmt: skip
    if mechanism is Mechanism.BCR:
        return "binding corporate rules"
    if mechanism is Mechanism.DEROGATION:
        which = f" {doc.derogation.value}" if doc is not None and doc.derogation else ""
        return f"a derogation under Art{which or ' 49'}"
    return "adequacy"


def document_words(doc: Document, on: date) -> str:
    """A document and its dates in words: signed, in force from, expiry."""
    return f"'{doc.title}', {document_dates(doc, on)}"


def document_dates(doc: Document, on: date) -> str:
    """A document's dates in words: signed, in force from, expiry."""
    parts: list[str] = []
    parts.append(f"signed {day(doc.signed_on)}" if doc.signed_on else "not signed")
    if doc.effective_on and doc.effective_on != doc.signed_on:
        parts.append(f"in force from {day(doc.effective_on)}")
    if doc.expires_on is None:
        parts.append("no expiry date")
    elif doc.expires_on < on:
        parts.append(f"expired on {day(doc.expires_on)}")
    else:
        parts.append(f"expires {day(doc.expires_on)}")
    return ", ".join(parts)


def regime_tools(
    ref: ReferenceSet,
    ctx: TransferContext,
    regimes: Sequence[Regime],
    on: date,
    documents: Mapping[int, Document],
) -> tuple[RegimeTool, ...]:
    """Per regime: the destination test, the tool relied on (the first listed that is valid,
    else the first listed), its documents and status in words, and the fallback."""
    t = ctx.transfer
    out = []
    certs, _ = certifications_of(ctx.importer_documents, on, ctx)
    expected = scc_module(ctx.exporter_role, t.importer_role)
    for regime in regimes:
        a = assess_destination(
            ref, regime, t.destination, on, t.importer_role, ctx.exporter_role, certs,
            importer_in_group=ctx.importer.kind is EntityKind.GROUP,
        )  # fmt: skip
        finding = _finding(a, regime, t.destination, on)
        if not a.restricted or not a.needs_mechanism:
            decision = f" ({_short(a.decision.reference)})" if a.decision else ""
            out.append(
                RegimeTool(
                    regime, finding, Mechanism.ADEQUACY if a.restricted else None,
                    "adequacy" + decision if a.restricted else "no transfer tool needed",
                    (), True, "no transfer tool is needed", "", False, None,
                )
            )  # fmt: skip
            continue
        uses = uses_under(ref, regime, t.mechanisms)
        addendum_partner = _partner(t.mechanisms, documents)
        verdicts = []
        for use in uses:
            ok, gaps, *_ = CHECKERS[use.mechanism].check(use, ctx, regime, a, ref, on)
            kinds = ref.document_kinds(use.mechanism)
            view = find_document(use, ctx, on, kinds)
            found = documents.get(view.id) if view is not None and view.id is not None else None
            verdicts.append((use, ok, [g.message for g in gaps if ok is False], found))
        if not verdicts:
            out.append(
                RegimeTool(
                    regime, finding, None, "no transfer tool recorded", (), False,
                    "no transfer tool is recorded on the register: the transfer has no "
                    "safeguard under this regime", "", True, expected,
                )
            )  # fmt: skip
            continue
        relied = next((v for v in verdicts if v[1]), verdicts[0])
        use, valid, problems, doc = relied
        partner = addendum_partner if use.mechanism is Mechanism.UK_ADDENDUM else None
        docs = tuple(document_words(d, on) for d in (doc, partner) if d is not None)
        if valid:
            status = "valid on " + day(on)
        else:
            why = problems[0] if problems else "it does not make the transfer lawful"
            status = f"NOT VALID on {day(on)}: {why}"
        later = [v for v in verdicts if v is not relied]
        fallback = ""
        if later:
            f_use, f_valid, _, f_doc = later[0]
            f_partner = addendum_partner if f_use.mechanism is Mechanism.UK_ADDENDUM else None
            fallback = tool_name(f_use.mechanism, regime, f_doc, f_partner, expected, ref)
            if f_doc is not None:
                fallback += f" ('{f_doc.title}')"
            if not f_valid:
                fallback += ", itself not valid"
        rule = ref.mechanisms.get(use.mechanism)
        out.append(
            RegimeTool(
                regime=regime,
                finding=finding,
                mechanism=use.mechanism,
                name=tool_name(use.mechanism, regime, doc, partner, expected, ref),
                documents=docs,
                valid=valid,
                status=status,
                fallback=fallback,
                needs_assessment=rule.needs_assessment if rule is not None else True,
                dated=tuple(
                    (d.title, document_dates(d, on)) for d in (doc, partner) if d is not None
                ),
                scc_module=_module(partner or doc, expected)
                if use.mechanism in (Mechanism.EU_SCC, Mechanism.UK_ADDENDUM)
                else None,
            )
        )
    return tuple(out)


def _short(reference: str) -> str:
    """A decision's reference without the notes the data adds after it ("; treated as ...")."""
    return reference.split(";", 1)[0].strip()


def _finding(a: DestinationAssessment, regime: Regime, destination: str, on: date) -> str:
    """The destination test in a sentence of its own (the rules' reason also lists the usable
    safeguards and notes written for the register's screens)."""
    place = country_name(destination)
    name = {Regime.UK: "UK", Regime.EU: "EU", Regime.CH: "Swiss"}[regime]
    if a.finding is Finding.NOT_RESTRICTED:
        return f"{place} is inside the {name} area: the transfer is not restricted."
    if a.finding is Finding.UNKNOWN:
        return f"The reference data does not cover {name} transfers on {day(on)}."
    d = a.decision
    if d is not None and d.requires_certification:
        return (
            f"{name} adequacy for {place} ({_short(d.reference)}) covers only certified "
            "recipients; this importer is not certified on the register, so the transfer needs "
            "an appropriate safeguard and this assessment."
            if a.needs_mechanism
            else f"{place}: adequate for this importer as it is certified ({_short(d.reference)})."
        )
    if d is not None and a.finding is Finding.ADEQUATE:
        return f"{place} is adequate under {name} law ({_short(d.reference)})."
    if d is not None:
        return (
            f"{name} adequacy for {place} ({_short(d.reference)}) covers only some recipients or "
            "data: the transfer needs an appropriate safeguard and this assessment unless it is "
            "within the decision's scope."
        )
    return (
        f"No {name} adequacy finding covers {place} on {day(on)}: the transfer needs an "
        "appropriate safeguard and this assessment."
    )


def _partner(uses: Iterable[object], documents: Mapping[int, Document]) -> Document | None:
    """The EU SCCs the UK Addendum is attached to: the transfer's own EU SCC document."""
    for use in uses:
        mechanism = getattr(use, "mechanism", None)
        doc_id = getattr(use, "document_id", None)
        if mechanism is Mechanism.EU_SCC and doc_id is not None and doc_id in documents:
            return documents[doc_id]
    return None


# -- the EDPB's use cases -----------------------------------------------------------------------


def _facts(d: TransferDescription) -> tuple[str, str, bool, bool]:
    key = d.key_holder.value
    if d.data_format is DataFormat.CLEAR:
        key = KeyHolder.IMPORTER.value if d.key_holder is not KeyHolder.NONE else "none"
    return key, d.data_format.value, d.transit_only, d.protected_recipient


def fitting_use_cases(d: TransferDescription, tests: AssessmentTests) -> list[UseCaseRow]:
    """The Annex 2 use cases whose conditions the recorded facts meet (legal-facts 5.3a): a
    use case is offered only when its conditions hold."""
    key, state, transit, protected = _facts(d)
    return [u for u in tests.use_cases.rows if u.fits(key, state, transit, protected)]


def clear_data_case(
    d: TransferDescription, importer: Importer, tests: AssessmentTests
) -> UseCaseRow | None:
    """Use Case 7 (remote access for business purposes: a group company or a controller using
    the data for its own purposes) or 6 (a cloud provider or other processor) where the
    importer has the data in the clear; None where it does not."""
    if d.data_format is not DataFormat.CLEAR or d.protected_recipient:
        return None
    own_purposes = importer.kind is EntityKind.GROUP or importer.role is Role.CONTROLLER
    return tests.use_cases.get("UC7" if own_purposes else "UC6")


# -- the laws of the destination -------------------------------------------------------------


class Reach(StrEnum):
    """Whom a law of the destination reaches, as its profile text describes it."""

    PROVIDERS = "providers"  # it compels communications providers
    ANY = "any"  # any organisation or holder of data
    TRANSIT = "transit"  # it intercepts data on the way, compelling no one here
    CONTEXT = "context"  # not an access power: oversight, limits, redress, events


# Words of a title that say what kind of item it is.
_CONTEXT_TITLE = re.compile(
    r"\b(oversight|PCLOB|redress|sunset|lapse|litigation|queries|aftermath|practice|"
    r"events|constitution|safeguards)\b",
    re.IGNORECASE,
)
# Words of a summary: a limit, an oversight body or a remedy rather than a power.
_CONTEXT = re.compile(
    r"necessity and proportionality|redress|oversight|remed(y|ies)|does not apply|"
    r"do not apply|struck down|no power to",
    re.IGNORECASE,
)
_PROVIDERS = re.compile(
    r"electronic communication|communication service|\bECSP?\b|remote computing|telecom|"
    r"carrier|carriage service|network operator|licensed operator|intermediar|"
    r"communications (compan|provider)|designated communications|internet provider|"
    r"\boperators?\b|\bproviders?\b",
    re.IGNORECASE,
)
_TRANSIT = re.compile(
    r"in transit|transiting|signals intelligence|collection abroad|bulk interception",
    re.IGNORECASE,
)


def law_reach(law: LawItem) -> Reach:
    """How far a law reaches, read from its title and the profile's summary of it."""
    title, text = law.title, law.summary
    if title == "Redress" or _CONTEXT_TITLE.search(title):
        return Reach.CONTEXT
    if _PROVIDERS.search(text) or _PROVIDERS.search(title):
        return Reach.PROVIDERS
    if _CONTEXT.search(text):
        return Reach.CONTEXT
    if _TRANSIT.search(text) or _TRANSIT.search(title):
        return Reach.TRANSIT
    return Reach.ANY  # any holder of data, or the profile does not say: as a precaution


def law_view(
    law: LawItem, importer: Importer, destination: str, provider: bool | None, encrypted: bool
) -> tuple[bool, str]:
    """(applies, why): the assessor's own reasoning where written, else the reasoning from
    what the law reaches and what the importer is."""
    if law.reasoning.strip():
        return law.applies, law.reasoning.strip()
    place = country_name(destination)
    who = f"{importer.name}, {importer.phrase},"
    reach = law_reach(law)
    if reach is Reach.CONTEXT:
        return False, (
            "Not itself a power to obtain data: it bears on the limits, oversight or redress "
            f"that apply in {place}, weighed in the assessment of the European Essential "
            "Guarantees."
        )
    if reach is Reach.TRANSIT:
        shield = (
            " The data is encrypted in transit, so what is collected on the way is ciphertext."
            if encrypted
            else ""
        )
        return True, (
            f"It does not compel {importer.name}; it reaches the data while it travels to and "
            f"from {place}.{shield}"
        )
    if reach is Reach.PROVIDERS:
        if provider is True:
            return True, (
                f"It compels providers of communication services. {who} is treated as such a "
                "provider: the law can compel it to disclose the data it holds."
            )
        if provider is False:
            return False, (
                f"It compels providers of communication services. {who} is not such a "
                "provider, so it cannot be compelled under this law; the data can be reached "
                "only where it passes through such a provider."
            )
        return True, (
            f"It compels providers of communication services. Whether {who} is such a "
            "provider has not been established, so the law is treated as reaching it."
        )
    return True, (
        f"It reaches organisations holding data in {place}, so it reaches {who} and the "
        "data it holds there."
    )


def encrypted_in_transit(c: TiaContent) -> bool:
    """A technical measure in place that encrypts the data in transit (catalogue T2)."""
    return any(
        m.kind is MeasureKind.TECHNICAL and m.in_place and m.code == "T2" for m in c.measures
    )


# -- the facts the research could not verify ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnverifiedFact:
    """A fact an assessment relies on that the research could not verify: the approver must
    accept it by ``key`` before the assessment is approved."""

    key: str
    statement: str
    as_of: date


def unverified_facts(
    c: TiaContent,
    tests: AssessmentTests,
    used: Sequence[tuple[AssessmentTest, Mechanism | None]],
    uk_method_used: bool,
    clear_case: UseCaseRow | None,
    profile_as_of: date | None,
) -> list[UnverifiedFact]:
    """Every unverified fact the assessment relies on, once each, in the document's order:
    the tests and tool clauses, the destination's laws and guarantees, the use cases, the ICO
    tool's scale and the Rosenthal method."""
    out: dict[str, UnverifiedFact] = {}
    research = tests.as_of

    def add(key: str, statement: str, as_of: date) -> None:
        out.setdefault(key, UnverifiedFact(key, statement, as_of))

    for test, mechanism in used:
        if not test.verified:
            add(f"test:{test.id}", f"{test.name}: {test.note}", research)
        clause = test.clause_for(mechanism) if mechanism is not None else None
        if clause is not None and not clause.verified:
            add(f"clause:{test.id}:{mechanism}", f"{clause.clause}: {clause.note}", research)
    when = profile_as_of or research
    for law in c.laws:
        if not law.verified:
            add(f"law:{law.title}", f"{law.title}: {clean(strip_markers(law.summary))}", when)
    for e in c.eeg:
        if not e.verified:
            add(
                f"eeg:{e.guarantee}",
                f"Guarantee {e.guarantee}: {clean(strip_markers(e.notes))}",
                when,
            )
    cases = [m.use_case for m in c.measures if m.use_case]
    if clear_case is not None:
        cases.append(clear_case.code)
    for code in dict.fromkeys(cases):
        row = tests.use_cases.get(code)
        if row is not None and not row.verified:
            add(f"use_case:{code}", f"EDPB Use Case {code[2:]} ({row.title}): {row.note}", research)
    if uk_method_used and c.category_risks and not tests.ico_tra.scale_verified:
        add("method:ico-tra-scale", tests.ico_tra.scale_note, research)
    if c.quantitative is not None and c.quantitative.bases and not tests.rosenthal.verified:
        add("method:rosenthal", tests.rosenthal.note, research)
    return list(out.values())


# -- the research markers, never printed ------------------------------------------------------

_BRACKET = re.compile(r"\s*\[([^\[\]]+)\]")
_REF = re.compile(r"\b([A-Z]{1,2}-\d+)\b")


def strip_markers(text: str, cite: Mapping[str, int] | None = None) -> str:
    """Profile text as a reader sees it: "[S US-10]" becomes the bibliography's "[3]" (when
    ``cite`` numbers that source) or goes; "[M]" becomes "(not independently verified)";
    "[I]" and markdown emphasis go. The facts marked [M] are also listed separately, with who
    accepted them."""

    def replace(m: re.Match[str]) -> str:
        inner = m.group(1)
        out = ""
        if cite is not None and re.search(r"(^|[;\s])S\s", inner):
            numbers = sorted({cite[r] for r in _REF.findall(inner) if r in cite})
            out = " " + "".join(f"[{n}]" for n in numbers) if numbers else ""
        # A fact from memory says so in words, where it stands (and is listed for acceptance).
        if re.search(r"(^|[;\s])M\b", inner):
            out += " (not independently verified)"
        return out

    text = _BRACKET.sub(replace, text.replace("**", ""))
    return re.sub(r"\s+([.,;:)])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def clean(text: str) -> str:
    """Research wording that has no place in a document a regulator reads."""
    text = re.sub(r"\s*\((?:see )?legal-facts(?:\.md)?[^()]*\)", "", text)
    text = re.sub(r"legal-facts(?:\.md)?(?: section)? ?[\d.]*", "the reference data", text)
    return text.replace("weak sources", "unverified reports")
