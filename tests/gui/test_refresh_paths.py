"""Views follow changes made elsewhere: a newer reference file, a transfer added in the editor."""

from __future__ import annotations

import json

import pytest
from pytestqt.qtbot import QtBot

from transfers_app.reference import parse_bundle
from ui.context import UiContext
from ui.dialogs.entity_editor import EntityEditor
from ui.models.rows import ObjectRole
from ui.pages.transfers import TransfersPage


def test_a_newer_reference_set_changes_the_shared_status(ctx: UiContext) -> None:
    before = ctx.status()
    bundle = json.loads(json.dumps(dict(ctx.ref.raw)))
    bundle["manifest"]["as_of"] = "2027-01-01"
    # A (fictional) newer set without the EU-US DPF decision and the UK Extension.
    bundle["decisions"]["decisions"] = [
        d for d in bundle["decisions"]["decisions"] if d.get("requires_certification") is None
    ]
    ctx.services.reference.replace(parse_bundle(bundle, origin="test"))
    after = ctx.status()
    assert after is not before
    assert len(after.gaps) != len(before.gaps)


def test_a_transfer_saved_from_the_editor_makes_the_caller_refresh(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    entity = next(
        e for e in ctx.services.register.store.entities.list() if e.name.startswith("Lumen")
    )

    def exec_adding_a_transfer(self: EntityEditor) -> int:
        self._after_transfer_saved(
            ctx.services.register.store.transfers.of_entity(entity.id or 0)[0]
        )
        return 0

    monkeypatch.setattr(EntityEditor, "exec", exec_adding_a_transfer)
    result = EntityEditor.edit(None, ctx, entity.id)
    assert result is not None and result.id == entity.id


def test_other_destinations_filter(qtbot: QtBot, ctx: UiContext) -> None:
    page = TransfersPage(ctx)
    qtbot.addWidget(page)
    page.apply_filter(countries=["TR", "BR"])
    assert page.wait_for_background(10_000)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    model = page.table.model()
    rows = [model.index(r, 0).data(ObjectRole) for r in range(model.rowCount())]
    assert {r.transfer.destination for r in rows} == {"TR", "BR"}


def test_a_large_table_keeps_its_order_instead_of_sorting_in_python(
    qtbot: QtBot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.widgets.tables as tables

    monkeypatch.setattr(tables, "LARGE_TABLE", 5)
    page = TransfersPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    assert page.wait_for_background(10_000)
    qtbot.waitUntil(lambda: page.model.rowCount() > 5)
    assert page.table.model().rowCount() > 5
    assert not page.table.isSortingEnabled()
    assert "Sorting by column is off" in page.table.horizontalHeader().toolTip()
    monkeypatch.setattr(tables, "LARGE_TABLE", 1_000_000)
    page._loaded = False
    ctx.services.register.store.audit.note("test", "force a refresh")
    page.refresh()
    assert page.wait_for_background(10_000)
    qtbot.waitUntil(lambda: page.table.isSortingEnabled())
