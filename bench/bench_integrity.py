"""What the integrity check on open costs (figures, not pass/fail): ``PRAGMA quick_check`` on a
generated register, alone and as part of ``open_db``, beside the full ``integrity_check``.

Usage: python bench/bench_integrity.py [--entities 100000] [--data DIR] [--repeat 5]

The register is generated once into ``DIR`` (default ``bench/out/storage-n<entities>``, the
folder ``bench_storage.py`` uses) and reused. Every figure is a median of ``--repeat`` runs with
the file in the operating system's cache (a register opened twice a day is; the first open
after a reboot reads the file from disk once more).
"""

from __future__ import annotations

import sqlite3

from harness import ensure_generated, storage_register, timed

from db import open_db
from db.connection import _quick_check


def main() -> None:
    args, folder = storage_register(repeat=5)
    path = ensure_generated(args.entities, folder)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    size = path.stat().st_size
    print(f"register: {args.entities:,} entities, {size / 2**20:.1f} MB, {pages:,} pages")

    def quick() -> str | None:
        ro = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return _quick_check(ro, path, 5.0)
        finally:
            ro.close()

    def full() -> str:
        ro = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return str(ro.execute("PRAGMA integrity_check(1)").fetchone()[0])
        finally:
            ro.close()

    def opened(verify: bool) -> None:
        open_db(path, verify=verify).conn.close()

    quick()  # the file into the cache
    found, t_quick = timed(quick, args.repeat)
    assert found is None, found
    _, t_open = timed(lambda: opened(True), args.repeat)
    _, t_open_unchecked = timed(lambda: opened(False), args.repeat)
    result, t_full = timed(full, max(1, args.repeat // 2))
    print(f"PRAGMA quick_check(1):              {t_quick * 1000:8.0f} ms (median of {args.repeat})")
    print(f"open_db, checked (the first open):  {t_open * 1000:8.0f} ms")
    print(f"open_db, not checked (later opens): {t_open_unchecked * 1000:8.0f} ms")
    print(f"PRAGMA integrity_check(1):          {t_full * 1000:8.0f} ms ({result})")


if __name__ == "__main__":
    main()
