"""What every PDF of the register shares: fonts, safe text, styles and the page furniture.

ReportLab's base fonts are Latin-1 only and it has no per-glyph font fallback, so this module
registers embedded TrueType fonts (DejaVu for Latin, Greek, Cyrillic, Arabic and Hebrew; Droid
Sans Fallback for Chinese, Japanese and Korean) and :func:`rich` turns any user string into
Paragraph markup that names the right font for each run of characters. Every user string must go
through :func:`rich` (or :func:`escape`) before it reaches a ``Paragraph``.

Fonts are parsed once per process: the DejaVu faces on first use, the large CJK faces only when
a document first contains a character that needs them.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus.doctemplate import FrameActionFlowable, FrameBreak, NullActionFlowable

from exports import house_style
from transfers_app.domain.formatting import day

FONT_DIR: Final = Path(__file__).with_name("fonts")
CREATOR: Final = "Transfer Register"

# Registered font names. The serif sets the body text; the sans sets headings, tables and the
# page furniture, and is also the fallback for Arabic, Hebrew and symbols the serif lacks.
SERIF: Final = "TR-Serif"
SERIF_BOLD: Final = "TR-Serif-Bold"
SERIF_ITALIC: Final = "TR-Serif-Italic"
SANS: Final = "TR-Sans"
SANS_BOLD: Final = "TR-Sans-Bold"
SANS_ITALIC: Final = "TR-Sans-Oblique"
CJK: Final = "TR-CJK"  # Droid Sans Fallback Full: Chinese (incl. Ext. A), Japanese
CJK_KR: Final = "TR-CJK-KR"  # Droid Sans Fallback: adds Hangul, which the Full font lacks

_BASE_FILES: Final = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SERIF_ITALIC: "DejaVuSerif-Italic.ttf",
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
}
_CJK_FILES: Final = ((CJK, "DroidSansFallbackFull.ttf"), (CJK_KR, "DroidSansFallback.ttf"))

# -- colours -----------------------------------------------------------------------------------


def _colour(hex_rgb: str) -> colors.Color:
    return colors.HexColor(f"#{hex_rgb}")


INK: Final = _colour(house_style.INK)
MUTED: Final = _colour(house_style.MUTED)
ACCENT: Final = _colour(house_style.ACCENT)
ACCENT_LIGHT: Final = _colour(house_style.ACCENT_LIGHT)
RULE: Final = _colour(house_style.RULE)
HAIRLINE: Final = _colour(house_style.HAIRLINE)
ZEBRA: Final = _colour(house_style.ZEBRA)
FLAG_BG: Final = _colour(house_style.FLAG_BG)
FLAG_INK: Final = _colour(house_style.FLAG_INK)
FLAG_RULE: Final = _colour(house_style.FLAG_RULE)
WARN_BG: Final = _colour(house_style.WARN_BG)
WARN_RULE: Final = _colour(house_style.WARN_RULE)
WARN_INK: Final = _colour(house_style.WARN_INK)
STATEMENT_BG: Final = _colour(house_style.STATEMENT_BG)
BAR: Final = _colour(house_style.BAR)
WATERMARK: Final = _colour(house_style.DRAFT)


# -- fonts -------------------------------------------------------------------------------------


class _Fonts:
    """Registered fonts and which characters each covers; filled once, under a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.base_ready = False
        self.base: frozenset[int] = frozenset()  # in every serif and sans face
        self.fallback: frozenset[int] = frozenset()  # in DejaVu Sans regular and bold
        self.cjk: dict[str, frozenset[int]] = {}  # registered CJK fonts, in preference order


_FONTS = _Fonts()


def _load(name: str, filename: str) -> frozenset[int]:
    font = TTFont(name, str(FONT_DIR / filename))
    if name == CJK_KR:
        # Both Droid files call themselves "DroidSansFallback", and registerFont treats a second
        # face of the same name as an alias of the first: rename it so it is a font of its own.
        font.face.name = b"DroidSansFallbackKR"
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph)


