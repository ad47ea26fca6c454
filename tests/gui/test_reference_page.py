"""The reference data page: decisions with dates, scope and sources; loading a newer file."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot
from source_tiers import as_format_2, is_t3, legal_facts_text, t3_markers

from transfers_app.domain.enums import Regime
from transfers_app.reference.loader import Decision
from ui.context import UiContext
from ui.models.reference import Column, DecisionModel
from ui.models.rows import ObjectRole, SortRole
from ui.pages.reference import ReferencePage


@pytest.fixture
def page(qtbot: QtBot, ctx: UiContext) -> ReferencePage:
    widget = ReferencePage(ctx)
    qtbot.addWidget(widget)
    return widget


def rows(page: ReferencePage) -> list[Decision]:
    out = []
    for r in range(page.proxy.rowCount()):
        d = page.proxy.index(r, 0).data(ObjectRole)
        assert isinstance(d, Decision)
        out.append(d)
    return out


def bundle_file(ctx: UiContext, folder: Path, as_of: str, version: str) -> Path:
    # A deep copy: the built-in set is cached and must stay untouched.
    raw: dict[str, Any] = json.loads(json.dumps(dict(ctx.ref.raw)))
    raw["manifest"]["as_of"] = as_of
    raw["manifest"]["version"] = version
    path = folder / f"bundle-{version}.json"
    path.write_text(json.dumps(raw), "utf-8")
    return path


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path | str) -> None:
    chosen = Path(path) if path else None  # "": the dialog was cancelled
    monkeypatch.setattr("ui.messages.open_file", lambda *a, **k: chosen)


def test_the_model_passes_the_model_tester(qtmodeltester: Any, ctx: UiContext) -> None:
    model = DecisionModel(ctx.ref.decisions)
    qtmodeltester.check(model)


def test_header_shows_version_and_age(page: ReferencePage, ctx: UiContext) -> None:
    assert ctx.ref.version in page.header.text()
    assert "today" in page.header.text()
    assert "UNVERIFIED" in page.subheader.text()


def test_brazil_is_adequate_for_the_eu_but_not_the_uk(page: ReferencePage) -> None:
    shown = rows(page)
    assert len(shown) == page.model.rowCount() == len(page.ref.decisions)
    brazil = [d for d in shown if "BR" in d.destinations]
    assert [d.regime for d in brazil] == [Regime.EU]
    row = next(r for r in range(page.proxy.rowCount()) if rows(page)[r] is brazil[0])
    assert page.proxy.index(row, Column.DESTINATIONS).data() == "Brazil"
    assert "2026/179" in page.proxy.index(row, Column.REFERENCE).data()
    assert page.proxy.index(row, Column.REGIME).data() == "EU"
    assert page.proxy.index(row, Column.VERIFIED).data() == "verified"
    assert page.proxy.index(row, Column.SOURCE).data() == "European Commission (EUR-Lex)"


def test_unverified_rows_say_so(page: ReferencePage) -> None:
    shown = rows(page)
    unverified = [r for r, d in enumerate(shown) if not d.verified]
    assert unverified
    for r in unverified:
        assert page.proxy.index(r, Column.VERIFIED).data() == "UNVERIFIED"


def test_filters_by_regime_and_search(page: ReferencePage) -> None:
    page.regime_filter.setCurrentIndex(page.regime_filter.findData(Regime.UK.value))
    assert rows(page) and all(d.regime is Regime.UK for d in rows(page))
    page.search.setText("brazil")
    assert rows(page) == []
    page.regime_filter.setCurrentIndex(0)
    assert [d.id for d in rows(page)] == ["eu-br-2026-179"]
    assert page.count_label.text().startswith("1 of ")
    page.search.setText("Korea")  # a country name, not just its code
    assert {d.regime for d in rows(page)} == {Regime.EU, Regime.UK}


def test_dates_sort_as_dates(page: ReferencePage) -> None:
    page.table.sortByColumn(
        Column.IN_FORCE_FROM, page.table.horizontalHeader().sortIndicatorOrder()
    )
    page.proxy.sort(Column.IN_FORCE_FROM)
    keys = [page.proxy.index(r, Column.IN_FORCE_FROM).data(SortRole) for r in range(10)]
    assert keys == sorted(keys)
    dates = [d.in_force_from for d in rows(page)]
    assert dates == sorted(dates)


def test_detail_shows_scope_note_conditions_and_sources(page: ReferencePage) -> None:
    assert page.select_decision("eu-us-2023-1795")
    text = page.detail.toPlainText()
    d = page.selected_decision()
    assert d is not None and d.id == "eu-us-2023-1795"
    assert "Only for recipients certified under:" in text
    assert "EU-US Data Privacy Framework" in text
    assert d.conditions[0] in text
    first = d.citations[0]
    assert f"{first.title}, {first.publisher}, 10 July 2023" in text
    assert first.url in text


def test_double_click_opens_the_source(
    page: ReferencePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    page.search.setText("2026/179")
    page.open_source(page.proxy.index(0, Column.SOURCE))
    assert [u.toString() for u in opened] == ["https://eur-lex.europa.eu/eli/dec_impl/2026/179/oj"]


def test_loading_a_newer_file_updates_the_page_and_the_rules(
    qtbot: QtBot,
    page: ReferencePage,
    ctx: UiContext,
    tmp_path: Path,
    said: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose_file(monkeypatch, bundle_file(ctx, tmp_path, "2027-01-15", "2027.01.15"))
    with qtbot.waitSignal(page.changed):
        assert page.load_reference_file()
    assert said["error"] == []
    assert len(said["info"]) == 1 and "2027.01.15" in said["info"][0]
    assert ctx.ref.version == "2027.01.15"
    assert "2027.01.15" in page.header.text()
    assert "as of 15 Jan 2027" in page.header.text()
    written = list(ctx.paths.reference.glob("*.json"))
    assert [p.name for p in written] == ["reference-2027-01-15-2027.01.15.json"]


@pytest.mark.parametrize(
    "case", ["older", "broken", "not a bundle", "binary", "not UTF-8", "cancelled"]
)
def test_an_older_or_broken_file_changes_nothing(
    page: ReferencePage,
    ctx: UiContext,
    tmp_path: Path,
    said: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    before = ctx.ref
    header = page.header.text()
    if case == "older":
        path: Path | str = bundle_file(ctx, tmp_path, "2020-01-01", "2020.01.01")
    elif case == "broken":
        path = tmp_path / "broken.json"
        path.write_text("{not json", "utf-8")
    elif case == "not a bundle":
        path = tmp_path / "other.json"
        path.write_text(json.dumps({"manifest": {"format": 1}}), "utf-8")
    elif case == "binary":  # issue 13: a UnicodeDecodeError escaped
        path = tmp_path / "picture.json"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8")
    elif case == "not UTF-8":
        path = tmp_path / "cp1252.json"
        path.write_bytes('{"manifest": {"title": "Données"}}'.encode("cp1252"))
    else:
        path = ""
    choose_file(monkeypatch, path)
    changed: list[bool] = []
    page.changed.connect(lambda: changed.append(True))
    assert not page.load_reference_file()
    assert ctx.ref is before
    assert page.header.text() == header
    assert not changed
    assert said["info"] == []
    assert not list(ctx.paths.reference.glob("*"))
    if case == "cancelled":
        assert said["error"] == []
    else:
        assert len(said["error"]) == 1
        message = said["error"][0]
        expected = {
            "older": "older than",
            "broken": "not valid JSON",
            "binary": "not a reference data file",
            "not UTF-8": "not UTF-8 text",
        }
        assert expected.get(case, "lacks") in message


# -- sources: T1/T2 citations only, never a weak site or an internal file name ------------------

INTERNAL = ("legal-facts", ".md", "[M]", "[S]", "[T3]")


def details(page: ReferencePage) -> Iterator[tuple[Decision, set[str], str]]:
    """Each decision with the links and the text of its detail pane."""
    for d in rows(page):
        assert page.select_decision(d.id)
        # toHtml() escapes an escaped ampersand once more.
        links = {
            html.unescape(html.unescape(h))
            for h in re.findall(r'href="([^"]*)"', page.detail.toHtml())
        }
        yield d, links, page.detail.toPlainText()


def test_the_page_links_no_site_the_research_rates_weak(page: ReferencePage) -> None:
    markers = t3_markers(legal_facts_text())
    for d, links, _text in details(page):
        assert not any(is_t3(url, markers) for url in links), d.id


def test_every_source_the_page_shows_is_a_t1_or_t2_citation(page: ReferencePage) -> None:
    for d, links, text in details(page):
        assert d.citations, d.id
        for n, c in enumerate(d.citations, start=1):
            assert c.tier in ("T1", "T2")
            assert c.title and c.publisher
            assert c.text() in text, (d.id, n)
        # The only links are the citations' addresses.
        assert links == {c.url for c in d.citations if c.url}, d.id
        for s in d.rejected_sources:
            assert s.title not in text and s.publisher not in text
        for word in INTERNAL:
            assert word not in text, (d.id, word)
    for label in (page.header, page.subheader):
        for word in INTERNAL:
            assert word not in label.text()
    assert "research of 25 Nov 2026, source tiers reviewed 7 Dec 2026" in page.subheader.text()
    assert "70 official and 33 reputable secondary sources" in page.subheader.text()


def test_the_source_column_names_the_publisher_and_tells_the_full_citation(
    page: ReferencePage,
) -> None:
    page.search.setText("2023/1795")
    index = page.proxy.index(0, Column.SOURCE)
    d = index.data(ObjectRole)
    assert isinstance(d, Decision)
    assert index.data() == "European Commission (EUR-Lex)"
    tip = page.proxy.index(0, Column.SOURCE).data(Qt.ItemDataRole.ToolTipRole)
    assert d.citations[0].text() in tip and d.citations[0].url in tip


def test_a_format_2_file_shows_its_addresses_as_unrated_and_cites_none(
    page: ReferencePage,
    ctx: UiContext,
    tmp_path: Path,
    said: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw: dict[str, Any] = json.loads(json.dumps(dict(ctx.ref.raw)))
    as_format_2(raw)
    raw["manifest"]["as_of"] = "2027-01-15"
    raw["manifest"]["version"] = "2027.01.15"
    path = tmp_path / "old-format.json"
    path.write_text(json.dumps(raw), "utf-8")
    choose_file(monkeypatch, path)
    assert page.load_reference_file(), said
    assert "sources unrated (never cited)" in page.subheader.text()
    assert page.select_decision("eu-br-2026-179")
    text = page.detail.toPlainText()
    assert "no official or reputable source to cite" in text
    assert "Unrated sources" in text
    assert "https://eur-lex.europa.eu/eli/dec_impl/2026/179/oj" in text
    assert "href" not in page.detail.toHtml().split("Unrated sources")[1]


def test_a_file_of_the_same_date_but_an_older_version_is_refused_as_older(
    page: ReferencePage,
    ctx: UiContext,
    tmp_path: Path,
    said: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose_file(monkeypatch, bundle_file(ctx, tmp_path, ctx.ref.as_of.isoformat(), "2026.11.25"))
    assert not page.load_reference_file()
    assert len(said["error"]) == 1 and "older than" in said["error"][0]
