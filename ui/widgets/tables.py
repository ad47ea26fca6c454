"""Shared behaviour of the app's tables."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel
from PySide6.QtWidgets import QTableView

# Sorting through a proxy model compares rows in Python: fine for thousands of rows, but for
# a register of 100,000 it would freeze the window for a long time. Above this, the rows keep
# the page's own order and a click on a header does not sort (search and filters still work).
LARGE_TABLE = 20_000
LARGE_TIP = f"Sorting by column is off above {LARGE_TABLE:,} rows: use the search and filters."


def attach_model(
    table: QTableView, proxy: QSortFilterProxyModel, model: QAbstractItemModel
) -> None:
    """Put a (re)built source model behind ``proxy``, sorting it only while it is small."""
    header = table.horizontalHeader()
    if model.rowCount() > LARGE_TABLE:
        table.setSortingEnabled(False)
        proxy.sort(-1)  # before the rows arrive, so the proxy never sorts them
        proxy.setSourceModel(model)
        header.setToolTip(LARGE_TIP)
        return
    column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
    proxy.setSourceModel(model)
    if not table.isSortingEnabled():
        table.setSortingEnabled(True)
        table.sortByColumn(column, order)
    header.setToolTip("")
