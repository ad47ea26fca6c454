"""The regulator's cover letter, as a letter: who writes to whom, when, under which reference;
every open item the readiness check knows, per transfer, with its owner and target date; what
each enclosure is and whether it is current; a signature block; marked confidential.

Every word is decided here (``ReportDocument``); ``exports`` lays it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from transfers_app.domain.audit_chain import AuditVerification
from transfers_app.domain.formatting import day
from transfers_app.domain.organisation import OrganisationProfile, Person
from transfers_app.reports import document as rd
from transfers_app.services.audit import pack_audit_fields, pack_audit_sentence
from transfers_app.services.open_items import (
    CATEGORIES,
    OTHER,
    TITLES,
    UNVERIFIED,
    Finding,
    Readiness,
    unit_words,
)

CONFIDENTIAL = "CONFIDENTIAL"


@dataclass(frozen=True, slots=True)
class Enclosure:
    """One file of the pack as the letter describes it: ``status`` says what a reader must
    know of it (DRAFT, STALE, EXPIRED, NOT VALID...; "" : current), ``current`` whether it is
    a current record (DPF evidence checked in time is current, and says it is evidence)."""

    path: str
    what: str
    status: str = ""
    current: bool = True


@dataclass(frozen=True, slots=True)
class LetterFacts:
    org: OrganisationProfile
    on: date
    regulator: str  # the UK regulator's name on ``on`` (reference data)
    addressee: str
    reference: str  # the case reference ("" if none was given)
    preparer: Person
    scope_text: str
    # Transfers in scope (live at some time in the date range, if one was given).
    transfers_in_scope: int
    empty_range: str  # "" or the sentence saying that nothing was live in the range
    ready: Readiness
    enclosures: Sequence[Enclosure]
    not_enclosed: Sequence[tuple[str, str]]  # (document, why) relied on but not in the pack
    audit: AuditVerification | None = None


def the(name: str) -> str:
    """A body's name as a sentence uses it: "the Information Commission (...)"."""
    return name if name.lower().startswith("the ") else f"the {name}"


def _one_line(text: str) -> str:
    return ", ".join(p.strip() for p in text.splitlines() if p.strip())


def _items_table(items: Sequence[Finding]) -> rd.Table:
    rows = tuple(
        (
            f.reference or "—",
            f.subject or "—",
            f.severity.value.upper(),
            f.text(),
            day(f.open_since),
            f.owner or "not set",
            day(f.target_on, "not set"),
        )
        for f in items
    )
    return rd.Table(
        ("Ref.", "Entity", "Severity", "Open item", "Open since", "Owner", "Target"),
        rows,
        (0.5, 1.45, 1.1, 3.55, 0.95, 1.05, 0.9),
        flagged=tuple(i for i, f in enumerate(items) if f.severity.rank == 0),
    )


def _open_items(facts: LetterFacts) -> rd.Section:
    ready = facts.ready
    summary = tuple(
        (title, (unit_words(key, n) + (", listed in the annex" if key == UNVERIFIED else "")))
        if n
        else (title, "none")
        for key, title, n in ready.headline
    )
    blocks: list[rd.Para | rd.Fields | rd.Table | rd.Bullets] = [
        rd.Para(
            f"Before this pack was prepared the register was checked for what an inquiry asks "
            f"about first. These items were open on {day(ready.on)}. They are listed here, "
            "each once per transfer it concerns, rather than left out; the owner and target "
            "date are those recorded on the register (the owner defaults to the owner of the "
            "entity concerned, else to the owner of our entity sending the data)."
        ),
        rd.Fields(summary),
    ]
    if ready.transfers_open:
        blocks.append(
            rd.Para(
                f"{unit_words('', ready.transfers_open).capitalize()} of the "
                f"{facts.transfers_in_scope} in scope have at least one open item.",
                rd.Tone.NOTE,
            )
        )
    keys = [k for k, _, _ in CATEGORIES if k != UNVERIFIED] + [OTHER[0]]
    for key in keys:
        items = ready.items(key)
        if not items:
            continue
        table = _items_table(items)
        caption = f"{TITLES[key]}: {unit_words(key, ready.count(key))}"
        blocks.append(
            rd.Table(
                table.headers, table.rows, table.widths, caption=caption, flagged=table.flagged
            )
        )
    if not ready.findings:
        blocks.append(rd.Para("Nothing was open on the register in this scope."))
    return rd.Section(f"Open items on {day(ready.on)}", tuple(blocks))


def _unverified(facts: LetterFacts) -> rd.Section | None:
    ready = facts.ready
    decisions = [f for f in ready.items(UNVERIFIED) if not f.fact]
    if not ready.facts and not decisions:
        return None
    blocks: list[rd.Para | rd.Table] = [
        rd.Para(
            "Facts the research behind the register's reference data could not verify against "
            "an official (T1) or reputable secondary (T2) source. An assessment relies on such "
            "a fact only once its approver has accepted it by name; each assessment also lists "
            f"them in its own section. "
            f"{unit_words(UNVERIFIED, ready.count(UNVERIFIED)).capitalize()} in all."
        )
    ]
    if ready.facts:
        rows = tuple(
            (
                r.statement,
                ", ".join(r.assessments) + (f" ({'; '.join(r.importers)})" if r.importers else ""),
                "; ".join(r.accepted) + f". Research of {day(r.as_of)}",
            )
            for r in ready.facts
        )
        blocks.append(
            rd.Table(
                ("Fact relied on", "By the assessments", "Accepted by"),
                rows,
                (4.6, 1.9, 1.7),
                caption="Facts the assessments rely on",
            )
        )
    if decisions:
        blocks.append(
            rd.Table(
                ("Ref.", "Entity", "Legal fact relied on"),
                tuple((f.reference or "—", f.subject or "—", f.text()) for f in decisions),
                (0.6, 1.8, 5.8),
                caption="Reference data the transfers rely on",
            )
        )
    return rd.Section("Annex: unverified reference facts relied on", tuple(blocks))


