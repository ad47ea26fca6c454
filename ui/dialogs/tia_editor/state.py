"""The TIA editor's view state, without a widget: which assessment opens, what each step has
left to do, what the answers add up to (the ICO decision, the Rosenthal estimate), what
stands before approval, and the words the editor shows for them. Testable without Qt.

The decisions themselves are the core's (``domain.tia``: ``progress``, ``tra_decision``,
``rosenthal``; ``services.tia``: the sign-off problems); this module words them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from transfers_app.domain import formatting as fmt
from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.models import Document, Tia, Transfer
from transfers_app.domain.renewals import is_overdue, next_review
from transfers_app.domain.tia import (
    USE_CASES,
    DataFormat,
    KeyHolder,
    MeasureKind,
    Quantitative,
    ResidualRisk,
    StepProgress,
    TiaContent,
    rosenthal,
    tra_decision,
)
from transfers_app.errors import TransfersError
from transfers_app.reference.loader import ReferenceSet
from transfers_app.reference.profiles import load_country_profiles
from transfers_app.rules.destination import assess_destination
from transfers_app.services.tia import TiaService

esc = html.escape

# The pages of the editor: key, title in the step list, the progress() steps it answers.
STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("transfer", "1  The transfer", ("describe",)),
    ("tool", "2  Transfer tool", ("tool",)),
    ("law", "3  Destination law", ("law",)),
    ("measures", "4  Supplementary measures", ("measures",)),
    ("procedure", "5  Procedure and review", ("procedure", "review")),
    ("tra", "UK transfer risk assessment", ("tra",)),
    ("quantitative", "Quantitative estimate", ()),
    ("conclusion", "Conclusion", ("conclusion",)),
    ("signoff", "Sign-off", ()),
)
STEP_KEYS = tuple(key for key, _, _ in STEPS)

DATA_FORMAT_LABELS = {
    DataFormat.CLEAR: "In the clear",
    DataFormat.PSEUDONYMISED: "Pseudonymised (the key stays with the exporter)",
    DataFormat.ENCRYPTED: "Encrypted (the importer holds no key)",
    DataFormat.SPLIT: "Split between processors (none can reconstruct it)",
}
KEY_HOLDER_LABELS = {
    KeyHolder.IMPORTER: "The importer",
    KeyHolder.EXPORTER: "The exporter alone",
    KeyHolder.TRUSTED_PARTY: "An entity the exporter entrusts in the UK, the EEA or an adequate "
    "country",
    KeyHolder.NONE: "No one: nothing is encrypted",
}
MEASURE_KIND_LABELS = {
    MeasureKind.TECHNICAL: "Technical",
    MeasureKind.CONTRACTUAL: "Contractual",
    MeasureKind.ORGANISATIONAL: "Organisational",
}
KIND_OF_CODE = {
    "T": MeasureKind.TECHNICAL,
    "C": MeasureKind.CONTRACTUAL,
    "O": MeasureKind.ORGANISATIONAL,
}
RESIDUAL_LABELS = {
    ResidualRisk.UNRATED: "Not rated",
    ResidualRisk.LOW: "Low",
    ResidualRisk.MEDIUM: "Medium",
    ResidualRisk.HIGH: "High",
}
# Yes / no questions that may be unanswered: "" is unanswered.
PROBLEMATIC_LAW_LABELS = {
    "": "Not answered",
    "yes": "Yes: law or practice in the destination may impinge on the safeguard",
    "no": "No: nothing in the destination's law or practice reaches this transfer",
}
PROVIDER_LABELS = {
    "": "Not established (laws that compel such providers are treated as reaching it)",
    "yes": "Yes: it provides electronic communication or other communications services",
    "no": "No: it provides no communication service",
}
EXCEPTIONS_LABELS = {
    "": "Not answered",
    "yes": "Yes: the Art 49 exceptions cover all the significant-risk data",
    "no": "No: some significant-risk data is not covered",
}
DONE_COLOUR = "#1b5e20"
TODO_COLOUR = "#8a4b00"
LATE_COLOUR = "#b3261e"


def yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


def from_yes_no(key: str) -> bool | None:
    return None if not key else key == "yes"


def split_list(text: str, separator: str = ",") -> tuple[str, ...]:
    """The non-empty entries of a comma- (or line-) separated list, each once, in order."""
    parts = (p.strip() for p in text.split(separator))
    return tuple(dict.fromkeys(p for p in parts if p))


@cache
def measure_catalogue() -> dict[str, tuple[str, str, bool]]:
    """Catalogue code -> (measure, what it helps with, verified), from the country profiles."""
    return {m.code: (m.measure, m.helps, m.verified) for m in load_country_profiles().measures}


def use_case_of(helps: str) -> str:
    """The EDPB use case a catalogue entry names ("UC1".."UC7"), if any."""
    found = re.search(r"\bUC[1-7]\b", helps)
    return found.group(0) if found else ""


def kind_of_code(code: str) -> MeasureKind:
    return KIND_OF_CODE.get(code[:1], MeasureKind.TECHNICAL)


# -- which assessment opens -------------------------------------------------------------------


def current_tia(tias: Iterable[Tia], transfer_id: int) -> Tia | None:
    """The assessment a transfer's "Assessment…" opens: the newest revision covering it that
    is not superseded (a draft reassessment before the approved revision it will replace)."""
    covering = [
        t
        for t in tias
        if t.archived_at is None
        and t.status is not TiaStatus.SUPERSEDED
        and transfer_id in t.transfer_ids
    ]
    if not covering:
        return None
    return max(covering, key=lambda t: (t.revision, t.id or 0))


def last_assessor(tias: Iterable[Tia]) -> str:
    """Who assessed last on this register: the likely assessor of a new draft."""
    named = [t for t in tias if t.assessor.strip()]
    return max(named, key=lambda t: t.id or 0).assessor if named else ""


def open_or_draft(
    service: TiaService, today: date, tia_id: int | None = None, transfer_id: int | None = None
) -> Tia:
    """The assessment ``tia_id``, else the transfer's current one, else a new prefilled
    draft for the transfer (not saved yet)."""
    if tia_id is not None:
        return service.get(tia_id)
    if transfer_id is None:
        raise ValueError("an assessment or a transfer is needed")
    tias = service.assessments()
    found = current_tia(tias, transfer_id)
    if found is not None and found.id is not None:
        return service.get(found.id)
    return service.draft_for(transfer_id, today, assessor=last_assessor(tias))


# -- the words for each part ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepLine:
    """A step in the list on the left: its text (title, then what is left) and colour."""

    key: str
    text: str
    colour: str | None  # None: the default text colour

    @property
    def done(self) -> bool:
        return self.text.startswith("✓")


def step_lines(
    found: Mapping[str, StepProgress],
    content: TiaContent,
    tia: Tia,
    problems_left: Sequence[str],
) -> list[StepLine]:
    """Each step with what it has left (from ``domain.tia.progress``); the quantitative
    estimate and the sign-off say where they stand."""
    lines: list[StepLine] = []
    for key, title, keys in STEPS:
        colour: str | None = None
        if keys:
            todo = [found[k] for k in keys if k in found and not found[k].done]
            if todo:
                text = f"○  {title}\nTo do: " + "; ".join(s.missing for s in todo)
                colour = TODO_COLOUR
            else:
                text = f"✓  {title}\nDone"
                colour = DONE_COLOUR
        elif key == "quantitative":
            q = content.quantitative
            if q is None:
                text = f"·  {title}\nOptional, not made"
            elif not q.bases:
                text = f"·  {title}\nAdd a legal basis"
            else:
                r = rosenthal(q)
                within = "within" if r.within_threshold else "ABOVE"
                text = (
                    f"·  {title}\n{fmt.percent(r.cumulative)} over {r.period_years} years: "
                    f"{within} the threshold"
                )
        else:  # sign-off
            if tia.status is TiaStatus.APPROVED:
                text = f"✓  {title}\nApproved {fmt.day(tia.approved_on)}"
                colour = DONE_COLOUR
            elif tia.status is TiaStatus.SUPERSEDED:
                text = f"·  {title}\nSuperseded"
            elif problems_left:
                n = len(problems_left)
                text = f"○  {title}\n{n} thing{'s' if n != 1 else ''} before approval"
                colour = TODO_COLOUR
            else:
                text = f"●  {title}\nReady for approval"
                colour = DONE_COLOUR
        lines.append(StepLine(key, text, colour))
    return lines


def header_html(tia: Tia, regimes: Sequence[Regime]) -> str:
    status = fmt.TIA_STATUS_LABELS[tia.status]
    names = ", ".join(fmt.REGIME_LABELS[r] for r in regimes) or "no regime"
    return (
        f"<span style='font-size:large'><b>{esc(reference_text(tia))}</b> · {esc(tia.title)}"
        f"</span><br><span style='color:#57606a'>{esc(status)} · {esc(names)}"
        + (f" · revision {tia.revision}" if tia.revision > 1 else "")
        + "</span>"
    )


def reference_text(tia: Tia) -> str:
    return tia.reference if tia.id is not None else "New assessment (not saved yet)"


def stale_html(tia: Tia, stale: Sequence[str]) -> str:
    """The banner over an assessment that no longer matches the register ("" when it does)."""
    if not stale:
        return ""
    action = (
        "Reassess it (Sign-off)."
        if tia.status is TiaStatus.APPROVED
        else "Review the steps: approval takes a new snapshot of the register."
    )
    return (
        "<b>⚠ This assessment no longer matches the register:</b> "
        + esc("; ".join(stale))
        + f". {action}"
    )


def notes_text(tia: Tia, prefilled: bool) -> str:
    notes = []
    if tia.status is TiaStatus.APPROVED:
        notes.append(
            f"Approved on {esc(fmt.day(tia.approved_on))} by {esc(tia.approver)}: this revision "
            "is read-only. To change it, Reassess on the Sign-off step."
        )
    elif tia.status is TiaStatus.SUPERSEDED:
        notes.append("Superseded by a later revision: read-only, kept for the record.")
    if prefilled:
        notes.append(
            "This assessment was recorded without its content: the steps show what the "
            "register and the country profile say today."
        )
    return " ".join(notes)


def next_review_text(tia: Tia, today: date, cycle_months: int) -> str:
    if tia.status is TiaStatus.APPROVED and tia.next_review_on is not None:
        late = " (OVERDUE)" if is_overdue(tia.next_review_on, today) else ""
        return f"{fmt.day(tia.next_review_on)}{late}"
    return f"set on approval: {fmt.day(next_review(today, cycle_months))} if approved today"


def findings_html(c: TiaContent, uk: bool) -> str:
    """What the steps found, for the conclusion."""
    rows = [
        "Problematic law: "
        + esc(PROBLEMATIC_LAW_LABELS[yes_no(c.problematic_law)].split(":")[0].lower())
    ]
    in_place = sum(1 for m in c.measures if m.in_place)
    rows.append(
        f"Supplementary measures: {len(c.measures)} ({in_place} in place, "
        f"{len(c.measures) - in_place} planned)"
    )
    if uk:
        d = tra_decision(c)
        rows.append(
            "UK TRA: " + esc(d.outcome or "open") + f" <small>({esc(d.explanation)})</small>"
        )
    if c.quantitative is not None and c.quantitative.bases:
        r = rosenthal(c.quantitative)
        rows.append(
            f"Quantitative estimate: {esc(fmt.percent(r.cumulative))} over {r.period_years} "
            + (
                "years, within the threshold"
                if r.within_threshold
                else "years, ABOVE the threshold"
            )
        )
    return "<ul style='margin:0'>" + "".join(f"<li>{r}</li>" for r in rows) + "</ul>"


def measures_answer(c: TiaContent) -> str:
    """Step 4's opening line: what step 3 said about problematic law."""
    if c.problematic_law is None:
        return (
            f"<span style='color:{TODO_COLOUR}'>Step 3 does not say yet whether problematic "
            "law applies.</span>"
        )
    if c.problematic_law:
        return (
            f"<b style='color:{TODO_COLOUR}'>Problematic law applies</b> (step 3): record "
            "the measures that address it."
        )
    return (
        f"<span style='color:{DONE_COLOUR}'>No problematic law applies</span> (step 3): "
        "measures are optional."
    )


