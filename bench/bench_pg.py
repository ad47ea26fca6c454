"""The team register against the register file (figures, not pass/fail): one generated register
loaded into SQLite and into PostgreSQL, and the same measures on both, in the same run.

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_pg.py [--entities 100000]
    [--server postgresql:///postgres?host=/var/run/postgresql] [--keep DIR]

``--server`` (default ``$TRANSFERS_BENCH_POSTGRES``, else ``$TRANSFERS_TEST_POSTGRES``) names a
database on a server where the user may create databases; the bench creates its own
(``treg_bench_*``) and drops them afterwards. Measured on each engine, the engines taking
turns (SQLite, then PostgreSQL, again) so that a busy machine slows both alike:

- the load: the synthetic register written by the bulk path (``records.add_generated``) into
  each; and ``transfers-app db copy --to postgresql://...`` of the SQLite file into a second,
  empty database (dump, load, read back and compare, end to end);
- ``status``: in process (``compute_status``, no cache) and ``transfers-app status --json``
  end to end (a fresh process: start-up, connection, the whole check, the JSON written);
- the desktop app (``bench_gui.app_run``, offscreen): from starting the process to the register
  table painted, and a search keystroke to the repaint;
- saving one entity as the entity editor does (``EntityService.save``: its notes changed),
  median of ``--saves``;
- two clients at once, two processes: each saves ``--edits`` different entities (throughput,
  conflicts); then both save the SAME entity, opened at the same version, at the same moment,
  ``--rounds`` times (exactly one save must be refused each time).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import psycopg
from bench_gui import app_run
from harness import TODAY, open_store, timed, work_folder
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from db.postgres import PgStore
from db.postgres.connection import init_postgres, open_postgres
from transfers_app.cli import Context, configure_process
from transfers_app.errors import ConflictError
from transfers_app.paths import AppPaths
from transfers_app.ports.storage import Store
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.demo import seed_catalogues
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService
from transfers_app.services.synthetic import generate

DEFAULT_SERVER = "postgresql:///postgres?host=/var/run/postgresql"
ENGINES = ("SQLite", "PostgreSQL")


class Server:
    """Makes and drops the bench's databases on the server ``url`` names."""

    def __init__(self, url: str) -> None:
        self.params = dict(conninfo_to_dict(url))
        self.made: list[str] = []

    def url(self, dbname: str) -> str:
        """The database's postgresql:// URL, as a user gives it to the app."""
        rest = {k: str(v) for k, v in self.params.items() if k != "dbname" and v not in (None, "")}
        return f"postgresql:///{quote(dbname)}" + (f"?{urlencode(rest)}" if rest else "")

    def new_database(self) -> str:
        name = f"treg_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(make_conninfo("", **self.params), autocommit=True) as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(name)
                )
            )
        self.made.append(name)
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drops the database at ``url`` (one of this bench's)."""
        name = next(n for n in self.made if self.url(n) == url)
        with psycopg.connect(make_conninfo("", **self.params), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        self.made.remove(name)

    def drop_all(self) -> None:
        for name in list(self.made):
            self.drop(self.url(name))


@contextmanager
def bench_server(url: str) -> Iterator[Server]:
    server = Server(url)
    try:
        yield server
    finally:
        server.drop_all()


def services(home: Path, database: str | None) -> AppServices:
    """The app's services on the register (as the app opens them: ``cli.Context``)."""
    return Context(AppPaths(home), TODAY, database=database).open_services()


# -- the load --------------------------------------------------------------------------------


def load(n: int, home: Path, database: str) -> dict[str, float]:
    """Writes the synthetic register into ``home/register.db`` and into ``database``."""
    reg, t_gen = timed(lambda: generate(n, 1, TODAY))
    print(f"generated {n:,} entities in {t_gen:.1f} s", flush=True)

    def into(store: Store) -> None:
        seed_catalogues(store)
        store.records.add_generated(
            reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias
        )
        store.close()

    home.mkdir(parents=True, exist_ok=True)
    _, t_sqlite = timed(lambda: into(open_store(home)))
    print(f"  SQLite bulk load {t_sqlite:.1f} s", flush=True)
    init_postgres(database)
    _, t_pg = timed(lambda: into(PgStore(open_postgres(database), actor="bench")))
    print(f"  PostgreSQL bulk load {t_pg:.1f} s", flush=True)
    return {"SQLite": t_sqlite, "PostgreSQL": t_pg}


def db_copy(home: Path, target: str) -> float:
    """``transfers-app db copy --to target`` of the register file in ``home``, end to end."""
    command = [sys.executable, "-m", "transfers_app", "--data-dir", str(home)]
    _, took = timed(
        lambda: subprocess.run([*command, "db", "copy", "--to", target], check=True, text=True)
    )
    return took


# -- status ----------------------------------------------------------------------------------


def status_in_process(store: Store) -> float:
    register = RegisterService(store, ReferenceSource(builtin_reference()))
    _, took = timed(lambda: register.compute_status(TODAY))
    return took


def status_cli(home: Path, database: str | None) -> float:
    command = [sys.executable, "-m", "transfers_app", "--data-dir", str(home)]
    if database:
        command += ["--database", database]
    # Exit code 1: the register has gaps (it has).
    _, took = timed(lambda: subprocess.run([*command, "status", "--json"], capture_output=True))
    return took


# -- saving ----------------------------------------------------------------------------------


def save_times(app: AppServices, entity_ids: list[int]) -> list[float]:
    """Each entity opened and saved as the entity editor saves it (notes changed)."""
    times = []
    for entity_id in entity_ids:
        entity = app.entities.get(entity_id)
        locations = app.entities.locations(entity_id)
        changed = replace(entity, notes=f"{entity.notes} checked".strip())
        start = time.perf_counter()
        app.entities.save(changed, locations, locations)
        times.append(time.perf_counter() - start)
    return times


def _client(
    home: Path,
    database: str | None,
    entity_ids: list[int],
    start: Barrier,
    results: mp.Queue[dict[str, Any]],
) -> None:
    """One of two clients (a process): opens every entity first, waits for the other, then
    saves each; reports its times and the saves refused."""
    app = services(home, database)
    opened = [(app.entities.get(i), app.entities.locations(i)) for i in entity_ids]
    start.wait()
    began = time.time()
    saved, refused = 0, []
    for entity, locations in opened:
        try:
            changed = replace(entity, notes=f"{entity.notes} {os.getpid()}".strip())
            app.entities.save(changed, locations, locations)
            saved += 1
        except ConflictError as exc:
            refused.append(str(exc))
    results.put({"began": began, "ended": time.time(), "saved": saved, "refused": refused})
    app.close()


def two_clients(
    home: Path, database: str | None, ids_a: list[int], ids_b: list[int]
) -> list[dict[str, Any]]:
    """Two processes saving at the same moment; what each reports."""
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(2)
    results: mp.Queue[dict[str, Any]] = ctx.Queue()
    procs = [
        ctx.Process(target=_client, args=(home, database, ids, start, results))
        for ids in (ids_a, ids_b)
    ]
    for p in procs:
        p.start()
    out = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    return out


def concurrency(
    home: Path, database: str | None, first: int, edits: int, rounds: int
) -> tuple[str, str]:
    """Two clients saving different entities (throughput, conflicts), and both saving one."""
    ids = list(range(first, first + 2 * edits))
    both = two_clients(home, database, ids[::2], ids[1::2])
    wall = max(r["ended"] for r in both) - min(r["began"] for r in both)
    saved = sum(r["saved"] for r in both)
    conflicts = sum(len(r["refused"]) for r in both)
    one_refused = 0
    for k in range(rounds):
        same = [first + 2 * edits + k]
        outcome = two_clients(home, database, same, same)
        refused = [m for r in outcome for m in r["refused"]]
        if sum(r["saved"] for r in outcome) == 1 and len(refused) == 1:
            one_refused += 1
        else:
            print(f"    same entity, round {k + 1}: {outcome}", flush=True)
        if k == 0:
            print(f"    refused: {refused}", flush=True)
    return (
        f"{saved / wall:.0f} saves/s ({saved} in {wall:.2f} s, {conflicts} conflicts)",
        f"exactly one refused in {one_refused} of {rounds} rounds",
    )


# -- the run ---------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    configure_process()
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument(
        "--server",
        default=os.environ.get("TRANSFERS_BENCH_POSTGRES")
        or os.environ.get("TRANSFERS_TEST_POSTGRES")
        or DEFAULT_SERVER,
    )
    parser.add_argument("--keep", type=Path, help="keep the register file here")
    parser.add_argument(
        "--reuse",
        metavar="URL",
        help="measure the registers of an earlier run (--keep DIR and its PostgreSQL copy, "
        "left by --keep-database), without loading them again",
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-app", action="store_true", help="skip the desktop app's figures")
    args = parser.parse_args()
    if args.reuse and not (args.keep and (args.keep / "register.db").exists()):
        parser.error("--reuse needs --keep DIR holding the register file of that earlier run")
    if not args.reuse and args.keep and (args.keep / "register.db").exists():
        parser.error(f"{args.keep} already holds a register: measure it with --reuse URL")
    rows: dict[str, dict[str, str]] = {engine: {} for engine in ENGINES}

    def record(label: str, engine: str, text: str) -> None:
        rows[engine][label] = text
        print(f"  {label} [{engine}]: {text}", flush=True)

    with work_folder(args.keep, "tr-bench-pg-") as home, bench_server(args.server) as server:
        database = args.reuse or server.new_database()
        if args.keep_database:
            server.made.clear()
            print(f"the PostgreSQL register stays in {database}", flush=True)
        where: dict[str, str | None] = {"SQLite": None, "PostgreSQL": database}
        if not args.reuse:
            loads = load(args.entities, home, database)
            for engine in ENGINES:
                record("load (bulk, add_generated)", engine, f"{loads[engine]:.1f} s")
            copy_to = server.new_database()
            took = db_copy(home, copy_to)
            record("db copy --to postgresql:// (end to end)", "PostgreSQL", f"{took:.1f} s")
            server.drop(copy_to)

        measures: dict[str, Callable[[str], float]] = {}
        stores: dict[str, Store] = {
            "SQLite": open_store(home),
            "PostgreSQL": PgStore(open_postgres(database), actor="bench"),
        }
        measures["status, in process (compute_status)"] = lambda e: status_in_process(stores[e])
        measures["transfers-app status --json (end to end)"] = lambda e: status_cli(home, where[e])
        for label, measure in measures.items():
            taken: dict[str, list[float]] = {engine: [] for engine in ENGINES}
            for _ in range(args.repeat):
                for engine in ENGINES:
                    taken[engine].append(measure(engine))
            for engine in ENGINES:
                record(label, engine, f"{statistics.median(taken[engine]):.2f} s")
        for store in stores.values():
            store.close()

        if not args.no_app:
            runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in ENGINES}
            for _ in range(args.repeat):
                for engine in ENGINES:
                    runs[engine].append(app_run(home, where[engine]))
            for engine in ENGINES:
                launch = statistics.median(r["launch"] for r in runs[engine])
                keys = sorted(k for r in runs[engine] for k in r["keystrokes"])
                record("app: launch to register painted", engine, f"{launch:.2f} s")
                record(
                    "app: search keystroke to repaint",
                    engine,
                    f"median {ms(statistics.median(keys))}, worst {ms(keys[-1])}",
                )

        apps = {engine: services(home, where[engine]) for engine in ENGINES}
        saves: dict[str, list[float]] = {engine: [] for engine in ENGINES}
        for k in range(args.saves):
            for engine in ENGINES:
                saves[engine] += save_times(apps[engine], [1000 + k])
        for engine in ENGINES:
            times = sorted(saves[engine])
            record(
                "saving one entity (EntityService.save)",
                engine,
                f"median {ms(statistics.median(times))}, worst {ms(times[-1])}",
            )
            apps[engine].close()

        for engine in ENGINES:
            different, same = concurrency(home, where[engine], 2000, args.edits, args.rounds)
            record(f"two clients, {args.edits} different entities each", engine, different)
            record("two clients saving the same entity at once", engine, same)

    print(f"\nRegister of {args.entities:,} entities, medians of {args.repeat} unless said\n")
    print(f"| measure | {' | '.join(ENGINES)} |")
    print("|---|---|---|")
    for label in rows["PostgreSQL"] | rows["SQLite"]:
        print(f"| {label} | {' | '.join(rows[e].get(label, '-') for e in ENGINES)} |")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
