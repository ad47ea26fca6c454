"""The in-memory repositories of one aggregate each (see ``memory_store``)."""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from db.mapping import SETTING_SET, SETTINGS_TABLE, setting_json
from fakes.memory_core import (
    CATALOGUES,
    MemoryRepository,
    name_keys_of,
    name_order,
    stored_parties,
)
from transfers_app.domain import models
from transfers_app.domain.enums import DocumentStatus, TiaStatus
from transfers_app.domain.names import name_key
from transfers_app.domain.readmodels import (
    NameCandidate,
    NameHit,
    NameKeys,
)
from transfers_app.domain.validation import ensure_valid
from transfers_app.errors import NotFoundError, StorageError


class MemoryEntities(MemoryRepository):
    def add(self, e: models.Entity) -> models.Entity:
        return self._c.add_audited(e, self._c.state.entities, "entities")

    def update(self, e: models.Entity) -> models.Entity:
        return self._c.update_audited("entity", self._c.state.entities, e, "entities")

    def get(self, entity_id: int) -> models.Entity:
        return self._c.get("entity", self._c.state.entities, entity_id)

    def list(self, include_archived: bool = False) -> builtins.list[models.Entity]:
        found = self._c.state.entities.values()
        return sorted(
            (e for e in found if include_archived or e.archived_at is None), key=name_order
        )

    def own(self) -> builtins.list[models.Entity]:
        return [e for e in self.list() if e.exporter_regimes]

    def archive(self, e: models.Entity) -> models.Entity:
        return self._c.set_archived("entity", "entities", self._c.state.entities, e, True)

    def restore(self, e: models.Entity) -> models.Entity:
        return self._c.set_archived("entity", "entities", self._c.state.entities, e, False)

    def locations(self, entity_id: int | None = None) -> builtins.list[models.Location]:
        return [
            loc
            for _, loc in sorted(self._c.state.locations.items())
            if loc.archived_at is None and (entity_id is None or loc.entity_id == entity_id)
        ]

    def add_location(self, loc: models.Location) -> models.Location:
        return self._c.add_audited(loc, self._c.state.locations, "locations")

    def update_location(self, loc: models.Location) -> models.Location:
        return self._c.update_audited("location", self._c.state.locations, loc, "locations")

    def archive_location(self, loc: models.Location) -> models.Location:
        return self._c.set_archived("location", "locations", self._c.state.locations, loc, True)

    def restore_location(self, loc: models.Location) -> models.Location:
        return self._c.set_archived("location", "locations", self._c.state.locations, loc, False)


class MemoryNames(MemoryRepository):
    def _live(self) -> builtins.list[models.Entity]:
        return [e for _, e in sorted(self._c.state.entities.items()) if e.archived_at is None]

    def names(self, ids: Sequence[int] | None = None) -> dict[int, str]:
        entities = self._c.state.entities
        if ids is None:
            return {e.id: e.name for e in self._live() if e.id is not None}
        return {i: entities[i].name for i in ids if i in entities}

    def keys(self) -> NameKeys:
        live = [(e.id or 0, name_key(e.name)) for e in self._live()]
        return NameKeys(tuple(i for i, _ in live), tuple(k for _, k in live))

    def with_key_prefix(self, prefix: str, limit: int) -> builtins.list[NameHit]:
        hits = [
            NameHit(e.id or 0, e.name)
            for e in self._live()
            if any(k and k.startswith(prefix) for k in name_keys_of(e))
        ]
        return hits[:limit]

    def with_word_prefixes(
        self, prefixes: Sequence[str], limit: int
    ) -> builtins.list[NameCandidate]:
        out = []
        for e in self._live():
            keys = name_keys_of(e)
            words = {w for w in " ".join(keys).split() if len(w) >= 2}
            if any(w.startswith(p) for w in words for p in prefixes):
                out.append(NameCandidate(e.id or 0, *keys))
        return out[:limit]

    def groups(self) -> builtins.list[NameHit]:
        live = sorted(self._live(), key=name_order)
        return [NameHit(e.id or 0, e.name) for e in live if e.kind.value == "group"]


class MemoryTransfers(MemoryRepository):
    def add(self, t: models.Transfer) -> models.Transfer:
        return self._c.add_audited(t, self._c.state.transfers, "transfers")

    def update(self, t: models.Transfer) -> models.Transfer:
        return self._c.update_audited("transfer", self._c.state.transfers, t, "transfers")

    def get(self, transfer_id: int) -> models.Transfer:
        return self._c.get("transfer", self._c.state.transfers, transfer_id)

    def get_many(self, ids: Iterable[int]) -> dict[int, models.Transfer]:
        found = self._c.state.transfers
        return {i: found[i] for i in sorted(set(ids)) if i in found}

    def list(self, include_archived: bool = False) -> builtins.list[models.Transfer]:
        return [
            t
            for _, t in sorted(self._c.state.transfers.items())
            if include_archived or t.archived_at is None
        ]

    def of_entity(self, entity_id: int) -> builtins.list[models.Transfer]:
        return [t for t in self.list() if entity_id in (t.exporter_id, t.importer_id)]

    def archive(self, t: models.Transfer) -> models.Transfer:
        return self._c.set_archived("transfer", "transfers", self._c.state.transfers, t, True)

    def restore(self, t: models.Transfer) -> models.Transfer:
        return self._c.set_archived("transfer", "transfers", self._c.state.transfers, t, False)


