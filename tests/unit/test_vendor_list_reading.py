"""Reading real sub-processor lists as a careful person would: each case is wording taken from
a published list (tests/fixtures/import/real/SOURCES.md) or from issue 13."""

from __future__ import annotations

import pytest

from exports.list_reader import read_bytes
from transfers_app.domain.columns import Field, Mapping, guess_columns
from transfers_app.domain.places import (
    country_from_address,
    parse_locations,
    split_name_and_address,
)
from transfers_app.domain.vendor_list import names_a_mechanism, read_records
from transfers_app.domain.vendor_table import Level


def codes(text: str) -> list[str | None]:
    return [p.code for p in parse_locations(text)]


# -- a two-letter token inside a postcode or a street is never a country ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Baarsjesweg 285-H, 1058 AE Amsterdam, Netherlands", ["NL"]),  # not AE (the Emirates)
        ("Baarsjesweg 285-H 1058 AE Amsterdam, Niederlande", ["NL"]),
        ("1058 AE Amsterdam", ["NL"]),
        ("38 Avenue John F. Kennedy, L-1855 Luxembourg", ["LU"]),
        ("Schwedter Str. 8/9b, D-10119 Berlin, Germany", ["DE"]),
        ("Irongate House, 22-30 Duke’s Place, London, EC3A 7LP, UK", ["GB"]),
        ("225 Chestnut St, Philadelphia PA 19106, USA", ["US"]),
        ("25 First Street, 2nd Floor, Cambridge MA 02141, USA", ["US"]),
        ("Level 37, 2/26 Park St, Sydney NSW 2000, Australia", ["AU"]),
        ("Boulevard de Grancy 19A, 1060 Lausanne, Switzerland", ["CH"]),
        ("The One Building, 1 Grand Canal Street Lower, Dublin 2, Ireland", ["IE"]),
    ],
)
def test_postcodes_and_streets_are_not_countries(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


# -- US states written as codes are states, not countries ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Seattle, WA",
        "Mountain View, CA",  # not Canada
        "San Francisco, CA",
        "Cambridge, MA",  # not Morocco (nor Cambodia, two letters from "Cambodge")
        "Atlanta, GA",  # not Gabon
        "Atlanta, Georgia",  # not the country Georgia
        "Philadelphia, PA, 19106, USA",  # not Panama
        "Los Angeles, CA, USA",
        "Herndon, VA",
        "Chicago, IL",  # not Israel
        "Indianapolis, IN",  # not India
        "Dover, DE",  # Delaware: a known pair
    ],
)
def test_us_state_codes_after_a_city_are_us_states(text: str) -> None:
    places = parse_locations(text)
    assert [p.code for p in places] == ["US"]
    assert not any(p.needs_review for p in places)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Toronto, CA", ["CA"]),  # a Canadian city: Canada
        ("Berlin, DE", ["DE"]),
        ("Mainz, DE", ["DE"]),
        ("Tel Aviv, IL", ["IL"]),
        ("Bangalore, IN", ["IN"]),
        ("Toronto, ON", ["CA"]),
        ("Sydney, NSW", ["AU"]),
        ("Perth, WA", ["AU"]),
        ("CA", ["CA"]),  # a code on its own is a country
        ("DE, US, IN", ["DE", "US", "IN"]),
    ],
)
def test_codes_after_a_city_follow_the_city(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize("text", ["Springfield, GA", "Olympia, WA"])
def test_a_state_code_that_is_also_a_country_after_an_unknown_city_is_left_to_a_human(
    text: str,
) -> None:
    (place,) = parse_locations(text)
    assert place.needs_review
    assert "US state" in place.region


# -- the sign and the misprint of a German list (SeaTable 1.1.2) ------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Köln, D", "DE"),
        ("Mainz, D", "DE"),
        ("Göppingen, D", "DE"),
        ("Berlin, D", "DE"),
        ("Lausanne, CH", "CH"),
        ("Zofingen, CH", "CH"),  # an unknown town before a country is no second place
        ("Peking, CHN", "CN"),
        ("San Francisco, USA", "US"),
    ],
)
def test_city_and_country_code_is_one_place(text: str, code: str) -> None:
    (place,) = parse_locations(text)
    assert place.code == code and not place.note


def test_a_known_city_outweighs_a_misprinted_code_and_says_so() -> None:
    (place,) = parse_locations("Dublin, IR")  # IR is Iran's code; the list meant Ireland
    assert (place.code, place.city) == ("IE", "Dublin")
    assert "Iran" in place.note


# -- codes that are everyday words are not read inside text ----------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "regions"),
    [
        ("HOSTED IN THE EU", [], ["EU"]),  # not India
        ("SERVERS IN GERMANY AND THE USA", ["DE", "US"], []),
        ("SERVERS ARE IN THE USA", ["US"], []),  # ARE is not the Emirates here
        ("Data centres IN Frankfurt", ["DE"], []),
        ("AWS eu-west-1", ["IE"], []),
        # Not one address: the first part names a country of its own.
        ("Remote access from India, Philippines", ["IN", "PH"], []),
    ],
)
def test_words_in_sentences(text: str, expected: list[str], regions: list[str]) -> None:
    places = parse_locations(text)
    assert [p.code for p in places if p.code] == expected
    assert [p.region for p in places if not p.code] == regions


