"""The whole register as one JSON file, lossless, and back (format: ``docs/register-json.md``).

Every record of every table, archived ones included, with its id, record version and
timestamps; each record is the domain dataclass's fields by name (enums by value, dates and
timestamps in ISO 8601, lists for tuples). One record per line keeps big files quick to write
and easy to diff. Reading is strict: a wrong type, an unknown value or an unknown field is
refused with a message naming the record and the field, never half-loaded.
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from exports.files import atomic_target
from transfers_app.domain.models import (
    AuditEntry,
    CatalogueItem,
    Document,
    Entity,
    Location,
    Publication,
    StoredFile,
    SubprocessorNotice,
    Tia,
    Transfer,
)
from transfers_app.domain.organisation import FollowUp, OrganisationProfile
from transfers_app.errors import RegisterFileError
from transfers_app.ports import RegisterRecords
from transfers_app.ports.files import RegisterFile

FORMAT = "transfer-register/register"
# 2: the audit trail with its hash chain (section "audit"); version 1 files (no audit) still load.
FORMAT_VERSION = 2

# (key in the file, field of RegisterRecords, record type), in the order written and loaded.
SECTIONS: tuple[tuple[str, str, type[Any]], ...] = (
    ("entities", "entities", Entity),
    ("locations", "locations", Location),
    ("files", "files", StoredFile),
    ("documents", "documents", Document),
    ("transfers", "transfers", Transfer),
    ("tias", "tias", Tia),
    ("catalogue", "catalogue", CatalogueItem),
    ("publications", "publications", Publication),
    ("subprocessor_notices", "notices", SubprocessorNotice),
    ("audit", "audit", AuditEntry),
    ("organisation", "organisation", OrganisationProfile),  # at most one
    ("open_items", "open_items", FollowUp),
)
HEADER_KEYS = (
    "format",
    "format_version",
    "exported_at",
    "app_version",
    "reference_data_version",
    "counts",
)


# -- the codec: compiled once per type from the dataclasses' annotations ------------------------


class _Bad(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)


Encoder = Callable[[Any], Any] | None  # None: the value is written as it is
Decoder = Callable[[Any, str], Any]


def _plain(kind: type, label: str) -> Decoder:
    def decode(v: Any, where: str) -> Any:
        # bool is an int to Python, never to this format.
        if not isinstance(v, kind) or (kind is not bool and isinstance(v, bool)):
            raise _Bad(where, f"must be {label}, not {json.dumps(v, ensure_ascii=False)[:40]}")
        if isinstance(v, int) and not INT_MIN <= v <= INT_MAX:  # what SQLite holds
            raise _Bad(where, f"{v} is out of range (at most {INT_MAX:,} either way)")
        return v

    return decode


def _decode_float(v: Any, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _Bad(where, "must be a number")
    return float(v)


def _iso(parse: Callable[[str], Any], label: str) -> Decoder:
    def decode(v: Any, where: str) -> Any:
        if not isinstance(v, str):
            raise _Bad(where, f"must be {label} as text (ISO 8601)")
        try:
            return parse(v)
        except ValueError:
            raise _Bad(where, f"{v!r} is not {label} (ISO 8601)") from None

    return decode


def _decode_date(v: Any, where: str) -> date:
    d: date = _iso(date.fromisoformat, "a date such as 2026-03-31")(v, where)
    return d


_CODECS: dict[Any, tuple[Encoder, Decoder]] = {}


def _codec(tp: Any) -> tuple[Encoder, Decoder]:
    found = _CODECS.get(tp)
    if found is None:
        found = _CODECS[tp] = _make_codec(tp)
    return found


def _make_codec(tp: Any) -> tuple[Encoder, Decoder]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported union {tp}")
        enc, dec = _codec(inner[0])

        def dec_optional(v: Any, where: str) -> Any:
            return None if v is None else dec(v, where)

        if enc is None:
            return None, dec_optional
        enc_inner = enc
        return (lambda v: None if v is None else enc_inner(v)), dec_optional
    if origin is tuple:
        enc, dec = _codec(typing.get_args(tp)[0])

        def dec_tuple(v: Any, where: str) -> tuple[Any, ...]:
            if not isinstance(v, list):
                raise _Bad(where, "must be a list")
            return tuple(dec(x, f"{where}[{i}]") for i, x in enumerate(v))

        if enc is None:
            return list, dec_tuple
        enc_item = enc
        return (lambda v: [enc_item(x) for x in v]), dec_tuple
    if tp is bool:
        return None, _plain(bool, "true or false")
    if tp is int:
        return None, _plain(int, "a whole number")
    if tp is str:
        return None, _plain(str, "text")
    if tp is float:
        return None, _decode_float
    if tp is datetime:
        return datetime.isoformat, _iso(datetime.fromisoformat, "a timestamp")
    if tp is date:
        return date.isoformat, _decode_date
    if isinstance(tp, type) and issubclass(tp, Enum):
        enum_type: type[Enum] = tp
        allowed = ", ".join(repr(m.value) for m in enum_type)

        def dec_enum(v: Any, where: str) -> Any:
            try:
                return enum_type(v)
            except (ValueError, TypeError):
                raise _Bad(where, f"{v!r} is not one of {allowed}") from None

        return (lambda v: v.value), dec_enum
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record_codec(tp)
    raise TypeError(f"unsupported type {tp!r}")


def _record_codec(cls: type[Any]) -> tuple[Encoder, Decoder]:
    hints = typing.get_type_hints(cls)
    all_fields = dataclasses.fields(cls)
    # The id first: a reader scanning the file looks for it.
    ordered = sorted(all_fields, key=lambda f: f.name != "id")
    plan = [(f.name, *_codec(hints[f.name])) for f in ordered]
    required = {
        f.name
        for f in all_fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    known = {f.name for f in all_fields}

    def encode(obj: Any) -> dict[str, Any]:
        out = {}
        for name, enc, _ in plan:
            v = getattr(obj, name)
            out[name] = v if enc is None or v is None else enc(v)
        return out

    def decode(v: Any, where: str) -> Any:
        if not isinstance(v, dict):
            raise _Bad(where, "must be an object")
        unknown = [k for k in v if k not in known]
        if unknown:
            raise _Bad(
                where, f"unknown field {unknown[0]!r} (a file from a newer version of the app?)"
            )
        kwargs = {}
        for name, _, dec in plan:
            if name in v:
                kwargs[name] = dec(v[name], f"{where}.{name}" if where else name)
            elif name in required:
                raise _Bad(where, f"{name}: is missing")
        return cls(**kwargs)

    return encode, decode


def encode_record(obj: Any) -> dict[str, Any]:
    enc, _ = _codec(type(obj))
    assert enc is not None
    out: dict[str, Any] = enc(obj)
    return out


# -- writing ----------------------------------------------------------------------------------


def write_register_json(
    records: RegisterRecords,
    path: str | os.PathLike[str],
    *,
    exported_at: datetime,
    reference_version: str,
    app_version: str,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the register to ``path`` (atomically); return the number of records written."""
    sections = [(key, getattr(records, attr)) for key, attr, _ in SECTIONS]
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": exported_at.isoformat(),
        "app_version": app_version,
        "reference_data_version": reference_version,
        "counts": {key: len(items) for key, items in sections},
    }
    total = sum(len(items) for _, items in sections)
    done = 0
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with atomic_target(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("{\n")
        for key, value in header.items():
            fh.write(f"  {dumps(key)}: {dumps(value)},\n")
        for n, (key, items) in enumerate(sections):
            comma = "," if n < len(sections) - 1 else ""
            if not items:
                fh.write(f"  {dumps(key)}: []{comma}\n")
                continue
            fh.write(f"  {dumps(key)}: [\n")
            enc, _ = _codec(type(items[0]))
            assert enc is not None
            last = len(items) - 1
            fh.writelines(
                f"    {dumps(enc(item))}{',' if i < last else ''}\n" for i, item in enumerate(items)
            )
            fh.write(f"  ]{comma}\n")
            done += len(items)
            if progress is not None:
                progress(done, total)
        fh.write("}\n")
    return total


# -- reading ----------------------------------------------------------------------------------


def read_register_json(path: str | os.PathLike[str]) -> RegisterFile:
    """Read and decode a register file; ``RegisterFileError`` names what is wrong and where."""
    source = Path(path)
    name = source.name
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise RegisterFileError(f"cannot read {source}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_int=_int, parse_constant=_constant)
    except _Number as exc:
        raise RegisterFileError(f"{name} is not a register file: {exc.where(raw)}") from None
    except RecursionError:
        raise RegisterFileError(
            f"{name} is not a register file: its lists and objects nest too deep to read "
            "(a register file nests four levels)"
        ) from None
    except UnicodeDecodeError:
        raise RegisterFileError(f"{name} is not a register file: it is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise RegisterFileError(
            f"{name} is not a register file: invalid JSON at line {exc.lineno}, column "
            f"{exc.colno} ({exc.msg}); was it cut short?"
        ) from None
    return decode_register(data, name)


INT_MAX = 2**63 - 1
INT_MIN = -INT_MAX
_MAX_DIGITS = 40  # longer is no number of this format; 4,300 digits is Python's own limit


class _Number(Exception):
    """A number the file cannot hold: too many digits, or NaN/Infinity."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__(problem)
        self.text = text

    def where(self, raw: bytes) -> str:
        at = raw.find(self.text.encode("ascii"))
        line = raw.count(b"\n", 0, at) + 1 if at >= 0 else 0
        return f"{self} on line {line:,}" if line else str(self)


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > _MAX_DIGITS:
        raise _Number(text, f"a number of {digits:,} digits (at most {_MAX_DIGITS} are read)")
    return int(text)


def _constant(text: str) -> Any:
    raise _Number(text, f"{text} is not a number this format holds")


def decode_register(data: Any, name: str = "the file") -> RegisterFile:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RegisterFileError(
            f'{name} is not a Transfer Register file (it has no "format": "{FORMAT}"); '
            "export one with: transfers-app export register --format json -o FILE"
        )
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RegisterFileError(f"{name}: format_version: must be a whole number from 1")
    if version > FORMAT_VERSION:
        raise RegisterFileError(
            f"{name} was written by a newer version of the app (format version {version}); "
            f"this one reads version {FORMAT_VERSION}: update the app to load it"
        )
    sections = {key for key, _, _ in SECTIONS}
    unknown = [k for k in data if k not in sections and k not in HEADER_KEYS]
    if unknown:
        raise RegisterFileError(f"{name}: unknown section {unknown[0]!r}")
    exported_at = None
    if data.get("exported_at") is not None:
        try:
            exported_at = _iso(datetime.fromisoformat, "a timestamp")(
                data["exported_at"], "exported_at"
            )
        except _Bad as exc:
            raise RegisterFileError(f"{name}: {exc}") from None
    counts = data.get("counts")
    found: dict[str, tuple[Any, ...]] = {}
    for key, attr, cls in SECTIONS:
        items = data.get(key, [])
        if not isinstance(items, list):
            raise RegisterFileError(f"{name}: {key}: must be a list of records")
        if isinstance(counts, dict) and counts.get(key, len(items)) != len(items):
            raise RegisterFileError(
                f"{name}: {key}: the header counts {counts[key]} records but the file has "
                f"{len(items)}"
            )
        _, dec = _codec(cls)
        out = []
        for i, item in enumerate(items):
            try:
                out.append(dec(item, ""))
            except _Bad as exc:
                raise RegisterFileError(f"{name}: {_label(key, i, item)}: {exc}") from None
            except (TypeError, ValueError) as exc:  # a record its own class refuses
                raise RegisterFileError(f"{name}: {_label(key, i, item)}: {exc}") from None
        found[attr] = tuple(out)
    return RegisterFile(
        RegisterRecords(**found),
        exported_at,
        str(data.get("app_version") or ""),
        str(data.get("reference_data_version") or ""),
    )


def _label(key: str, index: int, item: Any) -> str:
    bits = []
    if isinstance(item, dict):
        if isinstance(item.get("id"), int):
            bits.append(f"id {item['id']}")
        for field in ("name", "title", "subprocessor_name", "sha256"):
            if isinstance(item.get(field), str) and item[field]:
                bits.append(repr(item[field][:60]))
                break
    return f"{key}[{index}]" + (f" ({', '.join(bits)})" if bits else "")
