"""The document of a transfer impact / risk assessment: what a regulator reads.

Every word is decided here and in ``tia_sections`` (the detail) and laid out by a renderer.
Page 1 is the decision: what is assessed, the tool and the test under each regime, the
conclusion per regime with its residual risk and conditions, the status in words and the
sign-off. Then the detail, the facts the research could not verify with who accepted them, the
change log with named people, and the sources as a numbered bibliography (T1/T2 only) cited in
the text as [n]. No research marker, internal note or file name reaches the document.

``build_report`` is a pure function of ``AssessmentFacts`` (read by ``TiaService.facts``), so
the document an approval freezes is the one the assessor saw.
"""

from __future__ import annotations

import re

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.formatting import REGIME_LABELS, ROLE_LABELS, TIA_STATUS_LABELS, day
from transfers_app.domain.models import Tia
from transfers_app.domain.tia import CONCLUSION_LABELS, Conclusion, TiaContent
from transfers_app.reports.document import (
    Block,
    Fields,
    Para,
    References,
    ReportDocument,
    Section,
    Signatures,
    Signer,
    Table,
    Tone,
)
from transfers_app.services.tia_law_sections import (
    conclusions_section,
    country_section,
    ico_tra_section,
    invalid_tool_words,
)
from transfers_app.services.tia_laws import problematic
from transfers_app.services.tia_sections import (
    measures_section,
    quantitative_section,
    review_section,
    review_words,
    tools_section,
    transfer_section,
    unverified_section,
)
from transfers_app.services.tia_words import (
    FORMAT_WORDS,
    RESIDUAL,
    AssessmentFacts,
    Bibliography,
    SectionNumbers,
    listing,
    signer_parts,
    the_country,
    title_of,
)

__all__ = ["AssessmentFacts", "build_report"]


# -- the document -------------------------------------------------------------------------------


def build_report(facts: AssessmentFacts) -> ReportDocument:
    """The document of the assessment as on ``facts.on``."""
    bib = Bibliography(facts)
    tia, c = facts.tia, facts.content
    numbers = SectionNumbers(facts)
    sections: list[Section] = [_decision(facts, bib, numbers)]
    sections.append(transfer_section(facts))
    sections.append(tools_section(facts, bib))
    for k, law in enumerate(x for x in c.countries if x.country):
        sections.append(country_section(facts, bib, law, main=k == 0))
    if facts.uk_tool_method:
        sections.append(ico_tra_section(facts, bib))
    sections.append(measures_section(facts, bib))
    if c.quantitative is not None and c.quantitative.bases:
        sections.append(quantitative_section(facts, bib))
    sections.append(conclusions_section(facts, bib, numbers))
    unverified = facts.unverified
    if unverified:
        sections.append(unverified_section(facts, unverified))
    sections.append(review_section(facts, documented(facts)))
    sections.append(Section("References", (References(tuple(bib.items)),)))
    org_name = facts.organisation.name or (facts.exporter.legal_name or facts.exporter.name)
    title = title_of(facts)
    return ReportDocument(
        title=title,
        subtitle=f"{facts.importer.name} ({country_name(facts.destination)}) — {tia.reference}",
        author=signer_parts(tia.assessor)[0] or org_name,
        subject=f"{title} {tia.reference}: {facts.importer.name} ({facts.destination})",
        keywords=("TIA", "transfer risk assessment", tia.reference),
        generated_on=facts.on,
        footer=f"{org_name} · {tia.reference}",
        heading=Fields(
            (
                ("Assessment", tia.reference),
                ("Status", _status_short(tia)),
                ("Dated", day(facts.on)),
                ("Next review", day(tia.next_review_on) if tia.next_review_on else "not set"),
            )
        ),
        sections=tuple(sections),
        draft=tia.status is not TiaStatus.APPROVED,
        edition=f"Approved version of {day(tia.approved_on)}"
        if tia.status is TiaStatus.APPROVED and tia.approved_on is not None
        else "",
    )


