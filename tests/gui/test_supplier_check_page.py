"""The supplier check page: the verdict as the user types, similar names, add as proposed."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from transfers_app.domain.enums import Lifecycle, Regime, Role
from ui.context import UiContext
from ui.pages.supplier_check import DEBOUNCE_MS, SupplierCheckPage


@pytest.fixture
def page(qtbot: QtBot, ctx: UiContext) -> SupplierCheckPage:
    widget = SupplierCheckPage(ctx)
    qtbot.addWidget(widget)
    return widget


def section(text: str, start: str, end: str | None = None) -> str:
    """The part of the verdict's plain text from ``start`` to ``end`` (or the end)."""
    assert start in text, text
    tail = text[text.index(start) :]
    return tail[: tail.index(end)] if end and end in tail else tail


def test_india_processor_needs_module_two_idta_and_an_assessment(
    qtbot: QtBot, page: SupplierCheckPage
) -> None:
    qtbot.keyClicks(page.name_edit, "Acme Translation Ltd")
    assert page.countries.add_country("India (IN)")
    page.importer_role.setCurrentIndex(page.importer_role.findData(Role.CONTROLLER.value))
    page.update_verdict()
    assert "Module One" in page.browser.toPlainText()
    page.importer_role.setCurrentIndex(page.importer_role.findData(Role.PROCESSOR.value))
    page.update_verdict()
    assert page.report is not None
    assert {a.regime for a in page.report.assessments} == {Regime.UK, Regime.EU}
    text = page.browser.toPlainText()
    uk = section(text, "UK → India: safeguard needed", "EU → India")
    assert "Module Two" in uk
    assert "IDTA" in uk
    assert "Transfer assessment (TIA/TRA) required: yes" in uk
    assert "Information Commission" in uk
    eu = section(text, "EU → India: safeguard needed")
    assert "Transfer impact assessment (TIA)" in eu
    assert "required: yes" in eu
    assert "Acme Translation Ltd" in text


def test_the_verdict_follows_typing_after_the_debounce(
    qtbot: QtBot, page: SupplierCheckPage
) -> None:
    page.countries.add_country("in")
    page.update_verdict()
    assert page.report is not None and page.report.name == ""
    qtbot.keyClicks(page.name_edit, "Nimbus")
    assert page._timer.isActive()
    assert page._timer.interval() == DEBOUNCE_MS
    qtbot.waitUntil(lambda: page.report is not None and page.report.name == "Nimbus")


def test_similar_names_are_listed_and_open_the_record(
    qtbot: QtBot, page: SupplierCheckPage
) -> None:
    page.name_edit.setText("Stratus")
    page.countries.add_country("US")
    page.update_verdict()
    assert page.report is not None
    hit = next(s for s in page.report.similar if s.name == "Stratus Cloud Hosting, Inc.")
    text = page.browser.toPlainText()
    assert "Already on the register" in text
    assert "Stratus Cloud Hosting, Inc." in section(text, "Already on the register", "UK → ")
    assert f"entity:{hit.entity_id}" in page.html
    with qtbot.waitSignal(page.open_entity) as blocker:
        page.follow_link(QUrl(f"entity:{hit.entity_id}"))
    assert blocker.args == [hit.entity_id]


def test_a_similar_name_says_why_and_a_shared_trade_word_is_no_match(
    page: SupplierCheckPage,
) -> None:
    """Issue 13: "Acme Analytics Inc" was offered "Lumen Analytics GmbH (match 83 %)"."""
    page.name_edit.setText("Acme Analytics Inc")
    page.countries.add_country("US")
    page.update_verdict()
    similar = section(page.browser.toPlainText(), "Already on the register", "UK → ")
    assert "Lumen Analytics GmbH" not in similar  # on the demo register
    assert "No similar name on the register" in similar
    assert "Binding corporate rules" not in page.browser.toPlainText()  # a vendor: never BCRs
    page.name_edit.setText("Stratos Cloud")
    page.update_verdict()
    similar = section(page.browser.toPlainText(), "Already on the register", "UK → ")
    assert "Stratus Cloud Hosting, Inc." in similar
    assert "'stratos' is spelled like 'stratus'" in similar  # why the two names match


def test_similar_names_show_even_before_a_country_is_chosen(page: SupplierCheckPage) -> None:
    page.name_edit.setText("Stratus")
    page.update_verdict()
    text = page.browser.toPlainText()
    assert "Add at least one country" in text
    assert "Stratus Cloud Hosting, Inc." in text


def test_a_hostile_name_is_shown_literally(page: SupplierCheckPage) -> None:
    page.name_edit.setText("<b>R&D</b>")
    page.countries.add_country("IN")
    page.update_verdict()
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in page.html
    assert "<b>R&D</b>" not in page.html
    assert "Supplier check: <b>R&D</b>" in page.browser.toPlainText()


def test_unknown_or_missing_country_is_a_message_in_the_page(
    page: SupplierCheckPage, said: dict[str, list[str]]
) -> None:
    page.name_edit.setText("Acme")
    page.update_verdict()
    assert "Add at least one country" in page.browser.toPlainText()
    assert not page.add_button.isEnabled()
    assert not page.countries.add_country("Narnia")
    assert "Unknown country 'Narnia'" in page.countries.error_text()
    assert page.countries.codes() == []
    page.countries.edit.setText("Japan")
    page.countries._entered()
    assert page.countries.codes() == ["JP"]
    assert page.countries.error_text() == ""
    assert page.countries.edit.text() == ""
    assert said["error"] == []


