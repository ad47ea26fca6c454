"""The conclusion: what the steps found, then one conclusion per regime assessed (a transfer
from the UK and the EU meets two tests and gets two conclusions), each with its residual risk,
the conditions it holds under and the assessor's reasoning; the Art 49 fallback."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QPlainTextEdit, QWidget

from transfers_app.domain.enums import Regime
from transfers_app.domain.formatting import REGIME_LABELS
from transfers_app.domain.tia import (
    CONCLUSION_LABELS,
    Conclusion,
    RegimeConclusion,
    ResidualRisk,
    TiaContent,
)
from ui.dialogs.tia_editor.state import RESIDUAL_LABELS, esc, split_list
from ui.dialogs.tia_editor.steps.base import StepPage, set_combo


@dataclass
class RegimeBox:
    """The widgets of one regime's conclusion."""

    regime: Regime
    group: QGroupBox
    test: QLabel
    conclusion: QComboBox
    residual: QComboBox
    conditions: QPlainTextEdit
    reasoning: QPlainTextEdit

    def value(self) -> RegimeConclusion:
        return RegimeConclusion(
            self.regime,
            Conclusion(self.conclusion.currentData()),
            ResidualRisk(self.residual.currentData()),
            split_list(self.conditions.toPlainText(), "\n"),
            self.reasoning.toPlainText().strip(),
        )


class ConclusionStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings_label = self._rich()
        self.regime_boxes: dict[Regime, RegimeBox] = {}
        boxes = []
        for regime in Regime:
            label = REGIME_LABELS[regime]
            test = self._rich()
            conclusion = self._choice(CONCLUSION_LABELS, f"{label} conclusion")
            residual = self._choice(RESIDUAL_LABELS, f"{label} residual risk")
            conditions = self._text(
                f"{label} conditions", 2, "One per line: what must stay true for it to hold"
            )
            reasoning = self._text(f"{label} reasoning", 4, "Why the test is (or is not) met")
            form = self._form()
            form.addRow("Test", test)
            self._row(form, "Conclusion *", f"conclusion_{regime.value}", conclusion)
            self._row(form, "Residual risk *", f"residual_{regime.value}", residual)
            self._row(form, "Conditions", f"conditions_{regime.value}", conditions)
            self._row(form, "Reasoning", f"reasoning_{regime.value}", reasoning)
            group = self._box(f"Under {label}", form)
            self.regime_boxes[regime] = RegimeBox(
                regime, group, test, conclusion, residual, conditions, reasoning
            )
            boxes.append(group)
        self.art49_edit = self._text(
            "Art 49 fallback", 3, "A derogation to rely on if the transfer cannot proceed"
        )
        fallback = self._form()
        self._row(fallback, "Art 49 fallback", "art49", self.art49_edit)
        self._lay_out(
            self._box("What the steps found", self.findings_label),
            *boxes,
            self._box("Fallback", fallback),
        )
        self._regimes: tuple[Regime, ...] = ()

    def set_regimes(self, regimes: Sequence[Regime], tests: Mapping[Regime, str]) -> None:
        """Show a conclusion for each regime assessed, with the test it answers."""
        self._regimes = tuple(regimes)
        for regime, box in self.regime_boxes.items():
            box.group.setVisible(regime in self._regimes)
            box.test.setText(esc(tests.get(regime, "no test in the reference data")))

    @property
    def regimes(self) -> tuple[Regime, ...]:
        """The regimes shown, each needing its conclusion."""
        return self._regimes

    # The first regime's widgets, for a reader who looks at one conclusion.
    @property
    def conclusion_combo(self) -> QComboBox:
        return self._first().conclusion

    @property
    def residual_combo(self) -> QComboBox:
        return self._first().residual

    @property
    def reasoning_edit(self) -> QPlainTextEdit:
        return self._first().reasoning

    def _first(self) -> RegimeBox:
        regime = self._regimes[0] if self._regimes else Regime.UK
        return self.regime_boxes[regime]

    def fill(self, c: TiaContent) -> None:
        for regime, box in self.regime_boxes.items():
            rc = c.conclusion_for(regime)
            set_combo(box.conclusion, rc.conclusion)
            set_combo(box.residual, rc.residual_risk)
            box.conditions.setPlainText("\n".join(rc.conditions))
            box.reasoning.setPlainText(rc.text)
        self.art49_edit.setPlainText(c.art49_fallback)

    def answers(self) -> dict[str, Any]:
        """The TiaContent fields this step answers: a conclusion per regime shown (the single
        conclusion of an assessment made before them is carried into each and cleared)."""
        return {
            "conclusions": tuple(self.regime_boxes[r].value() for r in self._regimes),
            "conclusion": Conclusion.UNDECIDED,
            "residual_risk": ResidualRisk.UNRATED,
            "conclusion_text": "",
            "art49_fallback": self.art49_edit.toPlainText().strip(),
        }
