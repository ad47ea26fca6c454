"""Words for the register's codes, shared by the app, the reports and the exports.

The one place where a mechanism, document kind, entity kind or status gets its words: a page,
an export or a rule that needs a label imports it from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from enum import StrEnum

from transfers_app.domain import enums
from transfers_app.domain.countries import country_name

NO_MECHANISM = "none"

MECHANISM_LABELS: dict[str, str] = {
    enums.Mechanism.ADEQUACY: "Adequacy",
    enums.Mechanism.DPF: "Data Privacy Framework",
    enums.Mechanism.EU_SCC: "EU SCCs",
    enums.Mechanism.UK_IDTA: "UK IDTA",
    enums.Mechanism.UK_ADDENDUM: "UK Addendum",
    enums.Mechanism.LEGACY_SCC: "Legacy SCCs",
    enums.Mechanism.BCR: "BCRs",
    enums.Mechanism.DEROGATION: "Art 49 derogation",
    NO_MECHANISM: "None recorded",
}

# Short names of the primary mechanism, as written on the data map's arrows.
MECHANISM_SHORT: dict[enums.Mechanism, str] = {
    enums.Mechanism.ADEQUACY: "Adequacy",
    enums.Mechanism.DPF: "DPF",
    enums.Mechanism.EU_SCC: "SCC",
    enums.Mechanism.UK_IDTA: "IDTA",
    enums.Mechanism.UK_ADDENDUM: "SCC+Addendum",
    enums.Mechanism.LEGACY_SCC: "Legacy SCC",
    enums.Mechanism.BCR: "BCR",
    enums.Mechanism.DEROGATION: "Art 49",
}

# A mechanism inside a sentence ("relies on the UK IDTA but ...").
MECHANISM_PHRASES: dict[enums.Mechanism, str] = {
    enums.Mechanism.ADEQUACY: "adequacy",
    enums.Mechanism.DPF: "the Data Privacy Framework",
    enums.Mechanism.EU_SCC: "EU SCCs",
    enums.Mechanism.UK_IDTA: "the UK IDTA",
    enums.Mechanism.UK_ADDENDUM: "EU SCCs with the UK Addendum",
    enums.Mechanism.LEGACY_SCC: "legacy SCCs",
    enums.Mechanism.BCR: "BCRs",
    enums.Mechanism.DEROGATION: "an Art 49 derogation",
}

# What each mechanism means to a customer reading the public sub-processor list.
SAFEGUARD_WORDS: dict[enums.Mechanism, str] = {
    enums.Mechanism.ADEQUACY: "Adequacy decision",
    enums.Mechanism.DPF: "EU-U.S. Data Privacy Framework certification",
    enums.Mechanism.EU_SCC: "EU standard contractual clauses",
    enums.Mechanism.UK_IDTA: "UK International Data Transfer Agreement",
    enums.Mechanism.UK_ADDENDUM: "UK Addendum to the EU standard contractual clauses",
    enums.Mechanism.LEGACY_SCC: "Standard contractual clauses (pre-2021 version)",
    enums.Mechanism.BCR: "Binding corporate rules",
    enums.Mechanism.DEROGATION: "A specific-situation exception (Art 49), for occasional transfers",
}

DOCUMENT_KIND_LABELS: dict[enums.DocumentKind, str] = {
    enums.DocumentKind.EU_SCC_2021: "EU SCCs (2021)",
    enums.DocumentKind.UK_IDTA: "UK IDTA",
    enums.DocumentKind.UK_ADDENDUM: "UK Addendum to the EU SCCs",
    enums.DocumentKind.LEGACY_SCC_2001: "Legacy SCCs 2001 (controller to controller, set I)",
    enums.DocumentKind.LEGACY_SCC_2004: "Legacy SCCs 2004 (controller to controller, set II)",
    enums.DocumentKind.LEGACY_SCC_2010: "Legacy SCCs 2010 (controller to processor)",
    enums.DocumentKind.BCR: "Binding corporate rules",
    enums.DocumentKind.DPA: "Data processing agreement (Art 28)",
    enums.DocumentKind.ART49_DEROGATION: "Art 49 derogation record",
    enums.DocumentKind.DPF_CERTIFICATION: "DPF certification evidence",
    enums.DocumentKind.OTHER: "Other",
}

ENTITY_KIND_LABELS: dict[enums.EntityKind, str] = {
    enums.EntityKind.GROUP: "Group company",
    enums.EntityKind.VENDOR: "Vendor",
    enums.EntityKind.CUSTOMER: "Customer",
}
OWN_KIND_LABEL = "Our entity"
LIFECYCLE_LABELS: dict[enums.Lifecycle, str] = {lc: lc.value.capitalize() for lc in enums.Lifecycle}
SEVERITY_LABELS: dict[enums.Severity, str] = {s: s.value.capitalize() for s in enums.Severity}

ACTIVITY_LABELS: dict[enums.Activity, str] = {
    enums.Activity.HEADQUARTERS: "Headquarters",
    enums.Activity.HOSTING: "Hosting / storage",
    enums.Activity.SUPPORT: "Support / remote access",
    enums.Activity.BACKUP: "Backup",
    enums.Activity.FOLLOW_THE_SUN: "Follow-the-sun support",
}
ACCESS_LABELS: dict[enums.Access, str] = {
    enums.Access.STORAGE: "Storage",
    enums.Access.REMOTE_ACCESS: "Remote access",
    enums.Access.ONWARD: "Onward transfer",
}
FREQUENCY_LABELS: dict[enums.Frequency, str] = {
    enums.Frequency.ONE_OFF: "One-off",
    enums.Frequency.PERIODIC: "Periodic",
    enums.Frequency.CONTINUOUS: "Continuous",
}

REGIME_LABELS: dict[enums.Regime, str] = {
    enums.Regime.UK: "UK GDPR",
    enums.Regime.EU: "EU GDPR",
    enums.Regime.CH: "Swiss FADP",
}

ROLE_LABELS: dict[enums.Role, str] = {
    enums.Role.CONTROLLER: "controller",
    enums.Role.PROCESSOR: "processor",
    enums.Role.SUBPROCESSOR: "sub-processor",
}

# The assessment of a transfer as the status engine judges it, in the words every output uses.
TIA_STATE_LABELS: dict[enums.TiaState, str] = {
    enums.TiaState.MISSING: "missing",
    enums.TiaState.DRAFT: "draft",
    enums.TiaState.REVIEW_OVERDUE: "review overdue",
    enums.TiaState.STALE: "stale",
    enums.TiaState.APPROVED: "approved",
    enums.TiaState.NOT_NEEDED: "not needed",
    enums.TiaState.NO_SAFEGUARD: "pending a valid safeguard",
    enums.TiaState.NOT_ASSESSED: "not assessed (not live)",
}

TIA_STATUS_LABELS: dict[enums.TiaStatus, str] = {
    enums.TiaStatus.DRAFT: "Draft",
    enums.TiaStatus.IN_REVIEW: "In review",
    enums.TiaStatus.APPROVED: "Approved",
    enums.TiaStatus.SUPERSEDED: "Superseded",
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


def with_dates(message: str, dates: Iterable[date], show: Callable[[date], str] = day) -> str:
    """A message that names ``dates`` in ISO (as the rules write them for the command line and
    machine-read files), with each of them written by ``show`` instead: "expired on
    2026-02-05" -> "expired on 5 Feb 2026". Only the dates given are rewritten, so a user's
    text that merely looks like a date stays as typed unless it is one of them."""
    for d in dict.fromkeys(dates):
        message = message.replace(d.isoformat(), show(d))
    return message


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
