"""Where the register is kept and how: the file, whether it can be changed, and the choice of
journal mode (shared-drive mode: the rollback journal; https://sqlite.org/wal.html); on a
server, the team register's database, server and user, and no journal mode.

Built with data (``StorageDialog(info)``); ``value()`` is the journal mode chosen;
``StorageDialog.run(parent, ctx)`` asks, then applies the choice through the settings service
(audited, remembered in the register).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.errors import TransfersError
from transfers_app.ports.storage import JournalMode, StorageInfo
from ui import jobs, messages
from ui.context import UiContext

ON_A_SERVER = (
    "It is kept on a PostgreSQL server and shared by your team; the server keeps its own "
    "write-ahead log, safe for every client, so there is no journal mode to choose here. "
    "Its owner backs it up with pg_dump."
)

CHOICES = {
    JournalMode.WAL: (
        "This computer's own disk (WAL)",
        "Fastest, and reading never waits for a save. Only for a register that every program "
        "using it opens on this one computer.",
    ),
    JournalMode.ROLLBACK: (
        "A shared network drive (rollback journal)",
        "For a register on a network share that people open from several computers: "
        "SQLite's write-ahead log cannot work there. A save waits while someone else is "
        "reading, and the other way round.",
    ),
}


class StorageDialog(QDialog):
    def __init__(self, info: StorageInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Where the register is kept")
        self.info = info
        if info.server:
            lines = [
                f"<p><b>Team register:</b> {html.escape(info.location)}</p>",
                f"<p>{html.escape(ON_A_SERVER)}</p>",
            ]
        else:
            lines = [f"<p><b>Register:</b> {html.escape(info.location)}</p>"]
        if info.network_drive:
            lines.append(f"<p>It is on a network drive ({html.escape(info.network_drive)}).</p>")
        if info.read_only:
            lines.append(
                f"<p><b>Read-only:</b> {html.escape(info.read_only)}. Nothing can be changed, "
                "the journal mode included.</p>"
            )
        lines += [f"<p style='color:#b42318'>{html.escape(w)}</p>" for w in info.warnings]
        self.summary = QLabel("".join(lines))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        self.group = QButtonGroup(self)
        self.buttons: dict[JournalMode, QRadioButton] = {}
        if not info.server:  # a server keeps its own log: no journal mode to choose
            layout.addWidget(QLabel("<b>The register is kept on:</b>"))
        for mode, (title, text) in CHOICES.items() if not info.server else ():
            button = QRadioButton(title)
            button.setChecked(info.journal is mode)
            button.setEnabled(info.read_only is None and info.journal is not None)
            self.group.addButton(button)
            self.buttons[mode] = button
            explanation = QLabel(text)
            explanation.setWordWrap(True)
            explanation.setContentsMargins(24, 0, 0, 8)
            layout.addWidget(button)
            layout.addWidget(explanation)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Close
            if info.server
            else QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.setMinimumWidth(560)

    def value(self) -> JournalMode | None:
        """The journal mode chosen (None: the engine has none to choose)."""
        for mode, button in self.buttons.items():
            if button.isChecked():
                return mode
        return self.info.journal

    @classmethod
    def run(cls, parent: QWidget | None, ctx: UiContext) -> JournalMode | None:
        """Ask, then keep the register in the mode chosen; the mode now in use, or None if
        nothing changed."""
        settings = ctx.services.settings
        dialog = cls(settings.storage(), parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = dialog.value()
        if chosen is None or chosen is dialog.info.journal or dialog.info.read_only:
            return None
        # The app's own background reads hold connections too: let them finish first.
        jobs.runner().wait(msecs=10_000)
        try:
            settings.set_journal_mode(chosen)
        except TransfersError as exc:
            messages.error(parent, f"The journal mode was not changed.\n\n{exc}")
            return None
        return chosen
