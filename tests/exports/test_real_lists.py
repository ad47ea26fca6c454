"""Real published sub-processor lists (tests/fixtures/import/real) imported through the command
line as a user imports them, against what a careful person reads in them: every vendor under
its published name, no country the list does not name, no flag where nothing is to be chosen,
and at least 95 % of the location cells read exactly right."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_real_lists", ROOT / "bench" / "bench_real_lists.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _bench()
EXPECTED = bench.expected_files()


def test_there_are_at_least_ten_real_lists_from_different_companies() -> None:
    import json

    companies = {json.loads(p.read_text("utf-8"))["source"].split(" (")[0] for p in EXPECTED}
    assert len(EXPECTED) >= 10 and len(companies) >= 10


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.name.split(".")[0] for p in EXPECTED])
def test_a_real_list_is_read_as_a_careful_person_reads_it(expected: Path) -> None:
    score = bench.score(expected)
    assert not score.error
    misses = "\n".join(score.details)
    assert score.names == score.rows, misses
    assert score.wrong == 0, misses
    assert score.spurious == 0, misses
    assert score.flags_right == score.flags_expected, misses


def test_at_least_95_percent_of_published_locations_are_resolved() -> None:
    scores = [bench.score(p) for p in EXPECTED]
    cells = sum(s.cells for s in scores)
    resolved = sum(s.resolved for s in scores)
    assert cells >= 150
    assert resolved >= 0.95 * cells, "\n".join(d for s in scores for d in s.details)
