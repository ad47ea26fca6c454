"""Running the command line inside a test, as a user would run it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support.registers import stored_value

from transfers_app.cli import main

TODAY = date(2026, 11, 25)


def run_cli(
    capsys: pytest.CaptureFixture[str], *argv: str, today: date = TODAY
) -> tuple[int, str, str]:
    """Run ``transfers_app.cli.main``: (exit code, stdout, stderr). Argparse errors (SystemExit)
    are turned into their exit code too."""
    capsys.readouterr()
    try:
        code = main(list(argv), today=today)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def run_cli_cleanly(
    capsys: pytest.CaptureFixture[str], *argv: str, today: date = TODAY
) -> tuple[int, str, str]:
    """``run_cli``, and whatever it exits with, no traceback reaches the user."""
    code, out, err = run_cli(capsys, *argv, today=today)
    assert "Traceback" not in err
    return code, out, err


def entity_count(db_path: Path) -> int:
    """Entities in the register file, read behind the application's back."""
    count = stored_value(db_path, "SELECT count(*) FROM entities")
    assert isinstance(count, int)
    return count
