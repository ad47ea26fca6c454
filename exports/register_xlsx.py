"""The register as an XLSX workbook: one sheet per table, typed dates, frozen header, filters,
and each sheet set up to print (landscape, fit to width, the header row on every page).

Written with openpyxl's write-only mode (rows streamed, not held as cell objects). Text that a
spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, tab or carriage return first)
is stored as a text cell with Excel's quote prefix, so it shows exactly as entered and stays
text when edited. Line breaks are written as line feeds (XML turns a carriage return into one
anyway) and characters XML cannot hold (other control characters) are replaced by U+FFFD.
The workbook is saved to a temporary file beside the target and renamed over it only when
complete.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from exports.csv_safe import DANGEROUS_PREFIXES
from exports.files import atomic_target
from transfers_app.reports.table import ColumnKind, ExportTable

DATE_FORMAT = "yyyy-mm-dd"
PROGRESS_EVERY = 2_000
MAX_SHEET_TITLE = 31  # Excel's limit
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_ALIGN = Alignment(vertical="top", wrap_text=True)


def xlsx_text(text: str) -> str:
    """``text`` as a workbook can hold it: XML reads a carriage return back as a line feed,
    so line breaks are written as line feeds (Excel's own), and characters XML cannot hold
    at all become U+FFFD."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))


def write_xlsx(
    tables: Sequence[ExportTable],
    path: str | os.PathLike[str],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write each table as a sheet of one workbook at ``path``; return the rows written.

    ``progress(done, total)`` is called every couple of thousand rows; raising from it cancels
    the export and leaves no file.
    """
    wb = Workbook(write_only=True)
    total = sum(len(t.rows) for t in tables)
    try:
        with atomic_target(path) as tmp:
            done = 0
            for table in tables:
                done = _write_sheet(wb, table, done, total, progress)
            if progress is not None:
                progress(total, total)
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise
    return total


def _write_sheet(
    wb: Any,
    table: ExportTable,
    done: int,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    ws = wb.create_sheet(table.name[:MAX_SHEET_TITLE])
    last = get_column_letter(max(len(table.columns), 1))
    # Set before any row: a write-only sheet writes its layout ahead of the rows.
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    # Printed: landscape A4, every column on the page's width (as many pages down as it takes),
    # the header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    # The table's own columns: text running on past the last one would be scaled in too.
    ws.print_area = f"A1:{last}{len(table.rows) + 1}"
    for i, col in enumerate(table.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    header = []
    for col in table.columns:
        cell = _text_cell(ws, col.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    kinds = [c.kind for c in table.columns]
    text_cols = [i for i, k in enumerate(kinds) if k is ColumnKind.TEXT]
    date_cols = [i for i, k in enumerate(kinds) if k is ColumnKind.DATE]
    for row in table.rows:
        cells: list[Any] = list(row)
        for i in text_cols:
            v = cells[i]
            if v is None or v == "":
                cells[i] = None
            else:
                text = xlsx_text(str(v))
                cells[i] = _text_cell(ws, text) if _risky(text) else text
        for i in date_cols:
            v = cells[i]
            if v is not None and not isinstance(v, date):
                cells[i] = _text_cell(ws, str(v))
        ws.append(cells)
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    return done


def _discard(wb: Any) -> None:
    """Remove the temporary files a cancelled write-only workbook keeps its sheets in (openpyxl
    would otherwise leave them until the program exits)."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):  # already closed if saving failed after it
            ws.close()
        with contextlib.suppress(OSError, ValueError):  # already removed, likewise
            writer.cleanup()


def _risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


def _text_cell(ws: Any, value: Any) -> Any:
    """A cell that holds ``value`` as text whatever it starts with (never a formula)."""
    text = xlsx_text(str(value))
    cell = WriteOnlyCell(ws, value=text)
    if text.startswith(DANGEROUS_PREFIXES):
        cell.data_type = "s"  # openpyxl makes "=..." a formula otherwise
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell
