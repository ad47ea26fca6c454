"""Time the PDF renderer (exports.pdf_render) on report documents shaped like the real ones.

    python bench/bench_pdf.py [--out DIR]

Figures, not pass/fail. Targets: a typical TIA PDF (about 3 pages) well under 300 ms; 500 TIA
PDFs in under a minute. The documents are built here, shaped like
``transfers_app.services.tia_report.build_report`` (same sections, fields and tables), so the
figure is the renderer's alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exports.pdf_render import render_pdf
from transfers_app.reports import document as rd

LOREM = (
    "The importer provides the hosted service from data centres in the destination and gives "
    "second-line support from two offices; access is logged and limited to named staff."
)


def tia_document(i: int, importer: str = "Acme Cloud Services Inc.") -> rd.ReportDocument:
    """About three A4 pages, like a filled-in TIA."""
    ref = f"TIA-{i:04d}"
    laws = tuple(
        (
            f"Law {n}" + (" [unverified]" if n % 3 == 0 else ""),
            LOREM,
            "Yes" if n % 2 else "No",
            f"https://example.org/sources/law-{n}\nOfficial journal {2000 + n}",
        )
        for n in range(6)
    )
    return rd.ReportDocument(
        title="Transfer impact assessment",
        subtitle=f"{importer} — {ref}",
        author="Jane Assessor",
        subject=f"Transfer impact assessment {ref}: {importer} (US)",
        keywords=("TIA", "transfer risk assessment", "Clause 14", ref),
        generated_on=date(2026, 11, 25),
        footer=f"Example Holdings Ltd · {ref} · record version 3",
        heading=rd.Fields(
            (
                ("Assessment", ref),
                ("Status", "Approved"),
                ("Regimes", "UK GDPR, EU GDPR"),
                ("Exporter", "Example Holdings Ltd"),
                ("Importer", importer),
                ("Destination", "United States (US)"),
                ("Assessor", "Jane Assessor"),
                ("Approver", "Sam Approver"),
                ("Approved on", "5 Feb 2026"),
                ("Next review", "5 Feb 2027"),
            )
        ),
        cover_statement=(
            "This assessment is documented under Clause 14(d) of the EU Standard Contractual "
            "Clauses (Decision (EU) 2021/914) and, for UK transfers, as the transfer risk "
            "assessment. It is kept available to the competent supervisory authority on request."
        ),
        sections=(
            rd.Section(
                "Transfer description",
                (
                    rd.Fields(tuple((f"Field {n}", LOREM[: 40 + 9 * n]) for n in range(13))),
                    rd.Table(
                        ("Transfer", "Parties", "Destination", "Importer role", "Service"),
                        tuple(
                            (
                                f"T{n}",
                                f"Example Ltd → {importer}",
                                "United States (US)",
                                "processor",
                                "Hosting",
                            )
                            for n in range(4)
                        ),
                        (1, 4, 2.2, 1.6, 3),
                        caption="Transfers covered by this assessment",
                    ),
                    rd.Table(
                        ("Onward transfer / sub-processor",),
                        (("Sub Ltd (IN)",), ("Cloud Co (US)",)),
                    ),
                ),
            ),
            rd.Section(
                "Transfer tool",
                (
                    rd.Table(
                        ("Transfer", "Use", "Mechanism", "Document", "Signed", "Expires"),
                        tuple(
                            (
                                f"T{n}",
                                "Primary",
                                "EU SCCs",
                                "DPA with SCCs Module 2",
                                "1 Mar 2025",
                                "—",
                            )
                            for n in range(4)
                        ),
                        (1, 1.3, 2, 4, 1.5, 1.5),
                    ),
                    rd.Bullets(
                        (
                            "EU GDPR: no adequacy decision; SCC Module 2 applies.",
                            "UK GDPR: IDTA or Addendum needed.",
                        )
                    ),
                    rd.Para(LOREM),
                ),
            ),
            rd.Section(
                "Risk of the data",
                (
                    rd.Table(
                        ("Category of personal data", "Inherent risk (1–5)", "Residual risk (1–5)"),
                        (("Contact details", "2", "1"), ("Support tickets", "3", "2")),
                        (4, 2, 2),
                    ),
                    rd.Fields((("Sensitive data", "None"), ("Harm risk (decision A)", "low"))),
                    rd.Para(LOREM, rd.Tone.NOTE),
                ),
            ),
            rd.Section(
                "Destination law and practice",
                (
                    rd.Para("Destination: United States (US). Country profile as of 1 Oct 2026."),
                    rd.Table(
                        ("Law or practice", "What it allows", "Applies", "Sources"),
                        laws,
                        (2.2, 5, 0.9, 3.2),
                        caption="Laws and practices relevant to the importer (Clause 14(b)(ii))",
                        flagged=(0, 3),
                    ),
                    rd.Table(
                        ("European Essential Guarantee", "Rating", "Findings"),
                        tuple((f"{g}. Guarantee {g}", "Partly met", LOREM) for g in "ABCD"),
                        (3.5, 1.4, 5),
                    ),
                    rd.Para("2 of the facts above are marked unverified.", rd.Tone.WARNING),
                ),
            ),
            rd.Section(
                "Supplementary measures",
                (
                    rd.Table(
                        ("Kind", "Code", "Measure", "EDPB use case", "State"),
                        tuple(
                            ("Technical", f"M{n}", LOREM[:90], "1: storage", "In place")
                            for n in range(5)
                        ),
                        (1.5, 0.8, 5, 3, 1.1),
                    ),
                ),
            ),
            rd.Section(
                "Conclusion",
                (
                    rd.Fields((("Conclusion", "The transfer may proceed"), ("Reasoning", LOREM))),
                    rd.Table(
                        ("When", "Who", "What"),
                        tuple(("1 Mar 2026", "jane", "Edited") for _ in range(8)),
                        (2, 2.5, 5),
                        caption="Change log",
                    ),
                ),
            ),
        ),
    )


def register_document(rows: int) -> rd.ReportDocument:
    """A landscape register listing with one long table and a chart."""
    return rd.ReportDocument(
        title="Register of international transfers",
        subtitle="All transfers",
        author="Privacy team",
        subject="Register",
        keywords=("register",),
        generated_on=date(2026, 11, 25),
        footer="Example Holdings Ltd · register",
        heading=rd.Fields((("Transfers", str(rows)),)),
        sections=(
            rd.Section(
                "Transfers by destination",
                (rd.BarChart("Transfers", (("US", 120), ("IN", 40), ("CN", 9))),),
            ),
            rd.Section(
                "Transfers",
                (
                    rd.Table(
                        ("Ref", "Exporter", "Importer", "Country", "Mechanism", "Status"),
                        tuple(
                            (f"T{n}", "Example Ltd", f"Vendor {n} Ltd", "US", "EU SCCs", "OK")
                            for n in range(rows)
                        ),
                        flagged=tuple(range(0, rows, 17)),
                    ),
                ),
            ),
        ),
        landscape=True,
    )


def _time(fn: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each run (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def _line(what: str, wall: list[float], cpu: list[float]) -> str:
    return (
        f"{what}: wall median {statistics.median(wall):.0f} ms (min {min(wall):.0f}), "
        f"CPU median {statistics.median(cpu):.0f} ms (min {min(cpu):.0f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, help="also write the sample PDFs here")
    ap.add_argument("--many", type=int, default=500, help="TIA PDFs in the batch run")
    args = ap.parse_args()

    (wall,), _ = _time(lambda: render_pdf(tia_document(0)), 1)
    print(f"first TIA PDF, registering the fonts (cold): {wall:.0f} ms")
    (wall,), _ = _time(lambda: render_pdf(tia_document(0, "株式会社テスト")), 1)
    print(f"first TIA PDF with a CJK name (loads the CJK font): {wall:.0f} ms")

    first = render_pdf(tia_document(0))
    pages = first.count(b"/Type /Page\n")
    print(
        _line(
            f"TIA PDF warm ({pages} pages, {len(first):,} bytes)",
            *_time(lambda: render_pdf(tia_document(1)), 15),
        )
    )
    print(
        _line(
            "TIA PDF with CJK names warm",
            *_time(lambda: render_pdf(tia_document(1, "北京数据有限公司")), 5),
        )
    )

    t, c = time.perf_counter(), time.process_time()
    for i in range(args.many):
        render_pdf(tia_document(i))
    print(
        f"{args.many} TIA PDFs: wall {time.perf_counter() - t:.1f} s, "
        f"CPU {time.process_time() - c:.1f} s"
    )

    for rows in (300, 3000):
        doc = register_document(rows)
        data = b""

        def run(doc: rd.ReportDocument = doc) -> None:
            nonlocal data
            data = render_pdf(doc)

        print(_line(f"register, {rows} rows, landscape", *_time(run, 1)) + f", {len(data):,} bytes")
        if args.out:
            (args.out / f"register-{rows}.pdf").write_bytes(data)
    if args.out:
        (args.out / "tia.pdf").write_bytes(first)


if __name__ == "__main__":
    main()
