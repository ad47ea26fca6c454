"""Shared behaviour of the app's tables."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QObject,
    QRunnable,
    QSortFilterProxyModel,
    QThreadPool,
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
