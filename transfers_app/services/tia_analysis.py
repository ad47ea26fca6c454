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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from transfers_app.domain import enums
from transfers_app.domain.countries import country_name
from transfers_app.domain.formatting import ROLE_LABELS, day
from transfers_app.domain.models import Document, Entity, Transfer
from transfers_app.domain.tia import (
    DataFormat,
    KeyHolder,
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
from transfers_app.rules.results import Gap

# -- the importer, as the reasoning names it ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Importer:
    """What the reasoning says about the importer: who it is and what it does with the data."""

    name: str
    kind: enums.EntityKind
    role: enums.Role
    access: enums.Access
    service: str
    activities: tuple[enums.Activity, ...]
    parent_of_exporter: bool = False

    @property
    def phrase(self) -> str:
        """'a third-party vendor acting as processor for cloud hosting of the platform'."""
        kind = {
            enums.EntityKind.GROUP: "a company of the exporter's group"
            + (" (its parent)" if self.parent_of_exporter else ""),
            enums.EntityKind.VENDOR: "a third-party service provider",
            enums.EntityKind.CUSTOMER: "a customer",
        }[self.kind]
        what = f" ({lower_first(self.service)})" if self.service else ""
        return f"{kind} acting as {ROLE_LABELS[self.role]}{what}"

    @property
    def hosts(self) -> bool:
        return enums.Activity.HOSTING in self.activities or enums.Activity.BACKUP in self.activities

    @property
    def remote(self) -> bool:
        """Does it reach the data by remote access (rather than hold a copy)?"""
        return self.access is enums.Access.REMOTE_ACCESS

    @property
    def activity_words(self) -> str:
        """What it does with the data, in a few words ("cloud hosting of the platform")."""
        if self.service:
            return lower_first(self.service)
        return ROLE_LABELS[self.role]


def importer_of(entity: Entity, transfer: Transfer, activities: Iterable[enums.Activity],
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

    regime: enums.Regime
    finding: str  # the destination test in words ("restricted: no adequacy ...")
    mechanism: enums.Mechanism | None  # the tool relied on (None: none recorded)
    name: str  # "the UK Addendum (B1.0) with the EU SCCs, Module 1"
    documents: tuple[str, ...]  # each document with its dates, in words
    valid: bool
    status: str  # "in force" / "expired on 5 Nov 2026: not valid" ...
    fallback: str  # the next tool listed for the regime, named; "" when none
    needs_assessment: bool  # does this regime's tool call for the assessment?
    scc_module: int | None
    dated: tuple[tuple[str, str], ...] = ()  # (title, its dates in words) of each document
    expires_on: date | None = None  # the first expiry of its documents
    review_on: date | None = None  # the first review date the register gives its documents
    invalid_after: date | None = None  # the last day it was valid, when it no longer is
    replacements: tuple[str, ...] = ()  # the tools usable instead, for new contracts
    authority: str = ""  # the supervisory authority the clauses name (SCC Clause 13)

    @property
    def line(self) -> str:
        """The tool in one line, for the decision page: its name, its status and any expiry
        (its documents, with their dates, are in the section on the tools)."""
        text = f"{self.name}: {self.status}"
        if not self.valid and self.invalid_after is not None:
            text = f"{self.name}: not valid after {day(self.invalid_after)}"
        if self.valid and self.expires_on is not None:
            text += f" (expires {day(self.expires_on)})"
        return text + (f". Fallback: {self.fallback}" if self.fallback else ". No fallback")


_DPF_NAMES = {
    enums.Regime.EU: "the EU-US Data Privacy Framework",
    enums.Regime.UK: "the UK Extension to the EU-US Data Privacy Framework",
    enums.Regime.CH: "the Swiss-US Data Privacy Framework",
}


def _module(doc: Document | None, expected: int) -> int:
    return doc.scc_module if doc is not None and doc.scc_module else expected


def tool_name(
    mechanism: enums.Mechanism,
    regime: enums.Regime,
    doc: Document | None,
    partner: Document | None,
    module: int,
    ref: ReferenceSet,
) -> str:
    """A tool as a lawyer names it, per regime: the EU SCCs are the EU's tool; for the UK the
    Addendum with the SCCs (or the IDTA); for Switzerland the SCCs with the Swiss amendments."""
    version = f" ({doc.instrument_version})" if doc is not None and doc.instrument_version else ""
    if mechanism is enums.Mechanism.UK_ADDENDUM:
        return f"the UK Addendum{version} with the EU SCCs, Module {_module(partner, module)}"
    if mechanism is enums.Mechanism.UK_IDTA:
        return f"the International Data Transfer Agreement{version}"
    if mechanism is enums.Mechanism.EU_SCC:
        inst = ref.instruments.get(enums.DocumentKind.EU_SCC_2021)
        number = re.search(r"\(EU\) \d{4}/\d+", inst.reference) if inst is not None else None
        basis = f" (Decision {number.group(0)})" if number and regime is enums.Regime.EU else ""
        swiss = " with the Swiss amendments" if regime is enums.Regime.CH else ""
        return f"the EU SCCs{basis}{swiss}, Module {_module(doc, module)}"
    if mechanism is enums.Mechanism.DPF:
        return _DPF_NAMES[regime] + " (importer certified)"
    if mechanism is enums.Mechanism.LEGACY_SCC:
        return f"standard contractual clauses of {doc.instrument_version}" if doc and (
            doc.instrument_version
        ) else "legacy standard contractual clauses"  # fmt: skip
    if mechanism is enums.Mechanism.BCR:
        return "binding corporate rules"
    if mechanism is enums.Mechanism.DEROGATION:
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
    regimes: Sequence[enums.Regime],
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
            importer_in_group=ctx.importer.kind is enums.EntityKind.GROUP,
        )  # fmt: skip
        finding = _finding(a, regime, t.destination, on)
        if not a.restricted or not a.needs_mechanism:
            decision = f" ({_short(a.decision.reference)})" if a.decision else ""
            out.append(
                RegimeTool(
                    regime, finding, enums.Mechanism.ADEQUACY if a.restricted else None,
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
            verdicts.append((use, ok, [g for g in gaps if ok is False], found))
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
        partner = addendum_partner if use.mechanism is enums.Mechanism.UK_ADDENDUM else None
        docs = tuple(document_words(d, on) for d in (doc, partner) if d is not None)
        invalid_after = None
        if valid:
            status = "valid on " + day(on)
        else:
            first = problems[0] if problems else None
            invalid_after = _last_valid_day(first, doc)
            why = first.text() if first is not None else "it does not make the transfer lawful"
            status = f"NOT VALID on {day(on)}: {why}"
        later = [v for v in verdicts if v is not relied]
        fallback = ""
        if later:
            f_use, f_valid, _, f_doc = later[0]
            f_partner = addendum_partner if f_use.mechanism is enums.Mechanism.UK_ADDENDUM else None
            fallback = tool_name(f_use.mechanism, regime, f_doc, f_partner, expected, ref)
            if f_doc is not None:
                fallback += f" ('{f_doc.title}')"
            if not f_valid:
                fallback += ", itself not valid"
        rule = ref.mechanisms.get(use.mechanism)
        docs_of = [d for d in (doc, partner) if d is not None]
        expiries = [d.expires_on for d in docs_of if d.expires_on is not None]
        reviews = [d.next_review_on for d in docs_of if d.next_review_on is not None]
        authority = next(
            (
                d.scc_options.clause13_authority
                for d in docs_of
                if d.scc_options is not None and d.scc_options.clause13_authority
            ),
            "",
        )
        # The tools usable for a new contract on the day, where the one relied on fails.
        replacements = tuple(
            dict.fromkeys(
                sg.label
                for sg in a.safeguards
                if sg.mechanism not in (enums.Mechanism.DEROGATION, enums.Mechanism.BCR)
            )
        )
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
                if use.mechanism in (enums.Mechanism.EU_SCC, enums.Mechanism.UK_ADDENDUM)
                else None,
                expires_on=min(expiries, default=None),
                review_on=min(reviews, default=None),
                invalid_after=invalid_after,
                replacements=replacements if not valid else (),
                authority=authority,
            )
        )
    return tuple(out)


def _last_valid_day(problem: Gap | None, doc: Document | None) -> date | None:
    """The last day a tool was valid: the day the rule that ended it names (an expiry, a
    legal deadline), else its document's expiry."""
    if problem is not None and problem.last_valid_on is not None:
        return problem.last_valid_on
    if doc is not None and doc.expires_on is not None:
        return doc.expires_on
    return None


def _short(reference: str) -> str:
    """A decision's reference without the notes the data adds after it ("; treated as ...")."""
    return reference.split(";", 1)[0].strip()


def _finding(a: DestinationAssessment, regime: enums.Regime, destination: str, on: date) -> str:
    """The destination test in a sentence of its own (the rules' reason also lists the usable
    safeguards and notes written for the register's screens)."""
    place = country_name(destination)
    name = {enums.Regime.UK: "UK", enums.Regime.EU: "EU", enums.Regime.CH: "Swiss"}[regime]
    if a.finding is enums.Finding.NOT_RESTRICTED:
        return f"{place} is inside the {name} area: the transfer is not restricted."
    if a.finding is enums.Finding.UNKNOWN:
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
    if d is not None and a.finding is enums.Finding.ADEQUATE:
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
        if mechanism is enums.Mechanism.EU_SCC and doc_id is not None and doc_id in documents:
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
    own_purposes = importer.kind is enums.EntityKind.GROUP or importer.role is enums.Role.CONTROLLER
    return tests.use_cases.get("UC7" if own_purposes else "UC6")


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
    used: Sequence[tuple[AssessmentTest, enums.Mechanism | None]],
    clear_case: UseCaseRow | None,
) -> list[UnverifiedFact]:
    """Every unverified fact the assessment relies on, once each, in the document's order:
    the tests and tool clauses, the laws and guarantees of each country, the use cases. Each is
    the fact itself, as the document relies on it (never a note on how it was researched).

    The ICO tool's scale and the Rosenthal method are not facts the assessment relies on: the
    document describes them as the organisation's own method, adapted from their sources."""
    out: dict[str, UnverifiedFact] = {}
    research = tests.as_of

    def add(key: str, statement: str, as_of: date) -> None:
        out.setdefault(key, UnverifiedFact(key, statement, as_of))

    for test, mechanism in used:
        if not test.verified:
            add(
                f"test:{test.id}",
                f"The test under {test.regime.value} law: {test.name} ({test.legal_basis})",
                research,
            )
        clause = test.clause_for(mechanism) if mechanism is not None else None
        if clause is not None and not clause.verified:
            add(
                f"clause:{test.id}:{mechanism}",
                f"The clause that carries the assessment: {clause.clause}",
                research,
            )
    for country in c.countries:
        when = country.profile_as_of or research
        prefix = "" if country.country == c.destination else f"{country.country}:"
        for law in country.laws:
            if not law.verified:
                statement = f"{law.title}: {unverified_part(law.summary)}"
                add(f"law:{prefix}{law.title}", statement, when)
        for e in country.eeg:
            if not e.verified:
                where = f" ({country_name(country.country)})" if prefix else ""
                add(
                    f"eeg:{prefix}{e.guarantee}",
                    f"Guarantee {e.guarantee}{where}: {unverified_part(e.notes)}",
                    when,
                )
    cases = [m.use_case for m in c.measures if m.use_case]
    if clear_case is not None:
        cases.append(clear_case.code)
    for code in dict.fromkeys(cases):
        row = tests.use_cases.get(code)
        if row is not None and not row.verified:
            verdict = (
                "the EDPB found an effective technical measure where its conditions hold"
                if row.effective
                else "the EDPB found no effective technical measure"
            )
            add(f"use_case:{code}", f"EDPB Use Case {code[2:]} ({row.title}): {verdict}", research)
    return list(out.values())


