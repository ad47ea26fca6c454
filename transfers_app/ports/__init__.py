"""The ports: ``typing.Protocol``s the services depend on, implemented by the adapters that the
composition root (``transfers_app.cli``) builds and injects.

- ``storage``: the register's repositories and unit of work (``db/`` implements them).
- ``files``: the writers and readers of files (``exports/`` implements them).
- ``changes``: what other clients of a shared register changed (``db/postgres`` hears it).
"""

from transfers_app.ports.changes import ChangeFeed, NoChanges, RegisterChange
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
    "ChangeFeed",
    "DocumentRepository",
    "EntityRepository",
    "JournalMode",
    "NameIndex",
    "NoChanges",
    "NoticeRepository",
    "OpenItemRepository",
    "OrganisationRepository",
    "PublicationRepository",
    "RegisterChange",
    "RegisterQueries",
    "RegisterRecords",
    "SettingsRepository",
    "StorageInfo",
    "Store",
    "TransferRepository",
    "UnitOfWork",
]
