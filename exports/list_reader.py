"""Read vendor and sub-processor lists as teams really keep them: a CSV in any common encoding
(UTF-8 with or without BOM, UTF-16, Windows-1252) and delimiter (, ; tab |), or the first (or a
named) sheet of an XLSX. The raw table comes back with its header found; the core
(``transfers_app.domain.vendor_list``) interprets the cells.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from collections import Counter
from datetime import date, datetime, time
from pathlib import Path

from transfers_app.domain.vendor_table import (
    ENCODING_LABELS,
    Cell,
    ImportFileError,
    Table,
    table_from_records,
)

MAX_ROWS = 200_000
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
    text, encoding = decode(data, name)
    return _read_csv_text(text, name, encoding)


def decode(data: bytes, name: str = "the file") -> tuple[str, str]:
    """The text of a CSV and the encoding it was read with.

    A byte-order mark decides; without one, strict UTF-8 is tried first (it rarely decodes
    anything else by accident), then Windows-1252, what Excel writes on Western Windows, or
    Windows-1250 (Central European) when Windows-1252 turns its letters into symbols ("£ódŸ",
    "D³uga" for "Łódź", "Długa").

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
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    f"{name} starts like {ENCODING_LABELS[encoding]} but byte {exc.start} "
                    "does not decode; save it again as UTF-8 CSV"
                ) from None
    head = data[:4000]
    if b"\x00" in head:
        even = head[0::2].count(0)
        odd = head[1::2].count(0)
        # ASCII text in UTF-16 has a zero in every other byte.
        if odd > len(head) // 4 and even == 0:
            encoding = "utf-16-le"
        elif even > len(head) // 4 and odd == 0:
            encoding = "utf-16-be"
        else:
            raise ImportFileError(f"{name} is not a text file (it holds binary data)")
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            raise ImportFileError(f"{name} is not a text file (it holds binary data)") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
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


def _read_csv_text(text: str, name: str, encoding: str) -> Table:
    text = text.removeprefix("\ufeff")
    first, _, rest = text.partition("\n")
    notes: list[str] = []
    offset = 0
    sep = _SEP_LINE.match(first.rstrip("\r"))
    if sep:  # Excel's "sep=;" first line names the delimiter
        delimiter = sep.group(1)
        text = rest
        offset = 1
    else:
        delimiter = sniff_delimiter(text)
    try:
        records: list[list[Cell]] = []
        for rec in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
            records.append(list(rec))
            if len(records) > MAX_ROWS + 50:
                raise ImportFileError(f"{name} has more than {MAX_ROWS:,} rows; split it")
    except csv.Error as exc:
        raise ImportFileError(f"{name} cannot be read as CSV: {exc}") from None
    return table_from_records(
        records, name, encoding=encoding, delimiter=delimiter, offset=offset, notes=notes
    )


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


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Table:
    import zipfile

    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter here.
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError(f"{name} cannot be read as an Excel workbook ({exc})") from None
    except Exception as exc:  # openpyxl's InvalidFileException and friends
        raise ImportFileError(f"{name} cannot be read as an Excel workbook ({exc})") from None
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
                if getattr(ws, "sheet_state", "visible") == "visible" and hasattr(ws, "iter_rows")
            ]
            if not candidates:
                raise ImportFileError(f"{name} has no visible worksheet")
        first_error: ImportFileError | None = None
        for ws in candidates:
            records: list[list[Cell]] = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for values in ws.iter_rows(values_only=True):
                    records.append([_xlsx_cell(v) for v in values])
                    if len(records) > MAX_ROWS + 50:
                        raise ImportFileError(f"{name} has more than {MAX_ROWS:,} rows; split it")
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
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise ImportFileError(f"{name} cannot be read as an Excel workbook ({exc})") from None
    finally:
        wb.close()
