"""Content-addressed file store: each signed document kept once, by SHA-256, never lost."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from transfers_app.domain.models import StoredFile
from transfers_app.errors import StorageError

CHUNK = 1 << 20


def sha256_of(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, source: Path) -> StoredFile:
        """Copy ``source`` into the store (once); verify the copy; return its identity."""
        try:
            digest, size = sha256_of(source)
        except OSError as exc:
            raise StorageError(f"cannot read {source}: {exc.strerror}") from None
        target = self.path_for(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            os.close(fd)
            try:
                shutil.copyfile(source, tmp)
                if sha256_of(Path(tmp))[0] != digest:
                    raise StorageError(f"{source} changed while it was being stored; try again")
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            target.chmod(0o444)
        return StoredFile(sha256=digest, size=size, original_name=source.name)

    def verify(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        return path.exists() and sha256_of(path)[0] == sha256


def copy_files(source: FileStore, target: FileStore, shas: Iterable[str]) -> tuple[int, int]:
    """Copies the signed files ``shas`` that ``target`` lacks from ``source`` (each verified
    by its SHA-256); returns how many were copied and how many ``source`` lacks too."""
    copied = missing = 0
    for sha in dict.fromkeys(shas):
        if target.path_for(sha).exists():
            continue
        found = source.path_for(sha)
        if found.exists():
            target.put(found)
            copied += 1
        else:
            missing += 1
    return copied, missing
