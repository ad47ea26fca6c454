"""Whole-register reads as typed read models: the rules' snapshot, the register page, due
dates, mechanisms, the exports' register table, assessment heads and counts.

Written for 100,000 entities: each read is a constant number of narrow queries; SQL groups
and counts; rows become named tuples directly, and every repeated stored value (an enum, a
date, a country list, a set of mechanisms) is decoded once and shared between rows.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from db.errors import translated
from db.sqlite.rows import (
    ACCESS,
    DEROGATIONS,
    DOC_KINDS,
    DOC_STATUS,
    KINDS,
    LIFECYCLES,
    MECHANISMS,
    ROLES,
    TIA_STATUS,
    Decoded,
    days,
    ids_of,
    inputs_of,
    json_tuple,
    regime_lists,
    stamps,
)
from db.sqlite.session import Session
from transfers_app.domain.enums import Derogation, Mechanism, Regime, Role, TiaStatus
from transfers_app.domain.models import MechanismUse
from transfers_app.domain.readmodels import (
    AssessmentFacts,
    AssessmentHead,
    Counts,
    DocumentFacts,
    EntityFacts,
    EntityRow,
    EntityTransferLine,
    MechanismsUsed,
    RulesSnapshot,
    TransferData,
    TransferFacts,
)

_DEROGATIONS: dict[str | None, Derogation | None] = {None: None, "": None}
_DEROGATIONS.update(DEROGATIONS)
_ROLES: dict[str | None, Role | None] = {None: None}
_ROLES.update(ROLES)
# Grouped lists keep their order through an index walk: the index named with INDEXED BY hands
# each group's rows over in (key, rowid) or (transfer, position) order, and group_concat joins
# them in the order it receives them (SQLite 3.44's ORDER BY inside an aggregate is too new
# for the Pythons this runs on).
_BY_POSITION = "sqlite_autoindex_transfer_mechanisms_1"  # PRIMARY KEY (transfer_id, position)
# group_concat separator for free text (services): a control character no one types.
_SEP = "\x1f"


def _countries(stored: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in stored.split(",") if c)) if stored else ()


def _texts(stored: str | None) -> tuple[str, ...]:
    return tuple(stored.split(_SEP)) if stored else ()


def _categories(stored: str | None) -> tuple[str, ...]:
    return json_tuple(stored) if stored else ()


def _mechanism_list(stored: str | None) -> tuple[Mechanism, ...]:
    return tuple(MECHANISMS[m] for m in stored.split(",")) if stored else ()


# The exports' register table: {mechanisms}, each transfer's mechanisms in order joined by
# commas; {order}, name order (comparison key, entity id, transfer id).
LINES_TEMPLATE = """
    SELECT e.id, e.name, e.kind, e.lifecycle, e.exporter_regimes <> '',
        t.id, t.exporter_id, t.importer_role, t.destination, coalesce(t.regimes, ''),
        {mechanisms},
        d.id, d.title, d.signed_on, d.expires_on, d.next_review_on,
        coalesce(nullif(t.purpose, ''), t.service), t.data_categories
    FROM entities e
    LEFT JOIN transfers t ON t.importer_id = e.id AND t.archived_at IS NULL
    LEFT JOIN documents d ON d.id = (
        SELECT m.document_id FROM transfer_mechanisms m
        WHERE m.transfer_id = t.id AND m.document_id IS NOT NULL
        ORDER BY m.position LIMIT 1)
    WHERE e.archived_at IS NULL
    ORDER BY {order}
