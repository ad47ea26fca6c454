"""The Renewals page: horizons, overdue rows, and marking a review done."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot
from support.widgets import PageLoader

from transfers_app.domain.renewals import Reminder
from ui import messages
from ui.context import UiContext
from ui.models.renewals import Column, RemindersModel
from ui.models.rows import ObjectRole
from ui.pages.renewals import RenewalsPage

STRATUS_REVIEW = "review of 'Stratus Cloud Terms - SCCs Module 2'"


@pytest.fixture
def page(ctx: UiContext, load_page: PageLoader) -> RenewalsPage:
    return load_page(RenewalsPage(ctx))


def subjects(page: RenewalsPage) -> list[str]:
    return [page.proxy.index(r, Column.SUBJECT).data() for r in range(page.proxy.rowCount())]


def select(page: RenewalsPage, subject: str) -> Reminder:
    page.table.selectRow(subjects(page).index(subject))
    r = page.selected_reminder()
    assert r is not None and r.subject == subject
    return r


def test_the_horizon_changes_what_is_listed(qtbot: QtBot, page: RenewalsPage) -> None:
    assert page.horizon == 30
    assert page.wait_for_background(10_000)
    within_30 = page.proxy.rowCount()
    qtbot.mouseClick(page.horizon_buttons[90], Qt.MouseButton.LeftButton)
    assert page.horizon == 90 and page.custom.value() == 90
    assert page.wait_for_background(10_000)
    within_90 = page.proxy.rowCount()
    assert within_90 > within_30
    # The Australian IDTA expires in 45 days: listed within 90 days, not within 30.
    expiry = "'IDTA Keystone Europe - Keystone Australia' expires"
    assert page.wait_for_background(10_000)
    assert expiry in subjects(page)
    page.custom.setValue(44)
    assert page.wait_for_background(10_000)
    assert expiry not in subjects(page)
    assert not any(b.isChecked() for b in page.horizon_buttons.values())
    page.custom.setValue(45)
    assert page.wait_for_background(10_000)
    assert expiry in subjects(page)
    page.custom.setValue(60)
    assert page.horizon_buttons[60].isChecked()
    assert page.wait_for_background(10_000)
    assert "due within 60 days" in page.summary.text()


def test_overdue_first_in_red_and_saying_so(page: RenewalsPage) -> None:
    rows = [page.proxy.index(r, 0).data(ObjectRole) for r in range(page.proxy.rowCount())]
    flags = [r.overdue for r in rows]
    assert flags == sorted(flags, reverse=True)  # every overdue row before the others
    assert any(flags) and not all(flags)
    for row, reminder in enumerate(rows):
        state = page.proxy.index(row, Column.STATE)
        brush = page.proxy.index(row, Column.SUBJECT).data(Qt.ItemDataRole.ForegroundRole)
        if reminder.overdue:
            assert state.data() == "OVERDUE"
            assert isinstance(brush, QBrush) and brush.color().name() == "#b00020"
            assert page.proxy.index(row, Column.DAYS_LEFT).data().endswith("days overdue")
        else:
            assert state.data() == "due"
            assert brush is None
    stratus = subjects(page).index(STRATUS_REVIEW)
    assert page.proxy.index(stratus, Column.DUE).data() == "15 Oct 2026"
    assert page.proxy.index(stratus, Column.WHAT).data() == "Document review"
    assert "Stratus Cloud Hosting, Inc." in page.proxy.index(stratus, Column.PARTIES).data()


def test_mark_reviewed_moves_the_review_a_cycle_from_today(
    qtbot: QtBot, page: RenewalsPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: it asks who reviewed, records it, and can be undone."""
    reminder = select(page, STRATUS_REVIEW)
    assert page.mark_button.isEnabled()
    asked: list[str] = []

    def ask(_parent: object, label: str, default: str = "") -> str:
        asked.append(label)
        return "Maria Santos"

    monkeypatch.setattr(messages, "ask_text", ask)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.mark_button, Qt.MouseButton.LeftButton)
    assert asked and "Who reviewed it?" in asked[0]
    doc = ctx.services.register.store.documents.get(int(reminder.record.split()[1]))
    assert doc.last_reviewed_on == ctx.today
    assert doc.next_review_on == date(2027, 11, 25)
    assert page.wait_for_background(10_000)
    assert STRATUS_REVIEW not in subjects(page)
    assert "by Maria Santos" in page.message.text()
    assert "next review 25 Nov 2027" in page.message.text()
    note = ctx.services.register.store.audit.entries(2)
    assert any("by Maria Santos" in (e.after or "") for e in note)
    # Undone: the review is due again, as it was.
    assert page.undo_button.isEnabled()
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    back = ctx.services.register.store.documents.get(int(reminder.record.split()[1]))
    assert back.next_review_on == date(2026, 10, 15)
    assert page.wait_for_background(10_000)
    assert STRATUS_REVIEW in subjects(page)
    assert not page.undo_button.isEnabled()


