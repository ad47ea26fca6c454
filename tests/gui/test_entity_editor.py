"""The entity editor: real widgets filled with qtbot; exec() is never called."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from support.widgets import choose

from transfers_app.domain.enums import Activity, EntityKind, Lifecycle, Regime
from transfers_app.errors import StorageError
from ui import messages
from ui.context import UiContext
from ui.dialogs.entity_editor import EntityEditor, country_choices


def editor(qtbot: QtBot, ctx: UiContext, entity_id: int | None = None) -> EntityEditor:
    entity = ctx.services.register.store.entities.get(entity_id) if entity_id else None
    dialog = EntityEditor(ctx, entity)
    qtbot.addWidget(dialog)
    return dialog


def test_create_an_entity_with_a_location(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx)
    assert dialog.windowTitle() == "New entity"
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Aurora Payroll")
    qtbot.keyClicks(dialog.legal_name_edit, "Aurora Payroll Oy")
    choose(dialog.kind_combo, EntityKind.VENDOR)
    qtbot.keyClicks(dialog.registration_edit, "FI-2345678")
    qtbot.keyClicks(dialog.contact_name_edit, "Aino Virtanen")
    qtbot.keyClicks(dialog.contact_email_edit, "dpo@aurora.example")
    qtbot.keyClicks(dialog.website_edit, "https://aurora.example")
    qtbot.keyClicks(dialog.owner_edit, "Legal - Privacy")
    choose(dialog.parent_combo, None)
    qtbot.keyClicks(dialog.notes_edit, "Payroll for the Nordic team.")
    # Locations tab: add one, choose the country, activity and city.
    dialog.tabs.setCurrentIndex(1)
    qtbot.mouseClick(dialog.add_location_button, Qt.MouseButton.LeftButton)
    row = dialog.location_row(0)
    assert not dialog.save_button.isEnabled()  # a location without a country yet
    assert "Choose the country of location 1" in dialog._errors["locations"].text()
    choose(row.country, "FI")
    choose(row.activity, Activity.HOSTING)
    qtbot.keyClicks(row.city, "Helsinki")
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.saved
    assert saved is not None and saved.id is not None
    stored = ctx.services.register.store.entities.get(saved.id)
    assert stored.name == "Aurora Payroll"
    assert stored.legal_name == "Aurora Payroll Oy"
    assert stored.kind is EntityKind.VENDOR
    assert stored.registration_number == "FI-2345678"
    assert stored.contact_email == "dpo@aurora.example"
    assert stored.website == "https://aurora.example"
    assert stored.lifecycle is Lifecycle.ACTIVE
    assert stored.notes == "Payroll for the Nordic team."
    [location] = ctx.services.register.store.entities.locations(saved.id)
    assert (location.country, location.activity, location.city) == (
        "FI",
        Activity.HOSTING,
        "Helsinki",
    )


def test_save_is_disabled_until_valid_with_the_message_beside_the_field(
    qtbot: QtBot, ctx: UiContext
) -> None:
    dialog = editor(qtbot, ctx)
    name_error = dialog._errors["name"]
    email_error = dialog._errors["contact_email"]
    assert not dialog.save_button.isEnabled()
    assert name_error.text() == "Name is required"
    assert not name_error.isHidden()
    qtbot.keyClicks(dialog.name_edit, "Aurora Payroll Oy")
    assert dialog.save_button.isEnabled()
    assert name_error.isHidden()
    qtbot.keyClicks(dialog.contact_email_edit, "not-an-email")
    assert not dialog.save_button.isEnabled()
    assert "'not-an-email' is not an email address" in email_error.text()
    assert email_error.text().startswith("Contact email")
    assert not email_error.isHidden()
    dialog.contact_email_edit.clear()
    qtbot.keyClicks(dialog.contact_email_edit, "dpo@aurora.example")
    assert dialog.save_button.isEnabled()
    assert email_error.isHidden()
    qtbot.keyClicks(dialog.website_edit, "aurora.example")
    assert not dialog.save_button.isEnabled()
    assert dialog._errors["website"].text() == "Website must start with https:// or http://"
    dialog.website_edit.clear()
    # Blanking the name again disables Save again.
    dialog.name_edit.clear()
    assert not dialog.save_button.isEnabled()
    assert name_error.text() == "Name is required"


def test_lifecycle_dates_are_checked_beside_the_date(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx)
    qtbot.keyClicks(dialog.name_edit, "Aurora Payroll Oy")
    offboarded = dialog.date_edits["offboarded_on"]
    offboarded.set_value(date(2026, 1, 1))
    assert not dialog.save_button.isEnabled()
    assert (
        dialog._errors["offboarded_on"].text() == "Offboarded on is set but the lifecycle is active"
    )
    # Choosing "offboarded" keeps the date given; an earlier start date is then a problem.
    choose(dialog.lifecycle_combo, Lifecycle.OFFBOARDED)
    assert offboarded.value() == date(2026, 1, 1)
    assert dialog.save_button.isEnabled()
    dialog.date_edits["active_on"].set_value(date(2026, 6, 1))
    assert not dialog.save_button.isEnabled()
    assert "is before active from (2026-06-01)" in dialog._errors["offboarded_on"].text()
    dialog.date_edits["active_on"].set_value(None)
    assert dialog.save_button.isEnabled()
    # Moving to a stage dates it today when no date was given.
    choose(dialog.lifecycle_combo, Lifecycle.APPROVED)
    assert dialog.date_edits["approved_on"].value() == ctx.today


# Showing a window on the offscreen platform warns that it cannot propagate size hints.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_closing_with_unsaved_edits_asks_first(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[bool] = []

    def discard(parent: object) -> bool:
        return answers.pop(0)

    monkeypatch.setattr(messages, "discard_changes", discard)
    dialog = editor(qtbot, ctx, 8)
    dialog.setModal(False)
    dialog.open()
    # No edit yet: Cancel closes without asking.
    assert not dialog.is_dirty()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()

    dialog = editor(qtbot, ctx, 8)
    dialog.open()
    qtbot.keyClicks(dialog.owner_edit, " (EMEA)")
    assert dialog.is_dirty()
    answers.append(False)  # "keep editing"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    answers.append(False)  # Esc asks too
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    answers.append(True)  # "discard"
    dialog.close()
    assert not dialog.isVisible()
    assert answers == []
    assert ctx.services.register.store.entities.get(8).owner == "Legal - Privacy"


def test_edit_an_entity_and_its_locations(qtbot: QtBot, ctx: UiContext) -> None:
    repo = ctx.services.register.store
    before = repo.entities.locations(8)
    assert [loc.country for loc in before] == ["US", "IE", "IN"]
    dialog = editor(qtbot, ctx, 8)
    assert dialog.windowTitle() == "Edit Stratus Cloud Hosting, Inc."
    assert dialog.name_edit.text() == "Stratus Cloud Hosting, Inc."
    assert dialog.locations_table.rowCount() == 3
    # Change the city of the first location, remove the last (India), add Canada.
    dialog.location_row(0).city.clear()
    qtbot.keyClicks(dialog.location_row(0).city, "Ashburn")
    dialog.locations_table.selectRow(2)
    qtbot.mouseClick(dialog.remove_location_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_location_button, Qt.MouseButton.LeftButton)
    choose(dialog.location_row(2).country, "CA")
    qtbot.keyClicks(dialog.legal_name_edit, "Stratus Cloud Hosting Incorporated")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert repo.entities.get(8).legal_name == "Stratus Cloud Hosting Incorporated"
    after = repo.entities.locations(8)
    assert [(loc.country, loc.city) for loc in after] == [
        ("US", "Ashburn"),
        ("IE", before[1].city),
        ("CA", ""),
    ]
    assert after[0].id == before[0].id  # updated in place, not replaced


def test_a_save_that_fails_is_a_message_and_writes_nothing(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text: shown.append(text))
    repo = ctx.services.register.store
    dialog = editor(qtbot, ctx)
    qtbot.keyClicks(dialog.name_edit, "Half Written Ltd")
    dialog.add_location()
    choose(dialog.location_row(0).country, "GB")

    def broken(loc: object) -> object:
        raise StorageError("the database is locked")

    monkeypatch.setattr(repo.entities, "add_location", broken)
    entities = repo.queries.counts().entities
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert shown and "the database is locked" in shown[0]
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.saved is None
    # One transaction: the entity was not left behind without its location.
    assert repo.queries.counts().entities == entities
    assert "Half Written Ltd" not in {name for _, name in repo.names.names().items()}


def test_transfers_tab_shows_what_the_law_requires(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx, 8)  # Stratus: imports from us, exports to Indus
    dialog.tabs.setCurrentIndex(2)
    table = dialog.transfers_table
    model = table.model()
    assert model.rowCount() >= 2
    rows = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert any(r[0] == "Receives from" and r[1] == "Keystone Access Europe Ltd" for r in rows)
    assert any(r[0] == "Sends to" and r[2] == "India (IN)" for r in rows)
    to_us = next(i for i, r in enumerate(rows) if r[2] == "United States (US)")
    table.selectRow(to_us)
    text = dialog.requirements.toPlainText()
    assert "Transfer to United States (US): what the law requires" in text
    assert "UK GDPR" in text and "EU / EEA GDPR" in text
    assert "Mechanisms recorded" in text
    india = next(i for i, r in enumerate(rows) if r[2] == "India (IN)")
    table.selectRow(india)
    text = dialog.requirements.toPlainText()
    assert "Not adequate: a safeguard is needed" in text
    assert "SCC module: Module" in text
    assert "required" in text


def test_documents_tab_lists_the_entity_documents(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx, 2)  # our exporting entity is a party to most documents
    dialog.tabs.setCurrentIndex(3)
    model = dialog.documents_table.model()
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Intra-group data transfer agreement (EU SCCs Module 1)" in titles
    row = titles.index("IDTA Keystone Europe - Keystone Australia")
    assert model.index(row, 1).data() == "UK IDTA"
    assert model.index(row, 2).data() == "25 May 2024"
    assert model.index(row, 3).data() == "9 Jan 2027"


def test_a_new_vendor_and_its_first_transfer_in_one_pass(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: the Transfers tab of a new entity was disabled until it was saved and the
    dialog closed. Adding a transfer saves the entity first; the dialog stays open on it."""
    from transfers_app.domain.enums import Access, Role
    from transfers_app.domain.models import Transfer
    from ui.dialogs.transfer_editor import TransferEditor

    repo = ctx.services.register.store
    calls: list[dict[str, object]] = []

    def fake_edit(parent: object, ctx_: UiContext, **kw: object) -> Transfer | None:
        calls.append(kw)
        importer = kw["importer_id"]
        assert isinstance(importer, int)
        return repo.transfers.add(
            Transfer(2, importer, "FI", Access.STORAGE, Role.PROCESSOR, service="Payroll")
        )

    monkeypatch.setattr(TransferEditor, "edit", fake_edit)
    dialog = editor(qtbot, ctx)
    assert dialog.tabs.isTabEnabled(2)
    assert not dialog.tabs.isTabEnabled(3)  # documents wait for the first save
    # Nothing to save yet: the problems show on the Details tab, nothing is written.
    dialog.tabs.setCurrentIndex(2)
    qtbot.mouseClick(dialog.add_transfer_button, Qt.MouseButton.LeftButton)
    assert calls == [] and dialog.tabs.currentIndex() == 0 and dialog.saved is None
    qtbot.keyClicks(dialog.name_edit, "Aurora Payroll")
    choose(dialog.kind_combo, EntityKind.VENDOR)
    dialog.tabs.setCurrentIndex(1)
    dialog.add_location()
    choose(dialog.location_row(0).country, "FI")
    dialog.tabs.setCurrentIndex(2)
    qtbot.mouseClick(dialog.add_transfer_button, Qt.MouseButton.LeftButton)
    saved = dialog.saved
    assert saved is not None and saved.id is not None
    assert calls == [{"importer_id": saved.id}]
    assert dialog.isVisible() or dialog.result() == 0  # not closed by the save
    assert dialog.windowTitle() == "Edit Aurora Payroll"
    assert dialog.tabs.isTabEnabled(3)
    assert dialog.transfers_table.model().rowCount() == 1
    # Saved once: its location is stored once, and a later Save writes no second one.
    assert [loc.country for loc in ctx.services.entities.locations(saved.id)] == ["FI"]
    assert not dialog.is_dirty()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [loc.country for loc in ctx.services.entities.locations(saved.id)] == ["FI"]


