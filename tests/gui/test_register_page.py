"""The register page: instant search, filters, status from a background thread, sort, archive,
next due dates; the column memory of every big table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from support.stores import entity_named

from transfers_app.domain.enums import EntityKind, Lifecycle, Mechanism, Severity
from transfers_app.domain.models import Entity
from transfers_app.services.workspace import NO_MECHANISM, Adequacy, Workspace
from ui import messages
from ui.context import UiContext
from ui.models.register_model import (
    CHECKING,
    OK,
    Column,
    RegisterModel,
    StatusRole,
)
from ui.models.rows import ObjectRole, SortRole
from ui.pages.register import HEADER_KEY, RegisterPage


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def page(qtbot: QtBot, ctx: UiContext, settings: QSettings) -> Iterator[RegisterPage]:
    widget = RegisterPage(ctx, settings=settings)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    yield widget
    widget.wait_for_background()  # before the test's database connections close


def ready_page(qtbot: QtBot, ctx: UiContext, settings: QSettings) -> RegisterPage:
    """A page whose background status has arrived."""
    widget = RegisterPage(ctx, settings=settings)
    qtbot.addWidget(widget)
    # The result is delivered by a queued signal: it cannot arrive before the wait starts.
    with qtbot.waitSignal(widget.status_ready, timeout=20_000):
        pass
    return widget


def names(page: RegisterPage) -> list[str]:
    model = page.model
    return [model.index(r, Column.NAME).data() for r in range(model.rowCount())]


def test_the_page_paints_before_the_status_arrives(page: RegisterPage, qtbot: QtBot) -> None:
    assert page.title == "Register"
    assert page.count_label.text() == "20 of 20 entities"
    model = page.model
    assert model.rowCount() == 20
    # The status is computed in the background: until its signal is handled, "checking".
    assert not model.status_known
    assert model.index(0, Column.STATUS).data() == CHECKING
    assert model.index(0, Column.STATUS).data(StatusRole) is None
    with qtbot.waitSignal(page.status_ready, timeout=20_000):
        pass
    assert model.status_known
    rows = {model.index(r, Column.NAME).data(): r for r in range(model.rowCount())}
    turkish = rows["İstanbul Çağrı Merkezi A.Ş."]
    assert model.index(turkish, Column.STATUS).data() == "CRITICAL"
    assert model.index(turkish, Column.STATUS).data(StatusRole) == Severity.CRITICAL.value
    assert model.index(rows["Lumen Analytics GmbH"], Column.STATUS).data() == "OK"
    stratus = rows["Stratus Cloud Hosting, Inc."]
    countries = model.index(stratus, Column.COUNTRIES).data()
    assert countries == "United States (US), Ireland (IE), India (IN)"
    assert model.index(stratus, Column.NAME).data(ObjectRole).entity_id == 8
    assert "Status as of 25 Nov 2026" in page.status_label.text()


def test_search_as_you_type_filters_the_table(page: RegisterPage, qtbot: QtBot) -> None:
    qtbot.keyClicks(page.search, "stratus")
    assert names(page) == ["Stratus Cloud Hosting, Inc."]
    assert page.count_label.text() == "1 of 20 entities"
    page.search.clear()
    assert page.model.rowCount() == 20
    # A country name finds the entities located there; so do a legal name and a service.
    qtbot.keyClicks(page.search, "Brazil")
    assert names(page) == ["Pampas Data Labs Ltda."]
    page.search.clear()
    qtbot.keyClicks(page.search, "sakura honyaku")
    assert names(page) == ["株式会社サクラ翻訳"]
    page.search.clear()
    qtbot.keyClicks(page.search, "payment processing")
    assert names(page) == ["Northwind Payments, Inc."]
    page.search.clear()
    qtbot.keyClicks(page.search, "no such supplier")
    assert names(page) == []
    assert page.count_label.text() == "0 of 20 entities"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("lodz", "Łódź Software House sp. z o.o."),
        ("istanbul cagri", "İstanbul Çağrı Merkezi A.Ş."),
        ("ŁÓDŹ", "Łódź Software House sp. z o.o."),  # accents typed find it too
    ],
)
def test_search_ignores_accents(page: RegisterPage, typed: str, found: str) -> None:
    """Issue 13: "lodz" finds Łódź, as the supplier check does."""
    page.search.setText(typed)  # QTest cannot type non-ASCII keys
    assert names(page) == [found]


def test_filters_by_status_after_the_background_status_arrives(
    qtbot: QtBot, ctx: UiContext, settings: QSettings
) -> None:
    page = ready_page(qtbot, ctx, settings)
    page.apply_filter(status=Severity.CRITICAL)
    assert page.status_combo.currentData() == Severity.CRITICAL
    critical = names(page)
    assert "Pampas Data Labs Ltda." in critical
    assert len(critical) == 5
    model = page.model
    assert all(model.index(r, Column.STATUS).data() == "CRITICAL" for r in range(model.rowCount()))
    assert page.count_label.text() == "5 of 20 entities"
    # Through the combo, as a user would: entities without any gap.
    page.status_combo.setCurrentIndex(page.status_combo.findData(OK))
    assert "Lumen Analytics GmbH" in names(page)
    assert all(model.index(r, Column.STATUS).data() == "OK" for r in range(model.rowCount()))
    page.clear_filters()
    assert model.rowCount() == 20


def test_a_status_filter_set_early_waits_for_the_status(page: RegisterPage, qtbot: QtBot) -> None:
    page.apply_filter(status="critical")
    assert page.model.rowCount() == 0
    assert "waiting for the status" in page.count_label.text()
    with qtbot.waitSignal(page.status_ready, timeout=20_000):
        pass
    assert page.model.rowCount() == 5
    assert page.count_label.text() == "5 of 20 entities"


def test_filters_by_country_kind_and_lifecycle(page: RegisterPage) -> None:
    page.apply_filter(country="US")
    assert page.country_combo.currentText() == "United States (US)"
    us = names(page)
    assert "Stratus Cloud Hosting, Inc." in us and "Lumen Analytics GmbH" not in us
    page.apply_filter(country="us", kind=EntityKind.GROUP)
    assert names(page) == ["Keystone Access Group, Inc."]
    page.clear_filters()
    page.apply_filter(kind="own")
    assert names(page) == ["Keystone Access Europe Ltd"]
    assert page.model.index(0, Column.KIND).data() == "Our entity"
    page.clear_filters()
    page.lifecycle_combo.setCurrentIndex(page.lifecycle_combo.findData(Lifecycle.PROPOSED))
    assert names(page) == ["Quanta Insight AI, Inc."]
    # A country nobody is in is offered anyway (a click-through must not fail).
    page.clear_filters()
    page.apply_filter(country="NZ")
    assert page.country_combo.currentData() == "NZ"
    assert names(page) == []


def test_sorting_by_status_puts_critical_first(
    qtbot: QtBot, ctx: UiContext, settings: QSettings
) -> None:
    page = ready_page(qtbot, ctx, settings)
    page.table.sortByColumn(Column.STATUS, Qt.SortOrder.AscendingOrder)
    model = page.model
    statuses = [model.index(r, Column.STATUS).data() for r in range(model.rowCount())]
    assert statuses[0] == "CRITICAL"
    assert statuses[-1] == "OK"
    ranks = [model.index(r, Column.STATUS).data(SortRole) for r in range(model.rowCount())]
    assert ranks == sorted(ranks)
    # Ties stay in name order.
    critical = [names(page)[r] for r, s in enumerate(statuses) if s == "CRITICAL"]
    assert critical == sorted(critical, key=str.casefold)
    page.table.sortByColumn(Column.STATUS, Qt.SortOrder.DescendingOrder)
    assert model.index(0, Column.STATUS).data() == "OK"
    page.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert names(page)[0] == "Brightwave Marketing Cloud LLC"
    assert names(page)[-1] == "株式会社サクラ翻訳"


def test_sort_keeps_the_selection_on_the_same_entity(
    qtbot: QtBot, ctx: UiContext, settings: QSettings
) -> None:
    page = ready_page(qtbot, ctx, settings)
    assert page.select_entity(15)
    page.table.sortByColumn(Column.STATUS, Qt.SortOrder.DescendingOrder)
    assert page.selected_entity_id() == 15


def test_the_register_model_passes_the_model_tester(
    qtmodeltester: ModelTester, ctx: UiContext
) -> None:
    rows = ctx.services.workspace.register_rows()
    model = RegisterModel(rows)
    qtmodeltester.check(model)
    worst = ctx.services.workspace.worst_by_entity(ctx.services.register.status(ctx.today))
    model.set_worst(worst)
    model.sort(Column.STATUS, Qt.SortOrder.AscendingOrder)
    model.set_search("keystone")
    qtmodeltester.check(model)
    model.set_filters(status=OK)
    model.set_search("")
    qtmodeltester.check(model)
    assert qtmodeltester.check(RegisterModel([])) is None


def test_the_model_with_due_dates_adequacy_and_mechanisms_passes_the_model_tester(
    qtmodeltester: ModelTester, ctx: UiContext
) -> None:
    model = RegisterModel(ctx.services.workspace.register_rows(on=ctx.today), today=ctx.today)
    model.sort(Column.NEXT_DUE, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    report = ctx.services.register.status(ctx.today)
    model.set_worst(
        ctx.services.workspace.worst_by_entity(report),
        ctx.services.workspace.adequacy_by_entity(report),
    )
    model.set_filters(adequacy=Adequacy.NOT_ADEQUATE, mechanism=Mechanism.EU_SCC)
    qtmodeltester.check(model)
    assert model.rowCount() > 0


def test_archive_then_undo(
    page: RegisterPage, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, ctx: UiContext
) -> None:
    asked: list[str] = []

    def confirm(parent: object, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(messages, "confirm", confirm)
    assert page.archive_selected() is False  # nothing selected: nothing to archive
    assert page.select_entity(8)
    with qtbot.waitSignal(page.changed, timeout=1000):
        assert page.archive_selected() is True
    assert "Stratus Cloud Hosting, Inc." in asked[0]
    assert "Stratus Cloud Hosting, Inc." not in names(page)
    assert page.count_label.text() == "19 of 19 entities"
    assert ctx.services.workspace.can_undo_archive()
    restored = ctx.services.workspace.undo_archive()
    assert restored is not None and restored.id == 8
    page.refresh()
    assert "Stratus Cloud Hosting, Inc." in names(page)
    assert page.count_label.text() == "20 of 20 entities"
    with qtbot.waitSignal(page.status_ready, timeout=20_000):
        pass
    row = page.model.row_of(8)
    assert page.model.index(row, Column.STATUS).data() == "MEDIUM"


def test_archive_asks_first(
    page: RegisterPage, monkeypatch: pytest.MonkeyPatch, ctx: UiContext
) -> None:
    monkeypatch.setattr(messages, "confirm", lambda parent, text: False)
    page.select_entity(8)
    assert page.archive_selected() is False
    assert page.model.row_of(8) >= 0
    assert not ctx.services.workspace.can_undo_archive()


def test_enter_opens_the_selected_entity(page: RegisterPage, qtbot: QtBot) -> None:
    page.select_entity(15)
    page.table.setFocus()
    with qtbot.waitSignal(page.open_entity, timeout=1000) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert blocker.args == [15]


def test_new_record_opens_the_editor_and_reports_the_change(
    page: RegisterPage, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, ctx: UiContext
) -> None:
    from ui.dialogs.entity_editor import EntityEditor

    calls: list[int | None] = []

    def fake_edit(parent: object, context: UiContext, entity_id: int | None) -> Entity:
        calls.append(entity_id)
        return context.services.register.store.entities.add(
            Entity("Aurora Payroll Oy", EntityKind.VENDOR)
        )

    monkeypatch.setattr(EntityEditor, "edit", staticmethod(fake_edit))
    with qtbot.waitSignal(page.changed, timeout=1000):
        assert page.new_record() is True
    assert calls == [None]
    assert "Aurora Payroll Oy" in names(page)
    assert page.count_label.text() == "21 of 21 entities"
    saved_id = page.selected_entity_id()
    assert saved_id is not None
    assert page.model.row_at(page.model.row_of(saved_id)).name == "Aurora Payroll Oy"


def test_refresh_without_a_change_keeps_the_table(page: RegisterPage, qtbot: QtBot) -> None:
    with qtbot.waitSignal(page.status_ready, timeout=20_000):
        pass
    with qtbot.assertNotEmitted(page.model.modelReset):
        page.refresh()
    assert page.model.status_known


def test_column_widths_and_sort_are_remembered(
    qtbot: QtBot, ctx: UiContext, settings: QSettings
) -> None:
    first = RegisterPage(ctx, settings=settings)
    qtbot.addWidget(first)
    header = first.table.horizontalHeader()
    header.resizeSection(Column.NAME, 333)
    first.table.sortByColumn(Column.LIFECYCLE, Qt.SortOrder.DescendingOrder)
    first.save_header()
    first.wait_for_background()
    assert settings.value(HEADER_KEY) is not None
    second = RegisterPage(ctx, settings=settings)
    qtbot.addWidget(second)
    again = second.table.horizontalHeader()
    assert again.sectionSize(Column.NAME) == 333
    assert again.sortIndicatorSection() == Column.LIFECYCLE
    assert again.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # The rows really are in that order (offboarded, active, approved, proposed).
    lifecycle = [second.model.index(r, Column.LIFECYCLE).data() for r in range(20)]
    assert lifecycle[0] == "Active" and lifecycle[-1] == "Proposed"
    second.wait_for_background()


# Showing a window on the offscreen platform warns that it cannot propagate size hints.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_focus_search(page: RegisterPage, qtbot: QtBot) -> None:
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    assert page.focus_search() is True
    qtbot.waitUntil(page.search.hasFocus, timeout=1000)


def test_an_empty_register(qtbot: QtBot, empty_ctx: UiContext, settings: QSettings) -> None:
    page = ready_page(qtbot, empty_ctx, settings)
    assert page.count_label.text() == "0 of 0 entities"
    assert page.country_combo.count() == 1


def test_a_failed_status_computation_is_a_message_not_a_crash(
    qtbot: QtBot, ctx: UiContext, settings: QSettings
) -> None:
    from transfers_app.errors import StorageError

    def broken() -> object:
        raise StorageError("the database is locked")

    ctx.services_factory = broken  # type: ignore[assignment]
    page = RegisterPage(ctx, settings=settings)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: "could not be computed" in page.status_label.text(), timeout=5000)
    assert "the database is locked" in page.status_label.text()
    assert page.model.rowCount() == 20


def test_typing_on_gives_the_same_rows_as_a_fresh_search() -> None:
    from transfers_app.services.workspace import RegisterRow

    words = ["Acme", "Nimbus", "Stratus", "Harbor", "Data", "Cloud"]
    rows = [
        RegisterRow(
            i,
            f"{words[i % 6]} {words[(i // 6) % 6]} {i}",
            "",
            EntityKind.VENDOR,
            False,
            Lifecycle.ACTIVE,
            ("US", "BR")[: i % 3],
            "",
        )
        for i in range(1, 400)
    ]
    typed = RegisterModel(rows)
    typed.set_filters(lifecycle=Lifecycle.ACTIVE)
    text = ""
    for char in "acme stratus brazil":
        text += char
        typed.set_search(text)
        fresh = RegisterModel(rows)
        fresh.set_filters(lifecycle=Lifecycle.ACTIVE)
        fresh.set_search(text)
        shown = [typed.row_at(r).entity_id for r in range(typed.rowCount())]
        assert shown == [fresh.row_at(r).entity_id for r in range(fresh.rowCount())], text
    assert typed.rowCount() > 0


def test_a_large_register_paints_its_first_rows_then_loads_the_rest(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.pages.register as register_module

    monkeypatch.setattr(register_module, "FIRST_ROWS", 5)
    page = register_module.RegisterPage(ctx)
    qtbot.addWidget(page)
    assert page.table.model().rowCount() in (5, 20)  # the rest may already have arrived
    assert page.wait_for_background(30000)
    qtbot.waitUntil(lambda: page.table.model().rowCount() == 20, timeout=30000)
    assert "loading" not in page.count_label.text()


# -- next due --------------------------------------------------------------------------------


def row_named(page: RegisterPage, name: str) -> int:
    found = [r for r, n in enumerate(names(page)) if n == name]
    assert found, name
    return found[0]


def test_next_due_is_the_earliest_date_renewals_lists_for_the_entity(
    page: RegisterPage, ctx: UiContext
) -> None:
    """The column agrees with the Renewals page and the status: for each entity, the earliest
    date the status watches on the transfers it receives (filed against it as their gaps are),
    each of them a reminder; an exporter is not shown its importers' dates."""
    report = ctx.status()
    listed = {(r.due_on, r.record) for r in ctx.services.register.reminders(ctx.today, 100_000)}
    earliest: dict[int, date] = {}
    for d in report.open_dues():
        assert (d.due_on, d.record) in listed
        assert d.entity_id is not None
        earliest[d.entity_id] = min(d.due_on, earliest.get(d.entity_id, date.max))
    model = page.model
    shown = {model.row_at(r).entity_id: model.row_at(r).next_due for r in range(model.rowCount())}
    assert {k: v for k, v in shown.items() if v is not None} == earliest
    assert len(earliest) >= 8  # the demo register has dates on many entities
    europe = entity_named(ctx.services.register.store, "Keystone Access Europe Ltd")
    assert shown[europe.id or 0] is None  # the exporter: no gap of its own, nothing due


