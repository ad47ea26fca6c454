"""The data map: nodes paint at once, colours arrive from the background, clicks, zoom, export."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication
from support.widgets import shown_when_ready

from transfers_app.domain.enums import Access, EntityKind, Lifecycle, Mechanism, Role, Severity
from transfers_app.domain.models import MechanismUse, Transfer
from transfers_app.domain.readmodels import EntityRow
from ui.context import UiContext
from ui.pages import data_map
from ui.pages.data_map import (
    HAS_SVG,
    DataMapPage,
    MapEdgeItem,
    MapNodeItem,
    build_map,
)
from ui.pages.data_map.items import qpoint, qrect

# The offscreen platform says this whenever a top-level widget is shown.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

WAIT_MS = 20_000
STATUS_WORDS = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "OK"}


def ready_page(  # type: ignore[no-untyped-def]
    qtbot, ctx: UiContext, width: int = 1280, height: int = 800, **kwargs
) -> DataMapPage:
    return shown_when_ready(qtbot, DataMapPage(ctx, **kwargs), (width, height), WAIT_MS)


def entity_id(ctx: UiContext, name: str) -> int:
    for row in ctx.services.register.store.queries.register_rows():
        if row[1] == name:
            return int(row[0])
    raise AssertionError(f"{name} is not on the register")


def node_named(page: DataMapPage, name: str) -> MapNodeItem:
    found = [n for n in page.nodes() if n.name == name]
    assert len(found) == 1, f"{name}: {len(found)} nodes"
    return found[0]


def click_item(qtbot, page: DataMapPage, item: MapNodeItem) -> None:  # type: ignore[no-untyped-def]
    centre = item.sceneBoundingRect().center()
    pos = page.view.mapFromScene(centre)
    assert page.view.viewport().rect().contains(pos)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


UK = "Keystone Access Europe Ltd"
ISTANBUL = "İstanbul Çağrı Merkezi A.Ş."
STRATUS = "Stratus Cloud Hosting, Inc."
INDUS = "Indus Support Services Pvt. Ltd."


def test_paints_at_once_in_grey_then_colours_arrive(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = DataMapPage(ctx)
    qtbot.addWidget(page)
    # The nodes are there before any status: grey, with "…" as their word.
    assert page.data is not None and page.verdicts is None
    istanbul = node_named(page, ISTANBUL)
    assert istanbul.status_word() == "…"
    assert "checking the status" in page.header_label.text()
    assert all(e.status is None for e in page.edges())
    with qtbot.waitSignal(page.ready, timeout=WAIT_MS):
        pass
    assert istanbul.status_word() == "CRITICAL"
    assert "checking" not in page.header_label.text()
    assert "5 critical" in page.header_label.text()


def test_istanbul_call_centre_is_critical_inside_the_turkiye_box(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    node = node_named(page, ISTANBUL)
    box = node.box()
    assert box is not None and box.label == "Türkiye (TR)"
    assert box.country == "TR"
    assert box.sceneBoundingRect().contains(node.sceneBoundingRect())
    assert node.status_word() == "CRITICAL"
    assert node.status is Severity.CRITICAL
    assert "Worst status: CRITICAL" in node.toolTip()


def test_the_arrow_from_the_uk_entity_to_istanbul_says_none(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    uk, istanbul = entity_id(ctx, UK), entity_id(ctx, ISTANBUL)
    edge = page.edge(uk, istanbul)
    assert isinstance(edge, MapEdgeItem)
    assert edge.label == "none"
    assert edge.status is Severity.CRITICAL
    assert not edge.onward
    # The arrow ends at the importer's left side and starts from the UK entity.
    target = page.node_item(istanbul)
    source = page.node_item(uk)
    assert target is not None and source is not None
    assert edge.path().pointAtPercent(1.0).x() == pytest.approx(
        target.sceneBoundingRect().left(), abs=1.5
    )
    assert edge.route.pointAtPercent(0.0).x() == pytest.approx(
        source.sceneBoundingRect().right(), abs=1.5
    )
    assert "no transfer mechanism recorded" in edge.toolTip()
    # Our entity stands in its own box on the left.
    own_box = source.box()
    assert own_box is not None and own_box.label == "Our entities"
    assert source.sceneBoundingRect().right() < target.sceneBoundingRect().left()


def test_mechanism_labels_on_the_arrows(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    uk = entity_id(ctx, UK)
    assert page.data is not None
    nodes = page.data.nodes
    labels = {nodes[e.importer_id].name: e.label for e in page.edges() if e.exporter_id == uk}
    assert labels["Northwind Payments, Inc."] == "DPF"
    assert labels["Keystone Access Group, Inc."] == "SCC+Addendum"
    assert labels["Keystone Access Australia Pty Ltd"] == "IDTA"
    assert labels["Lumen Analytics GmbH"] == "Adequacy"
    assert labels["Meridian Recovery Services Pvt. Ltd."] == "Legacy SCC"


def test_the_onward_arrow_from_stratus_to_indus(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    stratus, indus = entity_id(ctx, STRATUS), entity_id(ctx, INDUS)
    edge = page.edge(stratus, indus)
    assert edge is not None
    assert edge.onward
    assert edge.label == "SCC"
    source, target = page.node_item(stratus), page.node_item(indus)
    assert source is not None and target is not None
    # Stratus stands among the importers (US box), Indus among the subprocessors (India box).
    assert source.box() is not None and source.box().label == "United States (US)"  # type: ignore[union-attr]
    assert target.box() is not None and target.box().label == "India (IN)"  # type: ignore[union-attr]
    assert target.box().tier == 2  # type: ignore[union-attr]
    assert edge.route.pointAtPercent(0.0).x() == pytest.approx(
        source.sceneBoundingRect().right(), abs=1.5
    )
    assert edge.path().pointAtPercent(1.0).x() == pytest.approx(
        target.sceneBoundingRect().left(), abs=1.5
    )
    assert "onward from transfer" in edge.toolTip()


@pytest.mark.parametrize("name", [STRATUS, UK], ids=["an importer", "our own entity"])
def test_clicking_a_node_opens_its_record(qtbot, ctx, name):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    entity = entity_id(ctx, name)
    item = page.node_item(entity)
    assert item is not None
    with qtbot.waitSignal(page.open_entity, timeout=1000) as blocker:
        click_item(qtbot, page, item)
    assert blocker.args == [entity]


def test_clicking_a_country_title_lists_its_transfers(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    box = next(b for b in page.boxes() if b.label == "Türkiye (TR)")
    title = box.mapToScene(box.title_rect().center())
    with qtbot.waitSignal(page.navigate, timeout=1000) as blocker:
        qtbot.mouseClick(
            page.view.viewport(), Qt.MouseButton.LeftButton, pos=page.view.mapFromScene(title)
        )
    assert blocker.args == ["transfers", {"country": "TR"}]


def test_clicking_empty_space_opens_nothing(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    opened: list[int] = []
    page.open_entity.connect(opened.append)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert opened == []


def test_every_importer_has_a_status_word_not_colour_alone(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    importers = [n for n in page.nodes() if n.node.tier > 0]
    assert len(importers) == 16
    assert {n.status_word() for n in importers} <= STATUS_WORDS
    assert all(e.label for e in page.edges())
    assert len(page.edges()) == 16


def test_nothing_overlaps(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    nodes = [n.sceneBoundingRect().adjusted(1, 1, -1, -1) for n in page.nodes()]
    labels = [e.mapRectToScene(e.label_rect()) for e in page.edges()]
    boxes = [b.sceneBoundingRect().adjusted(1, 1, -1, -1) for b in page.boxes()]
    for group in (nodes, labels, boxes):
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                assert not a.intersects(b), (a, b)
    for label in labels:
        assert not any(label.intersects(n) for n in nodes)
    # Each label fits its text (no eliding of the mechanism names of the demo).
    assert all(e.label_rect().width() < data_map.LABEL_W - 4 for e in page.edges())


def test_long_names_are_elided_with_the_whole_name_in_the_tooltip(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    for node in page.nodes():
        shown = node.shown_name()
        assert shown == node.name or shown.endswith("…")
        assert node.name in node.toolTip()


def test_zoom_buttons_ctrl_wheel_and_fit(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    view = page.view
    fitted = view.zoom()
    assert 0.3 < fitted <= view.MAX_FIT
    assert page.zoom_label.text() == f"{round(fitted * 100)}%"
    qtbot.mouseClick(page.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.zoom() == pytest.approx(fitted * 1.25)
    assert page.zoom_label.text() == f"{round(view.zoom() * 100)}%"
    assert not view.auto_fit
    qtbot.mouseClick(page.zoom_out_button, Qt.MouseButton.LeftButton)
    assert view.zoom() == pytest.approx(fitted)
    # Ctrl+wheel zooms; a plain wheel scrolls and leaves the zoom alone.
    centre = QPointF(view.viewport().rect().center())
    for modifiers, expected in (
        (Qt.KeyboardModifier.NoModifier, fitted),
        (Qt.KeyboardModifier.ControlModifier, fitted * 1.15),
    ):
        event = QWheelEvent(
            centre,
            view.viewport().mapToGlobal(centre),
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            modifiers,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(view.viewport(), event)
        assert view.zoom() == pytest.approx(expected)
    qtbot.mouseClick(page.fit_button, Qt.MouseButton.LeftButton)
    assert view.zoom() == pytest.approx(fitted, rel=0.02)
    assert view.auto_fit


def test_export_png_writes_the_whole_scene(qtbot, ctx, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    target = tmp_path / "map"  # the suffix is added
    monkeypatch.setattr("ui.messages.save_file", lambda *a, **k: target)
    qtbot.mouseClick(page.png_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "map.png"
    assert written.stat().st_size > 0
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(written))
    rect = page.scene.sceneRect()
    assert (image.width(), image.height()) == (
        page.picture_size().width(),
        page.picture_size().height(),
    )
    assert image.width() == pytest.approx(rect.width(), abs=1)
    assert image.height() == pytest.approx(rect.height(), abs=1)
    # The whole picture, not the visible part: larger than the view at this zoom.
    assert image.width() > page.view.viewport().width()
    assert "saved map.png" in page.header_label.text()


def test_export_is_cancelled_quietly(qtbot, ctx, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    monkeypatch.setattr("ui.messages.save_file", lambda *a, **k: None)
    qtbot.mouseClick(page.png_button, Qt.MouseButton.LeftButton)
    assert "saved" not in page.header_label.text()


@pytest.mark.skipif(not HAS_SVG, reason="this PySide6 has no QtSvg")
def test_export_svg_writes_a_drawing_with_the_country_labels(qtbot, ctx, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    target = tmp_path / "map.svg"
    monkeypatch.setattr("ui.messages.save_file", lambda *a, **k: target)
    assert page.svg_button.isEnabled()
    qtbot.mouseClick(page.svg_button, Qt.MouseButton.LeftButton)
    text = target.read_text(encoding="utf-8")
    assert "<svg" in text
    assert "Türkiye (TR)" in text
    assert "CRITICAL" in text


def test_the_empty_register_says_no_transfers_yet(qtbot, empty_ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, empty_ctx)
    assert page.message_label.text().startswith("No transfers yet")
    assert page.message_label.isVisible()
    assert not page.view.isVisible()
    assert page.nodes() == [] and page.edges() == []
    assert not page.png_button.isEnabled() and not page.svg_button.isEnabled()


def test_only_the_top_importers_are_drawn_and_the_header_says_so(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx, limit=5)
    data = page.data
    assert data is not None and data.truncated
    assert data.importers == 16 and data.shown_importers == 5
    assert "top 5 of 16 importers" in page.header_label.text()
    assert len([n for n in page.nodes() if n.node.tier > 0]) == 5
    # Every box says how many importers it holds that are not drawn.
    assert sum(b.hidden for b in page.boxes()) == 11
    for box in page.boxes():
        assert box.more_text() == (f"+ {box.hidden} more" if box.hidden else "")
    # A country none of whose importers made the top 5 still has its box and its count.
    poland = next(b for b in page.boxes() if b.label == "Poland (PL)")
    assert poland.more_text() == "+ 1 more"
    assert not [n for n in page.nodes() if n.box() is poland]
    assert "1 more not drawn" in poland.toolTip()


def test_a_large_register_is_read_in_the_background(qtbot, ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(data_map.page, "SMALL_REGISTER", 0)
    page = DataMapPage(ctx)
    qtbot.addWidget(page)
    # Nothing read in the GUI thread: a message until the map arrives.
    assert page.data is None
    assert page.message_label.text() == "Reading the register…"
    with qtbot.waitSignal(page.ready, timeout=WAIT_MS):
        page.show()
    assert page.data is not None and page.error == ""
    assert node_named(page, ISTANBUL).status_word() == "CRITICAL"


def test_refresh_checks_again(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    with qtbot.waitSignal(page.ready, timeout=WAIT_MS):
        page.refresh()
    assert node_named(page, ISTANBUL).status_word() == "CRITICAL"


def _transfer(
    tid: int, exporter: int, importer: int, country: str, parent: int | None = None
) -> Transfer:
    return Transfer(
        exporter_id=exporter,
        importer_id=importer,
        destination=country,
        access=Access.ONWARD if parent else Access.STORAGE,
        importer_role=Role.PROCESSOR,
        id=tid,
        parent_transfer_id=parent,
        mechanisms=(MechanismUse(Mechanism.DPF),) if country == "US" else (),
    )


def _rows(table: list[tuple[Any, ...]]) -> list[EntityRow]:
    """Entity rows from (id, name, legal name, kind, lifecycle, ours, country, service)."""
    return [
        EntityRow(
            r[0],
            r[1],
            r[2],
            EntityKind(r[3]),
            bool(r[5]),
            Lifecycle(r[4]),
            (r[6],) if r[6] else (),
            (r[7],) if r[7] else (),
        )
        for r in table
    ]


def test_build_map_keeps_the_busiest_importers_and_counts_the_rest() -> None:
    on = date(2026, 11, 25)
    table: list[tuple[int, str, str, str, str, int, str, str | None]] = [
        (1, "Us Ltd", "", "group", "active", 1, "GB", None)
    ]
    transfers = []
    for i in range(2, 3002):
        country = "US" if i % 3 else "IN"
        table.append((i, f"Vendor {i}", "", "vendor", "active", 0, country, "Hosting"))
        transfers.append(_transfer(i, 1, i, country))
    # Vendor 7 receives three transfers: it must lead.
    transfers += [_transfer(5000, 1, 7, "US"), _transfer(5001, 1, 7, "US")]
    # An onward transfer from vendor 7 to vendor 8 (a subprocessor too).
    table.append((9000, "Zeta Sub GmbH", "", "vendor", "active", 0, "DE", None))
    transfers.append(_transfer(6000, 7, 9000, "DE", parent=7))
    # A proposed supplier's transfer is left out, as the status check leaves it out.
    table.append((9001, "Maybe Inc.", "", "vendor", "proposed", 0, "US", None))
    transfers.append(_transfer(6001, 1, 9001, "US"))
    data = build_map(transfers, _rows(table), on, limit=50)
    assert data.importers == 3001
    assert data.shown_importers == 50
    assert data.transfers == 3003
    assert data.sources == (1,)
    assert data.groups[0].node_ids[0] == 7
    assert data.nodes[7].transfers_in == 3
    shown = sum(len(g.node_ids) for g in data.groups)
    hidden = sum(g.hidden for g in data.groups)
    assert (shown, hidden) == (50, 2951)
    assert 9001 not in data.nodes
    by_country = {(g.tier, g.country): g for g in data.groups}
    assert by_country[(1, "US")].transfers == 2000 + 2
    # The subprocessor is not among the top 50 (one transfer, its name sorts last).
    assert by_country[(2, "DE")].hidden == 1
    edge = next(e for e in data.edges if e.importer_id == 7)
    assert len(edge.transfers) == 3 and edge.label == "DPF"


def test_a_large_map_stays_within_its_limit(qtbot, ctx, monkeypatch):  # type: ignore[no-untyped-def]
    """The layout of 200 importers with a "more" line per box lays out without overlaps."""
    on = date(2026, 11, 25)
    table: list[tuple[int, str, str, str, str, int, str, str | None]] = [
        (1, "Us Ltd", "", "group", "active", 1, "GB", None)
    ]
    transfers = []
    countries = ["US", "IN", "DE", "PH", "BR", "JP", "TR", "CA"]
    for i in range(2, 2002):
        country = countries[i % len(countries)]
        table.append((i, f"Vendor {i:05d}", "", "vendor", "active", 0, country, "Hosting"))
        transfers.append(_transfer(i, 1, i, country))
    data = build_map(transfers, _rows(table), on, limit=200)
    monkeypatch.setattr(data_map.page, "build_map", lambda *a, **k: data)
    page = ready_page(qtbot, ctx)
    assert len(page.nodes()) == 201
    assert len(page.edges()) == 200
    assert sum(b.hidden for b in page.boxes()) == 1800
    assert "top 200 of 2,000 importers" in page.header_label.text()
    rects = [n.sceneBoundingRect().adjusted(1, 1, -1, -1) for n in page.nodes()]
    boxes = [b.sceneBoundingRect().adjusted(1, 1, -1, -1) for b in page.boxes()]
    for group in (rects, boxes):
        for i, a in enumerate(group):
            assert not any(a.intersects(b) for b in group[i + 1 :])
    assert page.view.zoom() > 0.1


def test_dragging_pans_the_map_and_opens_nothing(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    view = page.view
    view.set_zoom(1.5)
    item = node_named(page, STRATUS)
    view.centerOn(item)
    opened: list[int] = []
    page.open_entity.connect(opened.append)
    start = view.mapFromScene(item.sceneBoundingRect().center())
    before = (view.horizontalScrollBar().value(), view.verticalScrollBar().value())
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, start + QPoint(-40 * step, -20 * step))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(-200, -100))
    after = (view.horizontalScrollBar().value(), view.verticalScrollBar().value())
    assert after[0] > before[0] and after[1] > before[1]
    assert opened == []
    assert not view.auto_fit  # the user's view is kept when the window is resized


def test_lines_run_between_the_boxes_never_through_them(qapp) -> None:  # type: ignore[no-untyped-def]
    """Two of our entities sharing importers, an onward chain and a line that runs back left:
    every shared line stays in the gutters and gaps, and the labels into one importer do not
    overlap."""
    on = date(2026, 11, 25)
    table: list[tuple[int, str, str, str, str, int, str, str | None]] = [
        (1, "Us UK Ltd", "", "group", "active", 1, "GB", None),
        (2, "Us Ireland Ltd", "", "group", "active", 1, "IE", None),
    ]
    transfers = []
    tid = 100
    for i, country in enumerate(["US", "US", "US", "IN", "IN", "PH", "JP", "TR", "BR", "CA"]):
        importer = 10 + i
        table.append((importer, f"Vendor {importer}", "", "vendor", "active", 0, country, "x"))
        for exporter in (1, 2) if i % 2 == 0 else (1,):
            tid += 1
            transfers.append(_transfer(tid, exporter, importer, country))
    table.append((30, "Sub One", "", "vendor", "active", 0, "DE", None))
    table.append((31, "Sub Two", "", "vendor", "active", 0, "PL", None))
    transfers += [
        _transfer(200, 10, 30, "DE", parent=101),
        _transfer(201, 30, 31, "PL", parent=200),
        _transfer(202, 30, 15, "PH", parent=200),  # back to a direct importer, on the left
    ]
    data = build_map(transfers, _rows(table), on)
    lay = data_map.layout_map(data, 100.0)
    boxes = [qrect(rect) for column in lay.columns for rect in column.boxes]
    assert len(lay.legs) == len(data.edges) == 18
    for source, segments in lay.buses.items():
        exit_stub, *rest = segments
        assert exit_stub[0].x() == pytest.approx(lay.nodes[source].right())
        for a, b in rest:
            line = QRectF(qpoint(a), qpoint(b)).normalized().adjusted(-0.5, -0.5, 0.5, 0.5)
            for box in boxes:
                assert not line.intersects(box.adjusted(1, 1, -1, -1)), (source, a, b, box)
    for leg in lay.legs:
        target = lay.nodes[leg.edge.importer_id]
        assert leg.end.x() == pytest.approx(target.left())
        assert target.top() < leg.end.y() < target.bottom()
        assert leg.route[0].x() == pytest.approx(lay.nodes[leg.edge.exporter_id].right())
        # The leg runs from outside the target's box to the node.
        box = next(b for b in boxes if b.contains(qrect(target)))
        assert leg.start.x() < box.left()
    ys = sorted(leg.end.y() for leg in lay.legs if leg.edge.importer_id == 10)
    assert len(ys) == 2 and ys[1] - ys[0] >= data_map.LEG_SPACING - 0.01


def test_apply_filter_brings_a_country_or_an_entity_into_view(qtbot, ctx):  # type: ignore[no-untyped-def]
    page = ready_page(qtbot, ctx)
    view = page.view
    view.set_zoom(2.0)
    bars = (view.horizontalScrollBar(), view.verticalScrollBar())
    for criteria, item, corner in (
        ({"country": "TR"}, next(b for b in page.boxes() if b.country == "TR"), "start"),
        ({"entity_id": entity_id(ctx, STRATUS)}, node_named(page, STRATUS), "end"),
    ):
        for bar in bars:  # look somewhere else first
            bar.setValue(bar.minimum() if corner == "start" else bar.maximum())
        centre = view.mapFromScene(item.sceneBoundingRect().center())
        assert not view.viewport().rect().contains(centre)
        page.apply_filter(**criteria)
        centre = view.mapFromScene(item.sceneBoundingRect().center())
        # Centred, or as near the centre as the edge of the picture lets it be.
        assert view.viewport().rect().contains(centre)
    assert view.accessibleDescription() == page.header_label.text()
