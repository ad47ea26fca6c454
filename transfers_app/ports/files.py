"""Ports for files: the writers and readers the services use, implemented in ``exports/``.

The services decide every word and figure (report models in ``transfers_app.reports``); these
ports only lay them out or read them in. ``exports.file_adapters()`` builds the real ones and
the composition root (``transfers_app.cli``) hands them to the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    # Types only: every command builds the file adapters, and most write no file, so the
    # report models are not loaded until a service builds one.
    from transfers_app.domain.vendor_table import Table
    from transfers_app.ports.storage import RegisterRecords
    from transfers_app.reports.data_map.picture import MapPicture
    from transfers_app.reports.document import ReportDocument
    from transfers_app.reports.pack import PackPlan
    from transfers_app.reports.public_list import PublicListReport
    from transfers_app.reports.table import ExportTable

# (done, total); raising from it (``ExportCancelled``) stops the write and leaves no file.
Progress = Callable[[int, int], None]
# (done, total, what) -> keep going? False cancels the pack (``PackCancelled``).
PackProgress = Callable[[int, int, str], bool]
# Many documents at once, in order (on every core where the adapter can).
RenderMany: TypeAlias = "Callable[[Sequence[ReportDocument]], list[bytes]]"


@dataclass(frozen=True, slots=True)
class RegisterFile:
    """A register file read back: its records and what its header says."""

    records: RegisterRecords
    exported_at: datetime | None
    app_version: str
    reference_version: str


class PdfRenderer(Protocol):
    def render(self, doc: ReportDocument, *, invariant: bool = False) -> bytes: ...

    def write(self, doc: ReportDocument, path: Path, *, invariant: bool = False) -> Path:
        """Atomically: on any failure the old file (or no file) remains."""
        ...

    def pool(self) -> AbstractContextManager[RenderMany]:
        """Workers kept for a whole job (the evidence pack renders in batches)."""
        ...


class DocxRenderer(Protocol):
    """A report as a Word document (.docx), for lawyers who edit before signing: the same
    report model, and so the same words, as the PDF."""

    def render(self, doc: ReportDocument) -> bytes:
        """The same document gives the same bytes (dated by ``doc.generated_on``)."""
        ...

    def write(self, doc: ReportDocument, path: Path) -> Path:
        """Atomically: on any failure the old file (or no file) remains."""
        ...


class TableWriter(Protocol):
    def write_csv(
        self, table: ExportTable, path: Path, *, progress: Progress | None = None
    ) -> int: ...

    def write_xlsx(
        self, tables: Sequence[ExportTable], path: Path, *, progress: Progress | None = None
    ) -> int: ...

    def csv_bytes(self, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
        """A small CSV in memory (formula-safe), for files inside the evidence pack."""
        ...


class RegisterFileCodec(Protocol):
    """The lossless JSON register file (``docs/register-json.md``)."""

    def write(
        self,
        records: RegisterRecords,
        path: Path,
        *,
        exported_at: datetime,
        reference_version: str,
        app_version: str,
        progress: Progress | None = None,
    ) -> int: ...

    def read(self, path: Path) -> RegisterFile:
        """Raises ``RegisterFileError`` naming the file and the record that is wrong."""
        ...


class PublicListRenderer(Protocol):
    def html(self, report: PublicListReport) -> str: ...

    def markdown(self, report: PublicListReport) -> str: ...


class PackWriter(Protocol):
    def write(
        self,
        plan: PackPlan,
        target: Path,
        progress: PackProgress | None = None,
        stamp: datetime | None = None,
    ) -> dict[str, Any]:
        """Write the ZIP (all of it or nothing) and return its manifest."""
        ...


class DataMapRenderer(Protocol):
    """The data map drawn without Qt: one PDF page, or an SVG drawing."""

    def pdf(self, picture: MapPicture) -> bytes: ...

    def svg(self, picture: MapPicture) -> bytes: ...


class ListReader(Protocol):
    """Vendor and sub-processor lists as teams keep them (CSV in any common encoding and
    delimiter, XLSX): the raw table, header found; the services interpret the cells."""

    def read(self, path: Path, sheet: str | None = None) -> Table: ...


@dataclass(frozen=True, slots=True)
class FileAdapters:
    """Every file port, as the composition root hands them to the services."""

    pdf: PdfRenderer
    docx: DocxRenderer
    tables: TableWriter
    register_file: RegisterFileCodec
    public_list: PublicListRenderer
    pack: PackWriter
    lists: ListReader
    data_map: DataMapRenderer
