"""Table model of the register's entities: a thin adapter with sort and object roles."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from transfers_app.domain.countries import country_name
from transfers_app.domain.models import Entity

SortRole = Qt.ItemDataRole.UserRole + 1
ObjectRole = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    NAME = 0
    KIND = 1
    COUNTRIES = 2
    LIFECYCLE = 3
    WORST = 4


HEADERS = {
    Column.NAME: "Name",
    Column.KIND: "Kind",
    Column.COUNTRIES: "Countries",
    Column.LIFECYCLE: "Lifecycle",
    Column.WORST: "Worst status",
}
_Index = QModelIndex | QPersistentModelIndex


class RegisterModel(QAbstractTableModel):
    def __init__(
        self,
        entities: list[Entity],
        countries: dict[int, list[str]],
        worst: dict[int, str],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._rows = entities
        self._countries = countries
        self._worst = worst

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        e = self._rows[index.row()]
        col = Column(index.column())
        if role == ObjectRole:
            return e
        if role not in (Qt.ItemDataRole.DisplayRole, SortRole):
            return None
        if col is Column.NAME:
            return e.name if role == Qt.ItemDataRole.DisplayRole else e.name.casefold()
        if col is Column.KIND:
            return "our entity" if e.is_own else e.kind.value
        if col is Column.COUNTRIES:
            codes = self._countries.get(e.id or -1, [])
            if role == SortRole:
                return ",".join(codes)
            return ", ".join(f"{country_name(c)} ({c})" for c in codes)
        if col is Column.LIFECYCLE:
            return e.lifecycle.value
        worst = self._worst.get(e.id or -1, "")
        if role == SortRole:
            return {"critical": 0, "high": 1, "medium": 2, "low": 3}.get(worst, 4)
        return worst.upper() if worst else "OK"