def _status_short(tia: Tia) -> str:
    if tia.status is TiaStatus.APPROVED:
        return f"Approved on {day(tia.approved_on)}"
    return f"{TIA_STATUS_LABELS[tia.status]}: not approved"


def documented(facts: AssessmentFacts) -> str:
    """Under which provision the assessment is documented, and for which regulator."""
    out = []
    for x in facts.assessed:
        test = facts.test(x.regime)
        if test is None:
            continue
        regulator = facts.reference.regimes[x.regime].regulator_on(facts.on)
        if x.regime is Regime.EU:
            authority = x.authority or regulator
            out.append(
                "Under EU law this assessment is documented under Clause 14(d) of the EU SCCs "
                f"and kept available to {authority} on request."
            )
        else:
            out.append(
                f"Under {REGIME_LABELS[x.regime]} it is the {test.document_name} made before "
                f"relying on {x.name} (regulator: {regulator})."
            )
    return " ".join(out)


def _countries(facts: AssessmentFacts) -> str:
    c = facts.content
    dest = facts.destination
    parts = [f"{country_name(dest)} (destination)"]
    also = [country_name(x) for x in c.description.storage_locations if x != dest]
    if also:
        parts.append(f"{listing(also)} (where the importer also stores or accesses the data)")
    onward: dict[str, list[str]] = {}
    for o in c.description.onward_transfers:
        m = re.match(r"^(.*) \(([A-Z]{2})\)$", o)
        if m:
            onward.setdefault(country_name(m.group(2)), []).append(m.group(1))
    for place, names in onward.items():
        parts.append(f"{place} (onward, to {listing(names)})")
    return "; ".join(parts)


def _data(c: TiaContent) -> str:
    d = c.description
    cats = listing(list(d.data_categories), "not recorded")
    # Subjects by semicolons: one may hold an "and" of its own ("Tenants and permitted users").
    subjects = "; ".join(x.lower() for x in d.data_subjects)
    text = f"{cats}" + (f", about: {subjects}" if subjects else "")
    text += f"; sensitive data: {d.special_categories or 'none'}"
    if d.vulnerable_subjects:
        text += "; includes children or other vulnerable people"
    return text + f"; held by the importer {FORMAT_WORDS[d.data_format]}"


def status_words(facts: AssessmentFacts) -> tuple[str, bool]:
    """The assessment's status in words, and whether it is a warning."""
    tia = facts.tia
    invalid = [x for x in facts.assessed if not x.valid]
    words = []
    if tia.status is TiaStatus.APPROVED:
        approver = signer_parts(tia.approver)[0]
        words.append(
            f"Approved on {day(tia.approved_on)} by {approver}. The next review is due on "
            f"{review_words(facts)}."
        )
    elif tia.status is TiaStatus.SUPERSEDED:
        words.append("Superseded by a later revision: kept for the record, not to be relied on.")
    else:
        words.append(
            f"{TIA_STATUS_LABELS[tia.status]}: not approved, and not to be relied on until it "
            "is approved."
        )
    return " ".join(words), bool(invalid) or tia.status is not TiaStatus.APPROVED


