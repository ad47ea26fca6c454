"""The register page: every entity, searched as you type, filtered, sorted, with its status.

The table paints at once from one compact query; each entity's worst status (and how adequate
its destinations are) is computed in a background thread on its own database connection and
arrives later by a signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import EntityKind, Lifecycle, Mechanism, Severity
from transfers_app.domain.formatting import LIFECYCLE_LABELS, MECHANISM_LABELS, day
from transfers_app.errors import TransfersError
from transfers_app.reference.loader import ReferenceSet
from transfers_app.services.app import AppServices
from transfers_app.services.workspace import NO_MECHANISM, Adequacy, RegisterRow, Workspace
from ui import messages
from ui.context import UiContext
from ui.jobs import Job, Jobs
from ui.models.register_model import (
    ADEQUACY_LABELS,
    ADEQUACY_TIPS,
    KIND_LABELS,
    OK,
    OWN_KIND,
    Column,
    RegisterModel,
    StatusValue,
    due_text,
)
from ui.pages.base import Page
from ui.widgets.badges import StatusBadgeDelegate
from ui.widgets.inputs import SearchBox
from ui.widgets.tables import EmptyState, HeaderMemory, show_rows_read_only

# Version 2: the Next due column came in before Status (a state saved with six columns
# would give Status's width and sort to Next due).
HEADER_KEY = "register/header-v2"

# Every column fits the page in a 1280-wide window; the last one (Status) takes the rest.
_WIDTHS = {
    Column.NAME: 230,
    Column.LEGAL_NAME: 150,
    Column.KIND: 110,
    Column.COUNTRIES: 180,
    Column.LIFECYCLE: 85,
}


STATUS_DELAY_MS = 250
ROWS_JOB = "rows"
STATUS_JOB = "status"
# A large register shows its first rows at once and the rest when read in the background.
FIRST_ROWS = 2000


class RegisterPage(Page):
    title = "Register"
    # Each entity's worst status arrived from the background thread (and is shown).
    status_ready = Signal()

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(ctx, parent)
        # The rest of a large register, then everyone's status, are read in the background;
        # a refresh supersedes a read under way.
        self.jobs = Jobs(self, ctx)
        self._generation: tuple[int, int, ReferenceSet] | None = None
        self._loading_all = False

        self.search = SearchBox(
            "Search name, legal name, country or service  (Ctrl+F)", "Search the register"
        )
        self.search.setMinimumWidth(280)
        self.kind_combo = self._combo("Kind", [(label, k) for k, label in KIND_LABELS.items()])
        self.country_combo = self._combo("Country", [])
        self.status_combo = self._combo(
            "Status", [(s.value.upper(), s) for s in Severity] + [("OK (no gap)", OK)]
        )
        self.lifecycle_combo = self._combo(
            "Lifecycle", [(label, lc) for lc, label in LIFECYCLE_LABELS.items()]
        )
        self.adequacy_combo = self._combo(
            "Adequacy", [(label, a) for a, label in ADEQUACY_LABELS.items()]
        )
        self.adequacy_combo.setToolTip(
            "Show only entities by the adequacy of where they receive data (their live "
            "transfers, under each exporter's regime)"
        )
        for i, adequacy in enumerate(ADEQUACY_LABELS, start=1):
            self.adequacy_combo.setItemData(i, ADEQUACY_TIPS[adequacy], Qt.ItemDataRole.ToolTipRole)
        self.mechanism_combo = self._combo(
            "Mechanism", [(label, m) for m, label in MECHANISM_LABELS.items()]
        )
        self.mechanism_combo.setToolTip(
            "Show only entities receiving a transfer that relies on this mechanism (primary or "
            "fallback), or one with none recorded"
        )
        self._filter_combos = (
            self.kind_combo,
            self.country_combo,
            self.status_combo,
            self.lifecycle_combo,
            self.adequacy_combo,
            self.mechanism_combo,
        )
        self.count_label = QLabel()
        self.count_label.setObjectName("register-count")
        self.status_label = QLabel()
        self.status_label.setObjectName("register-status")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_button = QPushButton("New entity…")
        self.new_button.setToolTip("Add an entity to the register (Ctrl+N)")
        self.new_button.clicked.connect(self.new_record)

        # The country list of a large register holds long names: the closed box stays
        # compact (the list opens as wide as it needs).
        self.country_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.country_combo.setMinimumContentsLength(18)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.new_button)
        filters = QHBoxLayout()
        for combo in self._filter_combos:
            filters.addWidget(combo)
        filters.addStretch(1)
        info = QHBoxLayout()
        info.addWidget(self.count_label)
        info.addStretch(1)
        info.addWidget(self.status_label)

        self.model = RegisterModel(parent=self, today=ctx.today)
        self.table = QTableView()
        self.table.setObjectName("register-table")
        self.table.setAccessibleName("Register of entities")
        self.table.setModel(self.model)
        self.empty_state = EmptyState(
            self.table,
            "<b>The register is empty.</b><br>Add your first entity with <b>New entity…</b> "
            "(Ctrl+N), or bring in a supplier list with <b>File › Import suppliers…</b>.",
            "No entity matches the search and filters: <b>Clear filters</b> shows them all.",
            self.model.total_count,
        )
        show_rows_read_only(self.table)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setShowGrid(False)
        self.table.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(self.table))
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(max(28, self.fontMetrics().height() + 12))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        for column, width in _WIDTHS.items():
            header.resizeSection(column, width)
        # Room for an overdue date in bold, its word included (never elided away).
        bold = QFont(self.table.font())
        bold.setBold(True)
        header.resizeSection(
            Column.NEXT_DUE,
            QFontMetrics(bold).horizontalAdvance(due_text(date(2000, 1, 1), date.max)) + 20,
        )
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        # Widths, order and sort as the user left them last time.
        self.header_memory = HeaderMemory(self.table, HEADER_KEY, settings)
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.table.activated.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addLayout(info)
        layout.addWidget(self.table, 1)

        self.search.textChanged.connect(self._search_changed)
        for combo in self._filter_combos:
            combo.currentIndexChanged.connect(self._filters_changed)
        self.model.modelReset.connect(self._update_count)
        self.refresh()

    # -- building -------------------------------------------------------------------------

    def _combo(self, what: str, items: list[tuple[str, Any]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(f"Filter by {what.lower()}")
        combo.setToolTip(f"Show only entities of this {what.lower()}")
        combo.addItem(f"Any {what.lower()}", None)
        for label, value in items:
            combo.addItem(label, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _fill_countries(self) -> None:
        current = self.country_combo.currentData()
        self.country_combo.blockSignals(True)
        self.country_combo.clear()
        self.country_combo.addItem("Any country", None)
        for code in self.model.countries():
            self.country_combo.addItem(f"{country_name(code)} ({code})", code)
        if current is not None:
            self._select(self.country_combo, current, f"{country_name(current)} ({current})")
        self.country_combo.blockSignals(False)

    @staticmethod
    def _select(combo: QComboBox, value: Any, add_label: str = "") -> None:
        found = combo.findData(value)
        if found < 0 and add_label:
            combo.addItem(add_label, value)
            found = combo.count() - 1
        combo.setCurrentIndex(max(found, 0))

    # -- header state -----------------------------------------------------------------------

    def save_header(self) -> None:
        """Remember the columns' widths, order and sort now (otherwise done shortly after
        the user changes them, or when the page is hidden)."""
        self.header_memory.save()

    # -- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the rows (skipped when nothing changed) and recompute the status behind."""
        # The register's generation, and the reference set in use (a newer one changes verdicts).
        generation = (self.ctx.services.audit.generation(), self.ctx.heard, self.ctx.ref)
        if generation == self._generation:
            return
        selected = self.selected_entity_id()
        self._generation = generation
        workspace = self.ctx.services.workspace
        first = workspace.register_rows(limit=FIRST_ROWS)
        whole = len(first) < FIRST_ROWS
        if whole:
            # A small register: its status (which decides the due dates) and mechanisms are
            # quick to read, and the status is shared with the other pages.
            first = workspace.with_extras(first, self.ctx.today, report=self.ctx.status())
        self.model.set_rows(first, extras_known=whole)
        self._fill_countries()
        if selected is not None:
            self.select_entity(selected)
        if whole:
            # Start the status only once the rows are on screen: the check runs in Python
            # and shares the interpreter with the window, so it must not delay the paint.
            QTimer.singleShot(STATUS_DELAY_MS, self._start_status)
            return
        self._loading_all = True
        self.status_label.setText("Loading the rest of the register…")
        ctx = self.ctx
        today = ctx.today

        def read(services: AppServices, job: Job) -> list[RegisterRow]:
            # Every row first (shown at once), then the same rows with their next due dates
            # (the shared status's) and mechanisms.
            workspace = services.workspace
            rows = workspace.register_rows()
            job.report(rows)
            return workspace.with_extras(rows, today, report=ctx.status(services))

        self.jobs.drop(STATUS_JOB)  # the status of rows about to be replaced
        self.jobs.start(
            read,
            self._extras_arrived,
            self._status_failed,
            key=ROWS_JOB,
            on_progress=self._rows_arrived,
        )

    def _rows_arrived(self, rows: list[RegisterRow]) -> None:
        selected = self.selected_entity_id()
        self._loading_all = False
        self.model.set_rows(rows, extras_known=False)
        self._fill_countries()
        if selected is not None:
            self.select_entity(selected)
        self.status_label.setText("Reading the due dates and mechanisms…")
        self._update_count()

    def _extras_arrived(self, rows: list[RegisterRow]) -> None:
        selected = self.selected_entity_id()
        self.model.set_extras(rows)
        if selected is not None and self.selected_entity_id() != selected:
            self.select_entity(selected)
        self._update_count()
        self._start_status()

    def _start_status(self) -> None:
        self.status_label.setText("Checking the status of every transfer…")
        ctx = self.ctx

        def compute(
            services: AppServices, _job: Job
        ) -> tuple[Mapping[int, Severity], Mapping[int, Adequacy]]:
            report = ctx.status(services)
            return Workspace.worst_by_entity(report), Workspace.adequacy_by_entity(report)

        self.jobs.start(compute, self._status_arrived, self._status_failed, key=STATUS_JOB)

    def _status_arrived(
        self, result: tuple[Mapping[int, Severity], Mapping[int, Adequacy]]
    ) -> None:
        selected = self.selected_entity_id()
        worst, adequacy = result
        self.model.set_worst(worst, adequacy)
        if selected is not None and self.selected_entity_id() != selected:
            self.select_entity(selected)
        self.status_label.setText(f"Status as of {day(self.ctx.today)}")
        self._update_count()
        self.status_ready.emit()

    def _status_failed(self, message: str) -> None:
        self._loading_all = False
        self.status_label.setText(f"The status could not be computed: {message}")

    def wait_for_background(self, msecs: int = -1) -> bool:
        """Wait for the status computation (tests, and before closing the database)."""
        return self.jobs.wait(msecs)

    # -- search and filters ---------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        self.model.set_search(text)

    def _filters_changed(self) -> None:
        self.model.set_filters(
            kind=self.kind_combo.currentData(),
            country=self.country_combo.currentData(),
            status=self.status_combo.currentData(),
            lifecycle=self.lifecycle_combo.currentData(),
            adequacy=self.adequacy_combo.currentData(),
            mechanism=self.mechanism_combo.currentData(),
        )

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_count()
        noun = "entity" if total == 1 else "entities"
        text = f"{shown:,} of {total:,} {noun}"
        if self._loading_all:
            text = f"first {total:,} entities (loading the rest…)"
        elif self.model.needs_status:
            text += " (waiting for the status)"
        elif self.model.needs_extras:
            text += " (waiting for the mechanisms)"
        self.count_label.setText(text)

    def apply_filter(self, **criteria: Any) -> None:
        """Set the filters from a click-through: ``status`` (a Severity or "ok"), ``country``
        (a code), ``kind`` (an EntityKind or "own"), ``lifecycle``, ``adequacy`` (an
        Adequacy), ``mechanism`` (a Mechanism or "none"), ``search``; ``entity_id`` selects
        that entity (clearing the filters if they hide it)."""
        combos: list[tuple[QComboBox, Any]] = []
        if "kind" in criteria:
            kind = criteria["kind"]
            combos.append(
                (self.kind_combo, OWN_KIND if kind == OWN_KIND else _enum(EntityKind, kind))
            )
        if "country" in criteria:
            code = criteria["country"]
            combos.append((self.country_combo, str(code).upper() if code else None))
        if "status" in criteria:
            status = criteria["status"]
            value: StatusValue | None = (
                OK if status == OK else _enum(Severity, status) if status else None
            )
            combos.append((self.status_combo, value))
        if "lifecycle" in criteria:
            combos.append((self.lifecycle_combo, _enum(Lifecycle, criteria["lifecycle"])))
        if "adequacy" in criteria:
            combos.append((self.adequacy_combo, _enum(Adequacy, criteria["adequacy"])))
        if "mechanism" in criteria:
            mechanism = criteria["mechanism"]
            combos.append(
                (
                    self.mechanism_combo,
                    NO_MECHANISM if mechanism == NO_MECHANISM else _enum(Mechanism, mechanism),
                )
            )
        for combo, wanted in combos:
            combo.blockSignals(True)
            label = f"{country_name(wanted)} ({wanted})" if combo is self.country_combo else ""
            self._select(combo, wanted, add_label=label if wanted is not None else "")
            combo.blockSignals(False)
        if "search" in criteria:
            self.search.setText(str(criteria["search"] or ""))
        self._filters_changed()
        self._update_count()
        entity_id = criteria.get("entity_id")
        if entity_id is not None and not self.select_entity(int(entity_id)):
            self.clear_filters()
            self.select_entity(int(entity_id))

    def clear_filters(self) -> None:
        for combo in self._filter_combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.clear()
        self._filters_changed()

    def edit_controls(self) -> list[QWidget]:
        # Procurement proposes suppliers with it, on a register otherwise read-only to them.
        return [] if self.ctx.may_propose else [self.new_button]

    def focus_search(self) -> bool:
        return self.search.take_focus()

    # -- selection and actions ------------------------------------------------------------------

    def selected_entity_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(rows[0].row()).entity_id

    def select_entity(self, entity_id: int) -> bool:
        row = self.model.row_of(entity_id)
        if row < 0:
            return False
        index = self.model.index(row, Column.NAME)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_entity.emit(self.model.row_at(index.row()).entity_id)

    def edit_entity(self, entity_id: int | None) -> bool:
        """Open the entity editor here (without a main window); True when something was saved."""
        from ui.dialogs.entity_editor import EntityEditor

        saved = EntityEditor.edit(self, self.ctx, entity_id)
        if saved is None:
            return False
        self.refresh()
        if saved.id is not None:
            self.select_entity(saved.id)
        self.changed.emit()
        return True

    def new_record(self) -> bool:
        self.edit_entity(None)
        return True

    def archive_selected(self) -> bool:
        entity_id = self.selected_entity_id()
        if entity_id is None:
            return False
        row = self.model.row_at(self.model.row_of(entity_id))
        if not messages.confirm(
            self,
            f"Archive '{row.name}'?\n\nIt leaves the register but nothing is deleted: its "
            "history stays in the audit log, and Edit > Undo archive brings it back.",
        ):
            return False
        try:
            self.ctx.services.workspace.archive_entity(entity_id)
        except TransfersError as exc:
            messages.error(self, str(exc))
            return False
        self.refresh()
        self.changed.emit()
        return True


def _enum(cls: Any, value: Any) -> Any:
    """``value`` as a member of the enum ``cls`` (members and their values are accepted)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, cls) else cls(value)
