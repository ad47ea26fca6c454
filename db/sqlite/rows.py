"""Rows -> domain objects and read models, with the ordinary constructors.

How values are stored (columns, ISO dates, JSON lists, comma-joined regimes) is defined once
in ``db.mapping``; this module only reads them back. Repeated stored values (enums, dates,
regime lists) are looked up in dicts, so bulk reads parse each distinct value once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from datetime import date, datetime
from typing import Any, TypeVar

from db.mapping import json_tuple, s2d, s2dt, s_to_regimes
from transfers_app.domain import enums, models
from transfers_app.domain.tia import TiaContent, TiaInputs, from_plain

__all__ = ["json_tuple", "s2d", "s2dt", "s_to_regimes"]

K = TypeVar("K")
V = TypeVar("V")


class Decoded(dict[K, V]):
    """Stored value -> decoded value, each distinct stored value decoded once.

    Made for one bulk read: ``decoded[stored]`` is a dict look-up (``decode`` runs on a miss
    only), and rows with equal stored values share one decoded object.
    """

    def __init__(self, decode: Callable[[K], V], presets: Mapping[K, V] | None = None) -> None:
        super().__init__(presets or {})
        self._decode = decode

    def __missing__(self, key: K) -> V:
        value = self[key] = self._decode(key)
        return value


def _day(stored: str | None) -> date | None:
    return date.fromisoformat(stored) if stored else None


def _stamp(stored: str | None) -> datetime | None:
    return datetime.fromisoformat(stored) if stored else None


def days() -> Decoded[str | None, date | None]:
    """ISO dates as stored (NULL as None)."""
    return Decoded(_day)


def stamps() -> Decoded[str | None, datetime | None]:
    """ISO time stamps as stored (NULL as None)."""
    return Decoded(_stamp)


def regime_lists() -> Decoded[str, tuple[enums.Regime, ...]]:
    """Comma-joined regimes as stored."""
    return Decoded(s_to_regimes)


KINDS = {k.value: k for k in enums.EntityKind}
LIFECYCLES = {k.value: k for k in enums.Lifecycle}
ACTIVITIES = {k.value: k for k in enums.Activity}
DOC_KINDS = {k.value: k for k in enums.DocumentKind}
DOC_STATUS = {k.value: k for k in enums.DocumentStatus}
DEROGATIONS = {k.value: k for k in enums.Derogation}
MECHANISMS = {k.value: k for k in enums.Mechanism}
FREQUENCIES = {k.value: k for k in enums.Frequency}
VOLUMES = {k.value: k for k in enums.VolumeBand}
ROLES = {k.value: k for k in enums.Role}
ACCESS = {k.value: k for k in enums.Access}
TIA_STATUS = {k.value: k for k in enums.TiaStatus}

_IDS: dict[str, tuple[int, ...]] = {"": ()}


def ids_of(text: str) -> tuple[int, ...]:
    """Comma-joined ids as stored (a TIA's further transfers)."""
    found = _IDS.get(text)
    if found is None:
        if len(_IDS) > 100_000:
            _IDS.clear()
        found = _IDS[text] = tuple(int(x) for x in text.split(",") if x)
    return found


def inputs_of(text: str | None) -> TiaInputs | None:
    return from_plain(TiaInputs, json.loads(text)) if text else None


# -- whole records -----------------------------------------------------------------------------


def entity_from(r: Sequence[Any]) -> models.Entity:
    """From a row of ``db.mapping.ENTITY_COLS``."""
    return models.Entity(
        id=r[0],
        name=r[1],
        kind=KINDS[r[2]],
        legal_name=r[3],
        registration_number=r[4],
        address=r[5],
        contact_name=r[6],
        contact_email=r[7],
        website=r[8],
        parent_id=r[9],
        notes=r[10],
        lifecycle=LIFECYCLES[r[11]],
        proposed_on=s2d(r[12]),
        approved_on=s2d(r[13]),
        active_on=s2d(r[14]),
        offboarded_on=s2d(r[15]),
        owner=r[16],
        exporter_regimes=s_to_regimes(r[17]),
        version=r[18],
        created_at=s2dt(r[19]),
        updated_at=s2dt(r[20]),
        archived_at=s2dt(r[21]),
    )


def location_from(r: Sequence[Any]) -> models.Location:
    """From a row of ``db.mapping.LOCATION_COLS``."""
    return models.Location(
        id=r[0],
        entity_id=r[1],
        country=r[2],
        activity=ACTIVITIES[r[3]],
        city=r[4],
        version=r[5],
        created_at=s2dt(r[6]),
        updated_at=s2dt(r[7]),
        archived_at=s2dt(r[8]),
    )


def transfer_from(r: Sequence[Any], mechanisms: tuple[models.MechanismUse, ...]) -> models.Transfer:
    """From a row of ``db.mapping.TRANSFER_COLS``."""
    return models.Transfer(
        id=r[0],
        exporter_id=r[1],
        importer_id=r[2],
        destination=r[3],
        access=ACCESS[r[4]],
        importer_role=ROLES[r[5]],
        exporter_role=ROLES[r[6]],
        regimes=s_to_regimes(r[7]),
        service=r[8],
        purpose=r[9],
        data_categories=json_tuple(r[10]),
        data_subjects=json_tuple(r[11]),
        special_category=bool(r[12]),
        criminal_data=bool(r[13]),
        frequency=FREQUENCIES[r[14]],
        volume=VOLUMES[r[15]] if r[15] else None,
        parent_transfer_id=r[16],
        started_on=s2d(r[17]),
        ended_on=s2d(r[18]),
        notes=r[19],
        mechanisms=mechanisms,
        version=r[20],
        created_at=s2dt(r[21]),
        updated_at=s2dt(r[22]),
        archived_at=s2dt(r[23]),
    )


_SCC_FIELDS = {f.name for f in fields(models.SccOptions)}


def document_from(r: Sequence[Any], parties: tuple[int, ...]) -> models.Document:
    """From a row of ``db.mapping.DOCUMENT_COLS``."""
    opts = None
    if r[5]:
        raw = json.loads(r[5])
        opts = models.SccOptions(**{k: v for k, v in raw.items() if k in _SCC_FIELDS})
    return models.Document(
        id=r[0],
        kind=DOC_KINDS[r[1]],
        title=r[2],
        instrument_version=r[3],
        scc_module=r[4],
        scc_options=opts,
        signed_on=s2d(r[6]),
        effective_on=s2d(r[7]),
        expires_on=s2d(r[8]),
        notice_period_days=r[9],
        review_cycle_months=r[10],
        next_review_on=s2d(r[11]),
        last_reviewed_on=s2d(r[12]),
        derogation=DEROGATIONS[r[13]] if r[13] else None,
        justification=r[14],
        dpf_eu=bool(r[15]),
        dpf_uk_extension=bool(r[16]),
        dpf_swiss=bool(r[17]),
        checked_on=s2d(r[18]),
        file_sha256=r[19],
        file_name=r[20],
        series_id=r[21],
        doc_version=r[22],
        status=DOC_STATUS[r[23]],
        supersedes_id=r[24],
        notes=r[25],
        party_ids=parties,
        version=r[26],
        created_at=s2dt(r[27]),
        updated_at=s2dt(r[28]),
        archived_at=s2dt(r[29]),
    )


def tia_from(r: Sequence[Any]) -> models.Tia:
    """From a row of ``db.mapping.TIA_COLS`` (without the last, ``content``, for a lean read;
    with the document as approved after it: ``TIA_FULL_COLS``)."""
    content = r[19] if len(r) > 19 else None
    return models.Tia(
        id=r[0],
        transfer_id=r[1],
        status=TIA_STATUS[r[2]],
        assessor=r[3],
        approver=r[4],
        approved_on=s2d(r[5]),
        next_review_on=s2d(r[6]),
        review_cycle_months=r[7],
        version=r[8],
        created_at=s2dt(r[9]),
        updated_at=s2dt(r[10]),
        archived_at=s2dt(r[11]),
        title=r[12],
        revision=r[13],
        series_id=r[14],
        regimes=s_to_regimes(r[15]),
        extra_transfer_ids=ids_of(r[16]),
        inputs=inputs_of(r[17]),
        change_note=r[18],
        content=from_plain(TiaContent, json.loads(content)) if content else None,
        approved_document=r[20] if len(r) > 20 else None,
    )


def publication_from(r: Sequence[Any]) -> models.Publication:
    """From a row of ``db.mapping.PUBLICATION_COLS``."""
    return models.Publication(
        id=r[0], kind=r[1], published_on=date.fromisoformat(r[2]), actor=r[3], content=r[4]
    )


def notice_from(r: Sequence[Any]) -> models.SubprocessorNotice:
    """From a row of ``db.mapping.NOTICE_COLS``."""
    return models.SubprocessorNotice(
        id=r[0],
        processor_id=r[1],
        subprocessor_name=r[2],
        subprocessor_id=r[3],
        replaces_id=r[4],
        countries=tuple(c for c in r[5].split(",") if c),
        service=r[6],
        received_on=date.fromisoformat(r[7]),
        notice_period_days=r[8],
        objection_deadline=date.fromisoformat(r[9]),
        decision=models.NoticeDecision(r[10]) if r[10] else None,
        decided_by=r[11],
        decided_on=s2d(r[12]),
        notes=r[13],
        version=r[14],
        created_at=s2dt(r[15]),
        updated_at=s2dt(r[16]),
        archived_at=s2dt(r[17]),
    )


AUDIT_COLS = ("at", "actor", "table_name", "record_id", "action", "before", "after", "id")
AUDIT_CHAIN_COLS = (*AUDIT_COLS, "hash", "prev_hash")


def audit_from(r: Sequence[Any]) -> models.AuditEntry:
    """From a row of ``AUDIT_COLS`` (or ``AUDIT_CHAIN_COLS``, with the hashes)."""
    return models.AuditEntry(
        at=datetime.fromisoformat(r[0]),
        actor=r[1],
        table=r[2],
        record_id=r[3],
        action=r[4],
        before=r[5],
        after=r[6],
        id=r[7],
        hash=r[8] if len(r) > 8 else "",
        prev_hash=r[9] if len(r) > 9 else "",
    )


# The settings key holding the newest audit entry as "id:hash", written with every entry.
AUDIT_ANCHOR = "audit_anchor"
