"""Page layout rules of every PDF the app renders, checked on documents built to provoke them and
read back with pypdf: no heading at a page foot without the start of what follows, no
near-empty page, no table row cut across pages, no table leaving only its header on a page.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Sequence
from dataclasses import replace

import pytest
from pypdf import PdfReader
from support.report_samples import flat_pages, make_doc, text_heights

from exports.pdf_common import MARGIN_BOTTOM, MARGIN_TOP
from exports.pdf_render import render_pdf
from transfers_app.reports import document as rd

TEXT = (
    "the importer keeps records of every request for access and reports them to the exporter "
    "within a reasonable time unless the law of the destination forbids it"
)
WORDS = TEXT.split(" ")


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def page_of(pages: Sequence[str], marker: str) -> int:
    found = [i for i, text in enumerate(pages) if marker in text]
    assert len(found) == 1, (marker, found)
    return found[0]


# -- a heading stays with the start of what follows ---------------------------------------------


def _first_blocks(n: int, rng: random.Random) -> tuple[rd.Block, ...]:
    """The block a section opens with, its first text ``S{n}FIRST``; kinds in turn."""
    first = f"S{n}FIRST"
    kind = n % 11
    lines = rng.randint(1, 8)
    if kind == 0:
        return (rd.Para(f"{first} {words(rng, 14 * lines)}"),)
    if kind == 1:
        rows = tuple(
            (f"{first}" if i == 0 else f"r{i}", words(rng, rng.randint(3, 40))) for i in range(6)
        )
        return (rd.Table(("Law", "What it allows"), rows, (1, 3), caption=f"Caption {n}"),)
    if kind == 2:
        return (
            rd.Fields(
                tuple((f"{first}" if i == 0 else f"Label {i}", words(rng, 12)) for i in range(5))
            ),
        )
    if kind == 3:
        return (
            rd.Bullets(tuple(f"{first if i == 0 else 'item'} {words(rng, 20)}" for i in range(5))),
        )
    if kind == 4:
        return (
            rd.BarChart(
                f"Chart {n}", tuple((f"{first}" if i == 0 else f"bar {i}", i) for i in range(8))
            ),
        )
    if kind == 5:
        signers = (
            rd.Signer(first, "A. Patel", "Privacy Counsel", "25 Oct 2024"),
            rd.Signer("Approved by", "B. Jones"),
        )
        return (rd.Signatures(signers),)
    if kind == 6:
        refs = tuple(
            rd.Reference(
                i,
                f"{first if i == 1 else 'Title'} {words(rng, 8)}",
                "Publisher",
                "2024",
                "https://example.org/a/b",
            )
            for i in range(1, 6)
        )
        return (rd.References(refs),)
    if kind == 7:
        return (rd.Para(f"{first} {words(rng, 12 * lines)}", rd.Tone.WARNING),)
    if kind == 8:
        return (rd.Para(f"{first} {words(rng, 12 * lines)}", rd.Tone.STATEMENT),)
    if kind == 9:  # a lead-in paragraph, then what it introduces
        return (
            rd.Para(f"{first} events that reopen this assessment:"),
            rd.Bullets(
                tuple(f"S{n}LIST {words(rng, 10)}" if i == 0 else words(rng, 10) for i in range(4))
            ),
        )
    rows = tuple((f"{first}" if i == 0 else f"c{i}", words(rng, 6)) for i in range(30))
    return (
        rd.Para("Destination: United States."),
        rd.Table(("Ref", "Text"), rows, (1, 4), caption="Laws"),
    )


def headings_doc(seed: int, sections: int = 44) -> rd.ReportDocument:
    rng = random.Random(seed)
    out = []
    for n in range(1, sections + 1):
        filler = rd.Para(f"{words(rng, rng.randint(5, 160))} F{n}END")
        out.append(rd.Section(f"Heading{n}", (*_first_blocks(n, rng), filler)))
    return make_doc(sections=tuple(out))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_heading_shares_its_page_with_the_start_of_its_section(seed: int) -> None:
    doc = headings_doc(seed)
    pages = flat_pages(render_pdf(doc))
    assert len(pages) > 8
    pushed = 0
    for n in range(1, len(doc.sections) + 1):
        heading = page_of(pages, f"{n}. Heading{n} ")
        assert page_of(pages, f"S{n}FIRST") == heading, f"section {n}"
        if n % 11 == 9:  # the lead-in paragraph stays with the list it introduces
            assert page_of(pages, f"S{n}LIST") == heading, f"section {n}"
        pushed += n > 1 and page_of(pages, f"F{n - 1}END") < heading
    assert pushed > 4  # headings did come near the foot of pages


def test_a_caption_stays_with_its_table() -> None:
    rng = random.Random(7)
    sections = []
    for n in range(1, 30):
        rows = tuple((f"T{n}ROW{i}", words(rng, rng.randint(4, 30))) for i in range(4))
        sections.append(
            rd.Section(
                f"Part {n}",
                (
                    rd.Para(words(rng, rng.randint(40, 200))),
                    rd.Table(("Ref", "Text"), rows, (1, 4), caption=f"T{n}CAPTION table"),
                ),
            )
        )
    pages = flat_pages(render_pdf(make_doc(sections=tuple(sections))))
    for n in range(1, 30):
        assert page_of(pages, f"T{n}CAPTION") == page_of(pages, f"T{n}ROW0 "), n


# -- no table row cut across pages ---------------------------------------------------------------


def cell(i: int, j: int, n: int, rng: random.Random) -> str:
    return f"R{i}C{j}a {words(rng, n)} R{i}C{j}z"


def rows_doc(seed: int, tall: int | None = None) -> rd.ReportDocument:
    rng = random.Random(seed)
    rows = []
    for i in range(90):
        n = 2500 if i == tall else rng.choice((2, 5, 20, 60, 120))
        rows.append(tuple(cell(i, j, n if j == 1 else 3, rng) for j in range(3)))
    return make_doc(
        sections=(
            rd.Section(
                "Rows",
                (
                    rd.Para(words(rng, 60)),
                    rd.Table(
                        ("Head A", "Head B", "Head C"), tuple(rows), (1, 4, 1), flagged=(3, 40)
                    ),
                    rd.Fields(
                        tuple(
                            (cell(i, 0, 2, rng), cell(i, 1, rng.choice((5, 80)), rng))
                            for i in range(90, 140)
                        )
                    ),
                ),
            ),
        )
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_table_row_is_cut_across_pages(seed: int) -> None:
    pages = flat_pages(render_pdf(rows_doc(seed)))
    assert len(pages) >= 5
    for i in range(140):
        page = page_of(pages, f"R{i}C0a ")
        for j in range(2 if i >= 90 else 3):
            assert page_of(pages, f"R{i}C{j}a ") == page == page_of(pages, f"R{i}C{j}z"), (i, j)


def test_only_a_row_taller_than_a_page_is_cut() -> None:
    pages = flat_pages(render_pdf(rows_doc(4, tall=30)))
    assert page_of(pages, "R30C1a ") < page_of(pages, "R30C1z")  # it cannot fit anywhere
    for i in (*range(30), *range(31, 90)):
        for j in range(3):
            assert page_of(pages, f"R{i}C{j}a ") == page_of(pages, f"R{i}C{j}z"), (i, j)


def test_a_table_never_leaves_only_its_header_on_a_page() -> None:
    data = render_pdf(rows_doc(5))
    for k, text in enumerate(flat_pages(data)):
        if "Head A Head B Head C" in text:
            assert re.search(r"R\d+C0a ", text.split("Head A Head B Head C", 1)[1]), k


# -- no near-empty pages ---------------------------------------------------------------------------


def provoking_doc(rng: random.Random) -> rd.ReportDocument:
    """Blocks that, kept whole, would not fit below what precedes them: long charts, many
    signers, tables after headings, a tall first row."""
    big_chart = rd.BarChart(
        "Transfers by destination", tuple((f"Country {i}", i * 7) for i in range(24))
    )
    signers = tuple(rd.Signer(f"Signer {i}", f"Person {i}", "Role", "") for i in range(8))
    table = rd.Table(("Ref", "Text"), tuple((f"r{i}", words(rng, 30)) for i in range(40)), (1, 5))
    tall_first = rd.Table(("Ref", "Text"), (("t0", words(rng, 450)), ("t1", "short")), (1, 5))
    # First a chart too tall for what the title block and a paragraph leave of page 1: kept
    # whole, it would leave page 1 a third full.
    sections = [
        rd.Section("Intro", (rd.Para(words(rng, 60)),)),
        rd.Section("Chart", (replace(big_chart, bars=(*big_chart.bars, ("Last", 1))),)),
    ]
    blocks: tuple[rd.Block, ...] = (big_chart, rd.Signatures(signers), table, tall_first)
    for n, block in enumerate(blocks * 3):
        sections.append(
            rd.Section(f"Part {n}", (rd.Para(words(rng, rng.randint(100, 300))), block))
        )
    return make_doc(sections=tuple(sections))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_page_but_the_last_is_less_than_a_third_full(seed: int) -> None:
    data = render_pdf(provoking_doc(random.Random(seed)))
    heights = text_heights(data)
    reader = PdfReader(io.BytesIO(data))
    assert len(heights) >= 6
    for k, (ys, page) in enumerate(zip(heights[:-1], reader.pages[:-1], strict=True)):
        top = float(page.mediabox.height) - MARGIN_TOP
        frame = top - MARGIN_BOTTOM
        assert ys, f"page {k + 1} is empty"
        assert (top - min(ys)) / frame > 1 / 3, (
            f"page {k + 1} is {(top - min(ys)) / frame:.0%} full"
        )


def test_a_page_break_after_a_section_starts_the_next_on_a_new_page() -> None:
    doc = make_doc(
        sections=(
            rd.Section("Decision", (rd.Para("DECISION text."),), page_break_after=True),
            rd.Section("Detail", (rd.Para("DETAIL text."),), page_break_after=True),
        )
    )
    pages = flat_pages(render_pdf(doc))
    assert len(pages) == 2  # none after the last section
    assert "DECISION text." in pages[0] and "DETAIL text." not in pages[0]
    assert "2. Detail DETAIL text." in pages[1]


def test_a_small_chart_is_kept_whole() -> None:
    chart = rd.BarChart("CHART title", tuple((f"BAR{i}", i) for i in range(10)))
    rng = random.Random(3)
    for n in range(20, 400, 23):
        doc = make_doc(sections=(rd.Section("Text", (rd.Para(words(rng, n)), chart)),))
        pages = flat_pages(render_pdf(doc))
        assert page_of(pages, "CHART title") == page_of(pages, "BAR0 ") == page_of(pages, "BAR9 ")
