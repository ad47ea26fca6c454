"""Validation of records before they are saved: each problem names its field.

``problems(obj)`` lists every problem (for an editor to show beside each field);
``ensure_valid(obj)`` raises the first one as a ``ValidationError``.
"""

from __future__ import annotations

import re
from datetime import date

from transfers_app.domain import models
from transfers_app.domain.countries import is_known_code
from transfers_app.domain.enums import DocumentKind, Lifecycle, Role, TiaStatus
from transfers_app.errors import ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 300


def _order(
    errors: list[ValidationError], first: str, a: date | None, second: str, b: date | None
) -> None:
    if a is not None and b is not None and b < a:
        errors.append(
            ValidationError(second, f"{b.isoformat()} is before {first} ({a.isoformat()})")
        )


def _name(errors: list[ValidationError], field: str, value: str) -> None:
    """An organisation's name: given, and not longer than ``MAX_NAME``."""
    if not value.strip():
        errors.append(ValidationError(field, "is required"))
    elif len(value) > MAX_NAME:
        errors.append(ValidationError(field, f"is longer than {MAX_NAME} characters"))


def entity_problems(e: models.Entity) -> list[ValidationError]:
    errors: list[ValidationError] = []
    _name(errors, "name", e.name)
    if e.contact_email and not _EMAIL.match(e.contact_email.strip()):
        errors.append(
            ValidationError("contact_email", f"{e.contact_email!r} is not an email address")
        )
    if e.website and not e.website.startswith(("http://", "https://")):
        errors.append(ValidationError("website", "must start with https:// or http://"))
    if e.id is not None and e.parent_id == e.id:
        errors.append(ValidationError("parent_id", "an entity cannot be its own parent"))
    if e.offboarded_on is not None and e.lifecycle is not Lifecycle.OFFBOARDED:
        errors.append(
            ValidationError("offboarded_on", f"is set but the lifecycle is {e.lifecycle.value}")
        )
    _order(errors, "active_on", e.active_on, "offboarded_on", e.offboarded_on)
    _order(errors, "proposed_on", e.proposed_on, "approved_on", e.approved_on)
    return errors


def location_problems(loc: models.Location) -> list[ValidationError]:
    if not is_known_code(loc.country):
        return [ValidationError("country", f"unknown country code {loc.country!r}")]
    return []


def transfer_problems(t: models.Transfer) -> list[ValidationError]:
    errors: list[ValidationError] = []
    if t.exporter_id == t.importer_id:
        errors.append(ValidationError("importer_id", "the importer must differ from the exporter"))
    if not is_known_code(t.destination):
        errors.append(ValidationError("destination", f"unknown country code {t.destination!r}"))
    if t.exporter_role is Role.SUBPROCESSOR:
        errors.append(
            ValidationError("exporter_role", "an exporter is a controller or a processor")
        )
    _order(errors, "started_on", t.started_on, "ended_on", t.ended_on)
    if t.id is not None and t.parent_transfer_id == t.id:
        errors.append(
            ValidationError("parent_transfer_id", "a transfer cannot be its own upstream transfer")
        )
    return errors


def document_problems(d: models.Document) -> list[ValidationError]:
    errors: list[ValidationError] = []
    if not d.title.strip():
        errors.append(ValidationError("title", "is required"))
    if d.scc_module is not None:
        if d.kind not in (DocumentKind.EU_SCC_2021,):
            errors.append(ValidationError("scc_module", "only EU SCCs (2021) have modules"))
        elif d.scc_module not in (1, 2, 3, 4):
            errors.append(ValidationError("scc_module", "must be 1, 2, 3 or 4"))
    if d.derogation is not None and d.kind is not DocumentKind.ART49_DEROGATION:
        errors.append(ValidationError("derogation", "only an Art 49 record has a derogation"))
    if d.notice_period_days is not None and d.notice_period_days < 0:
        errors.append(ValidationError("notice_period_days", "must not be negative"))
    if d.review_cycle_months is not None and d.review_cycle_months <= 0:
        errors.append(ValidationError("review_cycle_months", "must be at least 1 month"))
    _order(errors, "signed_on", d.signed_on, "expires_on", d.expires_on)
    _order(errors, "effective_on", d.effective_on, "expires_on", d.expires_on)
    return errors


