"""The register exports read back as a user would: CSV in a spreadsheet, XLSX in Excel, the PDF's
text, and the JSON file loaded into a new register (lossless round trip)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from exports.csv_safe import DANGEROUS_PREFIXES
from exports.register_json import FORMAT, FORMAT_VERSION
from transfers_app.domain.enums import (
    Access,
    Activity,
    DocumentKind,
    EntityKind,
    Mechanism,
    Role,
    Severity,
    TiaState,
    TiaStatus,
)
from transfers_app.domain.formatting import SEVERITY_LABELS, TIA_STATE_LABELS
from transfers_app.domain.models import (
    Document,
    Entity,
    Location,
    MechanismUse,
    NoticeDecision,
    Publication,
    SubprocessorNotice,
    Tia,
    Transfer,
)
from transfers_app.domain.tia import (
    AccessBasis,
    Conclusion,
    EegFinding,
    EegRating,
    Factor,
    Measure,
    MeasureKind,
    Quantitative,
    ResidualRisk,
    TiaContent,
    TiaInputs,
    TransferDescription,
)
from transfers_app.errors import TransfersError
from transfers_app.reference import builtin_reference
from transfers_app.reports.document import Table
from transfers_app.services.app import AppServices
from transfers_app.services.demo import load_demo
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register_export import (
    LINE_COLUMNS,
    NO_GAPS,
    ExportCancelled,
    ExportFormat,
    gather,
    register_lines,
    register_report,
)
from transfers_app.services.reporting import status_to_json

TODAY = date(2026, 11, 25)
EXPORTED_AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# Names a spreadsheet would run as a formula if written as they are.
INJECTIONS = (
    '=HYPERLINK("http://evil.example","Click")',
    "+1+1 Holdings",
    "-2+3 Trading",
    "@SUM(A1:A2) Ltd",
    "\tTabbed Services",
    "\rReturn Services",
)
HOSTILE = (
    "<b>R&D</b> Ltd",
    "株式会社テスト",
    "Łódź Software House sp. z o.o.",
    "İstanbul Veri A.Ş.",
    "شركة البيانات",
    'The "Quoted", Company\nSecond line Ltd',
)
ALL_NAMES = HOSTILE + INJECTIONS


def _open(folder: Path) -> SqliteStore:
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteStore(
        open_db(folder / "register.db"), actor="tester", files=FileStore(folder / "files")
    )


def _add_hostile(repo: SqliteStore, tmp: Path) -> None:
    """One vendor per hostile name, each receiving a transfer under a document of that name."""
    own = repo.entities.own()[0]
    assert own.id is not None
    for i, name in enumerate(ALL_NAMES):
        e = repo.entities.add(
            Entity(name=name, kind=EntityKind.VENDOR, notes=name, legal_name=name)
        )
        assert e.id is not None
        repo.entities.add_location(Location(e.id, "US", Activity.HOSTING, city=name))
        signed = date(2025, 1, 1 + i)
        doc = repo.documents.add(
            Document(
                kind=DocumentKind.EU_SCC_2021,
                title=name,
                party_ids=(own.id, e.id),
                scc_module=2,
                signed_on=signed,
                expires_on=date(2027, 1, 1 + i),
            )
        )
        repo.transfers.add(
            Transfer(
                exporter_id=own.id,
                importer_id=e.id,
                destination="US",
                access=Access.STORAGE,
                importer_role=Role.PROCESSOR,
                service=name,
                data_categories=("Identity", name),
                mechanisms=(MechanismUse(Mechanism.EU_SCC, doc.id),),
                started_on=signed,
            )
        )


def _add_history(repo: SqliteStore, tmp: Path) -> None:
    """Records a plain demo lacks: an archived entity, a renewed document with a signed file,
    an assessment with its full content and inputs."""
    own = repo.entities.own()[0]
    assert own.id is not None
    gone = repo.entities.add(Entity(name="Archived Vendor Ltd", kind=EntityKind.VENDOR))
    repo.entities.archive(gone)
    signed = tmp / "signed scc.pdf"
    signed.write_bytes(b"%PDF-1.4 signed copy\n")
    vendor = next(e for e in repo.entities.list() if e.name == HOSTILE[0])
    assert vendor.id is not None
    old = repo.documents.add(
        Document(
            kind=DocumentKind.UK_IDTA,
            title="IDTA v1",
            party_ids=(own.id, vendor.id),
            signed_on=date(2024, 5, 1),
            review_cycle_months=12,
            next_review_on=date(2025, 5, 1),
        ),
        signed,
    )
    repo.documents.renew(old, replace(old, title="IDTA v2", signed_on=date(2025, 5, 1)), signed)
    transfer = next(t for t in repo.transfers.list() if t.importer_id == vendor.id)
    assert transfer.id is not None
    content = TiaContent(
        description=TransferDescription(purpose="Hosting", data_categories=("Identity",)),
        destination="US",
        eeg=tuple(EegFinding(g, EegRating.PARTLY_MET, "notes ü") for g in "ABCD"),
        problematic_law=True,
        measures=(Measure(MeasureKind.TECHNICAL, "Encryption at rest", "T1"),),
        quantitative=Quantitative(
            bases=(AccessBasis("FISA 702", (Factor("request", 0.0123456789),)),)
        ),
        conclusion=Conclusion.PROCEED_WITH_MEASURES,
        residual_risk=ResidualRisk.LOW,
    )
    inputs = TiaInputs(
        taken_on=date(2026, 1, 5),
        importer_id=vendor.id,
        importer_name=vendor.name,
        countries=("US",),
        mechanisms=("eu_scc",),
        data_categories=("Identity",),
        data_subjects=(),
        subprocessors=(),
        reference_version="2026.11.25",
        transfer_ids=(transfer.id,),
    )
    repo.publications.add(
        Publication("public_list", date(2026, 10, 1), json.dumps({"entries": [vendor.name]}))
    )
    repo.notices.add(
        SubprocessorNotice(
            processor_id=vendor.id,
            subprocessor_name=HOSTILE[1],
            received_on=date(2026, 11, 1),
            countries=("JP", "US"),
            service="Translation",
            notice_period_days=30,
            objection_deadline=date(2026, 12, 1),
            decision=NoticeDecision.ACCEPT,
            decided_by="DPO",
            decided_on=date(2026, 11, 10),
        )
    )
    repo.assessments.add(
        Tia(
            transfer.id,
            status=TiaStatus.APPROVED,
            assessor="A. Assessor",
            approver="General Counsel",
            approved_on=date(2026, 1, 10),
            next_review_on=date(2027, 1, 10),
            title="Hosting in the US",
            content=content,
            inputs=inputs,
        )
    )


@pytest.fixture
def service(tmp_path: Path) -> Iterator[AppServices]:
    repo = _open(tmp_path / "source")
    load_demo(repo, TODAY, file_adapters().pdf)
    _add_hostile(repo, tmp_path)
    _add_history(repo, tmp_path)
    yield _services(repo)
    repo.close()


def _services(store: SqliteStore) -> AppServices:
    return AppServices.build(store, ReferenceSource(builtin_reference()), file_adapters(), TODAY)


def _export(service: AppServices, fmt: ExportFormat, path: Path, **kw: Any) -> Path:
    service.exports.register(fmt, path, TODAY, exported_at=EXPORTED_AT, **kw)
    return path


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _expected_lines(service: AppServices) -> int:
    """Lines the register table should have: each live entity's received live transfers, or
    one line when it receives none (counted from the repository, not from the export)."""
    entities = {e.id for e in service.register.store.entities.list()}
    received: dict[int, int] = {}
    for t in service.register.store.transfers.list():
        if t.importer_id in entities:
            received[t.importer_id] = received.get(t.importer_id, 0) + 1
    return sum(received.get(i, 1) for i in entities if i is not None)


# -- CSV -------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_crlf_and_one_line_per_received_transfer(
    service: AppServices, tmp_path: Path
) -> None:
    path = _export(service, ExportFormat.CSV, tmp_path / "register.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    assert raw[3:].split(b"\r\n", 1)[0].decode() == ",".join(c.header for c in LINE_COLUMNS)
    rows = _read_csv(path)
    assert rows[0] == [c.header for c in LINE_COLUMNS]
    assert len(rows) - 1 == _expected_lines(service)
    assert {len(r) for r in rows} == {len(LINE_COLUMNS)}


def test_csv_neutralises_every_formula_prefix(service: AppServices, tmp_path: Path) -> None:
    rows = _read_csv(_export(service, ExportFormat.CSV, tmp_path / "register.csv"))
    entity_col = [c.header for c in LINE_COLUMNS].index("Entity")
    names = [r[entity_col] for r in rows[1:]]
    for name in INJECTIONS:
        assert name[0] in "=+-@\t\r"
        assert "'" + name in names, f"{name!r} not neutralised"
        assert name not in names
    for row in rows:
        for cell in row:
            assert not cell.startswith(DANGEROUS_PREFIXES), f"live formula cell {cell!r}"


def test_csv_keeps_hostile_text_exactly(service: AppServices, tmp_path: Path) -> None:
    path = _export(service, ExportFormat.CSV, tmp_path / "register.csv")
    rows = _read_csv(path)
    cells = {c for r in rows for c in r}
    for name in HOSTILE:
        assert name in cells, f"{name!r} changed in the CSV"
    # RFC 4180: a field with a quote, comma or line break is quoted, quotes doubled.
    assert b'"The ""Quoted"", Company\nSecond line Ltd"' in path.read_bytes()


def test_csv_status_agrees_with_the_status_report(service: AppServices, tmp_path: Path) -> None:
    rows = _read_csv(_export(service, ExportFormat.CSV, tmp_path / "register.csv"))
    head = [c.header for c in LINE_COLUMNS]
    tid, status, gaps = head.index("Transfer ID"), head.index("Status"), head.index("Gaps")
    by_transfer = {r[tid]: r for r in rows[1:] if r[tid]}
    report = service.register.status(TODAY)
    assert report.statuses
    for s in report.statuses:
        row = by_transfer[str(s.transfer.id)]
        assert row[status] == (SEVERITY_LABELS[s.worst] if s.worst else NO_GAPS)
        assert int(row[gaps]) >= len(s.gaps)


def test_csv_names_every_document_each_regime_relies_on(
    service: AppServices, tmp_path: Path
) -> None:
    rows = _read_csv(_export(service, ExportFormat.CSV, tmp_path / "register.csv"))
    head = rows[0]
    tid, docs = head.index("Transfer ID"), head.index("Documents relied on")
    by_transfer = {r[tid]: r[docs] for r in rows[1:] if r[tid]}
    report = service.register.status(TODAY)
    for s in report.statuses:
        said = by_transfer[str(s.transfer.id)]
        for r in s.results:
            for d in r.documents:
                assert f"{r.assessment.regime.value}: '{d.title}' (" in said, (s.transfer.id, said)
    assert sum(len(r.documents) > 1 for s in report.statuses for r in s.results) >= 3
    assert "DPF evidence, listing checked" in " ".join(by_transfer.values())


# -- XLSX ------------------------------------------------------------------------------------


def test_xlsx_sheets_frozen_header_filters_and_typed_dates(
    service: AppServices, tmp_path: Path
) -> None:
    path = _export(service, ExportFormat.XLSX, tmp_path / "register.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Register",
        "Entities",
        "Locations",
        "Transfers",
        "Documents",
        "Assessments",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert all(ws.cell(1, c).font.bold for c in range(1, ws.max_column + 1))
        assert ws.column_dimensions["B"].width > 8
        # Printed: landscape, every column on the page's width, the header on every page.
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        last = ws.cell(1, ws.max_column).column_letter
        assert ws.print_area == f"'{ws.title}'!$A$1:${last}${ws.max_row}", ws.title
    assert wb["Entities"].max_row - 1 == len(service.register.store.entities.list())
    assert wb["Transfers"].max_row - 1 == len(service.register.store.transfers.list())
    assert wb["Documents"].max_row - 1 == len(service.register.store.documents.list())
    assert wb["Register"].max_row - 1 == _expected_lines(service)
    docs = wb["Documents"]
    head = [c.value for c in docs[1]]
    signed_col = head.index("Signed") + 1
    signed_dates = [
        c for c in (docs.cell(r, signed_col) for r in range(2, docs.max_row + 1)) if c.value
    ]
    assert signed_dates
    for cell in signed_dates:
        assert cell.is_date, f"{cell.coordinate} holds {cell.value!r}, not a date"
        assert "yy" in cell.number_format
    recorded = {d.signed_on for d in service.register.store.documents.list() if d.signed_on}
    assert {c.value.date() for c in signed_dates} == recorded


def test_xlsx_transfers_and_assessments_say_what_the_status_report_says(
    service: AppServices, tmp_path: Path
) -> None:
    wb = load_workbook(_export(service, ExportFormat.XLSX, tmp_path / "register.xlsx"))
    report = service.register.status(TODAY)
    sheet = wb["Transfers"]
    head = [c.value for c in sheet[1]]
    rows = {
        r[head.index("ID")]: dict(zip(head, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    # Every transfer names its regimes, inherited from the exporter when not its own.
    assert all(r["Regimes"] for r in rows.values()), [r["ID"] for r in rows.values()]
    assert any(not t.regimes for t in service.register.store.transfers.list())
    for s in report.statuses:
        row = rows[s.transfer.id]
        assert row["Regimes"] == ", ".join(r.assessment.regime.value for r in s.results)
        assert row["Assessment status"] == TIA_STATE_LABELS[report.tia_state(s)]
        assert (row["Assessment"] or "") == (s.assessment.reference if s.assessment else "")
    tias = wb["Assessments"]
    head = [c.value for c in tias[1]]
    said = {
        r[head.index("ID")]: r[head.index("On the register date")]
        for r in tias.iter_rows(min_row=2, values_only=True)
    }
    for s in report.statuses:
        if s.assessment is not None and report.tia_state(s) in (
            TiaState.STALE,
            TiaState.REVIEW_OVERDUE,
        ):
            assert said[s.assessment.id] == TIA_STATE_LABELS[report.tia_state(s)]
    assert {"stale", "review overdue", "approved"} <= set(said.values())


def test_xlsx_never_holds_a_formula_and_keeps_hostile_text(
    service: AppServices, tmp_path: Path
) -> None:
    wb = load_workbook(_export(service, ExportFormat.XLSX, tmp_path / "register.xlsx"))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
    ents = wb["Entities"]
    names = {r[1].value: r[1] for r in ents.iter_rows(min_row=2)}
    for name in ALL_NAMES:
        # Excel's line break is a line feed: a carriage return could not survive XML anyway.
        shown = name.replace("\r", "\n")
        assert shown in names, f"{name!r} changed in the XLSX"
        if shown.startswith(DANGEROUS_PREFIXES):
            cell = names[shown]
            assert cell.data_type == "s" and cell.quotePrefix, f"{name!r} is not kept as text"
    assert sum(1 for n in names if n.startswith(DANGEROUS_PREFIXES)) == len(INJECTIONS) - 1


def test_xlsx_replaces_characters_xml_cannot_hold(service: AppServices, tmp_path: Path) -> None:
    service.register.store.entities.add(Entity(name="Bell\x07 Ltd", kind=EntityKind.VENDOR))
    wb = load_workbook(_export(service, ExportFormat.XLSX, tmp_path / "register.xlsx"))
    assert "Bell\ufffd Ltd" in {r[1].value for r in wb["Entities"].iter_rows(min_row=2)}


# -- PDF -------------------------------------------------------------------------------------


def test_pdf_is_landscape_with_summary_charts_and_the_full_table(
    service: AppServices,
) -> None:
    pdf_render = pytest.importorskip("exports.pdf_render")
    from pypdf import PdfReader

    data = gather(service.register.store, service.register, TODAY)
    lines = register_lines(data)
    doc = register_report(data, lines)
    assert doc.landscape
    reader = PdfReader(io.BytesIO(pdf_render.render_pdf(doc, invariant=True)))
    pages = [p.extract_text() for p in reader.pages]
    assert all(p.mediabox.width > p.mediabox.height for p in reader.pages)
    n = len(pages)
    for i, text in enumerate(pages, 1):
        assert f"Page {i} of {n}" in text
    text = "\n".join(pages)
    report = service.register.status(TODAY)
    assert "Summary" in pages[0]
    assert f"Compliant (no gap)\n{report.compliant_transfers:,}" in text
    assert f"Assessed (live on the date)\n{report.transfers_assessed:,}" in text
    assert "Transfers assessed, by destination" in text
    assert "Transfers assessed, by primary mechanism" in text
    # The table's header is repeated on every page it runs over.
    first = next(i for i, p in enumerate(pages) if "2. The register" in p)
    assert len(pages) - first >= 2, "the table should run over several pages here"
    for p in pages[first:]:
        assert "Safeguard" in p and "Next" in p, "header not repeated"
    flat = "".join(text.split())
    for name in ("<b>R&D</b> Ltd", "株式会社テスト", "Łódź Software House", "İstanbul Veri A.Ş."):
        assert "".join(name.split()) in flat, f"{name!r} missing from the PDF"
    # Arabic is drawn shaped and in visual order: extractors give each word back.
    shaped = unicodedata.normalize("NFKC", text)
    assert all(word in shaped for word in HOSTILE[4].split())
    for line in lines:
        if line.entity != HOSTILE[4]:
            assert "".join(line.entity.split())[:12] in flat, f"{line.entity!r} not listed"


def test_pdf_flags_critical_and_high_lines(service: AppServices) -> None:
    data = gather(service.register.store, service.register, TODAY)
    lines = register_lines(data)
    doc = register_report(data, lines)
    table = doc.sections[-1].blocks[-1]
    assert isinstance(table, Table)
    flagged = set(table.flagged)
    for i, line in enumerate(lines):
        assert (i in flagged) == (line.severity in (Severity.CRITICAL, Severity.HIGH))


# -- JSON ------------------------------------------------------------------------------------


def _json_without_time(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    data.pop("exported_at")
    return data


def _records_text(path: Path) -> str:
    """The file's record sections as written: from the first section to the audit trail."""
    text = path.read_text("utf-8")
    return text[text.index('\n  "entities": [') : text.index('\n  "audit": [')]


