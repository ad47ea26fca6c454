"""The organisation's profile on the command line, and the regulator's pack of a register built
by import, as a user would make them: ``org set``/``org show``, the profile in the JSON export,
``export pack`` with ``--reference``/``--prepared-by``, its refusals, and no login anywhere."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from support.cli import run_cli_cleanly as run

from db import FileStore, SqliteStore, open_db
from transfers_app.domain.enums import Activity, EntityKind, Regime
from transfers_app.domain.models import Entity, Location, Publication
from transfers_app.paths import resolve_paths

PROFILE = [
    "--name", "Harbourline",
    "--legal-name", "Harbourline Analytics Limited",
    "--registration-number", "ZB123456",
    "--dpo-name", "Priya Raman",
    "--dpo-email", "dpo@harbourline.example",
    "--address", "4 Quay Street, Bristol BS1 4DB",
    "--signer", "Tom Ellis|Head of Legal|tom.ellis@harbourline.example",
    "--signer", "Priya Raman|Data Protection Officer|dpo@harbourline.example",
]  # fmt: skip
VENDORS = """Vendor,Country,Service,Transfer mechanism,Data exporter,Status,Start date
Zendesk,United States,Support desk,EU SCCs + UK Addendum,Harbourline Analytics Ltd,Active,15/06/2023
Manila Care BPO,Philippines,Call centre,,Harbourline Analytics Ltd,Active,01/03/2025
Maple Post,Canada,Transactional email,Adequacy,Harbourline Analytics Ltd,Active,01/05/2022
Ridge Analytics,Brazil,Analytics,,Harbourline Analytics Ltd,Proposed,
"""
LOGIN = "zzfakelogin"


def z_text(target: Path, name: str) -> str:
    with zipfile.ZipFile(target) as z:
        return z.read(name).decode("utf-8-sig")


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture
def imported(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> Path:
    """A register built from a vendor list: our entity (as the app's editor adds it), then the
    list imported on the command line."""
    paths = resolve_paths(None).ensure()
    store = SqliteStore(open_db(paths.database), actor="setup", files=FileStore(paths.files))
    own = store.entities.add(
        Entity(
            "Harbourline Analytics Ltd",
            EntityKind.GROUP,
            exporter_regimes=(Regime.UK, Regime.EU),
            owner="Privacy team",
        )
    )
    assert own.id is not None
    store.entities.add_location(Location(own.id, "GB", Activity.HEADQUARTERS))
    store.close()
    source = tmp_path / "vendors.csv"
    source.write_text(VENDORS, "utf-8")
    code, _, err = run(capsys, "import", str(source))
    assert code == 0, err
    return home


def test_org_set_and_show_round_trip(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, _ = run(capsys, "org", "show")
    assert code == 0 and "No organisation profile yet" in out
    code, out, err = run(capsys, "org", "set", *PROFILE)
    assert code == 0, err
    assert "Harbourline Analytics Limited" in out and "ZB123456" in out
    code, out, _ = run(capsys, "org", "show", "--json")
    shown = json.loads(out)
    assert shown["registration_number"] == "ZB123456"
    assert shown["signers"][0] == {
        "name": "Tom Ellis",
        "role": "Head of Legal",
        "email": "tom.ellis@harbourline.example",
    }
    # A later set changes what it names and keeps the rest.
    code, _, _ = run(capsys, "org", "set", "--eu-representative", "EU Rep Ltd, Dublin")
    code, out, _ = run(capsys, "org", "show", "--json")
    again = json.loads(out)
    assert again["eu_representative"] == "EU Rep Ltd, Dublin"
    assert {k: v for k, v in again.items() if k != "eu_representative"} == {
        k: v for k, v in shown.items() if k != "eu_representative"
    }
    code, out, _ = run(capsys, "org", "show")
    assert re.search(r"EU representative\s+EU Rep Ltd, Dublin", out)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--dpo-email", "dpo.harbourline.example"], "--dpo-email: 'dpo.harbourline.example'"),
        (["--name", ""], "--name: is required"),
        (["--signer", "|Head of Legal|x@y.example"], "--signer 1: "),
        (["--signer", "Ana|Counsel|ana-at-example"], "--signer 1: 'ana-at-example' is not"),
        (["--signer", "A", "--no-signers"], "--signer: give signers or --no-signers"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(
    capsys: pytest.CaptureFixture[str], home: Path, argv: list[str], says: str
) -> None:
    assert run(capsys, "org", "set", *PROFILE)[0] == 0
    code, _, err = run(capsys, "org", "set", *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and says in err
    # Nothing changed.
    assert json.loads(run(capsys, "org", "show", "--json")[1])["name"] == "Harbourline"


def test_a_first_set_must_give_the_required_fields(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code, _, err = run(capsys, "org", "set", "--name", "Harbourline")
    assert code == 2 and "--legal-name: is required" in err


def test_the_profile_travels_in_the_json_export(
    capsys: pytest.CaptureFixture[str],
    imported: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(capsys, "org", "set", *PROFILE)
    before = run(capsys, "org", "show", "--json")[1]
    target = tmp_path / "register.json"
    assert run(capsys, "export", "register", "-o", str(target))[0] == 0
    data = json.loads(target.read_text("utf-8"))
    assert data["format_version"] == 2 and data["counts"]["organisation"] == 1
    assert data["organisation"][0]["legal_name"] == "Harbourline Analytics Limited"
    monkeypatch.setenv("TRANSFERS_APP_HOME", str(tmp_path / "elsewhere"))
    code, out, err = run(capsys, "import-json", str(target))
    assert code == 0, err
    assert "1 organisation" in out
    assert run(capsys, "org", "show", "--json")[1] == before


def test_the_pack_needs_the_profile_and_a_sensible_range(
    capsys: pytest.CaptureFixture[str], imported: Path, tmp_path: Path
) -> None:
    target = tmp_path / "pack.zip"
    code, _, err = run(capsys, "export", "pack", "-o", str(target), "--yes")
    assert code == 2 and "org set" in err and len(err.strip().splitlines()) == 1
    assert not target.exists()
    run(capsys, "org", "set", *PROFILE)
    argv = ["export", "pack", "-o", str(target), "--yes"]
    code, _, err = run(capsys, *argv, "--from", "2026-06-01", "--to", "2026-01-01")
    assert code == 2
    assert "--from 2026-06-01 is after --to 2026-01-01" in err
    assert not target.exists()

    # Nothing was live in 2010: the command line and the letter say so, the pack is written.
    code, out, err = run(capsys, *argv, "--from", "2010-01-01", "--to", "2010-12-31")
    assert code == 0, err
    assert "No transfer on the register was live between 1 Jan 2010 and 31 Dec 2010" in out
    with zipfile.ZipFile(target) as z:
        letter = text_of(z.read("00-cover-letter.pdf"))
        manifest = json.loads(z.read("manifest.json"))
    assert "No transfer on the register was live between 1 Jan 2010 and 31 Dec 2010" in letter
    assert "0 transfers in scope" in letter
    assert "no change to the register was recorded between 1 Jan 2010 and 31 Dec 2010" in letter
    # The register was built long after: the letter says when its audit log begins.
    assert re.search(r"31 Dec 2010; the register's audit log begins on \d+ \w{3} 20\d\d", letter)
    assert manifest["transfers_in_scope"] == 0


def test_the_pack_of_an_imported_register_is_a_letter(
    capsys: pytest.CaptureFixture[str], imported: Path, tmp_path: Path
) -> None:
    run(capsys, "org", "set", *PROFILE)
    target = tmp_path / "pack.zip"
    code, _, err = run(
        capsys, "export", "pack", "-o", str(target), "--yes", "--reference", "IC/INQ/2026/118"
    )
    assert code == 0, err
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        letter = text_of(z.read("00-cover-letter.pdf"))
        manifest = json.loads(z.read("manifest.json"))
    for expected in (
        "Harbourline Analytics Limited",  # letterhead
        "4 Quay Street, Bristol BS1 4DB",
        "Registration number ZB123456 with the Information Commission (formerly the ICO)",
        "To Information Commission (formerly the ICO)",
        "Our reference IC/INQ/2026/118",
        "From Tom Ellis, Head of Legal (tom.ellis@harbourline.example)",
        "Data protection officer Priya Raman (dpo@harbourline.example)",
        "CONFIDENTIAL",
        "Dear Sir or Madam",
        "Transfers without a valid mechanism: 2 transfers",
        "Yours faithfully",
        "For and on behalf of Harbourline Analytics Limited",
    ):
        assert expected in letter, expected
    assert "Organisation —" not in letter and "Prepared by root" not in letter
    assert {"01-methodology.pdf", "data-map/data-map.pdf", "data-map/data-map.svg"} <= set(names)
    assert "audit/audit-log.csv" in names
    assert manifest["reference"] == "IC/INQ/2026/118"
    # The proposed vendor's transfer is not live: not in scope, not among the records.
    assert manifest["transfers_in_scope"] == 3 and "3 transfers in scope" in letter
    records = z_text(target, "records/art30-transfers.csv")
    assert "Zendesk" in records and "Ridge Analytics" not in records
    # The vendors have no owner: their items fall to the owner of our exporter.
    assert {d["owner"] for d in manifest["open_items_detail"]} == {"Privacy team"}
    assert manifest["prepared_by"].startswith("Tom Ellis")
    # Someone else prepares this one.
    code, _, err = run(
        capsys, "export", "pack", "-o", str(target), "--yes", "--prepared-by", "Priya Raman"
    )
    assert code == 0, err
    with zipfile.ZipFile(target) as z:
        letter = text_of(z.read("00-cover-letter.pdf"))
    assert "From Priya Raman, Data Protection Officer" in letter


def test_no_output_carries_the_computer_login(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("USER", "LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, LOGIN)
    assert run(capsys, "demo")[0] == 0  # the audit log's actor is the login
    target = tmp_path / "pack.zip"
    code, out, err = run(capsys, "export", "pack", "-o", str(target), "--yes")
    assert code == 0, err
    assert LOGIN not in out + err
    with zipfile.ZipFile(target) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith(".pdf"):
                reader = PdfReader(io.BytesIO(data))
                text = " ".join(p.extract_text() for p in reader.pages)
                text += " ".join(str(v) for v in (reader.metadata or {}).values())
            else:
                text = data.decode("utf-8", "replace")
            assert LOGIN not in text, name
    register = tmp_path / "register.pdf"
    assert run(capsys, "export", "register", "-o", str(register))[0] == 0
    reader = PdfReader(register)
    assert reader.metadata is not None and reader.metadata.author == "Maria Santos"
    assert LOGIN not in " ".join(p.extract_text() for p in reader.pages)


def test_a_published_list_records_a_person_and_the_register_file_names_no_login(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("USER", "LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, LOGIN)
    assert run(capsys, "demo")[0] == 0
    # A version recorded before people were named: its actor was the login.
    paths = resolve_paths(None)
    store = SqliteStore(open_db(paths.database), actor=LOGIN, files=FileStore(paths.files))
    store.publications.add(
        Publication("public_list", date(2026, 1, 5), '{"entries": []}', actor=LOGIN)
    )
    store.close()
    listed = tmp_path / "list.html"
    code, _, err = run(capsys, "export", "public-list", "-o", str(listed), "--publish", "--force")
    assert code == 0, err
    code, _, err = run(
        capsys, "export", "public-list", "-o", str(listed), "--publish", "--force",
        "--as-of", "2026-12-01", "--prepared-by", "Anita Patel",
    )  # fmt: skip
    assert code == 0, err
    target = tmp_path / "register.json"
    assert run(capsys, "export", "register", "-o", str(target))[0] == 0
    data = json.loads(target.read_text("utf-8"))
    # The profile's first signer by default, the name given otherwise; the old one: nobody.
    assert [p["actor"] for p in data["publications"]] == ["", "Maria Santos", "Anita Patel"]
    audit = data.pop("audit")
    assert LOGIN not in json.dumps(data, ensure_ascii=False)
    assert any(r["actor"] == LOGIN for r in audit)  # the audit trail keeps who did it
