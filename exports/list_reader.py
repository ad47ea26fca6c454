"""Read vendor and sub-processor lists as teams really keep them: a CSV in any common encoding
(UTF-8 with or without BOM, UTF-16, Windows-1252) and delimiter (, ; tab |), or the first (or a
named) sheet of an XLSX. The raw table comes back with its header found; the core
(``transfers_app.domain.vendor_list``) interprets the cells.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import unicodedata
import warnings
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

from exports.xlsx_reader import SharedString, read_sheet
from transfers_app.domain.vendor_table import (
    ENCODING_LABELS,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    Cell,
    ImportFileError,
    Table,
    column_letter,
    table_from_records,
    too_long,
)

MAX_BYTES = 100 * 1024 * 1024
_DELIMITERS = (",", ";", "\t", "|")


def read_table(path: Path | str, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX list; ``ImportFileError`` (one line, naming the file) if it cannot be."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFileError(
                f"{name} is {size // (1024 * 1024)} MB; the import reads files up to "
                f"{MAX_BYTES // (1024 * 1024)} MB"
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise ImportFileError(f"{name} is a folder, not a CSV or XLSX file") from None
    except FileNotFoundError:
        raise ImportFileError(f"{path} does not exist") from None
    except OSError as exc:
        raise ImportFileError(f"cannot read {name}: {exc.strerror or exc}") from None
    return read_bytes(data, name, sheet)


def read_bytes(data: bytes, name: str, sheet: str | None = None) -> Table:
    if not data.strip():
        raise ImportFileError(f"{name} is empty")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, name, sheet)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            f"{name} is an old-style Excel .xls file (or a password-protected workbook): "
            "save it as .xlsx or CSV and import that"
        )
    if data[:5] == b"%PDF-":
        raise ImportFileError(f"{name} is a PDF, not a CSV or XLSX file")
    if sheet:
        raise ImportFileError(f"{name} is a CSV file: it has no sheets (drop --sheet)")
    decoded = decode_csv(data, name)
    return _read_csv_text(decoded, name)


class Decoded(NamedTuple):
    text: str
    encoding: str
    # Lines (1-based) that lost NUL bytes, and lines read in another encoding than the file's
    # (a UTF-8 file with rows pasted from a Windows-1252 one), with that encoding.
    nul_lines: tuple[tuple[int, int], ...] = ()  # (line, NUL bytes dropped on it)
    other_lines: tuple[int, ...] = ()
    other_encoding: str = ""


def decode(data: bytes, name: str = "the file") -> tuple[str, str]:
    """The text of a CSV and the encoding it was read with (``decode_csv`` says more)."""
    decoded = decode_csv(data, name)
    return decoded.text, decoded.encoding


def decode_csv(data: bytes, name: str = "the file") -> Decoded:
    """The text of a CSV and the encoding it was read with.

    A byte-order mark decides; without one, strict UTF-8 is tried first (it rarely decodes
    anything else by accident), then Windows-1252, what Excel writes on Western Windows, or
    Windows-1250 (Central European) when Windows-1252 turns its letters into symbols ("£ódŸ",
    "D³uga" for "Łódź", "Długa").

    A file that is UTF-8 but for a few lines (rows pasted in from a Windows-1252 file) is read
    line by line, each in its own encoding, and says which lines. A few NUL bytes in a text
    file are dropped (their lines are named); many are a binary file.

    Measured against charset-normalizer on the real lists and tricky files
    (``bench/bench_real_lists.py --reading``): the library takes French Windows-1252 for
    Windows-1250 ("Lumière" as "Lumičre") and Polish Windows-1250 for Windows-1252, so these
    rules stay.
    """
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                mixed = _decode_mixed(data[3:], utf8=True) if encoding == "utf-8-sig" else None
                if mixed is not None:
                    text, others, other_encoding = mixed
                    return Decoded(text, encoding, (), others, other_encoding)
                raise ImportFileError(
                    f"{name} starts like {ENCODING_LABELS[encoding]} but byte {exc.start} "
                    "does not decode; save it again as UTF-8 CSV"
                ) from None
    head = data[:4000]
    nul_lines: tuple[tuple[int, int], ...] = ()
    if b"\x00" in head:
        even = head[0::2].count(0)
        odd = head[1::2].count(0)
        # ASCII text in UTF-16 has a zero in every other byte.
        encoding = ""
        if odd > len(head) // 4 and even == 0:
            encoding = "utf-16-le"
        elif even > len(head) // 4 and odd == 0:
            encoding = "utf-16-be"
        if encoding:
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                raise ImportFileError(f"{name} is not a text file (it holds binary data)") from None
    if b"\x00" in data:
        data, nul_lines = _drop_nuls(data, name)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", nul_lines)
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data)
    if mixed is not None:
        text, others, other_encoding = mixed
        return Decoded(text, "utf-8", nul_lines, others, other_encoding)
    text, encoding = _decode_legacy(data)
    return Decoded(text, encoding, nul_lines)


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Windows-1252, or Windows-1250 when 1252 turns letters into symbols."""
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        text, encoding = data.decode("latin-1"), "latin-1"
    misread = _symbols_in_words(text)
    if misread:
        try:
            central = data.decode("cp1250")
        except UnicodeDecodeError:
            return text, encoding
        if _symbols_in_words(central) < misread:
            return central, "cp1250"
    return text, encoding