def test_json_round_trip_into_an_empty_register_is_lossless(
    service: AppServices, tmp_path: Path
) -> None:
    first = _export(service, ExportFormat.JSON, tmp_path / "register.json")
    data = json.loads(first.read_text("utf-8"))
    assert data["format"] == FORMAT and data["format_version"] == FORMAT_VERSION
    assert data["reference_data_version"] == service.reference.current.version
    assert any(e["archived_at"] for e in data["entities"]), "archived records are kept"
    assert any(d["supersedes_id"] for d in data["documents"]), "version chains are kept"
    assert data["files"] and all(len(f["sha256"]) == 64 for f in data["files"])
    assert any(t["content"] and t["inputs"] for t in data["tias"])
    assert data["catalogue"] and data["publications"] and data["subprocessor_notices"]

    target = _open(tmp_path / "target")
    copy = _services(target)
    result = copy.exports.import_json(first)
    assert result.counts["entities"] == len(data["entities"])
    # The signed file itself is not in the JSON: the import says which are missing.
    assert set(result.missing_files) == {f["sha256"] for f in data["files"]}
    second = _export(copy, ExportFormat.JSON, tmp_path / "again.json")
    before, after = _json_without_time(first), _json_without_time(second)
    history, moved = before.pop("audit"), after.pop("audit")
    assert before["counts"].pop("audit") == len(history) > 0
    assert after["counts"].pop("audit") == len(history) + 2
    assert before == after
    # Every record section is written byte for byte as before; the audit trail comes along
    # verbatim (under new ids) after the entry announcing it, then the note of the load.
    assert _records_text(first) == _records_text(second)
    assert [{**e, "id": 0} for e in moved[1:-1]] == [{**e, "id": 0} for e in history]
    assert copy.audit.verify().intact
    assert status_to_json(copy.register.compute_status(TODAY)) == status_to_json(
        service.register.compute_status(TODAY)
    )
    for name in ALL_NAMES:
        assert name in {e.name for e in target.entities.list()}
    target.close()


