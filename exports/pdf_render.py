"""Lay out a :class:`ReportDocument` as a PDF: the renderer every report of the register uses.

The service has decided every word; this module only sets it on the page (house rule 8).
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Indenter,
    ListFlowable,
    ListItem,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as RLTable

from exports.files import write_bytes_atomically
from exports.house_style import FLAG_MARK, LEAD_IN
from exports.pdf_common import (
    ACCENT,
    ACCENT_LIGHT,
    BAR,
    CREATOR,
    FLAG_BG,
    FLAG_RULE,
    HAIRLINE,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    RULE,
    SANS,
    SANS_BOLD,
    TALL_ROW,
    WARN_RULE,
    ZEBRA,
    Furniture,
    KeepWhole,
    KeepWithStart,
    NumberedCanvas,
    escape,
    para,
    plain,
    register_fonts,
    rich,
    styles,
    text_width,
)
from exports.pdf_table import BulkTable
from transfers_app.reports.document import (
    SIGNER_LABELS,
    BarChart,
    Block,
    Bullets,
    Fields,
    Para,
    Reference,
    References,
    ReportDocument,
    Signatures,
    Signer,
    Table,
    Tone,
)

MARK_WIDTH = 12.0
CELL_PAD = 4.0
# The text frame's height on landscape A4, the shorter of the two page shapes.
_SHORTEST_FRAME = A4[0] - MARGIN_TOP - MARGIN_BOTTOM


def render_pdf(doc: ReportDocument, *, invariant: bool = False) -> bytes:
    """The PDF of ``doc``. With ``invariant`` the same document gives identical bytes."""
    register_fonts()
    pagesize = landscape(A4) if doc.landscape else A4
    out = io.BytesIO()
    template = _DocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=doc.title,
        author=doc.author,
        subject=doc.subject,
        keywords=", ".join(doc.keywords),
        creator=CREATOR,
        invariant=1 if invariant else 0,
        displayDocTitle=1,
        lang="en-GB",
        initialFontName=SANS,  # else every page names Helvetica, a font we never embed
    )
    furniture = Furniture(doc.title, doc.subtitle, doc.footer, doc.generated_on, doc.edition)
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        pagesize[0] - 2 * MARGIN_X,
        pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="text",
    )
    template.addPageTemplates(
        [
            PageTemplate(
                "first", [frame], onPage=furniture.first_page, autoNextPageTemplate="later"
            ),
            PageTemplate("later", [frame], onPage=furniture.later_pages),
        ]
    )
    template.build(
        list(_story(doc, frame._width)),
        canvasmaker=functools.partial(
            NumberedCanvas, draft=doc.draft, dated=_dated(doc, invariant)
        ),
    )
    return out.getvalue()


def _dated(doc: ReportDocument, invariant: bool) -> str | None:
    """The metadata date of a repeatable rendering: the document's own date (for a document
    reproduced as approved, the approval date), never the renderer's placeholder."""
    if not invariant:
        return None
    d = doc.generated_on
    return f"D:{d.year:04d}{d.month:02d}{d.day:02d}000000+00'00'"


def write_pdf(
    doc: ReportDocument, path: str | os.PathLike[str], *, invariant: bool = False
) -> Path:
    """Render ``doc`` to ``path`` atomically: on any failure the old file (or no file) remains."""
    return write_bytes_atomically(path, render_pdf(doc, invariant=invariant))


class _DocTemplate(BaseDocTemplate):  # type: ignore[misc]
    """Adds each numbered section to the PDF outline (the viewer's bookmarks pane)."""

    def afterFlowable(self, flowable: Any) -> None:
        outline = getattr(flowable, "outline_title", None)
        if outline is not None:
            key = f"s{self.seq.nextf('outline')}"
            # Open the section with its heading at the top of the window.
            top = min(self.frame._y + flowable.height + 16, self.pagesize[1])
            self.canv.bookmarkPage(key, fit="XYZ", top=top)
            self.canv.addOutlineEntry(outline, key, level=0, closed=True)


# -- the story ---------------------------------------------------------------------------------


