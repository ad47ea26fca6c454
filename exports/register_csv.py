"""The register table as CSV for Excel: UTF-8 with a byte-order mark, RFC 4180 quoting, CRLF.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by
a spreadsheet as a formula (OWASP "CSV injection"); such text cells get a leading ``'``, which
Excel shows as text. Numbers and dates are written as they are (ISO 8601 dates). Rows are
streamed to a temporary file beside the target, renamed over it only when complete.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from exports.csv_safe import neutralise
from exports.files import atomic_target
from transfers_app.reports.table import ColumnKind, ExportTable

PROGRESS_EVERY = 5_000


def _cell(value: Any) -> Any:
    """A cell as written: text neutralised; numbers as they are; dates in ISO 8601 (which
    ``str`` gives); None empty (the csv module's own rule)."""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, int | date | None):
        return value
    return neutralise(str(value))


# A dangerous first character right after a separator, in the row's text joined with the
# separator in front: one C-level search per row, so the common case (nothing to neutralise)
# costs no Python call per cell. A separator inside user text can only cause a false alarm,
# and that row takes the careful path.
_SEP = "\x1f"
_RISK = re.compile(f"{_SEP}[=+\\-@\t\r]")
# What number and date columns may hold and still be written as they are.
_PLAIN_TYPES = frozenset({int, date, type(None)})


def _picker(indexes: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """``itemgetter`` that always returns a tuple (it returns the bare item for one index)."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    if indexes:
        only = indexes[0]
        return lambda row: (row[only],)
    return lambda row: ()


def write_csv(
    table: ExportTable,
    path: str | os.PathLike[str],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write ``table`` (header row, then its rows) to ``path``; return the rows written.

    ``progress(done, total)`` is called every few thousand rows; raising from it cancels the
    export and leaves no file.
    """
    kinds = [c.kind for c in table.columns]
    texts = _picker([i for i, k in enumerate(kinds) if k is ColumnKind.TEXT])
    others = _picker([i for i, k in enumerate(kinds) if k is not ColumnKind.TEXT])
    width = len(kinds)
    join, risky, plain = _SEP.join, _RISK.search, _PLAIN_TYPES.issuperset
    total = len(table.rows)
    # Each batch is formatted in memory and written at once: far fewer trips through the
    # text layer than one per row. The BOM is written by hand so UTF-8 keeps its fast codec.
    buffer = io.StringIO()
    out = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    with atomic_target(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write("\ufeff")
            out.writerow([neutralise(c.header) for c in table.columns])
            batch: list[Sequence[Any]] = []
            for n, row in enumerate(table.rows, 1):
                try:
                    safe = (
                        len(row) == width
                        and not risky(_SEP + join(texts(row)))
                        and plain(map(type, others(row)))
                    )
                except TypeError:  # a text cell that is not a str
                    safe = False
                batch.append(row if safe else [_cell(v) for v in row])
                if len(batch) >= PROGRESS_EVERY:
                    out.writerows(batch)
                    batch.clear()
                    fh.write(buffer.getvalue())
                    buffer.seek(0)
                    buffer.truncate()
                    if progress is not None:
                        progress(n, total)
            out.writerows(batch)
            fh.write(buffer.getvalue())
        if progress is not None:
            progress(total, total)
    return total
