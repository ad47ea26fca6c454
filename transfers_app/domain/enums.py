"""Closed vocabularies of the register. Values are stable: they are stored in the database."""

from __future__ import annotations

from enum import StrEnum


class EntityKind(StrEnum):
    GROUP = "group"  # same corporate group (including our own exporting entities)
    VENDOR = "vendor"  # third-party vendor / subprocessor
    CUSTOMER = "customer"  # customer acting as controller


class Lifecycle(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    ACTIVE = "active"
    OFFBOARDED = "offboarded"


class Activity(StrEnum):
    HOSTING = "hosting"  # hosting / storage
    SUPPORT = "support"  # support / remote access
    HEADQUARTERS = "headquarters"
    BACKUP = "backup"
    FOLLOW_THE_SUN = "follow_the_sun"


class Regime(StrEnum):
    """The data-protection regime an exporter is subject to (Chapter V of each)."""

    UK = "UK"
    EU = "EU"  # EU/EEA GDPR
    CH = "CH"  # Swiss FADP


class Role(StrEnum):
    CONTROLLER = "controller"
    PROCESSOR = "processor"
    SUBPROCESSOR = "subprocessor"


class Access(StrEnum):
    STORAGE = "storage"
    REMOTE_ACCESS = "remote_access"
    ONWARD = "onward"


class Frequency(StrEnum):
    ONE_OFF = "one_off"
    PERIODIC = "periodic"
    CONTINUOUS = "continuous"


class VolumeBand(StrEnum):
    UNDER_1K = "<1k"
    UNDER_10K = "1k-10k"
    UNDER_100K = "10k-100k"
    UNDER_1M = "100k-1M"
    OVER_1M = ">1M"


class DocumentKind(StrEnum):
    EU_SCC_2021 = "eu_scc_2021"
    UK_IDTA = "uk_idta"
    UK_ADDENDUM = "uk_addendum"
    LEGACY_SCC_2001 = "legacy_scc_2001"  # Decision 2001/497/EC (C2C Set I)
    LEGACY_SCC_2004 = "legacy_scc_2004"  # Decision 2004/915/EC (C2C Set II)
    LEGACY_SCC_2010 = "legacy_scc_2010"  # Decision 2010/87/EU (C2P)
    BCR = "bcr"
    DPA = "dpa"  # Art 28 data processing agreement (not a transfer tool by itself)
    ART49_DEROGATION = "art49_derogation"
    DPF_CERTIFICATION = "dpf_certification"
    OTHER = "other"

    @property
    def is_legacy_scc(self) -> bool:
        return self in LEGACY_SCC_KINDS


LEGACY_SCC_KINDS = frozenset(
    {DocumentKind.LEGACY_SCC_2001, DocumentKind.LEGACY_SCC_2004, DocumentKind.LEGACY_SCC_2010}
)


class DocumentStatus(StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"


class Mechanism(StrEnum):
    """What a transfer relies on. Ordered lists of these are primary then fallbacks."""

    ADEQUACY = "adequacy"  # Art 45 decision / UK Art 45A regulations / Swiss Annex 1
    DPF = "dpf"  # EU-US DPF (and UK Extension / Swiss-US DPF by regime)
    EU_SCC = "eu_scc"
    UK_IDTA = "uk_idta"
    UK_ADDENDUM = "uk_addendum"  # EU SCCs + UK Addendum
    LEGACY_SCC = "legacy_scc"
    BCR = "bcr"
    DEROGATION = "derogation"  # Art 49


class Derogation(StrEnum):
    A = "49(1)(a)"
    B = "49(1)(b)"
    C = "49(1)(c)"
    D = "49(1)(d)"
    E = "49(1)(e)"
    F = "49(1)(f)"
    G = "49(1)(g)"
    COMPELLING = "49(1) second subparagraph"


class TiaStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class TiaState(StrEnum):
    """Where a live transfer stands with its assessment on a date, as the status engine
    judges it (``services.register.StatusReport.tia_state``)."""

    MISSING = "missing"  # needed, none approved
    DRAFT = "draft"  # needed, only a draft (or one in review) on file
    REVIEW_OVERDUE = "review_overdue"
    STALE = "stale"  # approved, but the register has moved on since
    APPROVED = "approved"
    NOT_NEEDED = "not_needed"  # no regime's transfer rests on a mechanism that needs one
    # No valid safeguard yet: whether one is needed depends on the mechanism to come.
    NO_SAFEGUARD = "no_safeguard"
    NOT_ASSESSED = "not_assessed"  # the transfer is not live on the date


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


class Finding(StrEnum):
    """Outcome of the destination test for one regime."""

    NOT_RESTRICTED = "not_restricted"
    ADEQUATE = "adequate"
    ADEQUATE_IF = "adequate_if_scope_met"  # partial decision: holds only for some recipients/data
    NOT_ADEQUATE = "not_adequate"
    UNKNOWN = "unknown"  # the reference data does not cover this date