def test_parent_combo_offers_group_entities_only(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = editor(qtbot, ctx, 4)  # Keystone Access Asia, child of the group parent
    combo = dialog.parent_combo
    # Only the current parent until the list is opened (it may be long).
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "(no parent)",
        "Keystone Access Group, Inc.",
    ]
    assert combo.currentData() == 1
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # typing in the combo reads the list
    assert combo.currentData() != 1  # moved down one
    combo.setCurrentIndex(combo.findData(1))
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered[0] == "(no parent)"
    assert "Keystone Access Group, Inc." in offered
    assert "Keystone Access Asia Pte. Ltd." not in offered  # not its own parent
    assert "Stratus Cloud Hosting, Inc." not in offered  # a vendor
    assert combo.currentData() == 1


def test_value_returns_the_validated_entity(qtbot: QtBot, ctx: UiContext) -> None:
    from transfers_app.errors import ValidationError

    dialog = editor(qtbot, ctx)
    with pytest.raises(ValidationError, match="name"):
        dialog.value()
    qtbot.keyClicks(dialog.name_edit, "  Aurora Payroll Oy  ")
    dialog.regime_checks[Regime.UK].setChecked(True)
    entity = dialog.value()
    assert entity.name == "Aurora Payroll Oy"
    assert entity.exporter_regimes == (Regime.UK,)
    assert entity.is_own and entity.id is None


