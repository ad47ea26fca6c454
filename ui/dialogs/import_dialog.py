"""Import suppliers: choose a CSV or XLSX list, check how its columns are read, see every row as
it will be saved, then import all of it in one go (or nothing).

Built with data, testable without ``exec()``: ``load(path)`` reads a file, ``set_column(header,
field)`` changes the mapping, ``accept()`` imports. ``ImportDialog.run(parent, ctx)`` asks for a
file and wraps ``exec()``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import EntityKind, Role
from transfers_app.errors import TransfersError
from transfers_app.services.import_preview import (
    OUTCOME_LABELS,
    ImportPreview,
    ImportResult,
    Outcome,
    PreviewRow,
    describe_row,
)
from transfers_app.services.importing import (
    LABELS,
    Field,
    Mapping,
    Table,
)
from ui import messages
from ui.context import UiContext
from ui.models.import_preview import PreviewModel

FILE_FILTER = "Lists (*.csv *.txt *.tsv *.xlsx *.xlsm);;All files (*)"
IGNORE = "(ignore)"
KIND_LABELS = {
    EntityKind.VENDOR: "Vendors / subprocessors",
    EntityKind.GROUP: "Group companies",
    EntityKind.CUSTOMER: "Customers",
}
ROLE_LABELS = {
    Role.PROCESSOR: "Processors",
    Role.SUBPROCESSOR: "Subprocessors",
    Role.CONTROLLER: "Controllers",
}
SHOW_CHOICES: dict[str, str] = {
    "all": "All rows",
    "problems": "Rows with problems",
    "new": "New",
    "changed": "Changed",
    "unchanged": "Unchanged",
    "skipped": "Not imported",
}


@contextmanager
def _busy() -> Iterator[None]:
    """A wait cursor while a large list is read, previewed or written."""
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def _rich(text: str) -> str:
    """Plain text for a tooltip or message box, never read as markup ("<b>R&D</b> Ltd")."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


