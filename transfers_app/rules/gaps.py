"""What is missing or wrong on the register for one transfer, per regime, on a date.

Each transfer lists its mechanisms in order (primary first, then fallbacks). A regime's
transfer is covered when at least one mechanism that applies to that regime is valid on the
date; problems with the others are still reported, capped at medium while a fallback covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import (
    LEGACY_SCC_KINDS,
    DocumentKind,
    DocumentStatus,
    EntityKind,
    Finding,
    Mechanism,
    Regime,
    Role,
    Severity,
    TiaStatus,
)
from transfers_app.domain.formatting import MECHANISM_PHRASES
from transfers_app.domain.models import Document, Entity, MechanismUse, Tia, Transfer
from transfers_app.reference.loader import ReferenceSet
from transfers_app.rules.destination import (
    LEGACY_MODULE,
    MODULE_NAMES,
    NO_CERTS,
    Certifications,
    DestinationAssessment,
    assess_destination,
    scc_module,
)

DPF_RECHECK = relativedelta(months=12)


@lru_cache(maxsize=64)
def _dpf_cutoff(on: date) -> date:
    """Evidence checked before this day is more than 12 months old on ``on``."""
    return on - DPF_RECHECK


class GapCode(StrEnum):
    NO_SAFEGUARD = "no_safeguard"
    NO_VALID_MECHANISM = "no_valid_mechanism"
    WRONG_MECHANISM = "wrong_mechanism"
    WRONG_MODULE = "wrong_module"
    UK_BARE_EU_SCC = "uk_bare_eu_scc"
    LEGACY_SCC_EXPIRED = "legacy_scc_expired"
    LEGACY_SCC_TOO_LATE = "legacy_scc_signed_too_late"
    MISSING_DOCUMENT = "missing_document"
    DOCUMENT_EXPIRED = "document_expired"
    DOCUMENT_NOT_YET_EFFECTIVE = "document_not_yet_effective"
    DOCUMENT_SUPERSEDED = "document_superseded"
    REVIEW_OVERDUE = "review_overdue"
    DPF_NOT_RECHECKED = "dpf_not_rechecked"
    DEROGATION_UNDOCUMENTED = "derogation_undocumented"
    TIA_MISSING = "tia_missing"
    TIA_OVERDUE = "tia_overdue"
    TIA_STALE = "tia_stale"  # the register has changed since the assessment was approved
    PRIMARY_INVALID = "primary_mechanism_invalid"
    NOT_ASSESSABLE = "not_assessable"
    ARCHIVED_PARTY = "archived_party"
    UNVERIFIED_FACT = "unverified_fact"
    ENTITY_NO_COUNTRY = "entity_without_country"


class Gap(NamedTuple):
    """One problem found on the register (immutable; a NamedTuple because a large register
    produces tens of thousands of them and tuples are the cheapest immutable records)."""

    code: GapCode
    severity: Severity
    message: str
    transfer_id: int | None = None
    entity_id: int | None = None
    regime: Regime | None = None
    document_id: int | None = None
    due_on: date | None = None


class RegimeResult(NamedTuple):
    assessment: DestinationAssessment
    covered_by: Mechanism | None  # the mechanism that makes the transfer lawful, if any
    gaps: tuple[Gap, ...]


@dataclass(frozen=True, slots=True)
class TransferStatus:
    transfer: Transfer
    results: tuple[RegimeResult, ...]
    # Every gap once: the same document or assessment failing under two regimes is one gap
    # (regime None, the regimes named in the message) at its worst severity.
    gaps: tuple[Gap, ...]

    @property
    def worst(self) -> Severity | None:
        gaps = self.gaps
        return min((g.severity for g in gaps), key=lambda s: s.rank) if gaps else None


# Gaps about one record (a document, the transfer's assessment): reported once per transfer
# even when several regimes find them.
_PER_RECORD = frozenset(
    {
        GapCode.TIA_MISSING,
        GapCode.TIA_OVERDUE,
        GapCode.DPF_NOT_RECHECKED,
        GapCode.REVIEW_OVERDUE,
        GapCode.DOCUMENT_EXPIRED,
        GapCode.DOCUMENT_NOT_YET_EFFECTIVE,
        GapCode.DOCUMENT_SUPERSEDED,
        GapCode.DEROGATION_UNDOCUMENTED,
    }
)
LEGACY_DECISION = {
    DocumentKind.LEGACY_SCC_2001: "2001/497/EC",
    DocumentKind.LEGACY_SCC_2004: "2004/915/EC",
    DocumentKind.LEGACY_SCC_2010: "2010/87/EU",
}
GENERIC_ASSESSMENT = "transfer impact / risk assessment"
MODULE4_TIA = (
    " - Module Four: needed only if you combine the controller's data with personal data "
    "you collected in the EU (SCC Clauses 14 and 15)"
)

# Which mechanisms can make a transfer lawful under each regime.
APPLIES = {
    Regime.EU: {
        Mechanism.ADEQUACY,
        Mechanism.DPF,
        Mechanism.EU_SCC,
        Mechanism.LEGACY_SCC,
        Mechanism.BCR,
        Mechanism.DEROGATION,
    },
    Regime.UK: {
        Mechanism.ADEQUACY,
        Mechanism.DPF,
        Mechanism.UK_IDTA,
        Mechanism.UK_ADDENDUM,
        Mechanism.EU_SCC,
        Mechanism.LEGACY_SCC,
        Mechanism.BCR,
        Mechanism.DEROGATION,
    },
    Regime.CH: {
        Mechanism.ADEQUACY,
        Mechanism.DPF,
        Mechanism.EU_SCC,
        Mechanism.BCR,
        Mechanism.DEROGATION,
    },
}
NEEDS_ASSESSMENT = {
    Mechanism.EU_SCC,
    Mechanism.UK_IDTA,
    Mechanism.UK_ADDENDUM,
    Mechanism.LEGACY_SCC,
    Mechanism.BCR,
}
EXPECTED_KIND = {
    Mechanism.EU_SCC: {DocumentKind.EU_SCC_2021},
    Mechanism.UK_IDTA: {DocumentKind.UK_IDTA},
    Mechanism.UK_ADDENDUM: {DocumentKind.UK_ADDENDUM},
    Mechanism.LEGACY_SCC: set(LEGACY_SCC_KINDS),
    Mechanism.BCR: {DocumentKind.BCR},
    Mechanism.DEROGATION: {DocumentKind.ART49_DEROGATION},
    Mechanism.DPF: {DocumentKind.DPF_CERTIFICATION},
}


class TransferContext(NamedTuple):
    """What the rules know about one transfer: its parties, documents and assessments."""

    transfer: Transfer
    exporter: Entity
    importer: Entity
    regimes: tuple[Regime, ...]
    exporter_role: Role
    documents: Mapping[int, Document]
    # Documents the importer is party to (not archived; any version: the rules pick the
    # version in force on the date assessed).
    importer_documents: Sequence[Document]
    tias: Sequence[Tia]
    successors: Mapping[int, Document] = {}  # document id -> the version that replaced it


def _start(doc: Document) -> date | None:
    return doc.effective_on or doc.signed_on


def superseded_on(doc: Document, ctx: TransferContext, on: date) -> bool:
    """Had a newer version of this document taken effect by ``on``?"""
    nxt = ctx.successors.get(doc.id or -1)
    if nxt is None:
        return doc.status is DocumentStatus.SUPERSEDED
    start = _start(nxt)
    return start is None or start <= on


def version_on(doc: Document, ctx: TransferContext, on: date) -> Document:
    """The version of ``doc``'s series in force on ``on`` (transfers link the newest one)."""
    seen = {doc.id}
    while True:
        start = _start(doc)
        prev = ctx.documents.get(doc.supersedes_id or -1)
        if start is not None and start > on and prev is not None and prev.id not in seen:
            seen.add(prev.id)
            doc = prev
            continue
        return doc


