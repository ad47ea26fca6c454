"""What a regulator's inquiry would find open: the readiness check behind the evidence pack.

The status report's gaps become **open items**: one per finding and transfer (the same
finding under two regimes is one item, its messages per regime together), or per entity for an
entity's own gap. Each item falls into the category an inquiry asks about first
(legal-facts.md 6.2) or into "other"; every item is listed, none is dropped. A category counts
the transfers it touches (entities for "without a country", facts for "unverified"), not the
findings.

With the register's facts (``OpenItemFacts``, read in one go by ``OpenItemsService.facts``)
each item also says since when it has been open (the earliest date the register shows it
open: the day after a document expired or a review fell due, the transfer's start...), who
owns it (the follow-up someone set, else the owner of the entity concerned, else of our
exporter) and its target date (set by a person, blank by default); and the unverified
reference facts the current assessments rely on (the facts their approvers accepted) join the
"unverified" category.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from transfers_app.domain.enums import Severity, TiaStatus
from transfers_app.domain.formatting import day, with_dates
from transfers_app.domain.models import Document, Entity, Tia, Transfer
from transfers_app.domain.organisation import FollowUp, OpenItemKey
from transfers_app.domain.tia import AcceptedFact
from transfers_app.ports.storage import Store
from transfers_app.reference.loader import ReferenceSet
from transfers_app.rules.gaps import Gap, GapCode
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import StatusReport

NO_MECHANISM = "no_mechanism"
UNVERIFIED = "unverified"
NO_COUNTRY = "no_country"
DOCUMENTS = "documents"
OTHER = ("other", "Other open items")

# What an inquiry asks about first, in that order (key, title, gap codes); a CRITICAL gap of a
# transfer is "without a valid mechanism" whatever its code (the rules raise a gap to CRITICAL
# only when nothing covers the transfer under a regime: rules/gaps.py).
CATEGORIES: tuple[tuple[str, str, frozenset[GapCode]], ...] = (
    (
        NO_MECHANISM,
        "Transfers without a valid mechanism",
        frozenset({GapCode.NO_SAFEGUARD, GapCode.NO_VALID_MECHANISM}),
    ),
    (
        "assessment",
        "Restricted transfers without a current assessment",
        frozenset({GapCode.TIA_MISSING, GapCode.TIA_OVERDUE, GapCode.TIA_STALE}),
    ),
    (
        DOCUMENTS,
        "Expired, superseded, defective or missing documents",
        frozenset(
            {
                GapCode.DOCUMENT_EXPIRED,
                GapCode.DOCUMENT_SUPERSEDED,
                GapCode.DOCUMENT_NOT_YET_EFFECTIVE,
                GapCode.MISSING_DOCUMENT,
                GapCode.LEGACY_SCC_EXPIRED,
                GapCode.LEGACY_SCC_TOO_LATE,
                GapCode.WRONG_MODULE,
                GapCode.DEROGATION_UNDOCUMENTED,
            }
        ),
    ),
    (
        "fallback",
        "Transfers whose primary mechanism fails (a fallback covers them)",
        frozenset({GapCode.PRIMARY_INVALID, GapCode.WRONG_MECHANISM, GapCode.UK_BARE_EU_SCC}),
    ),
    (
        "reviews",
        "Reviews and evidence re-checks overdue",
        frozenset({GapCode.REVIEW_OVERDUE, GapCode.DPF_NOT_RECHECKED}),
    ),
    (NO_COUNTRY, "Entities without a country", frozenset({GapCode.ENTITY_NO_COUNTRY})),
    (UNVERIFIED, "Unverified reference facts relied on", frozenset({GapCode.UNVERIFIED_FACT})),
)
TITLES: dict[str, str] = {k: t for k, t, _ in CATEGORIES} | {OTHER[0]: OTHER[1]}
# What each category counts.
UNITS: dict[str, tuple[str, str]] = {
    NO_COUNTRY: ("entity", "entities"),
    UNVERIFIED: ("fact", "facts"),
}
TRANSFERS = ("transfer", "transfers")


def categories_of(code: GapCode, severity: Severity, transfer_id: int | None) -> tuple[str, ...]:
    """Where a finding is listed: its code's category; a CRITICAL finding of a transfer under
    "without a valid mechanism" too (instead, for a failing mechanism; as well, for a document
    that is expired or invalid: it is both)."""
    own = next((key for key, _, codes in CATEGORIES if code in codes), OTHER[0])
    if transfer_id is None or severity is not Severity.CRITICAL or own == NO_MECHANISM:
        return (own,)
    return (NO_MECHANISM, own) if own == DOCUMENTS else (NO_MECHANISM,)


@dataclass(frozen=True, slots=True)
class Finding:
    """One open item: one finding about one transfer (all its regimes) or one entity, or one
    unverified fact the assessments rely on."""

    category: str
    severity: Severity
    subject: str  # the entity it is about (the importer of a transfer)
    message: str
    code: str = ""
    transfer_id: int | None = None
    entity_id: int | None = None
    open_since: date | None = None
    owner: str = ""
    target_on: date | None = None
    # The fact's text for an unverified fact (what it counts), else "".
    fact: str = ""
    # The dates ``message`` names (ISO in it, as the pack's JSON record keeps it).
    dates: tuple[date, ...] = ()

    def text(self) -> str:
        """The message as the dialog, the cover letter and the PDFs show it: its dates
        written by ``formatting.day``."""
        return with_dates(self.message, self.dates)

    @property
    def key(self) -> OpenItemKey | None:
        """Where its owner and target date are kept (None: a fact, which has none)."""
        if self.fact or not self.code or (self.transfer_id is None and self.entity_id is None):
            return None
        return OpenItemKey.of(self.code, self.transfer_id, self.entity_id)

    @property
    def reference(self) -> str:
        """How a reader quotes it: "T12" (a transfer), "E4" (an entity), "" (a fact)."""
        key = self.key
        return key.subject if key is not None else ""

    @property
    def unit(self) -> tuple[str, ...]:
        """What the category counts this item as: its transfer, its entity or its fact."""
        if self.category == UNVERIFIED:
            return ("fact", self.fact or self.message)
        if self.transfer_id is not None:
            return ("T", str(self.transfer_id))
        return ("E", str(self.entity_id or 0))


@dataclass(frozen=True, slots=True)
class ReliedFact:
    """An unverified fact the current assessments rely on, and who accepted it."""

    statement: str
    as_of: date  # the research that could not verify it
    assessments: tuple[str, ...]  # their references
    importers: tuple[str, ...]
    accepted: tuple[str, ...]  # "Maria Santos (General Counsel), 7 Oct 2025"


@dataclass(frozen=True, slots=True)
class Readiness:
    on: date
    findings: tuple[Finding, ...]
    facts: tuple[ReliedFact, ...] = ()

    def items(self, category: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.category == category)

    def count(self, category: str) -> int:
        """Transfers (entities, facts) the category touches, not its findings."""
        return len({f.unit for f in self.findings if f.category == category})

    @property
    def headline(self) -> tuple[tuple[str, str, int], ...]:
        """(key, title, count) for each category an inquiry asks about, then the others."""
        rows = [(k, t, self.count(k)) for k, t, _ in CATEGORIES]
        rows.append((*OTHER, self.count(OTHER[0])))
        return tuple(rows)

    @property
    def transfers_open(self) -> int:
        """Transfers with at least one open item."""
        return len({f.transfer_id for f in self.findings if f.transfer_id is not None})

    @property
    def ready(self) -> bool:
        """Nothing open in the categories an inquiry asks about first."""
        return all(f.category == OTHER[0] for f in self.findings)


def unit_words(category: str, n: int) -> str:
    one, many = UNITS.get(category, TRANSFERS)
    return f"{n} {one if n == 1 else many}"


# -- the register's facts the open items are dated and owned from ------------------------------


@dataclass(frozen=True, slots=True)
class OpenItemFacts:
    """What dates, owns and completes the open items, read in one go (in the background)."""

    ref: ReferenceSet
    entities: Mapping[int, Entity]  # archived ones too
    transfers: Mapping[int, Transfer]  # live ones
    documents: Mapping[int, Document]
    tias: Sequence[Tia]  # live assessments with their content
    follow_ups: Mapping[OpenItemKey, FollowUp] = field(default_factory=dict)


class OpenItemsService:
    """The register's facts for the open items, and who follows each up."""

    def __init__(self, store: Store, reference: ReferenceSource) -> None:
        self._store = store
        self._reference = reference

    def facts(self) -> OpenItemFacts:
        store = self._store
        return OpenItemFacts(
            self._reference.current,
            {e.id: e for e in store.entities.list(include_archived=True) if e.id is not None},
            {t.id: t for t in store.transfers.list() if t.id is not None},
            {d.id: d for d in store.documents.list() if d.id is not None},
            store.assessments.list(content=True),
            {f.key: f for f in store.open_items.list()},
        )

    def set_follow_up(self, key: OpenItemKey, owner: str, target_on: date | None) -> FollowUp:
        """Who owns the item and by when (an empty owner and no date: back to the
        defaults); audited."""
        follow_up = FollowUp(key.code, key.subject, owner.strip(), target_on)
        self._store.open_items.set(follow_up)
        return follow_up


