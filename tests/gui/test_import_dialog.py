"""The import dialog: real widgets driven with qtbot; exec() is never called."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot
from support.widgets import choose
from support.workbooks import write_xlsx

from transfers_app.domain.enums import EntityKind, Role
from transfers_app.errors import StorageError
from transfers_app.services.importing import Field, ImportResult, Outcome
from ui import messages
from ui.context import UiContext
from ui.dialogs.import_dialog import ImportDialog
from ui.main_window import MainWindow
from ui.models.import_preview import PreviewModel

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
GERMAN = FIXTURES / "unterauftragsverarbeiter_utf8_bom.csv"
HOSTILE = FIXTURES / "hostile_strings.csv"
CP1252 = FIXTURES / "vendors_windows1252.csv"


def dialog_for(qtbot: QtBot, ctx: UiContext, path: Path | None = None) -> ImportDialog:
    dialog = ImportDialog(ctx, None, path)
    qtbot.addWidget(dialog)
    return dialog


def column(dialog: ImportDialog, name: str) -> list[str]:
    model = dialog.preview_model
    col = next(c for c, h in PreviewModel.headers.items() if h == name)
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_the_guess_is_shown_and_every_row_is_previewed(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = dialog_for(qtbot, ctx, GERMAN)
    assert dialog.column_combo("Unterauftragsverarbeiter").currentData() == "name"
    assert dialog.column_combo("Standort").currentData() == "locations"
    assert dialog.column_combo("Zweck").currentData() == "purpose"
    assert "header on row 3" in dialog.read_label.text()
    assert "guessed" in dialog.read_label.text()
    assert column(dialog, "Row") == ["4", "5", "6", "7", "8", "9"]
    assert column(dialog, "Status") == ["Changed", "New", "New", "New", "New", "New"]
    assert column(dialog, "Countries")[1] == "US, IE"
    assert column(dialog, "To review")[4] == "Weltweit"
    assert "address: + Hauptstraße 5, 10115 Berlin" in column(dialog, "What changes")[0]
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "Import 5 new and 1 changed"
    assert "1 location to review" in dialog.summary_label.text()


def test_the_preview_model_is_a_well_behaved_qt_model(
    qtbot: QtBot, ctx: UiContext, qtmodeltester: object
) -> None:
    dialog = dialog_for(qtbot, ctx, GERMAN)
    qtmodeltester.check(dialog.preview_model)  # type: ignore[attr-defined]


def test_changing_a_column_updates_the_preview_at_once(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = dialog_for(qtbot, ctx, GERMAN)
    choose(dialog.column_combo("Standort"), "")
    assert column(dialog, "Countries")[1] == ""  # Wolke Sieben: no location left
    assert column(dialog, "Countries")[2] == "FR"  # the address still gives Paris
    assert "to review" not in dialog.summary_label.text()
    assert "as you mapped them" in dialog.read_label.text()


def test_a_field_that_takes_one_column_leaves_the_column_that_had_it(
    qtbot: QtBot, ctx: UiContext
) -> None:
    dialog = dialog_for(qtbot, ctx, GERMAN)
    dialog.set_column("Zweck", Field.NAME)
    assert dialog.column_combo("Unterauftragsverarbeiter").currentData() == ""
    assert column(dialog, "Name")[0] == "Webanalyse"


def test_import_is_disabled_when_no_row_can_be_imported(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = dialog_for(qtbot, ctx, GERMAN)
    dialog.set_column("Unterauftragsverarbeiter", None)
    assert set(column(dialog, "Status")) == {"Not imported"}
    assert not dialog.import_button.isEnabled()
    before = ctx.services.register.store.queries.counts().entities
    dialog.accept()
    assert ctx.services.register.store.queries.counts().entities == before


def test_import_writes_everything_and_the_mapping_is_remembered(
    qtbot: QtBot, ctx: UiContext
) -> None:
    before = ctx.services.register.store.queries.counts().entities
    dialog = dialog_for(qtbot, ctx, GERMAN)
    dialog.set_column("Zweck", Field.SERVICE)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.imported is not None
    assert (dialog.imported.created, dialog.imported.updated) == (5, 1)
    assert ctx.services.register.store.queries.counts().entities == before + 5

    again = dialog_for(qtbot, ctx, GERMAN)
    assert "as you mapped them last time" in again.read_label.text()
    assert again.column_combo("Zweck").currentData() == "service"
    assert set(column(again, "Status")) == {"Unchanged"}
    assert not again.import_button.isEnabled()


def test_a_failed_import_says_why_writes_nothing_and_stays_open(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch, error_texts: list[str]
) -> None:
    dialog = dialog_for(qtbot, ctx, CP1252)
    repo = ctx.services.register.store
    before = (
        repo.queries.counts().entities,
        repo.queries.counts().locations,
        repo.queries.counts().audit_entries,
    )

    def broken(action: str, detail: str) -> None:  # the import's audit note, written last
        raise StorageError("the disk is full")

    monkeypatch.setattr(repo.audit, "note", broken)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and dialog.imported is None
    assert error_texts == ["<p>the disk is full; nothing was imported</p>"]
    assert (
        repo.queries.counts().entities,
        repo.queries.counts().locations,
        repo.queries.counts().audit_entries,
    ) == before


def test_an_unreadable_file_is_a_message_naming_it(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, error_texts: list[str]
) -> None:
    bad = tmp_path / "list.csv"
    bad.write_bytes(b"")
    dialog = dialog_for(qtbot, ctx)
    assert not dialog.load(bad)
    assert error_texts == ["<p>list.csv is empty</p>"]
    assert dialog.table is None and not dialog.import_button.isEnabled()


def test_hostile_strings_are_shown_as_text_never_as_markup(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = dialog_for(qtbot, ctx, HOSTILE)
    names = column(dialog, "Name")
    assert "<b>R&D</b> Ltd" in names
    assert '=HYPERLINK("http://evil.example","Click me")' in names
    website_row = dialog.table.headers.index("Website") if dialog.table else -1
    item = dialog.mapping_table.item(website_row, 1)
    assert item is not None
    tip = item.toolTip()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tip and "<script>" not in tip
    model = dialog.preview_model
    row = names.index("<b>R&D</b> Ltd")
    tip = model.index(row, PreviewModel.PROBLEMS).data(Qt.ItemDataRole.ToolTipRole)
    assert "not a web address" in tip
    dialog.preview_view.selectRow(row)
    assert dialog.detail_label.textFormat() is Qt.TextFormat.PlainText
    assert dialog.detail_label.text().startswith("Row 3: <b>R&D</b> Ltd - New")
    assert set(column(dialog, "Status")) == {"New", "Not imported"}
    assert dialog.import_button.text() == "Import 9 new and 0 changed"


def test_show_only_rows_with_problems(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = dialog_for(qtbot, ctx, CP1252)
    assert dialog.preview_model.rowCount() == 7
    choose(dialog.show_combo, "problems")
    assert column(dialog, "Name") == [
        "Crème Brûlée Support Ltd",
        "Atlas Cloud Inc.",
        "Amstel Hosting B.V.",
        "Flexi CRM Ltd",
    ]
    choose(dialog.show_combo, "skipped")
    assert dialog.preview_model.rowCount() == 0


def test_choosing_our_sending_entity_plans_transfers(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = dialog_for(qtbot, ctx, CP1252)
    assert "no transfers are created" in dialog.summary_label.text()
    choose(dialog.exporter_combo, "Keystone Access Europe Ltd")
    choose(dialog.role_combo, Role.SUBPROCESSOR)
    choose(dialog.kind_combo, EntityKind.GROUP)
    assert "no transfers are created" not in dialog.summary_label.text()
    assert column(dialog, "What changes")[2] == "new entity, 3 transfers"
    dialog.accept()
    assert dialog.imported is not None and dialog.imported.transfers_added == 8
    repo = ctx.services.register.store
    (nordlicht,) = [e for e in repo.entities.list() if e.name == "Nordlicht Analytics Oy"]
    assert nordlicht.kind is EntityKind.GROUP and nordlicht.id is not None
    transfers = repo.transfers.of_entity(nordlicht.id)
    assert {t.importer_role for t in transfers} == {Role.SUBPROCESSOR}


def test_an_xlsx_with_two_lists_lets_the_user_pick_the_sheet(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "lists.xlsx",
        {
            "Vendors": [["Vendor", "Country"], ["Uno Srl", "Italia"]],
            "Subprocessors": [
                ["Subprocessor", "Location"],
                ["Dos SL", "España"],
                ["Tres SA", "Portugal"],
            ],
        },
    )
    dialog = dialog_for(qtbot, ctx, path)
    assert not dialog.sheet_combo.isHidden()
    assert column(dialog, "Name") == ["Uno Srl"]
    choose(dialog.sheet_combo, "Subprocessors")
    assert column(dialog, "Name") == ["Dos SL", "Tres SA"]
    assert column(dialog, "Countries") == ["ES", "PT"]


def test_file_menu_import_refreshes_the_window(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    QCoreApplication.setOrganizationName("Transfer Register Tests")
    QCoreApplication.setApplicationName(f"tests-{tmp_path.name}")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    assert "&Import suppliers…" in [a.text() for a in file_menu.actions()]
    refreshed: list[bool] = []
    monkeypatch.setattr(window, "register_changed", lambda: refreshed.append(True))
    result = ImportResult("list.csv", 2, 1, 0, 0, 3, 0, 0, (1, 2, 3))
    monkeypatch.setattr(ImportDialog, "run", classmethod(lambda cls, parent, c: result))
    window.act_import.trigger()
    assert refreshed == [True]
    assert window.statusBar().currentMessage().startswith("Imported list.csv: 2 new, 1 changed")
    monkeypatch.setattr(ImportDialog, "run", classmethod(lambda cls, parent, c: None))
    window.act_import.trigger()
    assert refreshed == [True]


def test_outcomes_are_words_not_only_colours(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = dialog_for(qtbot, ctx, HOSTILE)
    statuses = column(dialog, "Status")
    skipped = statuses.index("Not imported")
    model = dialog.preview_model
    assert model.index(skipped, PreviewModel.STATUS).data(Qt.ItemDataRole.ForegroundRole)
    assert dialog.preview is not None
    assert dialog.preview.rows[skipped].outcome is Outcome.SKIPPED


def test_run_asks_for_a_file_then_imports_on_confirmation(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messages, "open_file", lambda *a, **k: GERMAN)
    seen: list[ImportDialog] = []

    def confirm(self: ImportDialog) -> int:  # stands in for exec(): the user clicks Import
        seen.append(self)
        qtbot.addWidget(self)
        self.accept()
        return 1

    monkeypatch.setattr(ImportDialog, "exec", confirm)
    result = ImportDialog.run(None, ctx)
    assert result is not None and result.created == 5
    assert seen[0].file_edit.text() == str(GERMAN)
    monkeypatch.setattr(messages, "open_file", lambda *a, **k: None)
    assert ImportDialog.run(None, ctx) is None  # cancelled: no dialog, nothing written
    assert len(seen) == 1


def test_the_mapping_grid_shows_every_column_of_the_file(
    qtbot: QtBot, ctx: UiContext, tmp_path: Path
) -> None:
    """Issue 13: the grid showed two of a list's four columns (the rest behind a scroll bar),
    and "Imports as" cut its boxes short."""
    listed = tmp_path / "subprocessors.csv"
    listed.write_text(
        "Sub-processor,Services,Location of processing,Safeguard\n"
        'Nimbus Hosting Ltd,Cloud hosting,"Dublin, Ireland",Adequacy\n'
        'Acme Analytics Inc,Product analytics,"Austin, TX, United States",EU SCCs\n',
        "utf-8",
    )
    dialog = dialog_for(qtbot, ctx, listed)
    dialog.resize(1100, 760)  # what fits a 1280x800 screen
    dialog.show()
    qtbot.waitExposed(dialog)
    grid = dialog.mapping_table
    rows = grid.rowCount()
    assert rows == 4
    last = grid.visualRect(grid.model().index(rows - 1, 0))
    assert last.bottom() <= grid.viewport().height()
    for r in range(rows):
        box = grid.cellWidget(r, 2)
        assert box is not None and box.width() >= box.sizeHint().width()
    dialog.done(0)
