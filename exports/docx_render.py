"""Lay out a :class:`ReportDocument` as a Word document, for lawyers who edit before they sign.

The same report model as the PDF (``exports.pdf_render``), so the same words: the service has
decided them all; this module only sets them in Word's terms. Section headings are Word
headings (the navigation pane lists them), lists are Word lists, a table's header row repeats
on every page and no row breaks across pages; page numbers are Word fields, so they stay right
after editing. Word has no simple watermark: a draft says DRAFT in the header of every page.

Output is repeatable: the document's dates come from the report (``generated_on``) and the ZIP
entries carry that date too, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from exports.files import atomic_target
from transfers_app.domain.formatting import day
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

# The PDF's palette (exports.pdf_common), as Word wants it: hex without "#".
INK = "1B1F24"
MUTED = "5B6470"
ACCENT = "1F3A5F"
ACCENT_LIGHT = "E9EEF5"
HAIRLINE = "DDE1E6"
ZEBRA = "F4F6F8"
FLAG_BG = "FBE9E7"
FLAG_INK = "8C1D18"
FLAG_RULE = "C0392B"
WARN_BG = "FFF5E1"
WARN_RULE = "D48A00"
WARN_INK = "5A3B00"
STATEMENT_BG = "F3F5F8"
DRAFT = "C0392B"

SERIF = "Cambria"  # Word's own faces: present wherever Word is, and on the lawyer's machine
SANS = "Calibri"
FLAG_MARK = "⚠"

PAGE_A4 = (Mm(210), Mm(297))
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = Mm(20), Mm(22), Mm(21)
# A chart of up to this many bars is kept on one page.
KEEP_BARS = 15
# A paragraph this short opening a section is read with its heading (exports.pdf_render).
LEAD_IN = 320

# What XML 1.0 cannot carry, and the control characters the PDF drops too.
_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` as Word can hold it: line breaks "\\n" (Word line breaks), tabs spaces, control
    characters and lone surrogates dropped; everything else exactly as given."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _INVALID.sub("", text) if _INVALID.search(text) else text


def render_docx(doc: ReportDocument) -> bytes:
    """The Word document (.docx) of ``doc``; the same document gives the same bytes."""
    document = Document()
    _page_setup(document, doc.landscape)
    _styles(document)
    _properties(document, doc)
    _furniture(document, doc)
    _Body(document, _text_width(document)).write(doc)
    out = io.BytesIO()
    document.save(out)
    return _stable_zip(out.getvalue(), doc.generated_on)


def write_docx(doc: ReportDocument, path: str | os.PathLike[str]) -> Path:
    """Write ``doc`` to ``path`` atomically: on any failure the old file (or no file) remains."""
    target = Path(path)
    data = render_docx(doc)
    with atomic_target(target) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return target


# -- the package ---------------------------------------------------------------------------------


def _page_setup(document: Any, landscape: bool) -> None:
    section = document.sections[0]
    width, height = PAGE_A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = MARGIN_X
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance = section.footer_distance = Mm(9)


def _text_width(document: Any) -> int:
    section = document.sections[0]
    return int(section.page_width - section.left_margin - section.right_margin)


def _properties(document: Any, doc: ReportDocument) -> None:
    """Title, author, subject and keywords, dated by the report rather than the clock."""
    props = document.core_properties
    stamp = datetime(doc.generated_on.year, doc.generated_on.month, doc.generated_on.day)
    props.title = clean(doc.title)
    props.author = clean(doc.author)
    props.last_modified_by = clean(doc.author)
    props.subject = clean(doc.subject)
    props.keywords = clean(", ".join(doc.keywords))
    props.comments = ""  # the template says "generated by python-docx"
    props.category = ""
    props.language = "en-GB"
    props.created = props.modified = stamp
    props.revision = 1
    # The template's thumbnail is a picture of another document: a file browser would show it.
    package = document.part.package
    for key, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[key]


def _stable_zip(data: bytes, on: date) -> bytes:
    """The package again with every entry dated ``on``: ZIP entries otherwise carry the time
    of writing, and two exports of one report would differ in their bytes."""
    stamp = (on.year, on.month, on.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# -- styles --------------------------------------------------------------------------------------


def _styles(document: Any) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = SERIF
    normal.font.size = Pt(10)
    normal.font.color.rgb = RGBColor.from_string(INK)
    _lang(normal.element, "en-GB")
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1

    title = styles["Title"]
    title.font.name = SANS
    title.font.size = Pt(22)
    title.font.bold = True
    title.font.color.rgb = RGBColor.from_string(ACCENT)
    title.paragraph_format.space_after = Pt(2)
    subtitle = styles["Subtitle"]
    subtitle.font.name = SERIF
    subtitle.font.size = Pt(12)
    subtitle.font.italic = False
    subtitle.font.color.rgb = RGBColor.from_string(MUTED)
    subtitle.paragraph_format.space_after = Pt(10)

    heading = styles["Heading 1"]
    heading.font.name = SANS
    heading.font.size = Pt(13)
    heading.font.color.rgb = RGBColor.from_string(ACCENT)
    heading.paragraph_format.space_before = Pt(16)
    heading.paragraph_format.space_after = Pt(6)

    bullet = styles["List Bullet"]
    bullet.paragraph_format.space_after = Pt(2)

    def add(name: str, *, font: str = SERIF, size: float = 10, colour: str = INK) -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.name = font
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor.from_string(colour)
        return style

    add("Note", font=SANS, size=7.5, colour=MUTED)
    warning = add("Warning", font=SANS, size=9, colour=WARN_INK)
    _box(warning.element.get_or_add_pPr(), WARN_RULE, WARN_BG, size=6)
    statement = add("Statement", size=9.5)
    statement.font.italic = True
    _box(statement.element.get_or_add_pPr(), ACCENT, STATEMENT_BG, size=4)
    for boxed in (warning, statement):
        fmt = boxed.paragraph_format
        fmt.left_indent = fmt.right_indent = Mm(3)
        fmt.space_before, fmt.space_after = Pt(8), Pt(12)
    caption = add("Table Caption", font=SANS, size=8.5, colour=ACCENT)
    caption.font.bold = True
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    caption.paragraph_format.keep_with_next = True
    for name, font, size, colour in (
        ("Cell", SANS, 8.0, INK),
        ("Label", SANS, 8.0, MUTED),
        ("Value", SERIF, 9.5, INK),
    ):
        fmt = add(name, font=font, size=size, colour=colour).paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(1.5), Pt(1.5), 1.0
    reference = add("Reference", size=9)
    reference.paragraph_format.left_indent = Mm(10)
    reference.paragraph_format.first_line_indent = -Mm(10)
    reference.paragraph_format.tab_stops.add_tab_stop(Mm(10))
    reference.paragraph_format.keep_together = True
    reference.paragraph_format.space_after = Pt(4)
    add("Furniture", font=SANS, size=7.5, colour=MUTED).paragraph_format.space_after = Pt(0)


def _lang(style: Any, tag: str) -> None:
    """Spelling and grammar in ``tag`` (British English, as the documents are written)."""
    rpr = style.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    rpr.append(lang)


# pPr children that must follow w:pBdr and w:shd (the schema's order; Word enforces it).
_AFTER_SHADING = (
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _box(ppr: Any, rule: str, fill: str, *, size: int) -> None:
    """A ruled box round a paragraph, shaded ``fill``."""
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        border = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", rule)):
            border.set(qn(f"w:{key}"), value)
        borders.append(border)
    ppr.insert_element_before(borders, "w:shd", *_AFTER_SHADING)
    ppr.insert_element_before(_shading(fill), *_AFTER_SHADING)


def _rule_below(ppr: Any, colour: str = INK, size: int = 6) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", colour)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, "w:shd", *_AFTER_SHADING)


def _shading(fill: str) -> Any:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    return shd


# -- header and footer ---------------------------------------------------------------------------


def _furniture(document: Any, doc: ReportDocument) -> None:
    """Running head (title and subtitle; DRAFT when a draft) and footer (the report's footer,
    "Page X of Y" as Word fields, the date generated) on every page. The first page carries
    the title itself, so its head holds only the DRAFT line."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    width = _text_width(document)
    for header, running in ((section.first_page_header, False), (section.header, True)):
        paragraphs: list[Any] = []
        if doc.draft:
            paragraphs.append(_draft_line(header.paragraphs[0]))
        if running:
            p = header.add_paragraph() if paragraphs else header.paragraphs[0]
            p.style = document.styles["Furniture"]
            p.paragraph_format.tab_stops.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
            _run(p, doc.title, bold=True, colour=ACCENT)
            if doc.subtitle:
                p.add_run("\t")
                _run(p, doc.subtitle)
            _rule_below(p._p.get_or_add_pPr(), colour="C3C9D1", size=4)
    for footer in (section.first_page_footer, section.footer):
        p = footer.paragraphs[0]
        p.style = document.styles["Furniture"]
        p.paragraph_format.tab_stops.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
        _run(p, doc.footer, colour=INK)
        p.add_run("\t")
        _run(p, "Page ", bold=True, colour=ACCENT)
        _field(p, "PAGE")
        _run(p, " of ", bold=True, colour=ACCENT)
        _field(p, "NUMPAGES")
        generated = footer.add_paragraph(style=document.styles["Furniture"])
        _run(generated, f"Generated {day(doc.generated_on)}")


