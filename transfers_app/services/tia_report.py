"""The summary document of a transfer impact assessment (what a regulator reads): every word
decided here, laid out by a ``PdfRenderer``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.formatting import (
    MECHANISM_LABELS,
    REGIME_LABELS,
    ROLE_LABELS,
    TIA_STATUS_LABELS,
    country_label,
    day,
    percent,
)
from transfers_app.domain.models import AuditEntry, Tia
from transfers_app.domain.tia import (
    CONCLUSION_LABELS,
    EEG_GUARANTEES,
    EEG_RATING_LABELS,
    ENFORCEABILITY_LABELS,
    HUMAN_RIGHTS_LABELS,
    USE_CASES,
    TiaContent,
    rosenthal,
    tra_decision,
)
from transfers_app.reports.document import (
    Bullets,
    Fields,
    Para,
    ReportDocument,
    Section,
    Table,
    Tone,
)
from transfers_app.rules.destination import assess_destination
from transfers_app.services.organisation import Organisation

if TYPE_CHECKING:
    from transfers_app.services.tia import TiaService

CLAUSE_14D = (
    "This assessment is documented under Clause 14(d) of the EU Standard Contractual Clauses "
    "(Decision (EU) 2021/914) and, for UK transfers, as the transfer risk assessment (the "
    "'data protection test' of UK GDPR Art 46(1A)). It is kept available to the competent "
    "supervisory authority on request: for the UK, the Information Commission (formerly the "
    "ICO)."
)

ROSENTHAL_CAVEAT = (
    "Method: the Rosenthal (VISCHER) probability method as summarised in the reference data "
    "(legal-facts.md 5.6). Per legal basis the per-year factors are multiplied; "
    "p(year) = 1 − Π(1 − p(basis)); over N years P = 1 − (1 − p(year))^N; years until a "
    "first case at 90 % = ln 0.1 / ln(1 − p(year)). The method's structure is reconstructed "
    "and unverified [M]: check it against the current VISCHER template."
)

TRA_CAVEAT = (
    "The ICO decision points A–F follow a third-party implementation of the ICO TRA tool and "
    "have not been matched against the ICO template text; the 1–5 risk scale is unverified [M]."
)


# -- report -----------------------------------------------------------------------------------


def _yes_no(v: bool | None, unanswered: str = "Not answered") -> str:
    return unanswered if v is None else ("Yes" if v else "No")


def _action(a: AuditEntry) -> str:
    return {"create": "Created", "update": "Edited", "archive": "Archived"}.get(
        a.action, a.action.capitalize()
    )


def build_report(svc: TiaService, tia: Tia, on: date, org: Organisation) -> ReportDocument:
    store = svc.store
    c = tia.content or TiaContent()
    d = c.description
    covered = svc.covered(tia)
    t = covered[0]
    exporter = store.entities.get(t.exporter_id)
    importer = store.entities.get(t.importer_id)
    uk = Regime.UK in tia.regimes
    stale = svc.stale_reasons(tia, on) if tia.status is TiaStatus.APPROVED else []

    heading = Fields(
        (
            ("Assessment", tia.reference),
            ("Status", TIA_STATUS_LABELS[tia.status]),
            ("Regimes", ", ".join(REGIME_LABELS[r] for r in tia.regimes) or "—"),
            ("Exporter", exporter.legal_name or exporter.name),
            ("Importer", importer.legal_name or importer.name),
            ("Destination", country_label(c.destination or t.destination)),
            ("Assessor", tia.assessor or "—"),
            ("Approver", tia.approver or "—"),
            ("Approved on", day(tia.approved_on)),
            ("Next review", day(tia.next_review_on)),
        )
    )
    sections: list[Section] = []

    # 1. Transfer description (Annex I.B)
    transfers_rows = tuple(
        (
            f"T{x.id}",
            f"{store.entities.get(x.exporter_id).name} → {importer.name}",
            country_label(x.destination),
            ROLE_LABELS[x.importer_role],
            x.service or "—",
        )
        for x in covered
    )
    blocks: list[object] = [
        Fields(
            (
                ("Purpose", d.purpose or "—"),
                ("Nature of the processing", d.nature_of_processing or "—"),
                ("Categories of personal data", ", ".join(d.data_categories) or "—"),
                ("Categories of data subjects", ", ".join(d.data_subjects) or "—"),
                ("Sensitive data", d.special_categories or "None"),
                ("Vulnerable data subjects", _yes_no(d.vulnerable_subjects)),
                ("Frequency", d.frequency or "—"),
                ("Volume", d.volume or "—"),
                ("Retention", d.retention or "—"),
                ("Format of the data", d.data_format.value),
                ("Transmission channels", d.transmission_channels or "—"),
                (
                    "Storage and access locations",
                    ", ".join(map(country_label, d.storage_locations)) or "—",
                ),
                ("Data minimisation", d.minimisation or "—"),
            )
        ),
        Table(
            ("Transfer", "Parties", "Destination", "Importer role", "Service"),
            transfers_rows,
            (1, 4, 2.2, 1.6, 3),
            caption="Transfers covered by this assessment",
        ),
        Table(
            ("Onward transfer / sub-processor",),
            tuple((o,) for o in d.onward_transfers),
            caption="Onward transfers and sub-processors",
        ),
    ]
    sections.append(Section("Transfer description", tuple(blocks)))  # type: ignore[arg-type]

    # 2. Transfer tool
    tool_rows = []
    for x in covered:
        for pos, m in enumerate(x.mechanisms):
            doc = store.documents.get(m.document_id) if m.document_id else None
            tool_rows.append(
                (
                    f"T{x.id}",
                    ("Primary" if pos == 0 else "Fallback"),
                    MECHANISM_LABELS.get(m.mechanism, m.mechanism.value),
                    doc.title if doc else "—",
                    day(doc.signed_on) if doc else "—",
                    day(doc.expires_on) if doc else "—",
                )
            )
    findings = []
    for r in tia.regimes:
        a = assess_destination(svc.ref, r, t.destination, on, t.importer_role, t.exporter_role)
        ref = ""
        if a.decision is not None and a.decision.reference not in a.reason:
            ref = f" ({a.decision.reference})"
        line = f"{REGIME_LABELS[r]}: {a.reason}{ref}"
        if a.scc_module:
            line += f"; SCC Module {a.scc_module} applies to these roles"
        findings.append(line)
    sections.append(
        Section(
            "Transfer tool",
            (
                Table(
                    ("Transfer", "Use", "Mechanism", "Document", "Signed", "Expires"),
                    tuple(tool_rows),
                    (1, 1.3, 2, 4, 1.5, 1.5),
                    empty_text="No mechanism recorded on the register.",
                ),
                Bullets(tuple(findings)),
                Para(c.tool_notes or "No further notes on the transfer tool."),
            ),
        )
    )

    # 3. Data risk (ICO Q2)
    risk_rows = tuple(
        (r.category, str(r.inherent or "—"), str(r.residual or "—")) for r in c.category_risks
    )
    decision = tra_decision(c)
    risk_blocks: list[object] = [
        Table(
            ("Category of personal data", "Inherent risk (1–5)", "Residual risk (1–5)"),
            risk_rows,
            (4, 2, 2),
            empty_text="Categories not scored.",
        ),
        Fields(
            (
                ("Sensitive data", d.special_categories or "None"),
                ("Vulnerable data subjects", _yes_no(d.vulnerable_subjects)),
                ("Harm risk (decision A)", decision.harm or "not scored"),
                ("Investigation level (decision B)", decision.investigation.value or "none needed"),
            )
        ),
    ]
    if uk:
        risk_blocks.append(Para(TRA_CAVEAT, Tone.NOTE))
    sections.append(Section("Risk of the data", tuple(risk_blocks)))  # type: ignore[arg-type]

    # 4. Destination law and practice
    law_rows = []
    flagged = []
    # Sources are numbered once, like footnotes: the same page is often cited by many rows.
    source_no: dict[str, int] = {}
    for i, law in enumerate(c.laws):
        if not law.verified:
            flagged.append(i)
        refs = [source_no.setdefault(src, len(source_no) + 1) for src in law.sources]
        law_rows.append(
            (
                law.title + ("" if law.verified else " [unverified]"),
                law.summary,
                "Yes" if law.applies else "No",
                " ".join(f"[{n}]" for n in refs) or "—",
            )
        )
    eeg_rows = tuple(
        (
            f"{e.guarantee}. {EEG_GUARANTEES.get(e.guarantee, '')}",
            EEG_RATING_LABELS[e.rating],
            e.notes,
        )
        for e in c.eeg
    )
    dest_blocks: list[object] = [
        Para(
            f"Destination: {country_label(c.destination)}."
            + (f" Country profile as of {day(c.profile_as_of)}." if c.profile_as_of else "")
        ),
        Table(
            ("Law or practice", "What it allows", "Applies", "Sources"),
            tuple(law_rows),
            (2.2, 6.2, 0.9, 1.3),
            caption="Laws and practices relevant to the importer (Clause 14(b)(ii))",
            flagged=tuple(flagged),
        ),
        Table(
            ("No.", "Source"),
            tuple((f"[{n}]", src) for src, n in source_no.items()),
            (0.6, 9),
            caption="Sources consulted",
            empty_text="No sources recorded.",
        ),
        Table(
            ("European Essential Guarantee", "Rating", "Findings"),
            eeg_rows,
            (3.5, 1.4, 5),
            caption="Assessment against the European Essential Guarantees (EDPB 02/2020)",
        ),
        Fields(
            (
                ("Specific circumstances (Clause 14(b)(i))", c.circumstances or "—"),
                ("Practical experience and sources", c.practice or "—"),
                ("Problematic legislation applies", _yes_no(c.problematic_law)),
            )
        ),
    ]
    if flagged:
        dest_blocks.append(
            Para(
                f"{len(flagged)} of the facts above are marked unverified in the reference "
                "profile: check them against a source before relying on them.",
                Tone.WARNING,
            )
        )
    sections.append(Section("Destination law and practice", tuple(dest_blocks)))  # type: ignore[arg-type]

    # 5. Enforceability and human rights (ICO Q4, Q5)
    sections.append(
        Section(
            "Enforceability and human rights",
            (
                Fields(
                    (
                        ("Human rights (Q4)", HUMAN_RIGHTS_LABELS[c.human_rights]),
                        ("Notes", c.human_rights_notes or "—"),
                        ("Enforceability (Q5)", ENFORCEABILITY_LABELS[c.enforceability]),
                        ("Notes", c.enforceability_notes or "—"),
                        (
                            "Exceptions for significant-risk data (Q6)",
                            _yes_no(
                                c.exceptions_apply,
                                "Not needed"
                                if decision.significant_risk is False
                                else "Not answered",
                            ),
                        ),
                        ("TRA outcome", decision.outcome or "open"),
                        ("Reasoning", decision.explanation),
                    )
                ),
            ),
        )
    )

    # 6. Supplementary measures
    measure_rows = tuple(
        (
            m.kind.value.capitalize(),
            m.code or "—",
            m.description,
            (f"{m.use_case}: {USE_CASES[m.use_case][0]}" if m.use_case in USE_CASES else "—"),
            "In place" if m.in_place else "Planned",
        )
        for m in c.measures
    )
    sections.append(
        Section(
            "Supplementary measures",
            (
                Table(
                    ("Kind", "Code", "Measure", "EDPB use case", "State"),
                    measure_rows,
                    (1.9, 0.8, 5, 3, 1.1),
                    flagged=tuple(i for i, m in enumerate(c.measures) if not m.in_place),
                ),
                Para(
                    "Procedural steps: " + (c.procedural_steps or "none needed."),
                ),
            ),
        )
    )

    # 7. Quantitative estimate (optional)
    if c.quantitative is not None and c.quantitative.bases:
        q = c.quantitative
        res = rosenthal(q)
        rows = []
        for b, est in zip(q.bases, res.bases, strict=True):
            factors = "; ".join(f"{f.label} {percent(f.probability)}" for f in b.factors)
            rows.append((b.name, factors or "—", percent(est.per_year)))
        years = "never" if res.years_at_90 is None else f"{res.years_at_90:,.0f} years"
        sections.append(
            Section(
                "Quantitative estimate of prohibited lawful access",
                (
                    Table(
                        ("Legal basis", "Per-year factors", "Per year"),
                        tuple(rows),
                        (2.5, 6, 1.4),
                    ),
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
                                "Within the threshold"
                                if res.within_threshold
                                else "ABOVE the threshold",
                            ),
                        )
                    ),
                    Para(ROSENTHAL_CAVEAT, Tone.NOTE),
                ),
            )
        )

    # 8. Conclusion
    conclusion_blocks: list[object] = [
        Fields(
            (
                ("Conclusion", CONCLUSION_LABELS[c.conclusion]),
                ("Residual risk", c.residual_risk.value or "not rated"),
                ("Reasoning", c.conclusion_text or "—"),
                ("Art 49 fallback", c.art49_fallback or "None"),
            )
        )
    ]
    if stale:
        conclusion_blocks.append(
            Para(
                "This assessment no longer matches the register and must be reviewed: "
                + "; ".join(stale)
                + ".",
                Tone.WARNING,
            )
        )
    sections.append(Section("Conclusion and residual risk", tuple(conclusion_blocks)))  # type: ignore[arg-type]

    # 9. Sign-off, review triggers, change log
    log_rows = tuple(
        (
            a.at.strftime("%d %b %Y %H:%M"),
            a.actor,
            f"{_action(a)} revision {_revision_of(a)}",
        )
        for a in svc.change_log(tia)
    )
    revisions = tuple(
        (
            f"v{r.revision}",
            TIA_STATUS_LABELS[r.status],
            day(r.approved_on),
            r.approver or "—",
            r.change_note or ("First assessment" if r.revision == 1 else "—"),
        )
        for r in svc.history(tia)
    )
    sections.append(
        Section(
            "Sign-off, review and change log",
            (
                Fields(
                    (
                        ("Assessor", tia.assessor or "—"),
                        ("Approver", tia.approver or "—"),
                        ("Approved on", day(tia.approved_on)),
                        ("Review cycle", f"{tia.review_cycle_months or 12} months"),
                        ("Next review", day(tia.next_review_on)),
                        (
                            "Register snapshot taken",
                            day(tia.inputs.taken_on if tia.inputs else None),
                        ),
                        (
                            "Reference data",
                            tia.inputs.reference_version if tia.inputs else svc.ref.version,
                        ),
                    )
                ),
                Para("Events that reopen this assessment (EDPB step 6):"),
                Bullets(
                    tuple(c.review_triggers)
                    or (
                        "Change of law in the destination, of importer, or of the data transferred",
                    )
                ),
                Table(
                    ("Revision", "Status", "Approved", "Approver", "Why"),
                    revisions,
                    (1, 1.4, 1.5, 2, 5),
                    caption="Revisions",
                ),
                Table(("When", "Who", "What"), log_rows, (2, 2.5, 5), caption="Change log"),
            ),
        )
    )

    draft = tia.status is not TiaStatus.APPROVED
    org_name = org.name or (exporter.legal_name or exporter.name)
    return ReportDocument(
        title="Transfer impact assessment",
        subtitle=f"{tia.title or importer.name} — {tia.reference}",
        author=tia.assessor or org_name,
        subject=(
            f"Transfer impact assessment {tia.reference}: {importer.name} "
            f"({c.destination or t.destination})"
        ),
        keywords=("TIA", "transfer risk assessment", "Clause 14", tia.reference),
        generated_on=on,
        footer=f"{org_name} · {tia.reference} · record version {tia.version}",
        heading=heading,
        sections=tuple(sections),
        draft=draft,
        cover_statement=CLAUSE_14D,
    )


def _revision_of(a: AuditEntry) -> str:
    import json

    try:
        body = json.loads(a.after or a.before or "{}")
    except ValueError:
        return "?"
    return str(body.get("revision", "?"))
