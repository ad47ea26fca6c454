"""Storage as the app shows it: a save that lost the race to someone else (both versions, and
reload), a read-only register (every page readable, nothing editable, the reason shown), the
journal-mode setting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from support.widgets import cell, shown_main_window

from db import FileStore, SqliteStore, open_db
from transfers_app.domain.enums import EntityKind
from transfers_app.domain.models import Entity
from transfers_app.errors import ConflictError
from transfers_app.ports.storage import JournalMode, StorageInfo
from ui.context import UiContext
from ui.dialogs import conflict_dialog
from ui.dialogs.conflict_dialog import ConflictDialog, compare_versions
from ui.dialogs.entity_editor import EntityEditor
from ui.dialogs.storage_dialog import StorageDialog
from ui.jobs import runner
from ui.main_window import PAGES, MainWindow

AT = datetime(2026, 11, 25, 14, 3, 7, tzinfo=UTC)


def _conflict(record_id: int = 7) -> ConflictError:
    return ConflictError(
        table="entities",
        label="entity",
        record_id=record_id,
        expected_version=2,
        stored_version=3,
        changed_by="alice",
        changed_at=AT,
    )


# -- the conflict dialog ----------------------------------------------------------------------


def test_the_conflict_dialog_shows_who_when_and_both_versions(qtbot: QtBot) -> None:
    opened = Entity(name="Acme", kind=EntityKind.VENDOR, id=7, owner="Legal", notes="x")
    theirs = replace(opened, owner="Procurement", version=3)
    yours = replace(opened, notes="renewed in May")
    dialog = ConflictDialog(_conflict(), opened, theirs, yours)
    qtbot.addWidget(dialog)
    text = dialog.message.text()
    assert "alice saved this entity (#7) on 2026-11-25 at 14:03:07 UTC" in text
    assert "Nothing was overwritten" in text
    # Only the fields that differ between their version and yours, theirs beside yours.
    rows = [
        [cell(dialog.table, r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())
    ]
    assert rows == [
        ["Notes", "x", "x", "renewed in May"],
        ["Owner", "Legal", "Procurement", "Legal"],
    ]
    header = dialog.table.horizontalHeaderItem(2)
    assert header is not None and header.text() == "Saved by alice"
    assert cell(dialog.table, 1, 2).toolTip() == "Their change"
    assert cell(dialog.table, 0, 3).toolTip() == "Your change"
    dialog.only_different.setChecked(False)
    assert dialog.table.rowCount() == len(compare_versions(opened, theirs, yours)) > 2
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    assert dialog.reload_chosen


def test_keep_editing_does_not_reload(qtbot: QtBot) -> None:
    e = Entity(name="Acme", kind=EntityKind.VENDOR, id=7)
    dialog = ConflictDialog(_conflict(), e, None, replace(e, name="Acme Ltd"))
    qtbot.addWidget(dialog)
    assert dialog.keep_button.isDefault()
    assert cell(dialog.table, 0, 2).text() == "(not readable)"
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert not dialog.reload_chosen


def test_a_save_that_lost_the_race_shows_their_version_and_overwrites_nothing(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    entity = ctx.services.entities.list()[3]
    dialog = EntityEditor(ctx, entity)
    qtbot.addWidget(dialog)
    # Alice, on another computer, saves the same entity first.
    other = SqliteStore(
        open_db(ctx.paths.database), actor="alice", files=FileStore(ctx.paths.files)
    )
    try:
        other.entities.update(replace(entity, owner="Procurement"))
    finally:
        other.close()
    shown: list[tuple[ConflictError, object, object, object]] = []

    def ask(parent: object, error: ConflictError, opened: object, theirs: object, yours: object):  # type: ignore[no-untyped-def]
        shown.append((error, opened, theirs, yours))
        return True  # reload theirs

    monkeypatch.setattr(conflict_dialog.ConflictDialog, "ask", ask)
    dialog.notes_edit.setPlainText("Renewed in May.")
    assert dialog.save() is None

    [(error, opened, theirs, yours)] = shown
    assert error.changed_by == "alice"
    assert "changed elsewhere by alice" in str(error)
    assert isinstance(theirs, Entity) and theirs.owner == "Procurement"
    assert isinstance(yours, Entity) and yours.notes == "Renewed in May."
    assert opened == entity
    assert dialog.reload_requested and dialog.result() == QDialog.DialogCode.Rejected
    stored = ctx.services.entities.get(entity.id or 0)
    assert stored.owner == "Procurement" and stored.notes == entity.notes  # nothing overwritten


def test_reload_opens_the_editor_again_on_their_version(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    entity = ctx.services.entities.list()[3]
    opened: list[Entity | None] = []
    monkeypatch.setattr(conflict_dialog.ConflictDialog, "ask", lambda *args: True)  # reload

    def run(editor: EntityEditor) -> int:
        qtbot.addWidget(editor)
        opened.append(editor.original)
        if len(opened) == 1:  # alice saves first, then the user's save loses the race
            other = SqliteStore(
                open_db(ctx.paths.database), actor="alice", files=FileStore(ctx.paths.files)
            )
            other.entities.update(replace(entity, owner="Procurement"))
            other.close()
            editor.notes_edit.setPlainText("Renewed in May.")
            assert editor.save() is None
        else:
            editor.reject()  # nothing changed on their version: closes without a question
        return 0

    monkeypatch.setattr(EntityEditor, "exec", run)
    assert EntityEditor.edit(None, ctx, entity.id) is None
    [first, second] = opened
    assert first == entity
    assert second is not None and second.owner == "Procurement" and second.notes == entity.notes


# -- a read-only register ---------------------------------------------------------------------


@pytest.fixture
def read_only_window(qtbot: QtBot, read_only_ctx: UiContext, tmp_path: Path) -> MainWindow:
    return shown_main_window(qtbot, read_only_ctx, tmp_path)


def test_a_read_only_register_says_why_and_hides_every_edit(
    read_only_window: MainWindow, read_only_ctx: UiContext
) -> None:
    w = read_only_window
    assert read_only_ctx.read_only == "the file is read-only"
    assert w.read_only_banner.isVisible()
    assert "Read-only:</b> the file is read-only" in w.read_only_banner.text()
    assert w.windowTitle() == "Transfer Register (read-only)"
    assert "(read-only)" in w.db_label.text()
    for action in (w.act_new, w.act_import, w.act_archive, w.act_undo):
        assert not action.isEnabled()
        assert action.toolTip() == "The register is read-only (the file is read-only)"
    # Exports stay.
    assert w.act_export.isEnabled() and w.act_export_pack.isEnabled()
    for row, (key, _, _) in enumerate(PAGES):
        w.nav.setCurrentRow(row)
        page = w.pages[key]
        assert runner().wait(msecs=10_000)
        for control in page.edit_controls():
            assert control.isHidden(), (key, control)
    register = w.pages["register"]
    assert register.model.rowCount() > 0  # type: ignore[attr-defined]


def test_an_editor_on_a_read_only_register_cannot_save(
    qtbot: QtBot, read_only_ctx: UiContext
) -> None:
    entity = read_only_ctx.services.entities.list()[0]
    dialog = EntityEditor(read_only_ctx, entity)
    qtbot.addWidget(dialog)
    dialog.notes_edit.setPlainText("changed")
    assert not dialog.save_button.isEnabled()
    why = "The register is read-only (the file is read-only): nothing can be saved"
    assert dialog.save_button.toolTip() == why
    assert dialog.general_error.text() == why and not dialog.general_error.isHidden()


def test_the_storage_dialog_offers_shared_drive_mode(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = ctx.services.settings.storage()
    assert info.journal is JournalMode.WAL and info.read_only is None
    monkeypatch.setattr(StorageDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(
        StorageDialog, "value", lambda self: JournalMode.ROLLBACK
    )  # the user picks the shared drive
    assert StorageDialog.run(None, ctx) is JournalMode.ROLLBACK
    assert ctx.services.settings.storage().journal is JournalMode.ROLLBACK
    [entry] = ctx.services.audit.entries(1, table="settings")
    assert entry.actor == "tester"
    assert '"journal_mode"' in (entry.after or "") and '"rollback"' in (entry.after or "")
    assert ctx.services.audit.verify().intact


def test_the_storage_dialog_on_a_read_only_register_offers_no_choice(qtbot: QtBot) -> None:
    info = StorageInfo(
        "/share/register.db",
        read_only="the file is read-only",
        journal=JournalMode.ROLLBACK,
        network_drive="cifs",
    )
    dialog = StorageDialog(info)
    qtbot.addWidget(dialog)
    assert "network drive (cifs)" in dialog.summary.text()
    assert "Read-only:</b> the file is read-only" in dialog.summary.text()
    assert dialog.buttons[JournalMode.ROLLBACK].isChecked()
    assert not any(b.isEnabled() for b in dialog.buttons.values())
    assert dialog.value() is JournalMode.ROLLBACK


def test_shared_drive_mode_chosen_in_a_running_window(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = shown_main_window(qtbot, ctx, tmp_path)
    for row in range(window.nav.count()):  # every page has read the register in the background
        window.nav.setCurrentRow(row)
    assert runner().wait(msecs=10_000)
    assert "shared-drive" not in window.db_label.text()
    monkeypatch.setattr(StorageDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(StorageDialog, "value", lambda self: JournalMode.ROLLBACK)
    window.show_storage()
    assert ctx.services.settings.storage().journal is JournalMode.ROLLBACK
    assert window.db_label.text().endswith("(shared-drive mode)")
    assert window.statusBar().currentMessage() == "The register now uses the rollback journal"


def test_the_storage_dialog_returns_the_mode_ticked(qtbot: QtBot) -> None:
    info = StorageInfo(
        "/share/register.db",
        journal=JournalMode.WAL,
        network_drive="cifs",
        warnings=("It is on a network drive in WAL mode: choose the shared drive.",),
    )
    dialog = StorageDialog(info)
    qtbot.addWidget(dialog)
    assert "choose the shared drive" in dialog.summary.text()
    assert dialog.value() is JournalMode.WAL
    dialog.buttons[JournalMode.ROLLBACK].click()
    assert dialog.value() is JournalMode.ROLLBACK