def _draft_line(p: Any) -> Any:
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("DRAFT")
    run.font.name = SANS
    run.font.bold = True
    run.font.size = Pt(11)
    run.font.color.rgb = RGBColor.from_string(DRAFT)
    p.paragraph_format.space_after = Pt(2)
    return p


def _field(p: Any, code: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) that Word computes as it lays the pages out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {code} ")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    bold = OxmlElement("w:b")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), ACCENT)
    rpr.append(bold)
    rpr.append(colour)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)


def _run(
    p: Any,
    text: str,
    *,
    bold: bool | None = None,
    italic: bool | None = None,
    colour: str | None = None,
    font: str | None = None,
) -> Any:
    run = p.add_run(clean(text))
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if colour is not None:
        run.font.color.rgb = RGBColor.from_string(colour)
    if font is not None:
        run.font.name = font
    return run


# -- the body ------------------------------------------------------------------------------------


# Room for a header word: Calibri Bold 8 pt averages under 0.6 em a character; 0.75 leaves room
# for DejaVu Sans Bold, which LibreOffice puts in Calibri's place where Calibri is missing.
# Word's default cell margins are 0.19 cm a side.
HEAD_EM = 0.75 * 8 * 12700  # EMU per character
CELL_MARGINS = 2 * 0.19 * 360000  # EMU


