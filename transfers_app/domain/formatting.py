"""Words for the register's codes, shared by the app, the reports and the exports.

The one place where a mechanism, document kind, entity kind or status gets its words: a page,
an export or a rule that needs a label imports it from here.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import (
    Access,
    Activity,
    DocumentKind,
    EntityKind,
    Frequency,
    Lifecycle,
    Mechanism,
    Regime,
    Role,
    Severity,
    TiaState,
    TiaStatus,
)

NO_MECHANISM = "none"

MECHANISM_LABELS: dict[str, str] = {
    Mechanism.ADEQUACY: "Adequacy",
    Mechanism.DPF: "Data Privacy Framework",
    Mechanism.EU_SCC: "EU SCCs",
    Mechanism.UK_IDTA: "UK IDTA",
    Mechanism.UK_ADDENDUM: "UK Addendum",
    Mechanism.LEGACY_SCC: "Legacy SCCs",
    Mechanism.BCR: "BCRs",
    Mechanism.DEROGATION: "Art 49 derogation",
    NO_MECHANISM: "None recorded",
}

# Short names of the primary mechanism, as written on the data map's arrows.
MECHANISM_SHORT: dict[Mechanism, str] = {
    Mechanism.ADEQUACY: "Adequacy",
    Mechanism.DPF: "DPF",
    Mechanism.EU_SCC: "SCC",
    Mechanism.UK_IDTA: "IDTA",
    Mechanism.UK_ADDENDUM: "SCC+Addendum",
    Mechanism.LEGACY_SCC: "Legacy SCC",
    Mechanism.BCR: "BCR",
    Mechanism.DEROGATION: "Art 49",
}

# A mechanism inside a sentence ("relies on the UK IDTA but ...").
MECHANISM_PHRASES: dict[Mechanism, str] = {
    Mechanism.ADEQUACY: "adequacy",
    Mechanism.DPF: "the Data Privacy Framework",
    Mechanism.EU_SCC: "EU SCCs",
    Mechanism.UK_IDTA: "the UK IDTA",
    Mechanism.UK_ADDENDUM: "EU SCCs with the UK Addendum",
    Mechanism.LEGACY_SCC: "legacy SCCs",
    Mechanism.BCR: "BCRs",
    Mechanism.DEROGATION: "an Art 49 derogation",
}

# What each mechanism means to a customer reading the public sub-processor list.
SAFEGUARD_WORDS: dict[Mechanism, str] = {
    Mechanism.ADEQUACY: "Adequacy decision",
    Mechanism.DPF: "EU-U.S. Data Privacy Framework certification",
    Mechanism.EU_SCC: "EU standard contractual clauses",
    Mechanism.UK_IDTA: "UK International Data Transfer Agreement",
    Mechanism.UK_ADDENDUM: "UK Addendum to the EU standard contractual clauses",
    Mechanism.LEGACY_SCC: "Standard contractual clauses (pre-2021 version)",
    Mechanism.BCR: "Binding corporate rules",
    Mechanism.DEROGATION: "A specific-situation exception (Art 49), for occasional transfers",
}

DOCUMENT_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.EU_SCC_2021: "EU SCCs (2021)",
    DocumentKind.UK_IDTA: "UK IDTA",
    DocumentKind.UK_ADDENDUM: "UK Addendum to the EU SCCs",
    DocumentKind.LEGACY_SCC_2001: "Legacy SCCs 2001 (controller to controller, set I)",
    DocumentKind.LEGACY_SCC_2004: "Legacy SCCs 2004 (controller to controller, set II)",
    DocumentKind.LEGACY_SCC_2010: "Legacy SCCs 2010 (controller to processor)",
    DocumentKind.BCR: "Binding corporate rules",
    DocumentKind.DPA: "Data processing agreement (Art 28)",
    DocumentKind.ART49_DEROGATION: "Art 49 derogation record",
    DocumentKind.DPF_CERTIFICATION: "DPF certification evidence",
    DocumentKind.OTHER: "Other",
}

ENTITY_KIND_LABELS: dict[EntityKind, str] = {
    EntityKind.GROUP: "Group company",
    EntityKind.VENDOR: "Vendor",
    EntityKind.CUSTOMER: "Customer",
}
OWN_KIND_LABEL = "Our entity"
LIFECYCLE_LABELS: dict[Lifecycle, str] = {lc: lc.value.capitalize() for lc in Lifecycle}
SEVERITY_LABELS: dict[Severity, str] = {s: s.value.capitalize() for s in Severity}

ACTIVITY_LABELS: dict[Activity, str] = {
    Activity.HEADQUARTERS: "Headquarters",
    Activity.HOSTING: "Hosting / storage",
    Activity.SUPPORT: "Support / remote access",
    Activity.BACKUP: "Backup",
    Activity.FOLLOW_THE_SUN: "Follow-the-sun support",
}
ACCESS_LABELS: dict[Access, str] = {
    Access.STORAGE: "Storage",
    Access.REMOTE_ACCESS: "Remote access",
    Access.ONWARD: "Onward transfer",
}
FREQUENCY_LABELS: dict[Frequency, str] = {
    Frequency.ONE_OFF: "One-off",
    Frequency.PERIODIC: "Periodic",
    Frequency.CONTINUOUS: "Continuous",
}

REGIME_LABELS: dict[Regime, str] = {
    Regime.UK: "UK GDPR",
    Regime.EU: "EU GDPR",
    Regime.CH: "Swiss FADP",
}

ROLE_LABELS: dict[Role, str] = {
    Role.CONTROLLER: "controller",
    Role.PROCESSOR: "processor",
    Role.SUBPROCESSOR: "sub-processor",
}

# The assessment of a transfer as the status engine judges it, in the words every output uses.
TIA_STATE_LABELS: dict[TiaState, str] = {
    TiaState.MISSING: "missing",
    TiaState.DRAFT: "draft",
    TiaState.REVIEW_OVERDUE: "review overdue",
    TiaState.STALE: "stale",
    TiaState.APPROVED: "approved",
    TiaState.NOT_NEEDED: "not needed",
    TiaState.NO_SAFEGUARD: "pending a valid safeguard",
    TiaState.NOT_ASSESSED: "not assessed (not live)",
}

TIA_STATUS_LABELS: dict[TiaStatus, str] = {
    TiaStatus.DRAFT: "Draft",
    TiaStatus.IN_REVIEW: "In review",
    TiaStatus.APPROVED: "Approved",
    TiaStatus.SUPERSEDED: "Superseded",
}


def country_label(code: str) -> str:
    """'United States (US)'; the code alone when it is unknown."""
    if not code:
        return ""
    name = country_name(code)
    return f"{name} ({code})" if name and name != code else code


def assessment_reference(series_id: int | None, tia_id: int | None, revision: int) -> str:
    """The one name of a transfer impact assessment, on every page and in every output:
    TIA-<series>-v<revision> ("TIA-0007-v2"); ``tia_id`` stands for an unsaved series."""
    return f"TIA-{series_id or tia_id or 0:04d}-v{revision}"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class DateOrder(StrEnum):
    """How the system's locale orders a date; every order ``day`` writes is unambiguous."""

    DMY = "dmy"  # 5 Feb 2026 (most locales; the default)
    MDY = "mdy"  # Feb 5, 2026 (the United States, the Philippines...)
    YMD = "ymd"  # 2026-02-05 (Japan, China, Korea, Hungary, Lithuania, Sweden...)


