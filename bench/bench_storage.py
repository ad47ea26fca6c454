"""Benchmark of the storage read path (figures, not pass/fail): the read models of
``db.sqlite.SqliteStore`` on one generated register, and what the services make of them.

Usage: python bench/bench_storage.py [--entities 100000] [--data DIR] [--repeat 3]

The register is generated once into ``DIR`` (default ``bench/out/storage-n<entities>``) and
reused by later runs. Each read runs ``--repeat`` times; the table gives medians of wall time
(and of process CPU time, steadier on a shared machine). The garbage collector stays on, as it
is in the app.

Beside each read, the service that consumes it: the register page's rows
(``Workspace.register_rows`` / ``with_extras``) and the exports' register lines
(``register_export.register_lines``, from the read model and the status).
(The single repository these replaced is gone; its figures are in the README.)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import TODAY, ensure_generated, storage_register, timed

from db import SqliteStore, open_db
from transfers_app.domain.enums import DocumentKind
from transfers_app.reference import builtin_reference
from transfers_app.services import register_export as rx
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService
from transfers_app.services.workspace import Workspace

FIRST_SCREEN = 2_000


def ensure_register(n: int, folder: Path) -> Path:
    path = folder / "register.db"
    if path.exists():
        return path
    print(f"generating a register of {n:,} entities in {folder} (once)...", flush=True)
    _, took = timed(lambda: ensure_generated(n, folder))
    print(f"  done in {took:.1f} s\n", flush=True)
    return path


def wall_and_cpu(fn: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    out = time.perf_counter() - wall, time.process_time() - cpu
    del result
    return out


def main() -> None:
    args, folder = storage_register(repeat=3)
    store = SqliteStore(open_db(ensure_register(args.entities, folder)), actor="bench")
    register = RegisterService(store, ReferenceSource(builtin_reference()))
    page = Workspace(store, register)
    q = store.queries
    recheck = register.ref.evidence_recheck(DocumentKind.DPF_CERTIFICATION)
    months = recheck.every_months if recheck is not None else None
    ids = [r.entity_id for r in q.register_rows(FIRST_SCREEN)]
    report = register.compute_status(TODAY)
    data = rx.gather(store, register, TODAY, report)

    cases: list[tuple[str, list[tuple[str, Callable[[], Any]]]]] = [
        ("rules' snapshot", [("queries.snapshot()", q.snapshot)]),
        (
            "register page rows, all",
            [
                ("queries.register_rows()", q.register_rows),
                ("Workspace.register_rows()", page.register_rows),
            ],
        ),
        (
            f"register page rows, first {FIRST_SCREEN:,}",
            [
                ("queries.register_rows(2000)", lambda: q.register_rows(FIRST_SCREEN)),
                ("Workspace.register_rows(2000)", lambda: page.register_rows(FIRST_SCREEN)),
            ],
        ),
        (
            "next due + mechanisms, whole register",
            [
                (
                    "queries.next_due + mechanisms_used",
                    lambda: (q.next_due(TODAY, recheck_months=months), q.mechanisms_used()),
                ),
            ],
        ),
        (
            f"next due + mechanisms, first {FIRST_SCREEN:,} entities",
            [
                (
                    "queries.next_due + mechanisms_used",
                    lambda: (
                        q.next_due(TODAY, ids, recheck_months=months),
                        q.mechanisms_used(ids),
                    ),
                ),
            ],
        ),
        (
            "exports' register lines",
            [
                ("queries.register_lines()", q.register_lines),
                ("register_export.register_lines()", lambda: rx.register_lines(data)),
            ],
        ),
    ]
    counts = q.counts()
    print(
        f"Register: {counts.entities:,} entities, {counts.transfers:,} transfers, "
        f"{counts.documents:,} documents, {counts.assessments:,} assessments "
        f"(medians of {args.repeat})\n"
    )
    print("| read | implementation | wall | CPU |")
    print("|---|---|---:|---:|")
    for label, variants in cases:
        walls: dict[str, list[float]] = {name: [] for name, _ in variants}
        cpus: dict[str, list[float]] = {name: [] for name, _ in variants}
        for _ in range(args.repeat):
            for name, fn in variants:
                wall, cpu = wall_and_cpu(fn)
                walls[name].append(wall)
                cpus[name].append(cpu)
        for name, _ in variants:
            print(
                f"| {label} | {name} | {statistics.median(walls[name]):.3f} s "
                f"| {statistics.median(cpus[name]):.3f} s |",
                flush=True,
            )
    store.close()


if __name__ == "__main__":
    main()