def readiness(
    status: StatusReport,
    transfer_ids: set[int] | None = None,
    entity_ids: set[int] | None = None,
    facts: OpenItemFacts | None = None,
    assessed: set[int] | None = None,
) -> Readiness:
    """The open items on the status report's date, within a scope (the transfers in it and
    the chosen entities) if given; dated, owned and with the assessments' facts when the
    register's ``facts`` are given: the facts relied on by the assessments of the
    ``assessed`` transfers (default: of the scope's, or of all)."""
    groups: dict[tuple[str, GapCode, int | None, int | None], list[Gap]] = defaultdict(list)
    for g in status.gaps:
        if transfer_ids is not None and not _in_scope(g, transfer_ids, entity_ids or set()):
            continue
        entity = None if g.transfer_id is not None else g.entity_id
        for category in categories_of(g.code, g.severity, g.transfer_id):
            groups[(category, g.code, g.transfer_id, entity)].append(g)
    findings: list[Finding] = []
    for (category, code, transfer_id, entity_id), gaps in groups.items():
        worst = min(gaps, key=lambda g: g.severity.rank)
        subject = status.entity_names.get(worst.entity_id or -1, "")
        finding = Finding(
            category,
            worst.severity,
            subject,
            _message(gaps),
            code.value,
            transfer_id,
            entity_id if transfer_id is None else worst.entity_id,
            dates=tuple(dict.fromkeys(d for g in gaps for d in g.dates)),
        )
        if facts is not None:
            finding = _dated(finding, gaps, facts, status.on)
        findings.append(finding)
    relied: list[ReliedFact] = []
    if facts is not None:
        relied = _relied_facts(
            facts, transfer_ids if assessed is None else assessed, status.entity_names
        )
        findings.extend(
            Finding(
                UNVERIFIED,
                Severity.LOW,
                ", ".join(r.importers),
                f"{r.statement} (relied on by {', '.join(r.assessments)})",
                GapCode.UNVERIFIED_FACT.value,
                fact=r.statement,
            )
            for r in relied
        )
    findings.sort(key=_order)
    return Readiness(status.on, tuple(findings), tuple(relied))


