"""Exports from the app: the register (PDF, CSV, XLSX, JSON), the public sub-processor list and
the regulator's evidence pack.

Built with data, testable without ``exec()``: set the widgets, call ``start()`` (or click the
export button) and wait for ``result``. The work runs on a background thread with a service of
its own (an SQLite connection belongs to the thread that opened it), behind a modal progress
dialog whose Cancel stops it: the services then leave no file behind, and the dialog says so.
Every message and file dialog goes through ``ui.messages``.
"""

from __future__ import annotations

import getpass
import html
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.formatting import day
from transfers_app.domain.models import Transfer
from transfers_app.services.evidence import (
    CATEGORIES,
    OTHER,
    Finding,
    PackScope,
    Readiness,
    build_evidence_pack,
    readiness,
)
from transfers_app.services.public_list import (
    PUBLIC_LIST_FORMATS,
    PublicListReport,
    PublicListService,
    public_list_format_for,
    write_public_list,
)
from transfers_app.services.register import RegisterService, StatusReport
from transfers_app.services.register_export import (
    ExportCancelled,
    ExportFormat,
    ExportResult,
    export_register,
)
from ui import messages
from ui.context import UiContext
from ui.dialogs.document_dialog import from_qdate, to_qdate
from ui.jobs import Job, Jobs
from ui.models.exports import (
    ChangesModel,
    FindingsModel,
    worst_first,
)
from ui.models.parties import PartiesModel
from ui.models.rows import SortRole
from ui.widgets.badges import StatusBadgeDelegate
from ui.widgets.forms import ERROR_STYLE
from ui.widgets.tables import app_settings

DONE_STYLE = "color: #2e7d32;"
NOTE_STYLE = "color: #5f4100; background: #fff4d6; border-left: 4px solid #c98a00; padding: 6px;"
LAST_FOLDER = "exports/last_folder"

# The register's formats: the label, what the file holds, and the file dialog's filter.
REGISTER_FORMATS: dict[ExportFormat, tuple[str, str, str]] = {
    ExportFormat.PDF: (
        "PDF report (landscape)",
        "Totals and charts by destination and by mechanism, then every entity with its "
        "transfers: to print, or to send to someone without the app.",
        "PDF document (*.pdf)",
    ),
    ExportFormat.CSV: (
        "CSV for Excel",
        "One line per entity and each transfer it receives, UTF-8 with a BOM so Excel shows "
        "every accent and script.",
        "CSV (*.csv)",
    ),
    ExportFormat.XLSX: (
        "Excel workbook (XLSX)",
        "The same register table, then a sheet per table (entities, locations, transfers, "
        "documents, assessments) with real dates, a frozen header and filters.",
        "Excel workbook (*.xlsx)",
    ),
    ExportFormat.JSON: (
        "JSON (lossless)",
        "The whole register, archived records included: a backup, or a move to another "
        "machine (transfers-app import-json loads it into an empty register).",
        "JSON (*.json)",
    ),
}
PUBLIC_LIST_FILTERS = {"html": "HTML page (*.html *.htm)", "md": "Markdown (*.md *.markdown)"}
CANCELLED_TEXT = "Cancelled: nothing was written."
WRAP_ROWS = 300  # up to this many rows, a table's rows grow to show their whole text


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return ""


def _rich(text: str) -> str:
    """Plain text for a message box, never read as markup (a path or a name with "<" or "&")."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def default_folder() -> Path:
    """Where a file dialog starts: the folder of the last export, else Documents, else home."""
    settings = app_settings()
    last = settings.value(LAST_FOLDER) if settings is not None else None
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and Path(docs).is_dir():
        return Path(docs)
    return Path.home()


def remember_folder(path: Path) -> None:
    settings = app_settings()
    if settings is not None:
        settings.setValue(LAST_FOLDER, str(path.parent))


def open_folder(path: Path) -> None:
    """Show the folder of a written file in the system's file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


# -- background work ------------------------------------------------------------------------------


LOAD = "load"
EXPORT = "export"


class ExportJob:
    """What an export sees on its worker thread (a ``ui.jobs.Job`` underneath): it reports
    through ``report(done, total, what)``, which returns False once the user has asked to
    cancel (a register export then raises ``ExportCancelled``)."""

    def __init__(self, job: Job) -> None:
        self._job = job

    def report(self, done: int, total: int, what: str = "") -> bool:  # worker thread
        return self._job.report((done, total, what))

    @property
    def cancel_requested(self) -> bool:
        return self._job.cancelled


