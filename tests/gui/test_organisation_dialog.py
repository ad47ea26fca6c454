"""Settings ▸ Organisation: the profile typed in, checked beside each field, saved (audited)
only when complete; offered on first start after the demo/clean choice."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit
from pytestqt.qtbot import QtBot

from transfers_app.domain.organisation import OrganisationProfile
from transfers_app.services.organisation import OrganisationService
from ui.app import ORGANISATION_INTRO, FirstStartDialog, first_start
from ui.context import UiContext
from ui.dialogs.organisation_dialog import OrganisationDialog

FILLED = {
    "name": "Harbourline",
    "legal_name": "Harbourline Analytics Limited",
    "registration_number": "ZB123456",
    "dpo_name": "Priya Raman",
    "dpo_email": "dpo@harbourline.example",
}


def dialog_for(qtbot: QtBot, service: OrganisationService, intro: str = "") -> OrganisationDialog:
    dialog = OrganisationDialog(service.get(), service.problems, intro=intro)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_into(qtbot: QtBot, dialog: OrganisationDialog, field: str, text: str) -> None:
    edit = dialog.edits[field]
    if isinstance(edit, QPlainTextEdit):
        edit.setPlainText(text)
    else:
        edit.clear()
        qtbot.keyClicks(edit, text)


def message_of(dialog: OrganisationDialog, field: str) -> str:
    label = dialog.findChild(QLabel, f"error-{field}")
    assert label is not None
    return label.text() if label.isVisibleTo(dialog) else ""


def test_an_empty_profile_cannot_be_saved_and_says_what_is_missing(
    qtbot: QtBot, empty_ctx: UiContext
) -> None:
    dialog = dialog_for(qtbot, empty_ctx.services.organisation)
    assert not dialog.save_button.isEnabled()
    # Untouched fields keep quiet beside them; the foot says what Save needs.
    assert message_of(dialog, "name") == ""
    assert dialog.summary.text().startswith("To save, fill in: Name is required")
    assert dialog.no_signers.isVisibleTo(dialog)


def test_a_bad_email_is_named_beside_its_field_and_save_waits_for_a_valid_profile(
    qtbot: QtBot, empty_ctx: UiContext
) -> None:
    service = empty_ctx.services.organisation
    dialog = dialog_for(qtbot, service)
    for field, text in FILLED.items():
        type_into(qtbot, dialog, field, text)
    type_into(qtbot, dialog, "dpo_email", "dpo.harbourline.example")
    assert "'dpo.harbourline.example' is not an email address" in message_of(dialog, "dpo_email")
    assert not dialog.save_button.isEnabled() and dialog.value() is None
    type_into(qtbot, dialog, "dpo_email", "dpo@harbourline.example")
    assert message_of(dialog, "dpo_email") == ""
    # A signer with a bad email is named on its own row.
    qtbot.mouseClick(dialog.add_signer_button, Qt.MouseButton.LeftButton)
    assert not dialog.no_signers.isVisibleTo(dialog)
    (row,) = dialog.signer_rows
    qtbot.keyClicks(row.name, "Tom Ellis")
    qtbot.keyClicks(row.role, "Head of Legal")
    qtbot.keyClicks(row.email, "tom.ellis")
    assert row.message.isVisibleTo(dialog) and "Email" in row.message.text()
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(row.email, "@harbourline.example")
    assert dialog.save_button.isEnabled()
    type_into(qtbot, dialog, "address", "4 Quay Street\nBristol BS1 4DB")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == OrganisationDialog.DialogCode.Accepted
    profile = dialog.value()
    assert profile is not None
    service.save(profile)
    saved = service.get()
    assert saved.legal_name == "Harbourline Analytics Limited"
    assert saved.address == "4 Quay Street\nBristol BS1 4DB"
    assert [(p.name, p.email) for p in saved.signers] == [
        ("Tom Ellis", "tom.ellis@harbourline.example")
    ]
    (entry,) = empty_ctx.services.audit.entries(table="organisation")
    assert json.loads(entry.after or "{}")["registration_number"] == "ZB123456"


def test_removing_the_last_signer_says_who_signs_instead(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = dialog_for(qtbot, ctx.services.organisation)  # the demo's two signers
    assert len(dialog.signer_rows) == 2 and not dialog.no_signers.isVisibleTo(dialog)
    for _ in range(2):
        qtbot.mouseClick(dialog.signer_rows[0].remove, Qt.MouseButton.LeftButton)
    assert dialog.signer_rows == []
    assert "data protection officer prepares and signs" in dialog.no_signers.text()
    assert dialog.no_signers.isVisibleTo(dialog)
    # Cancelling with changes asks first.
    asked: list[bool] = []

    def discard(_parent: object) -> bool:
        asked.append(True)
        return True

    monkeypatch.setattr("ui.messages.discard_changes", discard)
    dialog.reject()
    assert asked


@pytest.mark.parametrize("choice", [FirstStartDialog.DEMO, FirstStartDialog.CLEAN])
def test_first_start_offers_the_profile_after_the_demo_or_clean_choice(
    empty_ctx: UiContext, monkeypatch: pytest.MonkeyPatch, choice: int
) -> None:
    def chosen(self: FirstStartDialog) -> int:
        self.choice = choice
        return 1

    offered: list[tuple[str, OrganisationProfile]] = []

    def edit(_cls: object, _parent: object, service: OrganisationService, intro: str = "") -> None:
        offered.append((intro, service.get()))

    monkeypatch.setattr(FirstStartDialog, "exec", chosen)
    monkeypatch.setattr(OrganisationDialog, "edit", classmethod(edit))
    services = empty_ctx.services
    first_start(services, empty_ctx.today)
    assert not services.setup.first_start_pending()
    ((intro, profile),) = offered
    assert intro == ORGANISATION_INTRO[choice]
    # The demo's fictional organisation is shown to be replaced; a clean register has none.
    assert profile.is_empty is (choice == FirstStartDialog.CLEAN)


def test_on_first_start_the_profile_may_wait(qtbot: QtBot, empty_ctx: UiContext) -> None:
    service = empty_ctx.services.organisation
    dialog = dialog_for(qtbot, service, ORGANISATION_INTRO[FirstStartDialog.CLEAN])
    assert dialog.cancel_button.text() == "Later"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # nothing typed: no ask
    assert dialog.result() == OrganisationDialog.DialogCode.Rejected
    assert service.get().is_empty
