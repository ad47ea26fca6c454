"""The TIA editor's view state, without a widget: the step list, the sign-off, and the words
for the decisions the core makes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.models import Tia
from transfers_app.domain.tia import (
    AccessBasis,
    Factor,
    Measure,
    MeasureKind,
    Quantitative,
    TiaContent,
    TransferDescription,
    progress,
)
from ui.dialogs.tia_editor.state import (
    STEP_KEYS,
    basis_results,
    findings_html,
    header_html,
    kind_of_code,
    measure_help_html,
    measures_answer,
    next_review_text,
    notes_text,
    sign_off,
    split_list,
    stale_html,
    step_lines,
    use_case_of,
)

TODAY = date(2026, 11, 25)


def lines(content: TiaContent, tia: Tia, left: list[str]) -> dict[str, str]:
    found = {s.key: s for s in progress(content, True)}
    return {line.key: line.text for line in step_lines(found, content, tia, left)}


def test_the_step_list_says_what_is_left() -> None:
    draft = Tia(7, regimes=(Regime.UK,))
    empty = TiaContent()
    shown = lines(empty, draft, ["name the approver"])
    assert list(shown) == list(STEP_KEYS)
    assert shown["transfer"].startswith("○  1  The transfer\nTo do:")
    assert shown["quantitative"] == "·  Quantitative estimate\nOptional, not made"
    assert shown["signoff"] == "○  Sign-off\n1 thing before approval"
    described = replace(
        empty,
        description=TransferDescription(
            purpose="Hosting", data_categories=("Contact",), data_subjects=("Customers",)
        ),
    )
    assert lines(described, draft, [])["transfer"] == "✓  1  The transfer\nDone"
    assert lines(described, draft, [])["signoff"] == "●  Sign-off\nReady for approval"
    approved = replace(draft, status=TiaStatus.APPROVED, approved_on=TODAY)
    assert lines(empty, approved, [])["signoff"] == "✓  Sign-off\nApproved 25 Nov 2026"
    q = Quantitative(5, 0.10, (AccessBasis("FISA s.702", (Factor("a", 0.01), Factor("b", 0.2))),))
    assert (
        "within the threshold" in lines(replace(empty, quantitative=q), draft, [])["quantitative"]
    )
    assert basis_results(q) == ["0.20 %"]


def test_sign_off_problems_go_beside_their_field() -> None:
    found = sign_off(
        ["the approver must be someone other than the assessor", "answer step 3 (the law)"]
    )
    assert found.beside == {
        "assessor": "",
        "approver": "The approver must be someone other than the assessor",
    }
    assert not found.can_approve
    assert found.html.index("answer step 3") < found.html.index("someone other")
    ready = sign_off([])
    assert ready.can_approve and "Ready for approval" in ready.html


def test_the_next_review_and_the_banners() -> None:
    draft = Tia(7, title="Stratus: US", regimes=(Regime.UK, Regime.EU))
    assert next_review_text(draft, TODAY, 6) == "set on approval: 25 May 2027 if approved today"
    late = replace(draft, status=TiaStatus.APPROVED, next_review_on=date(2026, 10, 25))
    assert next_review_text(late, TODAY, 12) == "25 Oct 2026 (OVERDUE)"
    assert "New assessment (not saved yet)" in header_html(draft, draft.regimes)
    assert stale_html(draft, []) == ""
    assert "Review the steps" in stale_html(draft, ["data categories changed"])
    assert "Reassess it" in stale_html(late, ["data categories changed"])
    assert "read-only" in notes_text(replace(late, approver="GC"), prefilled=False)
    assert "recorded without its content" in notes_text(draft, prefilled=True)
    assert notes_text(draft, prefilled=False) == ""


def test_the_words_for_what_the_steps_found() -> None:
    c = TiaContent(measures=(Measure(MeasureKind.TECHNICAL, "Encryption", in_place=True),))
    assert "does not say yet" in measures_answer(c)
    assert "Problematic law applies" in measures_answer(replace(c, problematic_law=True))
    assert "measures are optional" in measures_answer(replace(c, problematic_law=False))
    found = findings_html(replace(c, problematic_law=True), uk=True)
    assert "Problematic law: yes" in found and "1 in place, 0 planned" in found
    assert "UK TRA" in found and "UK TRA" not in findings_html(c, uk=False)


def test_the_measure_catalogue_helpers() -> None:
    assert split_list("Contact, Identity,, Contact ") == ("Contact", "Identity")
    assert split_list("a\nb\n", "\n") == ("a", "b")
    assert kind_of_code("C1") is MeasureKind.CONTRACTUAL
    assert kind_of_code("") is MeasureKind.TECHNICAL
    assert use_case_of("helps with UC1 and more") == "UC1"
    assert use_case_of("no use case") == ""
    assert "UC1" in measure_help_html("T1", "UC1")
    assert measure_help_html("", "") == ""
