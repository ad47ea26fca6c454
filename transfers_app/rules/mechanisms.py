"""One checker per transfer mechanism: is a mechanism listed on a transfer valid for one
regime on a date, and what is wrong with it?

The checkers hold no legal facts of their own. They read the reference data: which documents
evidence a mechanism and where it applies (the mechanism rows), which instruments count only
together with another (``only_with``) or amend another (``addendum_to``), which SCC modules an
instrument provides (``scc_modules``), the legacy deadlines and decision numbers
(``new_contracts_until``, ``valid_until``, ``current_version``) and the DPF re-check interval
(``evidence_recheck``). ``CHECKERS`` maps every ``Mechanism`` to its checker; the transfer
evaluation (``gaps.evaluate_transfer``) dispatches to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import ClassVar, NamedTuple

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import (
    DocumentKind,
    EntityKind,
    Finding,
    Mechanism,
    Regime,
    Severity,
)
from transfers_app.domain.formatting import DOCUMENT_KIND_LABELS, MECHANISM_PHRASES
from transfers_app.domain.readmodels import DueKind
from transfers_app.domain.renewals import Due
from transfers_app.reference.loader import Instrument, ReferenceSet
from transfers_app.rules.context import (
    TransferContext,
    certifications_of,
    document_dues,
    signed_after,
    superseded_on,
    version_on,
)
from transfers_app.rules.destination import MODULE_NAMES, DestinationAssessment, scc_module
from transfers_app.rules.inputs import DocumentView, MechanismUseView
from transfers_app.rules.results import Gap, GapCode

# How a document kind is named inside a sentence ("they need the UK Addendum"); other kinds
# use their label.
_KIND_PHRASES: dict[DocumentKind, str] = {
    DocumentKind.EU_SCC_2021: "EU SCCs",
    DocumentKind.UK_ADDENDUM: "the UK Addendum",
    DocumentKind.UK_IDTA: "the IDTA",
}
# The DPF lists a decision's ``requires_certification`` names, in a sentence.
_CERT_PHRASES = {
    "dpf_uk": "the UK Extension",
    "dpf_swiss": "the Swiss-US DPF",
    "dpf_eu": "the EU-US DPF",
}


def kind_phrase(kind: DocumentKind) -> str:
    return _KIND_PHRASES.get(kind) or DOCUMENT_KIND_LABELS[kind]


class Verdict(NamedTuple):
    """A mechanism's verdict under one regime on a date (a tuple: one is made for every
    mechanism of every transfer)."""

    valid: bool  # the mechanism makes the transfer lawful under the regime on the date
    problems: list[Gap]
    # The dates the verdict rests on (expiry, review, re-check, deadline): each becomes a gap
    # once passed, so the reminders are the same dates the verdict checks.
    dues: tuple[Due, ...] = ()
    # The documents it rests on: the document, the one it amends, the DPF evidence.
    documents: tuple[DocumentView, ...] = ()


class MechanismChecker:
    """Checks one kind of mechanism. Subclasses override ``check``."""

    # The mechanism stands on the destination's adequacy finding, whose verification status
    # is then reported with the transfer.
    relies_on_decision: ClassVar[bool] = False

    def check(
        self,
        use: MechanismUseView,
        ctx: TransferContext,
        regime: Regime,
        a: DestinationAssessment,
        ref: ReferenceSet,
        on: date,
    ) -> Verdict:
        raise NotImplementedError


def _fails(gap: Gap) -> Verdict:
    return Verdict(False, [gap])


class AdequacyChecker(MechanismChecker):
    """An adequacy decision / UK approval regulations / Swiss Annex 1 listing that covers the
    importer without certification (the DPF has its own checker)."""

    relies_on_decision = True

    def check(
        self,
        use: MechanismUseView,
        ctx: TransferContext,
        regime: Regime,
        a: DestinationAssessment,
        ref: ReferenceSet,
        on: date,
    ) -> Verdict:
        d = a.decision
        if d is None or a.finding is Finding.NOT_ADEQUATE or d.requires_certification:
            return _fails(
                ctx.gap(
                    regime,
                    GapCode.WRONG_MECHANISM,
                    Severity.CRITICAL,
                    f"relies on adequacy, but {country_name(ctx.transfer.destination)} has no "
                    f"{regime.value} adequacy finding that covers this importer on "
                    f"{on.isoformat()}",
                    dates=(on,),
                )
            )
        return Verdict(True, [])


class DpfChecker(MechanismChecker):
    """A certification-based adequacy finding (the Data Privacy Framework): the importer's
    evidence must show the list the regime's decision requires, checked as often as the
    mechanism row's ``evidence_recheck`` says."""

    relies_on_decision = True

    def check(
        self,
        use: MechanismUseView,
        ctx: TransferContext,
        regime: Regime,
        a: DestinationAssessment,
        ref: ReferenceSet,
        on: date,
    ) -> Verdict:
        d = a.decision
        if d is None or not d.requires_certification:
            return _fails(
                ctx.gap(
                    regime,
                    GapCode.WRONG_MECHANISM,
                    Severity.CRITICAL,
                    f"relies on the Data Privacy Framework, which does not cover "
                    f"{regime.value} transfers to {country_name(ctx.transfer.destination)} on "
                    f"{on.isoformat()}",
                    dates=(on,),
                )
            )
        evidence: DocumentView | None
        if use.document_id is not None and use.document_id in ctx.documents:
            linked = version_on(ctx.documents[use.document_id], ctx, on)
            certs, evidence = certifications_of([linked], on, ctx)
            if evidence is None:
                return _fails(
                    ctx.gap(
                        regime,
                        GapCode.DOCUMENT_SUPERSEDED,
                        Severity.HIGH,
                        f"the DPF evidence '{linked.title}' is archived, replaced or was "
                        f"checked only after {on.isoformat()}",
                        linked.id,
                        dates=(on,),
                    )
                )
        else:
            certs, evidence = certifications_of(ctx.importer_documents, on, ctx)
        if evidence is None:
            return _fails(
                ctx.gap(
                    regime,
                    GapCode.MISSING_DOCUMENT,
                    Severity.HIGH,
                    "relies on the Data Privacy Framework but no certification "
                    "evidence is on the register",
                )
            )
        if not certs.has(d.requires_certification):
            what = _CERT_PHRASES[d.requires_certification]
            return _fails(
                ctx.gap(
                    regime,
                    GapCode.WRONG_MECHANISM,
                    Severity.CRITICAL,
                    f"relies on the DPF for a {regime.value} transfer, but the "
                    f"importer's evidence does not show certification under {what}",
                    evidence.id,
                )
            )
        rule = ref.mechanisms.get(use.mechanism)
        recheck = rule.evidence_recheck if rule is not None else None
        if recheck is None:
            return Verdict(True, [], (), (evidence,))
        checked = evidence.checked_on
        # Never checked: due at once (the day assessed), and a gap already.
        due_on = recheck.due_after(checked) if checked is not None else on
        due = ctx.due(
            DueKind.DPF_RECHECK, due_on, evidence.title, evidence.id, parties=evidence.party_ids
        )
        if checked is None or due_on < on:
            gap = ctx.gap(
                regime,
                GapCode.DPF_NOT_RECHECKED,
                Severity.MEDIUM,
                f"DPF listing last checked {checked.isoformat() if checked else 'never'}"
                f"; re-check at least every {recheck.every_months} months",
                evidence.id,
                due_on,
                dates=(checked,) if checked is not None else (),
            )
            return Verdict(True, [gap], (due,), (evidence,))
        return Verdict(True, [], (due,), (evidence,))


