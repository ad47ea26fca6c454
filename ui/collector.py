"""Python's cyclic garbage collector runs on the GUI thread only.

The collector runs in whichever thread happens to allocate when a generation's threshold is
crossed, and in this app that is usually a worker thread (a status check allocates millions of
objects). If that collection frees a widget caught in a reference cycle (a closed dialog and
its slots, say), Qt destroys the widget from the worker thread and the process crashes
("Fatal Python error: Segmentation fault ... Garbage-collecting" in a worker). So, as calibre
does: automatic collection is off while the app runs, and a timer on the GUI thread collects
whatever generation has crossed its threshold. Reference counting frees everything else as
usual, on any thread; only cycles wait for the timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> int:
        """Collect the oldest generation over its threshold (and the younger ones with it);
        the number of objects freed."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.threshold[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        if self.was_enabled:
            gc.enable()
