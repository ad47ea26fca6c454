"""The export dialogs over the demo register: real widgets and real exports on a background
thread, driven with qtbot; exec() is never called and nothing sleeps."""

from __future__ import annotations

import json
import re
import threading
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QRect, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence
from pytestqt.qtbot import QtBot

from transfers_app.domain.enums import Activity, Severity
from transfers_app.domain.models import Location
from transfers_app.errors import TransfersError
from transfers_app.services.exporting import ExportService
from transfers_app.services.open_items import readiness
from transfers_app.services.public_list import PUBLIC_LIST, PublicListService
from transfers_app.services.register_export import ExportFormat
from ui import messages
from ui.context import UiContext
from ui.dialogs.export_dialogs import (
    CANCELLED_TEXT,
    EvidencePackDialog,
    PublicListDialog,
    RegisterExportDialog,
)
from ui.main_window import MainWindow
from ui.models.exports import ChangesModel, FindingsModel

TODAY = date(2026, 11, 25)  # the demo register's day (conftest)
SLOW = 60_000  # ms: a real export on a busy 2-core machine
STRATUS = "Stratus Cloud Hosting, Inc."


class Said:
    """What the dialogs told the user through ui.messages (patched: no box ever opens)."""

    def __init__(self, open_folder: bool = False) -> None:
        self.errors: list[str] = []
        self.saved: list[str] = []
        self.confirms: list[str] = []
        self.open_folder = open_folder

    def file_saved(self, _parent: object, text: str) -> bool:
        self.saved.append(text)
        return self.open_folder

    def error(self, _parent: object, text: str) -> None:
        self.errors.append(text)

    def confirm(self, _parent: object, text: str) -> bool:
        self.confirms.append(text)
        return True


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> Said:
    s = Said()
    monkeypatch.setattr(messages, "file_saved", s.file_saved)
    monkeypatch.setattr(messages, "error", s.error)
    monkeypatch.setattr(messages, "confirm", s.confirm)
    monkeypatch.setattr(messages, "info", lambda *_a: None)
    return s


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def click(qtbot: QtBot, button: Any) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# -- the register ---------------------------------------------------------------------------------


def register_dialog(qtbot: QtBot, ctx: UiContext, fmt: ExportFormat) -> RegisterExportDialog:
    dialog = RegisterExportDialog(ctx, fmt)
    qtbot.addWidget(dialog)
    return dialog


def test_csv_export_writes_the_demo_register_and_offers_its_folder(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    said.open_folder = True
    out = tmp_path / "out"
    out.mkdir()
    dialog = register_dialog(qtbot, ctx, ExportFormat.CSV)
    dialog.set_path(out / "register.csv")
    click(qtbot, dialog.export_button)
    assert dialog.progress is not None and dialog.progress.isVisible()
    assert dialog.progress.isModal()
    assert not dialog.export_button.isEnabled()  # one export at a time
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=SLOW)
    text = (out / "register.csv").read_text("utf-8-sig")
    for name in (STRATUS, "株式会社サクラ翻訳", "Łódź Software House sp. z o.o."):
        assert name in text
    assert leftovers(out) == ["register.csv"]  # no temporary file left beside it
    assert dialog.progress is None  # the progress dialog is gone
    assert len(said.saved) == 1 and str(out / "register.csv") in said.saved[0]
    assert "20 entities" in said.saved[0]
    assert opened == [QUrl.fromLocalFile(str(out))]
    assert said.errors == []


