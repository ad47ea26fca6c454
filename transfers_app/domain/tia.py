"""The structured transfer impact assessment (TIA / UK transfer risk assessment).

One ``TiaContent`` holds what the assessor answers, organised as the method sources ask
(legal-facts section 5): the EDPB's six steps (Recommendations 01/2020 v2.0), the four
European Essential Guarantees (Recommendations 02/2020), the SCC Clause 14(b) factors, the ICO
TRA questions and decision points, and the optional Rosenthal probability estimate; then a
conclusion per regime assessed (``RegimeConclusion``: a transfer from the UK and the EU meets
two tests and gets two conclusions), the unverified facts the approver accepted
(``AcceptedFact``) and the assessment's own change log, with named people (``LogEntry``).
``TiaInputs`` is the snapshot of the register the assessment was made on: when the register
drifts from it, the assessment is stale (``stale_reasons``).

Everything here is pure: dataclasses, enums and arithmetic. JSON (de)serialisation is generic
over the dataclasses so storage keeps one text column per structure.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from typing import Any, NamedTuple, TypeVar

from transfers_app.domain.enums import Regime

# -- vocabularies ---------------------------------------------------------------------------


class EegRating(StrEnum):
    """Indicative rating of one European Essential Guarantee (country-profiles.md, note 4)."""

    NOT_ASSESSED = ""
    LARGELY_MET = "largely_met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    OPEN = "open"


EEG_RATING_LABELS = {
    EegRating.NOT_ASSESSED: "Not assessed",
    EegRating.LARGELY_MET: "Largely met",
    EegRating.PARTLY_MET: "Partly met",
    EegRating.NOT_MET: "Not met",
    EegRating.OPEN: "Open",
}

# EDPB Recommendations 02/2020 (legal-facts.md 5.2).
EEG_GUARANTEES = {
    "A": "Processing based on clear, precise and accessible rules",
    "B": "Necessity and proportionality with regard to the legitimate objectives pursued",
    "C": "An independent oversight mechanism",
    "D": "Effective remedies available to the individual",
}


class MeasureKind(StrEnum):
    TECHNICAL = "technical"
    CONTRACTUAL = "contractual"
    ORGANISATIONAL = "organisational"


class DataFormat(StrEnum):
    """The state of the data at the importer (legal-facts 5.3a)."""

    CLEAR = "clear"
    PSEUDONYMISED = "pseudonymised"
    ENCRYPTED = "encrypted"  # encrypted with keys the importer does not hold
    SPLIT = "split"  # split between processors so that none can reconstruct it


class KeyHolder(StrEnum):
    """Who holds the decryption keys or the re-identification data (legal-facts 5.3a)."""

    EXPORTER = "exporter"
    TRUSTED_PARTY = "trusted_party"  # an entity the exporter entrusts in the EEA/UK or adequate
    IMPORTER = "importer"
    NONE = "none"  # nothing is encrypted or pseudonymised


class Conclusion(StrEnum):
    UNDECIDED = ""
    PROCEED = "proceed"
    PROCEED_WITH_MEASURES = "proceed_with_measures"
    SUSPEND = "suspend"  # do not start / suspend or end the transfer (EDPB paras 50-51)


# Words that hold under every regime's test (the EU's standard is "essentially equivalent",
# the UK's "not materially lower": the test's own conclusion says which).
CONCLUSION_LABELS = {
    Conclusion.UNDECIDED: "Not yet concluded",
    Conclusion.PROCEED: "Proceed: the test is met without further measures",
    Conclusion.PROCEED_WITH_MEASURES: "Proceed with the supplementary measures recorded",
    Conclusion.SUSPEND: "Do not start, or suspend or end, the transfer",
}


class ResidualRisk(StrEnum):
    UNRATED = ""
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class InvestigationLevel(StrEnum):
    """ICO TRA decision B (legal-facts.md 5.5; decision points not matched to the ICO text)."""

    NONE = ""  # low harm risk: no investigation needed (decision A)
    LEVEL_1 = "level_1"
    LEVEL_2 = "level_2"
    LEVEL_3 = "level_3"


class HumanRights(StrEnum):
    """ICO TRA decision C (Q4)."""

    UNANSWERED = ""
    C1 = "C1"  # no human-rights concerns
    C2 = "C2"  # concerns, but the transfer does not significantly increase the risk
    C3 = "C3"  # every category significantly increases the risk
    C4 = "C4"  # some categories do


class Enforceability(StrEnum):
    """ICO TRA decision D (Q5)."""

    UNANSWERED = ""
    D1 = "D1"  # only low/moderate-risk data
    D2 = "D2"  # no enforcement concerns
    D3 = "D3"  # high likelihood the importer accepts UK courts or arbitration
    D4 = "D4"  # other factors make enforcement adequate
    D5 = "D5"  # enforceability-risk data remains


# The answers in words: the letters are the ICO template's decision points, which a reader
# of the assessment does not need (and which the research could not match to the template).
HUMAN_RIGHTS_LABELS = {
    HumanRights.UNANSWERED: "Not answered",
    HumanRights.C1: "No: there are no human-rights concerns in the destination for this data",
    HumanRights.C2: "No: there are concerns in the destination, but the transfer does not "
    "significantly increase the risk for this data",
    HumanRights.C3: "Yes: the transfer significantly increases the risk for every category of data",
    HumanRights.C4: "Yes, for some categories of data: those categories are significant-risk data",
}

ENFORCEABILITY_LABELS = {
    Enforceability.UNANSWERED: "Not answered",
    Enforceability.D1: "Yes: only low or moderate risk data is transferred",
    Enforceability.D2: "Yes: there are no concerns about enforcing the safeguard",
    Enforceability.D3: "Yes: the importer is likely to accept the jurisdiction of the UK courts "
    "or arbitration",
    Enforceability.D4: "Yes: other factors make the safeguard enforceable",
    Enforceability.D5: "No: some data is at risk because the safeguard cannot be enforced",
}

# EDPB Annex 2 use cases (legal-facts.md 5.3). UC4/UC5 conditions and UC7 are unverified [M].
USE_CASES = {
    "UC1": ("Storage not requiring access in the clear (backup)", "effective", True),
    "UC2": ("Transfer of pseudonymised data", "effective", True),
    "UC3": ("Encrypted data merely transiting third countries", "effective", True),
    "UC4": ("Protected recipient", "effective", False),
    "UC5": ("Split or multi-party processing", "effective", False),
    "UC6": ("Cloud or other processor needing access in the clear", "no effective measure", True),
    "UC7": ("Remote access for business purposes", "no effective measure", False),
}


# -- the assessment ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TransferDescription:
    """EDPB step 1 / ICO Q1 / SCC Annex I.B: prefilled from the register, then completed."""

    purpose: str = ""
    nature_of_processing: str = ""
    data_categories: tuple[str, ...] = ()
    data_subjects: tuple[str, ...] = ()
    special_categories: str = ""  # which special-category or criminal data, if any
    vulnerable_subjects: bool = False  # children or otherwise vulnerable people (ICO Q1)
    volume: str = ""
    frequency: str = ""
    retention: str = ""
    data_format: DataFormat = DataFormat.CLEAR
    key_holder: KeyHolder = KeyHolder.IMPORTER
    transit_only: bool = False  # the data only passes through the destination (EDPB UC3)
    protected_recipient: bool = False  # local law shields the importer from access (UC4)
    transmission_channels: str = ""
    storage_locations: tuple[str, ...] = ()  # ISO codes where the data is stored or accessed
    onward_transfers: tuple[str, ...] = ()  # "Name (country): service"
    minimisation: str = ""  # is the transfer adequate, relevant and limited?


@dataclass(frozen=True, slots=True)
class LawItem:
    """A destination law or practice relevant to the importer (EDPB step 3, Clause 14(b)(ii))."""

    title: str
    summary: str = ""
    sources: tuple[str, ...] = ()  # URLs or citations
    verified: bool = True  # False for facts the reference data marks [M]
    applies: bool = True  # the assessor's view whether it reaches this importer and data
    reasoning: str = ""  # why it does or does not reach this importer (its kind, its sector)


@dataclass(frozen=True, slots=True)
class EegFinding:
    guarantee: str  # "A".."D"
    rating: EegRating = EegRating.NOT_ASSESSED
    notes: str = ""
    verified: bool = True  # False where the notes carry facts the profile marks unverified


@dataclass(frozen=True, slots=True)
class CountryLaw:
    """The law and practice of another third country where the importer also stores or
    accesses the data (remote access is a transfer too: EDPB Recommendations 01/2020, para 13),
    assessed as the destination is."""

    country: str  # ISO alpha-2
    profile_as_of: date | None = None
    laws: tuple[LawItem, ...] = ()
    eeg: tuple[EegFinding, ...] = ()
    practice: str = ""


@dataclass(frozen=True, slots=True)
class Measure:
    """A supplementary measure (EDPB step 4), with the Annex 2 use case it relies on."""

    kind: MeasureKind
    description: str
    code: str = ""  # catalogue code from the country profiles (T1..T6, C1..C6, O1..O4)
    use_case: str = ""  # "UC1".."UC7" or ""
    in_place: bool = False  # implemented (True) or still planned (False)


@dataclass(frozen=True, slots=True)
class CategoryRisk:
    """ICO TRA Q2: risk to people per category of data, inherent and after safeguards."""

    category: str
    inherent: int = 0  # 1..5 (the 1-5 scale is unverified [M]); 0 = not scored
    residual: int = 0


@dataclass(frozen=True, slots=True)
class Factor:
    label: str
    probability: float  # 0..1, per year


@dataclass(frozen=True, slots=True)
class AccessBasis:
    """One legal basis of foreign lawful access (Rosenthal method, legal-facts.md 5.6)."""

    name: str
    factors: tuple[Factor, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Quantitative:
    period_years: int = 5
    threshold: float = 0.10  # acceptable probability over the period (Zurich used 10 %/5 y)
    bases: tuple[AccessBasis, ...] = ()


@dataclass(frozen=True, slots=True)
class RegimeConclusion:
    """The conclusion under one regime's test (a UK and EU transfer has one of each)."""

    regime: Regime
    conclusion: Conclusion = Conclusion.UNDECIDED
    residual_risk: ResidualRisk = ResidualRisk.UNRATED
    conditions: tuple[str, ...] = ()  # what must stay true for the conclusion to hold
    text: str = ""  # the assessor's reasoning, after the test's own wording

    @property
    def decided(self) -> bool:
        return (
            self.conclusion is not Conclusion.UNDECIDED
            and self.residual_risk is not ResidualRisk.UNRATED
        )


