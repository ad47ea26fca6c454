""" "What the law requires", beside the transfer editor: per regime the destination's finding,
the safeguards that fit (with the SCC module), whether a TIA/TRA is needed, and the problems
the rules would report for the transfer as it stands.

Qt-free: the rules decide (``rules.destination``, ``rules.gaps``); this module asks them with
what the form holds and lays their answers out as the panel's HTML.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from transfers_app.domain.countries import country_name, is_known_code
from transfers_app.domain.enums import (
    DocumentStatus,
    Finding,
    Lifecycle,
    Mechanism,
    Regime,
    Role,
    Severity,
)
from transfers_app.domain.formatting import MECHANISM_LABELS, day
from transfers_app.domain.models import Document, Entity, MechanismUse, Tia, Transfer
from transfers_app.reference.loader import ReferenceSet
from transfers_app.rules.destination import (
    MODULE_NAMES,
    NO_CERTS,
    Certifications,
    DestinationAssessment,
    assess_destination,
    scc_module,
)
from transfers_app.rules.gaps import (
    GapCode,
    TransferContext,
    TransferStatus,
    certifications_of,
    evaluate_transfer,
)

REGIME_TITLES = {Regime.UK: "UK GDPR", Regime.EU: "EU / EEA GDPR", Regime.CH: "Swiss FADP"}
# Plain words for each finding, and the colour its badge is drawn in (the words carry the
# meaning; colour only helps).
FINDING_WORDS = {
    Finding.NOT_RESTRICTED: ("NOT RESTRICTED", "no transfer mechanism is needed", "#1b5e20"),
    Finding.ADEQUATE: ("ADEQUATE", "adequate: no safeguard or assessment needed", "#1b5e20"),
    Finding.ADEQUATE_IF: (
        "ADEQUATE IF IN SCOPE",
        "adequate only within the decision's scope; otherwise a safeguard",
        "#8a5a00",
    ),
    Finding.NOT_ADEQUATE: ("NOT ADEQUATE", "not adequate: a safeguard is needed", "#b3261e"),
    Finding.UNKNOWN: ("UNKNOWN", "the reference data does not cover this date", "#8a5a00"),
}
SEVERITY_COLOURS = {
    Severity.CRITICAL: ("#8b0000", "#fde2e2"),
    Severity.HIGH: ("#9a3b00", "#fdebd8"),
    Severity.MEDIUM: ("#6b5300", "#fdf5d0"),
    Severity.LOW: ("#24496b", "#e2edf8"),
}
esc = html.escape


def _items(rows: Sequence[str]) -> str:
    return "<ul style='margin-top:0; margin-bottom:4px'>" + "".join(rows) + "</ul>" if rows else ""


# -- asking the rules ---------------------------------------------------------------------------


def dpf_evidence(
    uses: Sequence[MechanismUse], importer_documents: Sequence[Document], today: date
) -> tuple[Certifications, Document | None]:
    """The importer's DPF status: from the evidence linked to a DPF line, else from its
    newest certification evidence on the register."""
    for use in uses:
        if use.mechanism is Mechanism.DPF and use.document_id is not None:
            linked = [d for d in importer_documents if d.id == use.document_id]
            if linked:
                return certifications_of(linked, today)
    return certifications_of(importer_documents, today)


def assessments(
    ref: ReferenceSet,
    code: str | None,
    regimes: Sequence[Regime],
    exporter_role: Role,
    importer_role: Role,
    certs: Certifications,
    today: date,
    importer_in_group: bool | None = None,
) -> dict[Regime, DestinationAssessment]:
    """What the law requires under each ticked regime, for the destination and roles
    (``importer_in_group`` as ``assess_destination``: no BCRs offered for a vendor)."""
    if not code or not is_known_code(code):
        return {}
    if code not in ref.certified_destinations:
        certs = NO_CERTS
    return {
        regime: assess_destination(
            ref, regime, code, today, importer_role, exporter_role, certs, importer_in_group
        )
        for regime in regimes
    }


def evaluate(
    ref: ReferenceSet,
    t: Transfer,
    exporter: Entity | None,
    importer: Entity | None,
    regimes: tuple[Regime, ...],
    documents: Sequence[Document],
    tias: Sequence[Tia],
    today: date,
) -> TransferStatus | None:
    """The gaps the rules would report for the transfer as entered (None: too little
    entered to judge). ``documents``: the importer's, and any other linked to a line."""
    if exporter is None or importer is None or not regimes or not is_known_code(t.destination):
        return None
    by_id = {d.id: d for d in documents if d.id is not None}
    successors = {d.supersedes_id: d for d in documents if d.supersedes_id is not None}
    party = [d for d in documents if importer.id in d.party_ids and d.archived_at is None]
    # Prefer documents the exporter also signed, as the register's status does.
    party.sort(
        key=lambda d: (t.exporter_id not in d.party_ids, d.status is DocumentStatus.SUPERSEDED)
    )
    context = TransferContext(
        transfer=t,
        exporter=exporter,
        importer=importer,
        regimes=regimes,
        exporter_role=t.exporter_role,
        documents=by_id,
        importer_documents=party,
        tias=list(tias),
        successors=successors,
    )
    return evaluate_transfer(ref, context, today)


