"""Services for the desktop app: the actions a user takes, each one transaction.

The app never reaches storage directly for a multi-step change: it calls one of these.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NamedTuple, TypeVar

from transfers_app.domain.countries import normalise_code
from transfers_app.domain.enums import (
    Access,
    Activity,
    EntityKind,
    Lifecycle,
    Regime,
    Role,
    Severity,
)
from transfers_app.domain.models import Document, Entity, Location, Tia, Transfer
from transfers_app.domain.renewals import next_review
from transfers_app.errors import ValidationError
from transfers_app.services.register import RegisterService, StatusReport

Archivable = TypeVar("Archivable", Entity, Location, Transfer, Document, Tia)


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


class Workspace:
    """What the desktop app does to the register, on top of ``RegisterService``."""

    def __init__(self, service: RegisterService) -> None:
        self.service = service
        self.repo = service.repo
        self._last_archived: list[Entity | Location | Transfer | Document | Tia] = []

    # -- register table -------------------------------------------------------------------

    def register_rows(self, limit: int | None = None) -> list[RegisterRow]:
        """The register table's rows in name order (only the first ``limit`` if given)."""
        kinds = {k.value: k for k in EntityKind}
        lifecycles = {k.value: k for k in Lifecycle}
        splits: dict[str | None, tuple[str, ...]] = {None: ()}
        out = []
        for r in self.repo.register_table(limit):
            codes = splits.get(r[6])
            if codes is None:  # the same country lists repeat: split each distinct one once
                codes = splits[r[6]] = tuple(dict.fromkeys(c for c in r[6].split(",") if c))
            out.append(
                RegisterRow(
                    r[0], r[1], r[2], kinds[r[3]], bool(r[5]), lifecycles[r[4]], codes, r[7] or ""
                )
            )
        return out

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
        return self.archive(self.repo.get_entity(entity_id))

    def archive(self, record: Archivable) -> Archivable:
        """Archive any record (entity, location, transfer, document, TIA); undo restores it."""
        archived = self.repo.archive(record)
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
        if isinstance(last, Entity):
            return self.repo.restore(self.repo.get_entity(last.id))
        if isinstance(last, Transfer):
            return self.repo.restore(self.repo.get_transfer(last.id))
        if isinstance(last, Document):
            return self.repo.restore(self.repo.get_document(last.id))
        if isinstance(last, Location):
            return self.repo.restore(last)
        return self.repo.restore(last)

    # -- documents ---------------------------------------------------------------------------

    def mark_reviewed(self, document_id: int, on: date) -> Document:
        """Record a review done on ``on``; the next one follows the document's review cycle."""
        doc = self.repo.get_document(document_id)
        if not doc.review_cycle_months:
            raise ValidationError(
                "review_cycle_months",
                f"'{doc.title}' has no review cycle: set one to compute the next review",
            )
        return self.repo.update_document(
            replace(
                doc,
                last_reviewed_on=on,
                next_review_on=next_review(on, doc.review_cycle_months),
            )
        )

    def document_file(self, doc: Document) -> Path | None:
        """Where the signed file of ``doc`` is kept, if it has one and it is there."""
        return self.repo.stored_file(doc.file_sha256) if doc.file_sha256 else None

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
        own = self.repo.own_entities()
        exporter = next((e for e in own if e.id == exporter_id), own[0] if own else None)
        with self.repo.transaction():
            supplier = self.repo.add_entity(
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
                self.repo.add_location(Location(supplier.id, code, activity))
                if exporter is not None and exporter.id is not None:
                    self.repo.add_transfer(
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
