"""What an import will do, before it does it: the preview of every row (matches, field
changes, new locations and transfers, problems), its result, the mappings remembered per set of
headers, and the preview as JSON and lines for the command line (``import --dry-run [--json]``).
``transfers_app.services.importing.ImportService`` builds it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from transfers_app.domain.columns import Field, Mapping, MappingError, header_set_key
from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Access, Activity
from transfers_app.domain.models import Entity, Transfer
from transfers_app.domain.vendor_table import CellProblem, Level, Table
from transfers_app.errors import TransfersError


class ImportFailed(TransfersError):
    """The import was refused or rolled back; nothing was written."""


class Outcome(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"  # the row has an error and is not imported


OUTCOME_LABELS = {
    Outcome.NEW: "New",
    Outcome.CHANGED: "Changed",
    Outcome.UNCHANGED: "Unchanged",
    Outcome.SKIPPED: "Not imported",
}


# Entity fields a row may set, with the file field they come from (for messages).
ENTITY_FIELDS: tuple[tuple[str, Field, str], ...] = (
    ("legal_name", Field.LEGAL_NAME, "legal name"),
    ("registration_number", Field.REGISTRATION_NUMBER, "registration number"),
    ("address", Field.ADDRESS, "address"),
    ("contact_name", Field.CONTACT_NAME, "contact name"),
    ("contact_email", Field.CONTACT_EMAIL, "contact email"),
    ("website", Field.WEBSITE, "website"),
    ("owner", Field.OWNER, "owner"),
)
VALUE_FIELDS: tuple[tuple[str, Field, str], ...] = (
    ("name", Field.NAME, "name"),
    *ENTITY_FIELDS,
    ("kind", Field.KIND, "kind"),
    ("role", Field.ROLE, "role"),
    ("lifecycle", Field.LIFECYCLE, "status"),
    ("active_on", Field.ACTIVE_ON, "start date"),
)
FIELD_OF_ATTR = {
    "name": Field.NAME,
    "contact_email": Field.CONTACT_EMAIL,
    "website": Field.WEBSITE,
    "active_on": Field.ACTIVE_ON,
    "offboarded_on": Field.LIFECYCLE,
}
_ACTIVITY_LABEL = {
    Activity.HOSTING: "processing",
    Activity.SUPPORT: "support",
    Activity.HEADQUARTERS: "headquarters",
    Activity.BACKUP: "backup",
    Activity.FOLLOW_THE_SUN: "follow the sun",
}


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str

    def __str__(self) -> str:
        if not self.before:
            return f"{self.label}: + {self.after}"
        return f"{self.label}: {self.before} -> {self.after}"


@dataclass(frozen=True, slots=True)
class PlannedLocation:
    country: str
    activity: Activity
    city: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """What one organisation in the file becomes on the register."""

    rows: tuple[int, ...]
    entity: Entity  # as it will be saved (the match's id and version when there is one)
    existing: Entity | None
    match: str  # "name", "legal name" or "" (new)
    outcome: Outcome
    changes: tuple[FieldChange, ...]  # of the entity's fields (``ImportPreview.changes_of``
    # adds the new locations and transfers)
    new_locations: tuple[PlannedLocation, ...]
    countries: tuple[str, ...]  # every country of the entity after the import
    new_transfers: tuple[Transfer, ...]  # importer_id 0 until a new entity has its id
    review: tuple[str, ...]  # places a human must resolve

    @property
    def entity_changed(self) -> bool:
        return self.existing is None or self.entity != self.existing


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One row of the file as it will be saved (or why it will not be)."""

    number: int
    name: str
    outcome: Outcome
    plan: int | None  # index into ImportPreview.plans
    countries: tuple[str, ...]  # the countries this row gives
    review: tuple[str, ...]
    problems: tuple[CellProblem, ...]

    @property
    def errors(self) -> tuple[CellProblem, ...]:
        return tuple(p for p in self.problems if p.level is Level.ERROR)


