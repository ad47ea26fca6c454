"""What every page offers the main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ui.context import UiContext


class Page(QWidget):
    """A page of the main window. Subclasses set ``title`` and override what they support."""

    title = ""
    # Ask the main window to show another page with a filter, e.g. ("register", {"status": ...}).
    navigate = Signal(str, dict)
    # Ask the main window to open the entity editor on an entity.
    open_entity = Signal(int)
    # The register changed (so other pages and the status bar refresh).
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self) -> None:
        """Reload what the page shows from the register."""

    def apply_filter(self, **criteria: Any) -> None:
        """Show only what ``criteria`` select (used by clicks through from the dashboard)."""

    def focus_search(self) -> bool:
        """Put the cursor in the page's search box (Ctrl+F); False if it has none."""
        return False

    def new_record(self) -> bool:
        """Start a new record (Ctrl+N); False if the page has nothing to create."""
        return False

    def archive_selected(self) -> bool:
        """Archive the selected record (Del); False if the page has nothing to archive."""
        return False
