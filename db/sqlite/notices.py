"""Sub-processor notices and publications (what was published outside the organisation)."""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import date
from typing import Any

from db import mapping as mp
from db.errors import translated
from db.sqlite.repository import Repository, create, overwrite
from db.sqlite.rows import notice_from, publication_from
from db.sqlite.session import NOTICES
from transfers_app.domain.models import Publication, SubprocessorNotice
from transfers_app.domain.validation import ensure_valid


@translated
class SqliteNotices(Repository):
    def add(self, n: SubprocessorNotice) -> SubprocessorNotice:
        ensure_valid(n)
        s = self._s
        with s.atomic():
            return create(s, NOTICES, replace(n, created_at=None), mp.notice_row(n))

    def update(self, n: SubprocessorNotice) -> SubprocessorNotice:
        ensure_valid(n)
        s = self._s
        notice_id = s.require_id(NOTICES, n.id)
        with s.atomic():
            return overwrite(s, NOTICES, notice_id, n, self.get(notice_id), mp.notice_row(n))

    def get(self, notice_id: int) -> SubprocessorNotice:
        return notice_from(self._s.one(NOTICES, mp.NOTICE_COLS, notice_id))

    def list(self, include_archived: bool = False) -> builtins.list[SubprocessorNotice]:
        where = "" if include_archived else " WHERE archived_at IS NULL"
        rows = self._s.conn.execute(
            f"SELECT {', '.join(mp.NOTICE_COLS)} FROM subprocessor_notices{where} "
            "ORDER BY received_on DESC, id DESC"
        )
        return [notice_from(r) for r in rows]


@translated
class SqlitePublications(Repository):
    def add(self, pub: Publication) -> Publication:
        s = self._s
        with s.atomic():
            new_id = s.insert_id(
                "INSERT INTO publications (kind, published_on, actor, content) VALUES (?, ?, ?, ?)",
                (pub.kind, pub.published_on.isoformat(), pub.actor, pub.content),
            )
            # ``actor`` is the person who published, as the service names them; the audit
            # entry keeps the login.
            saved = replace(pub, id=new_id)
            s.audit("publications", saved.id, "publish", None, saved)
        return saved

    def list(self, kind: str, on: date | None = None) -> builtins.list[Publication]:
        sql = f"SELECT {', '.join(mp.PUBLICATION_COLS)} FROM publications WHERE kind = ?"
        params: tuple[Any, ...] = (kind,)
        if on is not None:
            sql += " AND published_on <= ?"
            params = (kind, on.isoformat())
        rows = self._s.conn.execute(sql + " ORDER BY published_on DESC, id DESC", params)
        return [publication_from(r) for r in rows]

    def last(self, kind: str, on: date | None = None) -> Publication | None:
        found = self.list(kind, on)
        return found[0] if found else None
