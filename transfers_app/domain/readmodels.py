"""Typed read models: what storage hands to the rules, the big tables and the reports.

Every storage adapter returns these (``transfers_app.ports.storage.RegisterQueries``), so the
core never reads a row by position nor splits a string in a storage encoding. They are
``NamedTuple``s: a register of 100,000 entities yields several hundred thousand of them, and a
named tuple is built straight from a row for a fraction of a frozen dataclass's cost. Repeated
values (enums, country lists, mechanism sets, dates) are shared between rows by the adapters.

The *facts* records are the rules' read-only view of a record: the fields the rules read, with
the same names and types as on the domain objects, so a rule accepts either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from transfers_app.domain.enums import (
    Access,
    Derogation,
    DocumentKind,
    DocumentStatus,
    EntityKind,
    Lifecycle,
    Mechanism,
    Regime,
    Role,
    TiaStatus,
)
from transfers_app.domain.formatting import assessment_reference
from transfers_app.domain.models import MechanismUse
from transfers_app.domain.tia import TiaInputs

# -- the rules' snapshot -----------------------------------------------------------------------


class EntityFacts(NamedTuple):
    """An entity as the rules see it (``Entity``'s fields of the same names)."""

    id: int | None
    name: str
    kind: EntityKind
    lifecycle: Lifecycle
    exporter_regimes: tuple[Regime, ...]
    # The first day the register knows the entity existed (``Entity.since``; None: unknown,
    # taken as always). A status as of an earlier day holds nothing against it.
    since: date | None = None

    @property
    def is_own(self) -> bool:
        return bool(self.exporter_regimes)

    def exists_on(self, on: date) -> bool:
        return self.since is None or self.since <= on


class TransferFacts(NamedTuple):
    """A transfer as the rules see it (``Transfer``'s fields of the same names)."""

    id: int | None
    exporter_id: int
    importer_id: int
    destination: str
    access: Access
    importer_role: Role
    exporter_role: Role
    regimes: tuple[Regime, ...]
    parent_transfer_id: int | None
    started_on: date | None
    ended_on: date | None
    mechanisms: tuple[MechanismUse, ...]
    archived_at: datetime | None

    def is_live_on(self, on: date) -> bool:
        # The same test as ``Transfer.is_live_on``.
        if self.archived_at is not None:
            return False
        if self.started_on is not None and self.started_on > on:
            return False
        return self.ended_on is None or self.ended_on >= on


class DocumentFacts(NamedTuple):
    """A document as the rules see it (``Document``'s fields of the same names)."""

    id: int | None
    kind: DocumentKind
    title: str
    scc_module: int | None
    signed_on: date | None
    effective_on: date | None
    expires_on: date | None
    next_review_on: date | None
    derogation: Derogation | None
    justification: str
    dpf_eu: bool
    dpf_uk_extension: bool
    dpf_swiss: bool
    checked_on: date | None
    status: DocumentStatus
    party_ids: tuple[int, ...]
    archived_at: datetime | None
    supersedes_id: int | None
    notice_period_days: int | None = None

    def in_force_on(self, on: date) -> bool:
        # The same test as ``Document.in_force_on``.
        start = self.effective_on or self.signed_on
        if start is not None and start > on:
            return False
        return self.expires_on is None or self.expires_on >= on


class AssessmentFacts(NamedTuple):
    """A transfer impact assessment's header and inputs, without its content (``Tia``'s
    fields of the same names)."""

    id: int | None
    transfer_id: int
    extra_transfer_ids: tuple[int, ...]
    status: TiaStatus
    approved_on: date | None
    next_review_on: date | None
    archived_at: datetime | None
    series_id: int | None
    revision: int
    inputs: TiaInputs | None

    @property
    def transfer_ids(self) -> tuple[int, ...]:
        return (self.transfer_id, *self.extra_transfer_ids)

    @property
    def reference(self) -> str:
        return assessment_reference(self.series_id, self.id, self.revision)


class TransferData(NamedTuple):
    """What a transfer carries beyond its facts that an assessment's inputs record."""

    data_categories: tuple[str, ...]
    data_subjects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RulesSnapshot:
    """Everything the rules need to judge the whole register, read in one go.

    ``entities`` and ``transfers`` are the live (not archived) ones; ``documents`` are all of
    them (an archived or superseded version still explains a gap); ``tias`` the live
    assessments. ``located`` holds the entities with a live location. ``transfer_data`` has,
    for each live transfer that a live approved assessment with recorded inputs covers, the
    data it carries: what the check for stale assessments compares with those inputs.
    """

    entities: dict[int, EntityFacts] = field(default_factory=dict)
    transfers: tuple[TransferFacts, ...] = ()
    documents: dict[int, DocumentFacts] = field(default_factory=dict)
    tias: tuple[AssessmentFacts, ...] = ()
    located: frozenset[int] = frozenset()
    transfer_data: dict[int, TransferData] = field(default_factory=dict)


# -- the register page -------------------------------------------------------------------------


class EntityRow(NamedTuple):
    """One live entity on the register page."""

    entity_id: int
    name: str
    legal_name: str
    kind: EntityKind
    is_own: bool
    lifecycle: Lifecycle
    # ISO codes of its live locations, each once, in the order they were recorded.
    countries: tuple[str, ...]
    # The services named on the live transfers it receives, in the order they were recorded.
    services: tuple[str, ...]


class DueKind(StrEnum):
    """What falls due (the values of ``Reminder.what``)."""

    EXPIRY = "expiry"
    NOTICE = "notice"
    REVIEW = "review"
    DPF_RECHECK = "dpf_recheck"
    TIA_REVIEW = "tia_review"
    # The last day an instrument may be relied on, whatever the contract says (the legacy SCCs'
    # end of validity under each regime).
    DEADLINE = "deadline"


class NextDue(NamedTuple):
    """An entity's earliest due date and what falls due then."""

    on: date
    what: DueKind


class MechanismsUsed(NamedTuple):
    """The mechanisms recorded on the live transfers an entity receives (primary or
    fallback); ``unrecorded`` when one of those transfers records none."""

    mechanisms: frozenset[Mechanism]
    unrecorded: bool


# -- the exports' register table -----------------------------------------------------------------


class EntityTransferLine(NamedTuple):
    """One line of the exports' register table: a live entity and one live transfer it
    receives, or the entity alone (transfer fields None or empty) when it receives none."""

    entity_id: int
    name: str
    kind: EntityKind
    lifecycle: Lifecycle
    is_own: bool
    # ISO codes of its live locations, each once, in the order they were recorded.
    countries: tuple[str, ...]
    transfer_id: int | None
    exporter_id: int | None
    exporter_name: str | None  # None only if the exporter's record is missing
    exporter_archived: bool
    exporter_regimes: tuple[Regime, ...]  # the exporter's own (empty: not one of ours)
    importer_role: Role | None
    destination: str | None
    regimes: tuple[Regime, ...]  # the transfer's own (empty: the exporter's apply)
    mechanisms: tuple[Mechanism, ...]  # primary first
    # The safeguard document: that of the first mechanism that names one.
    document_id: int | None
    document_title: str | None
    signed_on: date | None
    expires_on: date | None
    next_review_on: date | None
    # The transfer's purpose (its service when no purpose is recorded) and data categories.
    purpose: str = ""
    data_categories: tuple[str, ...] = ()


class AssessmentHead(NamedTuple):
    """A live assessment's header (no content, no inputs), for the exports."""

    id: int
    transfer_id: int
    extra_transfer_ids: tuple[int, ...]
    series_id: int | None
    revision: int
    status: TiaStatus
    approved_on: date | None
    next_review_on: date | None

    @property
    def transfer_ids(self) -> tuple[int, ...]:
        return (self.transfer_id, *self.extra_transfer_ids)

    @property
    def reference(self) -> str:
        return assessment_reference(self.series_id, self.id, self.revision)


class Counts(NamedTuple):
    """How many live records the register holds (and audit entries, all of them)."""

    entities: int
    locations: int
    transfers: int
    documents: int
    assessments: int
    audit_entries: int


# -- names (type-ahead, supplier check) ----------------------------------------------------------


class NameHit(NamedTuple):
    entity_id: int
    name: str


class NameCandidate(NamedTuple):
    """An entity's comparison keys (``transfers_app.domain.names.name_key``) for fuzzy
    matching; ``legal_key`` is empty when it has no legal name."""

    entity_id: int
    name_key: str
    legal_key: str


class NameKeys(NamedTuple):
    """The name keys of every live entity, as two parallel sequences (what a fuzzy matcher
    takes)."""

    ids: tuple[int, ...]
    keys: tuple[str, ...]
