"""The TIA editor: a prefilled draft filled step by step with qtbot, signed off, reassessed;
exec() is never called."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot
from support.widgets import cell

from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.models import Tia
from transfers_app.domain.tia import (
    Conclusion,
    DataFormat,
    EegRating,
    Enforceability,
    HumanRights,
    KeyHolder,
    MeasureKind,
    ResidualRisk,
)
from transfers_app.errors import ValidationError
from transfers_app.services.worklists import AssessmentRow
from ui import messages
from ui.context import UiContext
from ui.dialogs.tia_editor import TiaEditor, current_tia, open_or_draft
from ui.models.rows import ObjectRole
from ui.pages.assessments import AssessmentsPage
from ui.pages.dashboard import summarize

TODAY = date(2026, 11, 25)
STRATUS_HOSTING = 7  # Keystone Access Europe Ltd -> Stratus Cloud Hosting, Inc. (US)
HELPDESK = 9  # Keystone Access Europe Ltd -> Helpdesk Partners Philippines (no TIA)
CLICK = Qt.MouseButton.LeftButton


def choose(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def fresh_draft(ctx: UiContext, transfer_id: int = STRATUS_HOSTING) -> Tia:
    """A new prefilled draft, the transfer's earlier assessments archived (so it is missing)."""
    repo = ctx.services.register.store
    for old in repo.assessments.list():
        if transfer_id in old.transfer_ids:
            repo.assessments.archive(old)
    return ctx.services.tias.draft_for(transfer_id, TODAY, assessor="A. Patel")


def editor(qtbot: QtBot, ctx: UiContext, tia: Tia) -> TiaEditor:
    dialog = TiaEditor(ctx.services.tias, tia, TODAY)
    qtbot.addWidget(dialog)
    return dialog


APPROVER = "Maria Santos (General Counsel)"


def fill_in(qtbot: QtBot, d: TiaEditor) -> None:
    """Answer what the register cannot know, as an assessor would, step by step."""
    d.show_step("transfer")
    # Encrypted at rest with the keys kept by the exporter: the storage use case fits.
    choose(d.transfer_page.format_combo, DataFormat.ENCRYPTED)
    choose(d.transfer_page.key_combo, KeyHolder.EXPORTER)
    if not d.transfer_page.purpose_edit.toPlainText():
        qtbot.keyClicks(d.transfer_page.purpose_edit, "Hosting the customer platform")
    if not d.transfer_page.subjects_edit.text():
        qtbot.keyClicks(d.transfer_page.subjects_edit, "Customers, Service users")
    d.show_step("law")
    for combo in d.law_page.eeg_combos.values():  # the profile rates them; any it left open, here
        if combo.currentData() == EegRating.NOT_ASSESSED:
            choose(combo, EegRating.PARTLY_MET)
    choose(d.law_page.problematic_combo, "yes")
    d.show_step("measures")
    qtbot.mouseClick(d.measures_page.add_measure_button, CLICK)
    row = d.measures_page.measures_table.rows()[-1]
    choose(row.code, "T1")
    row.in_place.setChecked(True)
    d.show_step("tra")
    for r in d.tra_page.risks_table.rows():
        r.inherent.setValue(3)
        r.residual.setValue(2)
    choose(d.tra_page.human_rights_combo, HumanRights.C2)
    qtbot.keyClicks(d.tra_page.human_rights_notes, "The importer holds ciphertext only")
    choose(d.tra_page.enforce_combo, Enforceability.D3)
    qtbot.keyClicks(d.tra_page.enforce_notes, "UK courts under the Addendum")
    d.show_step("conclusion")
    for regime in d.conclusion_page.regimes:  # one conclusion under each regime
        box = d.conclusion_page.regime_boxes[regime]
        choose(box.conclusion, Conclusion.PROCEED_WITH_MEASURES)
        choose(box.residual, ResidualRisk.LOW)


