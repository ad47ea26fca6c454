"""The data map drawn as a PDF page and as an SVG drawing, without Qt: the picture's layout is
the app's (``transfers_app.reports.data_map.layout``), its looks those of the app's data map
page (colours beside words, dashes for the gaps to fix).

One drawing routine (``_draw``) speaks to a small sink; the PDF sink writes ReportLab canvas
operations on a page the size of the picture, the SVG sink writes elements. Text is measured
with the embedded DejaVu fonts in both, so names are shortened the same way.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Protocol
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from exports.pdf_common import (
    CREATOR,
    SANS,
    SANS_BOLD,
    _font_runs,
    fit,
    register_fonts,
    text_width,
    visual_line,
)
from exports.pdf_table import wrap_text
from transfers_app.domain.enums import Severity
from transfers_app.reports.data_map.geometry import Point, Rect
from transfers_app.reports.data_map.graph import (
    NOT_ASSESSED,
    OK,
    MapNode,
    StatusValue,
    _plural,
    edge_status,
    node_subtitle,
    status_word,
)
from transfers_app.reports.data_map.layout import (
    BOX_HEAD,
    BOX_PAD,
    HEADING_H,
    LABEL_W,
    LEGEND_H,
    MARGIN,
    MORE_H,
    NODE_H,
    NODE_W,
    TITLE_H,
    column_headings,
    layout_map,
)
from transfers_app.reports.data_map.picture import MapPicture

# The app's colours (ui/widgets/badges.py, ui/pages/data_map/items.py), as hex.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    Severity.CRITICAL: ("#b3261e", "#ffffff"),
    Severity.HIGH: ("#c2410c", "#ffffff"),
    Severity.MEDIUM: ("#f5c542", "#3b2a00"),
    Severity.LOW: ("#1d5fbf", "#ffffff"),
    OK: ("#2e7d32", "#ffffff"),
}
NOT_ASSESSED_COLOURS = ("#e3e7ec", "#3d4652")
BACKGROUND = "#f4f6f9"
BOX_FILL = "#ffffff"
BOX_BORDER = "#d3d9e1"
TEXT = "#1c2430"
QUIET = "#5b6675"
BUS = "#98a3b0"
UNKNOWN = "#8d96a3"
OWN_FILL = "#1f3a5f"
OTHER_SOURCE_FILL = "#4a5566"
OWN_TEXT = "#ffffff"
OWN_QUIET = "#c6d3e6"
MEDIUM_LINE = "#c49d35"  # the badge yellow darkened for a thin line
ARROW = 9.0
LEGEND = (
    (Severity.CRITICAL, "critical gap"),
    (Severity.HIGH, "high"),
    (Severity.MEDIUM, "medium"),
    (Severity.LOW, "low"),
    (OK, "no gap"),
)


def _width(text: str, size: float, bold: bool = False) -> float:
    """Printed width, counting the runs a fallback font (CJK) prints in that font."""
    return text_width(text, SANS_BOLD if bold else SANS, size)


def _elide(text: str, size: float, room: float, bold: bool = False) -> str:
    """One line within ``room``, shortened with an ellipsis (the full name is in the records)."""
    return fit(text, SANS_BOLD if bold else SANS, size, room)


# The smallest size an entity's name is set in to print it whole before it is shortened.
SMALLEST_NAME = 9.5


def _name_fitted(text: str, size: float, room: float) -> tuple[str, float]:
    """An entity's name whole on one line within ``room``, in a smaller size if need be (down
    to ``SMALLEST_NAME``); only a name too long even then is shortened."""
    width = _width(text, size, True)
    if width > room:
        size = max(SMALLEST_NAME, size * room / width * 0.995)
    return _elide(text, size, room, bold=True), size


def _mix(a: str, b: str, amount: float) -> str:
    ca, cb = HexColor(a), HexColor(b)
    parts = (
        ca.red + (cb.red - ca.red) * amount,
        ca.green + (cb.green - ca.green) * amount,
        ca.blue + (cb.blue - ca.blue) * amount,
    )
    return "#" + "".join(f"{round(p * 255):02x}" for p in parts)


def _colour(status: StatusValue | None) -> str:
    if status is None or status == NOT_ASSESSED:
        return UNKNOWN
    return STATUS_COLOURS[str(status)][0]


def _line_colour(status: StatusValue | None) -> str:
    return MEDIUM_LINE if status == Severity.MEDIUM else _colour(status)


def _dash(status: StatusValue | None) -> tuple[float, ...]:
    if status is None or status == NOT_ASSESSED:
        return (1.0, 2.5)
    if status in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM):
        return (3.5, 2.5)
    return ()


class _Sink(Protocol):
    def rect(
        self, r: Rect, fill: str | None, stroke: str | None, width: float = 1.0, radius: float = 0
    ) -> None: ...
    def line(
        self, a: Point, b: Point, colour: str, width: float, dash: tuple[float, ...] = ()
    ) -> None: ...
    def polygon(self, points: Sequence[Point], fill: str) -> None: ...
    def dot(self, centre: Point, radius: float, fill: str) -> None: ...
    def text(
        self, x: float, y: float, text: str, size: float, colour: str, *, bold: bool = False,
        anchor: str = "start", italic: bool = False,
    ) -> None: ...  # fmt: skip


# -- the drawing ------------------------------------------------------------------------------


def _badge(sink: _Sink, right: float, centre_y: float, status: StatusValue | None) -> Rect:
    word = status_word(status)
    width = _width(word, 10, True) + 12
    box = Rect(right - width, centre_y - 9, width, 18)
    background, foreground = (
        STATUS_COLOURS[str(status)]
        if status is not None and status != NOT_ASSESSED
        else NOT_ASSESSED_COLOURS
    )
    sink.rect(box, background, None, radius=9)
    sink.text(box.center().x(), centre_y + 3.5, word, 10, foreground, bold=True, anchor="middle")
    return box


NAME_SIZE, SUB_SIZE = 13.0, 11.0
SUB_LEADING = 13.5  # between the lines of a node's services


def _sub_lines(node: MapNode, status: StatusValue | None) -> tuple[str, ...]:
    """The words under an entity's name (its services, for an importer), whole: wrapped in
    the room beside its status badge. A regulator reads every word of them."""
    if node.tier == 0:
        room = NODE_W - 12 - 10
    else:
        room = NODE_W - 15 - 8 - (_width(status_word(status), 10, True) + 12) - 6
    return wrap_text(node_subtitle(node), SANS, SUB_SIZE, max(room, 10.0))


def _node_heights(picture: MapPicture) -> dict[int, float]:
    """The height of each node whose services take more than one line."""
    statuses = picture.node_statuses()
    out: dict[int, float] = {}
    for i, node in picture.data.nodes.items():
        status = None if node.tier == 0 else statuses.get(i, NOT_ASSESSED)
        lines = len(_sub_lines(node, status))
        if lines > 1:
            out[i] = NODE_H + (lines - 1) * SUB_LEADING
    return out


def _node(sink: _Sink, node: MapNode, r: Rect, status: StatusValue | None) -> None:
    own = node.tier == 0
    name_size, sub_size = NAME_SIZE, SUB_SIZE
    lines = _sub_lines(node, status)
    left = r.left() + (12 if own else 15)
    top = r.center().y() - (name_size * 1.2 + 2 + 18 + (len(lines) - 1) * SUB_LEADING) / 2
    inner = Rect(r.left() + 0.75, r.top() + 0.75, r.width() - 1.5, r.height() - 1.5)
    if own:
        fill = OWN_FILL if node.is_own else OTHER_SOURCE_FILL
        sink.rect(inner, fill, fill, 1.5, radius=8)
        text, quiet = OWN_TEXT, OWN_QUIET
    else:
        accent = _line_colour(status)
        sink.rect(inner, _mix(BOX_FILL, _colour(status), 0.09), accent, 1.5, radius=8)
        sink.rect(Rect(r.left() + 0.75, r.top() + 4, 4.5, r.height() - 8), accent, None)
        centre = top + name_size * 1.2 + 2 + 9
        _badge(sink, r.right() - 8, centre, status)
        text, quiet = TEXT, QUIET
    name, size = _name_fitted(node.name, name_size, r.right() - 10 - left)
    sink.text(left, top + name_size, name, size, text, bold=True)
    for k, line in enumerate(lines):
        sink.text(left, top + name_size * 1.2 + 2 + 13 + k * SUB_LEADING, line, sub_size, quiet)


def _legend(sink: _Sink, x: float, y: float) -> None:
    centre = y + LEGEND_H / 2
    for status, words in LEGEND:
        badge = _badge(sink, x + _width(status_word(status), 10, True) + 12, centre, status)
        sink.text(badge.right() + 6, centre + 4, words, 12, QUIET)
        x = badge.right() + 6 + _width(words, 12) + 16
    x += 12
    for sample, words in ((OK, "no gap, or low"), (Severity.CRITICAL, "gap to fix"),
                          (None, "not assessed yet")):  # fmt: skip
        sink.line(Point(x, centre), Point(x + 30, centre), "#46505c", 2.2, _dash(sample))
        sink.text(x + 36, centre + 4, words, 12, QUIET)
        x += 36 + _width(words, 12) + 16
    x += 12
    pill = Rect(x, centre - 8, _width("DPF", 10, True) + 12, 16)
    sink.rect(pill, BOX_FILL, "#46505c", 1.3, radius=8)
    sink.text(pill.center().x(), centre + 3.5, "DPF", 10, TEXT, bold=True, anchor="middle")
    sink.text(pill.right() + 6, centre + 4, "primary mechanism", 12, QUIET)


def _draw(picture: MapPicture, sink: _Sink, size: tuple[float, float]) -> None:
    data = picture.data
    sink.rect(Rect(0, 0, *size), BACKGROUND, None)
    sink.text(MARGIN, MARGIN + 12, picture.title, 17, TEXT, bold=True)
    _legend(sink, MARGIN, MARGIN + TITLE_H)
    top = MARGIN + TITLE_H + LEGEND_H + 14 + HEADING_H
    if picture.note:
        sink.text(MARGIN, top - HEADING_H - 4, picture.note, 11, QUIET, italic=True)
    lay = layout_map(data, top, _node_heights(picture))
    statuses = picture.node_statuses()
    for x, heading in column_headings(lay, data):
        sink.text(x, top - 6, heading, 11, QUIET, bold=True)
    for column in lay.columns:
        if column.tier == 0:
            for rect in column.boxes:
                _box(sink, rect, "Our entities" if data.own else "Exporters", "", 0, 0)
                for i in data.sources:
                    _node(sink, data.nodes[i], lay.nodes[i], None)
            continue
        for cell, rect in zip(column.cells, column.boxes, strict=True):
            count = _plural(cell.transfers, "transfer") if cell.first else ""
            _box(sink, rect, cell.label, count, cell.hidden, cell.tier)
            for i in cell.node_ids:
                _node(sink, data.nodes[i], lay.nodes[i], statuses.get(i, NOT_ASSESSED))
    for source, segments in lay.buses.items():
        for a, b in segments:
            sink.line(a, b, BUS, 1.7)
        for d in lay.dots.get(source, []):
            sink.dot(d, 2.6, BUS)
    for leg in lay.legs:
        status = edge_status(leg.edge, picture.verdicts)
        colour = _line_colour(status)
        tip = leg.end
        base = Point(tip.x() - ARROW, tip.y())
        sink.line(leg.start, base, colour, 2.2, _dash(status))
        sink.polygon((tip, Point(base.x(), tip.y() - 5), Point(base.x(), tip.y() + 5)), colour)
        label = leg.edge.label
        width = min(_width(label, 10, True) + 12, LABEL_W - 6)
        pill = Rect(leg.label_x - width / 2, tip.y() - 8, width, 16)
        sink.rect(pill, BOX_FILL, colour, 1.3, radius=8)
        shown = _elide(label, 10, width - 6, bold=True)
        sink.text(pill.center().x(), tip.y() + 3.5, shown, 10, TEXT, bold=True, anchor="middle")


def _box(sink: _Sink, r: Rect, label: str, count: str, hidden: int, tier: int) -> None:
    sink.rect(Rect(r.left() + 0.5, r.top() + 0.5, r.width() - 1, r.height() - 1),
              BOX_FILL, BOX_BORDER, 1.0, radius=10)  # fmt: skip
    room = r.width() - 2 * BOX_PAD - 4 - (_width(count, 11) + 12 if count else 0)
    baseline = r.top() + 6 + (BOX_HEAD - 14) / 2 + 5
    sink.text(r.left() + BOX_PAD + 2, baseline, _elide(label, 14, room, True), 14, TEXT, bold=True)
    if count:
        sink.text(r.right() - BOX_PAD - 2, baseline, count, 11, QUIET, anchor="end")
    if hidden:
        y = r.bottom() - BOX_PAD - MORE_H / 2 + 4
        x = r.left() + BOX_PAD + LABEL_W + 4
        more = f"+ {hidden:,} more not drawn"
        sink.text(x, y, _elide(more, 12, NODE_W - 8, True), 12, QUIET, bold=True, italic=True)


def _size(picture: MapPicture) -> tuple[float, float]:
    data = picture.data
    top = MARGIN + TITLE_H + LEGEND_H + 14 + HEADING_H
    lay = layout_map(data, top, _node_heights(picture))
    right = max((c.x + c.width for c in lay.columns), default=0.0)
    bottom = max((b.bottom() for c in lay.columns for b in c.boxes), default=top)
    for segments in lay.buses.values():
        for a, b in segments:
            right, bottom = max(right, a.x(), b.x()), max(bottom, a.y(), b.y())
    legend_right = MARGIN + 1000.0  # the legend's width at these sizes, with room to spare
    title_right = MARGIN + _width(picture.title, 17, True)
    return max(right, legend_right, title_right) + MARGIN, bottom + MARGIN


# -- the sinks ----------------------------------------------------------------------------------


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(
        self, r: Rect, fill: str | None, stroke: str | None, width: float = 1.0, radius: float = 0
    ) -> None:
        self.parts.append(
            f'<rect x="{r.left():.2f}" y="{r.top():.2f}" width="{r.width():.2f}" '
            f'height="{r.height():.2f}" rx="{radius:g}" fill="{fill or "none"}" '
            f'stroke="{stroke or "none"}" stroke-width="{width:g}"/>'
        )

    def line(
        self, a: Point, b: Point, colour: str, width: float, dash: tuple[float, ...] = ()
    ) -> None:
        dashed = f' stroke-dasharray="{" ".join(f"{d * width:g}" for d in dash)}"' if dash else ""
        self.parts.append(
            f'<line x1="{a.x():.2f}" y1="{a.y():.2f}" x2="{b.x():.2f}" y2="{b.y():.2f}" '
            f'stroke="{colour}" stroke-width="{width:g}"{dashed}/>'
        )

    def polygon(self, points: Sequence[Point], fill: str) -> None:
        pts = " ".join(f"{p.x():.2f},{p.y():.2f}" for p in points)
        self.parts.append(f'<polygon points="{pts}" fill="{fill}"/>')

    def dot(self, centre: Point, radius: float, fill: str) -> None:
        self.parts.append(
            f'<circle cx="{centre.x():.2f}" cy="{centre.y():.2f}" r="{radius:g}" fill="{fill}"/>'
        )

    def text(
        self, x: float, y: float, text: str, size: float, colour: str, *, bold: bool = False,
        anchor: str = "start", italic: bool = False,
    ) -> None:  # fmt: skip
        style = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
        self.parts.append(
            f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:g}" fill="{colour}" '
            f'text-anchor="{anchor}"{style}>{escape(text)}</text>'
        )


class _Pdf:
    def __init__(self, canvas: Canvas, height: float) -> None:
        self.c = canvas
        self.h = height

    def _y(self, y: float) -> float:
        return self.h - y

    def rect(
        self, r: Rect, fill: str | None, stroke: str | None, width: float = 1.0, radius: float = 0
    ) -> None:
        c = self.c
        if fill:
            c.setFillColor(HexColor(fill))
        if stroke:
            c.setStrokeColor(HexColor(stroke))
            c.setLineWidth(width)
        c.setDash()
        y = self._y(r.bottom())
        if radius:
            c.roundRect(r.left(), y, r.width(), r.height(), radius,
                        stroke=1 if stroke else 0, fill=1 if fill else 0)  # fmt: skip
        else:
            c.rect(r.left(), y, r.width(), r.height(), stroke=1 if stroke else 0,
                   fill=1 if fill else 0)  # fmt: skip

    def line(
        self, a: Point, b: Point, colour: str, width: float, dash: tuple[float, ...] = ()
    ) -> None:
        c = self.c
        c.setStrokeColor(HexColor(colour))
        c.setLineWidth(width)
        c.setDash([d * width for d in dash]) if dash else c.setDash()
        c.line(a.x(), self._y(a.y()), b.x(), self._y(b.y()))

    def polygon(self, points: Sequence[Point], fill: str) -> None:
        c = self.c
        c.setFillColor(HexColor(fill))
        path = c.beginPath()
        path.moveTo(points[0].x(), self._y(points[0].y()))
        for p in points[1:]:
            path.lineTo(p.x(), self._y(p.y()))
        path.close()
        c.drawPath(path, stroke=0, fill=1)

    def dot(self, centre: Point, radius: float, fill: str) -> None:
        self.c.setFillColor(HexColor(fill))
        self.c.circle(centre.x(), self._y(centre.y()), radius, stroke=0, fill=1)

    def text(
        self, x: float, y: float, text: str, size: float, colour: str, *, bold: bool = False,
        anchor: str = "start", italic: bool = False,
    ) -> None:  # fmt: skip
        c = self.c
        c.setFillColor(HexColor(colour))
        font = SANS_BOLD if bold else SANS
        line = visual_line(text)
        width = text_width(line, font, size)
        x -= {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        # Each run in the font that has its characters (a Japanese name in the CJK font).
        for key, run in _font_runs(line):
            face = SANS_BOLD if key == SANS and bold else (key or font)
            c.setFont(face, size)
            c.drawString(x, self._y(y), run)
            x += text_width(run, face, size)


def map_svg(picture: MapPicture) -> bytes:
    """The data map as a standalone SVG drawing (one unit: one CSS pixel)."""
    register_fonts()
    width, height = _size(picture)
    sink = _Svg()
    _draw(picture, sink, (width, height))
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" '
        'font-family="DejaVu Sans, Verdana, sans-serif">\n'
        f"<title>{escape(picture.title)}</title>\n<desc>{escape(picture.description)}</desc>\n"
    )
    return (head + "\n".join(sink.parts) + "\n</svg>\n").encode()


def map_pdf(picture: MapPicture, *, invariant: bool = False) -> bytes:
    """The data map on one page the size of the picture (vector: it zooms without blur)."""
    register_fonts()
    width, height = _size(picture)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), invariant=1 if invariant else 0)
    canvas.setTitle(picture.title)
    canvas.setSubject(picture.description)
    canvas.setCreator(CREATOR)
    canvas.setLineCap(0)
    _draw(picture, _Pdf(canvas, height), (width, height))
    canvas.showPage()
    canvas.save()
    return out.getvalue()
