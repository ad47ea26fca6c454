"""The TIA document, read back from the PDF as a regulator would read it: the decision page,
the test and the conclusion under each regime, no internal material, the bibliography, the
document frozen on approval, and the approval refused while an unverified fact is unaccepted.
"""

from __future__ import annotations

import dataclasses
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
from support.report_samples import REFS, SIGNERS, make_doc, text_heights

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from exports.docx_render import render_docx
from exports.pdf_common import MARGIN_BOTTOM, MARGIN_TOP
from exports.pdf_render import render_pdf
from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.models import Tia
from transfers_app.domain.tia import EEG_GUARANTEES, Conclusion, ResidualRisk
from transfers_app.errors import ValidationError
from transfers_app.reference import builtin_reference, parse_bundle
from transfers_app.reference.loader import builtin_bundle
from transfers_app.reports import document as rd
from transfers_app.services.demo import load_demo
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.tia import TiaFormat, TiaService
from transfers_app.services.tia_dates import after

TODAY = date(2026, 11, 25)
RESEARCH = next(
    (p / "shared" / "reference" for p in Path(__file__).resolve().parents
     if (p / "shared" / "reference" / "legal-facts.md").is_file()),
    None,
)  # fmt: skip
# Words of the research that have no place in a document: markers, file names, notes, to-dos
# and the ICO template's letter codes.
INTERNAL = (
    re.compile(r"\[(S|M|I)\b[^\]]*\]"),
    re.compile(r"legal-facts|country-profiles|\.md\b"),
    re.compile(r"third-party implementation|reconstructed and unverified"),
    re.compile(r"score the data categories|answer Q[0-9]|\(Q[0-9]\)"),
    re.compile(r"\b[CD][1-5]:"),
    re.compile(r"\bDecision [A-F]\d?\b"),
    # the regulator's review of round 1: the profile's own rating notes, its source ids, the
    # research's notes on itself, a status said twice
    re.compile(r"Indicative rating|see markers|\b(?:US|IN|SG|AU)-\d+\b"),
    re.compile(r"recalled|not read|reconstructed|not matched|unverified reports"),
    re.compile(r"verified\)?\s*\(not independently|is not verified"),
    re.compile(r"Not itself a power to obtain data|It reaches organisations holding data in"),
)


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


def _pages(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]


def _words(doc: rd.ReportDocument) -> list[str]:
    """Every piece of text the document's blocks hold, outside the bibliography."""
    out = [doc.title, doc.subtitle, doc.cover_statement, *(v for p in doc.heading.pairs for v in p)]
    for s in doc.sections:
        out.append(s.title)
        for b in s.blocks:
            if isinstance(b, rd.Para):
                out.append(b.text)
            elif isinstance(b, rd.Fields):
                out.extend(v for pair in b.pairs for v in pair)
            elif isinstance(b, rd.Table):
                out.extend([b.caption, *b.headers, *(c for r in b.rows for c in r)])
            elif isinstance(b, rd.Bullets):
                out.extend(b.items)
            elif isinstance(b, rd.Signatures):
                out.extend(f"{x.part} {x.name} {x.role} {x.signed_on}" for x in b.signers)
    return out


def _references(doc: rd.ReportDocument) -> rd.References:
    found = [b for s in doc.sections for b in s.blocks if isinstance(b, rd.References)]
    assert len(found) == 1
    return found[0]


def _t3_domains() -> set[str]:
    """The sites the research rejected as weak (its [T3] lines)."""
    assert RESEARCH is not None
    domains: set[str] = set()
    for name in ("legal-facts.md", "country-profiles.md"):
        for line in (RESEARCH / name).read_text(encoding="utf-8").splitlines():
            if "[T3]" not in line:
                continue
            for weak in re.findall(r"source weak: ([^;)\]]+)", line):
                domains.update(w for w in re.findall(r"[\w-]+(?:\.[\w-]+)+", weak))
            domains.update(re.findall(r"https?://([^/\s]+)[^\s]*\s*\[T3\]", line))
    return {d.removeprefix("www.") for d in domains if "." in d}


