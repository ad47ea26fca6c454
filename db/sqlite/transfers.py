"""Transfers with their ordered mechanisms."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from db import mapping as mp
from db.errors import translated
from db.sqlite.repository import Repository, create, overwrite
from db.sqlite.rows import MECHANISMS, transfer_from
from db.sqlite.session import TRANSFERS, Session
from transfers_app.domain.models import MechanismUse, Transfer
from transfers_app.domain.validation import ensure_valid

_SQL = f"SELECT {', '.join(mp.TRANSFER_COLS)} FROM transfers"


def write_mechanisms(s: Session, transfer_id: int, uses: Sequence[MechanismUse]) -> None:
    s.conn.execute("DELETE FROM transfer_mechanisms WHERE transfer_id = ?", (transfer_id,))
    s.conn.executemany(
        "INSERT INTO transfer_mechanisms (transfer_id, position, mechanism, document_id) "
        "VALUES (?, ?, ?, ?)",
        [(transfer_id, i, u.mechanism.value, u.document_id) for i, u in enumerate(uses)],
    )


def mechanisms_of(
    s: Session, where: str = "", params: Sequence[Any] = ()
) -> dict[int, tuple[MechanismUse, ...]]:
    """The mechanisms of the transfers ``where`` selects (an SQL condition on ``transfer_id``),
    in order, by transfer: one query whatever their number."""
    grouped: dict[int, list[MechanismUse]] = defaultdict(list)
    rows = s.conn.execute(
        "SELECT transfer_id, mechanism, document_id FROM transfer_mechanisms"
        f"{' WHERE ' + where if where else ''} ORDER BY transfer_id, position",
        params,
    )
    for tid, mech, doc in rows:
        grouped[tid].append(MechanismUse(MECHANISMS[mech], doc))
    return {k: tuple(v) for k, v in grouped.items()}


def transfers_where(s: Session, where: str, params: Sequence[Any] = ()) -> list[Transfer]:
    """The transfers ``where`` selects (an SQL condition on ``transfers``), by id, with their
    mechanisms: two queries."""
    rows = s.conn.execute(f"{_SQL} WHERE {where} ORDER BY id", params).fetchall()
    if not rows:
        return []
    mechs = mechanisms_of(s, f"transfer_id IN (SELECT id FROM transfers WHERE {where})", params)
    return [transfer_from(r, mechs.get(r[0], ())) for r in rows]


def update_transfer(s: Session, t: Transfer, before: Transfer) -> Transfer:
    """Writes ``t`` over ``before`` (its stored state), versioned and audited."""
    assert t.id is not None
    row = mp.transfer_row(t)
    return overwrite(
        s, TRANSFERS, t.id, t, before, row, lambda i: write_mechanisms(s, i, t.mechanisms)
    )


@translated
class SqliteTransfers(Repository):
    def add(self, t: Transfer) -> Transfer:
        ensure_valid(t)
        s = self._s
        with s.atomic():
            return create(
                s,
                TRANSFERS,
                t,
                mp.transfer_row(t),
                lambda i: write_mechanisms(s, i, t.mechanisms),
            )

    def update(self, t: Transfer) -> Transfer:
        ensure_valid(t)
        s = self._s
        transfer_id = s.require_id(TRANSFERS, t.id)
        with s.atomic():
            return update_transfer(s, t, self.get(transfer_id))

    def get(self, transfer_id: int) -> Transfer:
        row = self._s.one(TRANSFERS, mp.TRANSFER_COLS, transfer_id)
        mechs = mechanisms_of(self._s, "transfer_id = ?", (transfer_id,))
        return transfer_from(row, mechs.get(transfer_id, ()))

    def get_many(self, ids: Iterable[int]) -> dict[int, Transfer]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        s = self._s
        found = transfers_where(s, s.in_ids("id"), (s.ids_param(wanted),))
        return {t.id: t for t in found if t.id is not None}

    def list(self, include_archived: bool = False) -> builtins.list[Transfer]:
        return transfers_where(self._s, "TRUE" if include_archived else "archived_at IS NULL")

    def of_entity(self, entity_id: int) -> builtins.list[Transfer]:
        return transfers_where(
            self._s,
            "archived_at IS NULL AND (exporter_id = ? OR importer_id = ?)",
            (entity_id, entity_id),
        )

    def archive(self, t: Transfer) -> Transfer:
        return self._s.set_archived(TRANSFERS, t, archive=True)

    def restore(self, t: Transfer) -> Transfer:
        return self._s.set_archived(TRANSFERS, t, archive=False)
