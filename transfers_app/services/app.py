"""Every service of the app on one register: what the composition root hands to the desktop
app and the commands.

``AppServices.build`` makes the bundle on one store; its services share it (one connection: a
bundle belongs to the thread that made it), and every bundle of a run shares the
``ReferenceSource`` and the file adapters. A background job gets a bundle of its own from the
factory the composition root gives the app.

Each service is made on first use (a command uses two or three of them; importing the import
and export machinery for every ``check`` would cost it a fifth of its start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from transfers_app.ports.changes import ChangeFeed
from transfers_app.ports.files import FileAdapters
from transfers_app.ports.storage import Store
from transfers_app.services.audit import AuditService, SettingsService
from transfers_app.services.documents import DocumentService
from transfers_app.services.entities import EntityService
from transfers_app.services.organisation import OrganisationService
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService
from transfers_app.services.transfers import TransferService
from transfers_app.services.workspace import Workspace

if TYPE_CHECKING:
    # Imported where first used: the TIA service loads the document builders and the country
    # profiles, which a ``check`` or ``status`` never needs.
    from transfers_app.services.exporting import ExportService
    from transfers_app.services.importing import ImportService
    from transfers_app.services.notices import NoticeService
    from transfers_app.services.open_items import OpenItemsService
    from transfers_app.services.public_list import PublicListService
    from transfers_app.services.setup import SetupService
    from transfers_app.services.tia import TiaService


@dataclass(frozen=True, eq=False)
class AppServices:
    """The services of one register. Read the services below; the fields are what they are
    made from (the UI reads ``reference``, never the store)."""

    _store: Store
    reference: ReferenceSource
    files: FileAdapters
    today: date  # the run's date (imports plan with it)
    mappings: Path | None = None  # where confirmed import mappings are remembered

    @classmethod
    def build(
        cls,
        store: Store,
        reference: ReferenceSource,
        files: FileAdapters,
        today: date,
        mappings: Path | None = None,
    ) -> AppServices:
        return cls(store, reference, files, today, mappings)

    def close(self) -> None:
        """Close the register (its connection); the bundle is unusable afterwards."""
        self._store.close()

    def changes(self) -> ChangeFeed:
        """A new feed of the changes other clients commit to the register (not started)."""
        return self._store.changes()

    @property
    def read_only(self) -> str | None:
        """Why the register cannot be changed (a read-only file or folder...); None: it can."""
        return self._store.storage.read_only

    # cached_property writes the instance's __dict__ directly, which a frozen dataclass allows.

    @cached_property
    def register(self) -> RegisterService:
        """Status, reminders, the supplier check."""
        return RegisterService(self._store, self.reference)

    @cached_property
    def workspace(self) -> Workspace:
        """The register table, archive with undo, reviews, proposed suppliers."""
        return Workspace(self._store, self.register)

    @cached_property
    def entities(self) -> EntityService:
        return EntityService(self._store)

    @cached_property
    def transfers(self) -> TransferService:
        return TransferService(self._store)

    @cached_property
    def documents(self) -> DocumentService:
        return DocumentService(self._store)

    @cached_property
    def tias(self) -> TiaService:
        from transfers_app.services.tia import TiaService

        return TiaService(self._store, self.reference, self.files.pdf, docx=self.files.docx)

    @cached_property
    def audit(self) -> AuditService:
        return AuditService(self._store)

    @cached_property
    def settings(self) -> SettingsService:
        return SettingsService(self._store)

    @cached_property
    def organisation(self) -> OrganisationService:
        """The organisation that keeps the register (its profile)."""
        return OrganisationService(self._store)

    @cached_property
    def open_items(self) -> OpenItemsService:
        """Who follows up the readiness check's open items, and the facts that date them."""
        from transfers_app.services.open_items import OpenItemsService

        return OpenItemsService(self._store, self.reference)

    @cached_property
    def notices(self) -> NoticeService:
        from transfers_app.services.notices import NoticeService

        return NoticeService(self._store)

    @cached_property
    def public_list(self) -> PublicListService:
        from transfers_app.services.public_list import PublicListService

        return PublicListService(self._store, self.register.status)

    @cached_property
    def imports(self) -> ImportService:
        from transfers_app.services.importing import ImportService, MappingMemory

        memory = MappingMemory(self.mappings) if self.mappings is not None else None
        return ImportService(self._store, self.files.lists, self.today, memory)

    @cached_property
    def exports(self) -> ExportService:
        from transfers_app.services.exporting import ExportService

        return ExportService(self._store, self.register, self.tias, self.public_list, self.files)

    @cached_property
    def setup(self) -> SetupService:
        """The first start, the demo register, a generated register."""
        from transfers_app.services.setup import SetupService

        return SetupService(self._store, self.files.pdf)
