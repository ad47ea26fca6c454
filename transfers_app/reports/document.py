"""Report documents as data: services decide every word, renderers (``exports``) only lay out.

A report is a title block, a list of numbered sections and a few document properties. Each
section holds blocks: paragraphs, label/value fields, tables (which may run over many pages),
bullet lists and bar charts. All text is plain user text: renderers escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Tone(StrEnum):
    BODY = "body"
    NOTE = "note"  # small print, sources, method caveats
    WARNING = "warning"  # something the reader must not miss (stale, unverified, draft)
    STATEMENT = "statement"  # a formal statement in a box (e.g. Clause 14(d))


@dataclass(frozen=True, slots=True)
class Para:
    text: str
    tone: Tone = Tone.BODY


@dataclass(frozen=True, slots=True)
class Fields:
    """Label/value pairs laid out as a two-column table."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Relative column widths (any scale); None = equal.
    widths: tuple[float, ...] | None = None
    caption: str = ""
    empty_text: str = "None recorded."
    # Indexes of rows to highlight (e.g. overdue, unverified, critical).
    flagged: tuple[int, ...] = ()
    # Thousands of rows (the register): laid out by arithmetic rather than cell by cell, every
    # cell wrapped at spaces and printed in full, columns as wide as their widest word. (The
    # name is kept: approved assessments store their documents with this field.)
    compact: bool = False


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    bars: tuple[tuple[str, int], ...]  # label, value; drawn in the given order


@dataclass(frozen=True, slots=True)
class Signer:
    """One person who signs: their part ("Assessed by", "Approved by"), name, role and the
    date they signed (empty for a line still to be signed)."""

    part: str
    name: str
    role: str = ""
    signed_on: str = ""


# The words printed around each signer (a line to sign on, then these labels), in every format.
SIGNER_LABELS = ("Signature", "Name", "Role", "Date")


@dataclass(frozen=True, slots=True)
class Signatures:
    """A sign-off block: one row per signer with a line to sign on."""

    signers: tuple[Signer, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """One numbered source, as a bibliography lists it (never a bare URL)."""

    number: int
    title: str
    publisher: str
    date: str  # as the source dates itself ("18 Jun 2021", "2026"); "" when undated
    url: str = ""

    def citation(self) -> str:
        """ "Title. Publisher, date." (what precedes the URL), the same in every format."""
        rest = ", ".join(p for p in (self.publisher.strip(), self.date.strip()) if p)
        parts = (p if p[-1] in ".?!" else f"{p}." for p in (self.title.strip(), rest) if p)
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class References:
    items: tuple[Reference, ...]


Block = Para | Fields | Table | Bullets | BarChart | Signatures | References


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    # The section ends its page (a decision page that stands on its own before the detail).
    page_break_after: bool = False


@dataclass(frozen=True, slots=True)
class ReportDocument:
    title: str
    subtitle: str
    # PDF metadata
    author: str
    subject: str
    keywords: tuple[str, ...]
    generated_on: date
    # Printed in every footer, e.g. "TIA-0007-v2 · record version 5".
    footer: str
    # Shown under the title: the key facts (id, status, dates...).
    heading: Fields
    sections: tuple[Section, ...]
    draft: bool = False  # watermark DRAFT on every page
    landscape: bool = False
    # A boxed statement right under the heading (e.g. Clause 14(d)).
    cover_statement: str = ""
    number_sections: bool = True
    # What this copy is, printed in every footer instead of "Generated <date>" (e.g. "Approved
    # version of 7 Nov 2025": a document reproduced as approved was not generated that day).
    edition: str = ""
