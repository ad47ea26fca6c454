"""Register files as a hostile world leaves them: damaged, locked by another program, read-only.

Root ignores file permissions (CI runs as root), so a read-only file or folder is made by
telling ``os.access`` so - what ``open_db`` asks - and the register is then opened read-only
for real (an SQLite connection that cannot write); as another user, ``chmod`` does it.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_value(path: Path, sql: str) -> object:
    """The first column of the first row ``sql`` reads from the file, read behind the
    application's back."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def journal_of_file(path: Path) -> str:
    """The journal mode the register file is in ("wal", "delete"...)."""
    return str(stored_value(path, "PRAGMA journal_mode"))


def checkpoint(path: Path) -> None:
    """Merge the write-ahead log into the file and leave no -wal beside it."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    Path(f"{path}-wal").unlink(missing_ok=True)
    Path(f"{path}-shm").unlink(missing_ok=True)


def damage_pages(path: Path, rng: random.Random, pages: int) -> tuple[int, ...]:
    """Random bytes over ``pages`` whole pages of the file, at a random place (never page 1,
    whose damage is refused earlier, as a file that is not SQLite); the pages hit."""
    data = bytearray(path.read_bytes())
    size = 4096
    count = len(data) // size
    first = rng.randrange(2, count - pages + 2)
    hit = tuple(range(first, first + pages))
    for page in hit:
        start = (page - 1) * size
        data[start : start + size] = rng.randbytes(size)
    path.write_bytes(bytes(data))
    return hit


@contextmanager
def read_only(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> Iterator[None]:
    """``paths`` (files or folders) cannot be written while inside."""
    if os.geteuid() == 0:
        real_access = os.access
        denied = {p.resolve() for p in paths}

        def access(p: object, mode: int, *args: object, **kw: object) -> bool:
            if mode & os.W_OK and Path(str(p)).resolve() in denied:
                return False
            return bool(real_access(p, mode, *args, **kw))  # type: ignore[arg-type]

        with monkeypatch.context() as patch:
            patch.setattr(os, "access", access)
            yield
        return
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


@contextmanager
def held_by_another_program(path: Path, how: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
    """Another program in the middle of a write transaction on the register (``EXCLUSIVE``:
    one that keeps even readers out, as a rollback-journal writer does while committing)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute(f"BEGIN {how}")
        other.execute("INSERT INTO settings (key, value) VALUES ('other program', 'was here')")
        yield other
        other.execute("ROLLBACK")
    finally:
        other.close()
