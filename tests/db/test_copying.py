"""Copying a whole register into an empty one (``db copy``), on the in-memory store, and the
signed files with it; the copy between engines is tested end to end (e2e/test_cli_postgres)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fakes.memory_store import MemoryStore
from support.stores import demo_memory

from db.files import FileStore, copy_files
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


def test_signed_files_are_copied_once_and_the_missing_ones_counted(tmp_path: Path) -> None:
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.7 signed")
    source, target = FileStore(tmp_path / "a"), FileStore(tmp_path / "b")
    sha = source.put(signed).sha256
    absent = "0" * 64
    assert copy_files(source, target, [sha, absent, sha]) == (1, 1)
    assert target.verify(sha)
    assert copy_files(source, target, [sha]) == (0, 0)


def test_a_copy_that_loses_the_audit_trail_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    source, target = demo_memory(), MemoryStore()
    dump = target.records.dump
    monkeypatch.setattr(target.records, "dump", lambda: replace(dump(), audit=()))
    with pytest.raises(StorageError, match="does not read back as the file does; nothing was"):
        copy_register(source, target, "the file", "the team register")
    assert target.entities.list() == []
