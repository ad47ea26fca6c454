"""Hostile register files through ``transfers-app import-json``: each is refused with exit 2 and
one line naming what is wrong, never a traceback, and nothing is loaded."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.cli import TODAY, entity_count, run_cli_cleanly

from transfers_app.cli import main

Data = dict[str, Any]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Data:
    """The demo register as its JSON export, made once for the module."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "register.json"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--data-dir", str(folder), "demo"], today=TODAY) == 0
        assert main(["--data-dir", str(folder), "export", "register", "-o", str(path)]) == 0
    data: Data = json.loads(path.read_text("utf-8"))
    return data


def _with_counts(data: Data) -> Data:
    data["counts"] = {key: len(data[key]) for key in data["counts"]}
    return data


def _extra_entity(**fields: Any) -> Callable[[Data], Data]:
    def change(data: Data) -> Data:
        entity = copy.deepcopy(data["entities"][-1])
        entity.update(fields)
        data["entities"].append(entity)
        return _with_counts(data)

    return change


def _set(section: str, index: int, **fields: Any) -> Callable[[Data], Data]:
    def change(data: Data) -> Data:
        data[section][index].update(fields)
        return data

    return change


def _text(data: Data, old: str, new: str) -> str:
    text = json.dumps(data)
    assert old in text
    return text.replace(old, new, 1)


_DEEP = '{"format": "transfer-register/register", "format_version": 1, "entities": '
_DIGITS = '"version": ' + "9" * 5000
_SHOUT = "1180591620717411303424"  # 2**70

# label: (how the demo's export is changed, what the one line of the error says)
CASES: dict[str, tuple[Callable[[Data], Data | str], str]] = {
    "a 5,000-digit number": (
        lambda d: _text(_set("entities", 0, version=42)(d), '"version": 42', _DIGITS),
        r"a number of 5,000 digits \(at most 40 are read\) on line 1$",
    ),
    "200,000-deep nesting": (lambda d: _DEEP + "[" * 200_000 + "]" * 200_000 + "}", "too deep"),
    "NaN": (lambda d: _text(d, '"version": 1', '"version": NaN'), r"NaN is not a number"),
    "an id of 2**70": (
        _extra_entity(id=2**70, name="Big Ltd"),
        rf"entities\[20\] \(id {_SHOUT}, 'Big Ltd'\): id: {_SHOUT} is out of range",
    ),
    "a negative id": (
        _extra_entity(id=-5, name="Minus Ltd"),
        r"entities\[20\] \(id -5, 'Minus Ltd'\): id: -5 is not a record id \(ids start at 1\)",
    ),
    "a parent cycle": (
        _set("entities", 0, parent_id=2),
        r"entities\[0\] \(id 1, '.+'\): parent_id: makes a loop \(1 -> 2 -> 1\)",
    ),
    "a file name of ..": (
        _set("documents", 0, file_name=".."),
        r"documents\[0\] \(id 1, '.+'\): file_name: '\.\.' is a folder, not a file name",
    ),
    "a file name with a slash": (
        _set("documents", 0, file_name="../../etc/passwd"),
        r"file_name: '\.\./\.\./etc/passwd' holds the path separator '/'",
    ),
    "a file name with a backslash": (
        _set("documents", 0, file_name="..\\boot.ini"),
        "holds the path separator",
    ),
    "a stored file name with a drive": (
        _set("files", 0, original_name="C:evil.pdf"),
        r"files\[0\]: original_name: 'C:evil\.pdf' names a drive",
    ),
    "a 0-byte signed document": (
        _set("files", 0, size=0),
        r"files\[0\]: size: 0 bytes; a signed document file is never empty",
    ),
}


@pytest.mark.parametrize("label", CASES)
def test_a_hostile_register_file_exits_2_with_one_line_and_loads_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, exported: Data, label: str
) -> None:
    change, expected = CASES[label]
    changed = change(copy.deepcopy(exported))
    path = tmp_path / "hostile.json"
    path.write_text(changed if isinstance(changed, str) else json.dumps(changed), "utf-8")
    folder = tmp_path / "target"
    code, out, err = run_cli_cleanly(capsys, "--data-dir", str(folder), "import-json", str(path))
    assert code == 2 and out == "", label
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("transfers-app: error: hostile.json")
    assert re.search(expected, lines[0]), lines[0]
    assert entity_count(folder / "register.db") == 0


def test_the_unchanged_export_still_loads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, exported: Data
) -> None:
    """The checks above refuse the hostile files only: the demo's own export, with its version
    chains and parents, loads."""
    path = tmp_path / "register.json"
    path.write_text(json.dumps(exported), "utf-8")
    folder = tmp_path / "target"
    code, out, err = run_cli_cleanly(capsys, "--data-dir", str(folder), "import-json", str(path))
    assert code == 0 and "Loaded register.json" in out, err
    assert entity_count(folder / "register.db") == len(exported["entities"])
