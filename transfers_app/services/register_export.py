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

Columns, from one read of the register (``RegisterQueries.register_lines``) and the shared status
report (the one the dashboard and the register page use, so the figures agree with the app):

- entity id, name, kind ("Our entity" for ours), lifecycle, countries (processing locations);
- transfer id, exporter, importer's role, destination, regimes assessed (the transfer's own, or
  its exporter's), mechanisms (primary first, then fallbacks);
- safeguard document: the document of the first mechanism that has one, with its signature,
  expiry and next review dates;
- assessment: the assessment in force on the date (the status engine's; for a transfer not live,
  the newest on file), where the transfer stands with it in words (``TIA_STATE_LABELS``:
  missing, draft, review overdue, stale, approved, not needed...) and its next review;
- status: the worst open gap of the transfer and of the entity itself ("No gaps" when the
  transfer was assessed and nothing is missing; "Not live" when the transfer is not live on the
  date or its importer is proposed or offboarded, which the rules do not assess), the number of
  gaps and the worst one's message;
- next due: the earliest date the status engine watches on the transfer (``StatusReport.dues``:
  the expiry, notice and review of the documents it relies on, the DPF re-check, the
  assessment's review, a legacy deadline), the same date the reminders list; overdue when
  before the register date, and then the status holds its gap.

A cancelled export (``progress`` raising ``ExportCancelled``) or a failed one leaves no file
behind: every writer writes a temporary file in the target's folder and renames it at the end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from transfers_app.domain.enums import Mechanism, Regime, Severity, TiaState, TiaStatus
from transfers_app.domain.formatting import (
    ENTITY_KIND_LABELS,
    LIFECYCLE_LABELS,
    MECHANISM_LABELS,
    NO_MECHANISM,
    OWN_KIND_LABEL,
    ROLE_LABELS,
    SEVERITY_LABELS,
    TIA_STATE_LABELS,
    country_label,
    day,
)
from transfers_app.domain.readmodels import AssessmentHead, EntityTransferLine
from transfers_app.errors import TransfersError
from transfers_app.ports.storage import Store
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
    rows: Sequence[EntityTransferLine]
    assessments: Sequence[AssessmentHead]
    report: StatusReport
    reference_version: str = ""


def gather(
    store: Store, register: RegisterService, on: date, report: StatusReport | None = None
) -> RegisterData:
    """Read the register once. ``report`` is the status the caller already holds (the app's
    shared one); without it the status is computed (or taken from the service's cache)."""
    if report is None or report.on != on:
        report = register.status(on)
    queries = store.queries
    return RegisterData(
        on, queries.register_lines(), queries.assessment_heads(), report, register.ref.version
    )


class _Assessment(NamedTuple):
    reference: str
    next_review_on: date | None


def _latest_assessments(heads: Iterable[AssessmentHead]) -> dict[int, _Assessment]:
    """For each transfer, the newest assessment that covers it and is not superseded (or the
    newest superseded one if that is all there is), from ``RegisterQueries.assessment_heads``:
    what a transfer the status does not judge (not live) has on file."""
    best: dict[int, tuple[tuple[bool, date, int, int], AssessmentHead]] = {}
    for head in heads:
        rank = (
            head.status is not TiaStatus.SUPERSEDED,
            head.approved_on or date.min,
            head.revision,
            head.id,
        )
        for tid in head.transfer_ids:
            cur = best.get(tid)
            if cur is None or rank > cur[0]:
                best[tid] = (rank, head)
    return {
        tid: _Assessment(head.reference, head.next_review_on) for tid, (_, head) in best.items()
    }


class _Cache(dict[Any, Any]):
    """Texts made once per distinct stored value (registers repeat them a lot)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._make(key)
        return value


def _regimes_text(regimes: tuple[Regime, ...]) -> str:
    return ", ".join(regimes)


def _countries_text(countries: tuple[str, ...]) -> str:
    return ", ".join(countries)


def _mechanisms_text(mechanisms: tuple[Mechanism, ...]) -> str:
    if not mechanisms:
        return MECHANISM_LABELS.get(NO_MECHANISM, NO_MECHANISM)
    return "; ".join(MECHANISM_LABELS.get(m, m) for m in mechanisms)


_REGIME_OF = attrgetter("assessment.regime")
_new_line = tuple.__new__  # RegisterLine's own __new__ is a Python call per line
_KIND_TEXT = ENTITY_KIND_LABELS


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
    judged: dict[int | None, _Assessment] = {}
    states: dict[int | None, str] = {}
    state_of = report.tia_state
    for st in report.statuses:
        key = tuple(map(_REGIME_OF, st.results))
        found = regime_text.get(key)
        if found is None:
            found = regime_text[key] = ", ".join(dict.fromkeys(key))
        tid = st.transfer.id
        regimes_of[tid] = found
        states[tid] = TIA_STATE_LABELS[state_of(st, gaps_of_transfer.get(tid, ()))]
        current = st.assessment
        if current is not None:
            judged[tid] = _Assessment(current.reference, current.next_review_on)
    tias = _latest_assessments(data.assessments)
    next_due = report.next_due_by_transfer()
    not_assessed = TIA_STATE_LABELS[TiaState.NOT_ASSESSED]
    countries_text = _Cache(_countries_text)
    mechanisms_text = _Cache(_mechanisms_text)
    regimes_text = _Cache(_regimes_text)
    dest_text = _Cache(country_label)
    no_gaps: list[Gap] = []

    lines: list[RegisterLine] = []
    add = lines.append
    for row in data.rows:
        eid = row.entity_id
        kind_text = OWN_KIND_LABEL if row.is_own else _KIND_TEXT[row.kind]
        lifecycle_text = LIFECYCLE_LABELS[row.lifecycle]
        countries = countries_text[row.countries]
        own_gaps = gaps_of_entity.get(eid, no_gaps)
        tid = row.transfer_id
        if tid is None:
            sev: Severity | None = own_gaps[0].severity if own_gaps else None
            add(
                _new_line(
                    RegisterLine,
                    (
                        eid, row.name, kind_text, lifecycle_text, countries,
                        None, "", "", "", "", "", "", None, None, None, "", "", None,
                        SEVERITY_LABELS[sev] if sev else NO_GAPS,
                        len(own_gaps),
                        own_gaps[0].message if own_gaps else "",
                        None,
                        sev,
                        "",
                    ),
                )
            )  # fmt: skip
            continue
        exporter = row.exporter_name
        if exporter is None:
            exporter = f"(entity {row.exporter_id})"
        elif row.exporter_archived:
            exporter = f"{exporter} (archived)"
        assessed = regimes_of.get(tid)
        regimes_shown = assessed or regimes_text[row.regimes or row.exporter_regimes]
        if assessed:
            tia = judged.get(tid)
            tia_state = states[tid]
        else:
            tia, tia_state = tias.get(tid), not_assessed
        line_gaps = gaps_of_transfer.get(tid, no_gaps)
        if own_gaps:
            line_gaps = sorted([*line_gaps, *own_gaps], key=lambda g: g.severity.rank)
        if line_gaps:
            sev = line_gaps[0].severity
            status = SEVERITY_LABELS[sev]
        else:
            sev, status = None, NO_GAPS if assessed else NOT_LIVE
        signed_on, expires_on, review_on = row.signed_on, row.expires_on, row.next_review_on
        due = next_due.get(tid)
        destination = row.destination or ""
        role = row.importer_role
        add(
            _new_line(
                RegisterLine,
                (
                    eid, row.name, kind_text, lifecycle_text, countries,
                    tid, exporter, ROLE_LABELS[role] if role else "", dest_text[destination],
                    regimes_shown, mechanisms_text[row.mechanisms],
                    row.document_title or "", signed_on, expires_on, review_on,
                    tia.reference if tia else "",
                    tia_state,
                    tia.next_review_on if tia else None,
                    status,
                    len(line_gaps),
                    line_gaps[0].message if line_gaps else "",
                    due.due_on if due is not None else None,
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
