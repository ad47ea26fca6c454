"""Words for the register's codes, shared by the app, the reports and the exports."""

from __future__ import annotations

from datetime import date

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Mechanism, Regime, Role, TiaStatus

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


def day(d: date | None, empty: str = "—") -> str:
    """Dates as people in the UK read them in a document: 5 Feb 2026."""
    return f"{d.day} {d:%b %Y}" if d is not None else empty


def percent(p: float) -> str:
    """Small probabilities keep their significant digits: 0.0074 → '0.74 %'."""
    if p == 0:
        return "0 %"
    if p < 0.0001:
        return f"{p * 100:.2g} %"
    if p < 0.01:
        return f"{p * 100:.2f} %"
    return f"{p * 100:.1f} %"
