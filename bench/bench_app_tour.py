"""The whole app on a large register: open the main window, visit every page, and report how
long each first visit blocked the window and the peak memory (figures, not pass/fail).

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_app_tour.py DATA_DIR
(DATA_DIR holds a register, e.g. made with `transfers-app --data-dir DIR demo --entities 100000`).
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtWidgets import QApplication

from transfers_app.cli import Context
from transfers_app.paths import AppPaths
from ui.main_window import PAGES, MainWindow


def main() -> None:
    QCoreApplication.setOrganizationName("Transfer Register Bench")
    app = QApplication([])
    cli = Context(AppPaths(Path(sys.argv[1])), date(2026, 11, 25))
    ctx = cli.ui_context()
    start = time.perf_counter()
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    print(f"main window shown: {time.perf_counter() - start:.1f} s")
    for key, _, _ in PAGES:
        t = time.perf_counter()
        window.go(key, {})
        app.processEvents()
        print(f"first visit of {key}: {time.perf_counter() - t:.1f} s")
    QThreadPool.globalInstance().waitForDone()
    app.processEvents()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"all background work done after {time.perf_counter() - start:.1f} s; "
        f"peak memory {peak:.0f} MB"
    )
    window.close()


if __name__ == "__main__":
    main()