def test_next_due_says_overdue_in_words(page: RegisterPage) -> None:
    model = page.model
    brightwave = row_named(page, "Brightwave Marketing Cloud LLC")
    cell = model.index(brightwave, Column.NEXT_DUE)
    assert cell.data() == "25 Aug 2026 (overdue)"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "DPF re-check overdue by 92 days"
    assert cell.data(Qt.ItemDataRole.ForegroundRole) is not None  # red, besides the word
    assert cell.data(Qt.ItemDataRole.FontRole).bold()
    australia = model.index(row_named(page, "Keystone Access Australia Pty Ltd"), Column.NEXT_DUE)
    assert australia.data() == "10 Dec 2026"
    assert australia.data(Qt.ItemDataRole.ToolTipRole) == "Notice deadline due in 15 days"
    assert australia.data(Qt.ItemDataRole.ForegroundRole) is None
    nothing = model.index(row_named(page, "Hartley & Crane LLP"), Column.NEXT_DUE)
    assert nothing.data() == ""
    assert "Nothing due" in nothing.data(Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(Column.NEXT_DUE, Qt.Orientation.Horizontal) == "Next due"


def test_next_due_sorts_as_dates_with_the_undated_last(page: RegisterPage) -> None:
    model = page.model

    def dues() -> list[date | None]:
        return [model.row_at(r).next_due for r in range(model.rowCount())]

    page.table.sortByColumn(Column.NEXT_DUE, Qt.SortOrder.AscendingOrder)
    ascending = dues()
    dated = [d for d in ascending if d is not None]
    assert ascending == dated + [None] * (len(ascending) - len(dated))
    assert dated == sorted(dated) and len(dated) >= 8
    # Meridian's 2010 SCCs, past their last day under EU law.
    assert model.index(0, Column.NEXT_DUE).data() == "27 Dec 2022 (overdue)"
    # Descending: the furthest date first, and still nothing-due last.
    page.table.sortByColumn(Column.NEXT_DUE, Qt.SortOrder.DescendingOrder)
    descending = dues()
    assert descending[: len(dated)] == sorted(dated, reverse=True)
    assert descending[len(dated) :] == [None] * (len(descending) - len(dated))
    # Equal dates (here: none) stay in name order.
    same = [model.row_at(r).name for r, d in enumerate(dues()) if d is None]
    assert len(same) >= 8 and same == sorted(same, key=str.casefold)


# -- adequacy and mechanism filters ------------------------------------------------------------


def test_filter_by_adequacy_of_the_destinations(
    qtbot: QtBot, ctx: UiContext, settings: QSettings
) -> None:
    page = RegisterPage(ctx, settings=settings)
    qtbot.addWidget(page)
    # Chosen before the status is known: the table waits for it rather than guessing.
    page.apply_filter(adequacy=Adequacy.PARTIAL)
    assert page.model.rowCount() == 0
    assert "waiting for the status" in page.count_label.text()
    with qtbot.waitSignal(page.status_ready, timeout=20_000):
        pass
    # Canada's commercial-organisations decision, Japan's scope, a DPF-certified US importer.
    assert names(page) == [
        "Maple Mail Services Inc.",
        "Northwind Payments, Inc.",
        "株式会社サクラ翻訳",
    ]
    assert page.count_label.text() == "3 of 20 entities"
    combo = page.adequacy_combo
    combo.setCurrentIndex(combo.findData(Adequacy.ADEQUATE))
    assert combo.currentText() == "All destinations adequate"
    assert names(page) == ["Lumen Analytics GmbH", "Łódź Software House sp. z o.o."]
    combo.setCurrentIndex(combo.findData(Adequacy.NOT_ADEQUATE))
    not_adequate = names(page)
    # Brazil is adequate for the EU only, so the UK transfer is not; DPF without the UK
    # Extension leaves the UK transfer to the US without adequacy.
    assert "Pampas Data Labs Ltda." in not_adequate
    assert "Brightwave Marketing Cloud LLC" in not_adequate
    assert "Lumen Analytics GmbH" not in not_adequate
    combo.setCurrentIndex(combo.findData(Adequacy.NO_LIVE_TRANSFER))
    # Our exporter, a supplier without transfers, a proposed one (not live), a customer.
    assert names(page) == [
        "Coastline Print & Mail Ltd",
        "Keystone Access Europe Ltd",
        "Quanta Insight AI, Inc.",
        "Storage Depot Europe B.V.",
    ]
    page.clear_filters()
    assert page.model.rowCount() == 20


def test_filter_by_mechanism_works_before_the_status(page: RegisterPage) -> None:
    page.apply_filter(mechanism=Mechanism.DEROGATION)
    assert page.mechanism_combo.currentText() == "Art 49 derogation"
    assert names(page) == ["Hartley & Crane LLP"]
    page.apply_filter(mechanism="legacy_scc")
    assert names(page) == ["Meridian Recovery Services Pvt. Ltd."]
    page.apply_filter(mechanism=Mechanism.DPF)
    assert names(page) == ["Brightwave Marketing Cloud LLC", "Northwind Payments, Inc."]
    combo = page.mechanism_combo
    combo.setCurrentIndex(combo.findData(Mechanism.UK_IDTA))
    assert names(page) == [
        "Helpdesk Partners Philippines, Inc.",
        "Keystone Access Asia Pte. Ltd.",
        "Keystone Access Australia Pty Ltd",
    ]
    # Combined with another filter and the search.
    page.apply_filter(kind=EntityKind.GROUP)
    assert names(page) == ["Keystone Access Asia Pte. Ltd.", "Keystone Access Australia Pty Ltd"]
    page.search.setText("australia")
    assert names(page) == ["Keystone Access Australia Pty Ltd"]
    page.clear_filters()
    combo.setCurrentIndex(combo.findText("None recorded"))
    assert combo.currentData() == NO_MECHANISM
    assert names(page) == ["İstanbul Çağrı Merkezi A.Ş.", "Quanta Insight AI, Inc."]


def test_apply_filter_can_select_an_entity(page: RegisterPage) -> None:
    page.apply_filter(mechanism=Mechanism.DPF, entity_id=8)  # Stratus: hidden by the filter
    assert page.selected_entity_id() == 8
    assert page.mechanism_combo.currentData() is None  # the filters were cleared to show it


# -- column memory of the other tables ----------------------------------------------------------


def _transfers(ctx: UiContext, settings: QSettings) -> Any:
    from ui.models.transfers import Column as C
    from ui.pages.transfers import TransfersPage

    return TransfersPage(ctx, settings=settings), "transfers/header", C.IMPORTER


def _documents(ctx: UiContext, settings: QSettings) -> Any:
    from ui.models.documents import Column as C
    from ui.pages.documents import DocumentsPage

    return DocumentsPage(ctx, settings=settings), "documents/header", C.EXPIRES


def _renewals(ctx: UiContext, settings: QSettings) -> Any:
    from ui.models.renewals import Column as C
    from ui.pages.renewals import RenewalsPage

    return RenewalsPage(ctx, settings=settings), "renewals/header", C.SUBJECT


def _assessments(ctx: UiContext, settings: QSettings) -> Any:
    from ui.models.assessments import Column as C
    from ui.pages.assessments import AssessmentsPage

    return AssessmentsPage(ctx, settings=settings), "assessments/header", C.DESTINATION


@pytest.mark.qt_log_ignore("propagateSizeHints")
@pytest.mark.parametrize("make", [_transfers, _documents, _renewals, _assessments])
def test_the_other_tables_remember_widths_and_sort(
    qtbot: QtBot, ctx: UiContext, settings: QSettings, make: Any
) -> None:
    first, key, column = make(ctx, settings)
    qtbot.addWidget(first)
    first.resize(1280, 800)
    first.show()
    first.wait_for_background()
    table: QTableView = first.table
    header = table.horizontalHeader()
    header.resizeSection(column, 177)
    # Page code sizing columns is not a choice to remember; the user's clicks are.
    assert settings.value(key) is None
    # Two clicks on the column's header: sorted by it, descending.
    middle = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    for _ in range(2):
        qtbot.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(middle, header.height() // 2)
        )
    assert header.sortIndicatorSection() == column
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    qtbot.waitUntil(lambda: settings.value(key) is not None, timeout=3000)
    first.close()

    second, _, _ = make(ctx, settings)
    qtbot.addWidget(second)
    second.resize(1280, 800)
    second.show()
    second.wait_for_background()
    again = second.table.horizontalHeader()
    # The automatic sizing on the first load and on showing leaves the user's width alone.
    assert again.sectionSize(column) == 177
    assert again.sortIndicatorSection() == column
    assert again.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    proxy: QSortFilterProxyModel = second.proxy
    assert proxy.rowCount() > 1
    keys = [proxy.index(r, column).data(proxy.sortRole()) for r in range(proxy.rowCount())]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_sort_click_is_remembered_even_if_the_page_is_left_at_once(
    qtbot: QtBot, ctx: UiContext, settings: QSettings
) -> None:
    page = RegisterPage(ctx, settings=settings)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    header = page.table.horizontalHeader()
    middle = header.sectionViewportPosition(Column.KIND) + header.sectionSize(Column.KIND) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(middle, header.height() // 2)
    )
    assert page.model.index(0, Column.KIND).data() == "Customer"
    assert page.header_memory.pending  # saved a moment later...
    page.hide()  # ...or when the page is left, whichever comes first
    assert not page.header_memory.pending
    page.wait_for_background()
    again = RegisterPage(ctx, settings=settings)
    qtbot.addWidget(again)
    assert again.table.horizontalHeader().sortIndicatorSection() == Column.KIND
    assert again.model.index(0, Column.KIND).data() == "Customer"
    again.wait_for_background()


def test_a_large_register_shows_due_dates_and_mechanisms_once_read(
    qtbot: QtBot, ctx: UiContext, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.pages.register as register_module

    monkeypatch.setattr(register_module, "FIRST_ROWS", 5)
    # Hold the background read until the first screen has been looked at.
    real_extras = Workspace.with_extras
    release = __import__("threading").Event()

    def slow_extras(self: Any, rows: Any, on: date, whole: bool = True, **kw: Any) -> Any:
        release.wait(20)
        return real_extras(self, rows, on, whole, **kw)

    monkeypatch.setattr(Workspace, "with_extras", slow_extras)
    page = register_module.RegisterPage(ctx, settings=settings)
    qtbot.addWidget(page)
    # The first rows of a large register paint at once, their due dates not read yet.
    assert page.model.rowCount() == 5
    assert not page.model.extras_known
    assert page.model.index(0, Column.NEXT_DUE).data() == CHECKING
    page.apply_filter(mechanism=Mechanism.DPF)
    assert page.model.rowCount() == 0
    qtbot.waitUntil(lambda: page.model.total_count() == 20, timeout=20_000)
    assert "waiting for the mechanisms" in page.count_label.text()
    release.set()
    qtbot.waitUntil(lambda: page.model.extras_known, timeout=20_000)
    assert names(page) == ["Brightwave Marketing Cloud LLC", "Northwind Payments, Inc."]
    assert page.model.index(0, Column.NEXT_DUE).data() == "25 Aug 2026 (overdue)"
    assert page.count_label.text() == "2 of 20 entities"
    qtbot.waitUntil(lambda: page.model.status_known, timeout=20_000)  # the status follows
    assert "Status as of" in page.status_label.text(), page.status_label.text()
