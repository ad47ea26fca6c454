"""Every service of the app on one register: what the composition root hands to the desktop
app and the commands.

``AppServices.build`` makes them on one store; the services of one bundle share it (one
connection: a bundle belongs to the thread that made it), and every bundle of a run shares the
``ReferenceSource`` and the file adapters. A background job gets a bundle of its own from the
factory the composition root gives the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from transfers_app.ports.files import FileAdapters
from transfers_app.ports.storage import Store
from transfers_app.services.audit import AuditService, SettingsService
from transfers_app.services.documents import DocumentService
from transfers_app.services.entities import EntityService
from transfers_app.services.exporting import ExportService
from transfers_app.services.importing import ImportService, MappingMemory
from transfers_app.services.notices import NoticeService
from transfers_app.services.public_list import PublicListService
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService
from transfers_app.services.setup import SetupService
from transfers_app.services.tia import TiaService
from transfers_app.services.transfers import TransferService
from transfers_app.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class AppServices:
    reference: ReferenceSource
    register: RegisterService  # status, reminders, supplier check
    workspace: Workspace  # register table, archive with undo, reviews, proposed suppliers
    entities: EntityService
    transfers: TransferService
    documents: DocumentService
    tias: TiaService
    notices: NoticeService
    public_list: PublicListService
    imports: ImportService
    exports: ExportService
    audit: AuditService
    settings: SettingsService
    setup: SetupService
    # Closes the register (the store's connection); the bundle is unusable afterwards.
    close: Callable[[], None] = field(repr=False, compare=False)

    @classmethod
    def build(
        cls,
        store: Store,
        reference: ReferenceSource,
        files: FileAdapters,
        today: date,
        mappings: MappingMemory | None = None,
    ) -> AppServices:
        """Every service on ``store``. ``today`` is the run's date (imports plan with it);
        ``mappings`` is where confirmed import mappings are remembered (None: nowhere)."""
        register = RegisterService(store, reference)
        tias = TiaService(store, reference, files.pdf)
        public_list = PublicListService(store)
        return cls(
            reference=reference,
            register=register,
            workspace=Workspace(store, register),
            entities=EntityService(store),
            transfers=TransferService(store),
            documents=DocumentService(store),
            tias=tias,
            notices=NoticeService(store),
            public_list=public_list,
            imports=ImportService(store, files.lists, today, mappings),
            exports=ExportService(store, register, tias, public_list, files),
            audit=AuditService(store),
            settings=SettingsService(store),
            setup=SetupService(store, files.pdf),
            close=store.close,
        )
