"""Helpers of the GUI tests: picking a combo's item, listing the rows shown, and opening a
table page with its rows read (tests/gui/conftest.py hands out a ``PageLoader`` as the
``load_page`` fixture), showing the main window with settings of the test's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QAbstractItemModel, QCoreApplication
from PySide6.QtWidgets import QComboBox, QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from ui.context import UiContext
from ui.main_window import MainWindow
from ui.models.rows import ObjectRole
from ui.pages.base import TablePage

WAIT_MS = 10_000
P = TypeVar("P", bound=TablePage[Any])
T = TypeVar("T")


def choose(combo: QComboBox, value: object) -> None:
    """Pick the item holding ``value`` (it must be offered)."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def shown_objects(model: QAbstractItemModel, kind: type[T]) -> list[T]:
    """What the rows ``model`` shows hold (their ``ObjectRole``), in order; each a ``kind``."""
    out = []
    for r in range(model.rowCount()):
        obj = model.index(r, 0).data(ObjectRole)
        assert isinstance(obj, kind)
        out.append(obj)
    return out


class PageLoader:
    """Opens a table page (transfers, documents, assessments, renewals) as a test needs it:
    shown to the test's bot, its first read done and, unless ``rows`` is False, some rows in
    its model."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.pages: list[TablePage[Any]] = []

    def __call__(self, page: P, size: tuple[int, int] | None = None, *, rows: bool = True) -> P:
        self.qtbot.addWidget(page)
        self.pages.append(page)
        if size is not None:
            page.resize(*size)
        page.refresh()
        assert page.wait_for_background(WAIT_MS)
        if rows:
            self.qtbot.waitUntil(lambda: page.model.rowCount() > 0)
        return page


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item a test reads or ticks: there must be one."""
    item = table.item(row, column)
    assert item is not None, f"no item at row {row}, column {column}"
    return item


def shown_main_window(qtbot: QtBot, ctx: UiContext, tmp_path: Path) -> MainWindow:
    """The main window on ``ctx``, shown, its remembered settings (geometry, page) the test's
    own."""
    QCoreApplication.setOrganizationName("Transfer Register Tests")
    QCoreApplication.setApplicationName(f"tests-{tmp_path.name}")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window
