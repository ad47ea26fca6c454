"""Step 4, the supplementary measures (EDPB step 4): picked from the catalogue of the
country profiles (which fills the text) with the EDPB Annex 2 use case they rely on. A use
case is offered only when the recorded facts meet its conditions (who holds the keys, the
state of the data at the importer, transit only, a protected recipient): the others stay in
the list, greyed, with the reason."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from transfers_app.domain.tia import USE_CASES, Measure, MeasureKind
from ui.dialogs.tia_editor.state import (
    MEASURE_KIND_LABELS,
    kind_of_code,
    measure_catalogue,
    measure_help_html,
    use_case_of,
)
from ui.dialogs.tia_editor.steps.base import MUTED_STYLE, StepPage, lock, set_combo
from ui.widgets.forms import button_row
from ui.widgets.widget_table import WidgetTable


@dataclass
class MeasureRow:
    kind: QComboBox
    code: QComboBox
    description: QLineEdit
    use_case: QComboBox
    in_place: QCheckBox
    catalogue_text: str = ""  # the description the code filled in (replaced on a new code)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.kind, self.code, self.description, self.use_case, self.in_place)


class MeasuresStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.measures_answer = self._rich()
        self.measures_table: WidgetTable[MeasureRow] = WidgetTable(
            ["Kind", "Catalogue", "Measure", "EDPB use case", "In place"], stretch=(2,)
        )
        self.measures_table.setAccessibleName("Supplementary measures")
        self.measures_table.setMinimumHeight(240)
        self.measures_table.edited.connect(self._emit)
        self.measures_table.itemSelectionChanged.connect(self._measure_selected)
        self.add_measure_button = self._button("&Add measure", lambda: self.add_measure())
        self.remove_measure_button = self._button("&Remove measure", self.remove_measure)
        buttons = button_row(self.add_measure_button, self.remove_measure_button)
        self._fitting: frozenset[str] = frozenset(USE_CASES)
        self.measure_help: QLabel = self._rich()
        self.measure_help.setStyleSheet(MUTED_STYLE)
        self._lay_out(
            self._intro(
                "EDPB step 4: the supplementary measures that bring the protection up to the "
                "EU / UK standard where the destination's law impinges on the safeguard. Pick a "
                "measure from the catalogue (it fills the text, which you can adapt) and say "
                "which EDPB Annex 2 use case it relies on."
            ),
            self.measures_answer,
            self._box("Measures", self.measures_table, buttons, self.measure_help),
        )

    def set_fitting(self, codes: Collection[str]) -> None:
        """The use cases whose conditions the recorded facts meet: only those are offered."""
        fitting = frozenset(codes)
        if fitting == self._fitting:
            return
        self._fitting = fitting
        for r in self.measures_table.rows():
            self._offer(r.use_case)

    def _offer(self, combo: QComboBox) -> None:
        model = combo.model()
        if not isinstance(model, QStandardItemModel):
            return
        for i in range(combo.count()):
            code = str(combo.itemData(i) or "")
            item = model.item(i)
            if not code or item is None:
                continue
            fits = code in self._fitting
            item.setEnabled(fits or code == combo.currentData())
            text, effect, _verified = USE_CASES[code]
            why = "" if fits else " Not offered: the recorded facts do not meet its conditions."
            item.setToolTip(f"{code}: {text}. EDPB: {effect}.{why}")

    def fill(self, measures: tuple[Measure, ...]) -> None:
        self.measures_table.clear_rows()
        for m in measures:
            self.add_measure(m)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        for r in self.measures_table.rows():
            for w in r.widgets():
                lock(w, editable)
        self._measure_selected()

    def measures(self) -> tuple[Measure, ...]:
        return tuple(
            Measure(
                kind=MeasureKind(r.kind.currentData()),
                description=r.description.text().strip(),
                code=str(r.code.currentData() or ""),
                use_case=str(r.use_case.currentData() or ""),
                in_place=r.in_place.isChecked(),
            )
            for r in self.measures_table.rows()
            if r.description.text().strip() or r.code.currentData()
        )

    def add_measure(self, m: Measure | None = None) -> int:
        """A measure row (a new, empty one when ``m`` is None); its row number."""
        kind = QComboBox()
        kind.setAccessibleName("Kind")
        for k, label in MEASURE_KIND_LABELS.items():
            kind.addItem(label, k)
        code = QComboBox()
        code.setAccessibleName("Catalogue code")
        code.addItem("—", "")
        for c, (text, _helps, _verified) in measure_catalogue().items():
            short = text if len(text) <= 48 else text[:47].rstrip() + "…"
            code.addItem(f"{c}  {short}", c)
            code.setItemData(code.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        code.setMinimumContentsLength(12)
        code.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        description = QLineEdit()
        description.setAccessibleName("Measure")
        description.setPlaceholderText("What is done, by whom")
        use_case = QComboBox()
        use_case.setAccessibleName("EDPB use case")
        use_case.addItem("—", "")
        for uc, (text, effect, verified) in USE_CASES.items():
            use_case.addItem(f"{uc}  {text}", uc)
            note = f"{uc}: {text}. EDPB: {effect}" + ("" if verified else " (unverified)")
            use_case.setItemData(use_case.count() - 1, note, Qt.ItemDataRole.ToolTipRole)
        use_case.setMinimumContentsLength(10)
        use_case.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._offer(use_case)
        in_place = QCheckBox()
        in_place.setAccessibleName("In place")
        in_place.setToolTip("Ticked: implemented. Unticked: still planned")
        row = MeasureRow(kind, code, description, use_case, in_place)
        if m is not None:
            set_combo(kind, m.kind)
            set_combo(code, m.code)
            description.setText(m.description)
            set_combo(use_case, m.use_case)
            in_place.setChecked(m.in_place)
            if m.code in measure_catalogue():
                row.catalogue_text = measure_catalogue()[m.code][0]
        code.currentIndexChanged.connect(lambda _i, r=row: self._code_chosen(r))
        use_case.currentIndexChanged.connect(self._measure_selected)
        for w in row.widgets():
            lock(w, self.editable)
        number = self.measures_table.add_row(row, row.widgets(), select=m is None)
        if m is None:
            code.setFocus()
        return number

    def _code_chosen(self, row: MeasureRow) -> None:
        """A catalogue code fills the kind, the text (unless the assessor wrote their own)
        and the use case the catalogue names."""
        code = str(row.code.currentData() or "")
        found = measure_catalogue().get(code)
        if found is None:
            return
        text, helps, _verified = found
        set_combo(row.kind, kind_of_code(code))
        current = row.description.text().strip()
        if not current or current == row.catalogue_text:
            row.description.setText(text)
            row.description.setCursorPosition(0)
        row.catalogue_text = text
        use_case = use_case_of(helps)
        if use_case in self._fitting and not row.use_case.currentData():
            set_combo(row.use_case, use_case)
        self._measure_selected()

    def remove_measure(self) -> None:
        self.measures_table.remove_selected()
        self._measure_selected()

    def _measure_selected(self, *_args: object) -> None:
        row = self.measures_table.selected_row()
        self.remove_measure_button.setEnabled(self.editable and row is not None)
        if row is None:
            self.measure_help.setText("")
            return
        r = self.measures_table.row_owner(row)
        self.measure_help.setText(
            measure_help_html(str(r.code.currentData() or ""), str(r.use_case.currentData() or ""))
        )
