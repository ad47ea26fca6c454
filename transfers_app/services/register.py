"""Register-wide services: status (every gap, worst first), reminders and the supplier check.

The status is the one engine that decides what is overdue, stale, expired or missing: every
page, reminder, next due date, export and the evidence pack read it (``StatusReport``). What
falls due is what the verdicts rest on (``StatusReport.dues``, from the rules): the reminders
and the next due dates are those dates, and once one passes the same report holds its gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from transfers_app.domain.enums import (
    DocumentStatus,
    Lifecycle,
    Regime,
    Role,
    Severity,
    TiaState,
)
from transfers_app.domain.names import distinctive_words, name_key
from transfers_app.domain.readmodels import (
    AssessmentFacts,
    DocumentFacts,
    DueKind,
    EntityFacts,
    NextDue,
    RulesSnapshot,
    TransferFacts,
)
from transfers_app.domain.renewals import Due, Reminder
from transfers_app.ports.storage import Store
from transfers_app.reference.loader import ReferenceSet
from transfers_app.rules.destination import (
    NO_CERTS,
    Certifications,
    DestinationAssessment,
    assess_destination,
)
from transfers_app.rules.gaps import (
    Gap,
    GapCode,
    TransferContext,
    TransferStatus,
    evaluate_transfer,
)
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.tia_staleness import stale_assessments

DEFAULT_REGIMES = (Regime.UK, Regime.EU)
# An importer in these has no live transfers (a proposed supplier's start when it is signed up).
NOT_LIVE = frozenset({Lifecycle.PROPOSED, Lifecycle.OFFBOARDED})


_TIA_CODES = frozenset({GapCode.TIA_MISSING, GapCode.TIA_OVERDUE, GapCode.TIA_STALE})


@dataclass(frozen=True, slots=True)
class StatusReport:
    on: date
    statuses: tuple[TransferStatus, ...]
    gaps: tuple[Gap, ...]  # worst first
    entity_names: dict[int, str]
    transfers_assessed: int
    # Every date the verdicts rest on, per transfer (a document covering two transfers is
    # there twice, once for each); earliest first. See ``Due``.
    dues: tuple[Due, ...] = ()
    # The approved assessments that no longer match the register (their ids).
    stale_assessments: frozenset[int] = field(default_factory=frozenset)

    def count(self, severity: Severity) -> int:
        return sum(1 for g in self.gaps if g.severity is severity)

    @property
    def compliant_transfers(self) -> int:
        return sum(1 for s in self.statuses if not s.gaps)

    # -- what falls due ------------------------------------------------------------------------

    def open_dues(self) -> list[Due]:
        """The dues still to act on (a last day of notice that has passed lapses), each date
        of each record once, earliest first."""
        on = self.on
        notice = DueKind.NOTICE
        seen: set[tuple[DueKind, int | None, int | None, date]] = set()
        add, out = seen.add, []
        for d in self.dues:
            due_on, what = d.due_on, d.what
            if what is notice and due_on < on:
                continue  # lapsed (``Due.lapses``)
            key = (what, d.document_id, d.assessment_id, due_on)
            if key not in seen:
                add(key)
                out.append(d)
        return out

    def reminders(self, within_days: int) -> list[Reminder]:
        """What falls due within ``within_days`` of the report's date, or is overdue: the
        dates the verdicts rest on (the Renewals page, ``reminders``, the dashboard)."""
        on = self.on
        names = self.entity_names
        out = []
        for d in self.open_dues():
            left = (d.due_on - on).days
            if left > within_days:
                continue
            who = ", ".join(names.get(p, f"#{p}") for p in d.parties)
            out.append(Reminder(d.due_on, d.what.value, d.subject, who, d.record, left))
        out.sort(key=lambda r: (r.due_on, r.subject))
        return out

    def next_due_by_entity(self) -> dict[int, NextDue]:
        """Each entity's earliest open due date and what falls due then, filed as the gaps
        are (against the transfer's importer): the register page's "next due"."""
        out: dict[int, NextDue] = {}
        for d in self.open_dues():  # earliest first: the first one met is the earliest
            if d.entity_id is not None and d.entity_id not in out:
                out[d.entity_id] = NextDue(d.due_on, d.what)
        return out

    def next_due_by_transfer(self) -> dict[int, Due]:
        """Each live transfer's earliest open due date."""
        out: dict[int, Due] = {}
        for d in self.open_dues():
            if d.transfer_id is not None and d.transfer_id not in out:
                out[d.transfer_id] = d
        return out

    def overdue_assessments(self) -> frozenset[int]:
        """The assessments whose review the status reports overdue (their ids)."""
        on = self.on
        return frozenset(
            d.assessment_id
            for d in self.dues
            if d.what is DueKind.TIA_REVIEW and d.due_on < on and d.assessment_id is not None
        )

    # -- the assessment of each transfer ------------------------------------------------------

    def tia_state(self, status: TransferStatus, gaps: Iterable[Gap] | None = None) -> TiaState:
        """Where a live transfer stands with its assessment (``gaps``: the transfer's, when
        the caller has them grouped; else they are looked up)."""
        if gaps is None:
            gaps = (g for g in self.gaps if g.transfer_id == status.transfer.id)
        codes = {g.code for g in gaps if g.code in _TIA_CODES}
        if GapCode.TIA_MISSING in codes:
            return TiaState.DRAFT if status.draft else TiaState.MISSING
        if GapCode.TIA_OVERDUE in codes:
            return TiaState.REVIEW_OVERDUE
        current = status.assessment
        if GapCode.TIA_STALE in codes or (
            current is not None and current.id in self.stale_assessments
        ):
            return TiaState.STALE
        if status.assessment_needed:
            return TiaState.APPROVED
        uncovered = any(r.covered_by is None and r.assessment.restricted for r in status.results)
        if not uncovered:
            return TiaState.NOT_NEEDED
        return TiaState.APPROVED if current is not None else TiaState.NO_SAFEGUARD


@dataclass(frozen=True, slots=True)
class SimilarEntity:
    entity_id: int
    name: str
    score: float
    why: str = ""  # what the two names share ("same distinctive word 'stratus'; ...")


def compare_names(query: str, candidate: str) -> tuple[float, str]:
    """How much two name keys (``name_key``) name the same organisation, 0-100, and why.

    Scored on the distinctive words (legal forms are already out of the keys; generic words
    of a trade, ``GENERIC_WORDS``, weigh little): "Acme Analytics" and "Lumen Analytics" share
    only a generic word and score low; "Stratos Cloud" and "Stratus Cloud Hosting" score high
    on "stratos" ~ "stratus".
    """
    from rapidfuzz import fuzz

    q_words, q_generic = distinctive_words(query)
    c_words, c_generic = distinctive_words(candidate)
    q, c = " ".join(q_words), " ".join(c_words)
    distinctive = max(fuzz.ratio(q, c), fuzz.token_set_ratio(q, c))
    score = 0.85 * distinctive + 0.15 * fuzz.token_set_ratio(query, candidate)
    same = [w for w in q_words if w in c_words]
    close = [
        (a, b)
        for a in q_words
        if a not in c_words
        for b in c_words
        if b not in q_words and fuzz.ratio(a, b) >= 75
    ]
    reasons = []
    if same:
        reasons.append("same distinctive " + _words(same))
    reasons += [f"'{a}' is spelled like '{b}'" for a, b in close]
    if not reasons:
        reasons.append(f"'{q}' resembles '{c}'")
    ignored = sorted(set(q_generic) | set(c_generic))
    if ignored:
        reasons.append("generic " + _words(ignored) + " ignored")
    return round(score, 1), "; ".join(reasons)


def _words(words: Sequence[str]) -> str:
    quoted = ", ".join(f"'{w}'" for w in words)
    return ("word " if len(words) == 1 else "words ") + quoted


@dataclass(frozen=True, slots=True)
class CheckReport:
    name: str
    on: date
    assessments: tuple[DestinationAssessment, ...]
    similar: tuple[SimilarEntity, ...]
    regimes_from_register: bool


def _inherited_regimes(
    t: TransferFacts, by_id: dict[int | None, TransferFacts], entities: dict[int, EntityFacts]
) -> tuple[Regime, ...]:
    """Regimes of an onward transfer: those of the transfer at the root of its chain."""
    root = t
    seen = {t.id}
    while not root.regimes and root.parent_transfer_id is not None:
        parent = by_id.get(root.parent_transfer_id)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        root = parent
    if root.regimes:
        return root.regimes
    exporter = entities.get(root.exporter_id)
    return exporter.exporter_regimes if exporter else ()


def build_contexts(snap: RulesSnapshot, on: date, problems: list[Gap]) -> Iterator[TransferContext]:
    """Pair each live transfer with its parties, documents, assessments and regimes, one at a
    time (each is judged and let go: at 100,000 transfers, holding them all cost ~20 MB).

    Adds to ``problems`` the gaps of transfers the rules cannot assess: a party archived
    while the transfer is still live, or no regime to assess (the exporter is not one of ours).
    """
    by_id = {t.id: t for t in snap.transfers}
    docs_by_party: dict[int, list[DocumentFacts]] = defaultdict(list)
    successors: dict[int, DocumentFacts] = {}
    for d in snap.documents.values():
        if d.supersedes_id is not None:
            successors[d.supersedes_id] = d
        if d.archived_at is None:
            for p in d.party_ids:
                docs_by_party[p].append(d)
    tias_by_transfer: dict[int, list[AssessmentFacts]] = defaultdict(list)
    for tia in snap.tias:
        for tid in tia.transfer_ids:  # an assessment may cover like transfers to one importer
            tias_by_transfer[tid].append(tia)
    for t in snap.transfers:
        if not t.is_live_on(on):
            continue
        exporter = snap.entities.get(t.exporter_id)
        importer = snap.entities.get(t.importer_id)
        if importer is not None and importer.lifecycle in NOT_LIVE:
            continue  # a proposed supplier's transfers start when it is signed up
        if exporter is None or importer is None:
            which = "exporter" if exporter is None else "importer"
            problems.append(
                Gap(
                    GapCode.ARCHIVED_PARTY,
                    Severity.MEDIUM,
                    f"transfer {t.id} is still live but its {which} is archived: end or archive "
                    "the transfer",
                    t.id,
                    t.importer_id if importer is not None else t.exporter_id,
                )
            )
            continue
        regimes = t.regimes or _inherited_regimes(t, by_id, snap.entities)
        if not regimes:
            problems.append(
                Gap(
                    GapCode.NOT_ASSESSABLE,
                    Severity.MEDIUM,
                    f"no regime to assess: '{exporter.name}' is not one of our entities and the "
                    "transfer names no regime (UK, EU or CH)",
                    t.id,
                    t.importer_id,
                )
            )
            continue
        importer_docs = docs_by_party.get(t.importer_id, ())
        if len(importer_docs) > 1:
            # Prefer documents to which the exporter is also a party.
            exp = t.exporter_id
            importer_docs = sorted(
                importer_docs,
                key=lambda d: (exp not in d.party_ids, d.status is DocumentStatus.SUPERSEDED),
            )
        yield (
            TransferContext(
                transfer=t,
                exporter=exporter,
                importer=importer,
                regimes=regimes,
                exporter_role=t.exporter_role,
                documents=snap.documents,
                importer_documents=importer_docs,
                successors=successors,
                tias=tias_by_transfer.get(t.id or -1, ()),
            )
        )


def _due_sort_key(d: Due) -> tuple[date, int, str]:
    return (d.due_on, d.transfer_id or 0, d.what.value)


def _gap_sort_key(g: Gap, names: dict[int, str]) -> tuple[int, date, str, int]:
    return (
        g.severity.rank,
        g.due_on or date.max,
        names.get(g.entity_id or -1, "").casefold(),
        g.transfer_id or 0,
    )


class RegisterService:
    """The register as the rules judge it: status, reminders and the supplier check."""

    def __init__(self, store: Store, reference: ReferenceSource) -> None:
        self.store = store
        self.reference = reference
        self._names: tuple[int, tuple[int, ...], list[str]] | None = None
        self._last_status: tuple[tuple[int, date, ReferenceSet], StatusReport] | None = None

    @property
    def ref(self) -> ReferenceSet:
        """The reference data in use (shared by every service of the run)."""
        return self.reference.current

    def generation(self) -> int:
        """Changes whenever anything on the register changes."""
        return self.store.audit.generation()

    def _name_keys(self) -> tuple[tuple[int, ...], list[str]]:
        """The register's name keys, reloaded only after the register changed (type-ahead);
        the keys as a list, which the fuzzy matcher reads fastest."""
        generation = self.store.audit.generation()
        if self._names is None or self._names[0] != generation:
            found = self.store.names.keys()
            self._names = (generation, found.ids, list(found.keys))
        return self._names[1], self._names[2]

    # -- status ------------------------------------------------------------------------------

    def status(self, on: date) -> StatusReport:
        """Every gap on the register on ``on``, worst first.

        Kept until the register or the reference data changes (every write is audited, so
        the audit counter is the register's generation): a window that refreshes without an
        edit does not redo it.
        """
        # The set itself, not its id(): a replaced set may be freed and its id reused.
        key = (self.store.audit.generation(), on, self.ref)
        if self._last_status is not None and self._last_status[0] == key:
            return self._last_status[1]
        report = self.compute_status(on)
        self._last_status = (key, report)
        return report

    def compute_status(self, on: date) -> StatusReport:
        """``status`` without the cache (benchmarks, and callers that must recompute)."""
        ref = self.ref
        snap = self.store.queries.snapshot()
        gaps: list[Gap] = []
        statuses = [evaluate_transfer(ref, ctx, on) for ctx in build_contexts(snap, on, gaps)]
        gaps.extend(g for s in statuses for g in s.gaps)
        assessed = {s.transfer.id for s in statuses}
        stale = stale_assessments(snap, ref.version, on, assessed)
        gaps.extend(g for _, g in stale)
        for e in snap.entities.values():
            if e.id is None or e.is_own or e.lifecycle is Lifecycle.OFFBOARDED:
                continue
            if not e.exists_on(on):
                continue  # not on the register yet on that day: nothing to hold against it
            if e.id not in snap.located:
                gaps.append(
                    Gap(
                        GapCode.ENTITY_NO_COUNTRY,
                        Severity.LOW,
                        f"'{e.name}' has no processing location: where is the data?",
                        None,
                        e.id,
                    )
                )
        names = {i: e.name for i, e in snap.entities.items()}
        gaps.sort(key=lambda g: _gap_sort_key(g, names))
        dues = sorted((d for s in statuses for d in s.dues), key=_due_sort_key)
        return StatusReport(
            on,
            tuple(statuses),
            tuple(gaps),
            names,
            len(statuses),
            tuple(dues),
            frozenset(x.id for x, _ in stale if x.id is not None),
        )

    # -- reminders -----------------------------------------------------------------------------

    def reminders(self, on: date, within_days: int) -> list[Reminder]:
        """Documents, reviews, DPF re-checks, deadlines and assessments due within
        ``within_days`` of ``on`` (or overdue): the dates the status on ``on`` rests on
        (``StatusReport.reminders``), so nothing is overdue here that the status does not
        report as a gap."""
        return self.status(on).reminders(within_days)

    # -- supplier check --------------------------------------------------------------------------

    def similar_entities(
        self, name: str, limit: int = 5, threshold: float = 80.0
    ) -> list[SimilarEntity]:
        """Entities already on the register whose name or legal name resembles ``name``.

        Three cheap passes over stored comparison keys (Latin accents, legal forms and
        punctuation dropped): keys that start with the query ("Stratus" finds "Stratus Cloud
        Hosting, Inc."); a typo-tolerant ratio over every name key ("Nortwind Payments");
        and a weighted fuzzy match over the entities sharing a word prefix with the query
        ("Stratos Cloud", "Cloud Stratus", "Sakura Honyaku" for its legal name).
        """
        from rapidfuzz import fuzz, process

        key = name_key(name)
        if not key:
            return []
        # Candidates first (cheap, generous), then each scored on the distinctive part of
        # the names (``compare_names``): a shared generic word does not make a match.
        best: dict[int, tuple[float, str]] = {}

        def consider(entity_id: int, candidate: str, legal: bool = False) -> None:
            if not candidate:
                return
            score, why = compare_names(key, candidate)
            if legal:
                why = f"its legal name: {why}"
            if score >= threshold and score > best.get(entity_id, (0.0, ""))[0]:
                best[entity_id] = (score, why)

        names = self.store.names
        for found in names.with_key_prefix(key, limit):
            own = name_key(found.name)
            if own.startswith(key):
                best[found.entity_id] = (100.0, f"its name starts with '{key}'")
            else:
                best[found.entity_id] = (100.0, f"its legal name starts with '{key}'")
        ids, keys = self._name_keys()
        for _, _, i in process.extract(
            key, keys, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=threshold - 10
        ):
            consider(ids[i], keys[i])
        prefixes = sorted({w[:4] for w in distinctive_words(key)[0] if len(w) >= 3})
        candidates = names.with_word_prefixes(prefixes, 20_000) if prefixes else []
        for legal, choices in (
            (False, [c.name_key for c in candidates]),
            (True, [c.legal_key for c in candidates]),
        ):
            for _, _, i in process.extract(
                key, choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=threshold - 30
            ):
                consider(candidates[i].entity_id, choices[i], legal)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
        found_names = names.names([i for i, _ in ranked])
        return [
            SimilarEntity(i, found_names[i], score, why)
            for i, (score, why) in ranked
            if i in found_names
        ]

    def exporter_regimes(self) -> tuple[Regime, ...]:
        seen: dict[Regime, None] = {}
        for e in self.store.entities.own():
            for r in e.exporter_regimes:
                seen[r] = None
        return tuple(seen)

    def check(
        self,
        name: str,
        countries: Sequence[str],
        importer_role: Role,
        on: date,
        exporter_role: Role = Role.CONTROLLER,
        regimes: Sequence[Regime] = (),
        certs: Certifications = NO_CERTS,
    ) -> CheckReport:
        own = () if regimes else self.exporter_regimes()
        from_register = bool(own)
        chosen = tuple(regimes) or own or DEFAULT_REGIMES
        assessments = tuple(
            # A supplier is a third party: tools kept to a group's members are not offered.
            assess_destination(
                self.ref,
                regime,
                cc,
                on,
                importer_role,
                exporter_role,
                certs,
                importer_in_group=False,
            )
            for regime in chosen
            for cc in dict.fromkeys(countries)
        )
        return CheckReport(name, on, assessments, tuple(self.similar_entities(name)), from_register)
