"""The organisation's profile and the open items' follow-ups in memory, kept in the settings
as the SQLite store keeps them (``db.organisation_keys``), validated and audited alike."""

from __future__ import annotations

import builtins

from db import organisation_keys as keys
from fakes.memory_core import Core, MemoryRepository
from transfers_app.domain import organisation


def write_profile(core: Core, profile: organisation.OrganisationProfile) -> None:
    core.state.settings.update(keys.profile_settings(profile))


def write_follow_ups(core: Core, items: builtins.list[organisation.FollowUp]) -> None:
    for f in items:
        core.state.settings[keys.follow_up_key(f.code, f.subject)] = keys.follow_up_value(f)


def read_follow_ups(core: Core) -> builtins.list[organisation.FollowUp]:
    return keys.follow_ups_from(core.state.settings.items())


class MemoryOrganisation(MemoryRepository):
    def get(self) -> organisation.OrganisationProfile:
        return keys.profile_from(self._c.state.settings.get)

    def save(self, profile: organisation.OrganisationProfile) -> organisation.OrganisationProfile:
        c = self._c
        return keys.save_profile(c, profile, self.get, lambda p: write_profile(c, p))


class MemoryOpenItems(MemoryRepository):
    def list(self) -> builtins.list[organisation.FollowUp]:
        return read_follow_ups(self._c)

    def set(self, follow_up: organisation.FollowUp) -> None:
        c = self._c

        def put(key: str, value: str | None) -> None:
            if value is None:
                c.state.settings.pop(key, None)
            else:
                c.state.settings[key] = value

        keys.set_follow_up(c, follow_up, lambda: read_follow_ups(c), put)