def register_fonts() -> None:
    """Register the DejaVu faces with ReportLab (once per process; cheap after the first call)."""
    if _FONTS.base_ready:
        return
    with _FONTS.lock:
        if _FONTS.base_ready:
            return
        cover = {name: _load(name, filename) for name, filename in _BASE_FILES.items()}
        # Family mappings let <b> and <i> inside a paragraph find the right face.
        for family, regular, bold, italic in (
            (SERIF, SERIF, SERIF_BOLD, SERIF_ITALIC),
            (SANS, SANS, SANS_BOLD, SANS_ITALIC),
        ):
            addMapping(family, 0, 0, regular)
            addMapping(family, 1, 0, bold)
            addMapping(family, 0, 1, italic)
            addMapping(family, 1, 1, bold)
        # Page streams are Flate-compressed either way; ASCII85 on top (ReportLab's default, for
        # 7-bit transports) costs a sixth of the render time and a quarter more bytes.
        rl_config.useA85 = 0
        _FONTS.base = frozenset.intersection(*cover.values())
        _FONTS.fallback = cover[SANS] & cover[SANS_BOLD]
        _FONTS.base_ready = True


def _cjk_font_for(cp: int) -> str | None:
    """The first CJK font holding ``cp``, registering the CJK fonts on first need."""
    for name, cover in tuple(_FONTS.cjk.items()):
        if cp in cover:
            return name
    if len(_FONTS.cjk) == len(_CJK_FILES):
        return None
    with _FONTS.lock:
        for name, filename in _CJK_FILES:
            if name not in _FONTS.cjk:
                cover = _load(name, filename)
                for bold in (0, 1):
                    for italic in (0, 1):
                        addMapping(name, bold, italic, name)
                _FONTS.cjk[name] = cover
            if cp in _FONTS.cjk[name]:
                return name
    return None


def _font_key(ch: str) -> str | None:
    """None when the paragraph's own font has ``ch``; else the registered font to use."""
    cp = ord(ch)
    if cp in _FONTS.base:
        return None
    if cp in _FONTS.fallback:
        return SANS
    return _cjk_font_for(cp)


# -- safe text ---------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def escape(text: str) -> str:
    """``text`` as literal Paragraph markup: ``<b>R&D</b>`` prints as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clean(text: str) -> str:
    """Line breaks made "\\n", tabs spaces, control characters dropped; and composed (NFC), as
    ReportLab cannot place a combining accent over its letter."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _visual(line: str) -> str:
    """Arabic joined into its presentation forms and right-to-left runs put in visual order:
    ReportLab draws glyphs one by one, left to right, exactly as given."""
    if not _RTL.search(line):
        return line
    return str(get_display(arabic_reshaper.reshape(line)))


@functools.lru_cache(maxsize=8192)
def rich(text: str, *, bold: bool = False) -> str:
    """Paragraph markup printing ``text`` literally, in any script.

    Escapes markup characters, keeps line breaks, shapes and reorders Arabic and Hebrew, and
    wraps runs the body fonts lack in a font that has them (DejaVu Sans, or a CJK font).
    ``bold`` says the paragraph is set in bold, so fallback runs stay bold where they can.
    """
    text = _clean(text)
    if text.isascii():
        return escape(text).replace("\n", "<br/>")
    register_fonts()
    out: list[str] = []
    for i, line in enumerate(_visual(part) for part in text.split("\n")):
        if i:
            out.append("<br/>")
        out.extend(_run(run, key, bold) for key, run in _font_runs(line))
    return "".join(out)


def _font_runs(line: str) -> Iterator[tuple[str | None, str]]:
    """``line`` cut where the font changes: (the ``_font_key`` of the run, the run)."""
    run: list[str] = []
    key: str | None = None
    for ch in line:
        k = _font_key(ch)
        if k != key and run:
            yield key, "".join(run)
            run = []
        key = k
        run.append(ch)
    if run:
        yield key, "".join(run)


def clean_line(text: str) -> str:
    """``text`` with its line breaks as "\\n", tabs as spaces, control characters dropped and
    composed (NFC): ready to measure and to draw."""
    return _clean(text)


def font_runs(line: str, font: str) -> list[tuple[str, str]]:
    """``line`` cut where the font must change, each run with the registered font to draw it
    in: ``font`` (a sans face) where it has the characters, else a fallback."""
    if line.isascii():
        return [(font, line)]
    register_fonts()
    return [(font if key in (None, SANS) else key, run) for key, run in _font_runs(line)]