def test_the_file_extension_follows_the_format(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = register_dialog(qtbot, ctx, ExportFormat.PDF)
    assert dialog.path() is not None and dialog.path().suffix == ".pdf"  # type: ignore[union-attr]
    dialog.format_buttons[ExportFormat.XLSX].click()
    assert dialog.path().suffix == ".xlsx"  # type: ignore[union-attr]
    # A name chosen with another format's extension switches the format...
    monkeypatch.setattr(messages, "save_file", lambda *_a: tmp_path / "all.json")
    click(qtbot, dialog.save_row.button)
    assert dialog.format() is ExportFormat.JSON
    assert dialog.path() == tmp_path / "all.json"
    # ...and one without an extension gets the format's.
    monkeypatch.setattr(messages, "save_file", lambda *_a: tmp_path / "register")
    click(qtbot, dialog.save_row.button)
    assert dialog.path() == tmp_path / "register.json"


def gate_register_export(monkeypatch: pytest.MonkeyPatch, released: threading.Event) -> None:
    """A slow producer: the real export, held at its first progress report until the test
    has clicked Cancel; the next report then sees the cancel."""
    real = ExportService.register

    def slow(*args: Any, progress: Callable[[int, int], None], **kwargs: Any) -> Any:
        def held(done: int, total: int) -> None:
            progress(done, total)  # the dialog hears of it
            released.wait(30)
            progress(done, total)  # raises ExportCancelled once Cancel was clicked

        return real(*args, progress=held, **kwargs)

    monkeypatch.setattr(ExportService, "register", slow)


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX])
def test_cancel_mid_way_leaves_no_file(
    qtbot: QtBot,
    ctx: UiContext,
    said: Said,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: ExportFormat,
) -> None:
    released = threading.Event()
    gate_register_export(monkeypatch, released)
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"register.{fmt.value}"
    dialog = register_dialog(qtbot, ctx, fmt)
    dialog.set_path(target)
    click(qtbot, dialog.export_button)
    progress = dialog.progress
    assert progress is not None
    qtbot.waitUntil(lambda: progress.bar.maximum() > 0, timeout=SLOW)  # the first report
    assert f"register.{fmt.value}" in progress.detail.text()
    try:
        click(qtbot, progress.cancel_button)
        assert progress.cancel_button.text() == "Cancelling…"
    finally:
        released.set()
    qtbot.waitUntil(lambda: dialog.status_label.text() == CANCELLED_TEXT, timeout=SLOW)
    assert not target.exists()
    assert leftovers(out) == []  # not even a temporary file
    assert not progress.isVisible()
    assert dialog.outcome is None and said.errors == [] and said.saved == []
    assert dialog.export_button.isEnabled()  # the user can try again


