"""Review cycles and due dates (dateutil, so month ends and leap days behave)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from transfers_app.domain.models import Document


def next_review(from_date: date, cycle_months: int) -> date:
    """The next review date ``cycle_months`` after ``from_date`` (31 Jan + 1 month = 28/29 Feb)."""
    if cycle_months <= 0:
        raise ValueError("review cycle must be a positive number of months")
    return from_date + relativedelta(months=cycle_months)


def notice_deadline(doc: Document) -> date | None:
    """Last day to give notice before the document expires, if it has a notice period."""
    if doc.expires_on is None or not doc.notice_period_days:
        return None
    return doc.expires_on - timedelta(days=doc.notice_period_days)


@dataclass(frozen=True, slots=True)
class Reminder:
    due_on: date
    what: str  # "expiry", "notice", "review", "dpf_recheck", "tia_review"
    subject: str
    parties: str
    record: str  # e.g. "document 12", "tia 3"
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0
