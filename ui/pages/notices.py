"""Sub-processor notices (Art 28(2)): what processors told us, the last day to object, and
what we decided. Accepting puts the sub-processor and its onward transfers on the register."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.formatting import day
from transfers_app.domain.models import SubprocessorNotice
from transfers_app.services.notices import NoticeView
from ui.context import UiContext
from ui.dialogs.notice_dialog import DEADLINE_RULE, DecisionDialog, NoticeDialog
from ui.models.notices import CAPS, ELASTIC, NoticesModel, NoticesProxy
from ui.models.rows import SortRole
from ui.pages.base import Page
from ui.widgets.tables import (
    fit_columns,
    select_row_where,
    selected_object,
    setup_list_table,
    size_columns,
)

_RED = QColor("#b00020")


class NoticesPage(Page):
    title = "Subprocessor notices"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.services.notices
        self._fitted = False
        layout = QVBoxLayout(self)

        intro = QLabel(
            "Notices from processors of a new or replaced sub-processor (Art 28(2) GDPR). "
            + DEADLINE_RULE
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        top = QHBoxLayout()
        self.record_button = QPushButton("Record notice…")
        self.record_button.setToolTip("Record a processor's notice of a new or replaced one")
        self.decide_button = QPushButton("Decide…")
        self.decide_button.setToolTip("Accept, object or terminate, with who decided and when")
        self.open_button = QPushButton("Show sub-processor")
        self.open_button.setToolTip("Open the accepted sub-processor's record")
        self.show_decided = QCheckBox("Show decided notices")
        self.show_decided.setChecked(True)
        for w in (self.record_button, self.decide_button, self.open_button):
            top.addWidget(w)
        top.addSpacing(12)
        top.addWidget(self.show_decided)
        top.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("notices-summary")
        top.addWidget(self.summary)
        layout.addLayout(top)

        self.table = QTableView()
        self.table.setAccessibleName("Sub-processor notices")
        self.model = NoticesModel([], self)
        self.proxy = NoticesProxy(self)
        self.proxy.setSortRole(SortRole)
        self.proxy.setSourceModel(self.model)
        # -1: the service's order until the user sorts.
        setup_list_table(self.table, self.proxy, -1, self.fontMetrics().height() + 10)
        layout.addWidget(self.table, 1)

        self.empty = QLabel(
            "No notices yet. When a processor tells you it will engage or replace a "
            "sub-processor, use “Record notice…”."
        )
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        self.message = QLabel()
        self.message.setAccessibleName("Last action")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        for label in self.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)

        self.record_button.clicked.connect(self.new_record)
        self.decide_button.clicked.connect(self.decide_selected)
        self.open_button.clicked.connect(self.open_subprocessor)
        self.show_decided.toggled.connect(self._on_show_decided)
        self.table.doubleClicked.connect(lambda _i: self._on_double_click())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = fit_columns(self.table, ELASTIC)

    # -- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_notice()
        views = self.service.views(self.ctx.today)
        self.model.set_rows(views)
        size_columns(self.table, CAPS)
        if self.isVisible():
            self._fitted = fit_columns(self.table, ELASTIC)
        waiting = sum(1 for v in views if v.notice.decision is None)
        overdue = sum(1 for v in views if v.overdue)
        text = f"{len(views)} notice{'s' if len(views) != 1 else ''}, {waiting} awaiting decision"
        if overdue:
            text += f", {overdue} past the last day to object"
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {_RED.name()}; font-weight: bold;" if overdue else "")
        self.empty.setVisible(not views)
        if selected is not None:
            self.select_notice(selected.id)
        self._update_buttons()

    def _on_show_decided(self, show: bool) -> None:
        self.proxy.set_show_decided(show)
        self._update_buttons()

    def apply_filter(self, **criteria: Any) -> None:
        """``notice_id``: select that notice; ``undecided``: hide decided notices."""
        if "undecided" in criteria:
            self.show_decided.setChecked(not criteria["undecided"])
        if "notice_id" in criteria:
            self.select_notice(int(criteria["notice_id"]))

    # -- selection ------------------------------------------------------------------------------

    def selected_notice(self) -> SubprocessorNotice | None:
        n = selected_object(self.table)
        return n if isinstance(n, SubprocessorNotice) else None

    def selected_view(self) -> NoticeView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.view(self.proxy.mapToSource(rows[0]).row())

    def select_notice(self, notice_id: int | None) -> bool:
        return select_row_where(
            self.table,
            lambda n: isinstance(n, SubprocessorNotice) and n.id == notice_id,
            scroll=False,
        )

    def _update_buttons(self) -> None:
        n = self.selected_notice()
        self.decide_button.setEnabled(n is not None and n.decision is None)
        self.open_button.setEnabled(n is not None and n.subprocessor_id is not None)
        if n is not None and n.decision is not None:
            self.decide_button.setToolTip("This notice is decided")
        else:
            self.decide_button.setToolTip("Accept, object or terminate, with who decided and when")

    # -- actions --------------------------------------------------------------------------------

    def edit_controls(self) -> list[QWidget]:
        return [self.record_button, self.decide_button]

    def new_record(self) -> bool:
        saved = NoticeDialog.record(self, self.ctx, self.service)
        if saved is not None:
            self.refresh()
            self.select_notice(saved.id)
            self.message.setText(
                f"Recorded the notice of ‘{saved.subprocessor_name}’; last day to object "
                f"{day(saved.objection_deadline)}."
            )
            self.changed.emit()
        return True

    def decide_selected(self) -> None:
        v = self.selected_view()
        if v is None or v.notice.decision is not None:
            return
        done = DecisionDialog.decide(
            self, self.ctx, self.service, v.notice, v.processor, v.replaces
        )
        if done is None:
            return
        self.refresh()
        self.select_notice(done.notice.id)
        self.message.setText(done.summary)
        self.changed.emit()

    def open_subprocessor(self) -> None:
        n = self.selected_notice()
        if n is not None and n.subprocessor_id is not None:
            self.open_entity.emit(n.subprocessor_id)

    def _on_double_click(self) -> None:
        n = self.selected_notice()
        if n is None:
            return
        if n.decision is None:
            self.decide_selected()
        else:
            self.open_subprocessor()
