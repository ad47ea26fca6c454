"""Destination-country profiles for TIAs (transfers_app.reference.profiles).

Expected values come from the research file /work/shared/reference/country-profiles.md (the
ground truth), not from the code. The tests that read that file skip when it is absent (a clean
checkout without the shared project folder).
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from transfers_app.errors import ReferenceDataError
from transfers_app.reference.profiles import (
    CountryProfile,
    CountryProfiles,
    Item,
    MarkerKind,
    Rating,
    Tier,
    load_country_profiles,
    parse_country_profiles,
)

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build_country_profiles.py"
RESEARCH = Path("shared") / "reference" / "country-profiles.md"
RESEARCH_FILE = next(
    (p / RESEARCH for p in Path(__file__).resolve().parents if (p / RESEARCH).is_file()), None
)
needs_research = pytest.mark.skipif(
    RESEARCH_FILE is None,
    reason=f"research file {RESEARCH} not found beside this checkout (clean CI checkout)",
)

# The issue's ten destinations, then the four the research added.
REQUIRED = {
    "US": "United States",
    "IN": "India",
    "CN": "China",
    "PH": "Philippines",
    "BR": "Brazil",
    "JP": "Japan",
    "SG": "Singapore",
    "AU": "Australia",
    "IL": "Israel",
    "TR": "Türkiye",
}
ALSO = {"ZA": "South Africa", "MX": "Mexico", "CA": "Canada", "AE": "United Arab Emirates"}
M_MARKER = re.compile(r"\[M\b[^\]]*\]|\[[^\]]*;\s*M\b[^\]]*\]|\[M;")


@pytest.fixture(scope="module")
def profiles() -> CountryProfiles:
    return load_country_profiles()


def all_items(profiles: CountryProfiles) -> Iterator[tuple[str, Item]]:
    for p in profiles:
        for it in p.items:
            yield p.code, it
    for g in profiles.eeg:
        yield "common", g.test
        yield "common", g.evidence
    for it in profiles.use_case_notes:
        yield "common", it


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_country_profiles", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def shipped_text() -> str:
    return (
        resources.files("transfers_app.reference")
        .joinpath("data", "country_profiles.json")
        .read_text(encoding="utf-8")
    )


# --------------------------------------------------------------------------- what ships


def test_every_destination_of_the_issue_and_the_research_has_a_profile(
    profiles: CountryProfiles,
) -> None:
    assert set(profiles.codes) == set(REQUIRED) | set(ALSO)
    for code, name in (REQUIRED | ALSO).items():
        profile = profiles.get(code)
        assert profile is not None, code
        assert profile.name == name
        assert profile.general_law and profile.access_laws and profile.redress
        assert profile.measures and profile.sources and profile.review_triggers


def test_lookup_accepts_lower_case_and_returns_none_without_a_profile(
    profiles: CountryProfiles,
) -> None:
    us = profiles.get("us")
    assert us is not None and us.code == "US"
    assert profiles.get(" tr ") is profiles.get("TR")
    assert profiles.get("FR") is None  # EEA: no TIA profile
    assert profiles.get("GB") is None
    assert profiles.get("") is None


def test_profiles_are_dated_and_typed(profiles: CountryProfiles) -> None:
    assert profiles.as_of == date(2026, 11, 25)
    assert profiles.source_file == "country-profiles.md"
    for p in profiles:
        assert isinstance(p.as_of, date) and p.as_of <= profiles.as_of
        assert isinstance(p.access_laws, tuple) and isinstance(p.sources, tuple)
    us = profiles.get("US")
    assert us is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        us.name = "changed"  # type: ignore[misc]
    cn = profiles.get("CN")
    assert cn is not None and "Hong Kong and Macao not covered" in cn.name_note


def test_caveat_says_starting_point_not_legal_advice(profiles: CountryProfiles) -> None:
    assert "starting point" in profiles.caveat
    assert "not legal advice" in profiles.caveat
    assert len(profiles.caveat) < 300


def test_us_access_laws_include_fisa_702_and_cloud_act_with_sources(
    profiles: CountryProfiles,
) -> None:
    us = profiles.get("US")
    assert us is not None
    by_label = {it.label: it for it in us.access_laws}
    fisa = next(it for label, it in by_label.items() if label.startswith("FISA s.702"))
    cloud = next(it for label, it in by_label.items() if label.startswith("CLOUD Act"))
    assert "electronic communication service providers" in fisa.text
    assert "possession, custody, or control" in cloud.text
    for it, refs in ((fisa, {"US-1", "US-2"}), (cloud, {"US-20", "US-21"})):
        assert it.kind is MarkerKind.SOURCED and it.verified
        assert {r.ref for r in it.refs} == refs
        assert all(r.url and r.url.startswith("https://") for r in it.refs)
    # EO 12333 is only from memory in the research: the app must flag it.
    eo = next(it for label, it in by_label.items() if label == "EO 12333")
    assert eo.kind is MarkerKind.UNVERIFIED and not eo.verified


def test_every_cited_source_resolves_to_a_url_in_the_source_tables(
    profiles: CountryProfiles,
) -> None:
    common = {s.ref: s for s in profiles.common_sources}
    checked = 0
    for code, it in all_items(profiles):
        profile = profiles.get(code)
        own = {s.ref: s for s in profile.sources} if profile else {}
        if it.kind in (MarkerKind.SOURCED, MarkerKind.MIXED) and "[S " in it.text + it.marker:
            assert it.refs, f"{code}: sourced item without refs: {it.text[:60]}"
        for ref in it.refs:
            source = own.get(ref.ref) or common.get(ref.ref)
            assert source is not None, f"{code}: {ref.ref} is in no source table"
            assert ref.url is not None and ref.url == source.url
            assert re.match(r"https?://\S+$", ref.url), ref.url
            assert ref.url in {link.url for link in source.links}
            checked += 1
    assert checked > 300


def test_items_marked_m_come_out_unverified_and_only_those(profiles: CountryProfiles) -> None:
    unverified = 0
    for code, it in all_items(profiles):
        has_m = bool(M_MARKER.search(it.label + " " + it.text + " " + it.marker))
        assert it.verified is not has_m, f"{code}: {it.label} {it.text[:70]}"
        unverified += not it.verified
    assert unverified > 50
    # UC1-UC7 descriptions are from memory of the EDPB text (section 0.2).
    assert [u.code for u in profiles.use_cases] == [f"UC{n}" for n in range(1, 8)]
    assert all(not u.verified and u.kind is MarkerKind.UNVERIFIED for u in profiles.use_cases)


def test_unverified_count_counts_the_flagged_statements(profiles: CountryProfiles) -> None:
    ca = profiles.get("CA")
    assert ca is not None
    pipeda = ca.general_law[0]
    assert pipeda.label == "Law" and "PIPEDA" in pipeda.text and not pipeda.verified
    assert ca.unverified_count == sum(1 for it in ca.items if not it.verified)
    assert pipeda in ca.unverified_items
    for p in profiles:
        assert 0 < p.unverified_count < len(p.items)


def test_a_row_with_both_sourced_and_memory_parts_is_mixed_and_flagged(
    profiles: CountryProfiles,
) -> None:
    us = profiles.get("US")
    assert us is not None
    row = next(it for it in us.general_law if it.label == "TIA relevance of DPF")
    assert row.kind is MarkerKind.MIXED and not row.verified
    assert {r.ref for r in row.refs} == {"US-29", "US-30"}
    assert "[M]" in row.text  # the reader sees which part is unverified


def test_eeg_rows_are_a_to_d_with_an_allowed_rating(profiles: CountryProfiles) -> None:
    for p in profiles:
        assert [row.letter for row in p.eeg] == ["A", "B", "C", "D"], p.code
        for row in p.eeg:
            assert isinstance(row.rating, Rating)
            assert row.rating_text.startswith(row.rating.value)
    cn, jp, us, br = (profiles.get(c) for c in ("CN", "JP", "US", "BR"))
    assert cn and jp and us and br
    assert {row.rating for row in cn.eeg} == {Rating.NOT_MET}
    assert {row.rating for row in jp.eeg} == {Rating.LARGELY_MET}
    us_a = us.rating("a")
    assert us_a is not None and us_a.rating is Rating.OPEN
    assert us_a.rating_qualifier == "(was Largely met per Commission 2023)"
    br_b = br.rating("B")
    assert br_b is not None and br_b.rating is Rating.LARGELY_MET
    assert br_b.rating_qualifier == "(national security: Open)"


def test_overview_status_none_cites_the_commission_adequacy_page(
    profiles: CountryProfiles,
) -> None:
    india = profiles.get("IN")
    assert india is not None
    assert india.overview.eu_status.text == "None"
    assert [r.ref for r in india.overview.eu_status.refs] == ["C-5"]
    assert india.overview.starting_position.kind is MarkerKind.INFERENCE


def test_measure_and_use_case_codes_mentioned_exist_in_the_catalogue(
    profiles: CountryProfiles,
) -> None:
    catalogue = [m.code for m in profiles.measures]
    assert catalogue == [
        *(f"T{n}" for n in range(1, 7)),
        *(f"C{n}" for n in range(1, 7)),
        *(f"O{n}" for n in range(1, 5)),
    ]
    for code, it in all_items(profiles):
        for mentioned in it.codes:
            assert profiles.measure(mentioned) or profiles.use_case(mentioned), (code, mentioned)
    us = profiles.get("US")
    assert us is not None
    # "C1–C3 (request handling ...)" expands the range.
    assert {"UC6", "C1", "C2", "C3", "O1", "O2"} <= set(us.measures[1].codes)


def test_a_damaged_data_file_is_refused_naming_the_field() -> None:
    data: dict[str, Any] = json.loads(shipped_text())
    broken = copy.deepcopy(data)
    broken["profiles"][0]["eeg"][0]["rating"] = "Mostly met"
    with pytest.raises(ReferenceDataError, match=r"profiles\[0\]\.eeg\[0\]\.rating"):
        parse_country_profiles(broken)
    broken = copy.deepcopy(data)
    broken["profiles"][1]["as_of"] = "2026-02-30"
    with pytest.raises(ReferenceDataError, match=r"profiles\[1\]\.as_of"):
        parse_country_profiles(broken)
    assert isinstance(parse_country_profiles(data).profiles[0], CountryProfile)


# --------------------------------------------------------------------------- against the research


@needs_research
def test_shipped_json_equals_a_fresh_build_of_the_research_file() -> None:
    assert RESEARCH_FILE is not None
    build = load_script()
    fresh = build.render(build.build(RESEARCH_FILE.read_text(encoding="utf-8"), RESEARCH_FILE.name))
    assert fresh == shipped_text(), (
        "country_profiles.json is out of date with country-profiles.md: "
        "run python scripts/build_country_profiles.py"
    )


@needs_research
def test_every_url_and_rating_comes_from_the_research_file(profiles: CountryProfiles) -> None:
    assert RESEARCH_FILE is not None
    markdown = RESEARCH_FILE.read_text(encoding="utf-8")
    for source in profiles.common_sources + tuple(s for p in profiles for s in p.sources):
        for link in source.links:
            assert link.url in markdown, f"{source.ref}: {link.url} is not in the research"
    assert sum(len(p.eeg) for p in profiles) == len(
        re.findall(r"^\| [A-D] [^|]+\|[^|]+\| \*\*", markdown, flags=re.M)
    )


def test_no_item_cites_a_weak_source_and_weak_sources_carry_no_link(
    profiles: CountryProfiles,
) -> None:
    sources = list(profiles.common_sources) + [s for p in profiles for s in p.sources]
    weak = [s for s in sources if s.tier is Tier.WEAK]
    assert weak, "the research records rejected (T3) sources"
    assert all(s.url is None and not s.links for s in weak)
    assert all(" [T" not in (s.url or "") for s in sources)
    for code, it in all_items(profiles):
        for ref in it.refs:
            assert ref.tier.citable, f"{code}: {it.text[:60]} cites weak source {ref.ref}"


@needs_research
def test_every_source_line_keeps_the_tier_the_research_gives_it() -> None:
    assert RESEARCH_FILE is not None
    markdown = RESEARCH_FILE.read_text(encoding="utf-8")
    expected = dict(re.findall(r"^\| ([A-Z]{1,2}-\d+) \|.*\[(T[123])\] \|$", markdown, flags=re.M))
    profiles = load_country_profiles()
    shipped = {s.ref: s.tier.value for s in profiles.common_sources}
    shipped.update({s.ref: s.tier.value for p in profiles for s in p.sources})
    assert expected and shipped == expected


@needs_research
def test_parser_refuses_a_citation_with_no_source(tmp_path: Path) -> None:
    assert RESEARCH_FILE is not None
    build = load_script()
    markdown = RESEARCH_FILE.read_text(encoding="utf-8")
    assert "[S US-23]" in markdown
    with pytest.raises(build.ParseError, match="US-99"):
        build.build(markdown.replace("[S US-23]", "[S US-99]", 1))
    with pytest.raises(build.ParseError, match=r"US-23.*tier"):
        build.build(re.sub(r"(\| US-23 \|.*) \[T[12]\] \|", r"\1 |", markdown, count=1))
    weak = re.search(r"^\| (US-\d+) \|.*\[T3\] \|$", markdown, flags=re.M)
    assert weak is not None
    with pytest.raises(build.ParseError, match=rf"\[{weak.group(1)}\], a weak"):
        build.build(markdown.replace("[S US-23]", f"[S {weak.group(1)}]", 1))
    with pytest.raises(build.ParseError, match="Mostly met"):
        build.build(markdown.replace("| **Not met** |", "| **Mostly met** |", 1))
    # --check reports a stale file without touching it.
    stale = tmp_path / "country_profiles.json"
    stale.write_text("{}\n", encoding="utf-8")
    assert build.main(["--source", str(RESEARCH_FILE), "--output", str(stale), "--check"]) == 1
    assert stale.read_text(encoding="utf-8") == "{}\n"
