"""Two panes side by side (or one above the other) that the user can resize, and a pane that
stacks a line of controls above the widget taking the room left."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget


def split_panes(
    first: QWidget,
    second: QWidget,
    stretch: tuple[int, int],
    sizes: tuple[int, int],
    orientation: Qt.Orientation = Qt.Orientation.Horizontal,
) -> QSplitter:
    """``first`` then ``second`` in a splitter that shares the room left as ``stretch`` says,
    starts at ``sizes`` and never lets a pane collapse to nothing."""
    splitter = QSplitter(orientation)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setStretchFactor(0, stretch[0])
    splitter.setStretchFactor(1, stretch[1])
    splitter.setSizes(list(sizes))
    splitter.setChildrenCollapsible(False)
    return splitter


def stacked_pane(top: QWidget, rest: QWidget, rest_stretch: int = 1) -> QWidget:
    """A pane with no margins of its own: ``top`` above ``rest``, which takes the room left
    (unless ``rest_stretch`` is 0: a field with its hint under it, as one form cell)."""
    pane = QWidget()
    column = QVBoxLayout(pane)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(top)
    column.addWidget(rest, rest_stretch)
    return pane
