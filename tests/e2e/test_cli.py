"""End to end through ``transfers_app.cli.main``: exit codes, output and JSON of each command."""

from __future__ import annotations

import gc
import json
import random
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from support.cli import TODAY, entity_count, run_cli, run_cli_cleanly

SEVERITY_ORDER = ["critical", "high", "medium", "low"]
# The supplier check for a US processor the demo register already knows.
CHECK_STRATUS = (
    "check",
    "--name",
    "Stratus Cloud Hosting",
    "--country",
    "US",
    "--role",
    "processor",
)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, out, _err = run_cli_cleanly(capsys, *argv)
    return code, json.loads(out)


def _assessments(report: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    found = {a["regime"]: a for a in report["assessments"]}
    assert len(found) == len(report["assessments"]), "one assessment per regime"
    return found


# -- demo -------------------------------------------------------------------------------------


def test_demo_loads_and_prints(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, out, err = run_cli(capsys, "demo")
    assert code == 0
    assert err == ""
    m = re.search(r"Loaded the demo register \((\d+) entities\)", out)
    assert m, out
    assert str(home / "register.db") in out
    assert entity_count(home / "register.db") == int(m.group(1)) > 10


def test_demo_on_non_empty_register_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    before = entity_count(demo / "register.db")
    code, out, err = run_cli(capsys, "demo")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "not empty" in lines[0]
    assert "Traceback" not in err
    assert entity_count(demo / "register.db") == before


def test_demo_with_data_dir_uses_that_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, home: Path
) -> None:
    target = tmp_path / "elsewhere"
    code, _out, _ = run_cli(capsys, "--data-dir", str(target), "demo")
    assert code == 0
    assert (target / "register.db").is_file()
    assert not (home / "register.db").exists()


# -- status -----------------------------------------------------------------------------------


def test_status_on_demo_exits_1_worst_first(
    capsys: pytest.CaptureFixture[str], demo_on_engine: Path
) -> None:
    code, out, err = run_cli(capsys, "status")
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith("Register status as of 2026-11-25")
    gap_lines = [ln.strip() for ln in lines[1:] if ln.strip()]
    assert gap_lines, out
    assert gap_lines[0].startswith("CRITICAL")
    severities = [ln.split()[0].lower() for ln in gap_lines]
    assert set(severities) <= set(SEVERITY_ORDER)
    ranks = [SEVERITY_ORDER.index(s) for s in severities]
    assert ranks == sorted(ranks)


def test_status_json_sorted_by_severity_with_brazil_uk_gap(
    capsys: pytest.CaptureFixture[str], demo_on_engine: Path
) -> None:
    code, report = run_json(capsys, "status", "--json")
    assert code == 1
    assert report["as_of"] == "2026-11-25"
    gaps = report["gaps"]
    assert gaps
    ranks = [SEVERITY_ORDER.index(g["severity"]) for g in gaps]
    assert ranks == sorted(ranks)
    assert gaps[0]["severity"] == "critical"
    assert sum(report["counts"].values()) == len(gaps)
    assert list(report["counts"]) == [s for s in SEVERITY_ORDER if s in report["counts"]]

    pampas = [g for g in gaps if g["entity"] and "Pampas" in g["entity"]]
    assert any(g["regime"] == "UK" for g in pampas), pampas
    # Brazil is adequate for the EU since 2026: no EU gap for it.
    assert not any(g["regime"] == "EU" for g in pampas), pampas


def test_status_on_empty_register_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, "status", "--json")
    assert code == 0
    assert report["gaps"] == []
    assert report["transfers_assessed"] == 0


def test_status_with_impossible_date_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    code, _out, err = run_cli(capsys, "status", "--as-of", "2026-02-30")
    assert code == 2
    assert "2026-02-30" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


# -- check ------------------------------------------------------------------------------------


def test_check_unknown_country_exits_2_naming_the_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _out, err = run_cli(
        capsys, "check", "--name", "X", "--country", "XX", "--role", "processor"
    )
    assert code == 2
    assert "'XX'" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_check_us_processor_without_dpf(
    capsys: pytest.CaptureFixture[str], demo_on_engine: Path
) -> None:
    code, report = run_json(capsys, *CHECK_STRATUS, "--json")
    assert code == 0
    assert report["as_of"] == "2026-11-25"
    by_regime = _assessments(report)
    assert set(by_regime) == {"UK", "EU"}
    for regime, a in by_regime.items():
        assert a["destination"] == "US", regime
        assert a["restricted"] is True, regime
        assert a["finding"] == "not_adequate", regime
        assert a["scc_module"] == 2, regime
        assert a["tia_required"] is True, regime
        assert a["safeguards"], regime
    names = [s["name"] for s in report["similar_on_register"]]
    assert "Stratus Cloud Hosting, Inc." in names


