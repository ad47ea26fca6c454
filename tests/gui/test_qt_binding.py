"""The Qt binding must survive a long session (PySide6 6.12.0 crashed CPython 3.11)."""

from __future__ import annotations

import subprocess
import sys

LOOP = """
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
for _ in range(100_000):
    app.processEvents()
    w.isVisible()
    w.setEnabled(True)
print("survived")
"""


def test_many_qt_calls_do_not_crash_python() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOOP],
        capture_output=True,
        text=True,
        timeout=300,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "survived" in done.stdout
