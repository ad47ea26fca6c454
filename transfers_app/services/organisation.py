"""The organisation that keeps the register: the one source of its name, address,
registration, DPO and signers for every document (report headers, assessments, the
regulator's cover letter). The app's dialog, the command line and the demo all set it here.
"""

from __future__ import annotations

from datetime import date

from transfers_app.domain.enums import Regime
from transfers_app.domain.organisation import OrganisationProfile, Person, profile_problems
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.ports.storage import Store
from transfers_app.reference.loader import ReferenceSet

# What the report builders call it (one type: the profile).
Organisation = OrganisationProfile

# The settings key of the organisation's name, for readers that predate the profile (the public
# list): the profile keeps the name under it (``db.organisation_keys``). New code reads
# ``organisation_of(store).name``.
ORG_NAME = "organisation.name"

SET_IT = (
    "set the organisation's profile with 'transfers-app org set' or in the app "
    "(Settings > Organisation)"
)


def organisation_of(store: Store) -> OrganisationProfile:
    """The organisation that keeps the register (an empty profile when none was set)."""
    return store.organisation.get()


def regulator_name(ref: ReferenceSet, on: date) -> str:
    """The UK regulator as the reference data names it on ``on`` (the Information Commission
    from 30 Sep 2026, the ICO before)."""
    return ref.regimes[Regime.UK].regulator_on(on) if Regime.UK in ref.regimes else ""


class OrganisationService:
    """Read and change the profile; every change is validated and audited by the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self) -> OrganisationProfile:
        return self._store.organisation.get()

    def problems(self, profile: OrganisationProfile) -> list[ValidationError]:
        """What stops ``profile`` being saved, each naming its field (for the editor)."""
        return profile_problems(profile)

    def save(self, profile: OrganisationProfile) -> OrganisationProfile:
        """Saves ``profile`` (ValidationError naming the field if it is not complete)."""
        return self._store.organisation.save(profile)

    def complete(self) -> OrganisationProfile:
        """The profile, or a TransfersError naming what is missing: a document that speaks
        for the organisation (the regulator's cover letter) is not made without it."""
        profile = self.get()
        found = profile_problems(profile)
        if profile.is_empty:
            raise TransfersError(f"the organisation's profile is not set: {SET_IT}")
        if found:
            raise TransfersError(f"the organisation's profile is incomplete: {found[0]}; {SET_IT}")
        return profile

    def preparer(self, prepared_by: str = "") -> Person | None:
        """Who prepares a document: ``prepared_by`` if given (a signer of that name with
        their role, else the name alone), else the profile's first signer or its DPO."""
        profile = self.get()
        name = prepared_by.strip()
        if name:
            for s in profile.signers:
                if s.name.strip().casefold() == name.casefold():
                    return s
            return Person(name)
        return profile.preparer
