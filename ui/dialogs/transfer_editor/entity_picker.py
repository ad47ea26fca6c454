"""Choose an entity by typing part of its name (the transfer editor's exporter and importer)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QVBoxLayout, QWidget


class EntityPicker(QWidget):
    """Choose an entity by typing part of its name: a line edit whose completer asks the
    register for at most a few dozen matches per keystroke, so a register of 100,000 entities
    never fills a combo box."""

    changed = Signal()

    def __init__(
        self,
        search: Callable[[str], list[tuple[int, str]]],
        placeholder: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._choices: dict[str, int] = {}
        self._id: int | None = None
        self._label = ""
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.suggestions = QStringListModel(self)
        self.completer = QCompleter(self.suggestions, self)
        # The register ranks the matches; the completer shows them as they come.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated.connect(self.pick)
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._finished)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def entity_id(self) -> int | None:
        return self._id

    def set_entity(self, entity_id: int | None, name: str = "") -> None:
        """Show an entity as chosen (None: nothing chosen), without asking the register."""
        self._id = entity_id
        self._label = name if entity_id is not None else ""
        with QSignalBlocker(self.edit):
            self.edit.setText(self._label)
        self.changed.emit()

    def offered(self) -> list[str]:
        """The suggestions on offer for the text typed."""
        return self.suggestions.stringList()

    def pick(self, label: str) -> None:
        """Choose one of the suggestions on offer (what the completer's popup does)."""
        entity_id = self._choices.get(label)
        if entity_id is None:
            return
        self._id, self._label = entity_id, label
        with QSignalBlocker(self.edit):
            self.edit.setText(label)
        self.changed.emit()

    def _typed(self, text: str) -> None:
        if self._id is not None and text != self._label:
            self._id = None
            self.changed.emit()
        found = self._search(text)
        labels: list[str] = []
        counts: dict[str, int] = {}
        for _, name in found:
            counts[name] = counts.get(name, 0) + 1
        self._choices = {}
        for entity_id, name in found:
            label = name if counts[name] == 1 else f"{name} (#{entity_id})"
            self._choices[label] = entity_id
            labels.append(label)
        self.suggestions.setStringList(labels)
        if labels and self.edit.hasFocus():
            self.completer.complete()
        elif (popup := self.completer.popup()) is not None:
            popup.hide()

    def _finished(self) -> None:
        """Leaving the field with a name typed in full chooses that entity."""
        if self._id is not None:
            return
        text = self.edit.text().strip().casefold()
        for label in self._choices:
            if label.casefold() == text:
                self.pick(label)
                return
