"""The main window: every page reachable, shortcuts, status bar, first start, crash handler."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot
from support.widgets import shown_main_window

from transfers_app.domain.enums import Severity
from ui import messages
from ui.app import FirstStartDialog, install_crash_handler
from ui.context import UiContext
from ui.main_window import PAGES, MainWindow


@pytest.fixture
def window(qtbot: QtBot, ctx: UiContext, tmp_path: Path) -> MainWindow:
    return shown_main_window(qtbot, ctx, tmp_path)


def test_every_page_is_in_the_navigation(window: MainWindow) -> None:
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == [
        "Dashboard",
        "Register",
        "Transfers",
        "Documents",
        "Renewals",
        "Assessments",
        "Supplier check",
        "Data map",
        "Reference data",
        "Audit log",
        "Subprocessor notices",
    ]
    for row, (key, _, _) in enumerate(PAGES):
        window.nav.setCurrentRow(row)
        assert window.current_key() == key


def test_status_bar_names_the_database_and_the_reference_age(
    window: MainWindow, ctx: UiContext
) -> None:
    assert ctx.database in window.db_label.text()
    assert "25 Nov 2026" in window.ref_label.text()


def test_standard_shortcuts(window: MainWindow) -> None:
    assert window.act_new.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.act_find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert window.act_export.shortcut() == QKeySequence("Ctrl+E")
    assert window.act_archive.shortcut() == QKeySequence(Qt.Key.Key_Delete)
    assert window.act_refresh.shortcut() == QKeySequence(QKeySequence.StandardKey.Refresh)


def test_every_page_has_a_shortcut_and_the_readme_lists_them(window: MainWindow) -> None:
    """Issue 13: the eleventh page had no shortcut, and the README said "Ctrl+1..9, Ctrl+0"."""
    keys = {k: a.shortcut().toString() for k, a in window.page_actions.items()}
    assert set(keys) == set(window.pages) and all(keys.values())
    assert len(set(keys.values())) == len(keys)  # no two pages share one
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    table = dict(re.findall(r"^  \| ([^|]+?) \| (Ctrl\+[^ |]+) \|$", readme, re.M))
    assert table == {window.pages[k].title: v for k, v in keys.items()}
    for key, action in window.page_actions.items():
        action.trigger()
        assert window.current_key() == key


def test_find_on_a_page_without_search_goes_to_the_register_search(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.go("dashboard", {})
    window.act_find.trigger()
    assert window.current_key() == "register"
    search = window.pages["register"].search  # type: ignore[attr-defined]
    qtbot.waitUntil(search.hasFocus)


def test_click_through_shows_the_filtered_register(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.go("register", {"status": Severity.CRITICAL})
    page = window.pages["register"]
    assert window.current_key() == "register"
    model = page.table.model()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=60000)
    statuses = {model.index(r, model.columnCount() - 1).data() for r in range(model.rowCount())}
    assert model.rowCount() > 0
    assert statuses == {"CRITICAL"}


def test_every_page_shares_one_status_computation(
    window: MainWindow, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = type(ctx.services.register).compute_status

    def counting(self, on):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self, on)

    monkeypatch.setattr(type(ctx.services.register), "compute_status", counting)
    ctx._status = None
    first = ctx.status()
    assert ctx.status(ctx.services_factory()) is first
    assert len(calls) == 1


def test_export_writes_the_status_report(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    target = tmp_path / "status.json"
    monkeypatch.setattr("ui.messages.save_file", lambda *a, **k: target)
    window.export_status()
    data = json.loads(target.read_text("utf-8"))
    assert data["as_of"] == "2026-11-25"
    assert data["gaps"][0]["severity"] == "critical"


def test_first_start_offers_demo_or_clean(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstStartDialog()
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == FirstStartDialog.DEMO
    other = FirstStartDialog()
    qtbot.addWidget(other)
    qtbot.mouseClick(other.clean_button, Qt.MouseButton.LeftButton)
    assert other.choice == FirstStartDialog.CLEAN


def test_crash_handler_writes_a_log_and_tells_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text: told.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_crash_handler(tmp_path / "logs", lambda: None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    (log,) = (tmp_path / "logs").glob("crash-*.log")
    assert "RuntimeError: boom" in log.read_text("utf-8")
    assert told and str(log) in told[0]


def test_settings_organisation_opens_the_profile(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.organisation_dialog import OrganisationDialog

    (settings,) = [a for a in window.menuBar().actions() if a.text() == "&Settings"]
    menu = settings.menu()
    assert isinstance(menu, QMenu) and window.act_organisation in menu.actions()
    opened: list[object] = []

    def edit(_cls: object, _parent: object, service: object, intro: str = "") -> None:
        opened.append(service)

    monkeypatch.setattr(OrganisationDialog, "edit", classmethod(edit))
    window.act_organisation.trigger()
    assert opened == [window.ctx.services.organisation]
