"""How values are stored: domain objects to rows (``*_row``), the columns read back (``*_COLS``,
which ``db.sqlite.rows`` turns into objects), stored text to values, and the record JSON of the
audit log (``to_json``, one definition whatever the engine)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any

from transfers_app.domain import models
from transfers_app.domain.enums import Regime
from transfers_app.domain.names import name_key
from transfers_app.domain.tia import to_plain


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


def json_tuple(text: str) -> tuple[str, ...]:
    """A JSON list of strings as stored (data categories, subjects)."""
    found = _JSON_TUPLES.get(text)
    if found is None:
        if len(_JSON_TUPLES) > 100_000:
            _JSON_TUPLES.clear()
        found = _JSON_TUPLES[text] = tuple(json.loads(text))
    return found


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


# A setting changed, as the audit log records it: table, action, and the key with its value
# before and after (no "before" for a setting set the first time).
SETTINGS_TABLE = "settings"
SETTING_SET = "set"


def setting_json(key: str, value: str | None) -> str | None:
    return None if value is None else json_text({"key": key, "value": value})


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


def entity_row(e: models.Entity) -> dict[str, Any]:
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


def entity_tokens(row: dict[str, Any]) -> set[str]:
    """Distinct words of an entity row's name and legal-name keys (for similar-name search)."""
    return {w for w in f"{row['name_key']} {row['legal_key']}".split() if len(w) >= 2}


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


def location_row(loc: models.Location) -> dict[str, Any]:
    return {
        "entity_id": loc.entity_id,
        "country": loc.country,
        "activity": loc.activity.value,
        "city": loc.city,
    }


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


def transfer_row(t: models.Transfer) -> dict[str, Any]:
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


def document_row(d: models.Document) -> dict[str, Any]:
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
# With the document as approved: read by ``get`` and the whole-register dump only.
TIA_FULL_COLS = (*TIA_COLS, "approved_document")


def tia_row(t: models.Tia) -> dict[str, Any]:
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


PUBLICATION_COLS = ("id", "kind", "published_on", "actor", "content")


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


def notice_row(n: models.SubprocessorNotice) -> dict[str, Any]:
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