def approve(qtbot: QtBot, d: TiaEditor, approver: str = APPROVER) -> Tia:
    d.signoff_page.approver_edit.clear()
    qtbot.keyClicks(d.signoff_page.approver_edit, approver)
    qtbot.mouseClick(d.signoff_page.accept_all_button, CLICK)  # the unverified facts
    assert d.signoff_page.approve_button.isEnabled(), d.sign_off_problems()
    qtbot.mouseClick(d.signoff_page.approve_button, CLICK)
    assert d.saved is not None and d.saved.status is TiaStatus.APPROVED
    return d.saved


def assessments(qtbot: QtBot, ctx: UiContext) -> list[AssessmentRow]:
    page = AssessmentsPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.wait_for_background(10_000)
    return [page.model.index(r, 0).data(ObjectRole) for r in range(page.model.rowCount())]


def test_a_prefilled_draft_is_filled_step_by_step_and_signed_off(
    qtbot: QtBot, ctx: UiContext
) -> None:
    draft = fresh_draft(ctx)
    before = [r for r in assessments(qtbot, ctx) if r.transfer_id == STRATUS_HOSTING]
    assert [r.missing for r in before] == [True]

    d = editor(qtbot, ctx, draft)
    # Prefilled from the register and the US country profile.
    assert "Stratus Cloud Hosting, Inc." in d.header.text()
    assert "Contact" in d.transfer_page.categories_edit.text()
    assert "Indus Support Services Pvt. Ltd. (IN)" in d.transfer_page.onward_edit.toPlainText()
    assert any("FISA s.702" in law.title for law in d.value().content.laws)  # type: ignore[union-attr]
    assert "UK Addendum" in d.tool_page.tool_view.toPlainText()
    assert d.save_button.isEnabled()  # a new draft is not on the register yet
    assert not d.step_done("transfer")
    assert "purpose" in d.step_text("transfer")
    assert not d.signoff_page.approve_button.isEnabled()
    assert "name the approver" in d.signoff_page.problems_label.text()

    qtbot.keyClicks(d.transfer_page.purpose_edit, "Hosting the customer platform")
    assert not d.step_done("transfer")
    qtbot.keyClicks(d.transfer_page.subjects_edit, "Customers, Service users")
    assert d.step_done("transfer") and d.step_text("transfer").endswith("Done")
    assert "1 of" not in d.progress_label.text()

    fill_in(qtbot, d)
    for key in ("transfer", "law", "measures", "procedure", "tra", "conclusion"):
        assert d.step_done(key), d.step_text(key)
    assert "8 of 8 steps done" in d.progress_label.text()
    # The unverified facts the assessment relies on are listed for the approver to accept.
    assert d.signoff_page.facts_table.rowCount() > 0
    assert any("accept each fact" in p for p in d.sign_off_problems())
    qtbot.mouseClick(d.signoff_page.accept_all_button, CLICK)
    # Four eyes: the assessor cannot approve their own assessment.
    qtbot.keyClicks(d.signoff_page.approver_edit, "a. patel")
    assert not d.signoff_page.approve_button.isEnabled()
    assert "someone other than the assessor" in d.error_text("approver")
    assert d.sign_off_problems() == ["the approver must be someone other than the assessor"]

    approved = approve(qtbot, d)
    assert approved.approved_on == TODAY
    assert approved.next_review_on == date(2027, 11, 25)  # the 12-month cycle
    assert approved.approver == APPROVER
    stored = ctx.services.register.store.assessments.get(approved.id or 0)
    assert stored.status is TiaStatus.APPROVED
    assert stored.content is not None
    assert stored.content.description.purpose == "Hosting the customer platform"
    assert stored.content.description.data_subjects == ("Customers", "Service users")
    assert stored.content.measures[0].code == "T1"
    # An approved revision is read-only: no save, no approve; reassess instead.
    assert d.step_done("signoff")
    assert d.transfer_page.purpose_edit.isReadOnly() and not d.save_button.isEnabled()
    assert d.signoff_page.approve_button.isHidden() and not d.signoff_page.reassess_box.isHidden()
    assert "read-only" in d.note_banner.text()

    after = [r for r in assessments(qtbot, ctx) if r.transfer_id == STRATUS_HOSTING]
    assert [(r.missing, r.tia.status if r.tia else None) for r in after] == [
        (False, TiaStatus.APPROVED)
    ]