@dataclass(frozen=True, slots=True)
class AcceptedFact:
    """A fact the research could not verify, which the approver accepted for this assessment."""

    key: str  # stable across edits: "law:FISA s.702", "use_case:UC6", "test:ch-scc-clause-14"
    statement: str
    as_of: date  # not independently verified as of this date (the research date)
    accepted_by: str
    accepted_on: date


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One event of the assessment, by a named person (never a computer login)."""

    on: date
    by: str
    event: str


@dataclass(frozen=True, slots=True)
class TiaContent:
    # Step 1: know the transfer
    description: TransferDescription = field(default_factory=TransferDescription)
    # Step 2: the transfer tool (the mechanisms come from the register; this explains them)
    tool_notes: str = ""
    # Step 3: destination law and practice; Clause 14(b)
    destination: str = ""  # ISO alpha-2
    profile_as_of: date | None = None  # date of the country profile the laws started from
    laws: tuple[LawItem, ...] = ()
    practice: str = ""  # importer's experience of requests, transparency reports, case law
    # What the importer is, for whom each access law can compel (None: not established):
    # a provider of electronic communication, remote computing or telecommunication services
    # (US FISA s.702, the CLOUD Act, the Australian TOLA Act...);
    communications_provider: bool | None = None
    # an intermediary or online platform, hosting or passing on content for others (India's
    # IT Rules, Singapore's Foreign Interference Act...);
    intermediary: bool | None = None
    # an owner of critical infrastructure (Singapore's Cybersecurity Act...);
    critical_infrastructure: bool | None = None
    # and whether the data passes through a communications provider in the destination (a
    # local carrier or internet provider: interception laws reach it there).
    via_provider: bool | None = None
    circumstances: str = ""  # Clause 14(b)(i): chain length, actors, channels, sector
    eeg: tuple[EegFinding, ...] = ()
    problematic_law: bool | None = None  # does problematic legislation reach this transfer?
    # The other third countries where the importer stores or accesses the data.
    other_countries: tuple[CountryLaw, ...] = ()
    # Step 4 and 5
    measures: tuple[Measure, ...] = ()
    procedural_steps: str = ""
    # Step 6
    review_triggers: tuple[str, ...] = ()
    # UK: the method of the data protection test (an id of the assessment test's methods)
    uk_method: str = "ico_tra_tool"
    # UK: ICO TRA
    category_risks: tuple[CategoryRisk, ...] = ()
    large_organisation: bool = False
    high_volume: bool = False
    human_rights: HumanRights = HumanRights.UNANSWERED
    human_rights_notes: str = ""
    enforceability: Enforceability = Enforceability.UNANSWERED
    enforceability_notes: str = ""
    exceptions_apply: bool | None = None  # Q6: Art 49 exceptions cover all significant-risk data
    # Optional quantitative estimate
    quantitative: Quantitative | None = None
    # Conclusion, per regime assessed. The three single fields are the conclusion of an
    # assessment written before conclusions were per regime: a regime without its own
    # conclusion reads them (``conclusion_for``).
    conclusions: tuple[RegimeConclusion, ...] = ()
    conclusion: Conclusion = Conclusion.UNDECIDED
    residual_risk: ResidualRisk = ResidualRisk.UNRATED
    conclusion_text: str = ""
    art49_fallback: str = ""
    # Sign-off
    accepted: tuple[AcceptedFact, ...] = ()
    log: tuple[LogEntry, ...] = ()

    def conclusion_for(self, regime: Regime) -> RegimeConclusion:
        found = next((x for x in self.conclusions if x.regime is regime), None)
        if found is not None:
            return found
        return RegimeConclusion(
            regime, self.conclusion, self.residual_risk, (), self.conclusion_text
        )

    def with_conclusion(self, new: RegimeConclusion) -> TiaContent:
        """This content with ``new`` as its regime's conclusion (others kept, in order)."""
        others = tuple(x for x in self.conclusions if x.regime is not new.regime)
        order = {r: i for i, r in enumerate(Regime)}
        merged = sorted((*others, new), key=lambda x: order[x.regime])
        return dataclasses.replace(self, conclusions=tuple(merged))

    def acceptance(self, key: str) -> AcceptedFact | None:
        return next((a for a in self.accepted if a.key == key), None)

    @property
    def countries(self) -> tuple[CountryLaw, ...]:
        """The law of each third country assessed: the destination first, then the others."""
        main = CountryLaw(self.destination, self.profile_as_of, self.laws, self.eeg, self.practice)
        return (main, *self.other_countries)


