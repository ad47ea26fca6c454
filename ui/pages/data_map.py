"""The data map: a picture of where personal data goes, for regulators and boards.

Our own entities stand on the left; the importers they send data to stand in one labelled box
per destination country (boxes in a grid, the busiest countries first); the subprocessors that
receive data onwards stand on the right. Each arrow carries the transfer's primary mechanism
and is coloured (and dashed) by the transfer's worst gap; each importer carries its worst status
as colour *and* word. Shared stretches of the lines from one exporter run as one neutral "bus",
so only the last leg into each importer, with its label, carries the colour.

Loading: a small register is read at once (the nodes paint in grey) and its status is computed
in the background; a large one is read in the background too. Only the ``limit`` importers with
the most transfers are drawn, each country box saying how many more it holds.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QImage,
    QImageWriter,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QStyleOptionGraphicsItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Access, Lifecycle, Severity
from transfers_app.domain.formatting import MECHANISM_PHRASES, MECHANISM_SHORT
from transfers_app.domain.models import Transfer
from transfers_app.services.register import RegisterService, StatusReport
from ui import messages
from ui.context import UiContext
from ui.jobs import Job, Jobs
from ui.pages.base import Page
from ui.widgets.badges import BADGE_COLOURS
from ui.widgets.charts import mix

try:  # QtSvg ships with PySide6-Essentials; the SVG export disables itself without it.
    from PySide6.QtSvg import QSvgGenerator

    HAS_SVG = True
except ImportError:  # pragma: no cover - depends on the installed wheel
    HAS_SVG = False

OK = "ok"  # assessed, no gap (the register model's word)
NOT_ASSESSED = "n/a"  # on the map, but the rules did not assess it (e.g. no regime)
StatusValue = Severity | str  # a Severity, OK or NOT_ASSESSED; None while checking

DEFAULT_LIMIT = 200  # importers drawn at most
SMALL_REGISTER = 4_000  # transfers and entities read in the GUI thread up to this size

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
    table: Sequence[tuple[Any, ...]],
    on: date,
    limit: int = DEFAULT_LIMIT,
) -> MapData:
    """The map of the live transfers on ``on``.

    ``table`` holds the register's rows as ``repo.register_table()`` gives them: (id, name,
    legal name, kind, lifecycle, is_own, countries, services). Transfers to a proposed or
    offboarded importer are left out, as the status check leaves them out.
    """
    info = {int(r[0]): r for r in table}
    live: list[Transfer] = []
    for t in transfers:
        if t.id is None or not t.is_live_on(on) or t.exporter_id == t.importer_id:
            continue
        exporter, importer = info.get(t.exporter_id), info.get(t.importer_id)
        if exporter is None or importer is None:
            continue
        if importer[4] in (Lifecycle.PROPOSED, Lifecycle.OFFBOARDED):
            continue
        live.append(t)

    def is_own(entity_id: int) -> bool:
        return bool(info[entity_id][5])

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
        return (-len(incoming[entity_id]), str(info[entity_id][1]).casefold(), entity_id)

    ranked = sorted(incoming, key=rank)
    shown = set(ranked[:limit])
    own_ids = sorted(
        {i for t in live for i in (t.exporter_id, t.importer_id) if is_own(i)},
        key=lambda i: (str(info[i][1]).casefold(), i),
    )
    # Exporters that are neither ours nor importers anywhere (e.g. a customer's transfer).
    others = sorted(
        {t.exporter_id for t in live if not is_own(t.exporter_id)} - set(incoming),
        key=lambda i: (str(info[i][1]).casefold(), i),
    )
    sources = (*own_ids, *others)

    def first_country(entity_id: int) -> str:
        countries = info[entity_id][6]
        return str(countries).split(",")[0] if countries else ""

    nodes: dict[int, MapNode] = {}
    for entity_id in sources:
        row = info[entity_id]
        nodes[entity_id] = MapNode(
            entity_id,
            str(row[1]),
            str(row[2] or ""),
            str(row[3]),
            first_country(entity_id),
            0,
            0,
            bool(row[5]),
            str(row[7] or ""),
        )
    for entity_id in ranked[:limit]:
        row = info[entity_id]
        nodes[entity_id] = MapNode(
            entity_id,
            str(row[1]),
            str(row[2] or ""),
            str(row[3]),
            country[entity_id],
            tier[entity_id],
            len(incoming[entity_id]),
            False,
            str(row[7] or ""),
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


def verdicts(report: StatusReport, wanted: frozenset[int]) -> dict[int, TransferVerdict]:
    out: dict[int, TransferVerdict] = {}
    for s in report.statuses:
        tid = s.transfer.id
        if tid is not None and tid in wanted:
            gaps = sorted(s.gaps, key=lambda g: g.severity.rank)
            out[tid] = TransferVerdict(s.worst, tuple(g.message for g in gaps))
    return out


# -- geometry --------------------------------------------------------------------------------------

MARGIN = 28.0
NODE_W = 248.0
NODE_H = 46.0
NODE_GAP = 8.0
LEG_SPACING = 22.0  # between the arrows into one importer
LABEL_W = 104.0  # the strip left of the importers where the arrows' labels sit
BOX_PAD = 10.0
BOX_HEAD = 32.0
MORE_H = 24.0
BOX_W = BOX_PAD + LABEL_W + NODE_W + BOX_PAD
OWN_W = BOX_PAD + NODE_W + BOX_PAD
MAX_PER_BOX = 10  # a bigger country continues in the next box
LANE = 8.0  # between the parallel lines of different exporters
LANE_MARGIN = 10.0
GUTTER = 40.0  # between two columns of boxes
GUTTER_WIDE = 64.0  # between our entities and the importers, and before the subprocessors
GAP = 14.0  # between two boxes of a column
TITLE_H = 30.0
LEGEND_H = 28.0
HEADING_H = 24.0
TARGET_ASPECT = 1.75
HEADINGS = {
    0: "OUR ENTITIES",
    1: "IMPORTERS BY DESTINATION COUNTRY",
    2: "SUBPROCESSORS (ONWARD TRANSFERS)",
}


@dataclass(slots=True)
class _Cell:
    label: str
    country: str
    tier: int
    node_ids: tuple[int, ...]
    hidden: int
    transfers: int
    height: float
    first: bool = True  # False for the boxes that continue a big country


@dataclass(slots=True)
class _Column:
    tier: int  # 0 our entities, 1 importers, 2 subprocessors
    width: float
    cells: list[_Cell]
    x: float = 0.0
    boxes: list[QRectF] = field(default_factory=list)
    # (top, height) of each free gap: above the first box, between boxes, below the last.
    gaps: list[tuple[float, float]] = field(default_factory=list)


@dataclass(slots=True)
class _Leg:
    edge: MapEdge
    start: QPointF  # on the exporter's lane
    end: QPointF  # the importer's left side
    label_x: float  # centre of the label strip
    route: list[QPointF]


@dataclass(slots=True)
class _Layout:
    columns: list[_Column]
    nodes: dict[int, QRectF]
    legs: list[_Leg]
    buses: dict[int, list[tuple[QPointF, QPointF]]]
    dots: dict[int, list[QPointF]]


def _lanes_width(n: int) -> float:
    return 2 * LANE_MARGIN + max(n - 1, 0) * LANE if n else 0.0


def _node_height(legs_in: int) -> float:
    return max(NODE_H, legs_in * LEG_SPACING + 14.0)


def _stack(cells: Sequence[_Cell], n: int) -> list[list[_Cell]]:
    """The boxes (busiest first) in reading order down at most ``n`` columns, as even in
    height as a split that keeps the order can make them (the shortest tallest column)."""

    def pack(cap: float) -> list[list[_Cell]]:
        columns: list[list[_Cell]] = [[]]
        height = 0.0
        for cell in cells:
            if columns[-1] and height + GAP + cell.height > cap:
                columns.append([])
                height = 0.0
            height += (GAP if columns[-1] else 0.0) + cell.height
            columns[-1].append(cell)
        return columns

    if not cells:
        return []
    low = max(c.height for c in cells)
    high = sum(c.height for c in cells) + GAP * (len(cells) - 1)
    for _ in range(40):
        middle = (low + high) / 2
        if len(pack(middle)) <= n:
            high = middle
        else:
            low = middle
    return pack(high + 1e-6)


def _stack_height(columns: Sequence[Sequence[_Cell]]) -> float:
    return max(
        (sum(c.height for c in col) + GAP * max(len(col) - 1, 0) for col in columns), default=0.0
    )


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def layout_map(data: MapData, top: float) -> _Layout:
    """Where every box, node and line goes (scene coordinates, the boxes below ``top``)."""
    legs_in: Counter[int] = Counter(e.importer_id for e in data.edges)
    heights = {i: _node_height(legs_in[i]) for i in data.nodes}

    def box_height(ids: Sequence[int], hidden: int) -> float:
        body = sum(heights[i] for i in ids) + NODE_GAP * max(len(ids) - 1, 0)
        return BOX_HEAD + body + (MORE_H if hidden else 0.0) + BOX_PAD

    tiers: dict[int, list[_Cell]] = {1: [], 2: []}
    for grp in data.groups:
        chunks = [
            grp.node_ids[i : i + MAX_PER_BOX] for i in range(0, len(grp.node_ids), MAX_PER_BOX)
        ]
        chunks = chunks or [()]
        for k, ids in enumerate(chunks):
            hidden = grp.hidden if k == len(chunks) - 1 else 0
            tiers[grp.tier].append(
                _Cell(
                    grp.label if k == 0 else f"{grp.label}, continued",
                    grp.country,
                    grp.tier,
                    ids,
                    hidden,
                    grp.transfers,
                    box_height(ids, hidden),
                    k == 0,
                )
            )
    cells1, cells2 = tiers[1], tiers[2]
    source_h = sum(heights[i] for i in data.sources) + NODE_GAP * max(len(data.sources) - 1, 0)
    own_h = BOX_HEAD + source_h + BOX_PAD if data.sources else 0.0

    def second(cells: Sequence[_Cell], height: float) -> list[list[_Cell]]:
        """The fewest columns that keep ``cells`` within ``height``."""
        if not cells:
            return []
        tallest = max(c.height for c in cells)
        for n in range(1, len(cells) + 1):
            stacks = _stack(cells, n)
            if _stack_height(stacks) <= max(height, tallest) + 1e-6:
                return stacks
        return _stack(cells, len(cells))

    def width_of(n1: int, n2: int) -> float:
        width = 2 * MARGIN + OWN_W + GUTTER_WIDE
        if n1:
            width += n1 * BOX_W + (n1 - 1) * GUTTER
        if n2:
            width += GUTTER_WIDE + n2 * BOX_W + (n2 - 1) * GUTTER
        return width

    primary, other = (cells1, cells2) if cells1 else (cells2, [])
    best: tuple[float, list[list[_Cell]], list[list[_Cell]]] | None = None
    for n in range(1, min(len(primary), 10) + 1):
        stacks = _stack(primary, n)
        height = _stack_height(stacks)
        others = second(other, height)
        total = max(height, _stack_height(others), own_h) + top + 2 * GAP + MARGIN
        score = abs(math.log(width_of(n, len(others)) / total / TARGET_ASPECT))
        if best is None or score < best[0] - 1e-9:
            best = (score, stacks, others)
    stacks1, stacks2 = (best[1], best[2]) if best else ([], [])
    if not cells1:
        stacks1, stacks2 = [], stacks1

    columns = [_Column(0, OWN_W if data.sources else 0.0, [])]
    columns += [_Column(1, BOX_W, s) for s in stacks1]
    columns += [_Column(2, BOX_W, s) for s in stacks2]
    n_cols = len(columns)
    node_col: dict[int, int] = {i: 0 for i in data.sources}
    for k, column in enumerate(columns):
        for cell in column.cells:
            for i in cell.node_ids:
                node_col[i] = k

    def base_gutter(g: int) -> float:
        if g in (0, n_cols):
            return 0.0
        return GUTTER_WIDE if columns[g].tier != columns[g - 1].tier else GUTTER

    nodes: dict[int, QRectF] = {}

    def place(gutter_lanes: Sequence[int], gap_lanes: dict[tuple[int, int], int]) -> list[float]:
        """Positions every column, box and node; returns the x of each gutter."""
        gutter_w = [max(base_gutter(g), _lanes_width(gutter_lanes[g])) for g in range(n_cols + 1)]
        gutter_x: list[float] = []
        x = MARGIN
        for k, column in enumerate(columns):
            gutter_x.append(x)
            x += gutter_w[k]
            column.x = x
            x += column.width
        gutter_x.append(x)
        gutter_w_out[:] = gutter_w

        def gap(k: int, i: int, least: float) -> float:
            return max(least, _lanes_width(gap_lanes.get((k, i), 0)))

        first = max(gap(k, 0, GAP) for k in range(n_cols))
        body_top = top + first
        bottom = body_top
        for k, column in enumerate(columns[1:], start=1):
            y = body_top
            column.boxes = []
            column.gaps = [(top, first)]
            for i, cell in enumerate(column.cells):
                if i:
                    h = gap(k, i, GAP)
                    column.gaps.append((y, h))
                    y += h
                box = QRectF(column.x, y, column.width, cell.height)
                column.boxes.append(box)
                ny = y + BOX_HEAD
                for node_id in cell.node_ids:
                    nodes[node_id] = QRectF(
                        box.left() + BOX_PAD + LABEL_W, ny, NODE_W, heights[node_id]
                    )
                    ny += heights[node_id] + NODE_GAP
                y += cell.height
            bottom = max(bottom, y)
        bottom = max(bottom, body_top + own_h)
        last = max(gap(k, len(c.cells), GAP) for k, c in enumerate(columns))
        for column in columns[1:]:
            end = column.boxes[-1].bottom() if column.boxes else top + first
            column.gaps.append((end, bottom + last - end))
        own = columns[0]
        own.boxes = []
        if data.sources:
            own_top = max(body_top, (body_top + bottom) / 2 - own_h / 2)
            box = QRectF(own.x, own_top, own.width, own_h)
            own.boxes.append(box)
            ny = own_top + BOX_HEAD
            for node_id in data.sources:
                nodes[node_id] = QRectF(box.left() + BOX_PAD, ny, NODE_W, heights[node_id])
                ny += heights[node_id] + NODE_GAP
            own.gaps = [(top, own_top - top), (box.bottom(), bottom + last - box.bottom())]
        else:
            own.gaps = [(top, bottom + last - top)]
        return gutter_x

    gutter_w_out: list[float] = []
    into: dict[int, list[MapEdge]] = defaultdict(list)
    for e in data.edges:
        into[e.importer_id].append(e)

    def leg_y(e: MapEdge) -> float:
        siblings = into[e.importer_id]
        k = siblings.index(e)
        centre = nodes[e.importer_id].center().y()
        return centre + (k - (len(siblings) - 1) / 2) * LEG_SPACING

    # First placing: decide where each exporter's lines cross the columns.
    place([0] * (n_cols + 1), {})
    for siblings in into.values():
        siblings.sort(key=lambda e: (node_col[e.exporter_id], nodes[e.exporter_id].top()))
    by_source: dict[int, list[MapEdge]] = defaultdict(list)
    for e in data.edges:
        by_source[e.exporter_id].append(e)
    # (source, column) -> (gap index, direction +1 rightwards / -1 leftwards)
    crossings: dict[tuple[int, int], tuple[int, int]] = {}
    gutter_users: dict[int, set[int]] = defaultdict(set)
    gap_users: dict[tuple[int, int], set[int]] = defaultdict(set)
    for s, edges in by_source.items():
        gs = node_col[s] + 1
        targets = [(node_col[e.importer_id], leg_y(e)) for e in edges]
        gutter_users[gs].add(s)
        far_right = max((gt for gt, _ in targets if gt >= gs), default=gs)
        far_left = min((gt for gt, _ in targets if gt < gs), default=gs)
        for g in range(far_left, far_right + 1):
            gutter_users[g].add(s)
        for c in range(gs, far_right):
            beyond = [y for gt, y in targets if gt > c]
            crossings[(s, c)] = (_nearest_gap(columns[c], _median(beyond)), 1)
        for c in range(gs - 1, far_left - 1, -1):
            beyond = [y for gt, y in targets if gt <= c]
            crossings[(s, c)] = (_nearest_gap(columns[c], _median(beyond)), -1)
        for (source, c), (i, _) in crossings.items():
            if source == s:
                gap_users[(c, i)].add(s)

    def order(ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda i: (node_col[i], nodes[i].top(), i))

    gutter_order = {g: order(ids) for g, ids in gutter_users.items()}
    gap_order = {key: order(ids) for key, ids in gap_users.items()}
    gutter_x = place(
        [len(gutter_order.get(g, ())) for g in range(n_cols + 1)],
        {key: len(ids) for key, ids in gap_order.items()},
    )
    gutter_w = gutter_w_out

    def lane_x(g: int, source: int) -> float:
        lanes = gutter_order[g]
        middle = gutter_x[g] + gutter_w[g] / 2
        return middle + (lanes.index(source) - (len(lanes) - 1) / 2) * LANE

    def lane_y(c: int, i: int, source: int) -> float:
        lanes = gap_order[(c, i)]
        gap_top, gap_h = columns[c].gaps[i]
        return gap_top + gap_h / 2 + (lanes.index(source) - (len(lanes) - 1) / 2) * LANE

    legs: list[_Leg] = []
    buses: dict[int, list[tuple[QPointF, QPointF]]] = defaultdict(list)
    dots: dict[int, list[QPointF]] = defaultdict(list)
    for s, edges in by_source.items():
        gs = node_col[s] + 1
        exit_at = QPointF(nodes[s].right(), nodes[s].center().y())
        ys = exit_at.y()
        spans: dict[int, list[float]] = defaultdict(list)
        spans[gs].append(ys)
        buses[s].append((exit_at, QPointF(lane_x(gs, s), ys)))
        for (source, c), (i, step) in crossings.items():
            if source != s:
                continue
            y = lane_y(c, i, s)
            g_from, g_to = (c, c + 1) if step > 0 else (c + 1, c)
            spans[g_from].append(y)
            spans[g_to].append(y)
            buses[s].append((QPointF(lane_x(g_from, s), y), QPointF(lane_x(g_to, s), y)))
        for e in edges:
            target = nodes[e.importer_id]
            gt = node_col[e.importer_id]
            yt = leg_y(e)
            spans[gt].append(yt)
            route = [exit_at, QPointF(lane_x(gs, s), ys)]
            g = gs
            while g != gt:
                c = g if gt > g else g - 1
                i, _ = crossings[(s, c)]
                y = lane_y(c, i, s)
                nxt = g + 1 if gt > g else g - 1
                route += [QPointF(lane_x(g, s), y), QPointF(lane_x(nxt, s), y)]
                g = nxt
            start = QPointF(lane_x(gt, s), yt)
            end = QPointF(target.left(), yt)
            route += [start, end]
            dots[s].append(start)
            legs.append(_Leg(e, start, end, target.left() - LABEL_W / 2, route))
        for g, ys_ in spans.items():
            if len(ys_) > 1 and max(ys_) - min(ys_) > 0.5:
                x = lane_x(g, s)
                buses[s].append((QPointF(x, min(ys_)), QPointF(x, max(ys_))))
    return _Layout(columns, nodes, legs, buses, dots)


def _nearest_gap(column: _Column, y: float) -> int:
    """The free gap of ``column`` nearest to ``y`` (where a line crosses the column)."""
    return min(
        range(len(column.gaps)),
        key=lambda i: abs(column.gaps[i][0] + column.gaps[i][1] / 2 - y),
    )


# -- drawing ---------------------------------------------------------------------------------------

SCENE_BACKGROUND = QColor("#f4f6f9")
BOX_FILL = QColor("#ffffff")
BOX_BORDER = QColor("#d3d9e1")
TEXT = QColor("#1c2430")
QUIET = QColor("#5b6675")
BUS = QColor("#98a3b0")
UNKNOWN = QColor("#8d96a3")
OWN_FILL = QColor("#1f3a5f")
OWN_TEXT = QColor("#ffffff")
OWN_QUIET = QColor("#c6d3e6")


@functools.cache
def _family() -> str:
    """The family the app's font resolves to: an SVG names it, and a viewer knows a real family
    (e.g. "DejaVu Sans") where it would not know a fontconfig alias such as "Sans Serif"."""
    return QFontInfo(QApplication.font()).family()


def _font(pixels: int, weight: QFont.Weight = QFont.Weight.Normal, italic: bool = False) -> QFont:
    font = QFont(QApplication.font())
    font.setFamily(_family())
    font.setPixelSize(pixels)
    font.setWeight(weight)
    font.setItalic(italic)
    return font


def _name_font() -> QFont:
    return _font(13, QFont.Weight.DemiBold)


def _sub_font() -> QFont:
    return _font(11)


def _label_font() -> QFont:
    return _font(10, QFont.Weight.Medium)


def status_colour(status: StatusValue | None) -> QColor:
    """The badge colour of a status (grey while checking or not assessed)."""
    if status is None or status == NOT_ASSESSED:
        return QColor(UNKNOWN)
    return QColor(BADGE_COLOURS[str(status)][0])


def _line_colour(status: StatusValue | None) -> QColor:
    colour = status_colour(status)
    # The badge yellow is made for filled badges; a thin line needs more contrast.
    return colour.darker(125) if status == Severity.MEDIUM else colour


def _leg_pen(status: StatusValue | None) -> QPen:
    pen = QPen(_line_colour(status), 2.2)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if status is None or status == NOT_ASSESSED:
        pen.setDashPattern([1.0, 2.5])
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    elif status in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM):
        pen.setDashPattern([3.5, 2.5])
    return pen


def _badge_width(status: StatusValue | None) -> float:
    return QFontMetricsF(_font(10, QFont.Weight.Bold)).horizontalAdvance(status_word(status)) + 12


def _badge(painter: QPainter, right: float, centre_y: float, status: StatusValue | None) -> QRectF:
    """A status badge whose right edge is at ``right``; returns where it went."""
    word = status_word(status)
    font = _font(10, QFont.Weight.Bold)
    width = _badge_width(status)
    box = QRectF(right - width, centre_y - 9, width, 18)
    if status is None or status == NOT_ASSESSED:
        background, foreground = QColor("#e3e7ec"), QColor("#3d4652")
    else:
        background, foreground = (QColor(c) for c in BADGE_COLOURS[str(status)])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(background)
    painter.drawRoundedRect(box, 9, 9)
    painter.setPen(foreground)
    painter.setFont(font)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), word)
    return box


class MapNodeItem(QGraphicsItem):
    """An entity: rounded, coloured by its worst incoming transfer, with the status word."""

    def __init__(self, node: MapNode, rect: QRectF, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.node = node
        self.entity_id = node.entity_id
        self.name = node.name
        self._rect = QRectF(0, 0, rect.width(), rect.height())
        self.status: StatusValue | None = None
        self.transfers: list[tuple[str, StatusValue | None]] = []
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)
        self._sync_tooltip()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect).adjusted(-1, -1, 1, 1)

    def status_word(self) -> str:
        return "" if self.node.tier == 0 else status_word(self.status)

    def box(self) -> MapBoxItem | None:
        """The country box (or our entities' box) the node stands in."""
        parent = self.parentItem()
        return parent if isinstance(parent, MapBoxItem) else None

    def set_status(self, status: StatusValue | None) -> None:
        self.status = status
        self._sync_tooltip()
        self.update()

    def subtitle(self) -> str:
        n = self.node
        if n.tier == 0:
            where = country_name(n.country) if n.country else ""
            who = "Our entity" if n.is_own else KIND_WORDS.get(n.kind, n.kind.title())
            return f"{who} · {where}" if where else who
        if n.services:
            return n.services
        return KIND_WORDS.get(n.kind, n.kind.title())

    def _sync_tooltip(self) -> None:
        n = self.node
        lines = [n.name]
        if n.legal_name and n.legal_name != n.name:
            lines.append(n.legal_name)
        if n.tier == 0:
            lines.append(self.subtitle())
        else:
            lines.append(
                f"{KIND_WORDS.get(n.kind, n.kind.title())} in {destination_label(n.country)} · "
                f"{_plural(n.transfers_in, 'transfer')} in"
            )
            if n.services:
                lines.append(n.services)
            lines.append(f"Worst status: {status_word(self.status)}")
        lines.append("Click to open the record")
        self.setToolTip("\n".join(lines))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        r = self._rect
        own = self.node.tier == 0
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        shape = QPainterPath()
        shape.addRoundedRect(r.adjusted(0.75, 0.75, -0.75, -0.75), 8, 8)
        name_m, sub_m = QFontMetricsF(_name_font()), QFontMetricsF(_sub_font())
        line2 = max(sub_m.height(), 18.0)
        y = r.center().y() - (name_m.height() + 2 + line2) / 2
        left = r.left() + (12 if own else 15)
        width = r.right() - 10 - left
        sub_right = r.right() - 10
        if own:
            fill = OWN_FILL if self.node.is_own else QColor("#4a5566")
            painter.setPen(QPen(fill, 1.5))
            painter.setBrush(fill)
            painter.drawPath(shape)
            text, quiet = OWN_TEXT, OWN_QUIET
        else:
            accent = _line_colour(self.status)
            painter.setPen(QPen(accent, 1.5))
            painter.setBrush(mix(BOX_FILL, status_colour(self.status), 0.09))
            painter.drawPath(shape)
            painter.save()
            painter.setClipPath(shape)
            painter.fillRect(QRectF(r.left(), r.top(), 5, r.height()), accent)
            painter.restore()
            centre = y + name_m.height() + 2 + line2 / 2
            badge = _badge(painter, r.right() - 8, centre, self.status)
            text, quiet = TEXT, QUIET
            sub_right = badge.left() - 6
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.setFont(_name_font())
        painter.setPen(text)
        painter.drawText(QRectF(left, y, width, name_m.height()), flags, self.shown_name())
        painter.setFont(_sub_font())
        painter.setPen(quiet)
        sub_w = max(sub_right - left, 10.0)
        sub = sub_m.elidedText(self.subtitle(), Qt.TextElideMode.ElideRight, sub_w)
        painter.drawText(QRectF(left, y + name_m.height() + 2, sub_w, line2), flags, sub)

    def shown_name(self) -> str:
        """The name as painted (elided when long; the tooltip has it whole)."""
        width = self._rect.width() - (22 if self.node.tier == 0 else 25)
        return QFontMetricsF(_name_font()).elidedText(self.name, Qt.TextElideMode.ElideRight, width)


class MapBoxItem(QGraphicsItem):
    """A labelled box: one destination country (or our entities)."""

    def __init__(
        self,
        label: str,
        rect: QRectF,
        country: str = "",
        tier: int = 1,
        hidden: int = 0,
        transfers: int = 0,
        show_count: bool = True,
    ) -> None:
        super().__init__()
        self.show_count = show_count
        self.label = label
        self.country = country
        self.tier = tier
        self.hidden = hidden
        self.transfers = transfers
        self._rect = QRectF(0, 0, rect.width(), rect.height())
        self.setPos(rect.topLeft())
        self.setZValue(-1)
        if country:
            self.setToolTip(
                f"{label}: {_plural(transfers, 'transfer')} to "
                f"{'subprocessors' if tier == 2 else 'importers'} here"
                + (f"; {hidden:,} more not drawn" if hidden else "")
                + "\nClick the title to list these transfers"
            )

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect).adjusted(-1, -1, 1, 1)

    def title_rect(self) -> QRectF:
        return QRectF(0, 0, self._rect.width(), BOX_HEAD - 4)

    def more_rect(self) -> QRectF:
        if not self.hidden:
            return QRectF()
        return QRectF(BOX_PAD + LABEL_W, self._rect.height() - BOX_PAD - MORE_H, NODE_W, MORE_H)

    def more_text(self) -> str:
        return f"+ {self.hidden:,} more" if self.hidden else ""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        r = self._rect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(BOX_BORDER, 1))
        painter.setBrush(BOX_FILL)
        painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        title_font = _font(14, QFont.Weight.Bold)
        count_font = _font(11)
        flags = int(Qt.AlignmentFlag.AlignVCenter)
        count = _plural(self.transfers, "transfer") if self.country and self.show_count else ""
        count_w = QFontMetricsF(count_font).horizontalAdvance(count) + 4 if count else 0.0
        head = QRectF(BOX_PAD + 2, 6, r.width() - 2 * BOX_PAD - 4, BOX_HEAD - 14)
        painter.setFont(title_font)
        painter.setPen(TEXT)
        title = QFontMetricsF(title_font).elidedText(
            self.label, Qt.TextElideMode.ElideRight, head.width() - count_w - 8
        )
        painter.drawText(head, flags | int(Qt.AlignmentFlag.AlignLeft), title)
        if count:
            painter.setFont(count_font)
            painter.setPen(QUIET)
            painter.drawText(head, flags | int(Qt.AlignmentFlag.AlignRight), count)
        if self.hidden:
            painter.setFont(_font(12, QFont.Weight.DemiBold, italic=True))
            painter.setPen(QUIET)
            painter.drawText(
                self.more_rect().adjusted(4, 0, 0, 0),
                flags | int(Qt.AlignmentFlag.AlignLeft),
                f"{self.more_text()} not drawn",
            )


