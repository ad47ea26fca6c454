"""One truth across the register's files: the PDF, the CSV, the XLSX and the JSON written by
``transfers-app export register`` say the same as ``transfers-app status`` and ``reminders``
about the same date (counts, open items, what is due and overdue), read back as a user reads
them: the PDF's text, the CSV in a spreadsheet, the XLSX in Excel, the JSON file."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from support.cli import TODAY
from support.cli import run_cli_cleanly as run

from transfers_app.domain.formatting import day

SEVERITIES = ("critical", "high", "medium", "low")


def _json_out(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, *argv, "--json")
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def _export_all(
    capsys: pytest.CaptureFixture[str], folder: Path, as_of: list[str]
) -> dict[str, Path]:
    paths = {}
    for fmt in ("pdf", "csv", "xlsx", "json"):
        path = folder / f"register.{fmt}"
        code, _, err = run(capsys, "export", "register", "-o", str(path), *as_of)
        assert code == 0, err
        paths[fmt] = path
    return paths


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _field(summary: str, label: str, following: str) -> str:
    """The value of a summary field: the text between its label and the next label."""
    m = re.search(re.escape(label) + r" (.*?) " + re.escape(following), summary)
    assert m is not None, f"{label!r} not on the summary page"
    return m.group(1)


def _rows_by_transfer(table_text: str) -> dict[str, str]:
    """The register table's text cut into its rows, by the transfer id each row starts with."""
    parts = re.split(r"(?m)^(?:⚠ )?(T\d+) ", table_text)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.mark.parametrize("as_of", [None, "2027-06-01", "2025-06-01"])
def test_every_file_says_what_status_and_reminders_say(
    capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path, as_of: str | None
) -> None:
    pytest.importorskip("exports.pdf_render")
    when = ["--as-of", as_of] if as_of else []
    on = date.fromisoformat(as_of) if as_of else TODAY
    status = _json_out(capsys, "status", *when)
    reminders = _json_out(capsys, "reminders", "--within", "36500", *when)["reminders"]
    paths = _export_all(capsys, tmp_path, when)

    # -- the CSV and the XLSX's Register sheet: the same table, cell for cell --------------------
    with paths["csv"].open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    head, rows = table[0], table[1:]
    sheet = load_workbook(paths["xlsx"])["Register"]
    in_xlsx = [
        [v.date().isoformat() if hasattr(v, "date") else ("" if v is None else str(v)) for v in r]
        for r in sheet.iter_rows(values_only=True)
    ]
    assert in_xlsx == table
    col = {name: i for i, name in enumerate(head)}
    lines = [dict(zip(head, r, strict=True)) for r in rows]
    transfers = [r for r in lines if r["Transfer ID"]]
    live = [r for r in transfers if r["Status"] != "Not live"]

    # -- the JSON file: the records the tables are made of ------------------------------------
    register = json.loads(paths["json"].read_text("utf-8"))
    entities = [e for e in register["entities"] if not e.get("archived_at")]
    assert len({r["Entity ID"] for r in lines}) == len(entities)
    recorded = {t["id"] for t in register["transfers"] if not t.get("archived_at")}
    assert {int(r["Transfer ID"]) for r in transfers} <= recorded

    # -- the status report: open items per severity, per transfer -------------------------------
    gaps = status["gaps"]
    assert len(live) == status["transfers_assessed"]
    assert sum(1 for r in live if r["Status"] == "No gaps") == status["transfers_without_gaps"]
    for r in transfers:
        tid, eid = int(r["Transfer ID"]), int(r["Entity ID"])
        mine = [
            g
            for g in gaps
            if g["transfer_id"] == tid or (g["transfer_id"] is None and g["entity_id"] == eid)
        ]
        assert int(r["Gaps"]) == len(mine), r
        if mine:
            worst = min(mine, key=lambda g: SEVERITIES.index(g["severity"]))
            assert r["Status"].lower() == worst["severity"], r
            assert r["Worst gap"] == worst["message"], r

    # -- reminders: what is overdue ---------------------------------------------------------------
    overdue = sorted(
        date.fromisoformat(r["Next due"])
        for r in live
        if r["Next due"] and date.fromisoformat(r["Next due"]) < on
    )
    overdue_reminders = {date.fromisoformat(x["due_on"]) for x in reminders if x["overdue"]}
    assert set(overdue) <= overdue_reminders
    if overdue:
        assert overdue[0] == min(overdue_reminders)
    due_dates = {date.fromisoformat(x["due_on"]) for x in reminders}
    assert {date.fromisoformat(r["Next due"]) for r in live if r["Next due"]} <= due_dates

    # -- the PDF: page 1 is the summary, and its figures are the ones above ---------------------
    pages = _pdf_pages(paths["pdf"])
    summary = _flat(pages[0])
    assert "1. Summary" in summary and "2. The register" not in summary
    counts = status["counts"]
    ours = sum(1 for e in entities if e["kind"] == "group" or e.get("is_own"))
    assert _field(summary, "Entities", "Transfers on the register").startswith(
        f"{len(entities):,}: {ours} group compan"
    )
    not_live = len(transfers) - len(live)
    assert (
        _field(summary, "Transfers on the register", "Assessed")
        == f"{len(transfers):,}, of which {not_live:,} not live"
    )
    assert _field(summary, "Assessed (live on the date)", "Compliant") == str(
        status["transfers_assessed"]
    )
    assert _field(summary, "Compliant (no gap)", "With gaps") == str(
        status["transfers_without_gaps"]
    )
    with_gaps = _field(summary, "With gaps", "Transfer assessments")
    assert with_gaps.startswith(
        str(status["transfers_assessed"] - status["transfers_without_gaps"])
    )
    by_severity = ", ".join(f"{s} {counts[s]}" for s in SEVERITIES if counts.get(s)) or "none"
    assert with_gaps.endswith(f"open items by severity (transfers and entities): {by_severity}")
    states = Counter(r["TIA status"] for r in transfers)
    said = _field(summary, "Transfer assessments", "Something overdue")
    assert dict(
        (m.group(1), int(m.group(2))) for m in re.finditer(r"([a-z][a-z ()]*?) (\d+)(?:;|$)", said)
    ) == dict(states)
    something = _flat(summary.split("Something overdue", 1)[1]).strip()
    assert something.startswith(f"{len(overdue)} transfer")
    if overdue:
        assert f"the oldest due since {day(overdue[0])}" in something

    # -- the PDF's table: each transfer's row, its status, assessment and next due ---------------
    by_row = _rows_by_transfer("\n".join(pages[1:]))
    assert set(by_row) == {f"T{r['Transfer ID']}" for r in transfers}
    for r in transfers:
        text = _flat(by_row[f"T{r['Transfer ID']}"])
        assert r["Status"] in text, (r["Transfer ID"], text)
        # A transfer not live on the date is listed with what is recorded, not judged.
        assert ("(not assessed)" in text) == (r["Status"] == "Not live"), text
        assert _flat(r["TIA status"]) in text, (r["Transfer ID"], text)
        if r["Next due"]:
            assert day(date.fromisoformat(r["Next due"])) in text, (r["Transfer ID"], text)
            late = date.fromisoformat(r["Next due"]) < on
            assert ("overdue" in text.split(day(date.fromisoformat(r["Next due"])))[-1]) == late
    assert col["Transfer ID"] == 5  # the column the CSV names transfers by
