"""Benchmark of signed files (figures, not pass/fail): attaching and opening one large file on
a team register (PostgreSQL: the content in ``file_chunks``) beside a register file (SQLite:
the content in its ``files`` folder), with each step's peak memory.

Usage: python bench/bench_pg_files.py [--server URL] [--size-mb 50] [--repeat 3]

``--server``: a PostgreSQL server where you may create databases (default: the one
``TRANSFERS_TEST_POSTGRES`` names); the script makes a database of its own there and drops it.
Each step runs in a fresh process, so its peak resident memory (``ru_maxrss``) is its own:
the table shows the peak and how far it rose above the process's resident size before the
step (Python, the app's modules and the connection). Steps:

- attach: ``documents.add`` with the file (SQLite: copied into the folder and re-hashed;
  PostgreSQL: hashed, then sent in 1 MiB chunks by binary COPY in the document's
  transaction, hashed again as it is sent);
- open: ``documents.file_path``, what "Open document", the evidence pack and the exports
  call (SQLite: the path in the folder; PostgreSQL: the chunks streamed into the user's
  cache folder and verified by their SHA-256);
- open again: the same, the local copy already there (PostgreSQL re-hashes it first).

Times are medians of ``--repeat`` runs (a new document and a new file content each time).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db import FileStore, SqliteStore, open_db
from transfers_app.domain.enums import DocumentKind, EntityKind
from transfers_app.domain.models import Document, Entity
from transfers_app.ports.storage import Store

STEPS = ("attach", "open", "open again")


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _store(engine: str, where: str, cache: Path) -> Store:
    if engine == "sqlite":
        folder = Path(where)
        return SqliteStore(
            open_db(folder / "register.db"), actor="bench", files=FileStore(folder / "files")
        )
    from db.postgres import PgStore, open_postgres

    return PgStore(open_postgres(where), actor="bench", cache=cache)


def child(engine: str, where: str, step: str, arg: str, cache: Path) -> None:
    """One step in this process; prints its time and memory as JSON."""
    store = _store(engine, where, cache)
    if step == "attach":
        party = store.entities.list()[0].id or 0
        doc = Document(kind=DocumentKind.DPA, title="Bench DPA", party_ids=(party,))
    before = _rss_kib()
    start = time.perf_counter()
    if step == "attach":
        result = store.documents.add(doc, Path(arg)).file_sha256 or ""
    else:
        path = store.documents.file_path(arg)
        result = str(path)
    seconds = time.perf_counter() - start
    print(json.dumps({"s": seconds, "before": before, "peak": _rss_kib(), "result": result}))
    store.close()


@dataclass
class Figures:
    seconds: list[float]
    before: list[int]
    peak: list[int]

    def row(self, label: str) -> str:
        s = statistics.median(self.seconds)
        peak = max(self.peak) / 1024
        rise = max(p - b for p, b in zip(self.peak, self.before, strict=True)) / 1024
        return f"{label:<24}{s:>9.2f} s{peak:>10.0f} MiB{rise:>10.0f} MiB"


def _run(engine: str, where: str, step: str, arg: str, cache: Path) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--child", engine, where, step, arg, str(cache)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _big_file(path: Path, size: int) -> Path:
    """``size`` bytes that do not compress (a scanned, signed PDF is compressed already)."""
    with path.open("wb") as out:
        left = size
        while left:
            n = min(left, 1 << 20)
            out.write(os.urandom(n))
            left -= n
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default=os.environ.get("TRANSFERS_TEST_POSTGRES"))
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.server:
        sys.exit("say where a PostgreSQL server is: --server URL or TRANSFERS_TEST_POSTGRES")
    import psycopg
    from psycopg import sql

    from db.postgres import open_postgres

    root = Path(tempfile.mkdtemp(prefix="bench-pg-files-"))
    name = f"treg_bench_files_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.server, autocommit=True)
    admin.execute(
        sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
            sql.Identifier(name)
        )
    )
    url = psycopg.conninfo.make_conninfo(args.server, dbname=name)
    try:
        open_postgres(url, migrate=True).close()  # the schema; no roles to leave behind
        (root / "sqlite").mkdir()
        for engine, where in (("sqlite", str(root / "sqlite")), ("postgresql", url)):
            store = _store(engine, where, root / "unused")
            store.entities.add(Entity(name="Bench Ltd", kind=EntityKind.VENDOR))
            store.close()
        size = args.size_mb << 20
        table: dict[tuple[str, str], Figures] = {}
        for i in range(args.repeat):
            source = _big_file(root / f"signed-{i}.pdf", size)
            for engine, where in (("sqlite", str(root / "sqlite")), ("postgresql", url)):
                cache = root / f"cache-{engine}-{i}"  # each run opens into an empty cache
                sha = ""
                for step in STEPS:
                    arg = str(source) if step == "attach" else sha
                    got = _run(engine, where, step, arg, cache)
                    sha = got["result"] if step == "attach" else sha
                    f = table.setdefault((engine, step), Figures([], [], []))
                    f.seconds.append(got["s"])
                    f.before.append(got["before"])
                    f.peak.append(got["peak"])
            source.unlink()
        print(f"One {args.size_mb} MiB file, median of {args.repeat} runs, a process per step")
        print(f"{'':<24}{'time':>11}{'peak RSS':>14}{'rise':>14}")
        for engine in ("sqlite", "postgresql"):
            for step in STEPS:
                print(table[(engine, step)].row(f"{engine} {step}"))
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:6], cache=Path(sys.argv[6]))
    else:
        main()
