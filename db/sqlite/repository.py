"""What the SQLite repositories share: the session they work in (``Repository``) and the two
audited writes of one versioned record, as every repository makes them: a new record (version 1)
and an edit of a stored one (version + 1, its creation time kept).

Both run inside the caller's transaction (``with s.atomic():``). What is stored beside the
record (an entity's name tokens, a transfer's mechanisms, a document's parties) is written by
the ``then`` the caller passes, given the record's id; a new record's ``then`` may also return
the record as saved, where its id changes it (the first of a series names the series).
``audit_as`` is the form the audit keeps (an approved TIA keeps its document by digest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from db.sqlite.session import Session, Table, Versioned
from transfers_app.domain.models import Document, Tia

Serial = TypeVar("Serial", Document, Tia)


class Repository:
    """A repository over the session of one store."""

    def __init__(self, session: Session) -> None:
        self._s = session


def _as_is(record: Versioned) -> Versioned:
    return record


def create(
    s: Session,
    table: Table,
    record: Versioned,
    row: dict[str, Any],
    then: Callable[[int], Versioned | None] | None = None,
    audit_as: Callable[[Versioned], Versioned] = _as_is,
) -> Versioned:
    """Inserts ``row`` as ``record`` at version 1 and audits the creation."""
    new_id, stamp = s.insert(table, row)
    named = then(new_id) if then is not None else None
    if named is not None:
        record = named
    saved = s.stamped(record, new_id, stamp, 1)
    s.audit(table.name, new_id, "create", None, audit_as(saved))
    return saved


def overwrite(
    s: Session,
    table: Table,
    record_id: int,
    record: Versioned,
    before: Versioned,
    row: dict[str, Any],
    then: Callable[[int], None] | None = None,
    audit_as: Callable[[Versioned], Versioned] = _as_is,
) -> Versioned:
    """Writes ``row`` over ``before`` (the stored state of ``record``) if it is still at
    ``record.version``, and audits the change; the record keeps its creation time."""
    stamp = s.update(table, record_id, record.version, row)
    if then is not None:
        then(record_id)
    saved = s.stamped(
        replace(record, created_at=before.created_at), record_id, stamp, record.version + 1
    )
    s.audit(table.name, record_id, "update", audit_as(before), audit_as(saved))
    return saved


def first_of_series(s: Session, table: Table, new_id: int, record: Serial) -> Serial:
    """A record that starts a series (no ``series_id`` yet) names the series by its own id."""
    if record.series_id is not None:
        return record
    s.conn.execute(f"UPDATE {table.name} SET series_id = ? WHERE id = ?", (new_id, new_id))
    return replace(record, series_id=new_id)
