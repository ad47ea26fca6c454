"""Domain objects of the register: frozen dataclasses with real types.

Every stored record carries ``id`` (``None`` until saved), ``version`` (bumped on every write),
``created_at``/``updated_at`` and ``archived_at`` (archival instead of deletion).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from transfers_app.domain.enums import (
    Access,
    Activity,
    Derogation,
    DocumentKind,
    DocumentStatus,
    EntityKind,
    Frequency,
    Lifecycle,
    Mechanism,
    Regime,
    Role,
    TiaStatus,
    VolumeBand,
)
from transfers_app.domain.formatting import assessment_reference
from transfers_app.domain.tia import TiaContent, TiaInputs


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    kind: EntityKind
    id: int | None = None
    legal_name: str = ""
    registration_number: str = ""
    address: str = ""
    contact_name: str = ""
    contact_email: str = ""
    website: str = ""
    parent_id: int | None = None
    notes: str = ""
    lifecycle: Lifecycle = Lifecycle.ACTIVE
    proposed_on: date | None = None
    approved_on: date | None = None
    active_on: date | None = None
    offboarded_on: date | None = None
    owner: str = ""
    # Non-empty for our own entities: the regimes whose transfer rules bind them as exporter.
    exporter_regimes: tuple[Regime, ...] = ()
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived_at: datetime | None = None

    @property
    def is_own(self) -> bool:
        return bool(self.exporter_regimes)

    @property
    def since(self) -> date | None:
        """The first day the register knows the entity existed: the earliest of the days it
        was proposed, approved, made active or recorded (None: unknown)."""
        recorded = self.created_at.date() if self.created_at is not None else None
        known = [d for d in (self.proposed_on, self.approved_on, self.active_on, recorded) if d]
        return min(known, default=None)

    @property
    def display_name(self) -> str:
        return self.name or self.legal_name


@dataclass(frozen=True, slots=True)
class Location:
    entity_id: int
    country: str  # ISO 3166-1 alpha-2 or an international-organisation code
    activity: Activity
    id: int | None = None
    city: str = ""
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MechanismUse:
    """One entry of a transfer's ordered list of mechanisms (position 0 is the primary)."""

    mechanism: Mechanism
    document_id: int | None = None


@dataclass(frozen=True, slots=True)
class Transfer:
    exporter_id: int
    importer_id: int
    destination: str
    access: Access
    importer_role: Role
    id: int | None = None
    exporter_role: Role = Role.CONTROLLER
    # Empty means "the exporter's regimes"; set to narrow or widen them for this transfer.
    regimes: tuple[Regime, ...] = ()
    service: str = ""
    purpose: str = ""
    data_categories: tuple[str, ...] = ()
    data_subjects: tuple[str, ...] = ()
    special_category: bool = False
    criminal_data: bool = False
    frequency: Frequency = Frequency.CONTINUOUS
    volume: VolumeBand | None = None
    # Onward transfer: the upstream transfer whose importer sends the data on.
    parent_transfer_id: int | None = None
    mechanisms: tuple[MechanismUse, ...] = ()
    started_on: date | None = None
    ended_on: date | None = None
    notes: str = ""
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived_at: datetime | None = None

    def is_live_on(self, on: date) -> bool:
        if self.archived_at is not None:
            return False
        if self.started_on is not None and self.started_on > on:
            return False
        return self.ended_on is None or self.ended_on >= on


@dataclass(frozen=True, slots=True)
class SccOptions:
    """Options chosen in the EU SCCs 2021 (Decision (EU) 2021/914)."""

    docking_clause: bool = False  # Clause 7
    clause9_option: int | None = None  # 1 specific prior / 2 general written authorisation
    clause9_period: str = ""
    clause11_independent_body: bool = False
    clause13_authority: str = ""
    clause17_option: int | None = None
    governing_law: str = ""  # ISO code of the governing-law country
    clause18_forum: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    kind: DocumentKind
    title: str
    id: int | None = None
    party_ids: tuple[int, ...] = ()
    instrument_version: str = ""
    scc_module: int | None = None
    scc_options: SccOptions | None = None
    signed_on: date | None = None
    effective_on: date | None = None
    expires_on: date | None = None
    notice_period_days: int | None = None
    review_cycle_months: int | None = None
    next_review_on: date | None = None
    last_reviewed_on: date | None = None
    derogation: Derogation | None = None
    justification: str = ""
    # DPF certification evidence: which frameworks the importer was listed under, and when checked.
    dpf_eu: bool = False
    dpf_uk_extension: bool = False
    dpf_swiss: bool = False
    checked_on: date | None = None
    file_sha256: str | None = None
    file_name: str = ""
    series_id: int | None = None  # id of the first version of this document
    doc_version: int = 1
    status: DocumentStatus = DocumentStatus.CURRENT
    supersedes_id: int | None = None
    notes: str = ""
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived_at: datetime | None = None

    def in_force_on(self, on: date) -> bool:
        start = self.effective_on or self.signed_on
        if start is not None and start > on:
            return False
        return self.expires_on is None or self.expires_on >= on


