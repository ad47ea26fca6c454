"""The main window: navigation on the left, one page at a time, menus, toolbar, status bar."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import Regime
from transfers_app.errors import TransfersError
from transfers_app.ports.changes import RegisterChange
from transfers_app.ports.storage import JournalMode
from ui import jobs, messages
from ui.context import UiContext
from ui.pages.base import Page
from ui.remote import RemoteChanges, who_changed
from ui.widgets.panes import split_panes

# Navigation order: key, module, class.
PAGES: list[tuple[str, str, str]] = [
    ("dashboard", "ui.pages.dashboard", "DashboardPage"),
    ("register", "ui.pages.register", "RegisterPage"),
    ("transfers", "ui.pages.transfers", "TransfersPage"),
    ("documents", "ui.pages.documents", "DocumentsPage"),
    ("renewals", "ui.pages.renewals", "RenewalsPage"),
    ("assessments", "ui.pages.assessments", "AssessmentsPage"),
    ("supplier_check", "ui.pages.supplier_check", "SupplierCheckPage"),
    ("data_map", "ui.pages.data_map", "DataMapPage"),
    ("reference", "ui.pages.reference", "ReferencePage"),
    ("audit", "ui.pages.audit", "AuditPage"),
    ("notices", "ui.pages.notices", "NoticesPage"),
]

# Every page has a shortcut (View menu, the side list's tooltips, README "Keys"): Ctrl+1..9 and
# Ctrl+0 in navigation order, then a letter (Shift+digit is another character on many layouts).
PAGE_SHORTCUTS: dict[str, str] = {
    key: f"Ctrl+{(i + 1) % 10}" for i, (key, _, _) in enumerate(PAGES[:10])
} | {"notices": "Ctrl+Shift+N"}

TOUR = (
    "<h3>Where things are</h3>"
    "<ul>"
    "<li><b>Dashboard</b>: what is compliant, what has gaps, what falls due next. Click a "
    "figure to see the records behind it.</li>"
    "<li><b>Register</b>: every group entity, vendor and customer; double-click to edit, "
    "Ctrl+N to add, Ctrl+F to search.</li>"
    "<li><b>Transfers</b>, <b>Documents</b>, <b>Renewals</b>, <b>Assessments</b>: each "
    "transfer with its mechanisms, the signed documents and their dates, what is due, and the "
    "transfer impact assessments.</li>"
    "<li><b>Supplier check</b>: before signing a new supplier, what the law requires and "
    "whether it is already on the register. <b>Data map</b>: a picture of every flow, by "
    "destination, coloured by status, exportable as PNG or SVG.</li>"
    "<li><b>Reference data</b>: the adequacy decisions and data bridges the rules use, with "
    "their dates and sources. <b>Audit log</b>: every change, before and after.</li>"
    "<li><b>Subprocessor notices</b>: a processor's notice of a new or replaced "
    "sub-processor, the last day to object, and the decision; accepting puts it on the "
    "register.</li>"
    "</ul>"
)


def _load_page(module: str, cls: str, ctx: UiContext) -> Page:
    import importlib

    page_cls: type[Page] = getattr(importlib.import_module(module), cls)
    return page_cls(ctx)


class MainWindow(QMainWindow):
    # Another register was opened (its UiContext): the app shows it in a new window.
    switch_register = Signal(object)

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.title())
        self.setMinimumSize(QSize(1024, 640))
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation")
        self.nav.setMaximumWidth(220)
        self.nav.setMinimumWidth(160)
        self.nav.setIconSize(QSize(20, 20))
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {}
        icons = [
            QStyle.StandardPixmap.SP_ComputerIcon,
            QStyle.StandardPixmap.SP_FileDialogDetailedView,
            QStyle.StandardPixmap.SP_ArrowRight,
            QStyle.StandardPixmap.SP_FileIcon,
            QStyle.StandardPixmap.SP_BrowserReload,
            QStyle.StandardPixmap.SP_FileDialogContentsView,
            QStyle.StandardPixmap.SP_FileDialogInfoView,
            QStyle.StandardPixmap.SP_DriveNetIcon,
            QStyle.StandardPixmap.SP_DirIcon,
            QStyle.StandardPixmap.SP_FileDialogListView,
            QStyle.StandardPixmap.SP_MessageBoxInformation,
        ]
        for (key, module, cls), icon in zip(PAGES, icons, strict=True):
            page = _load_page(module, cls, ctx)
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(self.style().standardIcon(icon), page.title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{page.title} ({PAGE_SHORTCUTS[key]})")
            self.nav.addItem(item)
            page.navigate.connect(self.go)
            page.open_entity.connect(self.open_entity)
            page.changed.connect(self.register_changed)
        self.nav.currentRowChanged.connect(self._show_row)
        splitter = split_panes(self.nav, self.stack, (0, 1), (190, 1090))
        # Shown above everything while the register cannot be changed, saying why.
        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("read-only-banner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet(
            "background: #fff3c4; color: #3d2e00; padding: 6px 10px;"
            "border-bottom: 1px solid #e0c860"
        )
        self.read_only_banner.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only_banner)
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._build_actions()
        self.db_label = QLabel()
        self.ref_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.ref_label)
        self._update_status_bar()
        self._dirty: set[str] = set()
        if ctx.read_only is not None:
            self._set_read_only(ctx.read_only)
        self._restore_settings()
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        # What others commit to a shared register shows without a restart.
        self.remote = RemoteChanges(ctx.services.changes(), self)
        self.remote.settled.connect(self.changed_elsewhere)
        self.remote.start()

    # -- actions ------------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: Any,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.act_new = self._action(
            "&New…", std.New, self.new_record, "Add a record on this page (an entity, a document)"
        )
        # File > Export: Ctrl+E is the register's export (the format can be changed there).
        self.act_export = self._action(
            "Register as &PDF…",
            "Ctrl+E",
            lambda _=False: self.export_register("pdf"),
            "The register as a landscape PDF report, with totals and charts",
        )
        self.act_export_csv = self._action(
            "Register as &CSV…",
            None,
            lambda _=False: self.export_register("csv"),
            "The register as a CSV file for Excel",
        )
        self.act_export_xlsx = self._action(
            "Register as &Excel (XLSX)…",
            None,
            lambda _=False: self.export_register("xlsx"),
            "The register as an Excel workbook, a sheet per table",
        )
        self.act_export_json = self._action(
            "Register as &JSON (lossless)…",
            None,
            lambda _=False: self.export_register("json"),
            "The whole register, archived records included, to load elsewhere",
        )
        self.act_export_public_list = self._action(
            "Public &subprocessor list…",
            None,
            self.export_public_list,
            "The list customers are shown (HTML or Markdown), with its change log",
        )
        self.act_export_pack = self._action(
            "Evidence &pack for the regulator…",
            None,
            self.export_evidence_pack,
            "A readiness check, then one ZIP with the records, assessments and documents",
        )
        self.act_export_status = self._action(
            "&Status report as JSON…",
            None,
            self.export_status,
            "Save every gap on the register as JSON",
        )
        self.act_import = self._action(
            "&Import suppliers…",
            None,
            self.import_suppliers,
            "Import a vendor or subprocessor list (CSV or XLSX), with a preview",
        )
        self.act_storage = self._action(
            "Where the register is &kept…",
            None,
            self.show_storage,
            "The register's file, whether it can be changed, and shared-drive mode",
        )
        self.act_connect = self._action(
            "&Connect to team register…",
            None,
            self.connect_team_register,
            "Open a register shared by the team on a PostgreSQL server",
        )
        self.act_open_file = self._action(
            "Open my register &file",
            None,
            self.open_register_file,
            "Back to the register file on this computer",
        )
        self.act_quit = self._action("&Quit", std.Quit, self.close)
        self.act_find = self._action("&Find", std.Find, self.find_in_page, "Search this page")
        self.act_archive = self._action(
            "&Archive",
            QKeySequence(Qt.Key.Key_Delete),
            self.archive_selected,
            "Archive the selected record (nothing is deleted)",
        )
        self.act_undo = self._action("&Undo archive", std.Undo, self.undo_archive)
        self.act_undo.setEnabled(False)
        self.act_refresh = self._action(
            "&Refresh", std.Refresh, self.refresh_all, "Reload everything from the register"
        )
        self.act_organisation = self._action(
            "&Organisation…",
            None,
            self.edit_organisation,
            "The organisation that keeps the register: name, registration, DPO, signers",
        )
        self.act_tour = self._action("&Where things are", None, self.show_tour)
        self.act_about = self._action("&About", None, self.show_about)
        file_menu = self.menuBar().addMenu("&File")
        for a in (self.act_new, self.act_import):
            file_menu.addAction(a)
        self.export_menu = file_menu.addMenu("&Export")
        for a in (self.act_export, self.act_export_csv, self.act_export_xlsx, self.act_export_json):
            self.export_menu.addAction(a)
        self.export_menu.addSeparator()
        self.export_menu.addAction(self.act_export_public_list)
        self.export_menu.addAction(self.act_export_pack)
        self.export_menu.addSeparator()
        self.export_menu.addAction(self.act_export_status)
        file_menu.addSeparator()
        file_menu.addAction(self.act_connect)
        file_menu.addAction(self.act_open_file)
        file_menu.addAction(self.act_storage)
        on_server = self.ctx.storage.server
        self.act_open_file.setEnabled(on_server and self.ctx.registers is not None)
        self.act_connect.setEnabled(self.ctx.registers is not None)
        if on_server:
            self.act_storage.setStatusTip("The team register's server, database and user")
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        for a in (self.act_find, self.act_archive, self.act_undo):
            edit_menu.addAction(a)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.act_refresh)
        view_menu.addSeparator()
        self.page_actions: dict[str, QAction] = {}
        for key, _, _ in PAGES:
            act = self._action(
                self.pages[key].title, PAGE_SHORTCUTS[key], lambda _=False, k=key: self.go(k, {})
            )
            self.page_actions[key] = act
            view_menu.addAction(act)
        settings_menu = self.menuBar().addMenu("&Settings")
        settings_menu.addAction(self.act_organisation)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.act_tour)
        help_menu.addAction(self.act_about)
        bar = QToolBar("Main")
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.act_new.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        self.act_refresh.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.act_find.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView)
        )
        for a in (self.act_new, self.act_find, self.act_refresh):
            bar.addAction(a)
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton)
        )
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.export_button.setToolTip("Export the register, the public list or the evidence pack")
        self.export_button.setMenu(self.export_menu)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(self.export_button)
        self.addToolBar(bar)

    # -- navigation ---------------------------------------------------------------------------

    def current_page(self) -> Page:
        page = self.stack.currentWidget()
        assert isinstance(page, Page)
        return page

    def current_key(self) -> str:
        return PAGES[self.stack.currentIndex()][0]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        key = PAGES[row][0]
        if key in self._dirty:
            self._dirty.discard(key)
            self._guard(self.pages[key].refresh)

    def go(self, key: str, criteria: dict[str, Any]) -> None:
        """Show page ``key`` filtered by ``criteria`` (a click through from another page)."""
        row = [k for k, _, _ in PAGES].index(key)
        self.nav.setCurrentRow(row)
        if criteria:
            self._guard(lambda: self.pages[key].apply_filter(**criteria))

    def open_entity(self, entity_id: int) -> None:
        from ui.dialogs.entity_editor import EntityEditor

        saved = EntityEditor.edit(self, self.ctx, entity_id or None)
        if saved is not None:
            self.register_changed()

    # -- actions' slots -------------------------------------------------------------------------

    def _guard(self, fn: Any) -> Any:
        """Run a user action; a problem the user can cause becomes a message, not a crash."""
        try:
            return fn()
        except TransfersError as exc:
            messages.error(self, str(exc))
            return None

    def new_record(self) -> None:
        if self.ctx.may_propose:  # all procurement may add is a supplier
            self.go("register", {})
            self._guard(self.pages["register"].new_record)
            return
        if not self._guard(self.current_page().new_record):
            self.go("register", {})
            self._guard(self.pages["register"].new_record)

    def find_in_page(self) -> None:
        if not self.current_page().focus_search():
            self.go("register", {})
            self.pages["register"].focus_search()

    def archive_selected(self) -> None:
        if self._guard(self.current_page().archive_selected):
            self.act_undo.setEnabled(self.ctx.services.workspace.can_undo_archive())

    def undo_archive(self) -> None:
        restored = self._guard(self.ctx.services.workspace.undo_archive)
        if restored is not None:
            label = getattr(restored, "name", None) or getattr(restored, "title", None) or "record"
            self.statusBar().showMessage(f"Restored '{label}'", 5000)
            self.register_changed()
        self.act_undo.setEnabled(self.ctx.services.workspace.can_undo_archive())

    def register_changed(self) -> None:
        """Something was saved: refresh the page in view now, the others when shown."""
        current = self.current_key()
        self._dirty = {k for k in self.pages if k != current}
        self._guard(self.pages[current].refresh)
        self.act_undo.setEnabled(
            self.ctx.read_only is None and self.ctx.services.workspace.can_undo_archive()
        )
        self._update_status_bar()

    def changed_elsewhere(self, changes: list[RegisterChange]) -> None:
        """Others committed ``changes``: refresh as after a save here, and tell each open
        editor whose record they changed (it keeps what the user typed)."""
        from ui.dialogs.record_editor import RecordEditor

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, RecordEditor) and widget.isVisible():
                widget.changed_elsewhere(changes)
        self.ctx.heard += 1
        self.register_changed()
        self.statusBar().showMessage(who_changed(changes), 10000)

    def refresh_all(self) -> None:
        self.register_changed()

    def import_suppliers(self) -> None:
        from ui.dialogs.import_dialog import ImportDialog

        result = ImportDialog.run(self, self.ctx)
        if result is not None:
            self.register_changed()
            self.statusBar().showMessage(result.summary(), 10000)

    def export_register(self, fmt: str = "pdf") -> None:
        from transfers_app.services.register_export import ExportFormat
        from ui.dialogs.export_dialogs import RegisterExportDialog

        # The dialog says the file was written (and offers its folder): one message, not two.
        RegisterExportDialog.run(self, self.ctx, ExportFormat(fmt))

    def export_public_list(self) -> None:
        from ui.dialogs.export_dialogs import PublicListDialog

        if PublicListDialog.run(self, self.ctx) is not None:
            self.register_changed()  # a version recorded as published shows in the audit log

    def edit_organisation(self) -> None:
        from ui.dialogs.organisation_dialog import OrganisationDialog

        saved = OrganisationDialog.edit(self, self.ctx.services.organisation)
        if saved is not None:
            self.statusBar().showMessage(f"Saved the profile of {saved.display_name}", 5000)
            self.register_changed()

    def export_evidence_pack(self) -> None:
        from ui.dialogs.export_dialogs import EvidencePackDialog

        EvidencePackDialog.run(self, self.ctx)  # the dialog says where it wrote the pack

    def export_status(self) -> None:
        from transfers_app.services.reporting import status_to_json

        path = messages.save_file(
            self,
            "Export status report",
            Path(f"transfer-status-{self.ctx.today.isoformat()}.json"),
            "JSON (*.json)",
        )
        if path is None:
            return
        report = self.ctx.status()
        try:
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(status_to_json(report), fh, ensure_ascii=False, indent=2)
        except OSError as exc:
            messages.error(self, f"Cannot write {path}: {exc.strerror}")
            return
        self.statusBar().showMessage(f"Saved {len(report.gaps)} gaps to {path}", 8000)

    def show_storage(self) -> None:
        from ui.dialogs.storage_dialog import StorageDialog

        mode = StorageDialog.run(self, self.ctx)
        if mode is not None:
            self._update_status_bar()
            self.register_changed()  # the change shows in the audit log
            self.statusBar().showMessage(f"The register now uses the {mode.value} journal", 8000)

    def title(self) -> str:
        """The title bar says where the register is when it is on a server (never a
        password): two windows on two registers are told apart at a glance."""
        if self.ctx.storage.server:
            return f"{self.ctx.database} - Transfer Register"
        return "Transfer Register"

    def connect_team_register(self) -> None:
        from ui.dialogs.connect_dialog import ConnectDialog

        if self.ctx.registers is None:
            return
        # The dialog starts on the team register connected to last, and keeps this window's
        # register open unless another opens.
        opened = ConnectDialog.run(self, self.ctx.registers)
        if opened is not None:
            self.switch_register.emit(opened)

    def open_register_file(self) -> None:
        if self.ctx.registers is None:
            return
        opened = self._guard(self.ctx.registers.file)
        if opened is not None:
            self.switch_register.emit(opened)

    def _set_read_only(self, reason: str) -> None:
        """The register cannot be changed: say why above the pages, hide what would change
        it; reading, checking and exporting stay (and, for procurement, proposing a new
        supplier: New stays, and opens the New entity dialog)."""
        proposing = self.ctx.may_propose
        if proposing:
            self.read_only_banner.setText(
                "<b>Procurement:</b> you can read, check and export the register, and propose "
                "a new supplier (<b>New…</b>: an entity in lifecycle Proposed, with its "
                "locations and transfers). Approving suppliers, and adding documents and "
                "assessments, is for the legal team."
            )
        elif self.ctx.role is not None:  # an auditor
            self.read_only_banner.setText(
                f"<b>Read-only:</b> {html.escape(reason)}. Nothing can be changed; to make "
                "changes, ask the legal team."
            )
        else:
            self.read_only_banner.setText(
                f"<b>Read-only:</b> {html.escape(reason)}. You can read, check and export the "
                "register; nothing can be changed. To make changes, open it where you can "
                "write to it, or ask the person who manages the folder."
            )
        self.read_only_banner.show()
        role = self.ctx.role
        self.setWindowTitle(
            self.title().replace(
                "Transfer Register", f"Transfer Register ({role.value if role else 'read-only'})"
            )
        )
        tip = f"The register is read-only ({reason})"
        for action in (self.act_new, self.act_import, self.act_archive, self.act_undo):
            if proposing and action is self.act_new:
                action.setToolTip("Propose a new supplier (an entity in lifecycle Proposed)")
                continue
            action.setEnabled(False)
            action.setToolTip(tip)
            action.setStatusTip(tip)
        for page in self.pages.values():
            page.set_read_only(reason)

    def show_tour(self) -> None:
        messages.info(self, TOUR)

    def show_about(self) -> None:
        from transfers_app import __version__

        ref = self.ctx.ref
        messages.info(
            self,
            f"<b>Transfer Register</b> {__version__}<br>The register of international "
            f"transfers of personal data.<br><br>{ref.age_text(self.ctx.today)}"
            f"<br>UK regulator today: {ref.regimes[Regime.UK].regulator_on(self.ctx.today)}.",
        )

    def _update_status_bar(self) -> None:
        journal = ""
        if self.ctx.read_only is None:
            mode = self.ctx.services.settings.storage().journal
            journal = " (shared-drive mode)" if mode is JournalMode.ROLLBACK else ""
        else:
            role = self.ctx.role
            journal = f" ({role.value})" if role is not None else " (read-only)"
        where = self.ctx.database if self.ctx.storage.server else f"Database: {self.ctx.database}"
        self.db_label.setText(f"{where}{journal}")
        ref = self.ctx.ref
        self.ref_label.setText(ref.age_text(self.ctx.today))

    # -- settings -------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        row = settings.value("main/page", 0)
        try:
            self.nav.setCurrentRow(int(row))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            self.nav.setCurrentRow(0)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/page", self.nav.currentRow())
        self.remote.stop()
        # Let background checks (dashboard, register status) finish before the app goes.
        jobs.runner().wait(msecs=5000)
        super().closeEvent(event)