def find_document(
    use: MechanismUseView, ctx: TransferContext, on: date, kinds: Sequence[DocumentKind]
) -> DocumentView | None:
    """The document a use relies on: the one linked (in its version on ``on``), else the
    importer's first current document of a kind that evidences the mechanism."""
    if use.document_id is not None:
        doc = ctx.documents.get(use.document_id)
        return None if doc is None else version_on(doc, ctx, on)
    for d in ctx.importer_documents:
        if d.kind in kinds and not superseded_on(d, ctx, on) and not signed_after(d, on):
            return d
    return None


def document_problems(
    doc: DocumentView, ctx: TransferContext, regime: Regime, on: date, what: str
) -> list[Gap]:
    """What makes a document unusable on ``on``: replaced, unsigned, not yet or no longer in
    force."""
    out: list[Gap] = []
    if doc.archived_at is not None or superseded_on(doc, ctx, on):
        out.append(
            ctx.gap(
                regime,
                GapCode.DOCUMENT_SUPERSEDED,
                Severity.HIGH,
                f"{what}: document '{doc.title}' is superseded or archived; link the "
                "current version",
                doc.id,
            )
        )
    start = doc.effective_on or doc.signed_on
    if start is None:
        out.append(
            ctx.gap(
                regime,
                GapCode.MISSING_DOCUMENT,
                Severity.HIGH,
                f"{what}: '{doc.title}' has no signed or effective date (not signed?)",
                doc.id,
            )
        )
    elif start > on:
        out.append(
            ctx.gap(
                regime,
                GapCode.DOCUMENT_NOT_YET_EFFECTIVE,
                Severity.HIGH,
                f"{what}: '{doc.title}' takes effect only on {start.isoformat()}",
                doc.id,
                start,
                dates=(start,),
            )
        )
    if doc.expires_on is not None and doc.expires_on < on:
        out.append(
            ctx.gap(
                regime,
                GapCode.DOCUMENT_EXPIRED,
                Severity.CRITICAL,
                f"{what}: '{doc.title}' expired on {doc.expires_on.isoformat()}",
                doc.id,
                doc.expires_on,
                dates=(doc.expires_on,),
                last_valid_on=doc.expires_on,
            )
        )
    return out


