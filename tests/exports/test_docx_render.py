"""The Word export, read back with python-docx as Word would read it: the words of the report,
Word headings and lists, repeated header rows, rows that do not break, fields for page numbers,
a DRAFT line on every page of a draft, document properties, and hostile text kept intact."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from support.report_samples import ARABIC, CJK, HOSTILE, KOREAN, LATIN_EXTENDED, make_doc

from exports import file_adapters
from exports.docx_render import CELL_MARGINS, HEAD_EM, clean, render_docx, write_docx
from transfers_app.reports import document as rd

SIGNERS = rd.Signatures(
    (
        rd.Signer("Assessed by", "A. Patel", "Privacy Counsel", "25 Oct 2024"),
        rd.Signer("Approved by", "Maria Gonzalez", "General Counsel", ""),
    )
)
REFS = rd.References(
    (
        rd.Reference(
            1,
            "Recommendations 01/2020 on supplementary measures",
            "European Data Protection Board",
            "18 Jun 2021",
            "https://www.edpb.europa.eu/our-work-tools/our-documents/recommendations/r-012020_en",
        ),
        rd.Reference(
            2, "International data transfer agreement", "ICO", "2022", "https://ico.org.uk/"
        ),
    )
)


def full_doc(**changes: Any) -> rd.ReportDocument:
    doc = make_doc()
    sections = (
        *doc.sections,
        rd.Section("Decision", (rd.Para("We decided."), SIGNERS), page_break_after=True),
        rd.Section("Sources", (REFS,)),
    )
    return replace(doc, sections=sections, **changes)


def read(data: bytes) -> Any:
    return Document(io.BytesIO(data))


def blocks(document: Any) -> Iterator[Paragraph | DocxTable]:
    yield from document.iter_inner_content()


def body_text(document: Any) -> list[str]:
    """Every paragraph's text, tables' cells included, in order."""
    out: list[str] = []
    for item in blocks(document):
        if isinstance(item, Paragraph):
            out.append(item.text)
        else:
            for row in item.rows:
                for cell in row.cells:
                    out.extend(p.text for p in cell.paragraphs)
    return out


def tables(document: Any) -> list[DocxTable]:
    return [t for t in blocks(document) if isinstance(t, DocxTable)]


def table_rows(table: DocxTable) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_every_block_reads_back() -> None:
    document = read(render_docx(full_doc()))
    text = body_text(document)
    joined = "\n".join(text)
    for expected in (
        "Transfer impact assessment",
        "Acme Cloud Services Inc. — TIA-0007",
        "Documented under Clause 14(d) of the EU Standard Contractual Clauses.",
        "The exporter transfers customer support records to the importer.",
        "Source: the register as of 25 Nov 2026.",
        "Transfers covered by this assessment",
        "No changes yet.",
        "⚠\u2002Reference data older than 12 months.",
        "Section 702 FISA applies.",
        "The exporter confirms the information above.",
        "We decided.",
    ):
        assert expected in text, expected
    assert "Change log" in joined and "Transfers by destination" in joined
    heading, fields, covered, log, chart, signatures = tables(document)
    assert table_rows(heading) == [["Assessment", "TIA-0007"], ["Status", "In review"]]
    assert table_rows(fields) == [
        ["Purpose", "Customer support ticketing"],
        ["Volume", "40,000 a year"],
    ]
    assert table_rows(covered) == [
        ["Ref", "Importer", "Mechanism"],
        ["T1", "Acme Cloud", "EU SCCs"],
        ["⚠ T2", "Beta Hosting", "None recorded"],  # flagged in text, not by colour alone
    ]
    assert table_rows(log)[1] == ["No changes yet."] * 3  # one cell spanning the row
    assert len(log._tbl.tr_lst[1].tc_lst) == 1
    assert table_rows(chart) == [["United States", "182"], ["India", "64"]]
    assert table_rows(signatures)[0][0].split("\n")[0] == "Assessed by"


def test_section_headings_are_word_headings_in_order() -> None:
    document = read(render_docx(full_doc()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "1.\u2002Transfer description",
        "2.\u2002Transfers covered",
        "3.\u2002Destination law and practice",
        "4.\u2002Decision",
        "5.\u2002Sources",
    ]
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [
        "Transfer impact assessment"
    ]
    unnumbered = read(render_docx(full_doc(number_sections=False)))
    assert "Decision" in [p.text for p in unnumbered.paragraphs if p.style.name == "Heading 1"]


def test_bullets_are_a_word_list() -> None:
    document = read(render_docx(full_doc()))
    items = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert items == ["Section 702 FISA applies.", "EO 14086 limits bulk collection."]
    numbering = document.styles["List Bullet"].element.pPr.find(qn("w:numPr"))
    assert numbering is not None  # a real list, with Word's bullets


def test_table_header_repeats_and_no_row_breaks_across_pages() -> None:
    rows = tuple((f"R{i}", "text " * 40) for i in range(60))
    doc = make_doc(sections=(rd.Section("Register", (rd.Table(("Ref", "Text"), rows, (1, 5)),)),))
    table = tables(read(render_docx(doc)))[-1]
    trs = table._tbl.tr_lst
    assert len(trs) == 61
    props = [tr.trPr for tr in trs]
    assert all(p is not None for p in props)
    assert props[0] is not None and props[0].find(qn("w:tblHeader")) is not None
    assert all(p is not None and p.find(qn("w:tblHeader")) is None for p in props[1:])
    assert all(p is not None and p.find(qn("w:cantSplit")) is not None for p in props)
    widths = [int(c.w or 0) for c in table._tbl.tblGrid.gridCol_lst]
    assert widths[1] == pytest.approx(5 * widths[0], rel=0.01)


def test_tones_are_marked() -> None:
    document = read(render_docx(full_doc()))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["⚠\u2002Reference data older than 12 months."] == "Warning"
    assert styles["The exporter confirms the information above."] == "Statement"
    assert styles["Source: the register as of 25 Nov 2026."] == "Note"
    for name in ("Warning", "Statement"):  # boxed and shaded
        ppr = document.styles[name].element.pPr
        assert ppr.find(qn("w:pBdr")) is not None and ppr.find(qn("w:shd")) is not None


def test_signers_have_a_line_to_sign_on() -> None:
    document = read(render_docx(full_doc()))
    table = tables(document)[-1]
    first, second = table.rows[0].cells
    lines = [p.text for p in first.paragraphs]
    assert lines[0] == "Assessed by"
    assert "Name\tA. Patel" in lines and "Role\tPrivacy Counsel" in lines
    assert "Date\t25 Oct 2024" in lines
    ruled = [p for p in first.paragraphs if p._p.pPr.find(qn("w:pBdr")) is not None]
    assert len(ruled) == 1  # the signature line; the date is given
    assert len([p for p in second.paragraphs if p._p.pPr.find(qn("w:pBdr")) is not None]) == 2
    first_row = table._tbl.tr_lst[0].trPr
    assert first_row is not None and first_row.find(qn("w:cantSplit")) is not None
    assert all(p.paragraph_format.keep_with_next for p in first.paragraphs[:-1])


def test_references_are_numbered_with_links() -> None:
    data = render_docx(full_doc())
    document = read(data)
    refs = [p for p in document.paragraphs if p.style.name == "Reference"]
    assert [p.text for p in refs] == [
        "[1]\tRecommendations 01/2020 on supplementary measures. European Data Protection "
        "Board, 18 Jun 2021. "
        "https://www.edpb.europa.eu/our-work-tools/our-documents/recommendations/r-012020_en",
        "[2]\tInternational data transfer agreement. ICO, 2022. https://ico.org.uk/",
    ]
    links = [link.address for p in refs for link in p.hyperlinks]
    assert links == [REFS.items[0].url, REFS.items[1].url]


def test_a_page_break_follows_a_section_that_asks_for_one() -> None:
    document = read(render_docx(full_doc()))
    breaks = {p.text: p.paragraph_format.page_break_before for p in document.paragraphs}
    assert breaks["5.\u2002Sources"] is True
    assert not any(v for k, v in breaks.items() if k != "5.\u2002Sources")


def header_text(part: Any) -> str:
    return "\n".join(p.text for p in part.paragraphs)


@pytest.mark.parametrize("draft", [True, False])
def test_a_draft_says_so_on_every_page(draft: bool) -> None:
    section = read(render_docx(full_doc(draft=draft))).sections[0]
    assert section.different_first_page_header_footer
    for header in (section.first_page_header, section.header):
        assert ("DRAFT" in header_text(header)) is draft
    assert "Transfer impact assessment\tAcme Cloud Services Inc. — TIA-0007" in header_text(
        section.header
    )


def test_footer_numbers_pages_with_word_fields() -> None:
    section = read(render_docx(full_doc())).sections[0]
    for footer in (section.first_page_footer, section.footer):
        text = header_text(footer)
        assert "Example Holdings Ltd · TIA-0007 · record version 5" in text
        assert "Generated 25 Nov 2026" in text
        codes = [f.get(qn("w:instr")).strip() for f in footer._element.iter(qn("w:fldSimple"))]
        assert codes == ["PAGE", "NUMPAGES"]


def test_document_properties() -> None:
    props = read(render_docx(full_doc())).core_properties
    assert props.title == "Transfer impact assessment"
    assert props.author == "Jane Assessor"
    assert props.subject == "Transfer impact assessment TIA-0007"
    assert props.keywords == "TIA, Clause 14, TIA-0007"
    assert props.created == props.modified == datetime(2026, 11, 25, tzinfo=UTC)
    assert props.comments == ""  # not the template's "generated by python-docx"


def test_no_thumbnail_of_another_document() -> None:
    names = zipfile.ZipFile(io.BytesIO(render_docx(full_doc()))).namelist()
    assert not [n for n in names if "thumbnail" in n]


def test_page_size_and_orientation() -> None:
    portrait = read(render_docx(full_doc())).sections[0]
    assert (round(portrait.page_width.mm), round(portrait.page_height.mm)) == (210, 297)
    wide = read(render_docx(full_doc(landscape=True))).sections[0]
    assert (round(wide.page_width.mm), round(wide.page_height.mm)) == (297, 210)


def test_the_same_report_gives_the_same_bytes() -> None:
    doc = full_doc(draft=True)
    first = render_docx(doc)
    assert render_docx(doc) == first
    assert render_docx(replace(doc, footer="another footer")) != first
    assert all(
        info.date_time == (2026, 11, 25, 0, 0, 0)
        for info in zipfile.ZipFile(io.BytesIO(first)).infolist()
    )


CONTROL = "A\x00B\x07C\x1bD\x7fE\x85F\ud800G\ufffe"
LONG_WORD = "x" * 3000
BIDI = f"\u202e{ARABIC}\u202c and \u200fשלום\u200f"
MARKUP = ("</w:t><w:p>injected", "]]><![CDATA[", "&amp; &lt;b&gt;", "{{ PAGE }}")


def hostile_doc() -> rd.ReportDocument:
    strings = (*HOSTILE, *LATIN_EXTENDED, *CJK, KOREAN, ARABIC, BIDI, LONG_WORD, *MARKUP)
    return make_doc(
        title=HOSTILE[0],
        subtitle=CONTROL,
        author=HOSTILE[1] + CONTROL,
        keywords=(CONTROL, *MARKUP),
        footer=f"{MARKUP[0]} {CJK[0]}",
        heading=rd.Fields(tuple((f"Name {i}", s) for i, s in enumerate((*strings, CONTROL)))),
        sections=(
            rd.Section(
                MARKUP[0],
                (
                    rd.Para(" / ".join(strings) + CONTROL),
                    rd.Para(BIDI, rd.Tone.WARNING),
                    rd.Table(
                        ("Entity", CONTROL), tuple((s, CONTROL) for s in strings), flagged=(0,)
                    ),
                    rd.Bullets((*strings, CONTROL)),
                    rd.BarChart(CONTROL, ((HOSTILE[0], 1), (CONTROL, 2))),
                    rd.Signatures((rd.Signer(CONTROL, KOREAN, ARABIC, CONTROL),)),
                    rd.References(
                        (rd.Reference(1, MARKUP[0], CJK[1], CONTROL, "https://x.org/?a=1&b=<2>"),)
                    ),
                ),
            ),
        ),
    )


def test_hostile_text_reads_back_unchanged_but_for_control_characters() -> None:
    data = render_docx(hostile_doc())
    document = read(data)  # the file opens
    text = "\n".join(body_text(document))
    assert clean(CONTROL) == "ABCDEFG"
    for s in (*HOSTILE, *LATIN_EXTENDED, *CJK, KOREAN, ARABIC, BIDI, LONG_WORD, *MARKUP):
        assert s in text, s
        assert text.count(s) >= 4, s  # heading fields, paragraph, table, list
    assert text.count("ABCDEFG") >= 8
    assert "\x00" not in text and "\x07" not in text
    assert "injected" not in "".join(p.style.name for p in document.paragraphs)
    assert document.core_properties.author == HOSTILE[1] + "ABCDEFG"
    assert header_text(document.sections[0].header).startswith(HOSTILE[0])
    (link,) = [h for p in document.paragraphs for h in p.hyperlinks]
    assert link.address == "https://x.org/?a=1&b=<2>"


def test_empty_and_bare_documents_render() -> None:
    bare = make_doc(subtitle="", heading=rd.Fields(()), cover_statement="", sections=())
    assert body_text(read(render_docx(bare))) == ["Transfer impact assessment"]
    empty = make_doc(
        sections=(
            rd.Section(
                "Empty",
                (rd.Fields(()), rd.Bullets(()), rd.BarChart("Nothing", ()), rd.Signatures(())),
            ),
        )
    )
    assert "No data." in body_text(read(render_docx(empty)))


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    doc = make_doc(sections=(rd.Section("Bad", (rd.Table(("A", "B"), (("1", "2", "3"),)),)),))
    with pytest.raises(ValueError, match="row 1 has 3 cells for 2 columns"):
        render_docx(doc)


def test_write_docx_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tia.docx"
    assert write_docx(full_doc(), target) == target
    assert read(target.read_bytes()).paragraphs[0].text == "Transfer impact assessment"
    before = target.read_bytes()

    def boom(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_docx(full_doc(footer="changed"), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["tia.docx"]


def test_the_adapter_behind_the_port(tmp_path: Path) -> None:
    docx = file_adapters().docx
    doc = full_doc()
    assert docx.render(doc) == render_docx(doc)
    out = docx.write(doc, tmp_path / "a.docx")
    assert out.read_bytes() == render_docx(doc)


def test_no_header_word_is_broken_by_a_narrow_column() -> None:
    headers = ("Transfer", "Use", "Document", "Applies")
    table = rd.Table(headers, (("T1", "Primary", "x" * 80, "Yes"),), (0.4, 1, 9, 0.3))
    doc = make_doc(sections=(rd.Section("Tool", (table,)),))
    grid = tables(read(render_docx(doc)))[-1]._tbl.tblGrid
    widths = [int(c.w or 0) for c in grid.gridCol_lst]
    for word, w in zip(headers, widths, strict=True):
        assert w + 635 >= len(word) * HEAD_EM + CELL_MARGINS, word  # Word stores twips
    assert widths[2] == max(widths)  # the room came from the wide column


def test_building_the_adapters_loads_no_word_library() -> None:
    """The command line builds every adapter at start-up: python-docx loads on first use."""
    import subprocess
    import sys

    code = "import sys, exports; exports.file_adapters(); print('docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
