"""The Assessments page: assessments on file, overdue reviews, and the missing ones."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from support.widgets import PageLoader, shown_objects

from transfers_app.domain.enums import TiaStatus
from transfers_app.domain.models import Tia
from transfers_app.services.worklists import AssessmentRow
from ui import messages
from ui.context import UiContext
from ui.dialogs.tia_editor import TiaEditor, open_or_draft
from ui.models.assessments import AssessmentsModel, Column
from ui.pages.assessments import AssessmentsPage

STRATUS_HOSTING = 7  # Keystone Access Europe Ltd -> Stratus Cloud Hosting, Inc. (US)


@pytest.fixture
def page(ctx: UiContext, load_page: PageLoader) -> AssessmentsPage:
    return load_page(AssessmentsPage(ctx))


def shown(page: AssessmentsPage) -> list[AssessmentRow]:
    return shown_objects(page.proxy, AssessmentRow)


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
    assert cell[Column.ID] == r.tia.reference  # e.g. TIA-0001-v1, as the PDF quotes it
    assert cell[Column.TRANSFER] == "Keystone Access Europe Ltd → Keystone Access Group, Inc."
    assert cell[Column.STATUS] == "approved"
    assert cell[Column.APPROVER] == "Maria Santos (General Counsel)"
    assert cell[Column.NEXT_REVIEW] == "25 Oct 2026"
    assert cell[Column.FLAG] == "OVERDUE"


def test_attention_rows_come_first(page: AssessmentsPage) -> None:
    flags = [page.proxy.index(r, Column.FLAG).data() for r in range(page.proxy.rowCount())]
    missing = flags.count("MISSING")
    overdue = flags.count("OVERDUE")
    stale = flags.count("STALE")
    assert flags[: missing + overdue + stale] == (
        ["MISSING"] * missing + ["OVERDUE"] * overdue + ["STALE"] * stale
    )
    # the parent's 12-month cycle has run out. Singapore's review date has passed too, but its
    # IDTA has expired since: the status engine reports the transfer as having no valid tool
    # (a review of an assessment of a lapsed tool is not what is due), so the page says stale.
    assert missing == 3 and overdue == 1
    assert page.summary.text().startswith("5 on file, 1 review overdue, 3 missing")


def test_apply_filter_missing_and_overdue(page: AssessmentsPage) -> None:
    page.apply_filter(state="missing")
    rows = shown(page)
    assert rows and all(r.missing for r in rows)
    assert any(r.importer.startswith("Helpdesk Partners") for r in rows)
    page.apply_filter(state="overdue")
    assert sorted(r.importer for r in shown(page)) == ["Keystone Access Group, Inc."]
    page.apply_filter()
    assert len(shown(page)) == 8


def test_search(qtbot: QtBot, page: AssessmentsPage) -> None:
    qtbot.keyClicks(page.search, "india")
    assert {r.importer for r in shown(page)} == {
        "Indus Support Services Pvt. Ltd.",
        "Meridian Recovery Services Pvt. Ltd.",
    }


def test_open_importer(qtbot: QtBot, page: AssessmentsPage) -> None:
    row, r = by_importer(page, "Helpdesk Partners")
    page.table.selectRow(row)
    with qtbot.waitSignal(page.open_entity) as blocker:
        qtbot.mouseClick(page.importer_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [r.importer_id]


class FakeEditor:
    """Stands in for TiaEditor.edit (which would exec() a dialog): builds the real editor,
    lets the test act in it, and returns what it wrote."""

    def __init__(self, qtbot: QtBot, act: Any = None) -> None:
        self.qtbot = qtbot
        self.act = act
        self.calls: list[dict[str, Any]] = []
        self.dialogs: list[TiaEditor] = []

    def __call__(
        self, parent: Any, ctx: UiContext, tia_id: int | None = None, transfer_id: int | None = None
    ) -> Tia | None:
        self.calls.append({"tia_id": tia_id, "transfer_id": transfer_id})
        dialog = TiaEditor(
            ctx.services.tias,
            open_or_draft(ctx.services.tias, ctx.today, tia_id, transfer_id),
            ctx.today,
        )
        self.qtbot.addWidget(dialog)
        self.dialogs.append(dialog)
        if self.act is not None:
            self.act(dialog)
        return dialog.saved


def test_double_click_opens_the_assessment(
    qtbot: QtBot, page: AssessmentsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeEditor(qtbot)
    monkeypatch.setattr(TiaEditor, "edit", fake)
    row, r = by_importer(page, "Keystone Access Group")
    assert r.tia is not None
    page.table.doubleClicked.emit(page.proxy.index(row, Column.TRANSFER))
    assert fake.calls == [{"tia_id": r.tia.id, "transfer_id": None}]
    assert fake.dialogs[0].tia.id == r.tia.id


def test_buttons_follow_the_selected_row(qtbot: QtBot, page: AssessmentsPage) -> None:
    assert not page.open_button.isEnabled() and not page.new_button.isEnabled()
    row, _ = by_importer(page, "Helpdesk Partners")
    page.table.selectRow(row)
    assert page.new_button.isEnabled() and not page.open_button.isEnabled()
    row, _ = by_importer(page, "Keystone Access Group")
    page.table.selectRow(row)
    assert page.open_button.isEnabled() and not page.new_button.isEnabled()


def test_new_assessment_for_a_missing_transfer(
    qtbot: QtBot, page: AssessmentsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeEditor(qtbot, act=lambda d: d.save())
    monkeypatch.setattr(TiaEditor, "edit", fake)
    row, r = by_importer(page, "Helpdesk Partners")
    page.table.selectRow(row)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert fake.calls == [{"tia_id": None, "transfer_id": r.transfer_id}]
    draft = fake.dialogs[0].saved
    assert draft is not None and draft.status is TiaStatus.DRAFT
    assert draft.content is not None and draft.content.destination == "PH"
    # The page re-reads: the transfer has a draft now, still not approved, and it is selected.
    assert page.wait_for_background(10_000)
    rows = [x for x in shown(page) if x.transfer_id == r.transfer_id]
    assert [(x.tia.id if x.tia else None, x.flag) for x in rows] == [(draft.id, "NOT APPROVED")]
    assert page.selected_row() == rows[0]
    page.apply_filter(state="missing")
    assert r.transfer_id in {x.transfer_id for x in shown(page)}


def test_ctrl_n_without_a_selection_explains(
    page: AssessmentsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(messages, "info", lambda parent, text: told.append(text))
    page.table.clearSelection()
    assert page.new_record()
    assert told and "MISSING" in told[0]


def test_a_stale_assessment_is_flagged_with_the_reason(
    qtbot: QtBot, ctx: UiContext, page: AssessmentsPage
) -> None:
    repo = ctx.services.register.store
    t = repo.transfers.get(STRATUS_HOSTING)
    approved = [
        x for x in repo.assessments.list() if x.transfer_id == t.id and x.status.value == "approved"
    ]
    assert approved and approved[0].inputs is not None  # the demo's TIA took a snapshot
    repo.transfers.update(replace(t, data_categories=(*t.data_categories, "Marketing Data")))
    page.refresh()
    assert page.wait_for_background(10_000)
    page.apply_filter(state="stale")
    rows = shown(page)
    # The demo's two assessments approved with older reference data are stale too.
    assert sorted(x.transfer_id for x in rows) == [1, 3, t.id]
    row = next(i for i, x in enumerate(rows) if x.transfer_id == t.id)
    assert rows[row].flag == "STALE"
    assert "data categories changed: added Marketing Data" in page.proxy.index(
        row, Column.FLAG
    ).data(Qt.ItemDataRole.ToolTipRole)
    assert "3 no longer matching the register" in page.summary.text()


def test_an_empty_register(empty_ctx: UiContext, load_page: PageLoader) -> None:
    p = load_page(AssessmentsPage(empty_ctx), rows=False)
    assert p.proxy.rowCount() == 0
    assert p.summary.text() == "0 on file, 0 reviews overdue, 0 missing"


def test_model_passes_the_model_tester(qtmodeltester: Any, page: AssessmentsPage) -> None:
    qtmodeltester.check(page.model)
    qtmodeltester.check(AssessmentsModel([]))
