"""What the rules report: a gap (one problem on the register) and its code.

Kept apart from ``gaps`` so that the per-mechanism checkers (``mechanisms``) and the transfer
evaluation (``gaps``, which re-exports these names) share them without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from transfers_app.domain.enums import Regime, Severity
from transfers_app.domain.formatting import day, with_dates


class GapCode(StrEnum):
    NO_SAFEGUARD = "no_safeguard"
    NO_VALID_MECHANISM = "no_valid_mechanism"
    WRONG_MECHANISM = "wrong_mechanism"
    WRONG_MODULE = "wrong_module"
    # An instrument used alone where the data says it counts only with another (only_with);
    # named for the one such case in the data: EU SCCs for a UK transfer without the Addendum.
    UK_BARE_EU_SCC = "uk_bare_eu_scc"
    LEGACY_SCC_EXPIRED = "legacy_scc_expired"
    LEGACY_SCC_TOO_LATE = "legacy_scc_signed_too_late"
    MISSING_DOCUMENT = "missing_document"
    DOCUMENT_EXPIRED = "document_expired"
    DOCUMENT_NOT_YET_EFFECTIVE = "document_not_yet_effective"
    DOCUMENT_SUPERSEDED = "document_superseded"
    REVIEW_OVERDUE = "review_overdue"
    DPF_NOT_RECHECKED = "dpf_not_rechecked"
    DEROGATION_UNDOCUMENTED = "derogation_undocumented"
    TIA_MISSING = "tia_missing"
    TIA_OVERDUE = "tia_overdue"
    TIA_STALE = "tia_stale"  # the register has changed since the assessment was approved
    PRIMARY_INVALID = "primary_mechanism_invalid"
    NOT_ASSESSABLE = "not_assessable"
    ARCHIVED_PARTY = "archived_party"
    UNVERIFIED_FACT = "unverified_fact"
    ENTITY_NO_COUNTRY = "entity_without_country"


class Gap(NamedTuple):
    """One problem found on the register (immutable; a NamedTuple because a large register
    produces tens of thousands of them and tuples are the cheapest immutable records)."""

    code: GapCode
    severity: Severity
    message: str
    transfer_id: int | None = None
    entity_id: int | None = None
    regime: Regime | None = None
    document_id: int | None = None
    due_on: date | None = None
    # The dates ``message`` names, in the order it names them; the message writes them ISO
    # (the command line and the CSV/JSON files print it as it is), ``text`` in the app's words.
    dates: tuple[date, ...] = ()
    # The last day the safeguard it is about was valid (an expiry, a legal deadline), if the
    # problem is that it ended.
    last_valid_on: date | None = None

    def text(self, show: Callable[[date], str] = day) -> str:
        """The message as a page, a PDF or a letter shows it: its dates as ``show`` writes
        them (``formatting.day`` by default)."""
        return with_dates(self.message, self.dates, show)
