"""Real published sub-processor lists, imported as ``transfers-app import FILE --dry-run --json``
imports them, scored against what a careful person reads in them (figures, not pass/fail).

Usage: python bench/bench_real_lists.py [--fixtures DIR] [--verbose] [--json]
       python bench/bench_real_lists.py --reading   (encodings and delimiters; needs
                                                     charset-normalizer and clevercsv)

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

``--reading`` compares ways of finding a CSV's encoding and delimiter on every CSV of the
real lists, the older fixtures and ``tests/fixtures/import/tricky`` (UTF-16 without a BOM,
Windows-1252 and -1250 with accents, delimiters with the others inside cells), each file's
true encoding and delimiter known (``READ_AS`` below, ``tricky/TRUTH.json``): the hand-written
heuristics of ``exports.list_reader``, charset-normalizer, clevercsv, the standard library's
``csv.Sniffer``, and the combinations. An encoding is right when the text comes out as
written; a delimiter when it is the one the file uses.
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


# -- encodings and delimiters -------------------------------------------------------------

# How each CSV was written (the XLSX files have neither).
READ_AS: dict[str, tuple[str, str]] = {
    "real/openproject_en.csv": ("utf-8", ","),
    "real/openproject_de.csv": ("cp1252", ";"),
    "real/openproject_en_2020.csv": ("utf-8", ","),
    "real/zitadel_subprocessors.csv": ("utf-8-sig", ","),
    "real/doit_subprocessors.txt": ("utf-16", "\t"),
    "real/seatable_de_v1-1-2.csv": ("utf-8-sig", ";"),
    "real/seatable_en_v1-1-5.csv": ("utf-8", ","),
    "real/sage_bionetworks_subprocessors.csv": ("utf-8", ","),
    "real/zed_subprocessors.csv": ("utf-8", "|"),
    "real/pulumi_subprocessors.csv": ("utf-8", ","),
    "real/bento_subprocessors.csv": ("utf-8", ","),
    "real/embrace_subprocessors.csv": ("utf-8", ","),
    "real/aspose_subprocessors.csv": ("cp1252", ","),
    "real/syntphony_subprocessors.csv": ("utf-8-sig", ";"),
    "real/gruntwork_subprocessors.csv": ("utf-8", ","),
    "real/pollination_subprocessors.csv": ("cp1252", ";"),
    "real/silktide_subprocessors.csv": ("utf-8-sig", ","),
    "hostile_strings.csv": ("utf-8", ","),
    "subprocessor_list_messy.csv": ("utf-8", ","),
    "unterauftragsverarbeiter_utf8_bom.csv": ("utf-8-sig", ";"),
    "vendors_windows1252.csv": ("cp1252", ","),
}


def reading_cases(folder: Path = FIXTURES.parent) -> list[tuple[str, bytes, str, str]]:
    """(name, bytes, true text, true delimiter) of every CSV with a known truth."""
    cases = []
    truth = dict(READ_AS)
    tricky = folder / "tricky" / "TRUTH.json"
    if tricky.exists():
        for name, t in json.loads(tricky.read_text("utf-8")).items():
            truth[f"tricky/{name}"] = (t["encoding"], t["delimiter"])
    for name, (encoding, delimiter) in sorted(truth.items()):
        data = (folder / name).read_bytes()
        cases.append((name, data, data.decode(encoding).removeprefix("\ufeff"), delimiter))
    return cases


def _heuristic_text(data: bytes) -> str:
    from exports.list_reader import decode

    return decode(data)[0].removeprefix("\ufeff")


def _normalizer_text(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return "" if best is None else str(best).removeprefix("\ufeff")


def _heuristic_then_normalizer(data: bytes) -> str:
    """The heuristic's certain answers (a BOM, UTF-16 zero bytes, strict UTF-8), then
    charset-normalizer in place of the blind Windows-1252 guess."""
    from charset_normalizer import from_bytes

    from exports.list_reader import decode

    text, encoding = decode(data)
    if encoding not in ("cp1252", "latin-1"):
        return text.removeprefix("\ufeff")
    best = from_bytes(data).best()
    return text if best is None else str(best)


def _normalizer_then_heuristic(data: bytes) -> str:
    text = _normalizer_text(data)
    return text if text else _heuristic_text(data)


def _sample(text: str) -> str:
    return "\n".join(text.splitlines()[:60])


def _heuristic_delimiter(text: str) -> str:
    from exports.list_reader import sniff_delimiter

    return sniff_delimiter(text)


def _clevercsv_delimiter(text: str) -> str:
    import clevercsv

    dialect = clevercsv.Detector().detect(_sample(text), delimiters=[",", ";", "\t", "|"])
    return "" if dialect is None else str(dialect.delimiter)


def _sniffer_delimiter(text: str) -> str:
    import csv

    try:
        return csv.Sniffer().sniff(_sample(text), delimiters=",;\t|").delimiter
    except csv.Error:
        return ""


def _clevercsv_then_heuristic(text: str) -> str:
    return _clevercsv_delimiter(text) or _heuristic_delimiter(text)


ENCODINGS = {
    "hand-written heuristic (list_reader)": _heuristic_text,
    "charset-normalizer": _normalizer_text,
    "heuristic, then charset-normalizer instead of the cp1252 guess": _heuristic_then_normalizer,
    "charset-normalizer, heuristic if it gives up": _normalizer_then_heuristic,
}
DELIMITERS = {
    "hand-written heuristic (list_reader)": _heuristic_delimiter,
    "clevercsv": _clevercsv_delimiter,
    "csv.Sniffer": _sniffer_delimiter,
    "clevercsv, heuristic if it gives up": _clevercsv_then_heuristic,
}


def compare_reading() -> list[str]:
    import time

    cases = reading_cases()
    lines = [f"{len(cases)} CSV files", "", "| encoding | right | wrong on | ms / file |",
             "|---|---:|---|---:|"]  # fmt: skip
    for label, fn in ENCODINGS.items():
        wrong, t0 = [], time.perf_counter()
        for name, data, text, _ in cases:
            try:
                ok = fn(data) == text
            except Exception:  # a library that raises reads the file wrong
                ok = False
            if not ok:
                wrong.append(name)
        ms = 1000 * (time.perf_counter() - t0) / len(cases)
        lines.append(
            f"| {label} | {len(cases) - len(wrong)}/{len(cases)} | {', '.join(wrong) or '-'} "
            f"| {ms:.1f} |"
        )
    lines += ["", "| delimiter | right | wrong on | ms / file |", "|---|---:|---|---:|"]
    for label, fn in DELIMITERS.items():
        wrong, t0 = [], time.perf_counter()
        for name, _, text, delimiter in cases:
            if fn(text) != delimiter:
                wrong.append(name)
        ms = 1000 * (time.perf_counter() - t0) / len(cases)
        lines.append(
            f"| {label} | {len(cases) - len(wrong)}/{len(cases)} | {', '.join(wrong) or '-'} "
            f"| {ms:.1f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="the scores as JSON")
    parser.add_argument(
        "--reading", action="store_true", help="compare encoding and delimiter detection"
    )
    args = parser.parse_args(argv)
    if args.reading:
        print("\n".join(compare_reading()))
        return 0
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
