"""The command line on damaged, locked and read-only registers, the journal mode the user
chooses, ``audit verify``, and two demo loads at once (issue 12)."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support import registers as on_disk
from support.cli import run_cli_cleanly

import db.connection as connection


def _one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.fixture
def closed_demo(demo: Path) -> Path:
    """The demo register, its write-ahead log merged: the file alone is the register."""
    on_disk.checkpoint(demo / "register.db")
    return demo


# -- damaged ----------------------------------------------------------------------------------


def test_every_command_refuses_damaged_copies_and_leaves_them_untouched(
    capsys: pytest.CaptureFixture[str],
    closed_demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random bytes over 1-4 pages: status, import, demo and the app's start each refuse
    every copy, before reading or writing it, naming the backup to restore."""
    shown: list[str] = []
    monkeypatch.setattr("ui.messages.error", lambda _parent, text: shown.append(text))
    vendors = tmp_path / "vendors.csv"
    vendors.write_text("Supplier;Country\nKlar GmbH;Austria\n", "utf-8")
    rng = random.Random(2026)
    commands = [["status"], ["import", str(vendors)], ["demo"], []]  # [] is the desktop app
    for i in range(6):
        home = tmp_path / f"copy{i}"
        home.mkdir()
        path = home / "register.db"
        shutil.copyfile(closed_demo / "register.db", path)
        (home / "backups").mkdir()
        backup = home / "backups" / "register-20261124T170000Z-before-m006_audit_chain.db"
        shutil.copyfile(closed_demo / "register.db", backup)
        on_disk.damage_pages(path, rng, rng.randint(1, 4))
        before = on_disk.sha256(path)
        for argv in commands:
            text = _one_line_error(*run_cli_cleanly(capsys, "--data-dir", str(home), *argv))
            assert f"{path} is damaged" in text and f"Restore the newest backup, {backup}" in text
            assert on_disk.sha256(path) == before, f"{argv} wrote to damaged copy {i}"
        assert not list(home.glob("register.db-*")) or on_disk.sha256(path) == before
    # The app said it in a window as well (its users do not see the terminal).
    assert len(shown) == 6 and all("is damaged" in s for s in shown)


# -- locked -----------------------------------------------------------------------------------


