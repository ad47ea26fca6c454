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

from transfers_app.domain import enums
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
from transfers_app.domain.renewals import DUE_KIND_LABELS
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
from transfers_app.rules.gaps import Gap, GapCode, RegimeResult
from transfers_app.rules.inputs import DocumentView
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
    # Every document each regime relies on, with its dates ("UK: 'IDTA ...' (signed ...)").
    documents: str
    # Not exported: the worst severity, for flagging rows (None: no gap on the line), and
    # the destination's code (for the PDF's narrow column).
    severity: enums.Severity | None = None
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
    Column("Documents relied on", _T, 60),
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
            head.status is not enums.TiaStatus.SUPERSEDED,
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


def _regimes_text(regimes: tuple[enums.Regime, ...]) -> str:
    return ", ".join(regimes)


def _countries_text(countries: tuple[str, ...]) -> str:
    return ", ".join(countries)


def _mechanisms_text(mechanisms: tuple[enums.Mechanism, ...]) -> str:
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
    documents_text = _DocumentsCell(report.on)
    documents_of: dict[int | None, str] = {}
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
        documents_of[tid] = documents_text(st.results)
        states[tid] = TIA_STATE_LABELS[state_of(st, gaps_of_transfer.get(tid, ()))]
        current = st.assessment
        if current is not None:
            judged[tid] = _Assessment(current.reference, current.next_review_on)
    tias = _latest_assessments(data.assessments)
    next_due = report.next_due_by_transfer()
    not_assessed = TIA_STATE_LABELS[enums.TiaState.NOT_ASSESSED]
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
            sev: enums.Severity | None = own_gaps[0].severity if own_gaps else None
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
                        "",
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
                    documents_of.get(tid) or recorded_document(row),
                    sev,
                    destination,
                ),
            )
        )  # fmt: skip
    return lines


def _iso(d: date) -> str:
    return d.isoformat()


class _DocumentsCell:
    """The "Documents relied on" cell of each distinct set of verdicts: per regime, every
    document with its dates (ISO), as the PDF's safeguards column lists them. Each document's
    words are written once (by its id): hashing the verdicts themselves (their gaps and
    messages) to share whole cells cost more than writing them."""

    def __init__(self, on: date) -> None:
        self.on = on
        self._text: dict[int, str] = {}  # a document's words, by its id: written once

    def __call__(self, results: tuple[RegimeResult, ...]) -> str:
        text = self._text
        parts = []
        for r in results:
            regime = r.assessment.regime.value
            for d in r.documents:
                key = d.id if d.id is not None else id(d)
                words = text.get(key)
                if words is None:
                    words = text[key] = document_text(d, self.on, _iso)
                parts.append(f"{regime}: {words}")
        return "; ".join(parts)


def recorded_document(row: EntityTransferLine) -> str:
    """A transfer the status does not judge (not live): the document recorded on it."""
    if not row.document_title:
        return ""
    signed = row.signed_on.isoformat() if row.signed_on else "not recorded"
    expires = f"expires {row.expires_on.isoformat()}" if row.expires_on else "no expiry"
    return f"'{row.document_title}' (signed {signed}, {expires}; not assessed)"


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

TOP_DESTINATIONS = 10  # with "Other", two charts of this size fit beside each other on page 1


@dataclass(frozen=True, slots=True)
class RegisterSummary:
    on: date
    entities: int
    # Ours: the group's companies (kind "group", and any entity exporting under a regime).
    own_entities: int
    exporting_entities: int  # of which export under a regime's rules (the exporters)
    by_kind: tuple[tuple[str, int], ...]  # the others, by kind ("Vendor", 15)
    transfers: int  # live (not archived) transfers on the register
    assessed: int  # of which live on the date and assessed
    compliant: int
    with_gaps: int
    not_assessed: int
    gaps_by_severity: tuple[tuple[enums.Severity, int], ...]
    transfers_by_worst: tuple[tuple[enums.Severity, int], ...]  # transfers by their worst gap
    tias_missing: int  # transfers whose assessment is missing (none approved, or a draft)
    tia_states: tuple[tuple[enums.TiaState, int], ...]
    overdue_lines: int  # transfers (lines) with something due before the date
    earliest_overdue: date | None
    no_country: int  # entities without a processing location
    by_destination: tuple[tuple[str, int], ...]
    by_mechanism: tuple[tuple[str, int], ...]


