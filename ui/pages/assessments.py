"""Assessments: the transfer impact / risk assessments, and the transfers that lack one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QSettings,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.rules.gaps import GapCode
from transfers_app.services.app import AppServices
from transfers_app.services.worklists import AssessmentRow, assessment_rows
from ui import messages
from ui.context import UiContext
from ui.jobs import Jobs
from ui.models.assessments import (
    ELASTIC,
    STATE_CHOICES,
    AssessmentFilter,
    AssessmentsModel,
    Column,
)
from ui.models.rows import ObjectRole
from ui.pages.base import Page
from ui.widgets.tables import HeaderMemory, attach_model, fit_columns


class AssessmentsPage(Page):
    title = "Assessments"

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self._fitted = False  # columns narrowed to the page's width once, when first shown
        # The assessments and their status are read in a background thread.
        self.jobs = Jobs(self, ctx)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search transfer, country, assessor…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search assessments")
        self.state = QComboBox()
        self.state.setAccessibleName("Show")
        for value, label in STATE_CHOICES:
            self.state.addItem(label, value)
        self.summary = QLabel()
        top.addWidget(self.search, 1)
        top.addWidget(self.state)
        top.addWidget(self.summary)
        layout.addLayout(top)
        intro = QLabel(
            "Transfer impact / risk assessments on file, and the transfers whose safeguard "
            "needs one but have none approved (MISSING, or a draft NOT APPROVED). Double-click "
            "a row to open its assessment, or to start a prefilled one for a MISSING transfer."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: palette(mid);")
        layout.addWidget(intro)

        self.table = QTableView()
        self.model = AssessmentsModel([], self)
        self.proxy = AssessmentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.FLAG, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        # Widths, order and sort as the user left them last time (then not fitted here).
        self.header_memory = HeaderMemory(self.table, "assessments/header", settings)
        self._fitted = self.header_memory.restored

        self.open_button = QPushButton("&Open assessment")
        self.open_button.setToolTip("Open the selected assessment (double-click, Enter)")
        self.open_button.clicked.connect(self.open_selected)
        self.new_button = QPushButton("&New assessment")
        self.new_button.setToolTip(
            "Start an assessment of the selected transfer, prefilled from the register (Ctrl+N)"
        )
        self.new_button.clicked.connect(self.new_record)
        self.importer_button = QPushButton("Open &importer")
        self.importer_button.setToolTip("Open the entity that receives the data")
        self.importer_button.clicked.connect(self._open_importer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.importer_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.search.textChanged.connect(self._filters_changed)
        self.state.currentIndexChanged.connect(self._filters_changed)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)
        selection = self.table.selectionModel()
        assert selection is not None
        selection.selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def showEvent(self, event: Any) -> None:
        if not self._loaded and not self.jobs.busy():
            self.refresh()
        super().showEvent(event)
        if not self._fitted:
            self._fitted = fit_columns(self.table, ELASTIC)

    def refresh(self) -> None:
        """Read the assessments and the status in the background; the rows follow."""
        self.summary.setText("Loading…")
        self.jobs.start(
            lambda services, _job: self._read(services), self._rows_arrived, self._load_failed
        )

    def _load_failed(self, message: str) -> None:
        self.summary.setText(f"The assessments could not be read: {message}")

    def wait_for_background(self, msecs: int = -1) -> bool:
        """Wait for the background read and show its rows (tests, and before closing)."""
        return self.jobs.wait(msecs)

    def _read(self, services: AppServices) -> list[AssessmentRow]:
        """The page's rows, read on a worker thread with its own ``services``."""
        ctx = self.ctx
        report = ctx.status(services)
        missing: dict[int, str] = {}
        stale: dict[int, str] = {}
        for g in report.gaps:
            if g.code is GapCode.TIA_MISSING and g.transfer_id is not None:
                missing.setdefault(g.transfer_id, g.message)
            elif g.code is GapCode.TIA_STALE and g.transfer_id is not None:
                stale.setdefault(g.transfer_id, g.message)
        transfers = {t.id: t for t in services.transfers.list() if t.id is not None}
        names = services.entities.names()
        tias = services.tias.assessments()
        return assessment_rows(tias, transfers, names, missing, ctx.today, stale)

    def _rows_arrived(self, rows: list[AssessmentRow]) -> None:
        self.model = AssessmentsModel(rows, self)
        attach_model(self.table, self.proxy, self.model)
        if not self._loaded and not self.header_memory.restored:
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            header.resizeSection(Column.TRANSFER, min(header.sectionSize(Column.TRANSFER), 400))
            # Sized to the rows: narrow again so the Attention column stays in view.
            self._fitted = False
        if not self._fitted:
            self._fitted = fit_columns(self.table, ELASTIC)
        self._loaded = True
        n_missing = len({r.transfer_id for r in rows if r.missing})
        n_overdue = sum(1 for r in rows if r.overdue)
        n_stale = sum(1 for r in rows if r.stale)
        on_file = sum(1 for r in rows if r.tia is not None)
        self.summary.setText(
            f"{on_file} on file, {n_overdue} review overdue, {n_missing} missing"
            + (f", {n_stale} no longer matching the register" if n_stale else "")
        )
        self._update_buttons()

    def _filters_changed(self, *_args: Any) -> None:
        self.proxy.beginFilterChange()
        self.proxy.state = str(self.state.currentData() or "")
        self.proxy.text = self.search.text().strip().casefold()
        self.proxy.endFilterChange()

    def apply_filter(self, **criteria: Any) -> None:
        """``state``: "missing", "overdue" or None (all); ``search`` (or ``text``).

        Before the rows have arrived, the criteria are applied when they do."""
        if not self._loaded:
            if not self.jobs.busy():
                self.refresh()
            self.jobs.then(lambda: self.apply_filter(**criteria))
            return
        state = str(criteria.get("state") or "").lower()
        self.state.setCurrentIndex(max(0, self.state.findData(state)))
        text = criteria.get("search", criteria.get("text"))
        self.search.setText(str(text) if text else "")
        tia_id = criteria.get("tia_id")
        if tia_id is not None:
            for row in range(self.proxy.rowCount()):
                r = self.proxy.index(row, 0).data(ObjectRole)
                if isinstance(r, AssessmentRow) and r.tia is not None and r.tia.id == tia_id:
                    self.table.selectRow(row)
                    self.table.scrollTo(self.proxy.index(row, 0))
                    break

    def focus_search(self) -> bool:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        return True

    # -- opening and starting assessments -------------------------------------------------

    def selected_row(self) -> AssessmentRow | None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        r = rows[0].data(ObjectRole) if rows else None
        return r if isinstance(r, AssessmentRow) else None

    def select_tia(self, tia_id: int | None) -> bool:
        """Select an assessment's row if the filters show it; False otherwise."""
        for row in range(self.proxy.rowCount()):
            r = self.proxy.index(row, 0).data(ObjectRole)
            if isinstance(r, AssessmentRow) and r.tia is not None and r.tia.id == tia_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.proxy.index(row, 0))
                return True
        return False

    def _update_buttons(self, *_args: Any) -> None:
        r = self.selected_row()
        self.open_button.setEnabled(r is not None and r.tia is not None)
        self.new_button.setEnabled(r is not None and r.tia is None)
        self.importer_button.setEnabled(r is not None)

    def _open(self, index: QModelIndex) -> None:
        """Double-click or Enter: the row's assessment, or a new one for a missing transfer."""
        r = index.data(ObjectRole)
        if isinstance(r, AssessmentRow):
            self._edit(r)

    def open_selected(self) -> bool:
        r = self.selected_row()
        if r is None or r.tia is None:
            return False
        self._edit(r)
        return True

    def new_record(self) -> bool:
        """Ctrl+N: start the assessment of the selected transfer (or open the one it has)."""
        r = self.selected_row()
        if r is None:
            messages.info(
                self,
                "Choose the transfer to assess: select a row marked MISSING, then New "
                "assessment. A new assessment starts prefilled from the register.",
            )
            return True
        self._edit(r)
        return True

    def _edit(self, r: AssessmentRow) -> None:
        from ui.dialogs.tia_editor import TiaEditor

        if r.tia is not None:
            saved = TiaEditor.edit(self, self.ctx, tia_id=r.tia.id)
        else:
            saved = TiaEditor.edit(self, self.ctx, transfer_id=r.transfer_id)
        if saved is None:
            return
        self.refresh()
        self.changed.emit()
        self.jobs.then(lambda: self.select_tia(saved.id))

    def _open_importer(self) -> None:
        r = self.selected_row()
        if r is not None:
            self.open_entity.emit(r.importer_id)
