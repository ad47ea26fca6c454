"""The desktop app's entry point (the full app comes with the desktop issue)."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.register_model import RegisterModel, SortRole

if TYPE_CHECKING:
    from transfers_app.paths import AppPaths
    from transfers_app.services.register import RegisterService


class MainWindow(QMainWindow):
    def __init__(self, service: RegisterService, database: str, today: date) -> None:
        super().__init__()
        self.service = service
        self.today = today
        self.setWindowTitle("Transfer Register")
        self.resize(1100, 700)
        central = QWidget()
        layout = QVBoxLayout(central)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.table = QTableView()
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self.statusBar().showMessage(f"Database: {database}  |  {service.ref.age_text(today)}")
        self.refresh()

    def refresh(self) -> None:
        repo = self.service.repo
        entities = repo.list_entities()
        countries: dict[int, list[str]] = {}
        for loc in repo.all_locations():
            codes = countries.setdefault(loc.entity_id, [])
            if loc.country not in codes:
                codes.append(loc.country)
        report = self.service.status(self.today)
        worst: dict[int, str] = {}
        for g in report.gaps:  # gaps come worst first
            if g.entity_id is not None:
                worst.setdefault(g.entity_id, g.severity.value)
        self.model = RegisterModel(entities, countries, worst, self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SortRole)
        self.table.setModel(proxy)
        self.table.resizeColumnsToContents()
        self.summary.setText(
            f"{len(entities)} entities, {report.transfers_assessed} transfers assessed, "
            f"{len(report.gaps)} gaps as of {self.today.isoformat()}"
        )


def run(service: RegisterService, paths: AppPaths, today: date) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    if not service.repo.count("entities"):
        answer = QMessageBox.question(
            None,
            "Transfer Register",
            "The register is empty. Load the demo register to explore the app?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            from transfers_app.services.demo import load_demo

            load_demo(service.repo, today)
    window = MainWindow(service, str(paths.database), today)
    window.show()
    return int(app.exec())
