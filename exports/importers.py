"""Read vendor and subprocessor lists as teams really keep them: pure functions, no Qt, no SQL.

- ``read_table(path)``: a CSV in any common encoding (UTF-8 with or without BOM, UTF-16,
  Windows-1252) and delimiter (, ; tab |), or the first (or a named) sheet of an XLSX; blank and
  title rows above the header are skipped.
- ``parse_locations(text)``: "Germany, Finland, United States", "USA (US Cloud) or Germany (EU
  Cloud)", "Deutschland", "Untied States", "1 Main St, Dublin 2, Ireland", "San Francisco, CA
  94105" become ISO 3166-1 codes; regions ("EU", "Worldwide", "Region chosen by customer") are
  kept, with the text, for a human to resolve.
- ``read_records(table, mapping)``: each row as the values the register can take, with the
  problems of each cell (row number and column named).
"""

from __future__ import annotations

import csv
import gettext
import io
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from exports.columns import Field, Mapping, score_header
from transfers_app.domain.countries import INTERNATIONAL_ORGS, country_name
from transfers_app.domain.enums import EntityKind, Lifecycle, Mechanism, Role
from transfers_app.errors import TransfersError

Cell = str | date

MAX_ROWS = 200_000
MAX_BYTES = 100 * 1024 * 1024
MAX_NAME = 300
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
_FORMULA_START = ("=", "+", "-", "@")


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
def _key(text: str) -> str:
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


