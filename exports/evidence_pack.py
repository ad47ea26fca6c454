"""The regulator's evidence pack: one ZIP, every file hashed in a manifest.

The service decides what goes in (``transfers_app.services.evidence``); this module only
writes: safe file names, the ZIP, the manifest, progress and cancellation. The ZIP is written
to a temporary file beside the target and renamed at the end, so a cancelled or failed export
leaves no half-written file behind.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from exports.files import atomic_target
from transfers_app.errors import PackCancelled
from transfers_app.reports.pack import PackPlan

_COMPRESSED = (".pdf", ".png", ".jpg", ".jpeg", ".zip", ".docx", ".xlsx", ".pptx", ".gz")


Progress = Callable[[int, int, str], bool]  # (done, total, what) -> keep going?


def _unique(names: Iterable[str]) -> None:
    seen: set[str] = set()
    for n in names:
        key = n.casefold()  # Windows and macOS file systems ignore case
        if key in seen:
            raise ValueError(f"two files of the pack would be called {n}")
        seen.add(key)


def _check_arcname(name: str) -> None:
    parts = name.split("/")
    if name.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in name:
        raise ValueError(f"unsafe path inside the pack: {name!r}")


def _member(name: str, when: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
    # PDFs, images and office files are compressed already: storing them is as small and
    # much quicker.
    stored = name.lower().endswith(_COMPRESSED)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.flag_bits |= 0x800  # names are UTF-8
    return info


def write_pack(
    plan: PackPlan,
    target: Path,
    progress: Progress | None = None,
    stamp: datetime | None = None,
) -> dict[str, Any]:
    """Write the ZIP and return its manifest. Raises ``PackCancelled`` if ``progress``
    returns False; the target is then untouched (and absent if it did not exist).

    ``stamp`` dates every file inside the ZIP (default: now); a fixed stamp gives a pack
    whose bytes depend only on its contents."""
    when = (stamp or datetime.now()).timetuple()[:6]
    for e in plan.entries:
        _check_arcname(e.arcname)
    _unique(e.arcname for e in plan.entries)
    target.parent.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    total = len(plan.entries)
    with (
        atomic_target(target) as tmp,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z,
    ):
        for i, e in enumerate(plan.entries):
            if progress is not None and not progress(i, total, e.arcname):
                raise PackCancelled
            if e.produce is not None:
                data = e.produce()
            elif e.source is not None:
                data = e.source.read_bytes()
            else:  # pragma: no cover - a plan always says where bytes come from
                raise ValueError(f"{e.arcname}: nothing to write")
            z.writestr(_member(e.arcname, when), data)
            files.append(
                {
                    "path": e.arcname,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                    "description": e.description,
                }
            )
        manifest = {
            **dict(plan.manifest_info),
            "files": files,
            "note": "SHA-256 of every file in this pack except this manifest.",
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        z.writestr(_member("manifest.json", when), body)
        if progress is not None and not progress(total, total, "manifest.json"):
            raise PackCancelled
    return manifest