def summarize(data: RegisterData, lines: Sequence[RegisterLine]) -> RegisterSummary:
    report = data.report
    by_country: dict[str, int] = defaultdict(int)
    by_mech: dict[str, int] = defaultdict(int)
    worst: dict[enums.Severity, int] = defaultdict(int)
    for s in report.statuses:
        t = s.transfer
        by_country[t.destination] += 1
        by_mech[t.mechanisms[0].mechanism.value if t.mechanisms else NO_MECHANISM] += 1
        if s.worst is not None:
            worst[s.worst] += 1
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
    entities: dict[int, tuple[bool, bool, str]] = {}
    for row in data.rows:
        ours = row.is_own or row.kind is enums.EntityKind.GROUP
        entities[row.entity_id] = (ours, row.is_own, _KIND_TEXT[row.kind])
    kinds: dict[str, int] = defaultdict(int)
    for ours, _, kind in entities.values():
        if not ours:
            kinds[kind] += 1
    states: dict[enums.TiaState, int] = defaultdict(int)
    for line in lines:
        if line.transfer_id is not None and line.tia_status in _STATE_OF_LABEL:
            states[_STATE_OF_LABEL[line.tia_status]] += 1
    on = data.on
    overdue = [
        line.next_due
        for line in lines
        if line.transfer_id is not None and line.next_due is not None and line.next_due < on
    ]
    return RegisterSummary(
        on=data.on,
        entities=len(entities),
        own_entities=sum(1 for ours, _, _ in entities.values() if ours),
        exporting_entities=sum(1 for _, exporting, _ in entities.values() if exporting),
        by_kind=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        transfers=sum(1 for line in lines if line.transfer_id is not None),
        assessed=report.transfers_assessed,
        compliant=report.compliant_transfers,
        with_gaps=report.transfers_assessed - report.compliant_transfers,
        not_assessed=sum(1 for line in lines if line.status == NOT_LIVE),
        gaps_by_severity=tuple((s, report.count(s)) for s in enums.Severity),
        transfers_by_worst=tuple((s, worst[s]) for s in enums.Severity),
        tias_missing=states[enums.TiaState.MISSING] + states[enums.TiaState.DRAFT],
        tia_states=tuple((x, states[x]) for x in enums.TiaState if states[x]),
        overdue_lines=len(overdue),
        earliest_overdue=min(overdue, default=None),
        no_country=sum(1 for g in report.gaps if g.code is GapCode.ENTITY_NO_COUNTRY),
        by_destination=tuple(bars),
        by_mechanism=tuple((MECHANISM_LABELS.get(k, k), v) for k, v in mechs),
    )


_STATE_OF_LABEL = {label: state for state, label in TIA_STATE_LABELS.items()}


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# -- the PDF table -------------------------------------------------------------------------------

PDF_HEADERS = (
    "Transfer",
    "Recipient",
    "From",
    "To",
    "Purpose and data",
    "Safeguards per regime and their documents",
    "Assessment",
    "Status",
    "Worst gap",
    "Next due",
)
# Relative widths: the renderer widens a column to its widest word and shares out the rest.
PDF_WIDTHS = (3.0, 11.0, 8.0, 5.0, 12.0, 21.0, 7.0, 5.0, 17.0, 7.0)
_NBSP = "\u00a0"


def _date(d: date | None, empty: str = "") -> str:
    """A date as one word ("7 Dec 2026", joined by no-break spaces): never cut across lines."""
    return day(d).replace(" ", _NBSP) if d is not None else empty