# -- reading files ---------------------------------------------------------------------------


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
    "latin-1": "Latin-1",
}
DELIMITER_LABELS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
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
    anything else by accident), then Windows-1252, what Excel writes on Western Windows.
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
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


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
    return _table_from_records(
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
                return _table_from_records(
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


def _any_filled(record: Sequence[Cell]) -> bool:
    return any((c.strip() if isinstance(c, str) else True) for c in record)


def _filled(record: Sequence[Cell]) -> int:
    return sum(1 for c in record if (c.strip() if isinstance(c, str) else True))


def _header_index(records: Sequence[Sequence[Cell]]) -> int | None:
    """Which of the first rows is the header: the first wide row whose cells name fields.

    Title rows ("Subprocessors - updated March 2025") fill one cell of a wide table and blank
    rows none; both are skipped. Without any recognisable header, the first wide row.
    """
    head = list(records[:30])
    width = max((_filled(r) for r in head), default=0)
    if width == 0:
        return None
    wide = max(1, (width + 1) // 2) if width > 1 else 1
    first_wide: int | None = None
    for i, rec in enumerate(head[:20]):
        filled = _filled(rec)
        if filled < wide or (width > 1 and filled < 2):
            continue
        if first_wide is None:
            first_wide = i
        texts = [c for c in rec if isinstance(c, str) and c.strip()]
        named = sum(1 for c in texts if max(score_header(c).values(), default=0) >= 75)
        if named >= min(2, len(texts)) and len(texts) == filled:
            return i
    return first_wide


def _column_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _table_from_records(
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
        text = text or f"Column {_column_letter(i)}"
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


# -- places ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """One location read from a cell: a country (ISO code) or something a human must resolve."""

    text: str  # the words in the file it was read from
    code: str | None = None  # ISO 3166-1 alpha-2, or an international organisation code
    city: str = ""
    region: str = ""  # "EU", "worldwide", "chosen by the customer"... (code is None)
    note: str = ""  # how it was read, when that was a guess worth checking
    from_address: bool = False

    @property
    def needs_review(self) -> bool:
        return self.code is None

    def describe(self) -> str:
        if self.code is None:
            what = f"a region ({self.region})" if self.region else "not a place the app knows"
            return f"'{self.text}' is {what}: choose the countries"
        return self.code + (f" ({self.city})" if self.city else "")


# Names people type that ISO spells differently (keys are folded by ``_key``).
_COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "us": "US",
    "america": "US",
    "the us": "US",
    "the usa": "US",
    "the united states": "US",
    "united states of america": "US",
    "etats unis": "US",
    "eeuu": "US",
    "ee uu": "US",
    "uk": "GB",
    "u k": "GB",
    "the uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "england and wales": "GB",
    "grossbritannien": "GB",
    "angleterre": "GB",
    "inglaterra": "GB",
    "gran bretana": "GB",
    "grande bretagne": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "hollande": "NL",
    "holanda": "NL",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "vietnam": "VN",
    "taiwan": "TW",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "macedonia": "MK",
    "ivory coast": "CI",
    "swaziland": "SZ",
    "burma": "MM",
    "uae": "AE",
    "u a e": "AE",
    "emirates": "AE",
    "dubai": "AE",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "macau": "MO",
    "palestine": "PS",
    "vatican": "VA",
    "cape verde": "CV",
    "east timor": "TL",
    "brunei": "BN",
    "el": "GR",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "polska": "PL",
    "cesko": "CZ",
    "magyarorszag": "HU",
    "espana": "ES",
    "italia": "IT",
    "nederland": "NL",
    "belgie": "BE",
    "belgique": "BE",
    "eire": "IE",
    "hellas": "GR",
    "brasil": "BR",
    "mexico": "MX",
    "nippon": "JP",
    "nihon": "JP",
    "zhongguo": "CN",
    "prc": "CN",
    "mainland china": "CN",
    "bharat": "IN",
    "european patent office": "EPO",
}

# Well-known cities (data centres, business hubs) and their country, in the spellings teams
# use. Ambiguous names (San José, Cambridge) are left out rather than guessed.
_CITY_NAMES: dict[str, str] = {
    "GB": (
        "london|manchester|edinburgh|glasgow|cardiff|belfast|birmingham|leeds|bristol|"
        "reading|slough|newcastle upon tyne"
    ),
    "IE": "dublin|cork|galway|limerick",
    "FR": "paris|lyon|marseille|toulouse|lille|nantes|strasbourg|bordeaux",
    "DE": (
        "berlin|frankfurt|frankfurt am main|frankfurt main|frankfurt a m|hamburg|munich|"
        "munchen|cologne|koln|dusseldorf|stuttgart|nuremberg|nurnberg|leipzig|dresden|"
        "hannover|bonn|karlsruhe|walldorf"
    ),
    "NL": "amsterdam|rotterdam|the hague|den haag|utrecht|eindhoven|groningen",
    "BE": "brussels|bruxelles|brussel|antwerp|antwerpen|ghent",
    "CH": "zurich|geneva|geneve|genf|basel|bern|berne|lausanne|zug",
    "AT": "vienna|wien|graz|linz|salzburg",
    "ES": "madrid|barcelona|valencia|seville|sevilla|malaga",
    "PT": "lisbon|lisboa|porto|oporto",
    "IT": "milan|milano|rome|roma|turin|torino|bologna",
    "GR": "athens|athina|thessaloniki",
    "SE": "stockholm|gothenburg|goteborg|malmo",
    "NO": "oslo|bergen",
    "DK": "copenhagen|kobenhavn|aarhus",
    "FI": "helsinki|espoo|hamina|tampere",
    "EE": "tallinn",
    "LV": "riga",
    "LT": "vilnius",
    "PL": "warsaw|warszawa|krakow|wroclaw|gdansk|lodz|poznan|katowice",
    "CZ": "prague|praha|brno",
    "SK": "bratislava",
    "HU": "budapest",
    "RO": "bucharest|bucuresti|cluj napoca|cluj|iasi",
    "BG": "sofia",
    "HR": "zagreb",
    "SI": "ljubljana",
    "RS": "belgrade|beograd|novi sad",
    "UA": "kyiv|kiev|lviv|kharkiv",
    "BY": "minsk",
    "RU": "moscow|moskva|saint petersburg|st petersburg",
    "TR": "istanbul|ankara|izmir",
    "IL": "tel aviv|tel aviv yafo|haifa",
    "AE": "abu dhabi",
    "SA": "riyadh|jeddah",
    "QA": "doha",
    "EG": "cairo",
    "ZA": "johannesburg|cape town|durban",
    "NG": "lagos",
    "KE": "nairobi",
    "IS": "reykjavik",
    "MT": "valletta",
    "CY": "nicosia|limassol",
    "US": (
        "new york|new york city|nyc|san francisco|los angeles|seattle|chicago|boston|"
        "austin|dallas|houston|atlanta|miami|denver|ashburn|reston|herndon|mountain view|"
        "palo alto|menlo park|redmond|cupertino|sunnyvale|santa clara|san mateo|"
        "salt lake city|phoenix|philadelphia|pittsburgh|des moines|council bluffs|"
        "the dalles|san diego|minneapolis|detroit|nashville|charlotte|raleigh|"
        "washington dc|washington d c|las vegas|san antonio|columbus|silicon valley"
    ),
    "CA": "toronto|montreal|vancouver|ottawa|calgary|quebec city",
    "MX": "mexico city|ciudad de mexico|cdmx|monterrey|guadalajara|queretaro",
    "BR": "sao paulo|rio de janeiro|belo horizonte",
    "AR": "buenos aires|cordoba argentina",
    "CL": "santiago de chile",
    "CO": "bogota|medellin",
    "PE": "lima",
    "UY": "montevideo",
    "IN": (
        "bangalore|bengaluru|mumbai|bombay|chennai|madras|hyderabad|pune|gurgaon|gurugram|"
        "noida|new delhi|delhi|kolkata|ahmedabad"
    ),
    "PH": "manila|makati|cebu|cebu city|quezon city|taguig",
    "MY": "kuala lumpur|penang|cyberjaya",
    "ID": "jakarta",
    "TH": "bangkok",
    "VN": "ho chi minh city|saigon|hanoi",
    "JP": "tokyo|osaka|yokohama",
    "KR": "seoul|busan",
    "CN": "beijing|shanghai|shenzhen|guangzhou|hangzhou",
    "TW": "taipei",
    "PK": "karachi|lahore|islamabad",
    "BD": "dhaka",
    "LK": "colombo",
    "AU": "sydney|melbourne|brisbane|canberra|adelaide",
    "NZ": "auckland|wellington",
}
_CITIES: dict[str, str] = {
    name: code for code, names in _CITY_NAMES.items() for name in names.split("|")
}

# Cloud regions, as providers name them in subprocessor lists.
_CLOUD_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        ["us east 1", "us east 2", "us west 1", "us west 2", "us central1", "us east1", "us west1"],
        "US",
    ),
    **dict.fromkeys(["east us", "east us 2", "west us", "west us 2", "central us"], "US"),
    **dict.fromkeys(["north central us", "south central us"], "US"),
    "eu west 1": "IE",
    "eu west 2": "GB",
    "eu west 3": "FR",
    "eu central 1": "DE",
    "eu central 2": "CH",
    "eu north 1": "SE",
    "eu south 1": "IT",
    "eu south 2": "ES",
    "ap south 1": "IN",
    "ap northeast 1": "JP",
    "ap northeast 2": "KR",
    "ap northeast 3": "JP",
    "ap southeast 1": "SG",
    "ap southeast 2": "AU",
    "ap east 1": "HK",
    "ca central 1": "CA",
    "sa east 1": "BR",
    "me south 1": "BH",
    "me central 1": "AE",
    "af south 1": "ZA",
    "il central 1": "IL",
    "europe west1": "BE",
    "europe west2": "GB",
    "europe west3": "DE",
    "europe west4": "NL",
    "europe west6": "CH",
    "europe west9": "FR",
    "europe north1": "FI",
    "west europe": "NL",
    "north europe": "IE",
    "uk south": "GB",
    "uk west": "GB",
    "france central": "FR",
    "germany west central": "DE",
    "switzerland north": "CH",
}

# Regions and answers that are not a country: a human has to say which countries they mean.
_REGION_WORDS: dict[str, str] = {
    "EU": "eu|e u|european union|europaische union|union europeenne|union europea|ue",
    "EEA": "eea|e e a|european economic area|ewr|eee|eu eea|eu and eea|eu ewr",
    "Europe": "europe|europa|european|continental europe",
    "worldwide": (
        "worldwide|world wide|global|globally|international|weltweit|monde|monde entier|"
        "mondial|mundial|todo el mundo|all countries|anywhere|global follow the sun|"
        "follow the sun"
    ),
    "Asia-Pacific": "apac|asia pacific|asia|asien",
    "EMEA": "emea",
    "the Americas": "americas|north america|nordamerika",
    "Latin America": "latam|latin america|south america|lateinamerika",
    "the Middle East": "middle east|mena",
    "Africa": "africa|afrika|afrique",
    "the Nordics": "nordics|scandinavia|nordic countries",
    "DACH (Germany, Austria, Switzerland)": "dach",
    "Benelux": "benelux",
    "several countries": (
        "multiple|various|several|multiple countries|various countries|several countries|"
        "diverse|divers|varios|verschiedene"
    ),
    "not stated": (
        "tbd|tbc|unknown|n a|not known|unbekannt|inconnu|desconocido|to be confirmed|"
        "to be determined|cloud|the cloud"
    ),
    "'NA': Namibia, North America or not applicable?": "na",
}
_REGIONS: dict[str, str] = {
    word: label for label, words in _REGION_WORDS.items() for word in words.split("|")
}

_CUSTOMER_WORDS = ("customer", "client", "kunde", "cliente", "tenant", "controller")
_CHOICE_WORDS = (
    "choice",
    "choose",
    "chosen",
    "select",
    "elect",
    "option",
    "wahl",
    "gewahlt",
    "ausgewahlt",
    "choix",
    "choisi",
    "eleccion",
    "elegid",
    "seleccion",
    "depend",
    "abhangig",
)

_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da")


@cache
def _country_index() -> dict[str, str]:
    """Folded country names (English, ISO official and common, other languages, aliases)."""
    import pycountry

    english: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                english[_key(value)] = c.alpha_2
    for code, name in INTERNATIONAL_ORGS.items():
        english[_key(name)] = code
    foreign: dict[str, set[str]] = {}
    for lang in _LANGUAGES:
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        for c in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(c, attr, None)
                if value:
                    foreign.setdefault(_key(tr.gettext(value)), set()).add(c.alpha_2)
    index = dict(english)
    for k, codes in foreign.items():
        # A word that names different countries in different languages is not guessed.
        if k not in index and len(codes) == 1:
            index[k] = next(iter(codes))
    for k, code in _COUNTRY_ALIASES.items():
        index[k] = code
    return index


@cache
def _codes() -> dict[str, str]:
    """ISO alpha-2 and alpha-3 codes (folded) -> alpha-2, and the organisation codes."""
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        out[c.alpha_2.lower()] = c.alpha_2
        out[c.alpha_3.lower()] = c.alpha_2
    for code in INTERNATIONAL_ORGS:
        out[code.lower()] = code
    out["uk"] = "GB"
    out["el"] = "GR"
    return out


# US states, the District of Columbia and the territories, by postal code (ISO 3166-2:US), as
# a table: loading pycountry's subdivisions for them would cost a tenth of a second per run.
_US_STATE_TEXT = (
    "AK=alaska|AL=alabama|AR=arkansas|AS=american samoa|AZ=arizona|CA=california|"
    "CO=colorado|CT=connecticut|DC=district of columbia|DE=delaware|FL=florida|GA=georgia|"
    "GU=guam|HI=hawaii|IA=iowa|ID=idaho|IL=illinois|IN=indiana|KS=kansas|KY=kentucky|"
    "LA=louisiana|MA=massachusetts|MD=maryland|ME=maine|MI=michigan|MN=minnesota|"
    "MO=missouri|MP=northern mariana islands|MS=mississippi|MT=montana|NC=north carolina|"
    "ND=north dakota|NE=nebraska|NH=new hampshire|NJ=new jersey|NM=new mexico|NV=nevada|"
    "NY=new york|OH=ohio|OK=oklahoma|OR=oregon|PA=pennsylvania|PR=puerto rico|"
    "RI=rhode island|SC=south carolina|SD=south dakota|TN=tennessee|TX=texas|"
    "UM=united states minor outlying islands|UT=utah|VA=virginia|VI=virgin islands u s|"
    "VT=vermont|WA=washington|WI=wisconsin|WV=west virginia|WY=wyoming"
)


@cache
def _us_states() -> tuple[dict[str, str], frozenset[str]]:
    """US state names (folded) -> postal code, and the set of postal codes."""
    names: dict[str, str] = {}
    for pair in _US_STATE_TEXT.split("|"):
        abbr, name = pair.split("=")
        names[name] = abbr
    return names, frozenset(names.values())


@cache
def _fuzzy_keys() -> dict[int, tuple[list[str], list[str]]]:
    """Country-name keys of five letters or more, by length (a typo changes it by a few)."""
    index = _country_index()
    by_length: dict[int, tuple[list[str], list[str]]] = {}
    for k, code in index.items():
        if len(k) >= 5:
            keys, codes = by_length.setdefault(len(k), ([], []))
            keys.append(k)
            codes.append(code)
    return by_length


@cache
def _city_keys() -> dict[int, list[str]]:
    by_length: dict[int, list[str]] = {}
    for k in _CITIES:
        by_length.setdefault(len(k), []).append(k)
    return by_length


_US_ZIP = re.compile(r"\b([A-Z]{2})\.?\s+(\d{5})(?:-\d{4})?\b")
_US_STATE_ZIP = re.compile(r"\b([A-Za-z][A-Za-z .]+?)\s+(\d{5})(?:-\d{4})?\s*$")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_CA_POSTCODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
_POSTCODE_WORDS = re.compile(r"\b(?:[A-Z]{1,2}-)?\d{3,6}(?:-\d{3,4})?\b|\b\d{2}-\d{3}\b")
_STREET = re.compile(
    r"\d|\b(?:street|st|road|rd|avenue|ave|lane|drive|dr|way|suite|floor|fl|building|"
    r"house|plaza|square|place|park|boulevard|blvd|po box|strasse|str|weg|platz|allee|"
    r"gasse|ring|rue|avenida|calle|via|piso|rua|ulica|ul)\b",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"\s*(?:\n|;|\||/|\+|&|,|\s(?:and|or|und|oder|sowie|bzw|et|ou|y|e)\s|\s[-–—]\s)\s*",
    re.IGNORECASE,
)
_PAREN = re.compile(r"^(.*?)\s*[(\[]([^()\[\]]*)[)\]]\s*(.*)$", re.DOTALL)


def _split_top(text: str) -> list[str]:
    """Split at separators outside parentheses; keep each separator after its piece."""
    pieces: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif depth == 0:
            m = _SEPARATOR.match(text, i)
            if m and m.end() > i:
                pieces.append(text[start:i])
                pieces.append(m.group(0))
                start = i = m.end()
                continue
        i += 1
    pieces.append(text[start:])
    return pieces


def _region_of(key: str) -> str:
    if key in _REGIONS:
        return _REGIONS[key]
    words = key.split()
    if any(w.startswith(_CUSTOMER_WORDS) for w in words) and any(
        w.startswith(_CHOICE_WORDS) for w in words
    ):
        return "chosen by the customer"
    if any(w.startswith(("depend", "abhangig")) for w in words):
        return "depends on the case"
    return ""


def _city(key: str) -> str | None:
    if key in _CITIES:
        return _CITIES[key]
    # "10115 Berlin", "Dublin 2", "75008 Paris Cedex", "D02 X285 Dublin"
    stripped = " ".join(
        w for w in key.split() if not any(ch.isdigit() for ch in w) and w != "cedex"
    )
    return _CITIES.get(stripped)


def _exact(piece: str) -> Place | None:
    """A piece that is exactly a code, a country name, a cloud region or a well-known city."""
    key = _key(piece)
    if not key:
        return None
    letters = key.replace(" ", "")
    if len(letters) in (2, 3) and " " not in key and letters in _codes():
        if letters == "na":
            return None  # "NA": more often "not applicable" than Namibia
        return Place(piece, _codes()[letters])
    if key in ("u s", "u k", "u s a", "u a e"):
        return Place(piece, _COUNTRY_ALIASES[key])
    index = _country_index()
    if key in index:
        return Place(piece, index[key])
    if key in _CLOUD_REGIONS:
        return Place(piece, _CLOUD_REGIONS[key])
    code = _city(key)
    if code is not None:
        return Place(piece, code, city=_title(piece))
    return None


def _title(piece: str) -> str:
    text = " ".join(w for w in piece.split() if not any(ch.isdigit() for ch in w))
    return text.strip(" ,.-") or piece.strip()


def _us_address(text: str) -> Place | None:
    states, abbrs = _us_states()
    for m in _US_ZIP.finditer(text):
        if m.group(1) in abbrs:
            return Place(text, "US")
    m2 = _US_STATE_ZIP.search(text)
    if m2 and _key(m2.group(1)) in states:
        return Place(text, "US")
    return None


def _fuzzy(piece: str) -> Place | None:
    """A country (or city) name with a typo: at most one edit in a short name, two in a long one,
    and only when no other country is as close."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

    key = _key(piece)
    if len(key) < 5 or len(key) > 40:
        return None
    edits = 1 if len(key) <= 7 else 2 if len(key) <= 13 else 3
    by_length = _fuzzy_keys()
    hits: list[tuple[str, int, str]] = []
    for length in range(len(key) - edits, len(key) + edits + 1):
        keys, codes = by_length.get(length, ([], []))
        # Levenshtein (fast) first: a transposition costs it two edits, Damerau one.
        for name, _, i in process.extract(
            key, keys, scorer=Levenshtein.distance, score_cutoff=2 * edits, limit=10
        ):
            dist = DamerauLevenshtein.distance(key, name)
            if dist <= edits:
                hits.append((name, dist, codes[i]))
    if hits:
        best = min(h[1] for h in hits)
        found = {h[2] for h in hits if h[1] == best}
        if len(found) == 1:
            name = next(h[0] for h in hits if h[1] == best)
            return Place(piece, found.pop(), note=f"read '{piece}' as {_display(name)} (typo?)")
        return None
    if len(key) >= 6:
        cities = [
            k for n in (len(key) - 1, len(key), len(key) + 1) for k in _city_keys().get(n, ())
        ]
        city_hits = [
            h
            for h in process.extract(key, cities, scorer=Levenshtein.distance, score_cutoff=2)
            if DamerauLevenshtein.distance(key, h[0]) <= 1
        ]
        codes_found = {_CITIES[h[0]] for h in city_hits}
        if len(codes_found) == 1:
            city = city_hits[0][0].title()
            return Place(
                piece,
                codes_found.pop(),
                city=city,
                note=f"read '{piece}' as the city {city} (typo?)",
            )
    return None


def _place_name(p: Place) -> str:
    name = country_name(p.code) if p.code else p.text
    return f"{name} ({p.city})" if p.city else name


def _display(key: str) -> str:
    import pycountry

    code = _country_index().get(key)
    if code and len(code) == 2:
        c = pycountry.countries.get(alpha_2=code)
        if c is not None:
            return str(getattr(c, "common_name", None) or c.name)
    return key.title()


def _in_words(piece: str) -> list[Place]:
    """Country, city or region names inside free text ("Servers in Germany")."""
    words = piece.split()
    keys = [_key(w) for w in words]
    found: list[Place] = []
    i = 0
    index = _country_index()
    while i < len(words):
        hit: Place | None = None
        for n in (4, 3, 2, 1):
            if i + n > len(words):
                continue
            key = " ".join(k for k in keys[i : i + n] if k)
            original = " ".join(words[i : i + n]).strip(".,;:()")
            if not key:
                continue
            short = len(key.replace(" ", "")) <= 3
            # Short words count only when written as codes are ("US", "EU"), not "us".
            if short and not original.isupper():
                continue
            if key in index or (short and key.replace(" ", "") in _codes()):
                code = index.get(key) or _codes()[key.replace(" ", "")]
                hit = Place(piece, code, note=f"found '{original}' in '{piece}'")
            elif key in _CITIES:
                hit = Place(piece, _CITIES[key], city=original, note=f"found '{original}'")
            elif key in _REGIONS and (len(key) > 3 or original.isupper()):
                hit = Place(piece, None, region=_REGIONS[key])
            if hit is not None:
                i += n
                break
        if hit is not None:
            found.append(hit)
        else:
            i += 1
    return found


def _resolve_piece(piece: str, depth: int = 0) -> list[Place]:
    """One piece of a cell ("Germany (Frankfurt)", "EU (Amsterdam)", "Germnay")."""
    piece = piece.strip(" \t.,;:-–—*")
    if not piece:
        return []
    m = _PAREN.match(piece)
    if m and depth < 2:
        main = f"{m.group(1)} {m.group(3)}".strip()
        inner = m.group(2).strip()
        inside = [p for p in parse_locations(inner) if p.code] if inner else []
        if not main:
            return inside
        base = _resolve_piece(main, depth + 1)
        if len(base) == 1 and base[0].code is None and base[0].region and inside:
            # "EU (Amsterdam)": the region narrowed down by the place in brackets.
            names = ", ".join(_place_name(p) for p in inside)
            return [
                Place(
                    piece,
                    p.code,
                    city=p.city,
                    note=f"read '{piece}' as {names}",
                )
                for p in inside
            ]
        if len(base) == 1 and base[0].code is not None:
            city = next((p.city for p in inside if p.code == base[0].code and p.city), "")
            b = base[0]
            return [Place(piece, b.code, city=city or b.city, note=b.note)]
        if base:
            return base
        return [Place(piece, None)]
    exact = _exact(piece)
    if exact is not None:
        return [exact]
    key = _key(piece)
    region = _region_of(key)
    if region:
        return [Place(piece, None, region=region)]
    if any(ch.isdigit() for ch in piece):
        us = _us_address(piece)
        if us is not None:
            return [us]
        if _UK_POSTCODE.search(piece.upper()) and not _CA_POSTCODE.search(piece):
            return [Place(piece, "GB")]
    states, _ = _us_states()
    if key in states and key != "georgia":
        return [Place(piece, "US", city="", note=f"'{piece}' is a US state")]
    fuzzy = _fuzzy(piece)
    if fuzzy is not None:
        return [fuzzy]
    words = _in_words(piece)
    if words:
        return words
    return [Place(piece, None)]


def _address_place(parts: Sequence[str], text: str) -> Place | None:
    """The country of an address: the last part that names one (a country, a US state and
    ZIP, a UK postcode, a well-known city); its city if one of the parts is a known one."""
    us = _us_address(text)
    country: str | None = us.code if us else None
    note = us.note if us else ""
    if country is None:
        for part in reversed(parts):
            found = _exact(part)
            if found is None and _UK_POSTCODE.search(part.upper()):
                found = Place(part, "GB")
            if found is None and len(_key(part)) >= 5 and not _STREET.search(part):
                found = _fuzzy(part)
            if found is not None and found.code:
                country, note = found.code, found.note
                break
    if country is None:
        return None
    city = ""
    for part in parts:
        code = _city(_key(part))
        if code == country:
            city = _title(part)
            break
    return Place(text, country, city=city, note=note, from_address=True)


@lru_cache(maxsize=65536)
def parse_locations(text: str) -> tuple[Place, ...]:
    """Every place named in a cell, resolved to ISO codes where it can be (see the module doc).

    Places naming the same country are merged (a city and its country: "Munich, Germany").
    """
    text, _ = clean_text(text, multiline=True)
    if not text:
        return ()
    if len(text) > MAX_PLACE_TEXT:
        return (Place(text[:80] + "…", None, region="too long to read as places"),)
    whole = (_exact(text) or _us_address(text)) if "\n" not in text else None
    if whole is not None:
        found: list[Place] = [whole]
        if whole.code == "US" and not whole.city and any(ch.isdigit() for ch in text):
            parts = [p for p in _split_top(text)[0::2] if p.strip()]
            found = [_address_place(parts, text) or whole]
        return _merge(found)
    region = _region_of(_key(text))
    if region and not _PAREN.match(text):
        return (Place(text, None, region=region),)
    raw = _split_top(text)
    parts = raw[0::2]
    seps = raw[1::2]
    places: list[Place] = []
    i = 0
    pending: list[tuple[str, list[Place]]] = []
    while i < len(parts):
        # "Trinidad and Tobago", "Korea, Republic of": a name that holds a separator.
        joined: Place | None = None
        for n in (3, 2):
            if i + n <= len(parts):
                candidate = "".join(
                    parts[i + k] + (seps[i + k] if k < n - 1 else "") for k in range(n)
                )
                joined = _exact(candidate)
                if joined is not None:
                    pending.append((candidate, [joined]))
                    i += n
                    break
        if joined is not None:
            continue
        part = parts[i]
        i += 1
        if part.strip():
            pending.append((part, _resolve_piece(part)))
    unresolved = [p for p, found in pending if all(x.code is None and not x.region for x in found)]
    if unresolved and any(_STREET.search(p) for p in unresolved):
        address = _address_place([p for p, _ in pending], text)
        if address is not None:
            keep = [x for p, found in pending if p not in unresolved for x in found]
            places = [address, *[x for x in keep if x.code != address.code]]
            return _merge(places)
    for _, found in pending:
        places.extend(found)
    return _merge(places)


def _merge(places: Iterable[Place]) -> tuple[Place, ...]:
    out: dict[str, Place] = {}
    for p in places:
        key = p.code or f"?{p.region}|{p.text}"
        prev = out.get(key)
        if prev is None:
            out[key] = p
        elif not prev.city and p.city:
            out[key] = Place(
                prev.text, prev.code, p.city, prev.region, prev.note or p.note, prev.from_address
            )
    return tuple(out.values())


@lru_cache(maxsize=16384)
def country_from_address(text: str) -> Place | None:
    """The country an address is in ("1 Main St, Dublin 2, Ireland" -> IE), or None."""
    cleaned, _ = clean_text(text, multiline=True)
    if not cleaned or len(cleaned) > MAX_PLACE_TEXT:
        return None
    parts = [p for p in re.split(r"\s*(?:\n|,|;)\s*", cleaned) if p.strip()]
    found = _address_place(parts, cleaned)
    if found is not None:
        return found
    places = [p for p in parse_locations(cleaned) if p.code]
    if len({p.code for p in places}) == 1:
        p = places[0]
        return Place(cleaned, p.code, p.city, note=p.note, from_address=True)
    return None


# -- values -------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(_key(text).split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


_KIND_WORDS: list[tuple[tuple[str, ...], EntityKind]] = [
    (
        _phrases(
            "group|affiliate|intragroup|intra group|subsidiary|group company|group entity|konzern|"
            "konzerngesellschaft|tochtergesellschaft|filiale|groupe|grupo|internal"
        ),
        EntityKind.GROUP,
    ),
    (_phrases("customer|client|kunde|cliente"), EntityKind.CUSTOMER),
    (
        _phrases(
            "vendor|supplier|processor|subprocessor|sub processor|third party|service provider|"
            "provider|dienstleister|lieferant|auftragsverarbeiter|unterauftragsverarbeiter|"
            "fournisseur|prestataire|sous traitant|proveedor|encargado|subencargado|external"
        ),
        EntityKind.VENDOR,
    ),
]

_ROLE_WORDS: list[tuple[tuple[str, ...], Role]] = [
    (
        _phrases(
            "subprocessor|sub processor|unterauftragsverarbeiter|sous traitant ulterieur|"
            "subencargado|sub encargado"
        ),
        Role.SUBPROCESSOR,
    ),
    (
        _phrases("processor|auftragsverarbeiter|sous traitant|encargado|vendor|service provider"),
        Role.PROCESSOR,
    ),
    (
        _phrases(
            "controller|joint controller|independent controller|verantwortlicher|verantwortliche|"
            "responsable du traitement|responsable de traitement|responsable del tratamiento|"
            "responsable"
        ),
        Role.CONTROLLER,
    ),
]

_LIFECYCLE_WORDS: list[tuple[tuple[str, ...], Lifecycle]] = [
    (
        _phrases(
            "offboarded|terminated|inactive|former|ended|retired|decommissioned|off boarded|"
            "no longer used|beendet|inaktiv|gekundigt|ehemalig|resilie|termine|inactif|terminado|"
            "inactivo|baja"
        ),
        Lifecycle.OFFBOARDED,
    ),
    (
        _phrases(
            "proposed|planned|pending|under review|in review|evaluation|onboarding|prospective|"
            "geplant|in prufung|beantragt|propose|prevu|en cours|propuesto|previsto|pendiente"
        ),
        Lifecycle.PROPOSED,
    ),
    (_phrases("approved|genehmigt|freigegeben|approuve|aprobado"), Lifecycle.APPROVED),
    (
        _phrases(
            "active|live|in use|current|yes|aktiv|in nutzung|ja|actif|en service|oui|activo|"
            "en uso|si"
        ),
        Lifecycle.ACTIVE,
    ),
]


_E = TypeVar("_E", EntityKind, Role, Lifecycle)


def _match_words(text: str, table: list[tuple[tuple[str, ...], _E]]) -> _E | None:
    key = f" {_key(text)} "
    if not key.strip():
        return None
    for phrases, value in table:
        for phrase in phrases:
            if f" {phrase} " in key:
                return value
    return None


@lru_cache(maxsize=16384)
def parse_kind(text: str) -> EntityKind | None:
    return _match_words(text, _KIND_WORDS)


@lru_cache(maxsize=16384)
def parse_role(text: str) -> Role | None:
    return _match_words(text, _ROLE_WORDS)


@lru_cache(maxsize=16384)
def parse_lifecycle(text: str) -> Lifecycle | None:
    return _match_words(text, _LIFECYCLE_WORDS)


_MECHANISM_PATTERNS: list[tuple[re.Pattern[str], Mechanism | None]] = [
    (re.compile(r"\bprivacy shield\b"), None),
    (
        re.compile(r"\b(?:uk addendum|addendum|international data transfer addendum|uk sccs?)\b"),
        Mechanism.UK_ADDENDUM,
    ),
    (re.compile(r"\b(?:idta|international data transfer agreement)\b"), Mechanism.UK_IDTA),
    (
        re.compile(
            r"\b(?:(?:19|20)(?:01|04|10) (?:eu )?sccs?|legacy sccs?|old sccs?|model clauses|"
            r"2010 87|2001 497|2004 915)\b"
        ),
        Mechanism.LEGACY_SCC,
    ),
    (
        re.compile(
            r"\b(?:sccs?|eu sccs?|standard contractual clauses?|standard data protection "
            r"clauses?|standardvertragsklauseln|standarddatenschutzklauseln|eu standardvertrags"
            r"klauseln|clauses contractuelles types?|ccts?|clausulas contractuales tipo|"
            r"clausulas tipo|2021 914)\b"
        ),
        Mechanism.EU_SCC,
    ),
    (
        re.compile(
            r"\b(?:dpf|data privacy framework|eu us dpf|privacy framework|"
            r"datenschutzrahmen|cadre de protection des donnees|marco de privacidad)\b"
        ),
        Mechanism.DPF,
    ),
    (
        re.compile(
            r"\b(?:bcrs?|binding corporate rules|verbindliche interne datenschutzvorschriften|"
            r"regles d entreprise contraignantes|normas corporativas vinculantes)\b"
        ),
        Mechanism.BCR,
    ),
    (
        re.compile(
            r"\b(?:adequacy|adequate|adequacy decision|angemessenheitsbeschluss|angemessenheit|"
            r"decision d adequation|adequation|decision de adecuacion|adecuacion|art 45|"
            r"article 45|uk adequacy regulations|data bridge)\b"
        ),
        Mechanism.ADEQUACY,
    ),
    (
        re.compile(
            r"\b(?:art 49|article 49|artikel 49|derogation|derogations|ausnahme|excepcion)\b"
        ),
        Mechanism.DEROGATION,
    ),
]
_NO_MECHANISM = re.compile(
    r"^(?:n a|na|none|not applicable|not required|no transfer|intra eu|within the eu|eu|eea|"
    r"nicht erforderlich|keine|entfallt|sans objet|aucun|no aplica|ninguno|)$"
)


@lru_cache(maxsize=16384)
def parse_mechanisms(text: str) -> tuple[tuple[Mechanism, ...], str]:
    """The mechanisms a cell names, in order, and a warning ("" if none).

    "SCCs + UK Addendum" -> (EU_SCC, UK_ADDENDUM); "Privacy Shield" is refused with why.
    """
    key = _key(text)
    if _NO_MECHANISM.match(key):
        return (), ""
    found: list[tuple[int, Mechanism]] = []
    warning = ""
    taken: list[tuple[int, int]] = []
    for pattern, mech in _MECHANISM_PATTERNS:
        for m in pattern.finditer(key):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            if mech is None:
                warning = (
                    "the EU-US Privacy Shield was invalidated in July 2020 (Schrems II, "
                    "C-311/18): choose the mechanism now relied on"
                )
            else:
                found.append((m.start(), mech))
    mechs = tuple(dict.fromkeys(m for _, m in sorted(found, key=lambda x: x[0])))
    if not mechs and not warning:
        warning = f"'{text}' is not a transfer mechanism the app knows; kept in the notes"
    return mechs, warning


_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_NUM_DATE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T].*)?$")
_TEXT_DATE_DMY = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})$")
_TEXT_DATE_MDY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    [
        ("january", "jan", "januar", "janvier", "janv", "enero", "ene", "jänner", "janner"),
        ("february", "feb", "februar", "fevrier", "fev", "févr", "febrero"),
        ("march", "mar", "marz", "märz", "mars", "marzo"),
        ("april", "apr", "avril", "avr", "abril", "abr"),
        ("may", "mai", "mayo"),
        ("june", "jun", "juni", "juin", "junio"),
        ("july", "jul", "juli", "juillet", "juil", "julio"),
        ("august", "aug", "aout", "août", "agosto", "ago"),
        ("september", "sep", "sept", "septembre", "septiembre"),
        ("october", "oct", "oktober", "okt", "octobre", "octubre"),
        ("november", "nov", "novembre", "noviembre"),
        ("december", "dec", "dez", "dezember", "decembre", "déc", "diciembre", "dic"),
    ],
    start=1,
):
    for _m in _names:
        _MONTHS[_key(_m)] = _n


def day_first_of(values: Iterable[str]) -> bool | None:
    """Whether a column's dd/mm dates are day first (True), month first (False) or unknown."""
    day_first = month_first = False
    for v in values:
        m = _NUM_DATE.match(v.strip())
        if m and m.group(2) in "/-":
            a, b = int(m.group(1)), int(m.group(3))
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
    if day_first != month_first:
        return day_first
    return None


def parse_date(value: Cell, day_first: bool | None = True) -> date | None:
    """A date from a cell, or None if it is not one (dd.mm.yyyy is always day first)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(value.strip(), day_first)


@lru_cache(maxsize=16384)
def _parse_date_text(text: str, day_first: bool | None) -> date | None:
    if not text:
        return None
    try:
        m = _ISO_DATE.match(text)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _NUM_DATE.match(text)
        if m:
            a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
            year = int(y) + (2000 if len(y) == 2 and int(y) < 70 else 1900 if len(y) == 2 else 0)
            if sep == "." or day_first is not False:
                return date(year, b, a)
            return date(year, a, b)
        m = _TEXT_DATE_DMY.match(text)
        if m and _key(m.group(2)) in _MONTHS:
            return date(int(m.group(3)), _MONTHS[_key(m.group(2))], int(m.group(1)))
        m = _TEXT_DATE_MDY.match(text)
        if m and _key(m.group(1)) in _MONTHS:
            return date(int(m.group(3)), _MONTHS[_key(m.group(1))], int(m.group(2)))
    except ValueError:  # 31.02.2024
        return None
    return None


_EMAIL_IN = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_EMAIL_ONLY = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?$")


def normalise_website(text: str) -> str | None:
    """ "www.example.com" -> "https://www.example.com"; None if it is not a web address."""
    t = text.strip()
    if not t:
        return ""
    if re.match(r"^https?://\S+$", t, re.IGNORECASE):
        return t
    if _DOMAIN.match(t) and not _EMAIL_ONLY.match(t):
        return f"https://{t}"
    return None


def split_list(text: str) -> tuple[str, ...]:
    """Items of a list cell ("Name; email, IP address" / one per line), in order, distinct."""
    items = re.split(r"\s*(?:\n|;|\||•|,(?![^(]*\)))\s*", text)
    out: dict[str, None] = {}
    for item in items:
        cleaned = item.strip(" -*·\t")
        if cleaned:
            out.setdefault(cleaned, None)
    return tuple(out)


# -- records ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowRecord:
    """One row of the list read into the values the register can take."""

    number: int
    name: str = ""
    legal_name: str = ""
    kind: EntityKind | None = None
    role: Role | None = None
    service: str = ""
    purpose: str = ""
    locations: tuple[Place, ...] = ()
    support_locations: tuple[Place, ...] = ()
    address: str = ""
    address_place: Place | None = None
    data_categories: tuple[str, ...] = ()
    data_subjects: tuple[str, ...] = ()
    website: str = ""
    contact_name: str = ""
    contact_email: str = ""
    registration_number: str = ""
    mechanisms: tuple[Mechanism, ...] = ()
    exporter: str = ""
    lifecycle: Lifecycle | None = None
    active_on: date | None = None
    owner: str = ""
    notes: str = ""
    # Values the register has no field for, or that could not be used, kept as note lines.
    extra_notes: tuple[str, ...] = ()
    problems: tuple[CellProblem, ...] = ()
    # The header of the column each field came from (for messages).
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(p.level is Level.ERROR for p in self.problems)


@dataclass(frozen=True, slots=True)
class ReadResult:
    records: tuple[RowRecord, ...]
    notes: tuple[str, ...]  # about the whole file
    blank_rows: int = 0


def read_records(table: Table, mapping: Mapping) -> ReadResult:
    """Each non-blank row of ``table`` read through ``mapping``."""
    notes = list(table.notes)
    index = {h: i for i, h in enumerate(table.headers)}
    cols: dict[Field, list[int]] = {}
    for header, f in mapping.columns:
        if header in index:
            cols.setdefault(f, []).append(index[header])
    missing = mapping.missing_headers(table.headers)
    if missing:
        notes.append(
            "the mapping names columns that are not in the file: "
            + ", ".join(f"'{h}'" for h in missing)
        )
    day_first: bool | None = True
    if Field.ACTIVE_ON in cols:
        i = cols[Field.ACTIVE_ON][0]
        texts = [r.cells[i] for r in table.rows if isinstance(r.cells[i], str)]
        found = day_first_of(t for t in texts if isinstance(t, str))
        if found is None and any(_NUM_DATE.match(t) for t in texts if isinstance(t, str)):
            notes.append(
                f"dates in '{table.headers[i]}' such as 03/04/2024 are read day first "
                "(3 April 2024)"
            )
        day_first = True if found is None else found
    header_keys = tuple(_key(h) for h in table.headers)
    records: list[RowRecord] = []
    blank = 0
    for row in table.rows:
        if not _any_filled(row.cells):
            blank += 1
            continue
        if row.cells[0] == table.headers[0] and (
            tuple(_key(c) if isinstance(c, str) else "" for c in row.cells) == header_keys
        ):
            notes.append(f"row {row.number} repeats the header and was skipped")
            continue
        records.append(_read_row(row, table.headers, cols, day_first))
    return ReadResult(tuple(records), tuple(notes), blank)


_MULTILINE = frozenset(
    {
        Field.NOTES,
        Field.ADDRESS,
        Field.LOCATIONS,
        Field.SUPPORT_LOCATIONS,
        Field.DATA_CATEGORIES,
        Field.DATA_SUBJECTS,
        Field.SERVICE,
        Field.PURPOSE,
    }
)


def _read_row(
    row: SourceRow, headers: Sequence[str], cols: dict[Field, list[int]], day_first: bool | None
) -> RowRecord:
    n = row.number
    problems: list[CellProblem] = []
    extra: list[str] = []
    columns: dict[str, str] = {}
    removed_in: list[str] = []

    def raw(f: Field) -> list[tuple[str, Cell]]:
        return [(headers[i], row.cells[i]) for i in cols.get(f, ())]

    texts: dict[Field, str] = {}
    cleaned: dict[int, str] = {}  # each mapped cell's text, by column
    for f, indices in cols.items():
        values = []
        for i in indices:
            value, removed = clean_text(row.cells[i], multiline=f in _MULTILINE)
            if removed:
                removed_in.append(headers[i])
            if value:
                values.append(value)
                cleaned[i] = value
                columns.setdefault(f, headers[i])
        texts[f] = "\n".join(values) if f in _MULTILINE else " ".join(values)

    def text(f: Field) -> str:
        return texts.get(f, "")

    def col(f: Field) -> str:
        return columns.get(f) or next((h for h, _ in raw(f)), "")

    def problem(f: Field | None, level: Level, message: str) -> None:
        problems.append(CellProblem(n, col(f) if f else "", level, message))

    name = text(Field.NAME)
    legal_name = text(Field.LEGAL_NAME)
    if not name and legal_name:
        name = legal_name
    if not name:
        problem(Field.NAME, Level.ERROR, "no name: the row is not imported")
    elif len(name) > MAX_NAME:
        problem(
            Field.NAME,
            Level.ERROR,
            f"the name is {len(name)} characters long (at most {MAX_NAME}): not imported",
        )
    elif name.startswith(_FORMULA_START):
        problem(
            Field.NAME,
            Level.WARNING,
            f"the name starts with '{name[0]}' like a spreadsheet formula; kept as plain text",
        )

    kind_text = text(Field.KIND)
    kind = parse_kind(kind_text) if kind_text else None
    role_text = text(Field.ROLE)
    role = parse_role(role_text) if role_text else None
    if kind_text and kind is None:
        problem(Field.KIND, Level.WARNING, f"'{kind_text}' is not a kind the app knows; ignored")
    if role_text and role is None:
        problem(Field.ROLE, Level.WARNING, f"'{role_text}' is not a role the app knows; ignored")
    # A kind column that says "Subprocessor" says the role too.
    if role is None and kind_text and parse_role(kind_text) is Role.SUBPROCESSOR:
        role = Role.SUBPROCESSOR
    if kind is None and role_text:
        kind = parse_kind(role_text) if parse_role(role_text) is not Role.CONTROLLER else None

    locations: list[Place] = []
    support: list[Place] = []
    for f, found in ((Field.LOCATIONS, locations), (Field.SUPPORT_LOCATIONS, support)):
        for i in cols.get(f, ()):
            cell_text = cleaned.get(i, "")
            if not cell_text:
                continue
            places = parse_locations(cell_text)
            found.extend(places)
            for p in places:
                if p.code is None:
                    problems.append(CellProblem(n, headers[i], Level.REVIEW, p.describe()))
                elif p.note:
                    problems.append(CellProblem(n, headers[i], Level.WARNING, p.note))

    address = text(Field.ADDRESS)
    address_place = country_from_address(address) if address else None
    if address and address_place is None and not locations:
        problem(
            Field.ADDRESS,
            Level.REVIEW,
            "no country found in the address: add the entity's locations by hand",
        )
    elif address_place is not None and address_place.note:
        problem(Field.ADDRESS, Level.WARNING, address_place.note)

    website = ""
    web_text = text(Field.WEBSITE)
    if web_text:
        normalised = normalise_website(web_text)
        if normalised is None:
            problem(Field.WEBSITE, Level.WARNING, "not a web address; kept in the notes instead")
            extra.append(f"Website (as in the file): {web_text}")
        else:
            website = normalised

    contact_name = text(Field.CONTACT_NAME)
    email_text = text(Field.CONTACT_EMAIL)
    contact_email = ""
    emails = _EMAIL_IN.findall(email_text) if email_text else []
    if not emails and contact_name:
        emails = _EMAIL_IN.findall(contact_name)
        if emails:  # "Jane Doe <jane@example.com>" in the contact column
            contact_name = _EMAIL_IN.sub("", contact_name).strip(" <>()[],;:-")
    if emails:
        contact_email = emails[0]
        if len(emails) > 1:
            problem(
                Field.CONTACT_EMAIL,
                Level.WARNING,
                f"{len(emails)} email addresses; the first is the contact, the rest are "
                "in the notes",
            )
            extra.append("Other contact emails: " + ", ".join(emails[1:]))
        if email_text and not contact_name:
            rest = _EMAIL_IN.sub("", email_text).replace("mailto:", "").strip(" <>()[],;:-")
            if rest:
                contact_name = rest
    elif email_text:
        problem(
            Field.CONTACT_EMAIL,
            Level.WARNING,
            f"'{email_text}' is not an email address; kept in the notes",
        )
        extra.append(f"Contact email (as in the file): {email_text}")

    mechanisms: tuple[Mechanism, ...] = ()
    mech_text = text(Field.MECHANISM)
    if mech_text:
        mechanisms, warning = parse_mechanisms(mech_text)
        if warning:
            problem(Field.MECHANISM, Level.WARNING, warning)
        if not mechanisms and warning:
            extra.append(f"Transfer mechanism (as in the file): {mech_text}")

    lifecycle = None
    status_text = text(Field.LIFECYCLE)
    if status_text:
        lifecycle = parse_lifecycle(status_text)
        if lifecycle is None:
            problem(
                Field.LIFECYCLE,
                Level.WARNING,
                f"'{status_text}' is not a status the app knows (active, proposed, approved, "
                "offboarded); kept in the notes",
            )
            extra.append(f"Status (as in the file): {status_text}")

    active_on = None
    for header, cell in raw(Field.ACTIVE_ON) if Field.ACTIVE_ON in cols else ():
        if isinstance(cell, str) and not cell.strip():
            continue
        columns.setdefault(Field.ACTIVE_ON, header)
        active_on = parse_date(cell, day_first)
        if active_on is None:
            problem(
                Field.ACTIVE_ON,
                Level.WARNING,
                f"'{clean_text(cell)[0]}' is not a date; kept in the notes",
            )
            extra.append(f"Start date (as in the file): {clean_text(cell)[0]}")
        break

    categories_text, subjects_text = text(Field.DATA_CATEGORIES), text(Field.DATA_SUBJECTS)
    data_categories = split_list(categories_text) if categories_text else ()
    data_subjects = split_list(subjects_text) if subjects_text else ()

    for header in dict.fromkeys(removed_in):
        problems.append(
            CellProblem(
                n,
                header,
                Level.WARNING,
                "removed invisible or control characters (they can hide or reorder text)",
            )
        )
    return RowRecord(
        number=n,
        name=name,
        legal_name=legal_name if legal_name != name else "",
        kind=kind,
        role=role,
        service=text(Field.SERVICE),
        purpose=text(Field.PURPOSE),
        locations=_merge(locations),
        support_locations=_merge(support),
        address=address,
        address_place=address_place,
        data_categories=data_categories,
        data_subjects=data_subjects,
        website=website,
        contact_name=contact_name,
        contact_email=contact_email,
        registration_number=text(Field.REGISTRATION_NUMBER),
        mechanisms=mechanisms,
        exporter=text(Field.EXPORTER),
        lifecycle=lifecycle,
        active_on=active_on,
        owner=text(Field.OWNER),
        notes=text(Field.NOTES),
        extra_notes=tuple(extra),
        problems=tuple(problems),
        columns=columns,
    )
