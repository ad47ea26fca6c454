"""Files a hostile or careless sender could hand the import, written byte by byte (no library
would write most of them). The tests and ``bench/reliability.py`` share them."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from transfers_app.domain.vendor_table import column_letter

HEADER = ("Vendor", "Country")

_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.worksheet+xml"/>'
    "{shared}</Types>"
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Vendors" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared}</Relationships>'
)
_SHARED_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row(number: int, cells: Iterable[str]) -> str:
    return f'<row r="{number}">' + "".join(cells) + "</row>"


def table_rows(n: int, first: int = 1) -> Iterator[str]:
    """A header on row ``first`` and ``n`` vendors under it, as sheet XML."""
    yield row(first, (inline(f"{column_letter(i)}{first}", h) for i, h in enumerate(HEADER)))
    for k in range(1, n + 1):
        r = first + k
        yield row(r, (inline(f"A{r}", f"Vendor {k} Ltd"), inline(f"B{r}", "Germany")))


def write_xlsx(
    path: Path,
    rows: Iterable[str],
    *,
    dimension: str = "A1:B2",
    shared: Iterable[str] | None = None,
) -> Path:
    """An XLSX of one sheet whose ``<sheetData>`` is ``rows`` (XML) and which declares
    ``dimension``; ``shared`` is the shared strings' XML (``<si>`` elements), streamed so a
    huge part never sits in memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml", _CONTENT_TYPES.format(shared=_SHARED_TYPE if shared else "")
        )
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        rels = _WORKBOOK_RELS.format(shared=_SHARED_REL if shared else "")
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_SHEET_HEAD.format(dimension=dimension).encode())
            for chunk in rows:
                fh.write(chunk.encode())
            fh.write(_SHEET_TAIL.encode())
        if shared is not None:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                fh.write(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                )
                for chunk in shared:
                    fh.write(chunk.encode())
                fh.write(b"</sst>")
    return path


def huge_shared_string(chars: int, step: int = 1 << 20) -> Iterator[str]:
    """One ``<si>`` of ``chars`` letters, in pieces."""
    yield "<si><t>"
    left = chars
    while left > 0:
        n = min(step, left)
        yield "x" * n
        left -= n
    yield "</t></si>"


# -- the hostile workbooks of issue 12 --------------------------------------------------------


def xlsx_past_dimension(path: Path, n: int = 100) -> Path:
    """``n`` vendors under a header, the sheet declaring only ``A1:B11``."""
    return write_xlsx(path, table_rows(n), dimension="A1:B11")


def xlsx_claiming_every_cell(path: Path, n: int = 10) -> Path:
    """A small table declaring ``A1:XFD1048576``, Excel's whole grid."""
    return write_xlsx(path, table_rows(n), dimension="A1:XFD1048576")


def xlsx_with_a_long_cell(path: Path, chars: int, *, shared: bool = True) -> Path:
    """A table whose vendor on row 3 (cell A3) is ``chars`` characters long, in the shared
    strings or inline."""
    rows = list(table_rows(2))
    if shared:
        rows[2] = row(3, ('<c r="A3" t="s"><v>0</v></c>', inline("B3", "France")))
        return write_xlsx(path, rows, shared=huge_shared_string(chars))
    rows[2] = row(3, (inline("A3", "y" * chars), inline("B3", "France")))
    return write_xlsx(path, rows)


def xlsx_far_cell(path: Path, ref: str) -> Path:
    """A small table and one value far away, in cell ``ref``."""
    number = int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return write_xlsx(path, [*table_rows(3), row(number, [inline(ref, "stray")])])


# -- CSV ---------------------------------------------------------------------------------------


def csv_mixed_encodings() -> bytes:
    """A list saved in UTF-8, with two rows pasted in from a Windows-1252 file."""
    return (
        b"Vendor,Country\n"
        + "Café Müller GmbH,Germany\n".encode()
        + "Société Générale,France\n".encode("cp1252")
        + "Łódź Software,Poland\n".encode()
        + "Señor Datos SL,Spain\n".encode("cp1252")
    )


def csv_with_nul() -> bytes:
    """A UTF-8 list with one NUL byte inside the vendor on row 3."""
    return b"Vendor,Country\nAcme Ltd,Germany\nBeta\x00 Corp,France\nGamma SA,Spain\n"
