"""The TIA summary PDF, read back as a reviewer would read it."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table as DocxTable
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from test_pdf_layout import text_heights
from test_pdf_render import make_doc

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from exports.docx_render import render_docx
from exports.pdf_common import MARGIN_BOTTOM, MARGIN_TOP
from exports.pdf_render import render_pdf
from transfers_app.domain.enums import TiaStatus
from transfers_app.domain.models import Tia
from transfers_app.reference import builtin_reference
from transfers_app.reports.document import (
    BarChart,
    Bullets,
    Fields,
    Para,
    Reference,
    References,
    ReportDocument,
    Section,
    Signatures,
    Signer,
    Table,
)
from transfers_app.services.demo import load_demo
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.tia import TiaService

TODAY = date(2026, 11, 25)


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[TiaService]:
    database = open_db(tmp_path / "r.db")
    repo = SqliteStore(database, actor="t", files=FileStore(tmp_path / "files"))
    load_demo(repo, TODAY, file_adapters().pdf)
    yield TiaService(repo, ReferenceSource(builtin_reference()), file_adapters().pdf)
    repo.close()


def _tia(svc: TiaService, importer: str) -> Tia:
    names = svc.store.names.names([t.importer_id for t in svc.store.transfers.list()])
    for x in svc.store.assessments.list():
        t = svc.store.transfers.get(x.transfer_id)
        if names[t.importer_id] == importer:
            return svc.store.assessments.get(x.id or 0)
    raise AssertionError(importer)


def _text(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [p.extract_text() for p in reader.pages]


def test_an_approved_assessment_prints_every_section(svc: TiaService) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")
    reader, pages = _text(render_pdf(svc.report(tia.id or 0, TODAY, svc.organisation())))
    text = "\n".join(pages)
    for heading in (
        "Transfer description",
        "Transfer tool",
        "Risk of the data",
        "Destination law and practice",
        "Enforceability and human rights",
        "Supplementary measures",
        "Quantitative estimate",
        "Conclusion and residual risk",
        "Sign-off, review and change log",
    ):
        assert heading in text, heading
    assert "Clause 14(d)" in text and "Information Commission" in text
    assert tia.reference in text
    assert "FISA" in text  # from the country profile
    assert "unverified" in text  # facts the research could not verify say so
    # the register changed after approval (a new sub-processor): the PDF says so
    assert "no longer matches the register" in re.sub(r"\s+", " ", text)
    n = len(reader.pages)
    assert n >= 2
    assert f"Page 1 of {n}" in pages[0] and f"Page {n} of {n}" in pages[-1]
    assert "DRAFT" not in text
    meta = reader.metadata
    assert meta is not None and tia.reference in (meta.subject or "")
    assert meta.title == "Transfer impact assessment"


def test_a_draft_is_watermarked_on_every_page(svc: TiaService) -> None:
    tia = _tia(svc, "Meridian Recovery Services Pvt. Ltd.")
    assert tia.status is TiaStatus.DRAFT
    _, pages = _text(render_pdf(svc.report(tia.id or 0, TODAY)))
    assert all("DRAFT" in p for p in pages)


def test_hostile_and_foreign_names_print_literally(svc: TiaService) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")
    importer = svc.store.entities.get(svc.store.transfers.get(tia.transfer_id).importer_id)
    svc.store.entities.update(replace(importer, legal_name="<b>R&D</b> Łódź İstanbul Ltd"))
    assert tia.content is not None
    svc.store.assessments.update(
        replace(
            tia,
            assessor="Zoë <script>alert(1)</script>",
            content=replace(tia.content, conclusion_text="Risk & reward <i>balanced</i>"),
        )
    )
    _, pages = _text(render_pdf(svc.report(tia.id or 0, TODAY)))
    text = re.sub(r"\s+", " ", "\n".join(pages))
    assert "<b>R&D</b> Łódź İstanbul Ltd" in text
    assert "Zoë <script>alert(1)</script>" in text
    assert "Risk & reward <i>balanced</i>" in text


def test_rendering_twice_gives_the_same_bytes(svc: TiaService) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")
    doc = svc.report(tia.id or 0, TODAY)
    assert render_pdf(doc, invariant=True) == render_pdf(doc, invariant=True)


def test_export_writes_the_file_atomically(svc: TiaService, tmp_path: Path) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")
    out = svc.export_pdf(tia.id or 0, TODAY, tmp_path / "out" / "tia.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.parent.iterdir()] == ["tia.pdf"]


# -- layout, and the same words in the PDF and the Word document ---------------------------------


def demo_reports(svc: TiaService) -> list[ReportDocument]:
    return [svc.report(x.id or 0, TODAY, svc.organisation()) for x in svc.assessments()]


def headings(doc: ReportDocument) -> set[str]:
    """Every line that heads what follows it: section titles, captions, lead-in paragraphs."""
    out = {f"{n}. {s.title}" for n, s in enumerate(doc.sections, start=1)}
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, Table | BarChart) and getattr(block, "caption", ""):
                out.add(block.caption)
            if isinstance(block, BarChart) and block.title:
                out.add(block.title)
            if isinstance(block, Para) and block.text.rstrip().endswith(":"):
                out.add(block.text)
    return {" ".join(h.split()) for h in out}


def test_no_page_of_a_demo_assessment_ends_with_a_heading(svc: TiaService) -> None:
    reports = demo_reports(svc)
    assert len(reports) == 5
    for doc in reports:
        heads = headings(doc)
        reader = PdfReader(io.BytesIO(render_pdf(doc)))
        for k, page in enumerate(reader.pages[:-1]):
            text = page.extract_text().split("\n")
            lines = [" ".join(x.split()) for x in text if x.strip() and x.strip() != "DRAFT"]
            assert re.fullmatch(r"Page \d+ of \d+", lines[-1])
            assert lines[-2] not in heads, f"{doc.subtitle}, page {k + 1} ends with {lines[-2]}"


def test_no_page_of_a_demo_assessment_is_near_empty(svc: TiaService) -> None:
    for doc in demo_reports(svc):
        data = render_pdf(doc)
        heights = text_heights(data)
        breaks = sum(s.page_break_after for s in doc.sections[:-1])
        top = A4[1] - MARGIN_TOP
        fills = [(top - min(ys)) / (top - MARGIN_BOTTOM) for ys in heights[:-1]]
        # A decision page that ends on purpose (page_break_after) may be short.
        assert sum(f <= 1 / 3 for f in fills) <= breaks, (doc.subtitle, fills)


def model_texts(doc: ReportDocument) -> list[str]:
    """Every word the report model holds: what both renderers must print."""
    out = [doc.title, doc.subtitle, doc.cover_statement]
    out += [s for pair in doc.heading.pairs for s in pair]
    for section in doc.sections:
        out.append(section.title)
        for block in section.blocks:
            match block:
                case Para(text=text):
                    out.append(text)
                case Fields(pairs=pairs):
                    out += [s for pair in pairs for s in pair]
                case Table():
                    out += [block.caption, *block.headers]
                    out += [c for row in block.rows for c in row] or [block.empty_text]
                case Bullets(items=items):
                    out += items
                case BarChart():
                    out += [block.title, *(f"{label} {v:,}" for label, v in block.bars)]
                case Signatures(signers=signers):
                    out += [s for x in signers for s in (x.part, x.name, x.role, x.signed_on)]
                case References(items=items):
                    out += [s for r in items for s in (f"[{r.number}]", r.citation(), r.url)]
    return [t for t in out if t.strip()]


def squeeze(text: str) -> str:
    """Without whitespace (lines wrap differently in each format), composed (NFC)."""
    return "".join(unicodedata.normalize("NFC", text).split())


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            parts += [p.text for row in item.rows for cell in row.cells for p in cell.paragraphs]
        else:
            parts.append(item.text)
    return "\n".join(parts)


def assert_same_words(doc: ReportDocument) -> None:
    pdf = squeeze(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(doc))).pages))
    word = squeeze(docx_text(render_docx(doc)))
    for text in model_texts(doc):
        assert squeeze(text) in pdf, f"PDF lacks {text!r}"
        assert squeeze(text) in word, f"DOCX lacks {text!r}"


def test_every_demo_assessment_says_the_same_in_pdf_and_word(svc: TiaService) -> None:
    for doc in demo_reports(svc):
        assert_same_words(doc)


def test_signatures_and_references_say_the_same_in_pdf_and_word() -> None:
    signers = Signatures(
        (
            Signer("Assessed by", "A. Patel", "Privacy Counsel", "25 Oct 2024"),
            Signer("Approved by", "Maria Gonzalez", "General Counsel", ""),
        )
    )
    refs = References(
        (
            Reference(
                1,
                "Recommendations 01/2020 on measures that supplement transfer tools",
                "European Data Protection Board",
                "18 Jun 2021",
                "https://www.edpb.europa.eu/system/files/2021-06/"
                "edpb_recommendations_202001vo.2.0_supplementarymeasurestransferstools_en.pdf",
            ),
            Reference(2, "Privacy Act 1988", "Federal Register of Legislation", "2024", ""),
        )
    )
    doc = make_doc()
    assert_same_words(replace(doc, sections=(*doc.sections, Section("Sign-off", (signers, refs)))))
