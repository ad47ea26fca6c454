"""The data map's view: pan by dragging, zoom with Ctrl+wheel, a click on a node or a
country's title reported."""

from __future__ import annotations

from PySide6.QtCore import (
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from ui.pages.data_map.items import (
    SCENE_BACKGROUND,
    MapBoxItem,
    MapNodeItem,
)

# -- the view ----------------------------------------------------------------------------------


class MapView(QGraphicsView):
    """Pan by dragging, zoom with Ctrl+wheel; a click (not a drag) on a node or a country title
    is reported. Keeps the whole picture fitted until the user zooms or pans."""

    node_clicked = Signal(int)
    country_clicked = Signal(str)
    zoom_changed = Signal(float)

    MIN_ZOOM = 0.08
    MAX_ZOOM = 4.0
    MAX_FIT = 1.15

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QBrush(SCENE_BACKGROUND))
        self.setAccessibleName("Data map")
        self.auto_fit = True
        self._press: QPoint | None = None
        self._moved = False

    def zoom(self) -> float:
        return float(self.transform().m11())

    def set_zoom(self, factor: float, under_mouse: bool = False) -> None:
        factor = min(max(factor, self.MIN_ZOOM), self.MAX_ZOOM)
        anchor = self.transformationAnchor()
        if not under_mouse:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        current = self.zoom()
        if current > 0:
            self.scale(factor / current, factor / current)
        self.setTransformationAnchor(anchor)
        self.zoom_changed.emit(self.zoom())

    def zoom_by(self, step: float, under_mouse: bool = False) -> None:
        self.auto_fit = False
        self.set_zoom(self.zoom() * step, under_mouse)

    def fit(self) -> None:
        """The whole picture in the window (never blown up past a little over 100 %)."""
        self.auto_fit = True
        rect = self.sceneRect()
        if rect.isEmpty() or self.viewport().width() < 10:
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > self.MAX_FIT:
            self.set_zoom(self.MAX_FIT)
            self.centerOn(rect.center())
        self.zoom_changed.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.zoom_by(1.15**steps, under_mouse=True)
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._moved = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and not self._moved:
            distance = (event.position().toPoint() - self._press).manhattanLength()
            if distance >= QApplication.startDragDistance():
                self._moved = True
                self.auto_fit = False
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if event.button() != Qt.MouseButton.LeftButton or press is None or self._moved:
            return
        self._clicked(event.position().toPoint())

    def _clicked(self, pos: QPoint) -> None:
        scene_pos = self.mapToScene(pos)
        for item in self.items(pos):
            if isinstance(item, MapNodeItem):
                self.node_clicked.emit(item.entity_id)
                return
            if isinstance(item, MapBoxItem) and item.country:
                local = item.mapFromScene(scene_pos)
                if item.title_rect().contains(local) or item.more_rect().contains(local):
                    self.country_clicked.emit(item.country)
                return

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit()