# -- page 1 and the regimes ----------------------------------------------------------------------


def test_page_one_is_the_decision_with_a_conclusion_per_regime(svc: TiaService) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")  # UK and EU, approved 25 Nov 2026
    doc = svc.report(tia.id or 0, TODAY)
    decision = doc.sections[0]
    assert decision.title == "Decision" and decision.page_break_after
    text = " ".join(_words(dataclasses.replace(doc, sections=(decision,))))
    # What is assessed, with the tool per regime (never "Primary: UK Addendum")
    assert "Keystone Access Europe Limited" in text and "Stratus Cloud Hosting, Inc." in text
    assert "Tool (UK GDPR) the UK Addendum (B1.0) with the EU SCCs, Module 2" in text
    assert "Tool (EU GDPR) the EU SCCs (Decision (EU) 2021/914), Module 2" in text
    assert "Primary" not in text and "Fallback: EU SCCs" not in text
    # The UK data protection test (the assessment is dated after 5 Feb 2026) and the EU test,
    # each with its conclusion; their full wording is in the conclusions
    assert "UK GDPR not materially lower Proceed with the supplementary measures" in text
    # Stratus's support team and its sub-processor in India reach the data in the clear, and
    # Indian law that reaches them is problematic: under EU law that cannot proceed
    assert "India (where the importer also stores or accesses the data)" in text
    assert "EU GDPR essentially equivalent Do not start, or suspend or end, the transfer" in text
    whole = " ".join(_words(doc))
    assert "Acting reasonably and proportionately, Keystone Access Europe Limited" in whole
    assert "would not be materially lower than under the UK GDPR" in whole
    assert "essentially equivalent to that guaranteed within the EU" in whole
    # The status and the sign-off, by named people
    assert "Approved on 25 Nov 2026 by Maria Santos" in text
    (signatures,) = [b for b in decision.blocks if isinstance(b, rd.Signatures)]
    assert [(s.part, s.name, s.role) for s in signatures.signers] == [
        ("Assessed by", "Anita Patel", "Privacy Counsel"),
        ("Approved by", "Maria Santos", "General Counsel"),
    ]
    _, pages = _pages(render_pdf(doc))
    assert "Conclusion per regime" in pages[0] and "UK GDPR" in pages[0]


def test_an_idta_transfer_cites_the_idta_never_the_sccs(svc: TiaService) -> None:
    tia = _tia(svc, "Keystone Access Australia Pty Ltd")  # UK only, on the IDTA
    doc = svc.report(tia.id or 0, TODAY)
    text = " ".join(_words(doc))
    assert doc.title == "Transfer risk assessment"
    assert "IDTA Part four" in text and "International Data Transfer Agreement" in text
    assert "data protection test is met" in text
    for wrong in ("Clause 14", "Clause 15", "SCC Module", "Module 1", "essentially equivalent"):
        assert wrong not in text, wrong


def test_an_assessment_before_the_duaa_applies_the_ico_approach(svc: TiaService) -> None:
    tia = _tia(svc, "Keystone Access Group, Inc.")  # approved 25 Oct 2025, UK and EU
    assert tia.approved_on is not None and tia.approved_on < date(2026, 2, 5)
    text = " ".join(_words(svc.report(tia.id or 0, TODAY)))
    assert "does not significantly increase the risk to the data subjects' privacy" in text
    assert "materially lower" not in text  # the DUAA test was not in force
    assert "essentially equivalent to that guaranteed within the EU" in text
    # nothing the document shows happened after its approval: the dates of 2026 it gives are
    # the ones it looks forward to (its review date, the s.702 sunset RISAA set in 2024)
    assert not after(text, tia.approved_on)
    assert re.findall(r"\d+ \w+ 2026", text) and all(
        d in ("25 Oct 2026", "20 Apr 2026") for d in re.findall(r"\d+ \w+ 2026", text)
    )
    assert "lapse" not in text  # the lapse of June 2026 was not known then


