"""The exports and imports of whole files, on the file adapters the composition root built:
the register (PDF, CSV, XLSX, lossless JSON) and its JSON import, the regulator's evidence pack,
the public sub-processor list, and an assessment's summary PDF.

``ExportService`` is what the app and the command line call (its ``register`` is also what the
evidence pack puts inside the pack).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from transfers_app import __version__
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.ports.files import FileAdapters
from transfers_app.ports.storage import RegisterRecords, Store
from transfers_app.reports.public_list import PublicListReport
from transfers_app.services.audit import AuditService
from transfers_app.services.evidence import (
    PackRenderers,
    PackRequest,
    PackScope,
    plan_pack,
)
from transfers_app.services.open_items import OpenItemsService, Readiness
from transfers_app.services.organisation import OrganisationService, regulator_name
from transfers_app.services.public_list import PublicListService
from transfers_app.services.register import RegisterService, StatusReport
from transfers_app.services.register_export import (
    ExportFormat,
    Progress,
    gather,
    register_lines,
    register_report,
    register_table,
)
from transfers_app.services.register_file import ImportResult, import_register_json
from transfers_app.services.register_workbook import read_tables, workbook_tables
from transfers_app.services.tia import TiaFormat, TiaService


class ExportService:
    """Every file the register is written to or read from."""

    def __init__(
        self,
        store: Store,
        register: RegisterService,
        tias: TiaService,
        public_list: PublicListService,
        files: FileAdapters,
    ) -> None:
        self._store = store
        self._register = register
        self._tias = tias
        self._public_list = public_list
        self.files = files

    def register(
        self,
        fmt: ExportFormat,
        path: Path,
        on: date,
        *,
        exported_at: datetime,
        report: StatusReport | None = None,
        progress: Progress | None = None,
        author: str = "",
    ) -> ExportResult:
        """Write the register to ``path`` in ``fmt``: all of it, or (on any failure, or when
        ``progress`` raises ``ExportCancelled``) nothing. Errors a user can cause (a folder that
        does not exist, a read-only or locked file) become a ``TransfersError`` naming the file.

        ``author`` (the PDF's) is a person's name; "" : the organisation profile's preparer,
        else the organisation's name."""
        path = Path(path)
        author = author or self.default_author()
        _writable(path)
        store, files = self._store, self.files
        try:
            if fmt is ExportFormat.JSON:
                records = _people_not_logins(store.records.dump())
                files.register_file.write(
                    records,
                    path,
                    exported_at=exported_at,
                    reference_version=self._register.ref.version,
                    app_version=__version__,
                    progress=progress,
                )
                live = sum(1 for e in records.entities if e.archived_at is None)
                return ExportResult(path, fmt, live, _record_count(records))
            data = gather(store, self._register, on, report)
            lines = register_lines(data)
            entities = len({line.entity_id for line in lines})
            if fmt is ExportFormat.CSV:
                files.tables.write_csv(register_table(lines), path, progress=progress)
            elif fmt is ExportFormat.XLSX:
                tables = workbook_tables(data, lines, read_tables(store))
                files.tables.write_xlsx(tables, path, progress=progress)
            else:
                doc = register_report(data, lines, generated_on=exported_at.date(), author=author)
                if progress is not None:  # the last moment to cancel: the renderer runs to the end
                    progress(0, len(lines))
                files.pdf.write(doc, path)
            return ExportResult(path, fmt, entities, len(lines))
        except OSError as exc:
            raise TransfersError(f"cannot write {path}: {exc.strerror or exc}") from None

    def default_author(self, prepared_by: str = "") -> str:
        """Who a document names as its author: ``prepared_by``, the profile's first signer (or
        DPO), or the organisation's name; never the computer's login."""
        organisation = OrganisationService(self._store)
        person = organisation.preparer(prepared_by)
        return person.name if person is not None else organisation.get().display_name

    def import_json(self, path: Path) -> ImportResult:
        """Load a register file (the JSON export) into this empty register."""
        return import_register_json(self._store, self.files.register_file, path)

    def public_list(
        self,
        fmt: str,
        path: Path,
        on: date,
        publish: bool = False,
        force: bool = False,
        prepared_by: str = "",
    ) -> PublicListReport:
        """The public sub-processor list as ``fmt`` ("html" or "md"); with ``publish`` also
        recorded as published, together with the file or not at all (an entry without a valid
        safeguard: only with ``force``), by ``prepared_by`` or the profile's preparer (as
        ``default_author``: a person, never the computer's login)."""
        who = self.default_author(prepared_by) if publish else None
        return self._public_list.write(
            self.files.public_list, fmt, path, on, published_by=who, force=force
        )

    def tia(self, tia_id: int, on: date, path: Path, fmt: TiaFormat = TiaFormat.PDF) -> Path:
        """An assessment as PDF or Word."""
        return self._tias.export(tia_id, on, path, fmt)

    def evidence_pack(
        self,
        target: Path,
        on: date,
        *,
        scope: PackScope | None = None,
        prepared_by: str = "",
        reference: str = "",
        progress: Callable[[int, int, str], bool] | None = None,
        status: StatusReport | None = None,
    ) -> tuple[dict[str, Any], Readiness]:
        """Write the whole evidence pack to ``target`` (all of it, or nothing if cancelled or
        failed) and return its manifest and the readiness findings it records.

        ``prepared_by`` names who prepares it ("": the profile's first signer); ``reference``
        is the case reference the letter quotes. Refused (TransfersError) without a complete
        organisation profile, or with a date range that ends before it starts."""
        scope = scope or PackScope()
        problem = scope.problem()
        if problem:
            raise ValidationError("date range", problem)
        organisation = OrganisationService(self._store)
        org = organisation.complete()
        preparer = organisation.preparer(prepared_by)
        files = self.files
        report = status or self._register.status(on)
        ref = self._register.ref
        facts = OpenItemsService(self._store, self._register.reference).facts()
        stamp = datetime.combine(on, datetime.now().time()).replace(microsecond=0)
        author = preparer.name if preparer is not None else org.display_name

        def register_file(fmt: ExportFormat) -> Callable[[], bytes]:
            def produce() -> bytes:
                with tempfile.TemporaryDirectory() as tmp:
                    out = Path(tmp) / f"register.{fmt.value}"
                    self.register(fmt, out, on, exported_at=stamp, report=report, author=author)
                    return out.read_bytes()

            return produce

        with files.pdf.pool() as render_many:
            renderers = PackRenderers(
                pdf=files.pdf.render,
                csv=files.tables.csv_bytes,
                register_pdf=register_file(ExportFormat.PDF),
                register_csv=register_file(ExportFormat.CSV),
                pdf_many=render_many,
                map_pdf=files.data_map.pdf,
                map_svg=files.data_map.svg,
            )
            request = PackRequest(scope, reference.strip(), preparer)
            # The audit trail as it stands now: its head hash and whether every link holds.
            audit = AuditService(self._store).verify()
            plan, ready = plan_pack(
                self._store,
                self._tias,
                report,
                on,
                renderers,
                request,
                org,
                facts,
                regulator_name(ref, on),
                audit,
            )
            manifest = files.pack.write(plan, target, progress, stamp)
        return manifest, ready


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    format: ExportFormat
    entities: int
    lines: int  # table rows written (records for JSON)


def _writable(path: Path) -> None:
    if path.is_dir():
        raise TransfersError(f"cannot write {path}: it is a folder; give a file name")
    if not path.parent.is_dir():
        raise TransfersError(f"cannot write {path}: the folder {path.parent} does not exist")


def _people_not_logins(records: RegisterRecords) -> RegisterRecords:
    """The records as a file shows them: each publication by the person its content names,
    so that a version published before people were named (its ``actor`` the computer's login)
    shows none. Only the audit trail keeps logins (issue 11)."""
    pubs = records.publications
    if all(p.actor == p.published_by for p in pubs):
        return records
    return replace(records, publications=tuple(replace(p, actor=p.published_by) for p in pubs))


def _record_count(records: RegisterRecords) -> int:
    return sum(len(getattr(records, f.name)) for f in fields(records))
