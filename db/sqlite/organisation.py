"""The organisation's profile and the open items' follow-ups, kept in the settings table
(``db.organisation_keys`` says how), each change validated and audited before and after."""

from __future__ import annotations

import builtins

from db.errors import translated
from db.organisation_keys import (
    ALL_PROFILE_KEYS,
    FOLLOW_UP_PREFIX,
    follow_up_key,
    follow_up_value,
    follow_up_write,
    follow_ups_from,
    profile_from,
    profile_settings,
)
from db.sqlite.session import Session
from transfers_app.domain.organisation import (
    FollowUp,
    OrganisationProfile,
    ensure_valid_profile,
)

_UPSERT = (
    "INSERT INTO settings (key, value) VALUES (?, ?) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)


def write_profile(s: Session, profile: OrganisationProfile) -> None:
    """The profile's settings, without audit (the callers audit)."""
    s.conn.executemany(_UPSERT, list(profile_settings(profile).items()))


def write_follow_ups(s: Session, items: builtins.list[FollowUp]) -> None:
    s.conn.executemany(
        _UPSERT, [(follow_up_key(f.code, f.subject), follow_up_value(f)) for f in items]
    )


# The follow-ups' keys sort between these two.
_FOLLOW_UPS = (FOLLOW_UP_PREFIX, FOLLOW_UP_PREFIX[:-1] + chr(ord(FOLLOW_UP_PREFIX[-1]) + 1))


def read_follow_ups(s: Session) -> builtins.list[FollowUp]:
    rows = s.conn.execute("SELECT key, value FROM settings WHERE key >= ? AND key < ?", _FOLLOW_UPS)
    return follow_ups_from((str(k), str(v)) for k, v in rows)


def read_all(s: Session) -> tuple[OrganisationProfile, builtins.list[FollowUp]]:
    """The profile and the follow-ups in one read (the whole-register dump)."""
    keys = ALL_PROFILE_KEYS
    rows = [
        (str(k), str(v))
        for k, v in s.conn.execute(
            f"SELECT key, value FROM settings WHERE key IN ({', '.join('?' * len(keys))}) "
            "OR (key >= ? AND key < ?)",
            (*keys, *_FOLLOW_UPS),
        )
    ]
    return profile_from(dict(rows).get), follow_ups_from(rows)


@translated
class SqliteOrganisation:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self) -> OrganisationProfile:
        keys = ALL_PROFILE_KEYS
        rows = self._s.conn.execute(
            f"SELECT key, value FROM settings WHERE key IN ({', '.join('?' * len(keys))})", keys
        )
        found = {str(k): str(v) for k, v in rows}
        return profile_from(found.get)

    def save(self, profile: OrganisationProfile) -> OrganisationProfile:
        ensure_valid_profile(profile)
        s = self._s
        with s.atomic():
            before = self.get()
            write_profile(s, profile)
            if before != profile:
                s.audit("organisation", None, "update", before, profile)
        return profile


@translated
class SqliteOpenItems:
    def __init__(self, session: Session) -> None:
        self._s = session

    def list(self) -> builtins.list[FollowUp]:
        return read_follow_ups(self._s)

    def set(self, follow_up: FollowUp) -> None:
        s = self._s
        with s.atomic():
            w = follow_up_write(follow_up, read_follow_ups(s))
            if w.value is None:
                s.conn.execute("DELETE FROM settings WHERE key = ?", (w.key,))
            else:
                s.conn.execute(_UPSERT, (w.key, w.value))
            if w.before != w.after:
                s.audit("open_items", None, "update", w.before, w.after)
