"""The desktop app as a procurement user and an auditor of a team register (a real PostgreSQL
server, real login users): the window says what the role may do, hides the rest, and the New
entity dialog saves a proposal, with its lifecycle fixed to Proposed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from support.contract_samples import TODAY
from support.postgres import PostgresServer
from support.team import Team, register_team
from support.widgets import choose, shown_main_window

from db.postgres import PgStore, open_postgres
from exports import file_adapters
from transfers_app.domain.enums import Activity, EntityKind, Lifecycle
from transfers_app.paths import AppPaths
from transfers_app.ports.storage import RegisterRole
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource
from ui.context import UiContext
from ui.dialogs.entity_editor import EntityEditor
from ui.jobs import runner
from ui.main_window import PAGES


@pytest.fixture
def team(postgres_server: PostgresServer) -> Iterator[Team]:
    yield from register_team(postgres_server)


def _ctx(url: str, home: Path, opened: list[AppServices]) -> UiContext:
    paths = AppPaths(home).ensure()
    reference = ReferenceSource(builtin_reference())

    def factory() -> AppServices:
        store = PgStore(open_postgres(url), cache=paths.file_cache)
        services = AppServices.build(store, reference, file_adapters(), TODAY)
        opened.append(services)
        return services

    return UiContext(factory(), factory, paths, TODAY)


@pytest.fixture
def as_role(team: Team, tmp_path: Path) -> Iterator[dict[RegisterRole, UiContext]]:
    opened: list[AppServices] = []
    contexts = {
        role: _ctx(team.url[role], tmp_path / role.value, opened)
        for role in (RegisterRole.PROCUREMENT, RegisterRole.AUDITOR)
    }
    yield contexts
    runner().wait()
    for services in opened:
        services.close()


def test_procurement_sees_what_it_may_do_and_only_new_stays(
    qtbot: QtBot, as_role: dict[RegisterRole, UiContext], tmp_path: Path
) -> None:
    ctx = as_role[RegisterRole.PROCUREMENT]
    w = shown_main_window(qtbot, ctx, tmp_path)
    assert ctx.may_propose and ctx.read_only is not None
    assert w.windowTitle().startswith("Team register: ")
    assert w.windowTitle().endswith(" - Transfer Register (procurement)")
    assert w.read_only_banner.isVisible()
    assert "propose a new supplier" in w.read_only_banner.text()
    assert w.act_new.isEnabled()
    for action in (w.act_import, w.act_archive, w.act_undo):
        assert not action.isEnabled()
    for row, (key, _, _) in enumerate(PAGES):
        w.nav.setCurrentRow(row)
        assert runner().wait(msecs=10_000)
        for control in w.pages[key].edit_controls():
            assert control.isHidden(), (key, control)
    register = w.pages["register"]
    assert not register.new_button.isHidden()  # type: ignore[attr-defined]


def test_procurement_proposes_a_supplier_in_the_new_entity_dialog(
    qtbot: QtBot, as_role: dict[RegisterRole, UiContext], team: Team
) -> None:
    ctx = as_role[RegisterRole.PROCUREMENT]
    dialog = EntityEditor(ctx, None)
    qtbot.addWidget(dialog)
    assert dialog.lifecycle_combo.currentData() == Lifecycle.PROPOSED
    assert not dialog.lifecycle_combo.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Nimbus Analytics")
    choose(dialog.kind_combo, EntityKind.VENDOR)
    dialog.tabs.setCurrentIndex(1)
    qtbot.mouseClick(dialog.add_location_button, Qt.MouseButton.LeftButton)
    choose(dialog.location_row(0).country, "IN")
    choose(dialog.location_row(0).activity, Activity.SUPPORT)
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = dialog.saved
    assert saved is not None and saved.id is not None
    stored = ctx.services.entities.get(saved.id)
    assert stored.lifecycle is Lifecycle.PROPOSED
    assert stored.proposed_on == ctx.today  # dated, as a proposal is on import
    assert ctx.services.audit.entries(limit=1)[0].actor == team.users[RegisterRole.PROCUREMENT]
    # The saved proposal, like every entity on the register, is the legal team's to change.
    again = EntityEditor(ctx, stored)
    qtbot.addWidget(again)
    again.notes_edit.setPlainText("changed")
    assert not again.save_button.isEnabled()
    assert "your role on this register is procurement" in again.save_button.toolTip()


def test_an_auditor_reads_and_changes_nothing(
    qtbot: QtBot, as_role: dict[RegisterRole, UiContext], tmp_path: Path
) -> None:
    ctx = as_role[RegisterRole.AUDITOR]
    w = shown_main_window(qtbot, ctx, tmp_path)
    assert not ctx.may_propose
    assert w.windowTitle().startswith("Team register: ")
    assert w.windowTitle().endswith(" - Transfer Register (auditor)")
    assert "your role on this register is auditor" in w.read_only_banner.text()
    assert not w.act_new.isEnabled() and w.act_export.isEnabled()
    dialog = EntityEditor(ctx, None)
    qtbot.addWidget(dialog)
    assert dialog.lifecycle_combo.isEnabled()  # nothing fixed: nothing can be saved at all
    qtbot.keyClicks(dialog.name_edit, "Nimbus Analytics")
    assert not dialog.save_button.isEnabled()
