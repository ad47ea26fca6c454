"""Transfer impact assessments (TIAs) and their revisions.

The document as approved (``Tia.approved_document``) is written once and kept: an update that
brings None (a record read by ``list`` or ``history``, which leave it out) keeps it, and one
that brings a different document is refused. The audit records its SHA-256, not the text.
"""

from __future__ import annotations

import builtins
import hashlib
from dataclasses import replace

from db import mapping as mp
from db.errors import translated
from db.sqlite.repository import Repository, create, first_of_series, overwrite
from db.sqlite.rows import tia_from
from db.sqlite.session import TIAS
from transfers_app.domain.enums import TiaStatus
from transfers_app.domain.models import Tia
from transfers_app.domain.validation import ensure_valid
from transfers_app.errors import StorageError

_WHOLE = f"SELECT {', '.join(mp.TIA_COLS)} FROM tias"
# Without the content (the last column): the lists and the rules never read it.
_LEAN = f"SELECT {', '.join(mp.TIA_COLS[:-1])} FROM tias"


def audited(tia: Tia) -> Tia:
    """The record as the audit keeps it: the approved document by its digest."""
    doc = tia.approved_document
    if doc is None:
        return tia
    digest = hashlib.sha256(doc.encode("utf-8")).hexdigest()
    return replace(tia, approved_document=f"sha256:{digest}")


@translated
class SqliteAssessments(Repository):
    def add(self, tia: Tia) -> Tia:
        ensure_valid(tia)
        s = self._s
        row = {**mp.tia_row(tia), "approved_document": tia.approved_document}
        with s.atomic():
            return create(
                s, TIAS, tia, row, lambda i: first_of_series(s, TIAS, i, tia), audit_as=audited
            )

    def update(self, tia: Tia) -> Tia:
        ensure_valid(tia)
        s = self._s
        tia_id = s.require_id(TIAS, tia.id)
        with s.atomic():
            before = self.get(tia_id)
            row = mp.tia_row(tia)
            kept = before.approved_document
            if tia.approved_document is not None and tia.approved_document != kept:
                if kept is not None:
                    raise StorageError(
                        f"{tia.reference} was approved: the document as approved cannot be "
                        "changed (reassess it to make a new revision)"
                    )
                row["approved_document"] = tia.approved_document
                kept = tia.approved_document
            tia = replace(tia, approved_document=kept)
            return overwrite(s, TIAS, tia_id, tia, before, row, audit_as=audited)

    def revise(self, old: Tia, new: Tia) -> Tia:
        s = self._s
        old_id = s.require_id(TIAS, old.id)
        with s.atomic():
            self.update(replace(old, status=TiaStatus.SUPERSEDED))
            return self.add(
                replace(
                    new,
                    id=None,
                    series_id=old.series_id or old_id,
                    revision=old.revision + 1,
                    version=0,
                    created_at=None,
                )
            )

    def get(self, tia_id: int) -> Tia:
        return tia_from(self._s.one(TIAS, mp.TIA_FULL_COLS, tia_id))

    def list(self, content: bool = False) -> builtins.list[Tia]:
        sql = _WHOLE if content else _LEAN
        rows = self._s.conn.execute(f"{sql} WHERE archived_at IS NULL ORDER BY id")
        return [tia_from(r) for r in rows]

    def history(self, series_id: int) -> builtins.list[Tia]:
        rows = self._s.conn.execute(
            f"{_WHOLE} WHERE series_id = ? ORDER BY revision, id", (series_id,)
        )
        return [tia_from(r) for r in rows]

    def archive(self, tia: Tia) -> Tia:
        return self._s.set_archived(TIAS, tia, archive=True)

    def restore(self, tia: Tia) -> Tia:
        return self._s.set_archived(TIAS, tia, archive=False)
