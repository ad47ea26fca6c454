"""The read models in PostgreSQL's SQL: ``SqliteQueries`` reads the rows the same way; only the
statements SQLite spells its own way (``group_concat`` in index order, date modifiers, the
smallest of values, bare columns beside ``min``) are respelled here."""

from __future__ import annotations

from db.sqlite.queries import _SEP, LINES_TEMPLATE, SqliteQueries

_SEP_SQL = f"chr({ord(_SEP)})"


class PgQueries(SqliteQueries):
    # N months after a day is that day N months on, or the month's last day if it has none
    # (PostgreSQL's interval arithmetic, as dateutil's relativedelta counts).
    DATED_SQL = """
        SELECT id,
            coalesce(expires_on, '9999') AS expiry,
            CASE WHEN expires_on IS NOT NULL AND notice_period_days <> 0
                THEN to_char(CAST(expires_on AS date) - notice_period_days, 'YYYY-MM-DD')
                ELSE '9999' END AS notice,
            coalesce(next_review_on, '9999') AS review,
            CASE WHEN kind <> 'dpf_certification' OR CAST(:months AS integer) IS NULL
                    THEN '9999'
                WHEN checked_on IS NULL THEN CAST(:on AS text)
                ELSE to_char(CAST(checked_on AS date)
                    + make_interval(months => CAST(:months AS integer)), 'YYYY-MM-DD')
                END AS recheck
        FROM documents WHERE archived_at IS NULL AND status = 'current'
    """
    LEAST = "least"
    PICK = (
        "SELECT DISTINCT ON (entity_id) entity_id, due_on, what FROM due "
        "ORDER BY entity_id, due_on, what"
    )
    PARTIES_FIRST = "document_parties p JOIN document_due d"
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
