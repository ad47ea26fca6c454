"""Sign-off (four eyes): the assessor and the approver (named people), what stands before
approval, the facts the research could not verify that the approver accepts one by one, submit
and approve; Reassess for an approved revision; and every revision of the assessment."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from transfers_app.domain.enums import TiaStatus
from transfers_app.domain.formatting import TIA_STATUS_LABELS, day
from transfers_app.domain.models import Tia
from transfers_app.domain.tia import AcceptedFact
from transfers_app.services.tia_analysis import UnverifiedFact
from ui.dialogs.tia_editor.state import SignOff, esc, reference_text
from ui.dialogs.tia_editor.steps.base import StepPage
from ui.widgets.forms import button_row


class SignOffStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.assessor_edit = self._line(
            "Assessor", "First and last name (role), e.g. Anita Patel (Privacy Counsel)"
        )
        self.approver_edit = QLineEdit()
        self.approver_edit.setAccessibleName("Approver")
        self.approver_edit.setPlaceholderText(
            "Someone else, by name (role), e.g. Maria Santos (General Counsel)"
        )
        self.approver_edit.textChanged.connect(self._emit)
        self.approved_label = QLabel()
        self.next_label = QLabel()
        self.snapshot_label = QLabel()
        form = self._form()
        form.addRow("Reference", self.reference_label)
        form.addRow("Status", self.status_label)
        self._row(form, "&Assessor *", "assessor", self.assessor_edit)
        self._row(form, "A&pprover *", "approver", self.approver_edit)
        form.addRow("Approved on", self.approved_label)
        form.addRow("Next review", self.next_label)
        form.addRow("Register snapshot", self.snapshot_label)

        self.problems_label = self._rich()
        self.problems_label.setObjectName("sign-off-problems")
        self.submit_button = QPushButton("Submit for re&view")
        self.submit_button.setToolTip("Save and mark the assessment as waiting for approval")
        self.approve_button = QPushButton("Appro&ve")
        actions = button_row(self.submit_button, self.approve_button)

        self.facts_table = QTableWidget(0, 2)
        self.facts_table.setAccessibleName("Unverified facts")
        self.facts_table.setHorizontalHeaderLabels(["Accepted", "Fact"])
        self.facts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.facts_table.verticalHeader().setVisible(False)
        self.facts_table.setWordWrap(True)
        self.facts_table.setMinimumHeight(120)
        self.facts_table.setMaximumHeight(260)
        facts_header = self.facts_table.horizontalHeader()
        facts_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        facts_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.facts_table.itemChanged.connect(self._fact_ticked)
        self.accept_all_button = QPushButton("Accept &all as the approver")
        self.accept_all_button.setToolTip(
            "Record that the approver accepts every fact listed, as not independently verified"
        )
        self.accept_all_button.clicked.connect(self.accept_all)
        self.facts_label = self._intro(
            "The assessment relies on these facts, which the research could not verify against "
            "an official or reputable source. The approver accepts each one (recorded with their "
            "name and today's date) or the assessment is not approved."
        )
        self.facts_box = self._box(
            "Facts not independently verified", self.facts_label, self.facts_table,
            self.accept_all_button,
        )  # fmt: skip
        self._facts: list[UnverifiedFact] = []
        self._ticked: set[str] = set()  # accepted in this sitting, kept across refreshes

        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Why reassess")
        self.reason_edit.setPlaceholderText(
            "Why it is reopened, e.g. a new onward transfer to India"
        )
        self.reason_edit.textChanged.connect(self._update_reassess)
        self.reassess_button = QPushButton("&Reassess")
        self.reassess_button.setToolTip(
            "Start the next revision as a draft; this one stays in force until it is approved"
        )
        reassess_row = QHBoxLayout()
        reassess_row.addWidget(self.reason_edit, 1)
        reassess_row.addWidget(self.reassess_button)
        self.reassess_box = self._box("Reassess", reassess_row)

        self.history_table = QTableWidget(0, 5)
        self.history_table.setAccessibleName("Revisions")
        self.history_table.setHorizontalHeaderLabels(
            ["Revision", "Status", "Approved", "Approver", "Why"]
        )
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.verticalHeader().setVisible(False)
        self.history_table.setMinimumHeight(110)
        self.history_table.setMaximumHeight(220)
        header = self.history_table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self._tia: Tia | None = None
        self._lay_out(
            self._box("Sign-off (four eyes)", form, self.problems_label, actions),
            self.facts_box,
            self.reassess_box,
            self._box("Revisions", self.history_table),
        )

    def fill(self, tia: Tia) -> None:
        self._tia = tia
        self._ticked = set()
        self.assessor_edit.setText(tia.assessor)
        self.approver_edit.setText(tia.approver)
        self.reason_edit.clear()

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.approver_edit.setReadOnly(not editable)

    def assessor(self) -> str:
        return self.assessor_edit.text().strip()

    def approver(self) -> str:
        return self.approver_edit.text().strip()

    def show_record(self, tia: Tia, history: Sequence[Tia], editable: bool) -> None:
        """The revision as stored: its reference, status, approval, snapshot and history."""
        self._tia = tia
        self.reference_label.setText(esc(reference_text(tia)))
        self.status_label.setText(esc(TIA_STATUS_LABELS[tia.status]))
        self.approved_label.setText(
            f"{day(tia.approved_on)} by {tia.approver}" if tia.approved_on else "not yet"
        )
        snapshot = tia.inputs
        self.snapshot_label.setText(
            f"taken {day(snapshot.taken_on)}, reference data {snapshot.reference_version}"
            if snapshot
            else "none yet"
        )
        self.reassess_box.setVisible(tia.status is TiaStatus.APPROVED)
        self.submit_button.setVisible(editable)
        self.approve_button.setVisible(editable)
        table = self.history_table
        table.setRowCount(len(history))
        for row, rev in enumerate(history):
            why = rev.change_note or ("First assessment" if rev.revision == 1 else "—")
            cells = (
                f"v{rev.revision}" + (" (this one)" if rev.id == tia.id else ""),
                TIA_STATUS_LABELS[rev.status],
                day(rev.approved_on),
                rev.approver or "—",
                why,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        self._update_reassess()

    def show_sign_off(self, found: SignOff | None, status: TiaStatus) -> None:
        """What stands before approval (None: read-only, nothing to approve)."""
        if found is None:
            self.problems_label.setText("")
            for field in ("assessor", "approver"):
                self._errors[field].setVisible(False)
            return
        for field, text in found.beside.items():
            label = self._errors[field]
            label.setText(text)
            label.setVisible(bool(text))
        self.problems_label.setText(found.html)
        self.approve_button.setEnabled(found.can_approve)
        self.approve_button.setToolTip(
            "Approve the assessment"
            if found.can_approve
            else "Everything listed under 'Before approval' must be answered first"
        )
        self.submit_button.setEnabled(status is TiaStatus.DRAFT)

    def show_facts(
        self,
        facts: Sequence[UnverifiedFact],
        accepted: Sequence[AcceptedFact],
        approver: str,
        editable: bool,
    ) -> None:
        """The unverified facts, ticked where this approver has accepted them already."""
        by_key = {a.key: a for a in accepted}
        name = approver.strip().casefold()
        self._facts = list(facts)
        table = self.facts_table
        with QSignalBlocker(table):
            table.setRowCount(len(facts))
            for row, f in enumerate(facts):
                done = by_key.get(f.key)
                mine = f.key in self._ticked or (
                    done is not None and done.accepted_by.strip().casefold() == name
                )
                tick = QTableWidgetItem()
                flags = Qt.ItemFlag.ItemIsEnabled
                if editable:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                tick.setFlags(flags)
                tick.setCheckState(Qt.CheckState.Checked if mine else Qt.CheckState.Unchecked)
                if done is not None and not editable:
                    tick.setText(f"by {done.accepted_by} on {day(done.accepted_on)}")
                text = QTableWidgetItem(
                    f"{f.statement} (not independently verified as of {day(f.as_of)})"
                )
                text.setToolTip(text.text())
                table.setItem(row, 0, tick)
                table.setItem(row, 1, text)
            table.resizeRowsToContents()
        self.facts_box.setVisible(bool(facts))
        self.accept_all_button.setVisible(editable)

    def accepted_keys(self) -> list[str]:
        """The facts ticked as accepted by the approver."""
        return [
            f.key
            for row, f in enumerate(self._facts)
            if (item := self.facts_table.item(row, 0)) is not None
            and item.checkState() == Qt.CheckState.Checked
        ]

    def _fact_ticked(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or not 0 <= item.row() < len(self._facts):
            return
        key = self._facts[item.row()].key
        if item.checkState() == Qt.CheckState.Checked:
            self._ticked.add(key)
        else:
            self._ticked.discard(key)
        self.edited.emit()

    def accept_all(self) -> None:
        with QSignalBlocker(self.facts_table):
            for row in range(self.facts_table.rowCount()):
                item = self.facts_table.item(row, 0)
                if item is not None:
                    item.setCheckState(Qt.CheckState.Checked)
        self._ticked.update(f.key for f in self._facts)
        self.edited.emit()

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _update_reassess(self, *_args: object) -> None:
        approved = self._tia is not None and self._tia.status is TiaStatus.APPROVED
        self.reassess_button.setEnabled(approved and bool(self.reason()))
