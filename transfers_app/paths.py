"""Where the register lives: ``--data-dir``, then ``TRANSFERS_APP_HOME``, then the user data folder.

Nothing is created at import time; ``AppPaths.ensure()`` creates the folders when needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from transfers_app.errors import StorageError

ENV_HOME = "TRANSFERS_APP_HOME"
APP_NAME = "transfers-app"
# The column mappings the user confirmed for imported lists, by their headers.
IMPORT_MAPPINGS_FILE = "import-mappings.json"


@dataclass(frozen=True, slots=True)
class AppPaths:
    home: Path
    # The user's settings folder (platformdirs); None: ``home`` (a data folder given with
    # --data-dir or TRANSFERS_APP_HOME keeps its own settings, so a test never touches the
    # user's).
    config: Path | None = None

    @property
    def database(self) -> Path:
        return self.home / "register.db"

    @property
    def files(self) -> Path:
        return self.home / "files"

    @property
    def file_cache(self) -> Path:
        """Where signed files kept in a team register's database are copied to be read
        (created when first needed, readable by the user only; safe to delete)."""
        return self.home / "cache" / "files"

    @property
    def reference(self) -> Path:
        return self.home / "reference"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def import_mappings(self) -> Path:
        return self.home / IMPORT_MAPPINGS_FILE

    @property
    def registers(self) -> Path:
        """The team registers this user connected to, the last one first (no passwords)."""
        return (self.config or self.home) / "registers.json"

    def ensure(self) -> AppPaths:
        try:
            for folder in (self.home, self.files, self.reference, self.logs):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot create the data folder {self.home}: {exc.strerror}"
            ) from None
        return self


def resolve_paths(data_dir: str | None = None, env: Mapping[str, str] | None = None) -> AppPaths:
    env = os.environ if env is None else env
    if data_dir:
        return AppPaths(Path(data_dir).expanduser().resolve())
    if env.get(ENV_HOME):
        return AppPaths(Path(env[ENV_HOME]).expanduser().resolve())
    return AppPaths(
        platformdirs.user_data_path(APP_NAME, appauthor=False),
        platformdirs.user_config_path(APP_NAME, appauthor=False),
    )
