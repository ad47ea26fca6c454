"""Audit log: every change to the register, filterable, with before and after side by side.

The repository keeps each change as JSON of the record before and after; the page parses them
once per refresh, computes which fields changed, and only lays the result out.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name
from transfers_app.domain.models import AuditEntry
from ui.context import UiContext
from ui.models.rows import ObjectRole, RowsTableModel, SortRole
from ui.pages.base import Page

_Index = QModelIndex | QPersistentModelIndex
LIMIT = 1000
# Bookkeeping fields that change on every save: shown, but not listed as "what changed".
BOOKKEEPING = frozenset({"updated_at", "version"})
CHANGED_BG = "#fff3c4"
BOOKKEEPING_BG = "#f1f3f5"

TABLE_TEXT = {
    "entities": "entity",
    "locations": "location",
    "transfers": "transfer",
    "documents": "document",
    "tias": "assessment",
    "catalogue": "catalogue",
    "register": "register",
}

ACTION_DONE = {
    "create": "created",
    "update": "updated",
    "archive": "archived",
    "restore": "restored",
    "attach": "file attached",
}


class Column(IntEnum):
    WHEN = 0
    WHO = 1
    TABLE = 2
    RECORD = 3
    ACTION = 4
    CHANGES = 5


HEADERS = {
    Column.WHEN: "When",
    Column.WHO: "Who",
    Column.TABLE: "What",
    Column.RECORD: "Record",
    Column.ACTION: "Action",
    Column.CHANGES: "Changes",
}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def parse_record(text: str | None) -> dict[str, Any] | None:
    """The JSON object of a record, or None (no record, or a plain-text note)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def field_label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(str(k))}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T":
        try:  # a timestamp: in local time, to the second
            return when_text(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: str  # readable value, "—" when empty or absent
    after: str
    changed: bool


def compute_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """Every field of the two records, in the record's order; ``changed`` when both sides exist
    and the values differ (a creation or a deletion has nothing to compare)."""
    old = before or {}
    new = after or {}
    fields = list(dict.fromkeys([*old, *new]))
    comparable = before is not None and after is not None
    return [
        FieldChange(
            name,
            value_text(old.get(name)),
            value_text(new.get(name)),
            comparable and old.get(name) != new.get(name),
        )
        for name in fields
    ]


def record_label(record: dict[str, Any] | None) -> str:
    """A few words that say which record this is (its name, or where the data goes)."""
    if not record:
        return ""
    for key in ("name", "title"):
        if record.get(key):
            return str(record[key])
    if isinstance(record.get("destination"), str):
        return f"to {country_name(record['destination'])}"
    if isinstance(record.get("country"), str):
        return f"in {country_name(record['country'])}"
    return ""


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit entry with its records parsed and its changes computed."""

    entry: AuditEntry
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: tuple[FieldChange, ...]
    label: str  # the record's name or title, if it has one

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditRow:
        before = parse_record(entry.before)
        after = parse_record(entry.after)
        return cls(
            entry, before, after, tuple(compute_diff(before, after)), record_label(after or before)
        )

    @property
    def changed_fields(self) -> list[str]:
        return [c.field for c in self.changes if c.changed and c.field not in BOOKKEEPING]

    @property
    def record_text(self) -> str:
        rid = self.entry.record_id
        ident = f"#{rid}" if rid is not None else ""
        return f"{ident} {self.label}".strip()

    @property
    def summary(self) -> str:
        e = self.entry
        if self.before is None and self.after is None:
            return (e.after or e.before or "").strip()
        if self.before is not None and self.after is not None:
            changed = self.changed_fields
            return ", ".join(field_label(f) for f in changed) if changed else "no field changed"
        return "new record" if self.after is not None else "record removed"


def when_text(at: datetime) -> str:
    local = at.astimezone() if at.tzinfo is not None else at
    return local.strftime("%Y-%m-%d %H:%M:%S")


class AuditModel(RowsTableModel[AuditRow]):
    headers = HEADERS

    def object_of(self, row: AuditRow) -> AuditEntry:
        return row.entry

    def cell(self, row: AuditRow, column: int, role: int) -> Any:
        e = row.entry
        col = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            if col is Column.WHEN:
                return when_text(e.at)
            if col is Column.WHO:
                return e.actor
            if col is Column.TABLE:
                return TABLE_TEXT.get(e.table, e.table)
            if col is Column.RECORD:
                return row.record_text
            if col is Column.ACTION:
                return e.action
            return row.summary
        if role == SortRole:
            if col is Column.WHEN:
                # The audit id is the order of the writes (timestamps can tie).
                return e.id if e.id is not None else 0
            if col is Column.WHO:
                return e.actor.casefold()
            if col is Column.TABLE:
                return e.table
            if col is Column.RECORD:
                return e.record_id if e.record_id is not None else -1
            if col is Column.ACTION:
                return e.action
            return row.summary.casefold()
        if role == Qt.ItemDataRole.ToolTipRole and col is Column.WHEN:
            return e.at.isoformat()
        if role == Qt.ItemDataRole.ToolTipRole and col is Column.CHANGES:
            return row.summary
        return None


class AuditFilter(QSortFilterProxyModel):
    """Filters entries by table, by action and by a text (who, record id or record name)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table = ""
        self._action = ""
        self._needle = ""
        self.setSortRole(SortRole)

    def set_criteria(self, table: str, action: str, text: str) -> None:
        self.beginFilterChange()
        self._table = table
        self._action = action
        self._needle = text.strip().casefold()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, AuditModel) or source_parent.isValid():
            return True
        row = model.row(source_row)
        e = row.entry
        if self._table and e.table != self._table:
            return False
        if self._action and e.action != self._action:
            return False
        if not self._needle:
            return True
        needle = self._needle.removeprefix("#")
        if e.record_id is not None and needle == str(e.record_id):
            return True
        return needle in e.actor.casefold() or needle in row.label.casefold()