# -- the research markers, never printed ------------------------------------------------------

_BRACKET = re.compile(r"\s*\[([^\[\]]+)\]")
_REF = re.compile(r"\b([A-Z]{1,2}-\d+)\b(?:\s*\(([^()]*)\))?")
UNVERIFIED_MARK = "\u2020"  # a dagger: "not independently verified", said once in a legend

# Cites the sources of one "[S ...]" marker: (ref, note) pairs in, " [n]" marks out.
Citer = Callable[[Sequence[tuple[str, str]]], str]


def marker_refs(inner: str) -> list[tuple[str, str]]:
    """The (ref, note) pairs a marker's inside cites when it is a source marker."""
    if not re.search(r"(^|[;\s])S\s", inner):
        return []
    return [(m.group(1), (m.group(2) or "").strip()) for m in _REF.finditer(inner)]


def strip_markers(text: str, cite: Citer | None = None, mark: str = "") -> str:
    """Profile text as a reader sees it: "[S US-10]" becomes the bibliography's "[3]" (when
    ``cite`` numbers its sources) or goes; "[M]" becomes ``mark`` (a dagger the document
    explains once, or nothing); "[I]" and markdown emphasis go."""

    def replace(m: re.Match[str]) -> str:
        inner = m.group(1)
        out = ""
        if cite is not None:
            out = cite(marker_refs(inner))
        if mark and re.search(r"(^|[;\s])M\b", inner):
            out = mark + out
        return out

    # "... is not verified [M]" would say it twice: the mark says it.
    text = re.sub(r"\bis not verified(?=\s*\[M)", "is not established", text)
    if mark:
        # A note on what the research could not check ("exact figures [M]"): said in words.
        text = _NOTE.sub(lambda m: f"{m.group(1)} not independently verified", text)
    text = _BRACKET.sub(replace, text.replace("**", ""))
    return re.sub(r"\s+([.,;:)])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


# A short note, after a sourced statement, naming the detail the research could not check.
_NOTE = re.compile(
    r"(?<=;\s)((?:the )?(?:exact|final wording|status in|section number|direction number|"
    r"UK designation status)[^;\[\]]{0,100}?)\s*\[M\]"
)


def _balanced(text: str) -> str:
    """``text`` without a bracket its clause left open or closed alone."""
    while text.count(")") > text.count("(") and ")" in text:
        i = text.index(")") if text.find("(") == -1 or text.index(")") < text.index("(") else -1
        if i < 0:
            break
        text = (text[:i] + text[i + 1 :]).replace("  ", " ")
    if text.count("(") > text.count(")"):
        text += ")"
    return text.replace(" ,", ",")


def unverified_part(text: str) -> str:
    """The parts of a profile text marked [M]: the fact the reader must take on trust (the
    whole text when it is all unverified, or when its parts cannot be told apart)."""
    guarded = re.sub(r"\b(Pub|No|Art|Sen|St)\. (?=[A-Z0-9])", "\\1.\x00", text)
    parts = [
        p.replace("\x00", " ") for p in re.split(r";\s+|(?<=[a-z0-9)\]])\.\s+(?=[A-Z])", guarded)
    ]
    marked = [p for p in parts if re.search(r"\[M\b[^\]]*\]", p)]
    if not marked:
        return clean(strip_markers(text))
    words = [_balanced(clean(strip_markers(p)).strip(" ()")) for p in marked]
    out = "; ".join(w for w in words if w)
    return out[:1].upper() + out[1:] if out else clean(strip_markers(text))


# Wording about how a fact was researched: the document states a fact's status once, in the
# list of unverified facts, never as a note on the research.
_RESEARCH_WORDS = re.compile(
    r",?\s*(?:is |are )?reported only by (?:a )?weak sources?(?:, which [^;.]*)?|"
    r",?\s*comes? only from weak sources|\s*\((?:[^()]*; )?seen only in unofficial "
    r"consolidations\)|(?:weak sources report|further detail reported by weak sources)\s*[—-]?\s*|"
    r"\bpress detail \(([^()]*)\)|\s*[—-]\s*check first\.?",
    re.IGNORECASE,
)


def lower_first(text: str) -> str:
    """``text`` to run on inside a sentence: its first letter in lower case, unless the word is
    an abbreviation ("TLS 1.3", "IP address" stay as they are)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def clean(text: str) -> str:
    """Research wording that has no place in a document a regulator reads."""
    text = re.sub(r"\s*\((?:see )?legal-facts(?:\.md)?[^()]*\)", "", text)
    text = re.sub(r"legal-facts(?:\.md)?(?: section)? ?[\d.]*", "the reference data", text)
    text = _RESEARCH_WORDS.sub(lambda m: m.group(1) or "", text)
    return re.sub(r"\s{2,}", " ", text).strip()