def test_a_write_to_a_register_another_program_holds_waits_then_says_so(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT", 0.3)
    vendors = tmp_path / "vendors.csv"
    vendors.write_text("Supplier;Country\nKlar GmbH;Austria\n", "utf-8")
    with on_disk.held_by_another_program(demo / "register.db"):
        text = _one_line_error(*run_cli_cleanly(capsys, "import", str(vendors)))
        # Reading is not held up.
        code, out, _ = run_cli_cleanly(capsys, "status")
        assert code == 1 and "Register status" in out
    assert "in use by another program" in text and "nothing was changed" in text
    assert "damaged" not in text and "backup" not in text
    code, out, _ = run_cli_cleanly(capsys, "import", str(vendors))
    assert code == 0 and "1 new" in out


# -- read-only --------------------------------------------------------------------------------


def test_a_read_only_register_reads_and_exports_and_says_why_it_cannot_change(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = demo / "register.db"
    code, status_before, _ = run_cli_cleanly(capsys, "status")
    exported = tmp_path / "register.json"
    assert run_cli_cleanly(capsys, "export", "register", "-o", str(exported))[0] == 0
    vendors = tmp_path / "vendors.csv"
    vendors.write_text("Supplier;Country\nKlar GmbH;Austria\n", "utf-8")
    bundle = tmp_path / "bundle.json"
    assert run_cli_cleanly(capsys, "reference", "export", "-o", str(bundle))[0] == 0
    on_disk.checkpoint(path)
    before = on_disk.sha256(path)
    with on_disk.read_only(monkeypatch, path):
        # Everything that reads works.
        assert run_cli_cleanly(capsys, "status") == (code, status_before, "")
        check = ["check", "--name", "Stratus", "--country", "US", "--role", "processor"]
        assert run_cli_cleanly(capsys, *check)[0] == 0
        assert run_cli_cleanly(capsys, "reminders")[0] == 0
        assert run_cli_cleanly(capsys, "audit", "verify")[0] == 0
        for fmt in ("csv", "json", "xlsx"):
            out_file = tmp_path / f"ro.{fmt}"
            assert run_cli_cleanly(capsys, "export", "register", "-o", str(out_file))[0] == 0
            assert out_file.stat().st_size > 0
        dry = run_cli_cleanly(capsys, "import", str(vendors), "--dry-run")
        assert dry[0] == 0 and "1 new" in dry[1]
        # Everything that writes says why not.
        public = ["export", "public-list", "-o", str(tmp_path / "list.html"), "--publish"]
        for argv, what in (
            (["import", str(vendors)], "cannot import the list"),
            (["demo"], "cannot load the demo register"),
            (public, "cannot publish the list"),
            (["reference", "load", str(bundle)], "cannot load reference data"),
        ):
            text = _one_line_error(*run_cli_cleanly(capsys, *argv))
            assert text == (
                f"transfers-app: error: {what}: {path} is open read-only (the file is "
                "read-only); nothing was changed. Ask for write access, or copy the data "
                "folder somewhere you can write to."
            )
    assert on_disk.sha256(path) == before


def test_a_read_only_empty_register_refuses_import_json(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = tmp_path / "register.json"
    assert run_cli_cleanly(capsys, "export", "register", "-o", str(exported))[0] == 0
    empty = tmp_path / "empty"
    assert run_cli_cleanly(capsys, "--data-dir", str(empty), "status")[0] == 0
    with on_disk.read_only(monkeypatch, empty / "register.db"):
        text = _one_line_error(
            *run_cli_cleanly(capsys, "--data-dir", str(empty), "import-json", str(exported))
        )
    assert "cannot load register.json" in text and "read-only" in text


# -- the journal mode -------------------------------------------------------------------------


def test_shared_drive_mode_is_chosen_remembered_and_never_undone(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    path = home / "register.db"
    assert run_cli_cleanly(capsys, "--journal", "rollback", "demo")[0] == 0
    assert on_disk.journal_of_file(path) == "delete"
    for _ in range(2):  # `status` used to turn it back into WAL
        assert run_cli_cleanly(capsys, "status")[0] == 1
        assert on_disk.journal_of_file(path) == "delete"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")  # another program (an older version) switches it
    conn.close()
    code, _out, err = run_cli_cleanly(capsys, "status")
    assert code == 1 and on_disk.journal_of_file(path) == "delete"
    assert "warning: another program had switched the register to wal mode" in err
    assert run_cli_cleanly(capsys, "--journal", "wal", "status")[0] == 1
    assert on_disk.journal_of_file(path) == "wal"
    assert run_cli_cleanly(capsys, "status")[0] == 1 and on_disk.journal_of_file(path) == "wal"
    conn = sqlite3.connect(path)
    settings = conn.execute(
        "SELECT actor, after FROM audit WHERE table_name = 'settings' "
        "AND after LIKE '%journal_mode%' ORDER BY id"
    ).fetchall()
    conn.close()
    assert [after for _, after in settings] == [
        '{"key": "journal_mode", "value": "rollback"}',
        '{"key": "journal_mode", "value": "wal"}',
    ]


def test_a_register_on_a_network_drive_in_wal_mode_is_warned_of(
    capsys: pytest.CaptureFixture[str], demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "network_filesystem", lambda folder: "cifs")
    code, _out, err = run_cli_cleanly(capsys, "status")
    assert code == 1
    assert err.startswith("transfers-app: warning: the register is on a network drive (cifs)")
    assert on_disk.journal_of_file(demo / "register.db") == "wal"


# -- the audit trail --------------------------------------------------------------------------


def test_audit_verify_says_intact_then_names_the_first_broken_link(
    capsys: pytest.CaptureFixture[str], demo: Path
) -> None:
    code, out, err = run_cli_cleanly(capsys, "audit", "verify")
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert lines[0].startswith("The audit trail is intact: ") and "entries checked" in lines[0]
    assert lines[1].startswith("Head hash (entry ") and len(lines[1].split(": ")[1]) == 64
    path = demo / "register.db"
    on_disk.checkpoint(path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_no_update")
    at = conn.execute("SELECT at FROM audit WHERE id = 5").fetchone()[0]
    conn.execute("UPDATE audit SET actor = 'someone else' WHERE id = 5")
    conn.commit()
    conn.close()
    code, out, _ = run_cli_cleanly(capsys, "audit", "verify")
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].startswith("The audit trail is BROKEN: ")
    assert lines[1].startswith(f"First broken link: entry 5 ({at[:10]} at {at[11:19]} UTC): ")
    assert "changed after it was written" in lines[1]


def test_a_reference_data_load_is_audited(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.json"
    assert run_cli_cleanly(capsys, "reference", "export", "-o", str(bundle))[0] == 0
    assert run_cli_cleanly(capsys, "reference", "load", str(bundle))[0] == 0
    conn = sqlite3.connect(demo / "register.db")
    (after,) = conn.execute("SELECT after FROM audit WHERE action = 'reference_load'").fetchone()
    conn.close()
    assert "loaded from bundle.json" in after and after.startswith("reference data ")


# -- two demo loads at once --------------------------------------------------------------------


def test_two_demo_loads_at_once_one_is_refused_clearly(tmp_path: Path) -> None:
    home = tmp_path / "shared"
    env = {**os.environ, "TRANSFERS_APP_HOME": str(home)}
    command = [sys.executable, "-m", "transfers_app", "demo"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results: list[tuple[int, str, str]] = []
    for p in runs:
        out, err = p.communicate(timeout=120)
        results.append((p.returncode, out.decode(), err.decode()))
    assert sorted(code for code, _, _ in results) == [0, 2]
    (refused,) = [err for code, _, err in results if code == 2]
    assert "UNIQUE" not in refused and "Traceback" not in refused
    assert len(refused.strip().splitlines()) == 1
    assert "nothing was changed" in refused
    conn = sqlite3.connect(home / "register.db")
    entities = conn.execute("SELECT count(*) FROM entities").fetchone()[0]
    conn.close()
    assert entities == 20
    check = subprocess.run(
        [sys.executable, "-m", "transfers_app", "audit", "verify"], env=env, capture_output=True
    )
    assert check.returncode == 0