@dataclass(frozen=True)
class ImportPreview:
    source: str
    table: Table
    mapping: Mapping
    mapping_source: str  # "file", "remembered" or "guessed"
    rows: tuple[PreviewRow, ...]
    plans: tuple[Plan, ...]
    notes: tuple[str, ...]  # about the whole file
    generation: int  # the register's generation the preview was made against
    on: date
    transfers_planned: bool
    exporter_names: dict[int, str] = field(default_factory=dict)
    _counts: Counter[Outcome] = field(default_factory=Counter, repr=False)

    def __post_init__(self) -> None:
        self._counts.update(p.outcome for p in self.plans)
        self._counts[Outcome.SKIPPED] = sum(1 for r in self.rows if r.outcome is Outcome.SKIPPED)

    def count(self, outcome: Outcome) -> int:
        """Entities new, changed or unchanged; rows not imported (``SKIPPED``)."""
        return self._counts[outcome]

    @property
    def importable(self) -> bool:
        """There is something to write."""
        return bool(self._counts[Outcome.NEW] or self._counts[Outcome.CHANGED])

    @property
    def review_count(self) -> int:
        return sum(len(r.review) for r in self.rows)

    @property
    def problems(self) -> list[CellProblem]:
        return [p for r in self.rows for p in r.problems]

    def plan_of(self, row: PreviewRow) -> Plan | None:
        return None if row.plan is None else self.plans[row.plan]

    def changes_of(self, plan: Plan) -> list[FieldChange]:
        """Every change a plan makes: its fields, then each new location and transfer (worded
        here, on demand: a large file has tens of thousands)."""
        out = list(plan.changes)
        for loc in plan.new_locations:
            where = country_name(loc.country) + (f" ({loc.city})" if loc.city else "")
            out.append(
                FieldChange("locations", f"{_ACTIVITY_LABEL[loc.activity]} location", "", where)
            )
        for t in plan.new_transfers:
            sender = self.exporter_names.get(t.exporter_id, f"entity {t.exporter_id}")
            remote = " (remote access)" if t.access is Access.REMOTE_ACCESS else ""
            out.append(
                FieldChange(
                    "transfers",
                    "transfer",
                    "",
                    f"from {sender} to {country_name(t.destination)}{remote}",
                )
            )
        return out

    def summary(self) -> str:
        parts = [
            f"{self.count(Outcome.NEW)} new",
            f"{self.count(Outcome.CHANGED)} changed",
            f"{self.count(Outcome.UNCHANGED)} unchanged",
        ]
        text = ", ".join(parts) + f" ({len(self.plans)} entities from {len(self.rows)} rows)"
        skipped = self.count(Outcome.SKIPPED)
        if skipped:
            text += f"; {skipped} row{'s' if skipped != 1 else ''} not imported"
        if self.review_count:
            text += f"; {self.review_count} location{'s' if self.review_count != 1 else ''} "
            text += "to review"
        return text


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    created: int
    updated: int
    unchanged: int
    skipped_rows: int
    locations_added: int
    transfers_added: int
    to_review: int
    entity_ids: tuple[int, ...]

    def summary(self) -> str:
        text = (
            f"Imported {self.source}: {self.created} new, {self.updated} changed, "
            f"{self.unchanged} unchanged; {self.locations_added} locations and "
            f"{self.transfers_added} transfers added"
        )
        if self.skipped_rows:
            text += f"; {self.skipped_rows} rows not imported"
        if self.to_review:
            text += f"; {self.to_review} locations to review (see each entity's notes)"
        return text


# -- remembered mappings ------------------------------------------------------------------------


class MappingMemory:
    """The last mapping confirmed for each set of headers, in a JSON file in the data folder."""

    LIMIT = 100

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        maps = data.get("mappings") if isinstance(data, dict) else None
        return maps if isinstance(maps, dict) else {}

    def recall(self, headers: Sequence[str]) -> Mapping | None:
        raw = self._load().get(header_set_key(headers))
        if raw is None:
            return None
        try:
            mapping = Mapping.from_dict(raw, "remembered mapping")
        except MappingError:
            return None
        if mapping.missing_headers(headers):
            return None
        return mapping

    def remember(self, headers: Sequence[str], mapping: Mapping) -> bool:
        """Keep ``mapping`` for these headers; False if the file cannot be written (the import
        itself does not depend on it)."""
        maps = self._load()
        key = header_set_key(headers)
        maps.pop(key, None)
        maps[key] = mapping.to_dict()
        while len(maps) > self.LIMIT:
            maps.pop(next(iter(maps)))
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(
                json.dumps({"version": 1, "mappings": maps}, ensure_ascii=False, indent=1), "utf-8"
            )
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)
            return False
        return True


