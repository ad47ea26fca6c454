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
    follow_ups_from,
    profile_from,
    profile_settings,
    save_profile,
    set_follow_up,
)
from db.sqlite.session import Session
from transfers_app.domain.organisation import FollowUp, OrganisationProfile

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
        s = self._s
        return save_profile(s, profile, self.get, lambda p: write_profile(s, p))


@translated
class SqliteOpenItems:
    def __init__(self, session: Session) -> None:
        self._s = session

    def list(self) -> builtins.list[FollowUp]:
        return read_follow_ups(self._s)

    def set(self, follow_up: FollowUp) -> None:
        s = self._s

        def put(key: str, value: str | None) -> None:
            if value is None:
                s.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                s.conn.execute(_UPSERT, (key, value))

        set_follow_up(s, follow_up, lambda: read_follow_ups(s), put)