def test_save_keeps_the_dialog_open_and_is_enabled_only_after_a_change(
    qtbot: QtBot, ctx: UiContext
) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    assert d.save_button.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert not d.export_button.isEnabled()  # nothing saved to export yet
    qtbot.mouseClick(d.save_button, CLICK)
    assert d.saved is not None and d.saved.id is not None
    assert d.tia.reference in d.header.text()
    assert not d.save_button.isEnabled() and not d.is_dirty()
    assert d.export_button.isEnabled()
    qtbot.keyClicks(d.transfer_page.retention_edit, "90 days after the contract ends")
    assert d.save_button.isEnabled() and d.windowTitle().endswith("*")
    assert not d.export_button.isEnabled()  # the PDF would not show the edit
    qtbot.mouseClick(d.save_button, CLICK)
    stored = ctx.services.register.store.assessments.get(d.saved.id or 0)
    assert stored.content is not None
    assert stored.content.description.retention == "90 days after the contract ends"
    assert stored.status is TiaStatus.DRAFT
    # Submit for review: saved, waiting for approval.
    qtbot.mouseClick(d.signoff_page.submit_button, CLICK)
    assert (
        ctx.services.register.store.assessments.get(d.saved.id or 0).status is TiaStatus.IN_REVIEW
    )
    assert not d.signoff_page.submit_button.isEnabled()


def test_the_uk_step_is_shown_only_for_uk_transfers(qtbot: QtBot, ctx: UiContext) -> None:
    draft = fresh_draft(ctx)
    uk = editor(qtbot, ctx, draft)
    assert uk.step_visible("tra")
    assert [r.category.text() for r in uk.tra_page.risks_table.rows()] == list(
        draft.content.description.data_categories  # type: ignore[union-attr]
    )
    assert any("UK transfer risk assessment" in p for p in uk.sign_off_problems())

    eu_only = editor(qtbot, ctx, replace(draft, regimes=(Regime.EU,)))
    assert not eu_only.step_visible("tra")
    assert "tra" not in eu_only.step_progress()
    assert not any("UK" in p for p in eu_only.sign_off_problems())


def test_the_tra_decision_follows_the_answers(qtbot: QtBot, ctx: UiContext) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    d.show_step("tra")
    assert "OPEN" in d.tra_page.decision_label.text()
    assert "score the data categories" in d.tra_page.decision_label.text()
    for r in d.tra_page.risks_table.rows():
        r.inherent.setValue(2)
    assert (
        "PROCEED" in d.tra_page.decision_label.text()
        and "Decision A" in d.tra_page.decision_label.text()
    )
    d.tra_page.risk_row("Identity").inherent.setValue(4)
    assert "answer Q4" in d.tra_page.decision_label.text()
    assert "high" in d.tra_page.decision_label.text()
    choose(d.tra_page.human_rights_combo, HumanRights.C3)
    choose(d.tra_page.enforce_combo, Enforceability.D2)
    assert "answer Q6" in d.tra_page.decision_label.text()
    choose(d.tra_page.exceptions_combo, "no")
    assert "MAY NOT PROCEED" in d.tra_page.decision_label.text()
    assert "Decision F2" in d.tra_page.decision_label.text()
    # Unscored categories are not kept; scored ones are.
    risks = d.value().content.category_risks  # type: ignore[union-attr]
    assert {r.category: r.inherent for r in risks}["Identity"] == 4
    assert all(r.inherent for r in risks)