def certifications_of(
    docs: Iterable[Document], on: date | None = None, ctx: TransferContext | None = None
) -> tuple[Certifications, Document | None]:
    """The importer's DPF status from its newest certification evidence checked by ``on``."""
    best: Document | None = None
    for d in docs:
        if d.kind is not DocumentKind.DPF_CERTIFICATION or d.archived_at is not None:
            continue
        if on is not None and d.checked_on is not None and d.checked_on > on:
            continue  # evidence gathered after the date assessed did not exist then
        if ctx is not None and on is not None:
            if superseded_on(d, ctx, on):
                continue
        elif d.status is not DocumentStatus.CURRENT:
            continue
        if best is None or (d.checked_on or date.min) > (best.checked_on or date.min):
            best = d
    if best is None:
        return Certifications(), None
    return Certifications(best.dpf_eu, best.dpf_uk_extension, best.dpf_swiss), best


def _doc_problems(
    doc: Document, ctx: TransferContext, regime: Regime, on: date, what: str
) -> list[Gap]:
    t = ctx.transfer
    out: list[Gap] = []
    if doc.archived_at is not None or superseded_on(doc, ctx, on):
        out.append(
            Gap(
                GapCode.DOCUMENT_SUPERSEDED,
                Severity.HIGH,
                f"{what}: document '{doc.title}' is superseded or archived; link the "
                "current version",
                t.id,
                ctx.importer.id,
                regime,
                doc.id,
            )
        )
    start = doc.effective_on or doc.signed_on
    if start is None:
        out.append(
            Gap(
                GapCode.MISSING_DOCUMENT,
                Severity.HIGH,
                f"{what}: '{doc.title}' has no signed or effective date (not signed?)",
                t.id,
                ctx.importer.id,
                regime,
                doc.id,
            )
        )
    elif start > on:
        out.append(
            Gap(
                GapCode.DOCUMENT_NOT_YET_EFFECTIVE,
                Severity.HIGH,
                f"{what}: '{doc.title}' takes effect only on {start.isoformat()}",
                t.id,
                ctx.importer.id,
                regime,
                doc.id,
                start,
            )
        )
    if doc.expires_on is not None and doc.expires_on < on:
        out.append(
            Gap(
                GapCode.DOCUMENT_EXPIRED,
                Severity.CRITICAL,
                f"{what}: '{doc.title}' expired on {doc.expires_on.isoformat()}",
                t.id,
                ctx.importer.id,
                regime,
                doc.id,
                doc.expires_on,
            )
        )
    return out


