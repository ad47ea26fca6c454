"""The TIA editor: the dialog (``dialog``), its view state without widgets (``state``: which
assessment opens, what each step has left, the words for the decisions), and one page per
step (``steps``)."""

from ui.dialogs.tia_editor.dialog import TiaEditor
from ui.dialogs.tia_editor.state import STEP_KEYS, STEPS, current_tia, open_or_draft

__all__ = ["STEPS", "STEP_KEYS", "TiaEditor", "current_tia", "open_or_draft"]
