"""What a demanding user runs into: renewals seen on past dates, duplicates, locks, bad files."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from support.cli import TODAY, run_cli_cleanly

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from transfers_app.domain import enums
from transfers_app.domain.countries import normalise_code
from transfers_app.domain.models import Document, Entity, Location, MechanismUse, Tia, Transfer
from transfers_app.errors import StorageError
from transfers_app.reference import BUNDLE_KEYS, builtin_reference, load_reference
from transfers_app.rules.destination import assess_destination
from transfers_app.rules.gaps import GapCode
from transfers_app.services.demo import load_demo
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[SqliteStore]:
    database = open_db(tmp_path / "r.db")
    yield SqliteStore(database, actor="tester", files=FileStore(tmp_path / "files"))
    database.conn.close()


def _vendor_with_scc(repo: SqliteStore) -> tuple[Entity, Entity, Document, Transfer]:
    us = repo.entities.add(
        Entity("Us Ltd", enums.EntityKind.GROUP, exporter_regimes=(enums.Regime.EU,))
    )
    vendor = repo.entities.add(Entity("Vendor Pvt Ltd", enums.EntityKind.VENDOR))
    assert us.id and vendor.id
    repo.entities.add_location(Location(vendor.id, "IN", enums.Activity.HOSTING))
    scc = repo.documents.add(
        Document(
            enums.DocumentKind.EU_SCC_2021,
            "SCCs 2023",
            party_ids=(us.id, vendor.id),
            scc_module=2,
            signed_on=date(2023, 1, 10),
        )
    )
    t = repo.transfers.add(
        Transfer(
            us.id,
            vendor.id,
            "IN",
            enums.Access.STORAGE,
            enums.Role.PROCESSOR,
            mechanisms=(MechanismUse(enums.Mechanism.EU_SCC, scc.id),),
            started_on=date(2023, 1, 10),
        )
    )
    assert t.id
    repo.assessments.add(
        Tia(
            t.id,
            status=enums.TiaStatus.APPROVED,
            approver="DPO",
            approved_on=date(2023, 1, 5),
            next_review_on=date(2027, 1, 5),
        )
    )
    return us, vendor, scc, t


def test_a_renewal_does_not_rewrite_the_past(repo: SqliteStore) -> None:
    """Renewing SCCs with a version effective next year: today and last year both stay clean,
    because each date is judged on the version in force then."""
    _, _, scc, t = _vendor_with_scc(repo)
    new = repo.documents.renew(
        scc,
        replace(scc, title="SCCs 2027", signed_on=date(2026, 11, 1), effective_on=date(2027, 1, 1)),
    )
    service = RegisterService(repo, ReferenceSource(builtin_reference()))
    assert [g.message for g in service.status(date(2024, 6, 1)).gaps] == []
    assert [g.message for g in service.status(TODAY).gaps] == []
    # From 2027 the new version is the one relied on.
    assert repo.transfers.get(t.id or 0).mechanisms[0].document_id == new.id


def test_renewal_repoints_transfers_with_an_audited_new_version(repo: SqliteStore) -> None:
    _, _, scc, t = _vendor_with_scc(repo)
    new = repo.documents.renew(scc, replace(scc, title="SCCs renewed", signed_on=TODAY))
    after = repo.transfers.get(t.id or 0)
    assert after.version == t.version + 1
    assert after.mechanisms[0].document_id == new.id
    updates = [
        e for e in repo.audit.entries(table="transfers", record_id=t.id) if e.action == "update"
    ]
    assert updates and str(scc.id) in (updates[0].before or "")


def test_an_identical_live_transfer_is_refused_with_a_clear_message(repo: SqliteStore) -> None:
    _, _, _, t = _vendor_with_scc(repo)
    with pytest.raises(StorageError, match="already on the register"):
        repo.transfers.add(replace(t, id=None, version=0))
    repo.transfers.archive(repo.transfers.get(t.id or 0))
    again = repo.transfers.add(replace(t, id=None, version=0))  # archived ones do not block
    assert again.id != t.id


def test_a_locked_register_says_in_use_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    database = open_db(path)
    repo = SqliteStore(database, actor="t")
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    database.conn.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(StorageError, match="in use") as info:
            repo.entities.add(Entity("Vendor", enums.EntityKind.VENDOR))
        assert "backup" not in str(info.value).lower()
    finally:
        other.rollback()
        other.close()
        database.conn.close()


def test_archived_party_and_missing_regime_are_reported(repo: SqliteStore) -> None:
    _, vendor, _, _ = _vendor_with_scc(repo)
    sub = repo.entities.add(Entity("Sub Co Ltd", enums.EntityKind.VENDOR))
    assert sub.id and vendor.id
    # A vendor-to-vendor transfer recorded without any regime: nothing can be assessed.
    repo.transfers.add(
        Transfer(
            vendor.id,
            sub.id,
            "CN",
            enums.Access.STORAGE,
            enums.Role.SUBPROCESSOR,
            exporter_role=enums.Role.PROCESSOR,
        )
    )
    repo.entities.archive(repo.entities.get(vendor.id))
    codes = {
        g.code
        for g in RegisterService(repo, ReferenceSource(builtin_reference())).status(TODAY).gaps
    }
    assert GapCode.ARCHIVED_PARTY in codes
    repo.entities.restore(repo.entities.get(vendor.id))
    codes = {
        g.code
        for g in RegisterService(repo, ReferenceSource(builtin_reference())).status(TODAY).gaps
    }
    assert GapCode.NOT_ASSESSABLE in codes


def test_one_assessment_gap_per_transfer_even_under_two_regimes(tmp_path: Path) -> None:
    database = open_db(tmp_path / "demo.db")
    repo = SqliteStore(database, actor="t")
    load_demo(repo, TODAY, file_adapters().pdf)
    report = RegisterService(repo, ReferenceSource(builtin_reference())).status(TODAY)
    tia_gaps = [g for g in report.gaps if g.code in (GapCode.TIA_MISSING, GapCode.TIA_OVERDUE)]
    per_transfer = [g.transfer_id for g in tia_gaps]
    assert len(per_transfer) == len(set(per_transfer))
    overdue = [g for g in tia_gaps if g.code is GapCode.TIA_OVERDUE]
    assert overdue and overdue[0].regime is None and "UK, EU" in overdue[0].message
    database.conn.close()


def test_uk_to_faroe_islands_is_fully_adequate() -> None:
    a = assess_destination(builtin_reference(), enums.Regime.UK, "FO", TODAY)
    assert a.finding is enums.Finding.ADEQUATE


def test_module_four_check_says_the_assessment_is_conditional() -> None:
    a = assess_destination(
        builtin_reference(),
        enums.Regime.EU,
        "IN",
        TODAY,
        enums.Role.CONTROLLER,
        enums.Role.PROCESSOR,
    )
    assert a.scc_module == 4
    assert any("Module Four" in c for c in a.conditions)


def test_an_organisation_added_by_a_newer_reference_file_becomes_a_destination(
    tmp_path: Path,
) -> None:
    bundle = json.loads(json.dumps(dict(builtin_reference().raw)))
    bundle["manifest"]["as_of"] = "2027-01-01"
    bundle["international_orgs"]["international_orgs"].append(
        {"code": "ESOX", "name": "Example Space Organisation"}
    )
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "newer.json").write_text(json.dumps(bundle), "utf-8")
    ref = load_reference(folder)
    assert ref.as_of == date(2027, 1, 1)
    assert normalise_code("esox") == "ESOX"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code, out, err = run_cli_cleanly(capsys, *argv)
    return code, out + err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            [
                "check",
                "--name",
                "X",
                "--country",
                "US",
                "--role",
                "processor",
                "--dpf-uk-extension",
            ],
            "--dpf",
        ),
        (["demo", "--entities", "2"], "--entities"),
        (["reference", "export", "-o", "/nonexistent/folder/ref.json"], "cannot write"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    code, text = run(capsys, *argv)
    assert code == 2
    assert says in text


def test_a_reference_file_of_the_wrong_shape_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({k: [] for k in BUNDLE_KEYS}))  # every part a list
    code, text = run(capsys, "reference", "load", str(bad))
    assert code == 2 and "bad.json" in text


def test_a_broken_file_in_the_reference_folder_never_stops_the_app(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "h"
    (home / "reference").mkdir(parents=True)
    (home / "reference" / "broken.json").write_text('{"manifest": {"format": 1}}')
    monkeypatch.setenv("TRANSFERS_APP_HOME", str(home))
    code, text = run(capsys, "reference", "show")
    assert code == 0 and "2026-11-25" in text


def test_reminders_include_the_notice_deadline(tmp_path: Path) -> None:
    """The demo's Australian IDTA expires in 45 days with 30 days' notice: notice is due first."""
    database = open_db(tmp_path / "demo.db")
    repo = SqliteStore(database, actor="t")
    load_demo(repo, TODAY, file_adapters().pdf)
    items = RegisterService(repo, ReferenceSource(builtin_reference())).reminders(TODAY, 90)
    notice = [r for r in items if r.what == "notice"]
    expiry = [r for r in items if r.what == "expiry" and "Australia" in r.subject]
    assert notice and expiry
    assert (expiry[0].due_on - notice[0].due_on).days == 30
    database.conn.close()