class MapEdgeItem(QGraphicsItem):
    """One arrow: the last leg into an importer, with its arrow head and mechanism label.

    ``path()`` is the leg; ``route`` the whole way from the exporter (whose shared part is
    drawn once, as the exporter's bus)."""

    ARROW = 9.0

    def __init__(self, leg: _Leg, names: dict[int, str]) -> None:
        super().__init__()
        self.edge = leg.edge
        self.exporter_id = leg.edge.exporter_id
        self.importer_id = leg.edge.importer_id
        self.label = leg.edge.label
        self.onward = leg.edge.onward
        self.start = QPointF(leg.start)
        self.end = QPointF(leg.end)
        self.label_centre = QPointF(leg.label_x, leg.end.y())
        self.route = QPainterPath(leg.route[0])
        for p in leg.route[1:]:
            self.route.lineTo(p)
        self.status: StatusValue | None = None
        self.verdicts: dict[int, TransferVerdict] = {}
        self._names = names
        self._label_font = _label_font()
        width = QFontMetricsF(self._label_font).horizontalAdvance(self.label) + 12
        self._pill = QRectF(0, 0, min(width, LABEL_W - 6), 16)
        self._pill.moveCenter(self.label_centre)
        self.setZValue(2)
        self.setAcceptHoverEvents(True)
        self._sync_tooltip()

    def path(self) -> QPainterPath:
        path = QPainterPath(self.start)
        path.lineTo(self.end)
        return path

    def label_rect(self) -> QRectF:
        return QRectF(self._pill)

    def boundingRect(self) -> QRectF:
        line = QRectF(self.start, self.end).normalized().adjusted(-2, -6, 2, 6)
        return line.united(self._pill.adjusted(-2, -2, 2, 2))

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(self.start, self.end).normalized().adjusted(0, -5, 0, 5))
        path.addRoundedRect(self._pill, 8, 8)
        return path

    def set_status(self, verdicts: dict[int, TransferVerdict]) -> None:
        self.verdicts = {t.id: verdicts[t.id] for t in self.edge.transfers if t.id in verdicts}
        self.status = worst_of(
            (v.worst if v.worst is not None else OK) for v in self.verdicts.values()
        )
        self._sync_tooltip()
        self.update()

    def _sync_tooltip(self) -> None:
        names = self._names
        exporter = names.get(self.exporter_id, str(self.exporter_id))
        importer = names.get(self.importer_id, str(self.importer_id))
        lines = [f"{exporter} → {importer}"]
        for t in self.edge.transfers:
            what = ACCESS_LABELS.get(t.access, str(t.access))
            service = f" · {t.service}" if t.service else ""
            lines.append(f"Transfer {t.id} to {destination_label(t.destination)}: {what}{service}")
            if t.mechanisms:
                names_ = [MECHANISM_PHRASES[m.mechanism] for m in t.mechanisms]
                fallback = f" (fallback: {', '.join(names_[1:])})" if len(names_) > 1 else ""
                lines.append(f"  relies on {names_[0]}{fallback}")
            else:
                lines.append("  no transfer mechanism recorded")
            if t.parent_transfer_id is not None:
                lines.append(f"  onward from transfer {t.parent_transfer_id}")
            verdict = self.verdicts.get(t.id or -1)
            if self.status is None:
                lines.append("  status: checking…")
            elif verdict is None:
                lines.append("  status: not assessed")
            elif verdict.worst is None:
                lines.append("  status: OK, no gap")
            else:
                lines.append(f"  status: {verdict.worst.upper()}")
                lines.extend(f"  • {m}" for m in verdict.messages[:3])
                if len(verdict.messages) > 3:
                    lines.append(f"  • and {len(verdict.messages) - 3} more")
        self.setToolTip("\n".join(lines))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        colour = _line_colour(self.status)
        tip = self.end
        base = QPointF(tip.x() - self.ARROW, tip.y())
        painter.setPen(_leg_pen(self.status))
        painter.drawLine(self.start, base)
        head = QPolygonF([tip, QPointF(base.x(), tip.y() - 5), QPointF(base.x(), tip.y() + 5)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(head)
        painter.setPen(QPen(colour, 1.3))
        painter.setBrush(BOX_FILL)
        painter.drawRoundedRect(self._pill, 8, 8)
        painter.setPen(TEXT)
        painter.setFont(self._label_font)
        text = QFontMetricsF(self._label_font).elidedText(
            self.label, Qt.TextElideMode.ElideRight, self._pill.width() - 6
        )
        painter.drawText(self._pill, int(Qt.AlignmentFlag.AlignCenter), text)


class MapBusItem(QGraphicsItem):
    """The shared lines of one exporter (drawn once, neutral), with a dot at each branch."""

    def __init__(self, segments: list[tuple[QPointF, QPointF]], dots: list[QPointF]) -> None:
        super().__init__()
        self.segments = segments
        self.dots = dots
        rect = QRectF()
        for a, b in segments:
            rect = rect.united(QRectF(a, b).normalized())
        for d in dots:
            rect = rect.united(QRectF(d.x() - 3, d.y() - 3, 6, 6))
        self._rect = rect.adjusted(-3, -3, 3, 3)
        self.setZValue(0)

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(BUS, 1.7)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        for a, b in self.segments:
            painter.drawLine(a, b)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BUS)
        for d in self.dots:
            painter.drawEllipse(d, 2.6, 2.6)


class MapTextItem(QGraphicsItem):
    """A line of text in the picture (title, column headings)."""

    def __init__(self, text: str, pos: QPointF, font: QFont, colour: QColor) -> None:
        super().__init__()
        self.text = text
        self._font = font
        self._colour = colour
        metrics = QFontMetricsF(font)
        self._rect = QRectF(0, 0, metrics.horizontalAdvance(text) + 4, metrics.height())
        self.setPos(pos)

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setFont(self._font)
        painter.setPen(self._colour)
        painter.drawText(
            self._rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.text
        )


class MapLegendItem(QGraphicsItem):
    """What the colours, words, lines and labels mean (part of the exported picture)."""

    STATUSES: tuple[tuple[StatusValue, str], ...] = (
        (Severity.CRITICAL, "critical gap"),
        (Severity.HIGH, "high"),
        (Severity.MEDIUM, "medium"),
        (Severity.LOW, "low"),
        (OK, "no gap"),
    )

    def __init__(self, pos: QPointF) -> None:
        super().__init__()
        self.setPos(pos)
        self._font = _font(12)
        self._entries = self._measure()
        width = self._entries[-1][1] + self._entries[-1][2] if self._entries else 0.0
        self._rect = QRectF(0, 0, width, LEGEND_H)

    def _measure(self) -> list[tuple[str, float, float]]:
        """(kind, x, width) of each entry."""
        metrics = QFontMetricsF(self._font)
        out: list[tuple[str, float, float]] = []
        x = 0.0
        for status, text in self.STATUSES:
            w = _badge_width(status) + 6 + metrics.horizontalAdvance(text)
            out.append((str(status), x, w))
            x += w + 16
        x += 12
        for kind, text in (
            ("solid", "no gap, or low"),
            ("dashed", "gap to fix"),
            ("dotted", "not assessed yet"),
        ):
            w = 30 + 6 + metrics.horizontalAdvance(text)
            out.append((kind, x, w))
            x += w + 16
        x += 12
        pill = QFontMetricsF(_label_font()).horizontalAdvance("DPF") + 12
        w = pill + 6 + metrics.horizontalAdvance("primary mechanism")
        out.append(("pill", x, w))
        return out

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        y = self._rect.center().y()
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        texts = dict(self.STATUSES)
        lines = {"solid": "no gap, or low", "dashed": "gap to fix", "dotted": "not assessed yet"}
        for kind, x, w in self._entries:
            if kind in _RANK:
                status: StatusValue = Severity(kind) if kind != OK else OK
                badge = _badge(painter, x + _badge_width(status), y, status)
                text_x = badge.right() + 6
                painter.setFont(self._font)
                painter.setPen(QUIET)
                painter.drawText(QRectF(text_x, 0, x + w - text_x, LEGEND_H), flags, texts[status])
            elif kind in lines:
                sample = {"solid": OK, "dashed": Severity.CRITICAL, "dotted": None}[kind]
                pen = _leg_pen(sample)
                pen.setColor(QColor("#46505c"))
                painter.setPen(pen)
                painter.drawLine(QPointF(x, y), QPointF(x + 30, y))
                painter.setFont(self._font)
                painter.setPen(QUIET)
                painter.drawText(QRectF(x + 36, 0, w - 36, LEGEND_H), flags, lines[kind])
            else:
                font = _label_font()
                pill_w = QFontMetricsF(font).horizontalAdvance("DPF") + 12
                pill = QRectF(x, y - 8, pill_w, 16)
                painter.setPen(QPen(QColor("#46505c"), 1.3))
                painter.setBrush(BOX_FILL)
                painter.drawRoundedRect(pill, 8, 8)
                painter.setFont(font)
                painter.setPen(TEXT)
                painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), "DPF")
                painter.setFont(self._font)
                painter.setPen(QUIET)
                painter.drawText(
                    QRectF(pill.right() + 6, 0, w, LEGEND_H), flags, "primary mechanism"
                )


# -- the view ----------------------------------------------------------------------------------


class MapView(QGraphicsView):
    """Pan by dragging, zoom with Ctrl+wheel; a click (not a drag) on a node or a country title
    is reported. Keeps the whole picture fitted until the user zooms or pans."""

    node_clicked = Signal(int)
    country_clicked = Signal(str)
    zoom_changed = Signal(float)

    MIN_ZOOM = 0.08
    MAX_ZOOM = 4.0
    MAX_FIT = 1.15

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QBrush(SCENE_BACKGROUND))
        self.setAccessibleName("Data map")
        self.auto_fit = True
        self._press: QPoint | None = None
        self._moved = False

    def zoom(self) -> float:
        return float(self.transform().m11())

    def set_zoom(self, factor: float, under_mouse: bool = False) -> None:
        factor = min(max(factor, self.MIN_ZOOM), self.MAX_ZOOM)
        anchor = self.transformationAnchor()
        if not under_mouse:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        current = self.zoom()
        if current > 0:
            self.scale(factor / current, factor / current)
        self.setTransformationAnchor(anchor)
        self.zoom_changed.emit(self.zoom())

    def zoom_by(self, step: float, under_mouse: bool = False) -> None:
        self.auto_fit = False
        self.set_zoom(self.zoom() * step, under_mouse)

    def fit(self) -> None:
        """The whole picture in the window (never blown up past a little over 100 %)."""
        self.auto_fit = True
        rect = self.sceneRect()
        if rect.isEmpty() or self.viewport().width() < 10:
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > self.MAX_FIT:
            self.set_zoom(self.MAX_FIT)
            self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.zoom_by(1.15**steps, under_mouse=True)
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._moved = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and not self._moved:
            distance = (event.position().toPoint() - self._press).manhattanLength()
            if distance >= QApplication.startDragDistance():
                self._moved = True
                self.auto_fit = False
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if event.button() != Qt.MouseButton.LeftButton or press is None or self._moved:
            return
        self._clicked(event.position().toPoint())

    def _clicked(self, pos: QPoint) -> None:
        scene_pos = self.mapToScene(pos)
        for item in self.items(pos):
            if isinstance(item, MapNodeItem):
                self.node_clicked.emit(item.entity_id)
                return
            if isinstance(item, MapBoxItem) and item.country:
                local = item.mapFromScene(scene_pos)
                if item.title_rect().contains(local) or item.more_rect().contains(local):
                    self.country_clicked.emit(item.country)
                return

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit()


