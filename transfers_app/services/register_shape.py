"""What a register file must never hold, whatever each record says on its own: ids that are
not positive, a chain of parents that loops, a file name that is a path, a signed document of
0 bytes. ``register_file.check_records`` asks this before anything is loaded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import Any, NamedTuple

from transfers_app.ports.storage import RegisterRecords


class Problem(NamedTuple):
    table: str
    position: int
    record: object
    message: str


def first_problem(records: RegisterRecords) -> Problem | None:
    """The first record the register must not take, or None."""
    return next(_problems(records), None)


# (section, its records, the field that points at another record of the same section)
def _chains(records: RegisterRecords) -> tuple[tuple[str, Sequence[Any], str], ...]:
    return (
        ("entities", records.entities, "parent_id"),
        ("documents", records.documents, "supersedes_id"),
        ("documents", records.documents, "series_id"),
        ("transfers", records.transfers, "parent_transfer_id"),
        ("tias", records.tias, "series_id"),
    )


# Sections whose name in the file is not the field's.
_TABLES = {"notices": "subprocessor_notices"}


def _problems(records: RegisterRecords) -> Iterator[Problem]:
    for section in fields(records):
        if section.name == "files":  # named by their SHA-256, not by an id
            continue
        table = _TABLES.get(section.name, section.name)
        for i, obj in enumerate(getattr(records, section.name)):
            rid = getattr(obj, "id", None)  # a section of records without ids has none
            if rid is not None and rid < 1:
                yield Problem(table, i, obj, f"id: {rid} is not a record id (ids start at 1)")
    for i, f in enumerate(records.files):
        if f.size < 1:
            yield Problem(
                "files", i, f, f"size: {f.size} bytes; a signed document file is never empty"
            )
        bad = _path_like(f.original_name)
        if bad:
            yield Problem("files", i, f, f"original_name: {bad}")
    for i, d in enumerate(records.documents):
        bad = _path_like(d.file_name)
        if bad:
            yield Problem("documents", i, d, f"file_name: {bad}")
    for table, objs, field in _chains(records):
        problem = _loop(table, objs, field)
        if problem is not None:
            yield problem


def _path_like(name: str) -> str:
    """Why ``name`` cannot be a file's name (it would reach another folder), or ""."""
    if name in (".", ".."):
        return f"{name!r} is a folder, not a file name"
    for sep in ("/", "\\", "\x00"):
        if sep in name:
            shown = "a NUL byte" if sep == "\x00" else f"the path separator {sep!r}"
            return f"{name[:60]!r} holds {shown}; a file name has none"
    if len(name) > 1 and name[1] == ":" and name[0].isalpha():  # C:name, a Windows drive
        return f"{name[:60]!r} names a drive; a file name has none"
    return ""


def _loop(table: str, objs: Sequence[Any], field: str) -> Problem | None:
    """The first record whose chain of ``field`` comes back to itself."""
    points: dict[int, int] = {}
    index: dict[int, int] = {}
    for i, obj in enumerate(objs):
        if obj.id is None:
            continue
        index.setdefault(obj.id, i)
        target = getattr(obj, field)
        # A first version names itself as its series; that is no loop.
        if target is not None and not (field == "series_id" and target == obj.id):
            points[obj.id] = target
    done: set[int] = set()
    for start in points:
        path: list[int] = []
        on_path: set[int] = set()
        node: int | None = start
        while node is not None and node in points and node not in done:
            if node in on_path:
                ring = [*path[path.index(node) :], node]
                i = index[node]
                shown = " -> ".join(str(n) for n in ring)
                return Problem(
                    table, i, objs[i], f"{field}: makes a loop ({shown}); a chain must end"
                )
            path.append(node)
            on_path.add(node)
            node = points[node]
        done.update(path)
    return None
