"""Country-profile sources as a bibliography cites them: publisher, title and date, read from
the research line (never guessed), and never a weak (T3) source."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from transfers_app.reference.profiles import Tier, load_country_profiles

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_country_profiles.py"


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_country_profiles", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("title", "url", "tier", "expected"),
    [
        (  # a publisher, a quoted title and a dating note
            'Brookings, "A key intelligence law expires in April" (10 Feb 2026)',
            "https://www.brookings.edu/x",
            "T2",
            ("Brookings", "A key intelligence law expires in April", "10 Feb 2026"),
        ),
        (  # the research's own note on how it read the source is not part of the citation
            'The Verge, "FISA 702 reauthorization vote fails" (11 Jun 2026: House voted; read '
            "via The Verge's own feed excerpt)",
            "https://www.theverge.com/x",
            "T2",
            ("The Verge", "FISA 702 reauthorization vote fails", "11 Jun 2026"),
        ),
        (  # an official text: the publisher of the site, its year
            "SI 2023/1028",
            "https://legislation.gov.uk/uksi/2023/1028/data.html",
            "T1",
            ("legislation.gov.uk (The National Archives)", "SI 2023/1028", "2023"),
        ),
        (  # a commentary naming a law's year is not dated by it
            "ASD Law, IT Rules 2021 r.3(1)(j)",
            "https://www.asdlaw.in/post/x",
            "T2",
            ("asdlaw.in", "ASD Law, IT Rules 2021 r.3(1)(j)", ""),
        ),
        (  # a case name is a title, not a publisher
            "Calleja v Executive Secretary, G.R. No. 252578 (7 Dec 2021)",
            "https://lawphil.net/x",
            "T1",
            (
                "Lawphil Project (Arellano Law Foundation)",
                "Calleja v Executive Secretary, G.R. No. 252578",
                "7 Dec 2021",
            ),
        ),
        (  # a link the research read as a summary says so
            "EDPB Recommendations 02/2020 on the European Essential Guarantees (10 Nov 2020)",
            "https://ecovis.lt/x",
            "T2",
            (
                "ecovis.lt",
                "EDPB Recommendations 02/2020 on the European Essential Guarantees (summary)",
                "10 Nov 2020",
            ),
        ),
    ],
)
def test_citation_parts(title: str, url: str, tier: str, expected: tuple[str, str, str]) -> None:
    label = "summary read" if "ecovis" in url else ""
    got = _builder().citation_parts(title, url, tier, label)
    assert (got["publisher"], got["title"], got["date"]) == expected


def test_every_citable_source_has_a_publisher_a_title_and_no_research_note() -> None:
    profiles = load_country_profiles()
    sources = [*profiles.common_sources, *(s for p in profiles for s in p.sources)]
    for s in sources:
        if s.tier is Tier.WEAK:
            assert s.url is None  # recorded as rejected, never cited
            continue
        c = s.citation
        assert c.title and (c.publisher or s.url is None), s.ref
        assert not re.search(r"legal-facts|not opened|read via|\[[SMI]\b", c.title), s.ref
        if c.date:
            assert re.fullmatch(r"(\d{1,2} )?([A-Z][a-z]+ )?\d{4}", c.date), (s.ref, c.date)
