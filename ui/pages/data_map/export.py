"""The data map as a file: the whole picture (not the part in view) as a PNG image, or as an
SVG drawing that scales for print."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize
from PySide6.QtGui import QImage, QImageWriter, QPainter
from PySide6.QtWidgets import QGraphicsScene

from ui.pages.data_map.items import SCENE_BACKGROUND

try:  # QtSvg ships with PySide6-Essentials; the SVG export disables itself without it.
    from PySide6.QtSvg import QSvgGenerator

    HAS_SVG = True
except ImportError:  # pragma: no cover - depends on the installed wheel
    HAS_SVG = False


def picture_size(scene: QGraphicsScene) -> QSize:
    rect = scene.sceneRect()
    return QSize(math.ceil(rect.width()), math.ceil(rect.height()))


def export_png(scene: QGraphicsScene, path: Path) -> bool:
    size = picture_size(scene)
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(SCENE_BACKGROUND)
    painter = QPainter(image)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), scene.sceneRect())
    finally:
        painter.end()
    writer = QImageWriter(str(path), QByteArray(b"PNG"))
    return writer.write(image)


def export_svg(scene: QGraphicsScene, path: Path, description: str) -> bool:
    if not HAS_SVG:
        return False
    size = picture_size(scene)
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setResolution(96)  # one scene unit is one CSS pixel
    generator.setTitle("Data map")
    generator.setDescription(description)
    painter = QPainter()
    if not painter.begin(generator):
        return False
    try:
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), SCENE_BACKGROUND)
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), scene.sceneRect())
    finally:
        painter.end()
    return path.exists() and path.stat().st_size > 0
