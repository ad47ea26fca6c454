"""Excel workbooks written for the import tests, as teams send them: sheets in order, rows as
given (dates as dates, numbers as numbers, an empty list for an empty row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl


def write_xlsx(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """Writes a workbook with one sheet per entry of ``sheets`` (its title and rows, from A1),
    in order, to ``path``."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path
