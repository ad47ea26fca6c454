"""The SQLite store beyond the contract: statement counts (no N+1 reads), damaged files, and
the same answers as the in-memory store on the demo register and a generated one."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from fakes.memory_store import MemoryStore

from db import FileStore, open_db
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
from transfers_app.ports.storage import RegisterRecords, Store
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
    # A dump reads every table once: fourteen of them now (audit, profile and follow-ups too).
    assert counts[0] <= 14


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
    demo = SqliteStore(open_db(path), actor="tester")
    load_demo(demo, TODAY)
    demo.close()
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


# -- the same answers as the in-memory store on a realistic register ---------------------------
#
# The contract suite pins each read on small registers; here the demo register and a generated
# one, with archived records and notice periods, are written into both stores the same way (same
# clock) and every read model compared whole.


class _Clock:
    """Ticks one second per call from a fixed start: both stores stamp the same times."""

    def __init__(self) -> None:
        self.t = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def _fill(store: Store, kind: str) -> None:
    if kind == "demo":
        load_demo(store, TODAY)
        return
    reg = generate(300, 3, TODAY)
    store.records.add_generated(reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias)
    # Some archived records and notice periods, which generated registers lack.
    for e in store.entities.list()[::37]:
        store.entities.archive(e)
    for t in store.transfers.list()[::29]:
        store.transfers.archive(t)
    for d in store.documents.list()[::5]:
        store.documents.update(replace(d, notice_period_days=60))


@pytest.fixture(params=["demo", "synthetic"])
def both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, SqliteStore]]:
    memory = MemoryStore(actor="tester", files=FileStore(tmp_path / "memory-files"), now=_Clock())
    sqlite = SqliteStore(
        open_db(tmp_path / "register.db"),
        actor="tester",
        files=FileStore(tmp_path / "files"),
        now=_Clock(),
    )
    _fill(memory, request.param)
    _fill(sqlite, request.param)
    yield memory, sqlite
    sqlite.close()


def test_the_snapshot_is_the_fakes(both: tuple[Store, SqliteStore]) -> None:
    fake, new = both
    before, after = fake.queries.snapshot(), new.queries.snapshot()
    assert after.entities == before.entities
    assert after.documents == before.documents
    assert sorted(after.transfers) == sorted(before.transfers)
    assert after.tias == before.tias
    assert after.located == before.located == new.queries.entities_with_locations()
    assert after.transfer_data == before.transfer_data


def test_register_rows_are_the_fakes(both: tuple[Store, SqliteStore]) -> None:
    fake, new = both
    for limit in (None, 7):
        assert new.queries.register_rows(limit) == fake.queries.register_rows(limit)


def test_mechanisms_used_are_the_fakes(both: tuple[Store, SqliteStore]) -> None:
    fake, new = both
    for ids in (None, [r.entity_id for r in new.queries.register_rows(40)]):
        assert new.queries.mechanisms_used(ids) == fake.queries.mechanisms_used(ids)


def test_register_lines_are_the_fakes(both: tuple[Store, SqliteStore]) -> None:
    fake, new = both
    lines = new.queries.register_lines()
    assert lines == fake.queries.register_lines()
    assert lines  # the register has lines to compare


_ARCHIVED = datetime(2000, 1, 1, tzinfo=UTC)


def plain(objs: Sequence[Any]) -> tuple[Any, ...]:
    """Records with their time stamps reduced to whether they are archived: a generated
    register is stamped once per table by SQLite and once in all by the fake, so the clocks
    read differently."""
    return tuple(
        replace(
            o, created_at=None, updated_at=None, archived_at=_ARCHIVED if o.archived_at else None
        )
        for o in objs
    )


def _unstamped(records: RegisterRecords) -> RegisterRecords:
    return replace(
        records,
        entities=plain(records.entities),
        locations=plain(records.locations),
        documents=plain(records.documents),
        transfers=plain(records.transfers),
        tias=plain(records.tias),
        # The two stores ran on different clocks: the trails' times (and so hashes) differ.
        audit=tuple(
            replace(a, at=datetime.min, before=None, after=None, hash="", prev_hash="")
            for a in records.audit
        ),
    )


def test_heads_counts_and_dump_are_the_fakes(both: tuple[Store, SqliteStore]) -> None:
    fake, new = both
    assert new.queries.assessment_heads() == fake.queries.assessment_heads()
    assert new.queries.counts() == fake.queries.counts()
    assert _unstamped(new.records.dump()) == _unstamped(fake.records.dump())
    assert plain(new.entities.list(include_archived=True)) == plain(
        fake.entities.list(include_archived=True)
    )
    assert plain(new.transfers.list()) == plain(fake.transfers.list())
    assert plain(new.documents.list(include_archived=True)) == plain(
        fake.documents.list(include_archived=True)
    )
    assert plain(new.assessments.list()) == plain(fake.assessments.list())
    assert plain(new.entities.locations()) == plain(fake.entities.locations())


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