def _story(doc: ReportDocument, width: float) -> Iterator[Any]:
    st = styles()
    yield para(doc.title, st.title)
    if doc.subtitle:
        yield para(doc.subtitle, st.subtitle)
    if doc.heading.pairs:
        yield _heading(doc.heading, width)
    if doc.cover_statement:
        yield para(doc.cover_statement, st.statement)
    last = len(doc.sections)
    for n, section in enumerate(doc.sections, start=1):
        title = f"{n}.\u2002{section.title}" if doc.number_sections else section.title
        heading = para(title, st.section)
        heading.outline_title = f"{n}. {section.title}" if doc.number_sections else section.title
        yield from _section([heading], section.blocks, width)
        if section.page_break_after and n < last:
            yield PageBreak()


def _section(heads: list[Any], blocks: Sequence[Block], width: float) -> Iterator[Any]:
    """The blocks of a section, each heading (the section's, a caption, a lead-in paragraph)
    kept on the page with the start of what follows it."""
    pending = heads
    blocks = _paired(blocks)
    for i, block in enumerate(blocks):
        caption, body = _block(block, width)
        follows = i + 1 < len(blocks)
        if isinstance(block, Para) and follows and _leads_in(block, pending):
            pending = [*pending, *caption, *body]
            continue
        if not body:
            pending = [*pending, *caption]
            continue
        yield KeepWithStart([*pending, *caption], body)
        pending = []
    yield from pending


@dataclass(frozen=True, slots=True)
class _ChartPair:
    """Two bar charts that follow each other, set side by side (a summary page holds both)."""

    left: BarChart
    right: BarChart


# Charts of up to this many bars each are set side by side.
PAIR_BARS = 16


def _paired(blocks: Sequence[Block]) -> list[Any]:
    out: list[Any] = []
    for block in blocks:
        last = out[-1] if out else None
        if (
            isinstance(block, BarChart)
            and isinstance(last, BarChart)
            and max(len(block.bars), len(last.bars)) <= PAIR_BARS
        ):
            out[-1] = _ChartPair(last, block)
        else:
            out.append(block)
    return out


def _chart_pair(pair: _ChartPair, width: float) -> tuple[list[Any], list[Any]]:
    gap = 18.0
    half = (width - gap) / 2
    cells = []
    for chart in (pair.left, pair.right):
        head, body = _chart(chart, half, row=11.0, pad=0.5)
        cells.append(_bare([*head, *body]))
    table = LongTable([cells], colWidths=[half + gap, half], hAlign="LEFT")
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), gap),
            ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return [], [KeepWhole([table])]


def _leads_in(block: Para, pending: Sequence[Any]) -> bool:
    """Is ``block`` read as part of the heading above what follows it?"""
    if block.tone is Tone.STATEMENT and len(block.text) <= LEAD_IN:
        return True  # a boxed sub-heading ("UK GDPR: ...") goes with what it heads
    if block.tone not in (Tone.BODY, Tone.NOTE):
        return False
    text = block.text.rstrip()
    if text.endswith(":"):
        return True  # introduces the list or table below it
    if len(pending) == 1 and len(text) <= 2 * LEAD_IN:
        return True  # the paragraph that opens a section: whole, with what follows it
    return bool(pending) and len(pending) <= 2 and len(text) <= LEAD_IN


def _block(block: Block | _ChartPair, width: float) -> tuple[list[Any], list[Any]]:
    """(headings kept with the block's start, the block's flowables)."""
    st = styles()
    if isinstance(block, _ChartPair):
        return _chart_pair(block, width)
    match block:
        case Para(text=text, tone=Tone.WARNING):
            # The sign says "warning" in black-and-white print too, not by the colour alone.
            sign = f'<font name="{SANS_BOLD}" color="{WARN_RULE.hexval()}">⚠</font>\u2002'
            return [], [Paragraph(sign + rich(text), st.warning)]
        case Para(text=text, tone=tone):
            return [], [para(text, _TONE_STYLE[tone](st))]
        case Fields():
            if not block.pairs:
                return [], []
            return [], [_fields(block.pairs, width), Spacer(0, 8)]
        case Table():
            caption = [para(block.caption, st.caption)] if block.caption else []
            return caption, [*_table(block, width), Spacer(0, 10)]
        case Bullets(items=items):
            return [], [_bullets(items)] if items else []
        case BarChart():
            return _chart(block, width)
        case Signatures(signers=signers):
            return [], [_signatures(signers, width)] if signers else []
        case References(items=items):
            return [], [_reference(item, width) for item in items]
    raise TypeError(f"Not a report block: {block!r}")  # pragma: no cover


