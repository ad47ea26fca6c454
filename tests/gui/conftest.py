"""A desktop-app context over a demo register in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from support.registers import checkpoint, read_only
from support.widgets import WAIT_MS, PageLoader

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from transfers_app.paths import AppPaths
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource
from ui import messages
from ui.collector import MainThreadCollector
from ui.context import UiContext
from ui.jobs import runner

TODAY = date(2026, 11, 25)


def make_ctx(home: Path, demo: bool = True) -> tuple[UiContext, list[AppServices]]:
    paths = AppPaths(home).ensure()
    opened: list[AppServices] = []
    reference = ReferenceSource(builtin_reference())
    files = file_adapters()

    def factory() -> AppServices:
        store = SqliteStore(open_db(paths.database), actor="tester", files=FileStore(paths.files))
        services = AppServices.build(store, reference, files, TODAY, paths.import_mappings)
        opened.append(services)
        return services

    services = factory()
    if demo:
        services.setup.load_demo(TODAY)
    return UiContext(services, factory, paths, TODAY), opened


def _close(opened: list[AppServices]) -> None:
    # Background jobs first: a connection closed under a running job crashes the process.
    runner().wait()
    for services in opened:
        services.close()


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The text of every message box the test's widgets open, by kind: info, error, confirm
    (none is shown; a confirmation is answered yes)."""
    out: dict[str, list[str]] = {"info": [], "error": [], "confirm": []}

    def record(kind: str, answer: bool | None = None) -> Callable[[object, str], bool | None]:
        def box(parent: object, text: str) -> bool | None:
            out[kind].append(text)
            return answer

        return box

    monkeypatch.setattr(messages, "info", record("info"))
    monkeypatch.setattr(messages, "error", record("error"))
    monkeypatch.setattr(messages, "confirm", record("confirm", True))
    return out


@pytest.fixture
def error_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every error box the test's widgets open, in order (none is shown)."""
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda parent, text: shown.append(text))
    return shown


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[UiContext]:
    """The demo register (20 entities, deliberate gaps) as the app sees it on 2026-11-25."""
    context, opened = make_ctx(tmp_path / "app")
    yield context
    _close(opened)


@pytest.fixture
def empty_ctx(tmp_path: Path) -> Iterator[UiContext]:
    context, opened = make_ctx(tmp_path / "empty", demo=False)
    yield context
    _close(opened)


@pytest.fixture
def read_only_ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[UiContext]:
    """The demo register, its file read-only (as when the share grants reading only)."""
    home = tmp_path / "app"
    context, opened = make_ctx(home)
    _close(opened)
    checkpoint(context.paths.database)
    with read_only(monkeypatch, context.paths.database):
        context, opened = make_ctx(home, demo=False)
        yield context
        _close(opened)


@pytest.fixture
def load_page(qtbot: QtBot) -> Iterator[PageLoader]:
    loader = PageLoader(qtbot)
    yield loader
    for page in loader.pages:
        page.wait_for_background(WAIT_MS)  # no read in flight when the database closes


@pytest.fixture(autouse=True)
def _no_unexpected_message_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box nobody expected fails the test at once instead of waiting offscreen
    for a click that never comes (which hangs the whole run). Tests that expect one patch
    the function themselves, after this."""
    from ui import messages

    def unexpected(name: str):  # type: ignore[no-untyped-def]
        def fail(*args: object, **kwargs: object) -> object:
            texts = [a for a in args if isinstance(a, str)]
            raise AssertionError(f"unexpected message box ui.messages.{name}: {texts}")

        return fail

    names = (
        "error",
        "info",
        "confirm",
        "ask_text",
        "discard_changes",
        "file_saved",
        "save_file",
        "open_file",
        "ask_password",
        "choose",
    )
    for name in names:
        monkeypatch.setattr(messages, name, unexpected(name))


@pytest.fixture(scope="session", autouse=True)
def _collector(qapp: QApplication) -> Iterator[MainThreadCollector]:
    """As in the app: reference cycles are collected on the GUI thread, never by a worker
    thread that would destroy a widget of an earlier test (a crash, not a failure)."""
    collector = MainThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _collect_after_each_test(_collector: MainThreadCollector) -> Iterator[None]:
    yield
    _collector.check()
