"""The register's storage: every write audited and versioned, every multi-step write atomic."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from db import mapping as mp
from db.errors import integrity_message as _integrity_message
from db.errors import translate_errors as _translate_errors
from db.files import FileStore
from transfers_app.domain.enums import DocumentStatus, TiaStatus
from transfers_app.domain.models import (
    AuditEntry,
    CatalogueItem,
    Document,
    Entity,
    Location,
    MechanismUse,
    Publication,
    RegisterSnapshot,
    StoredFile,
    SubprocessorNotice,
    Tia,
    Transfer,
)
from transfers_app.domain.validation import ensure_valid
from transfers_app.errors import NotFoundError, StorageError
from transfers_app.ports import RegisterRecords

T = TypeVar("T", Entity, Location, Transfer, Document, Tia)

_TABLE = {
    Entity: "entities",
    Location: "locations",
    Transfer: "transfers",
    Document: "documents",
    Tia: "tias",
}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SqliteRegister:
    """Repository over one open register database. Returns domain objects, never rows."""

    def __init__(
        self,
        db: Database,
        *,
        actor: str,
        files: FileStore | None = None,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.actor = actor
        self.files = files
        self._now = now

    # -- transactions & audit ---------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all."""
        try:
            with self.db.atomic():
                yield
        except sqlite3.IntegrityError as exc:
            raise StorageError(_integrity_message(exc)) from None

    def _audit(
        self, table: str, record_id: int | None, action: str, before: Any | None, after: Any | None
    ) -> None:
        self.conn.execute(
            "INSERT INTO audit (at, actor, table_name, record_id, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self._now().isoformat(),
                self.actor,
                table,
                record_id,
                action,
                mp.to_json(before) if before is not None else None,
                mp.to_json(after) if after is not None else None,
            ),
        )

    def _insert(self, table: str, row: dict[str, Any]) -> tuple[int, str]:
        stamp = self._now().isoformat()
        row = {**row, "created_at": stamp, "updated_at": stamp, "version": 1}
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cur = self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values())
        )
        assert cur.lastrowid is not None
        return cur.lastrowid, stamp

    def _update(
        self, table: str, record_id: int, expected_version: int, row: dict[str, Any]
    ) -> str:
        stamp = self._now().isoformat()
        sets = ", ".join(f"{k} = ?" for k in row)
        cur = self.conn.execute(
            f"UPDATE {table} SET {sets}, updated_at = ?, version = version + 1 "
            "WHERE id = ? AND version = ?",
            (*row.values(), stamp, record_id, expected_version),
        )
        if cur.rowcount != 1:
            exists = self.conn.execute(
                f"SELECT version FROM {table} WHERE id = ?", (record_id,)
            ).fetchone()
            if exists is None:
                raise NotFoundError(f"{table[:-1]} {record_id} does not exist")
            raise StorageError(
                f"{table[:-1]} {record_id} was changed elsewhere since it was opened "
                f"(version {exists[0]}, expected {expected_version}); reload and try again"
            )
        return stamp

    def _stamped(self, obj: T, record_id: int, stamp: str, version: int) -> T:
        when = datetime.fromisoformat(stamp)
        created = obj.created_at or when
        return replace(obj, id=record_id, version=version, created_at=created, updated_at=when)

    # -- entities -------------------------------------------------------------------------

    def add_entity(self, e: Entity) -> Entity:
        ensure_valid(e)
        with self.transaction():
            row = mp.entity_row(e)
            new_id, stamp = self._insert("entities", row)
            self._write_tokens(new_id, row)
            saved = self._stamped(e, new_id, stamp, 1)
            self._audit("entities", new_id, "create", None, saved)
        return saved

    def update_entity(self, e: Entity) -> Entity:
        ensure_valid(e)
        if e.id is None:
            raise NotFoundError("entity has no id: add it first")
        with self.transaction():
            before = self.get_entity(e.id)
            row = mp.entity_row(e)
            stamp = self._update("entities", e.id, e.version, row)
            self._write_tokens(e.id, row)
            saved = self._stamped(
                replace(e, created_at=before.created_at), e.id, stamp, e.version + 1
            )
            self._audit("entities", e.id, "update", before, saved)
        return saved

    def _write_tokens(self, entity_id: int, row: dict[str, Any]) -> None:
        self.conn.execute("DELETE FROM entity_tokens WHERE entity_id = ?", (entity_id,))
        self.conn.executemany(
            "INSERT INTO entity_tokens (token, entity_id) VALUES (?, ?)",
            [(tok, entity_id) for tok in sorted(mp.entity_tokens(row))],
        )

    def get_entity(self, entity_id: int) -> Entity:
        row = self.conn.execute(
            f"SELECT {', '.join(mp.ENTITY_COLS)} FROM entities WHERE id = ?", (entity_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"entity {entity_id} does not exist")
        return mp.entity_from(row)

    def list_entities(self, include_archived: bool = False) -> list[Entity]:
        where = "" if include_archived else "WHERE archived_at IS NULL"
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.ENTITY_COLS)} FROM entities {where} ORDER BY name_key, id"
        )
        return [mp.entity_from(r) for r in rows]

    def entity_names(self) -> list[tuple[int, str, str]]:
        """(id, name, comparison key) of every live entity: cheap, for similarity search."""
        return list(
            self.conn.execute("SELECT id, name, name_key FROM entities WHERE archived_at IS NULL")
        )

    def generation(self) -> int:
        """A number that changes whenever anything on the register changes (every write is
        audited), for caches above the storage layer."""
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])

    def name_keys(self) -> tuple[list[int], list[str]]:
        """Ids and comparison keys of every live entity, as two parallel lists."""
        ids: list[int] = []
        keys: list[str] = []
        for i, k in self.conn.execute(
            "SELECT id, name_key FROM entities WHERE archived_at IS NULL"
        ):
            ids.append(i)
            keys.append(k)
        return ids, keys

    def entities_with_key_prefix(self, prefix: str, limit: int) -> list[tuple[int, str]]:
        """(id, name) of live entities whose name or legal-name key starts with ``prefix``."""
        upper = prefix + "\U0010ffff"
        return list(
            self.conn.execute(
                "SELECT id, name FROM entities WHERE name_key >= ? AND name_key < ? "
                "AND archived_at IS NULL UNION "
                "SELECT id, name FROM entities WHERE legal_key >= ? AND legal_key < ? "
                "AND legal_key <> '' AND archived_at IS NULL LIMIT ?",
                (prefix, upper, prefix, upper, limit),
            )
        )

    def entities_with_word_prefixes(
        self, prefixes: Sequence[str], limit: int
    ) -> list[tuple[int, str, str]]:
        """(id, name key, legal key) of live entities with a word starting with any prefix."""
        if not prefixes:
            return []
        clauses = " OR ".join("(token >= ? AND token < ?)" for _ in prefixes)
        params: list[Any] = [x for p in prefixes for x in (p, p + "\U0010ffff")]
        return list(
            self.conn.execute(
                "SELECT id, name_key, legal_key FROM entities WHERE archived_at IS NULL AND id IN "
                f"(SELECT entity_id FROM entity_tokens WHERE {clauses}) LIMIT ?",
                (*params, limit),
            )
        )

    def register_table(self, limit: int | None = None) -> list[tuple[Any, ...]]:
        """One compact row per live entity for the register view: id, name, legal name, kind,
        lifecycle, whether it is ours, its countries and services (comma-joined).

        ``limit`` gives the first rows in name order only (a quick first screen). Otherwise
        three flat queries are merged here: faster than joins on 100,000 entities.
        """
        conn = self.conn
        base = (
            "SELECT id, name, legal_name, kind, lifecycle, exporter_regimes <> '', name_key "
            "FROM entities WHERE archived_at IS NULL"
        )
        where_ids = ""
        params: tuple[Any, ...] = ()
        if limit is not None:
            rows = conn.execute(base + " ORDER BY name_key, id LIMIT ?", (limit,)).fetchall()
            ids = [r[0] for r in rows]
            where_ids = f" AND {{col}} IN ({', '.join('?' for _ in ids)})" if ids else " AND 0"
            params = tuple(ids)
        else:
            rows = conn.execute(base).fetchall()
            rows.sort(key=itemgetter(6, 0))
        countries = dict(
            conn.execute(
                "SELECT entity_id, group_concat(country) FROM locations WHERE archived_at IS NULL"
                + where_ids.format(col="entity_id")
                + " GROUP BY entity_id",
                params,
            )
        )
        # Many entities have the same services (and the same kind and lifecycle): one string
        # for each distinct value, not one per row (about 10 MB less at 100,000 entities).
        same: dict[str, str] = {}
        services = {
            i: same.setdefault(text, text)
            for i, text in conn.execute(
                "SELECT importer_id, group_concat(service, '; ') FROM transfers "
                "WHERE archived_at IS NULL AND service <> ''"
                + where_ids.format(col="importer_id")
                + " GROUP BY importer_id",
                params,
            )
        }
        # Each row replaced in place: the fetched rows and the result are never both whole.
        for n, r in enumerate(rows):
            rows[n] = (
                r[0],
                r[1],
                r[2],
                same.setdefault(r[3], r[3]),
                same.setdefault(r[4], r[4]),
                r[5],
                countries.get(r[0]),
                services.get(r[0]),
            )
        return rows

    def next_due_by_entity(
        self, on: date, entity_ids: Sequence[int] | None = None
    ) -> dict[int, tuple[date, str]]:
        """Each entity's earliest due date and what falls due then ("expiry", "notice",
        "review", "dpf_recheck" or "tia_review"), over the dates ``RegisterService.reminders``
        lists: its current documents' expiry, notice deadline, next review and DPF re-check
        (``on`` when never checked), and the next review of the newest assessment of each
        transfer it is a party to. Entities with nothing due are left out.

        Grouped in SQL (one pass, under a second on 100,000 entities): converting the
        ~300,000 dated rows to Python and grouping there takes longer.
        """
        only = tias_of = ""
        join = "document_due d JOIN document_parties p"
        if entity_ids is not None:  # read only what concerns these entities
            ids = ", ".join(str(int(i)) for i in entity_ids) or "NULL"
            only = f" AND {{col}} IN ({ids})"
            # Their parties' rows first, then each document by its id (the other way round
            # SQLite probes every document for every id).
            join = "document_parties p CROSS JOIN document_due d"
            tias_of = (
                " AND transfer_id IN (SELECT id FROM transfers WHERE "
                f"exporter_id IN ({ids}) OR importer_id IN ({ids}))"
            )
        # A document's dates side by side; '9999' stands for "no such date" (min() of SQL
        # is NULL if any argument is). 12 months after 29 February is 28 February
        # (dateutil's relativedelta, which the reminders use), where SQLite gives 1 March.
        sql = f"""
            WITH dated AS (
                SELECT id,
                    coalesce(expires_on, '9999') AS expiry,
                    CASE WHEN expires_on IS NOT NULL AND notice_period_days <> 0
                        THEN date(expires_on, '-' || notice_period_days || ' days')
                        ELSE '9999' END AS notice,
                    coalesce(next_review_on, '9999') AS review,
                    CASE WHEN kind <> 'dpf_certification' THEN '9999'
                        WHEN checked_on IS NULL THEN :on
                        WHEN substr(checked_on, 6) = '02-29'
                            THEN date(checked_on, '+12 months', '-1 day')
                        ELSE date(checked_on, '+12 months') END AS recheck
                FROM documents WHERE archived_at IS NULL AND status = 'current'
            ),
            document_due AS (
                SELECT id, min(expiry, notice, review, recheck) AS due_on,
                    CASE min(expiry, notice, review, recheck)
                        WHEN notice THEN 'notice' WHEN expiry THEN 'expiry'
                        WHEN review THEN 'review' ELSE 'dpf_recheck' END AS what
                FROM dated
            ),
            tia_due AS (  -- the newest assessment of each transfer (by approval, then id)
                SELECT transfer_id, next_review_on AS due_on FROM tias newest
                WHERE archived_at IS NULL AND next_review_on IS NOT NULL{tias_of}
                AND NOT EXISTS (
                    SELECT 1 FROM tias other
                    WHERE other.transfer_id = newest.transfer_id AND other.archived_at IS NULL
                    AND (coalesce(other.approved_on, '') > coalesce(newest.approved_on, '')
                        OR (coalesce(other.approved_on, '') = coalesce(newest.approved_on, '')
                            AND other.id > newest.id))
                )
            ),
            due(entity_id, due_on, what) AS (
                SELECT p.entity_id, d.due_on, d.what
                FROM {join} ON p.document_id = d.id
                WHERE d.due_on < '9999'{only.format(col="p.entity_id")}
                UNION ALL
                SELECT t.exporter_id, a.due_on, 'tia_review'
                FROM tia_due a JOIN transfers t ON t.id = a.transfer_id
                WHERE 1{only.format(col="t.exporter_id")}
                UNION ALL
                SELECT t.importer_id, a.due_on, 'tia_review'
                FROM tia_due a JOIN transfers t ON t.id = a.transfer_id
                WHERE 1{only.format(col="t.importer_id")}
            )
            SELECT entity_id, min(due_on), what FROM due GROUP BY entity_id
        """
        out: dict[int, tuple[date, str]] = {}
        pairs: dict[tuple[date, str], tuple[date, str]] = {}  # shared: many entities share one
        for entity_id, due_on, what in self.conn.execute(sql, {"on": on.isoformat()}):
            day = mp.s2d(due_on)
            if day is not None:
                pair = (day, what)
                out[entity_id] = pairs.setdefault(pair, pair)
        return out

    def mechanisms_by_importer(self, entity_ids: Sequence[int] | None = None) -> dict[int, str]:
        """For each entity receiving a (not archived) transfer: the mechanisms recorded on
        those transfers, primary or fallback, as comma-joined stored values (repeats and any
        order possible) with an empty item for each transfer that records none ("" for a
        single such transfer)."""
        only = ""
        if entity_ids is not None:
            only = f" AND t.importer_id IN ({', '.join(str(int(i)) for i in entity_ids) or 'NULL'})"
        # Built in C by dict(): a Python step per row would cost more than the query.
        return dict(
            self.conn.execute(
                "SELECT t.importer_id, group_concat(coalesce(m.mechanism, ''), ',') "
                "FROM transfers t LEFT JOIN transfer_mechanisms m ON m.transfer_id = t.id "
                f"WHERE t.archived_at IS NULL{only} GROUP BY t.importer_id"
            )
        )

    def stored_file(self, sha256: str) -> Path | None:
        """The path of a stored file, if this register has a file store and holds it."""
        if self.files is None:
            return None
        path = self.files.path_for(sha256)
        return path if path.exists() else None

    def names_of(self, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        return dict(
            self.conn.execute(f"SELECT id, name FROM entities WHERE id IN ({marks})", tuple(ids))
        )

    def own_entities(self) -> list[Entity]:
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.ENTITY_COLS)} FROM entities "
            "WHERE archived_at IS NULL AND exporter_regimes <> '' ORDER BY name_key"
        )
        return [mp.entity_from(r) for r in rows]

    def count(self, table: str) -> int:
        if table not in {"entities", "locations", "transfers", "documents", "tias", "audit"}:
            raise ValueError(table)
        where = "" if table == "audit" else " WHERE archived_at IS NULL"
        return int(self.conn.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0])

    # -- generic archive / restore -----------------------------------------------------------

    def archive(self, obj: T) -> T:
        """Archive instead of delete: the record stays, hidden from normal views."""
        return self._set_archived(obj, self._now(), "archive")

    def restore(self, obj: T) -> T:
        return self._set_archived(obj, None, "restore")

    def _set_archived(self, obj: T, when: datetime | None, action: str) -> T:
        table = _TABLE[type(obj)]
        if obj.id is None:
            raise NotFoundError(f"cannot {action} an unsaved record")
        with self.transaction():
            stamp = self._update(
                table, obj.id, obj.version, {"archived_at": when.isoformat() if when else None}
            )
            saved = replace(self._stamped(obj, obj.id, stamp, obj.version + 1), archived_at=when)
            self._audit(table, obj.id, action, obj, saved)
        return saved

    # -- locations ------------------------------------------------------------------------

    def add_location(self, loc: Location) -> Location:
        ensure_valid(loc)
        with self.transaction():
            new_id, stamp = self._insert("locations", mp.location_row(loc))
            saved = self._stamped(loc, new_id, stamp, 1)
            self._audit("locations", new_id, "create", None, saved)
        return saved

    def update_location(self, loc: Location) -> Location:
        ensure_valid(loc)
        assert loc.id is not None
        with self.transaction():
            before = self._one_location(loc.id)
            stamp = self._update("locations", loc.id, loc.version, mp.location_row(loc))
            saved = self._stamped(loc, loc.id, stamp, loc.version + 1)
            self._audit("locations", loc.id, "update", before, saved)
        return saved

    def _one_location(self, loc_id: int) -> Location:
        row = self.conn.execute(
            f"SELECT {', '.join(mp.LOCATION_COLS)} FROM locations WHERE id = ?", (loc_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"location {loc_id} does not exist")
        return mp.location_from(row)

    def locations_of(self, entity_id: int) -> list[Location]:
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.LOCATION_COLS)} FROM locations "
            "WHERE entity_id = ? AND archived_at IS NULL ORDER BY id",
            (entity_id,),
        )
        return [mp.location_from(r) for r in rows]

    def entity_ids_with_locations(self) -> set[int]:
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT entity_id FROM locations WHERE archived_at IS NULL"
            )
        }

    def all_locations(self) -> list[Location]:
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.LOCATION_COLS)} FROM locations WHERE archived_at IS NULL"
        )
        return [mp.location_from(r) for r in rows]

    # -- documents -------------------------------------------------------------------------

    def _write_parties(self, doc_id: int, party_ids: Sequence[int]) -> None:
        self.conn.execute("DELETE FROM document_parties WHERE document_id = ?", (doc_id,))
        self.conn.executemany(
            "INSERT INTO document_parties (document_id, entity_id) VALUES (?, ?)",
            [(doc_id, p) for p in dict.fromkeys(party_ids)],
        )

    def _store_file(self, doc: Document, file_path: Path | None) -> Document:
        if file_path is None:
            return doc
        if self.files is None:
            raise StorageError("this register has no file store configured")
        stored = self.files.put(file_path)
        self.conn.execute(
            "INSERT OR IGNORE INTO files (sha256, size, original_name, stored_at) "
            "VALUES (?, ?, ?, ?)",
            (stored.sha256, stored.size, stored.original_name, self._now().isoformat()),
        )
        return replace(doc, file_sha256=stored.sha256, file_name=file_path.name)

    def add_document(self, doc: Document, file_path: Path | None = None) -> Document:
        """Save a document (and its file, kept by SHA-256) in one transaction."""
        ensure_valid(doc)
        with self.transaction():
            doc = self._store_file(doc, file_path)
            new_id, stamp = self._insert("documents", mp.document_row(doc))
            if doc.series_id is None:
                self.conn.execute(
                    "UPDATE documents SET series_id = ? WHERE id = ?", (new_id, new_id)
                )
                doc = replace(doc, series_id=new_id)
            self._write_parties(new_id, doc.party_ids)
            saved = self._stamped(doc, new_id, stamp, 1)
            self._audit("documents", new_id, "create", None, saved)
        return saved

    def update_document(self, doc: Document, file_path: Path | None = None) -> Document:
        ensure_valid(doc)
        assert doc.id is not None
        with self.transaction():
            before = self.get_document(doc.id)
            doc = self._store_file(doc, file_path)
            assert doc.id is not None
            stamp = self._update("documents", doc.id, doc.version, mp.document_row(doc))
            self._write_parties(doc.id, doc.party_ids)
            saved = self._stamped(doc, doc.id, stamp, doc.version + 1)
            self._audit("documents", doc.id, "update", before, saved)
        return saved

    def renew_document(
        self, old: Document, new: Document, file_path: Path | None = None
    ) -> Document:
        """Replace ``old`` by a new version of the same document; ``old`` is kept, superseded."""
        assert old.id is not None
        with self.transaction():
            current = self.get_document(old.id)
            if current.status is DocumentStatus.SUPERSEDED:
                raise StorageError(f"'{current.title}' was already renewed or replaced")
            self.update_document(replace(current, status=DocumentStatus.SUPERSEDED))
            saved = self.add_document(
                replace(
                    new,
                    id=None,
                    series_id=current.series_id or current.id,
                    doc_version=current.doc_version + 1,
                    supersedes_id=current.id,
                    status=DocumentStatus.CURRENT,
                    version=0,
                    created_at=None,
                ),
                file_path,
            )
            # Transfers that relied on the old version now rely on the new one (each change
            # audited and versioned like any other edit).
            users = [
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT transfer_id FROM transfer_mechanisms WHERE document_id = ?",
                    (current.id,),
                )
            ]
            for transfer_id in users:
                t = self.get_transfer(transfer_id)
                uses = tuple(
                    replace(u, document_id=saved.id) if u.document_id == current.id else u
                    for u in t.mechanisms
                )
                self.update_transfer(replace(t, mechanisms=uses))
        return saved

    def get_document(self, doc_id: int) -> Document:
        row = self.conn.execute(
            f"SELECT {', '.join(mp.DOCUMENT_COLS)} FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"document {doc_id} does not exist")
        parties = tuple(
            r[0]
            for r in self.conn.execute(
                "SELECT entity_id FROM document_parties WHERE document_id = ? ORDER BY entity_id",
                (doc_id,),
            )
        )
        return mp.document_from(row, parties)

    def document_history(self, doc: Document) -> list[Document]:
        series = doc.series_id or doc.id
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM documents WHERE series_id = ? ORDER BY doc_version", (series,)
            )
        ]
        return [self.get_document(i) for i in ids]

    def list_documents(self, include_archived: bool = False) -> list[Document]:
        where = "" if include_archived else "WHERE archived_at IS NULL"
        parties: dict[int, list[int]] = defaultdict(list)
        for doc_id, ent in self.conn.execute("SELECT document_id, entity_id FROM document_parties"):
            parties[doc_id].append(ent)
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.DOCUMENT_COLS)} FROM documents {where} ORDER BY id"
        )
        return [mp.document_from(r, tuple(parties.get(r[0], ()))) for r in rows]

    # -- transfers -------------------------------------------------------------------------

    def _write_mechanisms(self, transfer_id: int, uses: Sequence[MechanismUse]) -> None:
        self.conn.execute("DELETE FROM transfer_mechanisms WHERE transfer_id = ?", (transfer_id,))
        self.conn.executemany(
            "INSERT INTO transfer_mechanisms (transfer_id, position, mechanism, document_id) "
            "VALUES (?, ?, ?, ?)",
            [(transfer_id, i, u.mechanism.value, u.document_id) for i, u in enumerate(uses)],
        )

    def add_transfer(self, t: Transfer) -> Transfer:
        ensure_valid(t)
        with self.transaction():
            new_id, stamp = self._insert("transfers", mp.transfer_row(t))
            self._write_mechanisms(new_id, t.mechanisms)
            saved = self._stamped(t, new_id, stamp, 1)
            self._audit("transfers", new_id, "create", None, saved)
        return saved

    def update_transfer(self, t: Transfer) -> Transfer:
        ensure_valid(t)
        assert t.id is not None
        with self.transaction():
            before = self.get_transfer(t.id)
            stamp = self._update("transfers", t.id, t.version, mp.transfer_row(t))
            self._write_mechanisms(t.id, t.mechanisms)
            saved = self._stamped(t, t.id, stamp, t.version + 1)
            self._audit("transfers", t.id, "update", before, saved)
        return saved

    def _mechanisms(self, transfer_id: int | None = None) -> dict[int, tuple[MechanismUse, ...]]:
        sql = "SELECT transfer_id, mechanism, document_id FROM transfer_mechanisms"
        params: tuple[Any, ...] = ()
        if transfer_id is not None:
            sql += " WHERE transfer_id = ?"
            params = (transfer_id,)
        grouped: dict[int, list[MechanismUse]] = defaultdict(list)
        for tid, mech, doc in self.conn.execute(sql + " ORDER BY transfer_id, position", params):
            grouped[tid].append(mp.mechanism_from((mech, doc)))
        return {k: tuple(v) for k, v in grouped.items()}

    def get_transfer(self, transfer_id: int) -> Transfer:
        row = self.conn.execute(
            f"SELECT {', '.join(mp.TRANSFER_COLS)} FROM transfers WHERE id = ?", (transfer_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"transfer {transfer_id} does not exist")
        return mp.transfer_from(row, self._mechanisms(transfer_id).get(transfer_id, ()))

    def transfers_of(self, entity_id: int) -> list[Transfer]:
        """Live transfers where the entity is the exporter or the importer (indexed)."""
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.TRANSFER_COLS)} FROM transfers WHERE archived_at IS NULL "
            "AND (exporter_id = ? OR importer_id = ?) ORDER BY id",
            (entity_id, entity_id),
        ).fetchall()
        out = []
        for r in rows:
            mechs = self._mechanisms(r[0]).get(r[0], ())
            out.append(mp.transfer_from(r, mechs))
        return out

    def documents_of(self, entity_id: int) -> list[Document]:
        """Documents (any version, not archived) to which the entity is a party."""
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT p.document_id FROM document_parties p JOIN documents d "
                "ON d.id = p.document_id WHERE p.entity_id = ? AND d.archived_at IS NULL "
                "ORDER BY p.document_id",
                (entity_id,),
            )
        ]
        return [self.get_document(i) for i in ids]

    def group_entities(self) -> list[tuple[int, str]]:
        """(id, name) of live group entities (for choosing a parent)."""
        return list(
            self.conn.execute(
                "SELECT id, name FROM entities WHERE kind = 'group' AND archived_at IS NULL "
                "ORDER BY name_key"
            )
        )

    def list_transfers(self, include_archived: bool = False) -> list[Transfer]:
        where = "" if include_archived else "WHERE archived_at IS NULL"
        mechs = self._mechanisms()
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.TRANSFER_COLS)} FROM transfers {where} ORDER BY id"
        )
        return [mp.transfer_from(r, mechs.get(r[0], ())) for r in rows]

    # -- TIAs ------------------------------------------------------------------------------

    def add_tia(self, tia: Tia) -> Tia:
        ensure_valid(tia)
        with self.transaction():
            new_id, stamp = self._insert("tias", mp.tia_row(tia))
            if tia.series_id is None:  # the first revision names its series
                self.conn.execute("UPDATE tias SET series_id = ? WHERE id = ?", (new_id, new_id))
                tia = replace(tia, series_id=new_id)
            saved = self._stamped(tia, new_id, stamp, 1)
            self._audit("tias", new_id, "create", None, saved)
        return saved

    def update_tia(self, tia: Tia) -> Tia:
        ensure_valid(tia)
        assert tia.id is not None
        with self.transaction():
            before = self.get_tia(tia.id)
            stamp = self._update("tias", tia.id, tia.version, mp.tia_row(tia))
            saved = self._stamped(tia, tia.id, stamp, tia.version + 1)
            self._audit("tias", tia.id, "update", before, saved)
        return saved

    def revise_tia(self, old: Tia, new: Tia) -> Tia:
        """A new revision of an assessment; the old one is superseded, in one transaction."""
        assert old.id is not None
        with self.transaction():
            self.update_tia(replace(old, status=TiaStatus.SUPERSEDED))
            return self.add_tia(
                replace(new, id=None, series_id=old.series_id or old.id, revision=old.revision + 1)
            )

    def get_tia(self, tia_id: int) -> Tia:
        found = self.list_tias(tia_id=tia_id, content=True)
        if not found:
            raise NotFoundError(f"transfer assessment {tia_id} not found")
        return found[0]

    def tia_history(self, series_id: int) -> list[Tia]:
        """Every revision of one assessment, oldest first."""
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.TIA_COLS)} FROM tias WHERE series_id = ? ORDER BY revision",
            (series_id,),
        )
        return [mp.tia_from(r) for r in rows]

    def list_tias(self, tia_id: int | None = None, content: bool = False) -> list[Tia]:
        """Assessments (lean, without their content, unless ``content``)."""
        cols = mp.TIA_COLS if content or tia_id is not None else mp.TIA_COLS[:-1]
        sql = f"SELECT {', '.join(cols)} FROM tias"
        if tia_id is not None:
            rows = self.conn.execute(sql + " WHERE id = ?", (tia_id,))
        else:
            rows = self.conn.execute(sql + " WHERE archived_at IS NULL ORDER BY id")
        return [mp.tia_from(r) for r in rows]

    # -- catalogues, settings, audit -------------------------------------------------------

    def catalogue(self, name: str) -> list[CatalogueItem]:
        return [
            CatalogueItem(r[0], r[1], r[2], r[3])
            for r in self.conn.execute(
                "SELECT catalogue, name, description, id FROM catalogue WHERE catalogue = ? "
                "ORDER BY id",
                (name,),
            )
        ]

    def add_catalogue_items(self, items: Iterable[CatalogueItem]) -> None:
        with self.transaction():
            for item in items:
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO catalogue (catalogue, name, description) "
                    "VALUES (?, ?, ?)",
                    (item.catalogue, item.name, item.description),
                )
                if cur.rowcount:
                    self._audit("catalogue", cur.lastrowid, "create", None, item)

    def get_setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def audit_log(
        self, limit: int = 200, table: str | None = None, record_id: int | None = None
    ) -> list[AuditEntry]:
        clauses: list[str] = []
        params: list[Any] = []
        if table:
            clauses.append("table_name = ?")
            params.append(table)
        if record_id is not None:
            clauses.append("record_id = ?")
            params.append(record_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(
            f"SELECT at, actor, table_name, record_id, action, before, after, id FROM audit "
            f"{where} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [
            AuditEntry(datetime.fromisoformat(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7])
            for r in rows
        ]

    def note(self, action: str, detail: str) -> None:
        """An audit entry for a bulk action (a demo load, a generated register)."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO audit (at, actor, table_name, record_id, action, before, after) "
                "VALUES (?, ?, 'register', NULL, ?, NULL, ?)",
                (self._now().isoformat(), self.actor, action, detail),
            )

    # -- publications & sub-processor notices (issue 5) -----------------------------------------

    def add_publication(self, pub: Publication) -> Publication:
        """Record what was published (by this register's user), audited."""
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO publications (kind, published_on, actor, content) VALUES (?, ?, ?, ?)",
                (pub.kind, pub.published_on.isoformat(), self.actor, pub.content),
            )
            saved = replace(pub, id=cur.lastrowid, actor=self.actor)
            self._audit("publications", saved.id, "publish", None, saved)
        return saved

    def publications(self, kind: str, on: date | None = None) -> list[Publication]:
        """Publications of ``kind`` (those published on or before ``on``), newest first."""
        sql = f"SELECT {', '.join(mp.PUBLICATION_COLS)} FROM publications WHERE kind = ?"
        params: tuple[Any, ...] = (kind,)
        if on is not None:
            sql += " AND published_on <= ?"
            params = (kind, on.isoformat())
        rows = self.conn.execute(sql + " ORDER BY published_on DESC, id DESC", params)
        return [mp.publication_from(r) for r in rows]

    def last_publication(self, kind: str, on: date | None = None) -> Publication | None:
        found = self.publications(kind, on)
        return found[0] if found else None

    def add_notice(self, n: SubprocessorNotice) -> SubprocessorNotice:
        ensure_valid(n)
        with self.transaction():
            new_id, stamp = self._insert("subprocessor_notices", mp.notice_row(n))
            when = datetime.fromisoformat(stamp)
            saved = replace(n, id=new_id, version=1, created_at=when, updated_at=when)
            self._audit("subprocessor_notices", new_id, "create", None, saved)
        return saved

    def update_notice(self, n: SubprocessorNotice) -> SubprocessorNotice:
        ensure_valid(n)
        if n.id is None:
            raise NotFoundError("notice has no id: add it first")
        with self.transaction():
            before = self.get_notice(n.id)
            stamp = self._update("subprocessor_notices", n.id, n.version, mp.notice_row(n))
            saved = replace(
                n,
                version=n.version + 1,
                created_at=before.created_at,
                updated_at=datetime.fromisoformat(stamp),
            )
            self._audit("subprocessor_notices", n.id, "update", before, saved)
        return saved

    def get_notice(self, notice_id: int) -> SubprocessorNotice:
        row = self.conn.execute(
            f"SELECT {', '.join(mp.NOTICE_COLS)} FROM subprocessor_notices WHERE id = ?",
            (notice_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"sub-processor notice {notice_id} does not exist")
        return mp.notice_from(row)

    def list_notices(self, include_archived: bool = False) -> list[SubprocessorNotice]:
        """Notices, newest received first."""
        where = "" if include_archived else "WHERE archived_at IS NULL"
        rows = self.conn.execute(
            f"SELECT {', '.join(mp.NOTICE_COLS)} FROM subprocessor_notices {where} "
            "ORDER BY received_on DESC, id DESC"
        )
        return [mp.notice_from(r) for r in rows]

    # -- whole-register reads & bulk writes ---------------------------------------------------

    def snapshot(self) -> RegisterSnapshot:
        """A read-only view of everything the rules need, in a handful of narrow queries.

        Records carry only the fields the rules read and ``version = -1``, so saving one is
        refused as a stale write: load a record with ``get_*`` before editing it.
        """
        conn = self.conn
        entities = {r[0]: mp.lean_entity_from(r) for r in conn.execute(mp.LEAN_ENTITY_SQL)}
        parties: dict[int, list[int]] = defaultdict(list)
        for doc_id, ent in conn.execute(
            "SELECT document_id, entity_id FROM document_parties ORDER BY document_id, entity_id"
        ):
            parties[doc_id].append(ent)
        docs = {
            r[0]: mp.lean_document_from(r, tuple(parties.get(r[0], ())))
            for r in conn.execute(mp.LEAN_DOCUMENT_SQL)
        }
        mechs = self._mechanisms()
        transfers = tuple(
            mp.lean_transfer_from(r, mechs.get(r[0], ()))
            for r in conn.execute(mp.LEAN_TRANSFER_SQL)
        )
        return RegisterSnapshot(
            entities=entities, transfers=transfers, documents=docs, tias=tuple(self.list_tias())
        )

    def bulk_insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Insert many prepared rows at once (generated registers); caller holds a transaction."""
        if not rows:
            return
        stamp = self._now().isoformat()
        cols = list(rows[0])
        extra = [c for c in ("created_at", "updated_at", "version") if c not in cols]
        sql = (
            f"INSERT INTO {table} ({', '.join(cols + extra)}) VALUES "
            f"({', '.join('?' for _ in cols + extra)})"
        )
        fill = {"created_at": stamp, "updated_at": stamp, "version": 1}
        self.conn.executemany(
            sql, (tuple(r[c] for c in cols) + tuple(fill[c] for c in extra) for r in rows)
        )

    def bulk_add(
        self,
        entities: Sequence[Entity],
        locations: Sequence[Location],
        documents: Sequence[Document],
        transfers: Sequence[Transfer],
        tias: Sequence[Tia],
    ) -> None:
        """Insert whole generated registers (ids preset) in one transaction, audited once."""
        with self.transaction():
            rows = [{"id": e.id, **mp.entity_row(e)} for e in entities]
            self.bulk_insert("entities", rows)
            self.conn.executemany(
                "INSERT INTO entity_tokens (token, entity_id) VALUES (?, ?)",
                [(tok, r["id"]) for r in rows for tok in mp.entity_tokens(r)],
            )
            self.bulk_insert("locations", [{"id": x.id, **mp.location_row(x)} for x in locations])
            self.bulk_insert("documents", [{"id": d.id, **mp.document_row(d)} for d in documents])
            self.conn.executemany(
                "INSERT INTO document_parties (document_id, entity_id) VALUES (?, ?)",
                [(d.id, p) for d in documents for p in d.party_ids],
            )
            self.bulk_insert("transfers", [{"id": t.id, **mp.transfer_row(t)} for t in transfers])
            self.conn.executemany(
                "INSERT INTO transfer_mechanisms (transfer_id, position, mechanism, document_id) "
                "VALUES (?, ?, ?, ?)",
                [
                    (t.id, i, u.mechanism.value, u.document_id)
                    for t in transfers
                    for i, u in enumerate(t.mechanisms)
                ],
            )
            self.bulk_insert(
                "tias",
                [{"id": x.id, **mp.tia_row(x), "series_id": x.series_id or x.id} for x in tias],
            )
            self.note("generate", f"generated a synthetic register of {len(entities)} entities")

    def add_many(
        self,
        entities: Sequence[Entity],
        locations: Sequence[Location],
        transfers: Sequence[Transfer],
    ) -> list[int]:
        """Add new entities with their locations and transfers at once (an import), each
        record validated and audited as ``add_entity`` does. A location or transfer names a
        new entity by ``-(its position in entities + 1)``. Returns the new entities' ids."""
        for group in (entities, locations, transfers):
            for obj in group:
                ensure_valid(obj)
        with self.transaction():
            stamp = self._now().isoformat()
            first = self.max_id("entities") + 1
            ids = list(range(first, first + len(entities)))

            def real(i: int) -> int:
                return ids[-i - 1] if i < 0 else i

            audit: list[tuple[Any, ...]] = []
            encode = mp._ENCODER.encode

            def audited(table: str, obj: Any, new_id: int, **fix: int) -> None:
                after = mp.plain(obj)
                after.update(id=new_id, version=1, created_at=stamp, updated_at=stamp, **fix)
                audit.append((stamp, self.actor, table, new_id, "create", None, encode(after)))

            rows = [{"id": i, **mp.entity_row(e)} for i, e in zip(ids, entities, strict=True)]
            self.bulk_insert("entities", rows)
            self.conn.executemany(
                "INSERT INTO entity_tokens (token, entity_id) VALUES (?, ?)",
                [(tok, r["id"]) for r in rows for tok in mp.entity_tokens(r)],
            )
            for i, e in zip(ids, entities, strict=True):
                audited("entities", e, i)
            base = self.max_id("locations") + 1
            loc_rows = []
            for k, x in enumerate(locations):
                row = mp.location_row(x)
                row.update(id=base + k, entity_id=real(x.entity_id))
                loc_rows.append(row)
                audited("locations", x, base + k, entity_id=row["entity_id"])
            self.bulk_insert("locations", loc_rows)
            base = self.max_id("transfers") + 1
            t_rows = []
            for k, t in enumerate(transfers):
                row = mp.transfer_row(t)
                row.update(
                    id=base + k, importer_id=real(t.importer_id), exporter_id=real(t.exporter_id)
                )
                t_rows.append(row)
                audited(
                    "transfers",
                    t,
                    base + k,
                    importer_id=row["importer_id"],
                    exporter_id=row["exporter_id"],
                )
            self.bulk_insert("transfers", t_rows)
            self.conn.executemany(
                "INSERT INTO transfer_mechanisms (transfer_id, position, mechanism, document_id) "
                "VALUES (?, ?, ?, ?)",
                [
                    (base + k, j, u.mechanism.value, u.document_id)
                    for k, t in enumerate(transfers)
                    for j, u in enumerate(t.mechanisms)
                ],
            )
            self.conn.executemany(
                "INSERT INTO audit (at, actor, table_name, record_id, action, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                audit,
            )
        return ids

    def max_id(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])

    # -- the register table of the exports (CSV, XLSX, PDF) ------------------------------------

    # One row per live entity and each live transfer it receives. Correlated subqueries on
    # the indexes, one pass in SQLite: about 1.5 s on 100,000 entities, where the rules'
    # snapshot takes 4 or more (and the exports need less than it holds).
    _REGISTER_LINES_SQL = """
        SELECT e.id, e.name, e.kind, e.lifecycle, e.exporter_regimes,
            (SELECT group_concat(country) FROM locations l
                WHERE l.entity_id = e.id AND l.archived_at IS NULL),
            t.id, t.exporter_id, x.name, x.archived_at IS NOT NULL, x.exporter_regimes,
            t.importer_role, t.destination, t.regimes,
            (SELECT group_concat(mechanism, ';') FROM (SELECT mechanism
                FROM transfer_mechanisms m WHERE m.transfer_id = t.id ORDER BY m.position)),
            d.id, d.title, d.signed_on, d.expires_on, d.next_review_on, e.name_key
        FROM entities e
        LEFT JOIN transfers t ON t.importer_id = e.id AND t.archived_at IS NULL
        LEFT JOIN entities x ON x.id = t.exporter_id
        LEFT JOIN documents d ON d.id = (
            SELECT m.document_id FROM transfer_mechanisms m
            WHERE m.transfer_id = t.id AND m.document_id IS NOT NULL
            ORDER BY m.position LIMIT 1)
        WHERE e.archived_at IS NULL
    """

    def register_lines(self) -> list[tuple[Any, ...]]:
        """The exports' register table as stored values, in name order (``name_key``, id,
        transfer id): one row per live entity and each live transfer it receives, or one row
        with the transfer columns NULL when it receives none.

        Columns: entity id, name, kind, lifecycle, exporter regimes (non-empty for our own
        entities), countries (its live locations', comma-joined, repeats possible); transfer
        id, exporter id, exporter name, whether the exporter is archived, the exporter's own
        regimes, importer role, destination, the transfer's regimes, mechanisms (';'-joined,
        in order); the safeguard document (the first mechanism's that has one) id, title,
        signed, expires, next review (ISO dates); the entity's name key.
        """
        rows = self.conn.execute(self._REGISTER_LINES_SQL).fetchall()
        # Sorted here: SQLite would walk the name index and fetch each entity at random.
        rows.sort(key=lambda r: (r[20], r[0], r[6] or 0))
        return rows

    def assessment_heads(self) -> list[tuple[Any, ...]]:
        """Each live assessment's header as stored, for the exports (no content, no inputs):
        id, transfer id, further transfer ids (comma-joined), series id, revision, status,
        approved on, next review on."""
        return self.conn.execute(
            "SELECT id, transfer_id, extra_transfer_ids, series_id, revision, status, "
            "approved_on, next_review_on FROM tias WHERE archived_at IS NULL"
        ).fetchall()

    # -- whole-register dump & load (the lossless JSON export and its import) ---------------

    # Everything a register holds besides its audit log and settings; load_records fills them.
    _RECORD_TABLES = (
        "entities",
        "locations",
        "documents",
        "transfers",
        "tias",
        "catalogue",
        "files",
        "publications",
        "subprocessor_notices",
    )

    def dump_records(self) -> RegisterRecords:
        """Every record, archived ones included, by id, with versions and timestamps."""
        conn = self.conn

        def rows(table: str, cols: Sequence[str]) -> list[Any]:
            return conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id").fetchall()

        parties: dict[int, list[int]] = defaultdict(list)
        for doc_id, ent in conn.execute(
            "SELECT document_id, entity_id FROM document_parties ORDER BY document_id, entity_id"
        ):
            parties[doc_id].append(ent)
        mechs = self._mechanisms()
        return RegisterRecords(
            entities=tuple(mp.entity_from(r) for r in rows("entities", mp.ENTITY_COLS)),
            locations=tuple(mp.location_from(r) for r in rows("locations", mp.LOCATION_COLS)),
            documents=tuple(
                mp.document_from(r, tuple(parties.get(r[0], ())))
                for r in rows("documents", mp.DOCUMENT_COLS)
            ),
            transfers=tuple(
                mp.transfer_from(r, mechs.get(r[0], ()))
                for r in rows("transfers", mp.TRANSFER_COLS)
            ),
            tias=tuple(mp.tia_from(r) for r in rows("tias", mp.TIA_COLS)),
            catalogue=tuple(
                CatalogueItem(r[1], r[2], r[3], r[0])
                for r in rows("catalogue", ("id", "catalogue", "name", "description"))
            ),
            files=tuple(
                StoredFile(r[0], r[1], r[2], mp.s2dt(r[3]))
                for r in conn.execute(
                    "SELECT sha256, size, original_name, stored_at FROM files ORDER BY sha256"
                )
            ),
            publications=tuple(
                mp.publication_from(r) for r in rows("publications", mp.PUBLICATION_COLS)
            ),
            notices=tuple(mp.notice_from(r) for r in rows("subprocessor_notices", mp.NOTICE_COLS)),
        )

    def load_records(self, records: RegisterRecords, note: str) -> None:
        """Write a whole register into this EMPTY database in one transaction, keeping every
        id, record version and timestamp; audited once (``note``). Callers validate first."""
        stamp = self._now().isoformat()

        def kept(
            obj: Entity | Location | Document | Transfer | Tia | SubprocessorNotice,
        ) -> dict[str, Any]:
            return {
                "id": obj.id,
                "version": max(obj.version, 1),
                "created_at": obj.created_at.isoformat() if obj.created_at else stamp,
                "updated_at": obj.updated_at.isoformat() if obj.updated_at else stamp,
                "archived_at": obj.archived_at.isoformat() if obj.archived_at else None,
            }

        with self.transaction():
            for table in self._RECORD_TABLES:
                if self.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                    raise StorageError(
                        f"the register is not empty (it has {table.replace('_', ' ')}): a "
                        "register file loads only into an empty one (use --data-dir to start "
                        "a new one)"
                    )
            # Records may name others saved after them (a parent entity, a later version):
            # check the references once, at commit.
            self.conn.execute("PRAGMA defer_foreign_keys = ON")
            self.conn.executemany(
                "INSERT INTO files (sha256, size, original_name, stored_at) VALUES (?, ?, ?, ?)",
                [
                    (f.sha256, f.size, f.original_name, (f.stored_at or self._now()).isoformat())
                    for f in records.files
                ],
            )
            rows = [{**mp.entity_row(e), **kept(e)} for e in records.entities]
            self.bulk_insert("entities", rows)
            self.conn.executemany(
                "INSERT INTO entity_tokens (token, entity_id) VALUES (?, ?)",
                [(tok, r["id"]) for r in rows for tok in sorted(mp.entity_tokens(r))],
            )
            self.bulk_insert(
                "locations", [{**mp.location_row(x), **kept(x)} for x in records.locations]
            )
            self.bulk_insert(
                "documents", [{**mp.document_row(d), **kept(d)} for d in records.documents]
            )
            self.conn.executemany(
                "INSERT INTO document_parties (document_id, entity_id) VALUES (?, ?)",
                [(d.id, p) for d in records.documents for p in dict.fromkeys(d.party_ids)],
            )
            self.bulk_insert(
                "transfers", [{**mp.transfer_row(t), **kept(t)} for t in records.transfers]
            )
            self.conn.executemany(
                "INSERT INTO transfer_mechanisms (transfer_id, position, mechanism, document_id) "
                "VALUES (?, ?, ?, ?)",
                [
                    (t.id, i, u.mechanism.value, u.document_id)
                    for t in records.transfers
                    for i, u in enumerate(t.mechanisms)
                ],
            )
            self.bulk_insert("tias", [{**mp.tia_row(x), **kept(x)} for x in records.tias])
            self.conn.executemany(
                "INSERT INTO catalogue (id, catalogue, name, description) VALUES (?, ?, ?, ?)",
                [(c.id, c.catalogue, c.name, c.description) for c in records.catalogue],
            )
            self.conn.executemany(
                "INSERT INTO publications (id, kind, published_on, actor, content) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (p.id, p.kind, p.published_on.isoformat(), p.actor, p.content)
                    for p in records.publications
                ],
            )
            self.bulk_insert(
                "subprocessor_notices",
                [{**mp.notice_row(n), **kept(n)} for n in records.notices],
            )
            self.note("load", note)


for _name, _member in list(vars(SqliteRegister).items()):
    if callable(_member) and not _name.startswith("_") and _name != "transaction":
        setattr(SqliteRegister, _name, _translate_errors(_member))
