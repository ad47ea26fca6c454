"""The file adapters: PDF, Word (DOCX), CSV, XLSX, JSON, HTML/Markdown, the evidence pack's
ZIP and its data map (PDF, SVG), and the readers of vendor lists. Each implements a port of
``transfers_app.ports.files``; the composition root builds them with ``file_adapters()`` and
hands them to the services.

Modules import lazily where a library is heavy (ReportLab, python-docx, openpyxl), so a command
that writes no file does not pay for them at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transfers_app.ports.files import FileAdapters

if TYPE_CHECKING:
    from transfers_app.domain.vendor_table import Table
    from transfers_app.ports.files import PackProgress, Progress, RegisterFile, RenderMany
    from transfers_app.ports.storage import RegisterRecords
    from transfers_app.reports.data_map.picture import MapPicture
    from transfers_app.reports.document import ReportDocument
    from transfers_app.reports.pack import PackPlan
    from transfers_app.reports.public_list import PublicListReport
    from transfers_app.reports.table import ExportTable


class ReportlabPdf:
    def render(self, doc: ReportDocument, *, invariant: bool = False) -> bytes:
        from exports.pdf_render import render_pdf

        return render_pdf(doc, invariant=invariant)

    def write(self, doc: ReportDocument, path: Path, *, invariant: bool = False) -> Path:
        from exports.pdf_render import write_pdf

        return write_pdf(doc, path, invariant=invariant)

    @contextmanager
    def pool(self) -> Iterator[RenderMany]:
        from exports.pdf_batch import PdfPool

        with PdfPool() as workers:
            yield workers.render


class WordDocx:
    def render(self, doc: ReportDocument) -> bytes:
        from exports.docx_render import render_docx

        return render_docx(doc)

    def write(self, doc: ReportDocument, path: Path) -> Path:
        from exports.docx_render import write_docx

        return write_docx(doc, path)


class TableFiles:
    def write_csv(self, table: ExportTable, path: Path, *, progress: Progress | None = None) -> int:
        from exports.register_csv import write_csv

        return write_csv(table, path, progress=progress)

    def write_xlsx(
        self, tables: Sequence[ExportTable], path: Path, *, progress: Progress | None = None
    ) -> int:
        from exports.register_xlsx import write_xlsx

        return write_xlsx(tables, path, progress=progress)

    def csv_bytes(self, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
        from exports.csv_safe import csv_bytes

        return csv_bytes(headers, rows)


class JsonRegisterFile:
    def write(
        self,
        records: RegisterRecords,
        path: Path,
        *,
        exported_at: datetime,
        reference_version: str,
        app_version: str,
        progress: Progress | None = None,
    ) -> int:
        from exports.register_json import write_register_json

        return write_register_json(
            records,
            path,
            exported_at=exported_at,
            reference_version=reference_version,
            app_version=app_version,
            progress=progress,
        )

    def read(self, path: Path) -> RegisterFile:
        from exports.register_json import read_register_json

        return read_register_json(path)


class PublicListPages:
    def html(self, report: PublicListReport) -> str:
        from exports.public_list import render_html

        return render_html(report)

    def markdown(self, report: PublicListReport) -> str:
        from exports.public_list import render_markdown

        return render_markdown(report)


class ZipPack:
    def write(
        self,
        plan: PackPlan,
        target: Path,
        progress: PackProgress | None = None,
        stamp: datetime | None = None,
    ) -> dict[str, Any]:
        from exports.evidence_pack import write_pack

        return write_pack(plan, target, progress, stamp)


class DataMapDrawing:
    def pdf(self, picture: MapPicture) -> bytes:
        from exports.data_map import map_pdf

        return map_pdf(picture)

    def svg(self, picture: MapPicture) -> bytes:
        from exports.data_map import map_svg

        return map_svg(picture)


class ListFiles:
    def read(self, path: Path, sheet: str | None = None) -> Table:
        from exports.list_reader import read_table

        return read_table(path, sheet)


def file_adapters() -> FileAdapters:
    return FileAdapters(
        pdf=ReportlabPdf(),
        docx=WordDocx(),
        tables=TableFiles(),
        register_file=JsonRegisterFile(),
        public_list=PublicListPages(),
        pack=ZipPack(),
        lists=ListFiles(),
        data_map=DataMapDrawing(),
    )
