"""The Transfers page: live transfers with mechanisms, regimes and their worst gap."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from support.widgets import PageLoader, shown_objects

from transfers_app.services.worklists import TransferRow
from ui.context import UiContext
from ui.models.transfers import Column, TransfersModel
from ui.pages.transfers import TransfersPage

TURKISH = "İstanbul Çağrı Merkezi A.Ş."


@pytest.fixture
def page(ctx: UiContext, load_page: PageLoader) -> TransfersPage:
    return load_page(TransfersPage(ctx), (1280, 800))


def shown(page: TransfersPage) -> list[TransferRow]:
    return shown_objects(page.proxy, TransferRow)


def row_of(page: TransfersPage, importer: str) -> int:
    names = [page.proxy.index(r, Column.IMPORTER).data() for r in range(page.proxy.rowCount())]
    return names.index(importer)


def test_the_turkish_transfer_is_critical_with_no_mechanism(page: TransfersPage) -> None:
    row = row_of(page, TURKISH)
    cell = {c: page.proxy.index(row, c).data() for c in Column}
    assert cell[Column.STATUS] == "CRITICAL"
    assert cell[Column.MECHANISMS] == "no mechanism"
    assert cell[Column.DESTINATION] == "Türkiye (TR)"
    assert cell[Column.EXPORTER] == "Keystone Access Europe Ltd"
    assert cell[Column.ACCESS] == "Remote access"
    assert cell[Column.ROLE] == "processor"
    assert cell[Column.REGIMES] == "UK, EU"
    assert "no mechanism on the register" in cell[Column.ISSUE]
    assert cell[Column.ISSUE].endswith("(+1 more)")  # the UK and the EU gap
    tip = page.proxy.index(row, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.count("CRITICAL:") == 2
    assert page.proxy.index(row, Column.STATUS).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_live_transfers_only_worst_first(page: TransfersPage, ctx: UiContext) -> None:
    rows = shown(page)
    assert all(r.live for r in rows)
    assert "Quanta Insight AI, Inc." not in {r.importer for r in rows}  # proposed, not live
    ranks = [r.status_rank() for r in rows]
    assert ranks == sorted(ranks)
    assert page.proxy.index(0, Column.STATUS).data() == "CRITICAL"
    page.not_live.setChecked(True)
    assert "Quanta Insight AI, Inc." in {r.importer for r in shown(page)}
    quanta = row_of(page, "Quanta Insight AI, Inc.")
    assert page.proxy.index(quanta, Column.STATUS).data() == "not live"


def test_mechanisms_in_order_primary_first(page: TransfersPage) -> None:
    row = row_of(page, "Northwind Payments, Inc.")
    mechanisms = page.proxy.index(row, Column.MECHANISMS).data()
    assert mechanisms == "Data Privacy Framework → UK Addendum → EU SCCs"
    assert page.proxy.index(row, Column.STATUS).data() == "OK"
    row = row_of(page, "Keystone Access Group, Inc.")
    assert page.proxy.index(row, Column.MECHANISMS).data() == "UK Addendum → EU SCCs"


def test_search_and_filters(qtbot: QtBot, page: TransfersPage) -> None:
    page.search.setText("türkiye")  # QTest cannot type non-ASCII keys
    assert [r.importer for r in shown(page)] == [TURKISH]
    page.search.clear()
    qtbot.keyClicks(page.search, "turkiye cagri")  # accents left out find it too
    assert [r.importer for r in shown(page)] == [TURKISH]
    page.search.clear()
    page.country.setCurrentIndex(page.country.findData("US"))
    assert {r.transfer.destination for r in shown(page)} == {"US"}
    page.status.setCurrentIndex(page.status.findData("compliant"))
    assert shown(page) and all(not r.gaps for r in shown(page))
    page.clear_filters()
    assert page.country.currentIndex() == 0 and page.status.currentIndex() == 0


def test_apply_filter_from_the_dashboard(page: TransfersPage, ctx: UiContext) -> None:
    page.apply_filter(status="critical")
    rows = shown(page)
    assert rows and all(r.worst is not None and r.worst.severity.value == "critical" for r in rows)
    assert page.status.currentData() == "critical"
    page.apply_filter(country="IN")
    assert {r.transfer.destination for r in shown(page)} == {"IN"}
    assert page.status.currentData() == ""  # the earlier filter was cleared
    page.apply_filter(mechanism="dpf")
    assert {r.importer for r in shown(page)} == {
        "Northwind Payments, Inc.",
        "Brightwave Marketing Cloud LLC",
    }
    page.apply_filter(mechanism="none")
    assert [r.importer for r in shown(page)] == [TURKISH]
    page.apply_filter(status="overdue")
    assert shown(page) and all(r.overdue for r in shown(page))
    page.apply_filter(status="gaps", country="US")
    assert all(r.gaps and r.transfer.destination == "US" for r in shown(page))
    stratus = next(
        i for i, n in ctx.services.register.store.names.names().items() if n.startswith("Stratus")
    )
    page.apply_filter(entity_id=stratus)
    assert len(shown(page)) == 2  # to Stratus, and Stratus onward to India
    assert "Stratus Cloud Hosting" in page.filter_note.text()


# Showing a window on the offscreen platform warns that it cannot propagate size hints.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_double_click_opens_the_importer(qtbot: QtBot, page: TransfersPage) -> None:
    page.show()
    qtbot.waitExposed(page)
    row = row_of(page, TURKISH)
    importer_id = shown(page)[row].transfer.importer_id
    rect = page.table.visualRect(page.proxy.index(row, Column.IMPORTER))
    viewport = page.table.viewport()
    with qtbot.waitSignal(page.open_entity) as blocker:
        # A double click is a press-release pair followed by the double-click event.
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [importer_id]


def test_archive_asks_then_archives(
    qtbot: QtBot, page: TransfersPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.messages.confirm", lambda _p, _t: True)
    page.table.selectRow(row_of(page, TURKISH))
    before = len(ctx.services.register.store.transfers.list())
    with qtbot.waitSignal(page.changed):
        assert page.archive_selected()
    assert len(ctx.services.register.store.transfers.list()) == before - 1
    assert page.wait_for_background(10_000)
    qtbot.waitUntil(lambda: page.model.rowCount() == before - 1)
    assert TURKISH not in {r.importer for r in shown(page)}


def test_an_empty_register(qtbot: QtBot, empty_ctx: UiContext, load_page: PageLoader) -> None:
    p = load_page(TransfersPage(empty_ctx), rows=False)
    qtbot.waitUntil(lambda: p.country.count() == 1)
    assert p.proxy.rowCount() == 0


def test_model_passes_the_model_tester(qtmodeltester: Any, page: TransfersPage) -> None:
    qtmodeltester.check(page.model)
    qtmodeltester.check(TransfersModel([]))


def test_new_and_edit_open_the_transfer_editor(
    qtbot: QtBot, page: TransfersPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from transfers_app.domain.models import Transfer
    from ui.dialogs.transfer_editor import TransferEditor

    repo = ctx.services.register.store
    calls: list[dict[str, object]] = []

    def fake_edit(parent: object, ctx_: UiContext, **kw: object) -> Transfer | None:
        calls.append(kw)
        transfer_id = kw.get("transfer_id")
        if not isinstance(transfer_id, int):
            return None  # cancelled
        before = repo.transfers.get(transfer_id)
        return repo.transfers.update(replace(before, service="Overflow phone and chat support"))

    monkeypatch.setattr(TransferEditor, "edit", fake_edit)
    assert page.new_record()  # Ctrl+N
    assert calls == [{}]
    assert not page.edit_button.isEnabled()  # nothing selected
    assert not page.edit_selected()

    row = row_of(page, TURKISH)
    page.table.selectRow(row)
    transfer_id = shown(page)[row].transfer.id
    assert page.edit_button.isEnabled()
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert calls[-1] == {"transfer_id": transfer_id}
    assert page.wait_for_background(10_000)
    qtbot.waitUntil(lambda: page.selected_row() is not None)
    # Refreshed, and the edited transfer still selected.
    selected = page.selected_row()
    assert selected is not None
    assert selected.transfer.service == "Overflow phone and chat support"


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_enter_on_a_row_edits_it(
    qtbot: QtBot, page: TransfersPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.transfer_editor import TransferEditor

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(TransferEditor, "edit", lambda parent, ctx, **kw: calls.append(kw))
    opened: list[int] = []
    page.open_entity.connect(opened.append)
    page.show()
    qtbot.waitExposed(page)
    row = row_of(page, TURKISH)
    page.table.setFocus()
    page.table.selectRow(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert calls == [{"transfer_id": shown(page)[row].transfer.id}]
    assert opened == []  # Enter edits; it does not also open the importer