def _review_gaps(doc: Document, ctx: TransferContext, regime: Regime, on: date) -> list[Gap]:
    if doc.next_review_on is not None and doc.next_review_on < on:
        return [
            Gap(
                GapCode.REVIEW_OVERDUE,
                Severity.MEDIUM,
                f"review of '{doc.title}' was due on {doc.next_review_on.isoformat()}",
                ctx.transfer.id,
                ctx.importer.id,
                regime,
                doc.id,
                doc.next_review_on,
            )
        ]
    return []


def _find_doc(use: MechanismUse, ctx: TransferContext, on: date) -> Document | None:
    if use.document_id is not None:
        doc = ctx.documents.get(use.document_id)
        return None if doc is None else version_on(doc, ctx, on)
    kinds = EXPECTED_KIND.get(use.mechanism, set())
    for d in ctx.importer_documents:
        if d.kind in kinds and not superseded_on(d, ctx, on):
            return d
    return None


def _check_mechanism(
    use: MechanismUse,
    ctx: TransferContext,
    regime: Regime,
    a: DestinationAssessment,
    ref: ReferenceSet,
    on: date,
) -> tuple[bool, list[Gap]]:
    """Is this mechanism valid for this regime on ``on``? Returns (valid, problems)."""
    t = ctx.transfer
    imp = ctx.importer.id
    m = use.mechanism
    label = MECHANISM_PHRASES[m]
    place = country_name(t.destination)
    gaps: list[Gap] = []

    if m is Mechanism.ADEQUACY:
        d = a.decision
        if d is None or a.finding is Finding.NOT_ADEQUATE or d.requires_certification:
            return False, [
                Gap(
                    GapCode.WRONG_MECHANISM,
                    Severity.CRITICAL,
                    f"relies on adequacy, but {place} has no {regime.value} adequacy "
                    f"finding that covers this importer on {on.isoformat()}",
                    t.id,
                    imp,
                    regime,
                )
            ]
        return True, []

    if m is Mechanism.DPF:
        d = a.decision
        if d is None or not d.requires_certification:
            return False, [
                Gap(
                    GapCode.WRONG_MECHANISM,
                    Severity.CRITICAL,
                    f"relies on the Data Privacy Framework, which does not cover "
                    f"{regime.value} transfers to {place} on {on.isoformat()}",
                    t.id,
                    imp,
                    regime,
                )
            ]
        if use.document_id is not None and use.document_id in ctx.documents:
            linked = version_on(ctx.documents[use.document_id], ctx, on)
            certs, evidence = certifications_of([linked], on, ctx)
            if evidence is None:
                return False, [
                    Gap(
                        GapCode.DOCUMENT_SUPERSEDED,
                        Severity.HIGH,
                        f"the DPF evidence '{linked.title}' is archived, replaced or was "
                        f"checked only after {on.isoformat()}",
                        t.id,
                        imp,
                        regime,
                        linked.id,
                    )
                ]
        else:
            certs, evidence = certifications_of(ctx.importer_documents, on, ctx)
        if evidence is None:
            return False, [
                Gap(
                    GapCode.MISSING_DOCUMENT,
                    Severity.HIGH,
                    "relies on the Data Privacy Framework but no certification "
                    "evidence is on the register",
                    t.id,
                    imp,
                    regime,
                )
            ]
        if not certs.has(d.requires_certification):
            what = {
                "dpf_uk": "the UK Extension",
                "dpf_swiss": "the Swiss-US DPF",
                "dpf_eu": "the EU-US DPF",
            }[d.requires_certification]
            return False, [
                Gap(
                    GapCode.WRONG_MECHANISM,
                    Severity.CRITICAL,
                    f"relies on the DPF for a {regime.value} transfer, but the "
                    f"importer's evidence does not show certification under {what}",
                    t.id,
                    imp,
                    regime,
                    evidence.id,
                )
            ]
        if evidence.checked_on is None or evidence.checked_on < _dpf_cutoff(on):
            due = evidence.checked_on + DPF_RECHECK if evidence.checked_on else None
            last = evidence.checked_on.isoformat() if evidence.checked_on else "never"
            gaps.append(
                Gap(
                    GapCode.DPF_NOT_RECHECKED,
                    Severity.MEDIUM,
                    f"DPF listing last checked {last}; re-check at least every 12 months",
                    t.id,
                    imp,
                    regime,
                    evidence.id,
                    due,
                )
            )
        return True, gaps

    doc = _find_doc(use, ctx, on)
    if doc is None:
        return False, [
            Gap(
                GapCode.MISSING_DOCUMENT,
                Severity.HIGH,
                f"relies on {label} but no such document is on the register",
                t.id,
                imp,
                regime,
            )
        ]
    if doc.kind not in EXPECTED_KIND.get(m, set()):
        return False, [
            Gap(
                GapCode.WRONG_MECHANISM,
                Severity.HIGH,
                f"relies on {label} but the linked document '{doc.title}' is a "
                f"{doc.kind.value.replace('_', ' ')}",
                t.id,
                imp,
                regime,
                doc.id,
            )
        ]
    problems = _doc_problems(doc, ctx, regime, on, label)
    valid = not problems

    expected_module = scc_module(ctx.exporter_role, t.importer_role)
    if m in (Mechanism.EU_SCC, Mechanism.UK_ADDENDUM):
        scc = doc
        if m is Mechanism.UK_ADDENDUM:
            linked_scc = [
                sd
                for u in t.mechanisms
                if u.mechanism is Mechanism.EU_SCC
                and (sd := ctx.documents.get(u.document_id or -1)) is not None
            ]
            pool = [version_on(x, ctx, on) for x in linked_scc] or [
                x
                for x in ctx.importer_documents
                if x.kind is DocumentKind.EU_SCC_2021 and not superseded_on(x, ctx, on)
            ]
            scc_found = next((x for x in pool if x.kind is DocumentKind.EU_SCC_2021), None)
            if scc_found is None:
                problems.append(
                    Gap(
                        GapCode.MISSING_DOCUMENT,
                        Severity.HIGH,
                        "the UK Addendum has no EU SCCs to attach to on the register",
                        t.id,
                        imp,
                        regime,
                        doc.id,
                    )
                )
                valid = False
            else:
                scc = scc_found
                more = _doc_problems(scc, ctx, regime, on, "EU SCCs under the UK Addendum")
                problems.extend(more)
                valid = valid and not more
        if scc.scc_module is not None and scc.scc_module != expected_module:
            problems.append(
                Gap(
                    GapCode.WRONG_MODULE,
                    Severity.HIGH,
                    f"'{scc.title}' uses SCC Module {scc.scc_module}, but "
                    f"{ctx.exporter_role.value} to {t.importer_role.value} needs "
                    f"Module {expected_module}",
                    t.id,
                    imp,
                    regime,
                    scc.id,
                )
            )
            valid = False
        if m is Mechanism.EU_SCC and regime is Regime.UK:
            return False, [
                Gap(
                    GapCode.UK_BARE_EU_SCC,
                    Severity.CRITICAL,
                    "UK transfer relies on bare EU SCCs: they need the UK Addendum "
                    "(or use the IDTA)",
                    t.id,
                    imp,
                    regime,
                    doc.id,
                )
            ]
    if m is Mechanism.LEGACY_SCC:
        legacy_module = LEGACY_MODULE.get(doc.kind)
        if legacy_module is not None and legacy_module != expected_module:
            problems.append(
                Gap(
                    GapCode.WRONG_MODULE,
                    Severity.HIGH,
                    f"'{doc.title}' is a {MODULE_NAMES[legacy_module].split('(')[1][:-1]} "
                    f"set of clauses, but {ctx.exporter_role.value} to "
                    f"{t.importer_role.value} needs {MODULE_NAMES[expected_module]}",
                    t.id,
                    imp,
                    regime,
                    doc.id,
                )
            )
            valid = False
        inst = ref.instruments.get(doc.kind)
        spec = inst.regimes.get(regime) if inst else None
        if spec is None:
            return False, [
                Gap(
                    GapCode.WRONG_MECHANISM,
                    Severity.HIGH,
                    f"legacy SCCs are not a {regime.value} transfer tool in the reference data",
                    t.id,
                    imp,
                    regime,
                    doc.id,
                )
            ]
        if spec.new_contracts_until and doc.signed_on and doc.signed_on > spec.new_contracts_until:
            problems.append(
                Gap(
                    GapCode.LEGACY_SCC_TOO_LATE,
                    Severity.CRITICAL,
                    f"'{doc.title}' was signed on {doc.signed_on.isoformat()}, after "
                    f"the last day legacy SCCs could be used for new {regime.value} "
                    f"contracts ({spec.new_contracts_until.isoformat()})",
                    t.id,
                    imp,
                    regime,
                    doc.id,
                )
            )
            valid = False
        if spec.valid_until and on > spec.valid_until:
            problems.append(
                Gap(
                    GapCode.LEGACY_SCC_EXPIRED,
                    Severity.CRITICAL,
                    f"'{doc.title}' is on legacy SCCs (Decision "
                    f"{LEGACY_DECISION.get(doc.kind, doc.kind.value)}), no longer valid for "
                    f"{regime.value} transfers after "
                    f"{spec.valid_until.isoformat()}",
                    t.id,
                    imp,
                    regime,
                    doc.id,
                    spec.valid_until,
                )
            )
            valid = False
    if m is Mechanism.BCR and ctx.importer.kind is not EntityKind.GROUP:
        problems.append(
            Gap(
                GapCode.WRONG_MECHANISM,
                Severity.HIGH,
                "BCRs cover only transfers within the group, and the importer is "
                "not a group entity",
                t.id,
                imp,
                regime,
                doc.id,
            )
        )
        valid = False
    if m is Mechanism.DEROGATION and (doc.derogation is None or not doc.justification.strip()):
        problems.append(
            Gap(
                GapCode.DEROGATION_UNDOCUMENTED,
                Severity.HIGH,
                "Art 49 derogation without its letter and a written justification",
                t.id,
                imp,
                regime,
                doc.id,
            )
        )
        valid = False
    problems.extend(_review_gaps(doc, ctx, regime, on))
    return valid, problems


