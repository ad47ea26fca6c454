"""Source tiers for tests: what the research file says about them, and a bundle as it was
written before the source table.

``legal-facts.md`` lives in the project's shared folder beside the checkout, not in the
repository; tests that need it skip with a reason when it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+")
_URL_TIER = re.compile(r"(https?://[^\s)\]|]+)\s*\[(T[123])\]")


def legal_facts_text() -> str:
    """The research file's text, or a skip when it is not beside the checkout."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "reference" / "legal-facts.md"
        if candidate.is_file():
            return candidate.read_text("utf-8")
    pytest.skip("legal-facts.md is not beside this checkout (the project's shared folder)")


def t3_markers(text: str) -> frozenset[str]:
    """Domains and site names the research rates T3: every "source weak: ..." note (each line
    tagged [T3] has one, and a few untagged lines too), and the examples of the T3 tier in
    the file's header."""
    found: set[str] = set()
    for note in re.findall(r"source weak: ([^;)\]]+)", text):
        for part in note.split(","):
            found.update(_DOMAIN.findall(part.strip().lower()))
    start = text.find("**[T3] weak**")
    if start >= 0:
        end = text.find("\n\n", start)
        block = text[start : end if end > 0 else None].lower()
        found.update(d for d in _DOMAIN.findall(block) if not d.startswith("e.g"))
        # Site names written without a domain: "(scribd, issuu, vdocuments, ...)", "lexaris".
        for group in re.findall(r"\(([^)]*)\)", block):
            items = [i.strip() for i in group.split(",")]
            if all(re.fullmatch(r"[a-z0-9]+( copies)?", i) for i in items):
                found.update(i.split(" ")[0] for i in items)
        found.update(re.findall(r"\b(lexaris)\b", block))
    found.discard("legal-facts.md")
    return frozenset(found)


def is_t3(url: str, markers: frozenset[str]) -> bool:
    host = urlparse(url).netloc.lower()
    return any(host == m or host.endswith("." + m) or m in host.split(".") for m in markers)


def url_tiers(text: str) -> dict[str, str]:
    """Every address in the research file with the tier written after it."""
    return {m.group(1): m.group(2) for m in _URL_TIER.finditer(text)}


def as_format_2(b: dict[str, Any]) -> None:
    """The built-in set as a file written before format 3: bare addresses, no source table."""
    table = {s["id"]: s for s in b.pop("sources")["sources"]}

    def bare(row: dict[str, Any]) -> None:
        row.pop("rejected_sources", None)
        ids = row.pop("sources", [])
        row["source_urls"] = [table[i]["url"] for i in ids if table[i]["url"]]

    rows = [
        *b["decisions"]["decisions"],
        *b["instruments"]["instruments"],
        *b["instruments"]["mechanisms"],
        *b["regimes"]["regimes"],
        *b["international_orgs"]["international_orgs"],
        *b["manifest"]["changelog"],
        b["eea"],
    ]
    for row in rows:
        bare(row)
    for row in b["instruments"]["mechanisms"]:
        if "evidence_recheck" in row:
            bare(row["evidence_recheck"])
    b["manifest"]["format"] = 2