@dataclass(frozen=True, slots=True)
class TiaInputs:
    """What the register said when the assessment was made: the basis of its staleness check."""

    taken_on: date
    importer_id: int
    importer_name: str
    countries: tuple[str, ...]  # destination and the importer's locations
    mechanisms: tuple[str, ...]
    data_categories: tuple[str, ...]
    data_subjects: tuple[str, ...]
    subprocessors: tuple[str, ...]  # "Name (CC)" of the importer's onward transfers
    reference_version: str
    transfer_ids: tuple[int, ...] = ()


def _diff(label: str, old: tuple[str, ...], new: tuple[str, ...]) -> str | None:
    added = [x for x in new if x not in old]
    removed = [x for x in old if x not in new]
    if not added and not removed:
        return None
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return f"{label} changed: {'; '.join(parts)}"


def stale_reasons(was: TiaInputs, now: TiaInputs) -> list[str]:
    """Why an assessment no longer matches the register (empty when it still does)."""
    reasons = []
    if was.importer_id != now.importer_id:
        reasons.append(f"importer changed: {was.importer_name} → {now.importer_name}")
    for label, old, new in (
        ("countries", was.countries, now.countries),
        ("transfer mechanisms", was.mechanisms, now.mechanisms),
        ("data categories", was.data_categories, now.data_categories),
        ("data subjects", was.data_subjects, now.data_subjects),
        ("importer's subprocessors", was.subprocessors, now.subprocessors),
        ("transfers covered", tuple(map(str, was.transfer_ids)), tuple(map(str, now.transfer_ids))),
    ):
        why = _diff(label, old, new)
        if why:
            reasons.append(why)
    if was.reference_version != now.reference_version:
        reasons.append(
            f"legal reference data changed: {was.reference_version} → {now.reference_version}"
        )
    return reasons


