"""``open_db``: the only way into a register database.

Before anything reads or writes a register, it is checked: an SQLite file of ours, not written
by a newer version, and whole (``PRAGMA quick_check``, on a read-only connection, so that a
damaged file is refused without a byte of it changed). Three causes of failure get three
messages, because their remedies differ and the wrong one loses work: damaged (restore the
newest backup, which the message names), locked by another program (wait, try again; nothing
was changed), read-only (the register opens read-only, and every change says why it cannot be
made).

The journal mode is the user's: a new register gets WAL on a local disk and the rollback
journal on a network drive (https://sqlite.org/wal.html); an existing one keeps the mode it is
in. Only an explicit choice (``SqliteStore.set_journal_mode``) changes it, and that choice is
remembered in the register: if another program switches the file, the next open switches it
back and says so.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from db.errors import SQLITE_READONLY, error_code, is_damaged, is_locked, is_read_only
from db.location import network_filesystem, read_only_reason, restore_advice
from db.migrations import MIGRATION_NAMES, SCHEMA_VERSION, migrations
from transfers_app.errors import DamagedError, LockedError, StorageError
from transfers_app.ports.storage import JournalMode

# PRAGMA application_id marks a file as a Transfer Register ("TREG").
APPLICATION_ID = 0x54524547
SQLITE_MAGIC = b"SQLite format 3\x00"
# Seconds a register locked by another program is waited for before giving up.
BUSY_TIMEOUT = 5.0
# The setting that remembers the journal mode the user chose.
JOURNAL_SETTING = "journal_mode"
_PRAGMA_MODE = {JournalMode.WAL: "WAL", JournalMode.ROLLBACK: "DELETE"}


class RegisterDatabase(Database):
    """A register's database as ``open_db`` opened it, with what it found out."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        path: Path | None,
        read_only: str | None = None,
        network_drive: str | None = None,
        busy_timeout: float = 5.0,
    ) -> None:
        super().__init__(conn)
        self.path = path
        self.busy_timeout = busy_timeout
        # Why the register cannot be changed (None: it can).
        self.read_only = read_only
        self.network_drive = network_drive
        self.warnings: list[str] = []


@dataclass(frozen=True, slots=True)
class _Header:
    wal: bool  # the file is in WAL mode (its header says so)


def _read_header(path: Path) -> _Header | None:
    """The file's header if it has content; None for a new register; raises if it cannot be
    a register."""
    if not path.exists():
        return None
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a register database file")
    if path.stat().st_size == 0:
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from None
    if head[:16] != SQLITE_MAGIC:
        raise StorageError(
            f"{path} is not a Transfer Register database (it is not an SQLite file); it was "
            "left untouched. If it was your register, it is damaged beyond recognition. "
            + restore_advice(path)
        )
    # Bytes 18 and 19: the file format versions, 2 in WAL mode.
    return _Header(wal=len(head) > 19 and head[18] == 2)


def locked_message(path: Path, timeout: float) -> str:
    return (
        f"{path} is in use by another program: it stayed locked for {timeout:g} seconds, so "
        "nothing was read or changed. Close the other program (or wait for it to finish) and "
        "try again."
    )


def damaged_message(path: Path, problem: str) -> str:
    return (
        f"{path} is damaged (SQLite's integrity check: {problem}). It was refused before "
        "anything read or wrote it, and left exactly as it is. " + restore_advice(path)
    )


def backup_database(conn: sqlite3.Connection, path: Path, label: str) -> Path:
    """Copy the whole database with SQLite's online backup API; return the copy's path."""
    folder = path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{path.stem}-{stamp}-{label}.db"
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


# The check needs a writer first: a crash left a journal to roll back (SQLITE_READONLY_ROLLBACK)
# or a write-ahead log to recover (SQLITE_READONLY_RECOVERY), which a read-only connection
# cannot do.
_NEEDS_RECOVERY = object()


def _quick_check(conn: sqlite3.Connection, path: Path, timeout: float) -> str | None:
    """None if the file is whole; else what SQLite found wrong. Raises LockedError."""
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_locked(exc):
            raise LockedError(locked_message(path, timeout)) from None
        if is_damaged(exc):
            return str(exc)
        raise
    first = str(rows[0][0]) if rows else "no answer"
    if first == "ok":
        return None
    # One line for the message: SQLite's report starts "*** in database main ***" on its own.
    lines = [x.strip() for x in first.splitlines() if x.strip() and not x.startswith("***")]
    return "; ".join(lines) or first.strip()