def review_gaps(doc: DocumentView, ctx: TransferContext, regime: Regime, on: date) -> list[Gap]:
    if doc.next_review_on is not None and doc.next_review_on < on:
        return [
            ctx.gap(
                regime,
                GapCode.REVIEW_OVERDUE,
                Severity.MEDIUM,
                f"review of '{doc.title}' was due on {doc.next_review_on.isoformat()}",
                doc.id,
                doc.next_review_on,
                dates=(doc.next_review_on,),
            )
        ]
    return []


class DocumentChecker(MechanismChecker):
    """A mechanism evidenced by a document (SCCs, the IDTA, the Addendum, BCRs, a derogation
    record): the document must be on the register, of a kind that evidences the mechanism,
    signed and in force, combined as the instrument row requires, and on the SCC module the
    parties' roles need. Subclasses add what is particular to one mechanism (``extra``)."""

    def check(
        self,
        use: MechanismUseView,
        ctx: TransferContext,
        regime: Regime,
        a: DestinationAssessment,
        ref: ReferenceSet,
        on: date,
    ) -> Verdict:
        label = MECHANISM_PHRASES[use.mechanism]
        kinds = ref.document_kinds(use.mechanism)
        doc = find_document(use, ctx, on, kinds)
        if doc is None:
            return _fails(
                ctx.gap(
                    regime,
                    GapCode.MISSING_DOCUMENT,
                    Severity.HIGH,
                    f"relies on {label} but no such document is on the register",
                )
            )
        if signed_after(doc, on):
            # Judged as of a day before it was signed: the document did not exist yet.
            signed = doc.signed_on or doc.effective_on or on
            return _fails(
                ctx.gap(
                    regime,
                    GapCode.MISSING_DOCUMENT,
                    Severity.HIGH,
                    f"relies on {label}, but '{doc.title}' was signed only on "
                    f"{signed.isoformat()}: on {on.isoformat()} there was no such document",
                    doc.id,
                    dates=(signed, on),
                )
            )
        # A document on file that fails as this safeguard is still named beside the verdict.
        if doc.kind not in kinds:
            wrong = ctx.gap(
                regime,
                GapCode.WRONG_MECHANISM,
                Severity.HIGH,
                f"relies on {label} but the linked document '{doc.title}' is a "
                f"{doc.kind.value.replace('_', ' ')}",
                doc.id,
            )
            return Verdict(False, [wrong], (), (doc,))
        inst = ref.instruments.get(doc.kind)
        spec = inst.regimes.get(regime) if inst is not None else None
        if spec is not None and spec.only_with is not None:
            # Alone, this instrument is no safeguard under this regime (the combined use was
            # taken out before checking: see ``uses_under``).
            return Verdict(False, [_bare_gap(doc, spec.only_with, ctx, regime, ref)], (), (doc,))
        problems = document_problems(doc, ctx, regime, on, label)
        valid = not problems
        dues = document_dues(doc, ctx)
        relied = [doc]
        carrier = doc  # the document that carries the clauses, and so the SCC module
        modules_of = inst
        if inst is not None and inst.addendum_to is not None:
            partner_kind = inst.addendum_to
            modules_of = ref.instruments.get(partner_kind)
            partner = _partner_document(partner_kind, ctx, ref, on)
            if partner is None:
                problems.append(
                    ctx.gap(
                        regime,
                        GapCode.MISSING_DOCUMENT,
                        Severity.HIGH,
                        f"{kind_phrase(doc.kind)} has no {kind_phrase(partner_kind)} to attach "
                        "to on the register",
                        doc.id,
                    )
                )
                valid = False
            else:
                carrier = partner
                more = document_problems(
                    partner,
                    ctx,
                    regime,
                    on,
                    f"{kind_phrase(partner_kind)} under {kind_phrase(doc.kind)}",
                )
                problems.extend(more)
                valid = valid and not more
                dues += document_dues(partner, ctx, expiry_only=True)
                relied.append(partner)
        wrong_module = _module_gap(carrier, modules_of, ctx, regime)
        if wrong_module is not None:
            problems.append(wrong_module)
            valid = False
        if inst is not None and spec is None:
            return _fails(
                ctx.gap(
                    regime,
                    GapCode.WRONG_MECHANISM,
                    Severity.HIGH,
                    f"{label} are not a {regime.value} transfer tool in the reference data",
                    doc.id,
                )
            )
        more = self.extra(doc, inst, ctx, regime, on)
        rule = ref.mechanisms.get(use.mechanism)
        if (
            rule is not None
            and rule.within_group_only
            and ctx.importer.kind is not EntityKind.GROUP
        ):
            # The data keeps this tool to a group's members (BCRs: GDPR Art 4(20), Art 47).
            more.append(
                ctx.gap(
                    regime,
                    GapCode.WRONG_MECHANISM,
                    Severity.HIGH,
                    f"{label[0].upper()}{label[1:]} cover only transfers within the group, and "
                    "the importer is not a group entity",
                    doc.id,
                )
            )
        problems.extend(more)
        valid = valid and not more
        problems.extend(review_gaps(doc, ctx, regime, on))
        dues += self.deadlines(doc, inst, ctx, regime)
        return Verdict(valid, problems, tuple(dues), tuple(relied))

    def extra(
        self,
        doc: DocumentView,
        inst: Instrument | None,
        ctx: TransferContext,
        regime: Regime,
        on: date,
    ) -> list[Gap]:
        """Problems particular to this mechanism (each makes it invalid)."""
        return []

    def deadlines(
        self, doc: DocumentView, inst: Instrument | None, ctx: TransferContext, regime: Regime
    ) -> list[Due]:
        """Dates particular to this mechanism after which ``extra`` finds it invalid."""
        return []


