"""The sections of a transfer impact / risk assessment that reason from the law to the
conclusion: the law and practice of each third country assessed (which powers reach this
importer and why, the limits, oversight and redress, the four guarantees, and whether
problematic law follows), the ICO's questions for a UK transfer, and the conclusion under each
regime with the reasoning that leads to it.

Split from ``tia_sections`` (the transfer, the tools, the measures, the estimate, the
unverified facts, the review) to keep each module readable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Regime, VolumeBand
from transfers_app.domain.formatting import ACTIVITY_LABELS, REGIME_LABELS, ROLE_LABELS, day
from transfers_app.domain.tia import (
    CONCLUSION_LABELS,
    EEG_GUARANTEES,
    EEG_RATING_LABELS,
    ENFORCEABILITY_LABELS,
    HUMAN_RIGHTS_LABELS,
    Conclusion,
    CountryLaw,
    HumanRights,
    TiaContent,
    tra_decision,
)
from transfers_app.reports.document import Block, Bullets, Fields, Para, Section, Table, Tone
from transfers_app.services.tia_analysis import UNVERIFIED_MARK, RegimeTool, clean, lower_first
from transfers_app.services.tia_laws import (
    Answer,
    encrypted_in_transit,
    law_reach,
    problematic,
    problematic_overall,
)
from transfers_app.services.tia_words import (
    LEVELS,
    RESIDUAL,
    AssessmentFacts,
    Bibliography,
    SectionNumbers,
    conclusion_words,
    listing,
    sentence,
    the_country,
)

# -- the law of each country ------------------------------------------------------------------


def _importer_facts(facts: AssessmentFacts) -> str:
    """What the importer is, for the laws that compel only some kinds of organisation."""
    c = facts.content
    name = facts.importer.name

    def said(value: bool | None, yes: str, no: str, what: str) -> str:
        if value is None:
            return f"whether {what} is not established"
        return yes if value else no

    parts = [
        said(
            c.communications_provider,
            "it provides electronic communication or telecommunication services",
            "it provides no electronic communication or telecommunication service",
            "it provides electronic communication or telecommunication services",
        ),
        said(
            c.intermediary,
            "it hosts or passes on content for others",
            "it hosts or passes on no content for others",
            "it hosts or passes on content for others",
        ),
        said(
            c.critical_infrastructure,
            "it owns critical infrastructure",
            "it owns no critical infrastructure",
            "it owns critical infrastructure",
        ),
    ]
    route = said(
        c.via_provider,
        "the data reaches it through providers in the country",
        "the data does not pass through a provider in the country",
        "the data passes through providers in the country",
    )
    transit = ", encrypted on the way" if encrypted_in_transit(c) and c.via_provider else ""
    return sentence(f"{name}: " + "; ".join(parts) + f"; {route}{transit}")


def where_words(facts: AssessmentFacts, country: str) -> str:
    """What the importer does in ``country``, from the register's locations."""
    found = [x for x in facts.locations if x.country == country]
    return listing(
        [ACTIVITY_LABELS[x.activity].lower() + (f" in {x.city}" if x.city else "") for x in found],
        "",
    )