def _drop_nuls(data: bytes, name: str) -> tuple[bytes, tuple[tuple[int, int], ...]]:
    """``data`` without its NUL bytes and the lines they were on. A few stray control bytes
    are a damaged list; more than a few, and more than one byte in a hundred, a binary file."""
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > 8 and controls * 100 > len(data):
        raise ImportFileError(f"{name} is not a text file (it holds binary data)")
    lines: Counter[int] = Counter()
    at = data.find(0)
    line, counted_to = 1, 0
    while at >= 0:
        line += _line_breaks(data, counted_to, at)
        counted_to = at
        lines[line] += 1
        at = data.find(0, at + 1)
    return data.replace(b"\x00", b""), tuple(lines.items())


_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])


def _line_breaks(data: bytes, start: int, end: int) -> int:
    """Line breaks in ``data[start:end]`` as ``splitlines`` counts them (\\n, \\r\\n, \\r)."""
    part = data[start:end]
    return part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n")


def _decode_mixed(data: bytes, utf8: bool = False) -> tuple[str, tuple[int, ...], str] | None:
    """A UTF-8 file with some lines in another encoding, line by line: the text, the lines
    (1-based) not in UTF-8 and their encoding; None unless the file is known to be UTF-8
    (``utf8``: it has the BOM) or some line is UTF-8 beyond ASCII."""
    lines = data.splitlines(keepends=True)
    texts: list[str | None] = []
    others: list[int] = []
    for i, line in enumerate(lines):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            texts.append(None)
            others.append(i)
            continue
        utf8 = utf8 or not line.isascii()
        texts.append(text)
    if not utf8 or not others:
        return None
    _, encoding = _decode_legacy(b"".join(lines[i] for i in others))
    out = [
        t if t is not None else lines[i].decode(encoding, "replace") for i, t in enumerate(texts)
    ]
    return "".join(out), tuple(i + 1 for i in others), encoding


def _symbols_in_words(text: str) -> int:
    """Symbols and superscripts that start or sit inside a word ("£ódŸ", "D³uga"): letters of
    another code page read with the wrong one. Punctuation ("¿Qué", "“priority”") and symbols
    before numbers ("£5", "€12k") do not count."""
    count = 0
    for m in _BEFORE_A_LETTER.finditer(text):
        kind = unicodedata.category(m.group())
        if kind[0] in ("S", "N") and kind != "Nd":
            count += 1
    return count


