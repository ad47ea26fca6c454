"""The public sub-processor list as data: its entries, its date and its change log.

``transfers_app.services.public_list`` builds it from the register; ``exports.public_list``
renders it as HTML or Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from transfers_app.domain.countries import country_name


@dataclass(frozen=True, slots=True)
class PublicEntry:
    entity_id: int
    name: str
    legal_name: str  # empty when the same as the name
    services: tuple[str, ...]
    countries: tuple[str, ...]  # ISO codes, in the order of their names
    safeguards: tuple[str, ...]  # plain words, primary first
    engaged_by: tuple[str, ...] = ()  # for sub-processors of our processors: those processors
    # The safeguard relied on under each regime's rules, in plain words, as the status engine
    # found it on the list's date: ("UK GDPR", "UK International Data Transfer Agreement").
    by_regime: tuple[tuple[str, str], ...] = ()

    @property
    def display_name(self) -> str:
        """'Name (Legal name)' when the legal name differs."""
        return f"{self.name} ({self.legal_name})" if self.legal_name else self.name

    @property
    def country_names(self) -> tuple[str, ...]:
        return tuple(country_name(c) for c in self.countries)

    @property
    def purpose(self) -> str:
        return "; ".join(self.services)


@dataclass(frozen=True, slots=True)
class PublicList:
    as_of: date
    organisation: str
    entries: tuple[PublicEntry, ...]
    # Whom customers write to with an objection: the DPO in the organisation's profile
    # ("" when the profile names none), as it was when the version was made.
    dpo_name: str = ""
    dpo_email: str = ""

    @property
    def object_text(self) -> str:
        return objection_text(self.dpo_name, self.dpo_email)

    def entry(self, entity_id: int) -> PublicEntry | None:
        return next((e for e in self.entries if e.entity_id == entity_id), None)


OBJECT_HEADING = "How to object"
# Art 28(2) GDPR / UK GDPR; EU SCCs (2021/914) Clause 9(a), Option 2 (general authorisation).
_OBJECT_OPENING = (
    "Where your contract with us gives a general written authorisation to engage "
    "sub-processors, you may object to a new or replaced sub-processor: tell us in writing, "
    "with your reasons, within the period your contract sets out"
)


def objection_text(dpo_name: str = "", dpo_email: str = "") -> str:
    """How a customer objects, and to whom: our data protection officer where the
    organisation's profile names one (by name and email, or what of them it gives), else the
    address the customer's contract sets out."""
    name, email = dpo_name.strip(), dpo_email.strip()
    contract = "the address your contract sets out"
    if name and email:
        to = f"to our data protection officer, {name}, at {email}, or at {contract}"
    elif email:
        to = f"to our data protection officer at {email}, or at {contract}"
    elif name:
        to = f"to our data protection officer, {name}, at {contract}"
    else:
        to = f"at {contract}"
    return f"{_OBJECT_OPENING}, {to}."


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    LOCATION = "changed location"
    PURPOSE = "changed purpose"


@dataclass(frozen=True, slots=True)
class ListChange:
    kind: ChangeKind
    entity_id: int
    name: str  # as shown (the current one; the last published one for a removal)
    countries_added: tuple[str, ...] = ()
    countries_removed: tuple[str, ...] = ()
    # Changed purpose: the purposes before and now; changed location: the countries' names;
    # added: the purpose; removed: the purpose last published.
    before: str = ""
    after: str = ""

    @property
    def detail(self) -> str:
        """What changed, in words (without the name)."""
        if self.kind is ChangeKind.ADDED:
            where = ", ".join(country_name(c) for c in self.countries_added)
            return f"{self.after or 'no service stated'}; in {where or 'no country stated'}"
        if self.kind is ChangeKind.REMOVED:
            return "no longer processes personal data for us"
        if self.kind is ChangeKind.LOCATION:
            return f"now in {self.after or 'no country stated'} (was in {self.before})"
        return f"now: {self.after or 'none stated'} (was: {self.before or 'none stated'})"

    @property
    def text(self) -> str:
        """One line for a log or the command line: 'Changed location: Name: now also in ...'."""
        return f"{self.kind.value.capitalize()}: {self.name}: {self.detail}"


@dataclass(frozen=True, slots=True)
class PublicListReport:
    """Everything a renderer lays out: the list, its date and its change log."""

    public_list: PublicList
    last_updated: date
    changes: tuple[ListChange, ...]
    # The version the changes are measured against (None: nothing published before).
    previous_on: date | None
    # False: a draft with changes not published yet (what the next publication would say).
    published: bool
    # Who published it (a person from the organisation's profile, or the name given).
    published_by: str = ""
