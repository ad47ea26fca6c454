"""Where a register keeps its signed documents' content, by SHA-256: ``SignedFiles``, the
small protocol both engines implement, and ``FileStore``, the folder a register file keeps
them in (the PostgreSQL register keeps them in its database: ``db.postgres.files``).

The repositories identify a file (``sha256_of``), record it in the ``files`` table, then ask
the engine's ``SignedFiles`` to ``keep`` its content, in the same transaction where the
engine has them; they hand out a local path to it (``local_path``) so that opening a
document, the evidence pack and the exports read a file whatever the engine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from transfers_app.domain.models import StoredFile
from transfers_app.errors import StorageError

CHUNK = 1 << 20


class SignedFiles(Protocol):
    """The content of a register's signed files, each kept once, by its SHA-256."""

    def keep(self, source: Path, sha256: str) -> None:
        """Keeps the content of ``source`` (once: nothing is written if it is held already),
        checked to have the SHA-256 ``sha256`` as it is read: a file that changed since it
        was identified is refused (StorageError) and nothing of it is kept."""
        ...

    def holds(self, sha256: str) -> bool:
        """Whether the content with this SHA-256 is kept here."""
        ...

    def local_path(self, sha256: str) -> Path | None:
        """A local file with the content (for a viewer, the evidence pack, a copy), or None
        if it is not kept here. Never to be written to."""
        ...

    def verify(self, sha256: str) -> bool:
        """Whether the content is kept here and still has its SHA-256."""
        ...


def sha256_of(path: Path) -> tuple[str, int]:
    """The SHA-256 (lower-case hex) and size of the file at ``path``, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def identify(source: Path) -> StoredFile:
    """``source``'s identity as the ``files`` table records it; a file that cannot be read is
    one clear message."""
    try:
        digest, size = sha256_of(source)
    except OSError as exc:
        raise StorageError(f"cannot read {source}: {exc.strerror}") from None
    return StoredFile(sha256=digest, size=size, original_name=source.name)


def keep_copy(files: SignedFiles, source: Path, sha256: str) -> None:
    """Keeps in ``files`` a copy of content another register kept as ``sha256``, from
    ``source``: refused if ``source`` no longer has that SHA-256 (it was damaged there)."""
    if identify(source).sha256 != sha256:
        raise StorageError(f"{source} is damaged: its content no longer has its SHA-256 {sha256}")
    files.keep(source, sha256)


def changed_while_stored(source: Path) -> StorageError:
    return StorageError(f"{source} changed while it was being stored; try again")


def place_verified(
    tmp: Path, target: Path, digest: str, sha256: str, damaged: Callable[[], StorageError]
) -> None:
    """Moves the finished temporary file ``tmp``, whose content has the SHA-256 ``digest``, to
    ``target`` (read-only) if that is ``sha256``; otherwise removes it and raises what
    ``damaged`` says."""
    try:
        if digest != sha256:
            raise damaged()
        os.replace(tmp, target)
        target.chmod(0o444)
    finally:
        if tmp.exists():
            tmp.unlink()


def temporary_beside(target: Path) -> Path:
    """A new empty file in ``target``'s folder (created if need be), to fill then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    os.close(fd)
    return Path(tmp)


def content_path(root: Path, sha256: str) -> Path:
    """Where a folder of files kept by SHA-256 (a file store, a cache) keeps ``sha256``."""
    return root / sha256[:2] / sha256


class FileStore:
    """A register file's signed files: a folder, each file once, named by its SHA-256,
    read-only. A file is copied in whole before it takes its name, so a name always holds
    its whole content; a file copied for a save that then fails stays (harmless: nothing
    names it, and the next save of the same file finds it)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return content_path(self.root, sha256)

    def put(self, source: Path) -> StoredFile:
        """Copy ``source`` into the store (once); verify the copy; return its identity."""
        stored = identify(source)
        self.keep(source, stored.sha256)
        return stored

    def keep(self, source: Path, sha256: str) -> None:
        target = self.path_for(sha256)
        if target.exists():
            return
        tmp = temporary_beside(target)
        try:
            shutil.copyfile(source, tmp)
        except OSError as exc:
            tmp.unlink()
            raise StorageError(f"cannot store {source}: {exc.strerror}") from None
        digest = sha256_of(tmp)[0]
        place_verified(tmp, target, digest, sha256, lambda: changed_while_stored(source))

    def holds(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def local_path(self, sha256: str) -> Path | None:
        path = self.path_for(sha256)
        return path if path.exists() else None

    def verify(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        return path.exists() and sha256_of(path)[0] == sha256
