"""The PostgreSQL storage adapter (psycopg 3): the team register.

The repositories are the SQLite adapter's, writing the SQL both engines agree on through a
``PgSession`` (``session``), which spells what PostgreSQL spells differently; ``queries``
respells the read models' SQL; ``connection`` opens a server's database (``open_postgres``:
checked, refusing a newer schema, migrated only by ``init``), ``migrations`` creates the
schema from the same named migrations as SQLite, ``errors`` turns psycopg's errors into one
clear message, ``files`` keeps the signed files' content in the database, ``store`` ties
them together (``PgStore``).

Importing this package imports psycopg: the composition root imports it only for a
``postgresql://`` register.
"""

from db.postgres.connection import PgConnection, open_postgres
from db.postgres.store import PgStore

__all__ = ["PgConnection", "PgStore", "open_postgres"]
