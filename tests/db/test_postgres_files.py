"""Signed files in a team register's database (``db.postgres.files``): what one teammate
attaches another opens, byte for byte; the same content is kept once; a save that fails keeps
none of it; large files stream; damaged content is refused on read. On a real server, each
teammate on a connection of their own."""

from __future__ import annotations

import hashlib
import math
import os
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from support.contract_samples import parties, scc
from support.postgres import PostgresServer, second_waits
from support.team import Team, register_team

import db.sqlite.documents
from db.files import CHUNK, identify
from db.postgres import PgStore, open_postgres
from db.postgres.connection import init_postgres
from transfers_app.domain.models import Document, StoredFile
from transfers_app.errors import ConflictError, StorageError
from transfers_app.ports.storage import RegisterRole


@pytest.fixture
def register(postgres_server: PostgresServer) -> Iterator[str]:
    yield postgres_server.new_database()
    postgres_server.drop_databases()


@pytest.fixture
def team(register: str, tmp_path: Path) -> Iterator[tuple[PgStore, PgStore]]:
    """Ann's and Bob's stores on one register: connections and cache folders of their own."""
    ann = PgStore(open_postgres(register), actor="ann", cache=tmp_path / "ann-cache")
    bob = PgStore(open_postgres(register), actor="bob", cache=tmp_path / "bob-cache")
    yield ann, bob
    ann.close()
    bob.close()


