"""The PDF renderer, read back as a user would: text, page numbers, fonts, watermark, metadata."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from support.report_samples import (
    ARABIC,
    CJK,
    HOSTILE,
    KOREAN,
    LATIN_EXTENDED,
    LONG_URL,
    REFS,
    SIGNERS,
    flat,
    flat_pages,
    make_doc,
    pages_text,
)

from exports.pdf_common import escape, rich
from exports.pdf_render import render_pdf, write_pdf
from transfers_app.reports import document as rd


def embedded_fonts(data: bytes) -> set[str]:
    """BaseFont names of every font that carries its own TrueType program."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts: Any = page["/Resources"].get_object().get("/Font", {})  # type: ignore[union-attr]
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]))
    return names


def all_fonts(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts: Any = page["/Resources"].get_object().get("/Font", {})  # type: ignore[union-attr]
        names |= {str(ref.get_object()["/BaseFont"]) for ref in fonts.values()}
    return names


def test_every_section_and_block_prints() -> None:
    text = flat(" ".join(pages_text(render_pdf(make_doc()))))
    for expected in (
        "Transfer impact assessment",
        "Acme Cloud Services Inc. — TIA-0007",
        "Assessment TIA-0007",
        "Documented under Clause 14(d)",
        "1. Transfer description",
        "2. Transfers covered",
        "3. Destination law and practice",
        "The exporter transfers customer support records to the importer.",
        "Purpose Customer support ticketing",
        "Source: the register as of 25 Nov 2026.",
        "Transfers covered by this assessment",
        "Beta Hosting",
        "Change log",
        "No changes yet.",
        "Reference data older than 12 months.",
        "Section 702 FISA applies.",
        "Transfers by destination",
        "United States 182",
        "India 64",
        "The exporter confirms the information above.",
        "Example Holdings Ltd · TIA-0007 · record version 5",
        "Generated 25 Nov 2026",
    ):
        assert expected in text, expected


def test_flagged_rows_say_so_in_text() -> None:
    page = flat(pages_text(render_pdf(make_doc()))[0])
    assert "⚠ T2 Beta Hosting" in page
    assert "⚠ T1" not in page


def test_sections_unnumbered_when_asked() -> None:
    text = flat(" ".join(pages_text(render_pdf(make_doc(number_sections=False)))))
    assert "Transfers covered" in text
    assert "2. Transfers covered" not in text


def bookmarks(data: bytes) -> list[tuple[str, int | None]]:
    reader = PdfReader(io.BytesIO(data))
    marks: list[Any] = list(reader.outline)
    return [(str(m.title), reader.get_destination_page_number(m)) for m in marks]


def test_sections_are_bookmarked_at_their_page() -> None:
    data = render_pdf(long_table_with_tail())
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert bookmarks(data) == [("1. Register", 0), ("2. After the table", pages - 1)]


def test_a_bare_document_renders() -> None:
    doc = make_doc(subtitle="", heading=rd.Fields(()), cover_statement="", sections=())
    (text,) = pages_text(render_pdf(doc))
    assert "Transfer impact assessment" in text
    assert "Page 1 of 1" in text


def long_table_doc(rows: int = 300) -> rd.ReportDocument:
    return make_doc(
        sections=(
            rd.Section(
                "Register",
                (
                    rd.Table(
                        ("Reference", "Importer name", "Mechanism used"),
                        tuple((f"ROW-{i:04d}", f"Vendor {i} Ltd", "EU SCCs") for i in range(rows)),
                        flagged=(5, 150),
                    ),
                ),
            ),
        )
    )


def test_page_x_of_y_on_every_page() -> None:
    data = render_pdf(long_table_doc())
    pages = pages_text(data)
    n = len(PdfReader(io.BytesIO(data)).pages)
    assert n == len(pages) >= 3
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert re.findall(r"Page \d+ of (\d+)", text) == [str(n)]


def test_long_table_runs_over_pages_and_repeats_its_header() -> None:
    pages = pages_text(render_pdf(long_table_doc()))
    assert len(pages) >= 3
    seen: list[str] = []
    for text in pages:
        rows = re.findall(r"ROW-\d{4}", text)
        assert rows, "every page carries part of the table"
        for header in ("Reference", "Importer name", "Mechanism used"):
            assert header in text
        seen += rows
    assert seen == [f"ROW-{i:04d}" for i in range(300)]  # every row once, in order


def test_hostile_strings_print_literally() -> None:
    doc = make_doc(
        title=HOSTILE[0],
        heading=rd.Fields(tuple((f"Name {i}", s) for i, s in enumerate(HOSTILE))),
        sections=(
            rd.Section(
                HOSTILE[1],
                (
                    rd.Para(" / ".join(HOSTILE)),
                    rd.Table(("Entity",), tuple((s,) for s in HOSTILE), flagged=(0,)),
                    rd.Bullets(HOSTILE),
                    rd.BarChart(HOSTILE[2], ((HOSTILE[0], 1),)),
                ),
            ),
        ),
        footer=HOSTILE[1],
    )
    pages = pages_text(render_pdf(doc))
    text = flat(" ".join(pages))
    for s in HOSTILE:
        assert text.count(s) >= 4, s
    assert "1. A & B <script>" in text
    assert all("A & B <script>" in page for page in pages)  # the footer


def test_escape_and_rich_keep_markup_literal() -> None:
    assert escape("<b>R&D</b>") == "&lt;b&gt;R&amp;D&lt;/b&gt;"
    assert rich("A & B <script>") == "A &amp; B &lt;script&gt;"
    assert rich("line one\nline two") == "line one<br/>line two"
    assert rich("&nbsp;\x00\x07") == "&amp;nbsp;"
    assert "<font" not in rich("Łódź İstanbul Ελλάδα Москва")  # the body fonts have these
    assert rich("株式会社 <テスト>") == (
        '<font name="TR-CJK">株式会社</font> &lt;<font name="TR-CJK">テスト</font>&gt;'
    )


def test_arabic_is_shaped_and_put_in_visual_order() -> None:
    out = rich(ARABIC)
    assert ARABIC not in out
    inner = re.sub(r"<[^>]+>", "", out)
    assert all("\ufe70" <= ch <= "\ufeff" or ch == " " for ch in inner)  # joined forms
    assert unicodedata.normalize("NFKC", inner)[::-1] == ARABIC


def unicode_doc() -> rd.ReportDocument:
    names = (*LATIN_EXTENDED, *CJK, KOREAN, ARABIC)
    return make_doc(
        heading=rd.Fields((("Importer", CJK[0]), ("Exporter", LATIN_EXTENDED[0]))),
        sections=(
            rd.Section(
                f"Parties: {LATIN_EXTENDED[1]} and {CJK[1]}",
                (
                    rd.Para(" · ".join(names)),
                    rd.Table(
                        ("Entity", "Country"), tuple((n, "XX") for n in names), flagged=(0, 5)
                    ),
                    rd.Fields(tuple((n, n) for n in names)),
                    rd.BarChart("By entity", tuple((n, i) for i, n in enumerate(names))),
                ),
            ),
        ),
        footer=f"{CJK[0]} · {LATIN_EXTENDED[1]}",
    )


def long_table_with_tail() -> rd.ReportDocument:
    doc = long_table_doc(200)
    return replace(
        doc, sections=(*doc.sections, rd.Section("After the table", (rd.Para("The end."),)))
    )


def test_latin_extended_greek_and_cyrillic_extract_exactly() -> None:
    text = flat(" ".join(pages_text(render_pdf(unicode_doc()))))
    for name in LATIN_EXTENDED:
        assert text.count(name) >= 4, name  # paragraph, table, fields, chart


def test_cjk_names_print_in_an_embedded_cjk_font() -> None:
    data = render_pdf(unicode_doc())
    text = flat(" ".join(pages_text(data)))
    for name in (*CJK, KOREAN):
        assert name in text, name
    embedded = embedded_fonts(data)
    assert any(f.endswith("+DroidSansFallback") for f in embedded)
    assert any(f.endswith("+DroidSansFallbackKR") for f in embedded)  # Hangul


def test_arabic_prints_in_an_embedded_font() -> None:
    data = render_pdf(
        make_doc(sections=(rd.Section("Parties", (rd.Para(f"Importer: {ARABIC}"),)),))
    )
    assert any(f.endswith("+DejaVuSans") for f in embedded_fonts(data))
    # Drawn in visual order: extractors give each word back, the words right to left.
    text = unicodedata.normalize("NFKC", flat(" ".join(pages_text(data))))
    assert all(word in text for word in ARABIC.split())


def test_every_font_is_embedded() -> None:
    data = render_pdf(unicode_doc())
    assert all_fonts(data) == embedded_fonts(data)  # no base-14 font (Latin-1 only) is used
    assert {f.split("+")[1] for f in all_fonts(data)} >= {"DejaVuSans", "DejaVuSerif"}


@pytest.mark.parametrize("draft", [True, False])
def test_draft_watermark_on_every_page_only_when_draft(draft: bool) -> None:
    pages = pages_text(render_pdf(replace(long_table_doc(120), draft=draft)))
    assert len(pages) >= 2
    assert [("DRAFT" in text) for text in pages] == [draft] * len(pages)


def test_metadata() -> None:
    meta = PdfReader(io.BytesIO(render_pdf(make_doc()))).metadata
    assert meta is not None
    assert meta.title == "Transfer impact assessment"
    assert meta.author == "Jane Assessor"
    assert meta.subject == "Transfer impact assessment TIA-0007"
    assert str(meta["/Keywords"]) == "TIA, Clause 14, TIA-0007"
    assert meta.creator == "Transfer Register"


def test_landscape_pages_are_wider_than_tall() -> None:
    portrait = PdfReader(io.BytesIO(render_pdf(make_doc()))).pages[0].mediabox
    landscape = PdfReader(io.BytesIO(render_pdf(make_doc(landscape=True)))).pages[0].mediabox
    assert portrait.width < portrait.height
    assert landscape.width > landscape.height
    assert round(float(landscape.width)) == round(float(portrait.height))


def test_invariant_rendering_is_repeatable() -> None:
    doc = unicode_doc()
    first = render_pdf(doc, invariant=True)
    assert render_pdf(doc, invariant=True) == first
    assert render_pdf(replace(doc, footer="another footer"), invariant=True) != first


def test_text_too_long_for_a_page_still_renders() -> None:
    huge = "word " * 2500
    doc = make_doc(
        sections=(
            rd.Section(
                "Huge",
                (
                    rd.Fields((("Notes", huge),)),
                    rd.Table(("A", "B"), (("x" * 1500, huge),), (0.4, 5)),
                    rd.Para(huge, rd.Tone.WARNING),
                ),
            ),
        )
    )
    pages = pages_text(render_pdf(doc))
    assert len(pages) > 5
    assert all("word" in text or "xxxxx" in text for text in pages[1:])
    assert flat(" ".join(pages)).count("word") == 3 * 2500


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    doc = make_doc(sections=(rd.Section("Bad", (rd.Table(("A", "B"), (("1", "2", "3"),)),)),))
    with pytest.raises(ValueError, match="row 1 has 3 cells for 2 columns"):
        render_pdf(doc)


def test_write_pdf_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "tia.pdf"
    assert write_pdf(make_doc(), target) == target
    assert "Page 1 of" in pages_text(target.read_bytes())[0]
    assert [p.name for p in tmp_path.iterdir()] == ["tia.pdf"]


def test_write_pdf_leaves_nothing_when_rendering_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("layout failed")

    monkeypatch.setattr("reportlab.platypus.LongTable.wrap", boom)
    with pytest.raises(RuntimeError, match="layout failed"):
        write_pdf(make_doc(), tmp_path / "tia.pdf")
    assert list(tmp_path.iterdir()) == []


def test_write_pdf_keeps_the_old_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "tia.pdf"
    target.write_bytes(b"the previous version")

    def boom(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_pdf(make_doc(), target)
    assert target.read_bytes() == b"the previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["tia.pdf"]


# -- sign-off blocks and references ----------------------------------------------------------------


def test_signers_print_with_their_part_name_role_and_date() -> None:
    text = flat(
        " ".join(pages_text(render_pdf(make_doc(sections=(rd.Section("Sign", (SIGNERS,)),)))))
    )
    for expected in (
        "Assessed by Signature Name A. Patel",
        "Role Privacy Counsel",
        "Date 25 Oct 2024",
        "Name Maria Gonzalez",
        "Role General Counsel",
        "Reviewed by Signature Name Zoë Ångström Date",  # no role: no "Role" line
    ):
        assert expected in text, expected
    assert text.count("Signature") == 3


def test_a_signer_block_is_never_cut_across_pages() -> None:
    for n in range(200, 700, 25):
        doc = make_doc(sections=(rd.Section("Sign", (rd.Para("word " * n), SIGNERS)),))
        pages = flat_pages(render_pdf(doc))
        for first, last in (("Assessed by", "25 Oct 2024"), ("Reviewed by", "Ångström")):
            on = [i for i, p in enumerate(pages) if first in p]
            assert on and all(last in pages[i] for i in on), (n, first)
        # Three signers are a small block: all on one page.
        assert len({i for i, p in enumerate(pages) if "Signature" in p}) == 1, n


def test_references_are_numbered_entries_with_links() -> None:
    data = render_pdf(make_doc(sections=(rd.Section("Sources", (REFS,)),)))
    text = flat(" ".join(pages_text(data)))
    assert (
        "[1] Recommendations 01/2020 on measures that supplement transfer tools. European Data "
        "Protection Board, 18 Jun 2021. https://www.edpb.europa.eu/" in text
    )
    assert LONG_URL in text.replace(" ", "")  # wrapped, but whole
    assert "[2] Privacy Act 1988. Federal Register of Legislation, 2024. [3]" in text
    assert "[3] Guidance <b>&. ICO. https://ico.org.uk/?a=1&b=2" in text
    links = [
        a.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(data)).pages
        for a in page.get("/Annots", [])
    ]
    assert sorted(set(links)) == sorted({LONG_URL, "https://ico.org.uk/?a=1&b=2"})


def test_a_url_breaks_only_where_a_url_may_break() -> None:
    from exports.pdf_common import SERIF
    from exports.pdf_render import _entry_lines

    for room in (120.0, 200.0, 300.0, 450.0):
        lines = _entry_lines(REFS.items[0].citation(), LONG_URL, SERIF, 8.8, room)
        url = [text for line in lines for text, is_url in line if is_url]
        assert "".join(url) == LONG_URL
        assert all(piece[-1] in "/.-_?&=#~+,;" for piece in url[:-1]), url
        # the entry opens with its citation, never with the URL
        assert not lines[0][0][1]
