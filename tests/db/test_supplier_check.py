"""The supplier check finds a supplier already on the register under a slightly other name.

On the in-memory store (``tests/fakes``): the service, not the engine, is under test."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from fakes.memory_store import MemoryStore
from support.stores import NewRegister

from transfers_app.domain.enums import EntityKind, Finding, Regime, Role
from transfers_app.domain.models import Entity
from transfers_app.reference import builtin_reference
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService

NAMES = [
    "Stratus Cloud Hosting, Inc.",
    "Northwind Payments, Inc.",
    "株式会社サクラ翻訳",
    "Łódź Software House sp. z o.o.",
]


@pytest.fixture
def service(new_register: NewRegister) -> RegisterService:
    """A register of the suppliers in ``NAMES``, on each engine."""
    repo = new_register()
    for n in NAMES:
        repo.entities.add(Entity(n, EntityKind.VENDOR))
    return RegisterService(repo, ReferenceSource(builtin_reference()))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Stratus", "Stratus Cloud Hosting, Inc."),  # the start of the name
        ("Stratos Cloud Hosting", "Stratus Cloud Hosting, Inc."),  # a typo
        ("NORTHWIND PAYMENTS LTD", "Northwind Payments, Inc."),  # case and legal form
        ("サクラ翻訳", "株式会社サクラ翻訳"),  # Japanese legal form dropped
        ("Lodz Software House", "Łódź Software House sp. z o.o."),  # missing diacritics
    ],
)
def test_similar_names_are_found(service: RegisterService, query: str, expected: str) -> None:
    assert expected in [s.name for s in service.similar_entities(query)]


def test_unrelated_name_finds_nothing(service: RegisterService) -> None:
    assert service.similar_entities("Quanta Insight AI") == []


def test_check_on_a_register_without_own_entities_assesses_uk_and_eu(
    service: RegisterService,
) -> None:
    report = service.check("New Vendor", ["IN"], Role.PROCESSOR, date(2026, 11, 25))
    assert [a.regime for a in report.assessments] == [Regime.UK, Regime.EU]
    assert not report.regimes_from_register
    assert all(a.finding is Finding.NOT_ADEQUATE for a in report.assessments)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Stratos Cloud", "Stratus Cloud Hosting, Inc."),  # typo and a shorter name
        ("Cloud Stratus", "Stratus Cloud Hosting, Inc."),  # other word order
        ("Sakura Honyaku", "株式会社サクラ翻訳"),  # its legal name in Latin letters
    ],
)
def test_other_spellings_are_found(query: str, expected: str) -> None:
    repo = MemoryStore(actor="t")
    for n in NAMES:
        legal = "Sakura Honyaku Kabushiki Kaisha" if n.startswith("株式会社") else ""
        repo.entities.add(Entity(n, EntityKind.VENDOR, legal_name=legal))
    service = RegisterService(repo, ReferenceSource(builtin_reference()))
    assert expected in [s.name for s in service.similar_entities(query)]


def test_status_is_recomputed_after_any_change(service: RegisterService) -> None:
    """The status is kept between refreshes, but never across an edit of the register."""
    on = date(2026, 11, 25)
    first = service.status(on)
    assert service.status(on) is first  # nothing changed: the same report
    vendor = service.store.entities.list()[0]
    service.store.entities.update(replace(vendor, notes="changed"))
    assert service.status(on) is not first


def test_a_shared_generic_word_is_not_a_match(new_register: NewRegister) -> None:
    """Issue 13: "Acme Analytics Inc" was offered "Lumen Analytics GmbH (match 83 %)"."""
    repo = new_register()
    for n in ("Lumen Analytics GmbH", "Nimbus Cloud Services Ltd", "Acme Translation Ltd"):
        repo.entities.add(Entity(n, EntityKind.VENDOR))
    service = RegisterService(repo, ReferenceSource(builtin_reference()))
    found = [s.name for s in service.similar_entities("Acme Analytics Inc")]
    assert "Lumen Analytics GmbH" not in found
    assert found == ["Acme Translation Ltd"]  # the distinctive word is what matches
    assert service.similar_entities("Stratus Cloud Services") == []


def test_a_match_says_why(service: RegisterService) -> None:
    hit = service.similar_entities("Stratos Cloud Hosting")[0]
    assert hit.name == "Stratus Cloud Hosting, Inc."
    assert "'stratos' is spelled like 'stratus'" in hit.why
    assert "'cloud', 'hosting' ignored" in hit.why
    typo = service.similar_entities("Nortwind Payments")[0]
    assert "'nortwind' is spelled like 'northwind'" in typo.why


def test_a_legal_name_match_says_so(new_register: NewRegister) -> None:
    repo = new_register()
    repo.entities.add(Entity("Sakura", EntityKind.VENDOR, legal_name="Kirin Honyaku KK"))
    service = RegisterService(repo, ReferenceSource(builtin_reference()))
    hit = service.similar_entities("Kirin Honyaku")[0]
    assert hit.name == "Sakura" and "legal name" in hit.why
