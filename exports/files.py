"""Writing export files so that a failed or cancelled export leaves nothing half-written."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_target(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new temporary file beside ``path``, renamed over it when the block completes.

    On any failure (an error, a cancel raised from a progress callback, Ctrl+C) the temporary
    file is removed and ``path`` is left as it was: no half-written export is ever left behind.
    The file is created with 0o666 less the umask, like any file the user saves.
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through :func:`atomic_target`, flushed to disk before the
    rename, so the file is either the old one (or absent) or all of ``data``."""
    target = Path(path)
    with atomic_target(target) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return target
