"""Shared behaviour of the app's tables."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QCoreApplication,
    QEvent,
    QObject,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from ui.models.rows import ObjectRole
from ui.widgets.charts import secondary_text

# Sorting through a proxy model compares rows in Python: fine for thousands of rows, but for
# a register of 100,000 it would freeze the window for a long time. Above this, the rows keep
# the page's own order and a click on a header does not sort (search and filters still work).
LARGE_TABLE = 20_000
LARGE_TIP = f"Sorting by column is off above {LARGE_TABLE:,} rows: use the search and filters."


def setup_list_table(
    table: QTableView,
    model: QAbstractItemModel,
    sort_column: int,
    row_height: int,
    order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
) -> None:
    """Show ``model`` (usually a filter proxy) in ``table`` as the app's lists are shown:
    sorted by ``sort_column`` (-1: the model's own order), one whole row selected at a time,
    read-only, one line per row with alternating colours, every column resizable by the user
    and the last one filling the rest.

    ``row_height`` comes from the page, whose font the rows were always measured with."""
    table.setModel(model)
    table.setSortingEnabled(True)
    table.sortByColumn(sort_column, order)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    vertical = table.verticalHeader()
    vertical.setVisible(False)
    vertical.setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)


class MiddleElide(QStyledItemDelegate):
    """Text too long for its column loses its middle, not its end: titles and names that
    start alike ("IDTA Keystone Europe - Keystone Asia" / "... - Keystone Australia") stay
    told apart. The whole text is in the cell's tooltip."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


def elide_in_the_middle(table: QTableView, columns: Iterable[int]) -> None:
    """Names and titles in these columns are elided in the middle (``MiddleElide``)."""
    delegate = MiddleElide(table)
    for column in columns:
        table.setItemDelegateForColumn(column, delegate)


def size_columns(table: QTableView, caps: Mapping[int, int]) -> None:
    """Size every column to its contents, none of the ``caps`` columns wider than its cap."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column, cap in caps.items():
        header.resizeSection(column, min(header.sectionSize(column), cap))


def selected_object(table: QTableView) -> object:
    """What the selected row holds (its ``ObjectRole``); None when no row is selected."""
    selection = table.selectionModel()
    rows = selection.selectedRows() if selection is not None else []
    return rows[0].data(ObjectRole) if rows else None


def select_row_where(
    table: QTableView, matches: Callable[[object], bool], *, scroll: bool = True
) -> bool:
    """Select the first row shown whose object ``matches`` (scrolled to, if ``scroll``);
    False when the filters show none."""
    model = table.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if matches(index.data(ObjectRole)):
            table.selectRow(row)
            if scroll:
                table.scrollTo(index)
            return True
    return False


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


def app_settings() -> QSettings | None:
    """The user's preferences, or None while the application has no name (a bare
    QApplication, as in most tests): Qt would file them under "Unknown Organization", shared
    by every such run, so nothing is remembered then."""
    if not QCoreApplication.organizationName():
        return None
    return QSettings()


class HeaderMemory(QObject):
    """Remember a table's column widths, column order and sort between runs.

    The state of the horizontal header is restored at once (``restored`` says whether there
    was one: the page then leaves its automatic column sizing alone) and saved under ``key``
    shortly after the user resizes, moves or sorts a column with the mouse, or when the
    table is hidden (its page left, the window closed) with a change not saved yet. Sizes
    the page sets itself (fitting columns to their contents) are not saved: a register first
    seen empty must not keep header-wide columns once it fills.
    """

    SAVE_DELAY_MS = 400

    def __init__(self, table: QTableView, key: str, settings: QSettings | None = None) -> None:
        super().__init__(table)
        self.table = table
        self.key = key
        self._settings = settings if settings is not None else app_settings()
        self._by_user = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        header = table.horizontalHeader()
        self.restored = self._restore()
        header.sectionResized.connect(self._changed)
        header.sectionMoved.connect(self._changed)
        header.sortIndicatorChanged.connect(self._changed)
        header.viewport().installEventFilter(self)
        table.installEventFilter(self)

    def _restore(self) -> bool:
        if self._settings is None:
            return False
        state = self._settings.value(self.key)
        if not isinstance(state, QByteArray | bytes) or not state:
            return False
        return self.table.horizontalHeader().restoreState(QByteArray(state))

    def _changed(self, *_args: Any) -> None:
        if self._by_user:
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and watched is not self.table:
            self._by_user = True  # a drag, a double-click on a divider or a sort click
        elif kind == QEvent.Type.MouseButtonRelease and watched is not self.table:
            if self._by_user:
                self._timer.start()
        elif kind == QEvent.Type.Hide and watched is self.table and self._timer.isActive():
            self._timer.stop()
            self.save()
        return False

    @property
    def pending(self) -> bool:
        """A change waits to be saved."""
        return self._timer.isActive()

    def save(self) -> None:
        """Save the header's state now."""
        self._timer.stop()
        self._by_user = False
        if self._settings is not None:
            self._settings.setValue(self.key, self.table.horizontalHeader().saveState())


