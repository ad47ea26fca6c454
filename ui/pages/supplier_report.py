"""The supplier check's report, Qt-free: for each destination what the law requires (the rules'
finding, the safeguards that fit with their sources), the similar names already on the register,
and the summary line. Every user string is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from string import ascii_uppercase

from transfers_app.domain.countries import (
    INTERNATIONAL_ORGS,
    country_name,
    is_known_code,
    normalise_code,
)
from transfers_app.domain.enums import DocumentKind, Finding, Mechanism, Role
from transfers_app.domain.formatting import day
from transfers_app.reference.loader import ReferenceSet
from transfers_app.rules.destination import MODULE_NAMES, DestinationAssessment
from transfers_app.services.register import CheckReport, SimilarEntity

# Headline wording and colours per finding: the text carries the meaning, the colour helps.
HEADLINE: dict[Finding, tuple[str, str, str]] = {
    Finding.NOT_RESTRICTED: ("not a restricted transfer", "#1a7f37", "#dcfce7"),
    Finding.ADEQUATE: ("adequate, no safeguard needed", "#1a7f37", "#dcfce7"),
    Finding.ADEQUATE_IF: ("adequate only if the conditions are met", "#9a6700", "#fff4d6"),
    Finding.NOT_ADEQUATE: ("safeguard needed", "#b42318", "#fde4e1"),
    Finding.UNKNOWN: ("not assessed (outside the reference data)", "#57606a", "#eaeef2"),
}
BADGE: dict[Finding, str] = {
    Finding.NOT_RESTRICTED: "OK",
    Finding.ADEQUATE: "ADEQUATE",
    Finding.ADEQUATE_IF: "CONDITIONAL",
    Finding.NOT_ADEQUATE: "ACTION NEEDED",
    Finding.UNKNOWN: "NOT ASSESSED",
}

# Which instruments of the reference data stand behind a safeguard (for its source link).
_INSTRUMENTS: dict[Mechanism, tuple[DocumentKind, ...]] = {
    Mechanism.UK_IDTA: (DocumentKind.UK_IDTA,),
    Mechanism.UK_ADDENDUM: (DocumentKind.EU_SCC_2021, DocumentKind.UK_ADDENDUM),
    Mechanism.EU_SCC: (DocumentKind.EU_SCC_2021,),
    Mechanism.BCR: (DocumentKind.BCR,),
}

ROLE_TEXT = {
    Role.CONTROLLER: "controller",
    Role.PROCESSOR: "processor",
    Role.SUBPROCESSOR: "sub-processor",
}

_CODE_SUFFIX = re.compile(r"\(([A-Za-z]{2,5})\)\s*$")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def destination_choices(extra_orgs: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Every ISO 3166-1 country and international organisation: (code, name), by name."""
    codes = [a + b for a in ascii_uppercase for b in ascii_uppercase]
    out = {code: country_name(code) for code in codes if is_known_code(code)}
    out.update(INTERNATIONAL_ORGS)
    out.update(extra_orgs or {})
    return sorted(out.items(), key=lambda item: item[1].casefold())


def choice_label(code: str, name: str) -> str:
    return f"{name} ({code})"


def parse_destination(text: str) -> str:
    """A destination code from what the user typed or picked: "India (IN)", "India", "in"."""
    match = _CODE_SUFFIX.search(text)
    if match is not None and is_known_code(match.group(1).upper()):
        return match.group(1).upper()
    return normalise_code(text, "country")


# -- rendering (plain functions, so the wording is testable without widgets) --------------------


def _link(url: str, text: str) -> str:
    return f'<a href="{esc(url)}">{esc(text)}</a>'


def _list(items: Iterable[str]) -> str:
    rows = "".join(f"<li>{item}</li>" for item in items)
    return f"<ul style='margin-top:0'>{rows}</ul>" if rows else ""


def headline(a: DestinationAssessment) -> str:
    return f"{a.regime.value} → {country_name(a.destination)}: {HEADLINE[a.finding][0]}"


