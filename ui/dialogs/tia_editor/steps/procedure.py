"""Step 5, procedure and review (EDPB steps 5 and 6): the procedural steps, the events that
reopen the assessment, and the periodic review cycle."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QSpinBox, QWidget

from ui.dialogs.tia_editor.steps.base import StepPage


class ProcedureStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.procedural_edit = self._text(
            "Procedural steps",
            4,
            "EDPB step 5: e.g. no clause contradicting the SCCs; whether the supervisory "
            "authority must be consulted",
        )
        self.triggers_list = QListWidget()
        self.triggers_list.setAccessibleName("Review triggers")
        self.triggers_list.setWordWrap(True)
        self.triggers_list.setMinimumHeight(160)
        self.triggers_list.itemChanged.connect(self._emit)
        self.triggers_list.itemSelectionChanged.connect(self._trigger_selected)
        self.trigger_edit = self._line("New review trigger", "An event that reopens the assessment")
        self.trigger_edit.returnPressed.connect(self.add_trigger)
        self.add_trigger_button = self._button("A&dd", self.add_trigger)
        self.remove_trigger_button = self._button("Re&move", self.remove_trigger)
        add_row = QHBoxLayout()
        add_row.addWidget(self.trigger_edit, 1)
        add_row.addWidget(self.add_trigger_button)
        add_row.addWidget(self.remove_trigger_button)
        self.cycle_spin = QSpinBox()
        self.cycle_spin.setAccessibleName("Review cycle")
        self.cycle_spin.setRange(1, 60)
        self.cycle_spin.setSuffix(" months")
        self.cycle_spin.valueChanged.connect(self._emit)
        self.inputs.append(self.cycle_spin)
        self.next_review_label = QLabel()
        cycle = QHBoxLayout()
        cycle.addWidget(self.cycle_spin)
        cycle.addWidget(self.next_review_label, 1)
        cycle_label = QLabel("Review &cycle")
        cycle_label.setBuddy(self.cycle_spin)
        cycle_form = self._form()
        cycle_form.addRow(cycle_label, cycle)
        self._lay_out(
            self._box("Procedural steps (EDPB step 5)", self.procedural_edit),
            self._box(
                "Re-evaluation (EDPB step 6): what reopens the assessment *",
                self.triggers_list,
                add_row,
                self._intro("Double-click a trigger to edit it."),
            ),
            self._box("Periodic review", cycle_form),
        )

    def fill(self, procedural_steps: str, triggers: tuple[str, ...], cycle_months: int) -> None:
        self.procedural_edit.setPlainText(procedural_steps)
        self.triggers_list.clear()
        for trigger in triggers:
            self.triggers_list.addItem(self._trigger_item(trigger))
        self.trigger_edit.clear()
        self.cycle_spin.setValue(cycle_months)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        for i in range(self.triggers_list.count()):
            item = self.triggers_list.item(i)
            if item is not None:
                item.setFlags(self._trigger_item("").flags())
        self._trigger_selected()

    def procedural_steps(self) -> str:
        return self.procedural_edit.toPlainText().strip()

    def triggers(self) -> tuple[str, ...]:
        items = (self.triggers_list.item(i) for i in range(self.triggers_list.count()))
        return tuple(dict.fromkeys(t for i in items if i is not None and (t := i.text().strip())))

    def _trigger_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)
        return item

    def add_trigger(self) -> None:
        text = self.trigger_edit.text().strip()
        if not text:
            self.trigger_edit.setFocus()
            return
        self.triggers_list.addItem(self._trigger_item(text))
        self.trigger_edit.clear()
        self.edited.emit()

    def remove_trigger(self) -> None:
        row = self.triggers_list.currentRow()
        if row < 0:
            return
        self.triggers_list.takeItem(row)
        self.edited.emit()

    def _trigger_selected(self) -> None:
        self.remove_trigger_button.setEnabled(
            self.editable and self.triggers_list.currentRow() >= 0
        )
