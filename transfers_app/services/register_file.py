"""Loading a register file (the lossless JSON export) into an empty register: every record
checked first (the editors' rules, every reference resolved), then written in one go."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from transfers_app.domain.audit_chain import is_hash
from transfers_app.domain.organisation import follow_up_problems, profile_problems
from transfers_app.domain.validation import problems
from transfers_app.errors import RegisterFileError, TransfersError, ValidationError
from transfers_app.ports.files import RegisterFile, RegisterFileCodec
from transfers_app.ports.storage import RegisterRecords, Store
from transfers_app.services.register_shape import first_problem


@dataclass(frozen=True, slots=True)
class ImportResult:
    path: Path
    counts: Mapping[str, int]  # records loaded per table
    exported_at: datetime | None
    reference_version: str
    missing_files: tuple[str, ...] = field(default=())  # SHA-256 of files not in the store


def _where(table: str, index: int, obj: object) -> str:
    rid = getattr(obj, "id", None)
    label = getattr(obj, "name", None) or getattr(obj, "title", None)
    label = label or getattr(obj, "subprocessor_name", None)
    bits = [f"id {rid}"] if rid is not None else []
    if isinstance(label, str) and label:
        bits.append(repr(label[:60]))
    return f"{table}[{index}]" + (f" ({', '.join(bits)})" if bits else "")


def check_records(records: RegisterRecords, source: str = "the file") -> None:
    """Every record valid on its own (the editors' rules) and every reference resolved, or a
    ``RegisterFileError`` naming the first record that is not."""

    def fail(table: str, index: int, obj: object, message: str) -> None:
        raise RegisterFileError(f"{source}: {_where(table, index, obj)}: {message}")

    def ids(table: str, objs: Sequence[Any]) -> set[int]:
        seen: set[int] = set()
        for i, obj in enumerate(objs):
            if obj.id is None:
                fail(table, i, obj, "id: is missing")
            if obj.id in seen:
                fail(table, i, obj, f"id: {obj.id} is used twice")
            seen.add(obj.id)
        return seen

    entity_ids = ids("entities", records.entities)
    ids("locations", records.locations)
    doc_ids = ids("documents", records.documents)
    transfer_ids = ids("transfers", records.transfers)
    tia_ids = ids("tias", records.tias)
    ids("catalogue", records.catalogue)
    ids("publications", records.publications)
    ids("subprocessor_notices", records.notices)
    hashes = {f.sha256 for f in records.files}

    def refer(
        table: str, i: int, obj: object, what: str, value: int | None, pool: set[int]
    ) -> None:
        if value is not None and value not in pool:
            fail(table, i, obj, f"{what}: refers to {value}, which is not in the file")

    def valid(table: str, i: int, obj: Any) -> None:
        found: list[ValidationError] = problems(obj)
        if found:
            fail(table, i, obj, str(found[0]))

    for i, f in enumerate(records.files):
        if len(f.sha256) != 64 or any(c not in "0123456789abcdef" for c in f.sha256):
            fail("files", i, f, f"sha256: {f.sha256!r} is not a SHA-256 in lower-case hex")
    for i, e in enumerate(records.entities):
        valid("entities", i, e)
        refer("entities", i, e, "parent_id", e.parent_id, entity_ids)
    for i, loc in enumerate(records.locations):
        valid("locations", i, loc)
        refer("locations", i, loc, "entity_id", loc.entity_id, entity_ids)
    for i, d in enumerate(records.documents):
        valid("documents", i, d)
        for p in d.party_ids:
            refer("documents", i, d, "party_ids", p, entity_ids)
        refer("documents", i, d, "series_id", d.series_id, doc_ids)
        refer("documents", i, d, "supersedes_id", d.supersedes_id, doc_ids)
        if d.file_sha256 is not None and d.file_sha256 not in hashes:
            fail("documents", i, d, f"file_sha256: {d.file_sha256} is not among the files")
    for i, t in enumerate(records.transfers):
        valid("transfers", i, t)
        refer("transfers", i, t, "exporter_id", t.exporter_id, entity_ids)
        refer("transfers", i, t, "importer_id", t.importer_id, entity_ids)
        refer("transfers", i, t, "parent_transfer_id", t.parent_transfer_id, transfer_ids)
        for u in t.mechanisms:
            refer("transfers", i, t, "mechanisms.document_id", u.document_id, doc_ids)
    for i, a in enumerate(records.tias):
        valid("tias", i, a)
        for tid in a.transfer_ids:
            refer("tias", i, a, "transfer_id", tid, transfer_ids)
        refer("tias", i, a, "series_id", a.series_id, tia_ids)
    hostile = first_problem(records)  # ids below 1, loops, file names that are paths
    if hostile is not None:
        fail(*hostile)
    seen: set[tuple[str, str]] = set()
    for i, c in enumerate(records.catalogue):
        if c.catalogue not in ("data_category", "data_subject"):
            fail("catalogue", i, c, f"catalogue: {c.catalogue!r} is not a catalogue")
        if not c.name.strip():
            fail("catalogue", i, c, "name: is required")
        if (c.catalogue, c.name) in seen:
            fail("catalogue", i, c, f"name: {c.name!r} is listed twice")
        seen.add((c.catalogue, c.name))
    ids("audit", records.audit)
    for i, entry in enumerate(records.audit):
        # Kept verbatim: a wrong hash is the chain's to report (``audit verify``), but a value
        # that is not a hash at all is a damaged file.
        for column, text in (("hash", entry.hash), ("prev_hash", entry.prev_hash)):
            if not is_hash(text):
                fail("audit", i, entry, f"{column}: {text[:70]!r} is not a SHA-256 in hex")
    for i, n in enumerate(records.notices):
        valid("subprocessor_notices", i, n)
        if n.notice_period_days is None or n.objection_deadline is None:
            fail(
                "subprocessor_notices", i, n,
                "notice_period_days and objection_deadline: are required",
            )  # fmt: skip
        for what, value in (
            ("processor_id", n.processor_id),
            ("subprocessor_id", n.subprocessor_id),
            ("replaces_id", n.replaces_id),
        ):
            refer("subprocessor_notices", i, n, what, value, entity_ids)
    if len(records.organisation) > 1:
        fail("organisation", 1, records.organisation[1], "a register has one organisation")
    for i, profile in enumerate(records.organisation):
        found = profile_problems(profile)
        if found:
            fail("organisation", i, profile, str(found[0]))
    for i, item in enumerate(records.open_items):
        wrong = follow_up_problems(item)
        if wrong:
            fail("open_items", i, item, str(wrong[0]))
        pool = transfer_ids if item.subject.startswith("T") else entity_ids
        refer("open_items", i, item, "subject", int(item.subject[1:]), pool)


def refuse_unless_empty(store: Store, why: str) -> None:
    """A ``TransfersError`` ("the register is not empty ...: ``why``") if ``store`` holds live
    records (archived ones are refused too, by ``records.load``: the counts skip them)."""
    counted = store.queries.counts()
    for table, n in (
        ("entities", counted.entities),
        ("locations", counted.locations),
        ("documents", counted.documents),
        ("transfers", counted.transfers),
        ("tias", counted.assessments),
    ):
        if n:
            raise TransfersError(f"the register is not empty (it has {table}): {why}")


def import_register_json(store: Store, codec: RegisterFileCodec, path: Path) -> ImportResult:
    """Load a register file (``export register --format json``) into this EMPTY register, in
    one transaction: every record checked first, and the first bad one named."""
    path = Path(path)
    parsed: RegisterFile = codec.read(path)
    refuse_unless_empty(
        store, f"{path.name} loads only into an empty register (use --data-dir to start a new one)"
    )
    records = parsed.records
    check_records(records, path.name)
    live = sum(1 for e in records.entities if e.archived_at is None)
    store.records.load(
        records, f"loaded {path.name}: {live} entities, exported {parsed.exported_at or '?'}"
    )
    missing = tuple(f.sha256 for f in records.files if not store.documents.has_file(f.sha256))
    counts = {f.name: len(getattr(records, f.name)) for f in fields(records)}
    return ImportResult(path, counts, parsed.exported_at, parsed.reference_version, missing)
