"""Take the README's screenshots: every page of the app over the demo register, every page
over an empty register (what a new user sees first), and the editors and dialogs whose text
was cut short before (the entity editor's locations, the import dialog's mapping grid, the
TIA editor, the evidence pack), at each size.

Usage: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--out docs/screenshots]
       [--sizes 1280x800 1920x1080]
Needs a CJK font for the Japanese demo entity (Debian: fonts-noto-cjk). Settings (column
widths, the last page) start fresh in a temporary folder: what a first start shows.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QThreadPool
from PySide6.QtWidgets import QApplication, QWidget

from transfers_app.cli import Context
from transfers_app.paths import AppPaths
from ui.context import UiContext
from ui.dialogs.entity_editor import EntityEditor
from ui.dialogs.export_dialogs import EvidencePackDialog
from ui.dialogs.import_dialog import ImportDialog
from ui.dialogs.tia_editor import TiaEditor, open_or_draft
from ui.main_window import PAGES, MainWindow

TODAY = date(2026, 12, 7)


def settle(app: QApplication, seconds: float = 1.5) -> None:
    """Let background checks finish and the window repaint."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QThreadPool.globalInstance().waitForDone(50)
        app.processEvents()


def shoot(app: QApplication, widget: QWidget, target: Path, seconds: float = 0.5) -> None:
    settle(app, seconds)
    widget.grab().save(str(target))
    print(target)


SAMPLE_LIST = (
    "Sub-processor,Services,Location of processing,Safeguard\n"
    'Nimbus Hosting Ltd,Cloud hosting,"Dublin, Ireland",Adequacy\n'
    'Acme Analytics Inc,Product analytics,"Austin, TX, United States",EU SCCs\n'
    'Łódź Software House sp. z o.o.,Development support,"Łódź, Poland",None\n'
)


def every_page(
    app: QApplication, ctx: UiContext, size: str, out: Path, prefix: str = ""
) -> MainWindow:
    """A main window of ``size`` ("1280x800"), and a shot of each of its pages."""
    width, height = (int(x) for x in size.split("x"))
    window = MainWindow(ctx)
    window.resize(width, height)
    window.show()
    for key, _, _ in PAGES:
        window.go(key, {})
        shoot(app, window, out / f"{prefix}{key}-{size}.png", 1.5)
    return window


def empty_register(app: QApplication, out: Path, sizes: list[str]) -> None:
    """Every page over a register with nothing on it: what a new user meets first."""
    home = Path(tempfile.mkdtemp(prefix="tr-shots-empty-"))
    cli = Context(AppPaths(home), TODAY)
    ctx = cli.ui_context()
    for size in sizes:
        every_page(app, ctx, size, out, "empty-").close()
    cli.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--sizes", nargs="+", default=["1280x800", "1920x1080"])
    args = parser.parse_args()
    QCoreApplication.setOrganizationName("Transfer Register Screenshots")
    QCoreApplication.setApplicationName("screenshots")
    app = QApplication([])
    home = Path(tempfile.mkdtemp(prefix="tr-shots-"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(home / "settings"))
    cli = Context(AppPaths(home), TODAY)
    services = cli.services()
    services.setup.load_demo(TODAY)
    ctx = cli.ui_context(services)
    args.out.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        width, height = (int(x) for x in size.split("x"))
        window = every_page(app, ctx, size, args.out)
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
        # The entity editor's locations (the Activity column) on the demo's Stratus.
        stratus = next(
            e for e in ctx.services.entities.list() if e.name.startswith("Stratus Cloud")
        )
        entity = EntityEditor(ctx, stratus, window)
        entity.resize(min(width, 980), min(height, 680))
        entity.show()
        entity.tabs.setCurrentIndex(1)
        shoot(app, entity, args.out / f"entity-editor-locations-{size}.png")
        entity.tabs.setCurrentIndex(2)
        shoot(app, entity, args.out / f"entity-editor-transfers-{size}.png")
        entity.done(0)
        # The import dialog's mapping grid on a small published-style list.
        sample = home / "subprocessors.csv"
        sample.write_text(SAMPLE_LIST, "utf-8")
        dialog = ImportDialog(ctx, window, path=sample)
        dialog.resize(min(width, 1100), min(height, 760))
        dialog.show()
        shoot(app, dialog, args.out / f"import-mapping-{size}.png", 1.0)
        dialog.done(0)
        window.close()
    cli.close()
    empty_register(app, args.out, args.sizes)


if __name__ == "__main__":
    main()