def tia_problems(t: models.Tia) -> list[ValidationError]:
    errors: list[ValidationError] = []
    _order(errors, "approved_on", t.approved_on, "next_review_on", t.next_review_on)
    if t.review_cycle_months is not None and t.review_cycle_months <= 0:
        errors.append(ValidationError("review_cycle_months", "must be at least 1 month"))
    if t.status is TiaStatus.APPROVED:
        if not t.approver.strip():
            errors.append(ValidationError("approver", "an approved assessment needs an approver"))
        if t.approved_on is None:
            errors.append(ValidationError("approved_on", "an approved assessment needs a date"))
    if t.transfer_id in t.extra_transfer_ids:
        errors.append(ValidationError("extra_transfer_ids", "lists the main transfer again"))
    c = t.content
    if c is not None:
        for r in c.category_risks:
            for name, score in (("inherent", r.inherent), ("residual", r.residual)):
                if not 0 <= score <= 5:
                    errors.append(
                        ValidationError(
                            f"risk score ({name})", f"{r.category}: must be 1 to 5 (0 = unscored)"
                        )
                    )
        q = c.quantitative
        if q is not None:
            if q.period_years < 1:
                errors.append(ValidationError("assessment period", "must be at least 1 year"))
            if not 0 < q.threshold < 1:
                errors.append(ValidationError("threshold", "must be between 0 % and 100 %"))
            for b in q.bases:
                for f in b.factors:
                    if not 0.0 <= f.probability <= 1.0:
                        errors.append(
                            ValidationError(
                                "probability",
                                f"{b.name} / {f.label}: must be between 0 % and 100 %",
                            )
                        )
    return errors


def notice_problems(n: models.SubprocessorNotice) -> list[ValidationError]:
    """A sub-processor notice: who, where, when, and a decision only with who took it, when."""
    errors: list[ValidationError] = []
    _name(errors, "subprocessor_name", n.subprocessor_name)
    if not n.countries:
        errors.append(ValidationError("countries", "give at least one country"))
    for code in n.countries:
        if not is_known_code(code):
            errors.append(ValidationError("countries", f"unknown country code {code!r}"))
    if n.notice_period_days is not None and not 0 <= n.notice_period_days <= 365:
        errors.append(ValidationError("notice_period_days", "must be between 0 and 365 days"))
    _order(errors, "received_on", n.received_on, "objection_deadline", n.objection_deadline)
    for name, other in (("subprocessor_id", n.subprocessor_id), ("replaces_id", n.replaces_id)):
        if other is not None and other == n.processor_id:
            errors.append(ValidationError(name, "must differ from the processor"))
    if n.replaces_id is not None and n.replaces_id == n.subprocessor_id:
        errors.append(ValidationError("replaces_id", "a sub-processor cannot replace itself"))
    if n.decision is not None:
        if not n.decided_by.strip():
            errors.append(ValidationError("decided_by", "say who decided"))
        if n.decided_on is None:
            errors.append(ValidationError("decided_on", "say when it was decided"))
        _order(errors, "received_on", n.received_on, "decided_on", n.decided_on)
    elif n.decided_by.strip() or n.decided_on is not None:
        errors.append(ValidationError("decision", "is missing (who and when are set)"))
    return errors


# A record the register stores, checked before it is written.
Record = (
    models.Entity
    | models.Location
    | models.Transfer
    | models.Document
    | models.Tia
    | models.SubprocessorNotice
)


def problems(obj: Record) -> list[ValidationError]:
    if isinstance(obj, models.SubprocessorNotice):
        return notice_problems(obj)
    if isinstance(obj, models.Entity):
        return entity_problems(obj)
    if isinstance(obj, models.Location):
        return location_problems(obj)
    if isinstance(obj, models.Transfer):
        return transfer_problems(obj)
    if isinstance(obj, models.Document):
        return document_problems(obj)
    return tia_problems(obj)


def ensure_valid(obj: Record) -> None:
    found = problems(obj)
    if found:
        raise found[0]
