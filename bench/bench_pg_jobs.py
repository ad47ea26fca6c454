"""What a background job of the desktop app costs on a team register: opening its services
(a new connection to the server, checked) against the work it does, and taking them from the
worker pool instead (``transfers_app.cli_registers.WorkerPool``).

    TRANSFERS_BENCH_POSTGRES="postgresql:///postgres?host=/var/run/postgresql" \\
        python bench/bench_pg_jobs.py [--repeat 21]

The server URL names a database where the user may create and drop one (the bench's own,
holding the demo register: 20 entities, the size of a small team's register).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
from harness import TODAY, timed
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from db.postgres import open_postgres
from exports import file_adapters
from transfers_app.cli import open_services
from transfers_app.cli_registers import WorkerPool, connection_usable
from transfers_app.domain.enums import Role
from transfers_app.paths import AppPaths
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    server = os.environ.get("TRANSFERS_BENCH_POSTGRES")
    if not server:
        print("set TRANSFERS_BENCH_POSTGRES to a server's URL", file=sys.stderr)
        return 2
    params = conninfo_to_dict(server)
    name = f"treg_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(make_conninfo(**params), autocommit=True)
    admin.execute(
        sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
            sql.Identifier(name)
        )
    )
    url = f"postgresql:///{name}?" + "&".join(
        f"{k}={v}" for k, v in params.items() if k != "dbname" and v
    )
    try:
        open_postgres(url, migrate=True).close()
        paths = AppPaths(Path(tempfile.mkdtemp(prefix=name))).ensure()
        reference, files = ReferenceSource(builtin_reference()), file_adapters()

        def opened() -> AppServices:
            return open_services(paths, reference, files, TODAY, url, verify=False)

        gui = opened()
        gui.setup.load_demo(TODAY)
        jobs: dict[str, Callable[[AppServices], object]] = {
            "register page rows": lambda s: s.workspace.register_rows(on=TODAY),
            "search keystroke (supplier check)": lambda s: s.register.check(
                "Stratus", ["US"], Role.PROCESSOR, TODAY
            ),
            "status report": lambda s: s.register.compute_status(TODAY),
        }
        _, cold = timed(lambda: opened().close(), args.repeat)
        pool = WorkerPool(opened, connection_usable)
        pool.give_back(pool.take())
        _, warm = timed(lambda: pool.give_back(pool.take()), args.repeat)
        print(
            f"demo register (20 entities) on {params.get('host') or 'localhost'}, "
            f"median of {args.repeat}"
        )
        print(f"  open a job's services (connect + check): {cold * 1000:7.1f} ms")
        print(f"  take them from the worker pool:          {warm * 1000:7.3f} ms")
        worker = pool.take()
        for what, job in jobs.items():
            _, took = timed(lambda job=job: job(worker), args.repeat)
            print(f"  job: {what:<36} {took * 1000:7.1f} ms")
        pool.give_back(worker)
        pool.close()
        gui.close()
        shutil.rmtree(paths.home, ignore_errors=True)
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
