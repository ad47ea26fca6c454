"""The Subprocessor notices page and its two dialogs (record a notice, decide on one)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from transfers_app.domain.models import NoticeDecision, SubprocessorNotice
from ui.context import UiContext
from ui.dialogs.notice_dialog import DecisionDialog, NoticeDialog
from ui.models.notices import Column, NoticesModel
from ui.pages.notices import NoticesPage

STRATUS = "Stratus Cloud Hosting, Inc."
INDUS = "Indus Support Services Pvt. Ltd."
HOSTILE = "<b>R&D</b> | 株式会社テスト شركة Łódź"


def entity_id(ctx: UiContext, name: str) -> int:
    found = next(e.id for e in ctx.services.register.store.entities.list() if e.name == name)
    assert found is not None
    return found


def record(ctx: UiContext, name: str, received: date, **kw: Any) -> SubprocessorNotice:
    return ctx.services.notices.record(
        SubprocessorNotice(
            processor_id=entity_id(ctx, STRATUS),
            subprocessor_name=name,
            received_on=received,
            countries=kw.pop("countries", ("DE",)),
            service=kw.pop("service", "Offsite backups"),
            **kw,
        )
    )


@pytest.fixture
def notices(ctx: UiContext) -> list[SubprocessorNotice]:
    late = record(ctx, "Late Backup GmbH", date(2026, 10, 1))  # last day 31 Oct: overdue
    soon = record(ctx, "Soon Mail AG", date(2026, 11, 20), countries=("CH", "DE"))
    done = record(ctx, "Done Logs Ltd", date(2026, 11, 1))
    ctx.services.notices.decide(done, NoticeDecision.OBJECT, "DPO", date(2026, 11, 5))
    return [late, soon, done]


@pytest.fixture
def page(qtbot: QtBot, ctx: UiContext, notices: list[SubprocessorNotice]) -> Iterator[NoticesPage]:
    p = NoticesPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 800)
    p.show()
    yield p


def column(page: NoticesPage, col: Column) -> list[str]:
    return [page.proxy.index(r, col).data() for r in range(page.proxy.rowCount())]


def select(page: NoticesPage, name: str) -> SubprocessorNotice:
    page.table.selectRow(column(page, Column.SUBPROCESSOR).index(name))
    n = page.selected_notice()
    assert n is not None and n.subprocessor_name == name
    return n


# -- the table ---------------------------------------------------------------------------------


def test_undecided_first_with_days_left_or_overdue_in_words(page: NoticesPage) -> None:
    assert column(page, Column.SUBPROCESSOR) == [
        "Late Backup GmbH",
        "Soon Mail AG",
        "Done Logs Ltd",
    ]
    assert column(page, Column.DEADLINE) == [
        "31 Oct 2026 (25 days overdue)",
        "20 Dec 2026 (in 25 days)",
        "1 Dec 2026",
    ]
    assert column(page, Column.DECISION) == [
        "Awaiting decision: late",
        "Awaiting decision",
        "Objected by DPO on 5 Nov 2026",
    ]
    assert column(page, Column.PROCESSOR) == [STRATUS] * 3
    assert column(page, Column.COUNTRIES)[1] == "CH, DE"
    assert page.proxy.index(1, Column.COUNTRIES).data(Qt.ItemDataRole.ToolTipRole) == (
        "Switzerland (CH), Germany (DE)"
    )
    assert column(page, Column.RECEIVED)[0] == "1 Oct 2026"
    late = page.proxy.index(0, Column.SUBPROCESSOR).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(late, QBrush) and late.color().name() == "#b00020"
    assert page.proxy.index(1, Column.SUBPROCESSOR).data(Qt.ItemDataRole.ForegroundRole) is None
    assert page.summary.text() == "3 notices, 2 awaiting decision, 1 past the last day to object"
    assert not page.empty.isVisible()


def test_sorting_by_deadline_uses_dates(page: NoticesPage) -> None:
    page.table.sortByColumn(Column.RECEIVED, Qt.SortOrder.DescendingOrder)
    assert column(page, Column.SUBPROCESSOR) == [
        "Soon Mail AG",
        "Done Logs Ltd",
        "Late Backup GmbH",
    ]
    page.table.sortByColumn(Column.DEADLINE, Qt.SortOrder.AscendingOrder)
    assert column(page, Column.SUBPROCESSOR) == [
        "Late Backup GmbH",
        "Soon Mail AG",
        "Done Logs Ltd",
    ]


def test_decided_notices_can_be_hidden(page: NoticesPage) -> None:
    page.show_decided.setChecked(False)
    assert column(page, Column.SUBPROCESSOR) == ["Late Backup GmbH", "Soon Mail AG"]
    page.apply_filter(undecided=False)
    assert page.proxy.rowCount() == 3


def test_buttons_follow_the_selection(page: NoticesPage) -> None:
    assert not page.decide_button.isEnabled() and not page.open_button.isEnabled()
    select(page, "Soon Mail AG")
    assert page.decide_button.isEnabled() and not page.open_button.isEnabled()
    select(page, "Done Logs Ltd")
    assert not page.decide_button.isEnabled()
    assert page.decide_button.toolTip() == "This notice is decided"


# -- recording ---------------------------------------------------------------------------------


def test_the_record_dialog_computes_the_deadline_from_the_contract(
    qtbot: QtBot, ctx: UiContext
) -> None:
    service = ctx.services.notices
    d = NoticeDialog(ctx, service)
    qtbot.addWidget(d)
    assert not d.save_button.isEnabled()  # nothing filled in yet, and no message shouted
    assert not d._errors["subprocessor_name"].isVisible()
    d.processor.setCurrentIndex(d.processor.findText(STRATUS))
    assert d.period.value() == 30 and not d.period.isEnabled()
    assert "Clause 9 of the SCCs ‘Stratus Cloud Terms - SCCs Module 2’" in d.period_source.text()
    assert [d.replaces.itemText(i) for i in range(d.replaces.count())] == [
        "Nobody: a new sub-processor",
        INDUS,
    ]
    d.name.setText("Nimbus Backup GmbH")
    d.countries.setText("de, Switzerland")
    assert d.countries_hint.text() == "Germany, Switzerland"
    d.received.setDate(QDate(2027, 1, 31))
    assert d.deadline.text().startswith("2 Mar 2027")
    d.replaces.setCurrentIndex(1)
    assert d.save_button.isEnabled()
    d.accept()
    assert d.result() == QDialog.DialogCode.Accepted
    saved = d.saved
    assert saved is not None and saved.id is not None
    assert saved.objection_deadline == date(2027, 3, 2) and saved.notice_period_days == 30
    assert saved.countries == ("DE", "CH") and saved.replaces_id == entity_id(ctx, INDUS)


def test_a_period_entered_by_hand_and_problems_beside_the_fields(
    qtbot: QtBot, ctx: UiContext
) -> None:
    d = NoticeDialog(ctx, ctx.services.notices)
    qtbot.addWidget(d)
    d.processor.setCurrentIndex(d.processor.findText(STRATUS))
    d.name.setText("Nimbus")
    d.countries.setText("DE, Atlantis")
    assert not d.save_button.isEnabled()
    assert d._errors["countries"].text() == "'Atlantis' is not a country"
    d.countries.setText("DE")
    d.use_contract.setChecked(False)
    assert d.period.isEnabled()
    d.period.setValue(10)
    d.received.setDate(QDate(2026, 11, 20))
    assert d.deadline.text() == "30 Nov 2026 (5 days from today)"
    assert "by hand" in d.period_source.text()
    d.accept()
    assert d.saved is not None and d.saved.objection_deadline == date(2026, 11, 30)


def test_record_from_the_page_adds_the_row_and_selects_it(
    qtbot: QtBot, page: NoticesPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_exec(d: NoticeDialog) -> QDialog.DialogCode:
        d.processor.setCurrentIndex(d.processor.findText(STRATUS))
        d.name.setText(HOSTILE)
        d.countries.setText("TR, PL")
        d.service_edit.setText("<script>alert(1)</script>")
        d.accept()
        return QDialog.DialogCode(d.result())

    monkeypatch.setattr(NoticeDialog, "exec", fake_exec)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    n = page.selected_notice()
    assert n is not None and n.subprocessor_name == HOSTILE
    assert page.message.text().startswith(f"Recorded the notice of ‘{HOSTILE}’")
    assert page.message.textFormat() == Qt.TextFormat.PlainText
    assert column(page, Column.SERVICE).count("<script>alert(1)</script>") == 1


def test_an_empty_register_has_nothing_to_choose(qtbot: QtBot, empty_ctx: UiContext) -> None:
    p = NoticesPage(empty_ctx)
    qtbot.addWidget(p)
    p.show()
    assert p.proxy.rowCount() == 0 and p.empty.isVisible()
    assert p.summary.text() == "0 notices, 0 awaiting decision"
    d = NoticeDialog(empty_ctx, p.service)
    qtbot.addWidget(d)
    d.name.setText("Nimbus")
    d.countries.setText("DE")
    assert not d.save_button.isEnabled()
    assert "choose the processor" in d._errors["processor_id"].text()


# -- deciding ----------------------------------------------------------------------------------


def test_accept_from_the_page_puts_the_subprocessor_in_the_register(
    qtbot: QtBot, page: NoticesPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Soon Mail AG" not in {r.name for r in ctx.services.workspace.register_rows()}
    seen: list[str] = []

    def fake_exec(d: DecisionDialog) -> QDialog.DialogCode:
        seen.append(d.effect.text())
        d.set_decision(NoticeDecision.ACCEPT)
        d.by.setText("A. Patel (DPO)")
        d.accept()
        return QDialog.DialogCode(d.result())

    monkeypatch.setattr(DecisionDialog, "exec", fake_exec)
    select(page, "Soon Mail AG")
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.decide_button, Qt.MouseButton.LeftButton)
    assert seen and "adds ‘Soon Mail AG’ to the register" in seen[0]
    row = next(r for r in ctx.services.workspace.register_rows() if r.name == "Soon Mail AG")
    assert set(row.countries) == {"CH", "DE"} and "Offsite backups" in row.services
    n = page.selected_notice()
    assert n is not None and n.decision is NoticeDecision.ACCEPT
    assert n.subprocessor_id == row.entity_id
    assert "Soon Mail AG added to the register" in page.message.text()
    assert "2 onward transfer(s) recorded" in page.message.text()
    assert page.open_button.isEnabled() and not page.decide_button.isEnabled()
    with qtbot.waitSignal(page.open_entity) as blocker:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [row.entity_id]


def test_the_decision_dialog_says_what_each_choice_does(
    qtbot: QtBot, ctx: UiContext, notices: list[SubprocessorNotice]
) -> None:
    service = ctx.services.notices
    n = record(ctx, HOSTILE, date(2026, 11, 20), replaces_id=entity_id(ctx, INDUS))
    d = DecisionDialog(ctx, service, n, STRATUS, INDUS)
    qtbot.addWidget(d)
    head = d.findChild(QLabel, "notice-summary")
    assert head is not None and head.textFormat() == Qt.TextFormat.PlainText
    assert head.text().startswith(f"{STRATUS} intends to engage {HOSTILE} (Germany)")
    assert f"replacing {INDUS}" in head.text()
    # The person who prepares for the organisation (its profile), not the login "tester".
    assert d.by.text() == "Maria Santos" and d.ok_button.isEnabled()
    assert f"The transfers from ‘{STRATUS}’ to ‘{INDUS}’ end" in d.effect.text()
    d.set_decision(NoticeDecision.TERMINATE)
    assert d.effect.text() == "Only the decision is recorded; the register is not changed."
    d.by.setText("")
    assert not d.ok_button.isEnabled()
    assert d._errors["decided_by"].text() == "say who decided"
    d.by.setText("General Counsel")
    d.on.setDate(QDate(2026, 11, 19))  # before the notice arrived
    assert not d.ok_button.isEnabled() and "before received_on" in d._errors["decided_on"].text()
    d.on.setDate(QDate(2026, 11, 25))
    d.accept()
    assert d.result_ is not None and d.result_.notice.decision is NoticeDecision.TERMINATE


def test_a_refused_decision_is_a_message_and_the_dialog_stays(
    qtbot: QtBot, ctx: UiContext, notices: list[SubprocessorNotice], monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr("ui.messages.error", lambda _parent, text: said.append(text))
    service = ctx.services.notices
    n = record(ctx, "Stratus Cloud Hosting", date(2026, 11, 20))  # the processor itself
    d = DecisionDialog(ctx, service, n, STRATUS)
    qtbot.addWidget(d)
    d.accept()
    assert said == [
        "The decision was not recorded: subprocessor_name: 'Stratus Cloud Hosting' is the "
        "processor itself"
    ]
    assert d.result() != QDialog.DialogCode.Accepted
    assert ctx.services.register.store.notices.get(n.id or 0).decision is None


def test_model_passes_the_model_tester(
    qtmodeltester: Any, ctx: UiContext, notices: list[SubprocessorNotice]
) -> None:
    qtmodeltester.check(NoticesModel(ctx.services.notices.views(ctx.today)))
    qtmodeltester.check(NoticesModel([]))
