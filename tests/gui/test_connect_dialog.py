"""File > Connect to team register… against real PostgreSQL servers: the register on the
server opens in the window, a wrong database name is said and the window stays on its
register, a server that asks for a password gets it from a prompt (never saved), the
register is remembered (without a password) and reopened at the next start."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from support.postgres import PostgresServer, RootSafeServer, current_user, no_server, pg_ctl
from support.widgets import WAIT_MS, shown_main_window

from db.postgres import PgStore, open_postgres
from exports import file_adapters
from transfers_app.cli_registers import AppRegisters
from transfers_app.domain.enums import EntityKind
from transfers_app.domain.models import Entity
from transfers_app.domain.team_register import TeamRegister
from transfers_app.errors import PasswordRequired
from transfers_app.paths import AppPaths
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource
from ui import messages
from ui.app import Windows
from ui.context import UiContext
from ui.dialogs.connect_dialog import ConnectDialog, reopen
from ui.dialogs.storage_dialog import StorageDialog
from ui.jobs import runner
from ui.pages.register import RegisterPage

TEAM_SUPPLIER = "Team Supplier GmbH"
TODAY = date(2026, 11, 25)


def _registers(home: Path) -> AppRegisters:
    return AppRegisters(
        AppPaths(home).ensure(), ReferenceSource(builtin_reference()), file_adapters(), TODAY
    )


@pytest.fixture
def team_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A team register on the tests' server holding one supplier (the file holds none)."""
    url = postgres_server.new_database()
    store = PgStore(open_postgres(url), actor="tester")
    store.entities.add(Entity(name=TEAM_SUPPLIER, kind=EntityKind.VENDOR))
    store.close()
    yield url
    postgres_server.drop_databases()