def test_check_us_processor_with_dpf_and_uk_extension(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    code, report = run_json(capsys, *CHECK_STRATUS, "--dpf", "--dpf-uk-extension", "--json")
    assert code == 0
    by_regime = _assessments(report)
    assert set(by_regime) == {"UK", "EU"}
    for regime, a in by_regime.items():
        assert a["finding"] == "adequate_if_scope_met", regime


def test_check_text_output(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, err = run_cli(capsys, *CHECK_STRATUS)
    assert code == 0
    assert err == ""
    assert "Supplier check: Stratus Cloud Hosting (as of 2026-11-25)" in out
    assert "== UK exporter -> United States (US)" in out
    assert "== EU exporter -> United States (US)" in out
    assert "Stratus Cloud Hosting, Inc." in out


def test_check_on_empty_register_assesses_uk_and_eu(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report = run_json(
        capsys, "check", "--name", "Nimbus Data", "--country", "US", "--role", "processor", "--json"
    )
    assert code == 0
    assert set(_assessments(report)) == {"UK", "EU"}
    assert report["similar_on_register"] == []


def test_check_with_exporter_regime_ch_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(
        capsys,
        "check",
        "--name",
        "Nimbus Data",
        "--country",
        "US",
        "--role",
        "processor",
        "--exporter-regime",
        "CH",
        "--json",
    )
    assert code == 0
    assert set(_assessments(report)) == {"CH"}
    assert report["regimes_from_register"] is False


# -- reminders --------------------------------------------------------------------------------


def test_reminders_json_lists_overdue_items(
    capsys: pytest.CaptureFixture[str], demo_on_engine: Path
) -> None:
    code, report = run_json(capsys, "reminders", "--within", "30", "--json")
    assert code == 0
    assert report["as_of"] == "2026-11-25"
    assert report["within_days"] == 30
    items = report["reminders"]
    overdue = [r for r in items if r["overdue"]]
    assert overdue, items
    for r in items:
        due = date.fromisoformat(r["due_on"])
        assert r["days_left"] == (due - TODAY).days
        assert r["days_left"] <= 30
        assert r["overdue"] == (r["days_left"] < 0)
    assert all(r["days_left"] < 0 for r in overdue)


# -- reference --------------------------------------------------------------------------------


def test_reference_show_prints_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_cli(capsys, "reference", "show")
    assert code == 0
    assert "2026-11-25" in out
    assert "built-in" in out


def test_reference_load_invalid_json_exits_2_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, home: Path
) -> None:
    bad = tmp_path / "broken-bundle.json"
    bad.write_text('{"manifest": {', "utf-8")
    code, _out, err = run_cli(capsys, "reference", "load", str(bad))
    assert code == 2
    assert "broken-bundle.json" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert list(home.glob("reference/*.json")) == []


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "this one is a binary file"),
        ('{"manifest": {"title": "Donn\u00e9es"}}'.encode("cp1252"), "not UTF-8 text"),
        (b"Name,Country\nAcme,FR\n", "not valid JSON"),
    ],
)
def test_reference_load_of_a_wrong_file_is_one_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, home: Path, content: bytes, said: str
) -> None:
    """Issue 13: a binary or cp1252 file crashed `reference load` with a UnicodeDecodeError."""
    wrong = tmp_path / "wrong.json"
    wrong.write_bytes(content)
    code, _out, err = run_cli(capsys, "reference", "load", str(wrong))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "wrong.json" in err and said in err and "not a reference data file" in err
    assert "Traceback" not in err and "UnicodeDecodeError" not in err
    assert list(home.glob("reference/*.json")) == []