def _decision(facts: AssessmentFacts, bib: Bibliography, n: SectionNumbers) -> Section:
    c = facts.content
    exporter = facts.exporter
    pairs: list[tuple[str, str]] = [
        (
            "Exporter",
            f"{exporter.legal_name or exporter.name}, acting as "
            f"{ROLE_LABELS[facts.transfers[0].exporter_role]}",
        ),
        ("Importer", f"{facts.importer.name}, {facts.importer.phrase}"),
        ("Countries", _countries(facts)),
        ("Data", _data(c)),
    ]
    pairs.extend((f"Tool ({REGIME_LABELS[x.regime]})", x.line) for x in facts.tools)
    rows = []
    statements: list[Block] = []
    for x in facts.tools:
        if not x.needs_assessment:
            rows.append(
                (REGIME_LABELS[x.regime], "none required", f"No assessment: {x.finding}", "—", "—")
            )
            continue
        rc = c.conclusion_for(x.regime)
        test = facts.test(x.regime)
        verdict = CONCLUSION_LABELS[rc.conclusion]
        if not x.valid and rc.conclusion is not Conclusion.SUSPEND:
            after = f" after {day(x.invalid_after)}" if x.invalid_after else ""
            verdict = f"No valid tool{after}: suspend the transfer or replace the tool"
        rows.append(
            (
                REGIME_LABELS[x.regime],
                test.standard if test is not None else "no test in the reference data",
                verdict,
                RESIDUAL[rc.residual_risk].capitalize(),
                "; ".join(rc.conditions)
                or ("None beyond the measures recorded" if rc.decided else "—"),
            )
        )

    case = facts.clear_case
    bad = [
        the_country(x.country)
        for x in c.countries
        if x.country and problematic(x, c, facts.importer).answer
    ]
    if case is not None and facts.eu_like and bad and all(x.valid for x in facts.assessed):
        statements.append(
            Para(
                f"{facts.importer.name} needs the data in the clear (EDPB Use Case "
                f"{case.code[2:]}) and problematic law of {listing(bad)} reaches it (section "
                f"{n.law}): under EU law the transfer must not start or must be suspended "
                "unless an Art 49 derogation applies.",
                Tone.WARNING,
            )
        )
    invalid = [invalid_tool_words(facts, x) for x in facts.assessed if not x.valid]
    if invalid:
        statements.append(Para(" ".join(invalid), Tone.WARNING))
    caption = "Conclusion per regime"
    if rows and any(x.needs_assessment for x in facts.tools):
        caption += (
            f" (section {n.conclusions} gives "
            + ("each" if len(facts.assessed) > 1 else "it")
            + " in the words of its test, with its legal basis)"
        )
    status, warn = status_words(facts)
    unverified = facts.unverified
    facts_words = ""
    if unverified:
        accepted = [a for f in unverified if (a := c.acceptance(f.key)) is not None]
        who = listing(sorted({signer_parts(a.accepted_by)[0] for a in accepted}), "")
        count = f"{len(unverified)} fact{'s' if len(unverified) != 1 else ''}"
        if len(accepted) == len(unverified) and who:
            facts_words = (
                f" It relies on {count} that could not be independently verified; {who} "
                f"accepted each (section {n.unverified})."
            )
        else:
            warn = True
            facts_words = (
                f" It relies on {count} that could not be independently verified; the approver "
                f"must accept each one (section {n.unverified})."
            )
    blocks: list[Block] = [
        Fields(tuple(pairs)),
        Table(
            ("Regime", "Test", "Conclusion", "Residual risk", "Conditions"),
            tuple(rows),
            (1.2, 1.5, 2.1, 1.1, 4.4),
            caption=caption,
        ),
        *statements,
        Para("Status: " + status + facts_words, Tone.WARNING if warn else Tone.BODY),
        Signatures(_signers(facts)),
    ]
    return Section("Decision", tuple(blocks), page_break_after=True)


def _signers(facts: AssessmentFacts) -> tuple[Signer, ...]:
    tia, c = facts.tia, facts.content
    a_name, a_role = signer_parts(tia.assessor)
    # The assessor signs on submitting the assessment for review (a draft never submitted
    # carries no assessor's date).
    submitted = [e.on for e in c.log if e.event.startswith("Submitted") and e.on <= facts.on]
    when = submitted[-1] if submitted else None
    p_name, p_role = signer_parts(tia.approver)
    approved = tia.status in (TiaStatus.APPROVED, TiaStatus.SUPERSEDED)
    return (
        Signer("Assessed by", a_name, a_role, day(when, "")),
        Signer(
            "Approved by",
            p_name if approved else "",
            p_role if approved else "",
            day(tia.approved_on, "") if approved else "",
        ),
    )
