"""Whole-register writes and reads: dump and load (the lossless JSON export and its import),
generated registers, imported spreadsheets."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from db import mapping as mp
from db.errors import translated
from db.sqlite.documents import parties_of
from db.sqlite.organisation import read_all, write_follow_ups, write_profile
from db.sqlite.rows import (
    AUDIT_CHAIN_COLS,
    audit_from,
    document_from,
    entity_from,
    location_from,
    notice_from,
    publication_from,
    s2dt,
    tia_from,
    transfer_from,
)
from db.sqlite.session import AuditRow, Session
from db.sqlite.transfers import mechanisms_of
from transfers_app.domain.audit_chain import IMPORT_ACTION, REGISTER_TABLE, import_marker
from transfers_app.domain.models import (
    AuditEntry,
    CatalogueItem,
    Document,
    Entity,
    Location,
    StoredFile,
    SubprocessorNotice,
    Tia,
    Transfer,
)
from transfers_app.domain.validation import ensure_valid
from transfers_app.errors import StorageError
from transfers_app.ports.storage import RegisterRecords

# Everything a register holds besides its audit log and settings: what ``load`` fills.
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

_MECHANISM_INSERT = (
    "INSERT INTO transfer_mechanisms (transfer_id, position, mechanism, document_id) "
    "VALUES (?, ?, ?, ?)"
)
_PARTY_INSERT = "INSERT INTO document_parties (document_id, entity_id) VALUES (?, ?)"


def _insert_tokens(s: Session, rows: Sequence[dict[str, Any]]) -> None:
    # New entities have no tokens yet: no DELETE first (``write_tokens`` is for updates).
    s.conn.executemany(
        "INSERT INTO entity_tokens (token, entity_id) VALUES (?, ?)",
        [(tok, r["id"]) for r in rows for tok in sorted(mp.entity_tokens(r))],
    )


def _load_history(s: Session, history: Sequence[AuditEntry]) -> None:
    """A loaded register's audit trail, kept verbatim (hashes included) after an entry that
    announces it; the entries this register already had stay where they are."""
    if not history:
        return
    s.append_audit(
        [
            (
                s.now().isoformat(),
                s.actor,
                REGISTER_TABLE,
                None,
                IMPORT_ACTION,
                None,
                import_marker(len(history), history[0].prev_hash, history[-1].hash),
            )
        ]
    )
    s.conn.executemany(
        "INSERT INTO audit (at, actor, table_name, record_id, action, before, after, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e.at.isoformat(),
                e.actor,
                e.table,
                e.record_id,
                e.action,
                e.before,
                e.after,
                e.prev_hash,
                e.hash,
            )
            for e in history
        ],
    )


@translated
class SqliteBulkRecords:
    def __init__(self, session: Session) -> None:
        self._s = session

    def dump(self) -> RegisterRecords:
        s = self._s
        conn = s.conn

        def rows(table: str, cols: Sequence[str]) -> builtins.list[Any]:
            return conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id").fetchall()

        parties = parties_of(s)
        mechs = mechanisms_of(s)
        profile, follow_ups = read_all(s)
        return RegisterRecords(
            entities=tuple(entity_from(r) for r in rows("entities", mp.ENTITY_COLS)),
            locations=tuple(location_from(r) for r in rows("locations", mp.LOCATION_COLS)),
            documents=tuple(
                document_from(r, parties.get(r[0], ())) for r in rows("documents", mp.DOCUMENT_COLS)
            ),
            transfers=tuple(
                transfer_from(r, mechs.get(r[0], ())) for r in rows("transfers", mp.TRANSFER_COLS)
            ),
            tias=tuple(tia_from(r) for r in rows("tias", mp.TIA_FULL_COLS)),
            catalogue=tuple(
                CatalogueItem(r[1], r[2], r[3], r[0])
                for r in rows("catalogue", ("id", "catalogue", "name", "description"))
            ),
            files=tuple(
                StoredFile(r[0], r[1], r[2], s2dt(r[3]))
                for r in conn.execute(
                    "SELECT sha256, size, original_name, stored_at FROM files ORDER BY sha256"
                )
            ),
            publications=tuple(
                publication_from(r) for r in rows("publications", mp.PUBLICATION_COLS)
            ),
            notices=tuple(notice_from(r) for r in rows("subprocessor_notices", mp.NOTICE_COLS)),
            audit=tuple(audit_from(r) for r in rows("audit", AUDIT_CHAIN_COLS)),
            organisation=() if profile.is_empty else (profile,),
            open_items=tuple(follow_ups),
        )

    def load(self, records: RegisterRecords, note: str) -> None:
        s = self._s
        conn = s.conn
        stamp = s.now().isoformat()

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

        with s.atomic():
            for table in _RECORD_TABLES:
                if conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                    raise StorageError(
                        f"the register is not empty (it has {table.replace('_', ' ')}): a "
                        "register file loads only into an empty one (use --data-dir to start "
                        "a new one)"
                    )
            # Records may name others saved after them (a parent entity, a later version):
            # the references are checked once, at commit.
            s.defer_foreign_keys()
            conn.executemany(
                "INSERT INTO files (sha256, size, original_name, stored_at) VALUES (?, ?, ?, ?)",
                [
                    (f.sha256, f.size, f.original_name, (f.stored_at or s.now()).isoformat())
                    for f in records.files
                ],
            )
            rows = [{**mp.entity_row(e), **kept(e)} for e in records.entities]
            s.bulk_insert("entities", rows)
            _insert_tokens(s, rows)
            s.bulk_insert(
                "locations", [{**mp.location_row(x), **kept(x)} for x in records.locations]
            )
            s.bulk_insert(
                "documents", [{**mp.document_row(d), **kept(d)} for d in records.documents]
            )
            conn.executemany(
                _PARTY_INSERT,
                [(d.id, p) for d in records.documents for p in dict.fromkeys(d.party_ids)],
            )
            s.bulk_insert(
                "transfers", [{**mp.transfer_row(t), **kept(t)} for t in records.transfers]
            )
            conn.executemany(
                _MECHANISM_INSERT,
                [
                    (t.id, i, u.mechanism.value, u.document_id)
                    for t in records.transfers
                    for i, u in enumerate(t.mechanisms)
                ],
            )
            s.bulk_insert(
                "tias",
                [
                    {**mp.tia_row(x), "approved_document": x.approved_document, **kept(x)}
                    for x in records.tias
                ],
            )
            conn.executemany(
                "INSERT INTO catalogue (id, catalogue, name, description) VALUES (?, ?, ?, ?)",
                [(c.id, c.catalogue, c.name, c.description) for c in records.catalogue],
            )
            conn.executemany(
                "INSERT INTO publications (id, kind, published_on, actor, content) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (p.id, p.kind, p.published_on.isoformat(), p.actor, p.content)
                    for p in records.publications
                ],
            )
            s.bulk_insert(
                "subprocessor_notices", [{**mp.notice_row(n), **kept(n)} for n in records.notices]
            )
            _load_history(s, records.audit)
            # The file's profile and follow-ups (checked by the import like every record).
            for profile in records.organisation[-1:]:
                write_profile(s, profile)
            write_follow_ups(s, list(records.open_items))
            s.ids_written(*(t for t in _RECORD_TABLES if t != "files"))
            s.note("load", note)

    def add_generated(
        self,
        entities: Sequence[Entity],
        locations: Sequence[Location],
        documents: Sequence[Document],
        transfers: Sequence[Transfer],
        tias: Sequence[Tia],
    ) -> None:
        s = self._s
        with s.atomic():
            rows = [{"id": e.id, **mp.entity_row(e)} for e in entities]
            s.bulk_insert("entities", rows)
            _insert_tokens(s, rows)
            s.bulk_insert("locations", [{"id": x.id, **mp.location_row(x)} for x in locations])
            s.bulk_insert("documents", [{"id": d.id, **mp.document_row(d)} for d in documents])
            s.conn.executemany(
                _PARTY_INSERT, [(d.id, p) for d in documents for p in dict.fromkeys(d.party_ids)]
            )
            s.bulk_insert("transfers", [{"id": t.id, **mp.transfer_row(t)} for t in transfers])
            s.conn.executemany(
                _MECHANISM_INSERT,
                [
                    (t.id, i, u.mechanism.value, u.document_id)
                    for t in transfers
                    for i, u in enumerate(t.mechanisms)
                ],
            )
            s.bulk_insert(
                "tias",
                [{"id": x.id, **mp.tia_row(x), "series_id": x.series_id or x.id} for x in tias],
            )
            s.ids_written("entities", "locations", "documents", "transfers", "tias")
            s.note("generate", f"generated a synthetic register of {len(entities)} entities")

    def add_many(
        self,
        entities: Sequence[Entity],
        locations: Sequence[Location],
        transfers: Sequence[Transfer],
    ) -> builtins.list[int]:
        for group in (entities, locations, transfers):
            for obj in group:
                ensure_valid(obj)
        s = self._s
        with s.atomic():
            stamp = s.now().isoformat()
            ids = s.new_ids("entities", len(entities))

            def real(i: int) -> int:
                return ids[-i - 1] if i < 0 else i

            audit: builtins.list[AuditRow] = []

            def audited(table: str, obj: Any, new_id: int, **fix: int) -> None:
                after = mp.plain(obj)
                after.update(id=new_id, version=1, created_at=stamp, updated_at=stamp, **fix)
                audit.append((stamp, s.actor, table, new_id, "create", None, mp.json_text(after)))

            rows = [{"id": i, **mp.entity_row(e)} for i, e in zip(ids, entities, strict=True)]
            s.bulk_insert("entities", rows)
            _insert_tokens(s, rows)
            for i, e in zip(ids, entities, strict=True):
                audited("entities", e, i)
            loc_ids = s.new_ids("locations", len(locations))
            loc_rows = []
            for loc_id, x in zip(loc_ids, locations, strict=True):
                row = {**mp.location_row(x), "id": loc_id, "entity_id": real(x.entity_id)}
                loc_rows.append(row)
                audited("locations", x, loc_id, entity_id=row["entity_id"])
            s.bulk_insert("locations", loc_rows)
            transfer_ids = s.new_ids("transfers", len(transfers))
            t_rows = []
            for transfer_id, t in zip(transfer_ids, transfers, strict=True):
                row = {
                    **mp.transfer_row(t),
                    "id": transfer_id,
                    "importer_id": real(t.importer_id),
                    "exporter_id": real(t.exporter_id),
                }
                t_rows.append(row)
                audited(
                    "transfers",
                    t,
                    transfer_id,
                    importer_id=row["importer_id"],
                    exporter_id=row["exporter_id"],
                )
            s.bulk_insert("transfers", t_rows)
            s.conn.executemany(
                _MECHANISM_INSERT,
                [
                    (transfer_id, j, u.mechanism.value, u.document_id)
                    for transfer_id, t in zip(transfer_ids, transfers, strict=True)
                    for j, u in enumerate(t.mechanisms)
                ],
            )
            s.append_audit(audit)
        return ids
