"""The regulator's cover letter and what the pack says of each enclosure, on the demo register
(with one transfer no regime covers, so that every category of open item is present).

The letter is read back with pypdf; the manifest carries the same items and markings as data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from support.stores import entity_named

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from transfers_app.domain.enums import Access, DocumentKind, EntityKind, Role, TiaStatus
from transfers_app.domain.formatting import day
from transfers_app.domain.models import Entity, Transfer
from transfers_app.domain.organisation import OpenItemKey
from transfers_app.reference import builtin_reference
from transfers_app.services.app import AppServices
from transfers_app.services.demo import load_demo
from transfers_app.services.evidence import PackScope
from transfers_app.services.open_items import CATEGORIES, OTHER, TITLES, UNVERIFIED, readiness
from transfers_app.services.reference import ReferenceSource

TODAY = date(2026, 11, 25)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[AppServices]:
    # The audit log's clock is the pack's day, so that every change is in the pack's period.
    store = SqliteStore(
        open_db(tmp_path / "r.db"),
        actor="t",
        files=FileStore(tmp_path / "files"),
        now=lambda: datetime(2026, 11, 25, 12, tzinfo=UTC),
    )
    load_demo(store, TODAY, file_adapters().pdf)
    # A customer's own transfer to a vendor: no regime of ours covers it ("other").
    customer = store.entities.add(Entity("Ridgeway Retail GmbH", EntityKind.CUSTOMER))
    stratus = entity_named(store, "Stratus Cloud Hosting, Inc.")
    assert customer.id is not None and stratus.id is not None
    store.transfers.add(Transfer(customer.id, stratus.id, "US", Access.STORAGE, Role.PROCESSOR))
    built = AppServices.build(store, ReferenceSource(builtin_reference()), file_adapters(), TODAY)
    yield built
    built.close()


def pack(
    services: AppServices, target: Path, **kw: Any
) -> tuple[str, dict[str, Any], zipfile.ZipFile]:
    manifest, _ = services.exports.evidence_pack(target, TODAY, **kw)
    z = zipfile.ZipFile(target)
    reader = PdfReader(io.BytesIO(z.read("00-cover-letter.pdf")))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    return text, manifest, z


def test_every_category_of_open_item_is_in_the_letter_counted_per_transfer(
    services: AppServices, tmp_path: Path
) -> None:
    ready = readiness(services.register.status(TODAY), facts=services.open_items.facts())
    counts = {k: n for k, _, n in ready.headline}
    assert all(counts[k] for k, _, _ in CATEGORIES) and counts[OTHER[0]]
    # Per transfer, not per finding: Istanbul's UK and EU findings are one transfer.
    assert counts["no_mechanism"] == 5
    assert len([f for f in ready.items("no_mechanism") if "Türkiye" in f.message]) == 1
    text, manifest, z = pack(services, tmp_path / "p.zip")
    z.close()
    for key, title, n in ready.headline:
        if key == "unverified":
            assert f"{n} facts in all" in text
            assert f"{title} {n} facts, listed in the annex" in text
            continue
        unit = {"no_country": "entit"}.get(key, "transfer")
        assert f"{title}: {n} {unit}" in text, title
    assert manifest["open_items"] == counts
    # The UK transfer on bare EU SCCs, once dropped as "other", is listed as CRITICAL.
    indus = [d for d in manifest["open_items_detail"] if "bare EU SCCs" in d["message"]]
    assert [(d["category"], d["severity"]) for d in indus] == [("no_mechanism", "critical")]
    assert "UK transfer relies on bare EU SCCs" in text
    # Other open items are listed too, not only counted.
    other = [d for d in manifest["open_items_detail"] if d["category"] == "other"]
    assert other and other[0]["entity"] == "Stratus Cloud Hosting, Inc."
    assert "no regime to assess" in text


def test_each_item_says_since_when_who_owns_it_and_by_when(
    services: AppServices, tmp_path: Path
) -> None:
    store = services.register.store
    idta = next(
        d for d in store.documents.list() if d.title == "IDTA Keystone Europe - Keystone Asia"
    )
    assert idta.expires_on is not None
    _, manifest, z = pack(services, tmp_path / "p.zip")
    z.close()
    expired = next(
        d
        for d in manifest["open_items_detail"]
        if d["category"] == "documents" and "IDTA Keystone Europe - Keystone Asia" in d["message"]
    )
    # Open from the day after the IDTA's last day; owned by the entity's owner; no date yet.
    assert expired["open_since"] == (idta.expires_on + timedelta(days=1)).isoformat()
    # The manifest (machine-read) keeps the ISO date in the item; the letter writes it in words.
    assert f"expired on {idta.expires_on.isoformat()}" in expired["message"]
    assert expired["owner"] == "Legal - Privacy" and expired["target_on"] is None
    ref = expired["ref"]
    services.open_items.set_follow_up(
        OpenItemKey("document_expired", ref), "Anita Patel", date(2027, 1, 15)
    )
    text, manifest, z = pack(services, tmp_path / "q.zip")
    z.close()
    both = [
        d for d in manifest["open_items_detail"] if d["ref"] == ref and "expired" in d["message"]
    ]
    assert {(d["owner"], d["target_on"]) for d in both} == {("Anita Patel", "2027-01-15")}
    assert "Anita Patel" in text and "15 Jan 2027" in text
    assert f"Keystone Asia' expired on {day(idta.expires_on)}" in text
    assert idta.expires_on.isoformat() not in text
    entries = store.audit.entries(table="open_items")
    assert entries and json.loads(entries[0].after or "{}")["owner"] == "Anita Patel"


def test_enclosures_that_are_not_current_are_marked(services: AppServices, tmp_path: Path) -> None:
    text, manifest, z = pack(services, tmp_path / "p.zip")
    names = z.namelist()
    z.close()
    marked = manifest["enclosure_status"]
    descriptions = {f["path"]: f["description"] for f in manifest["files"]}

    def status_of(fragment: str) -> str:
        (path,) = [n for n in names if fragment in n]
        return str(marked.get(path, ""))

    draft = status_of("Meridian Recovery Services Pvt. Ltd.pdf")  # the draft assessment
    assert draft.startswith("DRAFT: not approved")
    stale = status_of("TIA-0001-v1")
    assert stale.startswith("STALE: no longer matches the register")
    assert "REVIEW OVERDUE" in stale
    assert status_of("TIA-0004-v1") == ""  # approved and current: nothing to mark
    # "Review overdue" is the status engine's word, as on the Assessments page: Singapore's
    # assessment is of an IDTA that has lapsed, so it is stale, not a review that is due.
    overdue = services.register.status(TODAY).overdue_assessments()
    for x in services.register.store.assessments.list():
        if x.status is TiaStatus.APPROVED and x.archived_at is None:
            said = "REVIEW OVERDUE" in status_of(x.reference + " ")
            assert said == (x.id in overdue), x.reference
    assert "REVIEW OVERDUE" not in status_of("TIA-0003-v1")
    assert "EXPIRED on" in status_of("IDTA Keystone Europe - Keystone Asia")
    assert status_of("2010 SCCs").startswith(
        "NOT VALID for EU transfers after 27 Dec 2022 or UK transfers after 21 Mar 2024"
    )
    # DPF List entries are evidence, checked on a day, never "signed".
    store = services.register.store
    for d in store.documents.list():
        if d.kind is not DocumentKind.DPF_CERTIFICATION:
            continue
        (path,) = [n for n in names if n.startswith(f"documents/{d.id} ")]
        assert (
            "evidence of the importer's Data Privacy Framework certification" in descriptions[path]
        )
        assert "signed" not in descriptions[path]
        assert status_of(f"documents/{d.id} ").startswith("Evidence")
    current = [n for n in names if n.startswith("documents/") and n not in marked]
    assert current, "current documents carry no marking"
    assert "Current" in text and "DRAFT: not approved" in text and "STALE" in text


def test_the_letter_says_who_writes_to_whom_and_is_marked_confidential(
    services: AppServices, tmp_path: Path
) -> None:
    text, manifest, z = pack(
        services, tmp_path / "p.zip", reference="IC-2026-0042", prepared_by="Anita Patel"
    )
    z.close()
    for expected in (
        "Keystone Access Europe Limited",
        "102B The Green, Twickenham, United Kingdom",
        "Registration number ZX000000 (demo) with the Information Commission",
        "To Information Commission (formerly the ICO)",
        "Date 25 Nov 2026",
        "Our reference IC-2026-0042",
        "From Anita Patel, Privacy Counsel (anita.patel@keystone-europe.example)",
        "Daniel Okafor (dpo@keystone-europe.example)",
        "EU representative (Art 27) Example EU Representative Ltd (demo)",
        "CONFIDENTIAL",
        "Signature",
        "Maria Santos",
    ):
        assert expected in text, expected
    assert manifest["prepared_by"].startswith("Anita Patel")
    # The audit trail was verified when the pack was made; the letter and the manifest agree.
    trail = manifest["audit_trail"]
    assert trail["intact"] is True
    assert trail["head_hash"] in text.replace(" ", "").replace("\n", "")


def test_the_pack_adds_the_data_map_the_method_and_the_audit_extract(
    services: AppServices, tmp_path: Path
) -> None:
    profile = services.organisation.get()
    services.organisation.save(
        replace(profile, addressee="The Information Commission, Investigations")
    )
    text, _, z = pack(services, tmp_path / "p.zip")
    assert "To The Information Commission, Investigations" in text
    with z:
        names = z.namelist()
        method = PdfReader(io.BytesIO(z.read("01-methodology.pdf")))
        svg = z.read("data-map/data-map.svg").decode()
        data_map = PdfReader(io.BytesIO(z.read("data-map/data-map.pdf")))
        audit = list(csv.reader(io.StringIO(z.read("audit/audit-log.csv").decode("utf-8-sig"))))
    assert len(method.pages) == 1
    method_text = method.pages[0].extract_text()
    assert "T1:" in method_text and "unverified" in method_text
    assert "Stratus Cloud Hosting, Inc." in data_map.pages[0].extract_text()
    assert "<svg" in svg and "Stratus Cloud Hosting, Inc." in svg
    assert audit[0] == ["When (UTC)", "Record", "Record id", "Action", "What changed"]
    assert any(r[1] == "organisation profile" and r[4] == "addressee" for r in audit[1:])
    assert "audit/audit-log.csv" in names
    assert TITLES["fallback"] in text


def test_the_unverified_facts_counted_are_those_the_enclosed_assessments_rely_on(
    services: AppServices, tmp_path: Path
) -> None:
    store = services.register.store
    stratus = entity_named(store, "Stratus Cloud Hosting, Inc.")
    assert stratus.id is not None
    scope = PackScope(entity_ids=frozenset({stratus.id}))
    text, manifest, z = pack(services, tmp_path / "p.zip", scope=scope)
    enclosed = [n for n in z.namelist() if n.startswith("assessments/")]
    z.close()
    tias = [
        x
        for x in store.assessments.list(content=True)
        if any(n.startswith(f"assessments/{x.reference} ") for n in enclosed)
    ]
    relied = {
        a.statement
        for x in tias
        if x.status is TiaStatus.APPROVED and x.content is not None
        for a in x.content.accepted
    }
    whole = readiness(services.register.status(TODAY), facts=services.open_items.facts())
    assert relied and len(relied) < whole.count(UNVERIFIED)
    assert manifest["open_items"][UNVERIFIED] == len(relied)
    assert f"{len(relied)} facts in all" in text
