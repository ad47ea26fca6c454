"""Transfers: every live transfer with its mechanisms, regimes and worst gap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
)
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Mechanism
from transfers_app.domain.formatting import MECHANISM_LABELS
from transfers_app.domain.models import Transfer
from transfers_app.domain.names import fold
from transfers_app.rules.gaps import Gap
from transfers_app.services.app import AppServices
from transfers_app.services.worklists import TransferRow, transfer_rows
from ui import messages
from ui.context import UiContext
from ui.models.rows import ObjectRole
from ui.models.transfers import (
    CAPS,
    ELASTIC,
    STATUS_ALIASES,
    STATUS_CHOICES,
    Column,
    TransferFilter,
    TransfersModel,
)
from ui.pages.base import TablePage
from ui.widgets.inputs import SearchBox
from ui.widgets.tables import elide_in_the_middle, select_row_where, selected_object

# What one background read gives: the entities' names, and the rows.
_Read = tuple[dict[int, str], list[TransferRow]]


class TransfersPage(TablePage[_Read]):
    """The rows (and their status) are read in the background."""

    title = "Transfers"
    noun = "transfers"
    model: TransfersModel
    proxy: TransferFilter

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self._names: dict[int, str] = {}
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.search = SearchBox(
            "Search exporter, importer, country, service, mechanism…", "Search transfers"
        )
        self.country = QComboBox()
        self.country.setAccessibleName("Destination")
        self.country.setMinimumContentsLength(18)
        self.status = QComboBox()
        self.status.setAccessibleName("Status")
        for value, label in STATUS_CHOICES:
            self.status.addItem(label, value)
        self.mechanism = QComboBox()
        self.mechanism.setAccessibleName("Mechanism")
        self.mechanism.addItem("All mechanisms", "")
        for m in Mechanism:
            self.mechanism.addItem(MECHANISM_LABELS[m], m.value)
        self.mechanism.addItem("No mechanism", "none")
        self.not_live = QCheckBox("Include planned and ended")
        self.clear_button = QPushButton("Clear filters")
        self.new_button = QPushButton("New transfer…")
        self.new_button.setToolTip("Record a new transfer (Ctrl+N)")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setToolTip("Edit the selected transfer (Enter)")
        self.edit_button.setEnabled(False)
        top.addWidget(self.search, 1)
        top.addWidget(self.country)
        top.addWidget(self.status)
        top.addWidget(self.mechanism)
        top.addWidget(self.not_live)
        top.addWidget(self.clear_button)
        top.addSpacing(12)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        layout.addLayout(top)

        info = QHBoxLayout()
        self.filter_note = QLabel()
        self.count_label = QLabel()
        info.addWidget(self.filter_note, 1)
        info.addWidget(self.count_label)
        layout.addLayout(info)

        self.table = QTableView()
        self.model = TransfersModel([], self)
        self.proxy = TransferFilter(self)
        self.proxy.setSourceModel(self.model)
        self._setup_table(Column.STATUS, "transfers/header", settings, elastic=ELASTIC, caps=CAPS)
        elide_in_the_middle(self.table, (Column.IMPORTER,))
        layout.addWidget(self.table, 1)
        self._say_when_empty(
            "<b>No transfers yet.</b><br>Add one with <b>New transfer…</b> (Ctrl+N), or from "
            "an entity's Transfers tab on the Register.",
            "No transfer matches the search and filters: <b>Clear filters</b> shows them all.",
        )
        # Enter edits the transfer (caught before the table turns it into "activated"); the
        # same action is on the row's context menu.
        self.table.installEventFilter(self)
        self.edit_action = QAction("&Edit transfer… (Enter)", self.table)
        self.edit_action.triggered.connect(self.edit_selected)
        self.open_importer_action = QAction("&Open the importer", self.table)
        self.open_importer_action.triggered.connect(self._open_selected_importer)
        self.table.addAction(self.edit_action)
        self.table.addAction(self.open_importer_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        hint = QLabel(
            "Enter or Edit… edits the selected transfer; double-click opens its importer."
        )
        hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(hint)

        self.search.textChanged.connect(self._filters_changed)
        self.country.currentIndexChanged.connect(self._filters_changed)
        self.status.currentIndexChanged.connect(self._filters_changed)
        self.mechanism.currentIndexChanged.connect(self._filters_changed)
        self.not_live.toggled.connect(self._filters_changed)
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.doubleClicked.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------------

    def _reader(self) -> Callable[[AppServices], _Read]:
        ctx = self.ctx

        def read(services: AppServices) -> _Read:
            report = ctx.status(services)
            names = services.entities.names()
            regimes = {
                s.transfer.id: tuple(res.assessment.regime for res in s.results)
                for s in report.statuses
                if s.transfer.id is not None
            }
            gaps: dict[int, list[Gap]] = {}
            for g in report.gaps:  # worst first
                if g.transfer_id is not None:
                    gaps.setdefault(g.transfer_id, []).append(g)
            rows = transfer_rows(services.transfers.list(), names, regimes, gaps, ctx.today)
            return names, rows

        return read

    def _rows_arrived(self, result: _Read) -> None:
        self._names, rows = result
        self.model = TransfersModel(rows, self)
        self._attach(self.model)
        self._update_buttons()  # a model reset clears the selection without a signal
        self._fill_countries(rows)
        self._update_count()

    def _show_status(self, text: str) -> None:
        self.count_label.setText(text)

    def _fill_countries(self, rows: list[TransferRow]) -> None:
        current = self.country.currentData() or self.proxy.country
        codes = sorted({r.transfer.destination for r in rows}, key=country_name)
        self.country.blockSignals(True)
        self.country.clear()
        self.country.addItem("All destinations", "")
        for code in codes:
            self.country.addItem(f"{country_name(code)} ({code})", code)
        self.country.setCurrentIndex(max(0, self.country.findData(current)))
        self.country.blockSignals(False)

    def _update_count(self) -> None:
        live = sum(1 for r in range(self.model.rowCount()) if self.model.row(r).live)
        self.count_label.setText(f"{self.proxy.rowCount()} shown, {live} live transfers")
        parts = []
        if self.proxy.entity_id is not None:
            parts.append(f"only the transfers of {self._names.get(self.proxy.entity_id, '?')}")
        if self.proxy.countries is not None:
            parts.append(f"to {len(self.proxy.countries)} other destinations")
        self.filter_note.setText("Showing " + ", ".join(parts) if parts else "")

    # -- filters ------------------------------------------------------------------------------

    def _filters_changed(self, *_args: Any) -> None:
        p = self.proxy
        p.beginFilterChange()
        p.text = fold(self.search.text().strip())
        p.country = str(self.country.currentData() or "")
        p.status = str(self.status.currentData() or "")
        p.mechanism = str(self.mechanism.currentData() or "")
        p.include_not_live = self.not_live.isChecked()
        p.endFilterChange()
        self._update_count()

    def clear_filters(self) -> None:
        for w in (self.search, self.country, self.status, self.mechanism, self.not_live):
            w.blockSignals(True)
        self.search.clear()
        self.country.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.mechanism.setCurrentIndex(0)
        self.not_live.setChecked(False)
        for w in (self.search, self.country, self.status, self.mechanism, self.not_live):
            w.blockSignals(False)
        self.proxy.entity_id = None  # applied by _filters_changed
        self.proxy.countries = None
        self._filters_changed()

    def apply_filter(self, **criteria: Any) -> None:
        """Show the transfers the criteria select; the other filters are cleared.

        ``status``: compliant, gaps, overdue, critical, high, medium, low or not_live;
        ``country`` (or ``destination``): an ISO code; ``mechanism``: a mechanism value or
        "none"; ``search`` (or ``text``); ``entity_id``: transfers to or from that entity.
        Before the rows have arrived, the criteria are applied when they do.
        """
        if self._after_load(lambda: self.apply_filter(**criteria)):
            return
        self.clear_filters()
        status = str(criteria.get("status") or criteria.get("severity") or "").lower()
        status = STATUS_ALIASES.get(status, status)
        country = str(criteria.get("country") or criteria.get("destination") or "").upper()
        mechanism = str(criteria.get("mechanism") or "").lower()
        text = criteria.get("search", criteria.get("text"))
        for combo, value in (
            (self.status, status),
            (self.country, country),
            (self.mechanism, mechanism),
        ):
            if value:
                index = combo.findData(value)
                if index < 0:
                    messages.error(self, f"There is no filter for '{value}' on this page.")
                    continue
                combo.setCurrentIndex(index)
        if text:
            self.search.setText(str(text))
        entity_id = criteria.get("entity_id")
        if entity_id is not None:
            self.proxy.entity_id = int(entity_id)
            self._filters_changed()
        countries = criteria.get("countries")
        if countries:
            self.proxy.countries = frozenset(str(c).upper() for c in countries)
            self._filters_changed()

    def edit_controls(self) -> list[QWidget]:
        return [self.new_button]

    def focus_search(self) -> bool:
        return self.search.take_focus()

    # -- actions ------------------------------------------------------------------------------

    def selected_row(self) -> TransferRow | None:
        r = selected_object(self.table)
        return r if isinstance(r, TransferRow) else None

    def _open(self, index: QModelIndex) -> None:
        r = index.data(ObjectRole)
        if isinstance(r, TransferRow):
            self.open_entity.emit(r.transfer.importer_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            return self.edit_selected()
        return super().eventFilter(watched, event)

    def _open_selected_importer(self) -> None:
        r = self.selected_row()
        if r is not None:
            self.open_entity.emit(r.transfer.importer_id)

    def _update_buttons(self, *_args: Any) -> None:
        has = self.selected_row() is not None
        self.edit_button.setEnabled(has)
        self.edit_action.setEnabled(has)
        self.open_importer_action.setEnabled(has)

    def new_record(self) -> bool:
        """Ctrl+N: record a new transfer in the transfer editor."""
        from ui.dialogs.transfer_editor import TransferEditor

        self._after_save(TransferEditor.edit(self, self.ctx))
        return True

    def edit_selected(self) -> bool:
        """Edit the selected transfer (Enter, Edit…); False if none is selected."""
        r = self.selected_row()
        if r is None or r.transfer.id is None:
            return False
        from ui.dialogs.transfer_editor import TransferEditor

        self._after_save(TransferEditor.edit(self, self.ctx, transfer_id=r.transfer.id))
        return True

    def _after_save(self, saved: Transfer | None) -> None:
        if saved is None:
            return
        self.refresh()
        self.changed.emit()
        self.jobs.then(lambda: self.select_transfer(saved.id))

    def select_transfer(self, transfer_id: int | None) -> bool:
        """Select a transfer's row if the filters show it; False otherwise."""
        return select_row_where(
            self.table, lambda r: isinstance(r, TransferRow) and r.transfer.id == transfer_id
        )

    def archive_selected(self) -> bool:
        r = self.selected_row()
        if r is None or r.transfer.id is None:
            return False
        if not messages.confirm(
            self,
            f"Archive the transfer from {r.exporter} to {r.importer} ({r.destination})? "
            "It leaves the register but stays in the audit history.",
        ):
            return True
        self.ctx.services.workspace.archive_transfer(r.transfer.id)
        self.refresh()
        self.changed.emit()
        return True
