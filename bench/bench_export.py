"""Benchmark of the register exports (figures, not pass/fail).

Usage: python bench/bench_export.py [--csv-size 100000] [--size 10000] [--keep DIR]
                                    [--repeat 3] [--small-repeat 1]

Generates synthetic registers (``transfers_app.services.synthetic``, seed 1, as
``bench_core.py``), computes the status once (the app shares one status report between its
pages, so an export from the app starts from it), then times on 2026-11-25:

- the CSV export of the large register (default 100,000 entities), end to end from the open
  register and the shared status, and its parts: reading the register (snapshot and
  locations), building the register lines, writing the file;
- the XLSX, JSON and PDF exports of the smaller one (default 10,000 entities), end to end.

Targets (issue 5): CSV of 100,000 entities under 2 s; register PDF of 10,000 under 3 s.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import TODAY, ensure_generated, open_store, timed, work_folder

from exports import file_adapters
from exports.register_csv import write_csv
from transfers_app.cli import configure_process
from transfers_app.reference import builtin_reference
from transfers_app.services import register_export as rx
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def register(n: int, folder: Path) -> AppServices:
    ensure_generated(n, folder)
    return AppServices.build(
        open_store(folder), ReferenceSource(builtin_reference()), file_adapters(), TODAY
    )


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def bench_csv(n: int, root: Path, repeat: int) -> None:
    services = register(n, root / f"n{n}")
    report, t_status = timed(lambda: services.register.compute_status(TODAY))
    out = root / "register.csv"
    result, t_total = timed(
        lambda: services.exports.register(
            rx.ExportFormat.CSV, out, TODAY, exported_at=NOW, report=report
        ),
        repeat,
    )
    store = services.register.store
    data, t_read = timed(lambda: rx.gather(store, services.register, TODAY, report), repeat)
    lines, t_lines = timed(lambda: rx.register_lines(data), repeat)
    _, t_write = timed(lambda: write_csv(rx.register_table(lines), out), repeat)
    print(
        f"| CSV | {n:,} | {result.lines:,} lines, {size(out)} | **{t_total:.2f} s** | "
        f"read {t_read:.2f} s + lines {t_lines:.2f} s + write {t_write:.2f} s "
        f"(status, shared, computed once before: {t_status:.2f} s) |"
    )


def bench_small(n: int, root: Path, repeat: int) -> None:
    services = register(n, root / f"n{n}")
    report, t_status = timed(lambda: services.register.compute_status(TODAY))
    for fmt in (rx.ExportFormat.XLSX, rx.ExportFormat.JSON, rx.ExportFormat.PDF):
        if fmt is rx.ExportFormat.PDF:
            try:
                import exports.pdf_render  # noqa: F401
            except ImportError:
                print(f"| PDF | {n:,} | - | - | renderer not available |")
                continue
        out = root / f"register.{fmt.value}"
        result, t_total = timed(
            lambda fmt=fmt, out=out: services.exports.register(
                fmt, out, TODAY, exported_at=NOW, report=report
            ),
            repeat,
        )
        what = "records" if fmt is rx.ExportFormat.JSON else "lines"
        note = ""
        if fmt is rx.ExportFormat.PDF:
            from pypdf import PdfReader

            note = f", {len(PdfReader(out).pages):,} pages"
        print(
            f"| {fmt.value.upper()} | {n:,} | {result.lines:,} {what}{note}, {size(out)} | "
            f"**{t_total:.2f} s** | status (shared, computed once before): {t_status:.2f} s |"
        )


def main() -> None:
    configure_process()  # as the app's own process is (its garbage-collector thresholds)
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv-size", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="CSV: median of this many runs")
    parser.add_argument(
        "--small-repeat", type=int, default=1, help="XLSX, JSON, PDF: median of this many runs"
    )
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the generated registers here")
    args = parser.parse_args()
    print("| export | entities | output | time (median) | where it goes |")
    print("|---|---:|---|---:|---|")
    with work_folder(args.keep, "tr-bench-export-") as root:
        bench_csv(args.csv_size, root, args.repeat)
        bench_small(args.size, root, args.small_repeat)


if __name__ == "__main__":
    main()
