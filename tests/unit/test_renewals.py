"""Review cycles and notice deadlines: month ends and leap days behave as a lawyer expects."""

from __future__ import annotations

from datetime import date

import pytest

from transfers_app.domain.enums import DocumentKind
from transfers_app.domain.models import Document
from transfers_app.domain.renewals import next_review, notice_deadline


@pytest.mark.parametrize(
    ("last", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February
        (date(2027, 1, 31), 13, date(2028, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # from a leap day
        (date(2025, 11, 25), 12, date(2026, 11, 25)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
    ],
)
def test_next_review(last: date, months: int, expected: date) -> None:
    assert next_review(last, months) == expected


def test_a_review_cycle_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        next_review(date(2026, 1, 1), 0)


def test_notice_deadline_is_expiry_minus_notice_period() -> None:
    doc = Document(
        DocumentKind.UK_IDTA, "IDTA", expires_on=date(2027, 3, 31), notice_period_days=90
    )
    assert notice_deadline(doc) == date(2026, 12, 31)
    assert (
        notice_deadline(Document(DocumentKind.UK_IDTA, "no expiry", notice_period_days=90)) is None
    )


def test_overdue_is_the_day_after() -> None:
    from transfers_app.domain.renewals import days_until, is_overdue

    today = date(2026, 11, 25)
    assert not is_overdue(today, today) and not is_overdue(None, today)
    assert is_overdue(date(2026, 11, 24), today)
    assert days_until(date(2026, 12, 25), today) == 30
    assert days_until(date(2026, 11, 24), today) == -1


@pytest.mark.parametrize(
    ("days", "phrase", "column", "when", "relative"),
    [
        (-3, "overdue by 3 days", "3 days overdue", "overdue by 3 days", "3 days ago"),
        (-1, "overdue by 1 day", "1 day overdue", "overdue by 1 day", "1 day ago"),
        (0, "due today", "today", "due today", "today"),
        (1, "due in 1 day", "in 1 day", "tomorrow", "1 day from today"),
        (5, "due in 5 days", "in 5 days", "in 5 days", "5 days from today"),
    ],
)
def test_the_words_for_what_falls_due(
    days: int, phrase: str, column: str, when: str, relative: str
) -> None:
    from transfers_app.domain.renewals import days_left_text, due_phrase, relative_days, when_text

    assert due_phrase(days) == phrase
    assert days_left_text(days) == column
    assert when_text(days) == when
    assert relative_days(days) == relative


def test_a_due_date_in_a_table() -> None:
    from transfers_app.domain.renewals import dated

    today = date(2026, 11, 25)
    assert dated(date(2026, 10, 15), today) == "15 Oct 2026 (overdue)"
    assert dated(date(2026, 10, 15), today, late="expired") == "15 Oct 2026 (expired)"
    assert dated(today, today) == "25 Nov 2026"
    assert dated(today, today, on_the_day=True) == "25 Nov 2026 (today)"
    assert dated(None, today) == ""
    assert dated(date(2026, 10, 15), None) == "15 Oct 2026"
