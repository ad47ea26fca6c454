"""The Documents page and the document dialog, driven offscreen through their widgets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from support.widgets import PageLoader

from transfers_app.domain.enums import DocumentKind, DocumentStatus
from transfers_app.domain.models import Document
from transfers_app.errors import StorageError
from ui.context import UiContext
from ui.dialogs.document_dialog import DocumentDialog
from ui.models.documents import Column, DocumentsModel
from ui.models.parties import PartiesModel
from ui.models.rows import ObjectRole
from ui.pages.documents import DocumentsPage

STRATUS_SCC = "Stratus Cloud Terms - SCCs Module 2"


@pytest.fixture
def page(ctx: UiContext, load_page: PageLoader) -> DocumentsPage:
    # The demo attaches a demo copy to every signed document; these tests start from two
    # whose signed files have not been attached yet.
    repo = ctx.services.register.store
    for d in repo.documents.list():
        if d.title in (STRATUS_SCC, "Helpdesk Partners IDTA"):
            repo.documents.update(replace(d, file_sha256=None, file_name=""))
    return load_page(DocumentsPage(ctx), (1280, 800))


@pytest.fixture
def signed_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "stratus-signed.pdf"
    path.write_bytes(b"%PDF-1.4\n% signed copy\n")
    return path


def document_named(ctx: UiContext, title: str) -> Document:
    docs = [d for d in ctx.services.register.store.documents.list() if d.title == title]
    assert len(docs) == 1, title
    return docs[0]


def proxy_row(page: DocumentsPage, title: str) -> int:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, Column.TITLE).data() == title:
            return row
    raise AssertionError(f"{title} not shown")


def select(page: DocumentsPage, title: str) -> None:
    page.table.selectRow(proxy_row(page, title))
    selected = page.selected_document()
    assert selected is not None and selected.title == title


def test_lists_current_documents_with_labels_and_no_file(
    page: DocumentsPage, ctx: UiContext
) -> None:
    current = [
        d
        for d in ctx.services.register.store.documents.list()
        if d.status is DocumentStatus.CURRENT
    ]
    assert page.proxy.rowCount() == len(current)
    row = proxy_row(page, STRATUS_SCC)
    cell = {c: page.proxy.index(row, c).data() for c in Column}
    assert cell[Column.KIND] == "EU SCCs (2021)"
    # The other party first (issue 13: two documents of one exporter were told apart only
    # by the party cut off the end).
    assert cell[Column.PARTIES] == "Stratus Cloud Hosting, Inc., Keystone Access Europe Ltd"
    assert cell[Column.MODULE] == "Module 2"
    assert cell[Column.FILE] == "no file"
    assert cell[Column.NEXT_REVIEW] == "15 Oct 2026 (overdue)"
    assert isinstance(page.proxy.index(row, 0).data(ObjectRole), Document)


# Showing a window on the offscreen platform warns that it cannot propagate size hints.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_page_loads_when_first_shown(qtbot: QtBot, ctx: UiContext) -> None:
    p = DocumentsPage(ctx)
    qtbot.addWidget(p)
    assert p.proxy.rowCount() == 0  # nothing read before the page is seen
    p.show()
    assert p.wait_for_background(10_000)
    qtbot.waitExposed(p)
    assert p.proxy.rowCount() > 0
    assert p.count_label.text().endswith("current")


def test_search_and_sort_by_date(qtbot: QtBot, page: DocumentsPage) -> None:
    qtbot.keyClicks(page.search, "brightwave")
    titles = {page.proxy.index(r, Column.TITLE).data() for r in range(page.proxy.rowCount())}
    assert titles == {
        "DPF List entry - Brightwave",
        "Brightwave SCCs Module 2",
        "Brightwave UK Addendum",
    }
    page.search.clear()
    page.table.sortByColumn(Column.SIGNED, Qt.SortOrder.AscendingOrder)
    signed = [
        page.proxy.index(r, 0).data(ObjectRole).signed_on for r in range(page.proxy.rowCount())
    ]
    real = [d for d in signed if d is not None]
    assert real == sorted(real)
    assert signed[0] == date(2019, 5, 2)  # the 2010 SCCs: a real date sort, not text


def test_attach_file_through_the_button(
    qtbot: QtBot,
    page: DocumentsPage,
    ctx: UiContext,
    signed_pdf: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("ui.messages.open_file", lambda *a, **k: signed_pdf)
    select(page, STRATUS_SCC)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.attach_button, Qt.MouseButton.LeftButton)
    doc = document_named(ctx, STRATUS_SCC)
    assert doc.file_sha256
    assert doc.file_name == "stratus-signed.pdf"
    stored = ctx.services.workspace.document_file(doc)
    assert stored is not None and stored.exists()
    assert stored.read_bytes() == signed_pdf.read_bytes()
    assert page.wait_for_background(10_000)
    row = proxy_row(page, STRATUS_SCC)
    assert page.proxy.index(row, Column.FILE).data() == "stratus-signed.pdf"
    assert page.selected_document() is not None  # the selection survives the refresh


def file_mime(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def drag_enter(pos: QPointF, mime: QMimeData) -> QDragEnterEvent:
    """A drag entering at ``pos`` (PySide6 6.12 takes a QPointF; 6.11 only a QPoint)."""
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    try:  # the installed version's stubs know one of the two signatures only
        return QDragEnterEvent(pos, *args)  # type: ignore[call-overload,no-any-return,unused-ignore]
    except TypeError:
        return QDragEnterEvent(pos.toPoint(), *args)


def test_drop_a_file_on_a_row_attaches_it_to_that_document(
    qtbot: QtBot, page: DocumentsPage, ctx: UiContext, signed_pdf: Path
) -> None:
    target = "Helpdesk Partners IDTA"
    select(page, STRATUS_SCC)  # the drop target wins over the selection
    rect = page.table.visualRect(page.proxy.index(proxy_row(page, target), Column.TITLE))
    pos = QPointF(rect.center())
    mime = file_mime(signed_pdf)
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = drag_enter(pos, mime)
    QApplication.sendEvent(page.table.viewport(), enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods)
    with qtbot.waitSignal(page.changed):
        QApplication.sendEvent(page.table.viewport(), drop)
    assert drop.isAccepted()
    doc = document_named(ctx, target)
    assert doc.file_name == "stratus-signed.pdf"
    stored = ctx.services.workspace.document_file(doc)
    assert stored is not None and stored.exists()
    assert document_named(ctx, STRATUS_SCC).file_sha256 is None


def test_drop_on_the_page_attaches_to_the_selected_document(
    qtbot: QtBot, page: DocumentsPage, ctx: UiContext, signed_pdf: Path
) -> None:
    select(page, STRATUS_SCC)
    mime = file_mime(signed_pdf)
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = drag_enter(QPointF(5, 5), mime)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, buttons, mods)
    with qtbot.waitSignal(page.changed):
        QApplication.sendEvent(page, drop)
    assert document_named(ctx, STRATUS_SCC).file_sha256


def test_drag_of_something_else_is_refused(page: DocumentsPage) -> None:
    mime = QMimeData()
    mime.setText("not a file")
    enter = drag_enter(QPointF(page.table.viewport().rect().center()), mime)
    QApplication.sendEvent(page.table.viewport(), enter)
    assert not enter.isAccepted()


def test_open_uses_the_system_viewer_on_the_stored_file(
    qtbot: QtBot,
    page: DocumentsPage,
    ctx: UiContext,
    signed_pdf: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    said: list[str] = []
    monkeypatch.setattr("ui.messages.info", lambda _parent, text: said.append(text))
    select(page, STRATUS_SCC)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert opened == [] and "no signed file" in said[0]

    page.attach_file(document_named(ctx, STRATUS_SCC), signed_pdf)
    select(page, STRATUS_SCC)
    assert page.wait_for_background(10_000)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    stored = ctx.services.workspace.document_file(document_named(ctx, STRATUS_SCC))
    assert stored is not None
    # The viewer gets a copy under the file's own name (the store names files by hash only).
    (url,) = opened
    shown = Path(url.toLocalFile())
    assert shown.name == signed_pdf.name
    assert shown.read_bytes() == stored.read_bytes()
    assert shown != stored


def test_replacing_a_file_asks_first(
    page: DocumentsPage,
    ctx: UiContext,
    signed_pdf: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page.attach_file(document_named(ctx, STRATUS_SCC), signed_pdf)
    other = tmp_path / "v2.pdf"
    other.write_bytes(b"%PDF-1.4\n% another\n")
    asked: list[str] = []

    def decline(_parent: object, text: str) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr("ui.messages.confirm", decline)
    assert page.attach_file(document_named(ctx, STRATUS_SCC), other) is None
    assert "already has the file stratus-signed.pdf" in asked[0]
    assert document_named(ctx, STRATUS_SCC).file_name == "stratus-signed.pdf"


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the history window opens offscreen
def test_renew_creates_version_two_and_history_shows_both(
    qtbot: QtBot,
    page: DocumentsPage,
    ctx: UiContext,
    signed_pdf: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    title = "IDTA Keystone Europe - Keystone Australia"
    old = document_named(ctx, title)

    def fill_and_accept(dialog: DocumentDialog) -> int:
        assert dialog.mode == "renew"
        assert dialog.title_edit.text() == title  # prefilled from the old version
        assert dialog.signed.value() == ctx.today
        dialog.expires.set_value(date(2029, 11, 25))
        dialog.set_file(signed_pdf)
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(DocumentDialog, "exec", fill_and_accept)
    select(page, title)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.renew_button, Qt.MouseButton.LeftButton)

    history = ctx.services.register.store.documents.history(old)
    assert [(d.doc_version, d.status) for d in history] == [
        (1, DocumentStatus.SUPERSEDED),
        (2, DocumentStatus.CURRENT),
    ]
    new = history[1]
    assert new.expires_on == date(2029, 11, 25)
    assert new.signed_on == ctx.today
    assert new.file_name == "stratus-signed.pdf"
    assert new.next_review_on == date(2027, 11, 25)  # computed from the 12-month cycle
    # The page shows the current version only, unless superseded versions are asked for.
    rows = [page.proxy.index(r, Column.TITLE).data() for r in range(page.proxy.rowCount())]
    assert rows.count(title) == 1
    assert page.wait_for_background(10_000)
    page.superseded.setChecked(True)
    rows = [page.proxy.index(r, Column.TITLE).data() for r in range(page.proxy.rowCount())]
    assert rows.count(title) == 2

    select_version = page.selected_document()
    assert select_version is not None and select_version.doc_version == 2
    dialog = page.show_history()
    assert dialog is not None
    versions = [dialog.model.index(r, Column.VERSION).data() for r in range(2)]
    assert versions == ["v1 (superseded)", "v2"]
    dialog.reject()


def test_new_document_through_the_page(
    qtbot: QtBot, page: DocumentsPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill_and_accept(dialog: DocumentDialog) -> int:
        dialog.kind.setCurrentIndex(dialog.kind.findData(DocumentKind.EU_SCC_2021.value))
        dialog.title_edit.setText("Maple Mail SCCs Module 2")
        for entity_id, name in ctx.services.register.store.names.names().items():
            if name in ("Keystone Access Europe Ltd", "Maple Mail Services Inc."):
                dialog.parties.set_checked(entity_id, True)
        dialog.module.setCurrentIndex(dialog.module.findData(2))
        dialog.docking.setChecked(True)
        dialog.clause9.setCurrentIndex(dialog.clause9.findData(2))
        dialog.clause9_period.setText("30 days")
        dialog.governing_law.setCurrentIndex(dialog.governing_law.findData("IE"))
        dialog.signed.set_value(date(2026, 11, 1))
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(DocumentDialog, "exec", fill_and_accept)
    before = len(ctx.services.register.store.documents.list())
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert len(ctx.services.register.store.documents.list()) == before + 1
    doc = document_named(ctx, "Maple Mail SCCs Module 2")
    assert doc.scc_module == 2
    assert doc.scc_options is not None
    assert doc.scc_options.docking_clause and doc.scc_options.clause9_option == 2
    assert doc.scc_options.governing_law == "IE"
    assert page.wait_for_background(10_000)
    selected = page.selected_document()
    assert selected is not None and selected.id == doc.id


# -- the dialog on its own -----------------------------------------------------------------


@pytest.fixture
def dialog(qtbot: QtBot, ctx: UiContext) -> DocumentDialog:
    d = DocumentDialog(ctx)
    qtbot.addWidget(d)
    return d


def choose_kind(dialog: DocumentDialog, kind: DocumentKind) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind.value))


def test_scc_options_only_for_eu_sccs(dialog: DocumentDialog) -> None:
    choose_kind(dialog, DocumentKind.EU_SCC_2021)
    assert dialog.scc_box.isVisibleTo(dialog)
    assert not dialog.art49_box.isVisibleTo(dialog)
    assert not dialog.dpf_box.isVisibleTo(dialog)
    choose_kind(dialog, DocumentKind.UK_IDTA)
    assert not dialog.scc_box.isVisibleTo(dialog)
    choose_kind(dialog, DocumentKind.ART49_DEROGATION)
    assert dialog.art49_box.isVisibleTo(dialog) and not dialog.scc_box.isVisibleTo(dialog)
    choose_kind(dialog, DocumentKind.DPF_CERTIFICATION)
    assert dialog.dpf_box.isVisibleTo(dialog) and not dialog.art49_box.isVisibleTo(dialog)


def test_clause_options_are_dropped_for_other_kinds(dialog: DocumentDialog) -> None:
    choose_kind(dialog, DocumentKind.EU_SCC_2021)
    dialog.module.setCurrentIndex(dialog.module.findData(2))
    dialog.docking.setChecked(True)
    assert dialog.value().scc_module == 2
    choose_kind(dialog, DocumentKind.UK_IDTA)
    doc = dialog.value()
    assert doc.scc_module is None and doc.scc_options is None


def test_save_disabled_until_title_given(
    qtbot: QtBot, dialog: DocumentDialog, ctx: UiContext
) -> None:
    assert not dialog.save_button.isEnabled()
    assert "title" in dialog.summary.text()
    dialog.parties.set_checked(next(iter(ctx.services.register.store.names.names())), True)
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.title_edit, "Group IDTA")
    assert dialog.save_button.isEnabled()
    assert dialog.summary.text() == ""
    dialog.title_edit.clear()
    assert not dialog.save_button.isEnabled()
    assert dialog.errors["title"].isVisibleTo(dialog)
    assert dialog.errors["title"].text() == "is required"


def test_expiry_before_signed_date_is_said_beside_the_expiry(
    qtbot: QtBot, dialog: DocumentDialog, ctx: UiContext
) -> None:
    qtbot.keyClicks(dialog.title_edit, "Old terms")
    dialog.parties.set_checked(next(iter(ctx.services.register.store.names.names())), True)
    dialog.signed.set_value(date(2026, 3, 1))
    dialog.expires.set_value(date(2025, 3, 1))
    label = dialog.errors["expires_on"]
    assert label.isVisibleTo(dialog)
    assert "before signed_on (2026-03-01)" in label.text()
    assert not dialog.save_button.isEnabled()
    dialog.expires.set_value(date(2028, 3, 1))
    assert not label.isVisibleTo(dialog)
    assert dialog.save_button.isEnabled()


def test_next_review_follows_the_cycle_when_no_date_is_given(dialog: DocumentDialog) -> None:
    dialog.signed.set_value(date(2024, 1, 31))
    dialog.cycle.setValue(1)
    assert dialog.value().next_review_on == date(2024, 2, 29)  # month end, leap year
    assert "29 Feb 2024" in dialog.review_hint.text()
    dialog.review.set_value(date(2024, 6, 1))
    assert dialog.value().next_review_on == date(2024, 6, 1)


def test_art49_needs_a_ground_and_a_justification(
    qtbot: QtBot, dialog: DocumentDialog, ctx: UiContext
) -> None:
    choose_kind(dialog, DocumentKind.ART49_DEROGATION)
    qtbot.keyClicks(dialog.title_edit, "Art 49 record")
    dialog.parties.set_checked(next(iter(ctx.services.register.store.names.names())), True)
    assert not dialog.save_button.isEnabled()
    assert dialog.errors["derogation"].isVisibleTo(dialog)
    dialog.derogation.setCurrentIndex(5)  # 49(1)(e)
    dialog.justification.setPlainText("Defence of a claim in the US")
    assert dialog.save_button.isEnabled()
    doc = dialog.value()
    assert doc.derogation is not None and doc.derogation.value == "49(1)(e)"


def test_accept_saves_and_reports_errors_without_closing(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transfers_app.errors import StorageError

    def failing_save(doc: Document, path: Path | None) -> Document:
        raise StorageError("the register is in use by another program")

    d = DocumentDialog(ctx, save=failing_save)
    qtbot.addWidget(d)
    d.title_edit.setText("X")
    d.parties.set_checked(next(iter(ctx.services.register.store.names.names())), True)
    said: list[str] = []
    monkeypatch.setattr("ui.messages.error", lambda _p, text: said.append(text))
    d.accept()
    assert d.result() != QDialog.DialogCode.Accepted
    assert "in use by another program" in said[0]


def test_models_pass_the_model_tester(qtmodeltester: Any, ctx: UiContext) -> None:
    names = ctx.services.register.store.names.names()
    qtmodeltester.check(
        DocumentsModel(ctx.services.register.store.documents.list(), names, ctx.today)
    )
    qtmodeltester.check(DocumentsModel([], names, ctx.today))
    qtmodeltester.check(PartiesModel(sorted(names.items()), {1}))


def test_escape_on_a_filled_document_form_asks_first(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.document_dialog import DocumentDialog

    asked: list[bool] = []

    def refuse(parent: object) -> bool:
        asked.append(True)
        return False

    monkeypatch.setattr("ui.messages.discard_changes", refuse)
    dialog = DocumentDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.reject()  # nothing typed: closes without asking
    assert asked == []
    dialog = DocumentDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("Draft SCCs")
    dialog.reject()
    assert asked == [True]


def test_a_signed_file_the_register_refuses_to_hand_out_is_said_not_opened(
    page: DocumentsPage,
    ctx: UiContext,
    signed_pdf: Path,
    monkeypatch: pytest.MonkeyPatch,
    error_texts: list[str],
) -> None:
    # A team register refuses content that no longer has its SHA-256 (tests/db/
    # test_postgres_files.py); the page says so instead of opening anything.
    page.attach_file(document_named(ctx, STRATUS_SCC), signed_pdf)
    refused = StorageError(
        "the signed file 'signed.pdf' (SHA-256 ab12) is damaged in postgresql:///r"
    )

    def damaged(doc: Document) -> Path:
        raise refused

    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    monkeypatch.setattr(ctx.services.workspace, "viewable_copy", damaged)
    select(page, STRATUS_SCC)
    page.open_selected()
    assert opened == []
    assert error_texts == [f"'{STRATUS_SCC}' cannot be opened: {refused}."]
