"""Shared behaviour of the app's tables."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QCoreApplication,
    QEvent,
    QObject,
    QRunnable,
    QSettings,
    QSortFilterProxyModel,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QTableView

if TYPE_CHECKING:
    from ui.context import UiContext

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


class _LoadJob(QRunnable):
    """Run a page's read on a worker thread, with a service on a connection of its own."""

    def __init__(self, loader: BackgroundLoader, request: int, work: Callable[[Any], Any]) -> None:
        super().__init__()
        self.loader = loader
        self.request = request
        self.work = work

    def run(self) -> None:
        ctx = self.loader.ctx
        try:
            service = ctx.service_factory()
            service.ref = ctx.service.ref  # follow the reference data in use
            result: tuple[bool, Any] = (True, self.work(service))
        except Exception as exc:  # any failure becomes a message on the page, never a crash
            result = (False, str(exc) or type(exc).__name__)
        self.loader._finished(self.request, result)


class BackgroundLoader(QObject):
    """Read a page's rows in a background thread (one at a time) and deliver them on the
    GUI thread; a result overtaken by a newer request is dropped.

    ``work(service)`` runs on the worker thread with a service of its own (an SQLite
    connection belongs to the thread that opened it) and must not touch any widget;
    ``on_done(result)`` and ``on_failed(message)`` run on the GUI thread.
    """

    _ready = Signal(int)

    def __init__(
        self,
        ctx: UiContext,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._on_done = on_done
        self._on_failed = on_failed
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._request = 0
        self._delivered = 0
        self._lock = threading.Lock()
        self._results: dict[int, tuple[bool, Any]] = {}
        self._then: list[Callable[[], object]] = []
        self._ready.connect(self._deliver)

    @property
    def busy(self) -> bool:
        """A request was started whose result has not been delivered yet."""
        return self._delivered != self._request

    def start(self, work: Callable[[Any], Any]) -> None:
        self._request += 1
        self._pool.start(_LoadJob(self, self._request, work))

    def then(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the GUI thread once the latest request's rows are delivered
        (at once if none is under way); dropped if the request fails."""
        if self.busy:
            self._then.append(callback)
        else:
            callback()

    def _finished(self, request: int, result: tuple[bool, Any]) -> None:  # worker thread
        with self._lock:
            self._results[request] = result
        self._ready.emit(request)

    def _deliver(self, *_args: Any) -> None:
        with self._lock:
            results, self._results = self._results, {}
        result = results.get(self._request)
        if result is None:
            return  # only stale results (or none): the latest is still being read
        self._delivered = self._request
        callbacks, self._then = self._then, []
        ok, value = result
        if not ok:
            self._on_failed(str(value))
            return
        self._on_done(value)
        for callback in callbacks:
            callback()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the background read and deliver its result now (tests, closing)."""
        done = self._pool.waitForDone(msecs)
        self._deliver()
        return done