_TONE_STYLE = {
    Tone.BODY: lambda st: st.body,
    Tone.NOTE: lambda st: st.note,
    Tone.WARNING: lambda st: st.warning,
    Tone.STATEMENT: lambda st: st.statement,
}


def _heading(fields: Fields, width: float) -> Any:
    """The key facts under the title: two label/value pairs a row when the values are short."""
    pairs = fields.pairs
    per_row = 2 if len(pairs) >= 4 and all(len(v) <= 48 for _, v in pairs) else 1
    cols = [0.15, 0.35] * 2 if per_row == 2 else [0.25, 0.75]
    table = _pairs_table(
        pairs, [c * width for c in cols], per_row, pad=(7, 5, 4.5), rule=(0.3, colors.white)
    )
    table.setStyle(
        [
            ("BACKGROUND", (0, 0), (-1, -1), ACCENT_LIGHT),
            ("LINEABOVE", (0, 0), (-1, 0), 1.2, ACCENT),
            ("LINEBELOW", (0, -1), (-1, -1), 0.6, ACCENT),
        ]
    )
    table.spaceAfter = 10
    return table


def _fields(pairs: Sequence[tuple[str, str]], width: float) -> Any:
    table = _pairs_table(
        pairs, [0.3 * width, 0.7 * width], 1, pad=(2, 2, 3.75), rule=(0.4, HAIRLINE)
    )
    table.setStyle(
        [
            ("LINEABOVE", (0, 0), (-1, 0), 0.4, HAIRLINE),
            ("LEFTPADDING", (1, 0), (1, -1), 8),
        ]
    )
    return table


def _pairs_table(
    pairs: Sequence[tuple[str, str]],
    widths: list[float],
    per_row: int,
    *,
    pad: tuple[float, float, float],
    rule: tuple[float, Any],
) -> Any:
    """Label/value pairs, ``per_row`` pairs a row; ``pad`` is (left, right, top and bottom);
    ``rule`` (width, colour) is drawn below each pair, not between the parts of a divided one."""
    st = styles()
    left, right, vertical = pad
    rooms = [w - left - right - (6 if i % 2 else 0) for i, w in enumerate(widths)]
    rows: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), vertical),
        ("BOTTOMPADDING", (0, 0), (-1, -1), vertical),
        ("LEFTPADDING", (0, 0), (-1, -1), left),
        ("RIGHTPADDING", (0, 0), (-1, -1), right),
    ]
    for start in range(0, len(pairs), per_row):
        row: list[Any] = []
        texts: list[str] = []
        for k, (label, value) in enumerate(pairs[start : start + per_row]):
            row += [_cell(label, st.label, rooms[2 * k]), _cell(value, st.value, rooms[2 * k + 1])]
            texts += [label, value]
        row += [""] * (len(widths) - len(row))
        first = len(rows)
        if _might_be_tall(texts, widths, st.value):
            rows += _divided(row, rooms, TALL_ROW * _SHORTEST_FRAME - 2 * vertical)
            commands += _joined(first, len(rows) - 1)
        else:
            rows.append(row)
        commands.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), *rule))
    t = LongTable(rows, colWidths=widths)
    for c in range(len(widths)):  # how the plain-string cells are drawn
        style = st.value if c % 2 else st.label
        commands += [
            ("FONTNAME", (c, 0), (c, -1), style.fontName),
            ("FONTSIZE", (c, 0), (c, -1), style.fontSize),
            ("LEADING", (c, 0), (c, -1), style.leading),
            ("TEXTCOLOR", (c, 0), (c, -1), style.textColor),
        ]
    t.setStyle(commands)
    return t


def _column_widths(block: Table, width: float) -> list[float]:
    """The relative widths scaled to ``width``, widened where needed so that no header word is
    broken (the slack comes from the other columns in proportion to what they can spare)."""
    n = len(block.headers)
    rel = block.widths if block.widths and len(block.widths) == n else (1.0,) * n
    rel = tuple(max(r, 0.0) for r in rel)
    total = sum(rel) or float(n)
    widths = [width * r / total if sum(rel) else width / n for r in rel]
    head = styles().cell_head
    need = [
        max((text_width(w, head.fontName, head.fontSize) for w in h.split()), default=0.0)
        + 2 * CELL_PAD
        + 0.5
        for h in block.headers
    ]
    if sum(need) > width:
        return widths  # cannot be done: keep the proportions and let words break
    short = sum(max(nd - w, 0.0) for nd, w in zip(need, widths, strict=True))
    if short <= 0:
        return widths
    spare = [max(w - nd, 0.0) for nd, w in zip(need, widths, strict=True)]
    total_spare = sum(spare)
    return [
        max(w, nd) if w < nd else w - short * sp / total_spare
        for w, nd, sp in zip(widths, need, spare, strict=True)
    ]