def _tia_gaps(ctx: TransferContext, regime: Regime, on: date, name: str) -> list[Gap]:
    t = ctx.transfer
    live = [x for x in ctx.tias if x.archived_at is None]
    # An assessment approved after the evaluation date did not exist on that date.
    approved = [
        x
        for x in live
        if x.status is TiaStatus.APPROVED and (x.approved_on is None or x.approved_on <= on)
    ]
    if not approved:
        later = [x for x in live if x.status is TiaStatus.APPROVED]
        if later:
            why = f" by {on.isoformat()} (approved only later)"
        else:
            why = " (only a draft exists)" if live else ""
        return [
            Gap(
                GapCode.TIA_MISSING,
                Severity.HIGH,
                f"{name or GENERIC_ASSESSMENT} required but not approved{why}",
                t.id,
                ctx.importer.id,
                regime,
            )
        ]
    newest = max(approved, key=lambda x: x.approved_on or date.min)
    if newest.next_review_on is not None and newest.next_review_on < on:
        return [
            Gap(
                GapCode.TIA_OVERDUE,
                Severity.MEDIUM,
                f"transfer assessment review was due on {newest.next_review_on.isoformat()}",
                t.id,
                ctx.importer.id,
                regime,
                None,
                newest.next_review_on,
            )
        ]
    return []


