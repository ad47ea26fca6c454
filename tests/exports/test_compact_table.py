"""Compact tables: thousands of rows laid out by arithmetic, split by page, every cell in full,
every script printed."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from pypdf import PdfReader

from exports.pdf_render import render_pdf
from transfers_app.reports.document import Fields, ReportDocument, Section, Table


def _doc(rows: tuple[tuple[str, ...], ...], flagged: tuple[int, ...] = ()) -> ReportDocument:
    return ReportDocument(
        title="Register",
        subtitle="compact",
        author="t",
        subject="s",
        keywords=(),
        generated_on=date(2026, 11, 25),
        footer="f",
        heading=Fields((("Lines", str(len(rows))),)),
        sections=(
            Section(
                "The register",
                (
                    Table(
                        ("Entity", "Country", "Gap"),
                        rows,
                        (4, 1, 6),
                        flagged=flagged,
                        compact=True,
                    ),
                ),
            ),
        ),
        landscape=True,
    )


def test_every_row_prints_once_in_order_with_the_header_on_each_page() -> None:
    rows = tuple((f"Vendor {i:04d}", "US", "none") for i in range(1200))
    reader = PdfReader(io.BytesIO(render_pdf(_doc(rows))))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 25
    found = [line for p in pages for line in p.splitlines() if line.startswith("Vendor ")]
    assert [f.split()[1] for f in found] == [f"{i:04d}" for i in range(1200)]
    body = [p for p in pages if "Vendor " in p]
    assert all("Entity" in p and "Country" in p for p in body)


def test_long_cells_wrap_in_full_and_foreign_scripts_print() -> None:
    long = " ".join(f"word{i:03d}" for i in range(120))
    rows = (
        ("株式会社テスト", "JP", long),
        ("Łódź Spółka z o.o.", "PL", "İstanbul A.Ş."),
        ("<b>R&D</b> Ltd", "GB", "=cmd|' /C calc'!A0"),
    )
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(_doc(rows, (1,))))).pages
    )
    assert "株式会社テスト" in text
    assert "Łódź Spółka z o.o." in text and "İstanbul A.Ş." in text
    assert "<b>R&D</b> Ltd" in text and "=cmd|' /C calc'!A0" in text
    # Nothing is shortened: every word of the long cell prints, whole, in order.
    assert "…" not in text
    words = [w for w in text.split() if w.startswith("word")]
    assert words == [f"word{i:03d}" for i in range(120)]
    assert "⚠" in text  # the flagged row says so in text, not colour alone


def test_no_identifier_or_date_is_broken_across_lines() -> None:
    # Narrow relative widths for the identifier and date columns: the layout widens them to
    # their widest word rather than cut "TIA-0012-v3" or "7 Dec 2026" across lines.
    ident = "TIA-0012-v3"
    when = "7\u00a0Dec\u00a02026"
    rows = tuple(
        (f"{ident} approved", f"{when} review", " ".join(["long words of a gap"] * 12))
        for _ in range(40)
    )
    doc = _doc(rows)
    table = doc.sections[0].blocks[0]
    assert isinstance(table, Table)
    narrow = Table(table.headers, table.rows, (0.2, 0.2, 20), compact=True)
    doc = replace(doc, sections=(Section("The register", (narrow,)),))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(doc))).pages)
    lines = text.splitlines()
    assert sum(ident in line for line in lines) == 40
    assert sum("7 Dec 2026" in line for line in lines) == 40
    assert not [line for line in lines if line.rstrip().endswith(("TIA-", "TIA-0012-", "7 Dec"))]
    assert "…" not in text
