"""A sample report model and the reading back of rendered PDFs, for the renderer tests (PDF
and Word render the same model)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

from pypdf import PdfReader

from exports.pdf_common import MARGIN_BOTTOM, MARGIN_TOP
from transfers_app.reports import document as rd

# Names that break naive renderers: markup and formula characters, then scripts beyond Latin-1.
HOSTILE = ("<b>R&D</b> Ltd", "A & B <script>", "=cmd|' /C calc'!A0")
LATIN_EXTENDED = (
    "Łódź Spółka z o.o.",
    "İstanbul Veri A.Ş.",
    "ığüşöç Ğ",
    "Ελληνική Εταιρεία Α.Ε.",
    "ООО «Данные»",
)
CJK = ("株式会社テスト", "北京数据有限公司")
KOREAN = "삼성전자 주식회사"
ARABIC = "شركة البيانات"

# A sign-off block (the last signer without a role or date) and references: a URL too long for
# one line, an entry with no URL, markup characters.
SIGNERS = rd.Signatures(
    (
        rd.Signer("Assessed by", "A. Patel", "Privacy Counsel", "25 Oct 2024"),
        rd.Signer("Approved by", "Maria Gonzalez", "General Counsel", ""),
        rd.Signer("Reviewed by", "Zoë Ångström"),
    )
)
LONG_URL = (
    "https://www.edpb.europa.eu/system/files/2021-06/"
    "edpb_recommendations_202001vo.2.0_supplementarymeasurestransferstools_en.pdf"
)
REFS = rd.References(
    (
        rd.Reference(
            1,
            "Recommendations 01/2020 on measures that supplement transfer tools",
            "European Data Protection Board",
            "18 Jun 2021",
            LONG_URL,
        ),
        rd.Reference(2, "Privacy Act 1988", "Federal Register of Legislation", "2024"),
        rd.Reference(3, "Guidance <b>&", "ICO", "", "https://ico.org.uk/?a=1&b=2"),
    )
)


def make_doc(**changes: Any) -> rd.ReportDocument:
    doc = rd.ReportDocument(
        title="Transfer impact assessment",
        subtitle="Acme Cloud Services Inc. — TIA-0007",
        author="Jane Assessor",
        subject="Transfer impact assessment TIA-0007",
        keywords=("TIA", "Clause 14", "TIA-0007"),
        generated_on=date(2026, 11, 25),
        footer="Example Holdings Ltd · TIA-0007 · record version 5",
        heading=rd.Fields((("Assessment", "TIA-0007"), ("Status", "In review"))),
        cover_statement="Documented under Clause 14(d) of the EU Standard Contractual Clauses.",
        sections=(
            rd.Section(
                "Transfer description",
                (
                    rd.Para("The exporter transfers customer support records to the importer."),
                    rd.Fields(
                        (("Purpose", "Customer support ticketing"), ("Volume", "40,000 a year"))
                    ),
                    rd.Para("Source: the register as of 25 Nov 2026.", rd.Tone.NOTE),
                ),
            ),
            rd.Section(
                "Transfers covered",
                (
                    rd.Table(
                        ("Ref", "Importer", "Mechanism"),
                        (("T1", "Acme Cloud", "EU SCCs"), ("T2", "Beta Hosting", "None recorded")),
                        (1, 4, 2),
                        caption="Transfers covered by this assessment",
                        flagged=(1,),
                    ),
                    rd.Table(
                        ("When", "Who", "What"),
                        (),
                        caption="Change log",
                        empty_text="No changes yet.",
                    ),
                ),
            ),
            rd.Section(
                "Destination law and practice",
                (
                    rd.Para("Reference data older than 12 months.", rd.Tone.WARNING),
                    rd.Bullets(("Section 702 FISA applies.", "EO 14086 limits bulk collection.")),
                    rd.BarChart(
                        "Transfers by destination", (("United States", 182), ("India", 64))
                    ),
                    rd.Para("The exporter confirms the information above.", rd.Tone.STATEMENT),
                ),
            ),
        ),
    )
    return replace(doc, **changes)


def pages_text(data: bytes) -> list[str]:
    """The text pypdf extracts from each page of a PDF."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Extracted text with line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def flat_pages(data: bytes) -> list[str]:
    """Each page's text, flattened (``flat``)."""
    return [flat(text) for text in pages_text(data)]


def text_heights(data: bytes) -> list[list[float]]:
    """Per page, the baseline heights of its text inside the text frame (no running head or
    footer), in points from the bottom of the page."""
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        top = float(page.mediabox.height) - MARGIN_TOP
        found: list[tuple[float, str]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
            found.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))  # noqa: B023

        page.extract_text(visitor_text=visit)
        out.append([y for y, t in found if t.strip() and MARGIN_BOTTOM - 2 < y < top + 2])
    return out
