"""The evidence pack as data: every file in it, in order, with where its bytes come from.

``transfers_app.services.evidence`` decides what goes in; ``exports.evidence_pack`` writes the
ZIP and its manifest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Windows refuses these as file names whatever the extension.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_MAX_BYTES = 100  # per path component, well under every file system's 255


def safe_component(text: str, fallback: str = "file") -> str:
    """One path component that is safe on Windows, macOS and Linux and inside a ZIP.

    Keeps letters of every script (株式会社, Łódź), drops separators, control characters,
    characters Windows forbids and leading dots (no '..', no hidden files), avoids reserved
    device names and keeps the name under 100 bytes of UTF-8 without splitting a character.
    """
    name = unicodedata.normalize("NFC", text)
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    name = re.sub(r"_+", "_", name)
    if not name:
        name = fallback
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 8:
        stem, ext = name, ""
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    suffix = f".{ext}" if ext else ""
    budget = _MAX_BYTES - len(suffix.encode())
    encoded = stem.encode()
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", "ignore").rstrip(" ._") or fallback
    return stem + suffix


@dataclass(frozen=True, slots=True)
class PackEntry:
    """One file of the pack: its path inside the ZIP (already safe) and where its bytes come
    from: a callable (rendered when its turn comes, so memory stays flat) or a stored file."""

    arcname: str
    description: str
    produce: Callable[[], bytes] | None = None
    source: Path | None = None


@dataclass(frozen=True, slots=True)
class PackPlan:
    entries: tuple[PackEntry, ...]
    # Written into the manifest as they are (JSON-ready values, built by the service).
    manifest_info: tuple[tuple[str, Any], ...] = field(default=())
