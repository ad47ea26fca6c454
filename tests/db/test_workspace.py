"""The desktop app's actions: each one transaction, archive with undo, reviews from cycles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from support.stores import demo_sqlite

from db import SqliteStore
from transfers_app.domain.enums import Lifecycle, Role
from transfers_app.errors import ValidationError
from transfers_app.reference import builtin_reference
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService
from transfers_app.services.workspace import Workspace

TODAY = date(2026, 11, 25)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    repo = demo_sqlite(tmp_path)
    yield repo
    repo.close()


@pytest.fixture
def ws(store: SqliteStore) -> Workspace:
    return Workspace(store, RegisterService(store, ReferenceSource(builtin_reference())))


def test_register_rows_list_every_live_entity_with_its_countries(
    ws: Workspace, store: SqliteStore
) -> None:
    rows = {r.name: r for r in ws.register_rows()}
    assert len(rows) == store.queries.counts().entities
    assert rows["Stratus Cloud Hosting, Inc."].countries == ("US", "IE", "IN")
    assert rows["Keystone Access Europe Ltd"].is_own
    assert "Cloud hosting" in rows["Stratus Cloud Hosting, Inc."].services


def test_mark_reviewed_moves_the_next_review_by_the_cycle(
    ws: Workspace, store: SqliteStore
) -> None:
    doc = next(d for d in store.documents.list() if d.title.startswith("Stratus Cloud Terms"))
    assert doc.id and doc.review_cycle_months == 12
    done = ws.mark_reviewed(doc.id, date(2026, 1, 31), "Maria Santos")
    assert done.last_reviewed_on == date(2026, 1, 31)
    assert done.next_review_on == date(2027, 1, 31)


def test_mark_reviewed_records_who_and_can_be_undone(ws: Workspace, store: SqliteStore) -> None:
    """Issue 13: "Mark reviewed" asks who reviewed, records it, and can be undone."""
    doc = next(d for d in store.documents.list() if d.title.startswith("Stratus Cloud Terms"))
    assert doc.id
    with pytest.raises(ValidationError, match="reviewed_by"):
        ws.mark_reviewed(doc.id, TODAY, "   ")
    assert store.documents.get(doc.id) == doc  # nothing written
    ws.mark_reviewed(doc.id, TODAY, "  Maria   Santos ")
    note = store.audit.entries(1)[0]
    assert note.action == "review"
    assert "reviewed on 25 Nov 2026 by Maria Santos" in (note.after or note.before or "")
    back = ws.undo_review(doc)
    assert (back.last_reviewed_on, back.next_review_on) == (
        doc.last_reviewed_on,
        doc.next_review_on,
    )
    assert "taken back" in (store.audit.entries(1)[0].after or "")


def test_mark_reviewed_without_a_cycle_names_the_field(ws: Workspace, store: SqliteStore) -> None:
    doc = next(d for d in store.documents.list() if d.review_cycle_months is None)
    with pytest.raises(ValidationError, match="review_cycle_months"):
        ws.mark_reviewed(doc.id or 0, TODAY, "Maria Santos")


def test_archive_can_be_undone(ws: Workspace) -> None:
    row = ws.register_rows()[0]
    ws.archive_entity(row.entity_id)
    assert row.entity_id not in {r.entity_id for r in ws.register_rows()}
    assert ws.can_undo_archive()
    ws.undo_archive()
    assert row.entity_id in {r.entity_id for r in ws.register_rows()}
    assert not ws.can_undo_archive()


def test_proposed_supplier_is_added_with_its_transfers_in_one_go(
    ws: Workspace, store: SqliteStore
) -> None:
    before = ws.register.status(TODAY)
    new = ws.add_proposed_supplier(
        "Nimbus Notes Inc.",
        ["US", "in"],
        Role.PROCESSOR,
        ["Identity"],
        TODAY,
        service_text="Meeting notes",
    )
    assert new.lifecycle is Lifecycle.PROPOSED
    transfers = [t for t in store.transfers.list() if t.importer_id == new.id]
    assert sorted(t.destination for t in transfers) == ["IN", "US"]
    # Not live yet: proposing a supplier adds no gap to the status.
    assert len(ws.register.status(TODAY).gaps) == len(before.gaps)


def test_a_bad_country_adds_nothing(ws: Workspace, store: SqliteStore) -> None:
    count = store.queries.counts().entities
    with pytest.raises(ValidationError, match="countries"):
        ws.add_proposed_supplier("Bad Co", ["US", "XX"], Role.PROCESSOR, [], TODAY)
    assert store.queries.counts().entities == count
