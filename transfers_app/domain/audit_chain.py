"""The audit trail as a hash chain: each entry carries a SHA-256 over its content and the
previous entry's hash, so an entry changed, deleted, inserted or moved after it was written
breaks a link that ``verify_chain`` names.

The encoding is exact so that every storage engine computes the same hash (the SQLite adapter
in Python, a PostgreSQL adapter in Python or in SQL). For one entry, the message hashed is the
UTF-8 text

    "treg-audit-1" + FIELD(at) + FIELD(actor) + FIELD(table) + FIELD(record_id)
                   + FIELD(action) + FIELD(before) + FIELD(after) + FIELD(prev_hash)

where FIELD(v) is a line feed then ``-`` when v is NULL, else the length of v in UTF-8 bytes
in decimal, a colon and v itself. ``at`` is the moment in UTC as
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (six fraction digits; a time without offset is taken as UTC;
PostgreSQL: ``to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')``),
``record_id`` is in decimal, ``before`` and ``after`` are the stored JSON text as stored, and
``prev_hash`` is the previous entry's hash (``GENESIS``, 64 zeros, for the first). The hash is
the SHA-256 of the message in lower-case hexadecimal. The entry's own row id is not hashed: a
history moved to another register keeps its hashes under new ids, and the links alone already
reveal an entry deleted, inserted or moved.

A history loaded from a register file (``import-json``) is kept verbatim, hashes included,
after an entry (``IMPORT_ACTION``) that announces it: how many entries follow, the hash the
first of them links to and the hash of the last. The next entry after the history links to its
last hash, so the chain stays one line, and the moved history verifies as it did at home.

A chain without a secret key proves nothing against someone who rewrites every hash after the
entry they change; what it gives is that the head hash recorded elsewhere (in an evidence pack,
in a file sent to a regulator) pins every entry before it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from transfers_app.domain.models import AuditEntry
from transfers_app.errors import when_text

CHAIN_TAG = "treg-audit-1"
GENESIS = "0" * 64
# The table and action of the entry that announces a history loaded from a register file.
REGISTER_TABLE = "register"
IMPORT_ACTION = "import_history"
_HEX = frozenset("0123456789abcdef")


def canonical_time(at: datetime) -> str:
    """``at`` as the chain hashes it: UTC, microseconds, ``Z``."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _field(value: str | None) -> str:
    if value is None:
        return "\n-"
    return f"\n{len(value.encode('utf-8'))}:{value}"


# An entry's fields in the order ``chain_message`` takes them.
_ChainFields = tuple[datetime, str, str, int | None, str, str | None, str | None, str]


def chain_message(
    at: datetime,
    actor: str,
    table: str,
    record_id: int | None,
    action: str,
    before: str | None,
    after: str | None,
    prev_hash: str,
) -> bytes:
    """The exact bytes an entry's hash is taken over (see the module's comment)."""
    return (
        CHAIN_TAG
        + _field(canonical_time(at))
        + _field(actor)
        + _field(table)
        + _field(None if record_id is None else str(record_id))
        + _field(action)
        + _field(before)
        + _field(after)
        + _field(prev_hash)
    ).encode("utf-8")


def entry_hash(*fields: *_ChainFields) -> str:
    """The SHA-256, in hex, of ``chain_message(*fields)``: what an entry's ``hash`` holds."""
    return hashlib.sha256(chain_message(*fields)).hexdigest()


def hash_of(entry: AuditEntry, prev_hash: str | None = None) -> str:
    """The hash ``entry`` should carry, linked to ``prev_hash`` (default: its own)."""
    return entry_hash(
        entry.at,
        entry.actor,
        entry.table,
        entry.record_id,
        entry.action,
        entry.before,
        entry.after,
        entry.prev_hash if prev_hash is None else prev_hash,
    )


def is_hash(text: str) -> bool:
    return len(text) == 64 and all(c in _HEX for c in text)


def import_marker(entries: int, first_prev: str, head: str) -> str:
    """The ``after`` text of the entry announcing a loaded history."""
    return json.dumps(
        {"entries": entries, "first_prev": first_prev, "head": head},
        sort_keys=True,
        separators=(",", ":"),
    )


