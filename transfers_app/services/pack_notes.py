"""Two enclosures of the evidence pack: the one-page note on how the register is kept and
checked, and the extract of the audit log for the pack's period.

The audit extract names no one: the log's actor is the computer account a change was made from
(not a person, and not a name to send to a regulator), so the extract says when, which record
and what changed, never who.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from transfers_app.domain.formatting import day
from transfers_app.domain.models import AuditEntry
from transfers_app.domain.organisation import OrganisationProfile
from transfers_app.reference.loader import ReferenceSet
from transfers_app.reports.document import Bullets, Fields, Para, ReportDocument, Section, Tone
from transfers_app.services.audit import parse_record

# What each audited table holds, as a reader calls one record.
RECORD_WORDS = {
    "entities": "entity",
    "locations": "processing location",
    "documents": "document",
    "transfers": "transfer",
    "tias": "transfer assessment",
    "catalogue": "catalogue item",
    "subprocessor_notices": "sub-processor notice",
    "publications": "publication",
    "organisation": "organisation profile",
    "open_items": "open item follow-up",
    "register": "whole register",
}
TIER_WORDS = {
    "T1": "official texts (legislation, decisions, regulators' guidance)",
    "T2": "reputable secondary sources (law firms, professional bodies)",
    "T3": "weak sources, kept only as a record of what was rejected and never cited",
    "unrated": "sources not yet rated, never cited",
}


def _changed(before: str | None, after: str | None) -> str:
    """The fields a change touched, by name (never their values)."""
    if before is None and after is None:
        return ""
    old, new = parse_record(before), parse_record(after)
    if old is None or new is None:
        if isinstance(new, dict) or isinstance(old, dict):
            return "created" if old is None else "removed"
        return after or ""  # a note on the whole register says what it did
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    noise = {"version", "updated_at"}
    return ", ".join(k for k in keys if k not in noise) or "no field"


def audit_extract(
    entries: Iterable[AuditEntry], start: date | None, end: date
) -> list[tuple[str, str, str, str, str]]:
    """The changes made between ``start`` (None: the first) and ``end``, oldest first: when,
    which record, its id, the action and what changed."""
    kept = sorted(
        (e for e in entries if e.at.date() <= end and (start is None or e.at.date() >= start)),
        key=lambda e: (e.at, e.id or 0),
    )
    return [
        (
            e.at.isoformat(timespec="seconds"),
            RECORD_WORDS.get(e.table, e.table),
            "" if e.record_id is None else str(e.record_id),
            e.action,
            _changed(e.before, e.after),
        )
        for e in kept
    ]


def methodology_note(
    org: OrganisationProfile, ref: ReferenceSet, on: date, regulator: str
) -> ReportDocument:
    """One page: how the register is kept, what the status check looks at, the reference data
    and its sources, what "unverified" means."""
    tiers: dict[str, int] = {}
    for s in ref.sources.values():
        tiers[s.tier] = tiers.get(s.tier, 0) + 1
    unverified = sum(1 for d in ref.decisions if not d.verified)
    tier_lines = tuple(
        f"{t}: {tiers[t]} {'source' if tiers[t] == 1 else 'sources'}, {TIER_WORDS[t]}"
        for t in ("T1", "T2", "T3", "unrated")
        if tiers.get(t)
    )
    recheck = next(
        (m.evidence_recheck for m in ref.mechanisms.values() if m.evidence_recheck), None
    )
    dpf = (
        f"re-checked on the DPF List at least every {recheck.every_months} months"
        if recheck is not None
        else "re-checked on the DPF List"
    )
    return ReportDocument(
        title="How the register is kept and checked",
        subtitle=f"{org.display_name} · note enclosed with the evidence pack of {day(on)}",
        author=org.display_name,
        subject="Method of the register of international transfers",
        keywords=("method", "register", "reference data"),
        generated_on=on,
        footer=f"CONFIDENTIAL · {org.display_name} · method note of {day(on)}",
        heading=Fields(
            (
                ("Reference data", f"version {ref.version}, as of {day(ref.as_of)}"),
                ("Prepared for", regulator or "the regulator"),
            )
        ),
        number_sections=False,
        sections=(
            Section(
                "How the register is kept",
                (
                    Para(
                        "One record per entity (our group companies, vendors, customers) with "
                        "where it processes data; per transfer its exporter, importer, "
                        "destination, kind of access, data, purpose and dates, and the "
                        "mechanisms it relies on in order (primary first, then fallbacks), each "
                        "linked to the document that evidences it; per assessment its "
                        "revisions, who assessed and approved it, and the register it was made "
                        "on. Records are archived, never deleted; every change is written to an "
                        "audit log with the record before and after."
                    ),
                ),
            ),
            Section(
                "What the status check looks at, per transfer and regime (UK, EU, CH)",
                (
                    Bullets(
                        (
                            "whether the destination is restricted or adequate on the date, "
                            "and within the scope of the adequacy decision;",
                            "whether a mechanism covers the transfer: its document signed, in "
                            "effect, not expired or superseded, the right SCC module, the EU "
                            "SCCs with the UK Addendum for a UK transfer, legacy SCCs within "
                            "their deadlines, DPF certification under the framework the regime "
                            f"needs and {dpf};",
                            "whether an approved assessment exists where the mechanism needs "
                            "one, was reviewed on time, and still matches the register (it is "
                            "stale once the countries, mechanisms, data, sub-processors or "
                            "reference data it was made on change);",
                            "document reviews that are due, and entities without a location.",
                        )
                    ),
                ),
            ),
            Section(
                "The reference data",
                (
                    Para(
                        f"Legal facts are dated data, not code: version {ref.version} (as of "
                        f"{day(ref.as_of)}) holds {len(ref.decisions)} adequacy decisions and "
                        f"data bridges and {len(ref.instruments)} transfer instruments, each "
                        "with its legal reference, dates, scope and sources. Its sources by "
                        "tier:"
                    ),
                    Bullets(tier_lines),
                ),
            ),
            Section(
                "What \u201cunverified\u201d means",
                (
                    Para(
                        "A fact is unverified when the research behind the reference data "
                        "could not confirm it against a T1 or T2 source. The checks still apply "
                        "it, every output that relies on it says so, and an assessment relying "
                        "on it is approved only once its approver has accepted it by name. "
                        f"{unverified} of the decisions in this version are unverified.",
                    ),
                    Para(
                        "The audit log records the computer account each change was made from, "
                        "which is not a person's name: the enclosed extract says when, which "
                        "record and what changed, not who.",
                        Tone.NOTE,
                    ),
                ),
            ),
        ),
    )