def measure_help_html(code: str, use_case: str) -> str:
    """What the chosen catalogue entry and EDPB use case say about a measure."""
    parts = []
    found = measure_catalogue().get(code)
    if found is not None:
        text, helps, verified = found
        parts.append(
            f"<b>{esc(code)}</b>: {esc(text)}. Helps with: "
            f"{esc(helps)}" + ("" if verified else " <b>(UNVERIFIED)</b>")
        )
    if use_case in USE_CASES:
        text, effect, verified = USE_CASES[use_case]
        colour = LATE_COLOUR if effect.startswith("no") else DONE_COLOUR
        parts.append(
            f"<b>{use_case}</b> {esc(text)}: EDPB finds <b style='color:{colour}'>"
            f"{esc(effect)}</b>" + ("" if verified else " (conditions UNVERIFIED)")
        )
    return "<br>".join(parts)


def tra_html(c: TiaContent) -> str:
    """The ICO decision as the answers stand (``domain.tia.tra_decision`` decides)."""
    d = tra_decision(c)
    level = {
        "": "none needed" if d.harm else "—",
        "level_1": "level 1",
        "level_2": "level 2",
        "level_3": "level 3",
    }[d.investigation.value]
    significant = {None: "not yet known", True: "yes", False: "no"}[d.significant_risk]
    outcome = d.outcome or "open"
    colour = DONE_COLOUR if d.outcome == "proceed" else LATE_COLOUR if d.outcome else TODO_COLOUR
    return (
        f"<p style='margin:0'><b>Outcome: <span style='color:{colour}'>"
        f"{esc(outcome.upper())}</span></b> — {esc(d.explanation)}</p>"
        "<p style='margin-top:4px'>"
        f"Harm risk (decision A): <b>{esc(d.harm or 'not scored')}</b> · "
        f"Investigation (decision B): <b>{esc(level)}</b> · "
        f"Significant-risk data (decision E): <b>{esc(significant)}</b></p>"
    )


