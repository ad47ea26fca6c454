"""``PgFiles``: a team register's signed files, kept in its database, so every member of the
team opens what another attached.

Each file's content is rows of ``file_chunks`` (``sha256``, ``seq``, ``data``: at most 1 MiB
each, migration ``pg002_file_chunks``) beside its ``files`` row, written in the transaction
of the document that names it: a save that fails keeps none of it, a document committed has
all of it. The same content attached twice is kept once. Writing streams the file to the
server a chunk at a time (binary COPY) while hashing what is sent; reading streams the rows
one at a time into a local copy (a viewer, the evidence pack and the exports read a path),
in a per-user cache folder, hashed as it is written: content that does not match its SHA-256
is refused with a clear message, never handed out. Nothing reads a whole file into memory.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, closing
from pathlib import Path

from db.files import (
    CHUNK,
    changed_while_stored,
    content_path,
    place_verified,
    sha256_of,
    temporary_beside,
)
from db.postgres.connection import PgConnection
from transfers_app.errors import StorageError

# Held (with the content's hash) while a transaction writes a file's content: two people
# attaching the same new file at once take turns, and the second finds it kept.
_FILE_LOCK = 0x46494C45  # "FILE"

_COPY_IN = "COPY file_chunks (sha256, seq, data) FROM STDIN (FORMAT BINARY)"


class PgFiles:
    """Implements ``db.files.SignedFiles`` in the register's database. ``cache``: the folder
    for local copies (the user's cache folder; None: a temporary folder, removed by
    ``close``); ``atomic``: the session's transaction, which every write joins."""

    def __init__(
        self,
        conn: PgConnection,
        atomic: Callable[[], AbstractContextManager[None]],
        cache: Path | None = None,
    ) -> None:
        self._conn = conn
        self._atomic = atomic
        self._cache = cache
        self._temporary: Path | None = None

    @property
    def cache(self) -> Path:
        if self._cache is None:
            self._cache = self._temporary = Path(tempfile.mkdtemp(prefix="transfers-app-files-"))
        # Signed contracts: readable by their user only.
        self._cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self._cache

    def keep(self, source: Path, sha256: str) -> None:
        raw = self._conn.raw
        with self._atomic():
            raw.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_FILE_LOCK, sha256))
            if self.holds(sha256):
                return
            h = hashlib.sha256()
            try:
                with source.open("rb") as fh, raw.cursor().copy(_COPY_IN) as copy:
                    copy.set_types(["text", "int4", "bytea"])
                    for seq, chunk in enumerate(_chunks(fh.read)):
                        h.update(chunk)
                        copy.write_row((sha256, seq, chunk))
            except OSError as exc:
                raise StorageError(f"cannot read {source}: {exc.strerror}") from None
            if h.hexdigest() != sha256:
                raise changed_while_stored(source)

    def holds(self, sha256: str) -> bool:
        row = self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM file_chunks WHERE sha256 = ?)", (sha256,)
        ).fetchone()
        return bool(row and row[0])

    def chunks(self, sha256: str) -> Generator[bytes]:
        """The content, a chunk at a time, in order (none: not kept here)."""
        cur = self._conn.raw.cursor()
        for (data,) in cur.stream(
            "SELECT data FROM file_chunks WHERE sha256 = %s ORDER BY seq", (sha256,), binary=True
        ):
            yield bytes(data)

    def local_path(self, sha256: str) -> Path | None:
        target = content_path(self.cache, sha256)
        if target.exists():
            if sha256_of(target)[0] == sha256:
                return target
            target.unlink()  # a damaged or unfinished copy: fetched again
        if not self.holds(sha256):
            return None
        try:
            tmp = temporary_beside(target)
            h = hashlib.sha256()
            with tmp.open("wb") as out, closing(self.chunks(sha256)) as chunks:
                for chunk in chunks:
                    h.update(chunk)
                    out.write(chunk)
        except OSError as exc:
            raise StorageError(
                f"cannot copy a signed file into {self.cache}: {exc.strerror}"
            ) from None
        place_verified(tmp, target, h.hexdigest(), sha256, lambda: self._damaged(sha256))
        return target

    def verify(self, sha256: str) -> bool:
        h = hashlib.sha256()
        found = False
        for chunk in self.chunks(sha256):
            h.update(chunk)
            found = True
        return found and h.hexdigest() == sha256

    def _damaged(self, sha256: str) -> StorageError:
        row = self._conn.execute(
            "SELECT original_name FROM files WHERE sha256 = ?", (sha256,)
        ).fetchone()
        name = f"'{row[0]}' " if row else ""
        return StorageError(
            f"the signed file {name}(SHA-256 {sha256}) is damaged in {self._conn.where}: its "
            "content no longer has that SHA-256, so it was not opened; restore the register "
            "from a backup (pg_dump) or attach the signed copy again"
        )

    def close(self) -> None:
        """Removes the temporary cache folder, if this store made one."""
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = self._cache = None


def _chunks(read: Callable[[int], bytes]) -> Iterator[bytes]:
    """What ``read`` gives, a chunk at a time; one empty chunk for an empty file, so that
    its content is kept (and ``holds``) like any other."""
    chunk = read(CHUNK)
    yield chunk
    while chunk := read(CHUNK):
        yield chunk
