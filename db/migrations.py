"""Named, transactional schema migrations (sqlite-utils ``Migrations``).

Never edit a migration that has shipped: add a new one. ``SCHEMA_VERSION`` is the number of
migrations; it is written to ``PRAGMA user_version`` so an older app can refuse a newer file.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from transfers_app.domain.audit_chain import GENESIS, entry_hash

migrations = Migrations("transfers_app")

_TS = (
    "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, archived_at TEXT, "
    "version INTEGER NOT NULL DEFAULT 1"
)


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        f"""
        CREATE TABLE files (
            sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
            size INTEGER NOT NULL,
            original_name TEXT NOT NULL,
            stored_at TEXT NOT NULL
        );
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            name_key TEXT NOT NULL,
            legal_key TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind IN ('group', 'vendor', 'customer')),
            legal_name TEXT NOT NULL DEFAULT '',
            registration_number TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            contact_name TEXT NOT NULL DEFAULT '',
            contact_email TEXT NOT NULL DEFAULT '',
            website TEXT NOT NULL DEFAULT '',
            parent_id INTEGER REFERENCES entities(id),
            notes TEXT NOT NULL DEFAULT '',
            lifecycle TEXT NOT NULL
                CHECK (lifecycle IN ('proposed', 'approved', 'active', 'offboarded')),
            proposed_on TEXT, approved_on TEXT, active_on TEXT, offboarded_on TEXT,
            owner TEXT NOT NULL DEFAULT '',
            exporter_regimes TEXT NOT NULL DEFAULT '',
            {_TS}
        );
        CREATE INDEX entities_name_key ON entities(name_key);
        CREATE INDEX entities_legal_key ON entities(legal_key) WHERE legal_key <> '';
        -- Words of each entity's name and legal name, for finding it under another spelling.
        CREATE TABLE entity_tokens (
            token TEXT NOT NULL,
            entity_id INTEGER NOT NULL REFERENCES entities(id)
        );
        CREATE INDEX entity_tokens_token ON entity_tokens(token);
        CREATE INDEX entity_tokens_entity ON entity_tokens(entity_id);
        CREATE TABLE locations (
            id INTEGER PRIMARY KEY,
            entity_id INTEGER NOT NULL REFERENCES entities(id),
            country TEXT NOT NULL,
            activity TEXT NOT NULL,
            city TEXT NOT NULL DEFAULT '',
            {_TS}
        );
        CREATE INDEX locations_entity ON locations(entity_id);
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT NOT NULL CHECK (title <> ''),
            instrument_version TEXT NOT NULL DEFAULT '',
            scc_module INTEGER CHECK (scc_module BETWEEN 1 AND 4),
            scc_options TEXT,
            signed_on TEXT, effective_on TEXT, expires_on TEXT,
            notice_period_days INTEGER, review_cycle_months INTEGER,
            next_review_on TEXT, last_reviewed_on TEXT,
            derogation TEXT, justification TEXT NOT NULL DEFAULT '',
            dpf_eu INTEGER NOT NULL DEFAULT 0,
            dpf_uk_extension INTEGER NOT NULL DEFAULT 0,
            dpf_swiss INTEGER NOT NULL DEFAULT 0,
            checked_on TEXT,
            file_sha256 TEXT REFERENCES files(sha256),
            file_name TEXT NOT NULL DEFAULT '',
            series_id INTEGER REFERENCES documents(id),
            doc_version INTEGER NOT NULL DEFAULT 1,
            status TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'superseded')),
            supersedes_id INTEGER REFERENCES documents(id),
            notes TEXT NOT NULL DEFAULT '',
            {_TS}
        );
        CREATE INDEX documents_series ON documents(series_id);
        CREATE TABLE document_parties (
            document_id INTEGER NOT NULL REFERENCES documents(id),
            entity_id INTEGER NOT NULL REFERENCES entities(id),
            PRIMARY KEY (document_id, entity_id)
        );
        CREATE INDEX document_parties_entity ON document_parties(entity_id);
        CREATE TABLE transfers (
            id INTEGER PRIMARY KEY,
            exporter_id INTEGER NOT NULL REFERENCES entities(id),
            importer_id INTEGER NOT NULL REFERENCES entities(id),
            destination TEXT NOT NULL,
            access TEXT NOT NULL,
            importer_role TEXT NOT NULL,
            exporter_role TEXT NOT NULL,
            regimes TEXT NOT NULL DEFAULT '',
            service TEXT NOT NULL DEFAULT '',
            purpose TEXT NOT NULL DEFAULT '',
            data_categories TEXT NOT NULL DEFAULT '[]',
            data_subjects TEXT NOT NULL DEFAULT '[]',
            special_category INTEGER NOT NULL DEFAULT 0,
            criminal_data INTEGER NOT NULL DEFAULT 0,
            frequency TEXT NOT NULL,
            volume TEXT,
            parent_transfer_id INTEGER REFERENCES transfers(id),
            started_on TEXT, ended_on TEXT,
            notes TEXT NOT NULL DEFAULT '',
            {_TS}
        );
        -- One live row per exporter, importer, destination, access and upstream transfer.
        CREATE UNIQUE INDEX transfers_identity ON transfers(
            exporter_id, importer_id, destination, access, coalesce(parent_transfer_id, 0)
        ) WHERE archived_at IS NULL;
        CREATE INDEX transfers_importer ON transfers(importer_id);
        CREATE INDEX transfers_exporter ON transfers(exporter_id);
        CREATE TABLE transfer_mechanisms (
            transfer_id INTEGER NOT NULL REFERENCES transfers(id),
            position INTEGER NOT NULL,
            mechanism TEXT NOT NULL,
            document_id INTEGER REFERENCES documents(id),
            PRIMARY KEY (transfer_id, position)
        );
        CREATE TABLE tias (
            id INTEGER PRIMARY KEY,
            transfer_id INTEGER NOT NULL REFERENCES transfers(id),
            status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'superseded')),
            assessor TEXT NOT NULL DEFAULT '',
            approver TEXT NOT NULL DEFAULT '',
            approved_on TEXT, next_review_on TEXT,
            review_cycle_months INTEGER,
            {_TS}
        );
        CREATE INDEX tias_transfer ON tias(transfer_id);
        CREATE TABLE catalogue (
            id INTEGER PRIMARY KEY,
            catalogue TEXT NOT NULL CHECK (catalogue IN ('data_category', 'data_subject')),
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            UNIQUE (catalogue, name)
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            table_name TEXT NOT NULL,
            record_id INTEGER,
            action TEXT NOT NULL,
            before TEXT,
            after TEXT
        );
        CREATE INDEX audit_record ON audit(table_name, record_id);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )


@migrations()
def m002_own_entities_index(db: Database) -> None:
    # Our own (exporting) entities are a handful among many: find them without a table scan.
    db.execute(
        "CREATE INDEX entities_own ON entities(name_key) "
        "WHERE exporter_regimes <> '' AND archived_at IS NULL"
    )


@migrations()
def m003_tia_structure_and_notices(db: Database) -> None:
    # The structured TIA (issue 4): its content and the register snapshot it was made on are
    # JSON documents (read and written whole, never queried by field).
    db.executescript(
        f"""
        ALTER TABLE tias ADD COLUMN title TEXT NOT NULL DEFAULT '';
        ALTER TABLE tias ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE tias ADD COLUMN series_id INTEGER;
        ALTER TABLE tias ADD COLUMN regimes TEXT NOT NULL DEFAULT '';
        ALTER TABLE tias ADD COLUMN extra_transfer_ids TEXT NOT NULL DEFAULT '';
        ALTER TABLE tias ADD COLUMN content TEXT;
        ALTER TABLE tias ADD COLUMN inputs TEXT;
        ALTER TABLE tias ADD COLUMN change_note TEXT NOT NULL DEFAULT '';
        CREATE TABLE publications (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            published_on TEXT NOT NULL,
            actor TEXT NOT NULL,
            content TEXT NOT NULL
        );
        CREATE TABLE subprocessor_notices (
            id INTEGER PRIMARY KEY,
            processor_id INTEGER NOT NULL REFERENCES entities(id),
            subprocessor_name TEXT NOT NULL CHECK (subprocessor_name <> ''),
            subprocessor_id INTEGER REFERENCES entities(id),
            replaces_id INTEGER REFERENCES entities(id),
            countries TEXT NOT NULL DEFAULT '',
            service TEXT NOT NULL DEFAULT '',
            received_on TEXT NOT NULL,
            notice_period_days INTEGER NOT NULL DEFAULT 30,
            objection_deadline TEXT NOT NULL,
            decision TEXT NOT NULL DEFAULT ''
                CHECK (decision IN ('', 'accept', 'object', 'terminate')),
            decided_by TEXT NOT NULL DEFAULT '',
            decided_on TEXT,
            notes TEXT NOT NULL DEFAULT '',
            {_TS}
        );
        """
    )


@migrations()
def m004_tia_approved_document(db: Database) -> None:
    # An approved assessment is reproduced exactly as approved (issue 10): the document built
    # on approval is kept with the record (JSON of ``transfers_app.reports.codec``), written
    # once. Assessments approved before this migration have none and are rebuilt on export.
    db.execute("ALTER TABLE tias ADD COLUMN approved_document TEXT")


@migrations()
def m006_audit_chain(db: Database) -> None:
    # The audit trail made tamper-evident (issue 12): each entry's hash over its content and the
    # previous entry's hash (``transfers_app.domain.audit_chain``). The existing entries are
    # chained in the order they were written; from now on the trail only grows.
    db.executescript(
        """
        ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';
        """
    )
    prev = GENESIS
    links: list[tuple[str, str, int]] = []
    rows = db.execute(
        "SELECT id, at, actor, table_name, record_id, action, before, after FROM audit ORDER BY id"
    )
    for r in rows:
        h = entry_hash(datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], prev)
        links.append((prev, h, r[0]))
        prev = h
    db.conn.executemany("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", links)
    # Append-only for every program that uses the file without dropping these first (which a
    # determined editor can do: the chain is what then shows the change).
    db.executescript(
        """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """
    )


SCHEMA_VERSION = len(migrations._migrations)
MIGRATION_NAMES = tuple(m.name for m in migrations._migrations)