def test_international_organisations_can_be_picked(page: SupplierCheckPage) -> None:
    assert page.countries.suggestions("epo")[0] == "European Patent Organisation (EPO)"
    assert "EU institutions, bodies, offices and agencies (EUI)" in page.countries.suggestions("eu")
    assert page.countries.add_country("European Patent Organisation (EPO)")
    page.name_edit.setText("Patent search bureau")
    page.update_verdict()
    assert "EU → European Patent Organisation: adequate" in page.browser.toPlainText()


def test_chips_remove_countries(page: SupplierCheckPage) -> None:
    page.countries.add_country("IN")
    page.countries.add_country("US")
    page.countries.add_country("India")  # no duplicate
    assert page.countries.codes() == ["IN", "US"]
    page.countries.remove_country("IN")
    assert page.countries.codes() == ["US"]


def test_no_regime_ticked_is_a_message(page: SupplierCheckPage) -> None:
    page.name_edit.setText("Acme")
    page.countries.add_country("IN")
    for box in page.regime_boxes.values():
        box.setChecked(False)
    page.update_verdict()
    assert "Tick at least one regime" in page.browser.toPlainText()
    assert not page.add_button.isEnabled()


def test_default_regimes_are_those_of_our_entities(page: SupplierCheckPage) -> None:
    assert page.selected_regimes() == [Regime.UK, Regime.EU]


def test_default_regimes_on_an_empty_register(qtbot: QtBot, empty_ctx: UiContext) -> None:
    page = SupplierCheckPage(empty_ctx)
    qtbot.addWidget(page)
    assert page.selected_regimes() == [Regime.UK, Regime.EU]
    assert page.categories.count() >= 0


def test_uk_extension_needs_the_eu_us_dpf(page: SupplierCheckPage) -> None:
    assert not page.dpf_uk.isEnabled()
    page.dpf_eu.setChecked(True)
    assert page.dpf_uk.isEnabled()
    page.dpf_uk.setChecked(True)
    page.name_edit.setText("Cloudy")
    page.countries.add_country("US")
    page.update_verdict()
    text = page.browser.toPlainText()
    assert "UK → United States: adequate only if the conditions are met" in text
    page.dpf_eu.setChecked(False)
    assert not page.dpf_uk.isEnabled()
    assert not page.dpf_uk.isChecked()
    page.update_verdict()
    assert "UK → United States: safeguard needed" in page.browser.toPlainText()


def test_add_as_proposed_creates_the_supplier_and_its_transfers(
    qtbot: QtBot, page: SupplierCheckPage, ctx: UiContext, said: dict[str, list[str]]
) -> None:
    page.name_edit.setText("Acme Translation Ltd")
    page.service_edit.setText("Translation of contracts")
    page.countries.add_country("IN")
    page.countries.add_country("BR")
    first = page.categories.item(0)
    assert first is not None
    first.setCheckState(Qt.CheckState.Checked)
    page.update_verdict()
    assert page.add_button.isEnabled()
    with qtbot.waitSignal(page.changed):
        page.add_button.click()
    assert said["error"] == []
    assert len(said["info"]) == 1 and "proposed" in said["info"][0]
    added = [
        e for e in ctx.services.register.store.entities.list() if e.name == "Acme Translation Ltd"
    ]
    assert len(added) == 1
    supplier = added[0]
    assert supplier.lifecycle is Lifecycle.PROPOSED
    transfers = [
        t for t in ctx.services.register.store.transfers.list() if t.importer_id == supplier.id
    ]
    assert sorted(t.destination for t in transfers) == ["BR", "IN"]
    assert all(t.importer_role is Role.PROCESSOR for t in transfers)
    assert all(t.data_categories == (first.text(),) for t in transfers)
    assert all(t.service == "Translation of contracts" for t in transfers)
    # The verdict now finds it on the register.
    similar = section(page.browser.toPlainText(), "Already on the register", "UK → India")
    assert "Acme Translation Ltd" in similar


def test_adding_a_near_duplicate_asks_first(
    page: SupplierCheckPage, ctx: UiContext, said: dict[str, list[str]], monkeypatch: Any
) -> None:
    monkeypatch.setattr("ui.messages.confirm", lambda parent, text: said["confirm"].append(text))
    before = ctx.services.register.store.queries.counts().entities
    page.name_edit.setText("Stratus Cloud Hosting")
    page.countries.add_country("US")
    page.add_to_register()
    assert len(said["confirm"]) == 1
    assert "Stratus Cloud Hosting, Inc." in said["confirm"][0]
    assert ctx.services.register.store.queries.counts().entities == before
    assert said["info"] == []


def test_new_record_clears_the_form(page: SupplierCheckPage) -> None:
    page.name_edit.setText("Acme")
    page.countries.add_country("IN")
    page.dpf_eu.setChecked(True)
    assert page.new_record()
    assert page.name_edit.text() == ""
    assert page.countries.codes() == []
    assert not page.dpf_eu.isChecked()
    assert page.focus_search()


def test_apply_filter_prefills_the_check(page: SupplierCheckPage) -> None:
    page.apply_filter(name="Nimbus", countries=["India"])
    assert page.countries.codes() == ["IN"]
    assert page.report is not None and page.report.name == "Nimbus"


def test_suggestions_rank_codes_and_name_starts_first(
    qtbot: QtBot, page: SupplierCheckPage
) -> None:
    picker = page.countries
    assert picker.suggestions("indi")[:2] == ["India (IN)", "British Indian Ocean Territory (IO)"]
    assert picker.suggestions("us")[0] == "United States (US)"
    assert picker.suggestions("korea") == ["North Korea (KP)", "South Korea (KR)"]  # a word
    assert picker.suggestions("") == []
    assert picker.suggestions("zzzz") == []
    picker.edit.setText("indi")
    picker._picked("India (IN)")
    assert picker.codes() == ["IN"]
    qtbot.waitUntil(lambda: picker.edit.text() == "")  # cleared once the completer is done
