"""The TIA editor and the new sign-off: a conclusion per regime, use cases offered only when
they fit, unverified facts accepted by the approver, and what changed since approval said
beside the approved assessment."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from pytestqt.qtbot import QtBot
from support.widgets import cell

from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.models import Tia
from transfers_app.domain.tia import Conclusion, DataFormat, KeyHolder, ResidualRisk
from ui.context import UiContext
from ui.dialogs.tia_editor import TiaEditor

TODAY = date(2026, 11, 25)
CLICK = Qt.MouseButton.LeftButton


def _tia(ctx: UiContext, title: str) -> Tia:
    service = ctx.services.tias
    found = next(x for x in service.assessments() if x.title.startswith(title))
    return service.get(found.id or 0)


def _editor(qtbot: QtBot, ctx: UiContext, tia: Tia) -> TiaEditor:
    d = TiaEditor(ctx.services.tias, tia, TODAY)
    qtbot.addWidget(d)
    return d


def test_a_transfer_from_the_uk_and_the_eu_gets_a_conclusion_under_each(
    qtbot: QtBot, ctx: UiContext
) -> None:
    approved = _tia(ctx, "Stratus Cloud Hosting")
    d = _editor(qtbot, ctx, ctx.services.tias.reassess(approved, TODAY, "yearly review"))
    page = d.conclusion_page
    assert page.regimes == (Regime.UK, Regime.EU)
    assert not page.regime_boxes[Regime.EU].group.isHidden()
    assert page.regime_boxes[Regime.CH].group.isHidden()
    assert "not materially lower" in page.regime_boxes[Regime.UK].test.text()
    assert "essentially equivalent" in page.regime_boxes[Regime.EU].test.text()
    # Leaving the EU conclusion open keeps the step open, naming the regime.
    eu = page.regime_boxes[Regime.EU]
    eu.conclusion.setCurrentIndex(eu.conclusion.findData(Conclusion.UNDECIDED))
    assert not d.step_done("conclusion") and "EU law" in d.step_text("conclusion")
    eu.conclusion.setCurrentIndex(eu.conclusion.findData(Conclusion.PROCEED_WITH_MEASURES))
    eu.residual.setCurrentIndex(eu.residual.findData(ResidualRisk.MEDIUM))
    assert d.step_done("conclusion")
    saved = d.value().content
    assert saved is not None
    assert [x.regime for x in saved.conclusions] == [Regime.UK, Regime.EU]

    uk_only = _editor(qtbot, ctx, _tia(ctx, "Keystone Access Australia"))
    assert uk_only.conclusion_page.regimes == (Regime.UK,)


def test_a_use_case_is_offered_only_when_the_facts_meet_its_conditions(
    qtbot: QtBot, ctx: UiContext
) -> None:
    draft = _tia(ctx, "Meridian Recovery")  # data in the clear at the importer
    d = _editor(qtbot, ctx, draft)
    d.show_step("measures")
    qtbot.mouseClick(d.measures_page.add_measure_button, CLICK)
    row = d.measures_page.measures_table.rows()[0]
    row.code.setCurrentIndex(row.code.findData("T1"))  # encryption at rest, exporter's keys
    assert row.use_case.currentData() == ""  # Use Case 1 does not fit data in the clear
    model = row.use_case.model()
    assert isinstance(model, QStandardItemModel)
    assert not model.item(row.use_case.findData("UC1")).isEnabled()
    # Once the data is encrypted with the exporter's keys, it is offered.
    d.show_step("transfer")
    d.transfer_page.format_combo.setCurrentIndex(
        d.transfer_page.format_combo.findData(DataFormat.ENCRYPTED)
    )
    d.transfer_page.key_combo.setCurrentIndex(
        d.transfer_page.key_combo.findData(KeyHolder.EXPORTER)
    )
    assert model.item(row.use_case.findData("UC1")).isEnabled()


def test_the_approver_accepts_each_unverified_fact(qtbot: QtBot, ctx: UiContext) -> None:
    approved = _tia(ctx, "Keystone Access Australia")
    d = _editor(qtbot, ctx, ctx.services.tias.reassess(approved, TODAY, "new IDTA"))
    table = d.signoff_page.facts_table
    assert table.rowCount() > 0
    assert "not independently verified as of" in cell(table, 0, 1).text()
    qtbot.keyClicks(d.signoff_page.approver_edit, "Maria Santos (General Counsel)")
    assert not d.signoff_page.approve_button.isEnabled()
    for row in range(table.rowCount() - 1):
        cell(table, row, 0).setCheckState(Qt.CheckState.Checked)
    assert [p for p in d.sign_off_problems() if "accept each fact" in p] == [
        "the approver must accept each fact not independently verified (1 not accepted)"
    ]
    cell(table, table.rowCount() - 1, 0).setCheckState(Qt.CheckState.Checked)
    assert d.signoff_page.approve_button.isEnabled(), d.sign_off_problems()
    qtbot.mouseClick(d.signoff_page.approve_button, CLICK)
    assert d.saved is not None and d.saved.status is TiaStatus.APPROVED
    assert d.saved.content is not None
    assert {a.accepted_by for a in d.saved.content.accepted} == {"Maria Santos (General Counsel)"}


def test_an_approved_assessment_says_what_changed_since(qtbot: QtBot, ctx: UiContext) -> None:
    current = _editor(qtbot, ctx, _tia(ctx, "Stratus Cloud Hosting"))  # covers Indus too
    assert current.stale_banner.isHidden()
    d = _editor(qtbot, ctx, _tia(ctx, "Keystone Access Group"))
    assert not d.stale_banner.isHidden()
    assert "Review overdue since" in d.stale_banner.text()
    assert "approved with the legal reference data of version" in d.stale_banner.text()