def document_text(doc: DocumentView, on: date, when: Callable[[date], str] = _date) -> str:
    """A document with the dates that say whether it is in force on ``on`` (each date as
    ``when`` writes it): DPF evidence is a listing checked on a date, not a signed document;
    a lapsed document says so."""
    if doc.kind is enums.DocumentKind.DPF_CERTIFICATION:
        checked = f"checked {when(doc.checked_on)}" if doc.checked_on else "never checked"
        return f"'{doc.title}' (DPF evidence, listing {checked})"
    dates = [f"signed {when(doc.signed_on) if doc.signed_on else 'not recorded'}"]
    if doc.effective_on is not None and doc.effective_on != doc.signed_on:
        dates.append(f"effective {when(doc.effective_on)}")
    if doc.expires_on is None:
        dates.append("no expiry")
    else:
        dates.append(f"{'expired' if doc.expires_on < on else 'expires'} {when(doc.expires_on)}")
    return f"'{doc.title}' ({', '.join(dates)})"


def safeguard_basis(result: RegimeResult) -> str:
    """What a regime's transfer rests on, in words."""
    a = result.assessment
    if a.finding is enums.Finding.UNKNOWN:
        return "not assessed (the reference data does not cover the date)"
    if not a.restricted:
        return f"not a restricted transfer under {a.regime.value} rules"
    if result.covered_by is None:
        return "no valid safeguard"
    if result.covered_by is enums.Mechanism.ADEQUACY:
        return "adequacy"
    return MECHANISM_LABELS.get(result.covered_by, result.covered_by)


class _Cells(dict[tuple[Any, ...], str]):
    """The safeguards cell of each distinct set of verdicts (registers repeat them)."""

    def __init__(self, on: date) -> None:
        super().__init__()
        self.on = on

    def __missing__(self, key: tuple[Any, ...]) -> str:
        value = self[key] = _safeguards_text(key, self.on)
        return value


def _safeguards_text(results: tuple[RegimeResult, ...], on: date) -> str:
    # Regimes with the same basis and documents share one entry: "UK, EU: adequacy".
    entries: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for r in results:
        docs = tuple(document_text(d, on) for d in r.documents)
        basis = safeguard_basis(r)
        if r.covered_by is None and docs:  # what is on file does not make it lawful
            basis += "; on file:"
        entries.setdefault((basis, docs), []).append(r.assessment.regime.value)
    parts = []
    for (basis, docs), regimes in entries.items():
        parts.append("\n".join([f"{', '.join(regimes)}: {basis}", *docs]))
    return "\n".join(parts)


def _pdf_rows(data: RegisterData, lines: Sequence[RegisterLine]) -> list[tuple[str, ...]]:
    """The register lines as printed: one row per line, every cell in full."""
    on = data.on
    report = data.report
    statuses = {s.transfer.id: s for s in report.statuses}
    due = report.next_due_by_transfer()
    safeguards = _Cells(on)
    out: list[tuple[str, ...]] = []
    for row, line in zip(data.rows, lines, strict=True):
        where = f"\nin {line.countries}" if line.countries else ""
        recipient = f"{line.entity}\n{line.kind}, {line.lifecycle.lower()}{where}"
        status = line.status + (f"\n{line.gaps} gaps" if line.gaps > 1 else "")
        tid = line.transfer_id
        if tid is None:
            out.append(("—", recipient, "", "", "", "", "", status, line.worst_gap, ""))
            continue
        st = statuses.get(tid)
        if st is not None:
            basis = safeguards[tuple(st.results)]
        else:  # not live: what is recorded, not judged
            document = ""
            if row.document_title:
                signed = _date(row.signed_on, "not recorded")
                expires = f"expires {_date(row.expires_on)}" if row.expires_on else "no expiry"
                document = f"\n'{row.document_title}' (signed {signed}, {expires})"
            recorded = line.mechanisms
            if recorded == MECHANISM_LABELS.get(NO_MECHANISM):
                recorded = "no mechanism recorded"
            basis = f"{line.regimes or 'no regime'}: {recorded} (not assessed){document}"
        purpose = row.purpose or "purpose not recorded"
        data_text = ", ".join(row.data_categories) or "data categories not recorded"
        tia = f"{line.tia}\n{line.tia_status}" if line.tia else line.tia_status
        next_due = ""
        d = due.get(tid)
        if d is not None:
            late = ", overdue" if d.due_on < on else ""
            next_due = f"{_date(d.due_on)}\n{DUE_KIND_LABELS[d.what]}{late}"
        out.append(
            (
                f"T{tid}",
                recipient,
                line.exporter,
                f"{line.destination_code}\n{line.importer_role}",
                f"{purpose}\nData: {data_text}",
                basis,
                tia,
                status,
                line.worst_gap,
                next_due,
            )
        )
    return out


