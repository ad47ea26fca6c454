"""Changes by others show without a restart: the main window on a PostgreSQL register, and a
second client (another connection, as a colleague's app or a script) changing it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import psycopg
import pytest
from pytestqt.qtbot import QtBot
from support.contract_samples import transfer, vendor
from support.postgres import PostgresServer
from support.stores import entity_named
from support.widgets import WAIT_MS, shown_main_window

from db import FileStore
from db.postgres import PgStore, open_postgres
from db.postgres.notify import CHANNEL, NAMED
from exports import file_adapters
from transfers_app.domain.enums import Regime, Severity
from transfers_app.paths import AppPaths
from transfers_app.ports.changes import RegisterChange
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource
from ui import messages
from ui.context import UiContext
from ui.dialogs.entity_editor import EntityEditor
from ui.jobs import runner
from ui.main_window import MainWindow
from ui.pages.dashboard import DashboardPage
from ui.pages.register import RegisterPage
from ui.remote import who_changed

TODAY = date(2026, 11, 25)
# A remote change shows within this (the notification, the settling, the page's reads).
SHOWN_MS = 5000


@pytest.fixture
def url(postgres_server: PostgresServer) -> Iterator[str]:
    yield postgres_server.new_database()
    postgres_server.drop_databases()


@pytest.fixture
def pg_ctx(url: str, tmp_path: Path) -> Iterator[UiContext]:
    """The demo register on PostgreSQL, as the app sees it (services per connection)."""
    paths = AppPaths(tmp_path / "app").ensure()
    reference = ReferenceSource(builtin_reference())
    files = file_adapters()
    opened: list[AppServices] = []

    def factory() -> AppServices:
        store = PgStore(open_postgres(url), files=FileStore(paths.files))
        services = AppServices.build(store, reference, files, TODAY, paths.import_mappings)
        opened.append(services)
        return services

    services = factory()
    services.setup.load_demo(TODAY)
    yield UiContext(services, factory, paths, TODAY)
    runner().wait()
    for s in opened:
        s.close()


@pytest.fixture
def other(url: str, tmp_path: Path) -> Iterator[PgStore]:
    """A colleague's store on the same register."""
    store = PgStore(open_postgres(url), actor="bob", files=FileStore(tmp_path / "bob-files"))
    yield store
    store.close()


@pytest.fixture
def window(qtbot: QtBot, pg_ctx: UiContext, tmp_path: Path) -> MainWindow:
    shown = shown_main_window(qtbot, pg_ctx, tmp_path)
    assert shown.remote.feed.wait_listening(WAIT_MS / 1000)
    return shown


def _register(window: MainWindow, qtbot: QtBot) -> RegisterPage:
    window.go("register", {})
    page = window.pages["register"]
    assert isinstance(page, RegisterPage)
    qtbot.waitUntil(lambda: page.model.total_count() > 0, timeout=WAIT_MS)
    return page


def _listener_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "register-changes"]


def test_an_entity_another_user_adds_appears_on_the_open_register_page(
    window: MainWindow, other: PgStore, qtbot: QtBot
) -> None:
    page = _register(window, qtbot)
    keep = entity_named(other, "Stratus Cloud Hosting, Inc.").id
    assert keep is not None and page.select_entity(keep)
    added = other.entities.add(vendor("Remote Colleague Supplier Ltd"))
    assert added.id is not None
    qtbot.waitUntil(lambda: page.model.row_of(added.id or 0) >= 0, timeout=SHOWN_MS)
    assert page.selected_entity_id() == keep  # the user's selection stays where it was
    assert "changed the register" in window.statusBar().currentMessage()


def test_the_dashboard_figures_follow_a_remote_change(
    window: MainWindow, pg_ctx: UiContext, other: PgStore, qtbot: QtBot
) -> None:
    window.go("dashboard", {})
    dashboard = window.pages["dashboard"]
    assert isinstance(dashboard, DashboardPage)
    critical = dashboard.tiles["critical"]
    qtbot.waitUntil(lambda: critical.value_text().isdigit(), timeout=WAIT_MS)
    before = int(critical.value_text())
    # A colleague records a US supplier's transfer with no mechanism at all: a critical gap.
    exporter = next(e for e in other.entities.list() if Regime.EU in e.exporter_regimes)
    importer = other.entities.add(vendor("Unchecked Analytics Inc."))
    other.transfers.add(transfer(exporter, importer, mechanisms=()))
    qtbot.waitUntil(lambda: critical.value_text() == str(before + 1), timeout=SHOWN_MS)
    assert pg_ctx.status().count(Severity.CRITICAL) == before + 1