class LegacySccChecker(DocumentChecker):
    """SCCs under the pre-2021 decisions: usable only for contracts concluded by the
    instrument row's ``new_contracts_until`` and only until its ``valid_until``."""

    def extra(
        self,
        doc: DocumentView,
        inst: Instrument | None,
        ctx: TransferContext,
        regime: Regime,
        on: date,
    ) -> list[Gap]:
        spec = inst.regimes.get(regime) if inst is not None else None
        if inst is None or spec is None:
            return []
        out: list[Gap] = []
        last_new = spec.new_contracts_until
        if last_new is not None and doc.signed_on is not None and doc.signed_on > last_new:
            out.append(
                ctx.gap(
                    regime,
                    GapCode.LEGACY_SCC_TOO_LATE,
                    Severity.CRITICAL,
                    f"'{doc.title}' was signed on {doc.signed_on.isoformat()}, after "
                    f"the last day legacy SCCs could be used for new {regime.value} "
                    f"contracts ({last_new.isoformat()})",
                    doc.id,
                    dates=(doc.signed_on, last_new),
                )
            )
        if spec.valid_until is not None and on > spec.valid_until:
            out.append(
                ctx.gap(
                    regime,
                    GapCode.LEGACY_SCC_EXPIRED,
                    Severity.CRITICAL,
                    f"'{doc.title}' is on legacy SCCs (Decision "
                    f"{inst.current_version or doc.kind.value}), no longer valid for "
                    f"{regime.value} transfers after {spec.valid_until.isoformat()}",
                    doc.id,
                    spec.valid_until,
                    dates=(spec.valid_until,),
                    last_valid_on=spec.valid_until,
                )
            )
        return out

    def deadlines(
        self, doc: DocumentView, inst: Instrument | None, ctx: TransferContext, regime: Regime
    ) -> list[Due]:
        # The last day the legacy clauses count under this regime (``extra`` checks it).
        spec = inst.regimes.get(regime) if inst is not None else None
        if spec is None or spec.valid_until is None:
            return []
        return [
            ctx.due(
                DueKind.DEADLINE,
                spec.valid_until,
                doc.title,
                doc.id,
                regime=regime,
                parties=doc.party_ids,
            )
        ]


class DerogationChecker(DocumentChecker):
    def extra(
        self,
        doc: DocumentView,
        inst: Instrument | None,
        ctx: TransferContext,
        regime: Regime,
        on: date,
    ) -> list[Gap]:
        # The derogation relied on and why it applies must be documented (legal-facts 4.6).
        if doc.derogation is not None and doc.justification.strip():
            return []
        return [
            ctx.gap(
                regime,
                GapCode.DEROGATION_UNDOCUMENTED,
                Severity.HIGH,
                "Art 49 derogation without its letter and a written justification",
                doc.id,
            )
        ]


