"""The audit log (and its verification), the register's size and generation, its settings and
catalogues, and how it is stored (read-only or not, the journal mode)."""

from __future__ import annotations

import json
from typing import Any

from transfers_app.domain.audit_chain import AuditVerification, ChainVerifier
from transfers_app.domain.models import AuditEntry, CatalogueItem
from transfers_app.domain.readmodels import Counts
from transfers_app.ports.storage import JournalMode, StorageInfo, Store
from transfers_app.reference.loader import ReferenceSet

# Entries read per page when the whole trail is verified (memory stays bounded).
VERIFY_PAGE = 5000
REFERENCE_LOAD = "reference_load"


def parse_record(text: str | None) -> dict[str, Any] | None:
    """The JSON object of an audited record, or None (no record, or a plain-text note)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class AuditService:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def actor(self) -> str:
        """Who is audited as making this run's changes."""
        return self._store.actor

    def entries(
        self, limit: int = 200, table: str | None = None, record_id: int | None = None
    ) -> list[AuditEntry]:
        """Newest first; ``table`` is an ``AuditEntry.table`` ("entities", "documents"...)."""
        return self._store.audit.entries(limit, table, record_id)

    def counts(self) -> Counts:
        """How many live records the register holds, and audit entries."""
        return self._store.queries.counts()

    def generation(self) -> int:
        """Changes whenever anything on the register changes (a view compares it to know
        whether to read again)."""
        return self._store.audit.generation()

    def verify(self) -> AuditVerification:
        """Checks every link of the audit chain, oldest entry first: the entries checked, the
        head hash (what an evidence pack records) and the first broken link, if any."""
        verifier = ChainVerifier(self._store.audit.anchor())
        after = 0
        while True:
            page = self._store.audit.chain(after, VERIFY_PAGE)
            verifier.feed(page)
            if len(page) < VERIFY_PAGE:
                return verifier.result()
            after = page[-1].id or after

    def reference_loaded(self, ref: ReferenceSet, source: str) -> None:
        """Records that the legal reference data in use changed (the rules judge by it)."""
        self._store.audit.note(
            REFERENCE_LOAD,
            f"reference data {ref.version} (as of {ref.as_of.isoformat()}) loaded from "
            f"{source}; the rules use it from now on",
        )


def pack_audit_record(result: AuditVerification) -> dict[str, object]:
    """What an evidence pack's manifest records of the audit trail: its head hash and the
    verification result, so that a reader can later check that the register's history went
    on from this point unchanged."""
    return {
        "entries_checked": result.entries,
        "head_entry_id": result.head_id,
        "head_hash": result.head_hash,
        "hash_algorithm": "SHA-256",
        "intact": result.intact,
        "first_broken_link": None if result.broken is None else result.broken.text(),
    }


def pack_audit_sentence(result: AuditVerification) -> str:
    """The cover letter's sentence on the audit trail (its figures: ``pack_audit_fields``)."""
    if result.broken is not None:
        return (
            "The register's audit trail FAILED its check when this pack was prepared: an "
            "entry was changed or removed after it was written (below, the first broken link)."
        )
    if not result.entries:
        return "The register's audit trail held no entries when this pack was prepared."
    return (
        "The register's audit trail is a SHA-256 hash chain: each entry's hash covers its "
        f"content and the hash before it. All {result.entries:,} entries were checked when this "
        "pack was prepared and every link holds. The head hash below (also in manifest.json) "
        "lets anyone check later that the register's history went on from here unchanged."
    )


def pack_audit_fields(result: AuditVerification) -> tuple[tuple[str, str], ...]:
    """The cover letter's figures on the audit trail (what ``pack_audit_record`` records)."""
    fields = [
        ("Audit trail", "intact" if result.intact else "BROKEN"),
        ("Entries checked", f"{result.entries:,}"),
    ]
    if result.broken is not None:
        fields.append(("First broken link", result.broken.text()))
    if result.entries:
        fields.append((f"Head hash (entry {result.head_id})", result.head_hash))
    return tuple(fields)


def verification_lines(result: AuditVerification) -> list[str]:
    """What ``transfers-app audit verify`` prints and the Audit page shows."""
    if result.broken is None:
        if not result.entries:
            return ["The audit trail is empty: nothing to verify."]
        return [
            f"The audit trail is intact: {result.entries:,} entries checked, every link holds.",
            f"Head hash (entry {result.head_id}): {result.head_hash}",
        ]
    return [
        f"The audit trail is BROKEN: {result.entries:,} entries checked.",
        f"First broken link: {result.broken.text()}",
        f"Head hash as stored (entry {result.head_id}): {result.head_hash}",
    ]


class SettingsService:
    """The register's settings and its catalogues of data categories and data subjects."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def catalogue(self, name: str) -> list[CatalogueItem]:
        """ "data_category" or "data_subject", in the order added."""
        return self._store.settings.catalogue(name)

    def get(self, key: str) -> str | None:
        return self._store.settings.get(key)

    def set(self, key: str, value: str) -> None:
        """Audited when the value changes."""
        self._store.settings.set(key, value)

    def storage(self) -> StorageInfo:
        """Where the register is kept, whether it can be changed (and why not), its journal."""
        return self._store.storage

    def set_journal_mode(self, mode: JournalMode) -> None:
        """The user's choice of journal (shared-drive mode: ``ROLLBACK``), remembered with the
        register and audited; ``LockedError`` while another program has it open."""
        self._store.set_journal_mode(mode)