class MemoryDocuments(MemoryRepository):
    def _store_file(self, doc: models.Document, file: Path | None) -> models.Document:
        if file is None:
            return doc
        c = self._c
        if c.files is None:
            raise StorageError("this register has no file store configured")
        stored = c.files.put(file)
        c.state.files.setdefault(stored.sha256, replace(stored, stored_at=c.now()))
        return replace(doc, file_sha256=stored.sha256, file_name=file.name)

    def add(self, doc: models.Document, file: Path | None = None) -> models.Document:
        ensure_valid(doc)
        c = self._c
        with c.atomic():
            doc = self._store_file(doc, file)
            new_id = c.next_id(c.state.documents)
            if doc.series_id is None:  # the first version names its series
                doc = replace(doc, series_id=new_id)
            saved = c.created(doc, c.state.documents, new_id)
            c.state.documents[new_id] = stored_parties(saved)
            c.audit("documents", new_id, "create", None, saved)
        return saved

    def update(self, doc: models.Document, file: Path | None = None) -> models.Document:
        ensure_valid(doc)
        c = self._c
        with c.atomic():
            doc = self._store_file(doc, file)
            before, saved = c.updated("document", c.state.documents, doc, "documents")
            c.state.documents[saved.id or 0] = stored_parties(saved)
            c.audit("documents", doc.id, "update", before, saved)
        return saved

    def renew(
        self, old: models.Document, new: models.Document, file: Path | None = None
    ) -> models.Document:
        c = self._c
        if old.id is None:
            raise NotFoundError("document has no id: add it first")
        with c.atomic():
            current = self.get(old.id)
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
            transfers = MemoryTransfers(c)
            for t in list(c.state.transfers.values()):
                if any(u.document_id == old.id for u in t.mechanisms):
                    uses = tuple(
                        replace(u, document_id=saved.id) if u.document_id == old.id else u
                        for u in t.mechanisms
                    )
                    transfers.update(replace(t, mechanisms=uses))
        return saved

    def get(self, doc_id: int) -> models.Document:
        return self._c.get("document", self._c.state.documents, doc_id)

    def list(self, include_archived: bool = False) -> builtins.list[models.Document]:
        return [
            d
            for _, d in sorted(self._c.state.documents.items())
            if include_archived or d.archived_at is None
        ]

    def of_entity(self, entity_id: int) -> builtins.list[models.Document]:
        return [d for d in self.list() if entity_id in d.party_ids]

    def history(self, doc: models.Document) -> builtins.list[models.Document]:
        series = doc.series_id or doc.id
        found = [d for d in self._c.state.documents.values() if d.series_id == series]
        return sorted(found, key=lambda d: (d.doc_version, d.id or 0))

    def file_path(self, sha256: str) -> Path | None:
        files = self._c.files
        if files is None:
            return None
        path = files.path_for(sha256)
        return path if path.exists() else None

    def archive(self, doc: models.Document) -> models.Document:
        return self._c.set_archived("document", "documents", self._c.state.documents, doc, True)

    def restore(self, doc: models.Document) -> models.Document:
        return self._c.set_archived("document", "documents", self._c.state.documents, doc, False)


def audited(tia: models.Tia) -> models.Tia:
    """The record as the audit keeps it: the approved document by its digest (as SQLite)."""
    doc = tia.approved_document
    if doc is None:
        return tia
    return replace(tia, approved_document="sha256:" + hashlib.sha256(doc.encode()).hexdigest())