CHECKERS: Mapping[Mechanism, MechanismChecker] = {
    Mechanism.ADEQUACY: AdequacyChecker(),
    Mechanism.DPF: DpfChecker(),
    Mechanism.EU_SCC: DocumentChecker(),
    Mechanism.UK_IDTA: DocumentChecker(),
    Mechanism.UK_ADDENDUM: DocumentChecker(),
    Mechanism.LEGACY_SCC: LegacySccChecker(),
    Mechanism.BCR: DocumentChecker(),
    Mechanism.DEROGATION: DerogationChecker(),
}


def uses_under(
    ref: ReferenceSet, regime: Regime, mechanisms: Sequence[MechanismUseView]
) -> list[MechanismUseView]:
    """The transfer's mechanisms that count under ``regime``, in their order.

    A mechanism whose instrument counts under the regime only together with another
    (``only_with``: the EU SCCs under UK law need the Addendum) is left out when the
    transfer also lists that other one (together they are one tool, checked as the
    Addendum), or a tool that serves this regime alone (the EU SCCs then serve the
    other regimes). Listed on its own it stays, and its checker reports it as bare.
    """
    applies = ref.mechanisms_under(regime)
    uses = [u for u in mechanisms if u.mechanism in applies]
    partners = ref.partners_under(regime)
    if not partners:
        return uses
    conditional = [u.mechanism for u in uses if u.mechanism in partners]
    if not conditional:
        return uses
    listed = {u.mechanism for u in uses}
    served = not listed.isdisjoint(ref.specific_to(regime))
    drop = [m for m in conditional if served or partners[m] in listed]
    return [u for u in uses if u.mechanism not in drop] if drop else uses


def _bare_gap(
    doc: DocumentView,
    needs: DocumentKind,
    ctx: TransferContext,
    regime: Regime,
    ref: ReferenceSet,
) -> Gap:
    partner = ref.mechanism_of(needs)
    others = [
        kind_phrase(kind)
        for m in ref.specific_to(regime)
        if m is not partner
        for kind in ref.document_kinds(m)
    ]
    alternative = f" (or use {' or '.join(others)})" if others else ""
    return ctx.gap(
        regime,
        GapCode.UK_BARE_EU_SCC,
        Severity.CRITICAL,
        f"{regime.value} transfer relies on bare {kind_phrase(doc.kind)}: they need "
        f"{kind_phrase(needs)}{alternative}",
        doc.id,
    )


def _partner_document(
    kind: DocumentKind, ctx: TransferContext, ref: ReferenceSet, on: date
) -> DocumentView | None:
    """The document an addendum amends: one linked to the transfer's use of the mechanism it
    evidences, else the importer's current document of that kind."""
    partner = ref.mechanism_of(kind)
    linked = [
        d
        for u in ctx.transfer.mechanisms
        if u.mechanism is partner and (d := ctx.documents.get(u.document_id or -1)) is not None
    ]
    pool = [version_on(x, ctx, on) for x in linked] or [
        x for x in ctx.importer_documents if x.kind is kind and not superseded_on(x, ctx, on)
    ]
    return next((x for x in pool if x.kind is kind and not signed_after(x, on)), None)


def _module_gap(
    doc: DocumentView, inst: Instrument | None, ctx: TransferContext, regime: Regime
) -> Gap | None:
    """The clauses' SCC module against the one the parties' roles need (legal-facts 4.2):
    fixed by an instrument that provides one module (the legacy decisions), chosen in the
    document where it provides several (the 2021 SCCs)."""
    if inst is None or not inst.scc_modules:
        return None
    t = ctx.transfer
    expected = scc_module(ctx.exporter_role, t.importer_role)
    if len(inst.scc_modules) == 1:
        (fixed,) = inst.scc_modules
        if fixed == expected:
            return None
        return ctx.gap(
            regime,
            GapCode.WRONG_MODULE,
            Severity.HIGH,
            f"'{doc.title}' is a {MODULE_NAMES[fixed].split('(')[1][:-1]} set of clauses, "
            f"but {ctx.exporter_role.value} to {t.importer_role.value} needs "
            f"{MODULE_NAMES[expected]}",
            doc.id,
        )
    if doc.scc_module is None or doc.scc_module == expected:
        return None
    return ctx.gap(
        regime,
        GapCode.WRONG_MODULE,
        Severity.HIGH,
        f"'{doc.title}' uses SCC Module {doc.scc_module}, but {ctx.exporter_role.value} to "
        f"{t.importer_role.value} needs Module {expected}",
        doc.id,
    )
