"""Writing export files so that a failed, cancelled or killed export leaves nothing
half-written.

An export is written to a hidden temporary beside its target (``.pack.zip.HOST-PID-XXXXXXXX.tmp``)
and renamed over it at the end. The temporary is removed on an error, a cancel or Ctrl+C; on
SIGTERM or SIGHUP once ``remove_temporaries_on_signals`` is installed (the app's entry point
does); and after SIGKILL or a power cut, by the next export to the same folder
(``remove_stale_temporaries``), which knows its own temporaries by their names.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

# A temporary of ours: the target's name, the computer and process writing it, a random part.
_OURS = re.compile(r"^\.(?P<target>.+)\.(?P<host>[A-Za-z0-9]*)-(?P<pid>\d{1,10})-[0-9a-f]{8}\.tmp$")
# The names of earlier versions (no computer or process): removed once old enough.
_OURS_BEFORE = re.compile(r"^\.(?P<target>.+)\.[0-9a-f]{8}\.tmp$")
# A temporary nobody has written to for this long is abandoned, whoever wrote it (an export
# writes its temporary continually until it renames it).
STALE_AFTER_S = 3600.0

# The temporaries being written now, by any thread (removed by the signal handler, which runs
# on the main thread, maybe while that thread holds the lock: hence re-entrant).
_LIVE: set[Path] = set()
_LIVE_LOCK = threading.RLock()


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:40]


def _running(pid: int) -> bool:
    """Whether process ``pid`` of this computer still runs (True when it cannot be told)."""
    if os.name == "nt":  # os.kill would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # it exists (another user's), or the number is not a process id
    return True


def remove_stale_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the temporaries an export to ``folder`` left behind when it was killed: ours by
    name, and abandoned: written by a process of this computer that no longer runs, or not
    written to for ``STALE_AFTER_S``. Another export still writing (here or on another
    computer sharing the folder) keeps its own. The files removed; errors are ignored (a file
    someone else removed first, a folder that cannot be listed)."""
    now = time.time() if now is None else now
    host = _host()
    removed: list[Path] = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".")]
    except OSError:
        return removed
    for p in candidates:
        ours = _OURS.match(p.name)
        if ours is None and _OURS_BEFORE.match(p.name) is None:
            continue
        try:
            if not p.is_file() or p.is_symlink():
                continue
            idle = now - p.stat().st_mtime
            dead = (
                ours is not None
                and ours["host"] == host
                and int(ours["pid"]) != os.getpid()
                and not _running(int(ours["pid"]))
            )
            if dead or idle > STALE_AFTER_S:
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed


@contextmanager
def atomic_target(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A new temporary file beside ``path``, renamed over it when the block completes.

    On any failure (an error, a cancel raised from a progress callback, Ctrl+C) the temporary
    file is removed and ``path`` is left as it was: no half-written export is ever left behind.
    The file is created with 0o666 less the umask, like any file the user saves. Temporaries
    that earlier exports to the same folder left behind when they were killed are removed
    first.
    """
    target = Path(path)
    remove_stale_temporaries(target.parent)
    token = f"{_host()}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp = target.with_name(f".{target.name}.{token}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    os.close(fd)
    with _LIVE_LOCK:
        _LIVE.add(tmp)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(tmp)


def _remove_live_temporaries() -> None:
    with _LIVE_LOCK:
        live = list(_LIVE)
    for tmp in live:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Remove the temporaries being written, then end as the signal would have."""
    _remove_live_temporaries()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def remove_temporaries_on_signals() -> list[int]:
    """On SIGTERM and SIGHUP (where the system has them), remove the temporaries being
    written before the process ends as it would have (killed by that signal). Only signals
    left at their default are taken over; the main thread must call it. The signals taken."""
    taken = []
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _on_signal)
            taken.append(int(signum))
    return taken


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through :func:`atomic_target`, flushed to disk before the
    rename, so the file is either the old one (or absent) or all of ``data``."""
    target = Path(path)
    with atomic_target(target) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return target
