"""The sources of the legal reference data: one table, tiers from the research, T1/T2 cited only.

The research file (legal-facts.md) tags every address with its tier; the shipped table must
agree with it, cite no weak (T3) source, and rest no verified fact on one. Older files (bare
addresses) still load, their addresses kept as unrated and never cited.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from source_tiers import as_format_2, is_t3, legal_facts_text, t3_markers, url_tiers

from transfers_app.errors import ReferenceDataError
from transfers_app.reference import Citation
from transfers_app.reference.loader import (
    ReferenceSet,
    builtin_bundle,
    builtin_reference,
    load_reference,
    parse_bundle,
)
from transfers_app.reference.sources import Source, Sourced, display_date

Bundle = dict[str, Any]


def bundle_with(change: Callable[[Bundle], object]) -> ReferenceSet:
    bundle = copy.deepcopy(builtin_bundle())
    change(bundle)
    return parse_bundle(bundle, origin="test")


def sourced_rows(ref: ReferenceSet) -> Iterator[tuple[str, Sourced]]:
    """Every row of the set that cites sources, named."""
    for d in ref.decisions:
        yield f"decision {d.id}", d
    for kind, inst in ref.instruments.items():
        yield f"instrument {kind.value}", inst
    for m, rule in ref.mechanisms.items():
        yield f"mechanism {m.value}", rule
        if rule.evidence_recheck is not None:
            yield f"mechanism {m.value} evidence_recheck", rule.evidence_recheck
    for code, info in ref.regimes.items():
        yield f"regime {code.value}", info
    yield "eea", ref.eea_facts
    for change in ref.changes:
        yield f"changelog {change.on}", change


def row_named(bundle: Bundle, ident: str) -> dict[str, Any]:
    return next(r for r in bundle["decisions"]["decisions"] if r["id"] == ident)


def source_named(bundle: Bundle, ident: str) -> dict[str, Any]:
    return next(s for s in bundle["sources"]["sources"] if s["id"] == ident)


# -- the shipped data ------------------------------------------------------------------------


def test_every_citation_of_the_shipped_data_is_t1_or_t2_with_title_and_publisher() -> None:
    ref = builtin_reference()
    cited = 0
    for name, row in sourced_rows(ref):
        for c in row.citations:
            cited += 1
            assert c.tier in ("T1", "T2"), name
            assert c.title.strip() and c.publisher.strip(), (name, c)
            assert c.url == "" or c.url.startswith(("https://", "http://")), (name, c)
    for code, sources in ref.international_org_sources.items():
        assert sources and all(s.cited for s in sources), code
    assert cited > 200


def test_every_decision_and_mechanism_cites_a_source_an_official_one_first() -> None:
    ref = builtin_reference()
    for d in ref.decisions:
        assert d.citations, d.id
    for m, rule in ref.mechanisms.items():
        assert rule.citations, m
    for name, row in sourced_rows(ref):
        tiers = [c.tier for c in row.citations]
        if "T1" in tiers:
            assert tiers[0] == "T1", name


def test_no_citation_of_the_shipped_data_is_on_a_t3_site() -> None:
    markers = t3_markers(legal_facts_text())
    # The research names these weak sites; the list must really have been read.
    assert {"raw.githubusercontent.com", "scribd", "vdocuments", "sintact.ro"} <= markers
    ref = builtin_reference()
    for name, row in sourced_rows(ref):
        for c in row.citations:
            assert not is_t3(c.url, markers), (name, c.url)
    for s in ref.sources.values():
        if s.url:
            assert not is_t3(s.url, markers), s.id
    # The bundle as exported holds no T3 address either (rejected sources keep no link).
    text = json.dumps(dict(ref.raw))
    for url in [s.url for s in ref.sources.values() if s.url]:
        assert not is_t3(url, markers)
    assert "raw.githubusercontent.com/" not in text
    assert "scribd.com/" not in text


def test_each_address_carries_the_tier_the_research_gives_it() -> None:
    tiers = url_tiers(legal_facts_text())
    for s in builtin_reference().sources.values():
        if s.url:
            assert tiers.get(s.url) == s.tier, (s.id, s.url, tiers.get(s.url))


def test_no_verified_row_rests_on_a_weak_source() -> None:
    ref = builtin_reference()
    rejected = 0
    for name, row in sourced_rows(ref):
        assert all(s.tier != "T3" for s in row.sources), name
        weak = getattr(row, "rejected_sources", ())
        rejected += len(weak)
        assert all(s.tier == "T3" and not s.url for s in weak), name
        if weak and not row.citations:
            assert getattr(row, "verified", True) is False, name
            assert getattr(row, "verification_note", ""), name
    assert rejected >= 8
    korea_review = next(c for c in ref.changes if c.on == date(2026, 7, 23))
    assert not korea_review.verified and not korea_review.citations


def test_the_manifest_says_what_the_data_is_without_an_internal_file_name() -> None:
    ref = builtin_reference()
    assert ref.source == (
        "Legal reference data, research of 25 Nov 2026, source tiers reviewed 7 Dec 2026"
    )
    assert ".md" not in ref.source and "legal-facts" not in ref.source
    assert ref.as_of == date(2026, 11, 25)
    assert ref.raw["manifest"]["format"] == 3


def test_a_loaded_set_of_the_same_date_but_an_older_version_does_not_replace_the_new_one(
    tmp_path: Path,
) -> None:
    old = copy.deepcopy(builtin_bundle())
    old["manifest"]["version"] = "2026.11.25"  # the set shipped before the tiers were reviewed
    (tmp_path / "old.json").write_text(json.dumps(old), "utf-8")
    assert load_reference(tmp_path).version == builtin_reference().version
    newer = copy.deepcopy(old)
    newer["manifest"]["version"] = "2026.12.20"
    (tmp_path / "newer.json").write_text(json.dumps(newer), "utf-8")
    assert load_reference(tmp_path).version == "2026.12.20"


# -- the typed API -----------------------------------------------------------------------------


def test_citations_are_t1_and_t2_in_the_order_of_the_data() -> None:
    ref = builtin_reference()
    us = next(d for d in ref.decisions if d.id == "eu-us-2023-1795")
    first = us.citations[0]
    assert first == Citation(
        title="Commission Implementing Decision (EU) 2023/1795 (EU-US Data Privacy Framework), "
        "C(2023) 4745, OJ L 231, p. 118",
        publisher="European Commission (EUR-Lex)",
        date="2023-07-10",
        url="https://eur-lex.europa.eu/eli/dec_impl/2023/1795/oj",
        tier="T1",
    )
    assert first.text().endswith("European Commission (EUR-Lex), 10 July 2023")
    assert [c.tier for c in us.citations][:2] == ["T1", "T1"]
    assert us.source_urls == tuple(c.url for c in us.citations if c.url)
    assert [s.id for s in us.rejected_sources] == ["weak-ai-skills-repository"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("2021-06-04", "4 June 2021"), ("2025-05", "May 2025"), ("2024", "2024"), ("", "")],
)
def test_a_source_date_is_shown_as_written(raw: str, shown: str) -> None:
    assert display_date(raw) == shown


def test_a_citation_without_a_date_or_an_address_says_what_it_has() -> None:
    c = Citation("EU countries", "European Union", "", "", "T1")
    assert c.text() == "EU countries, European Union"
    assert c.as_json()["citation"] == "EU countries, European Union"


# -- older files ---------------------------------------------------------------------------------


def format_2(bundle: Bundle) -> Bundle:
    """The bundle as the app wrote it before the source table (bare addresses)."""
    b = copy.deepcopy(bundle)
    as_format_2(b)
    return b


def test_a_format_2_file_loads_its_addresses_as_unrated_sources_never_cited() -> None:
    old = format_2(builtin_bundle())
    old["decisions"]["decisions"][0]["source_urls"].append("https://example.org/blog")
    ref = parse_bundle(old, origin="old.json")
    assert ref.raw["manifest"]["format"] == 3
    assert ref.sources_of_tier("unrated")
    assert not ref.sources_of_tier("T1") and not ref.sources_of_tier("T3")
    andorra = ref.decisions[0]
    assert andorra.citations == () and andorra.source_urls == ()
    assert [s.title for s in andorra.unrated_sources][-1] == "https://example.org/blog"
    assert all(s.title == s.url for s in andorra.unrated_sources)
    # The rules read the same facts.
    assert [d.id for d in ref.decisions] == [d.id for d in builtin_reference().decisions]
    # What `reference load` writes (the upgraded file) reads again as it is.
    again = parse_bundle(json.loads(json.dumps(dict(ref.raw))), origin="again")
    assert len(again.sources) == len(ref.sources)


def test_a_format_2_file_without_any_source_section_is_not_refused_for_lacking_one() -> None:
    old = format_2(builtin_bundle())
    assert "sources" not in old
    parse_bundle(old, origin="old.json")
    new = copy.deepcopy(builtin_bundle())
    del new["sources"]
    with pytest.raises(ReferenceDataError, match="lacks section"):
        parse_bundle(new, origin="new.json")


# -- a bad source table is refused, naming the row and the field ------------------------------

_US = "eu-us-2023-1795"


def _dec(**fields: Any) -> Callable[[Bundle], None]:
    return lambda b: row_named(b, _US).update(fields)


def _src(ident: str, **fields: Any) -> Callable[[Bundle], None]:
    return lambda b: source_named(b, ident).update(fields)


def _add_source(**fields: Any) -> Callable[[Bundle], None]:
    return lambda b: b["sources"]["sources"].append(fields)


def _weak_cited_by_korea(b: Bundle) -> None:
    row = next(r for r in b["decisions"]["decisions"] if r["id"] == "eu-kr-2022-254")
    row["sources"].append("weak-ai-skills-repository")


def _only_weak(verified: bool, note: str) -> Callable[[Bundle], None]:
    return _dec(
        sources=[], rejected_sources=["weak-newseuropa"], verified=verified, verification_note=note
    )


_BAD = [
    (
        _dec(sources=["eurlex-dec-2023-1795", "no-such-source"]),
        r"decisions\[\d+\] \(eu-us-2023-1795\)\.sources: unknown source 'no-such-source'",
    ),
    (_src("gpw-epo", title=""), r"sources\[\d+\] \(gpw-epo\)\.title: is required"),
    (_src("gpw-epo", publisher=" "), r"sources\[\d+\] \(gpw-epo\)\.publisher: is required"),
    (
        _src("gpw-epo", tier="T4"),
        r"sources\[\d+\] \(gpw-epo\)\.tier: 'T4' is not one of T1, T2, T3, unrated",
    ),
    (_src("gpw-epo", tier=None), r"sources\[\d+\] \(gpw-epo\)\.tier: is required"),
    (
        _src("gpw-epo", date="15 Jul 2025"),
        r"sources\[\d+\] \(gpw-epo\)\.date: '15 Jul 2025' is not a date",
    ),
    (_src("gpw-epo", date="2025-13"), r"sources\[\d+\] \(gpw-epo\)\.date: '2025-13' is not"),
    (_src("gpw-epo", url="www.example.org"), r"\(gpw-epo\)\.url: 'www.example.org' is not a web"),
    (
        _src("weak-scribd-tia-template", url="https://www.scribd.com/document/1"),
        r"sources\[\d+\] \(weak-scribd-tia-template\)\.url: a T3 \(weak\) source is recorded "
        "without its link",
    ),
    (
        _add_source(id="gpw-epo", title="x", publisher="y", url="https://x.org", tier="T2"),
        r"sources\[\d+\] \(gpw-epo\): a second source with the same id",
    ),
    (
        _weak_cited_by_korea,
        r"decisions\[\d+\] \(eu-kr-2022-254\)\.sources: 'weak-ai-skills-repository' is a T3 "
        r"\(weak\) source and the row is verified",
    ),
    (
        _dec(verified=False, sources=["eurlex-dec-2023-1795", "weak-newseuropa"]),
        r"\(eu-us-2023-1795\)\.sources: 'weak-newseuropa' is a T3 \(weak\) source, never cited",
    ),
    (
        _dec(rejected_sources=["gpw-epo"]),
        r"\(eu-us-2023-1795\)\.rejected_sources: 'gpw-epo' is a T2 source; only T3",
    ),
    (
        _dec(sources=["iapp-dpf-review", "eurlex-dec-2023-1795"]),
        r"\(eu-us-2023-1795\)\.sources: the T1 source 'eurlex-dec-2023-1795' comes after the "
        "T2 source 'iapp-dpf-review'",
    ),
    (
        _only_weak(verified=True, note="x"),
        r"\(eu-us-2023-1795\)\.verified: the row's only sources are T3 \(weak\) ones",
    ),
    (
        _only_weak(verified=False, note=""),
        r"\(eu-us-2023-1795\)\.verification_note: say why the row is unverified",
    ),
    (
        _dec(source_urls=["https://eur-lex.europa.eu/eli/dec_impl/2023/1795/oj"]),
        r"\(eu-us-2023-1795\)\.source_urls: this format cites sources by id",
    ),
    (
        _dec(sources=[], rejected_sources=[]),
        r"\(eu-us-2023-1795\)\.sources: at least one source is required",
    ),
    (
        lambda b: b["international_orgs"]["international_orgs"][0].update(sources=["nope"]),
        r"international_orgs\[0\] \(EPO\)\.sources: unknown source 'nope'",
    ),
    (
        lambda b: b["manifest"]["changelog"][0].update(sources=["weak-proteuscyber"]),
        r"manifest\.changelog\[0\]\.sources: 'weak-proteuscyber' is a T3 \(weak\) source and "
        "the row is verified",
    ),
    (
        lambda b: b["eea"].update(sources=["eu-countries", "eu-countries"]),
        r"eea\.sources: a source is listed twice",
    ),
]


@pytest.mark.parametrize(("change", "message"), _BAD)
def test_a_bad_source_table_or_citation_is_refused_naming_the_row_and_the_field(
    change: Callable[[Bundle], object], message: str
) -> None:
    with pytest.raises(ReferenceDataError, match=message):
        bundle_with(change)


def test_an_unused_source_is_no_error_and_a_new_row_may_cite_any_rated_source() -> None:
    def add(b: Bundle) -> None:
        b["sources"]["sources"].append(
            {"id": "spare", "title": "Spare", "publisher": "P", "url": "", "tier": "T2"}
        )
        row_named(b, _US)["sources"] = ["eurlex-dec-2023-1795", "spare"]

    ref = bundle_with(add)
    us = next(d for d in ref.decisions if d.id == _US)
    assert [c.title for c in us.citations] == [us.citations[0].title, "Spare"]
    assert isinstance(ref.sources["spare"], Source)