def evaluate_transfer(ref: ReferenceSet, ctx: TransferContext, on: date) -> TransferStatus:
    t = ctx.transfer
    # Only destinations with certification-based adequacy (the US) depend on the DPF lists.
    if t.destination in ref.certified_destinations:
        certs, _ = certifications_of(ctx.importer_documents, on, ctx)
    else:
        certs = NO_CERTS
    results: list[RegimeResult] = []
    for regime in ctx.regimes:
        a = assess_destination(
            ref, regime, t.destination, on, t.importer_role, ctx.exporter_role, certs
        )
        if a.finding is Finding.UNKNOWN:
            results.append(
                RegimeResult(
                    a,
                    None,
                    (
                        Gap(
                            GapCode.NOT_ASSESSABLE,
                            Severity.LOW,
                            a.reason,
                            t.id,
                            ctx.importer.id,
                            regime,
                        ),
                    ),
                )
            )
            continue
        if a.finding in (Finding.NOT_RESTRICTED, Finding.ADEQUATE):
            unverified: tuple[Gap, ...] = ()
            if a.decision is not None and not a.decision.verified:
                unverified = (
                    Gap(
                        GapCode.UNVERIFIED_FACT,
                        Severity.LOW,
                        f"adequate under {a.decision.reference}, which the reference data marks "
                        f"unverified: {a.decision.verification_note or 'check the source'}",
                        t.id,
                        ctx.importer.id,
                        regime,
                    ),
                )
            results.append(
                RegimeResult(a, Mechanism.ADEQUACY if a.restricted else None, unverified)
            )
            continue
        uses = [u for u in t.mechanisms if u.mechanism in APPLIES[regime]]
        # Under UK law EU SCCs count only with the Addendum: listed together they are one tool.
        # A UK-specific tool listed alongside means the EU SCCs serve the EU side only.
        if regime is Regime.UK and any(
            u.mechanism in (Mechanism.UK_ADDENDUM, Mechanism.UK_IDTA) for u in uses
        ):
            uses = [u for u in uses if u.mechanism is not Mechanism.EU_SCC]
        gaps: list[Gap] = []
        covered: Mechanism | None = None
        failed_first = False
        for i, use in enumerate(uses):
            valid, problems = _check_mechanism(use, ctx, regime, a, ref, on)
            gaps.extend(problems)
            if valid and covered is None:
                covered = use.mechanism
            if not valid and i == 0:
                failed_first = True
        if covered is None:
            if not uses:
                # A partial decision covers only some recipients: recording "adequacy" as the
                # mechanism is the user's confirmation that this importer is in scope.
                partial = a.finding is Finding.ADEQUATE_IF
                what = (
                    "adequacy recorded as its mechanism once the importer is confirmed to be "
                    "in the decision's scope, or a safeguard"
                    if partial
                    else "a safeguard"
                )
                gaps.append(
                    Gap(
                        GapCode.NO_SAFEGUARD,
                        Severity.HIGH if partial else Severity.CRITICAL,
                        f"restricted {regime.value} transfer to "
                        f"{country_name(t.destination)} with no mechanism on the "
                        f"register: needs {what}",
                        t.id,
                        ctx.importer.id,
                        regime,
                    )
                )
            elif len(uses) == 1 and gaps:
                # One mechanism, and it fails: its first problem is the critical one.
                gaps[0] = gaps[0]._replace(
                    severity=Severity.CRITICAL,
                    message=gaps[0].message + "; nothing else covers the transfer",
                )
            else:
                gaps.append(
                    Gap(
                        GapCode.NO_VALID_MECHANISM,
                        Severity.CRITICAL,
                        f"no valid {regime.value} transfer mechanism on "
                        f"{on.isoformat()}: every mechanism listed has a problem",
                        t.id,
                        ctx.importer.id,
                        regime,
                    )
                )
        else:
            gaps = [
                g._replace(severity=Severity.MEDIUM)
                if g.severity.rank < Severity.MEDIUM.rank
                else g
                for g in gaps
            ]
            if failed_first:
                gaps.append(
                    Gap(
                        GapCode.PRIMARY_INVALID,
                        Severity.MEDIUM,
                        f"primary mechanism fails; relying on the fallback "
                        f"({MECHANISM_PHRASES[covered]})",
                        t.id,
                        ctx.importer.id,
                        regime,
                    )
                )
            if covered in NEEDS_ASSESSMENT:
                tia = _tia_gaps(ctx, regime, on, a.assessment_name)
                module = scc_module(ctx.exporter_role, t.importer_role)
                if module == 4 and regime is not Regime.UK:
                    # Module Four: Clauses 14/15 apply only where the EU processor combines
                    # the controller's data with data it collected in the EU (legal-facts 4.2).
                    tia = [
                        g._replace(severity=Severity.LOW, message=g.message + MODULE4_TIA)
                        for g in tia
                    ]
                gaps.extend(tia)
        if (
            covered in (Mechanism.ADEQUACY, Mechanism.DPF)
            and a.decision is not None
            and not a.decision.verified
        ):
            gaps.append(
                Gap(
                    GapCode.UNVERIFIED_FACT,
                    Severity.LOW,
                    f"relies on {a.decision.reference}, which the reference data marks "
                    f"unverified: {a.decision.verification_note or 'check the source'}",
                    t.id,
                    ctx.importer.id,
                    regime,
                )
            )
        results.append(RegimeResult(a, covered, tuple(gaps)))
    return TransferStatus(t, tuple(results), merge_gaps(results))


