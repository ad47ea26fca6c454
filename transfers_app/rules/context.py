"""What the rules know about one transfer, and how they read its documents on a date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple, TypeVar

from transfers_app.domain.enums import DocumentKind, DocumentStatus, Regime, Role, Severity
from transfers_app.domain.readmodels import DueKind
from transfers_app.domain.renewals import Due, notice_day
from transfers_app.rules.destination import Certifications
from transfers_app.rules.inputs import AssessmentView, DocumentView, PartyView, TransferView
from transfers_app.rules.results import Gap, GapCode

_Doc = TypeVar("_Doc", bound=DocumentView)


class TransferContext(NamedTuple):
    """What the rules know about one transfer: its parties, documents and assessments."""

    transfer: TransferView
    exporter: PartyView
    importer: PartyView
    regimes: tuple[Regime, ...]
    exporter_role: Role
    documents: Mapping[int, DocumentView]
    # Documents the importer is party to (not archived; any version: the rules pick the
    # version in force on the date assessed).
    importer_documents: Sequence[DocumentView]
    tias: Sequence[AssessmentView]
    successors: Mapping[int, DocumentView] = {}  # document id -> the version that replaced it

    def gap(
        self,
        regime: Regime,
        code: GapCode,
        severity: Severity,
        message: str,
        document_id: int | None = None,
        due_on: date | None = None,
        dates: tuple[date, ...] = (),
        last_valid_on: date | None = None,
    ) -> Gap:
        """A problem with this transfer under ``regime``, filed against its importer;
        ``dates`` are the dates the message names (ISO in it), ``last_valid_on`` the last day
        of a safeguard that ended."""
        return Gap(
            code, severity, message, self.transfer.id, self.importer.id, regime, document_id,
            due_on, dates, last_valid_on,
        )  # fmt: skip

    def due(
        self,
        what: DueKind,
        due_on: date,
        title: str,
        document_id: int | None = None,
        assessment_id: int | None = None,
        regime: Regime | None = None,
        parties: tuple[int, ...] = (),
    ) -> Due:
        """A date the verdict on this transfer depends on, filed against its importer."""
        return Due(
            due_on,
            what,
            title,
            self.transfer.id,
            self.importer.id,
            document_id,
            assessment_id,
            regime,
            parties,
        )


def signed_after(doc: DocumentView, on: date) -> bool:
    """Was ``doc`` signed only after ``on``? Then it did not exist on that day: a status as of
    an earlier day does not rely on it (a document without a signature date is judged by its
    own gap, "not signed?")."""
    signed = doc.signed_on or doc.effective_on
    return signed is not None and signed > on


def document_dues(
    doc: DocumentView, ctx: TransferContext, *, expiry_only: bool = False
) -> list[Due]:
    """The dates of a document the verdict relies on: its expiry and, unless ``expiry_only``,
    the last day to give notice and its next review (each checked by the rules once passed:
    ``mechanisms.document_problems``, ``mechanisms.review_gaps``)."""
    out: list[Due] = []
    expires, review = doc.expires_on, doc.next_review_on
    if expires is None and review is None:
        return out
    # ``ctx.due`` written out: one is made for most documents of every transfer.
    title, document, parties = doc.title, doc.id, doc.party_ids
    transfer, importer = ctx.transfer.id, ctx.importer.id
    if expires is not None:
        out.append(
            Due(expires, DueKind.EXPIRY, title, transfer, importer, document, None, None, parties)
        )
    if expiry_only:
        return out
    if expires is not None and doc.notice_period_days:
        notice = notice_day(expires, doc.notice_period_days)
        if notice is not None:
            out.append(
                Due(
                    notice, DueKind.NOTICE, title, transfer, importer, document, None, None, parties
                )
            )
    if review is not None:
        out.append(
            Due(review, DueKind.REVIEW, title, transfer, importer, document, None, None, parties)
        )
    return out


def _start(doc: DocumentView) -> date | None:
    return doc.effective_on or doc.signed_on


def superseded_on(doc: DocumentView, ctx: TransferContext, on: date) -> bool:
    """Had a newer version of this document taken effect by ``on``?"""
    nxt = ctx.successors.get(doc.id or -1)
    if nxt is None:
        return doc.status is DocumentStatus.SUPERSEDED
    start = _start(nxt)
    return start is None or start <= on


def version_on(doc: DocumentView, ctx: TransferContext, on: date) -> DocumentView:
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
    docs: Iterable[_Doc], on: date | None = None, ctx: TransferContext | None = None
) -> tuple[Certifications, _Doc | None]:
    """The importer's DPF status from its newest certification evidence checked by ``on``."""
    best: _Doc | None = None
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