def render_entry(row: AuditRow, only_changed: bool = False) -> str:
    e = row.entry
    what = TABLE_TEXT.get(e.table, e.table)
    done = ACTION_DONE.get(e.action, e.action)
    title = f"{esc(what.capitalize())} {esc(row.record_text)}: {esc(done)}"
    parts = [
        f"<h3>{title}</h3>",
        f"<p style='color:#57606a'>{esc(when_text(e.at))} by {esc(e.actor)}</p>",
    ]
    if row.before is None and row.after is None:
        text = e.after or e.before or "(no details recorded)"
        parts.append(f"<p>{esc(text)}</p>")
        return "".join(parts)
    changed = row.changed_fields
    if row.before is not None and row.after is not None:
        if changed:
            names = ", ".join(esc(field_label(f)) for f in changed)
            parts.append(f"<p><b>Changed:</b> {names}</p>")
        else:
            parts.append("<p>No field changed apart from bookkeeping.</p>")
    head = "style='background-color:#eaeef2' align='left'"
    rows = [
        f"<tr><th {head} width='22%'>Field</th><th {head} width='39%'>Before</th>"
        f"<th {head} width='39%'>After</th></tr>"
    ]
    # What changed first, then the rest of the record; fields empty on both sides are left out.
    ordered = sorted(
        row.changes, key=lambda c: (not c.changed or c.field in BOOKKEEPING, c.field in BOOKKEEPING)
    )
    for c in ordered:
        if (only_changed and not c.changed) or (c.before == c.after == "—"):
            continue
        if c.changed:
            bookkeeping = c.field in BOOKKEEPING
            mark = "" if bookkeeping else " <b>(changed)</b>"
            rows.append(
                f"<tr style='background-color:{BOOKKEEPING_BG if bookkeeping else CHANGED_BG}'>"
                f"<td><b>{esc(field_label(c.field))}</b>{mark}</td>"
                f"<td><s>{esc(c.before)}</s></td><td><b>{esc(c.after)}</b></td></tr>"
            )
        else:
            rows.append(
                f"<tr><td>{esc(field_label(c.field))}</td>"
                f"<td>{esc(c.before)}</td><td>{esc(c.after)}</td></tr>"
            )
    parts.append(
        "<table width='100%' cellspacing='0' cellpadding='3' border='0'>"
        + "".join(rows)
        + "</table>"
    )
    return "".join(parts)