def _run(run: str, key: str | None, bold: bool) -> str:
    text = escape(run)
    if key is None:
        return text
    # <font name=...> resets bold and italic to those of the named face (paraparser.ps2tt).
    name = SANS_BOLD if key == SANS and bold else key
    return f'<font name="{name}">{text}</font>'


def plain(text: str, font: str, size: float, width: float) -> str | None:
    """``text`` ready to draw as it is in ``font`` (a fast table cell), or None when it needs a
    Paragraph: it would not fit in ``width`` or has characters ``font`` lacks."""
    text = _clean(text)
    if not text.isascii():
        register_fonts()
        text = "\n".join(_visual(line) for line in text.split("\n"))
        if not covered(text.replace("\n", ""), font):
            return None
    for line in text.split("\n"):
        if pdfmetrics.stringWidth(line, font, size) > width:
            return None
    return text


def visual_line(line: str) -> str:
    """One line, cleaned, with right-to-left runs shaped and in visual order (for text drawn
    straight onto the canvas rather than through a Paragraph)."""
    return _visual(_clean(line))


def covered(text: str, font: str) -> bool:
    """Does ``font`` (a body font) have every character of ``text``?"""
    if text.isascii():
        return True
    register_fonts()
    extra = _FONTS.fallback if font in (SANS, SANS_BOLD) else frozenset()
    return all(ord(c) in _FONTS.base or ord(c) in extra for c in text)


def fallback_font(text: str, font: str) -> str:
    """A font for a line ``font`` cannot print whole: the CJK font of its first character
    outside the body fonts (the CJK fonts have Latin letters too)."""
    register_fonts()
    for ch in text:
        k = _font_key(ch)
        if k is not None and k != SANS:
            return k
    return SANS


def text_width(text: str, font: str, size: float) -> float:
    """Printed width of plain ``text`` in ``font``, counting fallback runs in their own font."""
    if text.isascii():
        return float(pdfmetrics.stringWidth(text, font, size))
    register_fonts()
    return float(
        sum(pdfmetrics.stringWidth(run, key or font, size) for key, run in _font_runs(text))
    )


