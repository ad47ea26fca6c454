"""The organisation's profile and the open items' follow-ups in memory, kept in the settings
as the SQLite store keeps them (``db.organisation_keys``), validated and audited alike."""

from __future__ import annotations

import builtins

from db.organisation_keys import (
    follow_up_key,
    follow_up_value,
    follow_up_write,
    follow_ups_from,
    profile_from,
    profile_settings,
)
from fakes.memory_core import Core
from transfers_app.domain.organisation import (
    FollowUp,
    OrganisationProfile,
    ensure_valid_profile,
)


def write_profile(core: Core, profile: OrganisationProfile) -> None:
    core.state.settings.update(profile_settings(profile))


def write_follow_ups(core: Core, items: builtins.list[FollowUp]) -> None:
    for f in items:
        core.state.settings[follow_up_key(f.code, f.subject)] = follow_up_value(f)


def read_follow_ups(core: Core) -> builtins.list[FollowUp]:
    return follow_ups_from(core.state.settings.items())


class MemoryOrganisation:
    def __init__(self, core: Core) -> None:
        self._c = core

    def get(self) -> OrganisationProfile:
        return profile_from(self._c.state.settings.get)

    def save(self, profile: OrganisationProfile) -> OrganisationProfile:
        ensure_valid_profile(profile)
        c = self._c
        with c.atomic():
            before = self.get()
            write_profile(c, profile)
            if before != profile:
                c.audit("organisation", None, "update", before, profile)
        return profile


class MemoryOpenItems:
    def __init__(self, core: Core) -> None:
        self._c = core

    def list(self) -> builtins.list[FollowUp]:
        return read_follow_ups(self._c)

    def set(self, follow_up: FollowUp) -> None:
        c = self._c
        with c.atomic():
            w = follow_up_write(follow_up, read_follow_ups(c))
            if w.value is None:
                c.state.settings.pop(w.key, None)
            else:
                c.state.settings[w.key] = w.value
            if w.before != w.after:
                c.audit("open_items", None, "update", w.before, w.after)
