"""The data map: a picture of where personal data goes, for regulators and boards.

Our own entities stand on the left; the importers they send data to stand in one labelled box
per destination country (boxes in a grid, the busiest countries first); the subprocessors that
receive data onwards stand on the right. Each arrow carries the transfer's primary mechanism
and is coloured (and dashed) by the transfer's worst gap; each importer carries its worst status
as colour *and* word. Shared stretches of the lines from one exporter run as one neutral "bus",
so only the last leg into each importer, with its label, carries the colour.

Loading: a small register is read at once (the nodes paint in grey) and its status is computed
in the background; a large one is read in the background too. Only the ``limit`` importers with
the most transfers are drawn, each country box saying how many more it holds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QFont,
    QKeySequence,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import Severity
from transfers_app.domain.formatting import day
from transfers_app.reports.data_map.geometry import Rect
from transfers_app.reports.data_map.graph import (
    DEFAULT_LIMIT,
    OK,
    MapData,
    MapNode,
    StatusValue,
    TransferVerdict,
    _plural,
    build_map,
    verdicts,
    worst_of,
)
from transfers_app.reports.data_map.layout import (
    HEADING_H,
    LEGEND_H,
    MARGIN,
    TITLE_H,
    column_headings,
    layout_map,
)
from transfers_app.services.app import AppServices
from ui import messages
from ui.context import UiContext
from ui.jobs import Job, Jobs
from ui.pages.base import Page
from ui.pages.data_map.export import HAS_SVG, export_png, export_svg, picture_size
from ui.pages.data_map.items import (
    QUIET,
    SCENE_BACKGROUND,
    TEXT,
    MapBoxItem,
    MapBusItem,
    MapEdgeItem,
    MapLegendItem,
    MapNodeItem,
    MapTextItem,
    _font,
    qpoint,
    qrect,
)
from ui.pages.data_map.view import MapView

SMALL_REGISTER = 4_000  # transfers and entities read in the GUI thread up to this size

# -- the page ------------------------------------------------------------------------------------


class DataMapPage(Page):
    title = "Data map"

    # The status arrived and the map is coloured (or the check failed: see ``error``).
    ready = Signal()

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, limit: int = DEFAULT_LIMIT
    ) -> None:
        super().__init__(ctx, parent)
        self.limit = limit
        self.data: MapData | None = None
        self.verdicts: dict[int, TransferVerdict] | None = None
        self.error = ""
        self.jobs = Jobs(self, ctx)
        self._nodes: dict[int, MapNodeItem] = {}
        self._edges: list[MapEdgeItem] = []
        self._boxes: list[MapBoxItem] = []
        self._build()
        self.refresh()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        heading = QLabel(self.title)
        font = heading.font()
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        heading.setFont(font)
        titles.addWidget(heading)
        self.header_label = QLabel()
        self.header_label.setObjectName("data-map-header")
        self.header_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.header_label.setWordWrap(True)
        titles.addWidget(self.header_label)
        header.addLayout(titles, 1)

        controls = QHBoxLayout()
        controls.setSpacing(6)
        self.zoom_out_button = QToolButton()
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip("Zoom out (Ctrl+−, or Ctrl+wheel)")
        self.zoom_out_button.setAccessibleName("Zoom out")
        self.zoom_label = QLabel("100%")
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("0000%"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = QToolButton()
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip("Zoom in (Ctrl++, or Ctrl+wheel)")
        self.zoom_in_button.setAccessibleName("Zoom in")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Show the whole map (Ctrl+0)")
        self.png_button = QPushButton("Export PNG…")
        self.png_button.setToolTip("Save the whole map as a PNG image")
        self.svg_button = QPushButton("Export SVG…")
        if HAS_SVG:
            self.svg_button.setToolTip("Save the whole map as an SVG drawing (scales for print)")
        else:
            self.svg_button.setEnabled(False)
            self.svg_button.setToolTip(
                "SVG export needs the QtSvg module, which this installation of PySide6 lacks: "
                "export a PNG instead"
            )
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            controls.addWidget(w)
        controls.addSpacing(12)
        controls.addWidget(self.png_button)
        controls.addWidget(self.svg_button)
        header.addLayout(controls)
        header.setAlignment(controls, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(header)

        self.scene = QGraphicsScene(self)
        self.scene.setBackgroundBrush(QBrush(SCENE_BACKGROUND))
        self.view = MapView(self.scene)
        self.view.node_clicked.connect(self.open_entity)
        self.view.country_clicked.connect(self._open_country)
        self.view.zoom_changed.connect(self._show_zoom)
        self.message_label = QLabel()
        self.message_label.setObjectName("data-map-message")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        holder = QFrame()
        holder.setFrameShape(QFrame.Shape.StyledPanel)
        self._stack = QStackedLayout(holder)
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.message_label)
        outer.addWidget(holder, 1)

        self.zoom_in_button.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out_button.clicked.connect(lambda: self.view.zoom_by(1 / 1.25))
        self.fit_button.clicked.connect(self.view.fit)
        self.png_button.clicked.connect(self._ask_png)
        self.svg_button.clicked.connect(self._ask_svg)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, lambda: self.view.zoom_by(1.25)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.view.zoom_by(1 / 1.25)),
            (QKeySequence("Ctrl+0"), self.view.fit),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        self._set_exportable(False)

    def _set_exportable(self, on: bool) -> None:
        for w in (self.zoom_in_button, self.zoom_out_button, self.fit_button, self.png_button):
            w.setEnabled(on)
        self.svg_button.setEnabled(on and HAS_SVG)

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the register again and recheck its status (in the background)."""
        self.error = ""
        small = self._small_register()
        if small:
            services = self.ctx.services
            data = build_map(
                services.transfers.list(),
                services.workspace.entity_rows(),
                self.ctx.today,
                self.limit,
            )
            self._show_structure(data)
        elif self.data is None:
            self._show_message("Reading the register…")
            self._set_header("Reading the transfers on the register…")
        # A small register's map is drawn: only its status is wanted from the background.
        wanted = self.data.transfer_ids() if small and self.data is not None else None
        ctx, on, limit = self.ctx, self.ctx.today, self.limit

        def work(services: AppServices, job: Job) -> dict[int, TransferVerdict]:
            ids = wanted
            if ids is None:
                rows = services.workspace.entity_rows()
                data = build_map(services.transfers.list(), rows, on, limit)
                job.report(data)
                ids = data.transfer_ids()
            # The status is shared with the other pages through the context.
            return verdicts(ctx.status(services), ids)

        self.jobs.start(work, self._on_done, self._on_failed, on_progress=self._on_structure)

    def _small_register(self) -> bool:
        counts = self.ctx.services.audit.counts()
        return counts.transfers <= SMALL_REGISTER and counts.entities <= SMALL_REGISTER

    def is_checking(self) -> bool:
        return self.jobs.busy()

    def _on_structure(self, data: MapData) -> None:
        self._show_structure(data)

    def _on_done(self, result: dict[int, TransferVerdict]) -> None:
        self.verdicts = result
        self._apply_status(result)
        self.ready.emit()

    def _on_failed(self, message: str) -> None:
        self.error = message
        if self.data is None:
            self._show_message(f"Could not read the register: {message}")
        self._set_header(f"Could not check the register: {message}")
        self.ready.emit()

    # -- showing -----------------------------------------------------------------------------

    def _set_header(self, text: str) -> None:
        """The line under the title; assistive technology reads it as the map's description."""
        self.header_label.setText(text)
        self.view.setAccessibleDescription(text)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self._stack.setCurrentWidget(self.message_label)
        self._set_exportable(False)

    def _show_structure(self, data: MapData) -> None:
        self.data = data
        self.verdicts = None
        self._draw(data)
        if data.empty:
            self._show_message(
                "No transfers yet\n\nThe flows of personal data appear here, by destination "
                "country, once transfers are on the register."
            )
        else:
            self._stack.setCurrentWidget(self.view)
            self._set_exportable(True)
        self._set_header(self._header_text(data, None))

    def _header_text(self, d: MapData, verdicts: dict[int, TransferVerdict] | None) -> str:
        if d.empty:
            return "No live transfers on the register."
        parts = []
        if d.truncated:
            parts.append(
                f"Showing the top {d.shown_importers:,} of {d.importers:,} importers by number "
                "of transfers"
            )
        exporters = f"{_plural(d.own, 'of our entities', 'of our entities')}" if d.own else ""
        flows = (
            f"{_plural(d.transfers, 'live transfer')}"
            + (f" from {exporters}" if exporters else "")
            + f" to {_plural(d.importers, 'importer')}"
            + f" in {_plural(d.countries, 'country', 'countries')}"
        )
        if d.onward:
            flows += f" ({d.onward:,} onward)"
        parts.append(flows)
        when = day(d.on)
        if verdicts is None:
            parts.append(f"checking the status as of {when}…")
        else:
            counts: Counter[str] = Counter(
                (v.worst.value if v.worst is not None else OK) for v in verdicts.values()
            )
            shown = [
                f"{counts[s]} {s if s != OK else 'OK'}"
                for s in (*(x.value for x in Severity), OK)
                if counts[s]
            ]
            drawn = " of those drawn" if d.truncated else ""
            parts.append(f"status on {when}{drawn}: " + (", ".join(shown) or "nothing assessed"))
        return " · ".join(parts)

    def _draw(self, data: MapData) -> None:
        scene = self.scene
        scene.clear()
        self._nodes = {}
        self._edges = []
        self._boxes = []
        if data.empty:
            scene.setSceneRect(QRectF(0, 0, 10, 10))
            return
        title_font = _font(17, QFont.Weight.Bold)
        scene.addItem(
            MapTextItem(
                f"Data map · transfers of personal data as of {day(data.on)}",
                QPointF(MARGIN, MARGIN - 6),
                title_font,
                TEXT,
            )
        )
        scene.addItem(MapLegendItem(QPointF(MARGIN, MARGIN + TITLE_H)))
        top = MARGIN + TITLE_H + LEGEND_H + 14 + HEADING_H
        lay = layout_map(data, top)
        heading_font = _font(11, QFont.Weight.Bold)
        heading_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0.8)
        heading_y = top - HEADING_H + 2
        for x, text in column_headings(lay, data):
            scene.addItem(MapTextItem(text, QPointF(x, heading_y), heading_font, QUIET))
        for column in lay.columns:
            if column.tier == 0:
                for rect in column.boxes:
                    box = MapBoxItem(
                        "Our entities" if data.own else "Exporters", qrect(rect), tier=0
                    )
                    scene.addItem(box)
                    self._boxes.append(box)
                    for i in data.sources:
                        self._add_node(data.nodes[i], lay.nodes[i], box)
                continue
            for cell, rect in zip(column.cells, column.boxes, strict=True):
                box = MapBoxItem(
                    cell.label,
                    qrect(rect),
                    cell.country,
                    cell.tier,
                    cell.hidden,
                    cell.transfers,
                    show_count=cell.first,
                )
                scene.addItem(box)
                self._boxes.append(box)
                for i in cell.node_ids:
                    self._add_node(data.nodes[i], lay.nodes[i], box)
        for source, segments in lay.buses.items():
            lines = [(qpoint(a), qpoint(b)) for a, b in segments]
            scene.addItem(MapBusItem(lines, [qpoint(d) for d in lay.dots.get(source, [])]))
        names = {i: n.name for i, n in data.nodes.items()}
        for leg in lay.legs:
            edge = MapEdgeItem(leg, names)
            scene.addItem(edge)
            self._edges.append(edge)
        bounds = scene.itemsBoundingRect()
        scene.setSceneRect(
            QRectF(0, 0, math.ceil(bounds.right() + MARGIN), math.ceil(bounds.bottom() + MARGIN))
        )
        if self.view.auto_fit:
            self.view.fit()

    def _add_node(self, node: MapNode, where: Rect, box: MapBoxItem) -> None:
        rect = qrect(where)
        item = MapNodeItem(node, rect, box)
        item.setPos(rect.topLeft() - box.pos())
        self._nodes[node.entity_id] = item

    def _apply_status(self, verdicts: dict[int, TransferVerdict]) -> None:
        incoming: dict[int, list[StatusValue]] = defaultdict(list)
        for edge in self._edges:
            edge.set_status(verdicts)
            if edge.status is not None:
                incoming[edge.importer_id].append(edge.status)
        for entity_id, item in self._nodes.items():
            if item.node.tier:
                item.set_status(worst_of(incoming.get(entity_id, [])))
        if self.data is not None:
            self._set_header(self._header_text(self.data, verdicts))

    def _show_zoom(self, factor: float) -> None:
        self.zoom_label.setText(f"{round(factor * 100)}%")

    def _open_country(self, code: str) -> None:
        self.navigate.emit("transfers", {"country": code})

    # -- what tests and other pages use ----------------------------------------------------------

    def nodes(self) -> list[MapNodeItem]:
        return list(self._nodes.values())

    def node_item(self, entity_id: int) -> MapNodeItem | None:
        return self._nodes.get(entity_id)

    def edges(self) -> list[MapEdgeItem]:
        return list(self._edges)

    def edge(self, exporter_id: int, importer_id: int) -> MapEdgeItem | None:
        for e in self._edges:
            if e.exporter_id == exporter_id and e.importer_id == importer_id:
                return e
        return None

    def boxes(self) -> list[MapBoxItem]:
        return list(self._boxes)

    def apply_filter(self, **criteria: Any) -> None:
        """Centre the map on an entity (``entity_id``) or a destination (``country``)."""
        target: QGraphicsItem | None = None
        entity_id = criteria.get("entity_id")
        if isinstance(entity_id, int):
            target = self._nodes.get(entity_id)
        country = criteria.get("country")
        if target is None and isinstance(country, str):
            target = next((b for b in self._boxes if b.country == country), None)
        if target is not None:
            self.view.auto_fit = False
            self.view.centerOn(target)

    # -- export ------------------------------------------------------------------------------

    def picture_size(self) -> QSize:
        return picture_size(self.scene)

    def export_png(self, path: Path) -> bool:
        return export_png(self.scene, path)

    def export_svg(self, path: Path) -> bool:
        return export_svg(
            self.scene,
            path,
            f"Transfers of personal data as of {day(self.ctx.today)} (Transfer Register)",
        )

    def _ask_png(self) -> None:
        self._ask("png", "PNG image (*.png)", self.export_png)

    def _ask_svg(self) -> None:
        self._ask("svg", "SVG drawing (*.svg)", self.export_svg)

    def _ask(self, suffix: str, file_filter: str, write: Callable[[Path], bool]) -> None:
        default = Path.home() / f"data-map-{self.ctx.today.isoformat()}.{suffix}"
        chosen = messages.save_file(
            self, f"Export the data map as {suffix.upper()}", default, file_filter
        )
        if chosen is None:
            return
        path = chosen
        if path.suffix.lower() != f".{suffix}":
            path = path.with_name(f"{path.name}.{suffix}")
        try:
            written = write(path)
        except OSError as exc:
            messages.error(self, f"Could not save the data map to {path}:\n{exc}")
            return
        if not written:
            messages.error(self, f"Could not save the data map to {path}.")
            return
        if self.data is not None:
            self._set_header(self._header_text(self.data, self.verdicts) + f" · saved {path.name}")
