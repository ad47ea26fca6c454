"""The readiness check and the regulator's evidence pack, on the demo register."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from support.stores import sqlite_only

from db.sqlite.store import SessionStore
from exports import file_adapters
from transfers_app.errors import PackCancelled
from transfers_app.ports.storage import Store
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.evidence import PackScope
from transfers_app.services.open_items import readiness
from transfers_app.services.reference import ReferenceSource

TODAY = date(2026, 11, 25)


def _services(store: Store) -> AppServices:
    return AppServices.build(store, ReferenceSource(builtin_reference()), file_adapters(), TODAY)


@pytest.fixture
def service(demo_register: Store) -> AppServices:
    """The demo register's services, on each engine."""
    return _services(demo_register)


def _entity(service: AppServices, name: str) -> int:
    return next(i for i, n in service.register.store.names.names().items() if n == name)


def test_readiness_sorts_the_open_gaps_by_what_an_inquiry_asks(service: AppServices) -> None:
    ready = readiness(service.register.status(TODAY))
    counts = {key: n for key, _, n in ready.headline}
    assert not ready.ready
    # the demo's Turkish vendor has no mechanism; Philippines support has no approved TIA;
    # the Singapore IDTA has expired; one vendor has no processing location
    assert counts["no_mechanism"] >= 1
    assert counts["assessment"] >= 1
    assert counts["documents"] >= 1
    assert counts["no_country"] == 1
    messages = " ".join(f.message for f in ready.findings if f.category == "assessment")
    assert "no longer matches the register" in messages  # the stale Stratus TIA


def test_the_pack_holds_every_piece_of_evidence_with_its_hash(
    service: AppServices, tmp_path: Path
) -> None:
    target = tmp_path / "pack.zip"
    manifest, ready = service.exports.evidence_pack(target, TODAY, prepared_by="DPO")
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        assert names[0] == "00-cover-letter.pdf" and names[-1] == "manifest.json"
        assert {"register/register.pdf", "register/register.csv"} <= set(names)
        assert "records/art30-transfers.csv" in names
        tias = [n for n in names if n.startswith("assessments/")]
        # The four approved ones and the Meridian draft, which is enclosed marked as a draft
        # (issue 11: not silently dropped, not passed off as current).
        assert len(tias) == 5
        assert any("Stratus" in n for n in tias)
        (draft,) = [n for n in tias if "Meridian" in n]
        docs = [n for n in names if n.startswith("documents/")]
        assert any("Stratus Cloud Terms" in n for n in docs)
        listed = json.loads(z.read("manifest.json"))
        assert listed == manifest
        assert {f["path"] for f in listed["files"]} == set(names) - {"manifest.json"}
        for f in listed["files"]:
            assert hashlib.sha256(z.read(f["path"])).hexdigest() == f["sha256"]
        assert listed["organisation"] == "Keystone Access Europe Limited"
        assert listed["enclosure_status"][draft].startswith("DRAFT: not approved")
        assert listed["open_items"]["assessment"] == ready.count("assessment")

        cover = PdfReader(io.BytesIO(z.read("00-cover-letter.pdf")))
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in cover.pages))
        assert "ZX000000 (demo)" in text and "Information Commission" in text
        assert "Open items on 25 Nov 2026" in text
        assert "records/art30-transfers.csv" in text

        rows = list(
            csv.DictReader(io.StringIO(z.read("records/art30-transfers.csv").decode("utf-8-sig")))
        )
        stratus = next(r for r in rows if r["Recipient"] == "Stratus Cloud Hosting, Inc.")
        assert stratus["Third country or international organisation"] == "United States (US)"
        assert "UK Addendum" in stratus["Transfer basis"]
        assert stratus["Assessment"].startswith("TIA-")
        assert "Indus Support Services" in stratus["Onward transfers"]


@sqlite_only
def test_a_pack_for_one_supplier_holds_only_its_evidence(
    service: AppServices, tmp_path: Path
) -> None:
    stratus = _entity(service, "Stratus Cloud Hosting, Inc.")
    manifest, _ = service.exports.evidence_pack(
        tmp_path / "p.zip",
        TODAY,
        scope=PackScope(entity_ids=frozenset({stratus})),
    )
    paths = [f["path"] for f in manifest["files"]]
    assert [p for p in paths if p.startswith("assessments/")] == [
        p for p in paths if p.startswith("assessments/") and "Stratus" in p
    ]
    assert all("Stratus" in p for p in paths if p.startswith("documents/"))
    assert "Stratus" in manifest["scope"]


@sqlite_only
def test_hostile_names_stay_inside_the_pack(service: AppServices, tmp_path: Path) -> None:
    repo = service.register.store
    stratus = repo.entities.get(_entity(service, "Stratus Cloud Hosting, Inc."))
    repo.entities.update(replace(stratus, name="../../etc/passwd <b>R&D</b> CON", legal_name=""))
    doc = next(d for d in repo.documents.list() if d.title.startswith("Stratus Cloud Terms"))
    repo.documents.update(replace(doc, title="..\\..\\windows\\system32 株式会社|?*"))
    target = tmp_path / "pack.zip"
    service.exports.evidence_pack(target, TODAY)
    with zipfile.ZipFile(target) as z:
        for n in z.namelist():
            parts = n.split("/")
            assert not n.startswith("/") and ".." not in parts and "\\" not in n
            assert not set(n) & set('<>:"|?*')
        assert any("株式会社" in n for n in z.namelist())


@sqlite_only
def test_a_cancelled_pack_leaves_no_file(service: AppServices, tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    with pytest.raises(PackCancelled):
        service.exports.evidence_pack(target, TODAY, progress=lambda done, total, what: done < 3)
    assert list(tmp_path.glob("*pack.zip*")) == []


def _cover_text(target: Path) -> str:
    with zipfile.ZipFile(target) as z:
        cover = PdfReader(io.BytesIO(z.read("00-cover-letter.pdf")))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in cover.pages))


def test_the_pack_records_the_audit_trails_head_hash_and_its_check(
    service: AppServices, tmp_path: Path
) -> None:
    now = service.audit.verify()
    assert now.intact and now.entries > 20
    target = tmp_path / "pack.zip"
    manifest, _ = service.exports.evidence_pack(target, TODAY)
    assert manifest["audit_trail"] == {
        "entries_checked": now.entries,
        "head_entry_id": now.head_id,
        "head_hash": now.head_hash,
        "hash_algorithm": "SHA-256",
        "intact": True,
        "first_broken_link": None,
    }
    text = _cover_text(target)
    assert f"All {now.entries:,} entries were checked" in text
    assert "every link holds" in text
    assert now.head_hash in text.replace(" ", "")


def test_a_pack_from_a_tampered_register_says_the_trail_is_broken(
    demo_register: Store, engine: str, tmp_path: Path
) -> None:
    # Someone with the database's owner rights lifts the append-only guard and rewrites an
    # entry behind the app's back.
    assert isinstance(demo_register, SessionStore)
    conn = demo_register._session.conn
    if engine == "sqlite":
        conn.execute("DROP TRIGGER audit_no_update")
    else:
        conn.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET actor = 'someone else' WHERE id = 4")
    if conn.in_transaction:
        conn.execute("COMMIT")
    target = tmp_path / "pack.zip"
    manifest, _ = _services(demo_register).exports.evidence_pack(target, TODAY)
    trail = manifest["audit_trail"]
    assert trail["intact"] is False
    assert trail["first_broken_link"].startswith("entry 4 (")
    assert "changed after it was written" in trail["first_broken_link"]
    text = _cover_text(target)
    assert "audit trail FAILED its check" in text
    assert "First broken link entry 4 (" in text
