"""The Assessments page: assessments on file, overdue reviews, and the missing ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.context import UiContext
from ui.pages.assessments import (
    AssessmentRow,
    AssessmentsModel,
    AssessmentsPage,
    Column,
    ObjectRole,
)


@pytest.fixture
def page(qtbot: QtBot, ctx: UiContext) -> Iterator[AssessmentsPage]:
    p = AssessmentsPage(ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert p.wait_for_background(10_000)
    qtbot.waitUntil(lambda: p.model.rowCount() > 0)
    yield p
    p.wait_for_background(10_000)  # no read in flight when the database closes


def shown(page: AssessmentsPage) -> list[AssessmentRow]:
    return [page.proxy.index(r, 0).data(ObjectRole) for r in range(page.proxy.rowCount())]


def by_importer(page: AssessmentsPage, importer: str) -> tuple[int, AssessmentRow]:
    for row, r in enumerate(shown(page)):
        if r.importer.startswith(importer):
            return row, r
    raise AssertionError(f"{importer} not shown")


def test_helpdesk_partners_is_missing(page: AssessmentsPage) -> None:
    row, r = by_importer(page, "Helpdesk Partners")
    assert r.missing and r.tia is None
    assert page.proxy.index(row, Column.STATUS).data() == "missing"
    assert page.proxy.index(row, Column.FLAG).data() == "MISSING"
    assert page.proxy.index(row, Column.ID).data() == "none"
    assert page.proxy.index(row, Column.DESTINATION).data() == "Philippines (PH)"
    assert "required" in page.proxy.index(row, Column.TRANSFER).data(Qt.ItemDataRole.ToolTipRole)


def test_keystone_access_group_is_overdue(page: AssessmentsPage) -> None:
    row, r = by_importer(page, "Keystone Access Group")
    assert r.overdue and r.tia is not None
    cell = {c: page.proxy.index(row, c).data() for c in Column}
    assert cell[Column.ID] == f"TIA #{r.tia.id}"
    assert cell[Column.TRANSFER] == "Keystone Access Europe Ltd → Keystone Access Group, Inc."
    assert cell[Column.STATUS] == "approved"
    assert cell[Column.APPROVER] == "General Counsel"
    assert cell[Column.NEXT_REVIEW] == "2026-10-25"
    assert cell[Column.FLAG] == "OVERDUE"


def test_attention_rows_come_first(page: AssessmentsPage) -> None:
    flags = [page.proxy.index(r, Column.FLAG).data() for r in range(page.proxy.rowCount())]
    missing = flags.count("MISSING")
    overdue = flags.count("OVERDUE")
    assert flags[: missing + overdue] == ["MISSING"] * missing + ["OVERDUE"] * overdue
    assert missing == 3 and overdue == 1
    assert page.summary.text() == "5 on file, 1 review overdue, 3 missing"


def test_apply_filter_missing_and_overdue(page: AssessmentsPage) -> None:
    page.apply_filter(state="missing")
    rows = shown(page)
    assert rows and all(r.missing for r in rows)
    assert any(r.importer.startswith("Helpdesk Partners") for r in rows)
    page.apply_filter(state="overdue")
    assert [r.importer for r in shown(page)] == ["Keystone Access Group, Inc."]
    page.apply_filter()
    assert len(shown(page)) == 8


def test_search(qtbot: QtBot, page: AssessmentsPage) -> None:
    qtbot.keyClicks(page.search, "india")
    assert {r.importer for r in shown(page)} == {
        "Indus Support Services Pvt. Ltd.",
        "Meridian Recovery Services Pvt. Ltd.",
    }


def test_double_click_opens_the_importer(qtbot: QtBot, page: AssessmentsPage) -> None:
    row, r = by_importer(page, "Helpdesk Partners")
    with qtbot.waitSignal(page.open_entity) as blocker:
        page.table.doubleClicked.emit(page.proxy.index(row, Column.TRANSFER))
    assert blocker.args == [r.importer_id]


def test_an_empty_register(qtbot: QtBot, empty_ctx: UiContext) -> None:
    p = AssessmentsPage(empty_ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert p.proxy.rowCount() == 0


def test_model_passes_the_model_tester(qtmodeltester: Any, page: AssessmentsPage) -> None:
    qtmodeltester.check(page.model)
    qtmodeltester.check(AssessmentsModel([]))
