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