# -- what a regulator must never read -------------------------------------------------------------


def test_no_internal_material_and_no_weak_source_in_any_demo_assessment(svc: TiaService) -> None:
    weak = _t3_domains() if RESEARCH is not None else set()
    for x in svc.store.assessments.list():
        doc = svc.report(x.id or 0, TODAY)
        _, pages = _pages(render_pdf(doc))
        text = " ".join(pages)
        body = " ".join(_words(doc))
        for pattern in INTERNAL:
            assert not pattern.search(text), (x.reference, pattern.pattern)
            assert not pattern.search(body), (x.reference, pattern.pattern)
        assert "http" not in body  # sources are cited as [n]: their addresses are in the list
        refs = _references(doc)
        assert refs.items, x.reference
        for r in refs.items:
            assert r.title and r.publisher and r.url.startswith("http"), r
            host = re.sub(r"^https?://", "", r.url).split("/")[0].removeprefix("www.")
            assert host not in weak, (x.reference, r.url)
        for domain in weak:
            assert domain not in text, (x.reference, domain)
        numbers = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
        assert numbers == {r.number for r in refs.items}, x.reference  # each cited, each listed


def test_answers_carry_their_question_and_reasoning_not_codes(svc: TiaService) -> None:
    tia = _tia(svc, "Keystone Access Australia Pty Ltd")
    text = " ".join(_words(svc.report(tia.id or 0, TODAY)))
    assert (
        "Is the transfer significantly increasing the risk of a human rights breach in the "
        "destination country" in text
    )
    assert "TOLA notices and the Identify and Disrupt Act's warrants are taken to reach" in text
    # each law says whether it reaches this importer and why, from whom the profile says it
    # compels (the TOLA Act's "designated communications providers", effectively everyone in
    # the communications supply chain: the assessor's own answer)
    assert "Its notices go to 'designated communications providers'" in text
    assert "It works through the networks in Australia" in text


def test_no_prefilled_paragraph_is_the_same_in_every_assessment(svc: TiaService) -> None:
    headings = {f"{k}. {v}" for k, v in EEG_GUARANTEES.items()}  # the EDPB's own titles
    texts = [
        {w for w in _words(svc.report(x.id or 0, TODAY)) if len(w) >= 60 and w not in headings}
        for x in svc.store.assessments.list()
    ]
    assert len(texts) == 5
    assert set.intersection(*texts) == set()


def test_data_in_the_clear_means_use_case_6_or_7_and_the_conclusion_says_so(
    svc: TiaService,
) -> None:
    host = _tia(svc, "Stratus Cloud Hosting, Inc.")
    text = " ".join(_words(svc.report(host.id or 0, TODAY)))
    assert "EDPB Use Case 6" in text
    # problematic Indian law reaches it: no technical measure can help, and the page says so
    assert "the EDPB found no effective technical measure for this scenario" in text
    assert "Use Case 1" not in text and "Use Case 3" not in text  # the data is in the clear
    parent = _tia(svc, "Keystone Access Group, Inc.")
    assert "EDPB Use Case 7" in " ".join(_words(svc.report(parent.id or 0, TODAY)))


# -- frozen on approval ------------------------------------------------------------------------


def _newer_reference(version: str = "2027.01.15") -> ReferenceSource:
    bundle = builtin_bundle()
    bundle["manifest"] = {**bundle["manifest"], "version": version, "as_of": "2027-01-15"}
    return ReferenceSource(parse_bundle(bundle, origin="test"))