def quantitative_html(q: Quantitative | None) -> str:
    """The Rosenthal estimate as the figures stand (``domain.tia.rosenthal`` computes)."""
    if q is None:
        return "No estimate made (optional)."
    if not q.bases:
        return "Add a legal basis of access and its factors."
    r = rosenthal(q)
    if r.years_at_90 is None:
        years = "never (no basis has a chance of access)"
    else:
        years = f"{r.years_at_90:,.0f} years"
    verdict = (
        f"<b style='color:{DONE_COLOUR}'>WITHIN the threshold</b>"
        if r.within_threshold
        else f"<b style='color:{LATE_COLOUR}'>ABOVE the threshold</b>"
    )
    return (
        "<table cellspacing='0' cellpadding='2'>"
        f"<tr><td>Probability per year</td><td><b>{fmt.percent(r.per_year)}</b></td></tr>"
        f"<tr><td>Over {r.period_years} years</td><td><b>{fmt.percent(r.cumulative)}</b></td></tr>"
        "<tr><td>At least one case with 90 % probability within&nbsp;</td>"
        f"<td><b>{esc(years)}</b></td></tr>"
        f"<tr><td>Threshold</td><td>{fmt.percent(r.threshold)} over {r.period_years} years: "
        f"{verdict}</td></tr></table>"
    )


