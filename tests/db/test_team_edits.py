"""Two people on one register, each on a connection of their own, on each engine: an import
while someone else edits. The edit is applied or refused with who changed the record, never
lost or overwritten; the import is written whole; the audit chain holds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from support.stores import another_user, entity_named

from exports import file_adapters
from transfers_app.domain.audit_chain import verify_chain
from transfers_app.domain.models import Entity
from transfers_app.errors import ConflictError
from transfers_app.ports.storage import Store
from transfers_app.services.entities import EntityService
from transfers_app.services.importing import (
    ImportFailed,
    ImportPreview,
    ImportService,
    MappingMemory,
)

TODAY = date(2026, 11, 25)
# Six vendors: Lumen Analytics GmbH (on the demo register) gets an address, five are new.
GERMAN = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "import"
    / "unterauftragsverarbeiter_utf8_bom.csv"
)
LUMEN, STRATUS = "Lumen Analytics GmbH", "Stratus Cloud Hosting, Inc."
BOBS_NOTE = "Bob: DPA renegotiated"


@pytest.fixture
def ann(demo_register: Store) -> Iterator[Store]:
    """Ann, on a connection of her own to the demo register."""
    store = another_user(demo_register, "ann")
    yield store
    store.close()


@pytest.fixture
def importer(ann: Store, tmp_path: Path) -> ImportService:
    """Ann's supplier imports."""
    return ImportService(ann, file_adapters().lists, TODAY, MappingMemory(tmp_path / "m.json"))


def _preview(importer: ImportService) -> ImportPreview:
    table = importer.read(GERMAN)
    mapping, source = importer.mapping_for(table)
    return importer.preview(table, mapping, source)


def _bob_saves(register: Store, opened: list[Entity]) -> list[Entity | BaseException]:
    """Bob, on his own connection, saves each entity he opened with his note, as the entity
    editor saves; what each save did."""
    bob = another_user(register, "bob")
    entities = EntityService(bob)
    done: list[Entity | BaseException] = []
    try:
        for e in opened:
            locations = entities.locations(e.id or 0)
            try:
                done.append(entities.save(replace(e, notes=BOBS_NOTE), locations, locations))
            except ConflictError as exc:
                done.append(exc)
    finally:
        bob.close()
    return done


def test_an_edit_made_while_an_import_is_written_waits_then_is_applied_or_refused(
    demo_register: Store, ann: Store, importer: ImportService
) -> None:
    preview = _preview(importer)
    # Bob opened two suppliers before Ann's import: one the import changes, one it does not.
    opened = [entity_named(demo_register, LUMEN), entity_named(demo_register, STRATUS)]
    before = demo_register.queries.counts()
    outcome: list[Entity | BaseException] = []
    worker = threading.Thread(target=lambda: outcome.extend(_bob_saves(ann, opened)))
    # A large import is written in one transaction that lasts seconds: Bob saves meanwhile.
    with ann.transaction():
        result = importer.apply(preview)
        worker.start()
        worker.join(0.5)
        assert worker.is_alive()  # Bob's save waits until the import is written
    worker.join(30)
    assert not worker.is_alive()
    assert (result.created, result.updated) == (5, 1)

    # Lumen was changed by the import: Bob is told who changed it; nothing of his is saved.
    refused, saved = outcome
    assert isinstance(refused, ConflictError)
    assert f"{refused.label} {opened[0].id} was changed elsewhere by ann" in str(refused)
    assert "nothing was saved" in str(refused)
    lumen = entity_named(demo_register, LUMEN)
    assert lumen.address == "Hauptstraße 5, 10115 Berlin" and BOBS_NOTE not in lumen.notes
    # Stratus was not: Bob's edit is applied, after the import.
    assert isinstance(saved, Entity)
    assert entity_named(demo_register, STRATUS).notes == BOBS_NOTE

    # The import is there whole, Bob's edit once, and the audit chain holds.
    after = demo_register.queries.counts()
    assert after.entities == before.entities + 5
    assert after.locations == before.locations + sum(len(p.new_locations) for p in preview.plans)
    chain = demo_register.audit.chain()
    assert verify_chain(chain).intact
    assert [e.actor for e in chain[-2:]] == ["ann", "bob"]
    assert chain[-1].table == "entities" and chain[-1].record_id == opened[1].id


def test_an_edit_saved_before_the_import_is_kept_and_the_import_previewed_again(
    demo_register: Store, ann: Store, importer: ImportService
) -> None:
    preview = _preview(importer)
    before = demo_register.queries.counts()
    opened = [entity_named(demo_register, LUMEN)]
    worker = threading.Thread(target=lambda: _bob_saves(ann, opened))
    worker.start()
    worker.join(30)
    # Bob saved first: Ann's preview no longer shows the register; nothing is written.
    with pytest.raises(ImportFailed, match="changed since the preview"):
        importer.apply(preview)
    assert demo_register.queries.counts().entities == before.entities
    # Previewed again, the import completes over Bob's version, keeping his note.
    result = importer.apply(_preview(importer))
    assert (result.created, result.updated) == (5, 1)
    lumen = entity_named(demo_register, LUMEN)
    assert lumen.notes.startswith(BOBS_NOTE) and lumen.address == "Hauptstraße 5, 10115 Berlin"
    chain = demo_register.audit.chain()
    bobs = [i for i, e in enumerate(chain) if e.actor == "bob"]
    assert [chain[i].record_id for i in bobs] == [opened[0].id]  # Bob's save, once
    assert {e.actor for e in chain[bobs[0] + 1 :]} == {"ann"}  # then the import
    assert verify_chain(chain).intact
