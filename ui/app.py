"""Start the desktop app: Qt application, crash handler, first start, main window."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.paths import AppPaths
from transfers_app.services.app import AppServices
from ui import messages
from ui.collector import MainThreadCollector
from ui.context import UiContext
from ui.main_window import TOUR, MainWindow


class FirstStartDialog(QDialog):
    """Shown while the register is empty: the demo register or a clean start, and a tour."""

    DEMO = 1
    CLEAN = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Transfer Register")
        self.choice = 0
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<h2>Welcome</h2><p>Your register is empty. Explore the app with a realistic demo "
            "register (a UK company in a US group, its sister entities and its suppliers, with "
            "some deliberate gaps), or start your own register.</p>" + TOUR
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        buttons = QDialogButtonBox()
        self.demo_button = QPushButton("Load the demo register")
        self.clean_button = QPushButton("Start with an empty register")
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.clean_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.demo_button.setDefault(True)
        self.demo_button.clicked.connect(lambda: self._choose(self.DEMO))
        self.clean_button.clicked.connect(lambda: self._choose(self.CLEAN))
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.accept()


ORGANISATION_INTRO = {
    FirstStartDialog.DEMO: (
        "The demo register keeps the profile of its fictional organisation below. Your own "
        "register will need yours: every letter to the regulator is written in its name. You "
        "can change it later in Settings > Organisation."
    ),
    FirstStartDialog.CLEAN: (
        "Who keeps this register? Letters to the regulator and the evidence pack are written "
        "in the organisation's name and signed by the people below. You can do this later in "
        "Settings > Organisation."
    ),
}


def first_start(services: AppServices, today: date) -> None:
    """The demo or a clean register, then the organisation's profile (which may wait)."""
    from ui.dialogs.organisation_dialog import OrganisationDialog

    dialog = FirstStartDialog()
    dialog.exec()
    if dialog.choice == FirstStartDialog.DEMO:
        services.setup.load_demo(today)
    if dialog.choice:
        services.setup.first_start_done()
        OrganisationDialog.edit(None, services.organisation, ORGANISATION_INTRO[dialog.choice])


def install_crash_handler(logs: Path, parent: Callable[[], QWidget | None]) -> None:
    """Unexpected errors are written to a log file and the user is told where it is."""

    def handler(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / f"crash-{stamp}.log"
        path.write_text("".join(traceback.format_exception(kind, exc, tb)), "utf-8")
        messages.error(
            parent(),
            f"Something went wrong that the app did not expect: {exc}.\n\nNothing you saved "
            f"is lost. The details were written to\n{path}\nPlease send that file to support.",
        )

    sys.excepthook = handler


def startup_error(text: str) -> None:
    """Say why the register could not be opened, before any window exists."""
    QCoreApplication.setApplicationName("Transfer Register")
    app = QApplication.instance() or QApplication(sys.argv)
    del app  # kept alive by Qt while the message is shown
    messages.error(None, f"The register could not be opened.\n\n{text}")


def run(
    services: AppServices,
    services_factory: Callable[[], AppServices],
    paths: AppPaths,
    today: date,
) -> int:
    """Run the desktop app on ``services`` (the GUI thread's); ``services_factory`` gives each
    background job services of its own."""
    QCoreApplication.setOrganizationName("Transfer Register")
    QCoreApplication.setApplicationName("Transfer Register")
    app = QApplication.instance() or QApplication(sys.argv)
    collector = MainThreadCollector(app)  # cycles freed on the GUI thread only
    window: list[MainWindow] = []
    install_crash_handler(paths.logs, lambda: window[0] if window else None)
    ctx = UiContext(services, services_factory, paths, today)
    # A read-only register cannot take the demo, nor remember the choice (nor can a
    # procurement user's, who may only propose suppliers).
    if ctx.read_only is None and services.setup.first_start_pending():
        first_start(services, today)
    main = MainWindow(ctx)
    window.append(main)
    main.show()
    try:
        return int(app.exec())
    finally:
        collector.stop()