def test_a_pdf_shows_a_busy_bar_while_laid_out_and_cancels_before_it(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    released = threading.Event()
    gate_register_export(monkeypatch, released)
    out = tmp_path / "out"
    out.mkdir()
    dialog = register_dialog(qtbot, ctx, ExportFormat.PDF)
    dialog.set_path(out / "register.pdf")
    click(qtbot, dialog.export_button)
    progress = dialog.progress
    assert progress is not None
    try:
        qtbot.waitUntil(lambda: "Laying out" in progress.detail.text(), timeout=SLOW)
        assert progress.detail.text() == "Laying out register.pdf (20 lines)…"
        assert progress.bar.maximum() == 0  # busy: the layout reports no steps
        click(qtbot, progress.cancel_button)
    finally:
        released.set()
    qtbot.waitUntil(lambda: dialog.status_label.text() == CANCELLED_TEXT, timeout=SLOW)
    assert leftovers(out) == []


def test_an_unwritable_path_is_a_message_not_a_traceback(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path
) -> None:
    target = tmp_path / "no such folder" / "register.csv"
    dialog = register_dialog(qtbot, ctx, ExportFormat.CSV)
    dialog.set_path(target)
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(lambda: bool(said.errors), timeout=SLOW)
    assert "does not exist" in said.errors[0]
    assert "no such folder" in said.errors[0]
    assert "Not written" in dialog.status_label.text()
    assert dialog.outcome is None and said.saved == []
    assert dialog.progress is None
    assert dialog.export_button.isEnabled()
    assert not target.parent.exists()


def test_a_typed_path_to_an_existing_file_asks_before_replacing(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "register.json"
    target.write_text("keep me", "utf-8")
    monkeypatch.setattr(messages, "confirm", lambda *_a: False)
    dialog = register_dialog(qtbot, ctx, ExportFormat.JSON)
    dialog.set_path(target)
    assert dialog.start() is False
    assert target.read_text("utf-8") == "keep me"
    assert dialog.progress is None


# -- the evidence pack ---------------------------------------------------------------------------


def pack_dialog(qtbot: QtBot, ctx: UiContext) -> EvidencePackDialog:
    dialog = EvidencePackDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=SLOW)
    return dialog


def test_the_pack_shows_the_readiness_check_and_needs_the_acknowledgment(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Dated and owned from the register, with the facts the assessments rely on.
    expected = readiness(ctx.status(), facts=ctx.services.open_items.facts())
    assert not expected.ready  # the demo has deliberate gaps
    dialog = pack_dialog(qtbot, ctx)
    for key, _title, n in expected.headline:
        assert dialog.count_labels[key].text() == str(n)
    # Transfers, not findings (issue 11): Istanbul (UK and EU), Pampas, Indus on bare EU SCCs
    # (once dropped as "other"), the expired Singapore IDTA and the lapsed Meridian SCCs.
    assert dialog.count_labels["no_mechanism"].text() == "5"
    # Each counted in its own unit, not added up into one number of "items".
    facts = expected.count("unverified")
    assert dialog.check_heading.text() == (
        "Open on 25 Nov 2026 in what an inquiry asks about first: 9 transfers, 1 entity "
        f"without a country and {facts} unverified reference facts relied on; worst first below."
    )
    table = dialog.findings_table.model()
    assert table.rowCount() == len(expected.findings)
    ranks = [
        Severity(table.index(r, FindingsModel.SEVERITY).data().lower()).rank
        for r in range(table.rowCount())
    ]
    assert ranks == sorted(ranks) and ranks[0] == Severity.CRITICAL.rank  # worst first
    assert dialog.open_note.isVisibleTo(dialog)
    assert "The pack will record these open items" in dialog.open_note.text()

    out = tmp_path / "out"
    out.mkdir()
    target = out / "pack.zip"
    dialog.set_path(target)
    assert dialog.export_button.text() == "Export anyway…"
    assert not dialog.export_button.isEnabled()
    assert "reviewed the open items" in dialog.export_button.toolTip()
    dialog.ack_check.click()
    assert dialog.export_button.isEnabled()

    # Hold the pack at the Stratus assessment to see the progress dialog name it.
    released = threading.Event()
    real = ExportService.evidence_pack

    def held(*args: Any, progress: Callable[[int, int, str], bool], **kwargs: Any) -> Any:
        def step(done: int, total: int, what: str) -> bool:
            go_on = progress(done, total, what)
            if what.startswith("assessments/TIA-0004-v1"):
                released.wait(30)
            return go_on

        return real(*args, progress=step, **kwargs)

    monkeypatch.setattr(ExportService, "evidence_pack", held)
    click(qtbot, dialog.export_button)
    progress = dialog.progress
    assert progress is not None
    try:
        qtbot.waitUntil(lambda: "TIA-0004-v1" in progress.detail.text(), timeout=SLOW)
        # "Inc." loses its last dot in a file name: "…Hosting, Inc.pdf".
        assert re.fullmatch(
            r"Writing assessments/TIA-0004-v1 Stratus Cloud Hosting, Inc\.pdf … \(\d+ of \d+\)",
            progress.detail.text(),
        )
        assert progress.bar.maximum() > progress.bar.value() > 0
    finally:
        released.set()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=SLOW)
    with zipfile.ZipFile(target) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = z.namelist()
    listed = [f["path"] for f in manifest["files"]]
    assert listed[0] == "00-cover-letter.pdf"
    assert "00-cover-letter.pdf" in names
    assert manifest["open_items"]["no_mechanism"] == 5
    assert len(said.saved) == 1
    assert f"Wrote the evidence pack ({len(listed) + 1} files) to {target}" in said.saved[0]
    assert leftovers(out) == ["pack.zip"]


def test_cancelling_the_pack_leaves_no_zip(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    released = threading.Event()
    real = ExportService.evidence_pack

    def held(*args: Any, progress: Callable[[int, int, str], bool], **kwargs: Any) -> Any:
        def step(done: int, total: int, what: str) -> bool:
            progress(done, total, what)
            if what.startswith("assessments/"):
                released.wait(30)
            return progress(done, total, what)

        return real(*args, progress=step, **kwargs)

    monkeypatch.setattr(ExportService, "evidence_pack", held)
    out = tmp_path / "out"
    out.mkdir()
    dialog = pack_dialog(qtbot, ctx)
    dialog.set_path(out / "pack.zip")
    dialog.ack_check.click()
    click(qtbot, dialog.export_button)
    progress = dialog.progress
    assert progress is not None
    try:
        qtbot.waitUntil(lambda: "assessments/" in progress.detail.text(), timeout=SLOW)
        click(qtbot, progress.cancel_button)
    finally:
        released.set()
    qtbot.waitUntil(lambda: dialog.status_label.text() == CANCELLED_TEXT, timeout=SLOW)
    assert leftovers(out) == []
    assert said.saved == [] and said.errors == []


def test_the_pack_scope_narrows_the_readiness_check(
    qtbot: QtBot, ctx: UiContext, said: Said
) -> None:
    dialog = pack_dialog(qtbot, ctx)
    whole = dialog.findings_model.rowCount()
    dialog.ack_check.click()
    dialog.entity_filter.setText("meridian")
    assert dialog.entities_proxy.rowCount() == 1
    index = dialog.entities_proxy.index(0, 0)
    assert index.data() == "Meridian Recovery Services Pvt. Ltd."
    dialog.entities_proxy.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert dialog.scope_entities.isChecked()  # ticking an entity chooses that scope
    subjects = {
        dialog.findings_model.index(r, FindingsModel.ENTITY).data()
        for r in range(dialog.findings_model.rowCount())
    }
    assert subjects == {"Meridian Recovery Services Pvt. Ltd."}
    assert 0 < dialog.findings_model.rowCount() < whole
    assert not dialog.ack_check.isChecked()  # other open items: reviewed again
    # Choosing entities with none ticked is not a scope.
    dialog.entities_proxy.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    dialog.ack_check.click()
    assert not dialog.export_button.isEnabled()
    assert "Tick at least one entity" in dialog.export_button.toolTip()


def test_a_register_that_cannot_be_read_is_said_in_the_dialog(
    qtbot: QtBot, ctx: UiContext, said: Said, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked() -> Any:
        raise TransfersError("the register is locked by another program")

    monkeypatch.setattr(ctx, "services_factory", locked)
    dialog = EvidencePackDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "locked" in dialog.check_heading.text(), timeout=SLOW)
    assert dialog.check_heading.text().startswith("Could not check the register")
    assert not dialog.export_button.isEnabled()
    assert said.errors == []


def test_the_findings_model_is_a_well_behaved_qt_model(
    qtbot: QtBot, ctx: UiContext, qtmodeltester: Any
) -> None:
    model = FindingsModel(readiness(ctx.status()).findings)
    qtmodeltester.check(model)


@pytest.mark.parametrize("width", [1100, 1280])  # as it opens on a 1280x800 screen; full width
def test_every_open_item_column_is_in_view_whole_without_scrolling_sideways(
    qtbot: QtBot, ctx: UiContext, width: int
) -> None:
    dialog = pack_dialog(qtbot, ctx)
    dialog.resize(width, 740)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.minimumSizeHint().height() <= 740  # fits a 1280x800 screen with its frame
    table = dialog.findings_table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() <= table.viewport().width())
    assert table.horizontalScrollBar().maximum() == 0
    metrics = table.fontMetrics()
    model = table.model()
    for c in range(model.columnCount()):
        label = str(model.headerData(c, Qt.Orientation.Horizontal))
        assert header.sectionSize(c) >= metrics.horizontalAdvance(label), label
    # Every cell's words wrapped within its column, its row tall enough for all its lines.
    wrap = Qt.TextFlag.TextWordWrap
    for r in range(model.rowCount()):
        for c in range(1, model.columnCount()):
            text = str(model.index(r, c).data() or "")
            room = QRect(0, 0, header.sectionSize(c) - 8, 10_000)
            needed = metrics.boundingRect(room, int(wrap), text)
            assert needed.width() <= room.width(), text
            assert needed.height() <= table.rowHeight(r), text
    # The dates in an item are the app's, as in the columns beside it (not ISO).
    items = [str(model.index(r, FindingsModel.MESSAGE).data()) for r in range(model.rowCount())]
    assert any("expired on 5 Nov 2026" in text for text in items)
    assert not any(re.search(r"\b20\d\d-\d\d-\d\d\b", text) for text in items)


# -- the public sub-processor list ---------------------------------------------------------------


def published_then_moved(ctx: UiContext) -> None:
    """The list published a month ago; since then Stratus also hosts in Germany."""
    repo = ctx.services.register.store
    PublicListService(repo).publish(TODAY - timedelta(days=30))
    stratus = next(i for i, name in repo.names.names().items() if name == STRATUS)
    repo.entities.add_location(Location(stratus, "DE", Activity.HOSTING, city="Frankfurt"))


def public_dialog(qtbot: QtBot, ctx: UiContext) -> PublicListDialog:
    dialog = PublicListDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=SLOW)
    return dialog


