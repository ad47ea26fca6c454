"""Tables of thousands of rows (the register), every cell printed in full.

ReportLab's ``Table`` measures each cell as a Paragraph and, at every page break, the rows
left: on a 10,000-row register that is most of a minute. Here each cell is wrapped once, at
spaces, into lines of one font (measured with cached word widths), so a row's height is a
number of lines and a page break is arithmetic; and each line is set straight into the page.

Nothing is shortened. Columns are at least as wide as the widest word they hold, so no word,
date or identifier ("TIA-0012-v3", "T12", "7 Dec 2026" with its no-break spaces) is broken;
only a word wider than a column may ever be (a long name without spaces), where it must be: at
a hyphen, slash or full stop if it has one, else between characters. A row taller than a page
continues on the next one, cut between lines.

Lines of printable ASCII, most of a register, are written as PDF text operators directly
(``Canvas.addLiteral``): the embedded fonts are subset "ASCII-readable" (ReportLab's default),
so such text is its own encoding in the font's first subset, and encoding it character by
character, as ReportLab does for every string, is most of the time a large table takes. Any
other line (accents, Arabic, CJK) goes through ReportLab's text object, with a fallback font
for the characters the sans face lacks and right-to-left runs in visual order.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from reportlab.lib import colors
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from exports.house_style import FLAG_MARK
from exports.pdf_common import (
    ACCENT,
    FLAG_BG,
    FLAG_INK,
    FLAG_RULE,
    INK,
    SANS,
    SANS_BOLD,
    ZEBRA,
    clean_line,
    font_runs,
    visual_line,
)
from transfers_app.reports.document import Table

SIZE = 7.0
LEADING = 8.4
PAD_X = 3.2
PAD_TOP = 2.4
PAD_BOTTOM = 2.6
HEAD_PAD = 3.2
# A row taller than this share of a page is cut into pieces between its lines.
TALL = 0.8
MARK_GAP = 2.5

# Where a word too wide for its column may break: after one of these characters.
_BREAK_AFTER = re.compile(r"(?<=[-/.])")


class _Piece(NamedTuple):
    """A row, or the part of a tall row, that is laid out as one band of a page."""

    row: int
    first: int  # the first line of each cell this piece prints
    lines: int  # how many lines it prints (cells with fewer print what they have)
    height: float


class _Widths(dict[str, float]):
    """Printed widths of words in one font (registers repeat their words a great deal)."""

    def __init__(self, font: str, size: float = SIZE) -> None:
        super().__init__()
        self.font = font
        self.size = size
        self.space = pdfmetrics.stringWidth(" ", font, size)

    def __missing__(self, word: str) -> float:
        width = float(
            sum(pdfmetrics.stringWidth(run, f, self.size) for f, run in font_runs(word, self.font))
        )
        self[word] = width
        return width


class _Words(dict[str, list[list[str]]]):
    """Each text's paragraphs (its own line breaks), each as its words: split at spaces only,
    so a no-break space keeps what it joins one word (``str.split()`` would split there)."""

    def __missing__(self, text: str) -> list[list[str]]:
        value = self[text] = [
            [w for w in part.split(" ") if w] for part in clean_line(text).split("\n")
        ]
        return value


def widest_word(texts: Iterable[str], widths: _Widths, words: _Words) -> float:
    found: set[str] = set()  # each word measured once, however often it is used
    for t in texts:
        for part in words[t]:
            found.update(part)
    return max(map(widths.__getitem__, found), default=0.0)


def wrap(text: str, room: float, widths: _Widths, words_of: _Words) -> tuple[str, ...]:
    """``text`` in lines of at most ``room`` points, broken at spaces (and at its own line
    breaks); a word wider than ``room`` broken where it must be."""
    lines: list[str] = []
    space = widths.space
    for words in words_of[text]:
        line: list[str] = []
        used = 0.0
        for word in words:
            w = widths[word]
            if w > room:
                if line:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                *head, word = _break_word(word, room, widths)
                lines.extend(head)
                w = widths[word]
            if line and used + space + w > room:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used = used + space + w if line else w
            line.append(word)
        lines.append(" ".join(line))
    # A no-break space has done its work: printed as a space, an ASCII line stays ASCII.
    return tuple(x.replace("\u00a0", " ") for x in lines)


_WIDTHS: dict[tuple[str, float], _Widths] = {}


def wrap_text(text: str, font: str, size: float, room: float) -> tuple[str, ...]:
    """``text`` in ``font`` at ``size`` in lines of at most ``room`` points (``wrap``), for
    a drawing that sets its own lines (the data map)."""
    widths = _WIDTHS.get((font, size))
    if widths is None:
        widths = _WIDTHS[(font, size)] = _Widths(font, size)
    return wrap(text, room, widths, _Words())


def _break_word(word: str, room: float, widths: _Widths) -> list[str]:
    """A word wider than ``room`` in pieces that fit: at hyphens, slashes and full stops where
    it has them, else between characters."""
    pieces = [p for p in _BREAK_AFTER.split(word) if p]
    out: list[str] = []
    current = ""
    for piece in pieces:
        if current and widths[current + piece] > room:
            out.append(current)
            current = ""
        current += piece
        while widths[current] > room and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and widths[current[:cut]] > room:
                cut -= 1
            out.append(current[:cut])
            current = current[cut:]
    out.append(current)
    return out


def column_widths(
    block: Table, width: float, regular: _Widths, bold: _Widths, words: _Words
) -> list[float]:
    """Widths that hold every column's widest word (its header's in bold), shared out in
    proportion to ``block.widths`` beyond that; if even the widest words do not fit side by
    side, in proportion to what each column needs."""
    n = len(block.headers)
    flagged = set(block.flagged)
    needs = []
    for c in range(n):
        plain = {row[c] for i, row in enumerate(block.rows) if i not in flagged}
        strong = {row[c] for i, row in enumerate(block.rows) if i in flagged}
        need = max(
            widest_word(plain, regular, words),
            widest_word(strong, bold, words),
            widest_word([block.headers[c]], bold, words),
        )
        needs.append(need + 2 * PAD_X + 0.5)
    rel = list(block.widths) if block.widths and len(block.widths) == n else [1.0] * n
    if sum(needs) >= width:
        return [width * nd / sum(needs) for nd in needs]
    # Water-filling: each column gets its share of the width, or its need if more; the columns
    # held at their need give up their share, which the others divide again.
    fixed: dict[int, float] = {}
    while True:
        free = width - sum(fixed.values())
        share = sum(rel[c] for c in range(n) if c not in fixed) or 1.0
        more = {
            c: needs[c] for c in range(n) if c not in fixed and needs[c] > free * rel[c] / share
        }
        if not more:
            break
        fixed.update(more)
    free = width - sum(fixed.values())
    share = sum(rel[c] for c in range(n) if c not in fixed) or 1.0
    return [fixed[c] if c in fixed else free * rel[c] / share for c in range(n)]


class BulkTable(Flowable):  # type: ignore[misc]
    """The rows of a ``Table`` block, wrapped in full and drawn a page at a time."""

    def __init__(
        self,
        block: Table,
        width: float,
        page_height: float,
        *,
        layout: BulkLayout | None = None,
        start: int = 0,
        stop: int = -1,
    ) -> None:
        super().__init__()
        self.layout = layout or BulkLayout(block, width, page_height)
        self.start = start
        self.stop = len(self.layout.pieces) if stop < 0 else stop

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        lay = self.layout
        self.width = sum(lay.widths)
        self.height = lay.head_height + lay.tops[self.stop] - lay.tops[self.start]
        return self.width, self.height

    def start_height(self) -> float:
        """What must share a page with its heading: the header and the first band."""
        lay = self.layout
        return lay.head_height + lay.tops[self.start + 1] - lay.tops[self.start]

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        lay = self.layout
        room = avail_height - lay.head_height
        # The last band that ends within ``room`` of this part's top.
        cut = bisect.bisect_right(lay.tops, lay.tops[self.start] + room, self.start) - 1
        if cut <= self.start:
            return []
        if cut >= self.stop:
            return [self]
        return [
            BulkTable(lay.block, 0, 0, layout=lay, start=self.start, stop=cut),
            BulkTable(lay.block, 0, 0, layout=lay, start=cut, stop=self.stop),
        ]

    def draw(self) -> None:
        self.layout.draw(self.canv, self.start, self.stop, self.height)


class BulkLayout:
    """Every cell of a table wrapped once: its lines per row, the bands of each page and
    where they start (shared by the parts a table splits into across pages)."""

    def __init__(self, block: Table, width: float, page_height: float) -> None:
        self.block = block
        self.flagged = frozenset(i for i in block.flagged if 0 <= i < len(block.rows))
        regular, bold = _Widths(SANS), _Widths(SANS_BOLD)
        words = _Words()
        self.widths = column_widths(block, width, regular, bold, words)
        rooms = [w - 2 * PAD_X for w in self.widths]
        self.head = [wrap(h, r, bold, words) for h, r in zip(block.headers, rooms, strict=True)]
        self.head_height = max(len(h) for h in self.head) * LEADING + 2 * HEAD_PAD
        # Wrapped once per distinct text of a column (and weight): registers repeat values.
        cache: list[dict[tuple[str, bool], tuple[str, ...]]] = [{} for _ in rooms]
        self.cells: list[list[tuple[str, ...]]] = []
        pieces: list[_Piece] = []
        most = max(int((TALL * page_height - self.head_height) // LEADING), 1)
        for i, row in enumerate(block.rows):
            strong = i in self.flagged
            widths = bold if strong else regular
            cells = []
            depth = 1
            for c, text in enumerate(row):
                key = (text, strong)
                lines = cache[c].get(key)
                if lines is None:
                    lines = cache[c][key] = wrap(text, rooms[c], widths, words) if text else ()
                cells.append(lines)
                if len(lines) > depth:
                    depth = len(lines)
            self.cells.append(cells)
            for first in range(0, depth, most):
                count = min(most, depth - first)
                pieces.append(_Piece(i, first, count, count * LEADING + PAD_TOP + PAD_BOTTOM))
        self.pieces = pieces
        tops = [0.0]
        for p in pieces:
            tops.append(tops[-1] + p.height)
        self.tops = tops

    # -- drawing ----------------------------------------------------------------------------

    def draw(self, canv: Any, start: int, stop: int, height: float) -> None:
        xs = [0.0]
        for w in self.widths[:-1]:
            xs.append(xs[-1] + w)
        total = sum(self.widths)
        canv.saveState()
        canv.setFillColor(ACCENT)
        canv.rect(0, height - self.head_height, total, self.head_height, stroke=0, fill=1)
        y = height - self.head_height
        bands: list[tuple[_Piece, float]] = []
        for k in range(start, stop):
            piece = self.pieces[k]
            y -= piece.height
            bands.append((piece, y))
            if piece.row in self.flagged:
                canv.setFillColor(FLAG_BG)
                canv.rect(0, y, total, piece.height, stroke=0, fill=1)
                canv.setFillColor(FLAG_RULE)
                canv.rect(0, y, 1.6, piece.height, stroke=0, fill=1)
            elif piece.row % 2:
                canv.setFillColor(ZEBRA)
                canv.rect(0, y, total, piece.height, stroke=0, fill=1)
        text = _PageText(canv)
        lefts = [f"{x + PAD_X:.2f}" for x in xs]
        top = height - HEAD_PAD - SIZE
        text.use(SANS_BOLD, colors.white)
        for left, lines in zip(lefts, self.head, strict=True):
            for n, line in enumerate(lines):
                text.put(left, f"{top - n * LEADING:.2f}", line)
        mark_width = pdfmetrics.stringWidth(FLAG_MARK, SANS_BOLD, SIZE)
        cells = self.cells
        flagged = self.flagged
        put = text.put
        for piece, bottom in bands:
            strong = piece.row in flagged
            first_base = bottom + piece.height - PAD_TOP - SIZE
            if strong and piece.first == 0:
                text.use(SANS_BOLD, FLAG_RULE)
                put(f"{-MARK_GAP - mark_width:.2f}", f"{first_base:.2f}", FLAG_MARK)
            text.use(*((SANS_BOLD, FLAG_INK) if strong else (SANS, INK)))
            first, count = piece.first, piece.lines
            ys = [f"{first_base - n * LEADING:.2f}" for n in range(count)]
            for left, lines in zip(lefts, cells[piece.row], strict=True):
                for line, ty in zip(lines[first : first + count], ys, strict=False):
                    put(left, ty, line)
        text.close()
        canv.setStrokeColor(ACCENT)
        canv.setLineWidth(0.8)
        canv.line(0, 0, total, 0)
        canv.restoreState()


def _rgb(colour: Any) -> str:
    return f"{colour.red:.3f} {colour.green:.3f} {colour.blue:.3f} rg"


_ESCAPES = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)"})


class _PageText:
    """The page's text as literal PDF operators in one text block (see the module's
    docstring): ASCII lines as they are, any other line encoded once per document, in the
    font's subsets (and a fallback font for the characters the sans face lacks)."""

    def __init__(self, canv: Any) -> None:
        self.canv = canv
        self.doc = canv._doc
        self.ops: list[str] = ["BT"]
        self.font = ""  # the font lines are set in (``use``)
        self.colour: Any = None
        self.current = ""  # the font operator in force in the text block
        self.ready: dict[str, str] = {}  # the Tf operator of the font, "" if not ASCII-readable
        # Each line's text operators per font, for this document (subset codes are its own).
        self.by_font = _SHOWN.setdefault(self.doc, {})
        self.shown: dict[str, tuple[str, str]] = {}

    def use(self, font: str, colour: Any) -> None:
        """Set the next lines in ``font`` and ``colour``."""
        self.font = font
        self.shown = self.by_font.setdefault(font, {})
        if colour is not self.colour:
            self.ops.append(_rgb(colour))
            self.colour = colour

    def _ascii_op(self, font: str) -> str:
        op = self.ready.get(font)
        if op is None:
            face = pdfmetrics.getFont(font)
            readable = getattr(face, "_dynamicFont", False) and self._ascii_readable(face)
            op = f"{face.getSubsetInternalName(0, self.doc)} {SIZE:g} Tf" if readable else ""
            self.ready[font] = op
        return op

    def _ascii_readable(self, face: Any) -> bool:
        state = face.state.get(self.doc)
        if state is None:
            face.splitString(" ", self.doc)  # makes the document's subset state
            state = face.state[self.doc]
        return bool(state.assignments.get(ord("A")) == ord("A"))

    def put(self, x: str, y: str, line: str) -> None:
        if not line:
            return
        shown = self.shown.get(line)
        if shown is None:
            shown = self.shown[line] = self._encode(self.font, line)
        op, tj = shown
        if op and op != self.current:
            self.ops.append(op)
            self.current = op
        self.ops.append(f"1 0 0 1 {x} {y} Tm {tj}")
        if not op:  # it set fonts of its own: the next line sets its font again
            self.current = ""

    def _encode(self, font: str, line: str) -> tuple[str, str]:
        """(the font operator to be in force, the text operators) for ``line``; an empty
        font operator when the text operators set their own fonts."""
        if line.isascii() and line.isprintable():
            op = self._ascii_op(font)
            if op:
                return op, f"({line.translate(_ESCAPES)}) Tj"
        parts = []
        for run_font, run in font_runs(visual_line(line), font):
            face = pdfmetrics.getFont(run_font)
            for subset, chars in face.splitString(run, self.doc):
                name = face.getSubsetInternalName(subset, self.doc)
                parts.append(f"{name} {SIZE:g} Tf ({escapePDF(chars)}) Tj")
        return "", " ".join(parts)

    def close(self) -> None:
        self.ops.append("ET")
        if len(self.ops) > 2:
            self.canv.addLiteral("\n".join(self.ops))


# The encoded lines of each document being drawn (weakly keyed: gone with the document).
_SHOWN: WeakKeyDictionary[Any, dict[str, dict[str, tuple[str, str]]]] = WeakKeyDictionary()
