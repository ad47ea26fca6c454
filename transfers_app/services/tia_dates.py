"""The events a text names, with their dates: for telling what an approved assessment could have
known on its day, and what has happened since.

A date a text looks forward to ("a sunset of 20 Apr 2026", "valid until 21 Mar 2024", "expires
22 Jan 2027") is not an event: a statute of 2024 may fix a sunset in 2026. Every other date a
text gives, down to a month or a year alone, dates something that happened.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DATE = re.compile(
    r"\b(?:(\d{1,2}) )?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{4})\b"
    r"|(?<![\w./§-])((?:19|20)\d{2})(?![\w-])"
)
# Words before a date that make it one looked forward to, not an event.
_FORWARD = re.compile(
    r"(?:sunset of|until|expires?|expiring|due(?: on)?|by|running to|to|before|valid to|"
    r"later than|from \d+ \w+ after|[Nn]ext review)\s*(?:the\s*)?$",
    re.IGNORECASE,
)


def event_dates(text: str) -> list[date]:
    """The dates of the events ``text`` names (a month counts as its first day, a year alone
    as its first day), leaving out dates it looks forward to."""
    out = []
    for m in _DATE.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        if _FORWARD.search(before):
            continue
        if m.group(4):
            out.append(date(int(m.group(4)), 1, 1))
            continue
        d, month, year = m.group(1), m.group(2), m.group(3)
        out.append(date(int(year), _MONTHS[month.lower()], int(d) if d else 1))
    return out


def latest_event(text: str) -> date | None:
    found = event_dates(text)
    return max(found) if found else None


def after(text: str, on: date) -> bool:
    """Does ``text`` name an event after ``on``? (A year alone is after ``on`` only from the
    next year: "2026" may be any day of it.)"""
    for m in _DATE.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        if _FORWARD.search(before):
            continue
        if m.group(4):
            if int(m.group(4)) > on.year:
                return True
            continue
        d, month, year = m.group(1), m.group(2), m.group(3)
        first = date(int(year), _MONTHS[month.lower()], int(d) if d else 1)
        if d and first > on:
            return True
        if not d and (first.year, first.month) > (on.year, on.month):
            return True
    return False
