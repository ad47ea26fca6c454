"""Filling a register: the first start of the app, the demo register and a generated one."""

from __future__ import annotations

from datetime import date

from transfers_app.errors import TransfersError
from transfers_app.ports.files import PdfRenderer
from transfers_app.ports.storage import Store
from transfers_app.services.demo import load_demo, refuse_if_filled, seed_catalogues
from transfers_app.services.synthetic import SyntheticRegister, generate

FIRST_START = "first_start"


class SetupService:
    def __init__(self, store: Store, pdf: PdfRenderer | None = None) -> None:
        self._store = store
        self._pdf = pdf

    def first_start_pending(self) -> bool:
        """The register is empty and the user has not chosen how to start yet."""
        store = self._store
        return not store.queries.counts().entities and store.settings.get(FIRST_START) is None

    def first_start_done(self) -> None:
        self._store.settings.set(FIRST_START, "done")

    def load_demo(self, today: date) -> int:
        """The demo register into this empty one (with demo copies of signed files when a
        PDF renderer was given); returns the number of entities."""
        return load_demo(self._store, today, self._pdf)

    def generate(self, entities: int, seed: int, today: date) -> SyntheticRegister:
        """A synthetic register of ``entities`` entities into this empty one (the catalogues
        and the register together, or nothing)."""
        if self._store.queries.counts().entities:
            raise TransfersError(
                "the register is not empty: generate a synthetic register into "
                "a new folder with --data-dir"
            )
        reg = generate(entities, seed, today)
        with self._store.transaction() as tx:
            refuse_if_filled(tx, "the synthetic register")
            seed_catalogues(tx)
            tx.records.add_generated(
                reg.entities, reg.locations, reg.documents, reg.transfers, reg.tias
            )
        return reg