def test_an_approved_assessment_is_reproduced_exactly_as_approved(
    svc: TiaService, tmp_path: Path
) -> None:
    tia = _tia(svc, "Keystone Access Australia Pty Ltd")
    first = svc.export_pdf(tia.id or 0, TODAY, tmp_path / "a.pdf").read_bytes()
    # only the IDTA's coming expiry is said beside it: the assessment itself is current
    assert svc.status_notes(tia, TODAY) == [
        "The UK tool, the International Data Transfer Agreement (A1.0) ('IDTA Keystone Europe "
        "- Keystone Australia'), expires on 9 Jan 2027: renew or replace it before then."
    ]
    # The register and the reference data change afterwards...
    later = date(2027, 2, 1)
    t = svc.store.transfers.get(tia.transfer_id)
    svc.store.transfers.update(replace(t, data_categories=(*t.data_categories, "Marketing")))
    svc.reference.replace(_newer_reference().current)
    again = svc.export_pdf(tia.id or 0, later, tmp_path / "b.pdf").read_bytes()
    assert again == first  # ... the document is the one approved, to the byte
    _, pages = _pages(again)
    text = " ".join(pages)
    shipped = builtin_reference().version
    assert shipped in text and "2027.01.15" not in text and "Marketing" not in text
    # ... and what changed is said beside it
    notes = svc.status_notes(svc.get(tia.id or 0), later)
    assert any("data categories changed: added Marketing" in n for n in notes)
    assert any(
        f"approved with the legal reference data of version {shipped}; version 2027.01.15 is "
        "now in use" in n
        for n in notes
    )


def test_the_demo_says_beside_the_document_what_changed_since_approval(svc: TiaService) -> None:
    notes = {
        x.title: svc.status_notes(svc.get(x.id or 0), TODAY) for x in svc.store.assessments.list()
    }
    # the cloud host's assessment covers the sub-processor in India: nothing to say
    assert notes["Stratus Cloud Hosting, Inc.: United States"] == []
    parent = " ".join(notes["Keystone Access Group, Inc.: United States"])
    assert "Review overdue since 25 Oct 2026" in parent
    assert "approved with the legal reference data of version 2025.10.01" in parent
    singapore = " ".join(notes["Keystone Access Asia Pte. Ltd.: Singapore"])
    assert "expired on 5 Nov 2026" in singapore
    assert notes["Keystone Access Australia Pty Ltd: Australia"] == [
        "The UK tool, the International Data Transfer Agreement (A1.0) ('IDTA Keystone Europe "
        "- Keystone Australia'), expires on 9 Jan 2027: renew or replace it before then."
    ]
    assert notes["Meridian Recovery Services Pvt. Ltd.: India"] == []  # a draft is live


def test_approval_is_refused_while_an_unverified_fact_is_unaccepted(svc: TiaService) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")
    draft = svc.reassess(tia, TODAY, "Indus Support Services added as a sub-processor")
    assert draft.content is not None
    facts = svc.unverified_facts(draft, TODAY)
    assert facts and all(f.key for f in facts)
    some = [f.key for f in facts[1:]]
    with pytest.raises(ValidationError, match="approval refused: Maria Santos has not accepted 1"):
        svc.sign_off(draft, "Maria Santos (General Counsel)", TODAY, accept=some)
    assert svc.get(tia.id or 0).status is TiaStatus.APPROVED  # nothing changed
    # the draft's document says what must still be accepted
    text = " ".join(_words(svc.report(draft.id or 0, TODAY)))
    assert "not yet accepted" in text
    approved = svc.sign_off(
        draft, "Maria Santos (General Counsel)", TODAY, accept=[f.key for f in facts]
    )
    done = " ".join(_words(svc.report(approved.id or 0, TODAY)))
    assert "not independently verified as of" in done.lower()
    assert "accepted by Maria Santos on 25 Nov 2026" in done


def test_a_role_or_a_login_is_not_a_signature(svc: TiaService) -> None:
    draft = _tia(svc, "Meridian Recovery Services Pvt. Ltd.")
    for who in ("General Counsel", "Head of Legal", "jsmith", "DOMAIN\\jsmith"):
        problems = svc.sign_off_problems(draft, who, TODAY)
        assert any("name the approver as a person" in p for p in problems), who


