"""Destination-country profiles for transfer impact assessments (TIAs), as shipped.

Each profile is a sourced *starting point* for the assessor, not legal advice: the access laws,
redress and an indicative rating against the European Essential Guarantees (EEG) for one
destination, as found on the research date (`as_of`). The assessor copies it into a TIA and
edits it there. Every statement keeps the research marker it came with, so a screen or a PDF
can flag what was not verified:

- ``sourced`` ([S XX-n]): found in a source; ``refs`` resolve the cited sources to URLs;
- ``unverified`` ([M]): from memory, not checked; ``verified`` is False;
- ``inference`` ([I]): an inference or indicative assessment, not a fact;
- ``mixed``: parts of the statement carry different markers (shown inline in ``text``);
  ``verified`` is False if any part is [M];
- ``none``: guidance or a review trigger that states no fact.

The data is ``data/country_profiles.json``, built from the research file by
``scripts/build_country_profiles.py`` (see docs/reference-data.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

from transfers_app.errors import ReferenceDataError
from transfers_app.reference.json_reader import JsonReader, shipped_json

DATA_FILE = "country_profiles.json"
# Format 2: each source carries its citation (title, publisher, date) for a bibliography.
SUPPORTED_FORMAT = 2


class MarkerKind(StrEnum):
    SOURCED = "sourced"
    UNVERIFIED = "unverified"
    INFERENCE = "inference"
    MIXED = "mixed"
    NONE = "none"


class Rating(StrEnum):
    """Indicative rating of one European Essential Guarantee (always an inference, [I])."""

    LARGELY_MET = "Largely met"
    PARTLY_MET = "Partly met"
    NOT_MET = "Not met"
    OPEN = "Open"


class Tier(StrEnum):
    """How far a source can be relied on (the research file's source-quality pass)."""

    OFFICIAL = "T1"  # legislation, courts, regulators, official gazettes
    SECONDARY = "T2"  # law firms, IAPP, academic work, established press
    WEAK = "T3"  # recorded as rejected; never cited in an output

    @property
    def citable(self) -> bool:
        return self is not Tier.WEAK


@dataclass(frozen=True, slots=True)
class SourceLink:
    label: str  # e.g. "copy read", "official page (not opened)"; "" for the main link
    url: str


@dataclass(frozen=True, slots=True)
class SourceCitation:
    """How a bibliography cites a source: its title, its publisher (or author, or the site it
    is on) and its date as the research line gives it ("" when it gives none)."""

    title: str
    publisher: str
    date: str


@dataclass(frozen=True, slots=True)
class Source:
    """One row of a source list: a profile's (``US-1``) or the common one (``C-1``)."""

    ref: str
    title: str
    tier: Tier
    url: str | None  # the first link; None for a weak source or one cited by another source
    links: tuple[SourceLink, ...]
    text: str  # the whole entry as written, incl. notes such as "(not opened)"
    citation: SourceCitation


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source an item cites, resolved from the profile's list or the common one."""

    ref: str
    title: str
    tier: Tier
    url: str | None
    note: str  # what the citation says about itself, e.g. "draft numbering r.22"
    citation: SourceCitation


@dataclass(frozen=True, slots=True)
class Item:
    """One statement: a table row (``label`` = its Item/Law cell) or a bullet (``label`` "")."""

    label: str
    text: str  # light markdown; inline markers such as "[S US-6]" or "[M]" are kept
    marker: str  # the row's Marker cell as written ("" for bullets and paragraphs)
    kind: MarkerKind
    verified: bool  # False when any part is [M] (unverified memory)
    refs: tuple[SourceRef, ...]
    codes: tuple[str, ...]  # use-case and measure codes mentioned (UC6, T1, C1...)


@dataclass(frozen=True, slots=True)
class Overview:
    """The profile's row of the research file's overview table."""

    destination: str
    eu_status: Item
    uk_status: Item
    main_access_laws: Item
    starting_position: Item  # indicative starting position [I]


@dataclass(frozen=True, slots=True)
class EEGAssessment:
    letter: str  # "A".."D"
    title: str  # e.g. "Necessity / proportionality"
    facts: Item
    rating: Rating
    rating_qualifier: str  # e.g. "(national security: Open)", "/ Not met"; "" if none
    rating_text: str  # the rating cell as written


@dataclass(frozen=True, slots=True)
class CountryProfile:
    code: str  # ISO 3166-1 alpha-2
    name: str
    name_note: str  # e.g. "mainland; Hong Kong and Macao not covered"
    section: int  # section number in the research file
    as_of: date
    as_of_note: Item
    overview: Overview
    general_law: tuple[Item, ...]
    access_laws: tuple[Item, ...]
    eeg: tuple[EEGAssessment, ...]
    eeg_notes: tuple[Item, ...]
    redress: tuple[Item, ...]
    measures: tuple[Item, ...]
    sources: tuple[Source, ...]
    review_triggers: tuple[Item, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        """Every statement of the profile, in reading order."""
        ov = self.overview
        return (
            self.as_of_note,
            ov.eu_status,
            ov.uk_status,
            ov.main_access_laws,
            ov.starting_position,
            *self.general_law,
            *self.access_laws,
            *(row.facts for row in self.eeg),
            *self.eeg_notes,
            *self.redress,
            *self.measures,
            *self.review_triggers,
        )

    @property
    def unverified_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if not i.verified)

    @property
    def unverified_count(self) -> int:
        return len(self.unverified_items)

    def rating(self, letter: str) -> EEGAssessment | None:
        return next((row for row in self.eeg if row.letter == letter.upper()), None)

    def source(self, ref: str) -> Source | None:
        return next((s for s in self.sources if s.ref == ref), None)


@dataclass(frozen=True, slots=True)
class Guarantee:
    """One European Essential Guarantee and what to look for (common reference, 0.1)."""

    letter: str
    title: str
    heading_refs: tuple[SourceRef, ...]  # where the heading comes from (EDPB 02/2020)
    test: Item
    evidence: Item


@dataclass(frozen=True, slots=True)
class UseCase:
    """An EDPB Recommendations 01/2020 Annex 2 use case (UC1..UC7)."""

    code: str
    use_case: str
    edpb_view: str
    marker: str
    kind: MarkerKind
    verified: bool
    refs: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class Measure:
    """A supplementary measure of the catalogue (T1-T6 technical, C1-C6, O1-O4)."""

    code: str
    measure: str
    helps: str
    kind: MarkerKind
    verified: bool
    refs: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class CountryProfiles:
    as_of: date
    title: str
    source_file: str
    caveat: str  # "a starting point, not legal advice": show it wherever profiles are used
    how_to_use: tuple[str, ...]
    eeg: tuple[Guarantee, ...]
    use_cases: tuple[UseCase, ...]
    use_case_notes: tuple[Item, ...]
    measures: tuple[Measure, ...]
    common_sources: tuple[Source, ...]
    profiles: tuple[CountryProfile, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.profiles)

    def get(self, code: str) -> CountryProfile | None:
        """The profile of an ISO alpha-2 code (any case), None if there is none."""
        wanted = code.strip().upper()
        return next((p for p in self.profiles if p.code == wanted), None)

    def measure(self, code: str) -> Measure | None:
        return next((m for m in self.measures if m.code == code.strip().upper()), None)

    def use_case(self, code: str) -> UseCase | None:
        return next((u for u in self.use_cases if u.code == code.strip().upper()), None)

    def __iter__(self) -> Iterator[CountryProfile]:
        return iter(self.profiles)

    def __len__(self) -> int:
        return len(self.profiles)


# --------------------------------------------------------------------------- parsing


def _citation(r: JsonReader) -> SourceCitation:
    c = r.child("citation")
    return SourceCitation(c.text("title"), c.text("publisher"), c.text("date"))


def _refs(r: JsonReader, key: str = "refs") -> tuple[SourceRef, ...]:
    return tuple(
        SourceRef(
            ref=x.text("ref"),
            title=x.text("title"),
            tier=x.choice("tier", Tier),
            url=x.opt_text("url"),
            note=x.text("note"),
            citation=_citation(x),
        )
        for x in r.rows(key)
    )


def _item(r: JsonReader) -> Item:
    return Item(
        label=r.text("label"),
        text=r.text("text"),
        marker=r.text("marker"),
        kind=r.choice("kind", MarkerKind),
        verified=r.flag("verified"),
        refs=_refs(r),
        codes=r.texts("codes"),
    )


def _items(r: JsonReader, key: str) -> tuple[Item, ...]:
    return tuple(_item(x) for x in r.rows(key))


def _source(r: JsonReader) -> Source:
    return Source(
        ref=r.text("ref"),
        title=r.text("title"),
        tier=r.choice("tier", Tier),
        url=r.opt_text("url"),
        links=tuple(SourceLink(label=x.text("label"), url=x.text("url")) for x in r.rows("links")),
        text=r.text("text"),
        citation=_citation(r),
    )


def _profile(r: JsonReader) -> CountryProfile:
    ov = r.child("overview")
    return CountryProfile(
        code=r.text("code"),
        name=r.text("name"),
        name_note=r.text("name_note"),
        section=r.number("section"),
        as_of=r.day("as_of"),
        as_of_note=_item(r.child("as_of_note")),
        overview=Overview(
            destination=ov.text("destination"),
            eu_status=_item(ov.child("eu_status")),
            uk_status=_item(ov.child("uk_status")),
            main_access_laws=_item(ov.child("main_access_laws")),
            starting_position=_item(ov.child("starting_position")),
        ),
        general_law=_items(r, "general_law"),
        access_laws=_items(r, "access_laws"),
        eeg=tuple(
            EEGAssessment(
                letter=x.text("letter"),
                title=x.text("title"),
                facts=_item(x.child("facts")),
                rating=x.choice("rating", Rating),
                rating_qualifier=x.text("rating_qualifier"),
                rating_text=x.text("rating_text"),
            )
            for x in r.rows("eeg")
        ),
        eeg_notes=_items(r, "eeg_notes"),
        redress=_items(r, "redress"),
        measures=_items(r, "measures"),
        sources=tuple(_source(x) for x in r.rows("sources")),
        review_triggers=_items(r, "review_triggers"),
    )


def parse_country_profiles(data: Mapping[str, Any]) -> CountryProfiles:
    """Country profiles from the decoded JSON document; ReferenceDataError if malformed."""
    r = JsonReader.of_format(DATA_FILE, data, "profiles file", SUPPORTED_FORMAT)
    profiles = tuple(_profile(x) for x in r.rows("profiles"))
    codes = [p.code for p in profiles]
    if len(set(codes)) != len(codes):
        raise ReferenceDataError(f"{DATA_FILE}: a country has more than one profile: {codes}")
    return CountryProfiles(
        as_of=r.day("as_of"),
        title=r.text("title"),
        source_file=r.text("source_file"),
        caveat=r.text("caveat"),
        how_to_use=r.texts("how_to_use"),
        eeg=tuple(
            Guarantee(
                letter=x.text("letter"),
                title=x.text("title"),
                heading_refs=_refs(x, "heading_refs"),
                test=_item(x.child("test")),
                evidence=_item(x.child("evidence")),
            )
            for x in r.rows("eeg")
        ),
        use_cases=tuple(
            UseCase(
                code=x.text("code"),
                use_case=x.text("use_case"),
                edpb_view=x.text("edpb_view"),
                marker=x.text("marker"),
                kind=x.choice("kind", MarkerKind),
                verified=x.flag("verified"),
                refs=_refs(x),
            )
            for x in r.rows("use_cases")
        ),
        use_case_notes=_items(r, "use_case_notes"),
        measures=tuple(
            Measure(
                code=x.text("code"),
                measure=x.text("measure"),
                helps=x.text("helps"),
                kind=x.choice("kind", MarkerKind),
                verified=x.flag("verified"),
                refs=_refs(x),
            )
            for x in r.rows("measures")
        ),
        common_sources=tuple(_source(x) for x in r.rows("common_sources")),
        profiles=profiles,
    )


@cache
def load_country_profiles() -> CountryProfiles:
    """The profiles shipped with the app (read once per run)."""
    return parse_country_profiles(shipped_json(DATA_FILE))