def basis_results(q: Quantitative | None) -> list[str]:
    """Each legal basis's probability per year, in order."""
    if q is None:
        return []
    return [fmt.percent(b.per_year) for b in rosenthal(q).bases]


# Sign-off problems said beside the field they concern.
BESIDE = {
    "name the assessor": "assessor",
    "name the approver": "approver",
    "the approver must be someone other than the assessor": "approver",
}


@dataclass(frozen=True, slots=True)
class SignOff:
    """Where the sign-off problems go: beside the assessor and approver, and the list."""

    beside: dict[str, str]  # field -> its message ("" for none)
    html: str
    can_approve: bool


def sign_off(found: Sequence[str]) -> SignOff:
    beside = {
        field: "; ".join(p[:1].upper() + p[1:] for p in found if BESIDE.get(p) == field)
        for field in ("assessor", "approver")
    }
    rest = [p for p in found if p not in BESIDE]
    if found:
        text = (
            f"<p style='margin-bottom:0; color:{TODO_COLOUR}'><b>Before approval:</b></p>"
            "<ul style='margin-top:0'>"
            + "".join(f"<li>{esc(p)}</li>" for p in rest)
            + "".join(f"<li>{esc(p)}</li>" for p in found if p in BESIDE)
            + "</ul>"
        )
    else:
        text = (
            f"<p style='color:{DONE_COLOUR}'><b>Ready for approval.</b> Approving records "
            "the approver and today's date, sets the next review from the cycle and takes "
            "a snapshot of the register.</p>"
        )
    return SignOff(beside, text, not found)


