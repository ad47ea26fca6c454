"""Vendor lists made to hurt: sheets that lie about their size, cells longer than Excel allows,
values far off the table, CSV files mixing encodings or holding a NUL byte. Each is read right
or refused in one line naming the limit and the cell; memory follows the table, not the file."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from support.hostile_files import (
    csv_mixed_encodings,
    csv_with_nul,
    inline,
    row,
    table_rows,
    write_xlsx,
    xlsx_claiming_every_cell,
    xlsx_far_cell,
    xlsx_past_dimension,
    xlsx_with_a_long_cell,
)

from exports import xlsx_reader
from exports.list_reader import read_bytes, read_table
from exports.xlsx_reader import MAX_UNPACKED_BYTES
from transfers_app.domain import vendor_table
from transfers_app.domain.vendor_table import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    ImportFileError,
    Table,
)


def _peak(action: Callable[[], Table]) -> tuple[Table | ImportFileError, int]:
    """What ``action`` returns (or the ``ImportFileError`` it raises) and the most memory
    Python held while it ran."""
    tracemalloc.start()
    try:
        try:
            result: Table | ImportFileError = action()
        except ImportFileError as exc:
            result = exc
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _refusal(action: Callable[[], Table]) -> str:
    """The one line ``action`` is refused with."""
    with pytest.raises(ImportFileError) as caught:
        action()
    return str(caught.value)


def _names(path: Path) -> list[str]:
    return [str(r.cells[0]) for r in read_table(path).rows]


# -- XLSX ----------------------------------------------------------------------------------------


def test_rows_past_the_declared_dimension_are_read(tmp_path: Path) -> None:
    names = _names(xlsx_past_dimension(tmp_path / "list.xlsx", 100))
    assert len(names) == 100 and names[-1] == "Vendor 100 Ltd"


def test_a_sheet_claiming_the_whole_grid_reads_its_real_table(tmp_path: Path) -> None:
    path = xlsx_claiming_every_cell(tmp_path / "list.xlsx", 10)
    table, peak = _peak(lambda: read_table(path))
    assert isinstance(table, Table)
    assert table.headers == ("Vendor", "Country") and len(table.rows) == 10
    assert peak < 5 * 1024 * 1024, f"{peak / 1e6:.1f} MB for a table of 10 rows"


@pytest.mark.parametrize("shared", [True, False], ids=["shared string", "inline string"])
def test_a_cell_over_excels_limit_is_refused_with_its_row_and_column(
    tmp_path: Path, shared: bool
) -> None:
    path = xlsx_with_a_long_cell(tmp_path / "list.xlsx", MAX_CELL_CHARS + 1, shared=shared)
    assert _refusal(lambda: read_table(path)) == (
        "list.xlsx: cell A3 (row 3, column 1) holds 32,768 characters; a cell holds at most "
        "32,767 (Excel's own limit), and the import never cuts one short"
    )


def test_a_cell_at_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = xlsx_with_a_long_cell(tmp_path / "list.xlsx", MAX_CELL_CHARS)
    assert _names(path)[1] == "x" * MAX_CELL_CHARS


def test_a_huge_shared_string_is_never_held_in_memory(tmp_path: Path) -> None:
    path = xlsx_with_a_long_cell(tmp_path / "list.xlsx", 20_000_000)
    assert path.stat().st_size < 100_000
    refused, peak = _peak(lambda: read_table(path))
    assert isinstance(refused, ImportFileError)
    assert "cell A3 (row 3, column 1) holds 20,000,000 characters" in str(refused)
    assert peak < 5 * 1024 * 1024, f"{peak / 1e6:.1f} MB to refuse one long cell"


def test_a_workbook_unpacking_past_the_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(The limit is lowered to 4 MB: the real one, 256 MB, takes seconds to write.)"""
    assert MAX_UNPACKED_BYTES == 256 * 1024 * 1024
    monkeypatch.setattr(xlsx_reader, "MAX_UNPACKED_BYTES", 4 * 1024 * 1024)
    path = xlsx_with_a_long_cell(tmp_path / "list.xlsx", 5 * 1024 * 1024)
    assert _refusal(lambda: read_table(path)) == (
        "list.xlsx unpacks to 5 MB (sheet 'Vendors' and its texts); the import reads "
        "workbooks up to 4 MB unpacked"
    )


