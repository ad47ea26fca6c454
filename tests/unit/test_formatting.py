"""One date format across the app and its outputs, in the system locale's order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from transfers_app.domain import formatting
from transfers_app.domain.formatting import (
    DateOrder,
    assessment_reference,
    date_order_of,
    day,
    moment,
    use_date_order,
)


@pytest.fixture
def order() -> Iterator[None]:
    yield
    use_date_order(DateOrder.DMY)  # as every other test expects


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_GB.UTF-8", DateOrder.DMY),
        ("de_DE.UTF-8", DateOrder.DMY),
        ("fr_FR", DateOrder.DMY),
        ("en_US.UTF-8", DateOrder.MDY),
        ("es_US", DateOrder.MDY),
        ("ja_JP.UTF-8", DateOrder.YMD),
        ("sv_SE.UTF-8@euro", DateOrder.YMD),
        ("C.UTF-8", DateOrder.DMY),
        ("", DateOrder.DMY),
        (None, DateOrder.DMY),
    ],
)
def test_the_order_follows_the_locale(locale: str | None, expected: DateOrder) -> None:
    assert date_order_of(locale) == expected


def test_every_order_is_unambiguous(order: None) -> None:
    d = date(2026, 2, 5)
    assert day(d) == "5 Feb 2026"
    use_date_order(DateOrder.MDY)
    assert day(d) == "Feb 5, 2026"
    use_date_order(DateOrder.YMD)
    assert day(d) == "2026-02-05"
    assert day(None) == "—" and day(None, "") == ""


def test_a_moment_is_the_day_then_the_time(order: None) -> None:
    at = datetime(2026, 12, 7, 9, 5, 3)
    assert moment(at) == "7 Dec 2026 09:05:03"
    use_date_order(DateOrder.MDY)
    assert moment(at) == "Dec 7, 2026 09:05:03"
    assert moment(datetime(2026, 12, 7, 9, 5, 3, tzinfo=UTC)).endswith(
        datetime(2026, 12, 7, 9, 5, 3, tzinfo=UTC).astimezone().strftime("%H:%M:%S")
    )


def test_the_month_names_do_not_depend_on_the_process_locale() -> None:
    assert formatting._MONTHS[11] == "Dec"  # not strftime's %b


def test_one_name_for_an_assessment() -> None:
    assert assessment_reference(1, 1, 1) == "TIA-0001-v1"
    assert assessment_reference(None, 7, 2) == "TIA-0007-v2"