class ProgressDialog(QDialog):
    """Modal while an export runs: what is being written, how far, and Cancel.

    Closing it (Esc, the window's close button) also cancels; it closes itself when the work
    has stopped. ``describe(done, total, what)`` words each step."""

    def __init__(
        self,
        title: str,
        job: Job,
        describe: Callable[[int, int, str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.job = job
        self._describe = describe
        self._finished = False
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.heading = QLabel(title)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first step is known
        self.bar.setAccessibleName("Progress")
        self.detail = QLabel("Reading the register…")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 2)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop: nothing is written")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addWidget(self.heading)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)
        layout.addLayout(row)
        self.cancel_button.clicked.connect(self.request_cancel)

    def _on_progress(self, done: int, total: int, what: str) -> None:
        if self.job.cancelled:
            return
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.detail.setText(self._describe(done, total, what))

    def request_cancel(self) -> None:
        if self._finished:
            return
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.detail.setText("Stopping at the next step: nothing will be written.")

    def reject(self) -> None:
        """Esc or the close button: cancel; the dialog goes when the work has stopped."""
        if self._finished:
            super().reject()
        else:
            self.request_cancel()

    def finish(self) -> None:
        self._finished = True
        self.done(QDialog.DialogCode.Accepted)


class _SaveRow(QWidget):
    """A file to write: the path, and Choose… (the system's save dialog)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setAccessibleName("File to write")
        self.edit.setMinimumWidth(360)
        self.button = QPushButton("Choose…")
        self.button.setAccessibleName("Choose the file")
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        # The file the user confirmed in the save dialog (which asks before replacing it).
        self.confirmed: Path | None = None

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_path(self, path: Path | None, confirmed: bool = False) -> None:
        self.edit.setText(str(path) if path else "")
        self.confirmed = path if confirmed else None


def _ask_replace(parent: QWidget, row: _SaveRow, path: Path) -> bool:
    """A file typed in (not chosen in the save dialog) that exists: ask before replacing it."""
    if path.exists() and not path.is_dir() and row.confirmed != path:
        return messages.confirm(parent, _rich(f"{path} exists. Replace it?"))
    return True


class _ExportDialogBase(QDialog):
    """What the three export dialogs share: a job, its progress dialog and its outcome."""

    failure_text = "Nothing was written."

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # The reading and the writing run in the background (``ui.jobs``); a closed dialog
        # hears nothing more.
        self.jobs = Jobs(self, ctx)
        self.job: Job | None = None
        self.progress: ProgressDialog | None = None
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setModal(True)

    @property
    def busy(self) -> bool:
        return self.jobs.busy()

    def _say(self, text: str, style: str = "") -> None:
        self.status_label.setStyleSheet(style)
        self.status_label.setText(text)

    def _run(
        self,
        title: str,
        work: Callable[[RegisterService, ExportJob], Any],
        describe: Callable[[int, int, str], str] | None,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None] | None = None,
        key: str = EXPORT,
    ) -> Job:
        """Start ``work`` on a worker thread, behind a progress dialog when ``describe`` is
        given; ``on_done(result)`` runs on the GUI thread if it succeeds, ``on_failed``
        (default: the export's failure message) if it fails."""
        job = self.jobs.start(
            lambda service, job: work(service, ExportJob(job)),
            lambda result: self._ended(on_done, result),
            lambda message: self._ended(on_failed or self._failed, message),
            key=key,
            on_progress=self._progressed,
            on_cancelled=lambda: self._ended(self._cancelled),
        )
        self.job = job
        if describe is not None:
            self.progress = ProgressDialog(title, job, describe, self)
            self.progress.show()
        return job

    def _progressed(self, value: tuple[int, int, str]) -> None:
        if self.progress is not None:
            self.progress._on_progress(*value)

    def _ended(self, then: Callable[..., None], *args: Any) -> None:
        """The work stopped: close the progress dialog, then say how it went."""
        if self.progress is not None:
            self.progress.finish()
            self.progress = None
        then(*args)

    def _cancelled(self) -> None:
        self._say(CANCELLED_TEXT)

    def _failed(self, message: str) -> None:
        self._say(f"Not written: {message}", ERROR_STYLE)
        messages.error(self, _rich(f"{self.failure_text}\n\n{message}"))

    def _saved(self, path: Path, text: str) -> None:
        """The file is written: say so, offer its folder, close."""
        remember_folder(path)
        self._say(text, DONE_STYLE)
        if messages.file_saved(self, _rich(text)):
            open_folder(path)
        self.accept()

    def wait(self, msecs: int = 60000) -> bool:
        """Wait for the background work to end (tests, closing); its outcome is delivered by
        the event loop afterwards."""
        return self.jobs.wait(msecs)

    def reject(self) -> None:
        """Close while work runs: cancel it (an export then leaves nothing behind)."""
        if self.busy:
            self.jobs.cancel(LOAD)
            self.jobs.cancel(EXPORT)
        super().reject()


# -- the register -------------------------------------------------------------------------------


class RegisterExportDialog(_ExportDialogBase):
    """The register as PDF, CSV, XLSX or JSON, as of today."""

    failure_text = "The register was not exported; nothing was written."

    def __init__(
        self,
        ctx: UiContext,
        fmt: ExportFormat = ExportFormat.PDF,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.outcome: ExportResult | None = None
        self.setWindowTitle("Export the register")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"The register as it stands on {day(ctx.today)}: every entity, each transfer it "
            "receives with its mechanisms, safeguard document, assessment and worst open gap."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        box = QGroupBox("Format")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(4)
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[ExportFormat, QRadioButton] = {}
        for row, (f, (label, what, _)) in enumerate(REGISTER_FORMATS.items()):
            button = QRadioButton(label)
            self.format_group.addButton(button)
            self.format_buttons[f] = button
            note = QLabel(what)
            note.setWordWrap(True)
            note.setStyleSheet("color: palette(placeholder-text);")
            grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(note, row, 1)
            button.toggled.connect(lambda on, f=f: self._format_changed(f) if on else None)
        layout.addWidget(box)
        form = QFormLayout()
        self.save_row = _SaveRow()
        self.save_row.button.clicked.connect(self.choose_path)
        self.save_row.changed.connect(self._update)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.save_row.edit)
        form.addRow(save_label, self.save_row)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.set_format(fmt)
        self.save_row.set_path(default_folder() / self._file_name(fmt))
        self.resize(760, self.sizeHint().height())

    def _file_name(self, fmt: ExportFormat) -> str:
        return f"transfer-register-{self.ctx.today.isoformat()}.{fmt.value}"

    def format(self) -> ExportFormat:
        return next(f for f, b in self.format_buttons.items() if b.isChecked())

    def set_format(self, fmt: ExportFormat) -> None:
        self.format_buttons[fmt].setChecked(True)

    def _format_changed(self, fmt: ExportFormat) -> None:
        """The file's extension follows the format."""
        path = self.save_row.path()
        if path is not None and path.suffix.lower() != f".{fmt.value}":
            stem = path.stem if ExportFormat.for_path(path) is not None else path.name
            self.save_row.set_path(path.with_name(f"{stem}.{fmt.value}"))
        self._update()

    def path(self) -> Path | None:
        return self.save_row.path()

    def set_path(self, path: Path) -> None:
        self.save_row.set_path(path)

    def choose_path(self) -> None:
        fmt = self.format()
        suggested = self.path() or default_folder() / self._file_name(fmt)
        chosen = messages.save_file(
            self, "Export the register", suggested, REGISTER_FORMATS[fmt][2]
        )
        if chosen is None:
            return
        named = ExportFormat.for_path(chosen)
        if named is None:
            chosen = chosen.with_name(f"{chosen.name}.{fmt.value}")
        elif named is not fmt:
            self.set_format(named)  # the extension typed says which format is wanted
        self.save_row.set_path(chosen, confirmed=True)

    def _update(self) -> None:
        self.export_button.setEnabled(self.path() is not None and not self.busy)

    def start(self) -> bool:
        """Export to the chosen file behind the progress dialog; False if it did not start."""
        path, fmt = self.path(), self.format()
        if path is None or self.busy:
            return False
        if not _ask_replace(self, self.save_row, path):
            return False
        ctx, today = self.ctx, self.ctx.today
        author = current_user()
        exported_at = datetime.now(UTC).replace(microsecond=0)

        def work(service: RegisterService, job: ExportJob) -> ExportResult:
            def progress(done: int, total: int) -> None:
                # The PDF reports once, just before it is laid out (which then runs to the
                # end): a busy bar rather than one stuck at 0%.
                step = (0, 0, f"pdf:{total}") if fmt is ExportFormat.PDF else (done, total, "")
                if not job.report(*step):
                    raise ExportCancelled

            report = ctx.status(service)
            job.report(0, 0, "")
            return export_register(
                service,
                fmt,
                path,
                today,
                exported_at=exported_at,
                report=report,
                progress=progress,
                author=author,
            )

        unit = "records" if fmt is ExportFormat.JSON else "lines"

        def describe(done: int, total: int, what: str) -> str:
            if what.startswith("pdf:"):
                return f"Laying out {path.name} ({int(what[4:]):,} lines)…"
            if total <= 0:
                return f"Writing {path.name}…"
            return f"Writing {path.name}: {done:,} of {total:,} {unit}"

        self._say("")
        self.outcome = None
        self._run(f"Exporting the register as {fmt.value.upper()}", work, describe, self._succeeded)
        self._update()
        return True

    def _succeeded(self, result: ExportResult) -> None:
        self.outcome = result
        self._update()
        what = "records" if result.format is ExportFormat.JSON else "lines"
        self._saved(
            result.path,
            f"Wrote the register as {result.format.value.upper()} ({result.entities:,} "
            f"entities, {result.lines:,} {what}) to {result.path}",
        )

    def _cancelled(self) -> None:
        super()._cancelled()
        self._update()

    def _failed(self, message: str) -> None:
        self._update()
        super()._failed(message)

    @classmethod
    def run(
        cls, parent: QWidget | None, ctx: UiContext, fmt: ExportFormat = ExportFormat.PDF
    ) -> ExportResult | None:
        dialog = cls(ctx, fmt, parent)
        dialog.exec()
        return dialog.outcome


# -- the public sub-processor list -----------------------------------------------------------------


class PublicListDialog(_ExportDialogBase):
    """The public sub-processor list (HTML or Markdown) with its change log since the version
    last published; optionally recorded as the version customers are shown."""

    failure_text = "The list was not written and nothing was published."

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.draft: PublicListReport | None = None
        self.outcome: PublicListReport | None = None
        self.written_to: Path | None = None
        self.setWindowTitle("Public sub-processor list")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "The list customers are shown: every processor and sub-processor receiving "
            "personal data from us, with its services, where it processes and the safeguard "
            "relied on."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        changes = QGroupBox("Changes since the last published version")
        cv = QVBoxLayout(changes)
        self.changes_heading = QLabel("Reading the register…")
        self.changes_heading.setWordWrap(True)
        self.changes_model = ChangesModel()
        self.changes_table = QTableView()
        self.changes_table.setModel(self.changes_model)
        self.changes_table.setAccessibleName("Changes since the last published version")
        self.changes_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes_table.verticalHeader().setVisible(False)
        self.changes_table.setWordWrap(True)
        header = self.changes_table.horizontalHeader()
        header.setSectionResizeMode(ChangesModel.KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ChangesModel.NAME, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(ChangesModel.NAME, 240)
        cv.addWidget(self.changes_heading)
        cv.addWidget(self.changes_table, 1)
        layout.addWidget(changes, 1)

        form = QFormLayout()
        fmt_row = QHBoxLayout()
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        for key, label in PUBLIC_LIST_FORMATS.items():
            button = QRadioButton(label)
            self.format_group.addButton(button)
            self.format_buttons[key] = button
            fmt_row.addWidget(button)
            button.toggled.connect(lambda on, k=key: self._format_changed(k) if on else None)
        fmt_row.addStretch(1)
        form.addRow("Format:", fmt_row)
        self.save_row = _SaveRow()
        self.save_row.button.clicked.connect(self.choose_path)
        self.save_row.changed.connect(self._update)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.save_row.edit)
        form.addRow(save_label, self.save_row)
        layout.addLayout(form)
        self.publish_check = QCheckBox("Record as published (this is the version customers see)")
        self.publish_note = QLabel(
            "Recording it keeps this version whole: the next change log starts from it. Tell "
            "customers of the changes above; under a general written authorisation they may "
            "object to a new or replaced sub-processor. Without it the file is a draft, marked "
            "as such."
        )
        self.publish_note.setWordWrap(True)
        self.publish_note.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.publish_check)
        layout.addWidget(self.publish_note)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox()
        self.write_button = buttons.addButton("Write", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.write_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        self.publish_check.toggled.connect(self._update)
        layout.addWidget(buttons)
        self.format_buttons["html"].setChecked(True)
        self.save_row.set_path(default_folder() / f"subprocessors-{ctx.today.isoformat()}.html")
        self.resize(900, 620)
        self._update()
        self.load()

    # -- the preview ---------------------------------------------------------------------------

    def load(self) -> None:
        """Read the draft (the list today and its changes) in the background."""
        today = self.ctx.today

        def work(service: RegisterService, _job: ExportJob) -> PublicListReport:
            return PublicListService(service.repo).draft(today)

        self.draft = None
        self.changes_heading.setText("Reading the register…")
        self._run(
            "Reading the register", work, None, self._draft_ready, self._load_failed, key=LOAD
        )
        self._update()

    @property
    def loaded(self) -> bool:
        return self.draft is not None

    def _load_failed(self, message: str) -> None:
        self.changes_heading.setStyleSheet(ERROR_STYLE)
        self.changes_heading.setText(f"Could not read the register: {message}")

    def _draft_ready(self, report: PublicListReport) -> None:
        self.draft = report
        entries = len(report.public_list.entries)
        on_list = f"{entries} sub-processor{'s' if entries != 1 else ''} on the list today."
        if report.published:
            text = (
                f"No changes since the version published on {day(report.last_updated)}: "
                f"{on_list} The file will be that version again."
            )
        elif report.previous_on is None:
            text = (
                f"Nothing has been published yet, so every entry is new: {on_list} "
                f"{len(report.changes)} changes."
            )
        else:
            n = len(report.changes)
            text = (
                f"{n} change{'s' if n != 1 else ''} since the version published on "
                f"{day(report.previous_on)}. {on_list}"
            )
        self.changes_heading.setText(text)
        self.changes_model.set_rows(report.changes if not report.published else ())
        if self.changes_model.rowCount() <= WRAP_ROWS:  # whole texts; a long log stays quick
            self.changes_table.resizeRowsToContents()
        self.publish_check.setEnabled(not report.published)
        if report.published:
            self.publish_check.setChecked(False)
            self.publish_check.setToolTip("Nothing to publish: the list has not changed")
        else:
            self.publish_check.setToolTip("")
        self._update()

    # -- the file ---------------------------------------------------------------------------------

    def format(self) -> str:
        return next(k for k, b in self.format_buttons.items() if b.isChecked())

    def _format_changed(self, fmt: str) -> None:
        path = self.save_row.path()
        if path is not None and public_list_format_for(path) != fmt:
            stem = path.stem if public_list_format_for(path) is not None else path.name
            self.save_row.set_path(path.with_name(f"{stem}.{fmt}"))
        self._update()

    def path(self) -> Path | None:
        return self.save_row.path()

    def set_path(self, path: Path) -> None:
        self.save_row.set_path(path)

    def choose_path(self) -> None:
        fmt = self.format()
        suggested = self.path() or default_folder() / f"subprocessors.{fmt}"
        chosen = messages.save_file(
            self, "Save the public sub-processor list", suggested, PUBLIC_LIST_FILTERS[fmt]
        )
        if chosen is None:
            return
        named = public_list_format_for(chosen)
        if named is None:
            chosen = chosen.with_name(f"{chosen.name}.{fmt}")
        elif named != fmt:
            self.format_buttons[named].setChecked(True)
        self.save_row.set_path(chosen, confirmed=True)

    def _update(self) -> None:
        ready = self.loaded and self.path() is not None and not self.busy
        self.write_button.setEnabled(ready)
        self.write_button.setText(
            "Write and publish" if self.publish_check.isChecked() else "Write draft"
        )
        if self.draft is not None and self.draft.published:
            self.write_button.setText("Write")

    def start(self) -> bool:
        path, fmt = self.path(), self.format()
        if path is None or not self.loaded or self.busy:
            return False
        if not _ask_replace(self, self.save_row, path):
            return False
        publish, today = self.publish_check.isChecked(), self.ctx.today

        def work(service: RegisterService, _job: ExportJob) -> PublicListReport:
            return write_public_list(service.repo, fmt, path, today, publish)

        def done(report: PublicListReport) -> None:
            self.outcome = report
            self.written_to = path
            self._update()
            entries = len(report.public_list.entries)
            text = f"Wrote the public sub-processor list ({entries} entries) to {path}."
            if publish:
                n = len(report.changes)
                text += (
                    f"\nRecorded as published on {day(today)}: tell customers of the "
                    f"{n} change{'s' if n != 1 else ''}."
                )
            elif not report.published:
                text += "\nA draft: not recorded as published."
            self._saved(path, text)

        self._say("")
        self._run("Writing the public sub-processor list", work, None, done)
        self._update()
        return True

    def _failed(self, message: str) -> None:
        self._update()
        super()._failed(message)

    @classmethod
    def run(cls, parent: QWidget | None, ctx: UiContext) -> PublicListReport | None:
        dialog = cls(ctx, parent)
        dialog.exec()
        return dialog.outcome


# -- the evidence pack ----------------------------------------------------------------------------


class EvidencePackDialog(_ExportDialogBase):
    """The regulator's evidence pack: the readiness check first, then the scope, then the ZIP
    (written whole or not at all) behind a progress dialog naming each file."""

    failure_text = "The evidence pack was not written; nothing was left behind."

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.status: StatusReport | None = None
        self.transfers: list[Transfer] = []
        self.readiness: Readiness | None = None
        self.outcome: tuple[dict[str, Any], Readiness] | None = None
        self.written_to: Path | None = None
        self._findings_key: tuple[Finding, ...] | None = None
        self.setWindowTitle("Evidence pack for the regulator")
        layout = QVBoxLayout(self)

        check = QGroupBox("Readiness check: what an inquiry would find open")
        cv = QVBoxLayout(check)
        self.check_heading = QLabel("Checking the register…")
        self.check_heading.setWordWrap(True)
        self.headline = QGridLayout()
        self.headline.setHorizontalSpacing(10)
        self.headline.setVerticalSpacing(2)
        self.count_labels: dict[str, QLabel] = {}
        rows = [(key, title) for key, title, _ in CATEGORIES] + [OTHER]
        half = (len(rows) + 1) // 2
        big = QFont(self.font())
        big.setBold(True)
        big.setPointSizeF(max(big.pointSizeF(), 9.0) * 1.25)
        for i, (key, title) in enumerate(rows):
            count = QLabel("…")
            count.setFont(big)
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setMinimumWidth(count.fontMetrics().horizontalAdvance("0000"))
            count.setAccessibleName(title)
            text = QLabel(title)
            text.setBuddy(count)
            r, c = i % half, (i // half) * 2
            self.headline.addWidget(count, r, c)
            self.headline.addWidget(text, r, c + 1)
            self.count_labels[key] = count
        self.headline.setColumnStretch(1, 1)
        self.headline.setColumnStretch(3, 1)
        self.findings_model = FindingsModel()
        self.findings_proxy = QSortFilterProxyModel(self)
        self.findings_proxy.setSourceModel(self.findings_model)
        self.findings_proxy.setSortRole(SortRole)
        self.findings_table = QTableView()
        self.findings_table.setModel(self.findings_proxy)
        self.findings_table.setAccessibleName("Open items")
        self.findings_table.setItemDelegateForColumn(
            FindingsModel.SEVERITY, StatusBadgeDelegate(self.findings_table)
        )
        self.findings_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings_table.verticalHeader().setVisible(False)
        self.findings_table.setWordWrap(False)
        self.findings_table.setSortingEnabled(True)
        self.findings_table.sortByColumn(FindingsModel.SEVERITY, Qt.SortOrder.AscendingOrder)
        header = self.findings_table.horizontalHeader()
        for column, width in (
            (FindingsModel.SEVERITY, 110),
            (FindingsModel.CATEGORY, 215),
            (FindingsModel.ENTITY, 210),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.open_note = QLabel()
        self.open_note.setWordWrap(True)
        self.open_note.setStyleSheet(NOTE_STYLE)
        self.open_note.setVisible(False)
        cv.addWidget(self.check_heading)
        cv.addLayout(self.headline)
        cv.addWidget(self.findings_table, 1)
        cv.addWidget(self.open_note)
        layout.addWidget(check, 1)

        bottom = QHBoxLayout()
        bottom.addWidget(self._build_scope(), 1)
        bottom.addWidget(self._build_pack(), 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton(
            "Export anyway…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1100, 800)
        self._update()
        self.load()

    def _build_scope(self) -> QGroupBox:
        box = QGroupBox("Scope")
        v = QVBoxLayout(box)
        self.scope_group = QButtonGroup(self)
        self.scope_all = QRadioButton("The whole register")
        self.scope_dates = QRadioButton("Transfers live between")
        self.scope_entities = QRadioButton("Transfers of the chosen entities")
        for b in (self.scope_all, self.scope_dates, self.scope_entities):
            self.scope_group.addButton(b)
        self.scope_all.setChecked(True)
        today = self.ctx.today
        self.date_from = QDateEdit(to_qdate(date(today.year - 1, today.month, 1)))
        self.date_to = QDateEdit(to_qdate(today))
        for edit, name in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self._scope_changed)
        dates = QHBoxLayout()
        dates.addWidget(self.scope_dates)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("and"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        self.entity_filter = QLineEdit()
        self.entity_filter.setPlaceholderText("Find an entity…")
        self.entity_filter.setClearButtonEnabled(True)
        self.entity_filter.setAccessibleName("Find an entity")
        self.entities_model = PartiesModel([], set(), self)
        self.entities_proxy = QSortFilterProxyModel(self)
        self.entities_proxy.setSourceModel(self.entities_model)
        self.entities_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.entity_list = QListView()
        self.entity_list.setModel(self.entities_proxy)
        self.entity_list.setAccessibleName("Entities in the pack")
        self.entity_list.setUniformItemSizes(True)
        self.entity_list.setMinimumHeight(100)
        self.entity_list.setMaximumHeight(170)
        self.entity_filter.textChanged.connect(self.entities_proxy.setFilterFixedString)
        self.entities_model.checked_changed.connect(self._entities_ticked)
        self.scope_group.buttonToggled.connect(lambda _b, _on: self._scope_changed())
        v.addWidget(self.scope_all)
        v.addLayout(dates)
        v.addWidget(self.scope_entities)
        v.addWidget(self.entity_filter)
        v.addWidget(self.entity_list, 1)
        return box

    def _build_pack(self) -> QGroupBox:
        box = QGroupBox("The pack")
        v = QVBoxLayout(box)
        form = QFormLayout()
        self.prepared_by = QLineEdit(current_user())
        self.prepared_by.setAccessibleName("Prepared by")
        form.addRow("&Prepared by:", self.prepared_by)
        self.save_row = _SaveRow()
        self.save_row.set_path(default_folder() / f"evidence-pack-{self.ctx.today.isoformat()}.zip")
        self.save_row.button.clicked.connect(self.choose_path)
        self.save_row.changed.connect(self._update)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.save_row.edit)
        form.addRow(save_label, self.save_row)
        v.addLayout(form)
        contents = QLabel(
            "One ZIP: a cover letter (organisation, date, scope, contents and the open items), "
            "the register as PDF and CSV, the transfer records in the Art 30(1)(e) shape, the "
            "current assessments, the current signed safeguard documents, and manifest.json "
            "with the SHA-256 of every file."
        )
        contents.setWordWrap(True)
        contents.setStyleSheet("color: palette(placeholder-text);")
        v.addWidget(contents)
        self.ack_check = QCheckBox("I have reviewed the open items")
        self.ack_check.setToolTip("The pack records them; tick to export anyway")
        self.ack_check.toggled.connect(self._update)
        v.addStretch(1)
        v.addWidget(self.ack_check)
        return box

    # -- the readiness check -----------------------------------------------------------------

    def load(self) -> None:
        """Read the status, the transfers and the entities in the background."""
        ctx = self.ctx

        def work(
            service: RegisterService, _job: ExportJob
        ) -> tuple[StatusReport, list[Transfer], list[tuple[int, str]]]:
            status = ctx.status(service)
            names = sorted(
                ((i, n) for i, n, _ in service.repo.entity_names()),
                key=lambda p: p[1].casefold(),
            )
            return status, service.repo.list_transfers(), names

        self._run("Checking the register", work, None, self._loaded, self._load_failed, key=LOAD)

    @property
    def loaded(self) -> bool:
        return self.readiness is not None

    def _load_failed(self, message: str) -> None:
        self.check_heading.setStyleSheet(ERROR_STYLE)
        self.check_heading.setText(f"Could not check the register: {message}")

    def _loaded(self, data: tuple[StatusReport, list[Transfer], list[tuple[int, str]]]) -> None:
        status, transfers, names = data
        self.status, self.transfers = status, transfers
        self.entities_model = PartiesModel(names, set(), self)
        self.entities_model.checked_changed.connect(self._entities_ticked)
        self.entities_proxy.setSourceModel(self.entities_model)
        self._scope_changed()

    def scope(self) -> PackScope:
        if self.scope_dates.isChecked():
            return PackScope(from_qdate(self.date_from.date()), from_qdate(self.date_to.date()))
        if self.scope_entities.isChecked():
            return PackScope(entity_ids=frozenset(self.entities_model.checked))
        return PackScope()

    def _entities_ticked(self) -> None:
        if self.entities_model.checked and not self.scope_entities.isChecked():
            self.scope_entities.setChecked(True)  # ticking an entity means "these entities"
        else:
            self._scope_changed()

    def _scope_changed(self, *_args: Any) -> None:
        if self.status is None:
            return
        scope = self.scope()
        scoped = bool(scope.entity_ids or scope.date_from or scope.date_to)
        # As the pack computes it: the open gaps of the transfers in scope (and of the chosen
        # entities themselves).
        in_scope = {t.id for t in self.transfers if t.id is not None and scope.transfer_in(t)}
        self._show_readiness(
            readiness(self.status, in_scope if scoped else None, set(scope.entity_ids))
        )

    def _show_readiness(self, ready: Readiness) -> None:
        self.readiness = ready
        for key, _, n in ready.headline:
            label = self.count_labels[key]
            label.setText(str(n))
            bad = n and key != OTHER[0]
            label.setStyleSheet(ERROR_STYLE if bad else "")
        findings = tuple(worst_first(ready.findings))
        self.findings_model.set_rows(findings)
        inquiry = sum(n for k, _, n in ready.headline if k != OTHER[0])
        if ready.ready:
            self.check_heading.setText(
                f"Nothing open on {day(ready.on)} in what an inquiry asks about first"
                + (f"; {len(findings)} other open gaps are listed below." if findings else ".")
            )
        else:
            self.check_heading.setText(
                f"{inquiry} open item{'s' if inquiry != 1 else ''} on {day(ready.on)} in what "
                "an inquiry asks about first, worst first below."
            )
        self.open_note.setText(
            "The pack will record these open items: the cover letter lists them and "
            "manifest.json carries them, so the regulator sees what was open on the day."
        )
        self.open_note.setVisible(bool(findings))
        if findings != self._findings_key:
            # Different open items: they must be reviewed again before exporting anyway.
            self._findings_key = findings
            self.ack_check.setChecked(False)
        self._update()

    # -- the pack ----------------------------------------------------------------------------

    def path(self) -> Path | None:
        return self.save_row.path()

    def set_path(self, path: Path) -> None:
        self.save_row.set_path(path)

    def choose_path(self) -> None:
        suggested = self.path() or default_folder() / "evidence-pack.zip"
        chosen = messages.save_file(
            self, "Save the evidence pack", suggested, "ZIP archive (*.zip)"
        )
        if chosen is None:
            return
        if chosen.suffix.lower() != ".zip":
            chosen = chosen.with_name(f"{chosen.name}.zip")
        self.save_row.set_path(chosen, confirmed=True)

    def blocker(self) -> str:
        """Why the pack cannot be exported yet ("" when it can)."""
        if self.readiness is None:
            return "Checking the register…"
        if self.scope_entities.isChecked() and not self.entities_model.checked:
            return "Tick at least one entity, or choose another scope."
        if self.scope_dates.isChecked() and self.date_from.date() > self.date_to.date():
            return "The start of the date range is after its end."
        if self.path() is None:
            return "Choose where to save the pack."
        if not self.readiness.ready and not self.ack_check.isChecked():
            return "Tick “I have reviewed the open items” to export anyway."
        return ""

    def _update(self) -> None:
        ready = self.readiness is not None and self.readiness.ready
        self.ack_check.setVisible(not ready)
        self.export_button.setText("Export…" if ready else "Export anyway…")
        blocker = self.blocker()
        self.export_button.setEnabled(not blocker and not self.busy)
        self.export_button.setToolTip(blocker)

    def start(self) -> bool:
        path = self.path()
        if path is None or self.blocker() or self.busy:
            return False
        if not _ask_replace(self, self.save_row, path):
            return False
        ctx, scope = self.ctx, self.scope()
        prepared_by = self.prepared_by.text().strip()

        def work(service: RegisterService, job: ExportJob) -> tuple[dict[str, Any], Readiness]:
            status = ctx.status(service)
            return build_evidence_pack(
                service,
                path,
                ctx.today,
                scope=scope,
                prepared_by=prepared_by,
                progress=job.report,
                status=status,
            )

        def describe(done: int, total: int, what: str) -> str:
            if not what:
                return "Reading the register…"
            step = min(done + 1, total)
            return f"Writing {what} … ({step} of {total})"

        self._say("")
        self.outcome = None
        self._run("Writing the evidence pack", work, describe, lambda r: self._written(path, r))
        self._update()
        return True

    def _written(self, path: Path, result: tuple[dict[str, Any], Readiness]) -> None:
        manifest, _ = result
        self.outcome = result
        self.written_to = path
        self._update()
        files = len(manifest["files"]) + 1  # and the manifest itself
        self._saved(path, f"Wrote the evidence pack ({files} files) to {path}")

    def _cancelled(self) -> None:
        super()._cancelled()
        self._update()

    def _failed(self, message: str) -> None:
        self._update()
        super()._failed(message)

    @classmethod
    def run(cls, parent: QWidget | None, ctx: UiContext) -> Path | None:
        dialog = cls(ctx, parent)
        dialog.exec()
        return dialog.written_to
