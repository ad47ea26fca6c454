"""The minimal desktop window lists the register (the full app comes with the desktop issue)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db import FileStore, SqliteRegister, open_db
from transfers_app.reference import builtin_reference
from transfers_app.services.demo import load_demo
from transfers_app.services.register import RegisterService

TODAY = date(2026, 11, 25)


@pytest.fixture
def service(tmp_path: Path) -> RegisterService:
    repo = SqliteRegister(
        open_db(tmp_path / "r.db"), actor="tester", files=FileStore(tmp_path / "files")
    )
    load_demo(repo, TODAY)
    return RegisterService(repo, builtin_reference())


def test_window_lists_every_entity_with_its_worst_status(qtbot, service):  # type: ignore[no-untyped-def]
    from ui.app import MainWindow
    from ui.register_model import Column, ObjectRole

    window = MainWindow(service, "r.db", TODAY)
    qtbot.addWidget(window)
    model = window.table.model()
    assert model.rowCount() == service.repo.count("entities")
    rows = {model.index(r, Column.NAME).data(): r for r in range(model.rowCount())}
    turkish = rows["İstanbul Çağrı Merkezi A.Ş."]
    assert model.index(turkish, Column.WORST).data() == "CRITICAL"
    assert model.index(rows["Lumen Analytics GmbH"], Column.WORST).data() == "OK"
    assert "Germany (DE)" in model.index(rows["Lumen Analytics GmbH"], Column.COUNTRIES).data()
    assert model.index(turkish, Column.NAME).data(ObjectRole).name == "İstanbul Çağrı Merkezi A.Ş."
    assert "2026.11.25" in window.statusBar().currentMessage()


def test_sorting_by_status_puts_critical_first(qtbot, service):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from ui.app import MainWindow
    from ui.register_model import Column

    window = MainWindow(service, "r.db", TODAY)
    qtbot.addWidget(window)
    window.table.sortByColumn(Column.WORST, Qt.SortOrder.AscendingOrder)
    model = window.table.model()
    assert model.index(0, Column.WORST).data() == "CRITICAL"
    assert model.index(model.rowCount() - 1, Column.WORST).data() == "OK"


def test_register_model_passes_the_model_tester(qtmodeltester, service):  # type: ignore[no-untyped-def]
    from ui.register_model import RegisterModel

    model = RegisterModel(service.repo.list_entities(), {}, {})
    qtmodeltester.check(model)
