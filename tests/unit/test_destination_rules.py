"""The destination test (transfers_app.rules.destination) as a table of scenarios.

Expected values come from /work/shared/reference/legal-facts.md (the ground truth), not from the
code: sections 1 (EEA), 2 (EU adequacy), 3.1 (UK), 4.2-4.4 (SCCs, legacy SCCs, IDTA), 7.1 (CH).

Longer than 800 lines on purpose: one table of scenarios, each beside the fact it checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from _pytest.mark import ParameterSet

from transfers_app.domain.countries import normalise_code
from transfers_app.domain.enums import Finding, Mechanism, Regime, Role
from transfers_app.errors import ValidationError
from transfers_app.reference.loader import ReferenceSet, builtin_reference
from transfers_app.rules.destination import (
    NO_CERTS,
    Certifications,
    DestinationAssessment,
    assess_destination,
    scc_module,
)

EU, UK, CH = Regime.EU, Regime.UK, Regime.CH
C, P, SP = Role.CONTROLLER, Role.PROCESSOR, Role.SUBPROCESSOR
TODAY = date(2026, 11, 25)  # research date of legal-facts.md

DPF_EU = Certifications(dpf_eu=True)
DPF_EU_UK = Certifications(dpf_eu=True, dpf_uk_extension=True)
DPF_UK_ONLY = Certifications(dpf_uk_extension=True)
DPF_SWISS = Certifications(dpf_swiss=True)


@pytest.fixture(scope="module")
def ref() -> ReferenceSet:
    return builtin_reference()


def assess(
    ref: ReferenceSet,
    regime: Regime,
    dest: str,
    on: date,
    certs: Certifications = NO_CERTS,
    exporter: Role = C,
    importer: Role = P,
) -> DestinationAssessment:
    return assess_destination(ref, regime, dest, on, importer, exporter, certs)


# ---------------------------------------------------------------------------------------------
# The main table: finding, restricted, decision relied on, TIA requirement
# ---------------------------------------------------------------------------------------------


ANY = "<any>"


@dataclass(frozen=True)
class Expect:
    finding: Finding
    restricted: bool = True
    decision: str | None = "<any>"  # substring of the reference; None = no decision at all
    tia: bool | None = None  # None = do not check
    reason_has: tuple[str, ...] = ()


NR = Expect(Finding.NOT_RESTRICTED, restricted=False, tia=False)


def row(
    regime: Regime,
    dest: str,
    on: date,
    expect: Expect,
    certs: Certifications = NO_CERTS,
    id: str = "",
) -> ParameterSet:
    return pytest.param(regime, dest, on, certs, expect, id=id)


DESTINATION_TABLE = [
    # --- no restricted transfer: inside the exporter's home area (legal-facts 1) ---
    row(EU, "DE", TODAY, NR, id="EU->DE EU member: not restricted"),
    row(EU, "NO", TODAY, NR, id="EU->NO EEA-EFTA: not restricted"),
    row(EU, "IS", TODAY, NR, id="EU->IS EEA-EFTA: not restricted"),
    row(EU, "LI", TODAY, NR, id="EU->LI EEA-EFTA: not restricted"),
    row(EU, "RE", TODAY, NR, id="EU->RE outermost region: not restricted"),
    row(EU, "MF", TODAY, NR, id="EU->MF Saint-Martin outermost region: not restricted"),
    row(UK, "GB", TODAY, NR, id="UK->GB: not restricted"),
    row(CH, "CH", TODAY, NR, id="CH->CH: not restricted"),
    # --- restricted although adequate: not part of the UK (ICO: excludes Gibraltar, CDs) ---
    row(
        UK,
        "GI",
        TODAY,
        Expect(Finding.ADEQUATE, decision="SI 2019/419", tia=False),
        id="UK->GI restricted but adequate",
    ),
    row(
        UK,
        "JE",
        TODAY,
        Expect(Finding.ADEQUATE, decision="2008/393/EC", tia=False),
        id="UK->JE restricted but adequate",
    ),
    row(
        UK,
        "DE",
        TODAY,
        Expect(Finding.ADEQUATE, decision="SI 2019/419", tia=False),
        id="UK->DE adequate (EEA transitional)",
    ),
    row(
        UK,
        "NO",
        TODAY,
        Expect(Finding.ADEQUATE, decision="SI 2019/419"),
        id="UK->NO adequate (EEA transitional)",
    ),
    # --- OCTs and non-EEA neighbours are third countries for the EU ---
    row(
        EU,
        "GL",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU->GL OCT: not adequate",
    ),
    row(
        EU,
        "SX",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU->SX Sint Maarten OCT: not adequate",
    ),
    row(
        EU,
        "GI",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU->GI no EU decision for Gibraltar",
    ),
    # --- EU full adequacy ---
    row(
        EU,
        "CH",
        TODAY,
        Expect(Finding.ADEQUATE, decision="2000/518/EC", tia=False),
        id="EU->CH adequate",
    ),
    row(
        EU,
        "NZ",
        TODAY,
        Expect(Finding.ADEQUATE, decision="2013/65/EU", tia=False),
        id="EU->NZ adequate",
    ),
    row(EU, "AR", TODAY, Expect(Finding.ADEQUATE, decision="2003/490/EC"), id="EU->AR adequate"),
    row(EU, "JE", TODAY, Expect(Finding.ADEQUATE, decision="2008/393/EC"), id="EU->JE adequate"),
    # --- EU partial adequacy (legal-facts 2 'scope limits') ---
    row(
        EU,
        "CA",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2002/2/EC", tia=False),
        id="EU->CA adequate if PIPEDA",
    ),
    row(
        EU,
        "JP",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2019/419", tia=False),
        id="EU->JP adequate if APPI private sector",
    ),
    row(
        EU,
        "KR",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2022/254", tia=False),
        id="EU->KR adequate if PIPA (credit info carve-out)",
    ),
    row(
        EU,
        "IL",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2011/61/EU", tia=False),
        id="EU->IL adequate if automated",
    ),
    row(
        EU,
        "FO",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2010/146/EU"),
        id="EU->FO adequate if Faroese Act",
    ),
    # --- UK ---
    row(
        UK,
        "JP",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2019/419", tia=False),
        id="UK->JP adequate if APPI",
    ),
    row(
        UK,
        "CA",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2002/2/EC"),
        id="UK->CA adequate if PIPEDA",
    ),
    row(
        UK,
        "KR",
        date(2022, 12, 19),
        Expect(Finding.ADEQUATE_IF, decision="2022/1213"),
        id="UK->KR adequate from 2022-12-19",
    ),
    row(
        UK,
        "KR",
        date(2022, 12, 18),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="UK->KR not adequate on 2022-12-18",
    ),
    row(UK, "CH", TODAY, Expect(Finding.ADEQUATE, decision="2000/518/EC"), id="UK->CH adequate"),
    # --- CH (Annex 1 DPO, legal-facts 7.1) ---
    row(
        CH,
        "DE",
        TODAY,
        Expect(Finding.ADEQUATE, decision="Annex 1 DPO", tia=False),
        id="CH->DE adequate (Annex 1)",
    ),
    row(CH, "GB", TODAY, Expect(Finding.ADEQUATE, decision="Annex 1 DPO"), id="CH->GB adequate"),
    row(CH, "GI", TODAY, Expect(Finding.ADEQUATE, decision="Annex 1 DPO"), id="CH->GI adequate"),
    row(
        CH,
        "CA",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="Annex 1 DPO"),
        id="CH->CA adequate if PIPEDA",
    ),
    row(
        CH,
        "JP",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="CH->JP not on Annex 1",
    ),
    row(
        CH,
        "KR",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="CH->KR not on Annex 1",
    ),
    # --- US: adequacy only for certified recipients (legal-facts 8 rule 3) ---
    row(
        EU,
        "US",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision="2023/1795", tia=True),
        id="EU->US no DPF: not adequate, TIA",
    ),
    row(
        EU,
        "US",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2023/1795", tia=False),
        certs=DPF_EU,
        id="EU->US with EU DPF: adequate if listed",
    ),
    row(
        UK,
        "US",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision="2023/1028", tia=True),
        certs=DPF_EU,
        id="UK->US EU DPF only: not adequate",
    ),
    row(
        UK,
        "US",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision="2023/1028", tia=True),
        certs=DPF_UK_ONLY,
        id="UK->US UK extension without EU DPF: not adequate",
    ),
    row(
        UK,
        "US",
        TODAY,
        Expect(Finding.ADEQUATE_IF, decision="2023/1028", tia=False),
        certs=DPF_EU_UK,
        id="UK->US EU DPF + UK extension: adequate if listed",
    ),
    row(
        CH,
        "US",
        TODAY,
        Expect(Finding.ADEQUATE_IF, tia=False),
        certs=DPF_SWISS,
        id="CH->US Swiss DPF: adequate if listed",
    ),
    row(
        CH,
        "US",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision="Annex 1 DPO", tia=True),
        certs=DPF_EU,
        id="CH->US EU DPF only: not adequate",
    ),
    row(
        EU,
        "US",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision="2023/1795", tia=True),
        certs=DPF_SWISS,
        id="EU->US Swiss DPF only: not adequate",
    ),
    # --- DPF start dates ---
    row(
        EU,
        "US",
        date(2023, 7, 9),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        certs=DPF_EU,
        id="EU->US DPF 2023-07-09: before decision",
    ),
    row(
        EU,
        "US",
        date(2023, 7, 10),
        Expect(Finding.ADEQUATE_IF, decision="2023/1795"),
        certs=DPF_EU,
        id="EU->US DPF 2023-07-10: in force",
    ),
    row(
        UK,
        "US",
        date(2023, 10, 11),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        certs=DPF_EU_UK,
        id="UK->US extension 2023-10-11: before regulations",
    ),
    row(
        UK,
        "US",
        date(2023, 10, 12),
        Expect(Finding.ADEQUATE_IF, decision="2023/1028"),
        certs=DPF_EU_UK,
        id="UK->US extension 2023-10-12: in force",
    ),
    row(
        CH,
        "US",
        date(2024, 9, 14),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        certs=DPF_SWISS,
        id="CH->US Swiss DPF 2024-09-14: before Annex 1 amendment",
    ),
    row(
        CH,
        "US",
        date(2024, 9, 15),
        Expect(Finding.ADEQUATE_IF, decision="Annex 1 DPO"),
        certs=DPF_SWISS,
        id="CH->US Swiss DPF 2024-09-15: in force",
    ),
    # --- 2024-2026 changes (legal-facts 2.1) ---
    row(
        EU,
        "BR",
        date(2026, 1, 26),
        Expect(Finding.ADEQUATE, decision="2026/179", tia=False),
        id="EU->BR adequate from 2026-01-26",
    ),
    row(
        EU,
        "BR",
        date(2026, 1, 25),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU->BR not adequate on 2026-01-25",
    ),
    row(
        UK,
        "BR",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True, reason_has=("EU", "2026/179")),
        id="UK->BR not adequate, EU decision does not help",
    ),
    row(
        EU,
        "EPO",
        date(2025, 7, 15),
        Expect(Finding.ADEQUATE, decision="2025/1382", tia=False),
        id="EU->EPO adequate from 2025-07-15",
    ),
    row(
        EU,
        "EPO",
        date(2025, 7, 14),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU->EPO not adequate on 2025-07-14",
    ),
    row(
        UK,
        "EPO",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True, reason_has=("2025/1382",)),
        id="UK->EPO not adequate",
    ),
    # --- EU->GB: the three decision rows and the sunset ---
    row(
        EU,
        "GB",
        date(2024, 1, 1),
        Expect(Finding.ADEQUATE_IF, decision="2021/1772", tia=False),
        id="EU->GB 2024-01-01: 2021/1772 (immigration carve-out)",
    ),
    row(
        EU,
        "GB",
        date(2025, 6, 27),
        Expect(Finding.ADEQUATE_IF),
        id="EU->GB 2025-06-27: still adequate",
    ),
    row(
        EU,
        "GB",
        date(2025, 9, 1),
        Expect(Finding.ADEQUATE_IF, decision="2025/1226"),
        id="EU->GB 2025-09-01: 2025/1226 extension",
    ),
    row(
        EU,
        "GB",
        date(2025, 12, 27),
        Expect(Finding.ADEQUATE, decision="2025/2574"),
        id="EU->GB 2025-12-27: renewal in force",
    ),
    row(
        EU,
        "GB",
        TODAY,
        Expect(Finding.ADEQUATE, decision="2025/2574", tia=False),
        id="EU->GB 2026-11-25: 2025/2574 renewal",
    ),
    row(
        EU,
        "GB",
        date(2031, 12, 27),
        Expect(Finding.ADEQUATE, decision="2025/2574"),
        id="EU->GB 2031-12-27: last day",
    ),
    row(
        EU,
        "GB",
        date(2031, 12, 28),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU->GB 2031-12-28: expired",
    ),
    row(
        EU,
        "GB",
        date(2032, 1, 1),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU->GB 2032-01-01: expired unless extended",
    ),
    # --- coverage of the reference data ---
    row(EU, "US", date(2020, 6, 1), Expect(Finding.UNKNOWN), id="EU 2020-06-01: unknown"),
    row(EU, "DE", date(2021, 6, 27), Expect(Finding.UNKNOWN), id="EU 2021-06-27: unknown"),
    row(
        EU,
        "IN",
        date(2021, 6, 28),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU 2021-06-28: covered",
    ),
    row(
        CH,
        "US",
        date(2023, 8, 31),
        Expect(Finding.UNKNOWN),
        certs=DPF_SWISS,
        id="CH 2023-08-31: unknown",
    ),
    row(
        CH,
        "IN",
        date(2023, 9, 1),
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="CH 2023-09-01: covered",
    ),
    row(UK, "IN", date(2020, 12, 30), Expect(Finding.UNKNOWN), id="UK 2020-12-30: unknown"),
    # --- plain third countries ---
    row(
        EU,
        "IN",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="EU->IN not adequate",
    ),
    row(
        UK,
        "IN",
        TODAY,
        Expect(Finding.NOT_ADEQUATE, decision=None, tia=True),
        id="UK->IN not adequate",
    ),
]


@pytest.mark.parametrize(("regime", "dest", "on", "certs", "expect"), DESTINATION_TABLE)
def test_destination_table(ref, regime, dest, on, certs, expect):  # type: ignore[no-untyped-def]
    a = assess(ref, regime, dest, on, certs)
    assert a.finding is expect.finding, a.reason
    assert a.restricted is expect.restricted
    if expect.decision is None:
        assert a.decision is None, a.decision
    elif expect.decision != ANY:
        assert a.decision is not None, a.reason
        assert expect.decision in a.decision.reference
    if expect.tia is not None:
        assert a.tia_required is expect.tia
    for text in expect.reason_has:
        assert text in a.reason
    # What the user sees follows from the finding.
    if expect.finding in (Finding.NOT_RESTRICTED, Finding.ADEQUATE):
        assert a.safeguards == ()
        assert not a.needs_mechanism
    if expect.finding is Finding.NOT_ADEQUATE:
        assert a.needs_mechanism
        assert a.safeguards, "a restricted, non-adequate transfer must offer safeguards"
    if expect.finding is Finding.UNKNOWN:
        assert "does not cover" in a.reason


@pytest.mark.parametrize(
    ("regime", "dest", "on", "certs"),
    [
        pytest.param(EU, "US", date(2023, 7, 9), DPF_EU, id="EU->US 2023-07-09"),
        pytest.param(UK, "US", date(2023, 10, 11), DPF_EU_UK, id="UK->US 2023-10-11"),
        pytest.param(CH, "US", date(2024, 9, 14), DPF_SWISS, id="CH->US 2024-09-14"),
    ],
)
def test_no_dpf_decision_before_its_start(ref, regime, dest, on, certs):  # type: ignore[no-untyped-def]
    assert assess(ref, regime, dest, on, certs).decision is None


# ---------------------------------------------------------------------------------------------
# EU->GB: which decision row, and its expiry
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "decision_id", "expires"),
    [
        pytest.param(date(2024, 1, 1), "eu-gb-2021-1772", date(2025, 6, 27), id="2024-01-01"),
        pytest.param(date(2025, 9, 1), "eu-gb-2025-1226", date(2025, 12, 27), id="2025-09-01"),
        pytest.param(date(2026, 11, 25), "eu-gb-2025-2574", date(2031, 12, 27), id="2026-11-25"),
    ],
)
def test_eu_gb_decision_row(ref, on, decision_id, expires):  # type: ignore[no-untyped-def]
    a = assess(ref, EU, "GB", on)
    assert a.decision is not None
    assert a.decision.id == decision_id
    assert a.decision.expires_on == expires
    assert any(expires.isoformat() in adv for adv in a.advisories)


def test_eu_gb_immigration_carve_out_removed_by_renewal(ref):  # type: ignore[no-untyped-def]
    assert assess(ref, EU, "GB", date(2024, 1, 1)).finding is Finding.ADEQUATE_IF
    assert assess(ref, EU, "GB", date(2026, 1, 1)).finding is Finding.ADEQUATE


def test_law_enforcement_decision_never_used_for_general_processing(ref):  # type: ignore[no-untyped-def]
    for on in (date(2022, 1, 1), date(2025, 9, 1), TODAY):
        a = assess(ref, EU, "GB", on)
        assert a.decision is not None
        assert "2021/1773" not in a.decision.reference
        assert "2025/1225" not in a.decision.reference
        assert "2025/2571" not in a.decision.reference


# ---------------------------------------------------------------------------------------------
# SCC module from roles (legal-facts 4.2)
# ---------------------------------------------------------------------------------------------

MODULE_TABLE = [
    pytest.param(C, C, 1, id="C->C Module 1"),
    pytest.param(C, P, 2, id="C->P Module 2"),
    pytest.param(C, SP, 2, id="C->subprocessor Module 2"),
    pytest.param(P, P, 3, id="P->P Module 3"),
    pytest.param(P, SP, 3, id="P->subprocessor Module 3"),
    pytest.param(P, C, 4, id="P->C Module 4"),
]


@pytest.mark.parametrize(("exporter", "importer", "module"), MODULE_TABLE)
def test_scc_module(exporter, importer, module):  # type: ignore[no-untyped-def]
    assert scc_module(exporter, importer) == module


@pytest.mark.parametrize(("exporter", "importer", "module"), MODULE_TABLE)
def test_eu_india_offers_eu_scc_with_module(ref, exporter, importer, module):  # type: ignore[no-untyped-def]
    a = assess(ref, EU, "IN", TODAY, exporter=exporter, importer=importer)
    assert a.scc_module == module
    eu_scc = [s for s in a.safeguards if s.mechanism is Mechanism.EU_SCC]
    assert len(eu_scc) == 1
    assert eu_scc[0].scc_module == module
    assert "2021/914" in eu_scc[0].reference
    assert {1: "One", 2: "Two", 3: "Three", 4: "Four"}[module] in eu_scc[0].label
    # No UK tool offered to an EU exporter; no legacy SCCs for new contracts in 2026.
    mechs = {s.mechanism for s in a.safeguards}
    assert Mechanism.UK_IDTA not in mechs
    assert Mechanism.UK_ADDENDUM not in mechs
    assert Mechanism.LEGACY_SCC not in mechs
    assert Mechanism.DEROGATION in mechs


@pytest.mark.parametrize(("exporter", "importer", "module"), MODULE_TABLE)
def test_uk_india_offers_idta_and_addendum(ref, exporter, importer, module):  # type: ignore[no-untyped-def]
    a = assess(ref, UK, "IN", TODAY, exporter=exporter, importer=importer)
    mechs = [s.mechanism for s in a.safeguards]
    assert Mechanism.UK_IDTA in mechs
    assert Mechanism.EU_SCC not in mechs, "bare EU SCCs are not a UK tool"
    assert Mechanism.LEGACY_SCC not in mechs
    (addendum,) = [s for s in a.safeguards if s.mechanism is Mechanism.UK_ADDENDUM]
    assert addendum.label.startswith("EU SCCs")
    assert addendum.label.endswith("with the UK Addendum")
    assert addendum.scc_module == module


SAFEGUARD_DATES = [
    # (regime, on, exporter, importer, must offer, must not offer)
    pytest.param(
        UK,
        date(2022, 1, 1),
        C,
        P,
        {Mechanism.LEGACY_SCC},
        {Mechanism.UK_IDTA, Mechanism.UK_ADDENDUM, Mechanism.EU_SCC},
        id="UK 2022-01-01: legacy SCCs, no IDTA yet",
    ),
    pytest.param(
        UK,
        date(2022, 3, 21),
        C,
        P,
        {Mechanism.UK_IDTA, Mechanism.UK_ADDENDUM, Mechanism.LEGACY_SCC},
        {Mechanism.EU_SCC},
        id="UK 2022-03-21: IDTA in force, legacy still usable",
    ),
    pytest.param(
        UK,
        date(2022, 9, 21),
        C,
        P,
        {Mechanism.LEGACY_SCC},
        set(),
        id="UK 2022-09-21: last day for new legacy contracts",
    ),
    pytest.param(
        UK,
        date(2022, 9, 22),
        C,
        P,
        {Mechanism.UK_IDTA},
        {Mechanism.LEGACY_SCC},
        id="UK 2022-09-22: no new legacy contracts",
    ),
    pytest.param(
        EU,
        date(2021, 7, 1),
        C,
        P,
        {Mechanism.EU_SCC, Mechanism.LEGACY_SCC},
        {Mechanism.UK_IDTA},
        id="EU 2021-07-01: new and legacy SCCs",
    ),
    pytest.param(
        EU,
        date(2021, 9, 26),
        C,
        C,
        {Mechanism.LEGACY_SCC},
        set(),
        id="EU 2021-09-26: last day for new legacy contracts",
    ),
    pytest.param(
        EU,
        date(2021, 9, 27),
        C,
        P,
        {Mechanism.EU_SCC},
        {Mechanism.LEGACY_SCC},
        id="EU 2021-09-27: legacy repealed",
    ),
    pytest.param(
        EU,
        date(2021, 7, 1),
        P,
        P,
        {Mechanism.EU_SCC},
        {Mechanism.LEGACY_SCC},
        id="EU P->P: no legacy set for Module 3",
    ),
    pytest.param(
        CH,
        TODAY,
        C,
        P,
        {Mechanism.EU_SCC},
        {Mechanism.UK_IDTA, Mechanism.LEGACY_SCC},
        id="CH: EU SCCs (Swiss adaptations)",
    ),
]


@pytest.mark.parametrize(
    ("regime", "on", "exporter", "importer", "offered", "absent"), SAFEGUARD_DATES
)
def test_safeguards_offered_on_date(ref, regime, on, exporter, importer, offered, absent):  # type: ignore[no-untyped-def]
    a = assess(ref, regime, "IN", on, exporter=exporter, importer=importer)
    mechs = {s.mechanism for s in a.safeguards}
    assert offered <= mechs, mechs
    assert not (absent & mechs), mechs


def test_uk_legacy_offer_matches_module(ref):  # type: ignore[no-untyped-def]
    a = assess(ref, UK, "IN", date(2022, 1, 1), exporter=C, importer=P)
    legacy = [s for s in a.safeguards if s.mechanism is Mechanism.LEGACY_SCC]
    assert [s.reference for s in legacy] and all("2010/87/EU" in s.reference for s in legacy)
    a = assess(ref, UK, "IN", date(2022, 1, 1), exporter=C, importer=C)
    refs = " ".join(s.reference for s in a.safeguards if s.mechanism is Mechanism.LEGACY_SCC)
    assert "2001/497/EC" in refs and "2004/915/EC" in refs and "2010/87/EU" not in refs


@pytest.mark.parametrize(
    ("regime", "dest", "certs"),
    [
        pytest.param(EU, "US", DPF_EU, id="EU->US certified"),
        pytest.param(EU, "JP", NO_CERTS, id="EU->JP partial"),
    ],
)
def test_adequate_if_offers_fallback_but_no_derogation(ref, regime, dest, certs):  # type: ignore[no-untyped-def]
    a = assess(ref, regime, dest, TODAY, certs)
    mechs = {s.mechanism for s in a.safeguards}
    assert Mechanism.EU_SCC in mechs
    assert Mechanism.DEROGATION not in mechs
    assert a.conditions


def test_dpf_fallback_advice(ref):  # type: ignore[no-untyped-def]
    a = assess(ref, EU, "US", TODAY, DPF_EU)
    assert any("12 months" in c for c in a.conditions)
    assert any("fallback" in adv for adv in a.advisories)


# ---------------------------------------------------------------------------------------------
# Regulator naming (legal-facts 3.2: Information Commission from 30 Sep 2026)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "has", "lacks"),
    [
        pytest.param(
            date(2026, 9, 29), "Information Commissioner's Office", None, id="2026-09-29 ICO"
        ),
        pytest.param(
            date(2026, 9, 30),
            "Information Commission",
            "Information Commissioner",
            id="2026-09-30 Information Commission",
        ),
        pytest.param(date(2021, 1, 1), "Information Commissioner's Office", None, id="2021 ICO"),
    ],
)
def test_uk_regulator_name(ref, on, has, lacks):  # type: ignore[no-untyped-def]
    reg = assess(ref, UK, "IN", on).regulator
    assert has in reg
    if lacks:
        assert lacks not in reg


def test_ch_regulator_is_fdpic(ref):  # type: ignore[no-untyped-def]
    assert "FDPIC" in assess(ref, CH, "IN", TODAY).regulator


# ---------------------------------------------------------------------------------------------
# Country codes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("uk", "GB", id="uk->GB"),
        pytest.param("Germany", "DE", id="Germany->DE"),
        pytest.param("epo", "EPO", id="epo->EPO"),
        pytest.param(" de ", "DE", id="spaces"),
        pytest.param("EL", "GR", id="EL->GR"),
        pytest.param("USA", "US", id="USA->US"),
    ],
)
def test_normalise_code(text, code):  # type: ignore[no-untyped-def]
    assert normalise_code(text) == code


@pytest.mark.parametrize("bad", ["XX", "Atlantis", "ZZ"])
def test_unknown_country_rejected_naming_field_and_code(bad):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        normalise_code(bad, field="destination")
    assert exc.value.field == "destination"
    assert "destination" in str(exc.value)
    assert bad in str(exc.value)


def test_unknown_country_default_field():  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        normalise_code("XX")
    assert "country" in str(exc.value)
    assert "XX" in str(exc.value)


def test_empty_country_rejected():  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        normalise_code("   ")
