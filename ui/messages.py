"""Every message box of the app goes through here, so tests patch one place."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

TITLE = "Transfer Register"


def error(parent: QWidget | None, text: str) -> None:
    QMessageBox.warning(parent, TITLE, text)


def info(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, TITLE, text)


def confirm(parent: QWidget | None, text: str) -> bool:
    answer = QMessageBox.question(parent, TITLE, text)
    return answer == QMessageBox.StandardButton.Yes


def discard_changes(parent: QWidget | None) -> bool:
    """Ask before closing an editor with unsaved edits; True means discard them."""
    answer = QMessageBox.question(
        parent,
        TITLE,
        "You have unsaved changes. Discard them?",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard
