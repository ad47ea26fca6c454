"""The entity editor's tables: the entity's transfers (each way) and its documents.

``ObjectRole`` gives the ``Transfer`` or ``Document``; ``SortRole`` real values (dates as
dates); what is expired or overdue is ``domain.renewals``' verdict, shown in red with its word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from transfers_app.domain.countries import country_name
from transfers_app.domain.formatting import DOCUMENT_KIND_LABELS, MECHANISM_LABELS, day
from transfers_app.domain.models import Document, Transfer
from transfers_app.domain.renewals import is_overdue
from ui.models.rows import RowsTableModel, SortRole, date_key
from ui.widgets.forms import ERROR_COLOUR


@dataclass(frozen=True, slots=True)
class EntityTransfer:
    """One of the entity's transfers, seen from the entity: which way, and with whom."""

    transfer: Transfer
    sends: bool
    other: str  # the other party's name


class EntityTransfersModel(RowsTableModel[EntityTransfer]):
    DIRECTION, OTHER, DESTINATION, MECHANISMS, SERVICE = range(5)
    headers: ClassVar[dict[int, str]] = {
        DIRECTION: "Direction",
        OTHER: "Other party",
        DESTINATION: "Destination",
        MECHANISMS: "Mechanisms",
        SERVICE: "Service",
    }

    def object_of(self, row: EntityTransfer) -> Transfer:
        return row.transfer

    def cell(self, row: EntityTransfer, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, column)
        if role == SortRole:
            return self._text(row, column).casefold()
        return None

    def _text(self, row: EntityTransfer, column: int) -> str:
        t = row.transfer
        if column == self.DIRECTION:
            return "Sends to" if row.sends else "Receives from"
        if column == self.OTHER:
            return row.other
        if column == self.DESTINATION:
            return f"{country_name(t.destination)} ({t.destination})"
        if column == self.MECHANISMS:
            return ", ".join(MECHANISM_LABELS[m.mechanism] for m in t.mechanisms) or "none"
        return t.service


class EntityDocumentsModel(RowsTableModel[Document]):
    TITLE, KIND, SIGNED, EXPIRES, NEXT_REVIEW, VERSION = range(6)
    headers: ClassVar[dict[int, str]] = {
        TITLE: "Title",
        KIND: "Kind",
        SIGNED: "Signed",
        EXPIRES: "Expires",
        NEXT_REVIEW: "Next review",
        VERSION: "Version",
    }

    def __init__(
        self,
        documents: list[Document] | None = None,
        today: date | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(documents or [], parent)
        self.today = today or date.min

    def _late(self, d: Document, column: int) -> bool:
        if column == self.EXPIRES:
            return is_overdue(d.expires_on, self.today)
        if column == self.NEXT_REVIEW:
            return is_overdue(d.next_review_on, self.today)
        return False

    def cell(self, d: Document, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(d, column)
        if role == SortRole:
            if column == self.SIGNED:
                return date_key(d.signed_on)
            if column == self.EXPIRES:
                return date_key(d.expires_on)
            if column == self.NEXT_REVIEW:
                return date_key(d.next_review_on)
            if column == self.VERSION:
                return d.doc_version
            return self._text(d, column).casefold()
        if role == Qt.ItemDataRole.ForegroundRole and self._late(d, column):
            return QBrush(QColor(ERROR_COLOUR))
        return None

    def _text(self, d: Document, column: int) -> str:
        if column == self.TITLE:
            return d.title
        if column == self.KIND:
            return DOCUMENT_KIND_LABELS[d.kind]
        if column == self.SIGNED:
            return day(d.signed_on)
        if column == self.EXPIRES:
            return day(d.expires_on) + (" (expired)" if self._late(d, column) else "")
        if column == self.NEXT_REVIEW:
            return day(d.next_review_on) + (" (overdue)" if self._late(d, column) else "")
        return f"v{d.doc_version} ({d.status.value})"
