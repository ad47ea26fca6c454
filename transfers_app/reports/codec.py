"""A report document as JSON and back, exactly: what an approved assessment keeps.

An approved transfer impact assessment is reproduced as it was approved: the document the
service built on the day of approval is stored with the record (``document_to_json``) and
rendered again from it (``document_from_json``) however the register or the reference data
change afterwards. The round trip is exact (``document_from_json(document_to_json(d)) == d``):
the same document renders to the same bytes.

The encoding follows the dataclasses of ``reports.document`` field by field; a block names
its kind (``"kind": "table"``) because a section holds blocks of several kinds. A document
written by a newer version of the app (an unknown kind or field, a newer ``format``) is
refused with a clear message rather than read in part.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date
from enum import Enum
from typing import Any

from transfers_app.errors import TransfersError
from transfers_app.reports.document import (
    BarChart,
    Block,
    Bullets,
    Fields,
    Para,
    References,
    ReportDocument,
    Signatures,
    Table,
)

FORMAT = 1

# The kind each block is written under. A new block kind is added here (and nowhere else).
BLOCK_KINDS: dict[str, type[Any]] = {
    "para": Para,
    "fields": Fields,
    "table": Table,
    "bullets": Bullets,
    "bar_chart": BarChart,
    "signatures": Signatures,
    "references": References,
}
_KIND_OF = {cls: kind for kind, cls in BLOCK_KINDS.items()}


class DocumentCodecError(TransfersError):
    """A stored document that this version of the app cannot read."""


def document_to_json(doc: ReportDocument) -> str:
    """The document as compact JSON text (stable: the same document gives the same text)."""
    body = {"format": FORMAT, "document": _encode(doc)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def document_from_json(text: str) -> ReportDocument:
    """The document ``document_to_json`` wrote; DocumentCodecError if it cannot be read."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentCodecError(f"the stored document is not valid JSON ({exc})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        found = body.get("format") if isinstance(body, dict) else None
        raise DocumentCodecError(
            f"the stored document has format {found!r}; this version of the app reads "
            f"format {FORMAT} (it was written by a newer version?)"
        )
    doc = _decode(ReportDocument, body.get("document"), "document")
    assert isinstance(doc, ReportDocument)
    return doc


# -- encoding ----------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        kind = _KIND_OF.get(type(value))
        if kind is not None:
            out["kind"] = kind
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


# -- decoding ----------------------------------------------------------------------------------

_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


def _fail(where: str, what: str) -> DocumentCodecError:
    return DocumentCodecError(f"the stored document cannot be read: {where} {what}")


def _decode(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None and len(args) < len(typing.get_args(tp)):
            return None
        if len(args) > 1 and set(args) <= set(BLOCK_KINDS.values()):
            return _decode_block(value, where)  # a ``Block``: its kind says which
        if len(args) != 1:
            raise _fail(where, "has a type this codec does not know")
        return _decode(args[0], value, where)
    if origin is tuple:
        items = typing.get_args(tp)
        if not isinstance(value, list):
            raise _fail(where, "must be a list")
        if len(items) == 2 and items[1] is Ellipsis:
            return tuple(_decode(items[0], v, f"{where}[{i}]") for i, v in enumerate(value))
        if len(items) != len(value):
            raise _fail(where, f"must have {len(items)} items")
        pairs = enumerate(zip(items, value, strict=True))
        return tuple(_decode(a, v, f"{where}[{i}]") for i, (a, v) in pairs)
    if tp is date:
        if not isinstance(value, str):
            raise _fail(where, "must be a date")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _fail(where, f"is not a date: {value!r}") from None
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            raise _fail(where, f"is not one of {[m.value for m in tp]}: {value!r}") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _decode_record(tp, value, where)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(where, "must be a number")
        return value  # an int stays an int: equal, and written back the same
    if tp in (str, int, bool):
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            raise _fail(where, f"must be {tp.__name__}")
        return value
    raise _fail(where, f"has a type this codec does not know ({tp!r})")


def _decode_block(value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    kind = value.get("kind")
    cls = BLOCK_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise _fail(where, f"is a block of an unknown kind {kind!r}")
    return _decode_record(cls, {k: v for k, v in value.items() if k != "kind"}, where)


def _decode_record(cls: type[Any], value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise _fail(where, "must be an object")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [k for k in value if k not in fields and k != "kind"]
    if unknown:
        raise _fail(where, f"has an unknown field {unknown[0]!r}")
    hints = _hints(cls)
    kwargs = {}
    for name, f in fields.items():
        if name in value:
            kwargs[name] = _decode(hints[name], value[name], f"{where}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise _fail(where, f"lacks {name!r}")
    return cls(**kwargs)


# Every kind of block has a name to be written under (a new kind must be added above).
assert set(typing.get_args(Block)) == set(BLOCK_KINDS.values())
