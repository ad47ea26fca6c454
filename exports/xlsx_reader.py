"""The cells of one XLSX worksheet, read as a stream with every limit checked on the way.

openpyxl reads the workbook's parts (sheet names and states, the styles that make a number a
date); the worksheet and its shared strings are read here, with expat, in chunks, so memory
follows the table, never the file's claims: the real extent is read whatever the sheet's
declared dimension says (``A1:B11`` over 100 rows, or ``A1:XFD1048576`` over 10), a cell longer
than Excel's own limit is refused with its row and column (never cut), and a row, column or
size past the import's limits is refused with the limit named.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable
from typing import Any, NamedTuple
from xml.parsers import expat

from transfers_app.domain import vendor_table as limits  # limits.MAX_ROWS, limits.MAX_COLUMNS, ...
from transfers_app.domain.vendor_table import Cell, ImportFileError, column_letter, too_long

# The worksheet and the shared strings together, as the ZIP declares them unpacked (zipfile
# never inflates a part past its declared size: a larger one fails its CRC check).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
# Title rows above the header are allowed on top of limits.MAX_ROWS rows of data.
_ROW_SLACK = 50
_CHUNK = 64 * 1024
_MAX_DIGITS = 40  # a longer "number" is kept as the text it is


class _TooLong:
    """A shared string over the cell limit: only its length is kept."""

    __slots__ = ("length",)

    def __init__(self, length: int) -> None:
        self.length = length


SharedString = str | _TooLong


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _parser() -> Any:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = False

    def no_doctype(*_: object) -> None:  # an XLSX part never declares one (entities, XXE)
        raise ImportFileError("a part of the workbook declares a DOCTYPE")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _feed(parser: Any, stream: io.BufferedIOBase | Any) -> None:
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


class _Text:
    """Character data of one cell or string, kept up to the cell limit and counted past it."""

    __slots__ = ("length", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, data: str) -> None:
        if self.length <= limits.MAX_CELL_CHARS:
            self.parts.append(data)
        self.length += len(data)

    def value(self) -> str:
        return "".join(self.parts)


def read_shared_strings(stream: Any, name: str = "the workbook") -> list[SharedString]:
    """The shared string table: the text of each ``<si>`` (its runs joined, phonetic hints
    left out), or a ``_TooLong`` for a string over the cell limit."""
    strings: list[SharedString] = []
    text: _Text | None = None
    depth_rph = 0
    in_t = False
    parser = _parser()

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal text, depth_rph, in_t
        tag = _local(name)
        if tag == "si":
            text = _Text()
        elif tag == "rPh":
            depth_rph += 1
        elif tag == "t" and not depth_rph:
            in_t = True

    def end(name: str) -> None:
        nonlocal text, depth_rph, in_t
        tag = _local(name)
        if tag == "si" and text is not None:
            if text.length > limits.MAX_CELL_CHARS:
                strings.append(_TooLong(text.length))
            else:
                strings.append(text.value().replace("_x005F_", "_"))
            if len(strings) > limits.MAX_CELLS:
                raise ImportFileError(
                    f"{name} holds more than {limits.MAX_CELLS:,} texts; the import reads up to "
                    f"{limits.MAX_CELLS:,}: split the list"
                )
            text = None
        elif tag == "rPh":
            depth_rph -= 1
        elif tag == "t":
            in_t = False

    def chars(data: str) -> None:
        if in_t and text is not None:
            text.add(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    _feed(parser, stream)
    return strings


def _count(text: str, limit: int = 9) -> int | None:
    """``text`` as a whole number if it is one in ASCII digits (at most ``limit`` of them)."""
    if text.isascii() and text.isdigit() and len(text) <= limit:
        return int(text)
    return None


def _split_ref(ref: str) -> tuple[int, int]:
    """("AB12") -> (12, 28); (0, 0) when ``ref`` is not a cell reference."""
    letters = ref.rstrip("0123456789")
    row = _count(ref[len(letters) :], 7)
    if not row or not letters or len(letters) > 3 or not (letters.isascii() and letters.isupper()):
        return 0, 0
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return row, col


class Styles(NamedTuple):
    """What makes a number a date: the workbook's date and duration styles, its epoch."""

    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()
    epoch: Any = None


