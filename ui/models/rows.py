"""A flat table model over a list of row objects: the part every page's table model shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

SortRole = Qt.ItemDataRole.UserRole + 1
ObjectRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")


def date_key(d: date | None) -> QDate:
    """A date for ``SortRole``: a QDate, which Qt compares as a date (a Python date would
    reach Qt as an opaque object); a missing date sorts after every real one."""
    d = d or date.max
    return QDate(d.year, d.month, d.day)


class RowsTableModel(QAbstractTableModel, Generic[R]):
    """Rows of ``R``, one column per entry of ``headers`` (keyed by column number, in order).

    ``data()`` answers ``ObjectRole`` with ``object_of(row)`` and hands every other role of a
    valid cell to ``cell(row, column, role)``.
    """

    # Keyed by column number or by an IntEnum of columns (Mapping keys are invariant, hence Any).
    headers: ClassVar[Mapping[Any, str]] = {}

    def __init__(self, rows: Iterable[R] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = list(rows)

    def set_rows(self, rows: Iterable[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers.get(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == ObjectRole:
            return self.object_of(r)
        return self.cell(r, index.column(), role)

    def object_of(self, row: R) -> Any:
        """What ``ObjectRole`` returns for a row: the row itself unless overridden."""
        return row

    def cell(self, row: R, column: int, role: int) -> Any:
        """The value of one cell for one role (never ``ObjectRole``); None when there is none."""
        return None
