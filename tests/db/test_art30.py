"""The Art 30(1)(e) transfer records: the transfers live on the date, every document each
regime relies on with its dates, the assessment's state as the status report gives it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fakes.memory_store import MemoryStore
from support.stores import DEMO_DAY, demo_memory

from transfers_app.domain.formatting import TIA_STATE_LABELS
from transfers_app.reference import builtin_reference
from transfers_app.services.art30 import ART30_HEADERS, art30_rows
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    return demo_memory()


def _rows(store: MemoryStore, on: date) -> dict[str, dict[str, str]]:
    status = RegisterService(store, ReferenceSource(builtin_reference())).status(on)
    entities = {e.id: e for e in store.entities.list() if e.id is not None}
    documents = {d.id: d for d in store.documents.list() if d.id is not None}
    rows = art30_rows(status, store.transfers.list(), entities, documents)
    out = {}
    for row in rows:
        assert len(row) == len(ART30_HEADERS)
        record = dict(zip(ART30_HEADERS, row, strict=True))
        out[record["Recipient"]] = record
    return out


def test_only_the_transfers_live_on_the_date_are_recorded(store: MemoryStore) -> None:
    status = RegisterService(store, ReferenceSource(builtin_reference())).status(DEMO_DAY)
    rows = _rows(store, DEMO_DAY)
    assert sorted(r["Transfer"] for r in rows.values()) == sorted(
        f"T{s.transfer.id}" for s in status.statuses
    )
    # The proposed vendor (Quanta, a pilot not started) transfers nothing yet.
    assert not [name for name in rows if name.startswith("Quanta")]
    assert len(store.transfers.list()) > len(rows)


def test_every_document_per_regime_with_its_dates(store: MemoryStore) -> None:
    rows = _rows(store, DEMO_DAY)
    northwind = next(r for n, r in rows.items() if n.startswith("Northwind"))
    docs = northwind["Safeguard documents"].split("; ")
    # DPF evidence and the SCCs beside it, under each regime: evidence is checked, not signed.
    for regime in ("UK GDPR", "EU GDPR"):
        mine = [d for d in docs if d.startswith(f"{regime}: ")]
        assert len(mine) >= 2, docs
        assert any("DPF evidence, listing checked 20" in d for d in mine)
        assert any("(signed 20" in d for d in mine)
    assert "UK GDPR: Data Privacy Framework" in northwind["Transfer basis"]
    # A lapsed IDTA says so beside its date.
    title = "IDTA Keystone Europe - Keystone Asia"
    idta = next(d for d in store.documents.list() if d.title == title)
    assert idta.expires_on is not None and idta.expires_on < DEMO_DAY
    before = _rows(store, idta.expires_on - timedelta(days=1))["Keystone Access Asia Pte. Ltd."]
    after = rows["Keystone Access Asia Pte. Ltd."]
    assert f"expires {idta.expires_on.isoformat()}" in before["Safeguard documents"]
    assert "UK GDPR: UK IDTA" in before["Transfer basis"]
    assert f"expired {idta.expires_on.isoformat()}" in after["Safeguard documents"]
    assert "UK GDPR: no valid safeguard" in after["Transfer basis"]
    # Bare EU SCCs under UK rules: no safeguard, but the document on file is still named.
    indus = rows["Indus Support Services Pvt. Ltd."]
    assert "UK GDPR: no valid safeguard" in indus["Transfer basis"]
    assert "UK GDPR: 'Stratus - Indus SCCs Module 3' (signed 20" in indus["Safeguard documents"]


def test_the_assessment_state_is_the_status_reports(store: MemoryStore) -> None:
    status = RegisterService(store, ReferenceSource(builtin_reference())).status(DEMO_DAY)
    rows = {r["Transfer"]: r for r in _rows(store, DEMO_DAY).values()}
    for s in status.statuses:
        row = rows[f"T{s.transfer.id}"]
        assert row["Assessment status"] == TIA_STATE_LABELS[status.tia_state(s)]
        assert row["Assessment"] == (s.assessment.reference if s.assessment else "")
    words = {r["Assessment status"] for r in rows.values()}
    assert {"missing", "not needed", "stale", "approved"} <= words


def test_an_assessment_approved_later_is_not_on_the_record_of_an_earlier_date(
    store: MemoryStore,
) -> None:
    rows = _rows(store, date(2023, 1, 10))
    assert rows  # transfers already live then
    approved = [r["Assessment approved"] for r in rows.values() if r["Assessment approved"]]
    assert all(a <= "2023-01-10" for a in approved)
