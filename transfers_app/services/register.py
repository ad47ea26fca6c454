"""Register-wide services: status (every gap, worst first), reminders and the supplier check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from transfers_app.domain.enums import (
    DocumentStatus,
    Lifecycle,
    Regime,
    Role,
    Severity,
)
from transfers_app.domain.models import Tia
from transfers_app.domain.names import distinctive_words, name_key
from transfers_app.domain.readmodels import (
    AssessmentFacts,
    DocumentFacts,
    EntityFacts,
    RulesSnapshot,
    TransferFacts,
)
from transfers_app.domain.renewals import Reminder, notice_deadline
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
from transfers_app.services.tia_staleness import stale_gaps

DEFAULT_REGIMES = (Regime.UK, Regime.EU)
_NOT_LIVE = frozenset({Lifecycle.PROPOSED, Lifecycle.OFFBOARDED})


@dataclass(frozen=True, slots=True)
class StatusReport:
    on: date
    statuses: tuple[TransferStatus, ...]
    gaps: tuple[Gap, ...]  # worst first
    entity_names: dict[int, str]
    transfers_assessed: int

    def count(self, severity: Severity) -> int:
        return sum(1 for g in self.gaps if g.severity is severity)

    @property
    def compliant_transfers(self) -> int:
        return sum(1 for s in self.statuses if not s.gaps)


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


def build_contexts(snap: RulesSnapshot, on: date) -> tuple[list[TransferContext], list[Gap]]:
    """Pair each live transfer with its parties, documents, assessments and regimes.

    Also returns the gaps of transfers the rules cannot assess: a party archived while the
    transfer is still live, or no regime to assess (the exporter is not one of ours).
    """
    problems: list[Gap] = []
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
    out: list[TransferContext] = []
    for t in snap.transfers:
        if not t.is_live_on(on):
            continue
        exporter = snap.entities.get(t.exporter_id)
        importer = snap.entities.get(t.importer_id)
        if importer is not None and importer.lifecycle in _NOT_LIVE:
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
        out.append(
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
    return out, problems


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
        contexts, gaps = build_contexts(snap, on)
        statuses = [evaluate_transfer(ref, ctx, on) for ctx in contexts]
        gaps.extend(g for s in statuses for g in s.gaps)
        gaps.extend(stale_gaps(snap, ref.version, on))
        for e in snap.entities.values():
            if e.id is None or e.is_own or e.lifecycle is Lifecycle.OFFBOARDED:
                continue
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
        return StatusReport(on, tuple(statuses), tuple(gaps), names, len(statuses))

    # -- reminders -----------------------------------------------------------------------------

    def reminders(self, on: date, within_days: int) -> list[Reminder]:
        """Documents, reviews, DPF re-checks and TIAs due within ``within_days`` (or overdue).

        Reads full documents (notice periods and review cycles are not in the rules' snapshot).
        """
        store = self.store
        names = store.names.names()
        documents = store.documents.list()
        tias = store.assessments.list()
        out: list[Reminder] = []

        def add(
            due: date | None, what: str, subject: str, parties: Sequence[int], record: str
        ) -> None:
            if due is None:
                return
            left = (due - on).days
            if left <= within_days:
                who = ", ".join(names.get(p, f"#{p}") for p in parties)
                out.append(Reminder(due, what, subject, who, record, left))

        for d in documents:
            if d.status is not DocumentStatus.CURRENT or d.archived_at is not None:
                continue
            rec = f"document {d.id}"
            add(d.expires_on, "expiry", f"'{d.title}' expires", d.party_ids, rec)
            add(
                notice_deadline(d),
                "notice",
                f"last day to give notice on '{d.title}'",
                d.party_ids,
                rec,
            )
            add(d.next_review_on, "review", f"review of '{d.title}'", d.party_ids, rec)
            recheck = self.ref.evidence_recheck(d.kind)
            if recheck is not None:  # the DPF List entry, as often as the reference data says
                due = recheck.due_after(d.checked_on) if d.checked_on else on
                add(due, "dpf_recheck", f"re-check DPF listing ('{d.title}')", d.party_ids, rec)
        latest: dict[int, Tia] = {}
        for tia in tias:
            if tia.archived_at is None:
                cur = latest.get(tia.transfer_id)
                if cur is None or (tia.approved_on or date.min) >= (cur.approved_on or date.min):
                    latest[tia.transfer_id] = tia
        reviews_due = [
            tia
            for tia in latest.values()
            if tia.next_review_on is not None and (tia.next_review_on - on).days <= within_days
        ]
        transfers = store.transfers.get_many(tia.transfer_id for tia in reviews_due)
        for tia in reviews_due:
            t = transfers[tia.transfer_id]
            parties = [t.exporter_id, t.importer_id]
            add(
                tia.next_review_on,
                "tia_review",
                f"review of {tia.reference}",
                parties,
                f"tia {tia.id}",
            )
        out.sort(key=lambda r: (r.due_on, r.subject))
        return out

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
