"""The register's entities as a list of tick boxes: a document's parties, the evidence
pack's scope (compact: ids and names only)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

_Index = QModelIndex | QPersistentModelIndex


class PartiesModel(QAbstractListModel):
    """The register's entities as a list of tick boxes (compact: ids and names only)."""

    checked_changed = Signal()

    def __init__(
        self, entities: list[tuple[int, str]], checked: set[int], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._rows = entities
        self.checked = set(checked)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entity_id, name = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return name
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if entity_id in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return entity_id
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        entity_id = self._rows[index.row()][0]
        raw = value.value if isinstance(value, Qt.CheckState) else int(value)
        if raw == Qt.CheckState.Checked.value:
            self.checked.add(entity_id)
        else:
            self.checked.discard(entity_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True

    def set_checked(self, entity_id: int, on: bool) -> None:
        for row, (i, _) in enumerate(self._rows):
            if i == entity_id:
                state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                self.setData(self.index(row), state, Qt.ItemDataRole.CheckStateRole)
                return

    def names(self) -> list[str]:
        return [name for i, name in self._rows if i in self.checked]