def test_edit_classmethod_wraps_exec(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_exec(self: EntityEditor) -> int:
        qtbot.addWidget(self)
        self.owner_edit.setText("Procurement")
        self.save()
        return int(self.result())

    monkeypatch.setattr(EntityEditor, "exec", fake_exec)
    saved = EntityEditor.edit(None, ctx, 7)
    assert saved is not None and saved.owner == "Procurement"
    assert ctx.services.register.store.entities.get(7).owner == "Procurement"

    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text: shown.append(text))
    assert EntityEditor.edit(None, ctx, 9999) is None
    assert "9999" in shown[0]


def test_country_choices_have_names_and_codes() -> None:
    choices = dict((code, label) for label, code in country_choices())
    assert choices["BR"] == "Brazil (BR)"
    assert choices["EPO"].endswith("(EPO)")


def test_add_transfer_opens_the_transfer_editor_with_the_importer_preset(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transfers_app.domain.enums import Access, Role
    from transfers_app.domain.models import Transfer
    from ui.dialogs.transfer_editor import TransferEditor

    calls: list[tuple[object, dict[str, object]]] = []
    repo = ctx.services.register.store

    def fake_edit(parent: object, ctx_: UiContext, **kw: object) -> Transfer | None:
        calls.append((parent, kw))
        if kw.get("importer_id") != 8:
            return None
        return repo.transfers.add(
            Transfer(2, 8, "IN", Access.REMOTE_ACCESS, Role.PROCESSOR, service="Backup support")
        )

    monkeypatch.setattr(TransferEditor, "edit", fake_edit)
    dialog = editor(qtbot, ctx, 8)  # Stratus: a vendor, so it is the importer
    dialog.tabs.setCurrentIndex(2)
    rows = dialog.transfers_table.model().rowCount()
    assert dialog.add_transfer_button.isEnabled()
    qtbot.mouseClick(dialog.add_transfer_button, Qt.MouseButton.LeftButton)
    assert calls == [(dialog, {"importer_id": 8})]
    # The tab reloads with the new transfer selected.
    table = dialog.transfers_table
    assert table.model().rowCount() == rows + 1
    selected = table.selectionModel().selectedRows()[0].row()
    assert table.model().index(selected, 4).data() == "Backup support"

    # Edit… opens the selected transfer.
    qtbot.mouseClick(dialog.edit_transfer_button, Qt.MouseButton.LeftButton)
    saved = next(t for t in repo.transfers.of_entity(8) if t.service == "Backup support")
    assert calls[-1] == (dialog, {"transfer_id": saved.id})

    # For one of our own entities, it is the exporter that is preset.
    own = editor(qtbot, ctx, 2)
    own.tabs.setCurrentIndex(2)
    qtbot.mouseClick(own.add_transfer_button, Qt.MouseButton.LeftButton)
    assert calls[-1] == (own, {"exporter_id": 2})


def test_the_activity_column_shows_the_whole_activity(qtbot: QtBot, ctx: UiContext) -> None:
    """Issue 13: the location editor's Activity combo showed "Heac" for "Headquarters"."""
    dialog = editor(qtbot, ctx)
    dialog.resize(980, 680)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    dialog.add_location()
    row = dialog.location_row(0)
    qtbot.waitUntil(lambda: row.activity.width() > 0)
    widest = max(
        row.activity.fontMetrics().horizontalAdvance(row.activity.itemText(i))
        for i in range(row.activity.count())
    )
    assert row.activity.width() > widest
    dialog.done(0)  # closed without asking to discard the new row