def test_mark_reviewed_cancelled_records_nothing(
    qtbot: QtBot, page: RenewalsPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    reminder = select(page, STRATUS_REVIEW)
    monkeypatch.setattr(messages, "ask_text", lambda *_a, **_k: None)
    qtbot.mouseClick(page.mark_button, Qt.MouseButton.LeftButton)
    doc = ctx.services.register.store.documents.get(int(reminder.record.split()[1]))
    assert doc.next_review_on == date(2026, 10, 15)
    assert not page.undo_button.isEnabled()


def test_mark_reviewed_only_for_document_reviews(page: RenewalsPage) -> None:
    page.set_horizon(90)
    select(page, "'IDTA Keystone Europe - Keystone Asia' expires")
    assert not page.mark_button.isEnabled()
    select(page, "review of TIA-0001-v1")
    assert not page.mark_button.isEnabled()
    assert "assessment" in page.mark_button.toolTip()


def test_a_document_without_review_cycle_is_a_message(
    qtbot: QtBot, page: RenewalsPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = ctx.services.register.store
    doc = next(d for d in repo.documents.list() if d.title.startswith("Stratus Cloud Terms"))
    repo.documents.update(replace(doc, review_cycle_months=None))
    page.refresh()
    said: list[str] = []
    monkeypatch.setattr("ui.messages.error", lambda _parent, text: said.append(text))
    select(page, STRATUS_REVIEW)
    with qtbot.assertNotEmitted(page.changed):
        qtbot.mouseClick(page.mark_button, Qt.MouseButton.LeftButton)
    assert len(said) == 1 and "has no review cycle" in said[0]
    assert repo.documents.get(doc.id or 0).next_review_on == doc.next_review_on


def test_show_record_navigates_to_the_document(qtbot: QtBot, page: RenewalsPage) -> None:
    reminder = select(page, STRATUS_REVIEW)
    with qtbot.waitSignal(page.navigate) as blocker:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["documents", {"document_id": int(reminder.record.split()[1])}]


def test_apply_filter_sets_the_horizon(page: RenewalsPage) -> None:
    page.apply_filter(days=90)
    assert page.horizon == 90 and page.horizon_buttons[90].isChecked()


def test_an_empty_register(empty_ctx: UiContext, load_page: PageLoader) -> None:
    p = load_page(RenewalsPage(empty_ctx), rows=False)
    assert p.proxy.rowCount() == 0
    assert p.summary.text() == "0 overdue, 0 due within 30 days"
    assert not p.mark_button.isEnabled()


def test_model_passes_the_model_tester(qtmodeltester: Any, ctx: UiContext) -> None:
    qtmodeltester.check(RemindersModel(ctx.services.register.reminders(ctx.today, 90)))
    qtmodeltester.check(RemindersModel([]))
