"""Errors a user can cause. Each carries one clear message that names the field or row."""

from __future__ import annotations


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


class ReferenceDataError(TransfersError):
    pass


class PackCancelled(Exception):
    """The user cancelled the evidence pack; nothing was written."""


class RegisterFileError(TransfersError):
    """A register file that cannot be loaded; the message names the file and the record."""