def render_assessment(a: DestinationAssessment, ref: ReferenceSet) -> str:
    text, colour, background = HEADLINE[a.finding]
    place = f"{country_name(a.destination)}"
    parts = [
        f"<h3 style='margin-bottom:2px'>"
        f"<span style='background-color:{background}; color:{colour}'>"
        f"&nbsp;{BADGE[a.finding]}&nbsp;</span>&nbsp; "
        f"{esc(a.regime.value)} → {esc(place)}: "
        f"<span style='color:{colour}'>{esc(text)}</span></h3>",
        f"<p style='margin-top:2px'>{esc(a.words(a.reason))}</p>",
    ]
    info = ref.regimes.get(a.regime)
    if a.decision is not None:
        d = a.decision
        source = f" ({_link(d.source_urls[0], 'source')})" if d.source_urls else " (no source link)"
        flag = "" if d.verified else " <b style='color:#b42318'>[UNVERIFIED]</b>"
        parts.append(f"<p><b>Legal reference:</b> {esc(d.reference)}{source}{flag}</p>")
    elif a.restricted and info is not None and info.tools_basis:
        links = ", ".join(
            _link(url, f"source {i}") for i, url in enumerate(info.source_urls[:2], start=1)
        )
        parts.append(
            f"<p><b>Legal basis:</b> {esc(info.tools_basis)}{f' ({links})' if links else ''}</p>"
        )
    if a.safeguards:
        title = "Fallback safeguards" if a.finding is Finding.ADEQUATE_IF else "Safeguards that fit"
        module = (
            f" &nbsp;·&nbsp; SCC module: <b>{esc(MODULE_NAMES[a.scc_module])}</b>"
            if a.scc_module in MODULE_NAMES
            else ""
        )
        items = []
        for s in a.safeguards:
            sources = []
            for kind in _INSTRUMENTS.get(s.mechanism, ()):
                inst = ref.instruments.get(kind)
                if inst is not None and inst.source_urls:
                    sources.append(_link(inst.source_urls[0], "source"))
            extra = f" ({', '.join(sources)})" if sources else ""
            note = f"<br><span style='color:#57606a'>{esc(s.note)}</span>" if s.note else ""
            items.append(
                f"<b>{esc(s.label)}</b>{extra}<br>"
                f"<span style='color:#57606a'><i>{esc(s.reference)}</i></span>{note}"
            )
        parts.append(f"<p style='margin-bottom:0'><b>{title}</b>{module}</p>{_list(items)}")
    if a.restricted and a.finding is not Finding.UNKNOWN:
        name = a.assessment_name or "transfer assessment"
        if a.tia_required:
            answer = f"<b style='color:#b42318'>yes</b>: {esc(name)}"
        else:
            answer = f"no, while the adequacy finding applies ({esc(name)} not needed)"
        parts.append(f"<p><b>Transfer assessment (TIA/TRA) required:</b> {answer}</p>")
    if a.conditions:
        parts.append(
            "<p style='margin-bottom:0'><b>Conditions to verify</b></p>"
            + _list(esc(c) for c in a.conditions)
        )
    if a.advisories:
        parts.append(
            "<p style='margin-bottom:0'><b>Good to know</b></p>"
            + _list(esc(a.words(n)) for n in a.advisories)
        )
    if a.unverified:
        parts.append(
            "<p style='margin-bottom:0; color:#9a3412'><b>UNVERIFIED facts relied on</b> "
            "(check them before relying on this verdict)</p>"
            + _list(
                f"<span style='color:#9a3412'>UNVERIFIED: {esc(u)}</span>" for u in a.unverified
            )
        )
    if a.regulator:
        parts.append(f"<p><b>Regulator:</b> {esc(a.regulator)}</p>")
    return "".join(parts)


def render_similar(similar: Iterable[SimilarEntity]) -> str:
    hits = list(similar)
    if not hits:
        return "<h3>Already on the register</h3><p>No similar name on the register.</p>"
    items = [
        f"<a href='entity:{hit.entity_id}'>{esc(hit.name)}</a> "
        f"<span style='color:#57606a'>(match {hit.score:.0f}%: {esc(hit.why)})</span>"
        for hit in hits
    ]
    return (
        "<h3>Already on the register</h3>"
        "<p style='margin-bottom:0'>Similar names (click to open the record):</p>" + _list(items)
    )


def render_report(
    report: CheckReport, ref: ReferenceSet, importer_role: Role, exporter_role: Role
) -> str:
    regimes = ", ".join(dict.fromkeys(a.regime.value for a in report.assessments))
    parts = [
        f"<h2>Supplier check: {esc(report.name) or '<i>(no name yet)</i>'}</h2>",
        f"<p style='color:#57606a'>As of {day(report.on)} &nbsp;·&nbsp; "
        f"regimes {esc(regimes)} &nbsp;·&nbsp; the supplier acts as "
        f"{ROLE_TEXT[importer_role]}, we act as {ROLE_TEXT[exporter_role]}</p>",
    ]
    parts.append(render_summary(report.assessments))
    parts.append(render_similar(report.similar))
    for a in report.assessments:
        parts.append("<hr>")
        parts.append(render_assessment(a, ref))
    return "".join(parts)


def render_summary(assessments: Iterable[DestinationAssessment]) -> str:
    """One line per regime and destination, before the details."""
    rows = []
    for a in assessments:
        text, colour, background = HEADLINE[a.finding]
        rows.append(
            f"<tr><td>{esc(a.regime.value)} exporter</td>"
            f"<td>{esc(country_name(a.destination))} ({esc(a.destination)})</td>"
            f"<td style='background-color:{background}; color:{colour}'>"
            f"<b>{BADGE[a.finding]}</b></td>"
            f"<td style='color:{colour}'>{esc(text.capitalize())}</td></tr>"
        )
    return (
        "<table cellspacing='0' cellpadding='4' style='margin-bottom:6px'>"
        "<tr><th align='left'>From</th><th align='left'>To</th>"
        "<th align='left' colspan='2'>Verdict</th></tr>" + "".join(rows) + "</table>"
    )


# -- widgets -------------------------------------------------------------------------------------