class MemoryAssessments(MemoryRepository):
    def add(self, tia: models.Tia) -> models.Tia:
        ensure_valid(tia)
        c = self._c
        with c.atomic():
            new_id = c.next_id(c.state.tias)
            if tia.series_id is None:  # the first revision names its series
                tia = replace(tia, series_id=new_id)
            saved = c.created(tia, c.state.tias, new_id)
            c.audit("tias", new_id, "create", None, audited(saved))
        return saved

    def update(self, tia: models.Tia) -> models.Tia:
        ensure_valid(tia)
        c = self._c
        with c.atomic():
            stored = c.state.tias.get(tia.id or -1)
            kept = stored.approved_document if stored is not None else None
            # As SQLite: the document as approved is written once, never changed or cleared.
            if tia.approved_document is not None and kept not in (None, tia.approved_document):
                raise StorageError(
                    f"{tia.reference} was approved: the document as approved cannot be "
                    "changed (reassess it to make a new revision)"
                )
            before, saved = c.updated(
                "transfer assessment",
                c.state.tias,
                tia,
                "tias",
                approved_document=tia.approved_document or kept,
            )
            c.audit("tias", tia.id, "update", audited(before), audited(saved))
        return saved

    def revise(self, old: models.Tia, new: models.Tia) -> models.Tia:
        if old.id is None:
            raise NotFoundError("transfer assessment has no id: add it first")
        with self._c.atomic():
            self.update(replace(old, status=TiaStatus.SUPERSEDED))
            return self.add(
                replace(
                    new,
                    id=None,
                    series_id=old.series_id or old.id,
                    revision=old.revision + 1,
                    version=0,
                    created_at=None,
                )
            )

    def get(self, tia_id: int) -> models.Tia:
        return self._c.get("transfer assessment", self._c.state.tias, tia_id)

    def list(self, content: bool = False) -> builtins.list[models.Tia]:
        return [
            replace(x, approved_document=None, content=x.content if content else None)
            for _, x in sorted(self._c.state.tias.items())
            if x.archived_at is None
        ]

    def history(self, series_id: int) -> builtins.list[models.Tia]:
        found = [
            replace(x, approved_document=None)
            for x in self._c.state.tias.values()
            if x.series_id == series_id
        ]
        return sorted(found, key=lambda x: (x.revision, x.id or 0))

    def archive(self, tia: models.Tia) -> models.Tia:
        return self._c.set_archived("transfer assessment", "tias", self._c.state.tias, tia, True)

    def restore(self, tia: models.Tia) -> models.Tia:
        return self._c.set_archived("transfer assessment", "tias", self._c.state.tias, tia, False)


class MemoryNotices(MemoryRepository):
    def add(self, n: models.SubprocessorNotice) -> models.SubprocessorNotice:
        return self._c.add_audited(n, self._c.state.notices, "subprocessor_notices")

    def update(self, n: models.SubprocessorNotice) -> models.SubprocessorNotice:
        return self._c.update_audited(
            "sub-processor notice", self._c.state.notices, n, "subprocessor_notices"
        )

    def get(self, notice_id: int) -> models.SubprocessorNotice:
        return self._c.get("sub-processor notice", self._c.state.notices, notice_id)

    def list(self, include_archived: bool = False) -> builtins.list[models.SubprocessorNotice]:
        found = [n for n in self._c.state.notices.values() if include_archived or not n.archived_at]
        return sorted(found, key=lambda n: (n.received_on, n.id or 0), reverse=True)


class MemoryPublications(MemoryRepository):
    def add(self, pub: models.Publication) -> models.Publication:
        c = self._c
        with c.atomic():
            new_id = c.next_id(c.state.publications)
            saved = c.state.publications[new_id] = replace(pub, id=new_id)
            c.audit("publications", new_id, "publish", None, saved)
        return saved

    def list(self, kind: str, on: date | None = None) -> builtins.list[models.Publication]:
        found = [
            p
            for p in self._c.state.publications.values()
            if p.kind == kind and (on is None or p.published_on <= on)
        ]
        return sorted(found, key=lambda p: (p.published_on, p.id or 0), reverse=True)

    def last(self, kind: str, on: date | None = None) -> models.Publication | None:
        found = self.list(kind, on)
        return found[0] if found else None


class MemorySettings(MemoryRepository):
    def get(self, key: str) -> str | None:
        return self._c.state.settings.get(key)

    def set(self, key: str, value: str) -> None:
        c = self._c
        with c.atomic():
            old = c.state.settings.get(key)
            if old == value:
                return
            c.state.settings[key] = value
            c.append_audit(
                SETTINGS_TABLE,
                None,
                SETTING_SET,
                setting_json(key, old),
                setting_json(key, value),
            )

    def catalogue(self, name: str) -> builtins.list[models.CatalogueItem]:
        return [i for _, i in sorted(self._c.state.catalogue.items()) if i.catalogue == name]

    def add_catalogue_items(self, items: Iterable[models.CatalogueItem]) -> None:
        c = self._c
        with c.atomic():
            table = c.state.catalogue
            for item in items:
                if item.catalogue not in CATALOGUES:
                    raise StorageError(
                        "the change was refused by the database: CHECK constraint failed: catalogue"
                    )
                if any(
                    (i.catalogue, i.name) == (item.catalogue, item.name) for i in table.values()
                ):
                    continue
                new_id = c.next_id(table)
                table[new_id] = replace(item, id=new_id)
                c.audit("catalogue", new_id, "create", None, item)


class MemoryAudit(MemoryRepository):
    def entries(
        self, limit: int = 200, table: str | None = None, record_id: int | None = None
    ) -> builtins.list[models.AuditEntry]:
        found = [
            a
            for a in reversed(self._c.state.audit)
            if (not table or a.table == table) and (record_id is None or a.record_id == record_id)
        ]
        return found[:limit]

    def note(self, action: str, detail: str) -> None:
        with self._c.atomic():
            self._c.note(action, detail)

    def generation(self) -> int:
        return len(self._c.state.audit)

    def chain(self, after_id: int = 0, limit: int = 5000) -> builtins.list[models.AuditEntry]:
        return [a for a in self._c.state.audit if (a.id or 0) > after_id][:limit]

    def anchor(self) -> tuple[int, str] | None:
        audit = self._c.state.audit
        return (audit[-1].id or 0, audit[-1].hash) if audit else None
