"""The ports: ``typing.Protocol``s the services depend on, implemented by the adapters that the
composition root (``transfers_app.cli``) builds and injects.

- ``storage``: the register's repositories and unit of work (``db/`` implements them).
- ``files``: the writers and readers of files (``exports/`` implements them).
"""

from transfers_app.ports.storage import (
    AssessmentRepository,
    AuditRepository,
    BulkRecords,
    DocumentRepository,
    EntityRepository,
    JournalMode,
    NameIndex,
    NoticeRepository,
    OpenItemRepository,
    OrganisationRepository,
    PublicationRepository,
    RegisterQueries,
    RegisterRecords,
    SettingsRepository,
    StorageInfo,
    Store,
    TransferRepository,
    UnitOfWork,
)

__all__ = [
    "AssessmentRepository",
    "AuditRepository",
    "BulkRecords",
    "DocumentRepository",
    "EntityRepository",
    "JournalMode",
    "NameIndex",
    "NoticeRepository",
    "OpenItemRepository",
    "OrganisationRepository",
    "PublicationRepository",
    "RegisterQueries",
    "RegisterRecords",
    "SettingsRepository",
    "StorageInfo",
    "Store",
    "TransferRepository",
    "UnitOfWork",
]
