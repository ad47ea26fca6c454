"""What the benchmarks share: the day they measure on, a median timer, the synthetic register
written once into a folder, and a working folder kept only when asked.

The scripts run as ``python bench/<script>.py``, so this folder is on the import path.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from db import FileStore, SqliteStore, open_db
from transfers_app.services.demo import seed_catalogues
from transfers_app.services.synthetic import generate

TODAY = date(2026, 11, 25)

_T = TypeVar("_T")


def timed(fn: Callable[[], _T], repeat: int = 1) -> tuple[_T, float]:
    """What ``fn`` returns, and its median wall time over ``repeat`` runs, in seconds."""
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def open_store(folder: Path) -> SqliteStore:
    """The register in ``folder`` (``register.db``, its signed files in ``files``)."""
    return SqliteStore(
        open_db(folder / "register.db"), actor="bench", files=FileStore(folder / "files")
    )


def ensure_generated(n: int, folder: Path) -> Path:
    """The register file in ``folder``: ``n`` synthetic entities (seed 1) and the catalogues,
    generated on first use and reused afterwards."""
    path = folder / "register.db"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        reg = generate(n, 1, TODAY)
        repo = open_store(folder)
        seed_catalogues(repo)
        repo.records.add_generated(
            reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias
        )
        repo.close()
    return path


@contextmanager
def work_folder(keep: Path | None, prefix: str) -> Iterator[Path]:
    """``keep`` if given (left in place), else a temporary folder removed afterwards."""
    root = keep or Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield root
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def storage_register(repeat: int) -> tuple[argparse.Namespace, Path]:
    """The options the storage benchmarks share (``--entities``, ``--data``, ``--repeat``)
    and their register's folder (default ``bench/out/storage-n<entities>``)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--repeat", type=int, default=repeat)
    args = parser.parse_args()
    return args, args.data or Path(__file__).parent / "out" / f"storage-n{args.entities}"
