"""Import a vendor or subprocessor list: preview every row as it will be saved, then write all
of it in one transaction, or none of it.

``ImportService.read(path)`` reads the file (the ``ListReader`` port), ``mapping_for(table)``
gives the remembered or guessed column mapping, ``preview(table, mapping)`` decides everything
(matches with entities already on the register, field-by-field changes, new locations and
transfers, problems per row) without writing, and ``apply(preview)`` writes it. Importing the
same file again matches every row and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from transfers_app.domain.columns import (
    LABELS,
    REPEATABLE,
    Field,
    Mapping,
    MappingError,
)
from transfers_app.domain.enums import (
    Access,
    Activity,
    EntityKind,
    Lifecycle,
    Role,
)
from transfers_app.domain.formatting import MECHANISM_LABELS
from transfers_app.domain.models import Entity, Location, MechanismUse, Transfer
from transfers_app.domain.names import name_key as _name_key
from transfers_app.domain.places import Place
from transfers_app.domain.validation import entity_problems
from transfers_app.domain.vendor_list import RowRecord, read_records
from transfers_app.domain.vendor_table import CellProblem, ImportFileError, Level, Table
from transfers_app.errors import RoleRefusedError, TransfersError
from transfers_app.paths import IMPORT_MAPPINGS_FILE
from transfers_app.ports.files import ListReader
from transfers_app.ports.storage import Store
from transfers_app.services.import_preview import (
    ENTITY_FIELDS,
    FIELD_OF_ATTR,
    VALUE_FIELDS,
    FieldChange,
    ImportFailed,
    ImportPreview,
    ImportResult,
    MappingMemory,
    Outcome,
    Plan,
    PlannedLocation,
    PreviewRow,
    describe_row,
    preview_lines,
    preview_to_json,
)

__all__ = [
    "LABELS",
    "REPEATABLE",
    "CellProblem",
    "Field",
    "ImportFailed",
    "ImportFileError",
    "ImportPreview",
    "ImportResult",
    "ImportService",
    "Level",
    "Mapping",
    "MappingError",
    "MappingMemory",
    "Outcome",
    "Table",
    "describe_row",
    "preview_lines",
    "preview_to_json",
]


# The dialog previews again on every change of the mapping: each name is folded once.
name_key = lru_cache(maxsize=200_000)(_name_key)

# Where the desktop app and the command line remember mappings (in the data folder).
MEMORY_FILE = IMPORT_MAPPINGS_FILE


# -- the service ----------------------------------------------------------------------------------


@dataclass
class _Group:
    """Rows of the file that name the same organisation (merged into one entity)."""

    key: str
    records: list[RowRecord]
    extra_problems: dict[int, list[CellProblem]] = field(default_factory=lambda: defaultdict(list))


class ImportService:
    def __init__(
        self,
        store: Store,
        lists: ListReader,
        today: date,
        memory: MappingMemory | None = None,
    ) -> None:
        self._store = store
        self.lists = lists
        self.today = today
        self.memory = memory
        self._index: (
            tuple[int, tuple[dict[str, list[Entity]], dict[str, list[Entity]], list[Entity]]] | None
        ) = None

    # -- reading & mapping --------------------------------------------------------------------

    def read(self, path: Path | str, sheet: str | None = None) -> Table:
        return self.lists.read(Path(path), sheet)

    def mapping_for(self, table: Table) -> tuple[Mapping, str]:
        """The mapping last confirmed for these headers, or a guess: (mapping, "remembered" or
        "guessed")."""
        if self.memory is not None:
            found = self.memory.recall(table.headers)
            if found is not None:
                return found, "remembered"
        return Mapping.guess(table.headers, table.samples()), "guessed"

    def remember(self, table: Table, mapping: Mapping) -> bool:
        return self.memory.remember(table.headers, mapping) if self.memory else False

    def own_entities(self) -> list[tuple[int, str]]:
        return [(e.id, e.name) for e in self._store.entities.own() if e.id is not None]

    # -- preview --------------------------------------------------------------------------------

    def preview(
        self, table: Table, mapping: Mapping, mapping_source: str = "guessed"
    ) -> ImportPreview:
        """Every row as it will be saved; nothing is written."""
        generation = self._store.audit.generation()
        result = read_records(table, mapping)
        notes = list(result.notes)
        if Field.NAME not in {f for _, f in mapping.columns}:
            notes.insert(0, "no column is mapped to the name: every row needs one")
        by_key, by_legal, own = self._register_index(generation)
        exporters = _ExporterLookup(own)
        default_exporter: Entity | None = None
        if mapping.exporter:
            default_exporter = exporters.find(mapping.exporter)
            if default_exporter is None:
                notes.append(
                    f"'{mapping.exporter}' is not one of our entities on the register: no "
                    "transfers are planned for rows that do not name one"
                )
        has_exporter_column = bool(mapping.headers_for(Field.EXPORTER))
        transfers_planned = default_exporter is not None or has_exporter_column
        if not transfers_planned:
            notes.append(
                "the file does not say which of our entities sends the data, so no transfers "
                "are created: add them from each entity's page (or map an exporter column, or "
                "choose our entity sending the data)"
            )

        groups: dict[str, _Group] = {}
        row_group: dict[int, _Group] = {}
        for rec in result.records:
            if rec.has_errors:
                continue
            key = name_key(rec.name)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(key, [rec])
            else:
                group.records.append(rec)
                group.extra_problems[rec.number].append(
                    CellProblem(
                        rec.number,
                        rec.columns.get(Field.NAME.value, ""),
                        Level.WARNING,
                        f"same organisation as row {group.records[0].number}: merged into one "
                        "entity",
                    )
                )
            row_group[rec.number] = group

        locations_by_entity: dict[int, list[Location]] | None = None
        transfer_keys: set[tuple[int, int, str, Access]] | None = None
        plans: list[Plan] = []
        plan_of_group: dict[str, int] = {}
        plan_problems: dict[int, list[CellProblem]] = defaultdict(list)
        for group in groups.values():
            match, how, match_notes = _match(group, by_key, by_legal)
            first = group.records[0]
            for message in match_notes:
                plan_problems[first.number].append(
                    CellProblem(first.number, first.columns.get("name", ""), Level.WARNING, message)
                )
            if match is not None and match.id is not None:
                if locations_by_entity is None:
                    locations_by_entity = defaultdict(list)
                    for loc in self._store.entities.locations():
                        locations_by_entity[loc.entity_id].append(loc)
                if transfers_planned and transfer_keys is None:
                    transfer_keys = {
                        (t.exporter_id, t.importer_id, t.destination, t.access)
                        for t in self._store.transfers.list()
                    }
            plan, problems = self._plan(
                group,
                match,
                how,
                mapping,
                exporters,
                default_exporter,
                (locations_by_entity or {}).get(match.id or -1, []) if match else [],
                transfer_keys or set(),
                table.source,
            )
            for p in problems:
                plan_problems[p.row].append(p)
            if plan is None:
                for rec in group.records:
                    row_group.pop(rec.number, None)
                continue
            plan_of_group[group.key] = len(plans)
            plans.append(plan)

        rows: list[PreviewRow] = []
        for rec in result.records:
            group_of_row = row_group.get(rec.number)
            extra = plan_problems.get(rec.number, [])
            if group_of_row is not None:
                extra = [*group_of_row.extra_problems.get(rec.number, []), *extra]
            row_problems = (*rec.problems, *extra)
            plan_index = plan_of_group.get(group_of_row.key) if group_of_row else None
            outcome = Outcome.SKIPPED if plan_index is None else plans[plan_index].outcome
            countries = tuple(
                dict.fromkeys(
                    p.code
                    for p in (*rec.locations, *rec.support_locations, rec.address_place)
                    if p is not None and p.code
                )
            )
            review = tuple(p.text for p in (*rec.locations, *rec.support_locations) if not p.code)
            rows.append(
                PreviewRow(
                    rec.number, rec.name, outcome, plan_index, countries, review, row_problems
                )
            )
        if result.blank_rows:
            notes.append(f"{result.blank_rows} blank rows skipped")
        return ImportPreview(
            source=table.source,
            table=table,
            mapping=mapping,
            mapping_source=mapping_source,
            rows=tuple(rows),
            plans=tuple(plans),
            notes=tuple(notes),
            generation=generation,
            on=self.today,
            transfers_planned=transfers_planned,
            exporter_names=exporters.names,
        )

    def _register_index(
        self, generation: int
    ) -> tuple[dict[str, list[Entity]], dict[str, list[Entity]], list[Entity]]:
        """Entities on the register by name key and legal-name key, and our own entities; read
        once per register generation (the dialog previews again on every change)."""
        if self._index is not None and self._index[0] == generation:
            return self._index[1]
        by_key: dict[str, list[Entity]] = defaultdict(list)
        by_legal: dict[str, list[Entity]] = defaultdict(list)
        existing = self._store.entities.list(include_archived=True)
        for e in existing:
            by_key[name_key(e.name)].append(e)
            if e.legal_name.strip():
                by_legal[name_key(e.legal_name)].append(e)
        own = [e for e in existing if e.is_own and e.archived_at is None]
        self._index = (generation, (by_key, by_legal, own))
        return by_key, by_legal, own

    def _plan(
        self,
        group: _Group,
        match: Entity | None,
        how: str,
        mapping: Mapping,
        exporters: _ExporterLookup,
        default_exporter: Entity | None,
        existing_locations: list[Location],
        transfer_keys: set[tuple[int, int, str, Access]],
        source: str,
    ) -> tuple[Plan | None, list[CellProblem]]:
        records = group.records
        first = records[0]
        problems: list[CellProblem] = []

        def col(f: Field) -> str:
            for r in records:
                if f.value in r.columns:
                    return r.columns[f.value]
            return ""

        # Values: the first row that gives one wins; a later row that disagrees is told so.
        values: dict[str, Any] = {}
        if len(records) == 1:  # the common case, quickly
            for attr, _f, _label in VALUE_FIELDS:
                v = getattr(first, attr)
                if v is not None and v != "":
                    values[attr] = (v, first.number)
        for attr, f, label in VALUE_FIELDS if len(records) > 1 else ():
            for r in records:
                v = getattr(r, attr)
                if v in ("", None):
                    continue
                if attr not in values:
                    values[attr] = (v, r.number)
                elif values[attr][0] != v and attr != "name":
                    problems.append(
                        CellProblem(
                            r.number,
                            r.columns.get(f.value, ""),
                            Level.WARNING,
                            f"the {label} differs from row {values[attr][1]}; row "
                            f"{values[attr][1]}'s is kept",
                        )
                    )

        def value(attr: str, default: Any = "") -> Any:
            return values[attr][0] if attr in values else default

        role: Role = value("role", None) or mapping.role
        kind: EntityKind | None = value("kind", None)

        # Places: processing and support locations, and the country of the address.
        places: list[tuple[Place, Activity]] = []
        for r in records:
            places.extend((p, Activity.HOSTING) for p in r.locations)
            places.extend((p, Activity.SUPPORT) for p in r.support_locations)
            if r.address_place is not None:
                places.append((r.address_place, Activity.HEADQUARTERS))
        planned: dict[str, PlannedLocation] = {}
        review: list[str] = []
        for p, activity in places:
            if p.code is None:
                if p.text not in review:
                    review.append(p.text)
                continue
            if p.code not in planned:
                planned[p.code] = PlannedLocation(p.code, activity, p.city)
        have = {loc.country for loc in existing_locations if loc.archived_at is None}
        new_locations = tuple(loc for c, loc in planned.items() if c not in have)

        # Transfers, when the file (or the mapping) says which of our entities sends the data.
        transfers: list[Transfer] = []
        transfer_rows: list[tuple[RowRecord, Entity]] = []
        for r in records:
            exporter = default_exporter
            if r.exporter:
                exporter = exporters.find(r.exporter)
                if exporter is None:
                    problems.append(
                        CellProblem(
                            r.number,
                            r.columns.get(Field.EXPORTER.value, ""),
                            Level.WARNING,
                            f"'{r.exporter}' is not one of our entities on the register: no "
                            "transfer is created for this row",
                        )
                    )
            if exporter is not None:
                transfer_rows.append((r, exporter))
        importer_id = match.id if match is not None and match.id is not None else 0
        planned_keys: dict[tuple[int, str, Access], int] = {}
        for r, exporter in transfer_rows:
            assert exporter.id is not None
            if exporter.id == importer_id:
                problems.append(
                    CellProblem(
                        r.number,
                        r.columns.get(Field.NAME.value, ""),
                        Level.WARNING,
                        "this is the entity sending the data: no transfer to itself",
                    )
                )
                continue
            destinations = [(p, Access.STORAGE) for p in r.locations if p.code]
            destinations += [(p, Access.REMOTE_ACCESS) for p in r.support_locations if p.code]
            if not destinations and r.address_place is not None and r.address_place.code:
                destinations = [(r.address_place, Access.STORAGE)]
            for p, access in destinations:
                assert p.code is not None
                key = (exporter.id, p.code, access)
                if (exporter.id, importer_id, p.code, access) in transfer_keys:
                    continue
                if key in planned_keys:
                    i = planned_keys[key]
                    t = transfers[i]
                    transfers[i] = replace(
                        t,
                        service=_join_unique(t.service, r.service),
                        purpose=_join_unique(t.purpose, r.purpose),
                        data_categories=tuple(dict.fromkeys(t.data_categories + r.data_categories)),
                        data_subjects=tuple(dict.fromkeys(t.data_subjects + r.data_subjects)),
                    )
                    continue
                planned_keys[key] = len(transfers)
                transfers.append(
                    Transfer(
                        exporter_id=exporter.id,
                        importer_id=importer_id,
                        destination=p.code,
                        access=access,
                        importer_role=role,
                        exporter_role=(
                            Role.PROCESSOR if role is Role.SUBPROCESSOR else Role.CONTROLLER
                        ),
                        service=r.service,
                        purpose=r.purpose,
                        data_categories=r.data_categories,
                        data_subjects=r.data_subjects,
                        mechanisms=tuple(MechanismUse(m) for m in r.mechanisms),
                        notes=f"Imported from {source}, row {r.number}.",
                    )
                )

        # What the register has no field for goes into the entity's notes, line by line.
        lines: list[str] = []
        for r in records:
            if r.notes:
                lines.append(r.notes)
        if not transfer_rows:
            for r in records:
                if r.service:
                    lines.append(f"Service: {r.service}")
                if r.purpose:
                    lines.append(f"Purpose: {r.purpose}")
                if r.data_categories:
                    lines.append("Data categories: " + ", ".join(r.data_categories))
                if r.data_subjects:
                    lines.append("Data subjects: " + ", ".join(r.data_subjects))
                if r.mechanisms:
                    lines.append(
                        "Transfer mechanism: "
                        + ", ".join(MECHANISM_LABELS[m] for m in r.mechanisms)
                    )
        if value("role", None) and not transfer_rows:
            lines.append(f"Role: {role.value}")
        for r in records:
            lines.extend(r.extra_notes)
        lines.extend(f"Location to review: {text}" for text in review)
        lines = list(dict.fromkeys(line for line in lines if line))

        lifecycle: Lifecycle | None = value("lifecycle", None)
        active_on: date | None = value("active_on", None)
        if match is None:
            life = lifecycle or Lifecycle.ACTIVE
            entity = Entity(
                name=value("name"),
                kind=kind or mapping.kind,
                legal_name=value("legal_name"),
                registration_number=value("registration_number"),
                address=value("address"),
                contact_name=value("contact_name"),
                contact_email=value("contact_email"),
                website=value("website"),
                owner=value("owner"),
                notes="\n".join(lines),
                lifecycle=life,
                proposed_on=self.today if life is Lifecycle.PROPOSED else None,
                active_on=active_on,
            )
            changes: list[FieldChange] = []
        else:
            entity, changes = _merge_into(
                match, values, kind, lifecycle, active_on, lines, self.today, problems, first
            )
        for problem in entity_problems(entity):
            source_field = FIELD_OF_ATTR.get(problem.field)
            problems.append(
                CellProblem(
                    first.number,
                    col(source_field) if source_field else "",
                    Level.ERROR,
                    f"{problem.field.replace('_', ' ')} {problem.message}: the row is not imported",
                )
            )
        if any(p.level is Level.ERROR for p in problems):
            return None, problems
        countries = tuple(dict.fromkeys([*(loc.country for loc in existing_locations), *planned]))
        if match is None:
            outcome = Outcome.NEW
        elif changes or new_locations or transfers:
            outcome = Outcome.CHANGED
        else:
            outcome = Outcome.UNCHANGED
        plan = Plan(
            rows=tuple(r.number for r in records),
            entity=entity,
            existing=match,
            match=how,
            outcome=outcome,
            changes=tuple(changes),
            new_locations=new_locations,
            countries=countries,
            new_transfers=tuple(transfers),
            review=tuple(review),
        )
        return plan, problems

    # -- apply ----------------------------------------------------------------------------------

    def apply(self, preview: ImportPreview) -> ImportResult:
        """Write the preview: every new and changed entity, location and transfer, in one
        transaction. On any failure nothing is written and ``ImportFailed`` names the row."""
        if not preview.importable:
            raise ImportFailed(
                f"nothing to import from {preview.source}: every row is unchanged or has an error"
            )
        if self._store.audit.generation() != preview.generation:
            raise ImportFailed(
                "the register changed since the preview was made: preview the file again "
                "(nothing was imported)"
            )
        try:
            return self._write(preview)
        except ImportFailed:
            raise
        except TransfersError as exc:  # the transaction was rolled back
            raise _failed(exc) from None

    def _write(self, preview: ImportPreview) -> ImportResult:
        updated = 0
        ids: list[int] = []
        new_plans = [p for p in preview.plans if p.existing is None]
        new_locations: list[Location] = []
        new_transfers: list[Transfer] = []
        with self._store.transaction() as tx:
            for plan in preview.plans:
                if plan.existing is None or plan.outcome is Outcome.UNCHANGED:
                    continue
                try:
                    saved = (
                        tx.entities.update(plan.entity) if plan.entity_changed else plan.existing
                    )
                except TransfersError as exc:
                    raise _failed(exc, f"row {plan.rows[0]} ('{plan.entity.name}'): ") from None
                updated += 1
                assert saved.id is not None
                ids.append(saved.id)
                new_locations.extend(
                    Location(saved.id, loc.country, loc.activity, city=loc.city)
                    for loc in plan.new_locations
                )
                new_transfers.extend(replace(t, importer_id=saved.id) for t in plan.new_transfers)
            for i, plan in enumerate(new_plans):
                new_locations.extend(
                    Location(-(i + 1), loc.country, loc.activity, city=loc.city)
                    for loc in plan.new_locations
                )
                new_transfers.extend(replace(t, importer_id=-(i + 1)) for t in plan.new_transfers)
            try:
                ids.extend(
                    tx.records.add_many([p.entity for p in new_plans], new_locations, new_transfers)
                )
            except TransfersError as exc:
                raise _failed(exc) from None
            created, locations, transfers = len(new_plans), len(new_locations), len(new_transfers)
            tx.audit.note(
                "import",
                f"imported {preview.source}: {created} new, {updated} changed, "
                f"{locations} locations, {transfers} transfers",
            )
        return ImportResult(
            source=preview.source,
            created=created,
            updated=updated,
            unchanged=preview.count(Outcome.UNCHANGED),
            skipped_rows=preview.count(Outcome.SKIPPED),
            locations_added=locations,
            transfers_added=transfers,
            to_review=preview.review_count,
            entity_ids=tuple(ids),
        )


# -- helpers ------------------------------------------------------------------------------------


def _join_unique(a: str, b: str) -> str:
    if not b or b == a:
        return a
    if not a:
        return b
    parts = [p.strip() for p in a.split(";")]
    return a if b in parts else f"{a}; {b}"


class _ExporterLookup:
    """Our own entities by name or legal name, forgiving of legal forms and small typos."""

    def __init__(self, own: Sequence[Entity]) -> None:
        self.own = list(own)
        self.names = {e.id: e.name for e in self.own if e.id is not None}
        self.by_key: dict[str, Entity] = {}
        for e in self.own:
            for text in (e.name, e.legal_name):
                if text.strip():
                    self.by_key.setdefault(name_key(text), e)
        self._cache: dict[str, Entity | None] = {}

    def find(self, text: str) -> Entity | None:
        if text in self._cache:
            return self._cache[text]
        key = name_key(text)
        found = self.by_key.get(key)
        if found is None and key and self.by_key:
            from rapidfuzz import fuzz, process

            hit = process.extractOne(
                key, list(self.by_key), scorer=fuzz.token_set_ratio, score_cutoff=90
            )
            if hit is not None:
                found = self.by_key[hit[0]]
        self._cache[text] = found
        return found


def _match(
    group: _Group, by_key: dict[str, list[Entity]], by_legal: dict[str, list[Entity]]
) -> tuple[Entity | None, str, list[str]]:
    """The entity on the register this group is, by name or legal name (live ones first)."""
    notes: list[str] = []
    legal_keys = [name_key(r.legal_name) for r in group.records if r.legal_name.strip()]
    tries: list[tuple[str, list[Entity]]] = [
        ("name", by_key.get(group.key, [])),
        ("legal name", by_legal.get(group.key, [])),
    ]
    for k in legal_keys:
        tries.append(("legal name", by_legal.get(k, []) + by_key.get(k, [])))
    archived: Entity | None = None
    for how, found in tries:
        live = sorted((e for e in found if e.archived_at is None), key=lambda e: e.id or 0)
        if live:
            if len({e.id for e in live}) > 1:
                notes.append(
                    f"{len({e.id for e in live})} entities on the register have this name; "
                    f"matched the first (entity {live[0].id})"
                )
            return live[0], how, notes
        if found and archived is None:
            archived = found[0]
    if archived is not None:
        notes.append(
            f"an archived entity '{archived.name}' has this name: a new entity is created "
            "(restore the archived one instead if it is the same)"
        )
    return None, "", notes


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def _merge_into(
    existing: Entity,
    values: dict[str, Any],
    kind: EntityKind | None,
    lifecycle: Lifecycle | None,
    active_on: date | None,
    lines: list[str],
    today: date,
    problems: list[CellProblem],
    first: RowRecord,
) -> tuple[Entity, list[FieldChange]]:
    """``existing`` with what the file says: a value in the file replaces the register's, an
    empty cell leaves it; names equal but for case, accents or legal form are not changes;
    note lines not yet in the notes are added below them."""
    updates: dict[str, Any] = {}
    changes: list[FieldChange] = []
    for attr, _f, label in ENTITY_FIELDS:
        if attr not in values:
            continue
        new = values[attr][0]
        old = getattr(existing, attr)
        if attr == "legal_name" and name_key(new) == name_key(old):
            continue
        if attr == "website" and new.rstrip("/").casefold() == old.rstrip("/").casefold():
            continue
        if " ".join(str(new).split()) != " ".join(str(old).split()):
            updates[attr] = new
            changes.append(FieldChange(attr, label, old, new))
    if existing.is_own:
        problems.append(
            CellProblem(
                first.number,
                first.columns.get(Field.NAME.value, ""),
                Level.WARNING,
                f"matches our own entity '{existing.name}': its kind and status are left as "
                "they are",
            )
        )
    else:
        if kind is not None and kind is not existing.kind:
            updates["kind"] = kind
            changes.append(FieldChange("kind", "kind", existing.kind.value, kind.value))
        if lifecycle is not None and lifecycle is not existing.lifecycle:
            updates["lifecycle"] = lifecycle
            changes.append(
                FieldChange("lifecycle", "status", existing.lifecycle.value, lifecycle.value)
            )
            if lifecycle is Lifecycle.PROPOSED and existing.proposed_on is None:
                updates["proposed_on"] = today
    if active_on is not None and active_on != existing.active_on:
        updates["active_on"] = active_on
        changes.append(
            FieldChange("active_on", "start date", _text(existing.active_on), active_on.isoformat())
        )
    missing = [line for line in lines if line not in existing.notes]
    if missing:
        added = "\n".join(missing)
        updates["notes"] = f"{existing.notes.rstrip()}\n{added}" if existing.notes else added
        changes.append(FieldChange("notes", "notes", "", added.replace("\n", " / ")))
    return (replace(existing, **updates) if updates else existing), changes


def _failed(exc: TransfersError, where: str = "") -> ImportFailed:
    """The import refused, ``where`` (a row) and why; a refusal of the user's role already
    says that nothing was changed, and what to do."""
    if isinstance(exc, RoleRefusedError):
        return ImportFailed(f"{where}{exc}")
    return ImportFailed(f"{where}{exc}; nothing was imported")
