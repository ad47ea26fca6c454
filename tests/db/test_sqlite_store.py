"""The SQLite store beyond the contract: statement counts (no N+1 reads), damaged files, and,
while ``SqliteRegister`` still serves the app, the same answers as it on the same database."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import fields, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from db import FileStore, SqliteRegister, open_db
from db.sqlite import SqliteStore
from transfers_app.domain.enums import (
    Access,
    DocumentKind,
    EntityKind,
    Mechanism,
    Regime,
    Role,
    TiaStatus,
)
from transfers_app.domain.models import Document, Entity, MechanismUse, Tia, Transfer
from transfers_app.errors import StorageError
from transfers_app.services.demo import load_demo
from transfers_app.services.synthetic import generate

TODAY = date(2026, 11, 25)


class Statements:
    """Counts the SQL statements a connection runs."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.count = 0

    def _seen(self, _sql: str) -> None:
        self.count += 1

    def __call__(self, fn: Callable[[], Any]) -> int:
        self.count = 0
        self.conn.set_trace_callback(self._seen)
        try:
            fn()
        finally:
            self.conn.set_trace_callback(None)
        return self.count


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(open_db(tmp_path / "register.db"), actor="tester")
    yield s
    s.close()


def _register(store: SqliteStore, vendors: int) -> tuple[int, list[Document]]:
    """Our entity, ``vendors`` vendors each with a transfer from it under two documents (both
    naming our entity), and assessments of each transfer in two revisions."""
    own = store.entities.add(
        Entity(name="Keystone Europe Ltd", kind=EntityKind.GROUP, exporter_regimes=(Regime.EU,))
    )
    assert own.id is not None
    docs = []
    for n in range(vendors):
        v = store.entities.add(Entity(name=f"Vendor {n}", kind=EntityKind.VENDOR))
        assert v.id is not None
        doc = store.documents.add(
            Document(DocumentKind.EU_SCC_2021, f"SCCs {n}", party_ids=(own.id, v.id))
        )
        docs.append(doc)
        renewed = store.documents.renew(doc, replace(doc, title=f"SCCs {n} (2027)"))
        t = store.transfers.add(
            Transfer(
                own.id,
                v.id,
                "US",
                Access.STORAGE,
                Role.PROCESSOR,
                mechanisms=(
                    MechanismUse(Mechanism.EU_SCC, renewed.id),
                    MechanismUse(Mechanism.DEROGATION),
                ),
            )
        )
        assert t.id is not None
        tia = store.assessments.add(
            Tia(t.id, status=TiaStatus.APPROVED, approver="B", approved_on=TODAY)
        )
        store.assessments.revise(tia, tia)
    return own.id, docs


@pytest.mark.parametrize(
    "read",
    [
        "transfers.of_entity",
        "documents.of_entity",
        "documents.history",
        "transfers.list",
        "documents.list",
        "assessments.list",
        "assessments.history",
        "transfers.get_many",
        "queries.snapshot",
        "queries.register_rows",
        "queries.register_lines",
        "records.dump",
    ],
)
def test_reads_cost_the_same_number_of_statements_for_2_or_20_records(
    tmp_path: Path, read: str
) -> None:
    """No N+1: a read of many records is a fixed number of queries, not one per record."""
    counts = []
    for size in (2, 20):
        store = SqliteStore(open_db(tmp_path / f"r{size}.db"), actor="tester")
        call = _reads(store, *_register(store, size), size)[read]
        assert call()  # the read finds records
        counts.append(Statements(store.connection)(call))
        store.close()
    assert counts[0] == counts[1], f"{read}: {counts[0]} statements for 2, {counts[1]} for 20"
    assert counts[0] <= 12


def _reads(
    store: SqliteStore, own: int, docs: list[Document], size: int
) -> dict[str, Callable[[], Any]]:
    return {
        "transfers.of_entity": lambda: store.transfers.of_entity(own),
        "documents.of_entity": lambda: store.documents.of_entity(own),
        "documents.history": lambda: store.documents.history(docs[0]),
        "transfers.list": store.transfers.list,
        "documents.list": lambda: store.documents.list(include_archived=True),
        "assessments.list": store.assessments.list,
        "assessments.history": lambda: store.assessments.history(1),
        "transfers.get_many": lambda: store.transfers.get_many(range(1, size + 1)),
        "queries.snapshot": store.queries.snapshot,
        "queries.register_rows": store.queries.register_rows,
        "queries.register_lines": store.queries.register_lines,
        "records.dump": store.records.dump,
    }