def test_json_import_refuses_a_register_that_is_not_empty(
    service: AppServices, tmp_path: Path
) -> None:
    path = _export(service, ExportFormat.JSON, tmp_path / "register.json")
    before = service.register.store.queries.counts().entities
    with pytest.raises(TransfersError, match="not empty"):
        service.exports.import_json(path)
    assert service.register.store.queries.counts().entities == before


def _tampered(service: AppServices, tmp_path: Path, change: Any) -> Path:
    path = _export(service, ExportFormat.JSON, tmp_path / "register.json")
    data = json.loads(path.read_text("utf-8"))
    change(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return bad


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["entities"][3].update(website="ftp://nowhere"),
            r"bad\.json: entities\[3\] \(id \d+, '.+'\): website: must start with https://",
        ),
        (
            lambda d: d["transfers"][0].update(importer_id=99999),
            r"transfers\[0\] \(id \d+\): importer_id: refers to 99999, which is not in the file",
        ),
        (
            lambda d: d["documents"][1].update(kind="contract"),
            r"documents\[1\] \(id \d+, '.+'\): kind: 'contract' is not one of",
        ),
        (
            lambda d: d["locations"][0].update(country="XX"),
            r"locations\[0\] \(id \d+\): country: unknown country code 'XX'",
        ),
        (
            lambda d: d["entities"][0].update(colour="red"),
            r"entities\[0\] \(id \d+, '.+'\): unknown field 'colour'",
        ),
        (
            lambda d: d["tias"][0].update(approved_on="31/12/2026"),
            r"tias\[0\] \(id \d+[^)]*\): approved_on: '31/12/2026' is not a date",
        ),
        (
            lambda d: d.update(format_version=FORMAT_VERSION + 1),
            r"written by a newer version of the app",
        ),
    ],
)
def test_json_import_names_the_bad_record_and_loads_nothing(
    service: AppServices, tmp_path: Path, change: Any, expected: str
) -> None:
    bad = _tampered(service, tmp_path, change)
    target = _open(tmp_path / "target")
    with pytest.raises(TransfersError, match=expected):
        _services(target).exports.import_json(bad)
    assert target.queries.counts().entities == 0 and target.queries.counts().audit_entries == 0
    target.close()


