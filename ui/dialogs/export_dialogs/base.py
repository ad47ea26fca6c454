"""What the export dialogs share: where files go, the progress dialog with its Cancel, the
file row, and a dialog base that runs its work through the job runner (``ui.jobs``) and says
how it went. Every message and file dialog goes through ``ui.messages``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QStandardPaths,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.services.app import AppServices
from transfers_app.services.register_export import (
    ExportFormat,
)
from ui import messages
from ui.context import UiContext
from ui.jobs import Job, Jobs
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


def rich(text: str) -> str:
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


class SaveRow(QWidget):
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


def ask_replace(parent: QWidget, row: SaveRow, path: Path) -> bool:
    """A file typed in (not chosen in the save dialog) that exists: ask before replacing it."""
    if path.exists() and not path.is_dir() and row.confirmed != path:
        return messages.confirm(parent, rich(f"{path} exists. Replace it?"))
    return True


class ExportDialogBase(QDialog):
    """What the three export dialogs share: the file to write, the action and Close buttons,
    a job, its progress dialog and its outcome.

    A subclass says what its action does (``start``), how the file is chosen
    (``choose_path``) and what its buttons allow now (``_update``, also run when the file
    changes and when the work fails or is cancelled)."""

    failure_text = "Nothing was written."
    save_row: SaveRow

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

    def start(self) -> bool:
        """Start the dialog's work; False if it did not start."""
        raise NotImplementedError

    def choose_path(self) -> None:
        """Choose the file to write in the system's save dialog."""
        raise NotImplementedError

    def _update(self) -> None:
        """Enable what the dialog's state allows."""

    def _add_save_row(self, form: QFormLayout, path: Path) -> None:
        """The "Save to:" row of ``form``: the file to write (``path`` at first), Choose…"""
        self.save_row = SaveRow()
        self.save_row.set_path(path)
        self.save_row.button.clicked.connect(self.choose_path)
        self.save_row.changed.connect(self._update)
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.save_row.edit)
        form.addRow(save_label, self.save_row)

    def _action_buttons(self, text: str) -> tuple[QDialogButtonBox, QPushButton]:
        """The dialog's foot: its action (``text``; it runs ``start``) and Close."""
        buttons = QDialogButtonBox()
        action = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        action.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        return buttons, action

    def path(self) -> Path | None:
        return self.save_row.path()

    def set_path(self, path: Path) -> None:
        self.save_row.set_path(path)

    def _say(self, text: str, style: str = "") -> None:
        self.status_label.setStyleSheet(style)
        self.status_label.setText(text)

    def _run(
        self,
        title: str,
        work: Callable[[AppServices, ExportJob], Any],
        describe: Callable[[int, int, str], str] | None,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None] | None = None,
        key: str = EXPORT,
    ) -> Job:
        """Start ``work`` on a worker thread, behind a progress dialog when ``describe`` is
        given; ``on_done(result)`` runs on the GUI thread if it succeeds, ``on_failed``
        (default: the export's failure message) if it fails."""
        job = self.jobs.start(
            lambda services, job: work(services, ExportJob(job)),
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
        self._update()

    def _failed(self, message: str) -> None:
        self._update()
        self._say(f"Not written: {message}", ERROR_STYLE)
        messages.error(self, rich(f"{self.failure_text}\n\n{message}"))

    def _saved(self, path: Path, text: str) -> None:
        """The file is written: say so, offer its folder, close."""
        remember_folder(path)
        self._say(text, DONE_STYLE)
        if messages.file_saved(self, rich(text)):
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