def _marker_of(entry: AuditEntry) -> tuple[int, str, str] | None:
    """(entries, first_prev, head) if ``entry`` announces a loaded history."""
    if entry.table != REGISTER_TABLE or entry.action != IMPORT_ACTION or entry.after is None:
        return None
    try:
        data = json.loads(entry.after)
        n, first, head = data["entries"], data["first_prev"], data["head"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        return None
    if not (isinstance(first, str) and isinstance(head, str)):
        return None
    return n, first, head


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """The first entry whose hash or link does not hold."""

    entry_id: int | None
    at: datetime
    problem: str  # what differs, in words

    def text(self) -> str:
        return f"entry {self.entry_id} ({when_text(self.at)}): {self.problem}"


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """The result of checking the whole chain, oldest entry first."""

    entries: int  # entries checked
    head_hash: str  # the newest entry's hash as stored (GENESIS for an empty trail)
    head_id: int | None  # the newest entry's id
    broken: BrokenLink | None = None  # the first broken link; None: the chain holds

    @property
    def intact(self) -> bool:
        return self.broken is None


def _short(h: str) -> str:
    return (h[:12] + "…") if h else "nothing"


@dataclass(slots=True)
class _History:
    """A loaded history being walked through: entries still to come, and its last hash."""

    left: int
    head: str


class ChainVerifier:
    """Checks entries fed in id order (``feed``), remembering only what the next one needs:
    a trail of any length is verified in pages."""

    def __init__(self, anchor: tuple[int, str] | None = None) -> None:
        """``anchor``: the newest entry (id, hash) as the store recorded it apart from the
        trail when it last wrote one; without it, removing the newest entries breaks no link."""
        self.anchor = anchor
        self.count = 0
        self.broken: BrokenLink | None = None
        self._prev: AuditEntry | None = None
        self._expected = GENESIS
        # Loaded histories being walked through (one inside another: innermost last).
        self._histories: list[_History] = []

    def feed(self, entries: Iterable[AuditEntry]) -> None:
        for e in entries:
            self._one(e)

    def _fail(self, e: AuditEntry, problem: str) -> None:
        if self.broken is None:
            self.broken = BrokenLink(e.id, e.at, problem)

    def _one(self, e: AuditEntry) -> None:
        self.count += 1
        prev = self._prev
        if not is_hash(e.hash) or not is_hash(e.prev_hash):
            self._fail(
                e,
                "it carries no valid hash: it was written without the app (or by a version "
                "before the audit chain)",
            )
        elif e.prev_hash != self._expected:
            if prev is None:
                where = "it is the first entry, which links to nothing"
            else:
                where = f"the entry before it (entry {prev.id}) has {_short(prev.hash)}"
            gap = ""
            if prev is not None and prev.id is not None and e.id is not None and e.id > prev.id + 1:
                gap = f"; entries {prev.id + 1} to {e.id - 1} are missing"
            self._fail(
                e,
                f"its link to the entry before it is broken: it names {_short(e.prev_hash)} "
                f"but {where}{gap} - an entry before it was deleted, inserted, moved or "
                "changed",
            )
        elif hash_of(e) != e.hash:
            self._fail(
                e,
                "its content (when, who, what, before or after) no longer matches the hash "
                f"it was written with ({_short(e.hash)}; its content now gives "
                f"{_short(hash_of(e))}): it was changed after it was written",
            )
        self._expected = e.hash
        for history in self._histories:
            history.left -= 1
        while self._histories and self._histories[-1].left == 0:
            head = self._histories.pop().head
            if e.hash != head:
                self._fail(
                    e,
                    f"the loaded history it ends should end with {_short(head)}, but it "
                    f"ends with {_short(e.hash)}: the history was changed after it was loaded",
                )
        marker = _marker_of(e)
        if marker is not None:
            n, first, head = marker
            if n:
                self._histories.append(_History(n, head))
                self._expected = first
        self._prev = e

    def _against_anchor(self, anchor: tuple[int, str]) -> BrokenLink | None:
        """The trail's end against the newest entry the store recorded beside it."""
        anchor_id, anchor_hash = anchor
        prev = self._prev
        if prev is None or prev.id is None or prev.id < anchor_id:
            last = "no entry" if prev is None else f"entry {prev.id}"
            return BrokenLink(
                prev.id if prev is not None else None,
                prev.at if prev is not None else datetime.min.replace(tzinfo=UTC),
                f"the trail ends at {last}, but the register recorded entry {anchor_id} "
                f"({_short(anchor_hash)}) as its newest: the newest entries were deleted",
            )
        if prev.id > anchor_id:
            return BrokenLink(
                prev.id,
                prev.at,
                f"entries after entry {anchor_id}, the newest the register recorded, were "
                "added without the app",
            )
        if prev.hash != anchor_hash:
            return BrokenLink(
                prev.id,
                prev.at,
                f"its hash {_short(prev.hash)} is not the {_short(anchor_hash)} the register "
                "recorded for its newest entry: the end of the trail was rewritten",
            )
        return None

    def result(self) -> AuditVerification:
        prev = self._prev
        broken = self.broken
        if broken is None and prev is not None and self._histories:
            left = self._histories[-1].left
            broken = BrokenLink(
                prev.id,
                prev.at,
                f"the loaded history that ends the trail lacks its last {left} entries",
            )
        if broken is None and self.anchor is not None:
            broken = self._against_anchor(self.anchor)
        return AuditVerification(
            self.count,
            prev.hash if prev is not None else GENESIS,
            prev.id if prev is not None else None,
            broken,
        )


def verify_chain(entries: Iterable[AuditEntry]) -> AuditVerification:
    """Checks every link, oldest entry first (``entries`` in id order)."""
    verifier = ChainVerifier()
    verifier.feed(entries)
    return verifier.result()


def chained(entries: Iterable[AuditEntry], prev_hash: str) -> list[AuditEntry]:
    """``entries`` (in order) with their hashes, the first linked to ``prev_hash``."""
    out: list[AuditEntry] = []
    for e in entries:
        h = hash_of(e, prev_hash)
        out.append(replace(e, prev_hash=prev_hash, hash=h))
        prev_hash = h
    return out
