"""Where everything on the data map goes, Qt-free: the columns of country boxes (as even in
height as their order allows, the picture near a 7:4 landscape), the nodes in them, and each
exporter's lines through the gutters and gaps between the boxes, never through a box."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from transfers_app.reports.data_map.geometry import Point, Rect
from transfers_app.reports.data_map.graph import MapData, MapEdge

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
    boxes: list[Rect] = field(default_factory=list)
    # (top, height) of each free gap: above the first box, between boxes, below the last.
    gaps: list[tuple[float, float]] = field(default_factory=list)


@dataclass(slots=True)
class _Leg:
    edge: MapEdge
    start: Point  # on the exporter's lane
    end: Point  # the importer's left side
    label_x: float  # centre of the label strip
    route: list[Point]


@dataclass(slots=True)
class _Layout:
    columns: list[_Column]
    nodes: dict[int, Rect]
    legs: list[_Leg]
    buses: dict[int, list[tuple[Point, Point]]]
    dots: dict[int, list[Point]]


def column_headings(lay: _Layout, data: MapData) -> list[tuple[float, str]]:
    """Each tier's heading once, at its first column that holds boxes: (x, text). Without
    entities of our own, the first tier is the exporters."""
    seen: set[int] = set()
    out: list[tuple[float, str]] = []
    for column in lay.columns:
        if column.tier in seen or not column.width:
            continue
        seen.add(column.tier)
        out.append((column.x, HEADINGS[column.tier] if column.tier or data.own else "EXPORTERS"))
    return out


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


def layout_map(data: MapData, top: float, least: Mapping[int, float] | None = None) -> _Layout:
    """Where every box, node and line goes (scene coordinates, the boxes below ``top``);
    ``least`` is the height a node needs for its words, where a drawing wraps them (node id ->
    points; the usual height otherwise)."""
    legs_in: Counter[int] = Counter(e.importer_id for e in data.edges)
    more = least or {}
    heights = {i: max(_node_height(legs_in[i]), more.get(i, 0.0)) for i in data.nodes}

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

    nodes: dict[int, Rect] = {}

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
                box = Rect(column.x, y, column.width, cell.height)
                column.boxes.append(box)
                ny = y + BOX_HEAD
                for node_id in cell.node_ids:
                    nodes[node_id] = Rect(
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
            box = Rect(own.x, own_top, own.width, own_h)
            own.boxes.append(box)
            ny = own_top + BOX_HEAD
            for node_id in data.sources:
                nodes[node_id] = Rect(box.left() + BOX_PAD, ny, NODE_W, heights[node_id])
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
    buses: dict[int, list[tuple[Point, Point]]] = defaultdict(list)
    dots: dict[int, list[Point]] = defaultdict(list)
    for s, edges in by_source.items():
        gs = node_col[s] + 1
        exit_at = Point(nodes[s].right(), nodes[s].center().y())
        ys = exit_at.y()
        spans: dict[int, list[float]] = defaultdict(list)
        spans[gs].append(ys)
        buses[s].append((exit_at, Point(lane_x(gs, s), ys)))
        for (source, c), (i, step) in crossings.items():
            if source != s:
                continue
            y = lane_y(c, i, s)
            g_from, g_to = (c, c + 1) if step > 0 else (c + 1, c)
            spans[g_from].append(y)
            spans[g_to].append(y)
            buses[s].append((Point(lane_x(g_from, s), y), Point(lane_x(g_to, s), y)))
        for e in edges:
            target = nodes[e.importer_id]
            gt = node_col[e.importer_id]
            yt = leg_y(e)
            spans[gt].append(yt)
            route = [exit_at, Point(lane_x(gs, s), ys)]
            g = gs
            while g != gt:
                c = g if gt > g else g - 1
                i, _ = crossings[(s, c)]
                y = lane_y(c, i, s)
                nxt = g + 1 if gt > g else g - 1
                route += [Point(lane_x(g, s), y), Point(lane_x(nxt, s), y)]
                g = nxt
            start = Point(lane_x(gt, s), yt)
            end = Point(target.left(), yt)
            route += [start, end]
            dots[s].append(start)
            legs.append(_Leg(e, start, end, target.left() - LABEL_W / 2, route))
        for g, ys_ in spans.items():
            if len(ys_) > 1 and max(ys_) - min(ys_) > 0.5:
                x = lane_x(g, s)
                buses[s].append((Point(x, min(ys_)), Point(x, max(ys_))))
    return _Layout(columns, nodes, legs, buses, dots)


def _nearest_gap(column: _Column, y: float) -> int:
    """The free gap of ``column`` nearest to ``y`` (where a line crosses the column)."""
    return min(
        range(len(column.gaps)),
        key=lambda i: abs(column.gaps[i][0] + column.gaps[i][1] / 2 - y),
    )
