"""The command line's tests run against a temporary data folder, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import run_cli_cleanly


@pytest.fixture
def home(_temporary_home: Path) -> Path:
    """The data folder every CLI call of the test uses (``tests/conftest.py`` sets it)."""
    return _temporary_home


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str], home: Path) -> Path:
    """The data folder, holding the demo register."""
    code, _out, err = run_cli_cleanly(capsys, "demo")
    assert code == 0, err
    return home
