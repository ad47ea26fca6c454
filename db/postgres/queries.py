"""The read models in PostgreSQL's SQL: ``SqliteQueries`` reads the rows the same way; only the
statements SQLite spells its own way (``group_concat`` in index order, ``INDEXED BY``, the
smallest of values) are respelled here."""

from __future__ import annotations

from db.sqlite.queries import _SEP, LINES_TEMPLATE, SqliteQueries

_SEP_SQL = f"chr({ord(_SEP)})"


class PgQueries(SqliteQueries):
    LEAST = "least"
    MECHANISM_USES_SQL = (
        "SELECT transfer_id, string_agg(mechanism || ' ' || coalesce(CAST(document_id AS text), "
        "''), ',' ORDER BY position) FROM transfer_mechanisms GROUP BY transfer_id"
    )
    MECHANISMS_USED_SQL = (
        "SELECT t.importer_id, string_agg(coalesce(m.mechanism, ''), ',') "
        "FROM transfers t LEFT JOIN transfer_mechanisms m ON m.transfer_id = t.id "
        "WHERE t.archived_at IS NULL{only} GROUP BY t.importer_id"
    )
    COUNTRIES_SQL = (
        "SELECT entity_id, string_agg(country, ',' ORDER BY id) FROM locations "
        "WHERE archived_at IS NULL GROUP BY entity_id"
    )
    ROWS_SQL = f"""
        SELECT e.id, e.name, e.legal_name, e.kind, e.lifecycle, e.exporter_regimes <> '',
            (SELECT string_agg(country, ',' ORDER BY l.id) FROM locations l
                WHERE l.entity_id = e.id AND l.archived_at IS NULL),
            (SELECT string_agg(service, {_SEP_SQL} ORDER BY t.id) FROM transfers t
                WHERE t.importer_id = e.id AND t.archived_at IS NULL AND t.service <> '')
        FROM entities e WHERE e.archived_at IS NULL
    """
    ROWS_ORDER = " ORDER BY e.name_key, e.id"
    FIRST_ROWS_ORDER = " ORDER BY e.name_key, e.id LIMIT ?"
    LINES_SQL = LINES_TEMPLATE.format(
        mechanisms="(SELECT string_agg(mechanism, ',' ORDER BY position) "
        "FROM transfer_mechanisms m WHERE m.transfer_id = t.id)",
        order="e.name_key, e.id, t.id",
    )
