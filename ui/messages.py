"""Every message box (and file dialog) of the app goes through here, so tests patch one place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

TITLE = "Transfer Register"


def error(parent: QWidget | None, text: str) -> None:
    QMessageBox.warning(parent, TITLE, text)


def info(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, TITLE, text)


def confirm(parent: QWidget | None, text: str) -> bool:
    answer = QMessageBox.question(parent, TITLE, text)
    return answer == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, label: str, default: str = "") -> str | None:
    """Ask for one line of text ("Who reviewed it?"); None when cancelled."""
    text, ok = QInputDialog.getText(parent, TITLE, label, QLineEdit.EchoMode.Normal, default)
    return text if ok else None


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


def open_file(parent: QWidget | None, title: str, start: Path | None, filters: str) -> Path | None:
    """Ask which file to open (``start``: the folder or file the dialog shows first);
    None: cancelled."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start) if start else "", filters)
    return Path(chosen) if chosen else None


def save_file(parent: QWidget | None, title: str, suggested: Path, filters: str) -> Path | None:
    """Ask where to save a file (the system dialog asks before replacing one); None: cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    return Path(chosen) if chosen else None


def file_saved(parent: QWidget | None, text: str) -> bool:
    """Say a file was written; True when the user asks to open its folder."""
    box = QMessageBox(QMessageBox.Icon.Information, TITLE, text, QMessageBox.StandardButton.Ok)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    folder = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.exec()
    return box.clickedButton() is folder


def ask_password(parent: QWidget | None, text: str) -> str | None:
    """Ask for a password (shown as dots); None when cancelled. The caller hands it to the
    connection and keeps it nowhere else."""
    password, ok = QInputDialog.getText(parent, TITLE, text, QLineEdit.EchoMode.Password)
    return password if ok else None


def choose(parent: QWidget | None, text: str, choices: list[str]) -> int | None:
    """Ask which of ``choices`` (button labels, the first the default) to take: its index;
    None when the box is closed without one."""
    box = QMessageBox(QMessageBox.Icon.Warning, TITLE, text)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    buttons = [box.addButton(c, QMessageBox.ButtonRole.ActionRole) for c in choices]
    box.setDefaultButton(buttons[0])
    box.exec()
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None