# -- regions: customer-chosen and global regions are flagged, the countries beside them count --


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Region designated by Customer", [(None, "chosen by the customer")]),
        (
            "Region designated by Customer, United States",
            [(None, "chosen by the customer"), ("US", "")],
        ),
        ("Customer's choice", [(None, "chosen by the customer")]),
        (
            "Global, USA, EU, Australia",
            [(None, "worldwide"), ("US", ""), (None, "EU"), ("AU", "")],
        ),
        ("Customer's choice (EU or US)", [(None, "chosen by the customer"), ("US", "")]),
        ("Worldwide", [(None, "worldwide")]),
        ("United States of America, European Union", [("US", ""), (None, "EU")]),
        ("Varies", [(None, "several countries")]),
    ],
)
def test_regions_are_flagged_and_countries_beside_them_resolved(
    text: str, expected: list[tuple[str | None, str]]
) -> None:
    assert [(p.code, p.region) for p in parse_locations(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("France, Europe", [("FR", "")]),
        ("Germany, Europe", [("DE", "")]),
        ("USA, Europe", [("US", ""), (None, "Europe")]),  # which European country? a human
        ("Europe", [(None, "Europe")]),
    ],
)
def test_europe_beside_a_european_country_needs_no_human(
    text: str, expected: list[tuple[str | None, str]]
) -> None:
    assert [(p.code, p.region) for p in parse_locations(text)] == expected


# -- what is not a place at all ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "United States. Details of the sub-processors can be found at "
            "openai.com/policies/sub-processor-list",
            ["US"],
        ),
        ("See https://aws.amazon.com/about-aws/global-infrastructure/", []),
        ("USA; see www.example.com for more", ["US"]),
        ("n/a", []),  # ZITADEL: no hosting for a payroll provider
        ("N/A", []),
        ("-", []),
        ("None", []),
    ],
)
def test_links_and_no_place_are_not_places_to_review(text: str, expected: list[str]) -> None:
    places = parse_locations(text)
    assert [p.code for p in places] == expected


def test_a_place_name_two_letters_from_a_foreign_country_name_is_not_that_country() -> None:
    (place,) = parse_locations("Cambridge")
    assert place.code is None  # not Cambodia ("Cambodge")


# -- names with their address in the same cell ------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "name", "code"),
    [
        (
            "Amazon Web Services EMEA SARL – AWS, 38 Avenue John F. Kennedy, L-1855 Luxembourg",
            "Amazon Web Services EMEA SARL – AWS",
            "LU",
        ),
        (
            "MessageBird B.V., Baarsjesweg 285-H, 1058 AE Amsterdam, Netherlands",
            "MessageBird B.V.",
            "NL",
        ),
        (
            "HubSpot, Inc., 25 First Street, 2nd Floor, Cambridge MA 02141, USA",
            "HubSpot, Inc.",
            "US",
        ),
        (
            "Heinlein Hosting GmbH – mailbox.org, Schwedter Str. 8/9b, D-10119 Berlin, Germany",
            "Heinlein Hosting GmbH – mailbox.org",
            "DE",
        ),
        # The 2020 list: the lines of the address separated by two spaces, no comma.
        (
            "Amazon Web Services EMEA SARL  38 Avenue John F. Kennedy  L-1855, Luxemburg",
            "Amazon Web Services EMEA SARL",
            "LU",
        ),
        (
            "WP Engine, Inc.  Irongate House, 22-30 Duke’s Place  London, EC3A 7LP, UK",
            "WP Engine, Inc.",
            "GB",
        ),
        ("Airfold, Inc. – United States of America", "Airfold, Inc.", "US"),
    ],
)
def test_a_name_cell_with_an_address_is_split(cell: str, name: str, code: str) -> None:
    found = split_name_and_address(cell)
    assert found is not None
    assert found[0] == name
    place = country_from_address(found[1])
    assert place is not None and place.code == code


@pytest.mark.parametrize(
    "cell",
    [
        "Salesforce, Inc. (t/a ‘Heroku’)",
        "Functional Software, Inc., t/a ‘Sentry’",
        "Remote Europe Holding, B.V.",
        "Stripe Payments Europe, Ltd.",
        "NTT DATA Spain BPO – Peru Branch",
        "Amazon Web Services, Inc. (AWS)",
        "Wildbit LLC – Postmark",
        "Segment  Inc.",
        "Acme, SA",  # a legal form, not Saudi Arabia
        "NTT DATA (Spain)",  # a qualifier a register may keep in the name
        "Studio 71, LLC",
    ],
)
def test_a_name_with_commas_is_not_split(cell: str) -> None:
    assert split_name_and_address(cell) is None