def country_section(
    facts: AssessmentFacts, bib: Bibliography, law: CountryLaw, main: bool
) -> Section:
    """The law and practice of one third country: the destination, or another country where
    the importer stores or accesses the data."""
    c = facts.content
    code = law.country
    place = country_name(code)
    importer = facts.importer
    powers: list[tuple[str, ...]] = []
    flagged: list[int] = []
    context: list[tuple[str, str]] = []
    dagger = False
    prefix = "" if main else f"{code}:"
    for item in law.laws:
        reach = law_reach(item, c, importer, code, law.laws)
        summary = bib.marked(item.summary, code, UNVERIFIED_MARK)
        dagger = dagger or UNVERIFIED_MARK in summary
        if not reach.power:
            context.append((item.title, summary))
            continue
        answer = reach.answer.value
        if reach.answer is Answer.YES and reach.encrypted_transit:
            answer = "Yes, in transit (encrypted)"
        elif reach.precaution:
            answer = "Yes, as a precaution"
        if reach.precaution or (
            not item.verified and c.acceptance(f"law:{prefix}{item.title}") is None
        ):
            flagged.append(len(powers))  # to be answered or accepted: the reader must see it
        powers.append((item.title, summary, answer, clean(reach.why)))
    eeg_rows = []
    for e in law.eeg:
        notes = bib.marked(e.notes, code, UNVERIFIED_MARK) or "—"
        dagger = dagger or UNVERIFIED_MARK in notes
        eeg_rows.append(
            (
                f"{e.guarantee}. {EEG_GUARANTEES.get(e.guarantee, '')}",
                EEG_RATING_LABELS[e.rating],
                notes,
            )
        )
    found = problematic(law, c, importer)
    where = where_words(facts, code)
    if main:
        intro = f"Destination: {place}. EDPB Recommendations 01/2020 step 3" + (
            " and SCC Clause 14(b)(ii)."
            if facts.eu_like
            else ", for the first of the risks the UK regulator names: access by third "
            "parties, including public bodies."
        )
        title = f"Destination law and practice: {place}"
    else:
        intro = (
            f"{importer.name} also stores or accesses the data in {the_country(code)}"
            + (f" ({where})" if where else "")
            + ": access from a third country is a transfer too (EDPB Recommendations 01/2020, "
            "para 13), so its law is assessed as the destination's is."
        )
        title = f"Law and practice of {place}"
    if law.profile_as_of:
        intro += (
            f" The laws start from the country profile as of {day(law.profile_as_of)}, "
            "edited by the assessor for this importer."
        )
    edpb = facts.tests.profile_refs.get("C-3")
    blocks: list[Block] = [Para(intro)]
    if main:
        blocks.append(Fields((("What the importer is", _importer_facts(facts)),)))
    blocks.append(
        Table(
            ("Power", "What it allows", "Reaches this importer", "Why"),
            tuple(powers),
            (2.6, 4.0, 1.4, 4.0),
            caption=f"Access powers of {the_country(code)} and whether they reach {importer.name}",
            flagged=tuple(flagged),
            empty_text="The profile records no access power.",
        )
    )
    if context:
        blocks.append(
            Table(
                ("Limit, oversight, remedy or event", "What it provides"),
                tuple(context),
                (2.6, 7.4),
                caption=f"Limits on the powers of {the_country(code)}, oversight, redress and "
                "recent events",
            )
        )
    if dagger:
        blocks.append(
            Para(
                f"{UNVERIFIED_MARK} Not independently verified as of "
                f"{day(law.profile_as_of or facts.tests.as_of)}: each such fact is listed in "
                "section "
                f"{SectionNumbers(facts).unverified} with the approver's acceptance.",
                Tone.NOTE,
            )
        )
    blocks.append(
        Table(
            ("European Essential Guarantee", "Rating", "Findings"),
            tuple(eeg_rows),
            (3, 1.3, 5.7),
            caption="Assessment against the European Essential Guarantees" + bib.cite(edpb),
        )
    )
    blocks.append(
        Fields(
            (
                ("Practical experience and sources", law.practice or "—"),
                ("Problematic law reaches this transfer", found.reasoning),
            )
        )
    )
    return Section(title, tuple(blocks))


# -- the ICO's questions ----------------------------------------------------------------------

# The organisation's own thresholds for the ICO's Question 3 (the ICO leaves them to the
# exporter): a volume band from 100,000 people up is a high volume.
_HIGH_VOLUME = (VolumeBand.UNDER_1M, VolumeBand.OVER_1M)


def ico_q3(facts: AssessmentFacts, harm: str) -> tuple[str, bool, bool]:
    """Question 3 from the recorded facts: (the answer in words, large, high volume)."""
    c = facts.content
    volumes = [t.volume for t in facts.transfers if t.volume is not None]
    multinational = len(set(facts.group_countries)) > 1
    large = c.large_organisation or multinational
    if c.large_organisation:
        size = "the exporter is a large organisation (the assessor's answer)"
    elif multinational:
        size = (
            "the exporter is part of a multinational group (companies in "
            + listing([country_name(x) for x in sorted(set(facts.group_countries))])
            + "), so it is treated as a large organisation"
        )
    else:
        size = "the size of the exporter's organisation is not recorded (not answered)"
    if c.high_volume:
        high, volume = True, "a high volume (the assessor's answer)"
    elif volumes:
        band = max(volumes, key=lambda v: list(VolumeBand).index(v))
        high = band in _HIGH_VOLUME
        volume = f"{band.value} people ({'a high' if high else 'a low'} volume)"
    else:
        high = True
        volume = "a volume that is not recorded (not answered: the higher level is assumed)"
    if not harm:
        return (
            "Not answered: the data categories are not yet scored (Question 2), so the level "
            f"of investigation cannot be set. For the record: {size}; it transfers {volume}.",
            large,
            high,
        )
    return f"{size}; it transfers {volume} of {harm}-risk data.", large, high


