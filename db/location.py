"""Where a register file is: on a network drive or not, whether it can be written, and its
backups (the ``backups`` folder beside it)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

# File systems reached over a network, as Linux names them in /proc/mounts. SQLite's WAL needs
# memory shared by every program using the file, which programs on two machines never share.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.davfs2",
        "fuse.glusterfs",
        "fuse.cephfs",
    }
)
BACKUPS = "backups"


def _linux_mounts() -> list[tuple[str, str]]:
    """(mount point, file system type) of every mount, longest mount point first."""
    try:
        text = Path("/proc/mounts").read_text("utf-8", errors="replace")
    except OSError:
        return []
    mounts = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            # Spaces in mount points are written as \040.
            mounts.append((parts[1].replace("\\040", " "), parts[2]))
    return sorted(mounts, key=lambda m: len(m[0]), reverse=True)


def _windows_remote(folder: Path) -> bool:  # pragma: no cover - Windows only
    text = str(folder)
    if text.startswith("\\\\"):
        return True  # a UNC path: \\server\share\...
    import ctypes

    drive = os.path.splitdrive(text)[0]
    if not drive:
        return False
    DRIVE_REMOTE = 4
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    return bool(kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE)


def network_filesystem(folder: Path) -> str | None:
    """The kind of network file system ``folder`` is on ("cifs", "nfs4", "network drive"),
    or None for a local disk or when it cannot be told."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return "network drive" if _windows_remote(folder) else None
    try:
        resolved = str(folder.resolve())
    except OSError:
        return None
    for mount_point, kind in _linux_mounts():
        inside = resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")
        if inside:
            return kind if kind in NETWORK_FILESYSTEMS else None
    return None


def read_only_reason(path: Path) -> str | None:
    """Why the register at ``path`` cannot be written (its file, or its folder, where SQLite
    keeps its journal), or None when it can."""
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} is read-only"
    return None


def newest_backup(path: Path) -> Path | None:
    """The newest copy of ``path`` in the backups folder beside it."""
    folder = path.parent / BACKUPS
    try:
        found = [p for p in folder.glob(f"{path.stem}-*.db") if p.is_file()]
    except OSError:
        return None
    if not found:
        return None
    return max(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def restore_advice(path: Path) -> str:
    """What to restore a damaged register from: the newest backup, named, or where to look."""
    backup = newest_backup(path)
    if backup is None:
        return (
            f"There is no backup in {path.parent / BACKUPS}: restore {path.name} from your "
            "organisation's backups, and keep the damaged file for your IT team."
        )
    made = datetime.fromtimestamp(backup.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Restore the newest backup, {backup} (made {made}): close the app, move the damaged "
        f"file aside (keep it for your IT team) and copy the backup to {path}. Changes made "
        "since the backup was made are not in it."
    )
