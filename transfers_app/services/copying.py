"""Copying a whole register into another, empty one (``transfers-app db copy``): from the
register file to a team register on PostgreSQL and back, every record with its id, version
and time stamps, so the two registers' JSON exports are the same."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

from transfers_app.domain.models import AuditEntry, StoredFile
from transfers_app.errors import StorageError
from transfers_app.ports.storage import DocumentRepository, Store
from transfers_app.services.register_file import refuse_unless_empty


@dataclass(frozen=True, slots=True)
class CopyResult:
    counts: Mapping[str, int]  # records copied per table
    files_copied: int  # signed files whose content was copied
    files_missing: tuple[StoredFile, ...]  # named by the records, their content not in the source


def copy_register(source: Store, target: Store, source_name: str, target_name: str) -> CopyResult:
    """Copies every record of ``source`` into the EMPTY ``target`` in one transaction, and
    reads the copy back before committing it: a copy that does not read back as the source
    does is refused, and nothing is written. The signed files' content comes along in the
    same transaction, each checked by its SHA-256 on both sides; those the source names but
    does not hold are listed in the result. (The source's audit trail comes along verbatim,
    hashes included, under new ids, between an entry announcing it and one naming the
    source, as ``import-json`` keeps a file's.)"""
    refuse_unless_empty(
        target, f"copy into an empty database or a new file, not {target_name}; nothing was copied"
    )
    records = source.records.dump()
    live = sum(1 for e in records.entities if e.archived_at is None)
    with target.transaction() as tx:
        tx.records.load(records, f"copied from {source_name}: {live} entities")
        copied, missing = _copy_files(source.documents, tx.documents, records.files)
        copy = tx.records.dump()
        if replace(copy, audit=()) != replace(records, audit=()) or not _keeps_history(
            copy.audit, records.audit
        ):
            raise StorageError(
                f"the copy in {target_name} does not read back as {source_name} does; nothing "
                "was copied"
            )
    counts = {f.name: len(getattr(records, f.name)) for f in fields(records)}
    return CopyResult(counts, copied, missing)


def _copy_files(
    source: DocumentRepository, target: DocumentRepository, files: Sequence[StoredFile]
) -> tuple[int, tuple[StoredFile, ...]]:
    """Copies the content of ``files`` that ``target`` lacks from ``source``; returns how many
    were copied and those ``source`` does not hold either."""
    copied, missing = 0, []
    for f in files:
        if target.has_file(f.sha256):
            continue
        path = source.file_path(f.sha256)
        if path is None:
            missing.append(f)
            continue
        target.keep_file(f.sha256, path)
        copied += 1
    return copied, tuple(missing)


def _keeps_history(trail: Sequence[AuditEntry], history: Sequence[AuditEntry]) -> bool:
    """Whether ``trail`` holds ``history`` verbatim after its first entry (ids aside)."""
    if not history:
        return True
    kept = trail[1 : 1 + len(history)]
    return [replace(e, id=None) for e in kept] == [replace(e, id=None) for e in history]
