"""The detail of a transfer impact / risk assessment's document, after its decision page:
the transfer, the tools and tests per regime, the destination's law, the ICO's questions, the
measures, the quantitative estimate, the conclusions, the unverified facts and the change log.
Split from ``tia_report`` (which holds the facts, the bibliography and the decision page) to
keep each module readable."""

from __future__ import annotations

import re
from collections.abc import Sequence

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.formatting import (
    REGIME_LABELS,
    ROLE_LABELS,
    TIA_STATUS_LABELS,
    country_label,
    day,
    percent,
)
from transfers_app.domain.tia import (
    CONCLUSION_LABELS,
    EEG_GUARANTEES,
    EEG_RATING_LABELS,
    ENFORCEABILITY_LABELS,
    HUMAN_RIGHTS_LABELS,
    LogEntry,
    rosenthal,
    tra_decision,
)
from transfers_app.reference.assessment_tests import Citation
from transfers_app.reports.document import Block, Bullets, Fields, Para, Section, Table, Tone
from transfers_app.services.tia_analysis import (
    UnverifiedFact,
    clean,
    encrypted_in_transit,
    fitting_use_cases,
    law_view,
    strip_markers,
)
from transfers_app.services.tia_words import (
    FORMAT_WORDS,
    KEY_WORDS,
    LEVELS,
    RESIDUAL,
    AssessmentFacts,
    Bibliography,
    SectionNumbers,
    clear_data_words,
    conclusion_words,
    listing,
    signer_parts,
)

# -- the detail ---------------------------------------------------------------------------------


def transfer_section(facts: AssessmentFacts) -> Section:
    c = facts.content
    d = c.description
    rows = tuple(
        (
            f"T{x.id}",
            f"{facts.exporter_names.get(x.exporter_id, '?')} → {facts.importer.name}",
            country_label(x.destination),
            ROLE_LABELS[x.importer_role],
            x.service or "—",
        )
        for x in facts.transfers
    )
    key = KEY_WORDS[d.key_holder.value]
    return Section(
        "The transfer",
        (
            Para(
                "EDPB Recommendations 01/2020 step 1, the description in SCC Annex I.B and "
                "Question 1 of the ICO's TRA tool."
                if facts.eu_like
                else "The circumstances of the transfer (Question 1 of the ICO's TRA tool).",
                Tone.NOTE,
            ),
            Fields(
                (
                    ("Purpose", d.purpose or "—"),
                    ("Nature of the processing", d.nature_of_processing or "—"),
                    ("Categories of personal data", listing(list(d.data_categories), "—")),
                    ("Categories of data subjects", listing(list(d.data_subjects), "—")),
                    ("Sensitive data", d.special_categories or "None"),
                    (
                        "Children or other vulnerable people",
                        "Yes" if d.vulnerable_subjects else "No",
                    ),
                    ("Frequency", d.frequency or "—"),
                    ("Volume", d.volume or "—"),
                    ("Retention", d.retention or "—"),
                    ("State of the data at the importer", FORMAT_WORDS[d.data_format]),
                    ("Keys or re-identification data held by", key),
                    ("Transmission channels", d.transmission_channels or "—"),
                    (
                        "Storage and access locations",
                        listing([country_label(x) for x in d.storage_locations], "—"),
                    ),
                    ("Data minimisation", d.minimisation or "—"),
                    (
                        "Specific circumstances"
                        + (" (SCC Clause 14(b)(i))" if facts.eu_like else ""),
                        c.circumstances or "—",
                    ),
                )
            ),
            Table(
                ("Transfer", "Parties", "Destination", "Importer's role", "Service"),
                rows,
                (1, 4, 2.2, 1.6, 3),
                caption="Transfers covered by this assessment",
            ),
            Table(
                ("Onward transfer or sub-processor",),
                tuple((o,) for o in d.onward_transfers),
                caption="Onward transfers and sub-processors",
                empty_text="None: the importer passes the data to no one else.",
            ),
        ),
    )