def ico_tra_section(facts: AssessmentFacts, bib: Bibliography) -> Section:
    c = facts.content
    q = facts.tests.ico_tra
    desc = c.description
    harm_only = tra_decision(c).harm
    q3_words, large, high = ico_q3(facts, harm_only)
    d = tra_decision(_effective(c, large, high))
    in_place = [m.description for m in c.measures if m.in_place]
    subjects = listing([s.lower() for s in desc.data_subjects], "")
    q1 = (
        f"{facts.importer.name} in {the_country(facts.destination)}, acting as "
        f"{ROLE_LABELS[facts.importer.role]} ({facts.importer.activity_words}); "
        + (f"the data is about {subjects}" if subjects else "the data subjects are not recorded")
        + ("; it includes children or other vulnerable people" if desc.vulnerable_subjects else "")
        + f"; frequency: {desc.frequency or 'not recorded'}; existing protections: "
        + ("; ".join(lower_first(x) for x in in_place) or "none recorded")
        + f"; categories: {listing(list(desc.data_categories), 'not recorded')}."
    )
    scores = [r.residual or r.inherent for r in c.category_risks if r.residual or r.inherent]
    q2 = (
        f"The highest score after safeguards is {max(scores)} of 5: {d.harm} harm risk."
        if scores
        else "Not answered: the data categories are not yet scored."
    )
    level = LEVELS[d.investigation]
    q3 = f"{level[:1].upper()}{level[1:]}: {q3_words}" if harm_only else q3_words
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
            + ". The risk scores (1 lowest, 5 highest), the harm levels and the levels of "
            "investigation are the organisation's own scale, adapted from the ICO's TRA tool."
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
            caption="Question 2: risk to people per category of data",
            empty_text="Not scored.",
        ),
        Para(f"Outcome of the ICO's TRA tool: {outcome}."),
    ]
    return Section("UK transfer risk assessment: the ICO's questions", tuple(blocks))


def _effective(c: TiaContent, large: bool, high: bool) -> TiaContent:
    return replace(c, large_organisation=large, high_volume=high)


# -- the conclusions -------------------------------------------------------------------------


def law_finding(facts: AssessmentFacts, first: int = 4) -> str:
    """What the law sections found, in a sentence per country (their reasoning is in the
    sections, from ``first`` on)."""
    c = facts.content
    parts = []
    for k, law in enumerate(x for x in c.countries if x.country):
        found = problematic(law, c, facts.importer)
        where = f"section {first + k}"
        place = country_name(law.country)
        if found.answer is None:
            parts.append(f"{place}: not yet decided ({where}).")
        elif not found.answer:
            parts.append(f"{place}: no problematic law reaches the data ({where}).")
        else:
            powers = list(found.reaching[:3]) + (["others"] if len(found.reaching) > 3 else [])
            letters = [x[:1] for x in found.shortfalls]
            parts.append(
                f"{place}: problematic law reaches {facts.importer.name} ({listing(powers)}; "
                f"guarantee{'s' if len(letters) > 1 else ''} {listing(letters)} not fully met; "
                f"{where})."
            )
    return " ".join(parts)


