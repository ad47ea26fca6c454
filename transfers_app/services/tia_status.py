"""What has changed since an assessment was approved, said beside the document as approved and
never inside it: a dated status sheet ("As at 7 Dec 2026: stale because...; review overdue
since...; tool expired on...; what changed in the law since approval"), as a small report of
its own that ``export tia`` writes next to the document, the editor offers with its export and
the evidence pack encloses.

``StatusReport`` holds the findings (read by ``TiaService.status``); ``status_document`` words
them as a report model; ``notes`` as the lines the command line prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from transfers_app.domain.countries import country_name
from transfers_app.domain.formatting import day
from transfers_app.domain.models import Tia
from transfers_app.reports.document import (
    Bullets,
    Fields,
    Para,
    ReportDocument,
    Section,
    Tone,
)


@dataclass(frozen=True, slots=True)
class ToolStatus:
    """A tool relied on that is no longer valid, or that expires soon."""

    regime_label: str
    name: str
    documents: str  # the documents' titles, quoted
    invalid_after: date | None  # the last day it was valid (None: valid, or not known)
    valid: bool
    expires_on: date | None
    replacements: tuple[str, ...]

    def sentence(self) -> str:
        docs = f" ({self.documents})" if self.documents else ""
        if not self.valid:
            when = (
                f"it ceased to be valid after {day(self.invalid_after)}"
                if self.invalid_after
                else "it is not valid"
            )
            if self.expires_on is not None and self.expires_on == self.invalid_after:
                when = f"it expired on {day(self.expires_on)}"
            out = (
                f"The {self.regime_label} tool, {self.name}{docs}, no longer covers the "
                f"transfer: {when}. Suspend the transfer or replace the tool"
            )
            if self.replacements:
                out += ": for a new contract, " + " or ".join(self.replacements)
            return out + "."
        return (
            f"The {self.regime_label} tool, {self.name}{docs}, expires on "
            f"{day(self.expires_on)}: renew or replace it before then."
        )


@dataclass(frozen=True, slots=True)
class StatusReport:
    """An approved assessment against the register and the law, as at a day."""

    tia: Tia
    on: date
    importer: str
    destination: str
    stale: tuple[str, ...]  # why it no longer matches the register
    reference_change: tuple[str, str] | None  # (version approved with, version now)
    overdue_since: date | None
    tools: tuple[ToolStatus, ...]
    law_changes: tuple[str, ...]  # what changed in the law since approval that matters

    @property
    def empty(self) -> bool:
        return not (
            self.stale or self.reference_change or self.overdue_since or self.tools
            or self.law_changes
        )  # fmt: skip

    def findings(self) -> list[str]:
        """The status in sentences, most pressing first."""
        out = [t.sentence() for t in self.tools if not t.valid]
        if self.overdue_since is not None:
            out.append(
                f"Review overdue since {day(self.overdue_since)}: the assessment was due to be "
                "reviewed that day and has not been."
            )
        if self.stale:
            out.append("Stale: it no longer matches the register: " + "; ".join(self.stale) + ".")
        if self.reference_change is not None:
            was, now = self.reference_change
            out.append(
                f"Stale: it was approved with the legal reference data of version {was}; "
                f"version {now} is now in use"
                + (
                    ": what changed in the law since approval is set out below."
                    if self.law_changes
                    else ", with no change in the law that bears on this transfer."
                )
            )
        out.extend(t.sentence() for t in self.tools if t.valid)
        return out


def notes(report: StatusReport) -> list[str]:
    """The status as the command line prints it beside the document: one line a finding, then
    what changed in the law."""
    if report.empty:
        return []
    lines = report.findings()
    if report.law_changes:
        lines.append("Changed in the law since approval: " + " ".join(report.law_changes))
    return lines


def status_document(report: StatusReport, organisation: str) -> ReportDocument:
    """The status sheet: dated, apart from the document as approved."""
    tia = report.tia
    approved = day(tia.approved_on)
    on = day(report.on)
    sections = [
        Section(
            f"Status as at {on}",
            (
                Para(
                    f"As at {on}, the approved version of {approved} of {tia.reference} "
                    f"({report.importer}, {country_name(report.destination)}) stands as "
                    "follows:"
                ),
                Bullets(tuple(report.findings())),
                Para(
                    "The assessment itself is reproduced exactly as approved on "
                    f"{approved}; this sheet, dated {on}, is not part of it. A reassessment "
                    "(a new revision, approved in its turn) brings it up to date.",
                    Tone.NOTE,
                ),
            ),
        )
    ]
    if report.law_changes:
        sections.append(
            Section(
                f"What changed in the law since {approved}",
                (
                    Para("Changes since the approval that bear on this transfer:"),
                    Bullets(report.law_changes),
                ),
            )
        )
    facts = (("Assessment", tia.reference), ("Approved version of", approved), ("Status as at", on))
    return ReportDocument(
        title="Status of an approved assessment",
        subtitle=f"{tia.reference}: {report.importer} ({country_name(report.destination)})",
        heading=Fields(facts),
        sections=tuple(sections),
        edition=f"Status as at {on}",
        author=organisation,
        subject=f"Status of {tia.reference} as at {report.on.isoformat()}",
        keywords=("TIA", "status", tia.reference),
        generated_on=report.on,
        footer=f"{organisation} · {tia.reference} · status as at {on}",
    )


def sheet_path(document: Path, on: date) -> Path:
    """Where the status sheet goes: beside the document, ``NAME.status-YYYY-MM-DD.EXT``."""
    return document.with_name(f"{document.stem}.status-{on.isoformat()}{document.suffix}")


# -- what changed in the law ---------------------------------------------------------------------


def relevant_events(
    changelog: Sequence[tuple[date, str]],
    since: date,
    on: date,
    regimes: Sequence[str],
    destinations: Sequence[str],
    as_of: date,
) -> list[str]:
    """The reference data's events after ``since`` (up to ``on``) that bear on a transfer
    under ``regimes`` to ``destinations``: the regime's own changes ("UK: ..."), and those
    naming a destination."""
    names = []
    for code in destinations:
        names += [re.escape(country_name(code)), rf"\b{re.escape(code)}\b"]
        if code == "US":
            names += [r"EU-US", r"Data Privacy Framework"]
    pattern = re.compile("|".join(names)) if names else None
    out = []
    for when, event in changelog:
        if not since < when <= on:
            continue
        mine = any(event.startswith(f"{r}:") for r in regimes)
        if not mine and not (pattern is not None and pattern.search(event)):
            continue
        text = event
        if text.startswith("Reported, not verified: "):
            text = text.removeprefix("Reported, not verified: ")
            text = text[:1].upper() + text[1:].rstrip(".")
            text += f" (not independently verified as of {day(as_of)})."
        out.append(f"{day(when)}: {text}")
    return out