def tools_section(facts: AssessmentFacts, bib: Bibliography) -> Section:
    rows = tuple(
        (
            REGIME_LABELS[x.regime],
            x.name,
            "; ".join(x.documents) or "—",
            x.status[:1].upper() + x.status[1:],
            x.fallback or "None",
        )
        for x in facts.tools
    )
    blocks: list[Block] = [
        Table(
            ("Regime", "Tool relied on", "Documents", "Status", "Fallback"),
            rows,
            (1.3, 2.6, 3.2, 2, 2),
            caption="The transfer tool under each regime",
            flagged=tuple(i for i, x in enumerate(facts.tools) if not x.valid),
        )
    ]
    c = facts.content
    for x in facts.assessed:
        test = facts.test(x.regime)
        if test is None:
            blocks.append(
                Para(
                    f"{REGIME_LABELS[x.regime]}: the reference data holds no assessment test "
                    f"for {day(facts.on)}.",
                    Tone.WARNING,
                )
            )
            continue
        clause = test.clause_for(x.mechanism) if x.mechanism is not None else None
        method = test.method(c.uk_method if x.regime is Regime.UK else "edpb") or test.methods[0]
        regulator = facts.reference.regimes[x.regime].regulator_on(facts.on)
        pairs = [
            ("Test", test.name + bib.cite_all(test.citations)),
            ("Standard", test.standard_text),
            ("Legal basis", test.legal_basis),
            ("Method", method.name[:1].upper() + method.name[1:]),
            (
                "Clause that carries the assessment",
                clause.clause if clause is not None else f"The terms of {x.name}",
            ),
            ("Regulator", regulator[:1].upper() + regulator[1:]),
        ]
        blocks.append(Para(f"{REGIME_LABELS[x.regime]}: {x.finding}"))
        blocks.append(Fields(tuple(pairs)))
        if test.risks:
            blocks.append(Para("The regulator asks the assessment to consider two risks:"))
            blocks.append(Bullets(test.risks))
        if test.caveat:
            blocks.append(Para(test.caveat + bib.cite_all(test.citations[3:4]), Tone.NOTE))
    if c.tool_notes:
        blocks.append(Para(c.tool_notes))
    return Section("Transfer tools and the test under each regime", tuple(blocks))


def destination_section(facts: AssessmentFacts, bib: Bibliography) -> Section:
    c = facts.content
    encrypted = encrypted_in_transit(c)
    rows, flagged = [], []
    for i, law in enumerate(c.laws):
        applies, why = law_view(
            law, facts.importer, facts.destination, c.communications_provider, encrypted
        )
        summary = bib.marked(law.summary)
        if not re.search(r"\[\d+\]", law.summary + summary):
            summary += "".join(bib.cite(_given(s)) for s in law.sources)
        if not law.verified and c.acceptance(f"law:{law.title}") is None:
            flagged.append(i)  # still to be accepted: the reader must not miss it
        rows.append((law.title, summary, "Yes" if applies else "No", clean(why)))
    eeg_rows = tuple(
        (
            f"{e.guarantee}. {EEG_GUARANTEES.get(e.guarantee, '')}",
            EEG_RATING_LABELS[e.rating],
            bib.marked(e.notes) or "—",
        )
        for e in c.eeg
    )
    provider = {
        None: "Not established: the laws that compel such providers are treated as reaching it",
        True: "Yes",
        False: "No",
    }[c.communications_provider]
    profile = (
        f" The laws below start from the country profile as of {day(c.profile_as_of)}, edited "
        "by the assessor for this importer."
        if c.profile_as_of
        else ""
    )
    edpb = facts.tests.profile_refs.get("C-3")
    return Section(
        "Destination law and practice",
        (
            Para(
                f"Destination: {country_label(facts.destination)}. EDPB Recommendations 01/2020 "
                + (
                    "step 3 and SCC Clause 14(b)(ii)."
                    if facts.eu_like
                    else "step 3, for the first of the risks the UK regulator names: access by "
                    "third parties, including public bodies."
                )
                + profile
            ),
            Fields(
                (
                    ("Importer", f"{facts.importer.name}, {facts.importer.phrase}"),
                    ("Provider of communication services", provider),
                )
            ),
            Table(
                ("Law or practice", "What it allows", "Reaches this importer", "Why"),
                tuple(rows),
                (2, 4.6, 1.1, 3.6),
                caption="Laws and practices relevant to the importer",
                flagged=tuple(flagged),
            ),
            Table(
                ("European Essential Guarantee", "Rating", "Findings"),
                eeg_rows,
                (3, 1.3, 5.6),
                caption="Assessment against the European Essential Guarantees" + bib.cite(edpb),
            ),
            Fields(
                (
                    ("Practical experience and sources", c.practice or "—"),
                    (
                        "Problematic law or practice reaches this transfer",
                        {None: "Not answered", True: "Yes", False: "No"}[c.problematic_law],
                    ),
                )
            ),
        ),
    )


