"""Reading vendor lists as teams keep them: encodings, delimiters, title rows, XLSX, column
guesses, merged and misspelt locations, addresses, hostile strings."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from support.workbooks import write_xlsx

from exports.list_reader import read_bytes, read_table
from transfers_app.domain.columns import Field, Mapping, MappingError, guess_columns, header_set_key
from transfers_app.domain.enums import Lifecycle, Mechanism, Role
from transfers_app.domain.places import country_from_address, parse_locations
from transfers_app.domain.vendor_list import (
    parse_date,
    parse_lifecycle,
    parse_mechanisms,
    parse_role,
    read_records,
)
from transfers_app.domain.vendor_table import ImportFileError, Level, clean_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def codes(text: str) -> list[str | None]:
    return [p.code for p in parse_locations(text)]


def build_xlsx(path: Path) -> Path:
    """A workbook as teams send them: a cover sheet, then the list under a title, real dates,
    numbers typed as numbers, a merged location cell with a line break."""
    return write_xlsx(
        path,
        {
            "Read me": [["Vendor register - confidential"]],
            "Vendors 2025": [
                ["Vendor register (owner: Legal)"],
                [],
                ["Supplier", "Hosting country", "Contract start", "Company no.", "Status"],
                [
                    "Acme Datenverarbeitung GmbH",
                    "Deutschland",
                    datetime(2024, 3, 1),
                    12345678,
                    "Active",
                ],
                [None, None, None, None, None],
                ["Beta Cloud Ltd", "UK\nIreland", date(2023, 12, 31), "SC123456", "Live"],
                ["Gamma Analytics Inc.", "Region chosen by customer", None, None, "Proposed"],
            ],
        },
    )


# -- reading files -------------------------------------------------------------------------------


def test_windows_1252_file_keeps_its_accents_and_euro_sign() -> None:
    table = read_table(FIXTURES / "vendors_windows1252.csv")
    assert table.encoding == "cp1252"
    names = [r.cells[0] for r in table.rows]
    assert "Société Générale" in names
    assert "Crème Brûlée Support Ltd" in names
    notes = [r.cells[5] for r in table.rows]
    assert "Café budget – “priority”" in notes
    assert "Costs €12k a year" in notes


def test_utf8_bom_semicolons_and_title_rows_above_the_german_header() -> None:
    table = read_table(FIXTURES / "unterauftragsverarbeiter_utf8_bom.csv")
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ";"
    assert table.headers == ("Unterauftragsverarbeiter", "Standort", "Zweck", "Adresse", "Rolle")
    assert table.header_row == 3
    assert table.rows[0].number == 4  # the row number a spreadsheet shows
    assert table.rows[0].cells[0] == "Lumen Analytics GmbH"
    assert "skipped 2 rows above the header" in table.notes[0]


def test_utf8_without_bom_is_not_mistaken_for_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("Name,Land\nMüller AG,Österreich\n".encode())
    table = read_table(path)
    assert table.encoding == "utf-8"
    assert table.rows[0].cells == ("Müller AG", "Österreich")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excel_unicode_text_export_utf16_tab_delimited(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "export.txt"
    text = "Vendor\tCountry\r\n株式会社テスト\tJapan\r\nŁódź sp. z o.o.\tPolska\r\n"
    path.write_bytes(text.encode(encoding))
    table = read_table(path)
    assert table.delimiter == "\t"
    assert [r.cells for r in table.rows] == [
        ("株式会社テスト", "Japan"),
        ("Łódź sp. z o.o.", "Polska"),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_common_delimiter_is_found(tmp_path: Path, delimiter: str) -> None:
    rows = [
        ["Vendor", "Locations", "Purpose"],
        ["Nordlicht Oy", '"Germany, Finland; United States"', "Analytics | BI"],
        ["Atlas Inc.", "United States", "Hosting"],
        ["Shamrock Ltd", "Ireland", "Email"],
    ]
    if delimiter != ",":
        rows[1][1] = '"Germany, Finland, United States"'
    if delimiter == "|":
        rows[1][2] = '"Analytics | BI"'
    path = tmp_path / "list.csv"
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n", "utf-8")
    table = read_table(path)
    assert table.delimiter == delimiter
    assert table.headers == ("Vendor", "Locations", "Purpose")
    assert len(table.rows) == 3
    assert codes(str(table.rows[0].cells[1]))[:2] == ["DE", "FI"]


def test_excel_sep_line_names_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("sep=;\nName;Country\nAcme, Inc.;US\n", "utf-8")
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.rows[0].cells == ("Acme, Inc.", "US")
    assert table.rows[0].number == 3


def test_blank_and_duplicate_headers_get_names_users_can_map(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Notes,,Notes\nAcme,a,b,c\n", "utf-8")
    table = read_table(path)
    assert table.headers == ("Name", "Notes", "Column C", "Notes (2)")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\n\n  \n", "is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old-style Excel .xls"),
        (b"%PDF-1.7\n...", "is a PDF"),
        (b"Name,Country\n", "no rows under it"),
        (b"\x00\x01\x02\x03binary\x00\xff\x00\x10" * 20, "not a text file"),
        (b"PK\x03\x04 not really a workbook", "cannot be read as an Excel workbook"),
    ],
)
def test_unreadable_files_are_one_line_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message) as caught:
        read_bytes(data, "suppliers.csv")
    assert "suppliers.csv" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_folder_are_named(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="is a folder"):
        read_table(tmp_path)


def test_xlsx_reads_the_first_sheet_with_a_table_and_keeps_dates(tmp_path: Path) -> None:
    table = read_table(build_xlsx(tmp_path / "vendors.xlsx"))
    assert table.sheet == "Vendors 2025"
    assert table.sheets == ("Read me", "Vendors 2025")
    assert table.header_row == 3
    first = table.rows[0]
    assert first.number == 4
    assert first.cells[2] == date(2024, 3, 1)  # a datetime at midnight is a date
    assert first.cells[3] == "12345678"  # not "12345678.0"
    result = read_records(table, Mapping.guess(table.headers, table.samples()))
    acme, beta, gamma = result.records
    assert acme.active_on == date(2024, 3, 1)
    assert acme.registration_number == "12345678"
    assert [p.code for p in beta.locations] == ["GB", "IE"]
    assert beta.lifecycle is Lifecycle.ACTIVE
    assert gamma.lifecycle is Lifecycle.PROPOSED
    assert gamma.locations[0].needs_review
    assert (beta.number, result.blank_rows) == (6, 1)  # the blank row 5 is skipped


def test_xlsx_named_sheet_and_a_wrong_name_lists_the_sheets(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "vendors.xlsx")
    with pytest.raises(ImportFileError, match="'Read me', 'Vendors 2025'"):
        read_table(path, sheet="Vendors")
    with pytest.raises(ImportFileError, match="no rows under it"):
        read_table(path, sheet="Read me")
    assert read_table(path, sheet="Vendors 2025").rows[2].cells[0] == "Beta Cloud Ltd"


def test_csv_with_a_sheet_name_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="has no sheets"):
        read_table(FIXTURES / "vendors_windows1252.csv", sheet="Sheet1")


# -- columns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Unterauftragsverarbeiter", "Standort", "Zweck"],
            [Field.NAME, Field.LOCATIONS, Field.PURPOSE],
        ),
        (
            ["Sous-traitant ultérieur", "Pays", "Finalité", "Adresse", "Site web"],
            [Field.NAME, Field.LOCATIONS, Field.PURPOSE, Field.ADDRESS, Field.WEBSITE],
        ),
        (
            ["Proveedor", "País", "Finalidad", "Correo electrónico", "Categorías de datos"],
            [
                Field.NAME,
                Field.LOCATIONS,
                Field.PURPOSE,
                Field.CONTACT_EMAIL,
                Field.DATA_CATEGORIES,
            ],
        ),
        (
            ["Vendor Name", "Vendor contact email", "Contact person", "Legal entity"],
            [Field.NAME, Field.CONTACT_EMAIL, Field.CONTACT_NAME, Field.LEGAL_NAME],
        ),
        (
            ["Sub-processor", "Adress", "Contry of processing", "Transfer mechanism"],
            [Field.NAME, Field.ADDRESS, Field.LOCATIONS, Field.MECHANISM],
        ),
        (
            ["Hosting location", "Support location", "Company", "Data exporter", "Start date"],
            [Field.LOCATIONS, Field.SUPPORT_LOCATIONS, Field.NAME, Field.EXPORTER, Field.ACTIVE_ON],
        ),
    ],
)
def test_columns_are_guessed_from_headers_in_four_languages(
    headers: list[str], expected: list[Field]
) -> None:
    guessed = guess_columns(headers)
    assert [guessed.get(h) for h in headers] == expected


def test_a_column_of_email_addresses_is_the_contact_email_whatever_its_header() -> None:
    headers = ["Supplier", "Who to ask", "Misc"]
    samples = [["Acme", "Beta"], ["dpo@acme.example", "privacy@beta.example"], ["x", "y"]]
    guessed = guess_columns(headers, samples)
    assert guessed["Who to ask"] is Field.CONTACT_EMAIL
    assert "Misc" not in guessed


def test_one_field_goes_to_one_column_but_locations_may_take_several() -> None:
    guessed = guess_columns(["Name", "Vendor", "Country", "Data centre location"])
    assert list(guessed.values()).count(Field.NAME) == 1
    assert guessed["Country"] is Field.LOCATIONS
    assert guessed["Data centre location"] is Field.LOCATIONS


def test_mapping_survives_json_and_moves_a_single_field(tmp_path: Path) -> None:
    mapping = Mapping.guess(["Vendor", "Country", "Notes"])
    again = Mapping.from_json(mapping.to_json())
    assert again == mapping
    moved = again.with_column("Notes", Field.NAME, ["Vendor", "Country", "Notes"])
    assert moved.field_of("Notes") is Field.NAME
    assert moved.field_of("Vendor") is None
    assert header_set_key(["Vendor", "Country"]) == header_set_key(["country", "VENDOR "])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "mapping.json is not valid JSON"),
        ('{"columns": {"Vendor": "nom"}}', "column 'Vendor' maps to 'nom', which is not a field"),
        ('{"columns": {"A": "name", "B": "name"}}', "'name' is given by several columns"),
        ('{"columns": {"A": "name"}, "role": "boss"}', "role 'boss' is not one of"),
        ('{"columns": {}}', "'columns' must map column headers to fields"),
        ('{"format": "other", "columns": {"A": "name"}}', "not an import mapping"),
    ],
)
def test_bad_mapping_files_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        Mapping.from_json(text, "mapping.json")


# -- locations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Germany, Finland, United States", ["DE", "FI", "US"]),
        ("USA (US Cloud) or Germany (EU Cloud)", ["US", "DE"]),
        ("Deutschland", ["DE"]),
        ("Allemagne", ["DE"]),
        ("Alemania", ["DE"]),
        ("Estados Unidos", ["US"]),
        ("Vereinigte Staaten", ["US"]),
        ("Royaume-Uni", ["GB"]),
        ("Vereinigte Staaten und Irland", ["US", "IE"]),
        ("Allemagne / Royaume-Uni", ["DE", "GB"]),
        ("U.S.", ["US"]),
        ("UK", ["GB"]),
        ("Great Britain", ["GB"]),
        ("England", ["GB"]),
        ("Holland", ["NL"]),
        ("Korea", ["KR"]),
        ("Korea, Republic of", ["KR"]),
        ("Trinidad and Tobago, Germany", ["TT", "DE"]),
        ("Bosnia and Herzegovina", ["BA"]),
        ("DE, US, IN", ["DE", "US", "IN"]),
        ("Japan; Singapore\nAustralia", ["JP", "SG", "AU"]),
        ("Munich, Germany", ["DE"]),
        ("Bengaluru", ["IN"]),
        ("eu-west-1 (Ireland)", ["IE"]),
        ("Türkiye", ["TR"]),
        ("Georgia", ["GE"]),  # the country, not the US state
    ],
)
def test_locations_resolve_to_iso_codes(text: str, expected: list[str]) -> None:
    places = parse_locations(text)
    assert [p.code for p in places] == expected
    assert not any(p.note for p in places), "certain readings carry no warning"


@pytest.mark.parametrize(
    ("text", "code", "read_as"),
    [
        ("Germnay", "DE", "Germany"),
        ("Untied States", "US", "United States"),
        ("Frnace", "FR", "France"),
        ("Swizterland", "CH", "Switzerland"),
        ("Frankfrut", "DE", "Frankfurt"),
    ],
)
def test_typos_are_read_with_a_warning_saying_how(text: str, code: str, read_as: str) -> None:
    (place,) = parse_locations(text)
    assert place.code == code
    assert read_as in place.note and "typo" in place.note


def test_a_typo_close_to_two_countries_is_left_to_a_human() -> None:
    (place,) = parse_locations("Nigera")  # Nigeria or Niger?
    assert place.needs_review


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("EU", "EU"),
        ("EEA", "EEA"),
        ("Worldwide", "worldwide"),
        ("Global", "worldwide"),
        ("Weltweit", "worldwide"),
        ("APAC", "Asia-Pacific"),
        ("Region chosen by customer", "chosen by the customer"),
        ("Customer's choice of region", "chosen by the customer"),
        ("TBD", "not stated"),
        ("NA", "Namibia"),
    ],
)
def test_regions_are_flagged_for_a_human_with_the_text_kept(text: str, region: str) -> None:
    (place,) = parse_locations(text)
    assert place.code is None and place.needs_review
    assert region in place.region
    assert place.text == text
    assert "choose the countries" in place.describe()


def test_eu_with_a_city_in_brackets_is_read_as_that_country_and_says_so() -> None:
    (place,) = parse_locations("EU (Amsterdam)")
    assert (place.code, place.city) == ("NL", "Amsterdam")
    assert "Netherlands" in place.note


def test_unknown_words_need_review_and_merged_cells_keep_what_they_can() -> None:
    places = parse_locations("Germany, Atlantis, EU")
    assert [p.code for p in places] == ["DE", None, None]
    assert places[1].text == "Atlantis" and not places[1].region
    assert places[2].region == "EU"


@pytest.mark.parametrize(
    ("address", "code", "city"),
    [
        ("1 Main St, Dublin 2, Ireland", "IE", "Dublin"),
        ("San Francisco, CA 94105", "US", "San Francisco"),
        ("100 Pine Street, Suite 1250, San Francisco, CA 94111, USA", "US", "San Francisco"),
        ("Hauptstraße 5, 10115 Berlin", "DE", "Berlin"),
        ("Acme GmbH\nHauptstr. 5\n10115 Berlin\nGermany", "DE", "Berlin"),
        ("12 rue de Rivoli, 75001 Paris, France", "FR", "Paris"),
        ("Calle Mayor 1, 28013 Madrid", "ES", "Madrid"),
        ("10 Downing Street, London SW1A 2AA", "GB", "London"),
        ("500 Main Street, Springfield, IL 62701", "US", ""),
    ],
)
def test_the_country_hidden_in_an_address(address: str, code: str, city: str) -> None:
    place = country_from_address(address)
    assert place is not None and place.from_address
    assert (place.code, place.city) == (code, city)
    # The same text in a locations column is read as one place, not one per line.
    assert [p.code for p in parse_locations(address)] == [code]


def test_an_address_without_a_country_is_none() -> None:
    assert country_from_address("Unit 4, Industrial Estate") is None


# -- hostile strings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "<b>R&D</b> Ltd",
        "'; DROP TABLE locations;--",
        "\x00\x01\x02",
        "((((((((((",
        "Germany" * 200,
        "🇩🇪 🇺🇸",
        "شركة",
    ],
)
def test_hostile_location_text_never_raises_and_is_never_a_country(text: str) -> None:
    places = parse_locations(text)
    assert all(p.code is None for p in places)


def test_invisible_and_control_characters_are_removed_and_reported() -> None:
    assert clean_text("Evil\u202eCorp\u200b\x07") == ("EvilCorp", True)
    assert clean_text("  Łódź   sp. z o.o. ") == ("Łódź sp. z o.o.", False)
    # Joiners used by Persian and Indic scripts stay.
    assert clean_text("می\u200cخواهم")[0] == "می\u200cخواهم"


def test_hostile_rows_are_kept_as_text_with_their_problems_named() -> None:
    table = read_table(FIXTURES / "hostile_strings.csv")
    result = read_records(table, Mapping.guess(table.headers, table.samples()))
    by_row = {r.number: r for r in result.records}
    assert by_row[2].name == '=HYPERLINK("http://evil.example","Click me")'
    assert any("spreadsheet formula" in p.message for p in by_row[2].problems)
    assert by_row[3].name == "<b>R&D</b> Ltd"
    assert by_row[3].website == ""
    assert "Website (as in the file): <script>alert(1)</script>" in by_row[3].extra_notes
    assert [by_row[n].name for n in (4, 5, 6, 7)] == [
        "株式会社テスト",
        "Łódź sp. z o.o.",
        "İstanbul A.Ş.",
        "شركة البيانات المحدودة",
    ]
    assert [by_row[n].locations[0].code for n in (4, 5, 6, 7)] == ["JP", "PL", "TR", "SA"]
    assert by_row[9].name == "EvilCorp"
    assert any("invisible" in p.message for p in by_row[9].problems)
    (no_name,) = [p for p in by_row[10].problems if p.level is Level.ERROR]
    assert str(no_name) == "row 10, column 'Name': no name: the row is not imported"
    assert by_row[11].has_errors and "301 characters" in str(by_row[11].problems[0])
    assert "Contact email (as in the file): not-an-email" in by_row[12].extra_notes


# -- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "warns"),
    [
        ("SCCs", (Mechanism.EU_SCC,), False),
        ("EU SCCs + UK Addendum", (Mechanism.EU_SCC, Mechanism.UK_ADDENDUM), False),
        ("DPF / SCCs", (Mechanism.DPF, Mechanism.EU_SCC), False),
        ("Standardvertragsklauseln", (Mechanism.EU_SCC,), False),
        ("Clauses contractuelles types", (Mechanism.EU_SCC,), False),
        ("Angemessenheitsbeschluss", (Mechanism.ADEQUACY,), False),
        ("2010 SCCs", (Mechanism.LEGACY_SCC,), False),
        ("IDTA", (Mechanism.UK_IDTA,), False),
        ("Binding Corporate Rules", (Mechanism.BCR,), False),
        ("n/a", (), False),
        ("Privacy Shield", (), True),
        ("Handshake", (), True),
    ],
)
def test_mechanisms_in_any_wording(text: str, expected: tuple[Mechanism, ...], warns: bool) -> None:
    found, warning = parse_mechanisms(text)
    assert found == expected
    assert bool(warning) is warns


def test_privacy_shield_is_refused_with_the_reason() -> None:
    _, warning = parse_mechanisms("EU-US Privacy Shield")
    assert "invalidated" in warning and "C-311/18" in warning


@pytest.mark.parametrize(
    ("text", "role", "lifecycle"),
    [
        ("Unterauftragsverarbeiter", Role.SUBPROCESSOR, None),
        ("Sub-processor", Role.SUBPROCESSOR, None),
        ("Auftragsverarbeiter", Role.PROCESSOR, None),
        ("Independent controller", Role.CONTROLLER, None),
        ("Terminated", None, Lifecycle.OFFBOARDED),
        ("geplant", None, Lifecycle.PROPOSED),
        ("Live", None, Lifecycle.ACTIVE),
    ],
)
def test_roles_and_statuses_in_any_wording(
    text: str, role: Role | None, lifecycle: Lifecycle | None
) -> None:
    assert parse_role(text) is role
    assert parse_lifecycle(text) is lifecycle


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2024-03-15", True, date(2024, 3, 15)),
        ("15.03.2024", False, date(2024, 3, 15)),  # a dot is always day first
        ("03/04/2024", True, date(2024, 4, 3)),
        ("03/04/2024", False, date(2024, 3, 4)),
        ("1 March 2024", True, date(2024, 3, 1)),
        ("März 3, 2024", True, date(2024, 3, 3)),
        ("31.02.2024", True, None),
        ("soon", True, None),
    ],
)
def test_dates(text: str, day_first: bool, expected: date | None) -> None:
    assert parse_date(text, day_first) == expected


def test_a_column_of_us_dates_is_read_month_first(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Vendor,Start date\nA,12/31/2023\nB,03/04/2024\n", "utf-8")
    table = read_table(path)
    records = read_records(table, Mapping.guess(table.headers)).records
    assert [r.active_on for r in records] == [date(2023, 12, 31), date(2024, 3, 4)]


def test_a_contact_cell_with_name_and_address_fills_both() -> None:
    table = read_table(FIXTURES / "vendors_windows1252.csv")
    records = read_records(table, Mapping.guess(table.headers, table.samples())).records
    socgen = records[0]
    assert (socgen.contact_name, socgen.contact_email) == (
        "Jane Doe",
        "jane.doe@socgen.example",
    )
    assert socgen.website == "https://www.societegenerale.example"
    nordlicht = records[2]
    assert nordlicht.contact_email == "privacy@nordlicht.example"
