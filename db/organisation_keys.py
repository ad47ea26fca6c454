"""How the organisation's profile and the open items' follow-ups are kept in the settings table
(one definition for every engine: the SQLite store and the in-memory fake read the same keys).

The profile is one setting per field under ``organisation.``; the name and the registration
number keep the keys registers written before the profile already hold (``organisation.name``,
``organisation.ico_registration``), so those registers keep their organisation. The signers are
one JSON list. A follow-up is one setting, ``open_item/<code>/<subject>``, its value JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from transfers_app.domain.organisation import (
    FollowUp,
    OrganisationProfile,
    Person,
    ensure_valid_profile,
    follow_up_problems,
)

# Field -> settings key (the registration number under its historical key).
PROFILE_KEYS: dict[str, str] = {
    "name": "organisation.name",
    "legal_name": "organisation.legal_name",
    "address": "organisation.address",
    "registration_number": "organisation.ico_registration",
    "dpo_name": "organisation.dpo_name",
    "dpo_email": "organisation.dpo_email",
    "eu_representative": "organisation.eu_representative",
    "addressee": "organisation.addressee",
}
SIGNERS_KEY = "organisation.signers"
ALL_PROFILE_KEYS = (*PROFILE_KEYS.values(), SIGNERS_KEY)
FOLLOW_UP_PREFIX = "open_item/"


def profile_settings(p: OrganisationProfile) -> dict[str, str]:
    """The settings that hold ``p`` (every key, empty values included: a cleared field is
    written as cleared)."""
    out = {key: getattr(p, field) for field, key in PROFILE_KEYS.items()}
    out[SIGNERS_KEY] = json.dumps(
        [{"name": s.name, "role": s.role, "email": s.email} for s in p.signers],
        ensure_ascii=False,
    )
    return out


def profile_from(get: Callable[[str], str | None]) -> OrganisationProfile:
    """The profile from the settings (``get`` reads one key); missing keys are empty."""
    fields = {field: get(key) or "" for field, key in PROFILE_KEYS.items()}
    signers: list[Person] = []
    raw = get(SIGNERS_KEY)
    if raw:
        try:
            items = json.loads(raw)
        except ValueError:
            items = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                signers.append(
                    Person(item["name"], str(item.get("role", "")), str(item.get("email", "")))
                )
    return OrganisationProfile(**fields, signers=tuple(signers))


def follow_up_key(code: str, subject: str) -> str:
    return f"{FOLLOW_UP_PREFIX}{code}/{subject}"


def follow_up_value(f: FollowUp) -> str:
    target = f.target_on.isoformat() if f.target_on else None
    return json.dumps({"owner": f.owner, "target_on": target}, ensure_ascii=False)


def follow_ups_from(rows: Iterable[tuple[str, str]]) -> list[FollowUp]:
    """The follow-ups among ``(key, value)`` settings rows, by code then subject."""
    out: list[FollowUp] = []
    for key, value in rows:
        if not key.startswith(FOLLOW_UP_PREFIX):
            continue
        code, _, subject = key[len(FOLLOW_UP_PREFIX) :].partition("/")
        try:
            data = json.loads(value)
            target = data.get("target_on")
            out.append(
                FollowUp(
                    code,
                    subject,
                    str(data.get("owner") or ""),
                    date.fromisoformat(target) if target else None,
                )
            )
        except (ValueError, AttributeError):
            continue  # a value this version cannot read is no follow-up
    out.sort(key=follow_up_order)
    return out


def follow_up_order(f: FollowUp) -> tuple[str, str, int]:
    """By code, then transfers before entities, by number (T2 before T10)."""
    digits = f.subject[1:]
    return f.code, f.subject[:1], int(digits) if digits.isdigit() else 0


@dataclass(frozen=True, slots=True)
class FollowUpWrite:
    """What setting a follow-up writes, and the follow-up before and after (for the audit)."""

    key: str
    value: str | None  # None: the setting goes (the item is back to its defaults)
    before: FollowUp | None
    after: FollowUp | None


def follow_up_write(follow_up: FollowUp, current: Iterable[FollowUp]) -> FollowUpWrite:
    """``follow_up`` checked (its first problem raised) and turned into its setting."""
    problems = follow_up_problems(follow_up)
    if problems:
        raise problems[0]
    before = next((f for f in current if f.key == follow_up.key), None)
    after = None if follow_up.is_empty else follow_up
    value = None if after is None else follow_up_value(after)
    return FollowUpWrite(follow_up_key(follow_up.code, follow_up.subject), value, before, after)


class AuditedWrites(Protocol):
    """A store's unit of work: writes made together, each change audited before and after."""

    def atomic(self) -> AbstractContextManager[None]: ...
    def audit(
        self, table: str, record_id: int | None, action: str, before: Any, after: Any
    ) -> None: ...


def save_profile(
    unit: AuditedWrites,
    profile: OrganisationProfile,
    get: Callable[[], OrganisationProfile],
    write: Callable[[OrganisationProfile], None],
) -> OrganisationProfile:
    """``profile`` validated and written whole; audited when it changes anything."""
    ensure_valid_profile(profile)
    with unit.atomic():
        before = get()
        write(profile)
        if before != profile:
            unit.audit("organisation", None, "update", before, profile)
    return profile


def set_follow_up(
    unit: AuditedWrites,
    follow_up: FollowUp,
    current: Callable[[], Iterable[FollowUp]],
    put: Callable[[str, str | None], None],
) -> None:
    """``follow_up`` checked and ``put`` as its setting (None: the setting goes); audited when
    it changes anything."""
    with unit.atomic():
        w = follow_up_write(follow_up, current())
        put(w.key, w.value)
        if w.before != w.after:
            unit.audit("open_items", None, "update", w.before, w.after)