def _might_be_tall(cells: Sequence[str], widths: Sequence[float], style: Any) -> bool:
    """Might this row be taller than ``TALL_ROW`` of a page? The estimate is generous (average
    glyph widths, no word-wrap waste); only such rows are measured and divided."""
    tallest = 0.0
    for text, w in zip(cells, widths, strict=False):
        per_line = max((w - 2 * CELL_PAD) / (0.5 * style.fontSize), 1.0)
        lines = sum(len(part) / per_line + 1 for part in text.split("\n"))
        tallest = max(tallest, lines * style.leading)
    return bool(tallest > TALL_ROW * _SHORTEST_FRAME)


def _divided(cells: list[Any], rooms: Sequence[float], limit: float) -> list[list[Any]]:
    """A row too tall for a page as rows of at most ``limit`` points, each cell's text carried
    on from one to the next. Rows are never cut (``splitInRow`` stays 0): only a row that no
    page might hold is divided, and then where its lines end, not through a line."""
    columns: list[list[Any]] = []
    for cell, room in zip(cells, rooms, strict=False):
        parts: list[Any] = []
        rest = cell
        while isinstance(rest, Paragraph):
            _, h = rest.wrap(room, limit)
            pieces = rest.split(room, limit) if h > limit else []
            if len(pieces) < 2:
                break
            parts.append(pieces[0])
            rest = pieces[1]
        columns.append([*parts, rest])
    depth = max(len(c) for c in columns)
    return [[c[k] if k < len(c) else "" for c in columns] for k in range(depth)]


def _joined(first: int, last: int) -> list[tuple[Any, ...]]:
    """Table commands that draw rows ``first``..``last`` (one row divided) as one."""
    if last <= first:
        return []
    return [
        ("BOTTOMPADDING", (0, first), (-1, last - 1), 0),
        ("TOPPADDING", (0, first + 1), (-1, last), 0),
    ]


