"""The desktop app gets its services from the composition root: it builds none, and never
reaches past them into storage (the import contracts keep storage modules out; this keeps the
services' store out too)."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"


def _sources() -> dict[str, str]:
    return {str(p.relative_to(UI.parent)): p.read_text("utf-8") for p in sorted(UI.rglob("*.py"))}


def _found(pattern: str) -> list[str]:
    """Every match of ``pattern`` in the UI's sources, with the file it is in."""
    return [
        f"{name}: {m.group(0)}"
        for name, text in _sources().items()
        for m in re.finditer(pattern, text)
    ]


def test_the_ui_reaches_no_storage_through_a_service() -> None:
    assert _found(r"\.(repo|store|_store)\b") == []


def test_the_ui_builds_no_service() -> None:
    assert _found(r"\b[A-Z]\w*(Service|Services|Workspace)\(") == []
