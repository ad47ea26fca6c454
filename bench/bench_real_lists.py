"""Real published sub-processor lists, imported as ``transfers-app import FILE --dry-run --json``
imports them, scored against what a careful person reads in them (figures, not pass/fail).

Usage: python bench/bench_real_lists.py [--fixtures DIR] [--verbose] [--json]

Each list in ``tests/fixtures/import/real`` (sources in its SOURCES.md) has beside it
``<name>.expected.json``, written by reading the published list: each vendor's published name
and, per location cell, the countries it names and whether a human must choose (a region
chosen by the customer, "Worldwide", "EU"). The import runs through the command line in a
fresh data folder (reader, column guess, records, places, preview), so the figures are what a
user sees.

Scores per fixture:

- names: rows imported under the published name;
- locations: location cells read as a careful person would: every country the cell names is
  among the row's countries, the row has no country the list does not name, and the cell is
  flagged for a human exactly when it should be;
- wrong: countries in a row that the list does not name (the worst outcome: a wrong country
  looks settled);
- missed: countries the list names that the row lacks;
- flags: cells flagged for a human as they should be / all the cells that should be; spurious:
  flags on cells that need no human.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "import" / "real"
TODAY = date(2026, 12, 1)


@dataclass
class Score:
    fixture: str
    rows: int = 0
    names: int = 0
    cells: int = 0
    resolved: int = 0
    wrong: int = 0
    missed: int = 0
    flags_expected: int = 0
    flags_right: int = 0
    spurious: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    error: str = ""
    details: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "rows",
            "names",
            "cells",
            "resolved",
            "wrong",
            "missed",
            "flags_expected",
            "flags_right",
            "spurious",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def expected_files(folder: Path = FIXTURES) -> list[Path]:
    return sorted(folder.glob("*.expected.json"))


def run_import(path: Path) -> tuple[int, dict[str, Any] | None, str]:
    """``transfers-app import PATH --dry-run --json`` in a fresh data folder: (exit code, JSON
    or None, stderr)."""
    from transfers_app.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (
        tempfile.TemporaryDirectory() as home,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(["--data-dir", home, "import", str(path), "--dry-run", "--json"], TODAY)
    data = json.loads(out.getvalue()) if out.getvalue().strip() else None
    return code, data, err.getvalue()


def score(expected_path: Path) -> Score:
    expected = json.loads(expected_path.read_text("utf-8"))
    result = Score(expected["file"])
    code, data, err = run_import(expected_path.parent / expected["file"])
    if data is None:
        result.error = f"exit {code}: {err.strip()}"
        data = {"rows": [], "mapping": {"columns": {}}}
    result.mapping = dict(data["mapping"]["columns"])
    got_rows = {r["row"]: r for r in data["rows"]}
    for exp in expected["rows"]:
        result.rows += 1
        got = got_rows.get(exp["row"])
        if got is None:
            result.details.append(f"row {exp['row']}: not in the preview")
            got = {"name": "", "countries": [], "problems": []}
        if got["name"] == exp["name"]:
            result.names += 1
        else:
            result.details.append(f"row {exp['row']}: name {got['name']!r}, not {exp['name']!r}")
        countries = set(got["countries"])
        named = {c for cell in exp["locations"] for c in cell["countries"]}
        wrong = countries - named
        missed = named - countries
        result.wrong += len(wrong)
        result.missed += len(missed)
        if wrong:
            result.details.append(f"row {exp['row']}: WRONG {sorted(wrong)} ({exp['name']})")
        if missed:
            result.details.append(f"row {exp['row']}: missed {sorted(missed)} ({exp['name']})")
        flagged = {p["column"] for p in got["problems"] if p["level"] == "review"}
        should = {cell["column"] for cell in exp["locations"] if cell["review"]}
        for column in sorted(flagged - should):
            result.spurious += 1
            result.details.append(f"row {exp['row']}: spurious flag in {column!r}")
        for cell in exp["locations"]:
            result.cells += 1
            is_flagged = cell["column"] in flagged
            if cell["review"]:
                result.flags_expected += 1
                result.flags_right += is_flagged
            right = (
                set(cell["countries"]) <= countries
                and not wrong
                and is_flagged == bool(cell["review"])
            )
            result.resolved += right
            if not right:
                result.details.append(
                    f"row {exp['row']}: {cell['column']!r} {cell['text']!r} -> "
                    f"{sorted(countries)}{' flagged' if is_flagged else ''}"
                )
    return result


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def table(scores: list[Score]) -> list[str]:
    total = Score("all")
    for s in scores:
        total.add(s)
    lines = [
        "| list | rows | names | locations resolved | wrong | missed | flags right | spurious |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in [*scores, total]:
        name = f"**{s.fixture}**" if s is total else s.fixture
        lines.append(
            f"| {name} | {s.rows} | {s.names}/{s.rows} | {s.resolved}/{s.cells} "
            f"({pct(s.resolved, s.cells)}) | {s.wrong} | {s.missed} | "
            f"{s.flags_right}/{s.flags_expected} | {s.spurious} |"
            + (f" error: {s.error}" if s.error else "")
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="the scores as JSON")
    args = parser.parse_args(argv)
    scores = [score(p) for p in expected_files(args.fixtures)]
    if args.json:
        print(json.dumps([s.__dict__ for s in scores], indent=2))
        return 0
    print("\n".join(table(scores)))
    if args.verbose:
        for s in scores:
            print(f"\n{s.fixture}: mapping {s.mapping}")
            for line in s.details:
                print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
