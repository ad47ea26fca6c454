"""The rows of the app's work lists, with every decision made: which transfer has an overdue
gap, which assessment is missing, overdue or no longer matches the register.

Read models for the Transfers and Assessments pages (and anything else that lists them); the
pages only show them. Qt-free.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.formatting import MECHANISM_LABELS
from transfers_app.domain.models import Tia, Transfer
from transfers_app.domain.names import fold
from transfers_app.domain.renewals import is_overdue
from transfers_app.rules.gaps import Gap


@dataclass(frozen=True, slots=True)
class TransferRow:
    transfer: Transfer
    exporter: str
    importer: str
    regimes: tuple[Regime, ...]
    live: bool
    gaps: tuple[Gap, ...]  # worst first
    overdue: bool  # a gap whose date has passed

    @property
    def worst(self) -> Gap | None:
        return self.gaps[0] if self.gaps else None

    @property
    def destination(self) -> str:
        code = self.transfer.destination
        return f"{country_name(code)} ({code})"

    @property
    def mechanisms(self) -> str:
        uses = self.transfer.mechanisms
        if not uses:
            return "no mechanism"
        return " → ".join(MECHANISM_LABELS[u.mechanism] for u in uses)

    @property
    def status_text(self) -> str:
        if not self.live:
            return "not live"
        worst = self.worst
        return worst.severity.value.upper() if worst else "OK"

    def status_rank(self) -> int:
        if not self.live:
            return 6
        worst = self.worst
        return worst.severity.rank if worst else 5

    def search_text(self) -> str:
        t = self.transfer
        words = (
            self.exporter,
            self.importer,
            self.destination,
            t.service,
            t.purpose,
            self.mechanisms,
            " ".join(r.value for r in self.regimes),
        )
        return fold(" ".join(words))


def transfer_rows(
    transfers: list[Transfer],
    names: dict[int, str],
    statuses: dict[int, tuple[Regime, ...]],
    gaps: dict[int, list[Gap]],
    today: date,
) -> list[TransferRow]:
    """Join the transfers with the status report (``statuses``: the live ones' regimes)."""
    rows = []
    for t in transfers:
        assert t.id is not None
        own = tuple(gaps.get(t.id, ()))
        rows.append(
            TransferRow(
                transfer=t,
                exporter=names.get(t.exporter_id, f"#{t.exporter_id} (archived)"),
                importer=names.get(t.importer_id, f"#{t.importer_id} (archived)"),
                regimes=statuses.get(t.id, t.regimes),
                live=t.id in statuses or t.id in gaps,
                gaps=own,
                overdue=any(is_overdue(g.due_on, today) for g in own),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    """An assessment on file, or (``tia`` None) a transfer that needs one and has none."""

    transfer_id: int
    exporter: str
    importer: str
    importer_id: int
    destination: str  # ISO code
    tia: Tia | None
    overdue: bool
    # Why an approved assessment is needed and missing: on the transfer's row without one,
    # and on its drafts (a draft is not an assessment until it is approved).
    reason: str = ""
    stale: str = ""  # why an approved assessment no longer matches the register

    @property
    def missing(self) -> bool:
        if self.tia is None:
            return True
        return bool(self.reason) and self.tia.status in (TiaStatus.DRAFT, TiaStatus.IN_REVIEW)

    @property
    def state(self) -> str:
        if self.tia is None:
            return "missing"
        if self.overdue:
            return "overdue"
        return "stale" if self.stale else self.tia.status.value

    @property
    def flag(self) -> str:
        if self.missing:
            return "MISSING" if self.tia is None else "NOT APPROVED"
        return "OVERDUE" if self.overdue else "STALE" if self.stale else ""

    @property
    def transfer_text(self) -> str:
        return f"{self.exporter} → {self.importer}"

    @property
    def destination_text(self) -> str:
        return f"{country_name(self.destination)} ({self.destination})"


def assessment_rows(
    tias: list[Tia],
    transfers: dict[int, Transfer],
    names: dict[int, str],
    missing: dict[int, str],
    overdue: Collection[int] = (),
    stale: dict[int, str] | None = None,
) -> list[AssessmentRow]:
    """Rows for every assessment, then one per transfer in ``missing`` that has none.

    ``missing`` and ``stale`` map a transfer to the message of its gap: a draft of a transfer
    in ``missing`` is flagged as not approved, its approved assessment in ``stale`` as stale.
    ``overdue``: the assessments whose review the status reports overdue (by id,
    ``StatusReport.overdue_assessments``): a draft, a superseded assessment or one of a
    transfer not live has no review due.
    """
    stale = stale or {}

    def name(entity_id: int) -> str:
        return names.get(entity_id, f"#{entity_id} (archived)")

    rows: list[AssessmentRow] = []
    assessed: set[int] = set()
    for tia in tias:
        t = transfers.get(tia.transfer_id)
        if t is None:
            continue  # its transfer was archived
        assessed.add(tia.transfer_id)
        rows.append(
            AssessmentRow(
                transfer_id=tia.transfer_id,
                exporter=name(t.exporter_id),
                importer=name(t.importer_id),
                importer_id=t.importer_id,
                destination=t.destination,
                tia=tia,
                overdue=tia.id in overdue,
                reason=missing.get(tia.transfer_id, ""),
                stale=(stale.get(tia.transfer_id, "") if tia.status is TiaStatus.APPROVED else ""),
            )
        )
    for transfer_id, reason in missing.items():
        t = transfers.get(transfer_id)
        if t is None or transfer_id in assessed:
            continue
        rows.append(
            AssessmentRow(
                transfer_id=transfer_id,
                exporter=name(t.exporter_id),
                importer=name(t.importer_id),
                importer_id=t.importer_id,
                destination=t.destination,
                tia=None,
                overdue=False,
                reason=reason,
            )
        )
    return rows
