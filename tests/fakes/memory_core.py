"""The state and mechanics of the in-memory store (``memory_store.MemoryStore``): records
in dicts, transactions as copies of the state, audit entries, versioned writes and the checks a
database makes on every write (references that must exist, one live transfer per identity)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from db.files import SignedFiles
from db.mapping import to_json
from transfers_app.domain import models
from transfers_app.domain.audit_chain import GENESIS, hash_of
from transfers_app.domain.names import name_key
from transfers_app.domain.validation import ensure_valid
from transfers_app.errors import ConflictError, NotFoundError, ReadOnlyError, StorageError

R = TypeVar(
    "R",
    models.Entity,
    models.Location,
    models.Transfer,
    models.Document,
    models.Tia,
    models.SubprocessorNotice,
)

DUPLICATE_TRANSFER = (
    "this transfer is already on the register (same exporter, importer, destination, kind of "
    "access and upstream transfer); edit that one instead"
)
MISSING_REFERENCE = (
    "the change refers to a record that does not exist (was it archived or removed?)"
)
CATALOGUES = frozenset({"data_category", "data_subject"})


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class State:
    entities: dict[int, models.Entity] = field(default_factory=dict)
    locations: dict[int, models.Location] = field(default_factory=dict)
    transfers: dict[int, models.Transfer] = field(default_factory=dict)
    documents: dict[int, models.Document] = field(default_factory=dict)
    tias: dict[int, models.Tia] = field(default_factory=dict)
    notices: dict[int, models.SubprocessorNotice] = field(default_factory=dict)
    publications: dict[int, models.Publication] = field(default_factory=dict)
    catalogue: dict[int, models.CatalogueItem] = field(default_factory=dict)
    files: dict[str, models.StoredFile] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    audit: list[models.AuditEntry] = field(default_factory=list)

    def copy(self) -> State:
        # The records are frozen: copying the containers is enough.
        return State(**{f.name: copy.copy(getattr(self, f.name)) for f in fields(self)})


def name_keys_of(e: models.Entity) -> tuple[str, str]:
    return name_key(e.name), name_key(e.legal_name) if e.legal_name.strip() else ""


def name_order(e: models.Entity) -> tuple[str, int]:
    return name_key(e.name), e.id or 0


class Core:
    """The state, the clock, the actor, transactions, audit and versioned writes."""

    def __init__(self, actor: str, files: SignedFiles | None, now: Callable[[], datetime]) -> None:
        self.state = State()
        self.actor = actor
        self.files = files
        self.now = now
        self._saved: list[State] = []
        # Why nothing can be written (a test makes a read-only store by setting it).
        self.read_only: str | None = None

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Writes inside happen together or not at all (nested: back to where it began).
        Each block ends with the checks a database makes on every write."""
        if self.read_only is not None:
            raise ReadOnlyError(
                f"the register is open read-only ({self.read_only}): nothing was changed",
                self.read_only,
            )
        self._saved.append(self.state.copy())
        try:
            yield
            self.check_references()
            self.check_transfers_unique()
        except BaseException:
            self.state = self._saved[-1]
            raise
        finally:
            self._saved.pop()

    def audit(
        self, table: str, record_id: int | None, action: str, before: Any, after: Any
    ) -> None:
        self.append_audit(
            table,
            record_id,
            action,
            to_json(before) if before is not None else None,
            to_json(after) if after is not None else None,
        )

    def note(self, action: str, detail: str) -> None:
        self.append_audit("register", None, action, None, detail)

    def append_audit(
        self,
        table: str,
        record_id: int | None,
        action: str,
        before: str | None,
        after: str | None,
        at: datetime | None = None,
    ) -> models.AuditEntry:
        """Appends an entry to the audit chain, linked to the newest one."""
        s = self.state
        prev = s.audit[-1].hash if s.audit else GENESIS
        entry = models.AuditEntry(
            at or self.now(),
            self.actor,
            table,
            record_id,
            action,
            before,
            after,
            len(s.audit) + 1,
            prev_hash=prev,
        )
        entry = replace(entry, hash=hash_of(entry))
        s.audit.append(entry)
        return entry

    def conflict(self, table: str, label: str, obj_id: int, expected: int, stored: int) -> None:
        """Raises the ConflictError of a stale save, saying who wrote the stored version."""
        last = next(
            (a for a in reversed(self.state.audit) if a.table == table and a.record_id == obj_id),
            None,
        )
        raise ConflictError(
            table=table,
            label=label,
            record_id=obj_id,
            expected_version=expected,
            stored_version=stored,
            changed_by=last.actor if last else None,
            changed_at=last.at if last else None,
        )

    @staticmethod
    def next_id(table: dict[int, Any]) -> int:
        return max(table, default=0) + 1

    def created(self, obj: R, table: dict[int, R], record_id: int | None = None) -> R:
        when = self.now()
        new_id = record_id if record_id is not None else self.next_id(table)
        saved = replace(obj, id=new_id, version=1, created_at=when, updated_at=when)
        table[new_id] = saved
        return saved

    def updated(
        self, label: str, table: dict[int, R], obj: R, audit_table: str, **changes: Any
    ) -> tuple[R, R]:
        """(stored before, saved): ``obj`` over the stored record if its version matches."""
        if obj.id is None:
            raise NotFoundError(f"{label} has no id: add it first")
        before = table.get(obj.id)
        if before is None:
            raise NotFoundError(f"{label} {obj.id} does not exist")
        if before.version != obj.version:
            self.conflict(audit_table, label, obj.id, obj.version, before.version)
        saved = replace(
            obj,
            version=obj.version + 1,
            created_at=before.created_at,
            updated_at=self.now(),
            **changes,
        )
        table[obj.id] = saved
        return before, saved

    def add_audited(self, obj: R, table: dict[int, R], audit_table: str) -> R:
        """``obj`` checked, saved as a new record and audited, as the SQLite store does."""
        ensure_valid(obj)
        with self.atomic():
            saved = self.created(obj, table)
            self.audit(audit_table, saved.id, "create", None, saved)
        return saved

    def update_audited(self, label: str, table: dict[int, R], obj: R, audit_table: str) -> R:
        """``obj`` checked, saved over its stored version and audited before and after."""
        ensure_valid(obj)
        with self.atomic():
            before, saved = self.updated(label, table, obj, audit_table)
            self.audit(audit_table, obj.id, "update", before, saved)
        return saved

    def set_archived(
        self, label: str, audit_table: str, table: dict[int, R], obj: R, archive: bool
    ) -> R:
        action = "archive" if archive else "restore"
        if obj.id is None:
            raise NotFoundError(f"cannot {action} an unsaved {label}")
        with self.atomic():
            when = self.now() if archive else None
            # Only the archive mark is written; what else ``obj`` says is not saved.
            before, saved = self.updated(label, table, obj, audit_table, archived_at=when)
            table[obj.id] = replace(
                before, archived_at=when, version=saved.version, updated_at=saved.updated_at
            )
            self.audit(audit_table, obj.id, action, obj, saved)
        return saved

    def get(self, label: str, table: dict[int, R], record_id: int) -> R:
        found = table.get(record_id)
        if found is None:
            raise NotFoundError(f"{label} {record_id} does not exist")
        return found

    # -- what the database's constraints refuse ------------------------------------------------

    def check_transfers_unique(self) -> None:
        seen: set[tuple[int, int, str, str, int]] = set()
        for t in self.state.transfers.values():
            if t.archived_at is None:
                key = (
                    t.exporter_id,
                    t.importer_id,
                    t.destination,
                    t.access.value,
                    t.parent_transfer_id or 0,
                )
                if key in seen:
                    raise StorageError(DUPLICATE_TRANSFER)
                seen.add(key)

    def check_references(self) -> None:
        s = self.state

        def need(found: bool) -> None:
            if not found:
                raise StorageError(MISSING_REFERENCE)

        for e in s.entities.values():
            need(e.parent_id is None or e.parent_id in s.entities)
        for loc in s.locations.values():
            need(loc.entity_id in s.entities)
        for d in s.documents.values():
            need(all(p in s.entities for p in d.party_ids))
            need(d.file_sha256 is None or d.file_sha256 in s.files)
            need(d.series_id is None or d.series_id in s.documents)
            need(d.supersedes_id is None or d.supersedes_id in s.documents)
        for t in s.transfers.values():
            need(t.exporter_id in s.entities and t.importer_id in s.entities)
            need(t.parent_transfer_id is None or t.parent_transfer_id in s.transfers)
            need(all(u.document_id is None or u.document_id in s.documents for u in t.mechanisms))
        for x in s.tias.values():
            need(x.transfer_id in s.transfers)
        for n in s.notices.values():
            need(n.processor_id in s.entities)
            need(n.subprocessor_id is None or n.subprocessor_id in s.entities)
            need(n.replaces_id is None or n.replaces_id in s.entities)


def stored_parties(doc: models.Document) -> models.Document:
    """Parties as stored: each once, by id."""
    return replace(doc, party_ids=tuple(sorted(set(doc.party_ids))))


def new_record(obj: R, record_id: int, stamp: datetime) -> R:
    return replace(
        obj, id=record_id, version=1, created_at=stamp, updated_at=stamp, archived_at=None
    )


class MemoryRepository:
    """A repository over the state of one in-memory store (``db.sqlite.repository.Repository``
    is its SQLite counterpart)."""

    def __init__(self, core: Core) -> None:
        self._c = core