def test_a_value_far_right_of_the_table_names_the_column_limit(tmp_path: Path) -> None:
    assert _refusal(lambda: read_table(xlsx_far_cell(tmp_path / "list.xlsx", "XFD5"))) == (
        f"list.xlsx: cell XFD5 (row 5, column 16,384) holds a value; the import reads up to "
        f"{MAX_COLUMNS:,} columns (delete what lies right of the table)"
    )


def test_a_value_far_below_the_table_names_the_row_limit(tmp_path: Path) -> None:
    assert _refusal(lambda: read_table(xlsx_far_cell(tmp_path / "list.xlsx", "A1048576"))) == (
        "list.xlsx has a row 1,048,576; the import reads up to 200,000 rows (split the list, "
        "or delete what lies below the table)"
    )


def test_formatted_empty_cells_far_away_are_no_value(tmp_path: Path) -> None:
    """Excel writes styled empty cells where a user formatted a range: not a value, no limit."""
    path = write_xlsx(tmp_path / "list.xlsx", [*table_rows(3), row(4, ['<c r="XFD4" s="1"/>'])])
    table = read_table(path)
    assert len(table.headers) == 2 and len(table.rows) == 3


def test_too_many_cells_in_all_names_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows times columns, the table held in memory: a value in column 100 of every row makes
    each row 100 cells wide. (The limit is lowered: the real one takes 10 million cells.)"""
    monkeypatch.setattr(vendor_table, "MAX_CELLS", 1_000)
    rows = (
        row(r, [f'<c r="A{r}"><v>1</v></c>', f'<c r="CV{r}"><v>2</v></c>']) for r in range(1, 20)
    )
    assert _refusal(lambda: read_table(write_xlsx(tmp_path / "wide.xlsx", rows))) == (
        "wide.xlsx holds more than 1,000 cells (rows times columns) by row 11; the import reads "
        "up to 1,000: split the list"
    )
    assert MAX_CELLS == 10_000_000


def test_every_kind_of_cell_reads_as_excel_shows_it(tmp_path: Path) -> None:
    """What the streaming reader gives for each cell type: shared rich text without its
    phonetic hint, booleans, a formula's cached text, ISO dates, numbers, a number too long to
    be one, an error value; cells without a reference follow the one before."""
    header = row(1, [inline(f"{c}1", h) for c, h in zip("ABCDEFGH", "VCFTWNLE", strict=True)])
    cells = [
        inline("A2", "Acme"),
        '<c r="B2" t="s"><v>0</v></c>',
        '<c t="b"><v>1</v></c>',
        '<c t="str"><f>A2&amp;"x"</f><v>Acmex</v></c>',
        '<c t="d"><v>2024-03-01T00:00:00</v></c>',
        "<c><v>12.5</v></c>",
        "<c><v>1" + "0" * 50 + "</v></c>",
        '<c t="e"><v>#N/A</v></c>',
    ]
    shared = ["<si><r><t>Ger</t></r><r><t>many</t></r><rPh><t>ゲル</t></rPh></si>"]
    path = write_xlsx(tmp_path / "kinds.xlsx", [header, row(2, cells)], shared=shared)
    assert read_table(path).rows[0].cells == (
        "Acme", "Germany", "TRUE", "Acmex", date(2024, 3, 1), "12.5", "1" + "0" * 50, "#N/A",
    )  # fmt: skip


def test_a_shared_text_the_workbook_lacks_is_a_damaged_file(tmp_path: Path) -> None:
    rows = [*table_rows(1), row(3, ['<c r="A3" t="s"><v>99</v></c>'])]
    path = write_xlsx(tmp_path / "list.xlsx", rows, shared=["<si><t>only one</t></si>"])
    assert _refusal(lambda: read_table(path)) == (
        "list.xlsx: cell A3 (row 3, column 1) refers to a shared text the workbook does not "
        "have (a damaged file?)"
    )


def test_a_doctype_in_a_sheet_is_refused(tmp_path: Path) -> None:
    evil = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    path = write_xlsx(tmp_path / "list.xlsx", table_rows(2))
    import zipfile

    src = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    head, _, rest = src.partition("?>")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "evil.xlsx", "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = (head + "?>" + evil + rest).encode()
            zout.writestr(info, data)
    with pytest.raises(ImportFileError, match=r"evil\.xlsx cannot be read .*DOCTYPE"):
        read_table(tmp_path / "evil.xlsx")


# -- CSV -----------------------------------------------------------------------------------------


def test_a_csv_mixing_utf8_and_windows_1252_keeps_every_word() -> None:
    table = read_bytes(csv_mixed_encodings(), "mixed.csv")
    assert [r.cells[0] for r in table.rows] == [
        "Café Müller GmbH",
        "Société Générale",
        "Łódź Software",
        "Señor Datos SL",
    ]
    assert table.encoding == "utf-8"
    assert "rows 3 and 5 are in Windows-1252, the rest in UTF-8: each row read in its own" in (
        " ".join(table.notes)
    )


def test_windows_1252_lines_in_a_utf8_file_with_bom_are_read_too() -> None:
    """Excel's "CSV UTF-8" starts with a BOM; a row pasted in from an older file does not
    make the whole file unreadable."""
    data = b"\xef\xbb\xbfVendor;Country\nAcme;Germany\n" + "Müller AG;Schweiz\n".encode("cp1252")
    table = read_bytes(data, "bom.csv")
    assert [r.cells[0] for r in table.rows] == ["Acme", "Müller AG"]
    assert table.encoding == "utf-8-sig"
    assert "row 3 is in Windows-1252, the rest in UTF-8: each row read in its own; check " in (
        " ".join(table.notes)
    )


def test_a_multi_line_cell_counts_as_one_row_in_the_notes() -> None:
    data = (
        b'Vendor,Country,Notes\nAcme,Germany,"two\nlines"\n'
        + "Señor Datos,Spain,x\n".encode("cp1252")
        + "Łódź Software,Poland,y\n".encode()
    )
    table = read_bytes(data, "multi.csv")
    assert [r.cells[0] for r in table.rows] == ["Acme", "Señor Datos", "Łódź Software"]
    assert "row 3 is in Windows-1252" in " ".join(table.notes)


def test_a_nul_byte_is_dropped_with_a_warning_naming_the_row() -> None:
    table = read_bytes(csv_with_nul(), "nul.csv")
    assert [r.cells[0] for r in table.rows] == ["Acme Ltd", "Beta Corp", "Gamma SA"]
    assert "row 3: a NUL byte was dropped" in table.notes


def test_a_csv_cell_over_the_limit_is_refused_with_its_row_and_column() -> None:
    data = b"Vendor,Country\nAcme,Germany\nBeta," + b"z" * (MAX_CELL_CHARS + 5) + b"\n"
    assert _refusal(lambda: read_bytes(data, "long.csv")) == (
        "long.csv: row 3, column B holds 32,772 characters; a cell holds at most 32,767 "
        "(Excel's own limit), and the import never cuts one short"
    )


def test_a_csv_cell_past_the_csv_readers_own_limit_names_its_row() -> None:
    data = b'Vendor,Country\nAcme,Germany\nBeta,"' + b"z" * 140_000 + b'"\n'
    assert _refusal(lambda: read_bytes(data, "big.csv")) == (
        "big.csv: row 3 holds a cell of more than 131,072 characters; a cell holds at most "
        "32,767 (Excel's own limit), and the import never cuts one short"
    )


def test_a_csv_row_wider_than_the_column_limit_is_refused() -> None:
    data = b"Vendor,Country\nAcme,Germany\n" + b"," * MAX_COLUMNS + b"x\n"
    assert _refusal(lambda: read_bytes(data, "wide.csv")) == (
        f"wide.csv: row 3 has {MAX_COLUMNS + 1:,} columns; the import reads up to "
        f"{MAX_COLUMNS:,} columns"
    )
