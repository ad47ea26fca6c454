"""The team register from the command line: ``db init``, then ``--database`` (or
``TRANSFERS_APP_DATABASE``) runs every command on PostgreSQL, with the same results as on the
register file."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.cli import run_cli_cleanly as run
from support.postgres import PostgresServer


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (no register yet)."""
    yield postgres_server.new_database(template=False)
    postgres_server.drop_databases()


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code in (0, 1), err
    return json.loads(out)


def test_db_init_creates_the_register_then_says_it_is_current(
    capsys: pytest.CaptureFixture[str], database: str
) -> None:
    code, out, err = run(capsys, "db", "init", database)
    assert code == 0, err
    assert "at the current schema (applied: m001_initial" in out
    assert f"--database {database}" in out
    code, out, _ = run(capsys, "db", "init", database)
    assert code == 0 and "already at the current schema; no record was changed" in out


def test_a_database_without_a_register_is_refused_with_what_to_run(
    capsys: pytest.CaptureFixture[str], database: str
) -> None:
    code, out, err = run(capsys, "--database", database, "status")
    assert code == 2 and out == ""
    assert "holds no register yet; create it with: transfers-app db init" in err
    assert len(err.strip().splitlines()) == 1


def test_only_a_postgresql_url_is_a_database(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database", "register.db", "status")
    assert code == 2 and "'register.db' is not a PostgreSQL URL" in err
    code, _, err = run(capsys, "db", "init", "sqlite:///register.db")
    assert code == 2 and "is not a PostgreSQL URL" in err


def test_a_password_in_an_address_that_is_not_a_url_is_not_echoed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    libpq_string = "host=db.example dbname=register password=s3cret"
    code, _, err = run(capsys, "--database", libpq_string, "status")
    assert code == 2 and "'host=db.example dbname=register' is not a PostgreSQL URL" in err
    assert "s3cret" not in err


def test_a_team_register_has_no_journal_mode_to_choose_and_its_trail_verifies(
    capsys: pytest.CaptureFixture[str], database: str
) -> None:
    assert run(capsys, "db", "init", database)[0] == 0
    assert run(capsys, "--database", database, "demo")[0] == 0
    code, out, err = run(capsys, "--database", database, "--journal", "rollback", "status")
    assert code == 2 and out == ""
    assert "has no journal mode to choose" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "--database", database, "audit", "verify")
    assert code == 0, err
    assert "The audit trail is intact" in out


def test_the_demo_on_postgresql_reports_what_it_reports_in_the_file(
    capsys: pytest.CaptureFixture[str],
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    home: Path,
) -> None:
    assert run(capsys, "db", "init", database)[0] == 0
    code, out, err = run(capsys, "--database", database, "demo")
    assert code == 0, err
    assert f"Loaded the demo register (20 entities) into {database}" in out
    # The hint runs on the team register, not on the register file of this computer.
    assert f"Try: transfers-app --database {database} status" in out
    on_postgres = _json(capsys, "--database", database, "status")
    assert not (home / "register.db").exists()  # the register file was not touched
    assert run(capsys, "demo")[0] == 0  # the register file in the data folder
    assert on_postgres == _json(capsys, "status")
    monkeypatch.setenv("TRANSFERS_APP_DATABASE", database)
    assert _json(capsys, "status") == on_postgres
    assert _json(capsys, "reminders") == _json(capsys, "--database", database, "reminders")


def test_a_register_file_moves_to_postgresql_and_back_losslessly(
    capsys: pytest.CaptureFixture[str], database: str, demo: Path, tmp_path: Path
) -> None:
    first, second, third = (tmp_path / f"{n}.json" for n in ("first", "second", "third"))
    assert run(capsys, "export", "register", "--format", "json", "-o", str(first))[0] == 0
    assert run(capsys, "db", "init", database)[0] == 0
    code, out, err = run(capsys, "--database", database, "import-json", str(first))
    assert code == 0, err
    assert f"Loaded first.json into {database}" in out
    # A JSON export carries no file content: what to do about it, said for a team register.
    assert f"18 signed document file(s) are not in {database}: attach them again" in out
    export = ("export", "register", "--format", "json", "-o")
    assert run(capsys, "--database", database, *export, str(second))[0] == 0
    back = tmp_path / "back"
    assert run(capsys, "--data-dir", str(back), "import-json", str(second))[0] == 0
    assert run(capsys, "--data-dir", str(back), *export, str(third))[0] == 0
    exported = [_exported(p) for p in (first, second, third)]
    assert _moved(exported[0], exported[1]) > 0
    assert _moved(_exported(second), exported[2]) > 0
    assert exported[0] == exported[1] == exported[2]