def test_reference_export_then_load_newer_bundle(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    exported = tmp_path / "bundle.json"
    code, out, err = run_cli(capsys, "reference", "export", "-o", str(exported))
    assert code == 0, err
    bundle = json.loads(exported.read_text("utf-8"))
    assert bundle["manifest"]["as_of"] == "2026-11-25"

    bundle["manifest"]["as_of"] = "2027-03-01"
    bundle["manifest"]["version"] = "2027.03.01-test"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(bundle, ensure_ascii=False), "utf-8")

    code, out, err = run_cli(capsys, "reference", "load", str(newer))
    assert code == 0, err
    assert "2027.03.01-test" in out

    code, out, err = run_cli(capsys, "reference", "show")
    assert code == 0
    assert "2027.03.01-test" in out
    assert "2027-03-01" in out


def _exported_bundle(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, **manifest: str
) -> Path:
    """The reference data in use as ``reference export`` writes it, with ``manifest`` changed,
    in ``tmp_path / name``."""
    exported = tmp_path / "bundle.json"
    assert run_cli(capsys, "reference", "export", "-o", str(exported))[0] == 0
    bundle = json.loads(exported.read_text("utf-8"))
    bundle["manifest"].update(manifest)
    path = tmp_path / name
    path.write_text(json.dumps(bundle), "utf-8")
    return path


def test_reference_load_older_bundle_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    older = _exported_bundle(
        capsys, tmp_path, "older.json", as_of="2025-01-01", version="2025.01.01"
    )
    code, out, err = run_cli(capsys, "reference", "load", str(older))
    assert code == 2
    assert "older.json" in err
    code, out, _ = run_cli(capsys, "reference", "show")
    assert "2026.12.07" in out


def test_reference_load_of_an_older_version_of_the_same_date_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The same as_of as the data in use, an older version.
    older = _exported_bundle(capsys, tmp_path, "same-date-older.json", version="2026.11.25")
    code, _out, err = run_cli(capsys, "reference", "load", str(older))
    assert code == 2
    assert "same-date-older.json (version 2026.11.25" in err and "not loaded" in err
    assert not list((tmp_path / "home" / "reference").glob("*.json"))


# -- synthetic register -----------------------------------------------------------------------


def test_synthetic_demo_then_status_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "big"
    code, out, err = run_cli(
        capsys, "--data-dir", str(folder), "demo", "--entities", "500", "--seed", "7"
    )
    assert code == 0, err
    assert "500 entities" in out
    assert "seed 7" in out
    assert entity_count(folder / "register.db") == 500

    code, report = run_json(capsys, "--data-dir", str(folder), "status", "--json")
    assert code in (0, 1)
    assert report["transfers_assessed"] > 0
    ranks = [SEVERITY_ORDER.index(g["severity"]) for g in report["gaps"]]
    assert ranks == sorted(ranks)
    assert code == (1 if report["gaps"] else 0)

    # A second generation into the same (non-empty) folder is refused.
    code, out, err = run_cli(capsys, "--data-dir", str(folder), "demo", "--entities", "10")
    assert code == 2
    assert "not empty" in err


# -- damaged register ------------------------------------------------------------------------


def test_status_on_register_with_a_corrupt_page_gives_a_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    db_path = demo / "register.db"
    gc.collect()  # let the CLI's connection go, so the WAL is checkpointed into the file
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    conn = sqlite3.connect(db_path)
    try:
        # A page that `status` must read: the transfers table's.
        (page,) = conn.execute("SELECT min(pageno) FROM dbstat WHERE name = 'transfers'").fetchone()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table to find the page")
    finally:
        conn.close()
    data = bytearray(db_path.read_bytes())
    start = (page - 1) * page_size
    data[start : start + page_size] = random.Random(1).randbytes(page_size)
    db_path.write_bytes(bytes(data))
    content = bytes(data)

    code, _out, err = run_cli(capsys, "status")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert db_path.read_bytes() == content


def test_the_entry_point_collects_less_often_and_main_leaves_the_process_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command's own process collects garbage less often (a status builds millions of
    objects); ``main``, which tests and other programs call, changes nothing of the process."""
    from transfers_app import cli

    before = gc.get_threshold()
    try:
        assert run_cli(capsys, "status")[0] == 0
        assert gc.get_threshold() == before
        monkeypatch.setattr("sys.argv", ["transfers-app", "--version"])
        with pytest.raises(SystemExit) as done:
            cli.run()
        assert done.value.code == 0
        assert gc.get_threshold() == cli.GC_THRESHOLDS != before
        assert capsys.readouterr().out.startswith("transfers-app ")
    finally:
        gc.set_threshold(*before)