def _check_read_only(uri: str, path: Path, timeout: float) -> str | object | None:
    """The integrity check on a read-only connection: whatever it finds, it writes nothing,
    and closing it merges no write-ahead log into a damaged file."""
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open {path}: {exc}") from None
    try:
        return _quick_check(conn, path, timeout)
    except sqlite3.OperationalError as exc:
        if error_code(exc) == SQLITE_READONLY:
            return _NEEDS_RECOVERY
        raise StorageError(f"cannot read {path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


def journal_of(conn: sqlite3.Connection) -> JournalMode:
    mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    return JournalMode.WAL if mode == "wal" else JournalMode.ROLLBACK


def set_journal(conn: sqlite3.Connection, mode: JournalMode) -> None:
    """Switches the file to ``mode`` (LockedError while another connection has it open)."""
    try:
        got = str(conn.execute(f"PRAGMA journal_mode = {_PRAGMA_MODE[mode]}").fetchone()[0])
    except sqlite3.OperationalError as exc:
        if is_locked(exc):
            raise LockedError(
                f"cannot switch the register to the {mode.value} journal while another "
                "program has it open: close the other programs using it and try again "
                "(nothing was changed)"
            ) from None
        raise StorageError(f"cannot switch the register's journal: {exc}") from None
    if got.lower() != _PRAGMA_MODE[mode].lower():
        raise LockedError(
            f"cannot switch the register to the {mode.value} journal while another program "
            f"has it open (it stayed in {got.lower()} mode): close the other programs using it "
            "and try again"
        )
    # WAL is safe with NORMAL; a rollback journal needs FULL to survive a power cut.
    sync = "NORMAL" if mode is JournalMode.WAL else "FULL"
    conn.execute(f"PRAGMA synchronous = {sync}")


def open_db(
    path: Path | str,
    *,
    migrate: bool = True,
    verify: bool = True,
    journal: JournalMode | None = None,
    busy_timeout: float | None = None,
) -> RegisterDatabase:
    """Open (creating if needed) a register database: checked, migrated, foreign keys on.

    ``verify``: run the integrity check (the first connection of a run; the connections the app
    opens for background work after it need not repeat it). ``journal``: the journal mode of a
    NEW register (default: WAL, or the rollback journal on a network drive); an existing one
    keeps its own. A register that cannot be written is opened read-only
    (``RegisterDatabase.read_only`` says why). Raises ``DamagedError``, ``LockedError`` or
    ``StorageError`` (not a register, newer, cannot be created), always before writing.
    """
    timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    path = Path(path)
    if str(path) == ":memory:":
        db = RegisterDatabase(sqlite3.connect(":memory:"), path=None)
        db.conn.execute("PRAGMA foreign_keys = ON")
        return _migrate(db, path, existed=False) if migrate else db
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
    header = _read_header(path)
    existed = header is not None
    read_only = read_only_reason(path)
    if read_only is not None and not existed:
        raise StorageError(f"cannot create a register at {path}: {read_only}")
    uri = path.resolve().as_uri() + "?mode=ro"
    if read_only is not None and header is not None and header.wal:
        shm = path.with_name(path.name + "-shm")
        wal = path.with_name(path.name + "-wal")
        if not shm.exists() and read_only.startswith("its folder"):
            # SQLite cannot make the shared-memory file of a WAL register in a read-only
            # folder; ``immutable`` reads the file alone, which holds everything unless a
            # write-ahead log waits beside it.
            if wal.exists() and wal.stat().st_size > 0:
                raise StorageError(
                    f"{path} has changes not yet merged into it ({wal.name} beside it) and "
                    f"{read_only}, so they cannot be read: ask someone who can write to the "
                    "folder to open the register once, or copy the folder somewhere writable"
                )
            uri += "&immutable=1"
    recover_first = False
    if existed and verify:
        found = _check_read_only(uri, path, timeout)
        if found is _NEEDS_RECOVERY:
            if read_only is not None:
                raise StorageError(
                    f"{path} needs recovering from a crash, which needs writing to it, and "
                    f"{read_only}: ask someone who can write to it to open it once"
                )
            recover_first = True
        elif isinstance(found, str):
            raise DamagedError(damaged_message(path, found))
    try:
        # The app reads in a background thread on a connection it opened for that thread;
        # a connection is never used by two threads at once.
        if read_only is not None:
            conn = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
        else:
            conn = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open {path}: {exc}") from None
    db = RegisterDatabase(
        conn,
        path=path,
        read_only=read_only,
        network_drive=network_filesystem(path.parent),
        busy_timeout=timeout,
    )
    try:
        if recover_first:
            problem = _quick_check(conn, path, timeout)  # a writer: recovers, then checks
            if problem is not None:
                raise DamagedError(damaged_message(path, problem))
        _open(db, path, existed, journal, timeout)
        return _migrate(db, path, existed) if migrate else db
    except BaseException:
        conn.close()
        raise


def _open(
    db: RegisterDatabase, path: Path, existed: bool, journal: JournalMode | None, timeout: float
) -> None:
    conn = db.conn
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        if is_locked(exc):
            raise LockedError(locked_message(path, timeout)) from None
        if is_damaged(exc):
            raise DamagedError(damaged_message(path, str(exc))) from None
        raise StorageError(f"cannot read {path}: {exc}") from None
    if existed and tables and app_id != APPLICATION_ID:
        raise StorageError(
            f"{path} is an SQLite database but not a Transfer Register; it was left untouched"
        )
    if user_version > SCHEMA_VERSION:
        raise StorageError(
            f"{path} was written by a newer version of Transfer Register (schema "
            f"{user_version}; this version knows {SCHEMA_VERSION}). Upgrade the app to open it."
        )
    conn.execute("PRAGMA foreign_keys = ON")
    if db.read_only is not None:
        return
    if not tables:
        # A new register: WAL on a local disk, the rollback journal on a network drive.
        default = JournalMode.ROLLBACK if db.network_drive else JournalMode.WAL
        set_journal(conn, journal or default)
    else:
        mode = journal_of(conn)
        conn.execute(f"PRAGMA synchronous = {'NORMAL' if mode is JournalMode.WAL else 'FULL'}")


def _remembered_journal(db: RegisterDatabase) -> None:
    """Puts the file back in the journal mode the user chose if another program switched it
    (an older version of this app turned every register to WAL), and says so."""
    conn = db.conn
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (JOURNAL_SETTING,)).fetchone()
    mode = journal_of(conn)
    chosen = None
    if row is not None and row[0] in {m.value for m in JournalMode}:
        chosen = JournalMode(row[0])
    if chosen is not None and chosen is not mode and db.read_only is None:
        try:
            set_journal(conn, chosen)
        except StorageError:
            db.warnings.append(
                f"the register is in {mode.value} mode, not the {chosen.value} journal chosen "
                "for it (another program switched it), and could not be switched back while "
                "another program has it open"
            )
        else:
            db.warnings.append(
                f"another program had switched the register to {mode.value} mode; it was put "
                f"back in the {chosen.value} journal chosen for it"
            )


