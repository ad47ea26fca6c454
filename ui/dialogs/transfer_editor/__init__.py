"""The transfer editor: the dialog (``dialog``), its view state without widgets (``state``),
the mechanism list (``mechanisms``), "what the law requires" beside it (``requirements``),
the entity picker and what it reads from the register (``lookups``)."""

from ui.dialogs.transfer_editor.dialog import TransferEditor
from ui.dialogs.transfer_editor.entity_picker import EntityPicker
from ui.dialogs.transfer_editor.form import (
    ACCESS_CHOICES,
    FREQUENCY_CHOICES,
    ROLE_CHOICES,
    VOLUME_CHOICES,
    TransferFields,
)
from ui.dialogs.transfer_editor.lookups import SUGGESTIONS
from ui.dialogs.transfer_editor.state import human_message

__all__ = [
    "ACCESS_CHOICES",
    "FREQUENCY_CHOICES",
    "ROLE_CHOICES",
    "SUGGESTIONS",
    "VOLUME_CHOICES",
    "EntityPicker",
    "TransferEditor",
    "TransferFields",
    "human_message",
]
