"""The conclusion: what the steps found, and the assessor's answer with the residual risk."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from transfers_app.domain.tia import CONCLUSION_LABELS, Conclusion, ResidualRisk, TiaContent
from ui.dialogs.tia_editor.state import RESIDUAL_LABELS
from ui.dialogs.tia_editor.steps.base import StepPage, set_combo


class ConclusionStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings_label = self._rich()
        self.conclusion_combo = self._choice(CONCLUSION_LABELS, "Conclusion")
        self.residual_combo = self._choice(RESIDUAL_LABELS, "Residual risk")
        self.reasoning_edit = self._text(
            "Reasoning", 6, "Why the protection is (or is not) essentially equivalent"
        )
        self.art49_edit = self._text(
            "Art 49 fallback", 3, "A derogation to rely on if the transfer cannot proceed"
        )
        form = self._form()
        self._row(form, "C&onclusion *", "conclusion", self.conclusion_combo)
        self._row(form, "Residual &risk *", "residual_risk", self.residual_combo)
        self._row(form, "Reasoning", "reasoning", self.reasoning_edit)
        self._row(form, "Art 49 fallback", "art49", self.art49_edit)
        self._lay_out(
            self._box("What the steps found", self.findings_label),
            self._box("Conclusion", form),
        )

    def fill(self, c: TiaContent) -> None:
        set_combo(self.conclusion_combo, c.conclusion)
        set_combo(self.residual_combo, c.residual_risk)
        self.reasoning_edit.setPlainText(c.conclusion_text)
        self.art49_edit.setPlainText(c.art49_fallback)

    def answers(self) -> dict[str, Any]:
        """The TiaContent fields this step answers."""
        return {
            "conclusion": Conclusion(self.conclusion_combo.currentData()),
            "residual_risk": ResidualRisk(self.residual_combo.currentData()),
            "conclusion_text": self.reasoning_edit.toPlainText().strip(),
            "art49_fallback": self.art49_edit.toPlainText().strip(),
        }