# -- the panel ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Panel:
    """What the panel shows, as the form stands."""

    today: date
    code: str | None
    exporter_role: Role
    importer_role: Role
    assessments: Mapping[Regime, DestinationAssessment]
    status: TransferStatus | None
    missing: Sequence[str]  # what must be chosen before the rules can judge the transfer
    importer: Entity | None
    tias_read: bool
    tia_error: str | None
    dpf: tuple[Certifications, Document | None] | None  # None: not a certified destination


def requirements_html(p: Panel) -> str:
    """The panel: per regime what the destination needs, then the transfer's problems."""
    code = p.code
    if not code or not is_known_code(code):
        return (
            "<p>Choose the destination: the rules then show, for each regime, whether the "
            "transfer needs a safeguard, which ones fit and whether a transfer assessment "
            "is needed.</p>"
        )
    module = scc_module(p.exporter_role, p.importer_role)
    place = f"{country_name(code)} ({code})"
    parts = [
        f"<h3 style='margin-bottom:2px'>Transfer to {esc(place)}</h3>",
        f"<p style='color:#57606a; margin-top:0'>On {day(p.today)} · "
        f"{esc(p.exporter_role.value)} to {esc(p.importer_role.value)} · SCC "
        f"{esc(MODULE_NAMES[module])}</p>",
        status_html(p),
    ]
    if p.dpf is not None:
        parts.append(dpf_html(*p.dpf))
    if not p.assessments:
        parts.append("<p>Tick a regime to see what it requires.</p>")
    for regime, a in p.assessments.items():
        parts.append(assessment_html(regime, a))
    return "".join(parts)


def status_html(p: Panel) -> str:
    status = p.status
    if status is None:
        return (
            "<p style='color:#57606a'><i>Choose "
            + esc(" and ".join(p.missing) or "the parties")
            + " to see the problems the rules would report.</i></p>"
        )
    parts = ["<h4 style='margin-bottom:2px'>This transfer as entered</h4>"]
    covered = []
    for result in status.results:
        regime = esc(result.assessment.regime.value)
        if result.covered_by is not None:
            by = esc(MECHANISM_LABELS[result.covered_by])
            covered.append(f"{regime}: <span style='color:#1b5e20'>covered by {by}</span>")
        elif result.assessment.finding is Finding.NOT_RESTRICTED:
            covered.append(f"{regime}: not a restricted transfer")
        else:
            covered.append(f"{regime}: <b style='color:#b3261e'>not covered</b>")
    parts.append("<p style='margin-top:0'>" + "; ".join(covered) + "</p>")
    gaps = list(status.gaps)
    if not p.tias_read or p.tia_error is not None:
        # Not read (yet): the assessment is judged once they are in.
        gaps = [g for g in gaps if g.code not in (GapCode.TIA_MISSING, GapCode.TIA_OVERDUE)]
    if not p.tias_read:
        parts.append("<p style='color:#57606a'><i>Reading its assessments…</i></p>")
    elif p.tia_error is not None:
        parts.append(
            "<p style='color:#9a3412'>Its assessments could not be read "
            f"({esc(p.tia_error)}): the TIA/TRA is not judged here.</p>"
        )
    if gaps:
        rows = []
        for g in sorted(gaps, key=lambda g: g.severity.rank):
            fg, bg = SEVERITY_COLOURS[g.severity]
            where = f"{g.regime.value}: " if g.regime is not None else ""
            rows.append(
                f"<li><span style='color:{fg}; background-color:{bg}'>"
                f"&nbsp;<b>{g.severity.value.upper()}</b>&nbsp;</span> "
                f"{esc(where + g.text())}</li>"
            )
        parts.append(
            f"<p style='margin-bottom:0'>Problems the rules would report ({len(gaps)}):</p>"
            + _items(rows)
        )
    else:
        parts.append("<p style='color:#1b5e20'><b>No problems:</b> the rules find none.</p>")
    importer = p.importer
    if importer is not None and importer.lifecycle in (Lifecycle.PROPOSED, Lifecycle.OFFBOARDED):
        parts.append(
            f"<p style='color:#57606a'>The importer is {esc(importer.lifecycle.value)}: the "
            "register counts this transfer only while the importer is approved or active."
            "</p>"
        )
    if not status.transfer.is_live_on(p.today):
        parts.append(
            "<p style='color:#57606a'>Not live today (it starts later or has ended); the "
            "rules are applied as of today.</p>"
        )
    return "".join(parts)


