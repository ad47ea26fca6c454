"""The in-memory whole-register reads and writes: the typed read models and the bulk records
(see ``memory_store``). Plain loops over the dicts: the SQLite store computes the same in SQL."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple, TypeVar

from db.mapping import to_json
from db.organisation_keys import profile_from
from fakes.memory_core import (
    MemoryRepository,
    R,
    name_order,
    new_record,
    stored_parties,
)
from fakes.memory_organisation import read_follow_ups, write_follow_ups, write_profile
from transfers_app.domain import readmodels
from transfers_app.domain.audit_chain import IMPORT_ACTION, REGISTER_TABLE, import_marker
from transfers_app.domain.enums import TiaStatus
from transfers_app.domain.models import (
    Document,
    Entity,
    Location,
    Tia,
    Transfer,
)
from transfers_app.domain.validation import ensure_valid
from transfers_app.errors import StorageError
from transfers_app.ports.storage import RegisterRecords

_N = TypeVar("_N", bound=NamedTuple)


def _facts(kind: type[_N], record: object) -> _N:
    """The read model of ``record``: the read models name their fields as the records do."""
    return kind._make(getattr(record, name) for name in kind._fields)


class MemoryQueries(MemoryRepository):
    def _live_entities(self) -> builtins.list[Entity]:
        found = self._c.state.entities.values()
        return sorted((e for e in found if e.archived_at is None), key=name_order)

    def _countries(self, entity_id: int) -> tuple[str, ...]:
        locations = self._c.state.locations
        return tuple(
            dict.fromkeys(
                loc.country
                for _, loc in sorted(locations.items())
                if loc.entity_id == entity_id and loc.archived_at is None
            )
        )

    def _received(self) -> dict[int, builtins.list[Transfer]]:
        by_importer: dict[int, list[Transfer]] = defaultdict(list)
        for _, t in sorted(self._c.state.transfers.items()):
            if t.archived_at is None:
                by_importer[t.importer_id].append(t)
        return by_importer

    def snapshot(self) -> readmodels.RulesSnapshot:
        s = self._c.state
        entities = {
            e.id or 0: _facts(readmodels.EntityFacts, e)
            for e in s.entities.values()
            if e.archived_at is None
        }
        documents = {d.id or 0: _facts(readmodels.DocumentFacts, d) for d in s.documents.values()}
        transfers = tuple(
            _facts(readmodels.TransferFacts, t)
            for _, t in sorted(s.transfers.items())
            if t.archived_at is None
        )
        tias = tuple(
            _facts(readmodels.AssessmentFacts, x)
            for _, x in sorted(s.tias.items())
            if x.archived_at is None
        )
        covered = {
            i
            for x in tias
            if x.status is TiaStatus.APPROVED and x.inputs is not None
            for i in x.transfer_ids
        }
        data = {
            t.id or 0: readmodels.TransferData(t.data_categories, t.data_subjects)
            for t in s.transfers.values()
            if t.id in covered and t.archived_at is None
        }
        return readmodels.RulesSnapshot(
            entities, transfers, documents, tias, self.entities_with_locations(), data
        )

    def register_rows(self, limit: int | None = None) -> builtins.list[readmodels.EntityRow]:
        entities = self._live_entities()[:limit]
        received = self._received()
        return [
            readmodels.EntityRow(
                e.id or 0,
                e.name,
                e.legal_name,
                e.kind,
                e.is_own,
                e.lifecycle,
                self._countries(e.id or 0),
                tuple(t.service for t in received.get(e.id or 0, ()) if t.service),
            )
            for e in entities
        ]

    def mechanisms_used(
        self, entity_ids: Sequence[int] | None = None
    ) -> dict[int, readmodels.MechanismsUsed]:
        wanted = None if entity_ids is None else set(entity_ids)
        return {
            i: readmodels.MechanismsUsed(
                frozenset(u.mechanism for t in ts for u in t.mechanisms),
                any(not t.mechanisms for t in ts),
            )
            for i, ts in self._received().items()
            if wanted is None or i in wanted
        }

    def register_lines(self) -> builtins.list[readmodels.EntityTransferLine]:
        s = self._c.state
        received = self._received()
        out = []
        for e in self._live_entities():
            i = e.id or 0
            head = (i, e.name, e.kind, e.lifecycle, e.is_own, self._countries(i))
            transfers = received.get(i)
            if not transfers:
                out.append(
                    readmodels.EntityTransferLine(
                        *head,
                        None,
                        None,
                        None,
                        False,
                        (),
                        None,
                        None,
                        (),
                        (),
                        None,
                        None,
                        None,
                        None,
                        None,
                    )
                )
                continue
            for t in transfers:
                x = s.entities.get(t.exporter_id)
                doc_id = next(
                    (u.document_id for u in t.mechanisms if u.document_id is not None), None
                )
                d = s.documents.get(doc_id) if doc_id is not None else None
                out.append(
                    readmodels.EntityTransferLine(
                        *head,
                        t.id,
                        t.exporter_id,
                        x.name if x else None,
                        x is not None and x.archived_at is not None,
                        x.exporter_regimes if x else (),
                        t.importer_role,
                        t.destination,
                        t.regimes,
                        tuple(u.mechanism for u in t.mechanisms),
                        d.id if d else None,
                        d.title if d else None,
                        d.signed_on if d else None,
                        d.expires_on if d else None,
                        d.next_review_on if d else None,
                        t.purpose or t.service,
                        t.data_categories,
                    )
                )
        return out

    def assessment_heads(self) -> builtins.list[readmodels.AssessmentHead]:
        return [
            readmodels.AssessmentHead(
                x.id or 0,
                x.transfer_id,
                x.extra_transfer_ids,
                x.series_id,
                x.revision,
                x.status,
                x.approved_on,
                x.next_review_on,
            )
            for _, x in sorted(self._c.state.tias.items())
            if x.archived_at is None
        ]

    def counts(self) -> readmodels.Counts:
        s = self._c.state

        def live(table: dict[int, Any]) -> int:
            return sum(1 for r in table.values() if r.archived_at is None)

        return readmodels.Counts(
            live(s.entities),
            live(s.locations),
            live(s.transfers),
            live(s.documents),
            live(s.tias),
            len(s.audit),
        )

    def entities_with_locations(self) -> frozenset[int]:
        return frozenset(
            loc.entity_id for loc in self._c.state.locations.values() if loc.archived_at is None
        )


class MemoryBulkRecords(MemoryRepository):
    def dump(self) -> RegisterRecords:
        c = self._c
        s = c.state

        def by_id(table: dict[int, Any]) -> tuple[Any, ...]:
            return tuple(r for _, r in sorted(table.items()))

        return RegisterRecords(
            entities=by_id(s.entities),
            locations=by_id(s.locations),
            documents=by_id(s.documents),
            transfers=by_id(s.transfers),
            tias=by_id(s.tias),
            catalogue=by_id(s.catalogue),
            files=tuple(f for _, f in sorted(s.files.items())),
            publications=by_id(s.publications),
            notices=by_id(s.notices),
            audit=tuple(s.audit),
            organisation=tuple(p for p in (profile_from(s.settings.get),) if not p.is_empty),
            open_items=tuple(read_follow_ups(c)),
        )

    def load(self, records: RegisterRecords, note: str) -> None:
        c = self._c
        s = c.state
        for name, table in (
            ("entities", s.entities),
            ("locations", s.locations),
            ("documents", s.documents),
            ("transfers", s.transfers),
            ("tias", s.tias),
            ("catalogue", s.catalogue),
            ("files", s.files),
            ("publications", s.publications),
            ("subprocessor notices", s.notices),
        ):
            if table:
                raise StorageError(
                    f"the register is not empty (it has {name}): a register file loads only "
                    "into an empty one (use --data-dir to start a new one)"
                )
        stamp = c.now()

        def kept(obj: R) -> R:
            return replace(
                obj,
                version=max(obj.version, 1),
                created_at=obj.created_at or stamp,
                updated_at=obj.updated_at or stamp,
            )

        with c.atomic():
            for f in records.files:
                s.files[f.sha256] = replace(f, stored_at=f.stored_at or stamp)
            for e in records.entities:
                s.entities[e.id or 0] = kept(e)
            for loc in records.locations:
                s.locations[loc.id or 0] = kept(loc)
            for d in records.documents:
                s.documents[d.id or 0] = stored_parties(kept(d))
            for t in records.transfers:
                s.transfers[t.id or 0] = kept(t)
            for x in records.tias:
                s.tias[x.id or 0] = kept(x)
            for item in records.catalogue:
                s.catalogue[item.id or 0] = item
            for p in records.publications:
                s.publications[p.id or 0] = p
            for n in records.notices:
                s.notices[n.id or 0] = kept(n)
            history = records.audit
            if history:
                # Kept verbatim after an entry that announces it, renumbered after ours.
                c.append_audit(
                    REGISTER_TABLE,
                    None,
                    IMPORT_ACTION,
                    None,
                    import_marker(len(history), history[0].prev_hash, history[-1].hash),
                )
                for entry in history:
                    s.audit.append(replace(entry, id=len(s.audit) + 1))
            for profile in records.organisation[-1:]:
                write_profile(c, profile)
            write_follow_ups(c, list(records.open_items))
            c.note("load", note)

    def add_generated(
        self,
        entities: Sequence[Entity],
        locations: Sequence[Location],
        documents: Sequence[Document],
        transfers: Sequence[Transfer],
        tias: Sequence[Tia],
    ) -> None:
        c = self._c
        s = c.state
        with c.atomic():
            # As the SQLite store: trusted records with their ids, version 1, never archived.
            stamp = c.now()
            for e in entities:
                s.entities[e.id or 0] = new_record(e, e.id or 0, stamp)
            for loc in locations:
                s.locations[loc.id or 0] = new_record(loc, loc.id or 0, stamp)
            for d in documents:
                s.documents[d.id or 0] = stored_parties(new_record(d, d.id or 0, stamp))
            for t in transfers:
                s.transfers[t.id or 0] = new_record(t, t.id or 0, stamp)
            for x in tias:
                s.tias[x.id or 0] = new_record(
                    replace(x, series_id=x.series_id or x.id), x.id or 0, stamp
                )
            c.note("generate", f"generated a synthetic register of {len(entities)} entities")

    def add_many(
        self,
        entities: Sequence[Entity],
        locations: Sequence[Location],
        transfers: Sequence[Transfer],
    ) -> builtins.list[int]:
        for group in (entities, locations, transfers):
            for obj in group:
                ensure_valid(obj)
        c = self._c
        s = c.state
        with c.atomic():
            first = c.next_id(s.entities)
            ids = list(range(first, first + len(entities)))

            def real(i: int) -> int:
                return ids[-i - 1] if i < 0 else i

            stamp = c.now()
            made: list[tuple[str, Any]] = []
            for i, e in zip(ids, entities, strict=True):
                made.append(("entities", s.entities.setdefault(i, new_record(e, i, stamp))))
            base = c.next_id(s.locations)
            for k, loc in enumerate(locations):
                placed = new_record(replace(loc, entity_id=real(loc.entity_id)), base + k, stamp)
                made.append(("locations", s.locations.setdefault(base + k, placed)))
            base = c.next_id(s.transfers)
            for k, t in enumerate(transfers):
                saved = new_record(
                    replace(t, importer_id=real(t.importer_id), exporter_id=real(t.exporter_id)),
                    base + k,
                    stamp,
                )
                made.append(("transfers", s.transfers.setdefault(base + k, saved)))
            for table, saved in made:
                c.append_audit(table, saved.id, "create", None, to_json(saved), at=stamp)
        return ids