_KEYS = [k for k, _, _ in CATEGORIES] + [OTHER[0]]


def _order(f: Finding) -> tuple[int, int, str, int]:
    """Worst first, then by category, entity and transfer."""
    return (f.severity.rank, _KEYS.index(f.category), f.subject.casefold(), f.transfer_id or 0)


def _in_scope(g: Gap, transfer_ids: set[int], entity_ids: set[int]) -> bool:
    if g.transfer_id is not None:
        return g.transfer_id in transfer_ids
    return g.entity_id is not None and g.entity_id in entity_ids


def _message(gaps: Sequence[Gap]) -> str:
    """The item's text: one finding's message, or each regime's where they differ."""
    texts = list(dict.fromkeys(g.message for g in gaps))
    if len(texts) == 1:
        regimes = [g.regime.value for g in gaps if g.regime is not None]
        return texts[0] + (f" ({', '.join(regimes)})" if len(regimes) > 1 else "")
    parts = []
    for g in gaps:
        label = f"{g.regime.value}: " if g.regime is not None else ""
        parts.append(f"{label}{g.message}")
    return "; ".join(dict.fromkeys(parts))


# -- since when, who, by when --------------------------------------------------------------------


def _day_after(d: date | None) -> date | None:
    return d + timedelta(days=1) if d is not None else None


def live_from(t: Transfer, entities: Mapping[int, Entity]) -> date | None:
    """When the register shows the transfer live from: its start; without one, the date its
    importer became active (an imported list's start date); None: all along."""
    if t.started_on is not None:
        return t.started_on
    importer = entities.get(t.importer_id)
    return importer.active_on if importer is not None else None


def _transfer_start(t: Transfer | None, entities: Mapping[int, Entity]) -> date | None:
    """Since when a finding about the transfer can be open: ``live_from``, else the day the
    transfer was recorded."""
    if t is None:
        return None
    found = live_from(t, entities)
    if found is None and t.created_at is not None:
        found = t.created_at.date()
    return found


def _since(g: Gap, facts: OpenItemFacts, on: date) -> date | None:
    """The earliest date the register shows this finding open."""
    t = facts.transfers.get(g.transfer_id) if g.transfer_id is not None else None
    start = _transfer_start(t, facts.entities)
    doc = facts.documents.get(g.document_id) if g.document_id is not None else None
    found: date | None
    if g.code is GapCode.DOCUMENT_NOT_YET_EFFECTIVE:
        found = start
    elif g.due_on is not None:  # the last day it was fine: a review, an expiry, a deadline
        found = _day_after(g.due_on)
    elif g.code is GapCode.DPF_NOT_RECHECKED and doc is not None and doc.checked_on:
        recheck = facts.ref.evidence_recheck(doc.kind)
        found = _day_after(recheck.due_after(doc.checked_on)) if recheck else start
    elif g.code is GapCode.LEGACY_SCC_TOO_LATE and doc is not None:
        found = doc.signed_on or start
    elif g.code is GapCode.TIA_STALE:
        found = _stale_since(g, facts)
    elif g.code in (GapCode.ENTITY_NO_COUNTRY, GapCode.ARCHIVED_PARTY):
        e = facts.entities.get(g.entity_id or -1)
        stamp = None
        if e is not None:
            stamp = e.archived_at if g.code is GapCode.ARCHIVED_PARTY else e.created_at
        found = stamp.date() if stamp is not None else None
    else:
        found = start
    if found is not None and start is not None:
        found = max(found, start)  # nothing about a transfer is open before it started
    return found if found is None or found <= on else None


