"""The detail of a transfer impact / risk assessment's document, after its decision page:
the transfer, the tools and tests per regime, the measures, the quantitative estimate, the
unverified facts and the change log. The law of each country, the ICO's questions and the
conclusions are in ``tia_law_sections``; the decision page in ``tia_report``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from transfers_app.domain.enums import Mechanism, Regime, TiaStatus
from transfers_app.domain.formatting import (
    REGIME_LABELS,
    ROLE_LABELS,
    TIA_STATUS_LABELS,
    country_label,
    day,
    percent,
)
from transfers_app.domain.renewals import next_review
from transfers_app.domain.tia import LogEntry, rosenthal
from transfers_app.reference.assessment_tests import Citation
from transfers_app.reports.document import Block, Bullets, Fields, Para, Section, Table, Tone
from transfers_app.services.tia_analysis import (
    UnverifiedFact,
    clean,
    fitting_use_cases,
    lower_first,
    strip_markers,
)
from transfers_app.services.tia_law_sections import where_words
from transfers_app.services.tia_laws import problematic_overall
from transfers_app.services.tia_words import (
    FORMAT_WORDS,
    KEY_WORDS,
    AssessmentFacts,
    Bibliography,
    clear_data_words,
    listing,
    signer_parts,
    the_country,
)

# -- the detail ---------------------------------------------------------------------------------


def _categories(facts: AssessmentFacts) -> str:
    """The categories of data, each with the organisation's own description of it."""
    d = facts.content.description
    words = facts.category_words
    return listing(
        [f"{x} ({lower_first(words[x])})" if words.get(x) else x
         for x in d.data_categories],
        "—",
    )  # fmt: skip


def _locations(facts: AssessmentFacts) -> str:
    """Where the importer holds or reaches the data, and how, country by country."""
    d = facts.content.description
    out = []
    for code in d.storage_locations:
        what = where_words(facts, code)
        if code == facts.destination and facts.importer.remote:
            what = "reached by remote access; the data stays on the exporter's systems" + (
                f" ({what})" if what else ""
            )
        out.append(f"{country_label(code)}: {what}" if what else country_label(code))
    return "; ".join(out) or "—"


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
                    ("Categories of personal data", _categories(facts)),
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
                    ("Where the importer holds or reaches the data", _locations(facts)),
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


_ART_3_2 = re.compile(r"\bArt(?:icle)?\.?\s*3\s*\(2\)")


def eu_applies(facts: AssessmentFacts) -> str:
    """Why EU law applies to an exporter established outside the EEA, as the register says."""
    exporter = facts.exporter
    if not _ART_3_2.search(exporter.notes):
        return ""
    home = [x for x in facts.exporter_locations if x]
    where = f", established in {the_country(home[0])}," if home else ""
    return (
        f"EU GDPR applies to {exporter.legal_name or exporter.name}{where} under Art 3(2) "
        "GDPR, as the register records: it offers its services to people in the EU."
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
            (1.3, 2.6, 3.2, 2.4, 1.6),
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
        if x.regime is Regime.EU and x.authority:
            regulator = f"{x.authority}, the competent supervisory authority (SCC Clause 13)"
        if not x.valid:
            carried = _replacement_clause(facts, x.regime)
            carrying = "None: the tool relied on is not valid" + (
                f". Under the replacement tool: {carried}" if carried else ""
            )
        else:
            carrying = clause.clause if clause is not None else f"The terms of {x.name}"
        pairs = [
            ("Test", test.name + bib.cite_all(test.citations)),
            ("Standard", test.standard_text),
            ("Legal basis", test.legal_basis),
            ("Method", method.name[:1].upper() + method.name[1:]),
            ("Clause that carries the assessment", carrying),
            ("Regulator", regulator[:1].upper() + regulator[1:]),
        ]
        blocks.append(Para(f"{REGIME_LABELS[x.regime]}: {x.finding}"))
        if x.regime is Regime.EU and (why := eu_applies(facts)):
            blocks.append(Para(why))
        blocks.append(Fields(tuple(pairs)))
        if test.risks:
            blocks.append(Para("The regulator asks the assessment to consider two risks:"))
            blocks.append(Bullets(test.risks))
        if test.caveat:
            blocks.append(Para(test.caveat + bib.cite_all(test.citations[3:4]), Tone.NOTE))
    if c.tool_notes:
        blocks.append(Para(c.tool_notes))
    return Section("Transfer tools and the test under each regime", tuple(blocks))


def _replacement_clause(facts: AssessmentFacts, regime: Regime) -> str:
    """The clause that would carry the assessment under the tool that replaces an invalid
    one (the first replacement the reference data lists)."""
    test = facts.test(regime)
    if test is None:
        return ""
    wanted = (Mechanism.UK_ADDENDUM, Mechanism.UK_IDTA) if regime is Regime.UK else (
        Mechanism.EU_SCC,
    )  # fmt: skip
    for m in wanted:
        clause = test.clause_for(m)
        if clause is not None:
            return clause.clause
    return ""


def _given(source: str) -> Citation | None:
    """A source the assessor added by address: cited by its site, never as a bare URL."""
    if not source.startswith("http"):
        return None
    host = re.sub(r"^https?://", "", source).split("/")[0].removeprefix("www.")
    return Citation(f"Source consulted by the assessor ({host})", host, "", source, "T2")


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
        bad = problematic_overall(c, facts.importer)
        blocks.append(Para(clear_data_words(facts, case, bib, facts.eu_like, bad)))
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
                "The organisation's own application of the probability method described by "
                "David Rosenthal (VISCHER)" + bib.cite_all(method.citations) + ": per legal "
                "basis the assessor's per-year factors are multiplied; p(year) = 1 − Π(1 − "
                "p(basis)); over N years P = 1 − (1 − p(year))^N; the years until a first case "
                "with 90 % probability are ln 0.1 / ln(1 − p(year))."
                + (
                    " The estimate is supplementary: it is not the basis of the conclusion under "
                    "EU law, which follows the EDPB's method."
                    if facts.eu_like
                    else ""
                )
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
                "The assessment relies on these facts, each not independently verified as of "
                "the date given. "
                + (
                    "The approver accepted each one for this assessment."
                    if all(c.acceptance(f.key) for f in unverified)
                    else "Each must be accepted by the approver before the assessment is approved."
                ),
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


def review_words(facts: AssessmentFacts) -> str:
    """The next review date and what set it: the cycle, or a tool's expiry or review date that
    comes first (a review after the tool has lapsed would come too late)."""
    tia = facts.tia
    if tia.next_review_on is None:
        return "Set on approval"
    cycle = tia.review_cycle_months or 12
    text = day(tia.next_review_on)
    if tia.approved_on is None:
        return text
    by_cycle = next_review(tia.approved_on, cycle)
    if tia.next_review_on >= by_cycle:
        return f"{text} (the {cycle}-month cycle)"
    for x in facts.assessed:
        if x.expires_on == tia.next_review_on:
            return (
                f"{text}: brought forward from {day(by_cycle)} (the {cycle}-month cycle) to the "
                f"day {x.name} expires; the review decides its renewal or replacement"
            )
        if x.review_on == tia.next_review_on:
            return (
                f"{text}: brought forward from {day(by_cycle)} (the {cycle}-month cycle) to the "
                f"review date of {x.name}"
            )
    return f"{text} (brought forward from {day(by_cycle)})"


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
                    ("Next review", review_words(facts)),
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
