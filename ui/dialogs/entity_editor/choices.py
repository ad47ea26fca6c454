"""The entity editor's choices and words: kinds, lifecycles, activities, regimes, the
destinations, and how validation messages name their fields."""

from __future__ import annotations

from functools import cache

import pycountry

from transfers_app.domain.countries import INTERNATIONAL_ORGS, country_name
from transfers_app.domain.enums import (
    EntityKind,
    Finding,
    Lifecycle,
    Regime,
)
from transfers_app.domain.formatting import ACTIVITY_LABELS, LIFECYCLE_LABELS
from transfers_app.errors import ValidationError
from ui.context import UiContext
from ui.dialogs.field_words import field_message

KIND_CHOICES = {
    EntityKind.GROUP: "Group company",
    EntityKind.VENDOR: "Vendor / subprocessor",
    EntityKind.CUSTOMER: "Customer (controller)",
}
LIFECYCLE_CHOICES = LIFECYCLE_LABELS
LIFECYCLE_DATE = {
    Lifecycle.PROPOSED: "proposed_on",
    Lifecycle.APPROVED: "approved_on",
    Lifecycle.ACTIVE: "active_on",
    Lifecycle.OFFBOARDED: "offboarded_on",
}
ACTIVITY_CHOICES = ACTIVITY_LABELS
REGIME_CHOICES = {
    Regime.UK: "UK GDPR",
    Regime.EU: "EU / EEA GDPR",
    Regime.CH: "Swiss FADP",
}
FINDING_LABELS = {
    Finding.NOT_RESTRICTED: ("Not a restricted transfer", "#2e7d32"),
    Finding.ADEQUATE: ("Adequate", "#2e7d32"),
    Finding.ADEQUATE_IF: ("Adequate only within the decision's scope", "#8a5a00"),
    Finding.NOT_ADEQUATE: ("Not adequate: a safeguard is needed", "#b3261e"),
    Finding.UNKNOWN: ("Unknown: the reference data does not cover this date", "#8a5a00"),
}
# How validation messages name the fields they mention.
FIELD_LABELS = {
    "name": "Name",
    "legal_name": "Legal name",
    "kind": "Kind",
    "registration_number": "Registration number",
    "address": "Address",
    "contact_name": "Contact name",
    "contact_email": "Contact email",
    "website": "Website",
    "parent_id": "Parent entity",
    "owner": "Owner",
    "lifecycle": "Lifecycle",
    "proposed_on": "Proposed on",
    "approved_on": "Approved on",
    "active_on": "Active from",
    "offboarded_on": "Offboarded on",
    "exporter_regimes": "Exporter regimes",
    "notes": "Notes",
}


def human_message(error: ValidationError) -> str:
    """A validation message that names its field in words, e.g. "Name is required"."""
    return field_message(error, FIELD_LABELS, ("is ", "must ", "an ", "a "))


@cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """(label, code) of every destination, sorted by name: ISO countries, then organisations."""
    countries = sorted(
        ((f"{country_name(c.alpha_2)} ({c.alpha_2})", c.alpha_2) for c in pycountry.countries),
        key=lambda lc: lc[0].casefold(),
    )
    orgs = sorted((f"{name} ({code})", code) for code, name in INTERNATIONAL_ORGS.items())
    return tuple(countries + orgs)


def group_entities(ctx: UiContext) -> list[tuple[int, str]]:
    """(id, name) of the live group entities, for the parent combo."""
    return [(g.entity_id, g.name) for g in ctx.services.entities.groups()]