class SheetReader:
    """Reads one worksheet part into records (one list of cells per row, row 1 first)."""

    def __init__(
        self,
        name: str,
        shared: list[SharedString],
        convert: Callable[[object], Cell],
        styles: Styles | None = None,
    ) -> None:
        self.name = name
        self.shared = shared
        self.convert = convert
        self.styles = styles or Styles()
        self.records: list[list[Cell]] = []
        self.cells = 0
        # the cell being read
        self._row = 0
        self._col = 0
        self._type = "n"
        self._style = 0
        self._text: _Text | None = None
        self._in_value = False
        self._depth_rph = 0
        self._current: dict[int, Cell] = {}

    def read(self, stream: Any) -> list[list[Cell]]:
        parser = _parser()
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        _feed(parser, stream)
        return self.records

    # -- expat handlers

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            row, col = _split_ref(attrs.get("r", ""))
            self._col = col if row == self._row and col else self._col + 1
            self._type = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self._style = _count(style) or 0
            self._text = _Text()
        elif tag == "row":
            row = _count(attrs.get("r", "")) or self._row + 1
            self._start_row(max(row, self._row + 1))
        elif tag in ("v", "t") and self._text is not None and not self._depth_rph:
            # <v> holds the value (or a formula's cached result); <is><t> an inline string.
            self._in_value = tag == "v" or self._type == "inlineStr"
        elif tag == "rPh":
            self._depth_rph += 1

    def _end(self, name: str) -> None:
        tag = _local(name)
        if tag == "c" and self._text is not None:
            self._end_cell()
        elif tag in ("v", "t"):
            self._in_value = False
        elif tag == "rPh":
            self._depth_rph -= 1
        elif tag == "sheetData":
            self._end_row()

    def _chars(self, data: str) -> None:
        if self._in_value and self._text is not None:
            self._text.add(data)

    # -- rows and cells

    def _where(self, col: int | None = None) -> str:
        col = col or self._col
        return f"cell {column_letter(col - 1)}{self._row} (row {self._row:,}, column {col:,})"

    def _start_row(self, row: int) -> None:
        self._end_row()
        if row > limits.MAX_ROWS + _ROW_SLACK:
            raise ImportFileError(
                f"{self.name} has a row {row:,}; the import reads up to {limits.MAX_ROWS:,} rows "
                "(split the list, or delete what lies below the table)"
            )
        self._row = row
        self._col = 0

    def _end_row(self) -> None:
        if not self._row or not self._current:
            return
        width = max(self._current)
        self.cells += width
        if self.cells > limits.MAX_CELLS:
            raise ImportFileError(
                f"{self.name} holds more than {limits.MAX_CELLS:,} cells (rows times columns) "
                f"by row {self._row:,}; the import reads up to {limits.MAX_CELLS:,}: split the list"
            )
        record: list[Cell] = [""] * width
        for col, value in self._current.items():
            record[col - 1] = value
        while len(self.records) < self._row - 1:  # rows the file leaves out are empty
            self.records.append([])
        self.records.append(record)
        self._current = {}

    def _end_cell(self) -> None:
        text = self._text
        assert text is not None
        self._text = None
        if not text.length:
            return  # no value: a formatted empty cell, wherever it is
        if text.length > limits.MAX_CELL_CHARS:
            raise ImportFileError(too_long(self.name, self._where(), text.length))
        if self._col > limits.MAX_COLUMNS:
            raise ImportFileError(
                f"{self.name}: {self._where()} holds a value; the import reads up to "
                f"{limits.MAX_COLUMNS:,} columns (delete what lies right of the table)"
            )
        raw = text.value()
        value = self._value(raw)
        if isinstance(value, _TooLong):
            raise ImportFileError(too_long(self.name, self._where(), value.length))
        cell = self.convert(value)
        if cell != "":
            self._current[self._col] = cell

    def _value(self, raw: str) -> object:
        kind = self._type
        if kind == "s":
            try:
                return self.shared[int(raw)]
            except (ValueError, IndexError):
                raise ImportFileError(
                    f"{self.name}: {self._where()} refers to a shared text the workbook does "
                    "not have (a damaged file?)"
                ) from None
        if kind in ("inlineStr", "str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            try:
                return from_ISO8601(raw)
            except ValueError:
                return raw
        return self._number(raw.strip())

    def _number(self, raw: str) -> object:
        if len(raw) > _MAX_DIGITS:
            return raw
        try:
            floating = any(c in raw for c in ".eE") or raw.lower() in ("nan", "inf")
            number: int | float = float(raw) if floating else int(raw)
        except ValueError:
            return raw
        if self._style in self.styles.dates:
            from openpyxl.utils.datetime import from_excel

            try:
                duration = self._style in self.styles.durations
                return from_excel(number, self.styles.epoch, timedelta=duration)
            except (OverflowError, ValueError, TypeError):
                return "#VALUE!"
        return number


def _part_sizes(archive: zipfile.ZipFile, parts: list[str]) -> int:
    total = 0
    for part in parts:
        try:
            total += archive.getinfo(part).file_size
        except KeyError:
            continue
    return total


def read_sheet(
    archive: zipfile.ZipFile,
    workbook: Any,
    worksheet: Any,
    shared_path: str | None,
    shared: list[list[SharedString]],
    name: str,
    convert: Callable[[object], Cell],
) -> list[list[Cell]]:
    """The records of ``worksheet`` (an openpyxl read-only sheet of ``workbook``); the shared
    strings are read on first use into ``shared`` (a one-item cache the caller keeps)."""
    path = worksheet._worksheet_path
    parts = [path] + ([shared_path] if shared_path and not shared else [])
    size = _part_sizes(archive, parts)
    if size > MAX_UNPACKED_BYTES:
        mb = 1024 * 1024
        raise ImportFileError(
            f"{name} unpacks to {size // mb:,} MB (sheet '{worksheet.title}' and its texts); "
            f"the import reads workbooks up to {MAX_UNPACKED_BYTES // mb} MB unpacked"
        )
    if not shared:
        strings: list[SharedString] = []
        if shared_path and shared_path in archive.namelist():
            with archive.open(shared_path) as src:
                strings = read_shared_strings(src, name)
        shared.append(strings)
    styles = Styles(
        frozenset(getattr(workbook, "_date_formats", ())),
        frozenset(getattr(workbook, "_timedelta_formats", ())),
        workbook.epoch,
    )
    reader = SheetReader(name, shared[0], convert, styles)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with archive.open(path) as src:
            return reader.read(src)
