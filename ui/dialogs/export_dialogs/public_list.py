"""The public sub-processor list (HTML or Markdown) with its change log since the version last
published."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.formatting import day
from transfers_app.reports.public_list import PublicListReport
from transfers_app.services.app import AppServices
from transfers_app.services.public_list import (
    PUBLIC_LIST_FORMATS,
    public_list_format_for,
    unsafeguarded,
)
from ui import messages
from ui.context import UiContext
from ui.dialogs.export_dialogs.base import (
    LOAD,
    PUBLIC_LIST_FILTERS,
    WRAP_ROWS,
    ExportDialogBase,
    ExportJob,
    ask_replace,
    default_folder,
)
from ui.models.exports import (
    ChangesModel,
)
from ui.widgets.forms import ERROR_STYLE

# -- the public sub-processor list -----------------------------------------------------------------


class PublicListDialog(ExportDialogBase):
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
        self._add_save_row(form, default_folder() / f"subprocessors-{ctx.today.isoformat()}.html")
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
        buttons, self.write_button = self._action_buttons("Write")
        self.publish_check.toggled.connect(self._update)
        layout.addWidget(buttons)
        self.format_buttons["html"].setChecked(True)
        self.resize(900, 620)
        self._update()
        self.load()

    # -- the preview ---------------------------------------------------------------------------

    def load(self) -> None:
        """Read the draft (the list today and its changes) in the background."""
        today = self.ctx.today

        def work(services: AppServices, _job: ExportJob) -> PublicListReport:
            return services.public_list.draft(today)

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
        if not ask_replace(self, self.save_row, path):
            return False
        publish, today = self.publish_check.isChecked(), self.ctx.today
        unsafe = unsafeguarded(self.draft.public_list) if publish and self.draft else ()
        if unsafe and not messages.confirm(
            self,
            f"{len(unsafe)} entr{'y has' if len(unsafe) == 1 else 'ies have'} no valid "
            "safeguard:\n\n" + "\n".join(unsafe) + "\n\nPublish the list all the same?",
        ):
            return False
        force = bool(unsafe)

        def work(services: AppServices, _job: ExportJob) -> PublicListReport:
            return services.exports.public_list(fmt, path, today, publish, force)

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

    @classmethod
    def run(cls, parent: QWidget | None, ctx: UiContext) -> PublicListReport | None:
        dialog = cls(ctx, parent)
        dialog.exec()
        return dialog.outcome