def test_json_import_of_a_file_that_is_not_a_register(tmp_path: Path) -> None:
    target = _open(tmp_path / "target")
    svc = _services(target)
    for text, expected in (
        ('{"entities": [', "invalid JSON at line 1"),
        ('{"hello": 1}', "not a Transfer Register file"),
        ("[1, 2]", "not a Transfer Register file"),
    ):
        path = tmp_path / "x.json"
        path.write_text(text, "utf-8")
        with pytest.raises(TransfersError, match=expected):
            svc.exports.import_json(path)
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(TransfersError, match="not UTF-8"):
        svc.exports.import_json(path)
    assert target.queries.counts().entities == 0
    target.close()


# -- failures leave nothing behind -------------------------------------------------------------


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX, ExportFormat.JSON])
def test_a_cancelled_export_leaves_no_file_and_keeps_the_old_one(
    service: AppServices, tmp_path: Path, fmt: ExportFormat
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"register.{fmt.value}"

    def cancel(done: int, total: int) -> None:
        raise ExportCancelled()

    with pytest.raises(ExportCancelled):
        _export(service, fmt, target, progress=cancel)
    assert list(out.iterdir()) == []
    target.write_text("the previous export", "utf-8")
    with pytest.raises(ExportCancelled):
        _export(service, fmt, target, progress=cancel)
    assert list(out.iterdir()) == [target]
    assert target.read_text("utf-8") == "the previous export"


def test_a_failed_pdf_leaves_no_file(
    service: AppServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf_render = pytest.importorskip("exports.pdf_render")

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_render, "render_pdf", broken)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(TransfersError, match="No space left on device"):
        _export(service, ExportFormat.PDF, out / "register.pdf")
    assert list(out.iterdir()) == []


def test_export_into_a_missing_folder_names_it(service: AppServices, tmp_path: Path) -> None:
    with pytest.raises(TransfersError, match="does not exist"):
        _export(service, ExportFormat.CSV, tmp_path / "nowhere" / "register.csv")
    with pytest.raises(TransfersError, match="is a folder"):
        _export(service, ExportFormat.CSV, tmp_path)
