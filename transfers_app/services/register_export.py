"""The register's exports: every row, word and figure decided here; ``exports`` only writes files.

Four formats (``transfers-app export register --format pdf|csv|xlsx|json``):

- **CSV**: the register table, one line per entity and transfer it receives (below).
- **XLSX**: the same register table, then one sheet per table of the register (entities,
  locations, transfers, documents, assessments), with typed dates.
- **PDF**: landscape; a summary (totals, transfers by destination and by mechanism), then the
  register table.
- **JSON**: the whole register, lossless (``docs/register-json.md``); ``import_register_json``
  loads such a file into an empty register.

The register line. The natural unit of the register is a transfer, and the person asking "what
do we send to X, on what basis, and what is missing?" starts from the recipient: so there is one
line per live entity and each live transfer it *receives* (the entity is the importer). Our own
exporting entities appear on the lines of the transfers they receive (intra-group) or, like any
entity that receives nothing, on one line with the transfer columns empty. Transfers whose
importer is archived are not listed (the status report names them as a gap). Lines are in the
register page's name order (accents, case and legal forms ignored), then by transfer id.

Columns, from one read of the register (``RegisterPort.register_lines``) and the shared status
report (the one the dashboard and the register page use, so the figures agree with the app):

- entity id, name, kind ("Our entity" for ours), lifecycle, countries (processing locations);
- transfer id, exporter, importer's role, destination, regimes assessed (the transfer's own, or
  its exporter's), mechanisms (primary first, then fallbacks);
- safeguard document: the document of the first mechanism that has one, with its signature,
  expiry and next review dates;
- assessment: the newest non-superseded TIA covering the transfer (reference, status, next
  review);
- status: the worst open gap of the transfer and of the entity itself ("No gaps" when the
  transfer was assessed and nothing is missing; "Not live" when the transfer is not live on the
  date or its importer is proposed or offboarded, which the rules do not assess), the number of
  gaps and the worst one's message;
- next due: the earliest of the safeguard's expiry and review, the assessment's next review and
  the due date of any gap on the line (a date before the register date is overdue).

A cancelled export (``progress`` raising ``ExportCancelled``) or a failed one leaves no file
behind: every writer writes a temporary file in the target's folder and renames it at the end.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from transfers_app import __version__
from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import (
    Severity,
    TiaStatus,
)
from transfers_app.domain.formatting import (
    ACCESS_LABELS,
    ACTIVITY_LABELS,
    DOCUMENT_KIND_LABELS,
    ENTITY_KIND_LABELS,
    FREQUENCY_LABELS,
    LIFECYCLE_LABELS,
    MECHANISM_LABELS,
    NO_MECHANISM,
    OWN_KIND_LABEL,
    ROLE_LABELS,
    SEVERITY_LABELS,
    TIA_STATUS_LABELS,
    country_label,
    day,
)
from transfers_app.domain.models import (
    Document,
    Entity,
    Location,
    Tia,
    Transfer,
)
from transfers_app.domain.validation import problems
from transfers_app.errors import RegisterFileError, TransfersError, ValidationError
from transfers_app.ports import RegisterRecords
from transfers_app.ports.files import FileAdapters, RegisterFile, RegisterFileCodec
from transfers_app.reports.document import (
    BarChart,
    Fields,
    Para,
    ReportDocument,
    Section,
    Table,
    Tone,
)
from transfers_app.reports.table import Cell, Column, ColumnKind, ExportTable
from transfers_app.rules.gaps import Gap, GapCode
from transfers_app.services.register import RegisterService, StatusReport

Progress = Callable[[int, int], None]


class ExportFormat(StrEnum):
    PDF = "pdf"
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"

    @classmethod
    def for_path(cls, path: Path) -> ExportFormat | None:
        """The format a file name asks for by its extension, if any."""
        try:
            return cls(path.suffix.lower().lstrip("."))
        except ValueError:
            return None


class ExportCancelled(TransfersError):
    """Raised from a ``progress`` callback to stop an export; no file is left behind."""

    def __init__(self) -> None:
        super().__init__("the export was cancelled; no file was written")


# -- the register line ---------------------------------------------------------------------------


class RegisterLine(NamedTuple):
    """One line of the register table (a tuple: 100,000 of them stay light)."""

    entity_id: int
    entity: str
    kind: str
    lifecycle: str
    countries: str
    transfer_id: int | None
    exporter: str
    importer_role: str
    destination: str
    regimes: str
    mechanisms: str
    safeguard: str
    signed_on: date | None
    expires_on: date | None
    review_on: date | None
    tia: str
    tia_status: str
    tia_review_on: date | None
    status: str
    gaps: int
    worst_gap: str
    next_due: date | None
    # Not exported: the worst severity, for flagging rows (None: no gap on the line), and
    # the destination's code (for the PDF's narrow column).
    severity: Severity | None = None
    destination_code: str = ""


_T, _D, _N = ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.NUMBER
LINE_COLUMNS: tuple[Column, ...] = (
    Column("Entity ID", _N, 9),
    Column("Entity", _T, 34),
    Column("Kind", _T, 14),
    Column("Lifecycle", _T, 11),
    Column("Countries", _T, 12),
    Column("Transfer ID", _N, 10),
    Column("Exporter", _T, 28),
    Column("Importer role", _T, 13),
    Column("Destination", _T, 22),
    Column("Regimes", _T, 9),
    Column("Mechanisms", _T, 26),
    Column("Safeguard document", _T, 34),
    Column("Signed", _D, 11),
    Column("Expires", _D, 11),
    Column("Document review", _D, 11),
    Column("TIA", _T, 14),
    Column("TIA status", _T, 11),
    Column("TIA review", _D, 11),
    Column("Status", _T, 10),
    Column("Gaps", _N, 6),
    Column("Worst gap", _T, 60),
    Column("Next due", _D, 11),
)
# The exported part of a line: every field but the last two.
LINE_WIDTH = len(LINE_COLUMNS)
assert len(RegisterLine._fields) == LINE_WIDTH + 2

NO_GAPS = "No gaps"
NOT_LIVE = "Not live"


@dataclass(frozen=True, slots=True)
class RegisterData:
    """What every table export reads: the register table as stored (one read) and the status
    on ``on``."""

    on: date
    rows: Sequence[tuple[Any, ...]]  # ``RegisterPort.register_lines()``
    assessments: Sequence[tuple[Any, ...]]  # ``RegisterPort.assessment_heads()``
    report: StatusReport
    reference_version: str = ""


def gather(service: RegisterService, on: date, report: StatusReport | None = None) -> RegisterData:
    """Read the register once. ``report`` is the status the caller already holds (the app's
    shared one); without it the status is computed (or taken from the service's cache)."""
    if report is None or report.on != on:
        report = service.status(on)
    repo = service.repo
    return RegisterData(
        on, repo.register_lines(), repo.assessment_heads(), report, service.ref.version
    )


def _kind(e: Entity) -> str:
    return OWN_KIND_LABEL if e.is_own else ENTITY_KIND_LABELS[e.kind]


class _Assessment(NamedTuple):
    reference: str
    status: str
    next_review_on: date | None


def _latest_assessments(heads: Iterable[tuple[Any, ...]]) -> dict[int, _Assessment]:
    """For each transfer, the newest assessment that covers it and is not superseded (or the
    newest superseded one if that is all there is), from ``RegisterPort.assessment_heads``."""
    best: dict[int, tuple[tuple[bool, str, int, int], tuple[Any, ...]]] = {}
    for head in heads:
        tia_id, transfer_id, extra, _series, revision, status, approved_on, _review = head
        rank = (status != TiaStatus.SUPERSEDED, approved_on or "", revision, tia_id)
        covered = (
            [transfer_id, *(int(x) for x in extra.split(",") if x)] if extra else [transfer_id]
        )
        for tid in covered:
            cur = best.get(tid)
            if cur is None or rank > cur[0]:
                best[tid] = (rank, head)
    out: dict[int, _Assessment] = {}
    for tid, (_, (tia_id, _t, _e, series, revision, status, _a, review)) in best.items():
        reference = Tia(0, id=tia_id, series_id=series, revision=revision).reference
        out[tid] = _Assessment(reference, TIA_STATUS_LABELS[TiaStatus(status)], _iso_date(review))
    return out


class _Cache(dict[Any, Any]):
    """Texts made once per distinct stored value (registers repeat them a lot)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._make(key)
        return value


def _regimes_text(stored: str) -> str:
    return ", ".join(r for r in stored.split(",") if r)


def _countries_text(stored: str | None) -> str:
    return ", ".join(dict.fromkeys(c for c in (stored or "").split(",") if c))


def _mechanisms_text(stored: str | None) -> str:
    keys = [k for k in (stored or "").split(";") if k] or [NO_MECHANISM]
    return "; ".join(MECHANISM_LABELS.get(k, k) for k in keys)


def _iso_date(stored: str | None) -> date | None:
    return date.fromisoformat(stored) if stored else None


_REGIME_OF = attrgetter("assessment.regime")
_new_line = tuple.__new__  # RegisterLine's own __new__ is a Python call per line
_KIND_TEXT = {k.value: label for k, label in ENTITY_KIND_LABELS.items()}
_LIFECYCLE_TEXT = {k.value: label for k, label in LIFECYCLE_LABELS.items()}
_ROLE_TEXT = {k.value: label for k, label in ROLE_LABELS.items()}


def register_lines(data: RegisterData) -> list[RegisterLine]:
    """The register table: one line per live entity and each live transfer it receives.

    Written for 100,000 entities: the rows come as stored values, every repeated text
    (countries, mechanisms, regimes, destinations, dates) is made once, and the report's gaps,
    already worst first, are never sorted again.
    """
    report = data.report
    gaps_of_transfer: dict[int | None, list[Gap]] = defaultdict(list)
    gaps_of_entity: dict[int | None, list[Gap]] = defaultdict(list)
    for g in report.gaps:  # worst first, so each list is too
        if g.transfer_id is not None:
            gaps_of_transfer[g.transfer_id].append(g)
        elif g.entity_id is not None:
            gaps_of_entity[g.entity_id].append(g)
    regime_text: dict[tuple[Any, ...], str] = {}
    regimes_of: dict[int | None, str] = {}
    for st in report.statuses:
        key = tuple(map(_REGIME_OF, st.results))
        found = regime_text.get(key)
        if found is None:
            found = regime_text[key] = ", ".join(dict.fromkeys(key))
        regimes_of[st.transfer.id] = found
    tias = _latest_assessments(data.assessments)
    countries_text = _Cache(_countries_text)
    mechanisms_text = _Cache(_mechanisms_text)
    regimes_text = _Cache(_regimes_text)
    dest_text = _Cache(country_label)
    dates = _Cache(_iso_date)
    dates[None] = None
    no_gaps: list[Gap] = []

    lines: list[RegisterLine] = []
    add = lines.append
    for (
        eid, name, kind, lifecycle, own_regimes, countries,
        tid, exporter_id, exporter, exporter_archived, exporter_regimes,
        role, destination, regimes, mechanisms,
        _doc_id, title, signed, expires, review, _key,
    ) in data.rows:  # fmt: skip
        kind_text = OWN_KIND_LABEL if own_regimes else _KIND_TEXT[kind]
        lifecycle_text = _LIFECYCLE_TEXT[lifecycle]
        countries = countries_text[countries]
        own_gaps = gaps_of_entity.get(eid, no_gaps)
        if tid is None:
            sev: Severity | None = own_gaps[0].severity if own_gaps else None
            add(
                _new_line(
                    RegisterLine,
                    (
                        eid, name, kind_text, lifecycle_text, countries,
                        None, "", "", "", "", "", "", None, None, None, "", "", None,
                        SEVERITY_LABELS[sev] if sev else NO_GAPS,
                        len(own_gaps),
                        own_gaps[0].message if own_gaps else "",
                        min((g.due_on for g in own_gaps if g.due_on), default=None),
                        sev,
                        "",
                    ),
                )
            )  # fmt: skip
            continue
        if exporter is None:
            exporter = f"(entity {exporter_id})"
        elif exporter_archived:
            exporter = f"{exporter} (archived)"
        assessed = regimes_of.get(tid)
        regimes_shown = assessed or regimes_text[regimes or exporter_regimes or ""]
        tia = tias.get(tid)
        line_gaps = gaps_of_transfer.get(tid, no_gaps)
        if own_gaps:
            line_gaps = sorted([*line_gaps, *own_gaps], key=lambda g: g.severity.rank)
        if line_gaps:
            sev = line_gaps[0].severity
            status = SEVERITY_LABELS[sev]
            dues = [g.due_on for g in line_gaps if g.due_on]
        else:
            sev, status, dues = None, NO_GAPS if assessed else NOT_LIVE, []
        signed_on, expires_on, review_on = dates[signed], dates[expires], dates[review]
        if expires_on:
            dues.append(expires_on)
        if review_on:
            dues.append(review_on)
        if tia is not None and tia.next_review_on:
            dues.append(tia.next_review_on)
        add(
            _new_line(
                RegisterLine,
                (
                    eid, name, kind_text, lifecycle_text, countries,
                    tid, exporter, _ROLE_TEXT[role], dest_text[destination], regimes_shown,
                    mechanisms_text[mechanisms],
                    title or "", signed_on, expires_on, review_on,
                    tia.reference if tia else "",
                    tia.status if tia else "",
                    tia.next_review_on if tia else None,
                    status,
                    len(line_gaps),
                    line_gaps[0].message if line_gaps else "",
                    min(dues) if dues else None,
                    sev,
                    destination,
                ),
            )
        )  # fmt: skip
    return lines


def register_table(lines: Sequence[RegisterLine]) -> ExportTable:
    """The register lines as a table (the CSV file, the XLSX "Register" sheet)."""
    return ExportTable("Register", LINE_COLUMNS, _ExportedLines(lines))


class _ExportedLines(Sequence[Sequence[Cell]]):
    """The lines without their trailing severity, without copying 100,000 tuples."""

    def __init__(self, lines: Sequence[RegisterLine]) -> None:
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [line[:LINE_WIDTH] for line in self._lines[i]]
        return self._lines[i][:LINE_WIDTH]

    def __iter__(self) -> Any:
        for line in self._lines:
            yield line[:LINE_WIDTH]


# -- the summary and the PDF -------------------------------------------------------------------

TOP_DESTINATIONS = 12


@dataclass(frozen=True, slots=True)
class RegisterSummary:
    on: date
    entities: int
    own_entities: int
    transfers: int  # live (not archived) transfers on the register
    assessed: int  # of which live on the date and assessed
    compliant: int
    with_gaps: int
    not_assessed: int
    gaps_by_severity: tuple[tuple[Severity, int], ...]
    tias_missing: int
    overdue_lines: int  # transfers (lines) with something due before the date
    by_destination: tuple[tuple[str, int], ...]
    by_mechanism: tuple[tuple[str, int], ...]


def summarize(data: RegisterData, lines: Sequence[RegisterLine]) -> RegisterSummary:
    report = data.report
    by_country: dict[str, int] = defaultdict(int)
    by_mech: dict[str, int] = defaultdict(int)
    for s in report.statuses:
        t = s.transfer
        by_country[t.destination] += 1
        by_mech[t.mechanisms[0].mechanism.value if t.mechanisms else NO_MECHANISM] += 1
    countries = sorted(by_country.items(), key=lambda kv: (-kv[1], country_label(kv[0])))
    bars = [(country_label(k), v) for k, v in countries]
    if len(bars) > TOP_DESTINATIONS + 1:  # "Other (1 country)" would hide a bar for nothing
        rest = bars[TOP_DESTINATIONS:]
        other = (f"Other ({len(rest)} countries)", sum(v for _, v in rest))
        bars = [*bars[:TOP_DESTINATIONS], other]
    mechs = sorted(
        by_mech.items(),
        key=lambda kv: (kv[0] == NO_MECHANISM, -kv[1], MECHANISM_LABELS.get(kv[0], kv[0])),
    )
    live_transfers = sum(1 for line in lines if line.transfer_id is not None)
    on = data.on
    return RegisterSummary(
        on=data.on,
        entities=len({line.entity_id for line in lines}),
        own_entities=len({line.entity_id for line in lines if line.kind == OWN_KIND_LABEL}),
        transfers=live_transfers,
        assessed=report.transfers_assessed,
        compliant=report.compliant_transfers,
        with_gaps=report.transfers_assessed - report.compliant_transfers,
        not_assessed=sum(1 for line in lines if line.status == NOT_LIVE),
        gaps_by_severity=tuple((s, report.count(s)) for s in Severity),
        tias_missing=sum(1 for g in report.gaps if g.code is GapCode.TIA_MISSING),
        overdue_lines=sum(
            1
            for line in lines
            if line.transfer_id is not None and line.next_due is not None and line.next_due < on
        ),
        by_destination=tuple(bars),
        by_mechanism=tuple((MECHANISM_LABELS.get(k, k), v) for k, v in mechs),
    )


PDF_HEADERS = (
    "Entity",
    "Kind",
    "Countries",
    "Exporter",
    "To",
    "Regimes",
    "Mechanisms",
    "Safeguard document",
    "Expires",
    "TIA",
    "Status",
    "Worst gap",
    "Next due",
)
# Wide enough that no word of a cell is broken ("Group company", "Critical", "TIA-0012-v3").
PDF_WIDTHS = (11.0, 9.0, 5.0, 9.0, 3.2, 5.2, 8.0, 11.0, 7.5, 8.5, 6.5, 17.0, 7.5)
# One line a row: room for a name, a date with "overdue", a TIA reference and its status.
PDF_WIDTHS_COMPACT = (14.0, 8.0, 5.0, 9.0, 3.4, 4.6, 8.5, 11.0, 6.0, 10.5, 6.5, 13.5, 10.0)


def _pdf_row(line: RegisterLine, on: date) -> tuple[str, ...]:
    """A register line as printed: short cells (most fit on a line or two), the CSV and XLSX
    carry every date and the destination's name."""
    tia = f"{line.tia}\n{line.tia_status}" if line.tia else ""
    status = line.status + (f"\n{line.gaps} gaps" if line.gaps > 1 else "")
    due = ""
    if line.next_due is not None:
        due = day(line.next_due) + ("\noverdue" if line.next_due < on else "")
    return (
        line.entity,
        f"{line.kind}\n{line.lifecycle}",
        line.countries,
        line.exporter,
        line.destination_code,
        line.regimes,
        line.mechanisms,
        line.safeguard,
        day(line.expires_on, ""),
        tia,
        status,
        line.worst_gap,
        due,
    )


# Above this many lines the PDF table prints one line per row.
COMPACT_FROM = 500


def register_report(
    data: RegisterData,
    lines: Sequence[RegisterLine] | None = None,
    *,
    generated_on: date | None = None,
    author: str = "",
) -> ReportDocument:
    """The register as a report document (landscape): a summary, then the full table."""
    if lines is None:
        lines = register_lines(data)
    s = summarize(data, lines)
    on = data.on
    own = sorted({line.entity for line in lines if line.kind == OWN_KIND_LABEL})
    organisation = ", ".join(own) or "No exporting entity recorded"
    severities = {sev: n for sev, n in s.gaps_by_severity}
    totals = Fields(
        (
            ("Entities", f"{s.entities:,} ({s.own_entities:,} of them ours)"),
            ("Transfers on the register", f"{s.transfers:,}"),
            ("Assessed (live on the date)", f"{s.assessed:,}"),
            ("Compliant (no gap)", f"{s.compliant:,}"),
            ("With gaps", f"{s.with_gaps:,}"),
            ("Not live (not assessed)", f"{s.not_assessed:,}"),
            (
                "Gaps by severity",
                ", ".join(f"{sev.value} {severities[sev]:,}" for sev in Severity),
            ),
            ("Transfer assessments missing", f"{s.tias_missing:,}"),
            ("Transfers with something overdue", f"{s.overdue_lines:,}"),
        )
    )
    flagged = tuple(
        i for i, line in enumerate(lines) if line.severity in (Severity.CRITICAL, Severity.HIGH)
    )
    table = Table(
        headers=PDF_HEADERS,
        rows=tuple(_pdf_row(line, on) for line in lines),
        widths=PDF_WIDTHS_COMPACT if len(lines) > COMPACT_FROM else PDF_WIDTHS,
        caption=f"The register on {day(on)}: {len(lines):,} lines",
        empty_text="The register is empty.",
        flagged=flagged,
        # Thousands of lines: one line each (shortened; the CSV and XLSX have the full text).
        compact=len(lines) > COMPACT_FROM,
    )
    return ReportDocument(
        title="Register of international transfers",
        subtitle=f"{organisation} — as of {day(on)}",
        author=author,
        subject=f"Register of international transfers of personal data as of {on.isoformat()}",
        keywords=("transfer register", "international transfers", "Chapter V", on.isoformat()),
        generated_on=generated_on or on,
        footer=f"Register as of {on.isoformat()} · legal reference data {data.reference_version}",
        heading=Fields(
            (
                ("Register date", day(on)),
                ("Exporting entities", organisation),
                ("Legal reference data", data.reference_version or "—"),
            )
        ),
        sections=(
            Section(
                "Summary",
                (
                    totals,
                    BarChart("Transfers assessed, by destination", s.by_destination),
                    BarChart("Transfers assessed, by primary mechanism", s.by_mechanism),
                    Para(
                        "A transfer is compliant when the rules find no gap under any regime "
                        "that binds its exporter on the register date. Transfers that are not "
                        "live on that date (not started, ended, or to a proposed or offboarded "
                        "recipient) are listed but not assessed. Flagged lines have a critical "
                        "or high gap.",
                        Tone.NOTE,
                    ),
                ),
            ),
            Section(
                "The register",
                (
                    Para(
                        "One line per entity and each transfer it receives, in entity name "
                        "order. Status is the worst open gap of the transfer and of the entity; "
                        "next due is the earliest of the safeguard's expiry and review, the "
                        "assessment's next review and any gap's due date.",
                        Tone.NOTE,
                    ),
                    table,
                ),
            ),
        ),
        landscape=True,
    )


# -- the XLSX sheets --------------------------------------------------------------------------


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


def read_tables(service: RegisterService) -> RegisterTables:
    repo = service.repo
    return RegisterTables(
        sorted(repo.list_entities(), key=lambda e: e.id or 0),
        sorted(repo.all_locations(), key=lambda x: x.id or 0),
        repo.list_transfers(),
        repo.list_documents(),
        repo.list_tias(),
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
            worst[g.entity_id] = SEVERITY_LABELS[g.severity]
        if g.transfer_id is not None:
            gaps_of_transfer[g.transfer_id] += 1
    status_of = {line.transfer_id: line.status for line in lines if line.transfer_id is not None}
    countries = {line.entity_id: line.countries for line in lines}
    transfers = {t.id: t for t in tables.transfers}

    def name(i: int | None) -> str:
        if i is None:
            return ""
        return names.get(i, f"(archived entity {i})")

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
                e.id, e.name, e.legal_name, _kind(e), LIFECYCLE_LABELS[e.lifecycle],
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
                ACTIVITY_LABELS[x.activity], x.city,
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
            Column("Notes", _T, 40), Column("Last changed", _D, 11),
        ),
        [
            (
                t.id, t.exporter_id, name(t.exporter_id), t.importer_id, name(t.importer_id),
                t.destination, country_name(t.destination), ACCESS_LABELS[t.access],
                ROLE_LABELS[t.exporter_role], ROLE_LABELS[t.importer_role],
                ", ".join(r.value for r in t.regimes), t.service, t.purpose,
                "; ".join(t.data_categories), "; ".join(t.data_subjects),
                _yes(t.special_category), _yes(t.criminal_data), FREQUENCY_LABELS[t.frequency],
                t.volume.value if t.volume else "", t.parent_transfer_id,
                "; ".join(MECHANISM_LABELS.get(u.mechanism, u.mechanism) for u in t.mechanisms)
                or MECHANISM_LABELS[NO_MECHANISM],
                ", ".join(str(u.document_id) for u in t.mechanisms if u.document_id is not None),
                t.started_on, t.ended_on, status_of.get(t.id or -1, ""),
                gaps_of_transfer.get(t.id or -1, 0), t.notes, _updated(t),
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
                d.id, d.title, DOCUMENT_KIND_LABELS[d.kind],
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
            Column("Status", _T, 10), Column("Revision", _N, 8), Column("Regimes", _T, 9),
            Column("Assessor", _T, 20), Column("Approver", _T, 20), Column("Approved", _D, 11),
            Column("Next review", _D, 11), Column("Review cycle (months)", _N, 9),
            Column("Change note", _T, 36), Column("Last changed", _D, 11),
        ),
        [
            (
                t.id, t.reference, t.title, t.transfer_id, *covered(t),
                ", ".join(str(i) for i in t.extra_transfer_ids), TIA_STATUS_LABELS[t.status],
                t.revision, ", ".join(r.value for r in t.regimes), t.assessor, t.approver,
                t.approved_on, t.next_review_on, t.review_cycle_months, t.change_note,
                _updated(t),
            )
            for t in tables.tias
        ],
    )  # fmt: skip
    return [register_table(lines), entities, locations, transfer_sheet, documents, assessments]


# -- exporting ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    format: ExportFormat
    entities: int
    lines: int  # table rows written (records for JSON)


def _writable(path: Path) -> None:
    if path.is_dir():
        raise TransfersError(f"cannot write {path}: it is a folder; give a file name")
    if not path.parent.is_dir():
        raise TransfersError(f"cannot write {path}: the folder {path.parent} does not exist")


def export_register(
    service: RegisterService,
    files: FileAdapters,
    fmt: ExportFormat,
    path: Path,
    on: date,
    *,
    exported_at: datetime,
    report: StatusReport | None = None,
    progress: Progress | None = None,
    author: str = "",
) -> ExportResult:
    """Write the register to ``path`` in ``fmt``: all of it, or (on any failure, or when
    ``progress`` raises ``ExportCancelled``) nothing. Errors a user can cause (a folder that
    does not exist, a read-only or locked file) become a ``TransfersError`` naming the file."""
    path = Path(path)
    _writable(path)
    # Hundreds of thousands of short-lived tuples: the cyclic GC would only slow this down.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _export(service, files, fmt, path, on, exported_at, report, progress, author)
    except OSError as exc:
        raise TransfersError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if gc_was_enabled:
            gc.enable()


def _export(
    service: RegisterService,
    files: FileAdapters,
    fmt: ExportFormat,
    path: Path,
    on: date,
    exported_at: datetime,
    report: StatusReport | None,
    progress: Progress | None,
    author: str,
) -> ExportResult:
    if fmt is ExportFormat.JSON:
        records = service.repo.dump_records()
        files.register_file.write(
            records,
            path,
            exported_at=exported_at,
            reference_version=service.ref.version,
            app_version=__version__,
            progress=progress,
        )
        live = sum(1 for e in records.entities if e.archived_at is None)
        return ExportResult(path, fmt, live, _record_count(records))
    data = gather(service, on, report)
    lines = register_lines(data)
    entities = len({line.entity_id for line in lines})
    if fmt is ExportFormat.CSV:
        files.tables.write_csv(register_table(lines), path, progress=progress)
    elif fmt is ExportFormat.XLSX:
        tables = workbook_tables(data, lines, read_tables(service))
        files.tables.write_xlsx(tables, path, progress=progress)
    else:
        doc = register_report(data, lines, generated_on=exported_at.date(), author=author)
        if progress is not None:  # the last moment to cancel: the renderer runs to the end
            progress(0, len(lines))
        files.pdf.write(doc, path)
    return ExportResult(path, fmt, entities, len(lines))


def _record_count(records: RegisterRecords) -> int:
    return sum(len(getattr(records, f.name)) for f in fields(records))


# -- importing the JSON register ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    path: Path
    counts: Mapping[str, int]  # records loaded per table
    exported_at: datetime | None
    reference_version: str
    missing_files: tuple[str, ...] = field(default=())  # SHA-256 of files not in the store


def _where(table: str, index: int, obj: object) -> str:
    rid = getattr(obj, "id", None)
    label = getattr(obj, "name", None) or getattr(obj, "title", None)
    label = label or getattr(obj, "subprocessor_name", None)
    bits = [f"id {rid}"] if rid is not None else []
    if isinstance(label, str) and label:
        bits.append(repr(label[:60]))
    return f"{table}[{index}]" + (f" ({', '.join(bits)})" if bits else "")


def check_records(records: RegisterRecords, source: str = "the file") -> None:
    """Every record valid on its own (the editors' rules) and every reference resolved, or a
    ``RegisterFileError`` naming the first record that is not."""

    def fail(table: str, index: int, obj: object, message: str) -> None:
        raise RegisterFileError(f"{source}: {_where(table, index, obj)}: {message}")

    def ids(table: str, objs: Sequence[Any]) -> set[int]:
        seen: set[int] = set()
        for i, obj in enumerate(objs):
            if obj.id is None:
                fail(table, i, obj, "id: is missing")
            if obj.id in seen:
                fail(table, i, obj, f"id: {obj.id} is used twice")
            seen.add(obj.id)
        return seen

    entity_ids = ids("entities", records.entities)
    ids("locations", records.locations)
    doc_ids = ids("documents", records.documents)
    transfer_ids = ids("transfers", records.transfers)
    tia_ids = ids("tias", records.tias)
    ids("catalogue", records.catalogue)
    ids("publications", records.publications)
    ids("subprocessor_notices", records.notices)
    hashes = {f.sha256 for f in records.files}

    def refer(
        table: str, i: int, obj: object, what: str, value: int | None, pool: set[int]
    ) -> None:
        if value is not None and value not in pool:
            fail(table, i, obj, f"{what}: refers to {value}, which is not in the file")

    def valid(table: str, i: int, obj: Any) -> None:
        found: list[ValidationError] = problems(obj)
        if found:
            fail(table, i, obj, str(found[0]))

    for i, f in enumerate(records.files):
        if len(f.sha256) != 64 or any(c not in "0123456789abcdef" for c in f.sha256):
            fail("files", i, f, f"sha256: {f.sha256!r} is not a SHA-256 in lower-case hex")
    for i, e in enumerate(records.entities):
        valid("entities", i, e)
        refer("entities", i, e, "parent_id", e.parent_id, entity_ids)
    for i, loc in enumerate(records.locations):
        valid("locations", i, loc)
        refer("locations", i, loc, "entity_id", loc.entity_id, entity_ids)
    for i, d in enumerate(records.documents):
        valid("documents", i, d)
        for p in d.party_ids:
            refer("documents", i, d, "party_ids", p, entity_ids)
        refer("documents", i, d, "series_id", d.series_id, doc_ids)
        refer("documents", i, d, "supersedes_id", d.supersedes_id, doc_ids)
        if d.file_sha256 is not None and d.file_sha256 not in hashes:
            fail("documents", i, d, f"file_sha256: {d.file_sha256} is not among the files")
    for i, t in enumerate(records.transfers):
        valid("transfers", i, t)
        refer("transfers", i, t, "exporter_id", t.exporter_id, entity_ids)
        refer("transfers", i, t, "importer_id", t.importer_id, entity_ids)
        refer("transfers", i, t, "parent_transfer_id", t.parent_transfer_id, transfer_ids)
        for u in t.mechanisms:
            refer("transfers", i, t, "mechanisms.document_id", u.document_id, doc_ids)
    for i, a in enumerate(records.tias):
        valid("tias", i, a)
        for tid in a.transfer_ids:
            refer("tias", i, a, "transfer_id", tid, transfer_ids)
        refer("tias", i, a, "series_id", a.series_id, tia_ids)
    seen: set[tuple[str, str]] = set()
    for i, c in enumerate(records.catalogue):
        if c.catalogue not in ("data_category", "data_subject"):
            fail("catalogue", i, c, f"catalogue: {c.catalogue!r} is not a catalogue")
        if not c.name.strip():
            fail("catalogue", i, c, "name: is required")
        if (c.catalogue, c.name) in seen:
            fail("catalogue", i, c, f"name: {c.name!r} is listed twice")
        seen.add((c.catalogue, c.name))
    for i, n in enumerate(records.notices):
        valid("subprocessor_notices", i, n)
        if n.notice_period_days is None or n.objection_deadline is None:
            fail(
                "subprocessor_notices", i, n,
                "notice_period_days and objection_deadline: are required",
            )  # fmt: skip
        for what, value in (
            ("processor_id", n.processor_id),
            ("subprocessor_id", n.subprocessor_id),
            ("replaces_id", n.replaces_id),
        ):
            refer("subprocessor_notices", i, n, what, value, entity_ids)


def import_register_json(
    service: RegisterService, codec: RegisterFileCodec, path: Path
) -> ImportResult:
    """Load a register file (``export register --format json``) into this EMPTY register, in
    one transaction: every record checked first, and the first bad one named."""
    path = Path(path)
    parsed: RegisterFile = codec.read(path)
    repo = service.repo
    for table in ("entities", "locations", "documents", "transfers", "tias"):
        # Archived records are refused too, by ``load_records`` (``count`` skips them).
        if repo.count(table):
            raise TransfersError(
                f"the register is not empty (it has {table}): {path.name} loads only into an "
                "empty register (use --data-dir to start a new one)"
            )
    records = parsed.records
    check_records(records, path.name)
    live = sum(1 for e in records.entities if e.archived_at is None)
    repo.load_records(
        records, f"loaded {path.name}: {live} entities, exported {parsed.exported_at or '?'}"
    )
    missing = tuple(f.sha256 for f in records.files if repo.stored_file(f.sha256) is None)
    counts = {f.name: len(getattr(records, f.name)) for f in fields(records)}
    return ImportResult(path, counts, parsed.exported_at, parsed.reference_version, missing)
