"""CSV for people who open it in Excel: UTF-8 with BOM, and no cell that runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV injection"); tab and carriage return can smuggle one in after a separator.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a dangerous cell with an apostrophe so it is shown as text, never evaluated."""
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole table as CSV bytes (UTF-8 with BOM, CRLF, every text cell neutralised)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(h) for h in headers])
    for row in rows:
        w.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in row])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