def _signed(folder: Path, name: str, size: int, seed: bytes = b"") -> Path:
    """A file of ``size`` bytes that differ from chunk to chunk (a misplaced chunk shows)."""
    path = folder / name
    block = hashlib.sha256(seed + name.encode()).digest() * (CHUNK // 32)
    with path.open("wb") as out:
        for i in range(0, size, CHUNK):
            out.write((i.to_bytes(8, "big") + block)[: min(CHUNK, size - i)])
    return path


def _rows(register: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(register) as conn:
        return conn.execute(sql, params).fetchall()


def _chunks(register: str, sha: str) -> list[tuple[object, ...]]:
    return _rows(
        register,
        "SELECT seq, length(data) FROM file_chunks WHERE sha256 = %s ORDER BY seq",
        sha,
    )


def _attach(store: PgStore, file: Path, title: str = "Stratus SCCs") -> Document:
    own, stratus = parties(store)
    assert own.id is not None and stratus.id is not None
    return store.documents.add(scc((own.id, stratus.id), title=title), file)


def test_what_ann_attaches_bob_opens_byte_for_byte(
    team: tuple[PgStore, PgStore], register: str, tmp_path: Path
) -> None:
    ann, bob = team
    signed = _signed(tmp_path, "signed SCCs.pdf", 2 * CHUNK + 12345)
    doc = _attach(ann, signed)
    assert doc.file_sha256 is not None
    opened = bob.documents.file_path(doc.file_sha256)
    assert opened is not None and opened.read_bytes() == signed.read_bytes()
    assert opened.is_relative_to(tmp_path / "bob-cache")
    assert not os.access(opened, os.W_OK) or os.geteuid() == 0  # root writes anything
    assert (tmp_path / "bob-cache").stat().st_mode & 0o077 == 0  # the user's only
    # Kept in three chunks of at most 1 MiB, nowhere on Ann's disk.
    assert _chunks(register, doc.file_sha256) == [(0, CHUNK), (1, CHUNK), (2, 12345)]
    assert not (tmp_path / "ann-cache").exists()
    assert bob.documents.has_file(doc.file_sha256) and bob.files.verify(doc.file_sha256)
    assert bob.documents.file_path("0" * 64) is None


def test_the_same_file_attached_twice_is_kept_once(
    team: tuple[PgStore, PgStore], register: str, tmp_path: Path
) -> None:
    ann, bob = team
    first = _attach(ann, _signed(tmp_path, "a.pdf", CHUNK + 1))
    copy = tmp_path / "copy of a.pdf"
    copy.write_bytes((tmp_path / "a.pdf").read_bytes())
    second = _attach(bob, copy, title="The same file, from Bob")
    assert first.file_sha256 == second.file_sha256 and first.file_sha256 is not None
    assert (first.file_name, second.file_name) == ("a.pdf", "copy of a.pdf")
    assert _rows(register, "SELECT count(*) FROM files") == [(1,)]
    assert _chunks(register, first.file_sha256) == [(0, CHUNK), (1, 1)]


def test_an_empty_file_is_kept_like_any_other(
    team: tuple[PgStore, PgStore], tmp_path: Path
) -> None:
    ann, bob = team
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    sha = _attach(ann, empty).file_sha256
    assert sha == hashlib.sha256(b"").hexdigest()
    path = bob.documents.file_path(sha)
    assert path is not None and path.read_bytes() == b""


def test_a_save_that_fails_keeps_none_of_its_file(
    team: tuple[PgStore, PgStore], register: str, tmp_path: Path
) -> None:
    ann, bob = team
    doc = _attach(ann, _signed(tmp_path, "v1.pdf", 100))
    assert doc.id is not None
    ann.documents.update(replace(doc, notes="Ann reviewed it"))
    # Bob saves his stale copy with a new signed file: refused, and the file is not kept.
    new = _signed(tmp_path, "v2.pdf", CHUNK + 100)
    with pytest.raises(ConflictError):
        bob.documents.update(replace(doc, notes="Bob's change"), new)
    sha = identify(new).sha256
    assert _chunks(register, sha) == [] and _rows(register, "SELECT count(*) FROM files") == [(1,)]
    assert not ann.documents.has_file(sha) and ann.documents.file_path(sha) is None
    # A document refused by a constraint (a party that does not exist) keeps no file either.
    with pytest.raises(StorageError, match="refers to a record that does not exist"):
        ann.documents.add(scc((999,), title="Nobody's"), new)
    assert _chunks(register, sha) == []
    assert _rows(register, "SELECT count(*) FROM documents") == [(1,)]
    # What was committed is whole: the first file is still there, for Bob too.
    assert doc.file_sha256 is not None and bob.files.verify(doc.file_sha256)


def test_a_file_that_changes_while_it_is_sent_is_refused_and_nothing_kept(
    team: tuple[PgStore, PgStore],
    register: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ann, _ = team
    signed = _signed(tmp_path, "signed.pdf", 3 * CHUNK)
    before = identify(signed)

    def identified_then_changed(source: Path) -> StoredFile:
        found = identify(source)
        with source.open("r+b") as fh:  # someone saves over it just after
            fh.seek(2 * CHUNK)
            fh.write(b"changed")
        return found

    monkeypatch.setattr(db.sqlite.documents, "identify", identified_then_changed)
    with pytest.raises(StorageError, match="changed while it was being stored; try again"):
        _attach(ann, signed)
    assert _chunks(register, before.sha256) == []
    assert _rows(register, "SELECT count(*) FROM documents") == [(0,)]
    assert _rows(register, "SELECT count(*) FROM files") == [(0,)]


def test_a_large_file_streams_a_chunk_at_a_time_both_ways(
    team: tuple[PgStore, PgStore], register: str, tmp_path: Path
) -> None:
    ann, bob = team
    size = 24 * CHUNK + 7
    signed = _signed(tmp_path, "scan.pdf", size)
    tracemalloc.start()
    try:
        doc = _attach(ann, signed)
        _, written_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        assert doc.file_sha256 is not None
        opened = bob.documents.file_path(doc.file_sha256)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert opened is not None and identify(opened).sha256 == doc.file_sha256
    assert len(_chunks(register, doc.file_sha256)) == math.ceil(size / CHUNK)
    # Never the whole 24 MiB in memory: a few chunks at most, writing and reading.
    assert written_peak < 4 * CHUNK, written_peak
    assert read_peak < 4 * CHUNK, read_peak


def test_damaged_content_is_refused_on_read_with_a_clear_message(
    team: tuple[PgStore, PgStore], register: str, tmp_path: Path
) -> None:
    ann, bob = team
    doc = _attach(ann, _signed(tmp_path, "signed SCCs.pdf", 2 * CHUNK))
    sha = doc.file_sha256
    assert sha is not None
    with psycopg.connect(register) as conn:
        conn.execute(
            "UPDATE file_chunks SET data = overlay(data PLACING '\\x00'::bytea FROM 10) "
            "WHERE sha256 = %s AND seq = 1",
            (sha,),
        )
    with pytest.raises(StorageError) as refused:
        bob.documents.file_path(sha)
    assert str(refused.value).startswith(
        f"the signed file 'signed SCCs.pdf' (SHA-256 {sha}) is damaged in postgresql:///"
    )
    assert "restore the register from a backup (pg_dump) or attach the signed copy again" in (
        str(refused.value)
    )
    assert not bob.files.verify(sha)
    assert [p for p in (tmp_path / "bob-cache").rglob("*") if p.is_file()] == []


def test_a_damaged_local_copy_is_fetched_again(
    team: tuple[PgStore, PgStore], tmp_path: Path
) -> None:
    ann, bob = team
    signed = _signed(tmp_path, "signed.pdf", CHUNK + 5)
    sha = _attach(ann, signed).file_sha256
    assert sha is not None
    cached = bob.documents.file_path(sha)
    assert cached is not None
    cached.chmod(0o644)
    cached.write_bytes(b"edited in the cache")
    again = bob.documents.file_path(sha)
    assert again == cached and again.read_bytes() == signed.read_bytes()


def test_two_teammates_attaching_one_new_file_at_once_keep_it_once(
    team: tuple[PgStore, PgStore], register: str, tmp_path: Path
) -> None:
    ann, bob = team
    signed = _signed(tmp_path, "signed.pdf", 2 * CHUNK)
    own, stratus = parties(ann)
    assert own.id is not None and stratus.id is not None
    mine, bobs = second_waits(
        ann,
        lambda tx: tx.documents.add(scc((own.id or 0, stratus.id or 0), title="Ann's"), signed),
        lambda: bob.documents.add(scc((own.id or 0,), title="Bob's"), signed),
    )
    assert isinstance(bobs, Document), bobs
    assert bobs.file_sha256 == mine.file_sha256 is not None
    assert len(_chunks(register, mine.file_sha256)) == 2


def test_db_init_adds_the_file_content_table_to_an_existing_register(
    register: str, tmp_path: Path
) -> None:
    with psycopg.connect(register, autocommit=True) as raw:  # as the previous version left it
        raw.execute("DROP TABLE file_chunks")
        raw.execute("DELETE FROM schema_migrations WHERE name = 'pg002_file_chunks'")
    with pytest.raises(StorageError, match=r"older version; upgrade it with: .*db init"):
        open_postgres(register)
    assert init_postgres(register) == ["pg002_file_chunks"]
    store = PgStore(open_postgres(register), actor="ann", cache=tmp_path / "cache")
    try:
        sha = _attach(store, _signed(tmp_path, "signed.pdf", 10)).file_sha256
        assert sha is not None and store.files.verify(sha)
    finally:
        store.close()


@pytest.fixture
def roles(postgres_server: PostgresServer) -> Iterator[Team]:
    yield from register_team(postgres_server)


def test_every_role_opens_the_signed_files_and_only_legal_adds_them(
    roles: Team, tmp_path: Path
) -> None:
    own, supplier = roles.own.id or 0, roles.supplier.id or 0
    signed = _signed(tmp_path, "signed.pdf", CHUNK + 3)
    legal = PgStore(open_postgres(roles.url[RegisterRole.LEGAL]), cache=tmp_path / "legal")
    try:
        sha = legal.documents.add(scc((own, supplier)), signed).file_sha256
    finally:
        legal.close()
    assert sha is not None
    other = _signed(tmp_path, "other.pdf", 10)
    for role in (RegisterRole.PROCUREMENT, RegisterRole.AUDITOR):
        store = PgStore(open_postgres(roles.url[role]), cache=tmp_path / role.value)
        try:
            opened = store.documents.file_path(sha)
            assert opened is not None and opened.read_bytes() == signed.read_bytes()
            with pytest.raises(StorageError):
                store.documents.add(scc((own, supplier), title="Not theirs"), other)
        finally:
            store.close()
        # Nor straight into the table, bypassing the app.
        with psycopg.connect(roles.url[role], autocommit=True) as raw:
            for statement in (
                "INSERT INTO file_chunks (sha256, seq, data) VALUES (%s, 9, '\\x00')",
                "UPDATE file_chunks SET data = '\\x00' WHERE sha256 = %s",
                "DELETE FROM file_chunks WHERE sha256 = %s",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    raw.execute(statement, (sha,))
    assert _chunks(roles.owner_url, sha) == [(0, CHUNK), (1, 3)]
    assert _rows(roles.owner_url, "SELECT count(*) FROM documents") == [(1,)]