def test_documents_of_an_entity_read_in_two_queries(store: SqliteStore) -> None:
    own, _ = _register(store, 5)
    assert len(store.documents.of_entity(own)) == 10
    assert Statements(store.connection)(lambda: store.documents.of_entity(own)) == 2
    assert Statements(store.connection)(lambda: store.transfers.of_entity(own)) == 2


# -- damaged files ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["one_page_overwritten", "truncated"])
def test_reads_of_a_damaged_register_raise_only_storage_error(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "register.db"
    database = open_db(path)
    load_demo(SqliteRegister(database, actor="tester"), TODAY)
    database.conn.close()
    size = path.stat().st_size
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: size // 2]
    else:
        data[size // 2 - 2048 : size // 2 + 2048] = random.Random(1).randbytes(4096)
    path.write_bytes(bytes(data))

    store = None
    try:
        store = SqliteStore(open_db(path), actor="tester")
        store.queries.snapshot()
        store.queries.register_lines()
        store.records.dump()
        store.audit.entries(limit=10_000)
        store.entities.locations()
    except StorageError:
        pass
    finally:
        if store is not None:
            store.close()
    assert path.read_bytes() == bytes(data)


def test_a_locked_register_is_one_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    store = SqliteStore(open_db(path), actor="tester")
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        store.connection.execute("PRAGMA busy_timeout = 0")
        with pytest.raises(StorageError, match="in use by another program"):
            store.entities.add(Entity(name="Acme", kind=EntityKind.VENDOR))
    finally:
        other.rollback()
        other.close()
        store.close()


# -- the same answers as SqliteRegister (until it goes) ---------------------------------------


def _split(text: str | None, sep: str = ",") -> tuple[str, ...]:
    return tuple(x for x in (text or "").split(sep) if x)


@pytest.fixture(params=["demo", "synthetic"])
def both(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[SqliteRegister, SqliteStore]]:
    database = open_db(tmp_path / "register.db")
    old = SqliteRegister(database, actor="tester", files=FileStore(tmp_path / "files"))
    if request.param == "demo":
        load_demo(old, TODAY)
    else:
        reg = generate(300, 3, TODAY)
        old.bulk_add(reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias)
        # Some archived records and notice periods, which generated registers lack.
        for e in old.list_entities()[::37]:
            old.archive(e)
        for t in old.list_transfers()[::29]:
            old.archive(t)
        for d in old.list_documents()[::5]:
            old.update_document(replace(d, notice_period_days=60))
    yield old, SqliteStore(database, actor="tester", files=FileStore(tmp_path / "files"))
    database.conn.close()


def test_the_snapshot_says_what_the_old_snapshot_said(
    both: tuple[SqliteRegister, SqliteStore],
) -> None:
    old, new = both
    before, after = old.snapshot(), new.queries.snapshot()

    def same(facts: Any, record: Any) -> None:
        assert {f: getattr(facts, f) for f in facts._fields} == {
            f: getattr(record, f) for f in facts._fields
        }

    assert set(after.entities) == set(before.entities)
    for i, e in before.entities.items():
        same(after.entities[i], e)
    assert set(after.documents) == set(before.documents)
    for i, d in before.documents.items():
        same(after.documents[i], d)
    assert sorted(t.id or 0 for t in after.transfers) == sorted(t.id or 0 for t in before.transfers)
    by_id = {t.id: t for t in before.transfers}
    for t in after.transfers:
        same(t, by_id[t.id])
    assert [x.id for x in after.tias] == [x.id for x in before.tias]
    for x, y in zip(after.tias, before.tias, strict=True):
        same(x, y)
    assert after.located == old.entity_ids_with_locations()


def test_register_rows_are_the_old_register_table(both: tuple[SqliteRegister, SqliteStore]) -> None:
    old, new = both
    for limit in (None, 7):
        rows = new.queries.register_rows(limit)
        table = old.register_table(limit)
        assert [r.entity_id for r in rows] == [r[0] for r in table]
        for row, raw in zip(rows, table, strict=True):
            assert (row.name, row.legal_name, row.kind.value, row.lifecycle.value) == raw[1:5]
            assert row.is_own == bool(raw[5])
            assert row.countries == tuple(dict.fromkeys(_split(raw[6])))
            assert "; ".join(row.services) == (raw[7] or "")


def test_due_dates_and_mechanisms_are_the_old_ones(
    both: tuple[SqliteRegister, SqliteStore],
) -> None:
    old, new = both
    for ids in (None, [r.entity_id for r in new.queries.register_rows(40)]):
        due = new.queries.next_due(TODAY, ids, recheck_months=12)
        assert {i: (d.on, d.what.value) for i, d in due.items()} == old.next_due_by_entity(
            TODAY, ids
        )
        used = new.queries.mechanisms_used(ids)
        before = old.mechanisms_by_importer(ids)
        assert set(used) == set(before)
        for i, u in used.items():
            stored = before[i].split(",")
            assert u.mechanisms == {Mechanism(m) for m in stored if m}
            assert u.unrecorded == ("" in stored)


def test_register_lines_are_the_old_lines(both: tuple[SqliteRegister, SqliteStore]) -> None:
    old, new = both
    lines = new.queries.register_lines()
    raw = old.register_lines()
    assert len(lines) == len(raw)
    for line, r in zip(lines, raw, strict=True):
        assert (line.entity_id, line.name, line.kind.value, line.lifecycle.value) == r[:4]
        assert line.is_own == bool(r[4])
        assert line.countries == tuple(dict.fromkeys(_split(r[5])))
        assert (line.transfer_id, line.exporter_id, line.exporter_name) == r[6:9]
        assert line.exporter_archived == bool(r[9])
        assert line.exporter_regimes == tuple(Regime(x) for x in _split(r[10]))
        assert (line.importer_role.value if line.importer_role else None) == r[11]
        assert line.destination == r[12]
        assert line.regimes == tuple(Regime(x) for x in _split(r[13]))
        assert line.mechanisms == tuple(Mechanism(m) for m in _split(r[14], ";"))
        assert (line.document_id, line.document_title) == r[15:17]
        assert tuple(d.isoformat() if d else None for d in line[17:20]) == r[17:20]


def test_heads_counts_and_dump_are_the_old_ones(both: tuple[SqliteRegister, SqliteStore]) -> None:
    old, new = both
    heads = new.queries.assessment_heads()
    assert [
        (
            h.id,
            h.transfer_id,
            ",".join(map(str, h.extra_transfer_ids)),
            h.series_id,
            h.revision,
            h.status.value,
            h.approved_on.isoformat() if h.approved_on else None,
            h.next_review_on.isoformat() if h.next_review_on else None,
        )
        for h in heads
    ] == [tuple(r) for r in old.assessment_heads()]
    counts = new.queries.counts()
    assert counts == (
        old.count("entities"),
        old.count("locations"),
        old.count("transfers"),
        old.count("documents"),
        old.count("tias"),
        old.count("audit"),
    )
    assert new.records.dump() == old.dump_records()
    assert new.entities.list(include_archived=True) == old.list_entities(include_archived=True)
    assert new.transfers.list() == old.list_transfers()
    # SqliteRegister.list_documents gives parties in the order they were stored, get_document
    # in id order; the store gives id order always.
    assert new.documents.list(include_archived=True) == [
        replace(d, party_ids=tuple(sorted(d.party_ids)))
        for d in old.list_documents(include_archived=True)
    ]
    assert new.assessments.list() == old.list_tias()
    assert new.entities.locations() == sorted(old.all_locations(), key=lambda x: x.id or 0)
    assert {f.name for f in fields(type(new.records.dump()))} == {
        f.name for f in fields(type(old.dump_records()))
    }


def test_histories_read_in_constant_statements_however_long(tmp_path: Path) -> None:
    counts = []
    for versions in (2, 15):
        store = SqliteStore(open_db(tmp_path / f"h{versions}.db"), actor="tester")
        own = store.entities.add(Entity(name="Keystone", kind=EntityKind.GROUP))
        assert own.id is not None
        doc = store.documents.add(Document(DocumentKind.DPA, "DPA", party_ids=(own.id,)))
        v = store.entities.add(Entity(name="Vendor", kind=EntityKind.VENDOR))
        assert v.id is not None
        t = store.transfers.add(Transfer(own.id, v.id, "US", Access.STORAGE, Role.PROCESSOR))
        tia = store.assessments.add(Tia(t.id or 0))
        for n in range(versions - 1):
            doc = store.documents.renew(doc, replace(doc, title=f"DPA v{n + 2}"))
            tia = store.assessments.revise(tia, tia)
        assert len(store.documents.history(doc)) == versions
        assert len(store.assessments.history(tia.series_id or 0)) == versions
        count = Statements(store.connection)
        series = tia.series_id or 0
        counts.append(
            (
                count(partial(store.documents.history, doc)),
                count(partial(store.assessments.history, series)),
            )
        )
        store.close()
    assert counts[0] == counts[1] == (2, 1)
