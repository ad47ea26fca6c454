"""The organisation that keeps the register, and who follows up each open item.

``OrganisationProfile`` is what every document that speaks for the organisation prints: its
name and address, its registration with the UK regulator, its DPO, its EU representative, the
people who prepare and sign, and who regulator letters go to. ``profile_problems`` names the
field of each problem (for an editor to show beside the field, and for the command line's one
line).

``FollowUp`` is the owner and target date someone gave an open item of the readiness check,
kept with the register under the item's key (``OpenItemKey``: the finding's code and the
transfer, or the entity for an item about an entity alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from transfers_app.errors import ValidationError

MAX_TEXT = 300  # one line of a profile (a name, a role, an email)
MAX_BLOCK = 1000  # an address or an addressee, several lines
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who prepares or signs for the organisation."""

    name: str
    role: str = ""
    email: str = ""

    def line(self) -> str:
        """ "Name, Role (email)" with what is known."""
        text = ", ".join(p for p in (self.name.strip(), self.role.strip()) if p)
        return f"{text} ({self.email.strip()})" if self.email.strip() else text


@dataclass(frozen=True, slots=True)
class OrganisationProfile:
    """The organisation that keeps the register (empty fields: not given yet)."""

    name: str = ""
    legal_name: str = ""
    address: str = ""
    # Registration (data protection fee) number with the Information Commission, formerly
    # the ICO: its register of fee payers is what a UK letter quotes.
    registration_number: str = ""
    dpo_name: str = ""
    dpo_email: str = ""
    # The Art 27 representative in the EU, if the organisation has one ("" when none).
    eu_representative: str = ""
    # Who prepares and signs regulator letters, the first by default.
    signers: tuple[Person, ...] = ()
    # The default addressee of regulator letters ("" : the regulator as the reference data
    # names it on the letter's date).
    addressee: str = ""

    @property
    def is_empty(self) -> bool:
        return self == OrganisationProfile()

    @property
    def display_name(self) -> str:
        return self.legal_name.strip() or self.name.strip()

    @property
    def preparer(self) -> Person | None:
        """Who prepares documents unless told otherwise: the first signer, else the DPO."""
        if self.signers:
            return self.signers[0]
        if self.dpo_name.strip():
            return Person(self.dpo_name.strip(), "Data protection officer", self.dpo_email.strip())
        return None

    def dpo_line(self) -> str:
        name, email = self.dpo_name.strip(), self.dpo_email.strip()
        return f"{name} ({email})" if name and email else name or email


# Labels of the fields, as an editor and a message name them.
FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "legal_name": "Legal name",
    "address": "Address",
    "registration_number": "Registration number",
    "dpo_name": "DPO name",
    "dpo_email": "DPO email",
    "eu_representative": "EU representative",
    "signers": "Signers",
    "addressee": "Addressee",
}


# What a regulator letter cannot go without.
REQUIRED = ("name", "legal_name", "registration_number", "dpo_name", "dpo_email")


def _text(errors: list[ValidationError], field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.append(ValidationError(field, f"is longer than {limit} characters"))
    elif any(ord(c) < 32 and c not in "\n\t" for c in value):
        errors.append(ValidationError(field, "contains a control character"))
    elif limit == MAX_TEXT and "\n" in value:
        errors.append(ValidationError(field, "must fit on one line"))


def _required(errors: list[ValidationError], field: str, value: str) -> bool:
    if not value.strip():
        errors.append(ValidationError(field, "is required"))
        return False
    return True


def _email(errors: list[ValidationError], field: str, value: str) -> None:
    if value.strip() and not _EMAIL.match(value.strip()):
        errors.append(
            ValidationError(field, f"{value.strip()!r} is not an email address (name@domain)")
        )


def profile_problems(p: OrganisationProfile) -> list[ValidationError]:
    """Every problem of the profile, each naming its field ("signers[2].email" for a signer's).

    Required: the name and legal name, the registration number, the DPO's name and email;
    each signer needs a name. Everything is one line except the address and the addressee."""
    errors: list[ValidationError] = []
    for field in REQUIRED:
        if _required(errors, field, getattr(p, field)):
            _text(errors, field, getattr(p, field), MAX_TEXT)
    _text(errors, "eu_representative", p.eu_representative, MAX_TEXT)
    for field in ("address", "addressee"):
        _text(errors, field, getattr(p, field), MAX_BLOCK)
    _email(errors, "dpo_email", p.dpo_email)
    for i, s in enumerate(p.signers, start=1):
        where = f"signers[{i}]"
        if _required(errors, f"{where}.name", s.name):
            _text(errors, f"{where}.name", s.name, MAX_TEXT)
        _text(errors, f"{where}.role", s.role, MAX_TEXT)
        _text(errors, f"{where}.email", s.email, MAX_TEXT)
        _email(errors, f"{where}.email", s.email)
    return errors


def ensure_valid_profile(p: OrganisationProfile) -> None:
    found = profile_problems(p)
    if found:
        raise found[0]


def parse_person(text: str, field: str = "signer") -> Person:
    """ "NAME|ROLE|EMAIL" (role and email optional) as the command line takes a signer."""
    parts = [x.strip() for x in text.split("|")]
    if len(parts) > 3:
        raise ValidationError(field, f"{text!r}: give NAME|ROLE|EMAIL (at most two '|')")
    parts += [""] * (3 - len(parts))
    if not parts[0]:
        raise ValidationError(field, f"{text!r}: the name (before the first '|') is empty")
    return Person(parts[0], parts[1], parts[2])


# -- who follows up an open item --------------------------------------------------------------


class OpenItemKey(NamedTuple):
    """One open item: the finding's code and what it is about ("T12" a transfer, "E4" an
    entity)."""

    code: str
    subject: str

    @classmethod
    def of(cls, code: str, transfer_id: int | None, entity_id: int | None) -> OpenItemKey:
        if transfer_id is not None:
            return cls(code, f"T{transfer_id}")
        return cls(code, f"E{entity_id or 0}")


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Who owns an open item and by when it should be closed (set by a person; the defaults,
    the entity's owner and no date, are not stored)."""

    code: str
    subject: str  # "T12" or "E4", as ``OpenItemKey``
    owner: str = ""
    target_on: date | None = None

    @property
    def key(self) -> OpenItemKey:
        return OpenItemKey(self.code, self.subject)

    @property
    def is_empty(self) -> bool:
        return not self.owner.strip() and self.target_on is None


_SUBJECT = re.compile(r"^[TE][0-9]+$")


def follow_up_problems(f: FollowUp) -> list[ValidationError]:
    errors: list[ValidationError] = []
    if not f.code.strip():
        errors.append(ValidationError("code", "is required"))
    if not _SUBJECT.match(f.subject):
        errors.append(
            ValidationError("subject", f"{f.subject!r} is not a transfer (T12) or entity (E4)")
        )
    _text(errors, "owner", f.owner, MAX_TEXT)
    return errors