def test_a_burst_of_a_thousand_notifications_is_one_refresh(
    window: MainWindow, other: PgStore, url: str, qtbot: QtBot
) -> None:
    _register(window, qtbot)
    settled: list[int] = []
    window.remote.settled.connect(lambda changes: settled.append(len(changes)))
    # A thousand single notifications, delivered together (one transaction of a script).
    note = {"pid": 1, "user": "script", "at": "2026-12-07T18:00:00+00:00"}
    burst = "; ".join(
        f"SELECT pg_notify('{CHANNEL}', '{json.dumps(note | {'changed': f'entities:{i}'})}')"
        for i in range(1, 1001)
    )
    with psycopg.connect(url, autocommit=True) as script:
        script.execute(burst)
    qtbot.waitUntil(lambda: settled == [1000], timeout=SHOWN_MS)
    # A thousand records in one transaction (an import): one notification, one refresh more.
    other.records.add_many([vendor(f"Imported Supplier {i:04}") for i in range(1000)], [], [])
    qtbot.waitUntil(lambda: len(settled) == 2, timeout=SHOWN_MS)
    assert settled == [1000, 1]


def test_an_open_editor_is_told_not_overwritten(
    window: MainWindow,
    pg_ctx: UiContext,
    other: PgStore,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mine = entity_named(pg_ctx.services.register.store, "Stratus Cloud Hosting, Inc.")
    editor = EntityEditor(pg_ctx, mine, window)
    qtbot.addWidget(editor)
    editor.show()
    editor.name_edit.setText("Stratus Cloud Hosting (my edit)")
    theirs = other.entities.get(mine.id or 0)
    other.entities.update(replace(theirs, notes="renewal agreed"))
    qtbot.waitUntil(
        lambda: editor.changed_notice is not None and editor.changed_notice.isVisible(),
        timeout=SHOWN_MS,
    )
    text = editor.changed_label.text()
    assert "Changed by" in text and "since you opened this entity" in text
    assert editor.name_edit.text() == "Stratus Cloud Hosting (my edit)"  # what was typed stays
    assert not editor.reload_requested
    # Reload: unsaved edits are dropped only once the user agrees.
    asked: list[object] = []

    def discard(parent: object) -> bool:
        asked.append(parent)
        return True

    monkeypatch.setattr(messages, "discard_changes", discard)
    editor.reload_stored()
    assert asked == [editor] and editor.reload_requested


def test_an_editor_of_another_record_is_left_alone(
    window: MainWindow, pg_ctx: UiContext, other: PgStore, qtbot: QtBot
) -> None:
    page = _register(window, qtbot)
    mine = entity_named(pg_ctx.services.register.store, "Stratus Cloud Hosting, Inc.")
    editor = EntityEditor(pg_ctx, mine, window)
    qtbot.addWidget(editor)
    editor.show()
    added = other.entities.add(vendor("Unrelated Supplier Ltd"))
    qtbot.waitUntil(lambda: page.model.row_of(added.id or 0) >= 0, timeout=SHOWN_MS)
    assert editor.changed_notice is None
    # An import of more records than a notification names: this one may be among them.
    other.records.add_many([vendor(f"Imported {i:03}") for i in range(NAMED + 10)], [], [])
    qtbot.waitUntil(lambda: editor.changed_notice is not None, timeout=SHOWN_MS)
    assert "changed many records" in editor.changed_label.text()
    assert "perhaps this entity" in editor.changed_label.text()


def test_own_saves_are_not_refreshed_twice(
    window: MainWindow, pg_ctx: UiContext, other: PgStore, qtbot: QtBot
) -> None:
    _register(window, qtbot)
    heard: list[RegisterChange] = []
    window.remote.settled.connect(heard.extend)
    own_store = pg_ctx.services.register.store  # this window's connection
    mine = own_store.entities.add(vendor("My Own Supplier Ltd"))
    theirs = other.entities.add(vendor("Their Supplier Ltd"))  # then a colleague's
    qtbot.waitUntil(lambda: any(c.touches("entities", theirs.id) for c in heard), timeout=SHOWN_MS)
    # Notifications arrive in the order of the commits: the window's own came first, and was
    # left out (the save here refreshed the window already).
    assert not any(c.touches("entities", mine.id) for c in heard)
    assert "changed the register" in who_changed(heard)


def test_closing_the_window_stops_the_listener(window: MainWindow, other: PgStore) -> None:
    assert len(_listener_threads()) == 1
    window.close()
    assert _listener_threads() == []
    other.entities.add(vendor("After Closing Ltd"))  # heard by nobody, and no error


def test_switching_registers_hears_the_new_one_only(
    window: MainWindow, other: PgStore, qtbot: QtBot
) -> None:
    # What File > Connect does after opening another register: the old feed's thread ends.
    heard: list[RegisterChange] = []
    window.remote.settled.connect(heard.extend)
    window.remote.restart(other.changes())
    assert window.remote.feed.wait_listening(WAIT_MS / 1000)
    assert len(_listener_threads()) == 1
    # The window's own connection is now someone else's, as seen from the new feed.
    mine = window.ctx.services.register.store.entities.add(vendor("Heard After Switching"))
    qtbot.waitUntil(lambda: any(c.touches("entities", mine.id) for c in heard), timeout=SHOWN_MS)
