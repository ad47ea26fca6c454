"""The stored form of an approved document: JSON that reads back into the same document."""

from __future__ import annotations

import json
from datetime import date

import pytest

from transfers_app.reports import document as rd
from transfers_app.reports.codec import (
    BLOCK_KINDS,
    DocumentCodecError,
    document_from_json,
    document_to_json,
)


def every_block_document() -> rd.ReportDocument:
    return rd.ReportDocument(
        title="Transfer impact assessment",
        subtitle="Zoë's <b>test</b> — TIA-0001-v2",
        author="A. Patel",
        subject="TIA-0001-v2",
        keywords=("TIA", "Clause 14"),
        generated_on=date(2024, 2, 29),
        footer="Keystone · TIA-0001-v2",
        heading=rd.Fields((("Status", "Approved"), ("Regimes", "UK, EU"))),
        sections=(
            rd.Section(
                "Decision",
                (
                    rd.Para("Protection is not materially lower [1].", rd.Tone.STATEMENT),
                    rd.Fields((("Exporter", "Keystone Access Europe Limited"),)),
                    rd.Table(
                        ("Regime", "Conclusion"),
                        (("UK", "Proceed"), ("EU", "Proceed with measures")),
                        (1, 2.5),
                        caption="Per regime",
                        flagged=(1,),
                    ),
                    rd.Signatures(
                        (
                            rd.Signer("Assessed by", "A. Patel", "Privacy Counsel", "3 Nov 2025"),
                            rd.Signer("Approved by", "Maria Santos"),
                        )
                    ),
                ),
                page_break_after=True,
            ),
            rd.Section(
                "More",
                (
                    rd.Bullets(("one", "two")),
                    rd.BarChart("Gaps", (("High", 3), ("Low", 0))),
                    rd.Table(("A",), (), None, empty_text="Nothing.", compact=True),
                    rd.Para("Warning", rd.Tone.WARNING),
                ),
            ),
            rd.Section(
                "References",
                (
                    rd.References(
                        (
                            rd.Reference(
                                1, "Recommendations 01/2020", "EDPB", "18 Jun 2021", "https://e"
                            ),
                            rd.Reference(2, "Undated page", "ICO", ""),
                        )
                    ),
                ),
            ),
        ),
        draft=True,
        cover_statement="Kept available to the competent supervisory authority.",
        number_sections=False,
    )


def test_a_document_with_every_kind_of_block_round_trips_exactly() -> None:
    doc = every_block_document()
    text = document_to_json(doc)
    assert document_from_json(text) == doc
    assert document_to_json(document_from_json(text)) == text  # stable text
    kinds = {b["kind"] for s in json.loads(text)["document"]["sections"] for b in s["blocks"]}
    assert kinds == set(BLOCK_KINDS)


def test_a_newer_format_or_kind_is_refused_in_words() -> None:
    text = document_to_json(every_block_document())
    body = json.loads(text)
    body["format"] = 99
    with pytest.raises(DocumentCodecError, match="newer version"):
        document_from_json(json.dumps(body))
    body = json.loads(text)
    body["document"]["sections"][0]["blocks"][0]["kind"] = "hologram"
    with pytest.raises(DocumentCodecError, match="unknown kind 'hologram'"):
        document_from_json(json.dumps(body))
    body = json.loads(text)
    body["document"]["sections"][0]["blocks"][0]["colour"] = "red"
    with pytest.raises(DocumentCodecError, match="unknown field 'colour'"):
        document_from_json(json.dumps(body))
    with pytest.raises(DocumentCodecError, match="not valid JSON"):
        document_from_json("{")