@functools.lru_cache(maxsize=1024)
def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis so it prints within ``width`` on one line."""
    text = " ".join(_clean(text).split())
    if text_width(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


# -- styles ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Styles:
    title: Any
    subtitle: Any
    section: Any
    body: Any
    body_left: Any
    note: Any
    warning: Any
    statement: Any
    caption: Any
    label: Any
    value: Any
    cell: Any
    cell_head: Any
    cell_flag: Any
    cell_mark: Any
    cell_empty: Any
    chart_label: Any
    furniture: Any
    reference: Any
    sign_part: Any
    sign_label: Any
    sign_name: Any


@functools.cache
def styles() -> Styles:
    """The paragraph styles of a register document (built once; ReportLab styles are shared)."""
    register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=SERIF,
        fontSize=9.8,
        leading=14,
        textColor=INK,
        alignment=TA_JUSTIFY,
        spaceAfter=6,
    )
    cell = ParagraphStyle("cell", fontName=SANS, fontSize=7.8, leading=10, textColor=INK)
    boxed = {"borderPadding": (7, 9, 7, 9), "leftIndent": 9, "rightIndent": 9}
    return Styles(
        title=ParagraphStyle(
            "title", fontName=SANS_BOLD, fontSize=21, leading=25, textColor=ACCENT, spaceAfter=3
        ),
        subtitle=ParagraphStyle(
            "subtitle", fontName=SERIF, fontSize=12, leading=16, textColor=MUTED, spaceAfter=10
        ),
        section=ParagraphStyle(
            "section",
            fontName=SANS_BOLD,
            fontSize=12.5,
            leading=16,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=7,
        ),
        body=body,
        body_left=ParagraphStyle("body_left", parent=body, alignment=TA_LEFT, spaceAfter=2),
        note=ParagraphStyle(
            "note",
            fontName=SANS,
            fontSize=7.4,
            leading=10,
            textColor=MUTED,
            spaceBefore=1,
            spaceAfter=6,
        ),
        warning=ParagraphStyle(
            "warning",
            fontName=SANS,
            fontSize=8.8,
            leading=12.5,
            textColor=WARN_INK,
            backColor=WARN_BG,
            borderColor=WARN_RULE,
            borderWidth=0.8,
            spaceBefore=10,
            spaceAfter=14,
            **boxed,
        ),
        statement=ParagraphStyle(
            "statement",
            parent=body,
            fontName=SERIF_ITALIC,
            fontSize=9.4,
            leading=13.5,
            backColor=STATEMENT_BG,
            borderColor=ACCENT,
            borderWidth=0.6,
            spaceBefore=10,
            spaceAfter=16,
            **boxed,
        ),
        caption=ParagraphStyle(
            "caption",
            fontName=SANS_BOLD,
            fontSize=8.4,
            leading=11,
            textColor=ACCENT,
            spaceBefore=6,
            spaceAfter=4,
        ),
        label=ParagraphStyle(
            "label", fontName=SANS_BOLD, fontSize=7.8, leading=10.5, textColor=MUTED
        ),
        value=ParagraphStyle("value", fontName=SERIF, fontSize=9.2, leading=12, textColor=INK),
        cell=cell,
        cell_head=ParagraphStyle(
            "cell_head", parent=cell, fontName=SANS_BOLD, textColor=colors.white
        ),
        cell_flag=ParagraphStyle("cell_flag", parent=cell, fontName=SANS_BOLD, textColor=FLAG_INK),
        cell_mark=ParagraphStyle(
            "cell_mark", parent=cell, fontName=SANS_BOLD, textColor=FLAG_RULE, alignment=TA_CENTER
        ),
        cell_empty=ParagraphStyle("cell_empty", parent=cell, fontName=SANS_ITALIC, textColor=MUTED),
        chart_label=ParagraphStyle("chart_label", parent=cell, alignment=TA_RIGHT),
        furniture=ParagraphStyle(
            "furniture", fontName=SANS, fontSize=7.2, leading=9, textColor=MUTED
        ),
        reference=ParagraphStyle(
            "reference",
            parent=body,
            fontSize=8.8,
            leading=12,
            alignment=TA_LEFT,
            leftIndent=26,
            bulletIndent=0,
            bulletFontName=SANS,
            bulletFontSize=8.2,
            spaceAfter=4,
            allowWidows=0,  # an entry of up to three lines is never split
        ),
        sign_part=ParagraphStyle(
            "sign_part", fontName=SANS_BOLD, fontSize=8.6, leading=11, textColor=ACCENT
        ),
        sign_label=ParagraphStyle(
            "sign_label", fontName=SANS, fontSize=7.4, leading=10, textColor=MUTED
        ),
        sign_name=ParagraphStyle(
            "sign_name", fontName=SERIF_BOLD, fontSize=9.4, leading=12, textColor=INK
        ),
    )


def para(text: str, style: Any) -> Any:
    """A Paragraph of user ``text`` (escaped, any script) in ``style``."""
    return Paragraph(rich(text, bold="Bold" in style.fontName), style)


# -- page furniture ----------------------------------------------------------------------------

MARGIN_X: Final = house_style.MARGIN_X_MM * mm
MARGIN_TOP: Final = house_style.MARGIN_TOP_MM * mm
MARGIN_BOTTOM: Final = house_style.MARGIN_BOTTOM_MM * mm


@dataclass(frozen=True, slots=True)
class Furniture:
    """What is printed around the text of every page."""

    title: str
    subtitle: str
    footer: str
    generated_on: date
    edition: str = ""  # printed instead of "Generated <date>" when set

    def first_page(self, canv: Any, doc: Any) -> None:
        w, h = doc.pagesize
        canv.saveState()
        canv.setFillColor(ACCENT)
        canv.rect(MARGIN_X, h - 12 * mm, w - 2 * MARGIN_X, 2.2, stroke=0, fill=1)
        self._footer(canv, w)
        canv.restoreState()

    def later_pages(self, canv: Any, doc: Any) -> None:
        w, h = doc.pagesize
        canv.saveState()
        y = h - 13 * mm
        right = fit(self.subtitle, SANS, 7.2, (w - 2 * MARGIN_X) * 0.55)
        right_w = text_width(right, SANS, 7.2)
        left = fit(self.title, SANS_BOLD, 7.2, w - 2 * MARGIN_X - right_w - 12)
        self._line(canv, left, MARGIN_X, y, SANS_BOLD, ACCENT)
        self._line(canv, right, w - MARGIN_X - right_w, y, SANS, MUTED)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, y - 4, w - MARGIN_X, y - 4)
        self._footer(canv, w)
        canv.restoreState()

    def _footer(self, canv: Any, w: float) -> None:
        y = 13 * mm
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, y + 9, w - MARGIN_X, y + 9)
        # Leave room on the right for "Page 999 of 999", drawn when the page count is known.
        room = w - 2 * MARGIN_X - text_width(page_label(999, 999), SANS_BOLD, 7.6) - 18
        self._line(canv, fit(self.footer, SANS, 7.2, room), MARGIN_X, y, SANS, INK)
        stamp = self.edition or f"Generated {day(self.generated_on)}"
        self._line(canv, stamp, MARGIN_X, y - 9, SANS, MUTED)

    @staticmethod
    def _line(canv: Any, text: str, x: float, y: float, font: str, colour: Any) -> None:
        """One line of user text at baseline ``y`` (a Paragraph, so every script prints)."""
        if not text:
            return
        if text.isascii() and text.isprintable():
            # The same line without a Paragraph: a long register has a thousand pages.
            canv.setFont(font, styles().furniture.fontSize)
            canv.setFillColor(colour)
            canv.drawString(x, y, text)
            return
        style = ParagraphStyle("line", parent=styles().furniture, fontName=font, textColor=colour)
        p = Paragraph(rich(text, bold="Bold" in font), style)
        _, ph = p.wrap(10_000, 100)
        p.drawOn(canv, x, y - ph + style.fontSize)  # its first baseline sits fontSize below its top


def page_label(page: int, pages: int) -> str:
    return f"Page {page} of {pages}"


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """A canvas printing "Page X of Y": pages are held until the page count is known.

    Held pages reach the PDF only in :meth:`save`, so bookmarks made meanwhile are held with
    them (made at once, they would all point at the first page)."""

    def __init__(
        self, *args: Any, draft: bool = False, dated: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []
        self._marks: list[tuple[int, str, dict[str, Any]]] = []
        self._draft = draft
        if dated is not None:  # the creation and modification dates in the metadata
            self.setDateFormatter(lambda *_parts: dated)

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:
        self._marks.append((len(self._held), key, kwargs))

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._held)
        marks = self._marks
        for index, state in enumerate(self._held):
            self.__dict__.update(state)
            for _, key, kwargs in (m for m in marks if m[0] == index):
                super().bookmarkPage(key, **kwargs)
            self._page_number(pages)
            if self._draft:
                self._watermark()
            super().showPage()
        super().save()

    def _page_number(self, pages: int) -> None:
        w, _ = self._pagesize
        self.saveState()
        self.setFont(SANS_BOLD, 7.6)
        self.setFillColor(ACCENT)
        self.drawRightString(w - MARGIN_X, 13 * mm, page_label(self._pageNumber, pages))
        self.restoreState()

    def _watermark(self) -> None:
        """DRAFT across the page, over the text but translucent, so no table can hide it."""
        w, h = self._pagesize
        size = min(0.55 * math.hypot(w, h) / pdfmetrics.stringWidth("DRAFT", SANS_BOLD, 1), 190)
        self.saveState()
        self.setFillColor(WATERMARK, alpha=0.14)
        self.translate(w / 2, h / 2)
        self.rotate(math.degrees(math.atan2(h, w)))
        self.setFont(SANS_BOLD, size)
        self.drawCentredString(0, -size * 0.36, "DRAFT")
        self.restoreState()


# -- keeping a heading with what follows ---------------------------------------------------------

# A table row taller than this share of the page is divided into rows (it might not fit on any
# page); every other row is kept whole.
TALL_ROW: Final = 0.5
# What a block with no first line to measure keeps with its heading, in points.
SPLIT_MIN: Final = 30
# A page less full than this share is not left behind to keep a block whole.
NEAR_EMPTY: Final = 0.4


def _frame_height(frame: Any) -> float:
    return float(frame._height - frame._topPadding - frame._bottomPadding)


class KeepWhole(KeepTogether):  # type: ignore[misc]
    """A small block (a chart, a sign-off block) kept on one page: moved whole to the next
    page when it does not fit below what precedes it, unless that would leave this page less
    than ``NEAR_EMPTY`` full, or the block is taller than a page; then it runs on from here,
    breaking where its parts may break (between rows)."""

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        if getattr(self, "_wrapInfo", None) != (avail_width, avail_height):
            self.wrap(avail_width, avail_height)
        parts = list(self._content)
        frame = getattr(self, "_frame", None)
        if avail_height >= self._H or frame is None or getattr(frame, "_atTop", False):
            return [NullActionFlowable(), *parts]
        full = _frame_height(frame)
        if full < self._H or full - avail_height < NEAR_EMPTY * full:
            return [NullActionFlowable(), *parts]
        return [FrameBreak(), *parts]


class KeepWithStart(Flowable):  # type: ignore[misc]
    """Headings (a section title, a table's caption, a paragraph that introduces a list) kept on
    the page with the start of what follows: the first lines of a paragraph, a table's header
    and first row, a small block whole. When that does not fit, all of it starts a new page.

    ReportLab's ``keepWithNext`` keeps a heading with the *whole* of what follows, so a heading
    before a long table pushes both to a new page and leaves the page before near-empty; this
    keeps it with the start only, and the rest flows on as usual.
    """

    def __init__(self, heads: Sequence[Any], body: Sequence[Any]) -> None:
        super().__init__()
        self.heads = list(heads)
        self.body = list(body)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, 0xFFFFFF  # always "too tall": the frame asks split() what to do

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        frame = getattr(self, "_frame", None)
        parts = [*self.heads, *self.body]
        if frame is None or getattr(frame, "_atTop", False):
            return [NullActionFlowable(), *parts]
        full = _frame_height(frame)
        # A block kept whole is kept whole with its heading too, unless it would then leave
        # this page near-empty (KeepWhole runs on from here in that case).
        whole = full - avail_height >= NEAR_EMPTY * full
        need = 0.0
        for f in self.heads:
            _, h = f.wrapOn(self.canv, avail_width, full)
            need += f.getSpaceBefore() + h + f.getSpaceAfter()
        first = next((f for f in self.body if not isinstance(f, FrameActionFlowable)), None)
        if first is not None:
            room = full - need
            start = start_height(first, self.canv, avail_width, room, whole=whole)
            need += first.getSpaceBefore() + start
        if need > avail_height:
            return [FrameBreak(), *parts]
        return [NullActionFlowable(), *parts]


def start_height(f: Any, canv: Any, width: float, room: float, *, whole: bool = True) -> float:
    """How much of ``f`` must share a page with the heading above it (``room`` is what a fresh
    page leaves for it below the heading; ``whole``: a block kept whole is kept whole here)."""
    _, h = f.wrapOn(canv, width, room)
    if isinstance(f, RLTable):
        rows: list[float] = list(getattr(f, "_rowHeights", None) or [h])
        header = f.repeatRows if isinstance(f.repeatRows, int) else max(f.repeatRows) + 1
        head = sum(rows[:header])
        if len(rows) <= header:
            return float(h)
        return head + rows[header]
    if isinstance(f, Paragraph):
        leading = float(f.style.leading)
        if h <= 3 * leading:
            return float(h)
        pad = f.style.borderPadding if f.style.borderWidth else 0
        if isinstance(pad, (tuple, list)):  # CSS order: top, right, bottom, left
            top, bottom = (pad[0], pad[2]) if len(pad) >= 3 else (pad[0], pad[0])
        else:
            top = bottom = pad
        return 2 * leading + float(top) + float(bottom)
    if isinstance(f, KeepTogether):
        height = float(getattr(f, "_H", h))  # its wrap() says "too tall" to be asked to split
        if whole and height <= room:
            return height
        content = [c for c in f._content if not isinstance(c, FrameActionFlowable)]
        return start_height(content[0], canv, width, room) if content else 0.0
    start = getattr(f, "start_height", None)
    if callable(start):
        return float(start())
    return float(min(h, 2 * SPLIT_MIN))