def _given(source: str) -> Citation | None:
    """A source the assessor added by address: cited by its site, never as a bare URL."""
    if not source.startswith("http"):
        return None
    host = re.sub(r"^https?://", "", source).split("/")[0].removeprefix("www.")
    return Citation(f"Source consulted by the assessor ({host})", host, "", source, "T2")


def ico_tra_section(facts: AssessmentFacts, bib: Bibliography) -> Section:
    c = facts.content
    q = facts.tests.ico_tra
    d = tra_decision(c)
    desc = c.description
    q1 = (
        f"{facts.importer.name} in {country_name(facts.destination)} "
        f"({ROLE_LABELS[facts.importer.role]}); data about "
        f"{listing(list(desc.data_subjects), 'the people recorded').lower()}"
        + ("; includes children or other vulnerable people" if desc.vulnerable_subjects else "")
        + f"; frequency: {desc.frequency or 'as recorded'}; existing protections: "
        + (listing([m.description for m in c.measures if m.in_place]) or "none recorded")
        + f"; categories: {listing(list(desc.data_categories), 'not recorded')}."
    )
    scores = [r.residual or r.inherent for r in c.category_risks if r.residual or r.inherent]
    q2 = (
        f"The highest score after safeguards is {max(scores)} of 5: {d.harm} harm risk."
        if scores
        else "Not answered."
    )
    size = "a large organisation" if c.large_organisation else "a small or medium organisation"
    volume = "a high volume" if c.high_volume else "a low volume"
    q3 = (
        f"{LEVELS[d.investigation][:1].upper()}{LEVELS[d.investigation][1:]}: the exporter is "
        f"{size} and transfers {volume} of {d.harm or 'unscored'}-risk data."
    )
    q4 = HUMAN_RIGHTS_LABELS[c.human_rights] + (
        f". {c.human_rights_notes}" if c.human_rights_notes else ""
    )
    q5 = ENFORCEABILITY_LABELS[c.enforceability] + (
        f". {c.enforceability_notes}" if c.enforceability_notes else ""
    )
    if d.significant_risk is False:
        q6 = "Not needed: Questions 4 and 5 identified no significant-risk data."
    else:
        q6 = {
            None: "Not answered.",
            True: "Yes: an exception covers all the significant-risk data.",
            False: "No: some significant-risk data is not covered by an exception.",
        }[c.exceptions_apply]
    answers = (q1, q2, q3, q4, q5, q6)
    outcome = {
        "proceed": "the transfer may proceed",
        "may not proceed": "the transfer may not proceed",
        "": "not yet reached",
    }[d.outcome]
    blocks: list[Block] = [
        Para(
            "The questions of the ICO's TRA tool, verbatim, with the answers and the reasoning"
            + bib.cite(q.citation)
            + "."
        ),
        Table(
            ("Question", "Answer and reasoning"),
            tuple((f"{x.number}. {x.text}", a) for x, a in zip(q.questions, answers, strict=True)),
            (4.5, 5.5),
        ),
        Table(
            ("Category of personal data", "Risk score before safeguards", "After safeguards"),
            tuple(
                (r.category, str(r.inherent or "—"), str(r.residual or "—"))
                for r in c.category_risks
            ),
            (4, 2, 2),
            caption="Question 2: risk to people per category of data (1 lowest, 5 highest)",
            empty_text="Not scored.",
        ),
        Para(f"Outcome of the ICO's TRA tool: {outcome}."),
    ]
    return Section("UK transfer risk assessment: the ICO's questions", tuple(blocks))


