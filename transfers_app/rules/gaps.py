"""What is missing or wrong on the register for one transfer, per regime, on a date.

Each transfer lists its mechanisms in order (primary first, then fallbacks). A regime's
transfer is covered when at least one mechanism that applies to that regime is valid on the
date; problems with the others are still reported, capped at medium while a fallback covers.
Which mechanisms apply, how they combine and what each needs come from the reference data;
each mechanism is judged by its checker (``rules.mechanisms.CHECKERS``).

Layout of ``transfers_app.rules``: ``inputs`` (the read-only Protocols the rules read),
``results`` (Gap, GapCode), ``destination`` (what the law requires for a destination),
``context`` (one transfer's parties and documents, versions on a date, DPF evidence),
``mechanisms`` (one checker per mechanism) and this module (the transfer's verdict).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import EntityKind, Finding, Mechanism, Regime, Severity, TiaStatus
from transfers_app.domain.formatting import MECHANISM_PHRASES
from transfers_app.domain.readmodels import DueKind
from transfers_app.domain.renewals import Due
from transfers_app.reference.loader import Decision, ReferenceSet
from transfers_app.rules.context import (
    TransferContext,
    certifications_of,
    superseded_on,
    version_on,
)
from transfers_app.rules.destination import (
    NO_CERTS,
    DestinationAssessment,
    assess_destination,
    scc_module,
)
from transfers_app.rules.inputs import AssessmentView, DocumentView, TransferView
from transfers_app.rules.mechanisms import CHECKERS, uses_under
from transfers_app.rules.results import Gap, GapCode

__all__ = [
    "Gap",
    "GapCode",
    "RegimeResult",
    "TransferContext",
    "TransferStatus",
    "certifications_of",
    "evaluate_transfer",
    "merge_gaps",
    "superseded_on",
    "version_on",
]


class RegimeResult(NamedTuple):
    assessment: DestinationAssessment
    covered_by: Mechanism | None  # the mechanism that makes the transfer lawful, if any
    gaps: tuple[Gap, ...]
    # The documents the mechanisms under this regime rest on, the primary's first.
    documents: tuple[DocumentView, ...] = ()


@dataclass(frozen=True, slots=True)
class TransferStatus:
    transfer: TransferView
    results: tuple[RegimeResult, ...]
    # Every gap once: the same document or assessment failing under two regimes is one gap
    # (regime None, the regimes named in the message) at its worst severity.
    gaps: tuple[Gap, ...]
    # The dates the verdict rests on, each once (see ``Due``): past one, a gap reports it.
    dues: tuple[Due, ...] = ()
    # The assessment in force on the date (the newest approved by then), if any; judged (its
    # review, whether it is missing) only where ``assessment_needed``.
    assessment: AssessmentView | None = None
    # A regime's transfer is made lawful by a mechanism that needs an assessment.
    assessment_needed: bool = False
    # A draft (or one in review) is on file for the transfer.
    draft: bool = False

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
GENERIC_ASSESSMENT = "transfer impact / risk assessment"
MODULE4_TIA = (
    " - Module Four: needed only if you combine the controller's data with personal data "
    "you collected in the EU (SCC Clauses 14 and 15)"
)


def approved_on_date(tias: Sequence[AssessmentView], on: date) -> AssessmentView | None:
    """The assessment in force on ``on``: the newest approved by then. One approved later did
    not exist on that day; one superseded since was the one in force if approved by then."""
    best: AssessmentView | None = None
    for x in tias:
        if x.archived_at is not None:
            continue
        if x.status is TiaStatus.APPROVED:
            if x.approved_on is not None and x.approved_on > on:
                continue
        elif x.status is not TiaStatus.SUPERSEDED or x.approved_on is None or x.approved_on > on:
            continue
        key = (x.approved_on or date.min, x.status is TiaStatus.APPROVED, x.id or 0)
        if best is None or key > (
            best.approved_on or date.min,
            best.status is TiaStatus.APPROVED,
            best.id or 0,
        ):
            best = x
    return best


def _tia_gaps(
    ctx: TransferContext, regime: Regime, on: date, name: str
) -> tuple[list[Gap], AssessmentView | None]:
    newest = approved_on_date(ctx.tias, on)
    if newest is None:
        live = [x for x in ctx.tias if x.archived_at is None]
        later = [x for x in live if x.status is TiaStatus.APPROVED]
        if later:
            why = f" by {on.isoformat()} (approved only later)"
        else:
            why = " (only a draft exists)" if live else ""
        return [
            ctx.gap(
                regime,
                GapCode.TIA_MISSING,
                Severity.HIGH,
                f"{name or GENERIC_ASSESSMENT} required but not approved{why}",
                dates=(on,) if later else (),
            )
        ], None
    if newest.next_review_on is not None and newest.next_review_on < on:
        return [
            ctx.gap(
                regime,
                GapCode.TIA_OVERDUE,
                Severity.MEDIUM,
                f"{newest.reference} review was due on {newest.next_review_on.isoformat()}",
                due_on=newest.next_review_on,
                dates=(newest.next_review_on,),
            )
        ], newest
    return [], newest


def _unverified(ctx: TransferContext, regime: Regime, how: str, decision: Decision) -> Gap:
    return ctx.gap(
        regime,
        GapCode.UNVERIFIED_FACT,
        Severity.LOW,
        f"{how} {decision.reference}, which the reference data marks "
        f"unverified: {decision.verification_note or 'check the source'}",
    )


def evaluate_transfer(ref: ReferenceSet, ctx: TransferContext, on: date) -> TransferStatus:
    t = ctx.transfer
    # Only destinations with certification-based adequacy (the US) depend on the DPF lists.
    if t.destination in ref.certified_destinations:
        certs, _ = certifications_of(ctx.importer_documents, on, ctx)
    else:
        certs = NO_CERTS
    results: list[RegimeResult] = []
    dues: dict[tuple[DueKind, int | None, int | None, date], Due] = {}  # each date once
    assessment: AssessmentView | None = None
    needed = False
    for regime in ctx.regimes:
        a = assess_destination(
            ref, regime, t.destination, on, t.importer_role, ctx.exporter_role, certs,
            importer_in_group=ctx.importer.kind is EntityKind.GROUP,
        )  # fmt: skip
        if a.finding is Finding.UNKNOWN:
            results.append(
                RegimeResult(
                    a,
                    None,
                    (
                        ctx.gap(
                            regime,
                            GapCode.NOT_ASSESSABLE,
                            Severity.LOW,
                            a.reason,
                            dates=a.dates,
                        ),
                    ),
                )
            )
            continue
        if a.finding in (Finding.NOT_RESTRICTED, Finding.ADEQUATE):
            unverified: tuple[Gap, ...] = ()
            if a.decision is not None and not a.decision.verified:
                unverified = (_unverified(ctx, regime, "adequate under", a.decision),)
            results.append(
                RegimeResult(a, Mechanism.ADEQUACY if a.restricted else None, unverified)
            )
            continue
        uses = uses_under(ref, regime, t.mechanisms)
        gaps: list[Gap] = []
        covered: Mechanism | None = None
        failed_first = False
        relied: dict[int | None, DocumentView] = {}
        for i, use in enumerate(uses):
            verdict = CHECKERS[use.mechanism].check(use, ctx, regime, a, ref, on)
            gaps.extend(verdict.problems)
            for due in verdict.dues:
                dues.setdefault((due.what, due.document_id, None, due.due_on), due)
            for doc in verdict.documents:
                relied.setdefault(doc.id, doc)
            if verdict.valid and covered is None:
                covered = use.mechanism
            if not verdict.valid and i == 0:
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
                    ctx.gap(
                        regime,
                        GapCode.NO_SAFEGUARD,
                        Severity.HIGH if partial else Severity.CRITICAL,
                        f"restricted {regime.value} transfer to "
                        f"{country_name(t.destination)} with no mechanism on the "
                        f"register: needs {what}",
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
                    ctx.gap(
                        regime,
                        GapCode.NO_VALID_MECHANISM,
                        Severity.CRITICAL,
                        f"no valid {regime.value} transfer mechanism on "
                        f"{on.isoformat()}: every mechanism listed has a problem",
                        dates=(on,),
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
                    ctx.gap(
                        regime,
                        GapCode.PRIMARY_INVALID,
                        Severity.MEDIUM,
                        f"primary mechanism fails; relying on the fallback "
                        f"({MECHANISM_PHRASES[covered]})",
                    )
                )
            if ref.mechanisms[covered].needs_assessment:
                needed = True
                tia, judged = _tia_gaps(ctx, regime, on, a.assessment_name)
                if judged is not None:
                    assessment = judged
                    review = judged.next_review_on
                    if review is not None:
                        key = (DueKind.TIA_REVIEW, None, judged.id, review)
                        parties = (ctx.exporter.id or 0, ctx.importer.id or 0)
                        dues.setdefault(
                            key,
                            ctx.due(
                                DueKind.TIA_REVIEW,
                                review,
                                judged.reference,
                                None,
                                judged.id,
                                parties=parties,
                            ),
                        )
                module = scc_module(ctx.exporter_role, t.importer_role)
                if module == 4 and ref.regimes[regime].module_four_assessment_only_if_combined:
                    # Module Four: Clauses 14/15 apply only where the EU processor combines
                    # the controller's data with data it collected in the EU (legal-facts 4.2).
                    tia = [
                        g._replace(severity=Severity.LOW, message=g.message + MODULE4_TIA)
                        for g in tia
                    ]
                gaps.extend(tia)
        if (
            covered is not None
            and CHECKERS[covered].relies_on_decision
            and a.decision is not None
            and not a.decision.verified
        ):
            gaps.append(_unverified(ctx, regime, "relies on", a.decision))
        results.append(RegimeResult(a, covered, tuple(gaps), tuple(relied.values())))
    tias = ctx.tias
    if assessment is None and tias:  # not judged: still say which one is on file, if any
        assessment = approved_on_date(tias, on)
    draft = bool(tias) and any(
        x.archived_at is None and x.status in (TiaStatus.DRAFT, TiaStatus.IN_REVIEW) for x in tias
    )
    return TransferStatus(
        t, tuple(results), merge_gaps(results), tuple(dues.values()), assessment, needed, draft
    )


def merge_gaps(results: Sequence[RegimeResult]) -> tuple[Gap, ...]:
    """The transfer's gaps across regimes, each record's problem reported once."""
    if len(results) == 1:
        return results[0].gaps
    if not any(r.gaps for r in results):
        return ()  # most transfers
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
