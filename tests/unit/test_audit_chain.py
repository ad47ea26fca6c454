"""The audit chain: its exact encoding, and every kind of tampering named at the first broken
link (a changed text, a deleted entry, two entries swapped, the last entry edited, a loaded
history changed)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from transfers_app.domain.audit_chain import (
    GENESIS,
    IMPORT_ACTION,
    REGISTER_TABLE,
    AuditVerification,
    chain_message,
    chained,
    entry_hash,
    import_marker,
    verify_chain,
)
from transfers_app.domain.models import AuditEntry

T0 = datetime(2026, 11, 25, 9, 0, 1, tzinfo=UTC)


def _trail(n: int = 6, start: int = 1) -> list[AuditEntry]:
    entries = [
        AuditEntry(
            T0 + timedelta(seconds=i),
            "alice" if i % 2 else "bob",
            "entities",
            i,
            "update",
            f'{{"name": "Acme {i}"}}',
            f'{{"name": "Acmé {i}"}}',
            start + i,
        )
        for i in range(n)
    ]
    return chained(entries, GENESIS)


def test_the_encoding_is_exact() -> None:
    """Pinned bytes and hash: another engine (PostgreSQL) must produce exactly these."""
    message = chain_message(
        T0, "alice", "entities", 7, "update", '{"name": "Acme"}', '{"name": "Acmé"}', GENESIS
    )
    assert message == (
        b"treg-audit-1\n27:2026-11-25T09:00:01.000000Z\n5:alice\n8:entities\n1:7\n6:update"
        b'\n16:{"name": "Acme"}\n17:{"name": "Acm\xc3\xa9"}\n64:' + b"0" * 64
    )
    expected = "e3f24875b86c72dba9f7202e526e3ac86ec80d8a6eb5f8241c77206c68ac2f38"
    assert hashlib.sha256(message).hexdigest() == expected
    args = ("alice", "entities", 7, "update", '{"name": "Acme"}', '{"name": "Acmé"}', GENESIS)
    assert entry_hash(T0, *args) == expected
    # The moment, not its spelling: the same instant in another offset hashes the same.
    plus_one = T0.astimezone(timezone(timedelta(hours=1)))
    assert entry_hash(plus_one, *args) == expected
    # NULL is not the empty text.
    null = entry_hash(T0, "alice", "register", None, "load", None, "x", GENESIS)
    empty = entry_hash(T0, "alice", "register", None, "load", "", "x", GENESIS)
    assert null != empty


def test_an_untouched_trail_verifies() -> None:
    trail = _trail()
    result = verify_chain(trail)
    assert result == AuditVerification(6, trail[-1].hash, trail[-1].id, None)
    assert result.intact
    assert verify_chain([]) == AuditVerification(0, GENESIS, None, None)


def _broken_at(trail: list[AuditEntry]) -> tuple[int | None, str]:
    result = verify_chain(trail)
    assert result.broken is not None, "tampering went unnoticed"
    return result.broken.entry_id, result.broken.problem


def test_a_changed_text_is_named() -> None:
    trail = _trail()
    trail[2] = replace(trail[2], after='{"name": "Someone else"}')
    entry_id, problem = _broken_at(trail)
    assert entry_id == trail[2].id
    assert "content" in problem and "changed after it was written" in problem


@pytest.mark.parametrize("field", ["at", "actor", "table", "record_id", "action", "before"])
def test_every_part_of_an_entry_is_covered(field: str) -> None:
    trail = _trail()
    changed: dict[str, Any] = {
        "at": T0 - timedelta(days=1),
        "actor": "mallory",
        "table": "transfers",
        "record_id": 99,
        "action": "archive",
        "before": None,
    }
    trail[3] = replace(trail[3], **{field: changed[field]})
    assert _broken_at(trail)[0] == trail[3].id


def test_a_deleted_entry_is_named() -> None:
    trail = _trail()
    gone = trail.pop(2)
    entry_id, problem = _broken_at(trail)
    assert entry_id == trail[2].id  # the entry after the gap
    assert f"entries {gone.id} to {gone.id} are missing" in problem
    assert "link to the entry before it is broken" in problem


def test_two_entries_swapped_are_named() -> None:
    trail = _trail()
    a, b = trail[2], trail[3]
    # Each keeps its row id, the contents change places (an edit of the order).
    trail[2], trail[3] = replace(b, id=a.id), replace(a, id=b.id)
    entry_id, problem = _broken_at(trail)
    assert entry_id == a.id
    assert "link" in problem


def test_an_edited_last_entry_is_named() -> None:
    trail = _trail()
    trail[-1] = replace(trail[-1], actor="mallory")
    entry_id, _ = _broken_at(trail)
    assert entry_id == trail[-1].id


def test_a_rewritten_hash_breaks_the_next_link() -> None:
    trail = _trail()
    edited = replace(trail[1], after='{"name": "Forged"}')
    trail[1] = replace(edited, hash=entry_hash(*_content(edited), edited.prev_hash))
    entry_id, problem = _broken_at(trail)
    assert entry_id == trail[2].id and "link" in problem


def _content(e: AuditEntry) -> tuple[datetime, str, str, int | None, str, str | None, str | None]:
    return (e.at, e.actor, e.table, e.record_id, e.action, e.before, e.after)


def test_an_entry_without_hash_is_named() -> None:
    trail = _trail()
    trail[4] = replace(trail[4], hash="")
    assert _broken_at(trail)[0] == trail[4].id


def test_only_the_first_broken_link_is_reported_and_every_entry_counted() -> None:
    trail = _trail(10)
    trail[3] = replace(trail[3], actor="x")
    trail[7] = replace(trail[7], actor="y")
    result = verify_chain(trail)
    assert result.entries == 10 and result.broken is not None
    assert result.broken.entry_id == trail[3].id
    assert result.broken.text().startswith(f"entry {trail[3].id} (2026-11-25 at 09:00:04 UTC)")


# -- a history loaded from another register ---------------------------------------------------


def _moved(history: list[AuditEntry]) -> list[AuditEntry]:
    """A register that had two entries of its own, then loaded ``history``, then went on."""
    own = chained(
        [
            AuditEntry(T0, "carol", "settings", None, "set", None, '{"key": "k", "value": "v"}'),
            AuditEntry(
                T0,
                "carol",
                REGISTER_TABLE,
                None,
                IMPORT_ACTION,
                None,
                import_marker(len(history), history[0].prev_hash, history[-1].hash),
            ),
        ],
        GENESIS,
    )
    kept = [replace(e, id=None) for e in history]
    load = AuditEntry(T0, "carol", REGISTER_TABLE, None, "load", None, "loaded")
    after = chained([load], history[-1].hash)
    trail = [*own, *kept, *after]
    return [replace(e, id=i + 1) for i, e in enumerate(trail)]


def test_a_loaded_history_verifies_in_its_new_home() -> None:
    history = _trail(5, start=40)
    trail = _moved(history)
    result = verify_chain(trail)
    assert result.intact and result.entries == 8
    # The history's hashes are the ones it had at home.
    assert [e.hash for e in trail[2:7]] == [e.hash for e in history]


def test_a_loaded_history_changed_after_loading_is_named() -> None:
    trail = _moved(_trail(5, start=40))
    trail[4] = replace(trail[4], action="archive")
    assert _broken_at(trail)[0] == trail[4].id


def test_a_loaded_history_cut_short_is_named() -> None:
    trail = _moved(_trail(5, start=40))
    del trail[6]  # the history's last entry
    entry_id, problem = _broken_at(trail)
    assert entry_id == trail[6].id and "link" in problem


def test_a_forged_announcement_is_named() -> None:
    trail = _moved(_trail(5, start=40))
    marker = trail[1]
    forged = replace(marker, after=import_marker(4, GENESIS, trail[5].hash))
    trail[1] = forged
    assert _broken_at(trail)[0] == marker.id
