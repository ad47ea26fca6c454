"""A table as data: one CSV file or one XLSX sheet, every cell decided by the service.

The writers in ``exports/`` lay it out (formula-safe text, real date cells, column widths).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ColumnKind(StrEnum):
    TEXT = "text"  # user text: neutralised against formula injection by the writers
    DATE = "date"  # a datetime.date (or None): a real date cell in XLSX, ISO 8601 in CSV
    NUMBER = "number"  # an int (or None)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: ColumnKind = ColumnKind.TEXT
    width: float = 14.0  # in characters (XLSX column width)


Cell = str | int | date | None


@dataclass(frozen=True, slots=True)
class ExportTable:
    """One table of an export: a CSV file, or one XLSX sheet (``name`` is the sheet's)."""

    name: str
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Cell]]