def test_the_rosenthal_estimate_is_computed_as_you_type(qtbot: QtBot, ctx: UiContext) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    d.show_step("quantitative")
    assert not d.quantitative_page.quant_body.isEnabled()  # optional: off until asked for
    assert d.value().content.quantitative is None  # type: ignore[union-attr]
    d.quantitative_page.quant_check.setChecked(True)
    assert "Add a legal basis" in d.quantitative_page.quant_result.text()
    qtbot.mouseClick(d.quantitative_page.add_basis_button, CLICK)
    qtbot.keyClicks(d.quantitative_page.bases_table.rows()[0].name, "FISA s.702")
    assert d.quantitative_page.factors_title.text() == "Factors of “FISA s.702”"
    for label, p in (("Foreign-intelligence interest", 1.0), ("Sought from importer", 20.0)):
        qtbot.mouseClick(d.quantitative_page.add_factor_button, CLICK)
        row = d.quantitative_page.factors_table.rows()[-1]
        qtbot.keyClicks(row.label, label)
        row.probability.setValue(p)
    qtbot.mouseClick(d.quantitative_page.add_factor_button, CLICK)
    d.quantitative_page.factors_table.rows()[-1].probability.setValue(50.0)
    text = d.quantitative_page.quant_result.text()
    # 1 % x 20 % x 50 % = 0.1 % a year; 1 - 0.999^5 = 0.5 % over five years;
    # ln 0.1 / ln 0.999 = 2,301 years to a first case at 90 %.
    assert "0.10 %" in text and "0.50 %" in text and "2,301 years" in text
    assert "WITHIN the threshold" in text
    assert d.quantitative_page.bases_table.rows()[0].result.text() == "0.10 %"
    assert "within the threshold" in d.step_text("quantitative")
    d.quantitative_page.threshold_spin.setValue(0.1)
    assert "ABOVE the threshold" in d.quantitative_page.quant_result.text()
    q = d.value().content.quantitative  # type: ignore[union-attr]
    assert q is not None and q.period_years == 5 and q.threshold == pytest.approx(0.001)
    assert [f.probability for f in q.bases[0].factors] == pytest.approx([0.01, 0.2, 0.5])
    assert q.bases[0].name == "FISA s.702"
    # A second basis: its own factors; the first keeps its own.
    qtbot.mouseClick(d.quantitative_page.add_basis_button, CLICK)
    assert d.quantitative_page.factors_table.rows() == []
    d.quantitative_page.bases_table.selectRow(0)
    assert len(d.quantitative_page.factors_table.rows()) == 3


def test_laws_from_the_profile_are_flagged_and_editable(qtbot: QtBot, ctx: UiContext) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    d.show_step("law")
    laws = d.value().content.laws  # type: ignore[union-attr]
    flagged = [i for i, law in enumerate(laws) if not law.verified]
    assert flagged
    table = d.law_page.laws_table
    assert cell(table, flagged[0], 2).text() == "UNVERIFIED"
    assert "marked UNVERIFIED" in d.law_page.destination_label.text()
    # The assessor says a law does not reach this importer.
    cell(table, 0, 0).setCheckState(Qt.CheckState.Unchecked)
    assert not d.value().content.laws[0].applies  # type: ignore[union-attr]
    assert d.is_dirty()
    # Edit the chosen law below the table.
    table.selectRow(1)
    assert d.law_page.law_title_edit.text() == laws[1].title
    d.law_page.law_title_edit.setText("RISAA 2024 (as amended)")
    assert cell(table, 1, 1).text() == "RISAA 2024 (as amended)"
    # Add one, remove it.
    qtbot.mouseClick(d.law_page.add_law_button, CLICK)
    qtbot.keyClicks(d.law_page.law_title_edit, "State secrets privilege")
    assert d.value().content.laws[-1].title == "State secrets privilege"  # type: ignore[union-attr]
    assert len(d.value().content.laws) == len(laws) + 1  # type: ignore[union-attr]
    qtbot.mouseClick(d.law_page.remove_law_button, CLICK)
    assert len(d.value().content.laws) == len(laws)  # type: ignore[union-attr]


