"""The dashboard: figures computed in the background, every figure a click through to a list."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem
from support.widgets import shown_when_ready

from transfers_app.domain.enums import Access, Mechanism, Role, Severity
from transfers_app.domain.models import MechanismUse, Transfer
from transfers_app.domain.renewals import Reminder
from transfers_app.rules.gaps import Gap, GapCode, TransferStatus
from transfers_app.services.register import StatusReport
from ui.context import UiContext
from ui.pages.dashboard import OTHER, DashboardPage, summarize
from ui.widgets.charts import Bar, HBarChart, Series

# The offscreen platform says this whenever a top-level widget is shown.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

WAIT_MS = 20_000


def ready_page(qtbot, ctx: UiContext, width: int = 1280, height: int = 800) -> DashboardPage:  # type: ignore[no-untyped-def]
    return shown_when_ready(qtbot, DashboardPage(ctx), (width, height), WAIT_MS)


def test_paints_at_once_then_fills_in_from_the_background(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    # Nothing computed in the constructor: the figures say so until the result arrives.
    assert page.data is None
    assert page.tiles["critical"].value_text() == "…"
    assert "Checking" in page.status_label.text()
    assert page.destination_chart.message().startswith("Checking")
    with qtbot.waitSignal(page.ready, timeout=WAIT_MS):
        pass
    assert page.data is not None
    assert "Checking" not in page.status_label.text()


def test_headline_tiles_show_the_register_status(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    report = ctx.services.register.status(ctx.today)
    reminders = ctx.services.register.reminders(ctx.today, 3660)
    assert page.tiles["critical"].value_text() == str(report.count(Severity.CRITICAL))
    assert report.count(Severity.CRITICAL) > 0  # the demo register has critical gaps
    assert page.tiles["compliant"].value_text() == str(report.compliant_transfers)
    with_gaps = sum(1 for s in report.statuses if s.gaps)
    assert page.tiles["gaps"].value_text() == str(with_gaps)
    assert page.tiles["overdue"].value_text() == str(sum(1 for r in reminders if r.days_left < 0))
    missing = sum(1 for g in report.gaps if g.code is GapCode.TIA_MISSING)
    assert page.tiles["tias"].value_text() == str(missing)
    assert page.tiles["compliant"].caption() == f"of {report.transfers_assessed} live transfers"


def test_clicking_the_critical_tile_opens_the_register_filtered(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    tile = page.tiles["critical"]
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert blocker.args == ["register", {"status": Severity.CRITICAL}]


@pytest.mark.parametrize(
    ("key", "target"),
    [
        ("compliant", ["transfers", {"status": "ok"}]),
        ("gaps", ["transfers", {"status": "gaps"}]),
        ("overdue", ["renewals", {"horizon": 0}]),
        ("tias", ["assessments", {"state": "missing"}]),
    ],
)
@pytest.mark.parametrize("key_pressed", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space])
def test_tiles_open_with_the_keyboard(qtbot, ctx, key, target, key_pressed):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    tile = page.tiles[key]
    assert tile.focusPolicy() & Qt.FocusPolicy.TabFocus
    tile.setFocus()
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        qtbot.keyClick(tile, key_pressed)
    assert blocker.args == target


def test_destination_chart_has_turkiye_and_a_click_lists_its_transfers(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    chart = page.destination_chart
    labels = {b.key: b.label for b in chart.bars()}
    assert labels["TR"] == "Türkiye (TR)"
    rect = chart.bar_rects()["TR"]
    assert rect.width() > 0 and chart.rect().contains(rect)
    assert chart.bar_at(rect.center()) == "TR"
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["transfers", {"country": "TR"}]


def test_destination_bars_count_transfers_by_worst_status(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    report = ctx.services.register.status(ctx.today)
    bars = {b.key: b for b in page.destination_chart.bars()}
    to_us = [s for s in report.statuses if s.transfer.destination == "US"]
    assert bars["US"].total == len(to_us)
    keys = [s.key for s in page.destination_chart.series()]
    compliant = sum(1 for s in to_us if s.worst is None)
    assert bars["US"].values[keys.index("ok")] == compliant
    assert sum(b.total for b in bars.values()) == report.transfers_assessed
    # The chart says it in words too (tooltips and assistive technology).
    assert "Türkiye (TR): 1 transfer (1 critical)" in page.destination_chart.accessibleDescription()
    assert page.destination_chart.accessibleName() == "Transfers by destination"


def test_mechanism_chart_counts_primary_mechanisms_and_none(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    report = ctx.services.register.status(ctx.today)
    chart = page.mechanism_chart
    bars = {b.key: b for b in chart.bars()}
    dpf = sum(
        1
        for s in report.statuses
        if s.transfer.mechanisms and s.transfer.mechanisms[0].mechanism is Mechanism.DPF
    )
    assert bars[Mechanism.DPF.value].total == dpf
    assert bars["none"].total == sum(1 for s in report.statuses if not s.transfer.mechanisms)
    assert chart.bars()[-1].key == "none"
    rect = chart.bar_rects()[Mechanism.DPF.value]
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["transfers", {"mechanism": Mechanism.DPF}]
    assert chart.accessibleName() == "Transfers by mechanism"


def test_charts_work_from_the_keyboard(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    chart = page.destination_chart
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_End)
    last = chart.bars()[-1].key
    assert chart.current_key() == last
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert blocker.args == ["transfers", {"country": last}]


def test_next_due_lists_at_most_ten_overdue_first(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    listed = page.due_reminders()
    assert 0 < len(listed) <= 10
    assert page.due_list.topLevelItemCount() == len(listed)
    overdue = [r.days_left < 0 for r in listed]
    assert overdue[0]  # the demo register has overdue items
    assert overdue == sorted(overdue, reverse=True)  # every overdue item before the others
    assert [r.due_on for r in listed] == sorted(r.due_on for r in listed)
    first = page.due_list.topLevelItem(0)
    assert first is not None and first.text(1).startswith("overdue by")


def _due_item(page: DashboardPage, record: str) -> QTreeWidgetItem:
    for i in range(page.due_list.topLevelItemCount()):
        item = page.due_list.topLevelItem(i)
        if item is not None and item.data(0, Qt.ItemDataRole.UserRole).record == record:
            return item
    raise AssertionError(f"{record} is not in the due list")


def _click(qtbot, page: DashboardPage, item: QTreeWidgetItem) -> None:  # type: ignore[no-untyped-def]
    pos = page.due_list.visualItemRect(item).center()
    qtbot.mouseClick(page.due_list.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_clicking_a_due_item_opens_its_record(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    first = page.due_list.topLevelItem(0)
    assert first is not None
    # Meridian's 2010 SCCs, past their last day under EU law (27 Dec 2022).
    assert first.data(0, Qt.ItemDataRole.UserRole).record == "document 17"
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        _click(qtbot, page, first)
    assert blocker.args == ["documents", {"document_id": 17}]
    # An assessment's review opens the assessment.
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        _click(qtbot, page, _due_item(page, "tia 1"))
    assert blocker.args == ["assessments", {"tia_id": 1}]
    # From the keyboard: Enter on the current item.
    page.due_list.setCurrentItem(_due_item(page, "document 3"))
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        qtbot.keyClick(page.due_list, Qt.Key.Key_Return)
    assert blocker.args == ["documents", {"document_id": 3}]
    # The whole list is a link away.
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        page._due_card.hint.linkActivated.emit("renewals")
    assert blocker.args == ["renewals", {}]


def test_a_due_item_click_selects_the_record_in_the_window(qtbot, ctx, tmp_path):  # type: ignore[no-untyped-def]
    from transfers_app.services.worklists import AssessmentRow
    from ui.main_window import MainWindow
    from ui.pages.assessments import AssessmentsPage
    from ui.pages.documents import DocumentsPage

    QCoreApplication.setOrganizationName("Transfer Register Tests")
    QCoreApplication.setApplicationName(f"tests-{tmp_path.name}")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dashboard = window.pages["dashboard"]
    assert isinstance(dashboard, DashboardPage)
    with qtbot.waitSignal(dashboard.ready, timeout=WAIT_MS):
        window.show()
        window.go("dashboard", {})
    _click(qtbot, dashboard, _due_item(dashboard, "document 12"))  # Stratus's SCCs review
    assert window.current_key() == "documents"
    documents = window.pages["documents"]
    assert isinstance(documents, DocumentsPage)
    qtbot.waitUntil(lambda: documents.selected_document() is not None, timeout=WAIT_MS)
    selected = documents.selected_document()
    assert selected is not None and selected.id == 12
    assert selected.title == "Stratus Cloud Terms - SCCs Module 2"

    window.go("dashboard", {})
    _click(qtbot, dashboard, _due_item(dashboard, "tia 1"))
    assert window.current_key() == "assessments"
    assessments = window.pages["assessments"]
    assert isinstance(assessments, AssessmentsPage)

    def selected_tia() -> int | None:
        rows = assessments.table.selectionModel().selectedRows()
        row = rows[0].data(Qt.ItemDataRole.UserRole + 2) if rows else None
        return row.tia.id if isinstance(row, AssessmentRow) and row.tia else None

    qtbot.waitUntil(lambda: selected_tia() == 1, timeout=WAIT_MS)
    for page in window.pages.values():  # before the test's database connections close
        wait = getattr(page, "wait_for_background", None)
        if wait is not None:
            wait()


def test_empty_register_says_no_transfers_yet(qtbot, empty_ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, empty_ctx)
    assert page.destination_chart.message() == "No transfers yet"
    assert page.mechanism_chart.message() == "No transfers yet"
    assert "File › Import suppliers…" in page.destination_chart.hint()  # what to do
    assert page.destination_chart.bar_rects() == {}
    assert page.destination_chart.bar_at(QPoint(100, 100)) is None
    assert page.tiles["critical"].value_text() == "0"
    assert page.due_list.topLevelItemCount() == 0
    assert "Nothing due" in page.due_empty.text()


def test_refresh_recomputes_in_the_background(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    before = page.data
    with qtbot.waitSignal(page.ready, timeout=WAIT_MS):
        page.refresh()
        page.refresh()  # a second refresh while the first runs: one result, the latest
        assert page.is_checking()
        assert "Checking" in page.status_label.text()
    assert not page.is_checking()
    assert page.data is not None and before is not None
    assert page.data.critical_gaps == before.critical_gaps
    assert page.tiles["critical"].value_text() == str(before.critical_gaps)


def test_a_failing_check_is_a_message_not_a_traceback(qtbot, ctx):  # type: ignore[no-untyped-def]
    def broken() -> object:
        raise OSError("the database is locked")

    ctx.services_factory = broken
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.ready, timeout=WAIT_MS):
        pass
    assert page.data is None
    assert "the database is locked" in page.status_label.text()
    assert page.tiles["critical"].value_text() == "–"


def test_both_sizes_arrange_the_panels_without_clipping(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx, 1280, 800)
    assert page.arrangement() == DashboardPage.SIDE
    chart = page.destination_chart
    # Every row gets at least its readable height once the layout has run.
    qtbot.waitUntil(lambda: chart.height() >= chart.minimumSizeHint().height(), timeout=1000)
    page.resize(1920, 1080)
    qtbot.waitUntil(lambda: page.arrangement() == DashboardPage.STACKED, timeout=1000)


# -- the figures without Qt ------------------------------------------------------------------


def _status(transfer_id: int, country: str, worst: Severity | None, *mechs: Mechanism) -> object:
    transfer = Transfer(
        exporter_id=1,
        importer_id=transfer_id + 100,
        destination=country,
        access=Access.STORAGE,
        importer_role=Role.PROCESSOR,
        id=transfer_id,
        mechanisms=tuple(MechanismUse(m) for m in mechs),
    )
    gaps = () if worst is None else (Gap(GapCode.NO_SAFEGUARD, worst, "gap", transfer_id),)
    return TransferStatus(transfer, (), gaps)


def test_many_countries_keep_the_top_twelve_and_group_the_rest() -> None:
    codes = ["US", "IN", "BR", "SG", "TR", "PH", "AU", "CA", "DE", "JP", "PL", "MX", "AR", "CL"]
    codes += ["ZA", "KE", "NG", "EG", "CN", "VN"]
    statuses = []
    n = 0
    for rank, code in enumerate(codes):
        for _ in range(len(codes) - rank):  # US has the most transfers, VN the fewest
            n += 1
            statuses.append(_status(n, code, Severity.HIGH if n % 3 else None, Mechanism.EU_SCC))
    gaps = tuple(g for s in statuses for g in s.gaps)  # type: ignore[attr-defined]
    report = StatusReport(date(2026, 11, 25), tuple(statuses), gaps, {}, n)  # type: ignore[arg-type]
    data = summarize(report, [])
    assert len(data.by_destination) == 13
    assert [b.key for b in data.by_destination[:12]] == codes[:12]
    other = data.by_destination[-1]
    assert other.key == OTHER and other.label == "Other (8 countries)"
    assert other.total == sum(range(1, 9))
    assert data.other_countries == tuple(codes[12:])
    assert sum(b.total for b in data.by_destination) == n


def test_a_single_country_beyond_the_top_twelve_is_shown_not_grouped() -> None:
    codes = ["US", "IN", "BR", "SG", "TR", "PH", "AU", "CA", "DE", "JP", "PL", "MX", "AR"]
    statuses = [_status(i, c, None) for i, c in enumerate(codes, 1)]
    report = StatusReport(date(2026, 11, 25), tuple(statuses), (), {}, len(statuses))  # type: ignore[arg-type]
    data = summarize(report, [])
    assert OTHER not in {b.key for b in data.by_destination}
    assert len(data.by_destination) == 13
    assert [b.key for b in data.by_mechanism] == ["none"]


def test_clicking_other_lists_the_grouped_countries(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    codes = ["US", "IN", "BR", "SG", "TR", "PH", "AU", "CA", "DE", "JP", "PL", "MX", "AR", "CL"]
    statuses = [_status(i, c, None) for i, c in enumerate(codes, 1)]
    report = StatusReport(date(2026, 11, 25), tuple(statuses), (), {}, len(statuses))  # type: ignore[arg-type]
    page.data = summarize(report, [])
    page.destination_chart.set_bars(page.data.by_destination)
    rect = page.destination_chart.bar_rects()[OTHER]
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        qtbot.mouseClick(page.destination_chart, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0] == "transfers"
    assert sorted(blocker.args[1]["countries"]) == sorted(page.data.other_countries)


def test_next_due_puts_overdue_first_and_keeps_ten() -> None:
    on = date(2026, 11, 25)
    reminders = [
        Reminder(date(2026, 11, 25 - i), "review", f"late {i}", "A", f"document {i}", -i)
        for i in range(1, 4)
    ] + [
        Reminder(date(2027, 1, i), "expiry", f"soon {i}", "B", f"document {i}", 37 + i)
        for i in range(1, 12)
    ]
    report = StatusReport(on, (), (), {}, 0)
    data = summarize(report, list(reversed(reminders)))
    assert len(data.next_due) == 10
    assert [r.subject for r in data.next_due[:3]] == ["late 3", "late 2", "late 1"]
    assert data.overdue == 3


def test_bar_chart_alone_scales_and_labels(qtbot):  # type: ignore[no-untyped-def]
    series = (Series("a", "Alpha", "#b3261e"), Series("b", "Beta", "#2e7d32"))
    chart = HBarChart(series, empty_text="Nothing", unit=("thing", "things"))
    qtbot.addWidget(chart)
    chart.resize(500, 300)
    assert chart.message() == "Checking…"
    chart.set_bars([Bar("x", "Ex", (2, 2)), Bar("y", "Why", (0, 1))])
    rects = chart.bar_rects()
    assert rects["x"].width() == pytest.approx(4 * rects["y"].width(), abs=2)
    assert chart.describe(chart.bars()[0]) == "Ex: 4 things (2 alpha · 2 beta)"
    chart.set_bars([Bar("x", "Ex", (0, 0))])
    assert chart.message() == "Nothing"
    with pytest.raises(ValueError):
        chart.set_bars([Bar("x", "Ex", (1,))])
    chart.grab()  # paints every state without a Qt warning


@pytest.mark.parametrize(("width", "height"), [(1090, 740), (1730, 1020)])
def test_no_figure_is_cut_short_in_a_1280_or_1920_window(qtbot, ctx, width, height):  # type: ignore[no-untyped-def]
    """Issue 13: "re-ch…" on a tile and "1 high · 2 medium · 2 …" on a bar, at 1280x800 (the
    page gets the window less the side list)."""
    page = ready_page(qtbot, ctx, width, height)
    QCoreApplication.processEvents()
    for tile in page.tiles.values():
        lines = tile.caption_lines()
        assert " ".join(lines) == tile.caption(), tile.title()
    for chart in (page.destination_chart, page.mechanism_chart):
        for i in range(len(chart.bars())):
            shown = chart.shown_breakdown(i)
            assert shown and "…" not in shown, (chart, i, shown)


@pytest.mark.parametrize(("width", "height"), [(1090, 740), (1280, 800), (1730, 1020)])
def test_every_next_due_item_is_shown_whole(qtbot, ctx, width, height):  # type: ignore[no-untyped-def]
    """The demo's "last day 'Meridian collection agreement (2010 SCCs)' counts for EU
    transfers" was cut to "... counts f…" beside the charts: each item now wraps within its
    column, its row as tall as its lines, and the list as tall as its rows."""
    page = ready_page(qtbot, ctx, width, height)
    listed = page.due_list
    head = listed.header()
    qtbot.waitUntil(lambda: listed.height() >= head.height() + sum(_row_heights(listed)))
    assert listed.verticalScrollBar().maximum() == 0
    metrics = listed.fontMetrics()
    wrapped = 0
    for i in range(listed.topLevelItemCount()):
        item = listed.topLevelItem(i)
        assert item is not None
        for column in (0, 1):  # one line each, as wide as it needs
            advance = QFontMetrics(item.font(column)).horizontalAdvance(item.text(column))
            assert advance <= head.sectionSize(column), item.text(column)
        for column in (2, 3):  # the item and its parties: wrapped
            if listed.isColumnHidden(column):
                continue
            cell = listed.visualItemRect(item)
            room = QRect(0, 0, head.sectionSize(column) - 8, 10_000)
            text = item.text(column)
            needed = metrics.boundingRect(room, int(Qt.TextFlag.TextWordWrap), text)
            assert needed.width() <= room.width() and needed.height() <= cell.height(), text
            wrapped += needed.height() > metrics.height()
    if width < 1700:  # beside the charts, or with the parties beside them, some items wrap
        assert wrapped


def _row_heights(listed: QTreeWidget) -> list[int]:
    items = (listed.topLevelItem(i) for i in range(listed.topLevelItemCount()))
    return [listed.visualItemRect(item).height() for item in items if item is not None]
