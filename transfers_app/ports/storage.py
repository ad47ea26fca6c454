"""The storage ports the services depend on (implemented in ``db/``).

``Store`` and the repositories below it: one small repository per aggregate, handed out by a
unit of work, and typed read models (``transfers_app.domain.readmodels``) for the whole-register
reads of the rules, the big tables and the reports.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from transfers_app.domain import models
from transfers_app.domain.organisation import FollowUp, OrganisationProfile
from transfers_app.domain.readmodels import (
    AssessmentHead,
    Counts,
    EntityRow,
    EntityTransferLine,
    MechanismsUsed,
    NameCandidate,
    NameHit,
    NameKeys,
    RulesSnapshot,
)
from transfers_app.ports.changes import ChangeFeed


class JournalMode(StrEnum):
    """How an embedded database file keeps its transactions (SQLite's journal): ``WAL`` on a
    local disk; ``ROLLBACK`` on a shared (network) drive, where WAL is unsafe
    (https://sqlite.org/wal.html: every program using the file must be on one machine)."""

    WAL = "wal"
    ROLLBACK = "rollback"


class RegisterRole(StrEnum):
    """A user's role on a team register, which the database enforces (widest first): legal
    reads and writes everything; procurement reads, and proposes suppliers (new entities in
    lifecycle "proposed", with their locations and transfers); an auditor only reads."""

    LEGAL = "legal"
    PROCUREMENT = "procurement"
    AUDITOR = "auditor"


@dataclass(frozen=True, slots=True)
class StorageInfo:
    """Where a register is kept and how it can be used."""

    location: str  # the file (or the server and database) the register is in
    read_only: str | None = None  # why nothing can be changed; None: changes are possible
    journal: JournalMode | None = None  # None: the engine has no such choice (a server)
    network_drive: str | None = None  # the kind of network file system the file is on
    warnings: tuple[str, ...] = ()  # what the user should know (a risky journal mode...)
    # The user's role on a team register; None: every right (a register file, the owner).
    role: RegisterRole | None = None


@dataclass(frozen=True, slots=True)
class RegisterRecords:
    """Every record of a register, archived ones included, with their ids, record versions and
    timestamps: what the lossless JSON export writes and its import loads back. ``audit`` is
    the audit trail, oldest first, with its hashes (``domain.audit_chain``)."""

    entities: tuple[models.Entity, ...] = ()
    locations: tuple[models.Location, ...] = ()
    documents: tuple[models.Document, ...] = ()
    transfers: tuple[models.Transfer, ...] = ()
    tias: tuple[models.Tia, ...] = ()
    catalogue: tuple[models.CatalogueItem, ...] = ()
    files: tuple[models.StoredFile, ...] = ()
    publications: tuple[models.Publication, ...] = ()
    notices: tuple[models.SubprocessorNotice, ...] = ()
    audit: tuple[models.AuditEntry, ...] = ()
    # The organisation's profile: none, or one (a tuple so every field counts its records).
    organisation: tuple[OrganisationProfile, ...] = ()
    open_items: tuple[FollowUp, ...] = ()  # owners and target dates people gave open items


# -- repositories per aggregate, handed out by a unit of work -----------------------------------
#
# Each write is validated (``transfers_app.domain.validation.ensure_valid``), audited (who,
# when, the record before and after, chained by ``domain.audit_chain``) and versioned: an
# update or archive whose ``version`` is not the stored one is refused with ``ConflictError``
# (which says who saved the stored version and when, from the audit trail), an unknown id
# raises NotFoundError, a refusal by the database is one clear StorageError, and any write to a
# register open read-only raises ``ReadOnlyError`` naming the reason. Records are archived,
# never deleted. Every method is its own transaction unless called inside
# ``Store.transaction()``, which then commits or rolls back everything together.
#
# ``builtins.list`` in annotations: inside these classes ``list`` names the method.


class EntityRepository(Protocol):
    """Entities (suppliers, customers, our own group) with their processing locations."""

    def add(self, e: models.Entity) -> models.Entity: ...
    def update(self, e: models.Entity) -> models.Entity: ...
    def get(self, entity_id: int) -> models.Entity: ...
    def list(self, include_archived: bool = False) -> builtins.list[models.Entity]:
        """In name order (comparison key, then id)."""
        ...

    def own(self) -> builtins.list[models.Entity]:
        """Our own live exporting entities (non-empty ``exporter_regimes``), in name order."""
        ...

    def archive(self, e: models.Entity) -> models.Entity: ...
    def restore(self, e: models.Entity) -> models.Entity: ...
    def locations(self, entity_id: int | None = None) -> builtins.list[models.Location]:
        """The live locations of one entity, or of every entity (None), by id."""
        ...

    def add_location(self, loc: models.Location) -> models.Location: ...
    def update_location(self, loc: models.Location) -> models.Location: ...
    def archive_location(self, loc: models.Location) -> models.Location: ...
    def restore_location(self, loc: models.Location) -> models.Location: ...


class NameIndex(Protocol):
    """Entity names for look-ups: the type-ahead, the supplier check, choice lists."""

    def names(self, ids: Sequence[int] | None = None) -> dict[int, str]:
        """The names of these entities (archived ones too), or of every live entity (None)."""
        ...

    def keys(self) -> NameKeys:
        """The comparison keys of every live entity's name."""
        ...

    def with_key_prefix(self, prefix: str, limit: int) -> builtins.list[NameHit]:
        """Live entities whose name or legal-name key starts with ``prefix`` (a key)."""
        ...

    def with_word_prefixes(
        self, prefixes: Sequence[str], limit: int
    ) -> builtins.list[NameCandidate]:
        """Live entities with a word of their name or legal name starting with a prefix."""
        ...

    def groups(self) -> builtins.list[NameHit]:
        """Live group entities in name order (the choices of a parent)."""
        ...


class TransferRepository(Protocol):
    def add(self, t: models.Transfer) -> models.Transfer: ...
    def update(self, t: models.Transfer) -> models.Transfer: ...
    def get(self, transfer_id: int) -> models.Transfer: ...
    def get_many(self, ids: Iterable[int]) -> dict[int, models.Transfer]:
        """The transfers of these ids that exist (archived ones too), in one read."""
        ...

    def list(self, include_archived: bool = False) -> builtins.list[models.Transfer]:
        """By id."""
        ...

    def of_entity(self, entity_id: int) -> builtins.list[models.Transfer]:
        """Live transfers the entity exports or imports, by id."""
        ...

    def archive(self, t: models.Transfer) -> models.Transfer: ...
    def restore(self, t: models.Transfer) -> models.Transfer: ...


class DocumentRepository(Protocol):
    """Documents with their parties, signed files (kept once by SHA-256) and versions."""

    def add(self, doc: models.Document, file: Path | None = None) -> models.Document: ...
    def update(self, doc: models.Document, file: Path | None = None) -> models.Document: ...
    def renew(
        self, old: models.Document, new: models.Document, file: Path | None = None
    ) -> models.Document:
        """``new`` becomes the next version of ``old``'s series; ``old`` is kept, superseded,
        and the transfers that relied on it rely on the new version."""
        ...

    def get(self, doc_id: int) -> models.Document: ...
    def list(self, include_archived: bool = False) -> builtins.list[models.Document]:
        """By id."""
        ...

    def of_entity(self, entity_id: int) -> builtins.list[models.Document]:
        """Documents (any version, not archived) the entity is a party to, by id."""
        ...

    def history(self, doc: models.Document) -> builtins.list[models.Document]:
        """Every version of the document's series, oldest first."""
        ...

    def file_path(self, sha256: str) -> Path | None:
        """Where a stored signed file is, if this register holds it."""
        ...

    def archive(self, doc: models.Document) -> models.Document: ...
    def restore(self, doc: models.Document) -> models.Document: ...


class AssessmentRepository(Protocol):
    """Transfer impact assessments (TIAs) and their revisions.

    ``Tia.approved_document`` (the document as approved, ``reports.codec`` JSON) is written
    once and kept: ``get`` returns it; ``list`` and ``history`` leave it out (None); an update
    that brings None keeps the stored one, one that brings another is refused (StorageError);
    the audit records its SHA-256 instead of its text."""

    def add(self, tia: models.Tia) -> models.Tia: ...
    def update(self, tia: models.Tia) -> models.Tia: ...
    def revise(self, old: models.Tia, new: models.Tia) -> models.Tia:
        """``new`` becomes the next revision of ``old``'s series; ``old`` is superseded."""
        ...

    def get(self, tia_id: int) -> models.Tia:
        """With its content and its document as approved."""
        ...

    def list(self, content: bool = False) -> builtins.list[models.Tia]:
        """The live assessments by id, without their content unless ``content``."""
        ...

    def history(self, series_id: int) -> builtins.list[models.Tia]:
        """Every revision of one assessment with its content, oldest first."""
        ...

    def archive(self, tia: models.Tia) -> models.Tia: ...
    def restore(self, tia: models.Tia) -> models.Tia: ...


class NoticeRepository(Protocol):
    """Processors' notices of new or replaced sub-processors."""

    def add(self, n: models.SubprocessorNotice) -> models.SubprocessorNotice: ...
    def update(self, n: models.SubprocessorNotice) -> models.SubprocessorNotice: ...
    def get(self, notice_id: int) -> models.SubprocessorNotice: ...
    def list(self, include_archived: bool = False) -> builtins.list[models.SubprocessorNotice]:
        """Newest received first."""
        ...


class PublicationRepository(Protocol):
    """What was published outside the organisation, each version kept whole."""

    def add(self, pub: models.Publication) -> models.Publication:
        """Recorded as published by the store's actor."""
        ...

    def list(self, kind: str, on: date | None = None) -> builtins.list[models.Publication]:
        """Publications of ``kind`` (those published on or before ``on``), newest first."""
        ...

    def last(self, kind: str, on: date | None = None) -> models.Publication | None: ...


class SettingsRepository(Protocol):
    """Settings (key and text) and the catalogues of data categories and data subjects."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None:
        """Audited (table "settings", action "set", the key and value before and after)
        when the value changes; setting the value it has writes nothing."""
        ...

    def catalogue(self, name: str) -> builtins.list[models.CatalogueItem]:
        """The items of one catalogue ("data_category" or "data_subject") in order added."""
        ...

    def add_catalogue_items(self, items: Iterable[models.CatalogueItem]) -> None:
        """Adds the items not there yet (same catalogue and name), each audited."""
        ...


class OrganisationRepository(Protocol):
    """The organisation that keeps the register (one profile per register)."""

    def get(self) -> OrganisationProfile:
        """The saved profile; an empty one when none was saved."""
        ...

    def save(self, profile: OrganisationProfile) -> OrganisationProfile:
        """Replaces the profile, validated (``profile_problems``) and audited (table
        "organisation", the profile before and after)."""
        ...


class OpenItemRepository(Protocol):
    """Who follows up each open item of the readiness check, and by when."""

    def list(self) -> builtins.list[FollowUp]:
        """Every follow-up given, by code then subject."""
        ...

    def set(self, follow_up: FollowUp) -> None:
        """Sets (or, when empty, clears) the follow-up of its item; validated and audited
        (table "open_items", before and after)."""
        ...


class AuditRepository(Protocol):
    def entries(
        self, limit: int = 200, table: str | None = None, record_id: int | None = None
    ) -> builtins.list[models.AuditEntry]:
        """Newest first; ``table`` is an ``AuditEntry.table`` ("entities", "documents"...)."""
        ...

    def note(self, action: str, detail: str) -> None:
        """An audit entry for a bulk action (a demo load, a generated register)."""
        ...

    def generation(self) -> int:
        """A number that changes whenever anything on the register changes."""
        ...

    def chain(self, after_id: int = 0, limit: int = 5000) -> builtins.list[models.AuditEntry]:
        """Up to ``limit`` entries with an id above ``after_id``, oldest first, with their
        hashes as stored: the trail in pages, for verifying it and for the JSON export."""
        ...

    def anchor(self) -> tuple[int, str] | None:
        """The newest entry (id, hash) as the store recorded it apart from the trail, in the
        transaction that wrote it (None: not recorded yet, e.g. a register from before): what
        shows that the newest entries were removed."""
        ...


class RegisterQueries(Protocol):
    """Whole-register reads for the rules, the big tables and the reports, as typed read
    models built in a constant number of queries."""

    def snapshot(self) -> RulesSnapshot: ...
    def register_rows(self, limit: int | None = None) -> builtins.list[EntityRow]:
        """One row per live entity in name order (comparison key, then id); only the first
        ``limit`` given one."""
        ...

    def mechanisms_used(self, entity_ids: Sequence[int] | None = None) -> dict[int, MechanismsUsed]:
        """For each entity receiving a live transfer, the mechanisms recorded on those."""
        ...

    def register_lines(self) -> builtins.list[EntityTransferLine]:
        """The exports' register table, in name order (comparison key, entity id, transfer id)."""
        ...

    def assessment_heads(self) -> builtins.list[AssessmentHead]:
        """Every live assessment's header, by id."""
        ...

    def counts(self) -> Counts: ...
    def entities_with_locations(self) -> frozenset[int]: ...


class BulkRecords(Protocol):
    """Whole-register writes and reads: the lossless JSON export and its import, generated
    registers and imported spreadsheets."""

    def dump(self) -> RegisterRecords:
        """Every record, archived ones included, by id, with versions and timestamps."""
        ...

    def load(self, records: RegisterRecords, note: str) -> None:
        """Writes a whole register into an EMPTY one, keeping ids, versions and timestamps;
        audited once (``note``). Refused (StorageError) if the register holds records.

        ``records.audit`` (a history) is kept verbatim, hashes included, after the entries
        this register already has and an entry announcing it (``audit_chain.IMPORT_ACTION``);
        then the ``note``, linked to the history's last hash."""
        ...

    def add_generated(
        self,
        entities: Sequence[models.Entity],
        locations: Sequence[models.Location],
        documents: Sequence[models.Document],
        transfers: Sequence[models.Transfer],
        tias: Sequence[models.Tia],
    ) -> None:
        """Inserts a generated register (ids preset, trusted), audited once."""
        ...

    def add_many(
        self,
        entities: Sequence[models.Entity],
        locations: Sequence[models.Location],
        transfers: Sequence[models.Transfer],
    ) -> builtins.list[int]:
        """Adds new entities with their locations and transfers (an import), each validated
        and audited; a location or transfer names a new entity by ``-(its position in
        entities + 1)``. Returns the new entities' ids."""
        ...


class UnitOfWork(Protocol):
    """The repositories, all working in one transaction."""

    @property
    def entities(self) -> EntityRepository: ...
    @property
    def names(self) -> NameIndex: ...
    @property
    def transfers(self) -> TransferRepository: ...
    @property
    def documents(self) -> DocumentRepository: ...
    @property
    def assessments(self) -> AssessmentRepository: ...
    @property
    def notices(self) -> NoticeRepository: ...
    @property
    def publications(self) -> PublicationRepository: ...
    @property
    def settings(self) -> SettingsRepository: ...
    @property
    def organisation(self) -> OrganisationRepository: ...
    @property
    def open_items(self) -> OpenItemRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def queries(self) -> RegisterQueries: ...
    @property
    def records(self) -> BulkRecords: ...


class Store(UnitOfWork, Protocol):
    """A register: its repositories for reads and single writes (each its own transaction),
    and ``transaction()`` for several writes that succeed or fail together.

    ``with store.transaction() as tx: tx.entities.add(e); tx.transfers.add(t)`` - an error
    inside rolls back every write of the block; a transaction opened inside another joins it
    (its own writes roll back alone if the error is caught inside the outer block).
    """

    @property
    def actor(self) -> str:
        """Who is audited as making the changes."""
        ...

    @property
    def storage(self) -> StorageInfo:
        """Where the register is kept, whether it can be changed and why not."""
        ...

    def set_journal_mode(self, mode: JournalMode) -> None:
        """Keeps the register in ``mode`` from now on (the user's choice, remembered with the
        register and audited as the setting ``journal_mode``). Needs the register to itself:
        ``LockedError`` while another program has it open. ``StorageError`` for an engine
        without journal modes."""
        ...

    def changes(self) -> ChangeFeed:
        """A new feed of the changes other clients commit (``NoChanges`` where there are
        none to hear), not started; it keeps a connection of its own while it runs."""
        ...

    def transaction(self) -> AbstractContextManager[UnitOfWork]: ...
    def close(self) -> None: ...
