"""An export's hidden temporary: never left behind by an error, and one left behind by a killed
export is removed by the next export to the same folder, never one still being written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exports import files
from exports.files import atomic_target, remove_stale_temporaries, write_bytes_atomically


def _dead_pid() -> int:
    """The id of a process of this computer that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(done.stdout)


def _host() -> str:
    return files._host()


def test_the_temporary_names_the_computer_and_the_process(tmp_path: Path) -> None:
    with atomic_target(tmp_path / "pack.zip") as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(f".pack.zip.{_host()}-{os.getpid()}-")
        assert tmp.name.endswith(".tmp")
        tmp.write_bytes(b"zip")
    assert (tmp_path / "pack.zip").read_bytes() == b"zip"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.zip"]


@pytest.mark.skipif(os.name == "nt", reason="process ids are not asked on Windows")
def test_the_next_export_removes_what_a_killed_export_left(tmp_path: Path) -> None:
    left = tmp_path / f".pack.zip.{_host()}-{_dead_pid()}-0123abcd.tmp"
    left.write_bytes(b"\0" * 4096)
    older_kind = tmp_path / ".register.csv.89abcdef.tmp"  # named as before this version
    older_kind.write_bytes(b"half")
    two_hours_ago = time.time() - 7200
    os.utime(older_kind, (two_hours_ago, two_hours_ago))
    write_bytes_atomically(tmp_path / "other.json", b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.json"]


def test_temporaries_still_being_written_are_kept(tmp_path: Path) -> None:
    ours_now = tmp_path / f".pack.zip.{_host()}-{os.getpid()}-0123abcd.tmp"  # this process
    elsewhere = tmp_path / f".pack.zip.OTHERPC-{_dead_pid()}-0123abcd.tmp"  # another computer
    before = tmp_path / ".pack.zip.0123abcd.tmp"  # an older version's, written a moment ago
    running = tmp_path / f".pack.zip.{_host()}-1-0123abcd.tmp"  # pid 1 always runs
    not_ours = [tmp_path / ".pack.zip.tmp", tmp_path / ".notes.txt.tmp", tmp_path / "x.tmp"]
    for p in (ours_now, elsewhere, before, running, *not_ours):
        p.write_bytes(b"x")
    assert remove_stale_temporaries(tmp_path) == []
    # An hour without a write: abandoned, whoever wrote it (ours only).
    later = time.time() + files.STALE_AFTER_S + 60
    assert sorted(p.name for p in remove_stale_temporaries(tmp_path, now=later)) == sorted(
        p.name for p in (ours_now, elsewhere, before, running)
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in not_ours)


def test_a_folder_that_cannot_be_listed_removes_nothing(tmp_path: Path) -> None:
    assert remove_stale_temporaries(tmp_path / "missing") == []


# -- a real process, a real signal ---------------------------------------------------------------


def _pack_process(home: Path, target: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TRANSFERS_APP_HOME": str(home)}
    command = [sys.executable, "-m", "transfers_app", "export", "pack", "-o", str(target), "--yes"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def _kill_while_writing(home: Path, target: Path, signum: int) -> subprocess.Popen[str]:
    """Start a pack and send ``signum`` once it has written its first two files."""
    process = _pack_process(home, target)
    assert process.stderr is not None
    for n in (1, 2, 3):  # "  [n/N] file": about to write file n, the ones before written
        line = process.stderr.readline()
        assert line.strip().startswith(f"[{n}/"), line
    assert list(target.parent.glob(f".{target.name}.*.tmp"))
    process.send_signal(signum)
    process.communicate(timeout=60)
    return process


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("home")
    env = {**os.environ, "TRANSFERS_APP_HOME": str(folder)}
    subprocess.run([sys.executable, "-m", "transfers_app", "demo"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return folder


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_pack_ended_by_a_signal_removes_its_temporary(
    home: Path, tmp_path: Path, name: str
) -> None:
    signum = getattr(signal, name)
    target = tmp_path / "out" / "pack.zip"
    process = _kill_while_writing(home, target, signum)
    assert process.returncode == -signum  # ended as the signal ends a process
    assert list(target.parent.iterdir()) == []  # no pack, no temporary


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_what_a_pack_killed_outright_leaves_goes_with_the_next_export(
    home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "pack.zip"
    process = _kill_while_writing(home, target, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    [left] = target.parent.glob(".pack.zip.*.tmp")  # SIGKILL cannot be caught
    assert left.stat().st_size > 0
    again = _pack_process(home, target.parent / "pack-again.zip")
    _out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert sorted(p.name for p in target.parent.iterdir()) == ["pack-again.zip"]
