"""``PgChangeFeed``: hears the changes other clients commit to a PostgreSQL register (the
notifications ``db.postgres.notify`` sends), on a connection and a thread of its own.

The thread waits for notifications a quarter of a second at a time, so ``stop`` returns
within about that; a lost connection (the server restarted) is opened again, every few
seconds until it can be, and then reported as "anything may have changed", since changes
made meanwhile were not heard.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from db.postgres.connection import connect
from db.postgres.notify import CHANNEL, parse_payload
from transfers_app.errors import StorageError
from transfers_app.ports.changes import RegisterChange

log = logging.getLogger(__name__)

# How long one wait for notifications lasts (and so how long ``stop`` may take), and how long
# to wait before connecting again after the connection was lost.
POLL_SECONDS = 0.25
RETRY_SECONDS = 3.0


class PgChangeFeed:
    """Implements ``transfers_app.ports.changes.ChangeFeed`` for the register at ``url``;
    changes made through the connection whose backend is ``own_pid`` are marked ``own``."""

    live = True

    def __init__(self, url: str, own_pid: int | None) -> None:
        self._url = url
        self._own_pid = own_pid
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, deliver: Callable[[RegisterChange], None]) -> None:
        if self._thread is not None:
            raise RuntimeError("the change feed was started already")
        self._thread = threading.Thread(
            target=self._run, args=(deliver,), name="register-changes", daemon=True
        )
        self._thread.start()

    def wait_listening(self, timeout: float) -> bool:
        return self._listening.wait(timeout)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self, deliver: Callable[[RegisterChange], None]) -> None:
        lost = False
        while not self._stopping.is_set():
            try:
                conn = connect(self._url).raw
            except StorageError as exc:
                log.warning("cannot hear changes by others: %s", exc)
                self._stopping.wait(RETRY_SECONDS)
                lost = True
                continue
            try:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                self._listening.set()
                if lost and not self._stopping.is_set():
                    deliver(RegisterChange(actor="", at=None, everything=True))
                self._hear(conn, deliver)
            except psycopg.Error as exc:
                log.warning("lost the connection that hears changes by others: %s", exc)
                self._listening.clear()
                lost = True
                self._stopping.wait(RETRY_SECONDS)
            finally:
                conn.close()

    def _hear(
        self, conn: psycopg.Connection[Any], deliver: Callable[[RegisterChange], None]
    ) -> None:
        while not self._stopping.is_set():
            for note in conn.notifies(timeout=POLL_SECONDS):
                if self._stopping.is_set():
                    return
                deliver(parse_payload(note.payload, self._own_pid))
