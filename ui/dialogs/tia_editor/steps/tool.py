"""Step 2, the transfer tool (EDPB step 2): the mechanisms on the register, and notes."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

from ui.dialogs.tia_editor.steps.base import StepPage


class ToolStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tool_view = QTextBrowser()
        self.tool_view.setAccessibleName("Mechanisms on the register")
        self.tool_view.setOpenExternalLinks(True)
        self.tool_view.setMinimumHeight(260)
        self.tool_notes_edit = self._text(
            "Notes on the transfer tool",
            5,
            "e.g. the SCC module and the annexes checked, the docking clause, the UK Addendum",
        )
        self._lay_out(
            self._intro(
                "EDPB step 2: the mechanisms come from the register (edit the transfer to change "
                "them). Note here what was checked about them."
            ),
            self._box("On the register", self.tool_view),
            self._box("Notes", self.tool_notes_edit),
        )

    def fill(self, register_html: str, notes: str) -> None:
        self.tool_view.setHtml(register_html)
        self.tool_notes_edit.setPlainText(notes)

    def notes(self) -> str:
        return self.tool_notes_edit.toPlainText().strip()