# A character outside ASCII followed by a letter: the only places worth a closer look.
_BEFORE_A_LETTER = re.compile(r"[^\x00-\x7f](?=[^\W\d_])")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one same width."""
    sample = "\n".join(text.splitlines()[:60])
    best = (0, 0, 0)
    chosen = ","
    for rank, d in enumerate(_DELIMITERS):
        try:
            records = list(csv.reader(io.StringIO(sample), delimiter=d))
        except csv.Error:
            continue
        widths = [len(r) for r in records if any(c.strip() for c in r)]
        if not widths or max(widths) < 2:
            continue
        width, freq = Counter(w for w in widths if w > 1).most_common(1)[0]
        score = (freq, width, -rank)
        if score > best:
            best, chosen = score, d
    return chosen


_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


def _read_csv_text(decoded: Decoded, name: str) -> Table:
    text = decoded.text.removeprefix("\ufeff")
    first, _, rest = text.partition("\n")
    offset = 0
    sep = _SEP_LINE.match(first.rstrip("\r"))
    if sep:  # Excel's "sep=;" first line names the delimiter
        delimiter = sep.group(1)
        text = rest
        offset = 1
    else:
        delimiter = sniff_delimiter(text)
    records: list[list[Cell]] = []
    ends: list[int] = []  # the last line of each record, counted from the top of the file
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for rec in reader:
            records.append(rec)  # type: ignore[arg-type]
            ends.append(reader.line_num + offset)
            cells += len(rec)
            if len(rec) > MAX_COLUMNS or cells > MAX_CELLS or len(records) > MAX_ROWS + 50:
                _too_big(name, rec, len(records) + offset, cells)
            if max(map(len, rec), default=0) > MAX_CELL_CHARS:
                j, cell = max(enumerate(rec), key=lambda jc: len(jc[1]))
                where = f"row {len(records) + offset}, column {column_letter(j)}"
                raise ImportFileError(too_long(name, where, len(cell)))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                f"{name}: row {len(records) + offset + 1} holds a cell of more than "
                f"{csv.field_size_limit():,} characters; a cell holds at most "
                f"{MAX_CELL_CHARS:,} (Excel's own limit), and the import never cuts one short"
            ) from None
        raise ImportFileError(f"{name} cannot be read as CSV: {exc}") from None
    del reader  # and its copy of the text, before the table is built
    notes = _line_notes(decoded, ends, offset)
    return table_from_records(
        records,
        name,
        encoding=decoded.encoding,
        delimiter=delimiter,
        offset=offset,
        notes=notes,
    )


def _too_big(name: str, rec: list[str], row: int, cells: int) -> None:
    if len(rec) > MAX_COLUMNS:
        raise ImportFileError(
            f"{name}: row {row} has {len(rec):,} columns; the import reads up to "
            f"{MAX_COLUMNS:,} columns"
        )
    if cells > MAX_CELLS:
        raise ImportFileError(
            f"{name} holds more than {MAX_CELLS:,} cells (rows times columns) by row {row:,}; "
            f"the import reads up to {MAX_CELLS:,}: split the list"
        )
    raise ImportFileError(f"{name} has more than {MAX_ROWS:,} rows; split it")


def _line_notes(decoded: Decoded, ends: list[int], offset: int) -> list[str]:
    """What decoding changed, by the rows a spreadsheet shows (a quoted cell may span lines)."""

    def row(line: int) -> int:
        return min(bisect.bisect_left(ends, line), max(len(ends) - 1, 0)) + offset + 1

    notes = []
    if decoded.other_lines:
        label = ENCODING_LABELS.get(decoded.other_encoding, decoded.other_encoding)
        rows = sorted({row(line) for line in decoded.other_lines})
        notes.append(
            f"{_rows(rows)} {'is' if len(rows) == 1 else 'are'} in {label}, the rest in UTF-8: "
            "each row read in its own; check their accents"
        )
    by_row: Counter[int] = Counter()
    for line, n in decoded.nul_lines:
        by_row[row(line)] += n
    for r, n in sorted(by_row.items())[:10]:
        notes.append(f"row {r}: {'a NUL byte was' if n == 1 else f'{n} NUL bytes were'} dropped")
    if len(by_row) > 10:
        notes.append(f"NUL bytes were dropped on {len(by_row) - 10} more rows")
    return notes


def _rows(rows: list[int]) -> str:
    if len(rows) == 1:
        return f"row {rows[0]}"
    shown = [str(r) for r in rows[:10]]
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    if more:
        return f"rows {', '.join(shown)}{more}"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _open_workbook(data: bytes) -> tuple[Any, str | None]:
    """The workbook's parts (sheets, their states, date styles) as openpyxl reads them, and the
    path of its shared strings, which ``exports.xlsx_reader`` reads itself, as a stream."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):  # type: ignore[misc]
        shared_path: str | None = None

        def read_strings(self) -> None:
            found = self.package.find(SHARED_STRINGS)
            self.shared_path = found.PartName[1:] if found is not None else None

    reader = Reader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; they do not matter here.
        warnings.simplefilter("ignore")
        reader.read()
    return reader, reader.shared_path


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Table:
    import zipfile

    try:
        reader, shared_path = _open_workbook(data)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError(f"{name} cannot be read as an Excel workbook ({exc})") from None
    except Exception as exc:  # openpyxl's InvalidFileException and friends
        raise ImportFileError(f"{name} cannot be read as an Excel workbook ({exc})") from None
    wb = reader.wb
    shared: list[list[SharedString]] = []
    try:
        names = tuple(wb.sheetnames)
        if sheet is not None:
            if sheet not in names:
                raise ImportFileError(
                    f"{name} has no sheet '{sheet}'; its sheets are: "
                    + ", ".join(f"'{s}'" for s in names)
                )
            candidates = [wb[sheet]]
        else:
            candidates = [
                ws
                for ws in wb.worksheets
                if getattr(ws, "sheet_state", "visible") == "visible"
                and hasattr(ws, "_worksheet_path")
            ]
            if not candidates:
                raise ImportFileError(f"{name} has no visible worksheet")
        first_error: ImportFileError | None = None
        for ws in candidates:
            if not hasattr(ws, "_worksheet_path"):
                raise ImportFileError(f"{name}: sheet '{ws.title}' is a chart, not a table")
            records = read_sheet(reader.archive, wb, ws, shared_path, shared, name, _xlsx_cell)
            # Without a sheet named, the first sheet that holds a table (not a cover note).
            try:
                notes = (
                    []
                    if ws is candidates[0]
                    else [f"read sheet '{ws.title}', the first that holds a table"]
                )
                return table_from_records(
                    records, name, sheet=str(ws.title), sheets=names, notes=notes
                )
            except ImportFileError as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise first_error
    except ImportFileError as exc:
        if str(exc).startswith(name):
            raise
        raise ImportFileError(f"{name} cannot be read as an Excel workbook ({exc})") from None
    except Exception as exc:  # a damaged sheet inside a valid zip, XML that does not parse
        raise ImportFileError(f"{name} cannot be read as an Excel workbook ({exc})") from None
    finally:
        reader.archive.close()