def rows(model: ChangesModel) -> list[tuple[str, str, str]]:
    return [tuple(model.index(r, c).data() for c in range(3)) for r in range(model.rowCount())]


def test_the_public_list_shows_the_change_log_and_publishing_records_it(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path
) -> None:
    published_then_moved(ctx)
    dialog = public_dialog(qtbot, ctx)
    assert rows(dialog.changes_model) == [
        (
            "Changed location",
            STRATUS,
            "now in Germany, India, Ireland, United States (was in India, Ireland, United States)",
        )
    ]
    assert "1 change since the version published on" in dialog.changes_heading.text()
    assert dialog.write_button.text() == "Write draft"
    dialog.format_buttons["md"].click()
    assert dialog.path() is not None and dialog.path().suffix == ".md"  # type: ignore[union-attr]
    target = tmp_path / "subprocessors.md"
    dialog.set_path(target)
    dialog.publish_check.click()
    assert dialog.write_button.text() == "Write and publish"
    click(qtbot, dialog.write_button)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=SLOW)
    text = target.read_text("utf-8")
    assert "Stratus Cloud Hosting" in text and "Germany" in text
    assert "Draft" not in text
    # The demo list has entries without a valid safeguard: published only once confirmed.
    assert len(said.confirms) == 1 and "Publish the list all the same?" in said.confirms[0]
    assert "İstanbul Çağrı Merkezi A.Ş. (UK GDPR, EU GDPR)" in said.confirms[0]
    assert "Recorded as published" in said.saved[0]
    service = ctx.services.public_list
    assert service.changes_since_last(TODAY) == ()  # customers were told: nothing pending
    last = ctx.services.register.store.publications.last(PUBLIC_LIST, TODAY)
    assert last is not None and last.published_on == TODAY
    # Opened again: nothing left to publish.
    again = public_dialog(qtbot, ctx)
    assert again.changes_model.rowCount() == 0
    assert "No changes since the version published on" in again.changes_heading.text()
    assert not again.publish_check.isEnabled()