def _moved(before: dict[str, Any], after: dict[str, Any]) -> int:
    """Takes the audit trails out of two exports, the second of a register the first was
    loaded or copied into, after checking that the first's trail came along verbatim (hashes
    included, under new ids) between the entry announcing it and the note of the load;
    returns how many entries came along."""
    history, moved = before.pop("audit"), after.pop("audit")
    before["counts"].pop("audit")
    assert after["counts"].pop("audit") == len(moved) == len(history) + 2
    assert moved[0]["action"] == "import_history" and moved[-1]["action"] == "load"
    assert [{**e, "id": 0} for e in moved[1:-1]] == [{**e, "id": 0} for e in history]
    return len(history)


def _exported(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    data.pop("exported_at")
    return data


def _export(capsys: pytest.CaptureFixture[str], path: Path, *argv: str) -> dict[str, Any]:
    code, _, err = run(capsys, *argv, "export", "register", "--format", "json", "-o", str(path))
    assert code == 0, err
    return _exported(path)


def test_db_copy_moves_the_register_to_postgresql_and_back_with_its_signed_files(
    capsys: pytest.CaptureFixture[str], database: str, demo: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "db", "copy", "--to", database)  # the schema made on the way
    assert code == 0, err
    assert f"Copied {demo / 'register.db'} into {database}: 20 entities" in out
    assert f"18 signed document file(s) copied into {database}" in out
    # A teammate, whose data folder holds no signed file, copies it back from the database.
    teammate = tmp_path / "teammate"
    back = tmp_path / "back" / "register.db"
    code, out, err = run(
        capsys, "--data-dir", str(teammate), "--database", database, "db", "copy", "--to", str(back)
    )
    assert code == 0, err
    assert f"18 signed document file(s) copied into {back.parent / 'files'}" in out
    assert "were not in" not in out
    assert not (teammate / "files").exists() or not any((teammate / "files").iterdir())
    in_file, in_postgres, copied_back = (
        _export(capsys, tmp_path / "file.json"),
        _export(capsys, tmp_path / "postgres.json", "--database", database),
        _export(capsys, tmp_path / "back.json", "--data-dir", str(back.parent)),
    )
    assert _moved(in_file, in_postgres) > 0
    assert _moved(_exported(tmp_path / "postgres.json"), copied_back) > 0
    assert in_file == in_postgres == copied_back
    for register in (["--database", database], ["--data-dir", str(back.parent)]):
        assert run(capsys, *register, "audit", "verify")[0] == 0
    # Every file named by the register came back, with its content (its name is its SHA-256).
    named = {f["sha256"] for f in in_file["files"]}
    kept = {p.name: p for p in (back.parent / "files").rglob("*") if p.is_file()}
    assert set(kept) == named and len(named) == 18
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == sha for sha, p in kept.items())
    assert _json(capsys, "--data-dir", str(back.parent), "status") == _json(capsys, "status")


def test_db_copy_names_the_signed_files_it_could_not_find(
    capsys: pytest.CaptureFixture[str], database: str, demo: Path
) -> None:
    lost = next(p for p in (demo / "files").rglob("*") if p.is_file())
    lost.chmod(0o644)
    lost.unlink()
    code, out, err = run(capsys, "db", "copy", "--to", database)
    assert code == 0, err
    assert "17 signed document file(s) copied into" in out
    assert f"1 signed document file(s) were not in {demo / 'files'}, so could not be copied" in out


def test_db_copy_refuses_a_register_that_is_not_empty_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], database: str, demo: Path, tmp_path: Path
) -> None:
    assert run(capsys, "db", "copy", "--to", database)[0] == 0
    before = _export(capsys, tmp_path / "before.json", "--database", database)
    code, out, err = run(capsys, "db", "copy", "--to", database)
    assert code == 2 and out == ""
    assert "the register is not empty (it has entities): copy into an empty database" in err
    assert _export(capsys, tmp_path / "after.json", "--database", database) == before
    code, _, err = run(capsys, "db", "copy", "--to", str(demo / "register.db"))
    assert code == 2 and "is the register in use" in err
    code, _, err = run(capsys, "db", "copy", "--to", str(tmp_path / "register.txt"))
    assert code == 2 and "--to takes postgresql://host/dbname or FILE.db" in err


def test_a_teammate_s_evidence_pack_encloses_the_signed_files_from_the_database(
    capsys: pytest.CaptureFixture[str], database: str, demo: Path, tmp_path: Path
) -> None:
    assert run(capsys, "db", "copy", "--to", database)[0] == 0
    mine, theirs = tmp_path / "mine.zip", tmp_path / "theirs.zip"
    assert run(capsys, "export", "pack", "-o", str(mine), "--yes")[0] == 0
    teammate = ["--data-dir", str(tmp_path / "teammate"), "--database", database]
    code, _, err = run(capsys, *teammate, "export", "pack", "-o", str(theirs), "--yes")
    assert code == 0, err

    def enclosed(pack: Path) -> dict[str, bytes]:
        with zipfile.ZipFile(pack) as z:
            return {n: z.read(n) for n in z.namelist() if n.startswith("documents/")}

    from_file, from_database = enclosed(mine), enclosed(theirs)
    assert len(from_file) > 0 and from_database == from_file
