"""What ``check`` and ``reference show`` say about sources: citations of T1/T2 sources as
"Title, Publisher, date" with their address, never a bare address, a weak site or an internal
file name."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from source_tiers import as_format_2, is_t3, legal_facts_text, t3_markers
from support.cli import run_cli_cleanly

from transfers_app.reference.loader import builtin_bundle

TODAY = date(2026, 12, 7)
# Adequate, partly adequate, certified-only, an international organisation, not adequate.
DESTINATIONS = ["US", "JP", "KR", "CA", "GB", "BR", "CH", "NZ", "EPO", "IN", "MC"]
INTERNAL = ("legal-facts", ".md", "[M]", "[S]", "[T1]", "[T2]", "[T3]")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code, out, _ = run_cli_cleanly(capsys, *argv, today=TODAY)
    return code, out


def check(capsys: pytest.CaptureFixture[str], country: str, *extra: str) -> tuple[int, str]:
    return run(
        capsys,
        "check",
        "--name",
        "Nimbus Data",
        "--country",
        country,
        "--role",
        "processor",
        "--dpf",
        "--dpf-uk-extension",
        "--dpf-swiss",
        *[a for r in ("UK", "EU", "CH") for a in ("--exporter-regime", r)],
        *extra,
    )


@pytest.mark.parametrize("country", DESTINATIONS)
def test_check_json_cites_only_t1_t2_sources_with_title_and_publisher(
    capsys: pytest.CaptureFixture[str], country: str
) -> None:
    code, out = check(capsys, country, "--json")
    assert code == 0
    report: dict[str, Any] = json.loads(out)
    for a in report["assessments"]:
        adequacy = a["adequacy"]
        if adequacy is None:
            continue
        assert "source_urls" not in adequacy
        assert adequacy["sources"], a["regime"]
        for s in adequacy["sources"]:
            assert s["tier"] in ("T1", "T2")
            assert s["title"].strip() and s["publisher"].strip()
            assert s["citation"].startswith(f"{s['title']}, {s['publisher']}")
    for word in INTERNAL:
        assert word not in out, word


def test_check_json_gives_the_official_source_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(capsys, "US", "--json")
    assert code == 0
    eu = next(a for a in json.loads(out)["assessments"] if a["regime"] == "EU")
    first = eu["adequacy"]["sources"][0]
    assert first["tier"] == "T1"
    assert first["url"] == "https://eur-lex.europa.eu/eli/dec_impl/2023/1795/oj"
    assert first["date"] == "2023-07-10"
    assert first["citation"].endswith("European Commission (EUR-Lex), 10 July 2023")


@pytest.mark.parametrize("country", DESTINATIONS)
def test_check_names_no_site_the_research_rates_weak(
    capsys: pytest.CaptureFixture[str], country: str
) -> None:
    markers = t3_markers(legal_facts_text())
    for extra in ((), ("--json",)):
        code, out = check(capsys, country, *extra)
        assert code == 0
        urls = re.findall(r"https?://[^\s\"<>]+", out)
        assert not [u for u in urls if is_t3(u, markers)]


@pytest.mark.parametrize("country", DESTINATIONS)
def test_check_text_cites_the_first_source_as_a_reference_never_a_bare_address(
    capsys: pytest.CaptureFixture[str], country: str
) -> None:
    code, out = check(capsys, country)
    assert code == 0
    for word in INTERNAL:
        assert word not in out, word
    decisions = out.count("   Legal reference: ")
    cited = [line for line in out.splitlines() if line.startswith("   Source: ")]
    assert len(cited) == decisions
    for line in out.splitlines():
        if "http" in line:
            # Every address follows a citation on the same line.
            assert line.startswith("   Source: ") and ", " in line.split(" <http")[0], line


def test_check_text_of_a_us_importer_names_the_decision_by_title_publisher_and_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = check(capsys, "US")
    assert code == 0
    assert (
        "   Source: The Data Protection (Adequacy) (United States of America) Regulations 2023 "
        "(SI 2023/1028), legislation.gov.uk (The National Archives), 21 September 2023 "
        "<https://legislation.gov.uk/uksi/2023/1028/data.html>"
    ) in out


def test_reference_show_names_the_data_without_an_internal_file_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "reference", "show")
    assert code == 0
    assert "research of 25 Nov 2026, source tiers reviewed 7 Dec 2026" in out
    assert "2026.12.07" in out
    for word in INTERNAL:
        assert word not in out, word


def test_a_loaded_format_2_file_is_used_and_cites_none_of_its_unrated_addresses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    old = builtin_bundle()
    as_format_2(old)
    old["manifest"]["as_of"] = "2026-12-01"
    old["manifest"]["version"] = "2026.12.01"
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), "utf-8")
    code, out = run(capsys, "reference", "load", str(path))
    assert code == 0, out
    code, out = check(capsys, "JP", "--json")
    assert code == 0
    report = json.loads(out)
    assert all(
        a["adequacy"]["sources"] == [] for a in report["assessments"] if a["adequacy"] is not None
    )
    code, out = check(capsys, "JP")
    assert "http" not in out