def _table(block: Table, width: float) -> list[Any]:
    st = styles()
    n = len(block.headers)
    for i, row in enumerate(block.rows):
        if len(row) != n:
            raise ValueError(
                f"Table {block.caption or block.headers!r}: row {i + 1} has {len(row)} cells "
                f"for {n} columns"
            )
    if block.compact and block.rows:
        return [BulkTable(block, width, _SHORTEST_FRAME)]
    flagged = {i for i in block.flagged if 0 <= i < len(block.rows)}
    # Flagged rows get a mark in a column hung in the left margin, so the table's own columns
    # line up with every other table and a narrow first column is not squeezed.
    mark = 1 if flagged else 0
    widths = _column_widths(block, width)
    room = [w - 2 * CELL_PAD for w in widths]
    head = st.cell_head
    data: list[list[Any]] = [
        [""] * mark + [_cell(h, head, w) for h, w in zip(block.headers, room, strict=True)]
    ]
    commands: list[tuple[Any, ...]] = [
        # Cells that fit on a line are plain strings (fast); these set how they are drawn.
        ("FONTNAME", (0, 0), (-1, -1), st.cell.fontName),
        ("FONTSIZE", (0, 0), (-1, -1), st.cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), st.cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), st.cell.textColor),
        ("FONTNAME", (0, 0), (-1, 0), head.fontName),
        ("TEXTCOLOR", (0, 0), (-1, 0), head.textColor),
        ("BACKGROUND", (mark, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("LINEBELOW", (mark, -1), (-1, -1), 0.8, ACCENT),
    ]
    if mark:
        commands += [("LEFTPADDING", (0, 0), (0, -1), 0), ("RIGHTPADDING", (0, 0), (0, -1), 0)]
    if not block.rows:
        data.append([para(block.empty_text, st.cell_empty)] + [""] * (n - 1))
        commands += [("SPAN", (0, 1), (-1, 1)), ("TOPPADDING", (0, 1), (-1, 1), 5)]
    limit = TALL_ROW * _SHORTEST_FRAME - 6.5
    for i, row in enumerate(block.rows):
        style = st.cell_flag if i in flagged else st.cell
        cells = [_cell(c, style, w) for c, w in zip(row, room, strict=True)]
        first = len(data)
        tall = _might_be_tall(row, widths, style)
        parts = _divided(cells, room, limit) if tall else [cells]
        for k, part in enumerate(parts):
            lead = para(FLAG_MARK, st.cell_mark) if i in flagged and k == 0 else ""
            data.append([lead] * mark + part)
        last = len(data) - 1
        commands += _joined(first, last)
        if i in flagged:
            commands += [
                ("FONTNAME", (0, first), (-1, last), style.fontName),
                ("TEXTCOLOR", (0, first), (-1, last), style.textColor),
                ("BACKGROUND", (1, first), (-1, last), FLAG_BG),
                ("LINEBEFORE", (1, first), (1, last), 2, FLAG_RULE),
            ]
        elif i % 2:
            commands.append(("BACKGROUND", (mark, first), (-1, last), ZEBRA))
    table = LongTable(data, colWidths=[MARK_WIDTH] * mark + widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(commands)
    if mark:
        return [Indenter(left=-MARK_WIDTH), table, Indenter(left=MARK_WIDTH)]
    return [table]


def _cell(text: str, style: Any, room: float) -> Any:
    """A plain string when ``text`` fits on one line in the style's font, else a Paragraph."""
    fast = plain(text, style.fontName, style.fontSize, room)
    return fast if fast is not None else para(text, style)


def _bullets(items: Sequence[str]) -> Any:
    st = styles()
    return ListFlowable(
        [ListItem(para(item, st.body_left), leftIndent=14, value="•") for item in items],
        bulletType="bullet",
        start="•",
        bulletFontName=SANS,
        bulletFontSize=10,
        bulletColor=ACCENT,
        bulletOffsetY=0.5,
        leftIndent=14,
        spaceAfter=8,
    )


def _chart(
    chart: BarChart, width: float, row: float = 15.0, pad: float = 1.5
) -> tuple[list[Any], list[Any]]:
    """Horizontal bars: labels as paragraphs (any script, wrapped), bars drawn to one scale;
    ``row`` points a bar (its bar two thirds of that), ``pad`` above and below."""
    st = styles()
    head = [para(chart.title, st.caption)] if chart.title else []
    if not chart.bars:
        return head, [para("No data.", st.cell_empty), Spacer(0, 10)]
    label_w = 0.32 * width
    area = width - label_w
    biggest = max((v for _, v in chart.bars), default=0)
    room = pdfmetrics.stringWidth(f"{max(biggest, 0):,}", SANS, 7.8) + 10
    scale = (area - room - 6) / biggest if biggest > 0 else 0.0
    rows = []
    for label, value in chart.bars:
        d = Drawing(area, row)
        d.initialFontName = SANS  # else each drawing names Helvetica, which is not embedded
        length = max(value, 0) * scale
        bar = row * 2 / 3
        if length > 0:
            d.add(Rect(0, (row - bar) / 2, length, bar, fillColor=BAR, strokeColor=None))
        d.add(
            String(
                length + 4, row / 2 - 2.9, f"{value:,}", fontName=SANS, fontSize=7.8, fillColor=INK
            )
        )
        rows.append([para(label, st.chart_label), d])
    table = LongTable(rows, colWidths=[label_w, area], hAlign="LEFT")
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTNAME", (0, 0), (-1, -1), SANS),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), 6),
            ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ("LINEBEFORE", (1, 0), (1, -1), 0.8, RULE),
        ]
    )
    # A chart that fits on a page stays in one piece, unless keeping it so would leave the
    # page before near-empty; then it runs on by rows, its title kept with the first.
    return head, [KeepWhole([table]), Spacer(0, 10)]


def _bare(flowables: list[Any]) -> list[Any]:
    """``flowables`` without their keep-whole wrappers (inside a table cell, which is never
    split, they have nothing to keep together and cannot measure themselves)."""
    out: list[Any] = []
    for f in flowables:
        out.extend(_bare(f._content) if isinstance(f, KeepWhole) else [f])
    return out


# -- sign-off and references -------------------------------------------------------------------

SIGN_SPACE = 28.0  # room above the line to sign on
SIGN_GAP = 18.0  # between two signers side by side
DATE_SPACE = 18.0  # room above the line to write the date on


