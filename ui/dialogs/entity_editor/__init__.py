"""The entity editor: the dialog, its choices and words, and what the law requires for each
of the entity's transfers."""

from ui.dialogs.entity_editor.choices import REGIME_CHOICES, country_choices, human_message
from ui.dialogs.entity_editor.dialog import EntityEditor
from ui.widgets.inputs import LazyComboBox, OptionalDateEdit

__all__ = [
    "REGIME_CHOICES",
    "EntityEditor",
    "LazyComboBox",
    "OptionalDateEdit",
    "country_choices",
    "human_message",
]
