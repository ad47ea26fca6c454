"""The audit log's table: one row per change, parsed, with what changed; and its filter.

``ObjectRole`` gives the ``AuditEntry``; ``SortRole`` real values (the audit id, the order of
the writes); the filter tests the entry's table, action, actor and record, never the cells.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from transfers_app.domain.countries import country_name
from transfers_app.domain.formatting import assessment_reference, moment
from transfers_app.domain.models import AuditEntry
from transfers_app.domain.names import fold
from transfers_app.services.audit import parse_record
from ui.models.rows import RowsTableModel, SortRole

_Index = QModelIndex | QPersistentModelIndex

BOOKKEEPING = frozenset({"updated_at", "version"})

TABLE_TEXT = {
    "entities": "entity",
    "locations": "location",
    "transfers": "transfer",
    "documents": "document",
    "tias": "assessment",
    "catalogue": "catalogue",
    "register": "register",
    "settings": "setting",
}

ACTION_DONE = {
    "create": "created",
    "update": "updated",
    "archive": "archived",
    "restore": "restored",
    "attach": "file attached",
    "set": "changed",
    "import_history": "history brought from another register",
    "reference_load": "reference data loaded",
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


# Fields of a record that hold entities' ids: shown by name ("Exporter: Acme Ltd"), never as
# "Exporter id: 2".
ENTITY_FIELDS = frozenset(
    {
        "exporter_id",
        "importer_id",
        "entity_id",
        "parent_id",
        "party_ids",
        "processor_id",
        "subprocessor_id",
        "replaces_id",
    }
)
_ID_SUFFIXES = ("_ids", "_id")


def field_label(name: str) -> str:
    """'exporter_id' -> 'Exporter', 'party_ids' -> 'Parties', 'signed_on' -> 'Signed on'."""
    for suffix in _ID_SUFFIXES:
        if name.endswith(suffix) and name != suffix.lstrip("_"):
            base = name.removesuffix(suffix)
            if suffix == "_ids":
                base = base[:-1] + "ies" if base.endswith("y") else base + "s"
            name = base
            break
    return name.replace("_", " ").capitalize()


def entity_ids(records: Iterable[dict[str, Any] | None]) -> set[int]:
    """The entity ids the records name (what ``AuditRow.of`` needs the names of)."""
    out: set[int] = set()
    for record in records:
        for key in ENTITY_FIELDS & set(record or ()):
            value = (record or {})[key]
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, int) and not isinstance(v, bool):
                    out.add(v)
    return out


def _entity_text(value: Any, names: Mapping[int, str]) -> Any:
    if isinstance(value, list):
        return [_entity_text(v, names) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return names.get(value, f"entity #{value}")
    return value


def value_text(value: Any, field: str = "", names: Mapping[int, str] | None = None) -> str:
    if field in ENTITY_FIELDS and names is not None:
        value = _entity_text(value, names)
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


def compute_diff(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    names: Mapping[int, str] | None = None,
) -> list[FieldChange]:
    """Every field of the two records, in the record's order; ``changed`` when both sides exist
    and the values differ (a creation or a deletion has nothing to compare). Entities are
    named from ``names`` (id -> name)."""
    old = before or {}
    new = after or {}
    fields = list(dict.fromkeys([*old, *new]))
    comparable = before is not None and after is not None
    return [
        FieldChange(
            name,
            value_text(old.get(name), name, names),
            value_text(new.get(name), name, names),
            comparable and old.get(name) != new.get(name),
        )
        for name in fields
    ]


def record_label(
    record: dict[str, Any] | None, table: str = "", names: Mapping[int, str] | None = None
) -> str:
    """A few words that say which record this is: its name, an assessment's reference
    ("TIA-0001-v1"), who sends data to whom and where."""
    if not record:
        return ""
    if table == "tias" and isinstance(record.get("revision"), int):
        series, rid = record.get("series_id"), record.get("id")
        reference = assessment_reference(
            series if isinstance(series, int) else None,
            rid if isinstance(rid, int) else None,
            record["revision"],
        )
        return f"{reference} {record.get('title') or ''}".strip()
    for key in ("name", "title", "key"):
        if record.get(key):
            return str(record[key])
    if isinstance(record.get("destination"), str):
        where = f"to {country_name(record['destination'])}"
        parties = [record.get("exporter_id"), record.get("importer_id")]
        if names is not None and all(isinstance(p, int) for p in parties):
            who = " → ".join(str(_entity_text(p, names)) for p in parties)
            return f"{who}, {where}"
        return where
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
    def of(cls, entry: AuditEntry, names: Mapping[int, str] | None = None) -> AuditRow:
        """``names``: the names of the entities the records refer to (``entity_ids``)."""
        before = parse_record(entry.before)
        after = parse_record(entry.after)
        return cls(
            entry,
            before,
            after,
            tuple(compute_diff(before, after, names)),
            record_label(after or before, entry.table, names),
        )

    @property
    def changed_fields(self) -> list[str]:
        return [c.field for c in self.changes if c.changed and c.field not in BOOKKEEPING]

    @property
    def record_text(self) -> str:
        rid = self.entry.record_id
        if self.label.startswith("TIA-"):
            return self.label  # the assessment's reference is its id
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
    return moment(at)


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
        self._needle = fold(text.strip())
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
        return needle in fold(e.actor) or needle in fold(row.label)
