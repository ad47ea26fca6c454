"""The reliability harness of issue 12: what a crashing machine and a hostile sender do to the
register, tried for real through the command line, and counted.

    python bench/reliability.py [--copies 12] [--kills 10] [--seed 1] [--keep]

Four probes, each on copies of the demo register in a scratch folder (never the user's):

1. Damage: ``--copies`` copies of the register get random bytes over 1-4 of their pages; on
   each, ``status`` and then ``import`` of a small list. Counted: copies really damaged
   (SQLite's ``integrity_check``, run on a scratch copy), commands that wrote to a damaged
   copy (its bytes changed, or a journal left beside it), damaged copies a command still
   reported on normally (exit 0), tracebacks.
2. Kill -9: ``--kills`` runs each of ``import`` (a list of 2,000 vendors) and ``export pack``,
   killed at a random moment of their run. Counted: registers left corrupt, imports left half
   written (entities neither all nor none of the list's), packs left as a broken ZIP,
   temporary files left behind.
3. Hostile files: the lists and register files of issue 12 (``tests/support/hostile_files.py``
   and the JSON cases of ``tests/e2e/test_hostile_imports.py``): exit code, lines on stderr,
   tracebacks, the peak memory of the process.
4. Tampering: rows of the audit trail changed behind the app's back, then
   ``transfers-app audit verify``; on a build without that command, said so, no figure.

Figures, not pass/fail: the goals are 0 damaged files written, 0 tracebacks, 0 corrupt
registers, 0 half-written imports, 100 % of tampering detected.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the hostile files the tests use too

from support.hostile_files import (  # noqa: E402
    csv_mixed_encodings,
    csv_with_nul,
    xlsx_claiming_every_cell,
    xlsx_far_cell,
    xlsx_past_dimension,
    xlsx_with_a_long_cell,
)

TODAY = "2026-11-25"


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float = 0.0
    killed: bool = False

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.err


TIME = Path("/usr/bin/time")
CODE: Path | None = None  # --code: run the app from another source tree


def cli(folder: Path, *args: str, kill_after: float | None = None, measure: bool = False) -> Run:
    """``transfers-app --data-dir folder ARGS`` in its own process; killed with SIGKILL after
    ``kill_after`` seconds if given. With ``measure``, its peak memory, from GNU time when
    installed (a child started by this process counts this process's memory in its own peak
    until it execs, so wait4's figure has this harness's size as its floor)."""
    command = [sys.executable, "-m", "transfers_app", "--data-dir", str(folder), *args]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if CODE is not None:  # the app of another checkout, its files left as they are
        env.update(PYTHONPATH=str(CODE), PYTHONDONTWRITEBYTECODE="1")
    peak_file = Path(tempfile.mkstemp(prefix="peak-")[1])
    if measure and TIME.exists():
        command = [str(TIME), "-q", "-f", "%M", "-o", str(peak_file), *command]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=CODE or ROOT)
        killed = False
        # wait4 itself reaps the process (Popen.poll would, and lose its resource usage).
        deadline = start + (kill_after if kill_after is not None else float("inf"))
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if not killed else 0)
            if pid:
                break
            if time.perf_counter() >= deadline and not killed:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
            else:
                time.sleep(0.005)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        peak = usage.ru_maxrss / 1024
        recorded = peak_file.read_text().strip().splitlines()
        if recorded and recorded[-1].isdigit():
            peak = int(recorded[-1]) / 1024
        peak_file.unlink()
        return Run(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            seconds,
            peak,
            killed,
        )


def digest(folder: Path) -> str:
    """The register file and what a journal beside it holds, as one hash (an empty WAL or
    shared-memory file left by opening it is counted apart, by ``side_files``)."""
    h = hashlib.sha256()
    for suffix in ("", "-wal", "-journal"):
        path = folder / f"register.db{suffix}"
        h.update(suffix.encode())
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()


def side_files(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("register.db-*")}


@contextmanager
def scratch_connection(folder: Path) -> Iterator[sqlite3.Connection]:
    """The register of ``folder`` (with its WAL) opened from a scratch copy, never in place."""
    with tempfile.TemporaryDirectory() as scratch:
        for suffix in ("", "-wal"):
            src = folder / f"register.db{suffix}"
            if src.exists():
                shutil.copy2(src, Path(scratch) / f"register.db{suffix}")
        conn = sqlite3.connect(Path(scratch) / "register.db")
        try:
            yield conn
        finally:
            conn.close()


def integrity(folder: Path) -> str:
    """SQLite's integrity_check of the register: "ok" or the first problem."""
    try:
        with scratch_connection(folder) as conn:
            row = conn.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return str(row[0]) if row else "no answer"


