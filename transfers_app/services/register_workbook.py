"""The XLSX workbook's sheets beyond the register table: one per table of the register
(entities, locations, transfers, documents, assessments), with typed dates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from transfers_app.domain import formatting as fmt
from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import TiaState, TiaStatus
from transfers_app.domain.models import Document, Entity, Location, Tia, Transfer
from transfers_app.ports.storage import Store
from transfers_app.reports.table import Column, ColumnKind, ExportTable
from transfers_app.services.register_export import (
    NO_GAPS,
    RegisterData,
    RegisterLine,
    register_table,
)

_T, _D, _N = ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.NUMBER


def _kind(e: Entity) -> str:
    return fmt.OWN_KIND_LABEL if e.is_own else fmt.ENTITY_KIND_LABELS[e.kind]


def _names(entities: Iterable[Entity]) -> dict[int, str]:
    return {e.id: e.name for e in entities if e.id is not None}


def _updated(obj: Entity | Location | Transfer | Document | Tia) -> date | None:
    return obj.updated_at.date() if obj.updated_at else None


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


@dataclass(frozen=True, slots=True)
class RegisterTables:
    """Every live record of the register, in full (for the per-table XLSX sheets)."""

    entities: Sequence[Entity]
    locations: Sequence[Location]
    transfers: Sequence[Transfer]
    documents: Sequence[Document]
    tias: Sequence[Tia]


def read_tables(store: Store) -> RegisterTables:
    return RegisterTables(
        sorted(store.entities.list(), key=lambda e: e.id or 0),
        sorted(store.entities.locations(), key=lambda x: x.id or 0),
        store.transfers.list(),
        store.documents.list(),
        store.assessments.list(),
    )


def workbook_tables(
    data: RegisterData, lines: Sequence[RegisterLine], tables: RegisterTables
) -> list[ExportTable]:
    """The XLSX sheets: the register table, then one sheet per table of the register."""
    names = _names(tables.entities)
    worst: dict[int, str] = {}
    gaps_of_transfer: dict[int, int] = defaultdict(int)
    for g in data.report.gaps:
        if g.entity_id is not None and g.entity_id not in worst:
            worst[g.entity_id] = fmt.SEVERITY_LABELS[g.severity]
        if g.transfer_id is not None:
            gaps_of_transfer[g.transfer_id] += 1
    # What the register table says of each transfer (the status engine's), so the sheets agree
    # with it: the status, the regimes it was judged under (or would be: its exporter's), the
    # assessment and where the transfer stands with it.
    on_line = {line.transfer_id: line for line in lines if line.transfer_id is not None}
    exporter_regimes = {e.id: e.exporter_regimes for e in tables.entities}
    report = data.report
    overdue = report.overdue_assessments()
    countries = {line.entity_id: line.countries for line in lines}
    transfers = {t.id: t for t in tables.transfers}

    def name(i: int | None) -> str:
        if i is None:
            return ""
        return names.get(i, f"(archived entity {i})")

    def judged(t: Transfer) -> tuple[str, str, str, str]:
        """(regimes, status, assessment, assessment status) of a transfer."""
        line = on_line.get(t.id or -1)
        if line is not None:
            return line.regimes, line.status, line.tia, line.tia_status
        regimes = t.regimes or exporter_regimes.get(t.exporter_id, ())
        return ", ".join(r.value for r in regimes), "", "", ""

    def state(x: Tia) -> str:
        """Where an assessment stands on the register date, as the status report says."""
        if x.status is not TiaStatus.APPROVED:
            return fmt.TIA_STATUS_LABELS[x.status]
        if x.approved_on is not None and x.approved_on > data.on:
            return "approved after the register date"
        # In the order ``StatusReport.tia_state`` weighs them: an overdue review first.
        if x.id in overdue:
            return fmt.TIA_STATE_LABELS[TiaState.REVIEW_OVERDUE]
        if x.id in report.stale_assessments:
            return fmt.TIA_STATE_LABELS[TiaState.STALE]
        return fmt.TIA_STATE_LABELS[TiaState.APPROVED]

    entities = ExportTable(
        "Entities",
        (
            Column("ID", _N, 7), Column("Name", _T, 34), Column("Legal name", _T, 34),
            Column("Kind", _T, 14), Column("Lifecycle", _T, 11),
            Column("Exporter regimes", _T, 10), Column("Parent", _T, 28),
            Column("Countries", _T, 12), Column("Worst gap", _T, 10),
            Column("Registration number", _T, 16), Column("Address", _T, 30),
            Column("Contact name", _T, 20), Column("Contact email", _T, 26),
            Column("Website", _T, 26), Column("Owner", _T, 16), Column("Proposed", _D, 11),
            Column("Approved", _D, 11), Column("Active", _D, 11), Column("Offboarded", _D, 11),
            Column("Notes", _T, 40), Column("Last changed", _D, 11),
        ),
        [
            (
                e.id, e.name, e.legal_name, _kind(e), fmt.LIFECYCLE_LABELS[e.lifecycle],
                ", ".join(r.value for r in e.exporter_regimes), name(e.parent_id),
                countries.get(e.id or -1, ""), worst.get(e.id or -1, NO_GAPS),
                e.registration_number, e.address, e.contact_name, e.contact_email, e.website,
                e.owner, e.proposed_on, e.approved_on, e.active_on, e.offboarded_on, e.notes,
                _updated(e),
            )
            for e in tables.entities
        ],
    )  # fmt: skip
    locations = ExportTable(
        "Locations",
        (
            Column("ID", _N, 7), Column("Entity ID", _N, 9), Column("Entity", _T, 34),
            Column("Country code", _T, 8), Column("Country", _T, 24), Column("Activity", _T, 22),
            Column("City", _T, 20),
        ),
        [
            (
                x.id, x.entity_id, name(x.entity_id), x.country, country_name(x.country),
                fmt.ACTIVITY_LABELS[x.activity], x.city,
            )
            for x in tables.locations
        ],
    )  # fmt: skip
    transfer_sheet = ExportTable(
        "Transfers",
        (
            Column("ID", _N, 7), Column("Exporter ID", _N, 9), Column("Exporter", _T, 28),
            Column("Importer ID", _N, 9), Column("Importer", _T, 28),
            Column("Destination code", _T, 8), Column("Destination", _T, 22),
            Column("Access", _T, 14), Column("Exporter role", _T, 12),
            Column("Importer role", _T, 12), Column("Regimes", _T, 9),
            Column("Service", _T, 26), Column("Purpose", _T, 30),
            Column("Data categories", _T, 30), Column("Data subjects", _T, 30),
            Column("Special category data", _T, 8), Column("Criminal data", _T, 8),
            Column("Frequency", _T, 11), Column("Volume", _T, 9),
            Column("Upstream transfer", _N, 9), Column("Mechanisms", _T, 26),
            Column("Safeguard document IDs", _T, 12), Column("Started", _D, 11),
            Column("Ended", _D, 11), Column("Status", _T, 10), Column("Gaps", _N, 6),
            Column("Assessment", _T, 14), Column("Assessment status", _T, 14),
            Column("Notes", _T, 40), Column("Last changed", _D, 11),
        ),
        [
            (
                t.id, t.exporter_id, name(t.exporter_id), t.importer_id, name(t.importer_id),
                t.destination, country_name(t.destination), fmt.ACCESS_LABELS[t.access],
                fmt.ROLE_LABELS[t.exporter_role], fmt.ROLE_LABELS[t.importer_role],
                (j := judged(t))[0], t.service, t.purpose,
                "; ".join(t.data_categories), "; ".join(t.data_subjects),
                _yes(t.special_category), _yes(t.criminal_data), fmt.FREQUENCY_LABELS[t.frequency],
                t.volume.value if t.volume else "", t.parent_transfer_id,
                "; ".join(fmt.MECHANISM_LABELS.get(u.mechanism, u.mechanism) for u in t.mechanisms)
                or fmt.MECHANISM_LABELS[fmt.NO_MECHANISM],
                ", ".join(str(u.document_id) for u in t.mechanisms if u.document_id is not None),
                t.started_on, t.ended_on, j[1], gaps_of_transfer.get(t.id or -1, 0), j[2], j[3],
                t.notes, _updated(t),
            )
            for t in tables.transfers
        ],
    )  # fmt: skip
    documents = ExportTable(
        "Documents",
        (
            Column("ID", _N, 7), Column("Title", _T, 36), Column("Kind", _T, 24),
            Column("Parties", _T, 36), Column("Version", _N, 8), Column("Status", _T, 10),
            Column("Series", _N, 7), Column("Supersedes", _N, 9),
            Column("Instrument version", _T, 12), Column("SCC module", _N, 8),
            Column("Signed", _D, 11), Column("Effective", _D, 11), Column("Expires", _D, 11),
            Column("Notice period (days)", _N, 9), Column("Review cycle (months)", _N, 9),
            Column("Next review", _D, 11), Column("Last reviewed", _D, 11),
            Column("Derogation", _T, 12), Column("Justification", _T, 36),
            Column("DPF (EU)", _T, 7), Column("DPF UK Extension", _T, 7),
            Column("DPF Swiss", _T, 7), Column("DPF checked", _D, 11),
            Column("File name", _T, 26), Column("File SHA-256", _T, 20), Column("Notes", _T, 40),
            Column("Last changed", _D, 11),
        ),
        [
            (
                d.id, d.title, fmt.DOCUMENT_KIND_LABELS[d.kind],
                "; ".join(name(p) for p in d.party_ids), d.doc_version,
                d.status.value.capitalize(), d.series_id, d.supersedes_id,
                d.instrument_version, d.scc_module, d.signed_on, d.effective_on, d.expires_on,
                d.notice_period_days, d.review_cycle_months, d.next_review_on,
                d.last_reviewed_on, d.derogation.value if d.derogation else "", d.justification,
                _yes(d.dpf_eu), _yes(d.dpf_uk_extension), _yes(d.dpf_swiss), d.checked_on,
                d.file_name, d.file_sha256 or "", d.notes, _updated(d),
            )
            for d in tables.documents
        ],
    )  # fmt: skip

    def covered(t: Tia) -> tuple[str, str, str]:
        tr = transfers.get(t.transfer_id)
        if tr is None:
            return "", "", ""
        return name(tr.exporter_id), name(tr.importer_id), country_name(tr.destination)

    assessments = ExportTable(
        "Assessments",
        (
            Column("ID", _N, 7), Column("Reference", _T, 14), Column("Title", _T, 30),
            Column("Transfer ID", _N, 9), Column("Exporter", _T, 28), Column("Importer", _T, 28),
            Column("Destination", _T, 20), Column("Also covers transfers", _T, 12),
            Column("Status", _T, 10), Column("On the register date", _T, 14),
            Column("Revision", _N, 8), Column("Regimes", _T, 9),
            Column("Assessor", _T, 20), Column("Approver", _T, 20), Column("Approved", _D, 11),
            Column("Next review", _D, 11), Column("Review cycle (months)", _N, 9),
            Column("Change note", _T, 36), Column("Last changed", _D, 11),
        ),
        [
            (
                t.id, t.reference, t.title, t.transfer_id, *covered(t),
                ", ".join(str(i) for i in t.extra_transfer_ids), fmt.TIA_STATUS_LABELS[t.status],
                state(t), t.revision, ", ".join(r.value for r in t.regimes), t.assessor, t.approver,
                t.approved_on, t.next_review_on, t.review_cycle_months, t.change_note,
                _updated(t),
            )
            for t in tables.tias
        ],
    )  # fmt: skip
    return [register_table(lines), entities, locations, transfer_sheet, documents, assessments]
