"""The words of a transfer impact / risk assessment's document: the facts it is built from
(``AssessmentFacts``), its numbered bibliography, and the phrases its sections share.

Every word is decided here and laid out by a renderer. Page 1 is the decision: what is
assessed, the tool and the test under each regime, the conclusion per regime with its residual
risk and conditions, the status in words and the sign-off. Then the detail, the facts the
research could not verify with who accepted them, the change log with named people, and the
sources as a numbered bibliography (T1/T2 only) cited in the text as [n]. No research marker,
internal note or file name reaches the document (``strip_markers``, ``clean``).

``AssessmentFacts`` is everything the document says, read by ``TiaService.facts``;
``build_report`` is a pure function of it, so that the document an approval freezes is the one
the assessor saw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Regime
from transfers_app.domain.models import Entity, Location, Tia, Transfer
from transfers_app.domain.tia import (
    ICO_TRA_TOOL,
    Conclusion,
    DataFormat,
    InvestigationLevel,
    ResidualRisk,
    TiaContent,
)
from transfers_app.reference.assessment_tests import (
    AssessmentTest,
    AssessmentTests,
    Citation,
    UseCaseRow,
)
from transfers_app.reference.loader import ReferenceSet
from transfers_app.reference.profiles import CountryProfile, Tier, load_country_profiles
from transfers_app.reports.document import (
    Reference,
)
from transfers_app.services.organisation import Organisation
from transfers_app.services.tia_analysis import (
    Importer,
    RegimeTool,
    UnverifiedFact,
    clean,
    clear_data_case,
    strip_markers,
    unverified_facts,
)
from transfers_app.services.tia_citations import profile_citation
from transfers_app.services.tia_laws import problematic

RESIDUAL = {
    ResidualRisk.UNRATED: "not rated",
    ResidualRisk.LOW: "low",
    ResidualRisk.MEDIUM: "medium",
    ResidualRisk.HIGH: "high",
}
FORMAT_WORDS = {
    DataFormat.CLEAR: "in the clear",
    DataFormat.PSEUDONYMISED: "pseudonymised",
    DataFormat.ENCRYPTED: "encrypted, without the key",
    DataFormat.SPLIT: "split, so that it cannot reconstruct it",
}
KEY_WORDS = {
    "exporter": "the exporter",
    "trusted_party": "an entity the exporter entrusts in the UK, the EEA or an adequate country",
    "importer": "the importer",
    "none": "no one (the data is not encrypted)",
}
LEVELS = {
    InvestigationLevel.NONE: "no further investigation is needed for low-risk data",
    InvestigationLevel.LEVEL_1: "a level 1 investigation (the lightest)",
    InvestigationLevel.LEVEL_2: "a level 2 investigation",
    InvestigationLevel.LEVEL_3: "a level 3 investigation (the fullest)",
}


# -- the facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentFacts:
    """What the document of one assessment says, read from the register and reference data."""

    tia: Tia
    on: date  # the date of the assessment: the approval date once approved
    organisation: Organisation
    exporter: Entity
    importer_entity: Entity
    importer: Importer
    transfers: tuple[Transfer, ...]
    exporter_names: Mapping[int, str]
    tools: tuple[RegimeTool, ...]
    tests: AssessmentTests
    profile: CountryProfile | None
    reference: ReferenceSet
    history: tuple[Tia, ...] = field(default=())
    # Where the importer is, and what it does there (the register's locations).
    locations: tuple[Location, ...] = ()
    # The organisation's words for its data categories ("Image": "Photographs or images...").
    category_words: Mapping[str, str] = field(default_factory=dict)
    # The countries the exporter's group has companies in (for the ICO's Question 3).
    group_countries: tuple[str, ...] = ()
    # Where the exporter itself is established (its locations' countries).
    exporter_locations: tuple[str, ...] = ()

    @property
    def content(self) -> TiaContent:
        return self.tia.content or TiaContent()

    @property
    def destination(self) -> str:
        return self.content.destination or self.transfers[0].destination

    @property
    def assessed(self) -> tuple[RegimeTool, ...]:
        """The regimes whose tool calls for the assessment."""
        return tuple(x for x in self.tools if x.needs_assessment)

    def test(self, regime: Regime) -> AssessmentTest | None:
        return self.tests.for_regime(regime, self.on)

    @property
    def clear_case(self) -> UseCaseRow | None:
        return clear_data_case(self.content.description, self.importer, self.tests)

    @property
    def eu_like(self) -> bool:
        """Is an EU or Swiss test applied (and so the SCCs' Clause 14 and the EDPB's steps)?"""
        return any(x.regime is not Regime.UK for x in self.assessed)

    @property
    def uk_tool_method(self) -> bool:
        return any(x.regime is Regime.UK for x in self.assessed) and (
            self.content.uk_method == ICO_TRA_TOOL
        )

    @property
    def unverified(self) -> list[UnverifiedFact]:
        used = [
            (test, x.mechanism) for x in self.assessed if (test := self.test(x.regime)) is not None
        ]
        return unverified_facts(self.content, self.tests, used, self.clear_case)

    def profile_for(self, country: str) -> CountryProfile | None:
        """The country profile of ``country`` (the destination's is read once, with the facts)."""
        if country == self.destination:
            return self.profile
        return load_country_profiles().get(country)


# -- the bibliography --------------------------------------------------------------------------


class Bibliography:
    """Numbers sources in the order the text first cites them; T1/T2 only, never a bare URL."""

    def __init__(self, facts: AssessmentFacts) -> None:
        self._facts = facts
        self._numbers: dict[tuple[str, str], int] = {}
        self.items: list[Reference] = []

    def cite(self, c: Citation | None) -> str:
        """' [n]' for ``c`` ('' for none)."""
        if c is None or c.tier not in ("T1", "T2"):
            return ""
        key = (c.url, c.title) if not c.url else (c.url, "")
        n = self._numbers.get(key)
        if n is None:
            n = self._numbers[key] = len(self.items) + 1
            self.items.append(Reference(n, c.title, c.publisher, c.date, c.url))
        return f" [{n}]"

    def cite_all(self, cs: Sequence[Citation]) -> str:
        marks = "".join(self.cite(c) for c in cs)
        return " " + marks.replace(" ", "") if marks else ""

    def profile_ref(self, ref: str, country: str = "") -> Citation | None:
        """A country-profile source as a citation (the fuller one where this app cites the
        same document itself); None for a weak (T3) or unknown source."""
        known = self._facts.tests.profile_refs.get(ref)
        if known is not None:
            return known
        profile = self._facts.profile_for(country or self._facts.destination)
        src = profile.source(ref) if profile is not None else None
        if src is None and ref.startswith("C-"):
            src = next((s for s in load_country_profiles().common_sources if s.ref == ref), None)
        if src is None or src.tier is Tier.WEAK:
            return None
        return profile_citation(src, profile)

    def marked(self, text: str, country: str = "", mark: str = "") -> str:
        """Profile text with its source markers as [n] (a secondary summary of a document
        left out where the marker cites the document itself), its unverified parts followed
        by ``mark``, and its other markers gone."""

        def cite(refs: Sequence[tuple[str, str]]) -> str:
            found = [(c, note) for r, note in refs if (c := self.profile_ref(r, country))]
            official = any(c.tier == "T1" for c, _ in found)
            out = ""
            for c, note in found:
                if official and c.tier != "T1" and c.title.endswith("(summary)"):
                    continue  # the original is cited beside it
                mark_n = self.cite(c)
                out += mark_n + (f" ({note})" if note and mark_n else "")
            return " " + out.replace("] [", "][").strip() if out else ""

        return clean(strip_markers(text, cite, mark))


# -- small words ------------------------------------------------------------------------------


_THE = re.compile(
    r"^(United |Philippines|Netherlands|Bahamas|Gambia|Maldives|Seychelles|Comoros|"
    r"(Czech|Dominican|Central African) Republic|(Solomon|Marshall) Islands)"
)


def the_country(code: str) -> str:
    """A country's name as a sentence uses it: 'the United States', 'India'."""
    name = country_name(code)
    return f"the {name}" if _THE.match(name) else name


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".?!" else text + "."


def listing(items: Sequence[str], empty: str = "none") -> str:
    items = [x for x in items if x]
    if not items:
        return empty
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def yes(value: bool) -> str:
    return "Yes" if value else "No"


def signer_parts(value: str) -> tuple[str, str]:
    name, _, role = value.partition("(")
    return name.strip(), role.rstrip(") ").strip()


def title_of(facts: AssessmentFacts) -> str:
    regimes = {x.regime for x in facts.assessed} or set(facts.tia.regimes)
    return "Transfer risk assessment" if regimes == {Regime.UK} else "Transfer impact assessment"


def _safeguard(tool: RegimeTool) -> str:
    return tool.name


def _measures_phrase(c: TiaContent, regime: Regime, section: int) -> str:
    if c.measures and c.conclusion_for(regime).conclusion is Conclusion.PROCEED_WITH_MEASURES:
        return f" and the supplementary measures in section {section}"
    return ""


def conclusion_words(
    facts: AssessmentFacts, tool: RegimeTool, measures_section: int
) -> tuple[str, AssessmentTest | None]:
    """The test's own conclusion for this regime, filled in for the transfer ("" while
    undecided)."""
    c = facts.content
    test = facts.test(tool.regime)
    rc = c.conclusion_for(tool.regime)
    if test is None or rc.conclusion is Conclusion.UNDECIDED:
        return "", test
    positive = rc.conclusion is not Conclusion.SUSPEND
    text = test.conclusion(
        positive,
        exporter=facts.exporter.legal_name or facts.exporter.name,
        importer=facts.importer.name,
        country=the_country(facts.destination),
        safeguard=_safeguard(tool),
        measures=_measures_phrase(c, tool.regime, measures_section) if positive else "",
    )
    return text, test


class SectionNumbers:
    """Where the sections fall, for cross-references in the text."""

    def __init__(self, facts: AssessmentFacts) -> None:
        c = facts.content
        self.law = 4  # the destination's law; then each other country's
        countries = len([x for x in c.countries if x.country]) or 1
        n = self.law + countries + (1 if facts.uk_tool_method else 0)
        self.measures = n
        n += 1 + (1 if c.quantitative is not None and c.quantitative.bases else 0)
        self.conclusions = n
        self.unverified = n + 1


def clear_data_words(
    facts: AssessmentFacts,
    case: UseCaseRow,
    bib: Bibliography,
    eu_test: bool,
    problematic_law: bool | None,
) -> str:
    """What data in the clear at the importer means (EDPB Annex 2), for this transfer: under an
    EU or Swiss test with problematic law, that the transfer must not start; otherwise that the
    conclusion rests on the law, not on technical measures (the UK test weighs the risk as a
    whole)."""
    uc = facts.tests.use_cases
    use_case = f"EDPB Use Case {case.code[2:]}: {case.title}"
    template = (
        uc.clear_data_with_problematic_law
        if problematic_law and eu_test
        else uc.clear_data_statement
    )
    c = facts.content
    data = listing([x.lower() for x in c.description.data_categories], "personal")
    subjects = listing([x.lower() for x in c.description.data_subjects], "")
    place = the_country(facts.destination)
    if problematic_law and eu_test:  # the countries whose law impinges, not the destination's
        bad = [
            the_country(x.country)
            for x in c.countries
            if x.country and problematic(x, c, facts.importer).answer
        ]
        place = listing(bad) or place
    words = template.format(
        importer=facts.importer.name,
        use_case=use_case,
        country=place,
        data=f"the {data} data" + (f" of {subjects}" if subjects else ""),
        task=facts.importer.activity_words,
    )
    return words + bib.cite_all(uc.citations[:1])