# -- the page ------------------------------------------------------------------------------------


def _date_text(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


class DataMapPage(Page):
    title = "Data map"

    # The status arrived and the map is coloured (or the check failed: see ``error``).
    ready = Signal()

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, limit: int = DEFAULT_LIMIT
    ) -> None:
        super().__init__(ctx, parent)
        self.limit = limit
        self.data: MapData | None = None
        self.verdicts: dict[int, TransferVerdict] | None = None
        self.error = ""
        self.jobs = Jobs(self, ctx)
        self._nodes: dict[int, MapNodeItem] = {}
        self._edges: list[MapEdgeItem] = []
        self._boxes: list[MapBoxItem] = []
        self._build()
        self.refresh()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        heading = QLabel(self.title)
        font = heading.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        heading.setFont(font)
        titles.addWidget(heading)
        self.header_label = QLabel()
        self.header_label.setObjectName("data-map-header")
        self.header_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.header_label.setWordWrap(True)
        titles.addWidget(self.header_label)
        header.addLayout(titles, 1)

        controls = QHBoxLayout()
        controls.setSpacing(6)
        self.zoom_out_button = QToolButton()
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip("Zoom out (Ctrl+−, or Ctrl+wheel)")
        self.zoom_out_button.setAccessibleName("Zoom out")
        self.zoom_label = QLabel("100%")
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("0000%"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = QToolButton()
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip("Zoom in (Ctrl++, or Ctrl+wheel)")
        self.zoom_in_button.setAccessibleName("Zoom in")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Show the whole map (Ctrl+0)")
        self.png_button = QPushButton("Export PNG…")
        self.png_button.setToolTip("Save the whole map as a PNG image")
        self.svg_button = QPushButton("Export SVG…")
        if HAS_SVG:
            self.svg_button.setToolTip("Save the whole map as an SVG drawing (scales for print)")
        else:
            self.svg_button.setEnabled(False)
            self.svg_button.setToolTip(
                "SVG export needs the QtSvg module, which this installation of PySide6 lacks: "
                "export a PNG instead"
            )
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            controls.addWidget(w)
        controls.addSpacing(12)
        controls.addWidget(self.png_button)
        controls.addWidget(self.svg_button)
        header.addLayout(controls)
        header.setAlignment(controls, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(header)

        self.scene = QGraphicsScene(self)
        self.scene.setBackgroundBrush(QBrush(SCENE_BACKGROUND))
        self.view = MapView(self.scene)
        self.view.node_clicked.connect(self.open_entity)
        self.view.country_clicked.connect(self._open_country)
        self.view.zoom_changed.connect(self._show_zoom)
        self.message_label = QLabel()
        self.message_label.setObjectName("data-map-message")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        holder = QFrame()
        holder.setFrameShape(QFrame.Shape.StyledPanel)
        self._stack = QStackedLayout(holder)
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.message_label)
        outer.addWidget(holder, 1)

        self.zoom_in_button.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out_button.clicked.connect(lambda: self.view.zoom_by(1 / 1.25))
        self.fit_button.clicked.connect(self.view.fit)
        self.png_button.clicked.connect(self._ask_png)
        self.svg_button.clicked.connect(self._ask_svg)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, lambda: self.view.zoom_by(1.25)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.view.zoom_by(1 / 1.25)),
            (QKeySequence("Ctrl+0"), self.view.fit),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        self._set_exportable(False)

    def _set_exportable(self, on: bool) -> None:
        for w in (self.zoom_in_button, self.zoom_out_button, self.fit_button, self.png_button):
            w.setEnabled(on)
        self.svg_button.setEnabled(on and HAS_SVG)

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the register again and recheck its status (in the background)."""
        self.error = ""
        small = self._small_register()
        if small:
            repo = self.ctx.service.repo
            data = build_map(
                repo.list_transfers(), repo.register_table(), self.ctx.today, self.limit
            )
            self._show_structure(data)
        elif self.data is None:
            self._show_message("Reading the register…")
            self._set_header("Reading the transfers on the register…")
        # A small register's map is drawn: only its status is wanted from the background.
        wanted = self.data.transfer_ids() if small and self.data is not None else None
        ctx, on, limit = self.ctx, self.ctx.today, self.limit

        def work(service: RegisterService, job: Job) -> dict[int, TransferVerdict]:
            ids = wanted
            if ids is None:
                repo = service.repo
                data = build_map(repo.list_transfers(), repo.register_table(), on, limit)
                job.report(data)
                ids = data.transfer_ids()
            # The status is shared with the other pages through the context.
            return verdicts(ctx.status(service), ids)

        self.jobs.start(work, self._on_done, self._on_failed, on_progress=self._on_structure)

    def _small_register(self) -> bool:
        repo = self.ctx.service.repo
        return repo.count("transfers") <= SMALL_REGISTER and repo.count("entities") <= (
            SMALL_REGISTER
        )

    def is_checking(self) -> bool:
        return self.jobs.busy()

    def _on_structure(self, data: MapData) -> None:
        self._show_structure(data)

    def _on_done(self, result: dict[int, TransferVerdict]) -> None:
        self.verdicts = result
        self._apply_status(result)
        self.ready.emit()

    def _on_failed(self, message: str) -> None:
        self.error = message
        if self.data is None:
            self._show_message(f"Could not read the register: {message}")
        self._set_header(f"Could not check the register: {message}")
        self.ready.emit()

    # -- showing -----------------------------------------------------------------------------

    def _set_header(self, text: str) -> None:
        """The line under the title; assistive technology reads it as the map's description."""
        self.header_label.setText(text)
        self.view.setAccessibleDescription(text)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self._stack.setCurrentWidget(self.message_label)
        self._set_exportable(False)

    def _show_structure(self, data: MapData) -> None:
        self.data = data
        self.verdicts = None
        self._draw(data)
        if data.empty:
            self._show_message(
                "No transfers yet\n\nThe flows of personal data appear here, by destination "
                "country, once transfers are on the register."
            )
        else:
            self._stack.setCurrentWidget(self.view)
            self._set_exportable(True)
        self._set_header(self._header_text(data, None))

    def _header_text(self, d: MapData, verdicts: dict[int, TransferVerdict] | None) -> str:
        if d.empty:
            return "No live transfers on the register."
        parts = []
        if d.truncated:
            parts.append(
                f"Showing the top {d.shown_importers:,} of {d.importers:,} importers by number "
                "of transfers"
            )
        exporters = f"{_plural(d.own, 'of our entities', 'of our entities')}" if d.own else ""
        flows = (
            f"{_plural(d.transfers, 'live transfer')}"
            + (f" from {exporters}" if exporters else "")
            + f" to {_plural(d.importers, 'importer')}"
            + f" in {_plural(d.countries, 'country', 'countries')}"
        )
        if d.onward:
            flows += f" ({d.onward:,} onward)"
        parts.append(flows)
        when = _date_text(d.on)
        if verdicts is None:
            parts.append(f"checking the status as of {when}…")
        else:
            counts: Counter[str] = Counter(
                (v.worst.value if v.worst is not None else OK) for v in verdicts.values()
            )
            shown = [
                f"{counts[s]} {s if s != OK else 'OK'}"
                for s in (*(x.value for x in Severity), OK)
                if counts[s]
            ]
            drawn = " of those drawn" if d.truncated else ""
            parts.append(f"status on {when}{drawn}: " + (", ".join(shown) or "nothing assessed"))
        return " · ".join(parts)

    def _draw(self, data: MapData) -> None:
        scene = self.scene
        scene.clear()
        self._nodes = {}
        self._edges = []
        self._boxes = []
        if data.empty:
            scene.setSceneRect(QRectF(0, 0, 10, 10))
            return
        title_font = _font(17, QFont.Weight.Bold)
        scene.addItem(
            MapTextItem(
                f"Data map · transfers of personal data as of {_date_text(data.on)}",
                QPointF(MARGIN, MARGIN - 6),
                title_font,
                TEXT,
            )
        )
        scene.addItem(MapLegendItem(QPointF(MARGIN, MARGIN + TITLE_H)))
        top = MARGIN + TITLE_H + LEGEND_H + 14 + HEADING_H
        lay = layout_map(data, top)
        heading_font = _font(11, QFont.Weight.Bold)
        heading_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0.8)
        heading_y = top - HEADING_H + 2
        seen: set[int] = set()
        for column in lay.columns:
            if column.tier in seen or not column.width:
                continue
            seen.add(column.tier)
            text = HEADINGS[column.tier] if column.tier or data.own else "EXPORTERS"
            scene.addItem(MapTextItem(text, QPointF(column.x, heading_y), heading_font, QUIET))
        for column in lay.columns:
            if column.tier == 0:
                for rect in column.boxes:
                    box = MapBoxItem("Our entities" if data.own else "Exporters", rect, tier=0)
                    scene.addItem(box)
                    self._boxes.append(box)
                    for i in data.sources:
                        self._add_node(data.nodes[i], lay.nodes[i], box)
                continue
            for cell, rect in zip(column.cells, column.boxes, strict=True):
                box = MapBoxItem(
                    cell.label,
                    rect,
                    cell.country,
                    cell.tier,
                    cell.hidden,
                    cell.transfers,
                    show_count=cell.first,
                )
                scene.addItem(box)
                self._boxes.append(box)
                for i in cell.node_ids:
                    self._add_node(data.nodes[i], lay.nodes[i], box)
        for source, segments in lay.buses.items():
            scene.addItem(MapBusItem(segments, lay.dots.get(source, [])))
        names = {i: n.name for i, n in data.nodes.items()}
        for leg in lay.legs:
            edge = MapEdgeItem(leg, names)
            scene.addItem(edge)
            self._edges.append(edge)
        bounds = scene.itemsBoundingRect()
        scene.setSceneRect(
            QRectF(0, 0, math.ceil(bounds.right() + MARGIN), math.ceil(bounds.bottom() + MARGIN))
        )
        if self.view.auto_fit:
            self.view.fit()

    def _add_node(self, node: MapNode, rect: QRectF, box: MapBoxItem) -> None:
        item = MapNodeItem(node, rect, box)
        item.setPos(rect.topLeft() - box.pos())
        self._nodes[node.entity_id] = item

    def _apply_status(self, verdicts: dict[int, TransferVerdict]) -> None:
        incoming: dict[int, list[StatusValue]] = defaultdict(list)
        for edge in self._edges:
            edge.set_status(verdicts)
            if edge.status is not None:
                incoming[edge.importer_id].append(edge.status)
        for entity_id, item in self._nodes.items():
            if item.node.tier:
                item.set_status(worst_of(incoming.get(entity_id, [])))
        if self.data is not None:
            self._set_header(self._header_text(self.data, verdicts))

    def _show_zoom(self, factor: float) -> None:
        self.zoom_label.setText(f"{round(factor * 100)}%")

    def _open_country(self, code: str) -> None:
        self.navigate.emit("transfers", {"country": code})

    # -- what tests and other pages use ----------------------------------------------------------

    def nodes(self) -> list[MapNodeItem]:
        return list(self._nodes.values())

    def node_item(self, entity_id: int) -> MapNodeItem | None:
        return self._nodes.get(entity_id)

    def edges(self) -> list[MapEdgeItem]:
        return list(self._edges)

    def edge(self, exporter_id: int, importer_id: int) -> MapEdgeItem | None:
        for e in self._edges:
            if e.exporter_id == exporter_id and e.importer_id == importer_id:
                return e
        return None

    def boxes(self) -> list[MapBoxItem]:
        return list(self._boxes)

    def apply_filter(self, **criteria: Any) -> None:
        """Centre the map on an entity (``entity_id``) or a destination (``country``)."""
        target: QGraphicsItem | None = None
        entity_id = criteria.get("entity_id")
        if isinstance(entity_id, int):
            target = self._nodes.get(entity_id)
        country = criteria.get("country")
        if target is None and isinstance(country, str):
            target = next((b for b in self._boxes if b.country == country), None)
        if target is not None:
            self.view.auto_fit = False
            self.view.centerOn(target)

    # -- export ------------------------------------------------------------------------------

    def picture_size(self) -> QSize:
        rect = self.scene.sceneRect()
        return QSize(math.ceil(rect.width()), math.ceil(rect.height()))

    def export_png(self, path: Path) -> bool:
        size = self.picture_size()
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(SCENE_BACKGROUND)
        painter = QPainter(image)
        try:
            painter.setRenderHints(
                QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
            )
            self.scene.render(
                painter, QRectF(0, 0, size.width(), size.height()), self.scene.sceneRect()
            )
        finally:
            painter.end()
        writer = QImageWriter(str(path), QByteArray(b"PNG"))
        return writer.write(image)

    def export_svg(self, path: Path) -> bool:
        if not HAS_SVG:
            return False
        size = self.picture_size()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setResolution(96)  # one scene unit is one CSS pixel
        generator.setTitle("Data map")
        generator.setDescription(
            f"Transfers of personal data as of {_date_text(self.ctx.today)} (Transfer Register)"
        )
        painter = QPainter()
        if not painter.begin(generator):
            return False
        try:
            painter.fillRect(QRectF(0, 0, size.width(), size.height()), SCENE_BACKGROUND)
            self.scene.render(
                painter, QRectF(0, 0, size.width(), size.height()), self.scene.sceneRect()
            )
        finally:
            painter.end()
        return path.exists() and path.stat().st_size > 0

    def _ask_png(self) -> None:
        self._ask("png", "PNG image (*.png)", self.export_png)

    def _ask_svg(self) -> None:
        self._ask("svg", "SVG drawing (*.svg)", self.export_svg)

    def _ask(self, suffix: str, file_filter: str, write: Callable[[Path], bool]) -> None:
        default = Path.home() / f"data-map-{self.ctx.today.isoformat()}.{suffix}"
        chosen = messages.save_file(
            self, f"Export the data map as {suffix.upper()}", default, file_filter
        )
        if chosen is None:
            return
        path = chosen
        if path.suffix.lower() != f".{suffix}":
            path = path.with_name(f"{path.name}.{suffix}")
        try:
            written = write(path)
        except OSError as exc:
            messages.error(self, f"Could not save the data map to {path}:\n{exc}")
            return
        if not written:
            messages.error(self, f"Could not save the data map to {path}.")
            return
        if self.data is not None:
            self._set_header(self._header_text(self.data, self.verdicts) + f" · saved {path.name}")
