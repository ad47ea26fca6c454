"""The sources the legal reference data rests on: one table, cited by id from every row.

Each source carries a tier (the scheme of the research notes): T1 official texts, T2 reputable
secondary sources, T3 weak sources. Only T1 and T2 sources are ever cited in an output, as
"Title, Publisher, date" with their address; a T3 source stays in the data only as a record of
what was rejected (without its link), and no verified row rests on one. A bare address from a
file written before format 3 becomes an "unrated" source: kept, listed as unrated on the
Reference data page, never cited.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from transfers_app.errors import ReferenceDataError

SOURCE_TIERS = ("T1", "T2", "T3", "unrated")
CITED_TIERS = frozenset({"T1", "T2"})
# A source dates itself to the day, the month or the year; "" when it is undated.
_SOURCE_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The sections whose rows cite sources (besides the manifest's changelog).
_ROW_LISTS = (
    ("decisions", "decisions"),
    ("instruments", "instruments"),
    ("instruments", "mechanisms"),
    ("regimes", "regimes"),
    ("international_orgs", "international_orgs"),
)


def display_date(value: str) -> str:
    """A source's date as a reader writes it: "4 June 2021", "May 2025", "2024" or ""."""
    m = _SOURCE_DATE.fullmatch(value)
    if m is None:
        return value
    year, month, day = m.groups()
    if month is None:
        return year
    if day is None:
        return f"{_MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"


@dataclass(frozen=True, slots=True)
class Citation:
    """A T1 or T2 source as an output cites it: "Title, Publisher, date" and its address."""

    title: str
    publisher: str
    date: str  # as the source dates itself: "2021-06-04", "2025-05", "2024" or ""
    url: str  # "" for a source the research read only through a copy it does not name
    tier: str  # "T1" or "T2"

    def text(self) -> str:
        """ "Title, Publisher, 4 June 2021" (without the address)."""
        return ", ".join(p for p in (self.title, self.publisher, display_date(self.date)) if p)

    def as_json(self) -> dict[str, str]:
        return {
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "url": self.url,
            "tier": self.tier,
            "citation": self.text(),
        }


@dataclass(frozen=True, slots=True)
class Source:
    """One row of the source table, whatever its tier."""

    id: str
    title: str
    publisher: str
    date: str
    url: str
    tier: str  # one of SOURCE_TIERS
    note: str = ""  # how it was read ("via a copy", "not opened", "title descriptive")

    @property
    def cited(self) -> bool:
        """True for a T1 or T2 source: the only ones an output may cite."""
        return self.tier in CITED_TIERS

    def citation(self) -> Citation | None:
        if not self.cited:
            return None
        return Citation(self.title, self.publisher, self.date, self.url, self.tier)


class Sourced:
    """What a row that cites sources offers: its citations (T1/T2 only, in the data's order,
    so the first is the one to cite), and the unrated addresses of an older file."""

    __slots__ = ()
    sources: tuple[Source, ...]

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(c for s in self.sources if (c := s.citation()) is not None)

    @property
    def source_urls(self) -> tuple[str, ...]:
        """The addresses of the citations (for callers written before the source table)."""
        return tuple(c.url for c in self.citations if c.url)

    @property
    def unrated_sources(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.tier == "unrated")


# -- reading the table ----------------------------------------------------------------------------