class ImportDialog(QDialog):
    """Import a vendor / subprocessor list into the register."""

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import suppliers")
        self.setMinimumSize(980, 680)
        self.importer = ctx.services.imports
        self.path: Path | None = None
        self.table: Table | None = None
        self.mapping = Mapping()
        self.mapping_source = "guessed"
        self.preview: ImportPreview | None = None
        self.imported: ImportResult | None = None
        self._building = False

        layout = QVBoxLayout(self)
        file_row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Choose a CSV or XLSX list of vendors or subprocessors")
        self.file_edit.setAccessibleName("File to import")
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setAccessibleName("Sheet")
        self.sheet_combo.setVisible(False)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_changed)
        file_row.addWidget(QLabel("File:"))
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.sheet_combo)
        file_row.addWidget(self.choose_button)
        layout.addLayout(file_row)
        self.read_label = QLabel()
        self.read_label.setTextFormat(Qt.TextFormat.PlainText)
        self.read_label.setWordWrap(True)
        layout.addWidget(self.read_label)

        splitter = QSplitter(Qt.Orientation.Vertical)
        columns_box = QGroupBox("How the columns are read")
        columns_layout = QVBoxLayout(columns_box)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels(
            ["Column in the file", "Examples", "Imports as"]
        )
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        columns_layout.addWidget(self.mapping_table)
        defaults = QFormLayout()
        self.kind_combo = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, kind)
        self.role_combo = QComboBox()
        for r, label in ROLE_LABELS.items():
            self.role_combo.addItem(label, r)
        self.exporter_combo = QComboBox()
        self.exporter_combo.addItem("None: add transfers later", "")
        for _id, name in self.importer.own_entities():
            self.exporter_combo.addItem(name, name)
        for combo, text in (
            (self.kind_combo, "Rows that do not say their kind are"),
            (self.role_combo, "Rows that do not say their role are"),
            (self.exporter_combo, "Our entity sending them the data"),
        ):
            combo.setAccessibleName(text)
            combo.currentIndexChanged.connect(self._defaults_changed)
            defaults.addRow(text + ":", combo)
        columns_layout.addLayout(defaults)
        splitter.addWidget(columns_box)

        preview_box = QGroupBox("Preview: every row as it will be saved")
        preview_layout = QVBoxLayout(preview_box)
        show_row = QHBoxLayout()
        self.show_combo = QComboBox()
        self.show_combo.setAccessibleName("Show")
        for key, label in SHOW_CHOICES.items():
            self.show_combo.addItem(label, key)
        self.show_combo.currentIndexChanged.connect(lambda _i: self._fill_preview())
        show_row.addWidget(QLabel("Show:"))
        show_row.addWidget(self.show_combo)
        show_row.addStretch(1)
        preview_layout.addLayout(show_row)
        self.preview_model = PreviewModel()
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.preview_view.verticalHeader().setVisible(False)
        self.preview_view.setWordWrap(False)
        self.preview_view.horizontalHeader().setStretchLastSection(True)
        # Widths from the first rows only: measuring 10,000 rows would take seconds.
        self.preview_view.horizontalHeader().setResizeContentsPrecision(200)
        self.preview_view.setAccessibleName("Preview")
        self.preview_view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show_detail(current.row())
        )
        preview_layout.addWidget(self.preview_view, 1)
        self.detail_label = QLabel()
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        preview_layout.addWidget(self.detail_label)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.summary_label = QLabel("Choose a file to import.")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("Import")
        self.import_button.setEnabled(False)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if path is not None:
            self.load(path)

    # -- the file ------------------------------------------------------------------------------

    def ask_path(self) -> Path | None:
        start = self.path.parent if self.path else Path.home()
        return messages.open_file(self, "Import suppliers", start, FILE_FILTER)

    def choose_file(self) -> bool:
        path = self.ask_path()
        return path is not None and self.load(path)

    def load(self, path: Path, sheet: str | None = None) -> bool:
        """Read ``path`` (a sheet of it), take the remembered or guessed mapping, preview it."""
        try:
            with _busy():
                table = self.importer.read(path, sheet)
        except TransfersError as exc:
            messages.error(self, _rich(str(exc)))
            return False
        self.path = path
        self.table = table
        self.file_edit.setText(str(path))
        self._building = True
        self.sheet_combo.clear()
        for name in table.sheets:
            self.sheet_combo.addItem(name, name)
        self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findData(table.sheet)))
        self.sheet_combo.setVisible(len(table.sheets) > 1)
        self._building = False
        self.mapping, self.mapping_source = self.importer.mapping_for(table)
        self._fill_mapping()
        self._set_defaults()
        self.refresh()
        return True

    def _sheet_changed(self, _index: int) -> None:
        if self._building or self.path is None:
            return
        sheet = self.sheet_combo.currentData()
        if sheet and self.table is not None and sheet != self.table.sheet:
            self.load(self.path, sheet)

    # -- the mapping ---------------------------------------------------------------------------

    def _fill_mapping(self) -> None:
        assert self.table is not None
        self._building = True
        table = self.table
        samples = table.samples(3)
        self.mapping_table.setRowCount(len(table.headers))
        for i, header in enumerate(table.headers):
            item = QTableWidgetItem(header)
            item.setToolTip(_rich(header))
            self.mapping_table.setItem(i, 0, item)
            example = " | ".join(s.replace("\n", " ") for s in samples[i])
            ex_item = QTableWidgetItem(example)
            ex_item.setToolTip(_rich("\n".join(samples[i])))
            self.mapping_table.setItem(i, 1, ex_item)
            combo = QComboBox()
            combo.setAccessibleName(f"Column '{header}' imports as")
            combo.addItem(IGNORE, "")
            for f in Field:
                combo.addItem(LABELS[f], f.value)
            current = self.mapping.field_of(header)
            combo.setCurrentIndex(combo.findData(current.value if current else ""))
            combo.currentIndexChanged.connect(
                lambda _i, h=header, c=combo: self._column_changed(h, c)
            )
            self.mapping_table.setCellWidget(i, 2, combo)
        self._show_every_column()
        self._building = False

    # The mapping grid shows this many of the file's columns without scrolling (a real list
    # has four to eight): the grid is made that tall, the preview below keeps the rest.
    MAPPING_ROWS = 8

    def _show_every_column(self) -> None:
        """Every column of the file in view (up to ``MAPPING_ROWS``), and "Imports as" as wide
        as its boxes (cell widgets, which ResizeToContents does not measure)."""
        grid = self.mapping_table
        header = grid.horizontalHeader()
        widest = max(
            (w.sizeHint().width() for r in range(grid.rowCount()) if (w := grid.cellWidget(r, 2))),
            default=0,
        )
        if widest:
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(2, widest + 8)
        rows = min(grid.rowCount(), self.MAPPING_ROWS)
        height = sum(grid.rowHeight(r) for r in range(rows)) if rows else 0
        grid.setMinimumHeight(header.sizeHint().height() + height + 2 * grid.frameWidth() + 2)

    def column_combo(self, header: str) -> QComboBox:
        assert self.table is not None
        widget = self.mapping_table.cellWidget(self.table.headers.index(header), 2)
        assert isinstance(widget, QComboBox)
        return widget

    def set_column(self, header: str, f: Field | None) -> None:
        """Map a column to a field (None: ignore it), as choosing in its box does."""
        combo = self.column_combo(header)
        combo.setCurrentIndex(combo.findData(f.value if f else ""))

    def _column_changed(self, header: str, combo: QComboBox) -> None:
        if self._building or self.table is None:
            return
        value = combo.currentData()
        f = Field(value) if value else None
        self.mapping = self.mapping.with_column(header, f, self.table.headers)
        # A field that takes one column leaves the column that had it.
        self._building = True
        for other in self.table.headers:
            if other != header:
                other_combo = self.column_combo(other)
                now = self.mapping.field_of(other)
                if (other_combo.currentData() or None) != (now.value if now else None):
                    other_combo.setCurrentIndex(other_combo.findData(now.value if now else ""))
        self._building = False
        self.mapping_source = "yours"
        self.refresh()

    def _set_defaults(self) -> None:
        self._building = True
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(self.mapping.kind)))
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(self.mapping.role)))
        self.exporter_combo.setCurrentIndex(
            max(0, self.exporter_combo.findData(self.mapping.exporter))
        )
        self._building = False

    def _defaults_changed(self, _index: int) -> None:
        if self._building:
            return
        self.mapping = replace(
            self.mapping,
            # Qt hands enum data back as plain strings.
            kind=EntityKind(self.kind_combo.currentData()),
            role=Role(self.role_combo.currentData()),
            exporter=self.exporter_combo.currentData() or "",
        )
        self.refresh()

    # -- the preview ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Preview the file again with the mapping as it is now."""
        if self.table is None:
            return
        try:
            with _busy():
                self.preview = self.importer.preview(self.table, self.mapping, self.mapping_source)
        except TransfersError as exc:
            self.preview = None
            messages.error(self, _rich(str(exc)))
        self.read_label.setText(f"Read as {self.table.describe()}. Columns: {self._source_text()}.")
        self._fill_preview()
        preview = self.preview
        if preview is None:
            self.summary_label.setText("")
            self.import_button.setEnabled(False)
            return
        text = preview.summary() + "."
        if preview.notes:
            text += "\n" + "\n".join(f"Note: {n[0].upper()}{n[1:]}." for n in preview.notes)
        self.summary_label.setText(text)
        new, changed = preview.count(Outcome.NEW), preview.count(Outcome.CHANGED)
        self.import_button.setEnabled(preview.importable)
        self.import_button.setText(
            f"Import {new} new and {changed} changed" if preview.importable else "Import"
        )

    def _source_text(self) -> str:
        return {
            "remembered": "as you mapped them last time",
            "guessed": "guessed from the headers, check them below",
            "yours": "as you mapped them",
        }.get(self.mapping_source, self.mapping_source)

    def visible_rows(self) -> list[PreviewRow]:
        if self.preview is None:
            return []
        show = self.show_combo.currentData()
        rows = list(self.preview.rows)
        if show == "problems":
            return [r for r in rows if r.review or r.problems]
        if show in ("new", "changed", "unchanged", "skipped"):
            return [r for r in rows if r.outcome.value == show]
        return rows

    def _fill_preview(self) -> None:
        self.preview_model.set_preview(self.preview, self.visible_rows())
        self.preview_view.resizeColumnsToContents()
        self.detail_label.setText("")

    def _show_detail(self, row: int) -> None:
        if self.preview is None or not 0 <= row < self.preview_model.rowCount():
            self.detail_label.setText("")
            return
        r = self.preview_model.row(row)
        lines = [f"Row {r.number}: {r.name or '(no name)'} - {OUTCOME_LABELS[r.outcome]}"]
        lines.extend(describe_row(self.preview, r))
        self.detail_label.setText("\n".join(lines))

    # -- import --------------------------------------------------------------------------------

    def accept(self) -> None:
        """Import everything previewed in one transaction; on a failure nothing is written and
        the dialog stays open with the message."""
        if self.preview is None or not self.preview.importable or self.table is None:
            return
        try:
            with _busy():
                self.imported = self.importer.apply(self.preview)
        except TransfersError as exc:
            messages.error(self, _rich(str(exc)))
            self.refresh()
            return
        self.importer.remember(self.table, self.mapping)
        super().accept()

    @classmethod
    def run(cls, parent: QWidget | None, ctx: UiContext) -> ImportResult | None:
        """Ask for a file, show the preview, import on confirmation; what was imported."""
        dialog = cls(ctx, parent)
        path = dialog.ask_path()
        if path is None:
            return None
        dialog.load(path)  # a file that cannot be read: its message, then choose another
        dialog.exec()
        return dialog.imported
