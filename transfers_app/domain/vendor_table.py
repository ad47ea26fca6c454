"""A vendor list as read from its file, before anything is interpreted: the raw table (its
header found, title rows above it skipped), the problems found in its cells, and the text
cleaning every cell goes through. ``exports.list_reader`` fills it from CSV and XLSX files;
``transfers_app.domain.vendor_list`` reads its rows as register values.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from transfers_app.domain.columns import score_header
from transfers_app.errors import TransfersError

Cell = str | date

MAX_NAME = 300
# What the import reads, whatever the file claims; each refusal names its limit.
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELLS = 10_000_000  # rows times columns: the table held in memory
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
# Longer cells are not read as places (a pasted paragraph, a hostile string).
MAX_PLACE_TEXT = 500


class ImportFileError(TransfersError):
    """A file that cannot be read as a list; the message names the file and why."""


class Level(StrEnum):
    ERROR = "error"  # the row is not imported
    REVIEW = "review"  # imported, but a human must finish it (a region instead of a country)
    WARNING = "warning"  # imported as read, with a guess or a value left in the notes


@dataclass(frozen=True, slots=True)
class CellProblem:
    row: int
    column: str  # the header as in the file, "" for the whole row
    level: Level
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column '{self.column}'" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


# -- text ------------------------------------------------------------------------------------

# Invisible characters that can hide or reorder text (bidi overrides, zero-width space, BOM).
# Zero-width joiners (U+200C/D) are left alone: Persian and Indic names need them.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)], None
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u3000]+")
FORMULA_START = ("=", "+", "-", "@")


def clean_text(value: object, multiline: bool = False) -> tuple[str, bool]:
    """NFC text without control or invisible characters; True if something was removed."""
    if type(value) is str and value.isascii() and value.isprintable():
        # The common case, quickly: plain ASCII on one line.
        if "  " in value or value[:1] == " " or value[-1:] == " ":
            return " ".join(value.split()), False
        return value, False
    if value is None:
        return "", False
    if isinstance(value, datetime):
        value = value.date() if value.time() == time() else value
    if isinstance(value, date):
        return value.isoformat(), False
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    stripped = _CONTROLS.sub("", text.translate(_INVISIBLE))
    removed = len(stripped) != len(text)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in stripped.split("\n")]
        out = "\n".join(line for line in lines if line)
    else:
        out = _SPACES.sub(" ", stripped.replace("\n", " ")).strip()
    return out, removed


_ASCII_NON_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def fold_key(text: str) -> str:
    """Fold case, accents and punctuation for comparing place names ("Côte d'Ivoire")."""
    if text.isascii():
        return _ASCII_NON_WORD.sub(" ", text.lower()).strip()
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    out = []
    for ch in folded:
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).translate(_LATIN_FOLD).split())


_LATIN_FOLD = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ı": "i", "æ": "ae", "œ": "oe"})


class SourceRow(NamedTuple):
    number: int  # the row number a spreadsheet shows for this row (1-based)
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Table:
    source: str  # the file name, for messages
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    header_row: int
    encoding: str = ""  # CSV: how the bytes were read
    delimiter: str = ""  # CSV
    sheet: str = ""  # XLSX: the sheet read
    sheets: tuple[str, ...] = ()  # XLSX: every sheet of the workbook
    skipped_above: int = 0  # blank and title rows above the header
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.encoding:
            parts.append(ENCODING_LABELS.get(self.encoding, self.encoding))
        if self.delimiter:
            parts.append(f"delimiter {DELIMITER_LABELS.get(self.delimiter, self.delimiter)}")
        parts.append(f"header on row {self.header_row}")
        parts.append(f"{len(self.rows)} row{'s' if len(self.rows) != 1 else ''} below it")
        return ", ".join(parts)

    def samples(self, limit: int = 20) -> list[list[str]]:
        """Up to ``limit`` non-empty values of each column, as text (for guessing and display)."""
        out: list[list[str]] = [[] for _ in self.headers]
        for row in self.rows:
            for i, cell in enumerate(row.cells):
                if len(out[i]) < limit:
                    text = cell.isoformat() if isinstance(cell, date) else cell
                    if text:
                        out[i].append(text)
            if all(len(col) >= limit for col in out):
                break
        return out


ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 (little-endian, no BOM)",
    "utf-16-be": "UTF-16 (big-endian, no BOM)",
    "utf-32": "UTF-32",
    "cp1252": "Windows-1252",
    "cp1250": "Windows-1250 (Central European)",
    "latin-1": "Latin-1",
}
DELIMITER_LABELS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


# -- the table of a file ---------------------------------------------------------------------


def any_filled(record: Sequence[Cell]) -> bool:
    return any((c.strip() if isinstance(c, str) else True) for c in record)


def _filled(record: Sequence[Cell]) -> int:
    return sum(1 for c in record if (c.strip() if isinstance(c, str) else True))


# A header names a field in a few words; a longer cell that happens to hold "service" or
# "provider" ("Migration zu einem Anbieter mit Sitz in der EU") is a value.
_HEADER_WORDS = 6


def _names_a_field(cell: str) -> bool:
    return len(cell.split()) <= _HEADER_WORDS and max(score_header(cell).values(), default=0) >= 75


def _header_index(records: Sequence[Sequence[Cell]]) -> int | None:
    """Which of the first rows is the header: the first wide row whose cells name fields.

    Title rows ("Subprocessors - updated March 2025") fill one cell of a wide table and blank
    rows none; both are skipped. Failing a row that names two fields, the first that names
    one in short text cells only ("Unterauftragnehmer; Aufgabe; Schutz Drittstaatentransfer");
    without any recognisable header, the first wide row.
    """
    head = list(records[:30])
    width = max((_filled(r) for r in head), default=0)
    if width == 0:
        return None
    wide = max(1, (width + 1) // 2) if width > 1 else 1
    first_wide: int | None = None
    first_weak: int | None = None
    for i, rec in enumerate(head[:20]):
        filled = _filled(rec)
        if filled < wide or (width > 1 and filled < 2):
            continue
        if first_wide is None:
            first_wide = i
        texts = [c for c in rec if isinstance(c, str) and c.strip()]
        if len(texts) != filled:
            continue
        named = sum(1 for c in texts if _names_a_field(c))
        if named >= min(2, len(texts)):
            return i
        if named and first_weak is None and all(len(c) <= 60 for c in texts):
            first_weak = i
    return first_weak if first_weak is not None else first_wide


def too_long(name: str, where: str, length: int) -> str:
    """The message refusing a cell over ``MAX_CELL_CHARS``; ``where`` names its row and column."""
    return (
        f"{name}: {where} holds {length:,} characters; a cell holds at most "
        f"{MAX_CELL_CHARS:,} (Excel's own limit), and the import never cuts one short"
    )


def column_letter(i: int) -> str:
    """The spreadsheet letter of the 0-based column ``i`` (0 -> "A", 27 -> "AB")."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def table_from_records(
    records: list[list[Cell]],
    name: str,
    *,
    encoding: str = "",
    delimiter: str = "",
    sheet: str = "",
    sheets: tuple[str, ...] = (),
    offset: int = 0,
    notes: list[str] | None = None,
) -> Table:
    notes = notes or []
    while records and _filled(records[-1]) == 0:
        records.pop()
    index = _header_index(records)
    if index is None:
        raise ImportFileError(f"{name} has no rows (every cell is empty)")
    header_cells = records[index]
    body = records[index + 1 :]
    width = max([len(header_cells), *(len(r) for r in body if _filled(r))])
    headers: list[str] = []
    seen: Counter[str] = Counter()
    for i in range(width):
        raw = header_cells[i] if i < len(header_cells) else ""
        text, _ = clean_text(raw)
        text = text or f"Column {column_letter(i)}"
        seen[text.casefold()] += 1
        if seen[text.casefold()] > 1:
            text = f"{text} ({seen[text.casefold()]})"
        headers.append(text)
    rows = []
    for j, rec in enumerate(body):
        cells = tuple(rec) + ("",) * (width - len(rec))
        rows.append(SourceRow(offset + index + 2 + j, cells[:width]))
    if not any(_filled(r.cells) for r in rows):
        raise ImportFileError(
            f"{name} has a header on row {offset + index + 1} but no rows under it"
        )
    if index:
        notes.append(
            f"skipped {index} row{'s' if index > 1 else ''} above the header (blank or a title)"
        )
    return Table(
        source=name,
        headers=tuple(headers),
        rows=tuple(rows),
        header_row=offset + index + 1,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        sheets=sheets,
        skipped_above=index,
        notes=tuple(notes),
    )