# -- computations -----------------------------------------------------------------------------


class BasisEstimate(NamedTuple):
    name: str
    per_year: float


class RosenthalResult(NamedTuple):
    bases: tuple[BasisEstimate, ...]
    per_year: float
    period_years: int
    cumulative: float  # probability of at least one case over the period
    years_at_90: float | None  # years in which at least one case occurs with 90 % probability
    threshold: float
    within_threshold: bool


def rosenthal(q: Quantitative) -> RosenthalResult:
    """legal-facts.md 5.6: multiply each basis's factors; p_year = 1 - prod(1 - p_basis);
    P(N) = 1 - (1 - p_year)^N; years to a first case at 90 % = ln(0.1) / ln(1 - p_year)."""
    bases = []
    survive = 1.0
    for b in q.bases:
        p = math.prod(f.probability for f in b.factors) if b.factors else 0.0
        bases.append(BasisEstimate(b.name, p))
        survive *= 1.0 - p
    per_year = 1.0 - survive
    cumulative = 1.0 - (1.0 - per_year) ** q.period_years
    if per_year <= 0.0:
        years: float | None = None  # never
    elif per_year >= 1.0:
        years = 0.0
    else:
        years = math.log(0.1) / math.log(1.0 - per_year)
    return RosenthalResult(
        tuple(bases), per_year, q.period_years, cumulative, years, q.threshold,
        cumulative <= q.threshold,
    )  # fmt: skip


