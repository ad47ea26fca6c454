"""The assessment's arithmetic and decision points (legal-facts.md 5.5 and 5.6)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transfers_app.domain.tia import (
    AccessBasis,
    CategoryRisk,
    Enforceability,
    Factor,
    HumanRights,
    InvestigationLevel,
    LawItem,
    Measure,
    MeasureKind,
    Quantitative,
    TiaContent,
    TiaInputs,
    TransferDescription,
    from_plain,
    rosenthal,
    stale_reasons,
    to_plain,
    tra_decision,
)


def test_one_basis_multiplies_its_factors_and_compounds_over_the_period() -> None:
    q = Quantitative(
        period_years=5,
        threshold=0.10,
        bases=(
            AccessBasis(
                "FISA s.702",
                (Factor("data of interest", 0.1), Factor("sought from importer", 0.2),
                 Factor("challenge fails", 0.5)),
            ),
        ),
    )  # fmt: skip
    r = rosenthal(q)
    assert r.per_year == pytest.approx(0.01)
    assert r.cumulative == pytest.approx(1 - 0.99**5)  # 4.90 %
    assert r.years_at_90 == pytest.approx(math.log(0.1) / math.log(0.99))  # about 229 years
    assert r.within_threshold


def test_several_bases_combine_as_independent_chances() -> None:
    q = Quantitative(
        period_years=1,
        bases=(AccessBasis("a", (Factor("x", 0.5),)), AccessBasis("b", (Factor("y", 0.5),))),
    )
    r = rosenthal(q)
    assert r.per_year == pytest.approx(0.75)
    assert not r.within_threshold


def test_no_probability_means_never() -> None:
    r = rosenthal(Quantitative(bases=(AccessBasis("a", (Factor("x", 0.0),)),)))
    assert (r.per_year, r.cumulative, r.years_at_90) == (0.0, 0.0, None)


@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=4),
    st.integers(1, 30),
)
def test_cumulative_grows_with_the_period_and_stays_a_probability(
    ps: list[float], years: int
) -> None:
    bases = tuple(AccessBasis(f"b{i}", (Factor("p", p),)) for i, p in enumerate(ps))
    shorter = rosenthal(Quantitative(period_years=years, bases=bases))
    longer = rosenthal(Quantitative(period_years=years + 1, bases=bases))
    assert 0.0 <= shorter.per_year <= 1.0
    assert shorter.per_year <= shorter.cumulative + 1e-12
    assert shorter.cumulative <= longer.cumulative + 1e-12 <= 1.0 + 1e-12


def _scored(*scores: int, **kw: Any) -> TiaContent:
    return TiaContent(
        category_risks=tuple(CategoryRisk(f"c{i}", s) for i, s in enumerate(scores)), **kw
    )


def _on_the_law(
    human_rights: HumanRights, enforceability: Enforceability, exceptions: bool | None, outcome: str
) -> tuple[TiaContent, str, InvestigationLevel, str]:
    """A case decided on the destination's law: high harm to an SME (level 2), then
    ``outcome``."""
    content = _scored(
        4, human_rights=human_rights, enforceability=enforceability, exceptions_apply=exceptions
    )
    return (content, "high", InvestigationLevel.LEVEL_2, outcome)


@pytest.mark.parametrize(
    ("content", "harm", "level", "outcome"),
    [
        (_scored(1, 2), "low", InvestigationLevel.NONE, "proceed"),  # decision A
        (_scored(3), "moderate", InvestigationLevel.LEVEL_1, ""),  # SME, moderate
        (_scored(3, large_organisation=True), "moderate", InvestigationLevel.LEVEL_2, ""),
        (_scored(5), "high", InvestigationLevel.LEVEL_2, ""),  # SME, high, low volume
        (_scored(4, high_volume=True), "high", InvestigationLevel.LEVEL_3, ""),
        (_scored(4, large_organisation=True), "high", InvestigationLevel.LEVEL_3, ""),
        _on_the_law(HumanRights.C2, Enforceability.D2, None, "proceed"),  # E1
        _on_the_law(HumanRights.C4, Enforceability.D2, True, "proceed"),  # F1
        _on_the_law(HumanRights.C1, Enforceability.D5, False, "may not proceed"),  # F2
    ],
)
def test_ico_decision_points(
    content: TiaContent, harm: str, level: InvestigationLevel, outcome: str
) -> None:
    d = tra_decision(content)
    assert (d.harm, d.investigation, d.outcome) == (harm, level, outcome)


def test_residual_scores_count_over_inherent_ones() -> None:
    c = TiaContent(category_risks=(CategoryRisk("Identity", inherent=4, residual=2),))
    assert tra_decision(c).harm == "low"


def _inputs(**kw: object) -> TiaInputs:
    base = TiaInputs(
        taken_on=date(2026, 1, 1),
        importer_id=1,
        importer_name="Stratus",
        countries=("US",),
        mechanisms=("uk_addendum",),
        data_categories=("Contact", "Identity"),
        data_subjects=("Customers",),
        subprocessors=("Indus (IN)",),
        reference_version="2026.11",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_staleness_names_each_change() -> None:
    was = _inputs()
    assert stale_reasons(was, _inputs(taken_on=date(2026, 6, 1))) == []  # time alone is not drift
    reasons = stale_reasons(
        was,
        _inputs(
            countries=("IN", "US"),
            subprocessors=(),
            reference_version="2026.12",
            importer_id=2,
            importer_name="Nimbus",
        ),
    )
    assert reasons == [
        "importer changed: Stratus → Nimbus",
        "countries changed: added IN",
        "importer's subprocessors changed: removed Indus (IN)",
        "legal reference data changed: 2026.11 → 2026.12",
    ]


def test_content_round_trips_through_json() -> None:
    c = TiaContent(
        description=TransferDescription(purpose="Hosting", data_categories=("Identity",)),
        destination="US",
        profile_as_of=date(2026, 11, 25),
        laws=(LawItem("FISA s.702", "collection", ("https://example.org",), verified=False),),
        measures=(Measure(MeasureKind.TECHNICAL, "keys in the UK", "T1", "UC1", True),),
        human_rights=HumanRights.C2,
        quantitative=Quantitative(3, 0.05, (AccessBasis("CLOUD Act", (Factor("x", 0.02),)),)),
    )
    assert from_plain(TiaContent, to_plain(c)) == c
    # a newer version's unknown keys are ignored, missing keys take defaults
    assert from_plain(TiaContent, {"destination": "IN", "from_the_future": 1}) == TiaContent(
        destination="IN"
    )
