"""Is an approved assessment still about the register as it stands? The inputs an assessment
recorded when it was made (countries, mechanisms, data, sub-processors, reference version)
against what the register says today.

Kept apart from the TIA service so that the status report, which runs on every ``check``,
``status`` and page refresh, does not load the document builders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple, Protocol

from transfers_app.domain.enums import Severity, TiaStatus
from transfers_app.domain.models import MechanismUse, Transfer
from transfers_app.domain.readmodels import AssessmentFacts, RulesSnapshot, TransferFacts
from transfers_app.domain.tia import TiaInputs, stale_reasons
from transfers_app.rules.gaps import Gap, GapCode


class CoveredTransfer(Protocol):
    """What an assessment's inputs record of a transfer it covers (``Transfer``'s fields)."""

    @property
    def id(self) -> int | None: ...
    @property
    def destination(self) -> str: ...
    @property
    def mechanisms(self) -> tuple[MechanismUse, ...]: ...
    @property
    def data_categories(self) -> tuple[str, ...]: ...
    @property
    def data_subjects(self) -> tuple[str, ...]: ...


class Named(Protocol):
    """An entity's id and name (``Entity``, ``EntityFacts``)."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...


class _Covered(NamedTuple):
    """A covered transfer from the rules' snapshot: its facts and the data it carries."""

    id: int | None
    destination: str
    mechanisms: tuple[MechanismUse, ...]
    data_categories: tuple[str, ...]
    data_subjects: tuple[str, ...]
    importer_id: int


def compute_inputs(
    covered: Sequence[CoveredTransfer],
    importer: Named,
    onward: Iterable[str],
    reference_version: str,
    on: date,
) -> TiaInputs:
    """What the register says today about the transfers an assessment covers."""

    def union(values: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(set(values)))

    return TiaInputs(
        taken_on=on,
        importer_id=importer.id or 0,
        importer_name=importer.name,
        countries=union(t.destination for t in covered),
        mechanisms=tuple(dict.fromkeys(m.mechanism.value for t in covered for m in t.mechanisms)),
        data_categories=union(c for t in covered for c in t.data_categories),
        data_subjects=union(s for t in covered for s in t.data_subjects),
        subprocessors=union(onward),
        reference_version=reference_version,
        transfer_ids=tuple(sorted(t.id for t in covered if t.id is not None)),
    )


def onward_of(
    importer_id: int, transfers: Iterable[Transfer | TransferFacts], names: Mapping[int, str]
) -> list[str]:
    """The importer's own onward transfers (its subprocessors), as 'Name (CC)'."""
    return [
        f"{names.get(t.importer_id, t.importer_id)} ({t.destination})"
        for t in transfers
        if t.exporter_id == importer_id and t.archived_at is None and t.ended_on is None
    ]


def stale_gaps(
    snap: RulesSnapshot,
    reference_version: str,
    on: date,
    assessed: Collection[int | None] | None = None,
) -> list[Gap]:
    """A gap for every approved, current assessment whose inputs the register has left behind
    (``stale_assessments``)."""
    return [g for _, g in stale_assessments(snap, reference_version, on, assessed)]


def stale_assessments(
    snap: RulesSnapshot,
    reference_version: str,
    on: date,
    assessed: Collection[int | None] | None = None,
) -> list[tuple[AssessmentFacts, Gap]]:
    """Every approved, current assessment whose inputs the register has left behind, with
    its gap.

    Only assessments approved by ``on`` (one approved later did not exist that day) and, given
    ``assessed`` (the transfers the status judged on ``on``), only those covering one of them:
    an assessment of transfers not live that day is neither current nor stale.

    The data the covered transfers carry comes with the snapshot (``transfer_data``): nothing
    is read per transfer.
    """
    approved = [
        x
        for x in snap.tias
        if x.status is TiaStatus.APPROVED
        and x.archived_at is None
        and x.inputs is not None
        and (x.approved_on is None or x.approved_on <= on)
        and (assessed is None or any(i in assessed for i in x.transfer_ids))
    ]
    if not approved:
        return []
    by_exporter: dict[int, list[TransferFacts]] = defaultdict(list)
    by_id: dict[int | None, TransferFacts] = {}
    for t in snap.transfers:
        by_exporter[t.exporter_id].append(t)
        by_id[t.id] = t
    names = {i: e.name for i, e in snap.entities.items()}
    out: list[tuple[AssessmentFacts, Gap]] = []
    for tia in approved:
        assert tia.inputs is not None
        live = []
        for i in tia.transfer_ids:
            facts, data = by_id.get(i), snap.transfer_data.get(i)
            if facts is None or data is None:
                continue  # archived (or gone): the snapshot holds live transfers only
            live.append(
                _Covered(
                    facts.id,
                    facts.destination,
                    facts.mechanisms,
                    data.data_categories,
                    data.data_subjects,
                    facts.importer_id,
                )
            )
        if not live:
            continue  # nothing left to assess: the transfer's own status says so
        importer = snap.entities.get(live[0].importer_id)
        if importer is None:
            continue
        now = compute_inputs(
            live,
            importer,
            onward_of(importer.id or 0, by_exporter.get(importer.id or 0, ()), names),
            reference_version,
            on,
        )
        reasons = stale_reasons(tia.inputs, now)
        if reasons:
            gap = Gap(
                GapCode.TIA_STALE,
                Severity.MEDIUM,
                f"assessment {tia.reference} no longer matches the register: " + "; ".join(reasons),
                tia.transfer_id,
                importer.id,
            )
            out.append((tia, gap))
    return out
