"""Renewals: what is overdue and what falls due within a horizon, with "mark reviewed"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, QSortFilterProxyModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.formatting import day
from transfers_app.domain.models import Document
from transfers_app.domain.renewals import Reminder
from transfers_app.errors import TransfersError
from transfers_app.services.app import AppServices
from transfers_app.services.workspace import review_problem
from ui import messages
from ui.context import UiContext
from ui.models.renewals import CAPS, ELASTIC, RemindersModel
from ui.models.rows import SortRole
from ui.pages.base import TablePage
from ui.widgets.tables import app_settings, select_row_where, selected_object

HORIZONS = (30, 60, 90)
# What one background read gives: the horizon it read within, and the reminders.
_Read = tuple[int, list[Reminder]]


def record_of(reminder: Reminder) -> tuple[str, int]:
    """("document", 12) from the reminder's record "document 12"."""
    found = reminder.record_of()
    if found is None:
        raise ValueError(f"a reminder about {reminder.record!r} names no record")
    return found


_REVIEWER_KEY = "renewals/reviewer"


class RenewalsPage(TablePage[_Read]):
    """The reminders are read in the background."""

    title = "Renewals"
    noun = "reminders"
    model: RemindersModel

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self._settings = settings
        self.horizon = HORIZONS[0]
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Show what is overdue and what falls due within:"))
        self.horizon_group = QButtonGroup(self)
        self.horizon_group.setExclusive(True)
        self.horizon_buttons: dict[int, QPushButton] = {}
        for days in HORIZONS:
            button = QPushButton(f"{days} days")
            button.setCheckable(True)
            button.setAccessibleName(f"Within {days} days")
            self.horizon_group.addButton(button, days)
            self.horizon_buttons[days] = button
            top.addWidget(button)
        top.addWidget(QLabel("or"))
        self.custom = QSpinBox()
        self.custom.setRange(0, 3650)
        self.custom.setSuffix(" days")
        self.custom.setAccessibleName("Horizon in days")
        self.custom.setValue(self.horizon)
        top.addWidget(self.custom)
        top.addStretch(1)
        self.summary = QLabel()
        top.addWidget(self.summary)
        layout.addLayout(top)

        actions = QHBoxLayout()
        self.mark_button = QPushButton("Mark reviewed")
        self.mark_button.setToolTip(
            "Record that the selected document was reviewed today; the next review follows "
            "its review cycle"
        )
        self.undo_button = QPushButton("Undo review")
        self.undo_button.setToolTip("Take back the review just recorded")
        self.undo_button.setEnabled(False)
        self._reviewed: Document | None = None  # as it was before the last "Mark reviewed"
        self.open_button = QPushButton("Show record")
        self.open_button.setToolTip("Show the document or assessment this reminder is about")
        actions.addWidget(self.mark_button)
        actions.addWidget(self.undo_button)
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.table = QTableView()
        self.model = RemindersModel([], self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSortRole(SortRole)
        self.proxy.setSourceModel(self.model)
        # -1: the rows keep the model's order until the user sorts them.
        self._setup_table(-1, "renewals/header", settings, elastic=ELASTIC, caps=CAPS)
        layout.addWidget(self.table, 1)
        self._say_when_empty(
            "<b>Nothing falls due.</b><br>The expiry, notice and review dates of documents and "
            "assessments are listed here as you record them.",
            "Nothing due matches the filter.",
        )
        self.message = QLabel()
        self.message.setAccessibleName("Last action")
        layout.addWidget(self.message)

        self.horizon_buttons[self.horizon].setChecked(True)
        self.horizon_group.idClicked.connect(self.set_horizon)
        self.custom.valueChanged.connect(self.set_horizon)
        self.mark_button.clicked.connect(self.mark_reviewed)
        self.undo_button.clicked.connect(self.undo_review)
        self.open_button.clicked.connect(self.show_record)
        self.table.doubleClicked.connect(lambda _i: self.show_record())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    def set_horizon(self, days: int) -> None:
        """Show reminders due within ``days`` (and everything overdue)."""
        self.horizon = days
        for d, button in self.horizon_buttons.items():
            if d == days and not button.isChecked():
                button.setChecked(True)
        if days not in self.horizon_buttons:
            # No preset matches: no preset button stays pressed.
            self.horizon_group.setExclusive(False)
            for button in self.horizon_buttons.values():
                button.setChecked(False)
            self.horizon_group.setExclusive(True)
        if self.custom.value() != days:
            self.custom.blockSignals(True)
            self.custom.setValue(days)
            self.custom.blockSignals(False)
        self.refresh()

    def _reader(self) -> Callable[[AppServices], _Read]:
        today, horizon = self.ctx.today, self.horizon

        def read(services: AppServices) -> _Read:
            return horizon, services.register.reminders(today, horizon)

        return read

    def _show_status(self, text: str) -> None:
        self.summary.setText(text)

    def _rows_arrived(self, result: _Read) -> None:
        horizon, reminders = result
        selected = self.selected_reminder()
        self.model = RemindersModel(reminders, self)
        self._attach(self.model)
        overdue = sum(1 for r in reminders if r.overdue)
        self.summary.setText(
            f"{overdue} overdue, {len(reminders) - overdue} due within {horizon} days"
        )
        if selected is not None:
            select_row_where(self.table, lambda r: r == selected, scroll=False)
        self._update_buttons()

    def edit_controls(self) -> list[QWidget]:
        return [self.mark_button]

    def apply_filter(self, **criteria: Any) -> None:
        """``days`` (or ``horizon``/``within_days``): the horizon in days."""
        for key in ("days", "horizon", "within_days"):
            if key in criteria:
                self.set_horizon(int(criteria[key]))
                return
        self._ensure_loaded()

    def selected_reminder(self) -> Reminder | None:
        r = selected_object(self.table)
        return r if isinstance(r, Reminder) else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        r = self.selected_reminder()
        self.open_button.setEnabled(r is not None)
        reviewable = r is not None and r.what == "review"
        self.mark_button.setEnabled(reviewable)
        if r is not None and r.what == "tia_review":
            self.mark_button.setToolTip("Assessment reviews are recorded on the assessment")
        elif r is not None and not reviewable:
            self.mark_button.setToolTip("Only a document review can be marked reviewed")
        else:
            self.mark_button.setToolTip(
                "Record that the selected document was reviewed today; the next review "
                "follows its review cycle"
            )

    def mark_reviewed(self) -> None:
        r = self.selected_reminder()
        if r is None or r.what != "review":
            messages.info(self, "Select a document review to mark it reviewed.")
            return
        kind, number = record_of(r)
        if kind != "document":
            messages.info(self, "Only a document review can be marked reviewed here.")
            return
        workspace = self.ctx.services.workspace
        try:
            before = self.ctx.services.documents.get(number)
            problem = review_problem(before)
            if problem is not None:
                raise problem  # said before asking who reviewed it
            who = messages.ask_text(
                self, "Who reviewed it? (recorded in the audit log)", self._reviewer()
            )
            if who is None:
                return
            saved = workspace.mark_reviewed(number, self.ctx.today, who)
        except TransfersError as exc:
            text = getattr(exc, "message", None) or str(exc)
            if getattr(exc, "field", "") == "review_cycle_months":
                text += " (Documents, Edit details…)"
            messages.error(self, f"Not marked reviewed: {text}.")
            return
        settings = self._app_settings()
        if settings is not None:
            settings.setValue(_REVIEWER_KEY, " ".join(who.split()))
        self._reviewed = before
        self.undo_button.setEnabled(True)
        self.refresh()
        nxt = day(saved.next_review_on, "not set")
        self.message.setText(
            f"Review of '{saved.title}' by {' '.join(who.split())} recorded on "
            f"{day(self.ctx.today)}; next review {nxt}. (Undo review takes it back.)"
        )
        self.changed.emit()

    def _reviewer(self) -> str:
        """Who reviewed last time (the usual reviewer), to confirm or change."""
        settings = self._app_settings()
        return str(settings.value(_REVIEWER_KEY, "") or "") if settings is not None else ""

    def _app_settings(self) -> QSettings | None:
        return self._settings if self._settings is not None else app_settings()

    def undo_review(self) -> None:
        """Take back the review recorded last: its dates go back to what they were."""
        before, self._reviewed = self._reviewed, None
        self.undo_button.setEnabled(False)
        if before is None:
            return
        try:
            self.ctx.services.workspace.undo_review(before)
        except TransfersError as exc:
            messages.error(self, f"The review was not taken back: {exc}.")
            return
        self.refresh()
        self.message.setText(f"Review of '{before.title}' taken back.")
        self.changed.emit()

    def show_record(self) -> None:
        r = self.selected_reminder()
        if r is None:
            return
        kind, number = record_of(r)
        if kind == "document":
            self.navigate.emit("documents", {"document_id": number})
        else:
            self.navigate.emit("assessments", {"tia_id": number})
