"""Importing a vendor list into a real register: the preview writes nothing, apply writes all of
it or none of it, a re-import matches every row, and the command line end to end."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from support.cli import entity_count, run_cli
from support.stores import entity_named
from support.workbooks import write_xlsx

from db.sqlite.store import SessionStore
from exports import file_adapters
from transfers_app.domain.enums import Access, Activity, EntityKind, Lifecycle, Mechanism, Role
from transfers_app.domain.models import Entity
from transfers_app.errors import StorageError
from transfers_app.ports.storage import Store
from transfers_app.services.importing import (
    Field,
    ImportFailed,
    ImportService,
    MappingMemory,
    Outcome,
)

TODAY = date(2026, 11, 25)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
GERMAN = FIXTURES / "unterauftragsverarbeiter_utf8_bom.csv"
MESSY = FIXTURES / "subprocessor_list_messy.csv"
CP1252 = FIXTURES / "vendors_windows1252.csv"
HOSTILE = FIXTURES / "hostile_strings.csv"


@pytest.fixture
def repo(demo_register: Store) -> Store:
    """The demo register, on each engine."""
    return demo_register


@pytest.fixture
def importer(repo: Store, tmp_path: Path) -> ImportService:
    return ImportService(
        repo, file_adapters().lists, TODAY, MappingMemory(tmp_path / "mappings.json")
    )


def counts(repo: Store) -> tuple[int, int, int, int]:
    now = repo.queries.counts()
    return (now.entities, now.locations, now.transfers, now.audit_entries)


def preview_of(importer: ImportService, path: Path, **changes: object):  # type: ignore[no-untyped-def]
    table = importer.read(path)
    mapping, source = importer.mapping_for(table)
    for header, f in changes.items():
        mapping = mapping.with_column(header.replace("_", " "), f, table.headers)  # type: ignore[arg-type]
    return importer.preview(table, mapping, source)


# -- preview ------------------------------------------------------------------------------------


def test_preview_shows_every_row_and_writes_nothing(repo: Store, importer: ImportService) -> None:
    before = counts(repo)
    preview = preview_of(importer, GERMAN)
    assert counts(repo) == before
    assert [r.number for r in preview.rows] == [4, 5, 6, 7, 8, 9]
    by_name = {r.name: r for r in preview.rows}
    lumen = by_name["Lumen Analytics GmbH"]
    assert lumen.outcome is Outcome.CHANGED  # already on the demo register
    plan = preview.plan_of(lumen)
    assert plan is not None and plan.existing is not None and plan.match == "name"
    assert [(c.field, c.before, c.after) for c in plan.changes if c.field == "address"] == [
        ("address", "", "Hauptstraße 5, 10115 Berlin")
    ]
    assert not plan.new_locations  # DE is already one of its locations
    assert by_name["Wolke Sieben Rechenzentrum AG"].outcome is Outcome.NEW
    assert by_name["Wolke Sieben Rechenzentrum AG"].countries == ("US", "IE")
    assert by_name["Bureau Français SARL"].countries == ("DE", "GB", "FR")
    weltweit = by_name["Weltweit Support GmbH"]
    assert weltweit.review == ("Weltweit",)
    assert str(weltweit.problems[0]).startswith("row 8, column 'Standort': 'Weltweit' is a region")
    assert preview.count(Outcome.NEW) == 5 and preview.count(Outcome.CHANGED) == 1
    assert preview.importable
    assert any("no transfers are created" in n for n in preview.notes)


def test_apply_writes_entities_locations_and_notes_then_a_reimport_changes_nothing(
    repo: Store, importer: ImportService
) -> None:
    entities_before = repo.queries.counts().entities
    result = importer.apply(preview_of(importer, GERMAN))
    assert (result.created, result.updated) == (5, 1)
    assert repo.queries.counts().entities == entities_before + 5
    wolke = entity_named(repo, "Wolke Sieben Rechenzentrum AG")
    assert wolke.kind is EntityKind.VENDOR
    assert wolke.lifecycle is Lifecycle.ACTIVE
    assert "Purpose: Hosting" in wolke.notes and "Role: subprocessor" in wolke.notes
    assert wolke.id is not None
    assert [loc.country for loc in repo.entities.locations(wolke.id)] == ["US", "IE"]
    paris = entity_named(repo, "Bureau Français SARL")
    assert paris.id is not None
    hq = [loc for loc in repo.entities.locations(paris.id) if loc.activity is Activity.HEADQUARTERS]
    assert [(loc.country, loc.city) for loc in hq] == [("FR", "Paris")]
    weltweit = entity_named(repo, "Weltweit Support GmbH")
    assert "Location to review: Weltweit" in weltweit.notes
    assert repo.audit.entries(limit=1)[0].action == "import"

    after = counts(repo)
    again = preview_of(importer, GERMAN)
    assert {r.outcome for r in again.rows} == {Outcome.UNCHANGED}
    assert not again.importable
    with pytest.raises(ImportFailed, match="nothing to import"):
        importer.apply(again)
    assert counts(repo) == after


def test_a_changed_file_shows_each_change_before_and_after(
    repo: Store, importer: ImportService, tmp_path: Path
) -> None:
    importer.apply(preview_of(importer, CP1252))
    edited = tmp_path / "vendors.csv"
    text = CP1252.read_bytes().decode("cp1252")
    text = text.replace("https://nordlicht.example", "https://nordlicht.example/privacy")
    text = text.replace(
        "Müller Logistik GmbH,Warehouse and shipping,Deutschland",
        'Müller Logistik GmbH,Warehouse and shipping,"Deutschland, Polen"',
    )
    edited.write_bytes(text.encode("cp1252"))
    preview = preview_of(importer, edited)
    changed = {r.name: preview.plan_of(r) for r in preview.rows if r.outcome is Outcome.CHANGED}
    assert set(changed) == {"Nordlicht Analytics Oy", "Müller Logistik GmbH"}
    nordlicht = changed["Nordlicht Analytics Oy"]
    assert nordlicht is not None
    assert [(c.field, c.before, c.after) for c in nordlicht.changes] == [
        ("website", "https://nordlicht.example", "https://nordlicht.example/privacy")
    ]
    muller = changed["Müller Logistik GmbH"]
    assert muller is not None
    assert [(c.field, c.after) for c in preview.changes_of(muller)] == [("locations", "Poland")]
    importer.apply(preview)
    assert entity_named(repo, "Nordlicht Analytics Oy").website.endswith("/privacy")
    assert repo.queries.counts().entities == 20 + 7


def test_a_failure_in_any_row_leaves_the_register_as_it_was(
    repo: Store, importer: ImportService, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = preview_of(importer, CP1252)
    before = counts(repo)
    # The session every repository of the store writes through.
    assert isinstance(repo, SessionStore)
    session = repo._session
    real = session.bulk_insert

    def failing(table, rows):  # type: ignore[no-untyped-def]
        # The locations go in after every new entity has been written.
        if table == "locations":
            raise StorageError("disk I/O error")
        return real(table, rows)

    monkeypatch.setattr(session, "bulk_insert", failing)
    with pytest.raises(ImportFailed) as caught:
        importer.apply(preview)
    message = str(caught.value)
    assert message.startswith("disk I/O error")
    assert "nothing was imported" in message
    assert counts(repo) == before
    assert not [
        e for e in repo.entities.list(include_archived=True) if e.name == "Société Générale"
    ]


def test_a_failure_after_the_last_row_still_leaves_nothing_behind(
    repo: Store, importer: ImportService, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = preview_of(importer, MESSY)  # entities, locations, transfers and an update
    before = counts(repo)
    stratus = entity_named(repo, "Stratus Cloud Hosting, Inc.")

    def full_disk(action: str, detail: str) -> None:
        raise StorageError("database or disk is full")

    # The import's audit note, written last.
    monkeypatch.setattr(repo.audit, "note", full_disk)
    with pytest.raises(ImportFailed, match="disk is full; nothing was imported"):
        importer.apply(preview)
    assert counts(repo) == before
    assert repo.entities.get(stratus.id or 0) == stratus
    assert not [e for e in repo.entities.list() if e.name == "Shamrock Mail Ltd"]


def test_a_preview_made_before_the_register_changed_is_refused(
    repo: Store, importer: ImportService
) -> None:
    preview = preview_of(importer, CP1252)
    repo.entities.add(Entity(name="Société Générale", kind=EntityKind.VENDOR))
    before = counts(repo)
    with pytest.raises(ImportFailed, match="changed since the preview"):
        importer.apply(preview)
    assert counts(repo) == before
    # Previewed again, the new entity is matched instead of duplicated.
    again = preview_of(importer, CP1252)
    socgen = next(r for r in again.rows if r.name == "Société Générale")
    assert socgen.outcome is Outcome.CHANGED
    importer.apply(again)
    assert len([e for e in repo.entities.list() if e.name == "Société Générale"]) == 1


def test_transfers_are_created_when_the_file_names_our_sending_entity(
    repo: Store, importer: ImportService
) -> None:
    preview = preview_of(importer, MESSY)
    assert preview.transfers_planned
    rows = {r.name: r for r in preview.rows}
    stratus = preview.plan_of(rows["Stratus Cloud Hosting"])
    assert stratus is not None and stratus.existing is not None
    assert stratus.existing.name == "Stratus Cloud Hosting, Inc."  # legal form ignored
    # US was already a destination from our UK entity; Germany is new.
    assert [t.destination for t in stratus.new_transfers] == ["DE"]
    unknown = rows["Unknown Exporter Ltd"]
    assert any(
        "'Some Other Company GmbH' is not one of our entities" in p.message
        for p in unknown.problems
    )
    result = importer.apply(preview)
    assert result.transfers_added == 6
    own = entity_named(repo, "Keystone Access Europe Ltd")
    stratus_id = stratus.existing.id
    assert stratus_id is not None
    new_transfer = next(
        t
        for t in repo.transfers.of_entity(stratus_id)
        if t.destination == "DE" and t.exporter_id == own.id
    )
    assert [m.mechanism for m in new_transfer.mechanisms] == [
        Mechanism.EU_SCC,
        Mechanism.UK_ADDENDUM,
    ]
    assert new_transfer.purpose == "Cloud hosting"
    assert new_transfer.data_categories == ("Identity", "Contact", "Technical")
    assert new_transfer.access is Access.STORAGE
    assert new_transfer.started_on is None
    stratus_after = repo.entities.get(stratus_id)
    assert stratus_after.active_on == date(2023, 3, 15)  # 15/03/2023: day first
    shamrock = entity_named(repo, "Shamrock Mail Ltd")
    assert shamrock.id is not None
    (loc,) = repo.entities.locations(shamrock.id)
    assert (loc.country, loc.city, loc.activity) == ("IE", "Dublin", Activity.HEADQUARTERS)
    assert entity_named(repo, "Bay Area Insights Inc.").lifecycle is Lifecycle.PROPOSED
    assert entity_named(repo, "Bay Area Insights Inc.").proposed_on == TODAY
    assert entity_named(repo, "Privacy Shield Legacy LLC").lifecycle is Lifecycle.OFFBOARDED
    assert not [e for e in repo.entities.list() if e.name == "Stratus Cloud Hosting"]
    again = preview_of(importer, MESSY)
    assert again.count(Outcome.NEW) == again.count(Outcome.CHANGED) == 0


def test_our_entity_chosen_for_the_whole_file_gets_a_transfer_per_country(
    repo: Store, importer: ImportService
) -> None:
    table = importer.read(CP1252)
    mapping, _ = importer.mapping_for(table)
    from dataclasses import replace

    mapping = replace(mapping, exporter="Keystone Access Europe", role=Role.SUBPROCESSOR)
    preview = importer.preview(table, mapping)
    assert preview.transfers_planned
    importer.apply(preview)
    nordlicht = entity_named(repo, "Nordlicht Analytics Oy")
    assert nordlicht.id is not None
    transfers = repo.transfers.of_entity(nordlicht.id)
    assert sorted(t.destination for t in transfers) == ["DE", "FI", "US"]
    assert {(t.importer_role, t.exporter_role) for t in transfers} == {
        (Role.SUBPROCESSOR, Role.PROCESSOR)
    }
    assert {t.service for t in transfers} == {"Product analytics"}


def test_rows_naming_the_same_supplier_become_one_entity(
    repo: Store, importer: ImportService, tmp_path: Path
) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        "Vendor,Country,Service,Website\n"
        "Orbit Mail GmbH,Germany,Newsletters,https://orbit.example\n"
        "ORBIT MAIL,Austria,Transactional email,https://other.example\n",
        "utf-8",
    )
    preview = preview_of(importer, path)
    assert len(preview.plans) == 1
    second = preview.rows[1]
    messages = [p.message for p in second.problems]
    assert "same organisation as row 2: merged into one entity" in messages
    assert "the website differs from row 2; row 2's is kept" in messages
    importer.apply(preview)
    orbit = entity_named(repo, "Orbit Mail GmbH")
    assert orbit.id is not None and orbit.website == "https://orbit.example"
    assert [loc.country for loc in repo.entities.locations(orbit.id)] == ["DE", "AT"]
    assert "Service: Newsletters" in orbit.notes and "Service: Transactional email" in orbit.notes


def test_matched_by_legal_name_when_the_trading_name_differs(
    repo: Store, importer: ImportService, tmp_path: Path
) -> None:
    path = tmp_path / "legal.csv"
    path.write_text(
        "Name,Legal name,Country\nSakura Translations,SAKURA HONYAKU Kabushiki Kaisha,Japan\n",
        "utf-8",
    )
    (row,) = preview_of(importer, path).rows
    assert row.outcome is Outcome.UNCHANGED
    plan = preview_of(importer, path).plan_of(row)
    assert plan is not None and plan.existing is not None
    assert plan.existing.name == "株式会社サクラ翻訳" and plan.match == "legal name"


def test_an_archived_namesake_is_not_reused_silently(
    repo: Store, importer: ImportService, tmp_path: Path
) -> None:
    repo.entities.archive(entity_named(repo, "Lumen Analytics GmbH"))
    preview = preview_of(importer, GERMAN)
    lumen = next(r for r in preview.rows if r.name == "Lumen Analytics GmbH")
    assert lumen.outcome is Outcome.NEW
    assert any("an archived entity 'Lumen Analytics GmbH'" in p.message for p in lumen.problems)


def test_rows_with_errors_are_not_imported_and_name_row_and_column(
    repo: Store, importer: ImportService, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "Vendor,Contact email,Country\n"
        "Good Vendor Ltd,dpo@good.example,Ireland\n"
        ",nobody@example.com,France\n",
        "utf-8",
    )
    preview = preview_of(importer, path)
    good, bad = preview.rows
    assert good.outcome is Outcome.NEW and bad.outcome is Outcome.SKIPPED
    assert [str(p) for p in bad.errors] == [
        "row 3, column 'Vendor': no name: the row is not imported"
    ]
    result = importer.apply(preview)
    assert (result.created, result.skipped_rows) == (1, 1)


def test_every_row_with_an_error_means_nothing_to_import(
    repo: Store, importer: ImportService
) -> None:
    preview = preview_of(importer, CP1252, Vendor_Name=None)
    assert preview.count(Outcome.SKIPPED) == 7
    assert not preview.importable
    assert "no column is mapped to the name" in preview.notes[0]


def test_hostile_strings_are_stored_as_text_exactly(repo: Store, importer: ImportService) -> None:
    importer.apply(preview_of(importer, HOSTILE))
    names = {e.name for e in repo.entities.list()}
    for expected in (
        '=HYPERLINK("http://evil.example","Click me")',
        "<b>R&D</b> Ltd",
        "株式会社テスト",
        "Łódź sp. z o.o.",
        "İstanbul A.Ş.",
        "شركة البيانات المحدودة",
        "Robert'); DROP TABLE entities;--",
        "EvilCorp",
    ):
        assert expected in names
    assert "X" * 301 not in names
    assert repo.queries.counts().entities == 20 + 9
    # "Łódź sp. z o.o." is not the demo's "Łódź Software House sp. z o.o.": a new entity.
    assert len([n for n in names if n.startswith("Łódź")]) == 2


def test_the_mapping_is_remembered_per_set_of_headers(
    importer: ImportService, tmp_path: Path
) -> None:
    table = importer.read(CP1252)
    guessed, source = importer.mapping_for(table)
    assert source == "guessed"
    mine = guessed.with_column("Notes", None, table.headers).with_column(
        "Contact", Field.CONTACT_EMAIL, table.headers
    )
    assert importer.remember(table, mine)
    recalled, source = importer.mapping_for(table)
    assert (recalled, source) == (mine, "remembered")
    # The same list saved with its columns in another order is recognised.
    reordered = tmp_path / "reordered.csv"
    reordered.write_text(
        "Notes,Contact,Website,Country of processing,Service,Vendor Name\nx,y,z,France,s,Acme\n",
        "utf-8",
    )
    assert importer.mapping_for(importer.read(reordered)) == (mine, "remembered")
    # A file that is not JSON is ignored, not fatal.
    (tmp_path / "mappings.json").write_text("{broken", "utf-8")
    assert importer.mapping_for(table)[1] == "guessed"


# -- command line -------------------------------------------------------------------------------


@pytest.fixture
def home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    folder = tmp_path / "cli-home"
    monkeypatch.setenv("TRANSFERS_APP_HOME", str(folder))
    assert run_cli(capsys, "demo")[0] == 0
    return folder


def test_cli_dry_run_json_previews_without_writing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "import", str(MESSY), "--dry-run", "--json")
    assert err == ""
    assert code == 1  # a location is left to a human
    report = json.loads(out)
    assert report["written"] is False
    assert report["read_as"] == {
        "encoding": "utf-8",
        "delimiter": ",",
        "sheet": None,
        "header_row": 2,
    }
    assert report["summary"]["new"] == 6 and report["summary"]["changed"] == 1
    assert report["summary"]["locations_to_review"] == 1
    assert report["mapping"]["columns"]["Data exporter"] == "exporter"
    stratus = next(r for r in report["rows"] if r["row"] == 3)
    assert stratus["outcome"] == "changed" and stratus["matched_by"] == "name"
    assert {
        "field": "locations",
        "label": "processing location",
        "before": "",
        "after": "Germany",
    } in stratus["changes"]
    worldwide = next(r for r in report["rows"] if r["review"])
    assert worldwide["review"] == ["Worldwide"]
    assert worldwide["problems"][0]["level"] == "review"
    assert entity_count(home / "register.db") == 20


def test_cli_imports_then_a_second_run_is_unchanged(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "import", str(CP1252))
    assert code == 1  # "Region chosen by customer" needs a human
    assert "Imported vendors_windows1252.csv: 7 new" in out
    assert "row 8     New          Flexi CRM Ltd" in out
    assert "'Region chosen by customer' is a region" in out
    assert entity_count(home / "register.db") == 27
    code, out, _ = run_cli(capsys, "import", str(CP1252))
    assert "Columns (remembered)" in out
    assert "0 new, 0 changed, 7 unchanged" in out
    assert "Nothing to import" in out
    assert entity_count(home / "register.db") == 27


def test_cli_clean_file_exits_0(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "clean.csv"
    path.write_text("Supplier;Land\nKlar GmbH;Österreich\n", "utf-8")
    code, out, _ = run_cli(capsys, "import", str(path))
    assert code == 0, out
    assert entity_count(home / "register.db") == 21


def test_cli_mapping_file_and_its_errors(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"columns": {"Unterauftragsverarbeiter": "name", "Zweck": "service"}}),
        "utf-8",
    )
    code, out, _ = run_cli(
        capsys, "import", str(GERMAN), "--mapping", str(mapping), "--json", "--dry-run"
    )
    report = json.loads(out)
    assert code == 0  # the locations column is not read: nothing to review
    assert report["mapping_source"] == "file"
    assert all(r["countries"] == [] for r in report["rows"])
    mapping.write_text('{"columns": {"Unterauftragsverarbeiter": "firm"}}', "utf-8")
    code, out, err = run_cli(capsys, "import", str(GERMAN), "--mapping", str(mapping))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "mapping.json: column 'Unterauftragsverarbeiter' maps to 'firm'" in err
    code, _, err = run_cli(capsys, "import", str(GERMAN), "--mapping", str(tmp_path / "none.json"))
    assert code == 2 and "cannot read the mapping" in err


def test_cli_unreadable_file_exit_2_with_one_line(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run_cli(capsys, "import", str(tmp_path / "missing.csv"))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "missing.csv does not exist" in err
    fake = tmp_path / "old.xls"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    code, _, err = run_cli(capsys, "import", str(fake))
    assert code == 2 and "old.xls is an old-style Excel .xls file" in err
    assert entity_count(home / "register.db") == 20


def test_cli_xlsx_with_a_sheet(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "vendors.xlsx",
        {
            "Notes": [["nothing here"]],
            "Subprocessors": [
                ["Subprocessor", "Location", "Since"],
                ["Tabula Rasa SAS", "France", date(2022, 5, 17)],
            ],
        },
    )
    code, _, err = run_cli(capsys, "import", str(path), "--sheet", "Vendors")
    assert code == 2 and "has no sheet 'Vendors'; its sheets are: 'Notes', 'Subprocessors'" in err
    code, out, _ = run_cli(capsys, "import", str(path), "--sheet", "Subprocessors", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["read_as"]["sheet"] == "Subprocessors"
    assert report["result"]["created"] == 1
    conn = sqlite3.connect(home / "register.db")
    try:
        (active_on,) = conn.execute(
            "SELECT active_on FROM entities WHERE name = 'Tabula Rasa SAS'"
        ).fetchone()
    finally:
        conn.close()
    assert active_on == "2022-05-17"


def test_cli_import_into_an_empty_register_creates_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "fresh"
    copy = tmp_path / "copy.csv"
    shutil.copy(GERMAN, copy)
    code, out, _ = run_cli(capsys, "--data-dir", str(folder), "import", str(copy))
    assert code == 1
    assert "6 new" in out and entity_count(folder / "register.db") == 6
    assert (folder / "import-mappings.json").exists()
