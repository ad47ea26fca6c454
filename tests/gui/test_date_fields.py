"""Issue 13: one date format across the app. A date field shows its date as every page and
output writes it (``formatting.day``), in the order of the system locale."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from transfers_app.domain.formatting import DateOrder, date_order, day, use_date_order
from ui.widgets.inputs import OptionalDateEdit


@pytest.fixture
def restore_order() -> Iterator[None]:
    before = date_order()
    yield
    use_date_order(before)


@pytest.mark.parametrize("order", list(DateOrder))
def test_a_date_field_shows_the_date_as_the_pages_write_it(
    qtbot: QtBot, restore_order: None, order: DateOrder
) -> None:
    use_date_order(order)
    field = OptionalDateEdit("Signed", date(2026, 2, 5))
    qtbot.addWidget(field)
    assert field.edit.text() == day(date(2026, 2, 5))
