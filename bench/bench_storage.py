"""Benchmark of the storage read path (figures, not pass/fail): ``SqliteRegister`` (old) against
the repositories of ``db.sqlite.SqliteStore`` (new) on one generated register.

Usage: python bench/bench_storage.py [--entities 100000] [--data DIR] [--repeat 3]

The register is generated once into ``DIR`` (default ``bench/out/storage-n<entities>``) and
reused by later runs. Old and new run in turn on the same open database, each read ``--repeat``
times; the table gives medians of wall time (and of process CPU time, steadier on a shared
machine). The garbage collector stays on, as it is in the app.

Where the old read hands back stored values that its caller then decodes (the register page's
rows, due dates and mechanisms), a second "old" row times it as the page uses it
(``Workspace.register_rows`` / ``with_extras``): the new read models come decoded.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from db import FileStore, SqliteRegister, open_db
from db.sqlite import SqliteStore
from transfers_app.reference import builtin_reference
from transfers_app.services.demo import seed_catalogues
from transfers_app.services.register import RegisterService
from transfers_app.services.synthetic import generate
from transfers_app.services.workspace import Workspace

TODAY = date(2026, 11, 25)
FIRST_SCREEN = 2_000


def ensure_register(n: int, folder: Path) -> Path:
    path = folder / "register.db"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    print(f"generating a register of {n:,} entities in {folder} (once)...", flush=True)
    start = time.perf_counter()
    reg = generate(n, 1, TODAY)
    repo = SqliteRegister(open_db(path), actor="bench", files=FileStore(folder / "files"))
    seed_catalogues(repo)
    repo.bulk_add(reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias)
    repo.db.conn.close()
    print(f"  done in {time.perf_counter() - start:.1f} s\n", flush=True)
    return path


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    out = time.perf_counter() - wall, time.process_time() - cpu
    del result
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = args.data or Path(__file__).parent / "out" / f"storage-n{args.entities}"
    database = open_db(ensure_register(args.entities, folder))
    old = SqliteRegister(database, actor="bench")
    new = SqliteStore(database, actor="bench")
    page = Workspace(RegisterService(old, builtin_reference()))
    q = new.queries

    cases: list[tuple[str, list[tuple[str, Callable[[], Any]]]]] = [
        (
            "rules' snapshot",
            [("old snapshot()", old.snapshot), ("new queries.snapshot()", q.snapshot)],
        ),
        (
            "register page rows, all",
            [
                ("old register_table()", old.register_table),
                ("old + Workspace.register_rows decoding", page.register_rows),
                ("new queries.register_rows()", q.register_rows),
            ],
        ),
        (
            f"register page rows, first {FIRST_SCREEN:,}",
            [
                ("old register_table(2000)", lambda: old.register_table(FIRST_SCREEN)),
                (
                    "old + Workspace.register_rows decoding",
                    lambda: page.register_rows(FIRST_SCREEN),
                ),
                ("new queries.register_rows(2000)", lambda: q.register_rows(FIRST_SCREEN)),
            ],
        ),
        (
            "next due + mechanisms, whole register",
            [
                (
                    "old next_due_by_entity + mechanisms_by_importer",
                    lambda: (old.next_due_by_entity(TODAY), old.mechanisms_by_importer()),
                ),
                (
                    "new queries.next_due + mechanisms_used",
                    lambda: (q.next_due(TODAY, recheck_months=12), q.mechanisms_used()),
                ),
            ],
        ),
        (
            f"next due + mechanisms, first {FIRST_SCREEN:,} entities",
            [
                (
                    "old next_due_by_entity + mechanisms_by_importer",
                    lambda: (
                        old.next_due_by_entity(TODAY, ids),
                        old.mechanisms_by_importer(ids),
                    ),
                ),
                (
                    "new queries.next_due + mechanisms_used",
                    lambda: (q.next_due(TODAY, ids, recheck_months=12), q.mechanisms_used(ids)),
                ),
            ],
        ),
        (
            "exports' register lines",
            [
                ("old register_lines()", old.register_lines),
                ("new queries.register_lines()", q.register_lines),
            ],
        ),
    ]
    ids = [r.entity_id for r in q.register_rows(FIRST_SCREEN)]
    counts = q.counts()
    print(
        f"Register: {counts.entities:,} entities, {counts.transfers:,} transfers, "
        f"{counts.documents:,} documents, {counts.assessments:,} assessments "
        f"(medians of {args.repeat}, old and new in turn)\n"
    )
    print("| read | implementation | wall | CPU |")
    print("|---|---|---:|---:|")
    for label, variants in cases:
        walls: dict[str, list[float]] = {name: [] for name, _ in variants}
        cpus: dict[str, list[float]] = {name: [] for name, _ in variants}
        for _ in range(args.repeat):
            for name, fn in variants:
                wall, cpu = timed(fn)
                walls[name].append(wall)
                cpus[name].append(cpu)
        for name, _ in variants:
            print(
                f"| {label} | {name} | {statistics.median(walls[name]):.3f} s "
                f"| {statistics.median(cpus[name]):.3f} s |",
                flush=True,
            )
    database.conn.close()


if __name__ == "__main__":
    main()
