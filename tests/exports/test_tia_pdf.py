"""The TIA summary PDF, read back as a reviewer would read it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from exports.pdf_render import render_pdf
from transfers_app.domain.enums import TiaStatus
from transfers_app.domain.models import Tia
from transfers_app.reference import builtin_reference
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
