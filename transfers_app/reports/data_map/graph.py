"""The data map as data, Qt-free: who sends to whom, which importers are drawn (the busiest,
up to a limit), the country boxes they stand in, and each transfer's verdict. Built in the GUI
thread for a small register, in the background for a large one, and by the evidence pack,
whose data map the exports layer draws (``exports.data_map``) as the app's page draws it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Access, Lifecycle, Severity
from transfers_app.domain.formatting import MECHANISM_SHORT
from transfers_app.domain.models import Transfer
from transfers_app.domain.readmodels import EntityRow
from transfers_app.rules.gaps import TransferStatus

OK = "ok"  # assessed, no gap (the register model's word)
NOT_ASSESSED = "n/a"  # on the map, but the rules did not assess it (e.g. no regime)
StatusValue = Severity | str  # a Severity, OK or NOT_ASSESSED; None while checking

DEFAULT_LIMIT = 200  # importers drawn at most

NO_MECHANISM = "none"

ACCESS_LABELS: dict[str, str] = {
    Access.STORAGE: "storage",
    Access.REMOTE_ACCESS: "remote access",
    Access.ONWARD: "onward transfer",
}
KIND_WORDS = {"group": "Group company", "vendor": "Vendor", "customer": "Customer"}

_RANK: dict[str, int] = {
    Severity.CRITICAL: 0,
    Severity.HIGH: 1,
    Severity.MEDIUM: 2,
    Severity.LOW: 3,
    OK: 4,
    NOT_ASSESSED: 5,
}


def status_word(status: StatusValue | None) -> str:
    """The word shown beside the colour: CRITICAL, HIGH, MEDIUM, LOW, OK; N/A; … while checking."""
    if status is None:
        return "…"
    if status == NOT_ASSESSED:
        return "N/A"
    return str(status).upper()


def worst_of(statuses: Iterable[StatusValue]) -> StatusValue:
    """The worst assessed status; NOT_ASSESSED when none of them was assessed."""
    best: StatusValue = NOT_ASSESSED
    for s in statuses:
        if _RANK[s] < _RANK[best]:
            best = s
    return best


def destination_label(code: str) -> str:
    name = country_name(code)
    return f"{name} ({code})" if name != code else code


def mechanism_short(t: Transfer) -> str:
    return MECHANISM_SHORT[t.mechanisms[0].mechanism] if t.mechanisms else NO_MECHANISM


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# -- the map, Qt-free (built in the GUI thread for a small register, else in the background) ----


@dataclass(frozen=True, slots=True)
class MapNode:
    entity_id: int
    name: str
    legal_name: str
    kind: str
    country: str  # destination country of an importer; the first location of an exporter
    tier: int  # 0 our entities (and other exporters), 1 importers, 2 subprocessors
    transfers_in: int
    is_own: bool
    services: str


@dataclass(frozen=True, slots=True)
class MapEdge:
    """Every live transfer from one exporter to one importer, drawn as one arrow."""

    exporter_id: int
    importer_id: int
    transfers: tuple[Transfer, ...]

    @property
    def onward(self) -> bool:
        return all(t.parent_transfer_id is not None for t in self.transfers)

    @property
    def label(self) -> str:
        labels = sorted({mechanism_short(t) for t in self.transfers})
        first = mechanism_short(self.transfers[0])
        return first if len(labels) == 1 else f"{first} +{len(labels) - 1}"


@dataclass(frozen=True, slots=True)
class MapGroup:
    """One country box: the importers drawn in it and how many more it holds."""

    tier: int
    country: str
    label: str
    node_ids: tuple[int, ...]
    hidden: int
    transfers: int


@dataclass(frozen=True, slots=True)
class MapData:
    on: date
    nodes: dict[int, MapNode]
    sources: tuple[int, ...]
    groups: tuple[MapGroup, ...]  # tier 1 then tier 2, busiest first
    edges: tuple[MapEdge, ...]
    transfers: int  # live transfers on the map (drawn or not)
    onward: int
    importers: int  # importers on the register (drawn or not)
    shown_importers: int
    countries: int
    limit: int
    own: int

    @property
    def empty(self) -> bool:
        return not self.edges and not self.transfers

    @property
    def truncated(self) -> bool:
        return self.shown_importers < self.importers

    def transfer_ids(self) -> frozenset[int]:
        return frozenset(t.id for e in self.edges for t in e.transfers if t.id is not None)


def build_map(
    transfers: Sequence[Transfer],
    table: Sequence[EntityRow],
    on: date,
    limit: int = DEFAULT_LIMIT,
) -> MapData:
    """The map of the live transfers on ``on``.

    ``table`` holds the register's live entities (``Workspace.entity_rows``). Transfers to a
    proposed or offboarded importer are left out, as the status check leaves them out.
    """
    info = {r.entity_id: r for r in table}
    live: list[Transfer] = []
    for t in transfers:
        if t.id is None or not t.is_live_on(on) or t.exporter_id == t.importer_id:
            continue
        exporter, importer = info.get(t.exporter_id), info.get(t.importer_id)
        if exporter is None or importer is None:
            continue
        if importer.lifecycle in (Lifecycle.PROPOSED, Lifecycle.OFFBOARDED):
            continue
        live.append(t)

    def is_own(entity_id: int) -> bool:
        return info[entity_id].is_own

    incoming: dict[int, list[Transfer]] = defaultdict(list)
    for t in live:
        if not is_own(t.importer_id):
            incoming[t.importer_id].append(t)
    tier: dict[int, int] = {}
    country: dict[int, str] = {}
    for entity_id, ts in incoming.items():
        direct = any(t.parent_transfer_id is None or is_own(t.exporter_id) for t in ts)
        tier[entity_id] = 1 if direct else 2
        country[entity_id] = Counter(t.destination for t in ts).most_common(1)[0][0]

    def rank(entity_id: int) -> tuple[int, str, int]:
        return (-len(incoming[entity_id]), info[entity_id].name.casefold(), entity_id)

    ranked = sorted(incoming, key=rank)
    shown = set(ranked[:limit])
    own_ids = sorted(
        {i for t in live for i in (t.exporter_id, t.importer_id) if is_own(i)},
        key=lambda i: (info[i].name.casefold(), i),
    )
    # Exporters that are neither ours nor importers anywhere (e.g. a customer's transfer).
    others = sorted(
        {t.exporter_id for t in live if not is_own(t.exporter_id)} - set(incoming),
        key=lambda i: (info[i].name.casefold(), i),
    )
    sources = (*own_ids, *others)

    def node(entity_id: int, where: str, level: int, transfers_in: int, own: bool) -> MapNode:
        row = info[entity_id]
        return MapNode(
            entity_id,
            row.name,
            row.legal_name,
            row.kind.value,
            where,
            level,
            transfers_in,
            own,
            "; ".join(row.services),
        )

    nodes: dict[int, MapNode] = {}
    for entity_id in sources:
        row = info[entity_id]
        nodes[entity_id] = node(
            entity_id, row.countries[0] if row.countries else "", 0, 0, row.is_own
        )
    for entity_id in ranked[:limit]:
        nodes[entity_id] = node(
            entity_id, country[entity_id], tier[entity_id], len(incoming[entity_id]), False
        )

    pairs: dict[tuple[int, int], list[Transfer]] = defaultdict(list)
    for t in live:
        if t.exporter_id in nodes and t.importer_id in nodes:
            pairs[(t.exporter_id, t.importer_id)].append(t)
    edges = tuple(
        MapEdge(exp, imp, tuple(sorted(ts, key=lambda t: t.id or 0)))
        for (exp, imp), ts in sorted(pairs.items())
    )

    members: dict[tuple[int, str], list[int]] = defaultdict(list)
    hidden: Counter[tuple[int, str]] = Counter()
    volume: Counter[tuple[int, str]] = Counter()
    for entity_id in ranked:
        key = (tier[entity_id], country[entity_id])
        volume[key] += len(incoming[entity_id])
        if entity_id in shown:
            members[key].append(entity_id)
        else:
            hidden[key] += 1
    groups = sorted(
        (
            MapGroup(
                key[0], key[1], destination_label(key[1]), tuple(ids), hidden[key], volume[key]
            )
            for key, ids in ((k, members.get(k, [])) for k in volume)
        ),
        key=lambda g: (g.tier, -g.transfers, g.label.casefold()),
    )
    return MapData(
        on=on,
        nodes=nodes,
        sources=sources,
        groups=tuple(groups),
        edges=edges,
        transfers=len(live),
        onward=sum(1 for t in live if t.parent_transfer_id is not None),
        importers=len(incoming),
        shown_importers=len(shown),
        countries=len(set(country.values())),
        limit=limit,
        own=len(own_ids),
    )


@dataclass(frozen=True, slots=True)
class TransferVerdict:
    """The status of one transfer: its worst gap (None: no gap) and what the gaps say."""

    worst: Severity | None
    messages: tuple[str, ...] = field(default=())


class HasStatuses(Protocol):
    """A status report's per-transfer verdicts (``services.register.StatusReport``)."""

    @property
    def statuses(self) -> Sequence[TransferStatus]: ...


def verdicts(report: HasStatuses, wanted: frozenset[int]) -> dict[int, TransferVerdict]:
    out: dict[int, TransferVerdict] = {}
    for s in report.statuses:
        tid = s.transfer.id
        if tid is not None and tid in wanted:
            gaps = sorted(s.gaps, key=lambda g: g.severity.rank)
            out[tid] = TransferVerdict(s.worst, tuple(g.text() for g in gaps))
    return out


def edge_status(edge: MapEdge, found: Mapping[int, TransferVerdict]) -> StatusValue:
    """An arrow's status: the worst of its transfers' (OK for one with no gap; not assessed
    when the rules assessed none of them)."""
    ids = [t.id for t in edge.transfers if t.id is not None and t.id in found]
    return worst_of((found[i].worst or OK) for i in ids)


def node_subtitle(n: MapNode) -> str:
    """The line under an entity's name: what it is and where (exporters), its services
    (importers)."""
    if n.tier == 0:
        where = country_name(n.country) if n.country else ""
        who = "Our entity" if n.is_own else KIND_WORDS.get(n.kind, n.kind.title())
        return f"{who} · {where}" if where else who
    if n.services:
        return n.services
    return KIND_WORDS.get(n.kind, n.kind.title())
