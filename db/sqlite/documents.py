"""Documents with their parties, signed files (kept once by SHA-256) and versions."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from db import mapping as mp
from db.errors import translated
from db.files import SignedFiles, identify, keep_copy
from db.sqlite.repository import Repository, create, first_of_series, overwrite
from db.sqlite.rows import document_from
from db.sqlite.session import DOCUMENTS, Session
from db.sqlite.transfers import transfers_where, update_transfer
from transfers_app.domain.enums import DocumentStatus
from transfers_app.domain.models import Document
from transfers_app.domain.validation import ensure_valid
from transfers_app.errors import NotFoundError, StorageError

_SQL = f"SELECT {', '.join(mp.DOCUMENT_COLS)} FROM documents"


def parties_of(
    s: Session, where: str = "", params: Sequence[Any] = ()
) -> dict[int, tuple[int, ...]]:
    """The parties of the documents ``where`` selects (an SQL condition on ``document_id``),
    by document: one query whatever their number."""
    grouped: dict[int, list[int]] = defaultdict(list)
    rows = s.conn.execute(
        "SELECT document_id, entity_id FROM document_parties"
        f"{' WHERE ' + where if where else ''} ORDER BY document_id, entity_id",
        params,
    )
    for doc_id, entity_id in rows:
        grouped[doc_id].append(entity_id)
    return {k: tuple(v) for k, v in grouped.items()}


def documents_where(
    s: Session, where: str, params: Sequence[Any] = (), order: str = "id"
) -> list[Document]:
    """The documents ``where`` selects (an SQL condition on ``documents``) with their
    parties: two queries."""
    rows = s.conn.execute(f"{_SQL} WHERE {where} ORDER BY {order}", params).fetchall()
    if not rows:
        return []
    parties = parties_of(s, f"document_id IN (SELECT id FROM documents WHERE {where})", params)
    return [document_from(r, parties.get(r[0], ())) for r in rows]


def write_parties(s: Session, doc_id: int, party_ids: Sequence[int]) -> None:
    s.conn.execute("DELETE FROM document_parties WHERE document_id = ?", (doc_id,))
    s.conn.executemany(
        "INSERT INTO document_parties (document_id, entity_id) VALUES (?, ?)",
        [(doc_id, p) for p in dict.fromkeys(party_ids)],
    )


@translated
class SqliteDocuments(Repository):
    def _files(self) -> SignedFiles:
        files = self._s.files
        if files is None:
            raise StorageError("this register has no file store configured")
        return files

    def _store_file(self, doc: Document, file: Path | None) -> Document:
        """Records ``file`` (once) and keeps its content, in the caller's transaction."""
        if file is None:
            return doc
        s = self._s
        files = self._files()
        stored = identify(file)
        s.conn.execute(
            "INSERT INTO files (sha256, size, original_name, stored_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (stored.sha256, stored.size, stored.original_name, s.now().isoformat()),
        )
        files.keep(file, stored.sha256)
        return replace(doc, file_sha256=stored.sha256, file_name=file.name)

    def add(self, doc: Document, file: Path | None = None) -> Document:
        ensure_valid(doc)
        s = self._s
        with s.atomic():
            doc = self._store_file(doc, file)

            def series_and_parties(new_id: int) -> Document:
                named = first_of_series(s, DOCUMENTS, new_id, doc)
                write_parties(s, new_id, named.party_ids)
                return named

            return create(s, DOCUMENTS, doc, mp.document_row(doc), series_and_parties)

    def update(self, doc: Document, file: Path | None = None) -> Document:
        ensure_valid(doc)
        s = self._s
        doc_id = s.require_id(DOCUMENTS, doc.id)
        with s.atomic():
            before = self.get(doc_id)
            doc = self._store_file(doc, file)
            row = mp.document_row(doc)
            return overwrite(
                s, DOCUMENTS, doc_id, doc, before, row, lambda i: write_parties(s, i, doc.party_ids)
            )

    def renew(self, old: Document, new: Document, file: Path | None = None) -> Document:
        s = self._s
        old_id = s.require_id(DOCUMENTS, old.id)
        with s.atomic():
            current = self.get(old_id)
            if current.status is DocumentStatus.SUPERSEDED:
                raise StorageError(f"'{current.title}' was already renewed or replaced")
            self.update(replace(current, status=DocumentStatus.SUPERSEDED))
            saved = self.add(
                replace(
                    new,
                    id=None,
                    series_id=current.series_id or current.id,
                    doc_version=current.doc_version + 1,
                    supersedes_id=current.id,
                    status=DocumentStatus.CURRENT,
                    version=0,
                    created_at=None,
                ),
                file,
            )
            # The transfers that relied on the old version rely on the new one (each change
            # audited and versioned like any other edit).
            users = transfers_where(
                s,
                "id IN (SELECT transfer_id FROM transfer_mechanisms WHERE document_id = ?)",
                (old_id,),
            )
            for t in users:
                uses = tuple(
                    replace(u, document_id=saved.id) if u.document_id == old_id else u
                    for u in t.mechanisms
                )
                update_transfer(s, replace(t, mechanisms=uses), t)
        return saved

    def get(self, doc_id: int) -> Document:
        row = self._s.one(DOCUMENTS, mp.DOCUMENT_COLS, doc_id)
        parties = parties_of(self._s, "document_id = ?", (doc_id,))
        return document_from(row, parties.get(doc_id, ()))

    def list(self, include_archived: bool = False) -> builtins.list[Document]:
        return documents_where(self._s, "TRUE" if include_archived else "archived_at IS NULL")

    def of_entity(self, entity_id: int) -> builtins.list[Document]:
        return documents_where(
            self._s,
            "archived_at IS NULL AND id IN "
            "(SELECT document_id FROM document_parties WHERE entity_id = ?)",
            (entity_id,),
        )

    def history(self, doc: Document) -> builtins.list[Document]:
        series = doc.series_id or doc.id
        return documents_where(self._s, "series_id = ?", (series,), order="doc_version, id")

    def file_path(self, sha256: str) -> Path | None:
        files = self._s.files
        return None if files is None else files.local_path(sha256)

    def has_file(self, sha256: str) -> bool:
        files = self._s.files
        return files is not None and files.holds(sha256)

    def keep_file(self, sha256: str, source: Path) -> None:
        s = self._s
        with s.atomic():
            if s.conn.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone() is None:
                raise NotFoundError(f"the register names no signed file with SHA-256 {sha256}")
            keep_copy(self._files(), source, sha256)

    def archive(self, doc: Document) -> Document:
        return self._s.set_archived(DOCUMENTS, doc, archive=True)

    def restore(self, doc: Document) -> Document:
        return self._s.set_archived(DOCUMENTS, doc, archive=False)