def _enclosures(facts: LetterFacts) -> rd.Section:
    rows = tuple((e.path, e.what, e.status or "Current") for e in facts.enclosures)
    flagged = tuple(i for i, e in enumerate(facts.enclosures) if not e.current)
    blocks: list[rd.Para | rd.Table | rd.Bullets] = [
        rd.Para(
            "Every file of the pack, with what it is. A record that is not current is "
            "enclosed as the register holds it and marked: a draft or stale assessment is not "
            "an approved current one, and an expired or invalid document is not a current "
            "safeguard."
        ),
        rd.Table(("File", "What it is", "Status"), rows, (2.6, 3.4, 2.0), flagged=flagged),
    ]
    if facts.not_enclosed:
        blocks.append(
            rd.Table(
                ("Document relied on", "Not enclosed because"),
                tuple(facts.not_enclosed),
                (4.0, 4.0),
                caption="Documents relied on but not enclosed",
            )
        )
    return rd.Section("Enclosures", tuple(blocks))


def _integrity(facts: LetterFacts) -> rd.Section:
    blocks: list[rd.Para | rd.Fields | rd.Bullets] = [
        rd.Para(
            "The SHA-256 of each file is in manifest.json. On any computer, "
            "'sha256sum FILE' (Linux), 'shasum -a 256 FILE' (macOS) or 'Get-FileHash FILE' "
            "(Windows PowerShell) prints the value to compare."
        )
    ]
    audit = facts.audit
    if audit is not None:
        blocks += [rd.Para(pack_audit_sentence(audit)), rd.Fields(pack_audit_fields(audit))]
    return rd.Section("Integrity", tuple(blocks))


def _signers(facts: LetterFacts) -> tuple[rd.Signer, ...]:
    org = facts.org
    people = list(org.signers) or [facts.preparer]
    part = f"For and on behalf of {org.display_name}"
    return tuple(rd.Signer(part, p.name, p.role) for p in people)


def cover_letter(facts: LetterFacts) -> rd.ReportDocument:
    org, on = facts.org, facts.on
    name = org.display_name
    regulator = the(facts.regulator or "regulator")
    addressee = facts.addressee.strip() or facts.regulator or "The regulator"
    address = _one_line(org.address)
    heading: list[tuple[str, str]] = [
        ("To", _one_line(addressee)),
        ("From", f"{facts.preparer.line()}, for {name}"),
        ("Date", day(on)),
        ("Our reference", facts.reference.strip() or "none given"),
        ("Registration number", f"{org.registration_number} with {regulator}"),
        ("Data protection officer", org.dpo_line()),
    ]
    if org.eu_representative.strip():
        heading.append(("EU representative (Art 27)", org.eu_representative.strip()))
    heading.append(("Scope", facts.scope_text))
    sender = facts.preparer.line()
    body: list[rd.Para | rd.Fields | rd.Signatures] = [
        rd.Para("Dear Sir or Madam,"),
        rd.Para(
            f"{name} provides its records of international transfers of personal data and the "
            f"evidence of their safeguards to {regulator}, on request under UK GDPR Art 30(4) "
            "and Art 31. The transfer assessments are included as kept under Clause 14(d) of "
            "the EU Standard Contractual Clauses and as the UK transfer risk assessments."
        ),
        rd.Para(
            f"The pack covers {facts.scope_text}, as the register stood on {day(on)}: "
            f"{unit_words('', facts.transfers_in_scope)} in scope."
        ),
    ]
    if facts.empty_range:
        body.append(rd.Para(facts.empty_range, rd.Tone.WARNING))
    body.append(
        rd.Para(
            "The open items the register shows on that day are listed below with their owners "
            "and target dates, and each enclosure is marked where it is not current."
        )
    )
    closing: list[rd.Para | rd.Signatures] = [
        rd.Para(
            f"Please address questions about this pack to {sender}, or to our data protection "
            f"officer, {org.dpo_line()}"
            + (f", quoting our reference {facts.reference.strip()}." if facts.reference else ".")
        ),
        rd.Para("Yours faithfully,"),
        rd.Signatures(_signers(facts)),
    ]
    sections = [
        rd.Section("Records of international transfers of personal data", tuple(body)),
        _open_items(facts),
        _enclosures(facts),
        _integrity(facts),
        rd.Section("Contact", tuple(closing)),
    ]
    annex = _unverified(facts)
    if annex is not None:
        sections.append(annex)
    marking = (
        f"{CONFIDENTIAL}. This letter and its enclosures contain personal data and commercially "
        f"sensitive information of {name} and of the organisations named in them. They are "
        f"provided to {regulator} for its inquiry; please do not disclose them further without "
        f"first consulting {name}."
    )
    ref = f" · ref. {facts.reference.strip()}" if facts.reference.strip() else ""
    return rd.ReportDocument(
        title=name,
        subtitle=address,  # the letterhead, and the running head of every page
        author=facts.preparer.name,
        subject="Records of international transfers of personal data and their safeguards",
        keywords=("Art 30", "international transfers", "evidence", regulator),
        generated_on=on,
        footer=f"{CONFIDENTIAL} · {name} · letter of {day(on)}{ref}",
        heading=rd.Fields(tuple(heading)),
        sections=tuple(sections),
        cover_statement=marking,
        number_sections=False,
    )