def journal_warning(network_drive: str | None, mode: JournalMode) -> str | None:
    """What to tell a user whose register uses WAL on a network drive."""
    if not network_drive or mode is not JournalMode.WAL:
        return None
    return (
        f"the register is on a network drive ({network_drive}) but uses WAL, which is unsafe "
        "there (https://sqlite.org/wal.html): switch it to the rollback journal "
        "(transfers-app --journal rollback, or File > Storage in the app)"
    )


def _migrate(db: RegisterDatabase, path: Path, existed: bool) -> RegisterDatabase:
    conn = db.conn
    applied = {m.name for m in migrations.applied(db)}
    unknown = applied - set(MIGRATION_NAMES)
    if unknown:
        raise StorageError(
            f"{path} has schema changes this version does not know ({', '.join(sorted(unknown))}); "
            "it was written by a newer version of Transfer Register"
        )
    pending = migrations.pending(db)
    if pending and db.read_only is not None:
        raise StorageError(
            f"{path} was made by an older version of Transfer Register and needs upgrading, "
            f"which cannot be done read-only ({db.read_only}): open it once with write access "
            "(the upgrade makes a backup first)"
        )
    if pending:
        has_tables = bool(conn.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone())
        if existed and has_tables:
            try:
                backup_database(conn, path, f"before-{pending[0].name}")
            except (OSError, sqlite3.Error) as exc:
                raise StorageError(
                    f"cannot back up {path} before upgrading it ({exc}); nothing was changed. "
                    "Free some disk space or make the folder writable, then try again."
                ) from None
        try:
            # Under the write lock, and asked again: two programs opening a new register at
            # once take turns, the second finding nothing left to do.
            conn.execute("BEGIN IMMEDIATE")
            try:
                if migrations.pending(db):
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    migrations.apply(db)
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                conn.rollback()
                raise
        except sqlite3.Error as exc:
            if is_locked(exc):
                raise LockedError(locked_message(path, db.busy_timeout)) from None
            if is_read_only(exc):
                raise StorageError(f"cannot upgrade {path}: it cannot be written") from None
            raise StorageError(f"cannot update {path}: {exc}") from None
    if db.path is not None:
        _remembered_journal(db)
    return db