def dpf_html(certs: Certifications, evidence: Document | None) -> str:
    if evidence is None:
        return (
            "<p><b>DPF evidence:</b> none on the register for this importer, so the Data "
            "Privacy Framework does not cover it. Add the certification evidence as a "
            "document if it is listed.</p>"
        )
    lists = [
        name
        for name, on in (
            ("EU-US DPF", certs.dpf_eu),
            ("UK Extension", certs.dpf_eu and certs.dpf_uk_extension),
            ("Swiss-US DPF", certs.dpf_swiss),
        )
        if on
    ]
    checked = day(evidence.checked_on) if evidence.checked_on else "never"
    return (
        f"<p><b>DPF evidence:</b> {esc(evidence.title)} (checked {esc(checked)}): "
        f"{esc(', '.join(lists) or 'on no list')}.</p>"
    )


def assessment_html(regime: Regime, a: DestinationAssessment) -> str:
    badge, words, colour = FINDING_WORDS[a.finding]
    parts = [
        f"<h4 style='margin-bottom:2px'>{esc(REGIME_TITLES[regime])}: "
        f"<span style='color:{colour}'>{badge}</span></h4>",
        f"<p style='margin-top:0'><b style='color:{colour}'>{esc(words.capitalize())}.</b> "
        f"{esc(a.words(a.reason))}</p>",
    ]
    if a.needs_mechanism and a.safeguards:
        title = "Fallback safeguards" if a.finding is Finding.ADEQUATE_IF else "Safeguards that fit"
        rows = [
            f"<li><b>{esc(s.label)}</b><br><small style='color:#57606a'>"
            f"{esc(s.reference)}{'<br>' + esc(s.note) if s.note else ''}</small></li>"
            for s in a.safeguards
        ]
        parts.append(f"<p style='margin-bottom:0'>{title}:</p>" + _items(rows))
    if a.needs_mechanism and a.scc_module is not None:
        parts.append(f"<p>SCC module: <b>{esc(MODULE_NAMES[a.scc_module])}</b></p>")
    if a.restricted and a.finding is not Finding.UNKNOWN:
        name = a.assessment_name or "transfer assessment"
        answer = (
            f"<b style='color:#b3261e'>needed</b> ({esc(name)})"
            if a.tia_required
            else f"not needed while the adequacy finding applies ({esc(name)})"
        )
        parts.append(f"<p>TIA / TRA: {answer}</p>")
    if a.conditions:
        parts.append(
            "<p style='margin-bottom:0'>Conditions:</p>"
            + _items([f"<li>{esc(c)}</li>" for c in a.conditions])
        )
    if a.advisories:
        parts.append(
            "<p style='margin-bottom:0; color:#57606a'>Good to know:</p>"
            + _items([f"<li><small>{esc(a.words(n))}</small></li>" for n in a.advisories])
        )
    if a.unverified:
        parts.append(
            f"<p style='color:#9a3412'><small>Relies on {len(a.unverified)} fact(s) the "
            "reference data marks unverified: " + esc("; ".join(a.unverified)) + "</small></p>"
        )
    return "".join(parts)