_MDY_TERRITORIES = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI"})
_YMD_LANGUAGES = frozenset({"ja", "zh", "ko", "hu", "lt", "mn", "sv"})
_order = DateOrder.DMY


def date_order_of(locale_name: str | None) -> DateOrder:
    """The date order of a POSIX locale name ("en_US.UTF-8" -> MDY); DMY when unknown."""
    base = (locale_name or "").split(".")[0].split("@")[0]
    language, _, territory = base.partition("_")
    if territory.upper() in _MDY_TERRITORIES:
        return DateOrder.MDY
    if language.lower() in _YMD_LANGUAGES:
        return DateOrder.YMD
    return DateOrder.DMY


def use_date_order(order: DateOrder) -> None:
    """Set once, at the composition root, from the system locale (``date_order_of``)."""
    global _order
    _order = order


def date_order() -> DateOrder:
    """The order ``day`` writes dates in (the app's date fields follow it too)."""
    return _order


def day(d: date | None, empty: str = "—") -> str:
    """The one date format of the app and its outputs, in the system locale's order and
    never ambiguous: "5 Feb 2026", "Feb 5, 2026" or "2026-02-05" (machine-read files and
    file names keep ISO dates)."""
    if d is None:
        return empty
    if _order is DateOrder.MDY:
        return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"
    if _order is DateOrder.YMD:
        return d.isoformat()
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def moment(at: datetime) -> str:
    """A point in time (the audit log), local: the date as ``day`` writes it, then the time."""
    local = at.astimezone() if at.tzinfo is not None else at
    return f"{day(local.date())} {local:%H:%M:%S}"


def percent(p: float) -> str:
    """Small probabilities keep their significant digits: 0.0074 → '0.74 %'."""
    if p == 0:
        return "0 %"
    if p < 0.0001:
        return f"{p * 100:.2g} %"
    if p < 0.01:
        return f"{p * 100:.2f} %"
    return f"{p * 100:.1f} %"