def test_an_undecided_regime_keeps_the_assessment_from_approval(svc: TiaService) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")
    draft = svc.reassess(tia, TODAY, "yearly review")
    assert draft.content is not None
    eu_open = replace(
        draft,
        content=replace(
            draft.content,
            conclusions=tuple(x for x in draft.content.conclusions if x.regime is Regime.UK),
        ),
    )
    problems = svc.sign_off_problems(eu_open, "Maria Santos", TODAY)
    assert any("state the conclusion and the residual risk under EU law" in p for p in problems)
    suspend = draft.content.with_conclusion(
        replace(draft.content.conclusion_for(Regime.EU), conclusion=Conclusion.SUSPEND)
    )
    text = " ".join(_words(svc.report(svc.save(replace(draft, content=suspend)).id or 0, TODAY)))
    assert "the transfer must not start or must be suspended (Clause 14(f)" in text
    assert ResidualRisk.MEDIUM.value.capitalize() in text


# -- the document as a file ---------------------------------------------------------------------


def test_the_pdf_is_numbered_titled_and_watermarked_only_for_a_draft(svc: TiaService) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")
    reader, pages = _pages(render_pdf(svc.report(tia.id or 0, TODAY)))
    n = len(reader.pages)
    assert f"Page 1 of {n}" in pages[0] and f"Page {n} of {n}" in pages[-1]
    assert not any("DRAFT" in p for p in pages)
    meta = reader.metadata
    assert meta is not None and tia.reference in (meta.subject or "")
    assert meta.title == "Transfer impact assessment"
    draft = _tia(svc, "Meridian Recovery Services Pvt. Ltd.")
    assert draft.status is TiaStatus.DRAFT
    _, pages = _pages(render_pdf(svc.report(draft.id or 0, TODAY)))
    assert all("DRAFT" in p for p in pages)
    # the legacy clauses, said on page 1 with the day each regime stopped accepting them
    assert "2010/87/EU: not valid after 21 Mar 2024" in pages[0]
    assert "2010/87/EU: not valid after 27 Dec 2022" in pages[0]
    assert "No valid transfer tool under UK GDPR" in pages[0]
    # and the sign-off is on page 1, with lines for the approver still to be named
    assert "Approved by Signature Name Role Date" in pages[0]


def test_hostile_and_foreign_names_print_literally(svc: TiaService) -> None:
    tia = _tia(svc, "Meridian Recovery Services Pvt. Ltd.")  # a draft: built from the register
    importer = svc.store.entities.get(svc.store.transfers.get(tia.transfer_id).importer_id)
    svc.store.entities.update(replace(importer, legal_name="<b>R&D</b> Łódź İstanbul Ltd"))
    assert tia.content is not None
    svc.store.assessments.update(
        replace(
            tia,
            assessor="Zoë <script>alert(1)</script>",
            content=replace(tia.content, practice="Risk & reward <i>balanced</i>"),
        )
    )
    _, pages = _pages(render_pdf(svc.report(tia.id or 0, TODAY)))
    text = " ".join(pages)
    assert "<b>R&D</b> Łódź İstanbul Ltd" in text
    assert "Risk & reward <i>balanced</i>" in text


def test_rendering_twice_gives_the_same_bytes(svc: TiaService) -> None:
    tia = _tia(svc, "Meridian Recovery Services Pvt. Ltd.")
    doc = svc.report(tia.id or 0, TODAY)
    assert render_pdf(doc, invariant=True) == render_pdf(doc, invariant=True)


def test_export_writes_the_file_atomically(svc: TiaService, tmp_path: Path) -> None:
    tia = _tia(svc, "Stratus Cloud Hosting, Inc.")
    out = svc.export_pdf(tia.id or 0, TODAY, tmp_path / "out" / "tia.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.parent.iterdir()] == ["tia.pdf"]


# -- layout, and the same words in the PDF and the Word document ---------------------------------


def demo_reports(svc: TiaService) -> list[rd.ReportDocument]:
    return [svc.report(x.id or 0, TODAY, svc.organisation()) for x in svc.assessments()]


def headings(doc: rd.ReportDocument) -> set[str]:
    """Every line that heads what follows it: section titles, captions, lead-in paragraphs."""
    out = {f"{n}. {s.title}" for n, s in enumerate(doc.sections, start=1)}
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, rd.Table) and block.caption:
                out.add(block.caption)
            if isinstance(block, rd.BarChart) and block.title:
                out.add(block.title)
            if isinstance(block, rd.Para) and block.text.rstrip().endswith(":"):
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