def test_a_catalogue_code_fills_the_measure(qtbot: QtBot, ctx: UiContext) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    d.show_step("transfer")  # data the importer cannot read: the storage use case fits
    choose(d.transfer_page.format_combo, DataFormat.ENCRYPTED)
    choose(d.transfer_page.key_combo, KeyHolder.EXPORTER)
    d.show_step("measures")
    assert "does not say yet" in d.measures_page.measures_answer.text()
    qtbot.mouseClick(d.measures_page.add_measure_button, CLICK)
    row = d.measures_page.measures_table.rows()[0]
    choose(row.code, "C1")
    assert row.kind.currentData() == MeasureKind.CONTRACTUAL
    assert row.description.text().startswith("SCC Clause 15")
    choose(row.code, "T1")  # a new code replaces the catalogue's text...
    assert row.kind.currentData() == MeasureKind.TECHNICAL
    assert row.description.text().startswith("Encryption at rest")
    assert row.use_case.currentData() == "UC1"
    assert "UC1" in d.measures_page.measure_help.text()
    row.description.setText("Encryption at rest, keys in our UK HSM")
    choose(row.code, "T2")  # ...but not the assessor's own words
    assert row.description.text() == "Encryption at rest, keys in our UK HSM"
    m = d.value().content.measures[0]  # type: ignore[union-attr]
    assert (m.kind, m.code, m.use_case, m.in_place) == (MeasureKind.TECHNICAL, "T2", "UC1", False)
    qtbot.mouseClick(d.measures_page.remove_measure_button, CLICK)
    assert d.value().content.measures == ()  # type: ignore[union-attr]


def test_review_triggers_and_cycle(qtbot: QtBot, ctx: UiContext) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    d.show_step("procedure")
    before = d.triggers()
    assert before  # from the country profile
    qtbot.keyClicks(d.procedure_page.trigger_edit, "Importer adds a subprocessor")
    qtbot.mouseClick(d.procedure_page.add_trigger_button, CLICK)
    assert d.triggers() == (*before, "Importer adds a subprocessor")
    d.procedure_page.cycle_spin.setValue(6)
    assert "25 May 2027" in d.procedure_page.next_review_label.text()
    assert d.value().review_cycle_months == 6
    for _ in range(d.procedure_page.triggers_list.count()):
        d.procedure_page.triggers_list.setCurrentRow(0)
        qtbot.mouseClick(d.procedure_page.remove_trigger_button, CLICK)
    assert not d.step_done("procedure")
    assert "list the events" in d.step_text("procedure")


def test_reassess_asks_why_and_starts_revision_2(qtbot: QtBot, ctx: UiContext) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    fill_in(qtbot, d)
    v1 = approve(qtbot, d)
    d.show_step("signoff")
    assert not d.signoff_page.reassess_button.isEnabled()  # not without a reason
    qtbot.keyClicks(d.signoff_page.reason_edit, "Onward transfer to India added")
    qtbot.mouseClick(d.signoff_page.reassess_button, CLICK)
    v2 = d.tia
    assert (v2.revision, v2.status, v2.series_id) == (2, TiaStatus.DRAFT, v1.series_id)
    assert v2.reference.endswith("-v2") and v2.reference in d.header.text()
    assert d.saved == v2
    assert not d.transfer_page.purpose_edit.isReadOnly()  # a draft again
    assert d.signoff_page.history_table.rowCount() == 2
    assert cell(d.signoff_page.history_table, 1, 4).text() == "Onward transfer to India added"
    assert (
        ctx.services.register.store.assessments.get(v1.id or 0).status is TiaStatus.APPROVED
    )  # still in force
    # Approving v2 supersedes v1.
    approve(qtbot, d, "Dev Raman (Head of Legal)")
    assert ctx.services.register.store.assessments.get(v1.id or 0).status is TiaStatus.SUPERSEDED


