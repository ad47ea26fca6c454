"""The pack writer: safe names whatever the entity is called, hashes, all-or-nothing."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exports.csv_safe import csv_bytes, neutralise
from exports.evidence_pack import write_pack
from transfers_app.errors import PackCancelled
from transfers_app.reports.pack import PackEntry, PackPlan, safe_component

HOSTILE = [
    "../../etc/passwd",
    "..",
    ".",
    "C:\\Windows\\system32",
    "/absolute/path",
    "CON",
    "con.txt",
    "LPT1.pdf",
    'a/b\\c:d*e?f"g<h>i|j',
    "name\x00with\x1fcontrol",
    "   ...   ",
    "<b>R&D</b> Ltd",
    "株式会社テスト" * 20,
    "Łódź Spółka z o.o.",
    "İstanbul Veri A.Ş.",
    "شركة البيانات",
    "trailing dot.",
    "🙂 emoji vendor",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_become_one_safe_component(name: str) -> None:
    safe = safe_component(name)
    assert safe and "/" not in safe and "\\" not in safe
    assert safe not in (".", "..") and not safe.startswith(".")
    assert not any(ord(c) < 32 for c in safe)
    assert not set(safe) & set('<>:"|?*')
    assert safe.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "LPT1"}
    assert len(safe.encode()) <= 100
    assert not safe.endswith((".", " "))


def test_names_keep_their_letters() -> None:
    assert safe_component("Łódź Spółka z o.o.") == "Łódź Spółka z o.o"
    assert safe_component("株式会社テスト.pdf") == "株式会社テスト.pdf"
    assert safe_component("<b>R&D</b> Ltd") == "b_R&D_b_ Ltd"


@given(st.text())
def test_any_text_gives_a_safe_component(text: str) -> None:
    safe = safe_component(text)
    assert safe and "/" not in safe and safe not in (".", "..")
    assert len(safe.encode()) <= 100
    safe.encode("utf-8")  # no lone surrogates split in half


def _plan(*entries: PackEntry) -> PackPlan:
    return PackPlan(entries, (("format", "test"),))


def test_the_manifest_hashes_every_file(tmp_path: Path) -> None:
    src = tmp_path / "signed.pdf"
    src.write_bytes(b"%PDF-1.4 signed")
    target = tmp_path / "pack.zip"
    manifest = write_pack(
        _plan(
            PackEntry("00-cover.pdf", "cover", lambda: b"cover"),
            PackEntry("documents/1 SCCs.pdf", "the SCCs", source=src),
        ),
        target,
    )
    with zipfile.ZipFile(target) as z:
        assert z.namelist() == ["00-cover.pdf", "documents/1 SCCs.pdf", "manifest.json"]
        listed = json.loads(z.read("manifest.json"))
        for f in listed["files"]:
            assert hashlib.sha256(z.read(f["path"])).hexdigest() == f["sha256"]
    assert listed == manifest
    assert listed["format"] == "test"


@pytest.mark.parametrize("bad", ["../evil.pdf", "/abs.pdf", "a/../../b.pdf", "a\\b.pdf", "a//b"])
def test_an_unsafe_path_is_refused_before_anything_is_written(tmp_path: Path, bad: str) -> None:
    target = tmp_path / "pack.zip"
    with pytest.raises(ValueError, match="unsafe path"):
        write_pack(_plan(PackEntry(bad, "x", lambda: b"x")), target)
    assert list(tmp_path.iterdir()) == []


def test_two_files_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="two files"):
        write_pack(
            _plan(PackEntry("a/X.pdf", "", lambda: b""), PackEntry("a/x.pdf", "", lambda: b"")),
            tmp_path / "p.zip",
        )


def test_cancelling_leaves_no_file_and_keeps_an_older_pack(tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    target.write_bytes(b"last week's pack")
    seen: list[str] = []

    def progress(done: int, total: int, what: str) -> bool:
        seen.append(what)
        return done < 1

    with pytest.raises(PackCancelled):
        write_pack(
            _plan(*(PackEntry(f"f{i}.txt", "", lambda: b"data") for i in range(3))),
            target,
            progress,
        )
    assert seen == ["f0.txt", "f1.txt"]
    assert target.read_bytes() == b"last week's pack"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.zip"]


def test_a_failing_file_leaves_nothing_behind(tmp_path: Path) -> None:
    def boom() -> bytes:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_pack(_plan(PackEntry("a.txt", "", lambda: b"a"), PackEntry("b.txt", "", boom)),
                   tmp_path / "p.zip")  # fmt: skip
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    body = csv_bytes(["name"], [[cell]]).decode("utf-8-sig")
    assert body.splitlines()[1].lstrip('"').startswith("'")


def test_csv_has_a_bom_and_keeps_unicode() -> None:
    data = csv_bytes(["Name", "Country"], [["株式会社テスト", "JP"], ['Łódź, "quoted"', "PL"]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert '"Łódź, ""quoted"""' in text and "株式会社テスト" in text
