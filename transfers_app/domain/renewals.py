"""Review cycles and due dates (dateutil, so month ends and leap days behave), and what is
overdue: the one test and the one set of words every page shows it with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from transfers_app.domain.enums import Regime
from transfers_app.domain.formatting import day
from transfers_app.domain.models import Document
from transfers_app.domain.readmodels import DueKind


def next_review(from_date: date, cycle_months: int) -> date:
    """The next review date ``cycle_months`` after ``from_date`` (31 Jan + 1 month = 28/29 Feb)."""
    if cycle_months <= 0:
        raise ValueError("review cycle must be a positive number of months")
    return from_date + relativedelta(months=cycle_months)


def notice_deadline(doc: Document) -> date | None:
    """Last day to give notice before the document expires, if it has a notice period."""
    return notice_day(doc.expires_on, doc.notice_period_days)


def notice_day(expires_on: date | None, notice_period_days: int | None) -> date | None:
    """The last day to give notice on a document expiring on ``expires_on``."""
    if expires_on is None or not notice_period_days:
        return None
    return expires_on - timedelta(days=notice_period_days)


def days_until(due_on: date, today: date) -> int:
    """Days from ``today`` to ``due_on``: negative once it has passed."""
    return (due_on - today).days


def is_overdue(due_on: date | None, today: date) -> bool:
    """A date is overdue the day after it: on the day itself it is due today."""
    return due_on is not None and due_on < today


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _relative(days_left: int, past: str, today: str, ahead: str) -> str:
    """``days_left`` in one of three wordings; ``{}`` in ``past`` and ``ahead`` stands for the
    number of days ("3 days")."""
    if days_left < 0:
        return past.format(_days(-days_left))
    if days_left == 0:
        return today
    return ahead.format(_days(days_left))


def due_phrase(days_left: int) -> str:
    """ "overdue by 3 days", "due today", "due in 5 days": after what is due ("Expiry ...")."""
    return _relative(days_left, "overdue by {}", "due today", "due in {}")


def days_left_text(days_left: int) -> str:
    """ "3 days overdue", "today", "in 5 days": a column of days left beside the due date."""
    return _relative(days_left, "{} overdue", "today", "in {}")


def when_text(days_left: int) -> str:
    """ "overdue by 3 days", "due today", "tomorrow", "in 5 days": a list of what falls due."""
    if days_left == 1:
        return "tomorrow"
    return _relative(days_left, "overdue by {}", "due today", "in {}")


def relative_days(days_left: int) -> str:
    """ "3 days ago", "today", "5 days from today": a deadline beside its date."""
    return _relative(days_left, "{} ago", "today", "{} from today")


def dated(
    due_on: date | None, today: date | None, late: str = "overdue", on_the_day: bool = False
) -> str:
    """A due date as shown in a table (``formatting.day``): "15 Oct 2026 (overdue)" once
    passed (``late`` names what passed, e.g. "expired"), "25 Nov 2026 (today)" on the day if
    ``on_the_day``; "" for no date."""
    if due_on is None:
        return ""
    if today is not None and is_overdue(due_on, today):
        return f"{day(due_on)} ({late})"
    if on_the_day and today is not None and due_on == today:
        return f"{day(due_on)} (today)"
    return day(due_on)


class Due(NamedTuple):
    """A date the status engine watches on a live transfer: a document relied on expires or
    falls due for review or for the last day of notice, the DPF evidence relied on needs a
    re-check, the approved assessment its review, a legacy instrument reaches its deadline.

    The engine (``rules.gaps.evaluate_transfer``) files it, like a gap, against the transfer's
    importer. Once the date has passed (``due_on < on``) the engine reports a gap for it, except
    the last day of notice, which then simply lapses (the document runs on to its expiry): so
    the reminders, the next due dates and the status never disagree on what is overdue.
    """

    due_on: date
    what: DueKind
    title: str  # the document's title, or the assessment's reference
    transfer_id: int | None
    entity_id: int | None
    document_id: int | None = None
    assessment_id: int | None = None
    # Set where the date differs per regime (a legacy instrument's deadline).
    regime: Regime | None = None
    # Who is party to it: the document's parties, or the transfer's exporter and importer.
    parties: tuple[int, ...] = ()

    @property
    def record(self) -> str:
        """ "document 12" or "tia 3": the record the date belongs to."""
        if self.assessment_id is not None:
            return f"tia {self.assessment_id}"
        return f"document {self.document_id}"

    @property
    def subject(self) -> str:
        """What falls due, in words ("'IDTA Acme' expires")."""
        return _DUE_SUBJECTS[self.what].format(title=self.title, regime=self.regime or "")

    def lapses(self, on: date) -> bool:
        """Is it no longer due on ``on`` (a last day of notice that has passed)?"""
        return self.what is DueKind.NOTICE and self.due_on < on


# What falls due, as a label beside its date (a table's "next due").
DUE_KIND_LABELS: dict[DueKind, str] = {
    DueKind.EXPIRY: "expiry",
    DueKind.NOTICE: "last day for notice",
    DueKind.REVIEW: "document review",
    DueKind.DPF_RECHECK: "DPF re-check",
    DueKind.TIA_REVIEW: "assessment review",
    DueKind.DEADLINE: "last day valid",
}

_DUE_SUBJECTS: dict[DueKind, str] = {
    DueKind.EXPIRY: "'{title}' expires",
    DueKind.NOTICE: "last day to give notice on '{title}'",
    DueKind.REVIEW: "review of '{title}'",
    DueKind.DPF_RECHECK: "re-check DPF listing ('{title}')",
    DueKind.TIA_REVIEW: "review of {title}",
    DueKind.DEADLINE: "last day '{title}' counts for {regime} transfers",
}


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

    def record_of(self) -> tuple[str, int] | None:
        """("document", 12) from the record "document 12"; None if it names no number."""
        kind, _, number = self.record.partition(" ")
        return (kind, int(number)) if number.isdigit() else None
