"""Take the README's screenshots: every page of the app over the demo register.

Usage: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--out docs/screenshots]
       [--sizes 1280x800 1920x1080]
Needs a CJK font for the Japanese demo entity (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtWidgets import QApplication

from transfers_app.cli import Context
from transfers_app.paths import AppPaths
from ui.context import UiContext
from ui.dialogs.export_dialogs import EvidencePackDialog
from ui.dialogs.tia_editor import TiaEditor, open_or_draft
from ui.main_window import PAGES, MainWindow

TODAY = date(2026, 11, 25)


def settle(app: QApplication, seconds: float = 1.5) -> None:
    """Let background checks finish and the window repaint."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QThreadPool.globalInstance().waitForDone(50)
        app.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--sizes", nargs="+", default=["1280x800", "1920x1080"])
    args = parser.parse_args()
    QCoreApplication.setOrganizationName("Transfer Register Screenshots")
    QCoreApplication.setApplicationName("screenshots")
    app = QApplication([])
    home = Path(tempfile.mkdtemp(prefix="tr-shots-"))
    cli = Context(AppPaths(home), TODAY)
    services = cli.services()
    services.setup.load_demo(TODAY)
    ctx = UiContext(services, cli.worker_services(), AppPaths(home), TODAY)
    args.out.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        width, height = (int(x) for x in size.split("x"))
        window = MainWindow(ctx)
        window.resize(width, height)
        window.show()
        for key, _, _ in PAGES:
            window.go(key, {})
            settle(app)
            target = args.out / f"{key}-{size}.png"
            window.grab().save(str(target))
            print(target)
        # The TIA editor on the demo's Stratus (US hosting) assessment: its destination step.
        editor = TiaEditor(
            ctx.services.tias, open_or_draft(ctx.services.tias, TODAY, transfer_id=7), TODAY, window
        )
        editor.resize(width, height)
        editor.show()
        editor.show_step("law")
        settle(app, 0.5)
        target = args.out / f"tia-editor-destination-{size}.png"
        editor.grab().save(str(target))
        print(target)
        editor.done(0)
        # The evidence pack: the readiness check on the demo register, before exporting.
        pack = EvidencePackDialog(ctx, window)
        pack.resize(min(width, 1100), min(height, 800))
        pack.show()
        for _ in range(100):
            if pack.loaded:
                break
            settle(app, 0.2)
        settle(app, 0.3)
        target = args.out / f"evidence-pack-{size}.png"
        pack.grab().save(str(target))
        print(target)
        pack.done(0)
        window.close()
    cli.close()


if __name__ == "__main__":
    main()
