"""What every page and dialog of the app is given: the services, the date, where things are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from transfers_app.paths import AppPaths
from transfers_app.services.register import RegisterService
from transfers_app.services.workspace import Workspace


@dataclass
class UiContext:
    service: RegisterService
    workspace: Workspace
    paths: AppPaths
    today: date
    # A new service on its own database connection, for work in a background thread
    # (an SQLite connection belongs to the thread that opened it).
    service_factory: Callable[[], RegisterService]

    @property
    def database(self) -> str:
        return str(self.paths.database)