"""


@translated
class SqliteQueries:
    """The read models in SQLite's SQL; ``db.postgres.queries.PgQueries`` respells the
    statements below in PostgreSQL's and reads the rows the same way."""

    # Each transfer's mechanisms in order, "mechanism document" joined by commas.
    MECHANISM_USES_SQL = (
        "SELECT transfer_id, group_concat(mechanism || ' ' || coalesce(document_id, '')) "
        f"FROM transfer_mechanisms INDEXED BY {_BY_POSITION} GROUP BY transfer_id"
    )
    # Each importer's transfers' mechanisms joined by commas (any order).
    MECHANISMS_USED_SQL = (
        "SELECT t.importer_id, group_concat(coalesce(m.mechanism, '')) "
        "FROM transfers t LEFT JOIN transfer_mechanisms m ON m.transfer_id = t.id "
        "WHERE t.archived_at IS NULL{only} GROUP BY t.importer_id"
    )
    # Each entity's live locations' countries joined by commas, by location id.
    COUNTRIES_SQL = (
        "SELECT entity_id, group_concat(country) FROM locations INDEXED BY "
        "locations_entity WHERE archived_at IS NULL GROUP BY entity_id"
    )

    # The smallest of several values (SQLite's min of more than one argument).
    LEAST = "min"

    def __init__(self, session: Session) -> None:
        self._s = session
        self._in_ids = session.in_ids("", ":ids")

    # -- the rules' snapshot ---------------------------------------------------------------------

    def snapshot(self) -> RulesSnapshot:
        conn = self._s.conn
        kinds, lifecycles, regimes = KINDS, LIFECYCLES, regime_lists()
        day = days()
        # The earliest of its lifecycle dates and the day it was recorded (the stamp's date).
        entities = {
            i: EntityFacts(i, name, kinds[kind], lifecycles[life], regimes[own], day[since])
            for i, name, kind, life, own, since in conn.execute(
                f"SELECT id, name, kind, lifecycle, exporter_regimes, nullif({self.LEAST}("
                "coalesce(proposed_on, '9999'), coalesce(approved_on, '9999'), "
                "coalesce(active_on, '9999'), coalesce(substr(created_at, 1, 10), '9999')"
                "), '9999') FROM entities WHERE archived_at IS NULL ORDER BY id"
            )
        }

        parties: dict[int, list[int]] = defaultdict(list)
        for doc_id, entity_id in conn.execute(
            "SELECT document_id, entity_id FROM document_parties ORDER BY document_id, entity_id"
        ):
            parties[doc_id].append(entity_id)
        stamp = stamps()
        doc_kinds, statuses, derogations = DOC_KINDS, DOC_STATUS, _DEROGATIONS
        documents = {
            r[0]: DocumentFacts(
                r[0],
                doc_kinds[r[1]],
                r[2],
                r[3],
                day[r[4]],
                day[r[5]],
                day[r[6]],
                day[r[7]],
                derogations[r[8]],
                r[9],
                r[10] == 1,
                r[11] == 1,
                r[12] == 1,
                day[r[13]],
                statuses[r[14]],
                tuple(parties.get(r[0], ())),
                stamp[r[15]],
                r[16],
                r[17],
            )
            for r in conn.execute(
                "SELECT id, kind, title, scc_module, signed_on, effective_on, expires_on, "
                "next_review_on, derogation, justification, dpf_eu, dpf_uk_extension, "
                "dpf_swiss, checked_on, status, archived_at, supersedes_id, notice_period_days "
                "FROM documents ORDER BY id"
            )
        }
        del parties

        access, roles = ACCESS, ROLES
        mechanisms = self._mechanism_uses()
        none: tuple[MechanismUse, ...] = ()
        transfers = tuple(
            TransferFacts(
                r[0],
                r[1],
                r[2],
                r[3],
                access[r[4]],
                roles[r[5]],
                roles[r[6]],
                regimes[r[7]],
                r[8],
                day[r[9]],
                day[r[10]],
                mechanisms.get(r[0], none),
                None,
            )
            for r in conn.execute(
                "SELECT id, exporter_id, importer_id, destination, access, importer_role, "
                "exporter_role, regimes, parent_transfer_id, started_on, ended_on "
                "FROM transfers WHERE archived_at IS NULL ORDER BY id"
            )
        )
        del mechanisms

        tia_status = TIA_STATUS
        tias = tuple(
            AssessmentFacts(
                r[0],
                r[1],
                ids_of(r[2]),
                tia_status[r[3]],
                day[r[4]],
                day[r[5]],
                None,
                r[6],
                r[7],
                inputs_of(r[8]),
            )
            for r in conn.execute(
                "SELECT id, transfer_id, extra_transfer_ids, status, approved_on, "
                "next_review_on, series_id, revision, inputs FROM tias "
                "WHERE archived_at IS NULL ORDER BY id"
            )
        )
        return RulesSnapshot(
            entities=entities,
            transfers=transfers,
            documents=documents,
            tias=tias,
            located=self._located(),
            transfer_data=self._assessed_data(tias),
        )

    def _mechanism_uses(self) -> dict[int, tuple[MechanismUse, ...]]:
        """Every transfer's mechanisms in order, grouped by SQL (one string per transfer):
        fewer Python steps and objects than one row per mechanism."""
        out: dict[int, tuple[MechanismUse, ...]] = {}
        shared: dict[str, tuple[MechanismUse, ...]] = {}
        mechanisms = MECHANISMS
        for tid, stored in self._s.conn.execute(self.MECHANISM_USES_SQL):
            uses = shared.get(stored)
            if uses is None:
                items = []
                documents = False
                for item in stored.split(","):
                    mech, _, doc = item.partition(" ")
                    items.append(MechanismUse(mechanisms[mech], int(doc) if doc else None))
                    documents = documents or doc != ""
                uses = tuple(items)
                if not documents:  # the same uses without documents repeat on many transfers
                    shared[stored] = uses
            out[tid] = uses
        return out

    def _located(self) -> frozenset[int]:
        return frozenset(
            r[0]
            for r in self._s.conn.execute(
                "SELECT DISTINCT entity_id FROM locations WHERE archived_at IS NULL"
            )
        )

    def _assessed_data(self, tias: Sequence[AssessmentFacts]) -> dict[int, TransferData]:
        """The data carried by the live transfers that approved assessments with inputs
        cover (what the stale check compares), in one query."""
        covered = sorted(
            {
                i
                for x in tias
                if x.status is TiaStatus.APPROVED and x.inputs is not None
                for i in x.transfer_ids
            }
        )
        if not covered:
            return {}
        rows = self._s.conn.execute(
            "SELECT id, data_categories, data_subjects FROM transfers "
            f"WHERE archived_at IS NULL AND id{self._in_ids}",
            {"ids": self._s.ids_param(covered)},
        )
        return {i: TransferData(json_tuple(c), json_tuple(s)) for i, c, s in rows}

    # -- the register page -------------------------------------------------------------------------

    # One row per live entity with its countries and the services it receives: correlated
    # subqueries on the indexes; sorted by SQLite's sorter for the whole register ("+" keeps it
    # off the name index, whose walk would fetch each entity at random), by that index for the
    # first rows only.
    ROWS_SQL = f"""
        SELECT e.id, e.name, e.legal_name, e.kind, e.lifecycle, e.exporter_regimes <> '',
            (SELECT group_concat(country) FROM locations l INDEXED BY locations_entity
                WHERE l.entity_id = e.id AND l.archived_at IS NULL),
            (SELECT group_concat(service, '{_SEP}') FROM transfers t
                INDEXED BY transfers_importer
                WHERE t.importer_id = e.id AND t.archived_at IS NULL AND t.service <> '')
        FROM entities e WHERE e.archived_at IS NULL
    """

    ROWS_ORDER = " ORDER BY +e.name_key, e.id"
    FIRST_ROWS_ORDER = " ORDER BY e.name_key, e.id LIMIT ?"

    def register_rows(self, limit: int | None = None) -> builtins.list[EntityRow]:
        if limit is None:
            rows = self._s.conn.execute(self.ROWS_SQL + self.ROWS_ORDER)
        else:
            rows = self._s.conn.execute(self.ROWS_SQL + self.FIRST_ROWS_ORDER, (limit,))
        countries = Decoded(_countries)
        services = Decoded(_texts)
        kinds, lifecycles = KINDS, LIFECYCLES
        return [
            EntityRow(
                i,
                name,
                legal,
                kinds[kind],
                own == 1,
                lifecycles[life],
                countries[cs],
                services[ss],
            )
            for i, name, legal, kind, life, own, cs, ss in rows
        ]

    def mechanisms_used(self, entity_ids: Sequence[int] | None = None) -> dict[int, MechanismsUsed]:
        only = ""
        params: dict[str, Any] = {}
        if entity_ids is not None:
            only = f" AND t.importer_id{self._in_ids}"
            params["ids"] = self._s.ids_param(entity_ids)
        # One string per importer: its transfers' mechanisms (repeats possible; "" for a
        # transfer recording none), read into a dict by dict() itself, then each distinct
        # string decoded once (DISTINCT in SQL costs more than the repeats).
        stored = dict(self._s.conn.execute(self.MECHANISMS_USED_SQL.format(only=only), params))
        shared: dict[MechanismsUsed, MechanismsUsed] = {}  # the same sets in another order

        def decode(text: str) -> MechanismsUsed:
            items = text.split(",")
            found = MechanismsUsed(frozenset(MECHANISMS[m] for m in items if m), "" in items)
            return shared.setdefault(found, found)

        decoded = Decoded(decode)
        return {entity_id: decoded[text] for entity_id, text in stored.items()}

    # -- the exports -----------------------------------------------------------------------------

    # One row per live entity and each live transfer it receives, with the transfer's
    # mechanisms and its safeguard document: one pass in SQLite on the indexes, sorted by its
    # sorter ("+" keeps it off the name index, whose walk would fetch each entity at random),
    # so rows are decoded as they stream in. Countries come grouped in a query of their own and
    # the exporters (a handful of entities) in another: cheaper than a subquery and a join
    # on each of 100,000 rows.
    LINES_SQL = LINES_TEMPLATE.format(
        mechanisms="(SELECT group_concat(mechanism) FROM transfer_mechanisms m "
        f"INDEXED BY {_BY_POSITION} WHERE m.transfer_id = t.id)",
        order="+e.name_key, e.id, t.id",
    )

    def register_lines(self) -> builtins.list[EntityTransferLine]:
        conn = self._s.conn
        regimes, day = regime_lists(), days()
        countries = Decoded(_countries)
        countries_of = dict(conn.execute(self.COUNTRIES_SQL))
        exporters = {
            i: (name, archived == 1, regimes[own])
            for i, name, archived, own in conn.execute(
                "SELECT id, name, archived_at IS NOT NULL, exporter_regimes FROM entities "
                "WHERE id IN (SELECT exporter_id FROM transfers WHERE archived_at IS NULL)"
            )
        }
        no_exporter: tuple[str | None, bool, tuple[Regime, ...]] = (None, False, ())
        mechanisms = Decoded(_mechanism_list)
        data_categories = Decoded(_categories)
        kinds, lifecycles, roles = KINDS, LIFECYCLES, _ROLES
        out: builtins.list[EntityTransferLine] = []
        append = out.append
        for (
            entity_id, name, kind, lifecycle, own,
            transfer_id, exporter_id, role, destination, transfer_regimes, stored_mechanisms,
            doc_id, title, signed_on, expires_on, review_on, purpose, categories,
        ) in conn.execute(self.LINES_SQL):  # fmt: skip
            exporter, exporter_archived, exporter_regimes = exporters.get(exporter_id, no_exporter)
            append(
                EntityTransferLine(
                    entity_id,
                    name,
                    kinds[kind],
                    lifecycles[lifecycle],
                    own == 1,
                    countries[countries_of.get(entity_id)],
                    transfer_id,
                    exporter_id,
                    exporter,
                    exporter_archived,
                    exporter_regimes,
                    roles[role],
                    destination,
                    regimes[transfer_regimes],
                    mechanisms[stored_mechanisms],
                    doc_id,
                    title,
                    day[signed_on],
                    day[expires_on],
                    day[review_on],
                    purpose or "",
                    data_categories[categories],
                )
            )
        return out

    def assessment_heads(self) -> builtins.list[AssessmentHead]:
        tia_status, day = TIA_STATUS, days()
        return [
            AssessmentHead(i, t, ids_of(extra), series, revision, tia_status[st], day[a], day[n])
            for i, t, extra, series, revision, st, a, n in self._s.conn.execute(
                "SELECT id, transfer_id, extra_transfer_ids, series_id, revision, status, "
                "approved_on, next_review_on FROM tias WHERE archived_at IS NULL ORDER BY id"
            )
        ]

    def counts(self) -> Counts:
        live = "(SELECT count(*) FROM {} WHERE archived_at IS NULL)"
        row = self._s.conn.execute(
            "SELECT "
            + ", ".join(
                live.format(t) for t in ("entities", "locations", "transfers", "documents", "tias")
            )
            + ", (SELECT count(*) FROM audit)"
        ).fetchone()
        return Counts(*row)

    def entities_with_locations(self) -> frozenset[int]:
        return self._located()