def _text(obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = obj.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ReferenceDataError(f"{where}.{key}: expected text, got {value!r}")
    if required and not value.strip():
        raise ReferenceDataError(f"{where}.{key}: is required")
    return value


def _source_date(value: str, where: str) -> str:
    m = _SOURCE_DATE.fullmatch(value)
    ok = m is not None
    if m is not None:
        year, month, day = m.groups()
        try:
            date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            ok = False
    if value and not ok:
        raise ReferenceDataError(
            f"{where}.date: {value!r} is not a date YYYY-MM-DD, YYYY-MM or YYYY (leave it "
            '"" when the source is undated)'
        )
    return value


def parse_source_table(rows: Any) -> dict[str, Source]:
    """The ``sources`` section: every source once, each checked field by field."""
    if not isinstance(rows, list):
        raise ReferenceDataError("sources.sources: expected a list of sources")
    out: dict[str, Source] = {}
    for i, row in enumerate(rows):
        where = f"sources[{i}]"
        if not isinstance(row, Mapping):
            raise ReferenceDataError(f"{where}: expected an object")
        ident = _text(row, "id", where)
        where = f"sources[{i}] ({ident})"
        if ident in out:
            raise ReferenceDataError(f"{where}: a second source with the same id")
        tier = _text(row, "tier", where)
        if tier not in SOURCE_TIERS:
            raise ReferenceDataError(
                f"{where}.tier: {tier!r} is not one of {', '.join(SOURCE_TIERS)}"
            )
        url = _text(row, "url", where, required=tier == "unrated")
        if tier in CITED_TIERS and url and not url.startswith(("https://", "http://")):
            raise ReferenceDataError(f"{where}.url: {url!r} is not a web address")
        if tier == "T3" and url:
            raise ReferenceDataError(
                f"{where}.url: a T3 (weak) source is recorded without its link; name its "
                "site in publisher"
            )
        out[ident] = Source(
            id=ident,
            title=_text(row, "title", where),
            publisher=_text(row, "publisher", where, required=tier != "unrated"),
            date=_source_date(_text(row, "date", where, required=False), where),
            url=url,
            tier=tier,
            note=_text(row, "note", where, required=False),
        )
    return out


def _ids(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ReferenceDataError(f"{where}: expected a list of source ids")
    if len(set(value)) != len(value):
        raise ReferenceDataError(f"{where}: a source is listed twice")
    return tuple(value)


def cite(
    row: Mapping[str, Any],
    where: str,
    table: Mapping[str, Source],
    *,
    verified: bool | None,
    note: str = "",
    required: bool = False,
) -> tuple[tuple[Source, ...], tuple[Source, ...]]:
    """The sources a row cites (``sources``) and the weak ones it records as rejected
    (``rejected_sources``), checked against the table.

    No fact marked verified rests on a T3 source: a T3 source may only be recorded as
    rejected, and a row whose only support is rejected is unverified and says why.
    ``verified`` None: the row has no verified flag (an international organisation), so it
    records no rejected source either.
    """
    if "source_urls" in row:
        raise ReferenceDataError(
            f"{where}.source_urls: this format cites sources by id: list them in 'sources' "
            "and describe each in the source table (see docs/reference-data.md)"
        )
    ids = _ids(row.get("sources"), f"{where}.sources")
    rejected_ids = _ids(row.get("rejected_sources"), f"{where}.rejected_sources")
    if rejected_ids and verified is None:
        raise ReferenceDataError(
            f"{where}.rejected_sources: this row has no verified flag; leave it out"
        )
    sources: list[Source] = []
    first_t2: Source | None = None
    for ident in ids:
        found = table.get(ident)
        if found is None:
            raise ReferenceDataError(f"{where}.sources: unknown source {ident!r}")
        if found.tier == "T3":
            if verified:
                raise ReferenceDataError(
                    f"{where}.sources: {ident!r} is a T3 (weak) source and the row is "
                    "verified: no verified fact rests on a T3 source (cite a T1/T2 source, "
                    "or record it in rejected_sources and mark the row unverified)"
                )
            raise ReferenceDataError(
                f"{where}.sources: {ident!r} is a T3 (weak) source, never cited: record it "
                "in rejected_sources"
            )
        if found.tier == "T2" and first_t2 is None:
            first_t2 = found
        if found.tier == "T1" and first_t2 is not None:
            raise ReferenceDataError(
                f"{where}.sources: the T1 source {ident!r} comes after the T2 source "
                f"{first_t2.id!r}; an output cites the first source, an official one first"
            )
        sources.append(found)
    rejected: list[Source] = []
    for ident in rejected_ids:
        found = table.get(ident)
        if found is None:
            raise ReferenceDataError(f"{where}.rejected_sources: unknown source {ident!r}")
        if found.tier != "T3":
            raise ReferenceDataError(
                f"{where}.rejected_sources: {ident!r} is a {found.tier} source; only T3 "
                "(weak) sources are recorded as rejected"
            )
        rejected.append(found)
    if not sources:
        if rejected:
            if verified:
                raise ReferenceDataError(
                    f"{where}.verified: the row's only sources are T3 (weak) ones: it cannot "
                    "be verified"
                )
            if not note.strip():
                raise ReferenceDataError(
                    f"{where}.verification_note: say why the row is unverified (its only "
                    "sources are weak)"
                )
        elif required:
            raise ReferenceDataError(f"{where}.sources: at least one source is required")
    return tuple(sources), tuple(rejected)


# -- files written before format 3 --------------------------------------------------------------


def upgrade_format_2(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """A format-2 file as format 3: each bare address becomes an unrated source (the address
    as its title), cited by id where the row listed it. Everything else is kept."""
    new: dict[str, Any] = copy.deepcopy(dict(bundle))
    new["manifest"]["format"] = 3
    table = new.setdefault("sources", {}).setdefault("sources", [])
    by_url: dict[str, str] = {}
    taken = {str(s.get("id")) for s in table if isinstance(s, Mapping)}

    def source_id(url: str) -> str:
        found = by_url.get(url)
        if found is None:
            n = len(by_url) + 1
            while f"url-{n}" in taken:
                n += 1
            found = by_url[url] = f"url-{n}"
            taken.add(found)
            table.append({"id": found, "title": url, "url": url, "tier": "unrated"})
        return found

    def convert(row: Any) -> None:
        if not isinstance(row, dict) or "source_urls" not in row:
            return
        urls = row.pop("source_urls")
        if isinstance(urls, list) and all(isinstance(u, str) for u in urls):
            row["sources"] = [source_id(u) for u in dict.fromkeys(urls)]
        else:
            row["source_urls"] = urls  # left for the check to refuse, naming the field

    for section, key in _ROW_LISTS:
        for row in _rows(new.get(section), key):
            convert(row)
            if key == "mechanisms" and isinstance(row, dict):
                convert(row.get("evidence_recheck"))
    convert(new.get("eea"))
    for entry in _rows(new.get("manifest"), "changelog"):
        convert(entry)
    return new


def _rows(section: Any, key: str) -> Iterable[Any]:
    rows = section.get(key) if isinstance(section, Mapping) else None
    return rows if isinstance(rows, list) else ()