def _reasoning(facts: AssessmentFacts, regime: Regime, n: SectionNumbers) -> str:
    """From the law to the conclusion under ``regime``."""
    c = facts.content
    rc = c.conclusion_for(regime)
    bad = problematic_overall(c, facts.importer)
    case = facts.clear_case
    law = law_finding(facts, n.law)
    if rc.conclusion is Conclusion.UNDECIDED:
        return f"Law and practice (sections 4 on): {law}"
    if regime is Regime.UK:
        test = facts.test(regime)
        if test is not None and test.id == "uk-ico-tra":
            if bad:
                q4 = (
                    "it does not significantly increase the risk for the people the data is about"
                    if c.human_rights in (HumanRights.C1, HumanRights.C2)
                    else "it significantly increases the risk for some of the data"
                )
                return (
                    f"Law and practice: {law} Under the ICO's approach the question is not "
                    "whether such law exists but whether, as a result of the transfer, the risk "
                    "to the people the data is about increases significantly compared with the "
                    f"data staying in the UK: the answer to Question 4 is that {q4}"
                    + (f" ({c.human_rights_notes.rstrip('.')})" if c.human_rights_notes else "")
                    + ", and the safeguard is enforceable (Question 5). So the transfer may "
                    + ("proceed." if rc.conclusion is not Conclusion.SUSPEND else "not proceed.")
                )
            return (
                f"Law and practice: {law} With no problematic law, the ICO's questions turn on "
                "the data itself and the enforceability of the safeguard (Questions 2 to 5)."
            )
        volume = listing(
            sorted({t.volume.value for t in facts.transfers if t.volume is not None}), ""
        )
        nature = listing(list(c.description.data_categories), "not recorded").lower()
        return (
            f"Law and practice: {law} Acting reasonably and proportionately, the exporter "
            f"weighed the nature of the data ({nature})"
            + (f" and its volume ({volume} people)" if volume else "")
            + " (Art 46(7)) and the protection taken as a whole (Art 46(8)), the safeguard "
            "and the measures in section "
            f"{n.measures} included."
        )
    if bad and case is not None and rc.conclusion is not Conclusion.SUSPEND:
        return (
            f"Law and practice: {law} {facts.importer.name} needs the data in the clear "
            f"(EDPB Use Case {case.code[2:]}), for which the EDPB found no effective technical "
            "measure: this conclusion cannot stand unless the transfer rests on an Art 49 "
            "derogation."
        )
    if bad and case is not None:
        return (
            f"Law and practice: {law} {facts.importer.name} needs the data in the clear "
            f"(EDPB Use Case {case.code[2:]}), for which the EDPB found no effective technical "
            "measure: the transfer must not start, or must be suspended, until the conditions "
            "below are met."
        )
    if bad:
        return (
            f"Law and practice: {law} The measures in section {n.measures} must stop the "
            "problematic law from reaching the data for the transfer to go on."
        )
    return (
        f"Law and practice: {law} So the parties have no reason to believe that the law and "
        f"practice of {the_country(facts.destination)} prevent {facts.importer.name} from "
        "fulfilling its obligations under the clauses (Clause 14(a))."
    )


def conclusions_section(facts: AssessmentFacts, bib: Bibliography, n: SectionNumbers) -> Section:
    c = facts.content
    blocks: list[Block] = []
    for x in facts.assessed:
        rc = c.conclusion_for(x.regime)
        text, test = conclusion_words(facts, x, n.measures)
        name = test.name if test is not None else REGIME_LABELS[x.regime]
        blocks.append(Para(f"{REGIME_LABELS[x.regime]}: {name}", Tone.STATEMENT))
        if not x.valid:
            blocks.append(Para(invalid_tool_words(facts, x), Tone.WARNING))
        if text and test is not None:
            blocks.append(Para(text + bib.cite_all(test.citations)))
        elif x.valid:
            blocks.append(Para("Not yet concluded.", Tone.WARNING))
        blocks.append(
            Fields(
                (
                    ("Conclusion", CONCLUSION_LABELS[rc.conclusion]),
                    ("Residual risk", RESIDUAL[rc.residual_risk].capitalize()),
                    ("From the law to the conclusion", _reasoning(facts, x.regime, n)),
                    ("The assessor's reasoning", rc.text or "—"),
                )
            )
        )
        if rc.conditions:
            blocks.append(Para("The conclusion holds while:"))
            blocks.append(Bullets(rc.conditions))
    blocks.append(Para("Art 49 fallback: " + (c.art49_fallback or "none.")))
    return Section("Conclusions", tuple(blocks))


def invalid_tool_words(facts: AssessmentFacts, tool: RegimeTool) -> str:
    """A tool that is not valid: since when, what to do, and what replaces it."""
    since = f" after {day(tool.invalid_after)}" if tool.invalid_after else ""
    replace_with = (
        " The replacement tool for a new contract: " + " or ".join(tool.replacements) + "."
        if tool.replacements
        else ""
    )
    return (
        f"No valid transfer tool under {REGIME_LABELS[tool.regime]}: {tool.name} "
        f"{'ceased to be' if tool.invalid_after else 'is not'} valid{since}. Suspend the "
        "transfer or replace the tool." + replace_with
    )


def countries_of(c: TiaContent) -> Sequence[CountryLaw]:
    return [x for x in c.countries if x.country]
