"""The command line's tests run against a temporary data folder, never the user's; those that
ask for ``demo_on_engine`` run on the register file and on a team register (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cli import run_cli_cleanly
from support.stores import DemoRegisters, release_register

from transfers_app.cli import ENV_DATABASE


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


@pytest.fixture
def demo_on_engine(
    engine: str,
    home: Path,
    request: pytest.FixtureRequest,
    demo_registers: DemoRegisters,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    """The data folder, and the demo register on ``engine``: its register file, or a team
    register every command of the test uses (named in ``TRANSFERS_APP_DATABASE``, as a
    user may set it) with its signed files in the data folder."""
    store = demo_registers.open(engine, home, request)
    store.close()
    if engine == "postgresql":
        from db.postgres import PgStore

        assert isinstance(store, PgStore)
        monkeypatch.setenv(ENV_DATABASE, store.connection.where)
    yield home
    release_register(store, request)
    if engine == "postgresql":  # every command used the team register, none the file
        assert not (home / "register.db").exists()
