"""Benchmark of the desktop app on a large register (figures, not pass/fail).

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_gui.py [--entities 100000] [--keep DIR]

The app's process as ``transfers-app gui`` starts it (its collector thresholds, collection on
the GUI thread, the integrity check beside the first reads). Measures, each in a fresh
process where it matters:
- launch to the register painted: from starting the process to the first paint of the
  register table (its first rows; the rest and the status column arrive from a background
  thread, and the time until every row is in the table is reported too);
- search keystroke to repaint: typing a character into the search box until the table repaints;
- opening an entity editor until it is painted;
- once the background status has arrived: a filter by mechanism and by adequacy, and a sort
  by the Next due column, each until the table repaints;
- peak memory (maximum resident set size) of the app process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHILD = r"""
import json, resource, sys, time
t0 = float(sys.argv[2])
from datetime import date
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication
from transfers_app.cli import Context, configure_process
from transfers_app.paths import AppPaths
from ui.collector import MainThreadCollector
from ui.pages.register import RegisterPage

QCoreApplication.setOrganizationName("Transfer Register Bench")
# The process as ``transfers-app gui`` sets it up: the collector's thresholds, and collection
# on the GUI thread only (``ui.app.run``).
configure_process()
app = QApplication([])
collector = MainThreadCollector(app)
cli = Context(
    AppPaths(__import__("pathlib").Path(sys.argv[1])), date(2026, 11, 25),
    database=sys.argv[3] if len(sys.argv) > 3 else None,
)
services = cli.services()
ctx = cli.ui_context(services)  # as ``transfers-app gui`` builds it


class Painted(QObject):
    def __init__(self):
        super().__init__()
        self.at = None

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.time()
        return False


page = RegisterPage(ctx)
page.resize(1280, 800)
watch = Painted()
page.table.viewport().installEventFilter(watch)
page.show()
page.refresh()
while watch.at is None:
    app.processEvents()
launch = watch.at - t0
first_rows = page.table.model().rowCount()
while page._loading_all:
    app.processEvents()
    time.sleep(0.005)
all_loaded = time.time() - t0
rows = page.table.model().rowCount()
extras_known = lambda: getattr(page.model, "extras_known", True)
while not extras_known():
    app.processEvents()
    time.sleep(0.005)
extras_loaded = time.time() - t0

def paint_after(action):
    watch.at = None
    start = time.perf_counter()
    action()
    page.table.viewport().repaint()
    while watch.at is None:
        app.processEvents()
    return time.perf_counter() - start

keystrokes = []
for text in ["s", "st", "str", "stra", "strat", "", "u", "un", "uni", "unit", ""]:
    keystrokes.append(paint_after(lambda t=text: page.search.setText(t)))

from ui.dialogs.entity_editor import EntityEditor
entity_id = page.table.model().index(100, 0).data(0x0100 + 2).entity_id
editor_times = []
for i in range(5):
    start = time.perf_counter()
    e = services.entities.get(entity_id + i)
    dialog = EntityEditor(ctx, e)
    dialog.show()
    dialog.repaint()
    app.processEvents()
    editor_times.append(time.perf_counter() - start)
    dialog.hide()
    dialog.deleteLater()
page.wait_for_background(120000) if hasattr(page, "wait_for_background") else None
while not page.model.status_known:
    app.processEvents()
    time.sleep(0.005)
filters = {}
if hasattr(page, "mechanism_combo"):
    from transfers_app.domain.enums import Mechanism
    from transfers_app.services.workspace import Adequacy
    from ui.models.register_model import Column

    def choose(combo, value):
        return lambda: combo.setCurrentIndex(max(combo.findData(value), 0))

    for name, combo, value in [
        ("mechanism", page.mechanism_combo, Mechanism.EU_SCC),
        ("adequacy", page.adequacy_combo, Adequacy.NOT_ADEQUATE),
    ]:
        filters[name] = [paint_after(choose(combo, value)), paint_after(choose(combo, None))]
        filters[name] += [paint_after(choose(combo, value)), paint_after(choose(combo, None))]
    filters["sort_next_due"] = [
        paint_after(lambda o=o: page.table.sortByColumn(Column.NEXT_DUE, o))
        for o in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)
    ] + [paint_after(lambda: page.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder))]
app.processEvents()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"launch": launch, "first_rows": first_rows, "all_loaded": all_loaded,
                  "extras_loaded": extras_loaded, "rows": rows, "keystrokes": keystrokes,
                  "filters": filters, "editor": editor_times, "peak_mb": peak_mb}))
sys.stdout.flush()
import os
os._exit(0)
"""


def app_run(home: Path, database: str | None = None) -> dict[str, Any]:
    """One fresh app process on the register in ``home`` (or the PostgreSQL ``database``):
    what it measured (see the module's doc), in seconds."""
    extra = [database] if database else []
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), repr(time.time()), *extra],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="tr-gui-bench-"))
    if not (home / "register.db").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "transfers_app",
                "--data-dir",
                str(home),
                "demo",
                "--entities",
                str(args.entities),
            ],
            check=True,
        )
    runs = [app_run(home) for _ in range(3)]
    launch = statistics.median(r["launch"] for r in runs)
    keys = sorted(k for r in runs for k in r["keystrokes"])
    editor = statistics.median(e for r in runs for e in r["editor"])
    peak = max(r["peak_mb"] for r in runs)
    loaded = statistics.median(r["all_loaded"] for r in runs)
    print(f"register of {runs[0]['rows']:,} entities, 3 runs")
    print(
        f"launch to register painted (median): {launch:.2f} s "
        f"(first {runs[0]['first_rows']:,} rows; all rows in the table after {loaded:.2f} s)"
    )
    print(
        f"search keystroke to repaint: median {statistics.median(keys) * 1000:.0f} ms, "
        f"worst {keys[-1] * 1000:.0f} ms"
    )
    print(f"entity editor open to painted (median): {editor * 1000:.0f} ms")
    if runs[0].get("filters"):
        extras = statistics.median(r["extras_loaded"] for r in runs)
        print(f"next due dates and mechanisms in the table after (median): {extras:.2f} s")
    for name in runs[0].get("filters", {}):
        times = sorted(t for r in runs for t in r["filters"][name])
        median = statistics.median(times) * 1000
        label = name.replace("_", " ")
        print(f"{label} to repaint: median {median:.0f} ms, worst {times[-1] * 1000:.0f} ms")
    print(f"peak memory (max RSS, incl. background status): {peak:.0f} MB")


if __name__ == "__main__":
    main()
