"""The register as PDF, CSV, XLSX or JSON, behind a progress dialog whose Cancel leaves no
file."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.formatting import day
from transfers_app.services.app import AppServices
from transfers_app.services.exporting import ExportResult
from transfers_app.services.register_export import ExportCancelled, ExportFormat
from ui import messages
from ui.context import UiContext
from ui.dialogs.export_dialogs.base import (
    REGISTER_FORMATS,
    ExportDialogBase,
    ExportJob,
    ask_replace,
    default_folder,
)

# -- the register -------------------------------------------------------------------------------


class RegisterExportDialog(ExportDialogBase):
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
        self._add_save_row(form, default_folder() / self._file_name(fmt))
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        buttons, self.export_button = self._action_buttons("Export")
        layout.addWidget(buttons)
        self.set_format(fmt)
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
        if not ask_replace(self, self.save_row, path):
            return False
        ctx, today = self.ctx, self.ctx.today
        exported_at = datetime.now(UTC).replace(microsecond=0)

        def work(services: AppServices, job: ExportJob) -> ExportResult:
            def progress(done: int, total: int) -> None:
                # The PDF reports once, just before it is laid out (which then runs to the
                # end): a busy bar rather than one stuck at 0%.
                step = (0, 0, f"pdf:{total}") if fmt is ExportFormat.PDF else (done, total, "")
                if not job.report(*step):
                    raise ExportCancelled

            report = ctx.status(services)
            job.report(0, 0, "")
            return services.exports.register(
                fmt,
                path,
                today,
                exported_at=exported_at,
                report=report,
                progress=progress,  # the author: the organisation profile's preparer
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

    @classmethod
    def run(
        cls, parent: QWidget | None, ctx: UiContext, fmt: ExportFormat = ExportFormat.PDF
    ) -> ExportResult | None:
        dialog = cls(ctx, fmt, parent)
        dialog.exec()
        return dialog.outcome