def model_texts(doc: rd.ReportDocument) -> list[str]:
    """Every word the report model holds: what both renderers must print."""
    out = [doc.title, doc.subtitle, doc.cover_statement]
    out += [s for pair in doc.heading.pairs for s in pair]
    for section in doc.sections:
        out.append(section.title)
        for block in section.blocks:
            match block:
                case rd.Para(text=text):
                    out.append(text)
                case rd.Fields(pairs=pairs):
                    out += [s for pair in pairs for s in pair]
                case rd.Table():
                    out += [block.caption, *block.headers]
                    out += [c for row in block.rows for c in row] or [block.empty_text]
                case rd.Bullets(items=items):
                    out += items
                case rd.BarChart():
                    out += [block.title, *(f"{label} {v:,}" for label, v in block.bars)]
                case rd.Signatures(signers=signers):
                    out += [s for x in signers for s in (x.part, x.name, x.role, x.signed_on)]
                case rd.References(items=items):
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


def assert_same_words(doc: rd.ReportDocument) -> None:
    pdf = squeeze(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(doc))).pages))
    word = squeeze(docx_text(render_docx(doc)))
    for text in model_texts(doc):
        assert squeeze(text) in pdf, f"PDF lacks {text!r}"
        assert squeeze(text) in word, f"DOCX lacks {text!r}"


def test_every_demo_assessment_says_the_same_in_pdf_and_word(svc: TiaService) -> None:
    for doc in demo_reports(svc):
        assert_same_words(doc)


def test_signatures_and_references_say_the_same_in_pdf_and_word() -> None:
    doc = make_doc()
    assert_same_words(
        replace(doc, sections=(*doc.sections, rd.Section("Sign-off", (SIGNERS, REFS))))
    )


def test_an_approved_assessment_exported_later_gets_a_dated_status_sheet_beside_it(
    svc: TiaService, tmp_path: Path
) -> None:
    tia = _tia(svc, "Keystone Access Group, Inc.")  # approved 25 Oct 2025, overdue and stale
    first = svc.export_pdf(tia.id or 0, TODAY, tmp_path / "a.pdf").read_bytes()
    later = date(2027, 1, 10)
    again = svc.export_pdf(tia.id or 0, later, tmp_path / "b.pdf").read_bytes()
    assert again == first  # the document as approved, to the byte
    reader, pages = _pages(again)
    assert all("Approved version of 25 Oct 2025" in p for p in pages)  # not "Generated"
    assert not any("Generated" in p for p in pages)
    meta = reader.metadata
    assert meta is not None and str(meta.get("/CreationDate", "")).startswith("D:20251025")

    sheet = svc.export_status(tia.id or 0, later, tmp_path / "b.pdf", TiaFormat.PDF)
    assert sheet == tmp_path / "b.status-2027-01-10.pdf" and sheet.exists()
    text = " ".join(_pages(sheet.read_bytes())[1])
    assert "Status as at 10 Jan 2027" in text
    assert "approved version of 25 Oct 2025 of TIA-0001-v1" in text
    assert "Review overdue since 25 Oct 2026" in text
    assert "Stale: it was approved with the legal reference data of version 2025.10.01" in text
    # what changed in the law since, from the reference data: the UK test of 5 Feb 2026
    assert "from 5 Feb 2026 the test is" in text
    assert "see markers" not in text and "[M" not in text and "[S " not in text
    # a current assessment has nothing to say beside it: no sheet
    host = _tia(svc, "Stratus Cloud Hosting, Inc.")
    assert svc.export_status(host.id or 0, TODAY, tmp_path / "h.pdf", TiaFormat.PDF) is None
    assert not list(tmp_path.glob("h.status-*"))


