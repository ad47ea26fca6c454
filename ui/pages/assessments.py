"""Assessments: the transfer impact / risk assessments, and the transfers that lack one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.names import fold
from transfers_app.rules.gaps import GapCode
from transfers_app.services.app import AppServices
from transfers_app.services.worklists import AssessmentRow, assessment_rows
from ui import messages
from ui.context import UiContext
from ui.models.assessments import (
    CAPS,
    ELASTIC,
    STATE_CHOICES,
    AssessmentFilter,
    AssessmentsModel,
    Column,
)
from ui.models.rows import ObjectRole
from ui.pages.base import TablePage
from ui.widgets.inputs import SearchBox
from ui.widgets.tables import (
    elide_in_the_middle,
    fit_columns,
    select_row_where,
    selected_object,
)


class AssessmentsPage(TablePage[list[AssessmentRow]]):
    """The assessments and their status are read in the background."""

    title = "Assessments"
    noun = "assessments"
    model: AssessmentsModel
    proxy: AssessmentFilter

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = SearchBox("Search transfer, country, assessor…", "Search assessments")
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
        self._setup_table(Column.FLAG, "assessments/header", settings, elastic=ELASTIC, caps=CAPS)
        elide_in_the_middle(self.table, (Column.TRANSFER,))
        layout.addWidget(self.table, 1)
        self._say_when_empty(
            "<b>No assessments yet, and none needed.</b><br>A transfer that needs a transfer "
            "impact assessment is listed here as MISSING as soon as it is on the register.",
            "No assessment matches the search and the filter.",
        )

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

    def _show_status(self, text: str) -> None:
        self.summary.setText(text)

    def _reader(self) -> Callable[[AppServices], list[AssessmentRow]]:
        ctx = self.ctx

        def read(services: AppServices) -> list[AssessmentRow]:
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
            overdue = report.overdue_assessments()
            return assessment_rows(tias, transfers, names, missing, overdue, stale)

        return read

    def _rows_arrived(self, rows: list[AssessmentRow]) -> None:
        self.model = AssessmentsModel(rows, self)
        if self._attach(self.model):
            # Sized to the rows: narrow again so the Attention column stays in view.
            self._fitted = False
        if not self._fitted:
            self._fitted = fit_columns(self.table, ELASTIC)
        n_missing = len({r.transfer_id for r in rows if r.missing})
        n_overdue = sum(1 for r in rows if r.overdue)
        n_stale = sum(1 for r in rows if r.stale)
        on_file = sum(1 for r in rows if r.tia is not None)
        self.summary.setText(
            f"{on_file} on file, {n_overdue} review{'s' if n_overdue != 1 else ''} overdue, "
            f"{n_missing} missing"
            + (f", {n_stale} no longer matching the register" if n_stale else "")
        )
        self._update_buttons()

    def _filters_changed(self, *_args: Any) -> None:
        self.proxy.beginFilterChange()
        self.proxy.state = str(self.state.currentData() or "")
        self.proxy.text = fold(self.search.text().strip())
        self.proxy.endFilterChange()

    def apply_filter(self, **criteria: Any) -> None:
        """``state``: "missing", "overdue" or None (all); ``search`` (or ``text``).

        Before the rows have arrived, the criteria are applied when they do."""
        if self._after_load(lambda: self.apply_filter(**criteria)):
            return
        state = str(criteria.get("state") or "").lower()
        self.state.setCurrentIndex(max(0, self.state.findData(state)))
        text = criteria.get("search", criteria.get("text"))
        self.search.setText(str(text) if text else "")
        tia_id = criteria.get("tia_id")
        if tia_id is not None:
            self.select_tia(tia_id)

    def edit_controls(self) -> list[QWidget]:
        return [self.new_button]

    def focus_search(self) -> bool:
        return self.search.take_focus()

    # -- opening and starting assessments -------------------------------------------------

    def selected_row(self) -> AssessmentRow | None:
        r = selected_object(self.table)
        return r if isinstance(r, AssessmentRow) else None

    def select_tia(self, tia_id: int | None) -> bool:
        """Select an assessment's row if the filters show it; False otherwise."""
        return select_row_where(
            self.table,
            lambda r: isinstance(r, AssessmentRow) and r.tia is not None and r.tia.id == tia_id,
        )

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
