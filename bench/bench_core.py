"""Benchmark of the core (figures, not pass/fail): generation, opening, status, check, start-up.

Usage: python bench/bench_core.py [--sizes 10000 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from harness import TODAY, open_store, timed, work_folder

from db import SqliteStore, open_db
from transfers_app.cli import configure_process
from transfers_app.domain.enums import Role
from transfers_app.reference import builtin_reference
from transfers_app.services.demo import seed_catalogues
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService
from transfers_app.services.synthetic import generate


def bench(n: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "register.db"
    reg, t_gen = timed(lambda: generate(n, 1, TODAY))
    repo = open_store(folder)
    seed_catalogues(repo)
    _, t_save = timed(
        lambda: repo.records.add_generated(
            reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias
        )
    )
    repo.close()
    db, t_open = timed(lambda: open_db(path), repeat=5)
    service = RegisterService(SqliteStore(db, actor="bench"), ReferenceSource(builtin_reference()))
    report, t_status = timed(lambda: service.compute_status(TODAY), repeat=3)
    service.check("Stratus Cloud", ["US", "IN"], Role.PROCESSOR, TODAY)  # warm caches
    _, t_check = timed(
        lambda: service.check("Stratus Clowd", ["US", "IN", "BR"], Role.PROCESSOR, TODAY), repeat=5
    )
    cli = [sys.executable, "-m", "transfers_app", "--data-dir", str(folder)]
    _, t_cli_check = timed(
        lambda: subprocess.run(
            [*cli, "check", "--name", "Acme", "--country", "US", "--role", "processor", "--json"],
            check=True,
            capture_output=True,
        ),
        repeat=3,
    )
    print(
        f"| {n:>7,} | {len(reg.transfers):>7,} | {t_gen:6.2f} s | {t_save:6.2f} s | "
        f"{t_open * 1000:6.1f} ms | {t_status:6.2f} s ({len(report.gaps):,} gaps) | "
        f"{t_check * 1000:6.1f} ms | {t_cli_check:5.2f} s |"
    )


def main() -> None:
    configure_process()  # as the app's own process is (its garbage-collector thresholds)
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="keep the generated registers here")
    args = parser.parse_args()
    _, t_start = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "transfers_app", "--version"], check=True, capture_output=True
        ),
        repeat=5,
    )
    print(f"CLI start-up (transfers-app --version, median of 5): {t_start * 1000:.0f} ms\n")
    print(
        "| entities | transfers | generate | save | open_db | status (whole register) "
        "| check (warm) | CLI check (end to end) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    with work_folder(args.keep, "tr-bench-") as root:
        for n in args.sizes:
            bench(n, root / f"n{n}")


if __name__ == "__main__":
    main()
