"""Whatever file the imports are handed (hypothesis): a clear error or a clean import, never a
traceback, never a partial write.

A clear error is a ``TransfersError`` of one line naming the file; anything else escaping is
the traceback a user would see. After an error the register holds exactly what it held before
(entities, locations, transfers, audit entries); after an import, exactly what it reports.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from db import FileStore, SqliteStore, open_db
from exports import file_adapters
from transfers_app.errors import TransfersError
from transfers_app.services.import_preview import ImportResult
from transfers_app.services.importing import ImportService, MappingMemory
from transfers_app.services.register_file import import_register_json

TODAY = date(2026, 11, 25)
_R = TypeVar("_R")
# FUZZ_EXAMPLES=2000 for a longer hunt; --hypothesis-show-statistics counts the outcomes.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def fresh_register() -> Iterator[SqliteStore]:
    """An empty register of its own for one example."""
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(
            open_db(Path(folder) / "r.db"), actor="fuzzer", files=FileStore(Path(folder) / "f")
        )
        try:
            yield store
        finally:
            store.close()


def _counts(store: SqliteStore) -> tuple[int, int, int, int]:
    now = store.queries.counts()
    return (now.entities, now.locations, now.transfers, now.audit_entries)


def _clear_error_or(register: SqliteStore, action: Callable[[], _R]) -> _R | None:
    """What ``action`` returns, or None after a clear error (one line) that left the register
    as it was; anything else escapes and fails the test."""
    before = _counts(register)
    try:
        return action()
    except TransfersError as exc:
        event(f"refused: {type(exc).__name__}")
        message = str(exc)
        assert message and "\n" not in message, message
        assert _counts(register) == before, "an error left a partial write"
        return None


# -- CSV (and anything else handed to the list import) -------------------------------------------

_cells = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), max_size=24
) | st.sampled_from(["Germany", "India", "US", "Café Müller", "=1+2", "", " ", '"', "EU (Paris)"])
_headers = st.sampled_from(
    [["Vendor", "Country"], ["Name", "Hosting country", "Website"], ["Supplier"], []]
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A list as a team might send it, then damaged: any cells, delimiter and encoding, with
    bytes inserted at random (NULs, stray Windows-1252, cut UTF-8), or plain random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t", "|"])))
    header = draw(_headers)
    if header:
        writer.writerow(header)
    for row in draw(st.lists(st.lists(_cells, min_size=1, max_size=5), max_size=8)):
        writer.writerow(row)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = bytearray(out.getvalue().encode(encoding, errors="replace"))
    noise = st.sampled_from([b"\x00", b"\xe9", b"\xc3", b"\xff\xfe", b"\r", b'"', b"\x1a"])
    for at, extra in draw(st.lists(st.tuples(st.integers(0, 10_000), noise), max_size=3)):
        position = at % (len(data) + 1)
        data[position:position] = extra
    return bytes(data)


@FUZZ
@given(data=csv_files(), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_any_list_is_a_clear_error_or_a_clean_import(data: bytes, suffix: str) -> None:
    with fresh_register() as register, tempfile.TemporaryDirectory() as folder:
        importer = ImportService(
            register, file_adapters().lists, TODAY, MappingMemory(Path(folder) / "m.json")
        )
        path = Path(folder) / f"list{suffix}"
        path.write_bytes(data)

        def run() -> ImportResult:
            table = importer.read(path)
            mapping, source = importer.mapping_for(table)
            return importer.apply(importer.preview(table, mapping, source))

        result = _clear_error_or(register, run)
        if result is None:
            return
        event("imported")
        entities, locations, _, _ = _counts(register)
        assert entities == result.created
        assert locations == result.locations_added


# -- JSON register files ----------------------------------------------------------------------

_JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["..", "a/b", "2026-02-30", "EU", "vendor", "-1", "9" * 50]),
)
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def register_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small register's JSON export: two entities, a location, a document with its file, a
    transfer (what a mutation below has to break)."""
    from support.stores import demo_sqlite

    folder = tmp_path_factory.mktemp("source")
    store = demo_sqlite(folder)
    path = folder / "register.json"
    file_adapters().register_file.write(
        store.records.dump(),
        path,
        exported_at=datetime(2026, 11, 25, 9, 0),
        reference_version="test",
        app_version="test",
    )
    store.close()
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@st.composite
def mutations(draw: st.DrawFn, base: dict[str, Any]) -> bytes:
    """The export with a few values replaced by any JSON, records dropped or doubled, or its
    text cut, or random bytes."""
    # Every choice is drawn whatever the file holds (indexes are taken modulo the sizes), so
    # hypothesis replays and shrinks the same steps on any export.
    kind = draw(st.integers(0, 9))
    noise = draw(st.binary(max_size=200))
    if kind == 0:
        return noise
    data = copy.deepcopy(base)
    steps = draw(st.lists(st.tuples(*[st.integers(0, 10_000)] * 4, _JSON), min_size=1, max_size=3))
    cut, notes, ascii_only = (
        draw(st.integers(0, 10**7)),
        draw(st.text(max_size=60)),
        draw(st.booleans()),
    )
    if kind in (2, 3):  # text a user could type, where the register keeps free text
        data["entities"][steps[0][0] % len(data["entities"])]["notes"] = notes
        return json.dumps(data, ensure_ascii=ascii_only).encode("utf-8")
    sections = [k for k, v in data.items() if isinstance(v, list) and v]
    for s_, i_, action, f_, value in steps:
        records = data[sections[s_ % len(sections)]]
        if not records:
            continue
        i = i_ % len(records)
        if action % 4 == 0:
            del records[i]
        elif action % 4 == 1:
            records.append(copy.deepcopy(records[i]))
        elif isinstance(records[i], dict) and records[i]:
            keys = sorted(records[i])
            records[i][keys[f_ % len(keys)]] = value
    text = json.dumps(data, ensure_ascii=False)
    if kind == 1:
        text = text[: cut % (len(text) + 1)]
    return text.encode("utf-8")


@FUZZ
@given(st.data())
def test_any_register_file_is_a_clear_error_or_a_clean_import(
    register_file: dict[str, Any], data: st.DataObject
) -> None:
    raw = data.draw(mutations(register_file))
    with fresh_register() as register, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.json"
        path.write_bytes(raw)
        loaded = _clear_error_or(
            register, lambda: import_register_json(register, file_adapters().register_file, path)
        )
        if loaded is None:
            return
        event("loaded")
        dumped = register.records.dump()
        held = {name: len(getattr(dumped, name)) for name in loaded.counts}
        # The audit trail keeps the file's entries and adds its own of the load.
        assert held.pop("audit", 0) >= loaded.counts.get("audit", 0)
        assert held == {name: n for name, n in loaded.counts.items() if name != "audit"}
