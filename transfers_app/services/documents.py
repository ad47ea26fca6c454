"""Documents (contracts, certifications, derogations) with their signed files and versions."""

from __future__ import annotations

import builtins
from pathlib import Path

from transfers_app.domain.models import Document
from transfers_app.ports.storage import Store


class DocumentService:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reads ----------------------------------------------------------------------------------

    def get(self, document_id: int) -> Document:
        return self._store.documents.get(document_id)

    def list(self, include_archived: bool = False) -> builtins.list[Document]:
        """By id."""
        return self._store.documents.list(include_archived)

    def of_entity(self, entity_id: int) -> builtins.list[Document]:
        """Documents (any version, not archived) the entity is a party to, by id."""
        return self._store.documents.of_entity(entity_id)

    def history(self, doc: Document) -> builtins.list[Document]:
        """Every version of the document's series, oldest first."""
        return self._store.documents.history(doc)

    def file_path(self, doc: Document) -> Path | None:
        """Where the signed file of ``doc`` is kept, if it has one and it is there."""
        return self._store.documents.file_path(doc.file_sha256) if doc.file_sha256 else None

    # -- writes (the signed file, if given, is stored with the record or not at all) -------------

    def add(self, doc: Document, file: Path | None = None) -> Document:
        return self._store.documents.add(doc, file)

    def update(self, doc: Document, file: Path | None = None) -> Document:
        return self._store.documents.update(doc, file)

    def renew(self, old: Document, new: Document, file: Path | None = None) -> Document:
        """``new`` becomes the next version of ``old``; the transfers relying on ``old`` rely
        on it."""
        return self._store.documents.renew(old, new, file)

    def archive(self, doc: Document) -> Document:
        return self._store.documents.archive(doc)

    def restore(self, doc: Document) -> Document:
        return self._store.documents.restore(doc)