def measures_section(facts: AssessmentFacts, bib: Bibliography) -> Section:
    c = facts.content
    uc = facts.tests.use_cases
    rows = []
    for m in c.measures:
        row = uc.get(m.use_case) if m.use_case else None
        rows.append(
            (
                m.kind.value.capitalize(),
                m.description,
                f"Use Case {m.use_case[2:]}: {row.title}" if row is not None else "—",
                "In place" if m.in_place else "Planned",
            )
        )
    fitting = fitting_use_cases(c.description, facts.tests)
    effective = [u for u in fitting if u.effective]
    d = c.description
    facts_words = (
        f"{facts.importer.name} holds the data {FORMAT_WORDS[d.data_format]}; the keys or "
        f"re-identification data are held by {KEY_WORDS[d.key_holder.value]}"
        + ("; the data only transits the destination" if d.transit_only else "")
        + "."
    )
    if effective:
        fit = (
            " These facts meet the conditions of "
            + listing([f"EDPB Use Case {u.code[2:]} ({u.title})" for u in effective])
            + ", for which the EDPB found an effective technical measure"
            + bib.cite_all(uc.citations[:1])
            + "."
        )
    else:
        fit = (
            " These facts meet the conditions of no use case for which the EDPB found an "
            "effective technical measure" + bib.cite_all(uc.citations[:1]) + "."
        )
    blocks: list[Block] = [
        Para(
            "EDPB Recommendations 01/2020 steps 4 and 5."
            if facts.eu_like
            else "The extra steps and protections the assessment identified."
        ),
        Table(
            ("Kind", "Measure", "EDPB use case", "State"),
            tuple(rows),
            (1.6, 5, 3, 1.1),
            flagged=tuple(i for i, m in enumerate(c.measures) if not m.in_place),
            empty_text="No supplementary measures recorded.",
        ),
        Para(facts_words + fit),
    ]
    case = facts.clear_case
    if case is not None:
        blocks.append(Para(clear_data_words(facts, case, bib, facts.eu_like)))
    blocks.append(Para("Procedural steps: " + (c.procedural_steps or "none needed.")))
    return Section("Supplementary measures", tuple(blocks))


def quantitative_section(facts: AssessmentFacts, bib: Bibliography) -> Section:
    q = facts.content.quantitative
    assert q is not None
    res = rosenthal(q)
    rows = []
    for b, est in zip(q.bases, res.bases, strict=True):
        factors = "; ".join(f"{f.label} {percent(f.probability)}" for f in b.factors)
        rows.append((b.name, factors or "—", percent(est.per_year)))
    years = "never" if res.years_at_90 is None else f"{res.years_at_90:,.0f} years"
    method = facts.tests.rosenthal
    return Section(
        "Quantitative estimate of prohibited lawful access",
        (
            Para(
                "The Rosenthal probability method" + bib.cite_all(method.citations) + ": per "
                "legal basis the per-year factors are multiplied; p(year) = 1 − Π(1 − p(basis)); "
                "over N years P = 1 − (1 − p(year))^N; the years until a first case with 90 % "
                "probability are ln 0.1 / ln(1 − p(year))."
            ),
            Table(("Legal basis", "Per-year factors", "Per year"), tuple(rows), (2.5, 6, 1.4)),
            Fields(
                (
                    ("Probability per year", percent(res.per_year)),
                    (f"Probability over {q.period_years} years", percent(res.cumulative)),
                    ("At least one case, with 90 % probability, within", years),
                    (
                        "Organisation's threshold",
                        f"{percent(q.threshold)} over {q.period_years} years",
                    ),
                    (
                        "Result",
                        "Within the threshold" if res.within_threshold else "ABOVE the threshold",
                    ),
                )
            ),
        ),
    )


def conclusions_section(facts: AssessmentFacts, bib: Bibliography, n: SectionNumbers) -> Section:
    c = facts.content
    blocks: list[Block] = []
    for x in facts.assessed:
        rc = c.conclusion_for(x.regime)
        text, test = conclusion_words(facts, x, n.measures)
        name = test.name if test is not None else REGIME_LABELS[x.regime]
        blocks.append(Para(f"{REGIME_LABELS[x.regime]}: {name}", Tone.STATEMENT))
        if text and test is not None:
            blocks.append(Para(text + bib.cite_all(test.citations)))
        else:
            blocks.append(Para("Not yet concluded.", Tone.WARNING))
        case = facts.clear_case
        eu_test = x.regime is not Regime.UK
        if case is not None and (eu_test or not facts.eu_like):
            # The data in the clear: what that means under this test (said once, under the
            # EU or Swiss test where there is one).
            blocks.append(Para(clear_data_words(facts, case, bib, eu_test)))
        blocks.append(
            Fields(
                (
                    ("Conclusion", CONCLUSION_LABELS[rc.conclusion]),
                    ("Residual risk", RESIDUAL[rc.residual_risk].capitalize()),
                    ("Reasoning", rc.text or "—"),
                )
            )
        )
        if rc.conditions:
            blocks.append(Para("The conclusion holds while:"))
            blocks.append(Bullets(rc.conditions))
    blocks.append(Para("Art 49 fallback: " + (c.art49_fallback or "none.")))
    return Section("Conclusions", tuple(blocks))