def fit_columns(table: QTableView, elastic: Mapping[int, int]) -> bool:
    """Narrow the ``elastic`` columns (already sized to their contents; column -> narrowest
    width) so that every column fits the table's width; False if the table is not laid out
    yet (try again when shown).

    Text that no longer fits is elided, and whole in the tooltip or a wider column.
    """
    header = table.horizontalHeader()
    available = table.viewport().width()
    if not table.isVisible() or available < 200:
        return False
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    stretched = shown[-1] if header.stretchLastSection() and shown else None
    for c in elastic:
        if c in shown and c != stretched:  # from the width the contents want (more room)
            header.resizeSection(c, max(table.sizeHintForColumn(c), header.sectionSizeHint(c)))
    sizes = {c: header.sectionSize(c) for c in shown}
    candidates = [c for c in elastic if c in sizes]
    if header.stretchLastSection() and shown:
        # The stretched last column never gets narrower than the default section size, or
        # than its own ``elastic`` entry (a last column of sentences, "Worst gap").
        last = shown[-1]
        sizes[last] = max(sizes[last], header.defaultSectionSize(), elastic.get(last, 0))
        candidates = [c for c in candidates if c != last]
    excess = sum(sizes.values()) - available
    room = {c: max(0, sizes[c] - elastic[c]) for c in candidates}
    spare = sum(room.values())
    if excess > 0 and spare > 0:
        share = min(1.0, excess / spare)
        for c, r in room.items():
            header.resizeSection(c, sizes[c] - math.ceil(r * share))
    return True


class EmptyState(QLabel):
    """What to do when a table shows no row, over the table's empty viewport: one text when
    there is nothing at all yet ("The register is empty. Add ..."), another when the search
    or the filters hide every row. Kept in step with the table's model; ``total`` is the
    number of rows before filtering, None while they are still being read (nothing shown)."""

    def __init__(
        self,
        table: QTableView,
        empty: str,
        filtered: str,
        total: Callable[[], int | None],
    ) -> None:
        super().__init__(table.viewport())
        self._table = table
        self._empty = empty
        self._filtered = filtered
        self._total = total
        self.setObjectName("emptyState")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setMargin(24)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, secondary_text(palette))
        self.setPalette(palette)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        table.viewport().installEventFilter(self)
        self.watch(table.model())

    def watch(self, model: QAbstractItemModel | None) -> None:
        """Follow ``model`` (call again when the table gets another one)."""
        if model is None:
            return
        for signal in (
            model.modelReset,
            model.rowsInserted,
            model.rowsRemoved,
            model.layoutChanged,
        ):
            signal.connect(self.update_state)
        self.update_state()

    def update_state(self, *_args: object) -> None:
        model = self._table.model()
        rows = model.rowCount() if model is not None else 0
        total = self._total()
        if rows or total is None:
            self.hide()
            return
        self.setText(self._empty if total == 0 else self._filtered)
        self.setGeometry(self._table.viewport().rect())
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._table.viewport().rect())
        return False