def test_a_change_on_the_register_shows_the_stale_banner(qtbot: QtBot, ctx: UiContext) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    fill_in(qtbot, d)
    approved = approve(qtbot, d)
    assert d.stale_banner.isHidden()
    repo = ctx.services.register.store
    t = repo.transfers.get(STRATUS_HOSTING)
    repo.transfers.update(replace(t, data_categories=(*t.data_categories, "Marketing Data")))
    again = editor(qtbot, ctx, repo.assessments.get(approved.id or 0))
    assert not again.stale_banner.isHidden()
    assert "data categories changed: added Marketing Data" in again.stale_banner.text()
    assert "Reassess" in again.stale_banner.text()
    # The dashboard counts it beside the missing and overdue ones.
    figures = summarize(ctx.status(), [])
    # this one, and the demo's two made with older reference data
    assert figures.tias_stale == 3 and figures.tias_overdue == 1


def test_closing_with_unsaved_edits_asks_first(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[bool] = []
    asked: list[object] = []

    def discard(parent: object) -> bool:
        asked.append(parent)
        return answers.pop(0)

    monkeypatch.setattr(messages, "discard_changes", discard)
    d = editor(qtbot, ctx, fresh_draft(ctx))
    d.setModal(False)
    d.open()
    qtbot.mouseClick(d.close_button, CLICK)  # nothing edited: no question
    assert not d.isVisible() and asked == []

    d = editor(qtbot, ctx, fresh_draft(ctx))
    d.open()
    qtbot.keyClicks(d.transfer_page.purpose_edit, "Hosting")
    answers.append(False)  # keep editing
    qtbot.mouseClick(d.close_button, CLICK)
    assert d.isVisible()
    answers.append(True)  # discard
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible() and answers == [] and len(asked) == 2
    assert d.saved is None


def test_value_names_the_invalid_field(qtbot: QtBot, ctx: UiContext) -> None:
    d = editor(qtbot, ctx, fresh_draft(ctx))
    d.tia = replace(d.tia, transfer_id=d.tia.transfer_id, extra_transfer_ids=(d.tia.transfer_id,))
    with pytest.raises(ValidationError, match="extra_transfer_ids"):
        d.value()


@pytest.fixture
def export_draft(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch, error_texts: list[str]
) -> Callable[[Path], TiaEditor]:
    """Saves a fresh draft, then exports it with the file chosen: no error box."""

    def export(target: Path) -> TiaEditor:
        monkeypatch.setattr(messages, "save_file", lambda *a, **k: target)
        d = editor(qtbot, ctx, fresh_draft(ctx))
        qtbot.mouseClick(d.save_button, CLICK)
        qtbot.mouseClick(d.export_button, CLICK)
        assert error_texts == []
        return d

    return export


@pytest.mark.skipif(
    importlib.util.find_spec("exports.pdf_render") is None, reason="the PDF renderer is missing"
)
def test_export_pdf_writes_the_file(
    export_draft: Callable[[Path], TiaEditor], tmp_path: Path
) -> None:
    d = export_draft(tmp_path / "stratus")
    pdf = tmp_path / "stratus.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(pdf) in d.message.text()


def test_export_as_word_when_the_file_name_says_docx(
    export_draft: Callable[[Path], TiaEditor], tmp_path: Path
) -> None:
    from docx import Document as WordDocument

    target = tmp_path / "stratus.docx"
    d = export_draft(target)
    assert "Saved the Word document to" in d.message.text()
    text = "\n".join(p.text for p in WordDocument(str(target)).paragraphs)
    assert d.tia.reference in text


def test_export_problems_are_messages(
    qtbot: QtBot,
    ctx: UiContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error_texts: list[str],
) -> None:
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: tmp_path / "x.pdf")
    d = editor(qtbot, ctx, fresh_draft(ctx))
    qtbot.mouseClick(d.save_button, CLICK)

    def missing(*_args: object) -> Path:
        raise ImportError("No module named 'exports.pdf_render'")

    monkeypatch.setattr(d.service, "export", missing)
    assert d.export_document() is None
    assert "not available" in error_texts[-1]

    def locked(*_args: object) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(d.service, "export", locked)
    assert d.export_document() is None
    assert "Permission denied" in error_texts[-1]
    # Cancelling the file dialog writes nothing and says nothing.
    monkeypatch.setattr(messages, "save_file", lambda *a, **k: None)
    count = len(error_texts)
    assert d.export_document() is None and len(error_texts) == count