def unverified_section(facts: AssessmentFacts, unverified: Sequence[UnverifiedFact]) -> Section:
    c = facts.content
    rows = []
    for f in unverified:
        a = c.acceptance(f.key)
        if a is not None:
            status = (
                f"Not independently verified as of {day(f.as_of)}; accepted by "
                f"{signer_parts(a.accepted_by)[0]} on {day(a.accepted_on)}"
            )
        else:
            status = f"Not independently verified as of {day(f.as_of)}; not yet accepted"
        rows.append((clean(f.statement), status))
    return Section(
        "Facts not independently verified",
        (
            Para(
                "The assessment relies on these facts, which the research behind it could not "
                "verify against an official or reputable source. The approver accepted each one "
                "for this assessment."
                if all(c.acceptance(f.key) for f in unverified)
                else "The assessment relies on these facts, which the research behind it could "
                "not verify against an official or reputable source. Each must be accepted by "
                "the approver before the assessment is approved.",
            ),
            Table(
                ("Fact", "Status"),
                tuple(rows),
                (6.5, 3.5),
                flagged=tuple(i for i, f in enumerate(unverified) if not c.acceptance(f.key)),
            ),
        ),
    )


def change_log(facts: AssessmentFacts) -> list[LogEntry]:
    """Every revision's log, oldest first; for an approved document, up to its approval."""
    entries: list[LogEntry] = []
    seen = {facts.tia.id}
    for rev in facts.history:
        if rev.id == facts.tia.id:
            continue
        if rev.content is not None and (rev.revision < facts.tia.revision):
            seen.add(rev.id)
            entries.extend(rev.content.log)
    entries.extend(facts.content.log)
    if facts.tia.status is TiaStatus.APPROVED and facts.tia.approved_on is not None:
        entries = [e for e in entries if e.on <= facts.tia.approved_on]
    return sorted(entries, key=lambda e: e.on)


def review_section(facts: AssessmentFacts, documented: str = "") -> Section:
    tia, c = facts.tia, facts.content
    inputs = tia.inputs
    revisions = tuple(
        (
            f"v{r.revision}",
            TIA_STATUS_LABELS[r.status] if r.id != tia.id else TIA_STATUS_LABELS[tia.status],
            day(r.approved_on) if r.id != tia.id else day(tia.approved_on),
            signer_parts(r.approver if r.id != tia.id else tia.approver)[0] or "—",
            r.change_note or ("First assessment" if r.revision == 1 else "—"),
        )
        for r in facts.history
        if r.revision <= tia.revision
    )
    log_rows = tuple((day(e.on), signer_parts(e.by)[0] or "—", e.event) for e in change_log(facts))
    return Section(
        "Review and change log",
        (
            Para(documented, Tone.STATEMENT),
            Fields(
                (
                    ("Review cycle", f"{tia.review_cycle_months or 12} months"),
                    ("Next review", day(tia.next_review_on, "set on approval")),
                    ("Register snapshot taken", day(inputs.taken_on if inputs else None)),
                    (
                        "Reference data",
                        inputs.reference_version if inputs else facts.reference.version,
                    ),
                )
            ),
            Para("Events that reopen this assessment (EDPB step 6):"),
            Bullets(
                tuple(clean(strip_markers(t)) for t in c.review_triggers)
                or ("A change of law in the destination, of importer, or of the data transferred",)
            ),
            Table(
                ("Revision", "Status", "Approved", "Approver", "Why"),
                revisions,
                (1, 1.4, 1.5, 2, 5),
                caption="Revisions",
            ),
            Table(
                ("Date", "Who", "What"),
                log_rows,
                (1.5, 2.5, 6),
                caption="Change log",
                empty_text="No events recorded.",
            ),
        ),
    )