@dataclass(frozen=True, slots=True)
class Tia:
    """A transfer impact / risk assessment of one transfer, or of like transfers to one importer.

    ``revision`` is the assessment's own version number (a re-assessment is a new revision in
    the same ``series_id``; the old one becomes superseded); ``version`` is the record's edit
    counter. ``content`` is None when loaded lean (the status report needs only the header
    and ``inputs``).
    """

    transfer_id: int
    id: int | None = None
    status: TiaStatus = TiaStatus.DRAFT
    assessor: str = ""
    approver: str = ""
    approved_on: date | None = None
    next_review_on: date | None = None
    review_cycle_months: int | None = 12
    title: str = ""
    revision: int = 1
    series_id: int | None = None
    regimes: tuple[Regime, ...] = ()
    # Further transfers to the same importer that this assessment also covers.
    extra_transfer_ids: tuple[int, ...] = ()
    content: TiaContent | None = None
    inputs: TiaInputs | None = None
    change_note: str = ""  # why this revision was made (for the change log)
    # The document as approved (``reports.codec`` JSON), written once on approval and never
    # changed: exporting the assessment later reproduces it whatever changed since. Lists and
    # histories load without it (None); storage keeps the stored one when given None.
    approved_document: str | None = None
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived_at: datetime | None = None

    @property
    def transfer_ids(self) -> tuple[int, ...]:
        return (self.transfer_id, *self.extra_transfer_ids)

    @property
    def reference(self) -> str:
        """The id a reader quotes: TIA-<series>-v<revision> (``assessment_reference``)."""
        return assessment_reference(self.series_id, self.id, self.revision)


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    catalogue: str  # "data_category" or "data_subject"
    name: str
    description: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    table: str
    record_id: int | None
    action: str  # create, update, archive, restore, attach, ...
    before: str | None  # JSON text of the record before
    after: str | None  # JSON text of the record after
    id: int | None = None
    # The audit chain (``domain.audit_chain``): SHA-256 over this entry's content and
    # ``prev_hash``, the hash of the entry before it.
    hash: str = ""
    prev_hash: str = ""


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int
    original_name: str
    stored_at: datetime | None = None


# -- public subprocessor list and subprocessor change notices (issue 5) ----------------------


@dataclass(frozen=True, slots=True)
class Publication:
    """A version of something published outside the organisation (kind "public_list": the
    public subprocessor list), kept whole so later versions can be compared with it.

    ``content`` is the JSON text of what was published; the service that publishes a kind
    owns its shape, and names in it who published (``published_by``). ``actor`` is that person
    (from the organisation's profile or the name given), never a computer login: the audit
    trail keeps the login.
    """

    kind: str
    published_on: date
    content: str
    actor: str = ""

    @property
    def published_by(self) -> str:
        """Who published, as the content names them ("" for versions published before
        people were named: their ``actor`` was the login)."""
        try:
            raw = json.loads(self.content)
        except ValueError:
            return ""
        who = raw.get("published_by") if isinstance(raw, dict) else None
        return who if isinstance(who, str) else ""

    id: int | None = None


class NoticeDecision(StrEnum):
    """What we decided on a processor's notice of a new or replaced sub-processor (Art 28(2))."""

    ACCEPT = "accept"
    OBJECT = "object"
    TERMINATE = "terminate"  # terminate the processor's contract rather than accept


@dataclass(frozen=True, slots=True)
class SubprocessorNotice:
    """A processor's notice that it intends to engage (or replace) a sub-processor.

    Under general written authorisation (Art 28(2) GDPR, EU SCCs Clause 9(a) Option 2) the
    processor informs us in advance and we may object until ``objection_deadline``.
    ``subprocessor_id`` is the register's entity once known (set on acceptance);
    ``replaces_id`` the sub-processor it replaces, if any.
    """

    processor_id: int
    subprocessor_name: str
    received_on: date
    id: int | None = None
    subprocessor_id: int | None = None
    replaces_id: int | None = None
    countries: tuple[str, ...] = ()
    service: str = ""
    # None when recording: the contract's notice period (or the default) applies.
    notice_period_days: int | None = None
    objection_deadline: date | None = None
    decision: NoticeDecision | None = None
    decided_by: str = ""
    decided_on: date | None = None
    notes: str = ""
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived_at: datetime | None = None

    def days_left(self, on: date) -> int | None:
        """Days until the objection deadline (negative once it has passed)."""
        if self.objection_deadline is None:
            return None
        return (self.objection_deadline - on).days

    def is_overdue(self, on: date) -> bool:
        """Undecided after the last day to object."""
        left = self.days_left(on)
        return self.decision is None and left is not None and left < 0