def test_every_demo_assessment_signs_off_on_page_one(svc: TiaService) -> None:
    for x in svc.store.assessments.list():
        _, pages = _pages(render_pdf(svc.report(x.id or 0, TODAY)))
        assert "Assessed by" in pages[0] and "Approved by" in pages[0], x.reference
        assert pages[0].count("Signature") == 2 and "Conclusion per regime" in pages[0]
        assert "Assessed by" not in pages[1], x.reference  # the block is not carried over


def test_the_demo_dates_could_have_happened(tmp_path: Path) -> None:
    # the demo loaded on the day of the shipped data (its version names it): the recent
    # assessments use it, the older ones the data of their own day
    on = date(*map(int, builtin_reference().version.split(".")))
    database = open_db(tmp_path / "d.db")
    repo = SqliteStore(database, actor="t", files=FileStore(tmp_path / "files"))
    load_demo(repo, on, file_adapters().pdf)
    svc = TiaService(repo, ReferenceSource(builtin_reference()), file_adapters().pdf)
    for listed in svc.store.assessments.list():
        x = svc.get(listed.id or 0)
        c = x.content
        assert c is not None
        if x.approved_on is None:
            continue
        # no reference data or profile dated after the approval it was approved with
        assert x.inputs is not None
        version = date(*map(int, x.inputs.reference_version.split(".")))
        assert version <= x.approved_on, x.reference
        assert all(
            y.profile_as_of is None or y.profile_as_of <= x.approved_on for y in c.countries
        ), x.reference
        # no change-log entry after the approval it describes
        assert all(e.on <= x.approved_on for e in c.log), x.reference
        # the next review never falls after the tool it relies on expires
        for tool in svc.facts(x, x.approved_on).assessed:
            if tool.expires_on is not None:
                assert x.next_review_on is not None and x.next_review_on <= tool.expires_on
    repo.close()


def test_every_country_the_importer_works_from_has_its_law_assessed(svc: TiaService) -> None:
    host = _tia(svc, "Stratus Cloud Hosting, Inc.")
    text = " ".join(_words(svc.report(host.id or 0, TODAY)))
    assert "Law and practice of India" in text  # Stratus's Bengaluru team, and Indus
    assert "Indus Support Services Pvt. Ltd." in text
    # the law each reaches Stratus for the reason its addressee gives, from the profile
    assert "It can require 'any data fiduciary or intermediary' to furnish information" in text
    assert "It binds significant social media intermediaries only" in text  # the assessor's
    # FISA s.702 and its 2024 reauthorisation, both in the reference data with T1/T2 sources
    for tia in (host, _tia(svc, "Keystone Access Group, Inc.")):
        words = " ".join(_words(svc.report(tia.id or 0, TODAY)))
        assert "FISA s.702 (50 U.S.C. §1881a)" in words and "RISAA 2024" in words
    parent = " ".join(_words(svc.report(_tia(svc, "Keystone Access Group, Inc.").id or 0, TODAY)))
    # a law addressed to providers does not reach a group company that provides no service
    assert "It is addressed to communications providers, for 'subscriber/toll records'" in parent
    singapore = " ".join(
        _words(svc.report(_tia(svc, "Keystone Access Asia Pte. Ltd.").id or 0, TODAY))
    )
    assert "Its obligations fall on 'critical infrastructure owners'" in singapore
    assert "It binds 'online platforms'" in singapore


def test_legacy_clauses_carry_no_clause_of_the_new_ones(svc: TiaService) -> None:
    draft = _tia(svc, "Meridian Recovery Services Pvt. Ltd.")
    text = " ".join(_words(svc.report(draft.id or 0, TODAY)))
    assert "None: the tool relied on is not valid. Under the replacement tool: Clause 14" in text
    assert "The terms of standard contractual clauses of 2010/87/EU" not in text
    assert "Customers with overdue accounts" in text  # the data subjects, not left blank
