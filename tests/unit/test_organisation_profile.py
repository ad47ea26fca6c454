"""The organisation's profile: what it requires, and each problem named by its field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from transfers_app.domain.organisation import (
    OrganisationProfile,
    Person,
    ensure_valid_profile,
    parse_person,
    profile_problems,
)
from transfers_app.errors import ValidationError
from transfers_app.services.demo import DEMO_ORGANISATION

# A complete profile: the demo's fictional organisation, with a trading name of its own.
GOOD = replace(DEMO_ORGANISATION, name="Keystone")


def fields(p: OrganisationProfile) -> dict[str, str]:
    return {e.field: e.message for e in profile_problems(p)}


def test_a_complete_profile_has_no_problem() -> None:
    assert profile_problems(GOOD) == []
    ensure_valid_profile(GOOD)
    assert GOOD.display_name == "Keystone Access Europe Limited"
    assert GOOD.preparer == GOOD.signers[0]


def test_an_empty_profile_names_every_required_field() -> None:
    assert fields(OrganisationProfile()) == {
        "name": "is required",
        "legal_name": "is required",
        "registration_number": "is required",
        "dpo_name": "is required",
        "dpo_email": "is required",
    }


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"dpo_email": "dpo.harbourline.example"}, "dpo_email", "is not an email address"),
        ({"name": "   "}, "name", "is required"),
        ({"legal_name": "Harbourline\nAnalytics"}, "legal_name", "must fit on one line"),
        ({"registration_number": "Z" * 301}, "registration_number", "longer than 300"),
        ({"address": "1 Quay St\x07"}, "address", "control character"),
        ({"signers": (Person("", "Head of Legal"),)}, "signers[1].name", "is required"),
        (
            {"signers": (GOOD.signers[0], Person("Ana", email="ana-at-example"))},
            "signers[2].email",
            "'ana-at-example' is not an email address",
        ),
    ],
)
def test_each_problem_names_its_field(change: dict[str, object], field: str, says: str) -> None:
    found = fields(replace(GOOD, **change))  # type: ignore[arg-type]
    assert list(found) == [field]
    assert says in found[field]
    with pytest.raises(ValidationError) as caught:
        ensure_valid_profile(replace(GOOD, **change))  # type: ignore[arg-type]
    assert str(caught.value).startswith(f"{field}: ")


def test_the_address_may_take_several_lines_and_signers_are_optional() -> None:
    p = replace(GOOD, address="4 Quay Street\nBristol BS1 4DB", signers=())
    assert profile_problems(p) == []
    # Without signers the DPO prepares (a person of the profile, never a login).
    assert p.preparer == Person(
        "Daniel Okafor", "Data protection officer", "dpo@keystone-europe.example"
    )


def test_a_signer_on_the_command_line() -> None:
    assert parse_person("Tom Ellis|Head of Legal|tom@h.example") == Person(
        "Tom Ellis", "Head of Legal", "tom@h.example"
    )
    assert parse_person(" Tom Ellis ") == Person("Tom Ellis")
    with pytest.raises(ValidationError, match="the name"):
        parse_person("|Head of Legal")
    with pytest.raises(ValidationError, match="at most two"):
        parse_person("a|b|c|d")