def test_a_transfer_opens_its_current_assessment_or_a_new_draft(ctx: UiContext) -> None:
    svc = ctx.services.tias
    tias = ctx.services.register.store.assessments.list()
    on_file = current_tia(tias, STRATUS_HOSTING)
    assert on_file is not None
    assert open_or_draft(svc, TODAY, transfer_id=STRATUS_HOSTING).id == on_file.id
    # Helpdesk Partners has none: a prefilled draft, by the register's last assessor.
    draft = open_or_draft(svc, TODAY, transfer_id=HELPDESK)
    assert draft.id is None and draft.transfer_id == HELPDESK
    assert draft.assessor == "Anita Patel (Privacy Counsel)"
    assert draft.content is not None and draft.content.destination == "PH"


def test_the_edit_classmethod_returns_what_was_written(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[TiaEditor] = []

    def fake_exec(self: TiaEditor) -> int:
        seen.append(self)
        qtbot.addWidget(self)
        self.save()
        return 0

    monkeypatch.setattr(TiaEditor, "exec", fake_exec)
    saved = TiaEditor.edit(None, ctx, transfer_id=HELPDESK)
    assert saved is not None and saved.id is not None
    assert ctx.services.register.store.assessments.get(saved.id).transfer_id == HELPDESK
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text: shown.append(text))
    assert TiaEditor.edit(None, ctx, tia_id=999_999) is None
    assert shown and "999999" in shown[0]


def test_an_assessment_recorded_without_content_starts_from_the_register(
    qtbot: QtBot, ctx: UiContext
) -> None:
    repo = ctx.services.register.store
    bare = repo.assessments.add(Tia(HELPDESK, assessor="A. Patel", regimes=(Regime.UK,)))
    d = editor(qtbot, ctx, repo.assessments.get(bare.id or 0))
    assert "recorded without its content" in d.note_banner.text()
    assert d.value().content is not None
    assert d.value().content.destination == "PH"  # type: ignore[union-attr]
    assert not d.is_dirty()


def test_the_transfer_editor_opens_the_transfers_assessment(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.transfer_editor import TransferEditor

    calls: list[dict[str, object]] = []

    def fake_edit(
        parent: object, c: UiContext, tia_id: int | None = None, transfer_id: int | None = None
    ) -> Tia | None:
        calls.append({"parent": parent, "transfer_id": transfer_id})
        return c.services.tias.create(
            c.services.tias.draft_for(HELPDESK, TODAY, assessor="A. Patel")
        )

    monkeypatch.setattr(TiaEditor, "edit", fake_edit)
    dialog = TransferEditor(ctx, ctx.services.register.store.transfers.get(HELPDESK))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.tias_loaded)
    assert dialog.assessment_button.isEnabled()
    qtbot.mouseClick(dialog.assessment_button, CLICK)
    assert calls == [{"parent": dialog, "transfer_id": HELPDESK}]
    qtbot.waitUntil(lambda: dialog.tias_loaded)  # its assessments are read again

    new = TransferEditor(ctx, exporter_id=None, importer_id=None)
    qtbot.addWidget(new)
    assert not new.assessment_button.isEnabled()  # a transfer not saved has no assessment
    assert "Save the transfer first" in new.assessment_button.toolTip()
