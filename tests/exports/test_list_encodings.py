"""Encodings and delimiters of list files as real exports write them: each file in
tests/fixtures/import/tricky (UTF-16 without a BOM, Windows-1252 and -1250 with accents, the
other delimiters inside cells, a title row) and each real list is read with its true encoding
and delimiter (tricky/TRUTH.json, bench/bench_real_lists.py READ_AS)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from exports.list_reader import decode, read_bytes, read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
TRUTH = json.loads((FIXTURES / "tricky" / "TRUTH.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_a_tricky_file_is_read_with_its_encoding_and_delimiter(name: str) -> None:
    truth = TRUTH[name]
    data = (FIXTURES / "tricky" / name).read_bytes()
    expected = list(csv.reader(io.StringIO(data.decode(truth["encoding"]), newline=""),
                               delimiter=truth["delimiter"]))  # fmt: skip
    table = read_table(FIXTURES / "tricky" / name)
    assert table.delimiter == truth["delimiter"]
    assert decode(data)[0] == data.decode(truth["encoding"])
    header = expected[table.header_row - 1]
    assert list(table.headers[: len(header)]) == header
    assert [list(r.cells[: len(header)]) for r in table.rows] == [
        r + [""] * (len(header) - len(r)) for r in expected[table.header_row :]
    ]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Nazwa;Kraj\nŁódź Software House sp. z o.o.;Polska\nul. Długa 5, 80-827 Gdańsk;PL\n",
            "cp1250",
        ),
        ("Vendor,Country\nCafé Lumière SARL,France\nCrème Brûlée Support Ltd,UK\n", "cp1252"),
        ("Proveedor;País\n¿Qué? S.L.;España\n", "cp1252"),
        ("Vendor,Notes\nAcme Ltd,Costs £5k or €6k; 10 m³\nAcme™ GmbH,©2024\n", "cp1252"),
    ],
)
def test_windows_1250_is_told_from_windows_1252_by_letters_turned_symbols(
    text: str, encoding: str
) -> None:
    data = text.encode(encoding)
    assert decode(data) == (text, encoding)


def test_a_central_european_list_says_how_it_was_read() -> None:
    data = "Nazwa;Kraj\nŁódź Software House sp. z o.o.;Polska\n".encode("cp1250")
    table = read_bytes(data, "dostawcy.csv")
    assert table.rows[0].cells[0] == "Łódź Software House sp. z o.o."
    assert "Windows-1250" in table.describe()
