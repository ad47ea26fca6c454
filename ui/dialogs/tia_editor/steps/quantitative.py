"""The optional quantitative estimate (the Rosenthal method): per legal basis of access, the
probabilities that each condition is met in a year; the result over the period against the
organisation's threshold."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.tia import AccessBasis, Factor, Quantitative
from transfers_app.reference.assessment_tests import load_assessment_tests
from ui.dialogs.tia_editor.state import basis_results, esc, quantitative_html
from ui.dialogs.tia_editor.steps.base import StepPage, lock
from ui.widgets.forms import button_row
from ui.widgets.widget_table import WidgetTable


@dataclass
class BasisRow:
    name: QLineEdit
    result: QLabel
    factors: list[Factor]
    notes: str = ""

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name,)


@dataclass
class FactorRow:
    label: QLineEdit
    probability: QDoubleSpinBox

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.label, self.probability)


class QuantitativeStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._current_basis: int | None = None
        self._filling = False  # the factors table is being filled from its basis
        self.quant_check = self._check(
            "Make a quantitative estimate of prohibited lawful access (optional)"
        )
        self.period_spin = QSpinBox()
        self.period_spin.setAccessibleName("Assessment period")
        self.period_spin.setRange(1, 50)
        self.period_spin.setSuffix(" years")
        self.period_spin.valueChanged.connect(self._emit)
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setAccessibleName("Threshold")
        self.threshold_spin.setRange(0.1, 99.9)
        self.threshold_spin.setDecimals(1)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.valueChanged.connect(self._emit)
        self.inputs += [self.period_spin, self.threshold_spin]
        for spin in (self.period_spin, self.threshold_spin):
            spin.setMinimumWidth(120)
            spin.setMaximumWidth(160)
        settings = self._form()
        settings.addRow("Period", self.period_spin)
        settings.addRow("Acceptable probability over the period", self.threshold_spin)

        self.bases_table: WidgetTable[BasisRow] = WidgetTable(
            ["Legal basis of access", "Per year"], stretch=(0,)
        )
        self.bases_table.setAccessibleName("Legal bases")
        self.bases_table.setMinimumHeight(150)
        self.bases_table.edited.connect(self._emit)
        self.bases_table.itemSelectionChanged.connect(self._basis_selected)
        self.add_basis_button = self._button("Add &basis", lambda: self.add_basis())
        self.remove_basis_button = self._button("Remove basis", self.remove_basis)
        basis_buttons = button_row(self.add_basis_button, self.remove_basis_button)
        self.factors_title = QLabel("Factors")
        self.factors_table: WidgetTable[FactorRow] = WidgetTable(
            ["Factor (each must happen for access)", "Probability per year"], stretch=(0,)
        )
        self.factors_table.setAccessibleName("Factors")
        self.factors_table.setMinimumHeight(150)
        self.factors_table.edited.connect(self._factors_edited)
        self.add_factor_button = self._button("Add &factor", lambda: self.add_factor())
        self.remove_factor_button = self._button("Remove factor", self.remove_factor)
        factor_buttons = button_row(self.add_factor_button, self.remove_factor_button)
        bases_column = QVBoxLayout()
        bases_column.addWidget(self.bases_table)
        bases_column.addLayout(basis_buttons)
        factors_column = QVBoxLayout()
        factors_column.addWidget(self.factors_title)
        factors_column.addWidget(self.factors_table)
        factors_column.addLayout(factor_buttons)
        columns = QHBoxLayout()
        columns.addLayout(bases_column, 1)
        columns.addLayout(factors_column, 1)

        self.quant_result = self._rich()
        self.quant_result.setObjectName("quantitative-result")
        self.quant_body = QWidget()
        body = QVBoxLayout(self.quant_body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self._box("Settings", settings))
        body.addWidget(self._box("Legal bases and their factors", columns))
        caveat = esc(load_assessment_tests().rosenthal.note) + (
            " The approver accepts this at sign-off when the estimate is used."
        )
        body.addWidget(self._box("Result", self.quant_result, self._intro(caveat)))
        self.quant_check.toggled.connect(self.quant_body.setEnabled)
        self._lay_out(
            self._intro(
                "The Rosenthal method: for each legal basis on which an authority could obtain "
                "the data, the probabilities that each condition is met in a year are "
                "multiplied; the result over the period is compared with the organisation's "
                "threshold. It supports the assessment; it does not replace it."
            ),
            self.quant_check,
            self.quant_body,
        )

    def fill(self, q: Quantitative | None) -> None:
        self.quant_check.setChecked(q is not None)
        self.quant_body.setEnabled(q is not None)
        self.period_spin.setValue(q.period_years if q else 5)
        self.threshold_spin.setValue((q.threshold if q else 0.10) * 100)
        self.bases_table.clear_rows()
        for b in q.bases if q else ():
            self.add_basis(b)
        if self.bases_table.rows():
            self.bases_table.selectRow(0)
        self._basis_selected()

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        for f in self.factors_table.rows():
            for w in f.widgets():
                lock(w, editable)
        for basis in self.bases_table.rows():
            lock(basis.name, editable)
        self.quant_body.setEnabled(self.quant_check.isChecked())
        self._basis_selected()

    def quantitative(self) -> Quantitative | None:
        if not self.quant_check.isChecked():
            return None
        return Quantitative(
            period_years=self.period_spin.value(),
            threshold=round(self.threshold_spin.value() / 100, 6),
            bases=tuple(
                AccessBasis(b.name.text().strip(), tuple(b.factors), b.notes)
                for b in self.bases_table.rows()
            ),
        )

    def show_result(self, q: Quantitative | None) -> None:
        """The estimate as the figures stand, per basis and in all."""
        bases = self.bases_table.rows()
        for basis, per_year in zip(bases, basis_results(q), strict=False):
            basis.result.setText(per_year)
        if q is not None and self._current_basis is not None and self._current_basis < len(bases):
            name = bases[self._current_basis].name.text().strip() or "the basis"
            self.factors_title.setText(f"Factors of “{name}”")
        self.quant_result.setText(quantitative_html(q))

    def add_basis(self, basis: AccessBasis | None = None) -> int:
        name = QLineEdit(basis.name if basis else "")
        name.setAccessibleName("Legal basis")
        name.setPlaceholderText("e.g. FISA s.702")
        result = QLabel()
        row = BasisRow(
            name, result, list(basis.factors) if basis else [], basis.notes if basis else ""
        )
        lock(name, self.editable)
        number = self.bases_table.add_row(row, (name, result), select=True)
        if basis is None:
            name.setFocus()
        return number

    def remove_basis(self) -> None:
        self.bases_table.remove_selected()
        self._basis_selected()

    def _basis_selected(self) -> None:
        row = self.bases_table.selected_row()
        self._current_basis = row
        self._filling = True
        try:
            self.factors_table.clear_rows()
            if row is not None:
                basis = self.bases_table.row_owner(row)
                for f in basis.factors:
                    self._factor_row(f)
                self.factors_title.setText(
                    f"Factors of “{basis.name.text().strip() or 'the basis'}”"
                )
            else:
                self.factors_title.setText("Factors (choose a legal basis)")
        finally:
            self._filling = False
        has = row is not None and self.editable
        self.add_factor_button.setEnabled(has)
        self.remove_factor_button.setEnabled(has)
        self.remove_basis_button.setEnabled(has)

    def _factor_row(self, f: Factor | None = None) -> int:
        label = QLineEdit(f.label if f else "")
        label.setAccessibleName("Factor")
        label.setPlaceholderText("e.g. the authority seeks this data from the importer")
        probability = QDoubleSpinBox()
        probability.setAccessibleName("Probability")
        probability.setRange(0.0, 100.0)
        probability.setDecimals(3)
        probability.setSuffix(" %")
        probability.setValue((f.probability if f else 0.0) * 100)
        row = FactorRow(label, probability)
        for w in row.widgets():
            lock(w, self.editable)
        return self.factors_table.add_row(row, row.widgets(), select=f is None)

    def add_factor(self, label: str = "", probability: float = 0.0) -> int:
        """A factor of the chosen basis (``probability`` per year, 0..1); its row."""
        if self.bases_table.selected_row() is None:
            return -1
        row = self._factor_row(Factor(label, probability) if label or probability else None)
        self._factors_edited()
        return row

    def remove_factor(self) -> None:
        self.factors_table.remove_selected()

    def _factors_edited(self) -> None:
        if self._filling:
            return
        row = self._current_basis
        if row is None or row >= len(self.bases_table.rows()):
            return
        self.bases_table.row_owner(row).factors = [
            Factor(f.label.text().strip(), round(f.probability.value() / 100, 7))
            for f in self.factors_table.rows()
        ]
        self.edited.emit()