@pytest.fixture
def opened() -> Iterator[list[UiContext]]:
    """Contexts the test opened, closed after it (background jobs first)."""
    contexts: list[UiContext] = []
    yield contexts
    runner().wait()
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def no_password_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq finds no password file: every password comes from the dialog."""
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


def _dialog(qtbot: QtBot, home: Path) -> tuple[AppRegisters, ConnectDialog]:
    registers = _registers(home)
    dialog = ConnectDialog(registers)
    qtbot.addWidget(dialog)
    return registers, dialog


def _fill(qtbot: QtBot, dialog: ConnectDialog, url: str) -> None:
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, url)


def _click(qtbot: QtBot, dialog: ConnectDialog, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.jobs.wait(WAIT_MS)


def test_connect_opens_the_servers_register_in_the_window_and_remembers_it(
    qtbot: QtBot, tmp_path: Path, team_url: str, opened: list[UiContext]
) -> None:
    registers, dialog = _dialog(qtbot, tmp_path / "home")
    _fill(qtbot, dialog, team_url)
    address = TeamRegister.parse(team_url)
    # The URL's parts are shown, to check before connecting.
    assert dialog.dbname.text() == address.dbname
    assert dialog.host.text() == address.host
    _click(qtbot, dialog, dialog.test_button)
    assert dialog.status.text() == (
        f"Connected to {address.label(current_user(team_url))}: a Transfer Register with "
        "1 entities."
    )
    assert dialog.value() is None  # a test opens nothing
    _click(qtbot, dialog, dialog.connect_button)
    ctx = dialog.value()
    assert ctx is not None
    opened.append(ctx)
    window = shown_main_window(qtbot, ctx, tmp_path)
    where = f"Team register: {address.dbname} on this computer (as {current_user(team_url)})"
    assert window.windowTitle() == f"{where} - Transfer Register"
    assert window.db_label.text() == where
    assert window.act_open_file.isEnabled()
    window.go("register", {})
    page = window.pages["register"]
    assert isinstance(page, RegisterPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=WAIT_MS)
    assert page.model.row_at(0).name == TEAM_SUPPLIER
    page.wait_for_background(WAIT_MS)
    # Remembered for the next start, in the user's settings, without a password.
    saved = json.loads(registers.paths.registers.read_text("utf-8"))
    assert saved == {"last": address.url, "recent": [address.url]}
    again = _registers(tmp_path / "home")
    assert again.remembered.last == address
    reopened = reopen(again, address)
    assert reopened is not None
    opened.append(reopened)
    assert reopened.database == where


def test_a_wrong_database_name_is_said_and_the_window_stays_on_its_register(
    qtbot: QtBot,
    tmp_path: Path,
    team_url: str,
    opened: list[UiContext],
) -> None:
    registers = _registers(tmp_path / "home")
    ctx = registers.file()
    opened.append(ctx)
    windows = Windows()
    window = windows.show(ctx)
    qtbot.addWidget(window)
    dialog = ConnectDialog(registers, parent=window)
    wrong = TeamRegister.parse(team_url).url.replace("/treg_", "/nope_")
    _fill(qtbot, dialog, wrong)
    _click(qtbot, dialog, dialog.connect_button)
    name = TeamRegister.parse(wrong).dbname
    assert dialog.status.text().startswith(
        f"Not connected to {name}: the server has no database named '{name}'"
    )
    assert dialog.value() is None
    assert windows.window is window and window.ctx is ctx
    assert window.windowTitle() == "Transfer Register"
    assert not window.act_open_file.isEnabled()  # already on the file
    assert ctx.services.entities.list() == []  # the file register is still open and usable
    # Nothing remembered: the next start opens the file.
    assert _registers(tmp_path / "home").remembered.last is None


def test_switching_registers_replaces_the_window_and_closes_the_old_register(
    qtbot: QtBot, tmp_path: Path, team_url: str, opened: list[UiContext]
) -> None:
    registers = _registers(tmp_path / "home")
    file_ctx = registers.file()
    windows = Windows()
    first = windows.show(file_ctx)
    team_ctx = registers.team(TeamRegister.parse(team_url))
    opened.append(team_ctx)
    first.switch_register.emit(team_ctx)
    second = windows.window
    assert second is not None and second is not first and second.ctx is team_ctx
    qtbot.addWidget(second)
    assert not first.isVisible()
    with pytest.raises(Exception, match="closed"):
        file_ctx.services.entities.list()  # the old register was closed with its window
    assert team_ctx.storage.server and team_ctx.storage.journal is None


# -- a server that asks for a password ---------------------------------------------------------

PASSWORD = "correct horse 7"


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """A throwaway server whose TCP connections need a password (scram-sha-256), with a
    register owned by the user ``ann``; the URL (no password) names them."""
    executable = pg_ctl()
    if executable is None:
        no_server("PostgreSQL's server binaries are not installed")
    server = RootSafeServer(Path(executable).parent, host_auth="scram-sha-256")
    try:
        params = server.start()
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f"CREATE ROLE ann LOGIN PASSWORD '{PASSWORD}'")
            admin.execute("CREATE DATABASE team OWNER ann ENCODING 'UTF8' TEMPLATE template0")
        socket = f"postgresql:///team?host={params['host']}&port={server.port}&user=ann"
        open_postgres(socket, migrate=True).close()  # as ann: the socket trusts
        yield f"postgresql://ann@127.0.0.1:{server.port}/team"
    finally:
        server.stop()


@pytest.mark.usefixtures("no_password_file")
def test_a_server_asking_for_a_password_gets_it_from_a_prompt_never_saved(
    qtbot: QtBot,
    tmp_path: Path,
    password_server: str,
    opened: list[UiContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    answers = ["wrong password", PASSWORD]

    def prompt(parent: object, text: str) -> str | None:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(messages, "ask_password", prompt)
    registers, dialog = _dialog(qtbot, tmp_path / "home")
    _fill(qtbot, dialog, password_server)
    _click(qtbot, dialog, dialog.connect_button)  # asks, is refused, asks again, connects
    assert dialog.jobs.wait(WAIT_MS) and dialog.jobs.wait(WAIT_MS)
    qtbot.waitUntil(lambda: dialog.value() is not None, timeout=WAIT_MS)
    server = TeamRegister.parse(password_server).server  # 127.0.0.1:PORT
    assert asked[0].startswith(f"The server of team on {server} asks for a password.")
    assert "Password of the database user ann" in asked[0]
    assert asked[1].startswith("The server refused that password.")
    ctx = dialog.value()
    assert ctx is not None
    opened.append(ctx)
    assert ctx.database == f"Team register: team on {server} (as ann)"
    # Background jobs connect with the same password (kept in memory only).
    worker = ctx.services_factory()
    assert worker.entities.list() == []
    assert ctx.release is not None
    ctx.release(worker)
    saved = registers.paths.registers.read_text("utf-8")
    assert PASSWORD not in saved and "wrong password" not in saved
    assert json.loads(saved)["last"] == password_server
    assert PASSWORD not in ctx.database and PASSWORD not in dialog.status.text()


def test_the_password_file_answers_the_server_without_a_prompt(
    tmp_path: Path, password_server: str, opened: list[UiContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    pgpass = tmp_path / "pgpass"
    port = TeamRegister.parse(password_server).port
    pgpass.write_text(f"127.0.0.1:{port}:team:ann:{PASSWORD}\n", "utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    ctx = reopen(_registers(tmp_path / "home"), TeamRegister.parse(password_server))
    assert ctx is not None
    opened.append(ctx)
    assert ctx.database.endswith(" (as ann)")


def test_a_failing_server_at_start_offers_the_register_file_instead(
    tmp_path: Path, opened: list[UiContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[tuple[str, list[str]]] = []

    def choose(parent: object, text: str, choices: list[str]) -> int:
        offered.append((text, choices))
        return choices.index("Open my register file instead")

    monkeypatch.setattr(messages, "choose", choose)
    registers = _registers(tmp_path / "home")
    gone = TeamRegister.parse("postgresql://ann@127.0.0.1:1/team")
    registers.remembered.remember(gone)
    ctx = reopen(registers, gone)
    assert ctx is not None
    opened.append(ctx)
    assert not ctx.storage.server and ctx.database == str(registers.paths.database)
    [(text, choices)] = offered
    assert text.startswith("The team register team on 127.0.0.1:1 (as ann) could not be opened.")
    assert "cannot reach the register's server" in text
    assert choices == ["Try again", "Connect to another…", "Open my register file instead", "Quit"]
    # The user chose the file: the next start opens it without asking.
    assert _registers(tmp_path / "home").remembered.last is None


@pytest.mark.usefixtures("no_password_file")
def test_a_password_pasted_in_the_address_is_taken_out_and_used_once(
    qtbot: QtBot, tmp_path: Path, password_server: str, opened: list[UiContext]
) -> None:
    registers, dialog = _dialog(qtbot, tmp_path / "home")
    with_password = password_server.replace("ann@", f"ann:{PASSWORD.replace(' ', '%20')}@")
    _fill(qtbot, dialog, with_password)  # typed
    assert dialog.url.text() == password_server
    dialog.url.selectAll()
    QApplication.clipboard().setText(with_password)
    dialog.url.paste()  # and pasted
    assert dialog.url.text() == password_server  # off the screen at once
    assert "used for this connection only and never saved" in dialog.status.text()
    _click(qtbot, dialog, dialog.connect_button)  # no prompt (one would fail the test)
    ctx = dialog.value()
    assert ctx is not None
    opened.append(ctx)
    assert PASSWORD not in registers.paths.registers.read_text("utf-8")


@pytest.mark.usefixtures("no_password_file")
def test_the_command_line_says_where_a_password_goes_and_which_one_was_refused(
    password_server: str,
) -> None:
    # No password anywhere: the message says where to put one (the command line asks nobody).
    with pytest.raises(PasswordRequired, match=r"asks for a password; put it in your PostgreSQL"):
        open_postgres(password_server)
    # A wrong one written in the URL: refused, and not blamed on a password file there is none of.
    wrong = password_server.replace("ann@", "ann:not-it@")
    with pytest.raises(PasswordRequired) as refused:
        open_postgres(wrong)
    assert refused.value.rejected and "refused the password" in str(refused.value)
    assert "password file" not in str(refused.value) and "not-it" not in str(refused.value)


def test_on_a_team_register_the_storage_dialog_names_it_and_offers_no_journal_mode(
    qtbot: QtBot, tmp_path: Path, team_url: str, opened: list[UiContext]
) -> None:
    ctx = _registers(tmp_path / "home").team(TeamRegister.parse(team_url))
    opened.append(ctx)
    dialog = StorageDialog(ctx.storage)
    qtbot.addWidget(dialog)
    text = dialog.summary.text()
    assert f"Team register:</b> {TeamRegister.parse(team_url).dbname} on this computer" in text
    assert "no journal mode to choose" in text
    assert dialog.buttons == {} and dialog.value() is None


def test_background_jobs_on_a_team_register_reuse_their_connections_one_job_at_a_time(
    tmp_path: Path, team_url: str, opened: list[UiContext]
) -> None:
    ctx = _registers(tmp_path / "home").team(TeamRegister.parse(team_url))
    opened.append(ctx)
    assert ctx.release is not None
    first, second = ctx.services_factory(), ctx.services_factory()  # two jobs at once
    assert _backend(first) != _backend(second)
    pid = _backend(first)
    ctx.release(first)
    again = ctx.services_factory()
    assert _backend(again) == pid  # the next job reuses it: no new connection
    assert again.entities.list()[0].name == TEAM_SUPPLIER
    # A bundle handed back in the middle of a transaction is closed, never handed out again.
    store = again._store
    assert isinstance(store, PgStore)
    store.connection.execute("BEGIN")
    ctx.release(again)
    assert store.connection.raw.closed
    ctx.release(second)
    ctx.close()  # the idle connections go with the register
    assert isinstance(second._store, PgStore) and second._store.connection.raw.closed
    opened.remove(ctx)


def _backend(services: AppServices) -> int:
    store = services._store
    assert isinstance(store, PgStore)
    return store.connection.raw.info.backend_pid


def test_the_app_starts_on_the_remembered_team_register_unless_a_database_is_given(
    tmp_path: Path, team_url: str, monkeypatch: pytest.MonkeyPatch, error_texts: list[str]
) -> None:
    import ui.app
    from transfers_app import cli

    started: list[str] = []  # where each start's window was

    def run(first: Callable[[], UiContext | None], logs: Path) -> int:
        ctx = first()
        assert ctx is not None
        started.append(ctx.database)
        ctx.close()
        return 0

    monkeypatch.setattr(ui.app, "run", run)
    monkeypatch.delenv("TRANSFERS_APP_DATABASE", raising=False)
    home = tmp_path / "home"  # TRANSFERS_APP_HOME: its settings are kept there too
    assert cli.main([]) == 0
    assert started == [str(home / "register.db")]  # nothing remembered: the file
    _registers(home).remembered.remember(TeamRegister.parse(team_url))
    assert cli.main([]) == 0
    assert started[-1].startswith(
        f"Team register: {TeamRegister.parse(team_url).dbname} on this computer"
    )
    # --database (or TRANSFERS_APP_DATABASE) wins, and is not remembered in its place.
    monkeypatch.setenv("TRANSFERS_APP_DATABASE", team_url.replace("/treg_", "/nope_"))
    assert cli.main([]) == 2  # said in a window, not replaced by the remembered one
    [said] = error_texts
    assert "the server has no database named 'nope_" in said
    assert _registers(home).remembered.last == TeamRegister.parse(team_url)