def test_the_split_name_is_imported_and_the_address_gives_the_country() -> None:
    data = (
        b"Sub-processor,Service\n"
        b'"HubSpot, Inc., 25 First Street, 2nd Floor, Cambridge MA 02141, USA",Newsletters\n'
    )
    table = read_bytes(data, "list.csv")
    (record,) = read_records(table, Mapping.guess(table.headers, table.samples())).records
    assert record.name == "HubSpot, Inc."
    assert record.address == "25 First Street, 2nd Floor, Cambridge MA 02141, USA"
    assert record.address_place is not None and record.address_place.code == "US"
    (note,) = [p for p in record.problems if p.level is Level.WARNING]
    assert "address too" in note.message and note.column == "Sub-processor"


# -- columns chosen by their content too -------------------------------------------------------


def test_a_column_of_links_is_a_website_not_the_name() -> None:
    headers = ["Name of Subprocessor", "Geographical location of the processing",
               "Details of sub-sub processors"]  # fmt: skip
    samples = [
        ["Amazon Web Services, Inc.", "Cloudflare Inc."],
        ["USA (PostHog US Cloud) or Germany (PostHog EU Cloud)", "USA"],
        [
            "https://aws.amazon.com/compliance/sub-processors/",
            "https://www.cloudflare.com/en-gb/gdpr/subprocessors/",
        ],
    ]
    guessed = guess_columns(headers, samples)
    assert guessed["Name of Subprocessor"] is Field.NAME
    assert guessed["Details of sub-sub processors"] is Field.WEBSITE
    assert guessed["Geographical location of the processing"] is Field.LOCATIONS


def test_a_column_of_safeguards_is_the_mechanism_not_a_location() -> None:
    headers = ["Sub-processor", "Service", "Protection of third country transfer"]
    samples = [
        ["Amazon Web Services EMEA SARL – AWS, 38 Avenue John F. Kennedy, L-1855 Luxembourg"],
        ["Infrastructure-as-a-Service"],
        [
            "Standard Data Protection Clauses (Art. 46 para. 2 lit. c GDPR)",
            "No transfer",
            "Standard Data Protection Clauses (Art. 46 para. 2 lit. c GDPR)",
        ],
    ]
    guessed = guess_columns(headers, samples)
    assert guessed["Protection of third country transfer"] is Field.MECHANISM
    assert Field.LOCATIONS not in guessed.values()


def test_a_safeguards_column_without_a_known_header_is_found_by_its_values() -> None:
    headers = ["Unterauftragnehmer", "Aufgabe", "Schutz Drittstaatentransfer"]
    samples = [
        ["MessageBird B.V., Baarsjesweg 285-H 1058 AE Amsterdam, Niederlande"],
        ["E-Mail-Versand"],
        ["Standarddatenschutzklauseln (Art. 46 Abs. 2 lit. c DSGVO)", "kein Transfer"],
    ]
    assert guess_columns(headers, samples)["Schutz Drittstaatentransfer"] is Field.MECHANISM


def test_a_column_of_row_numbers_is_not_the_name() -> None:
    headers = ["#", "Subcontractor", "Subject of the assignment"]
    samples = [["1", "2", "3"], ["WP Engine, Inc.", "Google Ireland Limited"], ["Hosting"]]
    guessed = guess_columns(headers, samples)
    assert guessed["Subcontractor"] is Field.NAME
    assert "#" not in guessed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Standard Data Protection Clauses (Art. 46 para. 2 lit. c GDPR)", True),
        ("Standarddatenschutzklauseln  (Art. 46 Abs. 2 lit. c DSGVO)", True),
        ("EU Standard Contractual Clauses (Module 3 – Processor to Processor)", True),
        ("SCCs", True),
        ("No transfer", True),
        ("kein Transfer", True),
        ("EU", False),  # a place in a location column
        ("n/a", False),
        ("United States", False),
        ("Data Processing Agreement", False),
    ],
)
def test_what_counts_as_a_safeguard_value(text: str, expected: bool) -> None:
    assert names_a_mechanism(text) is expected


# -- the header under a title, with one cell naming a field ------------------------------------


def test_a_header_naming_one_field_is_found_above_long_data_rows() -> None:
    data = (
        "Liste der Unterauftragnehmer der OpenProject GmbH. Stand: 2021-03-01;;;\r\n"
        "Unterauftragnehmer;Aufgabe;Schutz Drittstaatentransfer;OpenProjects Datenschutz-"
        "Strategie\r\n"
        "Amazon Web Services EMEA SARL – AWS, 38 Avenue John F. Kennedy, L-1855 Luxemburg;"
        "Infrastructure-as-a-Service;Standarddatenschutzklauseln (Art. 46 Abs. 2 lit. c DSGVO);"
        "Migration zu einem Anbieter mit Unternehmnenssitz in der EU\r\n"
    ).encode("cp1252")
    table = read_bytes(data, "unterauftragnehmer.csv")
    assert table.header_row == 2
    assert table.headers[0] == "Unterauftragnehmer"
