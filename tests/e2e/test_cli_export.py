"""``transfers-app export register`` and ``import-json`` end to end through ``cli.main``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from support.cli import run_cli_cleanly as run

from transfers_app.reference import builtin_reference


def _status(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    _code, out, _err = run(capsys, *argv, "status", "--json")
    data: dict[str, Any] = json.loads(out)
    return data


def _without_time(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    data.pop("exported_at")
    return data


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "pdf"])
def test_export_register_writes_each_format(
    capsys: pytest.CaptureFixture[str], demo_on_engine: Path, tmp_path: Path, fmt: str
) -> None:
    if fmt == "pdf":
        pytest.importorskip("exports.pdf_render")
    out_file = tmp_path / f"my register.{fmt}"
    code, out, err = run(capsys, "export", "register", "--format", fmt, "-o", str(out_file))
    assert code == 0, err
    assert err == ""
    assert str(out_file) in out and fmt.upper() in out
    data = out_file.read_bytes()
    worst_entity = _status(capsys)["gaps"][0]["entity"]
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
        assert any(worst_entity in row for row in rows)
    elif fmt == "xlsx":
        wb = load_workbook(out_file)
        assert "Register" in wb.sheetnames and "Entities" in wb.sheetnames
    elif fmt == "json":
        assert json.loads(data)["format"] == "transfer-register/register"
    else:
        assert data.startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_format_comes_from_the_file_name_or_is_asked_for(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    code, _out, _err = run(capsys, "export", "register", "-o", str(tmp_path / "r.CSV"))
    assert code == 0 and (tmp_path / "r.CSV").read_bytes().startswith(b"\xef\xbb\xbf")
    code, out, err = run(capsys, "export", "register", "-o", str(tmp_path / "register.txt"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--format" in err
    assert not (tmp_path / "register.txt").exists()
    code, _out, err = run(capsys, "export", "register", "--format", "docx", "-o", "x.docx")
    assert code == 2 and "invalid choice" in err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["register", "--format", "csv", "-o", "x.pdf"], "--format is csv; make them agree"),
        (["register", "-o", "x.html"], "the register is written as pdf, csv, xlsx or json"),
        (["register", "--format", "pdf", "-o", "x.docx"], "is a .docx file name"),
        (["public-list", "--format", "md", "-o", "x.html"], "--format is md; make them agree"),
        (["public-list", "-o", "x.pdf"], "the public list is written as html or md"),
    ],
)
def test_a_file_name_saying_another_format_is_refused(
    capsys: pytest.CaptureFixture[str],
    demo: Path,
    tmp_path: Path,
    argv: list[str],
    says: str,
) -> None:
    name = argv[-1]
    code, out, err = run(capsys, "export", *argv[:-1], str(tmp_path / name))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and says in err and repr(name) in err
    assert not (tmp_path / name).exists()


def test_export_needs_what_to_export(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, _out, err = run(capsys, "export")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_export_into_a_missing_folder_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no such folder" / "register.csv"
    code, out, err = run(capsys, "export", "register", "-o", str(target))
    assert code == 2 and out == ""
    assert "does not exist" in err and "no such folder" in err
    assert len(err.strip().splitlines()) == 1


def test_export_as_of_a_date_judges_that_date(
    capsys: pytest.CaptureFixture[str], demo_on_engine: Path, tmp_path: Path
) -> None:
    """The status column follows --as-of, like ``status --as-of``."""
    later = "2031-01-01"
    code, _, _ = run(capsys, "export", "register", "--as-of", later, "-o", str(tmp_path / "a.csv"))
    assert code == 0
    rows = list(csv.DictReader((tmp_path / "a.csv").read_text("utf-8-sig").splitlines()))
    _code, out, _ = run(capsys, "status", "--as-of", later, "--json")
    gaps = json.loads(out)["gaps"]
    worst: dict[str, str] = {}
    for g in gaps:
        if g["transfer_id"] is not None:
            worst.setdefault(str(g["transfer_id"]), g["severity"])
    assert any(row["Transfer ID"] in worst for row in rows)
    for row in rows:
        if row["Transfer ID"] in worst:
            assert row["Status"].lower() == worst[row["Transfer ID"]]


def test_json_round_trip_through_the_command_line(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    first = tmp_path / "register.json"
    assert run(capsys, "export", "register", "--format", "json", "-o", str(first))[0] == 0
    copy = tmp_path / "copy"
    code, out, err = run(capsys, "--data-dir", str(copy), "import-json", str(first))
    assert code == 0, err
    assert "Loaded register.json" in out and "entities" in out
    second = tmp_path / "again.json"
    code, _, err = run(capsys, "--data-dir", str(copy), "export", "register", "-o", str(second))
    assert code == 0, err
    before, after = _without_time(first), _without_time(second)
    history, moved = before.pop("audit"), after.pop("audit")
    before["counts"].pop("audit")
    assert after["counts"].pop("audit") == len(history) + 2
    assert before == after
    # The history came along verbatim, hashes included (under new ids), between the entry
    # announcing it and the note of the load; and it verifies in its new home.
    assert moved[0]["action"] == "import_history" and moved[-1]["action"] == "load"
    assert [{**e, "id": 0} for e in moved[1:-1]] == [{**e, "id": 0} for e in history]
    assert "The audit trail is intact" in out
    assert run(capsys, "--data-dir", str(copy), "audit", "verify")[0] == 0
    assert _status(capsys, "--data-dir", str(copy)) == _status(capsys)


def test_import_json_refuses_a_register_that_is_not_empty(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    path = tmp_path / "register.json"
    assert run(capsys, "export", "register", "-o", str(path))[0] == 0
    before = _status(capsys)
    code, out, err = run(capsys, "import-json", str(path))
    assert code == 2 and out == ""
    assert "not empty" in err and len(err.strip().splitlines()) == 1
    assert _status(capsys) == before


def test_import_json_of_a_bad_file_exits_2_naming_the_record(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    path = tmp_path / "register.json"
    assert run(capsys, "export", "register", "-o", str(path))[0] == 0
    data = json.loads(path.read_text("utf-8"))
    data["transfers"][2]["destination"] = "Narnia"
    path.write_text(json.dumps(data), "utf-8")
    copy = tmp_path / "copy"
    code, out, err = run(capsys, "--data-dir", str(copy), "import-json", str(path))
    assert code == 2 and out == ""
    assert "transfers[2]" in err and "destination" in err and "Narnia" in err
    code, out, _ = run(capsys, "--data-dir", str(copy), "status", "--json")
    assert json.loads(out)["transfers_assessed"] == 0, "nothing was loaded"
    missing = tmp_path / "missing.json"
    code, _, err = run(capsys, "--data-dir", str(copy), "import-json", str(missing))
    assert code == 2 and "cannot read" in err


def test_export_tia_by_number_or_reference(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "export", "tia", "TIA-0004", "-o", str(tmp_path / "t.pdf"))
    assert code == 0, err
    assert "Wrote TIA-0004-v1" in out and (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF")
    code, out, _ = run(capsys, "export", "tia", "5", "-o", str(tmp_path / "d.pdf"))
    assert code == 0 and "DRAFT" in out
    code, _, err = run(capsys, "export", "tia", "TIA-0099", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "TIA-0099" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "export", "tia", "seven", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "not an assessment id" in err


def test_export_tia_as_word_and_the_format_from_the_file_name(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    from docx import Document as WordDocument

    word = tmp_path / "t.docx"
    code, out, err = run(capsys, "export", "tia", "TIA-0004", "-o", str(word))
    assert code == 0, err
    assert "Wrote TIA-0004-v1" in out
    text = "\n".join(p.text for p in WordDocument(str(word)).paragraphs)
    assert "TIA-0004-v1" in text and "Decision" in text
    # No extension: --format says which.
    bare = tmp_path / "bare"
    code, _, err = run(capsys, "export", "tia", "4", "-o", str(bare), "--format", "docx")
    assert code == 0, err
    assert bare.read_bytes()[:2] == b"PK"
    # A name that says another format, or none of ours, or nothing at all: refused, no file.
    for argv, says in (
        (["-o", str(tmp_path / "a.pdf"), "--format", "docx"], "make them agree"),
        (["-o", str(tmp_path / "a.txt")], "'.txt'"),
        (["-o", str(tmp_path / "noext")], "no extension"),
    ):
        code, _, err = run(capsys, "export", "tia", "4", *argv)
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1
    assert not any((tmp_path / n).exists() for n in ("a.pdf", "a.txt", "noext"))


def test_export_pack_stops_at_open_items_unless_told(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    target = tmp_path / "pack.zip"
    code, out, err = run(capsys, "export", "pack", "-o", str(target))
    assert code == 1
    assert "Transfers without a valid mechanism" in out and "--yes" in err
    assert not target.exists()
    code, out, err = run(
        capsys,
        "export",
        "pack",
        "-o",
        str(target),
        "--yes",
        "--entity",
        "Stratus Cloud Hosting, Inc.",
    )
    assert code == 0, err
    assert "Wrote the evidence pack" in out
    code, _, err = run(capsys, "export", "pack", "-o", str(target), "--entity", "Nobody Ltd")
    assert code == 2 and "Nobody Ltd" in err


def test_export_tia_reproduces_the_approved_document_after_a_reference_update(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    """An approved assessment exported before and after `reference load` of a newer bundle:
    the same file, to the byte; what changed is said beside it."""
    before = tmp_path / "before.pdf"
    code, out, err = run(capsys, "export", "tia", "TIA-0002", "-o", str(before))
    assert code == 0, err
    assert "as approved on 2026-11-25" in out and "Stale" not in out
    bundle = tmp_path / "newer.json"
    code, _, err = run(capsys, "reference", "export", "-o", str(bundle))
    assert code == 0, err
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["manifest"]["version"], data["manifest"]["as_of"] = "2027.01.15", "2027-01-15"
    bundle.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, "reference", "load", str(bundle))
    assert code == 0 and "2027.01.15" in out, err
    after = tmp_path / "after.pdf"
    code, out, err = run(capsys, "export", "tia", "TIA-0002", "-o", str(after))
    assert code == 0, err
    assert after.read_bytes() == before.read_bytes()
    shipped = builtin_reference().version
    assert (
        f"Stale: it was approved with the legal reference data of version {shipped}; version "
        "2027.01.15 is now in use" in out
    )
    # ... and in a dated status sheet beside the document, never inside it
    sheets = list(tmp_path.glob("after.status-*.pdf"))
    assert len(sheets) == 1 and "Wrote the status as at" in out and str(sheets[0]) in out
    # before the update, the sheet said only that the IDTA expires within three months
    (early,) = tmp_path.glob("before.status-*.pdf")
    from pypdf import PdfReader

    said = " ".join(p.extract_text() for p in PdfReader(str(early)).pages)
    assert "expires on" in said and "Stale" not in said
