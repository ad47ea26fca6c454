"""The reference data's table: one row per adequacy decision or data bridge, and its filter.

A thin adapter over ``ReferenceSet.decisions`` (a ``Column`` IntEnum, a ``SortRole`` with
real values, an ``ObjectRole`` returning the ``Decision``); the proxy filters on the
decisions themselves, never on display strings.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QWidget

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Regime
from transfers_app.domain.formatting import day
from transfers_app.domain.names import fold
from transfers_app.reference.loader import Citation, Decision
from ui.models.rows import RowsTableModel, SortRole

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    REGIME = 0
    DESTINATIONS = 1
    REFERENCE = 2
    IN_FORCE_FROM = 3
    EXPIRES = 4
    SCOPE = 5
    VERIFIED = 6
    SOURCE = 7


HEADERS = {
    Column.REGIME: "Regime",
    Column.DESTINATIONS: "Destinations",
    Column.REFERENCE: "Legal reference",
    Column.IN_FORCE_FROM: "In force from",
    Column.EXPIRES: "Expires",
    Column.SCOPE: "Scope",
    Column.VERIFIED: "Verified",
    Column.SOURCE: "Source",
}

SCOPE_TEXT = {
    "full": "Full",
    "partial": "Partial",
    "certified_recipients": "Certified recipients",
    "international_org": "International org.",
}
CERT_TEXT = {
    "dpf_eu": "EU-US Data Privacy Framework",
    "dpf_uk": "UK Extension to the EU-US DPF",
    "dpf_swiss": "Swiss-US Data Privacy Framework",
}
REGIME_ORDER = {Regime.UK: 0, Regime.EU: 1, Regime.CH: 2}
# More destinations than this are shortened in the table (the detail pane lists them all).
SHOWN_DESTINATIONS = 4
UNVERIFIED_FG = QColor("#b42318")
UNVERIFIED_BG = QColor("#fde4e1")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def destinations_text(codes: Sequence[str], limit: int = SHOWN_DESTINATIONS) -> str:
    names = [country_name(c) for c in codes]
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} … (+{len(names) - limit} more)"


def first_citation(d: Decision) -> Citation | None:
    """The source an output cites for ``d`` (T1/T2 only, an official one first)."""
    return d.citations[0] if d.citations else None


class DecisionModel(RowsTableModel[Decision]):
    headers = HEADERS

    """The decisions of one reference set, one row each."""

    def __init__(self, decisions: Sequence[Decision] = (), parent: QWidget | None = None) -> None:
        super().__init__(decisions, parent)
        self._haystacks: list[str] = [self._haystack(d) for d in self._rows]

    @staticmethod
    def _haystack(d: Decision) -> str:
        parts = [d.id, d.regime.value, d.title, d.reference, d.scope, d.scope_note]
        parts += d.destinations
        parts += [country_name(c) for c in d.destinations]
        return fold(" ".join(parts))

    def set_decisions(self, decisions: Sequence[Decision]) -> None:
        self.beginResetModel()
        self._rows = list(decisions)
        self._haystacks = [self._haystack(d) for d in self._rows]
        self.endResetModel()

    def decision(self, row: int) -> Decision:
        return self._rows[row]

    def matches(self, row: int, needle: str) -> bool:
        return needle in self._haystacks[row]

    def cell(self, d: Decision, column: int, role: int) -> Any:
        col = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(d, col)
        if role == SortRole:
            return self._sort(d, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(d, col)
        if col is Column.VERIFIED and not d.verified:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(UNVERIFIED_FG)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(UNVERIFIED_BG)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if col is Column.SOURCE and role == Qt.ItemDataRole.ForegroundRole:
            cited = first_citation(d)
            return QBrush(QColor("#0b5cad")) if cited is not None and cited.url else None
        return None

    @staticmethod
    def _display(d: Decision, col: Column) -> str:
        if col is Column.REGIME:
            return d.regime.value
        if col is Column.DESTINATIONS:
            return destinations_text(d.destinations)
        if col is Column.REFERENCE:
            return d.reference
        if col is Column.IN_FORCE_FROM:
            return day(d.in_force_from)
        if col is Column.EXPIRES:
            return day(d.expires_on, "no end date")
        if col is Column.SCOPE:
            return SCOPE_TEXT.get(d.scope, d.scope)
        if col is Column.VERIFIED:
            return "verified" if d.verified else "UNVERIFIED"
        cited = first_citation(d)
        return cited.publisher if cited is not None else ""

    @staticmethod
    def _sort(d: Decision, col: Column) -> Any:
        if col is Column.REGIME:
            return REGIME_ORDER.get(d.regime, 9)
        if col is Column.DESTINATIONS:
            return country_name(d.destinations[0]).casefold() if d.destinations else ""
        if col is Column.REFERENCE:
            return d.reference.casefold()
        if col is Column.IN_FORCE_FROM:
            return d.in_force_from.toordinal()
        if col is Column.EXPIRES:
            # No end date sorts after every real date.
            return d.expires_on.toordinal() if d.expires_on else 10**7
        if col is Column.SCOPE:
            return d.scope
        if col is Column.VERIFIED:
            return 1 if d.verified else 0
        cited = first_citation(d)
        return cited.publisher.casefold() if cited is not None else ""

    @staticmethod
    def _tooltip(d: Decision, col: Column) -> str | None:
        if col is Column.DESTINATIONS:
            return ", ".join(f"{country_name(c)} ({c})" for c in d.destinations)
        if col is Column.REFERENCE:
            return d.title
        if col is Column.VERIFIED and not d.verified:
            return d.verification_note or "Not verified against the official source"
        if col is Column.SOURCE:
            cited = first_citation(d)
            if cited is None:
                return "No T1/T2 source: nothing to cite"
            if cited.url:
                return f"{cited.text()}\n{cited.url}\nDouble-click to open"
            return cited.text()
        if col is Column.SCOPE and d.scope_note:
            return d.scope_note
        return None


class DecisionFilter(QSortFilterProxyModel):
    """Filters decisions by regime and by a search text (destination, reference, scope)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._regime: Regime | None = None
        self._needle = ""
        self.setSortRole(SortRole)

    def set_regime(self, regime: Regime | None) -> None:
        self.beginFilterChange()
        self._regime = regime
        self.endFilterChange()

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = fold(text.strip())
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, DecisionModel) or source_parent.isValid():
            return True
        d = model.decision(source_row)
        if self._regime is not None and d.regime is not self._regime:
            return False
        return not self._needle or model.matches(source_row, self._needle)
