"""The SQLite storage adapter: repositories per aggregate behind ``SqliteStore``.

Modules: ``session`` (the connection, transactions, versioned and audited writes of one
record), ``rows`` (rows -> domain objects), one module per aggregate (``entities`` with the
name index, ``transfers``, ``documents``, ``assessments``, ``notices`` with publications,
``settings`` with the audit log, ``organisation`` with the open items' follow-ups),
``queries`` (the typed read models), ``bulk`` (whole-register dump, load and bulk inserts) and
``store`` (the unit of work tying them together).
"""

from db.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
