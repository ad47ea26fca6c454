"""Table model of the register: one row per live entity, filtered and sorted inside the model.

A register can hold 100,000 entities, so the model keeps compact per-row data computed once
(a lowercased haystack for search, sort keys built on first use) and answers a search or a
sort with one list comprehension or one ``list.sort`` over row numbers. A
``QSortFilterProxyModel`` would call Python once per row and per comparison instead. Filters
test domain values (enums, codes, dates), never the text shown.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Lifecycle, Severity
from transfers_app.domain.formatting import (
    ENTITY_KIND_LABELS,
    LIFECYCLE_LABELS,
    OWN_KIND_LABEL,
    day,
)
from transfers_app.domain.names import fold
from transfers_app.domain.renewals import dated, days_until, due_phrase, is_overdue
from transfers_app.services.workspace import Adequacy, RegisterRow
from ui.models.rows import ObjectRole, SortRole

# The row's worst status for painting, as a string (a QVariant turns a StrEnum into its value):
# a Severity value, "ok" (no gap) or None (not known yet).
StatusRole = Qt.ItemDataRole.UserRole + 3

OK = "ok"
CHECKING = "…"
StatusValue = Severity | str  # a Severity or OK

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_LATE = QColor("#b00020")  # the overdue red of the Renewals and Assessments pages


class Column(IntEnum):
    NAME = 0
    LEGAL_NAME = 1
    KIND = 2
    COUNTRIES = 3
    LIFECYCLE = 4
    NEXT_DUE = 5
    STATUS = 6  # last: it stretches to the table's edge


HEADERS = {
    Column.NAME: "Name",
    Column.LEGAL_NAME: "Legal name",
    Column.KIND: "Kind",
    Column.COUNTRIES: "Countries",
    Column.LIFECYCLE: "Lifecycle",
    Column.NEXT_DUE: "Next due",
    Column.STATUS: "Status",
}

HEADER_TIPS = {
    Column.STATUS: "The worst open gap among the entity's transfers today",
    Column.COUNTRIES: "Where the entity processes the data (its processing locations)",
    Column.NEXT_DUE: "The earliest expiry, notice deadline, review or re-check of its documents "
    "and of its transfers' assessments; overdue ones say so",
}

OWN_KIND = "own"
KIND_LABELS: dict[str, str] = {OWN_KIND: OWN_KIND_LABEL} | {
    k.value: v for k, v in ENTITY_KIND_LABELS.items()
}
_LIFECYCLE_RANK = {lc: i for i, lc in enumerate(Lifecycle)}
ADEQUACY_LABELS = {
    Adequacy.NOT_ADEQUATE: "Some non-adequate destination",
    Adequacy.PARTIAL: "Adequate in part / scope to confirm",
    Adequacy.ADEQUATE: "All destinations adequate",
    Adequacy.NOT_RESTRICTED: "No restricted transfer",
    Adequacy.NO_LIVE_TRANSFER: "Receives no live transfer",
}
ADEQUACY_TIPS = {
    Adequacy.NOT_ADEQUATE: "A live transfer to it goes where, under at least one exporter's "
    "regime, there is no adequacy finding: it needs a safeguard",
    Adequacy.PARTIAL: "Adequacy holds only within a decision's scope or for a certified importer "
    "(DPF): confirm it applies",
    Adequacy.ADEQUATE: "Every restricted transfer to it goes to an adequate destination",
    Adequacy.NOT_RESTRICTED: "Its live transfers stay inside the exporters' own areas",
    Adequacy.NO_LIVE_TRANSFER: "No live transfer to it (our exporting entities, customers, "
    "proposed or offboarded suppliers)",
}
DUE_LABELS = {
    "expiry": "Expiry",
    "notice": "Notice deadline",
    "review": "Document review",
    "dpf_recheck": "DPF re-check",
    "tia_review": "Assessment review",
}
# Rows without a date sort after every dated row, ascending or descending.
_NO_DATE = date.max.toordinal() + 1
_COLUMNS = tuple(Column)
_ANSWERED = frozenset(
    int(r) for r in (_DISPLAY, _TOOLTIP, _FOREGROUND, _FONT, SortRole, ObjectRole, StatusRole)
)
# Worst first: CRITICAL 0 .. LOW 3, then no gap, then not known yet.
_OK_RANK = len(Severity)
_UNKNOWN_RANK = _OK_RANK + 1


def status_label(status: StatusValue | None) -> str:
    if status is None:
        return CHECKING
    return status.upper()


def kind_key(row: RegisterRow) -> str:
    """The kind a row is filtered and shown as: our own exporting entities stand apart."""
    return OWN_KIND if row.is_own else row.kind.value


def countries_text(codes: Sequence[str]) -> str:
    return ", ".join(f"{country_name(c)} ({c})" for c in codes)


def due_text(day: date | None, today: date | None) -> str:
    """A next due date as shown: the date, and in words when it is today or has passed."""
    return dated(day, today, on_the_day=True)


class RegisterModel(QAbstractTableModel):
    """The register's entities, with their worst status and adequacy once they are known.

    ``today`` is the date the next due dates are judged overdue against. ``extras_known``
    False: the rows do not carry their next due dates and mechanisms yet (``set_extras``).
    """

    def __init__(
        self,
        rows: Sequence[RegisterRow] = (),
        worst: Mapping[int, Severity] | None = None,
        parent: QObject | None = None,
        today: date | None = None,
        adequacy: Mapping[int, Adequacy] | None = None,
        extras_known: bool = True,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._extras_known = extras_known
        self._rows: list[RegisterRow] = []
        self._hay: list[str] = []
        self._keys: dict[Column, list[Any]] = {}
        self._worst: dict[int, Severity] = dict(worst or {})
        # Each row's adequacy, in storage order (one list: a filter is a scan, not 100,000
        # lookups in a dict).
        self._adequacy: list[Adequacy] = []
        self._status_known = worst is not None
        self._search: list[str] = []
        self._kind: str | None = None
        self._country: str | None = None
        self._status: StatusValue | None = None
        self._lifecycle: Lifecycle | None = None
        self._adequacy_filter: Adequacy | None = None
        self._mechanism: str | None = None
        self._sort_column: Column | None = None
        self._sort_order = Qt.SortOrder.AscendingOrder
        # Row numbers as machine integers: walking 100,000 boxed ints in sorted (not memory)
        # order costs a cache miss each, several times the work of the filter itself.
        self._name_order: array[int] = array("l")  # every row, by name
        self._order: array[int] = array("l")  # every row, in sort order
        self._view: array[int] = array("l")  # the rows shown, in sort order
        self._load(rows)
        if self._status_known:
            self._adequacy = self._per_row(adequacy or {})
        self._view = self._filtered()

    # -- data in --------------------------------------------------------------------------

    def _per_row(self, adequacy: Mapping[int, Adequacy]) -> list[Adequacy]:
        missing = Adequacy.NO_LIVE_TRANSFER
        return [adequacy.get(r.entity_id, missing) for r in self._rows]

    def _load(self, rows: Sequence[RegisterRow]) -> None:
        self._rows = list(rows)
        # Many entities share a set of countries: spell each set out once.
        places: dict[tuple[str, ...], str] = {}
        hay = []
        for r in self._rows:
            where = places.get(r.countries)
            if where is None:
                names = " ".join(country_name(c) for c in r.countries)
                where = places[r.countries] = f"{' '.join(r.countries)}\n{names}"
            hay.append(fold(f"{r.name}\n{r.legal_name}\n{where}\n{r.services}"))
        self._hay = hay
        self._keys = {}
        # Name keys serve once, for the name order; kept, they would cost ~7 MB at 100,000.
        name_keys = [r.name.casefold() for r in self._rows]
        self._name_order = array("l", sorted(range(len(self._rows)), key=name_keys.__getitem__))
        del name_keys
        self._order = self._sorted_order()

    def set_rows(
        self, rows: Sequence[RegisterRow], keep_status: bool = False, extras_known: bool = True
    ) -> None:
        """Show new rows, keeping search, filters and sort; the status is unknown again
        unless ``keep_status``; ``extras_known`` False: the rows' due dates and mechanisms
        follow (``set_extras``)."""
        self.beginResetModel()
        self._extras_known = extras_known
        if keep_status:
            before = {r.entity_id: a for r, a in zip(self._rows, self._adequacy, strict=False)}
            self._load(rows)
            self._adequacy = self._per_row(before) if self._status_known else []
        else:
            self._worst = {}
            self._adequacy = []
            self._status_known = False
            self._load(rows)
        self._view = self._filtered()
        self.endResetModel()

    def set_extras(self, rows: Sequence[RegisterRow]) -> None:
        """The rows shown, in the same order, now with their next due dates and mechanisms."""
        same = len(rows) == len(self._rows) and all(
            a.entity_id == b.entity_id for a, b in zip(rows, self._rows, strict=True)
        )
        if not same:  # the register changed in between: take them as new rows
            self.set_rows(rows, keep_status=True)
            return
        self._rows = list(rows)
        self._extras_known = True
        self._keys.pop(Column.NEXT_DUE, None)
        if self._mechanism is not None:
            self._refilter()  # it was waiting for them
        else:
            self._column_arrived(
                Column.NEXT_DUE, [_DISPLAY, SortRole, _TOOLTIP, _FOREGROUND, _FONT]
            )

    def set_worst(
        self, worst: Mapping[int, Severity], adequacy: Mapping[int, Adequacy] | None = None
    ) -> None:
        """The background status computation ended: show each entity's worst status, and
        filter on how adequate its destinations are."""
        self._worst = worst if isinstance(worst, dict) else dict(worst)
        self._adequacy = self._per_row(adequacy or {})
        self._status_known = True
        self._keys.pop(Column.STATUS, None)
        if self._status is not None or self._adequacy_filter is not None:
            # Which rows a status filter shows depends on what just arrived.
            self.beginResetModel()
            self._order = self._sorted_order()
            self._view = self._filtered()
            self.endResetModel()
        else:
            self._column_arrived(Column.STATUS, [_DISPLAY, StatusRole, SortRole, _TOOLTIP])

    def _column_arrived(self, column: Column, roles: list[int]) -> None:
        """A column's values arrived: sort the rows again if they are sorted by it, else
        repaint the column (``roles`` changed)."""
        if self._sort_column is column:
            self._relayout()
        elif self._view:
            self.dataChanged.emit(
                self.index(0, column), self.index(len(self._view) - 1, column), roles
            )

    # -- what is shown ------------------------------------------------------------------------

    @property
    def status_known(self) -> bool:
        return self._status_known

    @property
    def extras_known(self) -> bool:
        """The rows carry their next due dates and mechanisms."""
        return self._extras_known

    def total_count(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> RegisterRow:
        return self._rows[self._view[row]]

    def row_of(self, entity_id: int) -> int:
        """The view row showing ``entity_id``, or -1."""
        for pos, i in enumerate(self._view):
            if self._rows[i].entity_id == entity_id:
                return pos
        return -1

    def status_of(self, entity_id: int) -> StatusValue | None:
        if not self._status_known:
            return None
        return self._worst.get(entity_id, OK)

    def is_overdue(self, row: RegisterRow) -> bool:
        return self._today is not None and is_overdue(row.next_due, self._today)

    def countries(self) -> list[str]:
        """Every country code on the shown register, once each, sorted by country name."""
        codes = {c for r in self._rows for c in r.countries}
        return sorted(codes, key=lambda c: country_name(c).casefold())

    # -- search, filters, sort -------------------------------------------------------------------

    def set_search(self, text: str) -> None:
        terms = fold(text).split()
        if terms == self._search:
            return
        old, self._search = self._search, terms
        narrower = len(terms) >= len(old) and all(a in b for a, b in zip(old, terms, strict=False))
        if narrower and len(self._view) <= len(self._rows) // 8:
            # Typing on narrows the search: only the rows shown can still match.
            hay = self._hay
            self.beginResetModel()
            self._view = array("l", [i for i in self._view if all(t in hay[i] for t in terms)])
            self.endResetModel()
        else:
            self._refilter()

    def set_filters(
        self,
        kind: str | None = None,
        country: str | None = None,
        status: StatusValue | None = None,
        lifecycle: Lifecycle | None = None,
        adequacy: Adequacy | None = None,
        mechanism: str | None = None,
    ) -> None:
        """Show only rows of ``kind`` (an EntityKind value or "own"), located in ``country``,
        whose worst status is ``status`` (a Severity or "ok"), in ``lifecycle``, whose
        destinations are ``adequacy`` and with a transfer to it on ``mechanism`` (a
        Mechanism, or NO_MECHANISM for one that records none); None means any."""
        new = (
            kind or None,
            country or None,
            status or None,
            lifecycle,
            Adequacy(adequacy) if adequacy else None,  # a combo's data comes back as a str
            mechanism or None,
        )
        old = (
            self._kind,
            self._country,
            self._status,
            self._lifecycle,
            self._adequacy_filter,
            self._mechanism,
        )
        if new != old:
            (
                self._kind,
                self._country,
                self._status,
                self._lifecycle,
                self._adequacy_filter,
                self._mechanism,
            ) = new
            self._refilter()

    @property
    def needs_status(self) -> bool:
        """A filter set depends on the background status (which is not known yet)."""
        return (self._status is not None or self._adequacy_filter is not None) and not (
            self._status_known
        )

    @property
    def needs_extras(self) -> bool:
        """The mechanism filter is set and the rows' mechanisms are not read yet."""
        return self._mechanism is not None and not self._extras_known

    def _refilter(self) -> None:
        self.beginResetModel()
        self._view = self._filtered()
        self.endResetModel()

    def _filtered(self) -> array[int]:
        """The rows passing search and filters, in sort order.

        Each criterion is tested over the rows in storage order (sequential memory, a tight
        comprehension), giving one flag per row; the sorted order is then picked through
        the flags. Testing the rows in sort order instead jumps around memory and is several
        times slower at 100,000 rows.
        """
        rows = self._rows
        flags: list[bool] | None = None
        tests: list[list[bool]] = []
        if self.needs_status or self.needs_extras:
            return array("l")
        if self._adequacy_filter is not None:
            wanted_adequacy = self._adequacy_filter
            # Members on both sides (set_filters makes one of a str): identity is enough.
            tests.append([a is wanted_adequacy for a in self._adequacy])
        if self._mechanism is not None:
            mechanism = self._mechanism
            tests.append([mechanism in r.mechanisms for r in rows])
        if self._status is not None:
            worst = self._worst
            if self._status == OK:
                tests.append([r.entity_id not in worst for r in rows])
            else:
                wanted = self._status
                tests.append([worst.get(r.entity_id) == wanted for r in rows])
        if self._kind is not None:
            kind = self._kind
            if kind == OWN_KIND:
                tests.append([r.is_own for r in rows])
            else:
                tests.append([r.kind == kind and not r.is_own for r in rows])
        if self._country is not None:
            country = self._country
            tests.append([country in r.countries for r in rows])
        if self._lifecycle is not None:
            lifecycle = self._lifecycle
            tests.append([r.lifecycle == lifecycle for r in rows])
        tests.extend([term in h for h in self._hay] for term in self._search)
        for test in tests:
            flags = test if flags is None else [a and b for a, b in zip(flags, test, strict=True)]
        if flags is None:
            return array("l", self._order)
        return array("l", [i for i in self._order if flags[i]])

    def _key_list(self, column: Column) -> list[Any]:
        """One sort key per row (storage order), built on first use and kept.

        Keys other than names become small integer ranks: sorting 100,000 ints is much
        faster than sorting tuples or strings.
        """
        keys = self._keys.get(column)
        if keys is None:
            if column is Column.NAME:
                keys = [r.name.casefold() for r in self._rows]
            elif column is Column.STATUS:
                # Ranks already: worst first, then no gap, then not known yet.
                if not self._status_known:
                    keys = [_UNKNOWN_RANK] * len(self._rows)
                else:
                    rank_of: dict[Severity | None, int] = {sev: sev.rank for sev in Severity}
                    worst = self._worst
                    keys = [rank_of.get(worst.get(r.entity_id), _OK_RANK) for r in self._rows]
            elif column is Column.LIFECYCLE:
                keys = [_LIFECYCLE_RANK[r.lifecycle] for r in self._rows]
            elif column is Column.NEXT_DUE:
                keys = [r.next_due.toordinal() if r.next_due else _NO_DATE for r in self._rows]
            else:
                values = [self._sort_value(r, column) for r in self._rows]
                rank = {v: n for n, v in enumerate(sorted(set(values)))}
                keys = [rank[v] for v in values]
            self._keys[column] = keys
        return keys

    def _sort_value(self, r: RegisterRow, column: Column) -> Any:
        if column is Column.NAME:
            return r.name.casefold()
        if column is Column.LEGAL_NAME:
            # Entities without a legal name sort after those with one.
            return (not r.legal_name, r.legal_name.casefold())
        if column is Column.KIND:
            return KIND_LABELS[kind_key(r)].casefold()
        if column is Column.COUNTRIES:
            return (not r.countries, " ".join(country_name(c) for c in r.countries).casefold())
        if column is Column.LIFECYCLE:
            return _LIFECYCLE_RANK[r.lifecycle]
        if column is Column.NEXT_DUE:
            return r.next_due  # a date (None sorts last)
        if not self._status_known:
            return _UNKNOWN_RANK
        found = self._worst.get(r.entity_id)
        return found.rank if found is not None else _OK_RANK

    def _sorted_order(self) -> array[int]:
        # From name order, so rows equal on the sort column stay in name order (sorts are
        # stable, also in reverse).
        column = self._sort_column
        descending = self._sort_order is Qt.SortOrder.DescendingOrder
        if column is None or column is Column.NAME:
            return self._name_order[::-1] if descending else array("l", self._name_order)
        keys = self._key_list(column)
        if column is Column.NEXT_DUE and descending:
            # Latest first, and the rows with nothing due still last.
            dated = [i for i in self._name_order if keys[i] != _NO_DATE]
            dated.sort(key=keys.__getitem__, reverse=True)
            return array("l", dated + [i for i in self._name_order if keys[i] == _NO_DATE])
        return array("l", sorted(self._name_order, key=keys.__getitem__, reverse=descending))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self._sort_column = Column(column)
        self._sort_order = order
        self._relayout()

    def _relayout(self) -> None:
        """Re-sort keeping selections and the current row on the same entities."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        before = [(self._view[p.row()], p.column()) for p in persistent]
        self._order = self._sorted_order()
        self._view = self._filtered()
        where = {i: pos for pos, i in enumerate(self._view)} if persistent else {}
        after = []
        for i, col in before:
            pos = where.get(i)
            after.append(self.index(pos, col) if pos is not None else QModelIndex())
        self.changePersistentIndexList(persistent, after)
        self.layoutChanged.emit()

    # -- QAbstractTableModel ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == _DISPLAY:
            return HEADERS[Column(section)]
        if role == _TOOLTIP:
            return HEADER_TIPS.get(Column(section))
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Painting asks every cell for a dozen roles, most of them never answered here: those
        # return at once (a repaint of the visible rows makes over a thousand calls).
        if role not in _ANSWERED or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._view):
            return None
        r = self._rows[self._view[row]]
        if role == ObjectRole:
            return r
        column = _COLUMNS[index.column()]  # indexing: much cheaper than Column(n)
        if role == SortRole:
            return self._sort_value(r, column)
        if role == StatusRole:
            status = self.status_of(r.entity_id) if column is Column.STATUS else None
            return str(status) if status is not None else None
        if role == _DISPLAY:
            if column is Column.NAME:
                return r.name
            if column is Column.LEGAL_NAME:
                return r.legal_name
            if column is Column.KIND:
                return KIND_LABELS[kind_key(r)]
            if column is Column.COUNTRIES:
                return countries_text(r.countries) or "—"
            if column is Column.LIFECYCLE:
                return LIFECYCLE_LABELS[r.lifecycle]
            if column is Column.NEXT_DUE:
                return due_text(r.next_due, self._today) if self._extras_known else CHECKING
            return status_label(self.status_of(r.entity_id))
        if column is Column.NEXT_DUE and role in (_FOREGROUND, _FONT):
            if not self.is_overdue(r):
                return None
            if role == _FOREGROUND:
                return QBrush(_LATE)
            font = QFont()
            font.setBold(True)
            return font
        if role == _TOOLTIP:
            if column is Column.STATUS:
                status = self.status_of(r.entity_id)
                if status is None:
                    return "Checking the transfers' status…"
                if status == OK:
                    return "No open gap on this entity's transfers"
                return f"Worst open gap: {status_label(status)}"
            if column is Column.COUNTRIES:
                return countries_text(r.countries) or "No processing location recorded"
            if column is Column.NAME and r.services:
                return r.services
            if column is Column.NEXT_DUE:
                return self._due_tip(r)
        return None

    def _due_tip(self, r: RegisterRow) -> str:
        if not self._extras_known:
            return "Reading the due dates…"
        if r.next_due is None:
            return "Nothing due on its documents or assessments"
        what = DUE_LABELS.get(r.due_what, r.due_what)
        if self._today is None:
            return f"{what} due on {day(r.next_due)}"
        return f"{what} {due_phrase(days_until(r.next_due, self._today))}"
