"""Copying a whole register into an empty one (``db copy``), on the in-memory store, and the
signed files with it; the copy between engines is tested end to end (e2e/test_cli_postgres)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fakes.memory_store import MemoryStore
from support.contract_samples import parties, scc
from support.stores import demo_memory

from db.files import FileStore
from transfers_app.domain.audit_chain import verify_chain
from transfers_app.errors import StorageError, TransfersError
from transfers_app.ports.storage import RegisterRecords
from transfers_app.services.copying import copy_register


def test_a_copy_holds_every_record_as_the_source_does() -> None:
    source, target = demo_memory(), MemoryStore()
    result = copy_register(source, target, "the file", "the team register")
    copied, original = target.records.dump(), source.records.dump()
    assert replace(copied, audit=()) == replace(original, audit=())
    # The history came along verbatim (hashes included, new ids) and still verifies.
    assert len(original.audit) > 0 and len(copied.audit) == len(original.audit) + 2
    assert [replace(e, id=None) for e in copied.audit[1:-1]] == [
        replace(e, id=None) for e in original.audit
    ]
    assert verify_chain(copied.audit).intact
    assert result.counts["entities"] == len(source.records.dump().entities) > 0
    (note,) = target.audit.entries(limit=1)
    assert note.action == "load" and (note.after or "").startswith("copied from the file: ")


def test_a_register_that_is_not_empty_is_refused_and_left_as_it_was() -> None:
    source, target = demo_memory(), demo_memory()
    before = target.records.dump()
    with pytest.raises(TransfersError, match=r"not empty.*not the team register; nothing was"):
        copy_register(source, target, "the file", "the team register")
    assert target.records.dump() == before


def test_a_copy_that_does_not_read_back_as_the_source_is_undone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source, target = demo_memory(), MemoryStore()
    monkeypatch.setattr(target.records, "dump", lambda: RegisterRecords())
    with pytest.raises(StorageError, match="does not read back as the file does; nothing was"):
        copy_register(source, target, "the file", "the team register")
    assert target.entities.list() == []


def _with_signed_files(tmp_path: Path) -> tuple[MemoryStore, list[str]]:
    """A register (in memory, its files in a folder) with two signed documents and one whose
    file is no longer in its folder; returns it and the two files' SHA-256."""
    store = MemoryStore(files=FileStore(tmp_path / "source-files"))
    own, stratus = parties(store)
    assert own.id is not None and stratus.id is not None
    shas = []
    for name in ("first.pdf", "second.pdf", "lost.pdf"):
        signed = tmp_path / name
        signed.write_bytes(f"%PDF-1.7 {name}".encode())
        shas.append(store.documents.add(scc((own.id, stratus.id), title=name), signed).file_sha256)
    lost = FileStore(tmp_path / "source-files").path_for(shas[2] or "")
    lost.chmod(0o644)
    lost.unlink()
    return store, [s for s in shas[:2] if s]


def test_signed_files_are_copied_with_the_records_and_the_missing_ones_named(
    tmp_path: Path,
) -> None:
    source, held = _with_signed_files(tmp_path)
    target = MemoryStore(files=FileStore(tmp_path / "target-files"))
    result = copy_register(source, target, "the file", "the team register")
    assert result.files_copied == 2
    assert [f.original_name for f in result.files_missing] == ["lost.pdf"]
    for sha in held:
        path = target.documents.file_path(sha)
        assert path is not None and path.parent.parent == tmp_path / "target-files"
        assert path.read_bytes() == (source.documents.file_path(sha) or path).read_bytes()
    assert not target.documents.has_file(result.files_missing[0].sha256)


def test_a_signed_file_damaged_in_the_source_stops_the_copy(tmp_path: Path) -> None:
    source, held = _with_signed_files(tmp_path)
    damaged = FileStore(tmp_path / "source-files").path_for(held[1])
    damaged.chmod(0o644)
    damaged.write_bytes(b"%PDF-1.7 not what was signed")
    target = MemoryStore(files=FileStore(tmp_path / "target-files"))
    with pytest.raises(StorageError, match="is damaged: its content no longer has its SHA-256"):
        copy_register(source, target, "the file", "the team register")
    assert target.entities.list() == [] and not target.documents.has_file(held[1])


def test_a_copy_that_loses_the_audit_trail_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    source, target = demo_memory(), MemoryStore()
    dump = target.records.dump
    monkeypatch.setattr(target.records, "dump", lambda: replace(dump(), audit=()))
    with pytest.raises(StorageError, match="does not read back as the file does; nothing was"):
        copy_register(source, target, "the file", "the team register")
    assert target.entities.list() == []