# -- JSON (CLI) -------------------------------------------------------------------------------


def preview_to_json(preview: ImportPreview, result: ImportResult | None = None) -> dict[str, Any]:
    table = preview.table
    rows: list[dict[str, Any]] = []
    for r in preview.rows:
        plan = preview.plan_of(r)
        first_row = plan is not None and plan.rows[0] == r.number
        rows.append(
            {
                "row": r.number,
                "name": r.name,
                "outcome": r.outcome.value,
                "entity_id": plan.existing.id if plan and plan.existing else None,
                "matched_by": plan.match if plan else "",
                "countries": list(r.countries),
                "review": list(r.review),
                "changes": (
                    [
                        {"field": c.field, "label": c.label, "before": c.before, "after": c.after}
                        for c in preview.changes_of(plan)
                    ]
                    if plan and first_row
                    else []
                ),
                "merged_into_row": plan.rows[0] if plan and not first_row else None,
                "problems": [
                    {"row": p.row, "column": p.column, "level": p.level.value, "message": p.message}
                    for p in r.problems
                ],
            }
        )
    out: dict[str, Any] = {
        "file": preview.source,
        "read_as": {
            "encoding": table.encoding or None,
            "delimiter": table.delimiter or None,
            "sheet": table.sheet or None,
            "header_row": table.header_row,
        },
        "mapping": preview.mapping.to_dict(),
        "mapping_source": preview.mapping_source,
        "summary": {
            "rows": len(preview.rows),
            "entities": len(preview.plans),
            "new": preview.count(Outcome.NEW),
            "changed": preview.count(Outcome.CHANGED),
            "unchanged": preview.count(Outcome.UNCHANGED),
            "not_imported": preview.count(Outcome.SKIPPED),
            "locations_to_review": preview.review_count,
            "transfers_planned": sum(len(p.new_transfers) for p in preview.plans),
        },
        "notes": list(preview.notes),
        "rows": rows,
        "written": result is not None,
    }
    if result is not None:
        out["result"] = {
            "created": result.created,
            "updated": result.updated,
            "locations_added": result.locations_added,
            "transfers_added": result.transfers_added,
        }
    return out


def describe_row(preview: ImportPreview, row: PreviewRow) -> Iterable[str]:
    """Lines saying what happens to one row (for the command line)."""
    plan = preview.plan_of(row)
    if plan is not None and plan.rows[0] == row.number:
        for c in preview.changes_of(plan):
            yield str(c)
    elif plan is not None:
        yield f"merged into row {plan.rows[0]}"
    for p in row.problems:
        yield f"{p.level.value}: {p}"


def preview_lines(
    preview: ImportPreview, result: ImportResult | None = None, dry_run: bool = False
) -> list[str]:
    """The preview (and what was written) as text for the command line: every row that is
    new, changed or has a problem; unchanged rows are counted, not listed."""
    out = [f"Read {preview.source}: {preview.table.describe()}"]
    mapped = ", ".join(f"'{h}' -> {f.value}" for h, f in preview.mapping.columns)
    ignored = [h for h in preview.table.headers if preview.mapping.field_of(h) is None]
    out.append(f"Columns ({preview.mapping_source}): {mapped or 'none'}")
    if ignored:
        out.append("Ignored columns: " + ", ".join(f"'{h}'" for h in ignored))
    for row in preview.rows:
        if row.outcome is Outcome.UNCHANGED and not row.problems:
            continue
        plan = preview.plan_of(row)
        who = ""
        if plan is not None and plan.existing is not None:
            who = f" (entity {plan.existing.id}, same {plan.match})"
        where = ", ".join(row.countries) or "-"
        out.append(
            f"  row {row.number:<5} {OUTCOME_LABELS[row.outcome]:<12} {row.name}{who}: {where}"
        )
        out.extend(f"      {line}" for line in describe_row(preview, row))
    out.extend(f"Note: {n}" for n in preview.notes)
    out.append(f"Summary: {preview.summary()}")
    if result is not None:
        out.append(result.summary())
    elif dry_run:
        out.append("Dry run: nothing was written.")
    else:
        out.append("Nothing to import: every row is unchanged or has an error.")
    return out