def merge_gaps(results: Sequence[RegimeResult]) -> tuple[Gap, ...]:
    """The transfer's gaps across regimes, each record's problem reported once."""
    if len(results) == 1:
        return results[0].gaps
    merged: dict[tuple[GapCode, int | None, str], list[Gap]] = {}
    for r in results:
        for g in r.gaps:
            key: tuple[GapCode, int | None, str]
            if g.code in (GapCode.TIA_MISSING, GapCode.TIA_OVERDUE):
                key = (g.code, None, "")  # one assessment per transfer
            elif g.code in _PER_RECORD:
                key = (g.code, g.document_id, g.message)
            else:
                key = (g.code, None, f"{g.regime}:{g.message}")
            merged.setdefault(key, []).append(g)
    out: list[Gap] = []
    for group in merged.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        worst = min(group, key=lambda g: g.severity.rank)
        regimes = ", ".join(g.regime.value for g in group if g.regime is not None)
        text = worst.message
        if worst.code is GapCode.TIA_MISSING:
            # Each regime names its assessment differently; one assessment serves both.
            text = f"{GENERIC_ASSESSMENT} required but not approved"
            text += worst.message.split(" required but not approved", 1)[-1]
        out.append(worst._replace(regime=None, message=f"{text} ({regimes})"))
    return tuple(out)
