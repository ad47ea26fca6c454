"""Services for the desktop app: the actions a user takes, each one transaction.

The app never reaches storage directly for a multi-step change: it calls one of these.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple, TypeVar

from transfers_app.domain.countries import normalise_code
from transfers_app.domain.enums import (
    Access,
    Activity,
    EntityKind,
    Finding,
    Lifecycle,
    Regime,
    Role,
    Severity,
)
from transfers_app.domain.formatting import day
from transfers_app.domain.models import Document, Entity, Location, Tia, Transfer
from transfers_app.domain.readmodels import EntityRow, MechanismsUsed
from transfers_app.domain.renewals import next_review
from transfers_app.errors import ValidationError
from transfers_app.ports.storage import Store
from transfers_app.services.register import RegisterService, StatusReport

Archivable = TypeVar("Archivable", Entity, Location, Transfer, Document, Tia)


# In a row's ``mechanisms``: a transfer to the entity records no mechanism at all.
NO_MECHANISM = "none"


class Adequacy(StrEnum):
    """Where an entity receives personal data, judged by the adequacy findings of the live
    transfers to it under each regime (``RegimeResult.assessment.finding``), worst first."""

    NOT_ADEQUATE = "not_adequate"  # a destination without adequacy (or not covered by the data)
    PARTIAL = "partial"  # adequate only within a decision's scope or for certified importers
    ADEQUATE = "adequate"  # every restricted destination has an adequacy finding
    NOT_RESTRICTED = "not_restricted"  # its transfers stay inside the exporters' own areas
    NO_LIVE_TRANSFER = "no_live_transfer"  # no live transfer to it was assessed


_FINDING_RANK = {
    Finding.NOT_ADEQUATE: 0,
    Finding.UNKNOWN: 0,
    Finding.ADEQUATE_IF: 1,
    Finding.ADEQUATE: 2,
    Finding.NOT_RESTRICTED: 3,
}
_ADEQUACY_OF_RANK = tuple(Adequacy)


class RegisterRow(NamedTuple):
    """One line of the register table: a tuple, so 100,000 of them stay light and quick."""

    entity_id: int
    name: str
    legal_name: str
    kind: EntityKind
    is_own: bool
    lifecycle: Lifecycle
    countries: tuple[str, ...]
    services: str
    # The earliest date due on its documents and assessments, and what falls due then (a
    # ``Reminder.what``: "expiry", "notice", "review", "dpf_recheck", "tia_review").
    next_due: date | None = None
    due_what: str = ""
    # The mechanisms recorded on the transfers to it (primary or fallback), plus
    # NO_MECHANISM when one of them records none. Rows share equal sets.
    mechanisms: frozenset[str] = frozenset()


def review_problem(doc: Document) -> ValidationError | None:
    """Why a review of ``doc`` cannot be recorded (asked before asking who reviewed it)."""
    if not doc.review_cycle_months:
        return ValidationError(
            "review_cycle_months",
            f"'{doc.title}' has no review cycle: set one to compute the next review",
        )
    return None


class Workspace:
    """What the desktop app does to the register, on top of ``RegisterService``."""

    def __init__(self, store: Store, register: RegisterService) -> None:
        self._store = store
        self.register = register
        self._last_archived: list[Entity | Location | Transfer | Document | Tia] = []

    # -- register table -------------------------------------------------------------------

    def register_rows(
        self, limit: int | None = None, on: date | None = None, report: StatusReport | None = None
    ) -> list[RegisterRow]:
        """The register table's rows in name order (only the first ``limit`` if given); given
        ``on``, with their next due dates and mechanisms too (see ``with_extras``)."""
        rows = self._store.queries.register_rows(limit)
        whole = limit is None or len(rows) < limit
        services: dict[tuple[str, ...], str] = {(): ""}
        out = []
        rows.reverse()
        while rows:  # each read row dropped as its RegisterRow is made: never two whole copies
            r = rows.pop()
            text = services.get(r.services)
            if text is None:  # the same services repeat: one text for each distinct list
                text = services[r.services] = "; ".join(r.services)
            out.append(
                RegisterRow(
                    r.entity_id, r.name, r.legal_name, r.kind, r.is_own, r.lifecycle, r.countries,
                    text,
                )
            )  # fmt: skip
        return out if on is None else self.with_extras(out, on, whole, report=report)

    def entity_rows(self) -> list[EntityRow]:
        """Every live entity as the register page reads it (name order), for views that draw
        the register whole (the data map)."""
        return self._store.queries.register_rows()

    def with_extras(
        self,
        rows: Sequence[RegisterRow],
        on: date,
        whole: bool = True,
        *,
        report: StatusReport | None = None,
    ) -> list[RegisterRow]:
        """``rows`` (same order) with each entity's next due date as of ``on`` and the
        mechanisms of the transfers to it. ``whole``: the rows are the whole register (read
        in one pass for all); otherwise only what concerns these rows is read.

        The next due date is the status engine's (``StatusReport.next_due_by_entity``: the
        dates the verdicts rest on, filed against the importer as the gaps are), so a row is
        never overdue beside an OK badge. ``report``: the status on ``on`` the caller holds
        (the app's shared one); without it, the status is computed (or taken from the
        service's cache).

        A second step rather than part of ``register_rows``: on 100,000 entities the status
        takes seconds, so a large register shows its rows first and these when ready.
        """
        ids = None if whole else [r.entity_id for r in rows]
        if report is None or report.on != on:
            report = self.register.status(on)
        due = report.next_due_by_entity()
        used = self._store.queries.mechanisms_used(ids)
        sets: dict[MechanismsUsed, frozenset[str]] = {}
        none: frozenset[str] = frozenset()
        out = []
        for r in rows:
            mechanisms = none
            recorded = used.get(r.entity_id)
            if recorded is not None:
                found = sets.get(recorded)
                if found is None:  # rows share equal sets: one for each distinct use
                    found = frozenset(recorded.mechanisms)
                    if recorded.unrecorded:
                        found |= {NO_MECHANISM}
                    sets[recorded] = found
                mechanisms = found
            next_due = due.get(r.entity_id)
            out.append(
                RegisterRow(
                    *r[:8],
                    next_due.on if next_due else None,
                    next_due.what if next_due else "",
                    mechanisms,
                )
            )
        return out

    @staticmethod
    def adequacy_by_entity(report: StatusReport) -> dict[int, Adequacy]:
        """How adequate each entity's destinations are, from the findings the status report
        judged its live transfers on (entities left out received no live transfer)."""
        rank_of = _FINDING_RANK
        ranks: dict[int, int] = {}
        for status in report.statuses:
            importer = status.transfer.importer_id
            worst = ranks.get(importer, _FINDING_RANK[Finding.NOT_RESTRICTED])
            for result in status.results:
                rank = rank_of[result.assessment.finding]
                if rank < worst:
                    worst = rank
            ranks[importer] = worst
        return {entity_id: _ADEQUACY_OF_RANK[rank] for entity_id, rank in ranks.items()}

    @staticmethod
    def worst_by_entity(report: StatusReport) -> dict[int, Severity]:
        """Each entity's worst open gap (the report lists gaps worst first)."""
        worst: dict[int, Severity] = {}
        for g in report.gaps:
            if g.entity_id is not None and g.entity_id not in worst:
                worst[g.entity_id] = g.severity
        return worst

    # -- archive with undo -----------------------------------------------------------------

    def archive_entity(self, entity_id: int) -> Entity:
        """Archive (never delete) an entity; the last archive can be undone."""
        return self.archive(self._store.entities.get(entity_id))

    def archive_transfer(self, transfer_id: int) -> Transfer:
        return self.archive(self._store.transfers.get(transfer_id))

    def archive_document(self, document_id: int) -> Document:
        return self.archive(self._store.documents.get(document_id))

    def archive(self, record: Archivable) -> Archivable:
        """Archive any record (entity, location, transfer, document, TIA); undo restores it."""
        store = self._store
        archived: Entity | Location | Transfer | Document | Tia
        if isinstance(record, Entity):
            archived = store.entities.archive(record)
        elif isinstance(record, Location):
            archived = store.entities.archive_location(record)
        elif isinstance(record, Transfer):
            archived = store.transfers.archive(record)
        elif isinstance(record, Document):
            archived = store.documents.archive(record)
        else:
            archived = store.assessments.archive(record)
        self._last_archived.append(archived)
        return archived

    def can_undo_archive(self) -> bool:
        return bool(self._last_archived)

    def undo_archive(self) -> Entity | Location | Transfer | Document | Tia | None:
        """Restore the record archived last (its current version, so edits are not lost)."""
        if not self._last_archived:
            return None
        last = self._last_archived.pop()
        assert last.id is not None
        store = self._store
        if isinstance(last, Entity):
            return store.entities.restore(store.entities.get(last.id))
        if isinstance(last, Transfer):
            return store.transfers.restore(store.transfers.get(last.id))
        if isinstance(last, Document):
            return store.documents.restore(store.documents.get(last.id))
        if isinstance(last, Location):
            return store.entities.restore_location(last)
        return store.assessments.restore(last)

    # -- documents ---------------------------------------------------------------------------

    def mark_reviewed(self, document_id: int, on: date, reviewed_by: str) -> Document:
        """Record a review done on ``on`` by ``reviewed_by`` (in the audit log, with the
        document); the next one follows the document's review cycle. ``undo_review`` with
        the document as it was takes it back."""
        doc = self._store.documents.get(document_id)
        who = " ".join(reviewed_by.split())
        if not who:
            raise ValidationError("reviewed_by", "say who reviewed the document")
        problem = review_problem(doc)
        if problem is not None or not doc.review_cycle_months:
            raise problem or ValidationError("review_cycle_months", "no review cycle")
        with self._store.transaction() as tx:
            saved = tx.documents.update(
                replace(
                    doc,
                    last_reviewed_on=on,
                    next_review_on=next_review(on, doc.review_cycle_months),
                )
            )
            tx.audit.note(
                "review", f"'{doc.title}' (document {document_id}) reviewed on {day(on)} by {who}"
            )
        return saved

    def undo_review(self, before: Document) -> Document:
        """Take back a review recorded by ``mark_reviewed``: the review dates go back to
        those of ``before`` (the document as it was), and the audit log says so."""
        if before.id is None:
            raise ValidationError("id", "the document was never saved")
        current = self._store.documents.get(before.id)
        with self._store.transaction() as tx:
            saved = tx.documents.update(
                replace(
                    current,
                    last_reviewed_on=before.last_reviewed_on,
                    next_review_on=before.next_review_on,
                )
            )
            tx.audit.note(
                "review", f"review of '{current.title}' (document {before.id}) taken back"
            )
        return saved

    def document_file(self, doc: Document) -> Path | None:
        """Where the signed file of ``doc`` is kept, if it has one and it is there."""
        return self._store.documents.file_path(doc.file_sha256) if doc.file_sha256 else None

    def viewable_copy(self, doc: Document) -> Path | None:
        """A copy of the signed file under its original name, for the system viewer.

        The store keeps files by their SHA-256 alone (no extension), which a viewer cannot
        recognise; the copy lives in a temporary folder and the stored file is never touched.
        """
        stored = self.document_file(doc)
        if stored is None:
            return None
        name = Path(doc.file_name).name or f"{doc.title}.bin"
        folder = Path(tempfile.mkdtemp(prefix="transfer-register-"))
        target = folder / name
        shutil.copyfile(stored, target)
        return target

    # -- supplier check -> register ------------------------------------------------------------

    def add_proposed_supplier(
        self,
        name: str,
        countries: Sequence[str],
        importer_role: Role,
        data_categories: Sequence[str],
        on: date,
        service_text: str = "",
        exporter_id: int | None = None,
        regimes: Sequence[Regime] = (),
    ) -> Entity:
        """Create the supplier (proposed), its locations and one transfer per country, at once."""
        if not name.strip():
            raise ValidationError("name", "is required")
        codes = [normalise_code(c, "countries") for c in countries]
        if not codes:
            raise ValidationError("countries", "give at least one country")
        own = self._store.entities.own()
        exporter = next((e for e in own if e.id == exporter_id), own[0] if own else None)
        with self._store.transaction() as tx:
            supplier = tx.entities.add(
                Entity(
                    name=name.strip(),
                    kind=EntityKind.VENDOR,
                    lifecycle=Lifecycle.PROPOSED,
                    proposed_on=on,
                    notes="Added from the supplier check.",
                )
            )
            assert supplier.id is not None
            for i, code in enumerate(dict.fromkeys(codes)):
                activity = Activity.HEADQUARTERS if i == 0 else Activity.HOSTING
                tx.entities.add_location(Location(supplier.id, code, activity))
                if exporter is not None and exporter.id is not None:
                    tx.transfers.add(
                        Transfer(
                            exporter_id=exporter.id,
                            importer_id=supplier.id,
                            destination=code,
                            access=Access.STORAGE,
                            importer_role=importer_role,
                            regimes=tuple(regimes),
                            service=service_text,
                            data_categories=tuple(data_categories),
                            started_on=None,
                            notes="Proposed: not live until a start date is set.",
                            ended_on=None,
                        )
                    )
        return supplier
