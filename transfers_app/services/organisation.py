"""The organisation that keeps the register: its name and ICO registration, from the
settings, for report headers and the regulator's cover letter."""

from __future__ import annotations

from dataclasses import dataclass

from transfers_app.ports.storage import Store


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str = ""
    ico_registration: str = ""


ORG_NAME = "organisation.name"
ORG_ICO = "organisation.ico_registration"


def organisation_of(store: Store) -> Organisation:
    """The organisation that keeps the register (settings), for report headers."""
    settings = store.settings
    return Organisation(settings.get(ORG_NAME) or "", settings.get(ORG_ICO) or "")
