"""The UK transfer risk assessment (UK GDPR Art 46(1A), the ICO's 'data protection test'):
the harm each category of data could do (Q2), then Q3 to Q6; the decision follows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from transfers_app.domain.tia import (
    ENFORCEABILITY_LABELS,
    HUMAN_RIGHTS_LABELS,
    CategoryRisk,
    Enforceability,
    HumanRights,
    TiaContent,
)
from transfers_app.reference.assessment_tests import load_assessment_tests
from ui.dialogs.tia_editor.state import EXCEPTIONS_LABELS, esc, from_yes_no, yes_no
from ui.dialogs.tia_editor.steps.base import StepPage, lock, set_combo
from ui.widgets.forms import button_row
from ui.widgets.widget_table import WidgetTable


@dataclass
class RiskRow:
    category: QLineEdit
    inherent: QSpinBox
    residual: QSpinBox

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.category, self.inherent, self.residual)


class TraStep(StepPage):
    """``categories()`` gives step 1's data categories (a row each to score)."""

    def __init__(
        self, categories: Callable[[], tuple[str, ...]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._categories = categories
        self.risks_table: WidgetTable[RiskRow] = WidgetTable(
            ["Category of personal data", "Inherent risk (1–5)", "After safeguards (1–5)"],
            stretch=(0,),
        )
        self.risks_table.setAccessibleName("Risk scores")
        self.risks_table.setMinimumHeight(200)
        self.risks_table.edited.connect(self._emit)
        self.add_risk_button = self._button("&Add category", lambda: self.add_risk())
        self.remove_risk_button = self._button("&Remove", self.risks_table.remove_selected)
        self.fill_risks_button = self._button(
            "Take the categories from step 1",
            self.fill_risks,
            "Add a row for every data category of step 1 that has none",
        )
        buttons = button_row(self.add_risk_button, self.remove_risk_button, self.fill_risks_button)
        self.large_check = self._check("Large organisation (Q3)")
        self.volume_check = self._check("High volume of data or people (Q3)")
        sizes = button_row(self.large_check, self.volume_check)

        self.human_rights_combo = self._choice(HUMAN_RIGHTS_LABELS, "Q4 human rights")
        self.human_rights_notes = self._line(
            "Q4 notes", "Why: the destination's law and practice for this data and these people"
        )
        self.enforce_combo = self._choice(ENFORCEABILITY_LABELS, "Q5 enforceability")
        self.enforce_notes = self._line(
            "Q5 notes", "Why: where and how the safeguard can be enforced against the importer"
        )
        self.exceptions_combo = self._choice(EXCEPTIONS_LABELS, "Q6 exceptions")
        questions = self._form()
        self._row(questions, "Q4 Human rights", "human_rights", self.human_rights_combo)
        questions.addRow("", self.human_rights_notes)
        self._row(questions, "Q5 Enforceability", "enforceability", self.enforce_combo)
        questions.addRow("", self.enforce_notes)
        self._row(questions, "Q6 Exceptions", "exceptions", self.exceptions_combo)

        self.decision_label: QLabel = self._rich()
        self.decision_label.setObjectName("tra-decision")
        tra = load_assessment_tests().ico_tra
        caveat = self._intro(
            esc(tra.scale_note)
            + " The approver accepts this, with the assessment's other unverified facts, at "
            "sign-off."
        )
        self.method_combo = QComboBox()
        self.method_combo.setAccessibleName("UK method")
        self.method_combo.currentIndexChanged.connect(self._emit)
        method = self._form()
        self._row(method, "&Method", "uk_method", self.method_combo)
        self._lay_out(
            self._intro(
                "The UK transfer risk assessment: the ICO accepts its TRA tool, the EDPB's "
                "approach, or (for the US) the UK government's published analysis. With the "
                "ICO's tool, score the harm each category of data could do to people (Q2), then "
                "answer Q3 to Q6 with your reasoning. The decision follows as you answer."
            ),
            self._box("Method", method),
            self._box("Q2 Risk of harm per category of data", self.risks_table, buttons, sizes),
            self._box("Q4 to Q6", questions),
            self._box("Decision", self.decision_label, caveat),
        )

    def set_methods(self, methods: Sequence[tuple[str, str]], chosen: str) -> None:
        """The UK test's methods available for this destination (id, name)."""
        with QSignalBlocker(self.method_combo):
            self.method_combo.clear()
            for key, name in methods:
                self.method_combo.addItem(name[:1].upper() + name[1:], key)
            set_combo(self.method_combo, chosen)

    def fill(self, c: TiaContent, uk: bool) -> None:
        self.risks_table.clear_rows()
        scored = {r.category.casefold() for r in c.category_risks}
        for r in c.category_risks:
            self.add_risk(r)
        if uk:
            # Every category of the transfer gets a row to score; unscored rows are not kept.
            for category in c.description.data_categories:
                if category.casefold() not in scored:
                    self.add_risk(CategoryRisk(category))
        self.large_check.setChecked(c.large_organisation)
        self.volume_check.setChecked(c.high_volume)
        set_combo(self.human_rights_combo, c.human_rights)
        self.human_rights_notes.setText(c.human_rights_notes)
        set_combo(self.enforce_combo, c.enforceability)
        self.enforce_notes.setText(c.enforceability_notes)
        set_combo(self.exceptions_combo, yes_no(c.exceptions_apply))
        self.risks_table.clearSelection()

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        for r in self.risks_table.rows():
            for w in r.widgets():
                lock(w, editable)

    def answers(self) -> dict[str, Any]:
        """The TiaContent fields this step answers."""
        return {
            "uk_method": str(self.method_combo.currentData() or "ico_tra_tool"),
            "category_risks": tuple(
                CategoryRisk(r.category.text().strip(), r.inherent.value(), r.residual.value())
                for r in self.risks_table.rows()
                if r.category.text().strip() and (r.inherent.value() or r.residual.value())
            ),
            "large_organisation": self.large_check.isChecked(),
            "high_volume": self.volume_check.isChecked(),
            "human_rights": HumanRights(self.human_rights_combo.currentData()),
            "human_rights_notes": self.human_rights_notes.text().strip(),
            "enforceability": Enforceability(self.enforce_combo.currentData()),
            "enforceability_notes": self.enforce_notes.text().strip(),
            "exceptions_apply": from_yes_no(str(self.exceptions_combo.currentData())),
        }

    def add_risk(self, risk: CategoryRisk | None = None) -> int:
        category = QLineEdit(risk.category if risk else "")
        category.setAccessibleName("Category")
        category.setPlaceholderText("Category of data")
        spins = []
        for name, value in (
            ("Inherent risk", risk.inherent if risk else 0),
            ("Residual risk", risk.residual if risk else 0),
        ):
            spin = QSpinBox()
            spin.setAccessibleName(name)
            spin.setRange(0, 5)
            spin.setSpecialValueText("not scored")
            spin.setValue(value)
            spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
            spins.append(spin)
        row = RiskRow(category, spins[0], spins[1])
        for w in row.widgets():
            lock(w, self.editable)
        number = self.risks_table.add_row(row, row.widgets(), select=risk is None)
        if risk is None:
            category.setFocus()
        return number

    def fill_risks(self) -> None:
        have = {r.category.text().strip().casefold() for r in self.risks_table.rows()}
        for category in self._categories():
            if category.casefold() not in have:
                self.add_risk(CategoryRisk(category))

    def risk_row(self, category: str) -> RiskRow:
        for r in self.risks_table.rows():
            if r.category.text().strip() == category:
                return r
        raise KeyError(category)