def test_a_public_list_with_an_unsafeguarded_entry_is_not_published_unless_confirmed(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_then_moved(ctx)
    asked: list[str] = []

    def decline(_parent: object, text: str) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(messages, "confirm", decline)
    dialog = public_dialog(qtbot, ctx)
    target = tmp_path / "list.html"
    dialog.set_path(target)
    dialog.publish_check.click()
    click(qtbot, dialog.write_button)
    assert len(asked) == 1 and "Pampas Data Labs Ltda. (UK GDPR)" in asked[0]
    assert not target.exists() and dialog.outcome is None and not dialog.busy
    assert [c.name for c in ctx.services.public_list.changes_since_last(TODAY)] == [STRATUS]


def test_a_public_list_that_cannot_be_written_publishes_nothing(
    qtbot: QtBot, ctx: UiContext, said: Said, tmp_path: Path
) -> None:
    published_then_moved(ctx)
    dialog = public_dialog(qtbot, ctx)
    dialog.set_path(tmp_path / "missing" / "list.html")
    dialog.publish_check.click()
    click(qtbot, dialog.write_button)
    qtbot.waitUntil(lambda: bool(said.errors), timeout=SLOW)
    assert "nothing was published" in said.errors[0]
    assert "list.html" in said.errors[0]
    assert dialog.outcome is None
    pending = ctx.services.public_list.changes_since_last(TODAY)
    assert [c.name for c in pending] == [STRATUS]


def test_the_changes_model_is_a_well_behaved_qt_model(
    qtbot: QtBot, ctx: UiContext, qtmodeltester: Any
) -> None:
    model = ChangesModel(ctx.services.public_list.changes_since_last(TODAY))
    assert model.rowCount() > 0
    qtmodeltester.check(model)


# -- the main window ----------------------------------------------------------------------------


def test_file_export_menu_and_toolbar_open_the_exports(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    texts = [a.text() for a in window.export_menu.actions() if not a.isSeparator()]
    assert texts == [
        "Register as &PDF…",
        "Register as &CSV…",
        "Register as &Excel (XLSX)…",
        "Register as &JSON (lossless)…",
        "Public &subprocessor list…",
        "Evidence &pack for the regulator…",
        "&Status report as JSON…",
    ]
    assert window.act_export.shortcut() == QKeySequence("Ctrl+E")
    assert window.export_button.menu() is window.export_menu
    opened: list[object] = []
    monkeypatch.setattr(
        RegisterExportDialog, "run", classmethod(lambda cls, _p, _c, fmt: opened.append(fmt))
    )
    monkeypatch.setattr(
        EvidencePackDialog, "run", classmethod(lambda cls, *_a: opened.append("pack"))
    )
    monkeypatch.setattr(
        PublicListDialog, "run", classmethod(lambda cls, *_a: opened.append("list"))
    )
    window.act_export.trigger()
    window.act_export_csv.trigger()
    window.act_export_xlsx.trigger()
    window.act_export_json.trigger()
    window.act_export_public_list.trigger()
    window.act_export_pack.trigger()
    assert opened == [
        ExportFormat.PDF,
        ExportFormat.CSV,
        ExportFormat.XLSX,
        ExportFormat.JSON,
        "list",
        "pack",
    ]
    window.close()


def test_the_pack_dialog_sets_an_items_owner_and_target_date(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = pack_dialog(qtbot, ctx)
    assert not dialog.owner_edit.isEnabled()
    table = dialog.findings_table.model()
    row = next(
        r
        for r in range(table.rowCount())
        if table.index(r, FindingsModel.REF).data() == "T8"
        and "bare EU SCCs" in table.index(r, FindingsModel.MESSAGE).data()
    )
    dialog.findings_table.selectRow(row)
    # One line naming the item (its text is in the table and the tooltip), the entity's owner.
    label = dialog.follow_label.text()
    assert label == "Owner and target date of T8 Indus Support Services Pvt. Ltd.:"
    assert "bare EU SCCs" in dialog.follow_label.toolTip()
    assert dialog.owner_edit.text() == "Legal - Privacy"
    dialog.owner_edit.setText("Anita Patel")
    dialog.target_check.setChecked(True)
    dialog.target_edit.setDate(QDate(2027, 1, 31))
    click(qtbot, dialog.follow_button)
    shown = [
        (table.index(r, FindingsModel.OWNER).data(), table.index(r, FindingsModel.TARGET).data())
        for r in range(table.rowCount())
        if table.index(r, FindingsModel.REF).data() == "T8"
        and "bare EU SCCs" in table.index(r, FindingsModel.MESSAGE).data()
    ]
    assert shown == [("Anita Patel", "31 Jan 2027")]
    facts = ctx.services.open_items.facts()
    assert [(f.owner, f.target_on) for f in facts.follow_ups.values()] == [
        ("Anita Patel", date(2027, 1, 31))
    ]


def test_one_success_message_per_export(
    qtbot: QtBot, ctx: UiContext, said: Said, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 13: the dialog said the file was written, then the status bar said it again."""
    window = MainWindow(ctx)
    qtbot.addWidget(window)

    def exported(cls: object, parent: MainWindow, *_a: object) -> Path:
        messages.file_saved(parent, f"Wrote {tmp_path / 'out'}")  # what the dialog says
        return tmp_path / "out"

    monkeypatch.setattr(RegisterExportDialog, "run", classmethod(exported))
    monkeypatch.setattr(EvidencePackDialog, "run", classmethod(exported))
    window.act_export_csv.trigger()
    window.act_export_pack.trigger()
    assert len(said.saved) == 2  # one per export
    assert window.statusBar().currentMessage() == ""
    window.close()