def entities(folder: Path) -> int | None:
    try:
        with scratch_connection(folder) as conn:
            return int(conn.execute("SELECT count(*) FROM entities").fetchone()[0])
    except sqlite3.DatabaseError:
        return None


def fresh_copy(demo: Path, target: Path, with_files: bool = False) -> Path:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for suffix in ("", "-wal"):
        if (demo / f"register.db{suffix}").exists():
            shutil.copy2(demo / f"register.db{suffix}", target / f"register.db{suffix}")
    if with_files and (demo / "files").exists():
        shutil.copytree(demo / "files", target / "files")
    return target


def vendor_list(path: Path, n: int, seed: int) -> Path:
    rng = random.Random(seed)
    countries = ["Germany", "India", "United States", "Brazil", "Japan", "France", "Kenya"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Vendor", "Country", "Service"])
        for i in range(n):
            writer.writerow([f"Reliability Vendor {seed}-{i} Ltd", rng.choice(countries), "SaaS"])
    return path


# -- 1. damage ---------------------------------------------------------------------------------


@dataclass
class DamageFigures:
    copies: int = 0
    really_damaged: int = 0
    commands: int = 0
    written: list[str] = field(default_factory=list)  # to a copy integrity_check refuses
    written_payload: list[str] = field(default_factory=list)  # to one it passes
    side_files: list[str] = field(default_factory=list)  # empty journal files left beside it
    normal_on_damaged: list[str] = field(default_factory=list)
    refused: int = 0  # exit 2, one line
    tracebacks: list[str] = field(default_factory=list)


def damage(path: Path, rng: random.Random) -> str:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    pages = max(len(data) // page, 1)
    hit = sorted(rng.sample(range(pages), min(rng.randint(1, 4), pages)))
    for p in hit:
        span = rng.randint(16, page // 2)
        at = p * page + rng.randint(0, page - span)
        data[at : at + span] = rng.randbytes(span)
    path.write_bytes(bytes(data))
    return ",".join(str(p + 1) for p in hit)


def probe_damage(demo: Path, work: Path, copies: int, rng: random.Random) -> DamageFigures:
    figures = DamageFigures()
    small = vendor_list(work / "small.csv", 5, 0)
    for k in range(copies):
        folder = fresh_copy(demo, work / f"damaged-{k}")
        pages = damage(folder / "register.db", rng)
        bad = integrity(folder) != "ok"
        figures.copies += 1
        figures.really_damaged += bad
        for args in (("status",), ("import", str(small))):
            before, beside = digest(folder), side_files(folder)
            run = cli(folder, *args)
            figures.commands += 1
            label = f"copy {k} (pages {pages}) {args[0]}: exit {run.code}"
            if run.traceback:
                figures.tracebacks.append(label)
            if run.code == 2:
                figures.refused += 1
            if digest(folder) != before:
                (figures.written if bad else figures.written_payload).append(label)
            elif bad and side_files(folder) - beside:
                figures.side_files.append(f"{label}: {', '.join(sorted(side_files(folder)))}")
            # status exits 1 when the register has gaps: an answer all the same
            if bad and run.code in (0, 1) and "error" not in run.err:
                figures.normal_on_damaged.append(label)
    return figures


# -- 2. kill -9 --------------------------------------------------------------------------------


@dataclass
class KillFigures:
    tries: int = 0
    killed: int = 0
    corrupt: list[str] = field(default_factory=list)
    half_written: list[str] = field(default_factory=list)
    broken_packs: list[str] = field(default_factory=list)
    temp_files_left: list[str] = field(default_factory=list)
    tracebacks: int = 0
    import_seconds: float = 0.0
    pack_seconds: float = 0.0


def probe_kills(demo: Path, work: Path, kills: int, rng: random.Random) -> KillFigures:
    figures = KillFigures()
    big = vendor_list(work / "big.csv", 2_000, 1)
    base = entities(demo) or 0
    # How long each runs uninterrupted (the kill falls anywhere inside it).
    full = cli(fresh_copy(demo, work / "timing"), "import", str(big))
    added = (entities(work / "timing") or 0) - base
    pack_time = cli(
        fresh_copy(demo, work / "timing", with_files=True),
        "export",
        "pack",
        "-o",
        str(work / "timing-pack.zip"),
    ).seconds
    figures.import_seconds, figures.pack_seconds = full.seconds, pack_time
    for k in range(kills):
        folder = fresh_copy(demo, work / f"kill-import-{k}")
        run = cli(folder, "import", str(big), kill_after=rng.uniform(0.05, full.seconds))
        figures.tries += 1
        figures.killed += run.killed
        figures.tracebacks += run.traceback
        if integrity(folder) != "ok":
            figures.corrupt.append(f"import {k}")
        n = entities(folder)
        if n not in (base, base + added):
            figures.half_written.append(f"import {k}: {n} entities (before {base}, all {added})")
        folder = fresh_copy(demo, work / f"kill-pack-{k}", with_files=True)
        out = work / f"pack-{k}"
        out.mkdir(exist_ok=True)
        target = out / "pack.zip"
        run = cli(
            folder, "export", "pack", "-o", str(target), kill_after=rng.uniform(0.05, pack_time)
        )
        figures.tries += 1
        figures.killed += run.killed
        figures.tracebacks += run.traceback
        if integrity(folder) != "ok":
            figures.corrupt.append(f"pack {k}")
        if target.exists():
            try:
                with zipfile.ZipFile(target) as zf:
                    if zf.testzip() is not None:
                        figures.broken_packs.append(f"pack {k}")
            except zipfile.BadZipFile:
                figures.broken_packs.append(f"pack {k}")
        left = [p.name for p in out.iterdir() if p.name != "pack.zip"]
        if left:
            size = sum(p.stat().st_size for p in out.iterdir() if p.name != "pack.zip")
            figures.temp_files_left.append(f"pack {k}: {', '.join(left)} ({size // 1024} KB)")
    return figures


# -- 3. hostile files --------------------------------------------------------------------------


@dataclass
class Hostile:
    label: str
    run: Run


def hostile_files(work: Path, demo_json: Any) -> list[tuple[str, list[str]]]:
    """(label, CLI arguments after --data-dir) for each hostile file."""
    files = work / "hostile"
    files.mkdir(exist_ok=True)
    cases: list[tuple[str, list[str]]] = []

    def imp(label: str, path: Path) -> None:
        cases.append((label, ["import", str(path), "--dry-run"]))

    imp("XLSX, 100 rows declaring A1:B11", xlsx_past_dimension(files / "past.xlsx", 100))
    imp("XLSX declaring A1:XFD1048576", xlsx_claiming_every_cell(files / "grid.xlsx", 10))
    imp("XLSX, one 600 MB shared cell", xlsx_with_a_long_cell(files / "c600.xlsx", 600_000_000))
    imp("XLSX, one 200 MB shared cell", xlsx_with_a_long_cell(files / "c200.xlsx", 200_000_000))
    imp("XLSX, one 40,000-char cell", xlsx_with_a_long_cell(files / "c40k.xlsx", 40_000))
    imp(
        "XLSX, one 10 MB inline cell",
        xlsx_with_a_long_cell(files / "i10m.xlsx", 10_000_000, shared=False),
    )
    imp("XLSX, a value in XFD5", xlsx_far_cell(files / "far-col.xlsx", "XFD5"))
    imp("XLSX, a value in A1048576", xlsx_far_cell(files / "far-row.xlsx", "A1048576"))
    mixed = files / "mixed.csv"
    mixed.write_bytes(csv_mixed_encodings())
    imp("CSV, UTF-8 and Windows-1252 mixed", mixed)
    nul = files / "nul.csv"
    nul.write_bytes(csv_with_nul())
    imp("CSV, one NUL byte", nul)

    def reg(label: str, name: str, text: str) -> None:
        path = files / f"{name}.json"
        path.write_text(text, "utf-8")
        cases.append((label, ["import-json", str(path)]))

    def changed(change: Callable[[Any], None]) -> str:
        data: Any = copy.deepcopy(demo_json)
        change(data)
        data["counts"] = {k: len(data[k]) for k in data["counts"]}
        return json.dumps(data)

    def extra_entity(**fields: object) -> Callable[[Any], None]:
        def change(data: Any) -> None:
            entity = copy.deepcopy(data["entities"][-1])
            entity.update(fields)
            data["entities"].append(entity)

        return change

    def set_field(section: str, **fields: object) -> Callable[[Any], None]:
        return lambda data: data[section][0].update(fields)

    base = changed(set_field("entities", version=4242))
    reg(
        "JSON, a 5,000-digit number",
        "digits",
        base.replace('"version": 4242', '"version": ' + "9" * 5000, 1),
    )
    reg(
        "JSON, 200,000-deep nesting",
        "deep",
        '{"format": "transfer-register/register", "format_version": 1, "entities": '
        + "[" * 200_000
        + "]" * 200_000
        + "}",
    )
    reg("JSON, an id of 2**70", "bigid", changed(extra_entity(id=2**70, name="Big Ltd")))
    reg("JSON, a negative id", "negid", changed(extra_entity(id=-5, name="Minus Ltd")))
    reg("JSON, a parent cycle", "cycle", changed(set_field("entities", parent_id=2)))
    reg("JSON, file_name '..'", "dotdot", changed(set_field("documents", file_name="..")))
    reg("JSON, file_name with '/'", "slash", changed(set_field("documents", file_name="a/b.pdf")))
    reg("JSON, a 0-byte signed document", "empty", changed(set_field("files", size=0)))
    return cases


# -- 4. tampering ------------------------------------------------------------------------------


def probe_tamper(demo: Path, work: Path, tries: int, rng: random.Random) -> str:
    probe = cli(fresh_copy(demo, work / "tamper-probe"), "audit", "verify")
    if "invalid choice" in probe.err or probe.code not in (0, 1):
        return "not available on this build (no `transfers-app audit verify`)"
    if probe.code != 0:
        return f"`audit verify` fails on the untouched demo register (exit {probe.code})"
    detected: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    for k in range(tries):
        folder = fresh_copy(demo, work / f"tamper-{k}")
        kind = TAMPERING[k % len(TAMPERING)]
        tamper(folder / "register.db", kind, rng)
        run = cli(folder, "audit", "verify")
        tried[kind] += 1
        detected[kind] += run.code == 1
    total = sum(detected.values())
    by_kind = ", ".join(f"{kind} {detected[kind]}/{tried[kind]}" for kind in TAMPERING)
    return f"detected {total}/{tries} ({100 * total // max(tries, 1)} %: {by_kind})"


# A value changed in any row; a row deleted from the middle; the newest row deleted.
TAMPERING = ("value changed", "row deleted", "last row deleted")


def tamper(path: Path, kind: str, rng: random.Random) -> None:
    """Change the audit trail as whoever holds the file could: the app's append-only triggers
    lifted, the change made, the triggers put back."""
    conn = sqlite3.connect(path)
    try:
        table = next(
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if name.startswith("audit")
        )
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        ids = [r[0] for r in conn.execute(f"SELECT rowid FROM {table} ORDER BY rowid")]
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name=?", (table,)
        ).fetchall()
        for name, _ in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        if kind == "value changed":
            column = rng.choice([c for c in columns if c != "id"])
            conn.execute(
                f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                (f"tampered {rng.random()}", rng.choice(ids)),
            )
        else:
            row = ids[-1] if kind == "last row deleted" else rng.choice(ids[1:-1])
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (row,))
        for _, sql in triggers:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


# -- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=12, help="damaged copies (probe 1)")
    parser.add_argument("--kills", type=int, default=10, help="kills of import and of pack")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--code",
        type=Path,
        metavar="DIR",
        help="run the app from this source tree (say `git archive main | tar -x -C DIR`) "
        "instead of this checkout's",
    )
    args = parser.parse_args()
    global CODE
    CODE = args.code.resolve() if args.code else None
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="reliability-"))
    try:
        demo = work / "demo"
        run = cli(demo, "demo")
        assert run.code == 0, run.err
        exported = work / "demo.json"
        assert cli(demo, "export", "register", "-o", str(exported)).code == 0

        print(
            f"Reliability harness, seed {args.seed}, the app of {CODE or ROOT} (scratch {work})\n"
        )
        began = time.perf_counter()
        d = probe_damage(demo, work, args.copies, rng)
        print(f"1. Damage: {d.copies} copies with random bytes over 1-4 pages")
        print(f"   really damaged (integrity_check): {d.really_damaged}")
        print(f"   commands run (status, import):    {d.commands}; refused (exit 2): {d.refused}")
        print(
            f"   damaged files written:            {len(d.written)} "
            "(copies integrity_check refuses)"
        )
        for line in d.written:
            print(f"     - {line}")
        print(f"   left (empty) journal files beside a damaged copy: {len(d.side_files)}")
        for line in d.side_files[:3]:
            print(f"     - {line}")
        print(
            f"   written, damage integrity_check does not see (bytes inside records): "
            f"{len(d.written_payload)} of {d.commands - 2 * d.really_damaged} commands"
        )
        print(f"   normal answer on a damaged copy:  {len(d.normal_on_damaged)}")
        for line in d.normal_on_damaged:
            print(f"     - {line}")
        print(f"   tracebacks:                       {len(d.tracebacks)}")
        for line in d.tracebacks:
            print(f"     - {line}")

        k = probe_kills(demo, work, args.kills, rng)
        print(
            f"\n2. Kill -9: {k.tries} runs of import (2,000 rows) and export pack, "
            f"{k.killed} killed (at random within their {k.import_seconds:.1f} s and "
            f"{k.pack_seconds:.1f} s)"
        )
        print(f"   corrupt registers:     {len(k.corrupt)} {k.corrupt or ''}")
        print(f"   half-written imports:  {len(k.half_written)} {k.half_written or ''}")
        print(f"   broken packs:          {len(k.broken_packs)} {k.broken_packs or ''}")
        print(f"   temporary files left:  {len(k.temp_files_left)}")
        for line in k.temp_files_left:
            print(f"     - {line}")
        print(f"   tracebacks:            {k.tracebacks}")

        demo_json = json.loads(exported.read_text("utf-8"))
        cases = hostile_files(work, demo_json)
        print(f"\n3. Hostile files: {len(cases)}")
        print(f"   {'file':<38} {'exit':>4} {'lines':>5} {'tb':>3} {'peak MB':>8} {'s':>6}  stderr")
        hostile_tracebacks = 0
        for label, argv in cases:
            run = cli(work / f"hostile-{abs(hash(label))}", *argv, measure=True)
            hostile_tracebacks += run.traceback
            lines = run.err.strip().splitlines()
            first = (lines[-1] if run.traceback else lines[0]) if lines else run.out.splitlines()[0]
            print(
                f"   {label:<38} {run.code:>4} {len(lines):>5} {'yes' if run.traceback else '-':>3}"
                f" {run.peak_mb:>8.0f} {run.seconds:>6.2f}  {first[:110]}"
            )

        tamper = probe_tamper(demo, work, args.copies, rng)
        print(f"\n4. Tampering with the audit trail: {tamper}")

        tries = d.commands + k.tries + len(cases)
        tracebacks = len(d.tracebacks) + k.tracebacks + hostile_tracebacks
        print("\nSummary")
        print(f"   tries:                  {tries}")
        print(f"   damaged files written:  {len(d.written)} (goal 0)")
        print(
            f"   corrupt after kill -9:  {len(k.corrupt)}; half-written imports: "
            f"{len(k.half_written)} (goal 0)"
        )
        print(f"   tracebacks:             {tracebacks} (goal 0)")
        print(f"   tamper detected:        {tamper} (goal 100 %)")
        print(f"   ({time.perf_counter() - began:.0f} s in all)")
    finally:
        if args.keep:
            print(f"\n(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