class AuditPage(Page):
    title = "Audit log"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.table_filter = QComboBox()
        self.table_filter.setAccessibleName("Record type")
        self.action_filter = QComboBox()
        self.action_filter.setAccessibleName("Action")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search who, record number or name…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the audit log")
        self.count_label = QLabel()
        self.only_changed = QCheckBox("Only changed fields")
        self.only_changed.toggled.connect(self._show_selected)

        self.model = AuditModel(parent=self)
        self.proxy = AuditFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for col, sample in (
            (Column.WHEN, "2026-11-25 14:21:48"),
            (Column.WHO, "someone.long"),
            (Column.TABLE, "assessment"),
            (Column.RECORD, "#12 Stratus Cloud Hosting"),
            (Column.ACTION, "restore"),
        ):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, self.fontMetrics().horizontalAdvance(sample) + 24)
        self.table.sortByColumn(Column.WHEN, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Change details")
        self.detail.setOpenLinks(False)

        self.table_filter.currentIndexChanged.connect(self._filter_changed)
        self.action_filter.currentIndexChanged.connect(self._filter_changed)
        self.search.textChanged.connect(self._filter_changed)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("What:"))
        bar.addWidget(self.table_filter)
        bar.addWidget(QLabel("Action:"))
        bar.addWidget(self.action_filter)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.only_changed)
        detail_layout.addWidget(self.detail, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 340])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.refresh()

    # -- loading and filtering -----------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_row()
        entries = self.ctx.service.repo.audit_log(LIMIT)
        rows = [AuditRow.of(e) for e in entries]
        self.model.set_rows(rows)
        total = self.ctx.service.repo.count("audit")
        shown = f"the latest {LIMIT:,} of {total:,}" if total > len(rows) else f"all {total:,}"
        self.header.setText(
            f"<b>Every change to the register</b>, newest first: {shown} changes. "
            "Select a row to see the record before and after."
        )
        self._fill_combo(self.table_filter, "All records", sorted({e.table for e in entries}))
        self._fill_combo(self.action_filter, "All actions", sorted({e.action for e in entries}))
        self._filter_changed()
        if selected is not None and selected.entry.id is not None:
            self.select_entry(selected.entry.id)
        else:
            self._show_detail(None)

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str, values: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, "")
        for value in values:
            combo.addItem(TABLE_TEXT.get(value, value), value)
        index = combo.findData(current) if current else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _filter_changed(self) -> None:
        self.proxy.set_criteria(
            str(self.table_filter.currentData() or ""),
            str(self.action_filter.currentData() or ""),
            self.search.text(),
        )
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total} rows")
        self._show_selected()

    # -- the detail pane -----------------------------------------------------------------------

    def selected_row(self) -> AuditRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        return self.model.row(source.row()) if source.isValid() else None

    def select_entry(self, audit_id: int) -> bool:
        for r in range(self.proxy.rowCount()):
            entry = self.proxy.index(r, 0).data(ObjectRole)
            if isinstance(entry, AuditEntry) and entry.id == audit_id:
                self.table.selectRow(r)
                return True
        self._show_detail(None)
        return False

    def _selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        self._show_detail(self.selected_row())

    def _show_detail(self, row: AuditRow | None) -> None:
        if row is None:
            self.detail.setHtml(
                "<p style='color:#57606a'>Select a change to see the record before and after, "
                "with the changed fields highlighted.</p>"
            )
        else:
            self.detail.setHtml(render_entry(row, self.only_changed.isChecked()))

    # -- Page ----------------------------------------------------------------------------------

    def apply_filter(self, **criteria: Any) -> None:
        """``table`` (entities, transfers, ...), ``action`` and ``search`` text."""
        for key, combo in (("table", self.table_filter), ("action", self.action_filter)):
            value = criteria.get(key)
            if isinstance(value, str):
                combo.setCurrentIndex(max(combo.findData(value), 0))
        search = criteria.get("search")
        if isinstance(search, str | int):
            self.search.setText(str(search))

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True