def column_widths(block: Table, width: int) -> list[float]:
    """The relative widths scaled to ``width`` (EMU), widened where needed so that no header
    word is broken, the room taken from the other columns in proportion to what they can
    spare (as the PDF does)."""
    n = len(block.headers)
    rel = block.widths if block.widths and len(block.widths) == n else (1.0,) * n
    rel = tuple(max(r, 0.0) for r in rel)
    total = sum(rel)
    widths = [width * r / total if total else width / n for r in rel]
    need = [
        max((len(w) for w in h.split()), default=0) * HEAD_EM + CELL_MARGINS for h in block.headers
    ]
    short = sum(max(nd - w, 0.0) for nd, w in zip(need, widths, strict=True))
    spare = [max(w - nd, 0.0) for nd, w in zip(need, widths, strict=True)]
    if short <= 0 or sum(need) > width:
        return widths  # nothing to do, or it cannot be done: keep the proportions
    return [
        max(w, nd) if w < nd else w - short * sp / sum(spare)
        for w, nd, sp in zip(widths, need, spare, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class _Grid:
    table: Any  # docx.table.Table
    cols: list[int]  # column widths, EMU


class _Body:
    """Writes the story into the document body, block by block."""

    def __init__(self, document: Any, width: int) -> None:
        self.document = document
        self.width = width
        # python-docx looks a style up by name through every style of the template each time
        # one is assigned (most of the time of a render): by id, once.
        self.ids = {s.name: s.style_id for s in document.styles}

    def styled(self, p: Paragraph, style: str) -> Paragraph:
        if style != "Normal":
            p._p.get_or_add_pPr().style = self.ids[style]
        return p

    def para(self, text: str = "", style: str = "Normal") -> Paragraph:
        p = self.styled(self.document.add_paragraph(), style)
        if text:
            _run(p, text)
        return p

    def cell_para(self, cell: _Cell, text: str = "", style: str = "Value") -> Paragraph:
        p = self.styled(cell.add_paragraph(), style)
        if text:
            _run(p, text)
        return p

    def write(self, doc: ReportDocument) -> None:
        self.para(doc.title, "Title")
        if doc.subtitle:
            self.para(doc.subtitle, "Subtitle")
        if doc.heading.pairs:
            self.heading_fields(doc.heading.pairs)
        if doc.cover_statement:
            self.para(doc.cover_statement, "Statement")
        break_before = False
        for n, section in enumerate(doc.sections, start=1):
            title = f"{n}.\u2002{section.title}" if doc.number_sections else section.title
            heading = self.para(title, "Heading 1")
            heading.paragraph_format.page_break_before = break_before
            break_before = section.page_break_after
            blocks = section.blocks
            for i, block in enumerate(blocks):
                self.block(block, first=i == 0, leads=i + 1 < len(blocks))

    def block(self, block: Block, *, first: bool, leads: bool) -> None:
        match block:
            case Para(text=text, tone=Tone.WARNING):
                p = self.para(style="Warning")
                _run(p, f"{FLAG_MARK}\u2002", bold=True, colour=WARN_RULE)
                _run(p, text)
            case Para(text=text, tone=tone):
                style = {Tone.NOTE: "Note", Tone.STATEMENT: "Statement"}.get(tone, "Normal")
                p = self.para(text, style)
                if tone is Tone.BODY:
                    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                # A paragraph that introduces what follows, or a line read with the heading
                # above it, stays on the page of what follows (as in the PDF).
                intro = text.rstrip().endswith(":") or (first and len(text) <= LEAD_IN)
                p.paragraph_format.keep_with_next = leads and tone is not Tone.STATEMENT and intro
            case Fields(pairs=pairs):
                if pairs:
                    self.fields(pairs)
            case Table():
                self.table(block)
            case Bullets(items=items):
                for item in items:
                    self.para(item, "List Bullet")
            case BarChart():
                self.chart(block)
            case Signatures(signers=signers):
                if signers:
                    self.signatures(signers)
            case References(items=items):
                for ref in items:
                    self.reference(ref)

    # tables

    def new_table(self, widths: Sequence[float], *, borders: dict[str, tuple[int, str]]) -> _Grid:
        """An empty table with columns in proportion to ``widths`` and the given borders
        (edge -> (size in eighths of a point, colour)); no style of the template."""
        total = sum(widths) or 1.0
        cols = [int(self.width * w / total) for w in widths]
        table = self.document.add_table(rows=0, cols=len(cols))
        table.autofit = False
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for grid, w in zip(table._tbl.tblGrid.gridCol_lst, cols, strict=True):
            grid.w = Emu(w)
        tbl_pr = table._tbl.tblPr
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            size, colour = borders.get(edge, (0, "auto"))
            element.set(qn("w:val"), "single" if size else "nil")
            if size:
                element.set(qn("w:sz"), str(size))
                element.set(qn("w:space"), "0")
                element.set(qn("w:color"), colour)
            edges.append(element)
        tbl_pr.insert_element_before(
            edges, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
        )
        return _Grid(table, cols)

    def row(self, grid: _Grid, *, header: bool = False) -> list[_Cell]:
        """A new row, never broken across pages; ``header`` repeats it on every page."""
        tr = grid.table._tbl.add_tr()
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        cells = []
        for w in grid.cols:
            tc = tr.add_tc()
            tc.width = Emu(w)
            cells.append(_Cell(tc, grid.table))
        return cells

    def fill(
        self,
        cell: _Cell,
        text: str,
        style: str = "Cell",
        *,
        bold: bool | None = None,
        italic: bool | None = None,
        colour: str | None = None,
        shade: str | None = None,
    ) -> Paragraph:
        p = self.styled(cell.paragraphs[0], style)
        if text:
            _run(p, text, bold=bold, italic=italic, colour=colour)
        if shade:
            tc_pr = cell._tc.get_or_add_tcPr()
            tc_pr.insert_element_before(
                _shading(shade), "w:noWrap", "w:tcMar", "w:textDirection", "w:vAlign"
            )
        return p

    def heading_fields(self, pairs: Sequence[tuple[str, str]]) -> None:
        table = self.new_table(
            (1, 3),
            borders={"top": (12, ACCENT), "bottom": (6, ACCENT), "insideH": (4, "FFFFFF")},
        )
        for label, value in pairs:
            left, right = self.row(table)
            self.fill(left, label, "Label", bold=True, shade=ACCENT_LIGHT)
            self.fill(right, value, "Value", shade=ACCENT_LIGHT)
        self.spacer()

    def fields(self, pairs: Sequence[tuple[str, str]]) -> None:
        table = self.new_table(
            (3, 7), borders={edge: (4, HAIRLINE) for edge in ("top", "bottom", "insideH")}
        )
        for label, value in pairs:
            left, right = self.row(table)
            self.fill(left, label, "Label", bold=True)
            self.fill(right, value, "Value")
        self.spacer()

    def table(self, block: Table) -> None:
        n = len(block.headers)
        for i, row in enumerate(block.rows):
            if len(row) != n:
                raise ValueError(
                    f"Table {block.caption or block.headers!r}: row {i + 1} has {len(row)} "
                    f"cells for {n} columns"
                )
        if block.caption:
            self.para(block.caption, "Table Caption")
        table = self.new_table(
            column_widths(block, self.width),
            borders={"bottom": (8, ACCENT), "insideH": (2, HAIRLINE)},
        )
        for cell, text in zip(self.row(table, header=True), block.headers, strict=True):
            self.fill(cell, text, bold=True, colour="FFFFFF", shade=ACCENT)
        if not block.rows:
            cells = self.row(table)
            merged = cells[0].merge(cells[-1]) if n > 1 else cells[0]
            self.fill(merged, block.empty_text, italic=True, colour=MUTED)
        flagged = set(block.flagged)
        for i, row in enumerate(block.rows):
            cells = self.row(table)
            flag = i in flagged
            shade = FLAG_BG if flag else (ZEBRA if i % 2 else None)
            for k, (cell, text) in enumerate(zip(cells, row, strict=True)):
                p = self.fill(cell, "", shade=shade)
                if flag and k == 0:  # flagged rows say so in text too, not by colour alone
                    _run(p, f"{FLAG_MARK} ", bold=True, colour=FLAG_RULE)
                if text:
                    _run(p, text, bold=flag or None, colour=FLAG_INK if flag else None)
        self.spacer()

    def chart(self, chart: BarChart) -> None:
        """Bars as a small table of label and value (the PDF draws them; Word edits them)."""
        if chart.title:
            self.para(chart.title, "Table Caption")
        if not chart.bars:
            self.para("No data.", "Note")
            return
        table = self.new_table(
            (3, 1),
            borders={"top": (4, HAIRLINE), "bottom": (4, HAIRLINE), "insideH": (2, HAIRLINE)},
        )
        keep = len(chart.bars) <= KEEP_BARS
        for i, (label, value) in enumerate(chart.bars):
            left, right = self.row(table)
            a = self.fill(left, label)
            b = self.fill(right, f"{value:,}")
            b.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for p in (a, b):  # a short chart stays on one page
                p.paragraph_format.keep_with_next = keep and i + 1 < len(chart.bars)
        self.spacer()

    def signatures(self, signers: Sequence[Signer]) -> None:
        """Two signers a row, each with a line to sign on; a row never breaks across pages."""
        table = self.new_table((1, 1), borders={})
        for start in range(0, len(signers), 2):
            cells = self.row(table)
            for cell, signer in zip(cells, signers[start : start + 2], strict=False):
                self.signer(cell, signer)
        self.spacer()

    def signer(self, cell: _Cell, signer: Signer) -> None:
        """Part, a ruled line to sign on, then name, role and date (a line when not dated)."""
        signature, name, role, signed = SIGNER_LABELS
        part = self.fill(cell, signer.part, "Label", bold=True, colour=ACCENT)
        sign = self.cell_para(cell)
        sign.paragraph_format.space_before = Pt(24)
        sign.paragraph_format.right_indent = Mm(6)
        _rule_below(sign._p.get_or_add_pPr())
        lines = [part, sign, self.cell_para(cell, signature, "Label")]
        for label, value in ((name, signer.name), (role, signer.role), (signed, signer.signed_on)):
            if label == role and not value:
                continue
            p = self.cell_para(cell)
            p.paragraph_format.tab_stops.add_tab_stop(Mm(16))
            _run(p, label, colour=MUTED, font=SANS).font.size = Pt(8)
            p.add_run("\t")
            if value:
                _run(p, value, bold=label == name or None)
            else:  # a line to write the date on
                p.paragraph_format.space_before = Pt(10)
                p.paragraph_format.right_indent = Mm(6)
                _rule_below(p._p.get_or_add_pPr(), size=4)
            lines.append(p)
        for p in lines[:-1]:
            p.paragraph_format.keep_with_next = True

    def reference(self, ref: Reference) -> None:
        """ "[n] Title. Publisher, date. URL", the URL a link."""
        p = self.para(f"[{ref.number}]", "Reference")
        p.add_run("\t")
        _run(p, ref.citation())
        if ref.url:
            _run(p, " ")
            _hyperlink(p, ref.url)

    def spacer(self) -> None:
        self.para().paragraph_format.space_after = Pt(2)


def _hyperlink(p: Any, url: str) -> None:
    """A link to ``url`` showing ``url`` (Word opens it with Ctrl+click)."""
    rel = p.part.relate_to(clean(url), RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), ACCENT)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(colour)
    rpr.append(underline)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = clean(url)
    text.set(qn("xml:space"), "preserve")
    run.append(text)
    link.append(run)
    p._p.append(link)