def laws_header_html(
    destination: str, profile_as_of: date | None, unverified: int, total: int
) -> str:
    profile = (
        f" · country profile as of {esc(fmt.day(profile_as_of))}"
        if profile_as_of
        else " · no country profile shipped for this destination: add the laws yourself"
    )
    flagged = (
        f" · <b style='color:{TODO_COLOUR}'>{unverified} of {total} marked "
        "UNVERIFIED</b>: check them against a source before relying on them"
        if unverified
        else ""
    )
    return f"<b>Destination: {esc(fmt.country_label(destination))}</b>{profile}{flagged}"


def covered_html(transfers: Sequence[Transfer], names: Mapping[int, str]) -> str:
    return (
        "<br>".join(
            f"Transfer {t.id}: {esc(names.get(t.exporter_id, '?'))} → "
            f"{esc(names.get(t.importer_id, '?'))} ({esc(fmt.country_label(t.destination))})"
            for t in transfers
        )
        or "<i>the transfer is no longer on the register</i>"
    )


def tool_html(
    ref: ReferenceSet,
    today: date,
    regimes: Sequence[Regime],
    transfers: Sequence[Transfer],
    names: Mapping[int, str],
    documents: Mapping[int, Document | None],
) -> str:
    """Step 2: the mechanisms on the register for each transfer, with their documents, and
    what the law requires today (the rules decide). ``documents``: each linked document,
    None when it is not on the register."""
    parts = [
        "<p><b>Assessed under:</b> "
        + esc(", ".join(fmt.REGIME_LABELS[r] for r in regimes) or "no regime")
        + "</p>"
    ]
    for t in transfers:
        exporter = names.get(t.exporter_id, f"#{t.exporter_id}")
        importer = names.get(t.importer_id, f"#{t.importer_id}")
        parts.append(
            f"<h4 style='margin-bottom:2px'>Transfer {t.id}: {esc(exporter)} → "
            f"{esc(importer)} ({esc(fmt.country_label(t.destination))})</h4>"
            f"<p style='margin-top:0; color:#57606a'>{esc(fmt.ROLE_LABELS[t.exporter_role])} to "
            f"{esc(fmt.ROLE_LABELS[t.importer_role])}"
            + (f" · {esc(t.service)}" if t.service else "")
            + "</p>"
        )
        if not t.mechanisms:
            parts.append(f"<p style='color:{LATE_COLOUR}'><b>No mechanism recorded.</b></p>")
            continue
        rows = []
        for pos, use in enumerate(t.mechanisms):
            doc_text = "no document linked"
            if use.document_id is not None:
                doc = documents.get(use.document_id)
                if doc is None:
                    doc_text = f"document #{use.document_id} (not found)"
                else:
                    expires = (
                        f"expires {fmt.day(doc.expires_on)}" if doc.expires_on else "no expiry date"
                    )
                    doc_text = f"{esc(doc.title)} (signed {esc(fmt.day(doc.signed_on))}, {expires})"
            rows.append(
                f"<li><b>{'Primary' if pos == 0 else 'Fallback'}:</b> "
                f"{esc(fmt.MECHANISM_LABELS.get(use.mechanism, use.mechanism.value))} — "
                f"{doc_text}</li>"
            )
        parts.append("<ul style='margin-top:0'>" + "".join(rows) + "</ul>")
        findings = []
        for regime in regimes:
            try:
                a = assess_destination(
                    ref, regime, t.destination, today, t.importer_role, t.exporter_role
                )
            except TransfersError:
                continue
            line = f"<b>{esc(fmt.REGIME_LABELS[regime])}:</b> {esc(a.words(a.reason).rstrip('.'))}"
            if a.decision is not None:
                line += f" ({esc(a.decision.reference)})"
            if a.needs_mechanism and a.scc_module:
                line += f"; SCC Module {a.scc_module} fits these roles"
            findings.append(f"<li>{line}</li>")
        if findings:
            parts.append(
                "<p style='margin-bottom:0'>What the law requires today:</p>"
                "<ul style='margin-top:0'>" + "".join(findings) + "</ul>"
            )
    return "".join(parts)
