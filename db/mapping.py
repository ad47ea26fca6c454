"""Row <-> domain object conversion. Only this module knows how values are stored."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any, TypeVar

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
from transfers_app.domain.models import (
    Document,
    Entity,
    Location,
    MechanismUse,
    NoticeDecision,
    Publication,
    SccOptions,
    SubprocessorNotice,
    Tia,
    Transfer,
)
from transfers_app.domain.names import name_key
from transfers_app.domain.tia import TiaContent, TiaInputs, from_plain, to_plain


def d2s(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


_DATES: dict[str, date] = {}


def s2d(value: str | None) -> date | None:
    # Registers repeat dates a lot; parsing each distinct string once keeps bulk reads fast.
    if not value:
        return None
    found = _DATES.get(value)
    if found is None:
        found = _DATES[value] = date.fromisoformat(value)
    return found


_DATETIMES: dict[str, datetime] = {}


def s2dt(value: str | None) -> datetime | None:
    if not value:
        return None
    found = _DATETIMES.get(value)
    if found is None:
        if len(_DATETIMES) > 200_000:
            _DATETIMES.clear()
        found = _DATETIMES[value] = datetime.fromisoformat(value)
    return found


_REGIMES: dict[str, tuple[Regime, ...]] = {}
_JSON_TUPLES: dict[str, tuple[str, ...]] = {}


def _json_tuple(text: str) -> tuple[str, ...]:
    found = _JSON_TUPLES.get(text)
    if found is None:
        if len(_JSON_TUPLES) > 100_000:
            _JSON_TUPLES.clear()
        found = _JSON_TUPLES[text] = tuple(json.loads(text))
    return found


json_tuple = _json_tuple  # a JSON list of strings as stored (data categories, subjects)


def regimes_to_s(regimes: Sequence[Regime]) -> str:
    return ",".join(r.value for r in regimes)


def s_to_regimes(text: str) -> tuple[Regime, ...]:
    found = _REGIMES.get(text)
    if found is None:
        found = _REGIMES[text] = tuple(Regime(x) for x in text.split(",") if x)
    return found


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(o: Any) -> dict[str, Any]:
    """``dataclasses.asdict(o)`` with dates as ISO text, without asdict's deep copies."""
    names = _FIELD_NAMES.get(type(o))
    if names is None:
        names = _FIELD_NAMES[type(o)] = tuple(f.name for f in fields(o))
    out: dict[str, Any] = {}
    for n in names:
        v = getattr(o, n)
        t = type(v)
        if t in _SCALARS or isinstance(v, str):
            pass
        elif isinstance(v, (date, datetime)):
            v = v.isoformat()
        elif t is tuple or t is list:
            v = [plain(x) if hasattr(type(x), "__dataclass_fields__") else x for x in v]
        elif hasattr(t, "__dataclass_fields__"):
            v = plain(v)
        out[n] = v
    return out


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def to_json(obj: Any) -> str:
    return _ENCODER.encode(plain(obj))


def json_text(plain_dict: dict[str, Any]) -> str:
    """``plain_dict`` as the audit log stores it (``to_json`` of a record already plain)."""
    return _ENCODER.encode(plain_dict)


_T = TypeVar("_T")


