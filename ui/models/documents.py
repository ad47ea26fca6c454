"""The Documents page's table: one row per document version, and the filter over it.

``ObjectRole`` gives the ``Document``; ``SortRole`` real values (dates as dates, versions as
numbers); the filter tests the documents' status and a search text, never the cells shown.
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from transfers_app.domain.enums import DocumentStatus
from transfers_app.domain.formatting import DOCUMENT_KIND_LABELS, day
from transfers_app.domain.models import Document
from transfers_app.domain.names import fold
from transfers_app.domain.renewals import is_overdue
from ui.models.rows import RowsTableModel, SortRole, date_key

_Index = QModelIndex | QPersistentModelIndex
_RED = QColor("#b00020")
_GREY = QColor("#6b6b6b")


class Column(IntEnum):
    TITLE = 0
    VERSION = 1
    KIND = 2
    PARTIES = 3
    MODULE = 4
    SIGNED = 5
    EXPIRES = 6
    NEXT_REVIEW = 7
    FILE = 8


HEADERS = {
    Column.TITLE: "Title",
    Column.VERSION: "Version",
    Column.KIND: "Kind",
    Column.PARTIES: "Parties",
    Column.MODULE: "SCC module",
    Column.SIGNED: "Signed",
    Column.EXPIRES: "Expires",
    Column.NEXT_REVIEW: "Next review",
    Column.FILE: "File",
}
# Columns that give up width (down to these) so that every column fits the page, and the
# widest a column is made when first sized to its contents.
ELASTIC: dict[int, int] = {Column.TITLE: 190, Column.KIND: 80, Column.PARTIES: 140}
CAPS: dict[int, int] = {
    Column.TITLE: 320,
    Column.VERSION: 60,
    Column.KIND: 160,
    Column.PARTIES: 300,
    Column.MODULE: 85,
    # The file's name mostly repeats the title: the last column, it gets what is left.
    Column.FILE: 140,
}
_DATES = {Column.SIGNED, Column.EXPIRES, Column.NEXT_REVIEW}


class DocumentsModel(RowsTableModel[Document]):
    headers = HEADERS

    """Documents as rows: a thin adapter (display text, real values to sort, the object)."""

    def __init__(
        self,
        documents: list[Document],
        names: dict[int, str],
        today: date,
        parent: Any = None,
        own: frozenset[int] = frozenset(),
    ) -> None:
        super().__init__(documents, parent)
        self._names = names
        self._today = today
        self._own = own  # our own entities: named after the other parties
        # Lower-case text each row is searched in (titles, kinds, parties, file names).
        self.haystack = [self._search_text(d) for d in documents]

    def _parties(self, d: Document) -> str:
        """The parties, the other side first: our own entity is party to most documents,
        so the name that tells two documents apart comes first."""
        ordered = sorted(d.party_ids, key=lambda p: p in self._own)
        return ", ".join(self._names.get(p, f"#{p} (archived)") for p in ordered)

    def _search_text(self, d: Document) -> str:
        return fold(
            " ".join(
                (
                    d.title,
                    DOCUMENT_KIND_LABELS[d.kind],
                    self._parties(d),
                    d.instrument_version,
                    d.file_name,
                )
            )
        )

    def document(self, row: int) -> Document:
        return self._rows[row]

    def row_of(self, document_id: int) -> int:
        for row, d in enumerate(self._rows):
            if d.id == document_id:
                return row
        return -1

    def cell(self, d: Document, column: int, role: int) -> Any:
        col = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(d, col)
        if role == SortRole:
            return self._sort_value(d, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if d.status is DocumentStatus.SUPERSEDED or (col is Column.FILE and not d.file_name):
                return QBrush(_GREY)
            if col in (Column.EXPIRES, Column.NEXT_REVIEW) and self._late(d, col):
                return QBrush(_RED)
            return None
        if role == Qt.ItemDataRole.FontRole and d.status is DocumentStatus.SUPERSEDED:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if col is Column.PARTIES:
                return self._parties(d)
            if col is Column.TITLE:
                return d.notes or d.title
            if col is Column.FILE and d.file_sha256:
                return f"SHA-256 {d.file_sha256}"
        return None

    def _late(self, d: Document, col: Column) -> bool:
        if d.status is DocumentStatus.SUPERSEDED:
            return False
        when = d.expires_on if col is Column.EXPIRES else d.next_review_on
        return is_overdue(when, self._today)

    def _display(self, d: Document, col: Column) -> str:
        if col is Column.TITLE:
            return d.title
        if col is Column.VERSION:
            return f"v{d.doc_version}" + (
                " (superseded)" if d.status is DocumentStatus.SUPERSEDED else ""
            )
        if col is Column.KIND:
            return DOCUMENT_KIND_LABELS[d.kind]
        if col is Column.PARTIES:
            return self._parties(d)
        if col is Column.MODULE:
            return f"Module {d.scc_module}" if d.scc_module else ""
        if col is Column.SIGNED:
            return day(d.signed_on, "")
        if col is Column.EXPIRES:
            return day(d.expires_on, "") + (" (expired)" if self._late(d, col) else "")
        if col is Column.NEXT_REVIEW:
            return day(d.next_review_on, "") + (" (overdue)" if self._late(d, col) else "")
        return d.file_name or "no file"

    def _sort_value(self, d: Document, col: Column) -> Any:
        if col in _DATES:
            # Dates sort as dates; a missing date sorts after every real one.
            value = {
                Column.SIGNED: d.signed_on,
                Column.EXPIRES: d.expires_on,
                Column.NEXT_REVIEW: d.next_review_on,
            }[col]
            return date_key(value)
        if col is Column.VERSION:
            return d.doc_version
        if col is Column.MODULE:
            return d.scc_module or 0
        return self._display(d, col).casefold()


class DocumentFilter(QSortFilterProxyModel):
    """Filters on the documents themselves: status, id, and the search text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.show_superseded = False
        self.setSortRole(SortRole)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = fold(text.strip())
        self.endFilterChange()

    def set_show_superseded(self, on: bool) -> None:
        self.beginFilterChange()
        self.show_superseded = on
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, DocumentsModel):
            return True
        d = model.document(source_row)
        if d.status is DocumentStatus.SUPERSEDED and not self.show_superseded:
            return False
        return all(word in model.haystack[source_row] for word in self.text.split())