def register_report(
    data: RegisterData,
    lines: Sequence[RegisterLine] | None = None,
    *,
    generated_on: date | None = None,
    author: str = "",
) -> ReportDocument:
    """The register as a report document (landscape): a one-page summary, then the register,
    one row per recipient and transfer, every cell in full."""
    if lines is None:
        lines = register_lines(data)
    s = summarize(data, lines)
    on = data.on
    exporting = sorted({r.name for r in data.rows if r.is_own})
    organisation = ", ".join(exporting) or "No exporting entity recorded"
    others = ", ".join(_count(n, kind.lower()) for kind, n in s.by_kind)
    severities = ", ".join(f"{sev.value} {n:,}" for sev, n in s.gaps_by_severity if n) or "none"
    worst = ", ".join(f"{sev.value} {n:,}" for sev, n in s.transfers_by_worst if n)
    states = "; ".join(f"{TIA_STATE_LABELS[x]} {n:,}" for x, n in s.tia_states) or "none"
    overdue = _count(s.overdue_lines, "transfer")
    if s.earliest_overdue is not None:
        overdue += f", the oldest due since {day(s.earliest_overdue)}"
    totals = Fields(
        (
            (
                "Entities",
                f"{s.entities:,}: {_count(s.own_entities, 'group company', 'group companies')}"
                f" of ours ({s.exporting_entities:,} exporting under UK, EU or Swiss rules)"
                + (f", {others}" if others else "")
                + f"; {s.no_country:,} without a processing location",
            ),
            ("Transfers on the register", f"{s.transfers:,}, of which {s.not_assessed:,} not live"),
            ("Assessed (live on the date)", f"{s.assessed:,}"),
            ("Compliant (no gap)", f"{s.compliant:,}"),
            (
                "With gaps",
                f"{s.with_gaps:,}"
                + (f" (by their worst gap: {worst})" if worst else "")
                + f"; all open items by severity (transfers and entities): {severities}",
            ),
            ("Transfer assessments", states),
            ("Something overdue", overdue),
        )
    )
    flagged = tuple(
        i
        for i, line in enumerate(lines)
        if line.severity in (enums.Severity.CRITICAL, enums.Severity.HIGH)
    )
    table = Table(
        headers=PDF_HEADERS,
        rows=tuple(_pdf_rows(data, lines)),
        widths=PDF_WIDTHS,
        caption=f"The register on {day(on)}: {len(lines):,} lines",
        empty_text="The register is empty.",
        flagged=flagged,
        compact=True,
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
                ("Legal reference data", data.reference_version or "—"),
                ("Exporting entities", organisation),
                ("Lines", f"{len(lines):,}"),
            )
        ),
        sections=(
            Section(
                "Summary",
                (
                    totals,
                    BarChart("Transfers assessed, by destination", s.by_destination),
                    BarChart("Transfers assessed, by primary mechanism", s.by_mechanism),
                ),
                page_break_after=True,
            ),
            Section(
                "The register",
                (
                    Para(
                        "A transfer is compliant when the rules find no gap under any regime "
                        "that binds its exporter on the register date. Transfers that are not "
                        "live on that date (not started, ended, or to a proposed or offboarded "
                        "recipient) are listed but not assessed. Flagged lines (⚠) have a "
                        "critical or high gap.",
                        Tone.NOTE,
                    ),
                    Para(
                        "One row per recipient and each transfer it receives (T12 is transfer "
                        "12, as the transfer impact assessments cite it), in recipient name "
                        "order. Safeguards: for each regime, what the transfer rests on and "
                        "the documents relied on, with their dates. Assessment: the transfer "
                        "impact / risk assessment in force and where the transfer stands with "
                        "it. Status is the worst open gap of the transfer and of the "
                        "recipient; next due is the earliest date the status watches (a "
                        "document's expiry, last day for notice or review, the DPF re-check, "
                        "the assessment's review), overdue once passed.",
                        Tone.NOTE,
                    ),
                    table,
                ),
            ),
        ),
        landscape=True,
    )
