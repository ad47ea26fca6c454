"""What every page offers the main window, and the frame of the pages that list rows read in
the background (transfers, documents, assessments, renewals)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QAbstractItemModel, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QTableView, QWidget

from ui.context import UiContext
from ui.jobs import Jobs
from ui.widgets.tables import (
    EmptyState,
    HeaderMemory,
    attach_model,
    fit_columns,
    setup_list_table,
    size_columns,
)

if TYPE_CHECKING:
    from transfers_app.services.app import AppServices

T = TypeVar("T")


class Page(QWidget):
    """A page of the main window. Subclasses set ``title`` and override what they support."""

    title = ""
    # Ask the main window to show another page with a filter, e.g. ("register", {"status": ...}).
    navigate = Signal(str, dict)
    # Ask the main window to open the entity editor on an entity.
    open_entity = Signal(int)
    # The register changed (so other pages and the status bar refresh).
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self) -> None:
        """Reload what the page shows from the register."""

    def apply_filter(self, **criteria: Any) -> None:
        """Show only what ``criteria`` select (used by clicks through from the dashboard)."""

    def focus_search(self) -> bool:
        """Put the cursor in the page's search box (Ctrl+F); False if it has none."""
        return False

    def new_record(self) -> bool:
        """Start a new record (Ctrl+N); False if the page has nothing to create."""
        return False

    def archive_selected(self) -> bool:
        """Archive the selected record (Del); False if the page has nothing to archive."""
        return False

    def edit_controls(self) -> list[QWidget]:
        """The page's buttons that change the register (hidden on a read-only register)."""
        return []

    def set_read_only(self, reason: str) -> None:
        """The register cannot be changed: the page keeps what reads and exports, and hides
        what would change it (the main window says why)."""
        for widget in self.edit_controls():
            widget.hide()


class TablePage(Page, Generic[T]):
    """A page around one table of rows read in the background, ``T`` being what one read
    returns.

    The page reads when first shown (or asked), through its ``jobs``: ``_reader()`` gives the
    work (made on the GUI thread, so it carries the page's settings as they are when the read
    starts) and ``_rows_arrived(result)`` shows what it read. The table keeps the widths, order
    and sort the user left (``header_memory``); otherwise its columns are sized to the first
    rows (none wider than its cap), and some narrowed to the page's width when it is shown.

    A subclass makes ``self.model``, ``self.proxy`` (over the model) and ``self.table``, then
    calls ``_setup_table``; it says where the page shows "Loading…" (``_show_status``).
    """

    # What the rows are, for "The ... could not be read".
    noun = "rows"

    table: QTableView
    model: QAbstractItemModel
    proxy: QSortFilterProxyModel
    header_memory: HeaderMemory
    # What the page says when its table shows no row (set by the page, if it has one).
    empty_state: EmptyState | None = None

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self._fitted = False  # columns narrowed to the page's width once, when first shown
        self._elastic: Mapping[int, int] = {}
        self._caps: Mapping[int, int] = {}
        self.jobs = Jobs(self, ctx)

    def _setup_table(
        self,
        sort_column: int,
        header_key: str,
        settings: QSettings | None,
        *,
        elastic: Mapping[int, int],
        caps: Mapping[int, int],
        order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
    ) -> None:
        """Show ``self.proxy`` in ``self.table`` as the app's lists are shown, with the header
        the user left last time (then the columns are not sized here). Otherwise the columns
        are sized to the first rows, none wider than its ``caps`` entry (column -> widest),
        and the ``elastic`` ones (column -> narrowest) narrowed to fit the page."""
        self._elastic, self._caps = elastic, caps
        setup_list_table(
            self.table, self.proxy, sort_column, self.fontMetrics().height() + 10, order
        )
        self.header_memory = HeaderMemory(self.table, header_key, settings)
        self._fitted = self.header_memory.restored

    def _say_when_empty(self, empty: str, filtered: str) -> None:
        """What the table says when it shows no row (``EmptyState``): ``empty`` when there
        is nothing yet, ``filtered`` when the search or filters hide every row."""
        self.empty_state = EmptyState(
            self.table, empty, filtered, lambda: self.model.rowCount() if self._loaded else None
        )

    # -- loading ------------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        self._ensure_loaded()
        super().showEvent(event)
        if not self._fitted:
            self._fitted = fit_columns(self.table, self._elastic)

    def refresh(self) -> None:
        """Read the rows in the background; they are shown when they arrive."""
        self._show_status("Loading…")
        read = self._reader()
        self.jobs.start(
            lambda services, _job: read(services), self._rows_arrived, self._load_failed
        )

    def _reader(self) -> Callable[[AppServices], T]:
        """The read, run on a worker thread with services of its own."""
        raise NotImplementedError

    def _rows_arrived(self, result: T) -> None:
        raise NotImplementedError

    def _show_status(self, text: str) -> None:
        """Say where the rows stand (loading, or why they could not be read)."""
        raise NotImplementedError

    def _load_failed(self, message: str) -> None:
        self._show_status(f"The {self.noun} could not be read: {message}")

    def wait_for_background(self, msecs: int = -1) -> bool:
        """Wait for the background read and show its rows (tests, and before closing)."""
        return self.jobs.wait(msecs)

    def _ensure_loaded(self) -> None:
        if not self._loaded and not self.jobs.busy():
            self.refresh()

    def _after_load(self, callback: Callable[[], object]) -> bool:
        """Before the first rows arrived: read them (unless under way), run ``callback`` once
        they are shown, and True; False when they are already shown."""
        if self._loaded:
            return False
        self._ensure_loaded()
        self.jobs.then(callback)
        return True

    def _attach(self, model: QAbstractItemModel) -> bool:
        """Show the rows of a newly read ``model``; True when the columns were sized to them
        (the first rows, with no header remembered)."""
        attach_model(self.table, self.proxy, model)
        first = not self._loaded and not self.header_memory.restored
        if first:
            size_columns(self.table, self._caps)
            # Sized to the rows, the columns may no longer fit the page: fit them again (when
            # the page was shown before its rows arrived, the first fit had no rows).
            self._fitted = fit_columns(self.table, self._elastic)
        self._loaded = True
        if self.empty_state is not None:  # the rows are known now: say what to do if none
            self.empty_state.update_state()
        return first
