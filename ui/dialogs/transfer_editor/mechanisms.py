"""The mechanisms a transfer relies on, in order (the first is primary, then fallbacks): a
line per mechanism with its signed document, and Add, Remove, Move up, Move down.

The widget shows the lines it is given (``show``) and says what the user asked for through
its signals; the editor's view state (``TransferFormState``) keeps the lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import DocumentStatus, Mechanism
from transfers_app.domain.formatting import DOCUMENT_KIND_LABELS, MECHANISM_LABELS
from transfers_app.domain.models import Document, MechanismUse
from ui.widgets.forms import button_row


class MechanismList(QGroupBox):
    mechanism_chosen = Signal(int, object)  # row, Mechanism
    document_chosen = Signal(int, object)  # row, document id or None
    add_requested = Signal()
    remove_requested = Signal(int)  # row
    move_requested = Signal(int, int)  # row, -1 up / +1 down

    def __init__(
        self,
        documents_for: Callable[[Mechanism, int | None], list[Document]],
        error_label: QLabel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Mechanisms relied on (the first is primary, then fallbacks)", parent)
        self._documents_for = documents_for
        self._uses: list[MechanismUse] = []
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Mechanism", "Signed document"])
        self.table.setAccessibleName("Mechanisms")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(120)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton("&Add")
        self.add_button.setToolTip("Add a mechanism (the one the rules suggest first)")
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button = QPushButton("Remo&ve")
        self.remove_button.clicked.connect(self._remove)
        self.up_button = QPushButton("Move u&p")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = QPushButton("Move do&wn")
        self.down_button.clicked.connect(lambda: self._move(1))
        buttons = button_row(self.add_button, self.remove_button, self.up_button, self.down_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(error_label)
        layout.addLayout(buttons)

    def show_uses(self, uses: Sequence[MechanismUse], select: int | None = None) -> None:
        """Show ``uses``, a line each (``select``: the line to select)."""
        self._uses = list(uses)
        table = self.table
        table.setRowCount(len(self._uses))
        for row, use in enumerate(self._uses):
            combo = QComboBox()
            combo.setAccessibleName(f"Mechanism {row + 1}")
            for m, label in MECHANISM_LABELS.items():
                combo.addItem(label, m)
            combo.setCurrentIndex(max(combo.findData(use.mechanism), 0))
            combo.currentIndexChanged.connect(lambda _i, r=row: self._mechanism_changed(r))
            docs = QComboBox()
            docs.setAccessibleName(f"Document {row + 1}")
            docs.currentIndexChanged.connect(lambda _i, r=row: self._document_changed(r))
            table.setCellWidget(row, 0, combo)
            table.setCellWidget(row, 1, docs)
            self.show_documents(row, use)
        table.setVerticalHeaderLabels(
            ["1 (primary)" if i == 0 else str(i + 1) for i in range(len(self._uses))]
        )
        if select is not None and 0 <= select < len(self._uses):
            table.selectRow(select)
        self._update_buttons()

    def show_documents(self, row: int, use: MechanismUse) -> None:
        """The documents line ``row`` may link, the linked one chosen."""
        self._uses[row] = use
        combo = self.document_combo(row)
        with QSignalBlocker(combo):
            combo.clear()
            if use.mechanism is Mechanism.ADEQUACY:
                combo.addItem("no document needed", None)
                combo.setEnabled(False)
                return
            combo.setEnabled(True)
            docs = self._documents_for(use.mechanism, use.document_id)
            combo.addItem(
                "(not linked: the rules look for a fitting document)"
                if docs
                else "(none of this kind on the register for the importer)",
                None,
            )
            for d in docs:
                label = f"{d.title} — {DOCUMENT_KIND_LABELS[d.kind]}"
                if d.doc_version > 1:
                    label += f", v{d.doc_version}"
                if d.status is not DocumentStatus.CURRENT:
                    label += " (superseded)"
                combo.addItem(label, d.id)
                combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
            index = combo.findData(use.document_id) if use.document_id is not None else 0
            if index < 0:  # linked to a document the importer is not a party to
                combo.addItem(f"document #{use.document_id}", use.document_id)
                index = combo.count() - 1
            combo.setCurrentIndex(index)

    def mechanism_combo(self, row: int) -> QComboBox:
        widget = self.table.cellWidget(row, 0)
        assert isinstance(widget, QComboBox)
        return widget

    def document_combo(self, row: int) -> QComboBox:
        widget = self.table.cellWidget(row, 1)
        assert isinstance(widget, QComboBox)
        return widget

    def selected_row(self) -> int | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return rows[0].row() if rows else None

    def _mechanism_changed(self, row: int) -> None:
        self.mechanism_chosen.emit(row, Mechanism(self.mechanism_combo(row).currentData()))

    def _document_changed(self, row: int) -> None:
        data = self.document_combo(row).currentData()
        self.document_chosen.emit(row, int(data) if data else None)

    def _remove(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.remove_requested.emit(row)

    def _move(self, step: int) -> None:
        row = self.selected_row()
        if row is not None:
            self.move_requested.emit(row, step)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.remove_button.setEnabled(row is not None)
        self.up_button.setEnabled(row is not None and row > 0)
        self.down_button.setEnabled(row is not None and row < len(self._uses) - 1)