class TraDecision(NamedTuple):
    """The ICO TRA decision points as far as the answers reach (legal-facts.md 5.5)."""

    harm: str  # "" (not scored), "low", "moderate", "high"  (decision A)
    investigation: InvestigationLevel  # decision B
    significant_risk: bool | None  # decision E: any significant-risk data? None = unanswered
    outcome: str  # "", "proceed", "may not proceed"
    explanation: str


def tra_decision(c: TiaContent) -> TraDecision:
    scores = [r.residual or r.inherent for r in c.category_risks if (r.residual or r.inherent)]
    if not scores:
        return TraDecision("", InvestigationLevel.NONE, None, "", "score the data categories (Q2)")
    top = max(scores)
    if top <= 2:
        return TraDecision(
            "low",
            InvestigationLevel.NONE,
            False,
            "proceed",
            "Decision A: highest score is low harm risk; the transfer may proceed",
        )
    harm = "moderate" if top == 3 else "high"
    if not c.large_organisation and harm == "moderate":
        level = InvestigationLevel.LEVEL_1
    elif (c.large_organisation and harm == "moderate") or (
        not c.large_organisation and not c.high_volume
    ):
        level = InvestigationLevel.LEVEL_2
    else:
        level = InvestigationLevel.LEVEL_3
    if c.human_rights is HumanRights.UNANSWERED or c.enforceability is Enforceability.UNANSWERED:
        return TraDecision(
            harm, level, None, "", "answer Q4 (human rights) and Q5 (enforceability)"
        )
    significant = c.human_rights in (HumanRights.C3, HumanRights.C4) or (
        c.enforceability is Enforceability.D5
    )
    if not significant:
        return TraDecision(
            harm, level, False, "proceed", "Decision E1: no significant-risk data; proceed"
        )
    if c.exceptions_apply is None:
        return TraDecision(
            harm, level, True, "", "answer Q6 (exceptions) for significant-risk data"
        )
    if c.exceptions_apply:
        return TraDecision(
            harm, level, True, "proceed", "Decision F1: exceptions cover all significant-risk data"
        )
    return TraDecision(
        harm, level, True, "may not proceed", "Decision F2: significant-risk data not covered"
    )


