"""The audit log page: the latest changes, filters, and before/after with the changes marked."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from support.widgets import shown_objects

from transfers_app.domain.models import AuditEntry
from ui.context import UiContext
from ui.models.audit import AuditModel, AuditRow, Column, compute_diff, field_label
from ui.pages.audit import AuditPage
from ui.widgets.tables import select_row_where


@pytest.fixture
def page(qtbot: QtBot, ctx: UiContext) -> AuditPage:
    widget = AuditPage(ctx)
    qtbot.addWidget(widget)
    return widget


def shown(page: AuditPage) -> list[AuditEntry]:
    return shown_objects(page.proxy, AuditEntry)


def stratus(ctx: UiContext) -> int:
    found = next(
        e for e in ctx.services.register.store.entities.list() if e.name.startswith("Stratus")
    )
    assert found.id is not None
    return found.id


def test_the_model_passes_the_model_tester(qtmodeltester: Any, ctx: UiContext) -> None:
    model = AuditModel([AuditRow.of(e) for e in ctx.services.register.store.audit.entries(1000)])
    qtmodeltester.check(model)


def test_lists_the_latest_entries_newest_first(page: AuditPage, ctx: UiContext) -> None:
    entries = shown(page)
    assert len(entries) == ctx.services.register.store.queries.counts().audit_entries
    ids = [e.id or 0 for e in entries]
    assert ids == sorted(ids, reverse=True)
    assert entries[0].action == "demo"  # the demo load is noted last
    assert "changes" in page.header.text()


def test_an_update_shows_the_changed_field_with_old_and_new_value(
    page: AuditPage, ctx: UiContext
) -> None:
    entity = ctx.services.register.store.entities.get(stratus(ctx))
    old_owner = entity.owner
    assert old_owner
    ctx.services.register.store.entities.update(
        replace(entity, owner="Procurement", notes="Renegotiated <DPA> & SCCs")
    )
    page.refresh()
    newest = shown(page)[0]
    assert (newest.table, newest.record_id, newest.action) == ("entities", entity.id, "update")
    assert page.proxy.index(0, Column.CHANGES).data() == "Notes, Owner"
    assert page.proxy.index(0, Column.RECORD).data() == f"#{entity.id} {entity.name}"
    page.table.selectRow(0)
    text = page.detail.toPlainText()
    assert "Changed: Notes, Owner" in text
    lines = text.splitlines()
    owner = next(i for i, line in enumerate(lines) if line.startswith("Owner"))
    assert "(changed)" in lines[owner]
    assert old_owner in lines[owner + 1] + lines[owner]
    assert "Procurement" in " ".join(lines[owner : owner + 3])
    assert "Renegotiated <DPA> & SCCs" in text  # user text escaped, shown literally
    assert "&lt;DPA&gt;" in page.detail.toHtml()
    # Unchanged fields are listed too, unless the user asks for the changes only.
    assert "Kind" in text
    assert "Legal name" not in text  # empty before and after
    page.only_changed.setChecked(True)
    text = page.detail.toPlainText()
    assert "Owner (changed)" in text
    assert "Kind" not in text


def test_filters_by_table_action_and_text(page: AuditPage, ctx: UiContext) -> None:
    entity_id = stratus(ctx)
    page.table_filter.setCurrentIndex(page.table_filter.findData("transfers"))
    assert shown(page) and {e.table for e in shown(page)} == {"transfers"}
    page.table_filter.setCurrentIndex(page.table_filter.findData("entities"))
    page.action_filter.setCurrentIndex(page.action_filter.findData("create"))
    page.search.setText(str(entity_id))
    assert [(e.table, e.record_id) for e in shown(page)] == [("entities", entity_id)]
    page.search.setText("stratus")  # the record's name
    assert [e.record_id for e in shown(page)] == [entity_id]
    page.search.setText("tester")  # who
    assert len(shown(page)) == len(
        ctx.services.register.store.audit.entries(1000, table="entities")
    )
    page.search.setText("nobody")
    assert shown(page) == []
    assert page.count_label.text().startswith("0 of ")


def test_filters_survive_a_refresh(page: AuditPage, ctx: UiContext) -> None:
    page.apply_filter(table="entities", search="stratus")
    entity = ctx.services.register.store.entities.get(stratus(ctx))
    ctx.services.register.store.entities.update(replace(entity, website="https://stratus.example"))
    page.refresh()
    assert page.table_filter.currentData() == "entities"
    assert [e.action for e in shown(page)] == ["update", "create"]


def test_a_note_without_a_record_shows_its_text(page: AuditPage) -> None:
    page.apply_filter(action="demo")
    page.table.selectRow(0)
    assert "loaded the built-in demo register" in page.detail.toPlainText()


def test_compute_diff() -> None:
    diff = compute_diff({"a": 1, "b": ["x"], "c": None}, {"a": 1, "b": ["x", "y"], "d": True})
    assert [(c.field, c.before, c.after, c.changed) for c in diff] == [
        ("a", "1", "1", False),
        ("b", "x", "x, y", True),
        ("c", "—", "—", False),
        ("d", "—", "yes", True),
    ]
    created = compute_diff(None, {"a": 1})
    assert [(c.before, c.after, c.changed) for c in created] == [("—", "1", False)]


def test_empty_register(qtbot: QtBot, empty_ctx: UiContext) -> None:
    page = AuditPage(empty_ctx)
    qtbot.addWidget(page)
    assert page.proxy.rowCount() == empty_ctx.services.register.store.queries.counts().audit_entries
    assert page.focus_search()


def test_a_line_says_the_chain_holds_with_its_head_hash(page: AuditPage, ctx: UiContext) -> None:
    assert page.wait_for_background(10_000)
    result = ctx.services.audit.verify()
    text = page.chain_label.text()
    assert text.startswith(f"The audit trail is intact: {result.entries:,} entries checked")
    assert f"Head hash (entry {result.head_id}): {result.head_hash}" in text
    assert "#1a7f37" in page.chain_label.styleSheet()  # green


def test_a_line_names_the_first_broken_link_of_a_tampered_trail(
    page: AuditPage, ctx: UiContext
) -> None:
    assert page.wait_for_background(10_000)
    conn = sqlite3.connect(ctx.paths.database)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET actor = 'someone else' WHERE id = 7")
    conn.commit()
    conn.close()
    page.refresh()
    assert page.wait_for_background(10_000)
    text = page.chain_label.text()
    assert text.startswith("The audit trail is BROKEN: ")
    assert "First broken link: entry 7 (" in text
    assert "font-weight: bold" in page.chain_label.styleSheet()
    assert page.verification is not None and not page.verification.intact


def test_records_are_named_never_by_an_entity_id(page: AuditPage, ctx: UiContext) -> None:
    """Issue 13: the audit log said "Exporter id 2". A transfer says who sends data to whom,
    an assessment is called by its reference, as on every other page."""
    store = ctx.services.register.store
    names = store.names.names()
    page.table_filter.setCurrentIndex(page.table_filter.findData("transfers"))
    page.action_filter.setCurrentIndex(page.action_filter.findData("create"))
    entry = shown(page)[0]
    transfer = store.transfers.get(entry.record_id or 0)
    exporter, importer = names[transfer.exporter_id], names[transfer.importer_id]
    row = select_row_where(page.table, lambda e: e == entry)
    assert row
    assert f"{exporter} → {importer}, to " in page.proxy.index(0, Column.RECORD).data()
    text = page.detail.toPlainText()
    assert "Exporter id" not in text and "Importer id" not in text
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Exporter"))
    assert exporter in " ".join(lines[at : at + 3])  # before (none), after
    page.table_filter.setCurrentIndex(page.table_filter.findData("tias"))
    tia = store.assessments.get(shown(page)[0].record_id or 0)
    assert page.proxy.index(0, Column.RECORD).data() == f"{tia.reference} {tia.title}"
    page.search.setText(tia.reference.lower())
    assert shown(page)


def test_field_labels_drop_the_id() -> None:
    assert field_label("exporter_id") == "Exporter"
    assert field_label("party_ids") == "Parties"
    assert field_label("extra_transfer_ids") == "Extra transfers"
    assert field_label("signed_on") == "Signed on"