def _signatures(signers: Sequence[Signer], width: float) -> Any:
    """Two signers a row, each with a line to sign on; a signer's block is never cut across
    pages, and the whole block stays on one page (see ``KeepWhole``)."""
    col = (width - SIGN_GAP) / 2
    cells = [_signer(s, col) for s in signers]
    rows = [cells[i : i + 2] + [""] * (2 - len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    table = LongTable(rows, colWidths=[col + SIGN_GAP, col], hAlign="LEFT", splitInRow=0)
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), SIGN_GAP),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]
    )
    return KeepWhole([table])


def _signer(signer: Signer, width: float) -> Any:
    st = styles()
    label_w = 0.22 * width
    rows: list[list[Any]] = [
        [para(signer.part, st.sign_part), ""],
        [para(SIGNATURE, st.sign_label), ""],  # the space to sign in, ruled below
        [para(NAME, st.sign_label), para(signer.name, st.sign_name)],
    ]
    if signer.role or not signer.name:  # an unnamed signer gets a line for the role too
        rows.append([para(ROLE, st.sign_label), para(signer.role, st.value)])
    rows.append([para(DATE, st.sign_label), para(signer.signed_on, st.value)])
    last = len(rows) - 1
    commands: list[tuple[Any, ...]] = [
        ("SPAN", (0, 0), (-1, 0)),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LINEBELOW", (1, 1), (1, 1), 0.8, INK),  # the line to sign on, "Signature" before it
        ("TOPPADDING", (0, 2), (-1, 2), 4),
    ]
    heights: list[float | None] = [None, SIGN_SPACE] + [None] * (len(rows) - 2)
    if not signer.signed_on:  # a line to write the date on
        commands.append(("LINEBELOW", (1, last), (1, last), 0.5, INK))
        heights[last] = DATE_SPACE
    if not signer.name:  # lines to write the name and the role on
        for row in (2, 3):
            commands.append(("LINEBELOW", (1, row), (1, row), 0.5, INK))
            heights[row] = DATE_SPACE
    table = RLTable(rows, colWidths=[label_w, width - label_w], rowHeights=heights)
    table.setStyle(commands)
    return table


# The words around a signer: the renderers share them (``transfers_app.reports.document``).
SIGNATURE, NAME, ROLE, DATE = SIGNER_LABELS


def _reference(ref: Reference, width: float) -> Any:
    """One entry of the bibliography: "[n] Title. Publisher, date. URL", the URL a link broken
    only where a URL may break (after a slash, a dot, a hyphen...), never inside a word."""
    style = styles().reference
    room = width - style.leftIndent - style.rightIndent
    href = escape(ref.url).replace('"', "&quot;")
    link = f'<a href="{href}" color="{ACCENT.hexval()}">'
    lines = [
        "".join(f"{link}{rich(text)}</a>" if is_url else rich(text) for text, is_url in line)
        for line in _entry_lines(ref.citation(), ref.url, style.fontName, style.fontSize, room)
    ]
    return Paragraph("<br/>".join(lines), style, bulletText=f"[{ref.number}]")


# Where a URL may break: after these characters, not before a slash.
_URL_BREAK = re.compile(r"(?<=[/.\-_?&=#~+,;])(?=[^/])")


def _entry_lines(
    citation: str, url: str, font: str, size: float, room: float
) -> list[list[tuple[str, bool]]]:
    """The entry in lines of at most ``room`` points, each line (text, is the URL) pieces:
    words break at spaces, the URL (which follows on the citation's last line) where a URL may
    break. A piece wider than a line is left to the paragraph to break."""

    def width(text: str) -> float:
        return text_width(text, font, size)

    lines: list[list[tuple[str, bool]]] = []
    line = ""
    for word in citation.split():
        candidate = f"{line} {word}" if line else word
        if line and width(candidate) > room:
            lines.append([(line, False)])
            candidate = word
        line = candidate
    current: list[tuple[str, bool]] = [(f"{line} " if url else line, False)] if line else []
    used = width(f"{line} ") if line else 0.0
    piece = ""
    for chunk in (c for c in _URL_BREAK.split(url) if c):
        if (piece or current) and used + width(piece + chunk) > room:
            if piece:
                current.append((piece, True))
            lines.append(current)
            current, piece, used = [], "", 0.0
        piece += chunk
    if piece:
        current.append((piece, True))
    if current:
        lines.append(current)
    return lines
