"""Many PDFs on every core come out in order and the same as one at a time."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from exports.pdf_batch import render_pdfs
from transfers_app.reports.document import Fields, Para, ReportDocument, Section


def _doc(i: int) -> ReportDocument:
    return ReportDocument(
        title=f"Document {i}",
        subtitle="batch",
        author="t",
        subject="s",
        keywords=(),
        generated_on=date(2026, 11, 25),
        footer=f"footer {i}",
        heading=Fields((("Number", str(i)),)),
        sections=(Section("Body", (Para(f"Paragraph of document number {i}."),)),),
    )


def test_documents_come_back_in_order_from_two_workers() -> None:
    pdfs = list(render_pdfs([_doc(i) for i in range(6)], processes=2, chunk=1))
    assert len(pdfs) == 6
    for i, pdf in enumerate(pdfs):
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert f"Paragraph of document number {i}." in text