def _fast_builder(cls: type[_T]) -> Callable[..., _T]:
    """A constructor for trusted rows that skips the frozen dataclass __init__ (about 3x faster).

    Frozen dataclasses set each field through object.__setattr__; for bulk reads of 100,000
    records that dominates. The builder takes every field as a required keyword, so a field
    forgotten here fails loudly instead of silently taking a default.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    params = ", ".join(names)
    body = "\n".join(f"    _set_{n}(obj, {n})" for n in names)
    src = f"def build(*, {params}):\n    obj = _new(_cls)\n{body}\n    return obj\n"
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for n in names:
        namespace[f"_set_{n}"] = getattr(cls, n).__set__
    exec(src, namespace)
    build: Callable[..., _T] = namespace["build"]
    return build


def _lean_builder(cls: type[_T], given: Sequence[str]) -> Callable[..., _T]:
    """Like ``_fast_builder`` but only ``given`` fields are passed; the rest take defaults.

    For read-only views (the rules' snapshot): objects carry ``version = -1`` so that any
    attempt to save one is refused as a stale write instead of blanking the skipped fields.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    unknown = set(given) - set(names)
    if unknown:
        raise ValueError(f"{cls.__name__} has no fields {sorted(unknown)}")
    lines = []
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for f in fields(cls):  # type: ignore[arg-type]
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.name in given:
            lines.append(f"    _set_{f.name}(obj, {f.name})")
        elif f.name == "version":
            lines.append("    _set_version(obj, -1)")
        else:
            namespace[f"_default_{f.name}"] = f.default
            lines.append(f"    _set_{f.name}(obj, _default_{f.name})")
    src = f"def build(*, {', '.join(given)}):\n    obj = _new(_cls)\n" + "\n".join(lines)
    exec(src + "\n    return obj\n", namespace)
    build: Callable[..., _T] = namespace["build"]
    return build


_ENTITY = _fast_builder(Entity)
_LOCATION = _fast_builder(Location)
_TRANSFER = _fast_builder(Transfer)
_DOCUMENT = _fast_builder(Document)
_TIA = _fast_builder(Tia)

ENTITY_COLS = (
    "id",
    "name",
    "kind",
    "legal_name",
    "registration_number",
    "address",
    "contact_name",
    "contact_email",
    "website",
    "parent_id",
    "notes",
    "lifecycle",
    "proposed_on",
    "approved_on",
    "active_on",
    "offboarded_on",
    "owner",
    "exporter_regimes",
    "version",
    "created_at",
    "updated_at",
    "archived_at",
)


def entity_row(e: Entity) -> dict[str, Any]:
    return {
        "name": e.name,
        "name_key": name_key(e.name),
        "legal_key": name_key(e.legal_name) if e.legal_name.strip() else "",
        "kind": e.kind.value,
        "legal_name": e.legal_name,
        "registration_number": e.registration_number,
        "address": e.address,
        "contact_name": e.contact_name,
        "contact_email": e.contact_email,
        "website": e.website,
        "parent_id": e.parent_id,
        "notes": e.notes,
        "lifecycle": e.lifecycle.value,
        "proposed_on": d2s(e.proposed_on),
        "approved_on": d2s(e.approved_on),
        "active_on": d2s(e.active_on),
        "offboarded_on": d2s(e.offboarded_on),
        "owner": e.owner,
        "exporter_regimes": regimes_to_s(e.exporter_regimes),
    }


_KINDS = {k.value: k for k in EntityKind}
_LIFECYCLES = {k.value: k for k in Lifecycle}
_DOC_KINDS = {k.value: k for k in DocumentKind}
_DOC_STATUS = {k.value: k for k in DocumentStatus}
_MECHS = {k.value: k for k in Mechanism}
_FREQ = {k.value: k for k in Frequency}


def entity_tokens(row: dict[str, Any]) -> set[str]:
    """Distinct words of an entity row's name and legal-name keys (for similar-name search)."""
    return {w for w in f"{row['name_key']} {row['legal_key']}".split() if len(w) >= 2}


def entity_from(r: Sequence[Any]) -> Entity:
    return _ENTITY(
        id=r[0],
        name=r[1],
        kind=_KINDS[r[2]],
        legal_name=r[3],
        registration_number=r[4],
        address=r[5],
        contact_name=r[6],
        contact_email=r[7],
        website=r[8],
        parent_id=r[9],
        notes=r[10],
        lifecycle=_LIFECYCLES[r[11]],
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


LOCATION_COLS = (
    "id",
    "entity_id",
    "country",
    "activity",
    "city",
    "version",
    "created_at",
    "updated_at",
    "archived_at",
)


def location_row(loc: Location) -> dict[str, Any]:
    return {
        "entity_id": loc.entity_id,
        "country": loc.country,
        "activity": loc.activity.value,
        "city": loc.city,
    }


def location_from(r: Sequence[Any]) -> Location:
    return _LOCATION(
        id=r[0],
        entity_id=r[1],
        country=r[2],
        activity=Activity(r[3]),
        city=r[4],
        version=r[5],
        created_at=s2dt(r[6]),
        updated_at=s2dt(r[7]),
        archived_at=s2dt(r[8]),
    )


TRANSFER_COLS = (
    "id",
    "exporter_id",
    "importer_id",
    "destination",
    "access",
    "importer_role",
    "exporter_role",
    "regimes",
    "service",
    "purpose",
    "data_categories",
    "data_subjects",
    "special_category",
    "criminal_data",
    "frequency",
    "volume",
    "parent_transfer_id",
    "started_on",
    "ended_on",
    "notes",
    "version",
    "created_at",
    "updated_at",
    "archived_at",
)


def transfer_row(t: Transfer) -> dict[str, Any]:
    return {
        "exporter_id": t.exporter_id,
        "importer_id": t.importer_id,
        "destination": t.destination,
        "access": t.access.value,
        "importer_role": t.importer_role.value,
        "exporter_role": t.exporter_role.value,
        "regimes": regimes_to_s(t.regimes),
        "service": t.service,
        "purpose": t.purpose,
        "data_categories": json.dumps(list(t.data_categories), ensure_ascii=False),
        "data_subjects": json.dumps(list(t.data_subjects), ensure_ascii=False),
        "special_category": int(t.special_category),
        "criminal_data": int(t.criminal_data),
        "frequency": t.frequency.value,
        "volume": t.volume.value if t.volume else None,
        "parent_transfer_id": t.parent_transfer_id,
        "started_on": d2s(t.started_on),
        "ended_on": d2s(t.ended_on),
        "notes": t.notes,
    }


_ROLES = {r.value: r for r in Role}
_ACCESS = {a.value: a for a in Access}


def transfer_from(r: Sequence[Any], mechanisms: tuple[MechanismUse, ...]) -> Transfer:
    return _TRANSFER(
        id=r[0],
        exporter_id=r[1],
        importer_id=r[2],
        destination=r[3],
        access=_ACCESS[r[4]],
        importer_role=_ROLES[r[5]],
        exporter_role=_ROLES[r[6]],
        regimes=s_to_regimes(r[7]),
        service=r[8],
        purpose=r[9],
        data_categories=_json_tuple(r[10]),
        data_subjects=_json_tuple(r[11]),
        special_category=bool(r[12]),
        criminal_data=bool(r[13]),
        frequency=_FREQ[r[14]],
        volume=VolumeBand(r[15]) if r[15] else None,
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


def mechanism_from(r: Sequence[Any]) -> MechanismUse:
    return MechanismUse(_MECHS[r[0]], r[1])


DOCUMENT_COLS = (
    "id",
    "kind",
    "title",
    "instrument_version",
    "scc_module",
    "scc_options",
    "signed_on",
    "effective_on",
    "expires_on",
    "notice_period_days",
    "review_cycle_months",
    "next_review_on",
    "last_reviewed_on",
    "derogation",
    "justification",
    "dpf_eu",
    "dpf_uk_extension",
    "dpf_swiss",
    "checked_on",
    "file_sha256",
    "file_name",
    "series_id",
    "doc_version",
    "status",
    "supersedes_id",
    "notes",
    "version",
    "created_at",
    "updated_at",
    "archived_at",
)


def document_row(d: Document) -> dict[str, Any]:
    return {
        "kind": d.kind.value,
        "title": d.title,
        "instrument_version": d.instrument_version,
        "scc_module": d.scc_module,
        "scc_options": json.dumps(asdict(d.scc_options)) if d.scc_options else None,
        "signed_on": d2s(d.signed_on),
        "effective_on": d2s(d.effective_on),
        "expires_on": d2s(d.expires_on),
        "notice_period_days": d.notice_period_days,
        "review_cycle_months": d.review_cycle_months,
        "next_review_on": d2s(d.next_review_on),
        "last_reviewed_on": d2s(d.last_reviewed_on),
        "derogation": d.derogation.value if d.derogation else None,
        "justification": d.justification,
        "dpf_eu": int(d.dpf_eu),
        "dpf_uk_extension": int(d.dpf_uk_extension),
        "dpf_swiss": int(d.dpf_swiss),
        "checked_on": d2s(d.checked_on),
        "file_sha256": d.file_sha256,
        "file_name": d.file_name,
        "series_id": d.series_id,
        "doc_version": d.doc_version,
        "status": d.status.value,
        "supersedes_id": d.supersedes_id,
        "notes": d.notes,
    }


_SCC_FIELDS = {f.name for f in fields(SccOptions)}


def document_from(r: Sequence[Any], parties: tuple[int, ...]) -> Document:
    opts = None
    if r[5]:
        raw = json.loads(r[5])
        opts = SccOptions(**{k: v for k, v in raw.items() if k in _SCC_FIELDS})
    return _DOCUMENT(
        id=r[0],
        kind=_DOC_KINDS[r[1]],
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
        derogation=Derogation(r[13]) if r[13] else None,
        justification=r[14],
        dpf_eu=bool(r[15]),
        dpf_uk_extension=bool(r[16]),
        dpf_swiss=bool(r[17]),
        checked_on=s2d(r[18]),
        file_sha256=r[19],
        file_name=r[20],
        series_id=r[21],
        doc_version=r[22],
        status=_DOC_STATUS[r[23]],
        supersedes_id=r[24],
        notes=r[25],
        party_ids=parties,
        version=r[26],
        created_at=s2dt(r[27]),
        updated_at=s2dt(r[28]),
        archived_at=s2dt(r[29]),
    )


TIA_COLS = (
    "id",
    "transfer_id",
    "status",
    "assessor",
    "approver",
    "approved_on",
    "next_review_on",
    "review_cycle_months",
    "version",
    "created_at",
    "updated_at",
    "archived_at",
    "title",
    "revision",
    "series_id",
    "regimes",
    "extra_transfer_ids",
    "inputs",
    "change_note",
    "content",  # last: lean loads leave it out
)


def tia_row(t: Tia) -> dict[str, Any]:
    return {
        "transfer_id": t.transfer_id,
        "status": t.status.value,
        "assessor": t.assessor,
        "approver": t.approver,
        "approved_on": d2s(t.approved_on),
        "next_review_on": d2s(t.next_review_on),
        "review_cycle_months": t.review_cycle_months,
        "title": t.title,
        "revision": t.revision,
        "series_id": t.series_id,
        "regimes": ",".join(r.value for r in t.regimes),
        "extra_transfer_ids": ",".join(str(i) for i in t.extra_transfer_ids),
        "inputs": json.dumps(to_plain(t.inputs), ensure_ascii=False) if t.inputs else None,
        "change_note": t.change_note,
        "content": json.dumps(to_plain(t.content), ensure_ascii=False) if t.content else None,
    }


def tia_from(r: Sequence[Any]) -> Tia:
    """A TIA from a row of ``TIA_COLS`` (without the trailing ``content`` for a lean load)."""
    content = r[19] if len(r) > 19 else None
    return _TIA(
        id=r[0],
        transfer_id=r[1],
        status=TiaStatus(r[2]),
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
        regimes=tuple(Regime(x) for x in r[15].split(",") if x),
        extra_transfer_ids=tuple(int(x) for x in r[16].split(",") if x),
        inputs=from_plain(TiaInputs, json.loads(r[17])) if r[17] else None,
        change_note=r[18],
        content=from_plain(TiaContent, json.loads(content)) if content else None,
    )


# -- lean rows for the rules' snapshot: only the columns the rules read ----------------------

_LEAN_ENTITY = _lean_builder(Entity, ["id", "name", "kind", "lifecycle", "exporter_regimes"])
LEAN_ENTITY_SQL = (
    "SELECT id, name, kind, lifecycle, exporter_regimes FROM entities WHERE archived_at IS NULL"
)


def lean_entity_from(r: Sequence[Any]) -> Entity:
    return _LEAN_ENTITY(
        id=r[0],
        name=r[1],
        kind=_KINDS[r[2]],
        lifecycle=_LIFECYCLES[r[3]],
        exporter_regimes=s_to_regimes(r[4]),
    )


_LEAN_TRANSFER = _lean_builder(
    Transfer,
    [
        "id",
        "exporter_id",
        "importer_id",
        "destination",
        "access",
        "importer_role",
        "exporter_role",
        "regimes",
        "parent_transfer_id",
        "started_on",
        "ended_on",
        "mechanisms",
    ],
)
LEAN_TRANSFER_SQL = (
    "SELECT id, exporter_id, importer_id, destination, access, importer_role, exporter_role, "
    "regimes, parent_transfer_id, started_on, ended_on FROM transfers WHERE archived_at IS NULL"
)


def lean_transfer_from(r: Sequence[Any], mechanisms: tuple[MechanismUse, ...]) -> Transfer:
    return _LEAN_TRANSFER(
        id=r[0],
        exporter_id=r[1],
        importer_id=r[2],
        destination=r[3],
        access=_ACCESS[r[4]],
        importer_role=_ROLES[r[5]],
        exporter_role=_ROLES[r[6]],
        regimes=s_to_regimes(r[7]),
        parent_transfer_id=r[8],
        started_on=s2d(r[9]),
        ended_on=s2d(r[10]),
        mechanisms=mechanisms,
    )


_LEAN_DOCUMENT = _lean_builder(
    Document,
    [
        "id",
        "kind",
        "title",
        "scc_module",
        "signed_on",
        "effective_on",
        "expires_on",
        "next_review_on",
        "derogation",
        "justification",
        "dpf_eu",
        "dpf_uk_extension",
        "dpf_swiss",
        "checked_on",
        "status",
        "party_ids",
        "archived_at",
        "supersedes_id",
    ],
)
LEAN_DOCUMENT_SQL = (
    "SELECT id, kind, title, scc_module, signed_on, effective_on, expires_on, next_review_on, "
    "derogation, justification, dpf_eu, dpf_uk_extension, dpf_swiss, checked_on, status, "
    "archived_at, supersedes_id FROM documents"
)


def lean_document_from(r: Sequence[Any], parties: tuple[int, ...]) -> Document:
    return _LEAN_DOCUMENT(
        id=r[0],
        kind=_DOC_KINDS[r[1]],
        title=r[2],
        scc_module=r[3],
        signed_on=s2d(r[4]),
        effective_on=s2d(r[5]),
        expires_on=s2d(r[6]),
        next_review_on=s2d(r[7]),
        derogation=Derogation(r[8]) if r[8] else None,
        justification=r[9],
        dpf_eu=bool(r[10]),
        dpf_uk_extension=bool(r[11]),
        dpf_swiss=bool(r[12]),
        checked_on=s2d(r[13]),
        status=_DOC_STATUS[r[14]],
        party_ids=parties,
        archived_at=s2dt(r[15]),
        supersedes_id=r[16],
    )


# -- publications and sub-processor notices (issue 5) ------------------------------------------

PUBLICATION_COLS = ("id", "kind", "published_on", "actor", "content")


def publication_from(r: Sequence[Any]) -> Publication:
    return Publication(
        id=r[0], kind=r[1], published_on=date.fromisoformat(r[2]), actor=r[3], content=r[4]
    )


NOTICE_COLS = (
    "id",
    "processor_id",
    "subprocessor_name",
    "subprocessor_id",
    "replaces_id",
    "countries",
    "service",
    "received_on",
    "notice_period_days",
    "objection_deadline",
    "decision",
    "decided_by",
    "decided_on",
    "notes",
    "version",
    "created_at",
    "updated_at",
    "archived_at",
)


def notice_row(n: SubprocessorNotice) -> dict[str, Any]:
    # The service resolves the notice period and deadline before saving; the columns are
    # NOT NULL, so an unresolved notice is refused by validation first.
    assert n.notice_period_days is not None and n.objection_deadline is not None
    return {
        "processor_id": n.processor_id,
        "subprocessor_name": n.subprocessor_name,
        "subprocessor_id": n.subprocessor_id,
        "replaces_id": n.replaces_id,
        "countries": ",".join(n.countries),
        "service": n.service,
        "received_on": n.received_on.isoformat(),
        "notice_period_days": n.notice_period_days,
        "objection_deadline": n.objection_deadline.isoformat(),
        "decision": n.decision.value if n.decision else "",
        "decided_by": n.decided_by,
        "decided_on": d2s(n.decided_on),
        "notes": n.notes,
    }


def notice_from(r: Sequence[Any]) -> SubprocessorNotice:
    return SubprocessorNotice(
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
        decision=NoticeDecision(r[10]) if r[10] else None,
        decided_by=r[11],
        decided_on=s2d(r[12]),
        notes=r[13],
        version=r[14],
        created_at=s2dt(r[15]),
        updated_at=s2dt(r[16]),
        archived_at=s2dt(r[17]),
    )
