"""The transfer editor: real widgets filled with qtbot; exec() is never called."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from support.widgets import choose

from transfers_app.domain.enums import (
    Access,
    DocumentKind,
    Frequency,
    Mechanism,
    Regime,
    Role,
    VolumeBand,
)
from transfers_app.domain.models import Document, MechanismUse
from transfers_app.errors import ValidationError
from ui import messages
from ui.context import UiContext
from ui.dialogs.transfer_editor import SUGGESTIONS, EntityPicker, TransferEditor

# Demo register ids (see transfers_app/services/demo.py).
KEYSTONE_EUROPE = 2  # our exporting entity (UK and EU regimes)
NORTHWIND = 5  # US payments, on the DPF list
STRATUS = 8  # US hosting, has EU SCCs and a UK Addendum
INDUS = 9  # Stratus's subprocessor in India
STRATUS_SCC = 12
STRATUS_ADDENDUM = 13
INDUS_SCC = 14  # Stratus - Indus SCCs Module 3
STRATUS_HOSTING = 7  # the transfer Keystone Europe -> Stratus (US)


def editor(qtbot: QtBot, ctx: UiContext, **kw: object) -> TransferEditor:
    dialog = TransferEditor(ctx, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def pick_entity(qtbot: QtBot, picker: EntityPicker, typed: str, name: str) -> None:
    """Type part of a name, then choose the entity from the completer's popup."""
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, typed)
    offered = picker.offered()
    assert name in offered, offered
    popup = picker.completer.popup()
    assert popup is not None
    popup.setCurrentIndex(picker.completer.completionModel().index(offered.index(name), 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.edit.text() == name


def regime_text(dialog: TransferEditor, regime: str) -> str:
    """The panel's section about one regime (it runs to the next regime's heading)."""
    text = dialog.panel.toPlainText()
    heads = {"UK": "UK GDPR:", "EU": "EU / EEA GDPR:", "CH": "Swiss FADP:"}
    start = text.index(heads[regime])
    ends = [text.find(h, start + 1) for h in heads.values()]
    end = min([e for e in ends if e > start] or [len(text)])
    return text[start:end]


# The completers' popups make the offscreen platform (no window manager) say it cannot
# propagate size hints, raise windows or grab the keyboard.
pytestmark = pytest.mark.qt_log_ignore(
    "propagateSizeHints", r"support raise\(\)", "grabbing the keyboard"
)


def test_add_a_transfer_with_its_mechanisms_in_order(qtbot: QtBot, ctx: UiContext) -> None:
    repo = ctx.services.register.store
    dialog = editor(qtbot, ctx)
    assert dialog.windowTitle() == "New transfer"
    assert not dialog.save_button.isEnabled()
    assert dialog.exporter_id() == KEYSTONE_EUROPE  # our only exporting entity
    assert dialog.regimes() == (Regime.UK, Regime.EU)  # the exporter's, by default
    pick_entity(qtbot, dialog.form.importer, "Indus", "Indus Support Services Pvt. Ltd.")
    # The destination follows where the importer works until the user chooses one.
    assert dialog.destination_code() == "IN"
    dialog.form.destination.setFocus()
    dialog.form.destination.clearEditText()
    qtbot.keyClicks(dialog.form.destination, "India")
    assert dialog.destination_code() == "IN"
    choose(dialog.form.access_combo, Access.REMOTE_ACCESS)
    choose(dialog.form.importer_role_combo, Role.PROCESSOR)
    qtbot.keyClicks(dialog.form.service_edit, "Follow-the-sun support")
    qtbot.keyClicks(dialog.form.purpose_edit, "24x7 incident response")
    dialog.form.check_item(dialog.form.categories_list, "Identity")
    dialog.form.check_item(dialog.form.categories_list, "Technical")
    dialog.form.check_item(dialog.form.subjects_list, "Website and app users")
    dialog.form.criminal_check.setChecked(True)
    choose(dialog.form.frequency_combo, Frequency.PERIODIC)
    choose(dialog.form.volume_combo, VolumeBand.UNDER_10K)
    dialog.form.started_edit.set_value(date(2026, 12, 1))
    qtbot.keyClicks(dialog.form.notes_edit, "Pilot for the winter peak.")

    # Mechanisms: the first Add offers what the rules suggest (the UK IDTA for India).
    qtbot.mouseClick(dialog.form.add_mechanism_button, Qt.MouseButton.LeftButton)
    assert dialog.mechanism_combo(0).currentData() == Mechanism.UK_IDTA
    qtbot.mouseClick(dialog.form.add_mechanism_button, Qt.MouseButton.LeftButton)
    choose(dialog.mechanism_combo(1), Mechanism.EU_SCC)
    choose(dialog.document_combo(1), INDUS_SCC)
    # Move the EU SCCs first: they become the primary mechanism.
    dialog.form.mechanisms_table.selectRow(1)
    qtbot.mouseClick(dialog.form.up_button, Qt.MouseButton.LeftButton)
    assert [u.mechanism for u in dialog.mechanisms()] == [Mechanism.EU_SCC, Mechanism.UK_IDTA]
    # A third, removed again.
    row = dialog.add_mechanism(Mechanism.DEROGATION)
    dialog.form.mechanisms_table.selectRow(row)
    qtbot.mouseClick(dialog.form.remove_mechanism_button, Qt.MouseButton.LeftButton)

    assert dialog.save_button.isEnabled(), dialog.problems()
    value = dialog.value()
    assert value.id is None and value.importer_id == INDUS
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.saved
    assert saved is not None and saved.id is not None
    stored = repo.transfers.get(saved.id)
    assert stored.mechanisms == (
        MechanismUse(Mechanism.EU_SCC, INDUS_SCC),
        MechanismUse(Mechanism.UK_IDTA, None),
    )
    assert (stored.exporter_id, stored.importer_id, stored.destination) == (
        KEYSTONE_EUROPE,
        INDUS,
        "IN",
    )
    assert stored.access is Access.REMOTE_ACCESS
    assert (stored.exporter_role, stored.importer_role) == (Role.CONTROLLER, Role.PROCESSOR)
    assert stored.regimes == ()  # follows the exporter's regimes
    assert stored.service == "Follow-the-sun support"
    assert stored.purpose == "24x7 incident response"
    assert stored.data_categories == ("Identity", "Technical")
    assert stored.data_subjects == ("Website and app users",)
    assert stored.criminal_data and not stored.special_category
    assert stored.frequency is Frequency.PERIODIC
    assert stored.volume is VolumeBand.UNDER_10K
    assert stored.started_on == date(2026, 12, 1) and stored.ended_on is None
    assert stored.notes == "Pilot for the winter peak."


def test_india_with_a_processor_shows_module_two_and_the_idta_for_the_uk(
    qtbot: QtBot, ctx: UiContext
) -> None:
    dialog = editor(qtbot, ctx, importer_id=STRATUS)
    choose(dialog.form.importer_role_combo, Role.PROCESSOR)
    choose(dialog.form.destination, "IN")
    uk = regime_text(dialog, "UK")
    assert "NOT ADEQUATE" in uk
    assert "UK International Data Transfer Agreement (IDTA)" in uk
    assert "Module Two (controller to processor), with the UK Addendum" in uk
    assert "SCC module: Module Two" in uk
    assert "TIA / TRA: needed" in uk
    eu = regime_text(dialog, "EU")
    assert "EU SCCs 2021, Module Two (controller to processor)" in eu
    # The roles change the module at once.
    choose(dialog.form.importer_role_combo, Role.CONTROLLER)
    assert "SCC module: Module One" in regime_text(dialog, "UK")


def test_brazil_is_adequate_for_the_eu_and_not_for_the_uk(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx, importer_id=STRATUS)
    choose(dialog.form.destination, "BR")
    eu = regime_text(dialog, "EU")
    uk = regime_text(dialog, "UK")
    assert "ADEQUATE" in eu and "NOT ADEQUATE" not in eu
    assert "TIA / TRA: not needed" in eu
    assert "NOT ADEQUATE" in uk and "TIA / TRA: needed" in uk
    # Regimes follow the ticks: with only the EU ticked, the UK section goes.
    dialog.form.regime_checks[Regime.UK].setChecked(False)
    assert "UK GDPR:" not in dialog.panel.toPlainText()
    assert "EU / EEA GDPR:" in dialog.panel.toPlainText()
    assert dialog.value().regimes == (Regime.EU,)  # now set on the transfer


def test_bare_eu_sccs_for_a_uk_transfer_are_reported(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx, importer_id=STRATUS)
    choose(dialog.form.destination, "IN")
    dialog.form.regime_checks[Regime.EU].setChecked(False)
    dialog.add_mechanism(Mechanism.EU_SCC)
    choose(dialog.document_combo(0), STRATUS_SCC)
    text = dialog.panel.toPlainText()
    assert "UK transfer relies on bare EU SCCs" in text
    assert "UK: not covered" in text
    # With the UK Addendum listed the EU SCCs count for the UK: the problem goes.
    dialog.add_mechanism(Mechanism.UK_ADDENDUM)
    choose(dialog.document_combo(1), STRATUS_ADDENDUM)
    text = dialog.panel.toPlainText()
    assert "bare EU SCCs" not in text
    assert "UK: covered by UK Addendum" in text


def test_dpf_evidence_changes_the_finding(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx, importer_id=STRATUS)
    choose(dialog.form.destination, "US")
    assert "DPF evidence: none on the register" in dialog.panel.toPlainText()
    assert "NOT ADEQUATE" in regime_text(dialog, "EU")
    dialog.form.importer.set_entity(NORTHWIND, "Northwind Payments, Inc.")
    text = dialog.panel.toPlainText()
    assert "DPF evidence: DPF List entry - Northwind Payments" in text
    assert "ADEQUATE IF IN SCOPE" in regime_text(dialog, "EU")


def test_save_is_disabled_when_the_importer_is_the_exporter(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx)
    assert dialog.error_text("importer_id") == ""  # "required" waits until it is touched
    assert "Importer is required" in dialog.summary.text()
    pick_entity(qtbot, dialog.form.importer, "Keystone Access Eu", "Keystone Access Europe Ltd")
    choose(dialog.form.destination, "IN")
    assert not dialog.save_button.isEnabled()
    assert dialog.error_text("importer_id") == (
        "Importer: the importer must differ from the exporter"
    )
    with pytest.raises(ValidationError) as raised:
        dialog.value()
    assert raised.value.field == "importer_id"
    dialog.form.importer.edit.clear()
    pick_entity(qtbot, dialog.form.importer, "Strat", "Stratus Cloud Hosting, Inc.")
    assert dialog.error_text("importer_id") == ""
    assert dialog.save_button.isEnabled()


def test_messages_beside_the_fields(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx, importer_id=STRATUS)
    dialog.form.destination.setFocus()
    dialog.form.destination.clearEditText()
    qtbot.keyClicks(dialog.form.destination, "Atlantis")
    assert dialog.error_text("destination") == (
        "Destination: 'Atlantis' is not a country or organisation"
    )
    assert not dialog.save_button.isEnabled()
    dialog.form.destination.clearEditText()
    qtbot.keyClicks(dialog.form.destination, "br")  # a code works too
    assert dialog.destination_code() == "BR" and dialog.save_button.isEnabled()
    for check in dialog.form.regime_checks.values():
        check.setChecked(False)
    assert dialog.error_text("regimes").startswith("Regimes: tick at least one")
    dialog.form.regime_checks[Regime.CH].setChecked(True)
    dialog.form.started_edit.set_value(date(2026, 6, 1))
    dialog.form.ended_edit.set_value(date(2026, 1, 1))
    assert dialog.error_text("ended_on") == "End 2026-01-01 is before start (2026-06-01)"
    dialog.form.ended_edit.set_value(None)
    assert dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.form.importer.edit, "zz")  # no longer a name on the register
    assert "is not on the register" in dialog.error_text("importer_id")
    assert not dialog.save_button.isEnabled()


def test_importer_suggestions_come_from_the_register_a_few_at_a_time(
    qtbot: QtBot, ctx: UiContext
) -> None:
    dialog = editor(qtbot, ctx)
    dialog.form.importer.edit.setFocus()
    qtbot.keyClicks(dialog.form.importer.edit, "keystone")
    offered = dialog.form.importer.offered()
    assert offered[:4] == [
        "Keystone Access Asia Pte. Ltd.",
        "Keystone Access Australia Pty Ltd",
        "Keystone Access Europe Ltd",
        "Keystone Access Group, Inc.",
    ]
    assert len(offered) <= SUGGESTIONS
    dialog.form.importer.edit.clear()
    qtbot.keyClicks(dialog.form.importer.edit, "honyaku")  # a word of the legal name
    assert dialog.form.importer.offered() == ["株式会社サクラ翻訳"]
    dialog.form.importer.edit.clear()
    qtbot.keyClicks(dialog.form.importer.edit, "cloud stratus")  # words in any order
    assert dialog.form.importer.offered() == ["Stratus Cloud Hosting, Inc."]
    # A name typed in full is chosen on leaving the field.
    dialog.form.importer.edit.clear()
    qtbot.keyClicks(dialog.form.importer.edit, "lumen analytics gmbh")
    dialog.form.importer.edit.editingFinished.emit()
    assert dialog.form.importer.entity_id() == 7


def test_a_duplicate_transfer_gets_the_repository_message(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text: shown.append(text))
    count = ctx.services.register.store.queries.counts().transfers
    dialog = editor(qtbot, ctx, importer_id=STRATUS)
    choose(dialog.form.destination, "US")  # Keystone Europe -> Stratus, US storage exists
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert shown and "already on the register" in shown[0]
    assert dialog.saved is None and dialog.result() != QDialog.DialogCode.Accepted
    assert ctx.services.register.store.queries.counts().transfers == count


def test_edit_an_existing_transfer(qtbot: QtBot, ctx: UiContext) -> None:
    repo = ctx.services.register.store
    before = repo.transfers.get(STRATUS_HOSTING)
    dialog = editor(qtbot, ctx, transfer=before)
    assert dialog.windowTitle() == "Edit transfer"
    assert not dialog.is_dirty()
    assert dialog.value() == before  # the form reads back exactly what was loaded
    assert [dialog.mechanism_combo(r).currentData() for r in range(2)] == [
        Mechanism.UK_ADDENDUM,
        Mechanism.EU_SCC,
    ]
    assert dialog.document_combo(0).currentData() == STRATUS_ADDENDUM
    assert "Following the regimes of the exporter" in dialog.form.regimes_hint.text()
    dialog.form.mechanisms_table.selectRow(1)
    qtbot.mouseClick(dialog.form.up_button, Qt.MouseButton.LeftButton)
    dialog.form.service_edit.clear()
    qtbot.keyClicks(dialog.form.service_edit, "Hosting <platform> & backups")
    assert dialog.is_dirty()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    after = repo.transfers.get(STRATUS_HOSTING)
    assert after.version == before.version + 1
    assert after.service == "Hosting <platform> & backups"
    assert [u.mechanism for u in after.mechanisms] == [Mechanism.EU_SCC, Mechanism.UK_ADDENDUM]
    assert after.regimes == ()


def test_an_onward_transfer_from_a_vendor(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx, exporter_id=STRATUS)
    assert dialog.access() is Access.ONWARD
    assert dialog.form.exporter_stack.currentWidget() is dialog.form.exporter_picker
    assert dialog.exporter_id() == STRATUS
    # The transfer that brings the data to Stratus, and the regimes of its exporter.
    assert dialog.form.upstream_combo.currentData() == STRATUS_HOSTING
    assert dialog.regimes() == (Regime.UK, Regime.EU)
    assert "upstream" in dialog.form.regimes_hint.text()
    assert dialog.form.exporter_role_combo.currentData() == Role.PROCESSOR
    assert dialog.form.importer_role_combo.currentData() == Role.SUBPROCESSOR
    pick_entity(qtbot, dialog.form.importer, "Indus", "Indus Support Services Pvt. Ltd.")
    assert dialog.destination_code() == "IN"
    assert "SCC Module Three (processor to processor)" in dialog.panel.toPlainText()
    # Back to a direct transfer: the exporter is one of ours again; no upstream.
    choose(dialog.form.access_combo, Access.STORAGE)
    assert dialog.exporter_id() == KEYSTONE_EUROPE
    assert not dialog.form.upstream_combo.isEnabled()
    assert dialog._candidate().parent_transfer_id is None


def test_user_text_is_escaped_in_the_panel(qtbot: QtBot, ctx: UiContext) -> None:
    ctx.services.register.store.documents.add(
        Document(
            kind=DocumentKind.UK_IDTA,
            title="<b>Draft</b> IDTA & co",
            party_ids=(KEYSTONE_EUROPE, INDUS),
        )
    )
    dialog = editor(qtbot, ctx, importer_id=INDUS)
    choose(dialog.form.destination, "IN")
    dialog.add_mechanism(Mechanism.UK_IDTA)
    text = dialog.panel.toPlainText()
    assert "'<b>Draft</b> IDTA & co' has no signed or effective date" in text


def test_closing_with_unsaved_edits_asks_first(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[bool] = []
    monkeypatch.setattr(messages, "discard_changes", lambda parent: answers.pop(0))
    dialog = editor(qtbot, ctx, transfer=ctx.services.register.store.transfers.get(STRATUS_HOSTING))
    dialog.setModal(False)
    dialog.open()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # no edit: no question
    assert not dialog.isVisible()

    dialog = editor(qtbot, ctx, importer_id=STRATUS)
    dialog.open()
    choose(dialog.form.destination, "IN")
    answers.append(False)  # keep editing
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    answers.append(True)  # discard
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and answers == []


def test_edit_classmethod_saves_what_the_dialog_returns(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[TransferEditor] = []

    def fake_exec(self: TransferEditor) -> int:
        seen.append(self)
        qtbot.addWidget(self)
        choose(self.form.destination, "CH")
        self.save()
        return int(self.result())

    monkeypatch.setattr(TransferEditor, "exec", fake_exec)
    saved = TransferEditor.edit(None, ctx, importer_id=INDUS)
    assert saved is not None and saved.id is not None
    assert seen[0].form.importer.entity_id() == INDUS
    assert ctx.services.register.store.transfers.get(saved.id).destination == "CH"
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text: shown.append(text))
    assert TransferEditor.edit(None, ctx, transfer_id=999_999) is None
    assert shown == ["transfer 999999 does not exist"]


def test_an_existing_transfer_is_judged_with_its_assessments(qtbot: QtBot, ctx: UiContext) -> None:
    intra_group = 1  # Keystone Europe -> the US parent: its approved TIA is overdue for review
    dialog = editor(qtbot, ctx, transfer=ctx.services.register.store.transfers.get(intra_group))
    # The assessments are read on a worker thread, then the panel judges them too.
    qtbot.waitUntil(lambda: dialog.tias_loaded)
    text = dialog.panel.toPlainText()
    assert "Reading its assessments" not in text
    assert "TIA-0001-v1 review was due on 25 Oct 2026" in text
    assert "required but not approved" not in text


def test_bcrs_are_offered_only_for_an_importer_in_the_group(qtbot: QtBot, ctx: UiContext) -> None:
    """Issue 13: BCRs only cover transfers inside a group: never offered for a vendor."""
    from transfers_app.domain.enums import EntityKind, Mechanism
    from transfers_app.domain.models import Transfer

    store = ctx.services.register.store
    by_kind: dict[EntityKind, Transfer] = {}
    for t in store.transfers.list():
        importer = store.entities.get(t.importer_id)
        if t.destination in ("US", "IN", "SG") and importer.kind in (
            EntityKind.GROUP,
            EntityKind.VENDOR,
        ):
            by_kind.setdefault(importer.kind, t)
    offered: dict[EntityKind, set[Mechanism]] = {}
    for kind, t in by_kind.items():
        dialog = editor(qtbot, ctx, transfer=t)
        offered[kind] = {s.mechanism for a in dialog.assessments().values() for s in a.safeguards}
    assert Mechanism.BCR not in offered[EntityKind.VENDOR]
    assert Mechanism.BCR in offered[EntityKind.GROUP]
