"""Errors a user can cause. Each carries one clear message that names the field or row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


class TransfersError(Exception):
    """Base of every error the app reports to the user as a message, never a traceback."""


class ValidationError(TransfersError):
    def __init__(self, field: str, message: str, row: int | str | None = None) -> None:
        self.field = field
        self.message = message
        self.row = row
        where = f"row {row}, " if row is not None else ""
        super().__init__(f"{where}{field}: {message}")


class NotFoundError(TransfersError):
    pass


class StorageError(TransfersError):
    """The database file cannot be used (not a register, corrupt, read-only, newer...)."""


class DamagedError(StorageError):
    """The register failed its integrity check: nothing was read from it or written to it.
    The message names the newest backup to restore."""


class LockedError(StorageError):
    """Another program kept the register locked for longer than the busy timeout; nothing was
    changed. Waiting and trying again is the remedy, never restoring a backup."""


class ReadOnlyError(StorageError):
    """A change refused because the register is open read-only (``reason`` says why: a
    read-only file or folder, a read-only database role)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class RoleRefusedError(StorageError):
    """A change the database refused to the user's role on a team register (PostgreSQL's
    insufficient_privilege); nothing was changed. ``role``: the user's role (legal,
    procurement, auditor), None where they have none of the register's roles."""

    def __init__(self, message: str, role: str | None) -> None:
        super().__init__(message)
        self.role = role


@dataclass(eq=False, kw_only=True)
class ConflictError(StorageError):
    """A save that lost the optimistic-version race: someone saved the record since it was
    read. Nothing was written. Carries the record (``table``, ``record_id``, ``label``), the
    version the save expected and the one stored, and who made the stored version and when
    (from the audit trail; None when the trail does not say)."""

    table: str
    label: str
    record_id: int
    expected_version: int
    stored_version: int
    changed_by: str | None
    changed_at: datetime | None

    def __post_init__(self) -> None:
        who = f" by {self.changed_by}" if self.changed_by else ""
        when = f" on {when_text(self.changed_at)}" if self.changed_at is not None else ""
        super().__init__(
            f"{self.label} {self.record_id} was changed elsewhere{who}{when} since you opened "
            f"it (it is now version {self.stored_version}, you had version "
            f"{self.expected_version}); nothing was saved. Reload it to see their change, then "
            "make yours again."
        )


def when_text(at: datetime) -> str:
    """A moment as messages say it: in UTC, to the second."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%d at %H:%M:%S UTC")


class ReferenceDataError(TransfersError):
    pass


class PackCancelled(Exception):
    """The user cancelled the evidence pack; nothing was written."""


class RegisterFileError(TransfersError):
    """A register file that cannot be loaded; the message names the file and the record."""