class StepProgress(NamedTuple):
    key: str
    title: str
    done: bool
    missing: str  # what is still to answer, in words


ICO_TRA_TOOL = "ico_tra_tool"  # the UK method whose questions the TRA step answers


def progress(c: TiaContent, uk: bool, regimes: Sequence[Regime] = ()) -> list[StepProgress]:
    """How far the assessment has got, step by step (for the editor and the sign-off check).

    ``regimes``: the regimes assessed, each of which needs its own conclusion (none given:
    one conclusion is enough, as before conclusions were per regime)."""
    d = c.description
    steps = [
        StepProgress(
            "describe",
            "1. Know the transfer",
            bool(d.purpose and d.data_categories and d.data_subjects),
            "purpose, data categories and data subjects",
        ),
        StepProgress("tool", "2. Transfer tool", True, ""),
        StepProgress(
            "law",
            "3. Destination law and practice",
            bool(c.destination)
            and len(c.eeg) == 4
            and all(e.rating is not EegRating.NOT_ASSESSED for e in c.eeg)
            and c.problematic_law is not None,
            "rate the four European Essential Guarantees and say whether problematic law applies",
        ),
        StepProgress(
            "measures",
            "4. Supplementary measures",
            c.problematic_law is False or bool(c.measures),
            "record the supplementary measures (or that no problematic law applies)",
        ),
        StepProgress("procedure", "5. Procedural steps", True, ""),
        StepProgress(
            "review",
            "6. Re-evaluation",
            bool(c.review_triggers),
            "list the events that reopen the assessment",
        ),
    ]
    if uk and c.uk_method == ICO_TRA_TOOL:
        decision = tra_decision(c)
        unexplained = (
            decision.outcome
            and decision.significant_risk is not None
            and not (c.human_rights_notes.strip() and c.enforceability_notes.strip())
        )
        steps.append(
            StepProgress(
                "tra",
                "UK transfer risk assessment",
                bool(decision.outcome) and not unexplained,
                "give the reasoning for the answers to Questions 4 and 5"
                if unexplained
                else decision.explanation,
            )
        )
    if regimes:
        open_regimes = [r.value for r in regimes if not c.conclusion_for(r).decided]
        done = not open_regimes
        missing = (
            "state the conclusion and the residual risk under "
            + " and ".join(open_regimes)
            + (" law" if len(open_regimes) == 1 else " law each")
        )
    else:
        done = c.conclusion is not Conclusion.UNDECIDED and (
            c.residual_risk is not ResidualRisk.UNRATED
        )
        missing = "state the conclusion and the residual risk"
    steps.append(StepProgress("conclusion", "Conclusion", done, missing))
    return steps


# -- JSON (de)serialisation --------------------------------------------------------------------

T = TypeVar("T")


def to_plain(obj: Any) -> Any:
    """A dataclass tree as JSON-ready values (enums by value, dates ISO, tuples as lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, tuple | list):
        return [to_plain(x) for x in obj]
    return obj


_HINTS: dict[type, dict[str, Any]] = {}


def _build(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value)
    if origin is tuple:
        (inner_tp, *_) = typing.get_args(tp)
        return tuple(_build(inner_tp, v) for v in value)
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            return from_plain(tp, value)
        if issubclass(tp, Enum):
            return tp(value)
        if tp is date:
            return date.fromisoformat(value)
        if tp is float:
            return float(value)
    return value


def from_plain(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a dataclass from ``to_plain`` output; unknown keys (from newer versions) are
    ignored and missing ones take their defaults."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _build(hints[f.name], data[f.name])
    return cls(**kwargs)