def _stale_since(g: Gap, facts: OpenItemFacts) -> date | None:
    """The first change the register records after the assessment's inputs were taken: the
    reference data's date when its version changed, a covered transfer edited, or the
    importer's own transfers (its sub-processors) added or changed."""
    tia = next(
        (
            x
            for x in facts.tias
            if x.status is TiaStatus.APPROVED
            and g.transfer_id in x.transfer_ids
            and x.reference in g.message
        ),
        None,
    )
    if tia is None or tia.inputs is None:
        return None
    taken = tia.inputs.taken_on
    changes: list[date] = []
    if facts.ref.version != tia.inputs.reference_version and facts.ref.as_of > taken:
        changes.append(facts.ref.as_of)
    for t in facts.transfers.values():
        if t.id in tia.transfer_ids or t.exporter_id == tia.inputs.importer_id:
            for stamp in (t.created_at, t.updated_at):
                if stamp is not None and stamp.date() > taken:
                    changes.append(stamp.date())
    return min(changes) if changes else None


def default_owner(finding: Finding, facts: OpenItemFacts) -> str:
    """Who owns an item nobody has assigned: the owner of the entity it is about, else (for a
    transfer) the owner of our entity that sends the data; "" if neither has one."""
    entity = facts.entities.get(finding.entity_id or -1)
    if entity is not None and entity.owner:
        return entity.owner
    t = facts.transfers.get(finding.transfer_id or -1)
    exporter = facts.entities.get(t.exporter_id) if t is not None else None
    return exporter.owner if exporter is not None else ""


def _dated(finding: Finding, gaps: Sequence[Gap], facts: OpenItemFacts, on: date) -> Finding:
    dates = [d for d in (_since(g, facts, on) for g in gaps) if d is not None]
    key = finding.key
    follow = facts.follow_ups.get(key) if key is not None else None
    owner = (follow.owner if follow and follow.owner else "") or default_owner(finding, facts)
    return Finding(
        finding.category,
        finding.severity,
        finding.subject,
        finding.message,
        finding.code,
        finding.transfer_id,
        finding.entity_id,
        min(dates) if dates else None,
        owner,
        follow.target_on if follow else None,
        dates=finding.dates,
    )


# -- the unverified facts the assessments rely on ---------------------------------------------


def current_assessments(tias: Iterable[Tia], transfer_ids: set[int] | None) -> list[Tia]:
    """The live assessments of the transfers in scope (all of them with no scope): the newest
    revision of each series, approved or not; a superseded revision is history."""
    newest: dict[int, Tia] = {}
    for x in tias:
        if x.archived_at is not None or x.status is TiaStatus.SUPERSEDED:
            continue
        if transfer_ids is not None and not set(x.transfer_ids) & transfer_ids:
            continue
        series = x.series_id or x.id or 0
        kept = newest.get(series)
        if kept is None or x.revision > kept.revision:
            newest[series] = x
    return sorted(newest.values(), key=lambda x: x.id or 0)


def _relied_facts(
    facts: OpenItemFacts, transfer_ids: set[int] | None, names: Mapping[int, str]
) -> list[ReliedFact]:
    """Each unverified fact the approved assessments in scope rely on (what their approvers
    accepted), with the assessments and who accepted it."""
    by_fact: dict[str, list[tuple[Tia, AcceptedFact]]] = defaultdict(list)
    for x in current_assessments(facts.tias, transfer_ids):
        if x.status is not TiaStatus.APPROVED or x.content is None:
            continue
        for a in x.content.accepted:
            by_fact[a.statement].append((x, a))
    out = []
    for statement, uses in by_fact.items():
        importers = sorted(
            {
                names.get(facts.transfers[x.transfer_id].importer_id, "")
                for x, _ in uses
                if x.transfer_id in facts.transfers
            }
            - {""}
        )
        out.append(
            ReliedFact(
                statement,
                min(a.as_of for _, a in uses),
                tuple(dict.fromkeys(x.reference for x, _ in uses)),
                tuple(importers),
                tuple(dict.fromkeys(f"{a.accepted_by}, {day(a.accepted_on)}" for _, a in uses)),
            )
        )
    return out
