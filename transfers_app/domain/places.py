"""Places in a vendor list's location cells, resolved as a careful person would: "Germany,
Finland, United States", "USA (US Cloud) or Germany (EU Cloud)", "Deutschland", "Untied
States", "1 Main St, Dublin 2, Ireland", "San Francisco, CA 94105" become ISO 3166-1 codes;
regions ("EU", "Worldwide", "Region designated by Customer") are kept, with the text, for a
human to resolve, and the countries beside them still count ("Global, USA, EU, Australia").

A wrong country is worse than a question: it looks settled. So a cell shaped like one address
("Köln, D", "Mountain View, CA", "Baarsjesweg 285-H, 1058 AE Amsterdam, Netherlands") is read
as one place, its last part deciding with the city before it as evidence; letters inside a
postcode are never a country; two-letter codes that are everyday words ("IN", "DE") are not
read inside sentences; a code that is both a US state and a country after an unknown city is
left to a human. Links ("can be found at openai.com/policies/...") and "n/a" are not places.
The names themselves (aliases, cities, regions, states) are data, in ``place_names``.

Just over 800 lines on purpose: the reading of one cell is a chain of small steps that call one
another; the name tables they read are in ``place_names.py``.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from transfers_app.domain.countries import INTERNATIONAL_ORGS, country_name
from transfers_app.domain.place_names import (
    CHOICE_WORDS,
    CITIES,
    CLOUD_REGIONS,
    COUNTRY_ALIASES,
    CUSTOMER_WORDS,
    DASHES,
    EUROPE,
    NOT_A_PLACE,
    OPEN_REGIONS,
    REGIONS,
    SIGNS,
    SUBDIVISIONS,
    US_CITY_STATE,
    US_STATE_TEXT,
    WORD_CODES,
)
from transfers_app.domain.vendor_table import MAX_PLACE_TEXT, clean_text, fold_key


@dataclass(frozen=True, slots=True)
class Place:
    """One location read from a cell: a country (ISO code) or something a human must resolve."""

    text: str  # the words in the file it was read from
    code: str | None = None  # ISO 3166-1 alpha-2, or an international organisation code
    city: str = ""
    region: str = ""  # "EU", "worldwide", "chosen by the customer"... (code is None)
    note: str = ""  # how it was read, when that was a guess worth checking
    from_address: bool = False

    @property
    def needs_review(self) -> bool:
        return self.code is None

    def describe(self) -> str:
        if self.code is None:
            what = f"a region ({self.region})" if self.region else "not a place the app knows"
            return f"'{self.text}' is {what}: choose the countries"
        return self.code + (f" ({self.city})" if self.city else "")


_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da")


@cache
def _country_index() -> dict[str, str]:
    """Folded country names (English, ISO official and common, other languages, aliases)."""
    import pycountry

    english: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                english[fold_key(value)] = c.alpha_2
    for code, name in INTERNATIONAL_ORGS.items():
        english[fold_key(name)] = code
    foreign: dict[str, set[str]] = {}
    for lang in _LANGUAGES:
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        for c in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(c, attr, None)
                if value:
                    foreign.setdefault(fold_key(tr.gettext(value)), set()).add(c.alpha_2)
    index = dict(english)
    for k, codes in foreign.items():
        # A word that names different countries in different languages is not guessed.
        if k not in index and len(codes) == 1:
            index[k] = next(iter(codes))
    for k, code in COUNTRY_ALIASES.items():
        index[k] = code
    return index


@cache
def _codes() -> dict[str, str]:
    """ISO alpha-2 and alpha-3 codes (folded) -> alpha-2, and the organisation codes."""
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        out[c.alpha_2.lower()] = c.alpha_2
        out[c.alpha_3.lower()] = c.alpha_2
    for code in INTERNATIONAL_ORGS:
        out[code.lower()] = code
    out["uk"] = "GB"
    out["el"] = "GR"
    return out


@cache
def _us_states() -> tuple[dict[str, str], frozenset[str]]:
    """US state names (folded) -> postal code, and the set of postal codes."""
    names: dict[str, str] = {}
    for pair in US_STATE_TEXT.split("|"):
        abbr, name = pair.split("=")
        names[name] = abbr
    return names, frozenset(names.values())


@cache
def _fuzzy_keys() -> dict[int, tuple[list[str], list[str]]]:
    """Country-name keys of five letters or more, by length (a typo changes it by a few)."""
    index = _country_index()
    by_length: dict[int, tuple[list[str], list[str]]] = {}
    for k, code in index.items():
        if len(k) >= 5:
            keys, codes = by_length.setdefault(len(k), ([], []))
            keys.append(k)
            codes.append(code)
    return by_length


@cache
def _city_keys() -> dict[int, list[str]]:
    by_length: dict[int, list[str]] = {}
    for k in CITIES:
        by_length.setdefault(len(k), []).append(k)
    return by_length


_US_ZIP = re.compile(r"\b([A-Z]{2})\.?\s+(\d{5})(?:-\d{4})?\b")
_US_STATE_ZIP = re.compile(r"\b([A-Za-z][A-Za-z .]+?)\s+(\d{5})(?:-\d{4})?\s*$")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_CA_POSTCODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
_STREET = re.compile(
    r"\d|\b(?:street|st|road|rd|avenue|ave|lane|drive|dr|way|suite|floor|fl|building|"
    r"house|plaza|square|place|park|boulevard|blvd|po box|strasse|str|weg|platz|allee|"
    r"gasse|ring|rue|avenida|calle|via|piso|rua|ulica|ul)\b",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"\s*(?:\n|;|\||/|\+|&|,|\s(?:and|or|und|oder|sowie|bzw|et|ou|y|e)\s|\s[-–—]\s)\s*",
    re.IGNORECASE,
)
_PAREN = re.compile(r"^(.*?)\s*[(\[]([^()\[\]]*)[)\]]\s*(.*)$", re.DOTALL)


def _split_top(text: str) -> list[str]:
    """Split at separators outside parentheses; keep each separator after its piece."""
    pieces: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif depth == 0:
            m = _SEPARATOR.match(text, i)
            if m and m.end() > i:
                pieces.append(text[start:i])
                pieces.append(m.group(0))
                start = i = m.end()
                continue
        i += 1
    pieces.append(text[start:])
    return pieces


def _region_of(key: str) -> str:
    if key in REGIONS:
        return REGIONS[key]
    words = key.split()
    if any(w.startswith(CUSTOMER_WORDS) for w in words) and any(
        w.startswith(CHOICE_WORDS) for w in words
    ):
        return "chosen by the customer"
    if any(w.startswith(("depend", "abhangig")) for w in words):
        return "depends on the case"
    return ""


# A Dutch postcode ("1058 AE"): its two letters are not a word of the city's name.
_NL_POSTCODE_KEY = re.compile(r"\b\d{4} [a-z]{2}\b")
_NL_POSTCODE = re.compile(r"\b\d{4}\s?[A-Z]{2}\b")


def _city(key: str) -> str | None:
    if key in CITIES:
        return CITIES[key]
    # "10115 Berlin", "Dublin 2", "75008 Paris Cedex", "D02 X285 Dublin", "1058 AE Amsterdam"
    stripped = " ".join(
        w
        for w in _NL_POSTCODE_KEY.sub(" ", key).split()
        if not any(ch.isdigit() for ch in w) and w != "cedex"
    )
    return CITIES.get(stripped)


def _exact(piece: str) -> Place | None:
    """A piece that is exactly a code, a country name, a cloud region or a well-known city."""
    key = fold_key(piece)
    if not key:
        return None
    letters = key.replace(" ", "")
    if len(letters) in (2, 3) and " " not in key and letters in _codes():
        if letters == "na":
            return None  # "NA": more often "not applicable" than Namibia
        return Place(piece, _codes()[letters])
    if key in ("u s", "u k", "u s a", "u a e"):
        return Place(piece, COUNTRY_ALIASES[key])
    index = _country_index()
    if key in index:
        return Place(piece, index[key])
    if key in CLOUD_REGIONS:
        return Place(piece, CLOUD_REGIONS[key])
    code = _city(key)
    if code is not None:
        return Place(piece, code, city=_title(piece))
    return None


def _title(piece: str) -> str:
    piece = _NL_POSTCODE.sub(" ", piece)
    text = " ".join(w for w in piece.split() if not any(ch.isdigit() for ch in w))
    return text.strip(" ,.-") or piece.strip()


def _us_address(text: str) -> Place | None:
    states, abbrs = _us_states()
    for m in _US_ZIP.finditer(text):
        if m.group(1) in abbrs:
            return Place(text, "US")
    m2 = _US_STATE_ZIP.search(text)
    if m2 and fold_key(m2.group(1)) in states:
        return Place(text, "US")
    return None


def _fuzzy(piece: str) -> Place | None:
    """A country (or city) name with a typo: at most one edit (two in a name longer than 13
    letters), and only when no other country is as close. Two edits in a shorter word turn
    place names into countries ("Cambridge" is two edits from "Cambodge", French for
    Cambodia)."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

    key = fold_key(piece)
    if len(key) < 5 or len(key) > 40:
        return None
    edits = 1 if len(key) <= 13 else 2
    by_length = _fuzzy_keys()
    hits: list[tuple[str, int, str]] = []
    for length in range(len(key) - edits, len(key) + edits + 1):
        keys, codes = by_length.get(length, ([], []))
        # Levenshtein (fast) first: a transposition costs it two edits, Damerau one.
        for name, _, i in process.extract(
            key, keys, scorer=Levenshtein.distance, score_cutoff=2 * edits, limit=10
        ):
            dist = DamerauLevenshtein.distance(key, name)
            if dist <= edits:
                hits.append((name, dist, codes[i]))
    if hits:
        best = min(h[1] for h in hits)
        found = {h[2] for h in hits if h[1] == best}
        if len(found) == 1:
            name = next(h[0] for h in hits if h[1] == best)
            return Place(piece, found.pop(), note=f"read '{piece}' as {_display(name)} (typo?)")
        return None
    if len(key) >= 6:
        cities = [
            k for n in (len(key) - 1, len(key), len(key) + 1) for k in _city_keys().get(n, ())
        ]
        city_hits = [
            h
            for h in process.extract(key, cities, scorer=Levenshtein.distance, score_cutoff=2)
            if DamerauLevenshtein.distance(key, h[0]) <= 1
        ]
        codes_found = {CITIES[h[0]] for h in city_hits}
        if len(codes_found) == 1:
            city = city_hits[0][0].title()
            return Place(
                piece,
                codes_found.pop(),
                city=city,
                note=f"read '{piece}' as the city {city} (typo?)",
            )
    return None


def _place_name(p: Place) -> str:
    name = country_name(p.code) if p.code else p.text
    return f"{name} ({p.city})" if p.city else name


def _display(key: str) -> str:
    import pycountry

    code = _country_index().get(key)
    if code and len(code) == 2:
        c = pycountry.countries.get(alpha_2=code)
        if c is not None:
            return str(getattr(c, "common_name", None) or c.name)
    return key.title()


# Postcodes whose letters look like country codes: Dutch ("1058 AE"), British ("EC3A 7LP"),
# Canadian ("M5V 3L9"); and US ZIP codes after their state ("CA 94105").
_POSTCODES = re.compile(
    r"\b\d{4}\s?[A-Z]{2}\b|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|"
    r"\b[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?\b"
)


def _in_words(piece: str) -> list[Place]:
    """Country, city or region names inside free text ("Servers in Germany").

    Two-letter codes count only where they are written as codes in mixed-case text: never
    inside a postcode ("1058 AE Amsterdam"), never when they are everyday words ("IN", "DE",
    "IT": "HOSTED IN THE EU"); in text written in capitals three letters are words too."""
    shouting = len(piece.split()) >= 3 and piece.isupper()
    words = _POSTCODES.sub(" ", piece).split()
    keys = [fold_key(w) for w in words]
    found: list[Place] = []
    i = 0
    index = _country_index()
    while i < len(words):
        hit: Place | None = None
        for n in (4, 3, 2, 1):
            if i + n > len(words):
                continue
            key = " ".join(k for k in keys[i : i + n] if k)
            original = " ".join(words[i : i + n]).strip(".,;:()")
            if not key:
                continue
            short = len(key.replace(" ", "")) <= 3
            # Short words count only when written as codes are ("US", "EU"), not "us".
            compact = original.replace(" ", "")
            if short and (not original.isupper() or compact in WORD_CODES):
                continue
            # In capitals, three letters are as often a word as a code ("ARE", "CAN", "PER").
            if (
                short
                and shouting
                and len(compact) == 3
                and compact not in ("USA", "UAE")
                and key not in REGIONS
            ):
                continue
            if key in index or (short and key.replace(" ", "") in _codes()):
                code = index.get(key) or _codes()[key.replace(" ", "")]
                hit = Place(piece, code, note=f"found '{original}' in '{piece}'")
            elif key in CLOUD_REGIONS and not short:
                hit = Place(piece, CLOUD_REGIONS[key], note=f"found '{original}' in '{piece}'")
            elif key in CITIES:
                hit = Place(piece, CITIES[key], city=original, note=f"found '{original}'")
            elif key in REGIONS and (len(key) > 3 or original.isupper()):
                hit = Place(piece, None, region=REGIONS[key])
            if hit is not None:
                i += n
                break
        if hit is not None:
            found.append(hit)
        else:
            i += 1
    return found


def _resolve_piece(piece: str, depth: int = 0) -> list[Place]:
    """One piece of a cell ("Germany (Frankfurt)", "EU (Amsterdam)", "Germnay")."""
    piece = piece.strip(" \t.,;:-–—*")
    if not piece:
        return []
    m = _PAREN.match(piece)
    if m and depth < 2:
        main = f"{m.group(1)} {m.group(3)}".strip()
        inner = m.group(2).strip()
        inside = [p for p in parse_locations(inner) if p.code] if inner else []
        if not main:
            return inside
        base = _resolve_piece(main, depth + 1)
        if len(base) == 1 and base[0].region in OPEN_REGIONS and inside:
            # "Customer's choice (EU or US)": the choice stays open, the countries count.
            return [base[0], *inside]
        if len(base) == 1 and base[0].code is None and base[0].region and inside:
            # "EU (Amsterdam)": the region narrowed down by the place in brackets.
            names = ", ".join(_place_name(p) for p in inside)
            return [
                Place(
                    piece,
                    p.code,
                    city=p.city,
                    note=f"read '{piece}' as {names}",
                )
                for p in inside
            ]
        if len(base) == 1 and base[0].code is not None:
            city = next((p.city for p in inside if p.code == base[0].code and p.city), "")
            b = base[0]
            return [Place(piece, b.code, city=city or b.city, note=b.note)]
        if base:
            return base
        return [Place(piece, None)]
    exact = _exact(piece)
    if exact is not None:
        return [exact]
    key = fold_key(piece)
    region = _region_of(key)
    if region:
        return [Place(piece, None, region=region)]
    if any(ch.isdigit() for ch in piece):
        us = _us_address(piece)
        if us is not None:
            return [us]
        if _UK_POSTCODE.search(piece.upper()) and not _CA_POSTCODE.search(piece):
            return [Place(piece, "GB")]
    states, _ = _us_states()
    if key in states and key != "georgia":
        return [Place(piece, "US", city="", note=f"'{piece}' is a US state")]
    fuzzy = _fuzzy(piece)
    if fuzzy is not None:
        return [fuzzy]
    words = _in_words(piece)
    if words:
        return words
    return [Place(piece, None)]


class _Part(NamedTuple):
    """One comma- or line-separated part of an address, and what it is."""

    text: str
    kind: str  # country, code, sign, state, city, street, region, mentions (places), other
    code: str | None = None  # the country it names (a code: its ISO reading, None for "WA")
    note: str = ""


_TAIL_KINDS = frozenset({"country", "code", "sign", "state"})
_EMAIL_OR_LINK = re.compile(r"@|https?://|www\.", re.IGNORECASE)
_ZIP = re.compile(r"\b\d{5}(?:-\d{4})?\b")


def _part(text: str, last: bool = False) -> _Part | None:
    """What one part of an address is; None for nothing (blank, an email, a link)."""
    t = text.strip(" \t.,;:*")
    if not t or _EMAIL_OR_LINK.search(t):
        return None
    key = fold_key(t)
    if not key:
        return None
    _, abbrs = _us_states()
    if t.isalpha() and t.isupper() and len(t) <= 3:
        if t in SIGNS:
            return _Part(t, "sign", SIGNS[t])
        iso = _codes().get(t.lower()) if t != "NA" else None
        if iso is not None or t in abbrs or any(t in s for s in SUBDIVISIONS.values()):
            return _Part(t, "code", iso)
    if _region_of(key):
        return _Part(t, "region")
    found = _exact(t)
    if found is None and any(ch.isdigit() for ch in t):
        # "L-1855 Luxembourg", "10115 Berlin": the place after its postcode.
        bare = _title(t)
        found = _exact(bare) if bare != t else None
    if found is not None and found.code is not None:
        return _Part(t, "city" if found.city else "country", found.code)
    states, _ = _us_states()
    if key in states:
        return _Part(t, "state", "US")
    if any(ch.isdigit() for ch in t) or _STREET.search(t):
        return _Part(t, "street")
    if last and len(key) >= 5:
        typo = _fuzzy(t)
        if typo is not None and typo.code and not typo.city:
            return _Part(t, "country", typo.code, typo.note)
    if len(key.split()) > 1 and _in_words(t):
        return _Part(t, "mentions")  # "Remote access from India": a place of its own
    return _Part(t, "other")


def _split_commas(text: str) -> list[str]:
    """The parts of an address: split at commas, semicolons and line breaks outside brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif depth == 0 and ch in ",;\n":
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _read_address(parts: Sequence[str], text: str, strict: bool) -> Place | None:
    """The country (and city) of an address or of a "City, Country" cell.

    ``strict`` (a location cell): only text shaped like one address, the last part naming the
    country ("Köln, D", "Seattle, WA", "1 Main St, Dublin 2, Ireland") and no other part
    naming one, so that "Germany, Finland" stays a list. Otherwise (an address cell): the last
    part that names a country, or failing that the last well-known city.

    The last part decides, with the cities before it as evidence: "Mountain View, CA" is
    California (a US city), "Toronto, CA" Canada, "Cambridge, MA" Massachusetts (a known US
    pair); "Dublin, IR" is Dublin, Ireland whatever IR says. A code that is both a US state
    and a country, after a city the app does not know, is left to a human.
    """
    readings = [r for i, p in enumerate(parts) if (r := _part(p, i == len(parts) - 1))]
    if not readings:
        return None
    tail_at = next(
        (i for i in range(len(readings) - 1, -1, -1) if readings[i].kind in _TAIL_KINDS), None
    )
    if strict and (
        len(readings) < 2
        or tail_at != len(readings) - 1
        or not all(_inside(r, readings[-1]) for r in readings[:-1])
    ):
        return None
    us = None if strict else _us_address(text)
    code: str | None
    note = ""
    if us is not None:
        code = "US"
    elif tail_at is None:
        cities = [r for r in readings if r.kind == "city"]
        uk = next((r for r in readings if _UK_POSTCODE.search(r.text.upper())), None)
        if cities:
            code = cities[-1].code
        elif uk is not None:
            code = "GB"
        else:
            return None
    else:
        tail = readings[tail_at]
        before = readings[:tail_at]
        city_code = next((r.code for r in reversed(before) if r.kind == "city"), None)
        code, note = tail.code, tail.note
        if tail.kind == "country" and city_code not in (None, code):
            states, _ = _us_states()
            if city_code == "US" and fold_key(tail.text) in states:
                code = "US"  # "Atlanta, Georgia"
            elif strict:
                return None  # "London, Germany": two places, read as a list
        elif tail.kind == "sign" and city_code not in (None, code):
            code = city_code
        elif tail.kind == "code":
            code, note = _code_after(tail, before, city_code, text)
            if code is None:
                if not note:
                    return None
                return Place(text, None, region=note)
        elif tail.kind == "state":
            code = "US"
    if code is None:
        return None
    city = next((_title(r.text) for r in readings if r.kind == "city" and r.code == code), "")
    return Place(text, code, city=city, note=note, from_address=not strict)


def _inside(part: _Part, tail: _Part) -> bool:
    """Whether a part before the last can belong to the one address the last part ends: a
    street, a city, a word, or a state or province of the country the last part names
    ("Los Angeles, CA, USA", "Toronto, ON, Canada")."""
    if part.kind in ("city", "street", "other"):
        return True
    _, abbrs = _us_states()
    if tail.code == "US" and (part.kind == "state" or part.text in abbrs):
        return True
    if part.kind == "code":
        return part.code == tail.code or part.text in SUBDIVISIONS.get(tail.code or "", ())
    return False


def _code_after(
    tail: _Part, before: Sequence[_Part], city_code: str | None, text: str
) -> tuple[str | None, str]:
    """The country of "City, XX" (a two- or three-letter code after a place): (code, note), or
    (None, what a human must decide), or (None, "") when the text is not an address."""
    _, abbrs = _us_states()
    is_state = tail.text in abbrs
    iso = tail.code
    province_of = [c for c, codes in SUBDIVISIONS.items() if tail.text in codes]
    if is_state and (
        any((fold_key(r.text), tail.text) in US_CITY_STATE for r in before)
        or any(_ZIP.search(r.text) for r in before)
    ):
        return "US", ""
    if city_code is not None:
        if city_code == iso or (is_state and city_code == "US") or city_code in province_of:
            return city_code, ""
        city = next(r.text for r in reversed(before) if r.kind == "city")
        said = f"{tail.text} is {country_name(iso)}" if iso else f"{tail.text} is no country"
        return city_code, f"read '{text}' as {country_name(city_code)} ({city}); {said}"
    readings = [
        *([country_name(iso)] if iso else []),
        *([f"the US state {tail.text}"] if is_state else []),
        *(f"a state or province of {country_name(c)}" for c in province_of),
    ]
    codes = [*([iso] if iso else []), *(["US"] if is_state else []), *province_of]
    if len(set(codes)) == 1:
        return codes[0], ""
    if codes:
        return None, f"'{tail.text}': " + " or ".join(readings) + "?"
    return None, ""


def _without_links(text: str) -> str:
    """The cell without the sentences that point to a web page ("Details can be found at
    openai.com/policies/..."): a link is not a place, and not one for a human to choose."""
    if not _LINK.search(text):
        return text
    lines = []
    for line in text.split("\n"):
        kept = " ".join(s for s in _SENTENCE_END.split(line) if not _LINK.search(s))
        if kept.strip(" .,;:"):
            lines.append(kept)
    return "\n".join(lines)


_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]{2,}(?:\.[a-z0-9-]+)*\."
    r"(?:com|org|net|io|ai|dev|app|co|eu|info|cloud|de|fr|uk|nl|ie|ch|es|it)\b(?:/\S*)?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def _no_place(text: str) -> bool:
    return text.strip() in DASHES or fold_key(text) in NOT_A_PLACE


@lru_cache(maxsize=65536)
def parse_locations(text: str) -> tuple[Place, ...]:
    """Every place named in a cell, resolved to ISO codes where it can be (see the module doc).

    Places naming the same country are merged (a city and its country: "Munich, Germany").
    """
    text, _ = clean_text(text, multiline=True)
    if not text:
        return ()
    if len(text) > MAX_PLACE_TEXT:
        return (Place(text[:80] + "…", None, region="too long to read as places"),)
    text = _without_links(text)
    if not text or _no_place(text):
        return ()
    whole = (_exact(text) or _us_address(text)) if "\n" not in text else None
    if whole is not None:
        found: list[Place] = [whole]
        if whole.code == "US" and not whole.city and any(ch.isdigit() for ch in text):
            found = [_read_address(_split_commas(text), text, strict=False) or whole]
        return merge_places(Place(p.text, p.code, p.city, note=p.note) for p in found)
    parts = _split_commas(text)
    if len(parts) > 1:
        address = _read_address(parts, text, strict=True)
        if address is not None:
            return (address,)
    places = _read_list(text)
    region = _region_of(fold_key(text))
    if region and not _PAREN.match(text) and not any(p.code for p in places):
        # "Depends on the customer's choice / contract": one answer, not two places.
        return (Place(text, None, region=region),)
    if any(p.code in EUROPE for p in places):
        places = tuple(p for p in places if p.code or p.region != "Europe")
    return places


def _read_list(text: str) -> tuple[Place, ...]:
    """The places of a cell that lists several ("Germany, Finland, United States")."""
    raw = _split_top(text)
    parts = raw[0::2]
    seps = raw[1::2]
    places: list[Place] = []
    i = 0
    pending: list[tuple[str, list[Place]]] = []
    while i < len(parts):
        # "Trinidad and Tobago", "Korea, Republic of": a name that holds a separator.
        joined: Place | None = None
        for n in (3, 2):
            if i + n <= len(parts):
                candidate = "".join(
                    parts[i + k] + (seps[i + k] if k < n - 1 else "") for k in range(n)
                )
                joined = _exact(candidate)
                if joined is not None:
                    pending.append((candidate, [joined]))
                    i += n
                    break
        if joined is not None:
            continue
        part = parts[i]
        i += 1
        if part.strip():
            pending.append((part, _resolve_piece(part)))
    unresolved = [p for p, found in pending if all(x.code is None and not x.region for x in found)]
    if unresolved and any(_STREET.search(p) for p in unresolved):
        address = _read_address([p for p, _ in pending], text, strict=False)
        if address is not None and address.code is not None:
            keep = [x for p, found in pending if p not in unresolved for x in found]
            places = [
                Place(text, address.code, address.city, note=address.note),
                *[x for x in keep if x.code != address.code],
            ]
            return merge_places(places)
    for _, found in pending:
        places.extend(found)
    return merge_places(places)


def merge_places(places: Iterable[Place]) -> tuple[Place, ...]:
    out: dict[str, Place] = {}
    for p in places:
        key = p.code or f"?{p.region}|{p.text}"
        prev = out.get(key)
        if prev is None:
            out[key] = p
        elif not prev.city and p.city:
            out[key] = Place(
                prev.text, prev.code, p.city, prev.region, prev.note or p.note, prev.from_address
            )
    return tuple(out.values())


_WIDE_GAP = re.compile(r"[ \t\u00a0]{2,}")
_MAY_HOLD_MORE = re.compile(r"[,;\n]|[ \t\u00a0]{2}|\s[–—-]\s")


# Not "Acme (Germany)": a country in brackets is often part of the name a register keeps
# ("Salesforce (EU)"), and two such rows would merge into one "Acme".
_NAME_THEN_COUNTRY = (
    re.compile(r"^(?P<name>.+?)\s+[–—-]\s+(?P<country>[^–—-]+)$"),
    re.compile(r"^(?P<name>.+),\s*(?P<country>[^,]+)$"),
)


def split_name_and_address(text: str) -> tuple[str, str] | None:
    """A name cell that holds where the vendor is too: (name, address), or None when it holds
    a name only.

    An address ("MessageBird B.V., Baarsjesweg 285-H, 1058 AE Amsterdam, Netherlands") starts
    at the first part after the name with a number or a street word, and must name a country;
    the parts before it are the name, legal form included ("HubSpot, Inc., 25 First Street,
    ..."). Wide gaps count as line breaks: they are what is left of the line breaks of a cell
    pasted from a document. A country alone after a dash or a comma ("Airfold, Inc. – United
    States of America") counts when it is spelt out, never a code ("Acme, SA").
    """
    if not _MAY_HOLD_MORE.search(text):  # most names: one part, nothing to split
        return None
    lines, _ = clean_text(_WIDE_GAP.sub("\n", text), multiline=True)
    parts = _split_commas(lines)
    start = next(
        (k for k in range(1, len(parts)) if _STREET.search(parts[k])),
        None,
    )
    if start is not None and any(ch.isdigit() for part in parts[start:] for ch in part):
        address = ", ".join(parts[start:])
        place = country_from_address(address)
        if place is not None and place.code is not None:
            return ", ".join(parts[:start]), address
    line = " ".join(lines.split())
    states, _ = _us_states()
    for pattern in _NAME_THEN_COUNTRY:
        m = pattern.match(line)
        if m is None:
            continue
        country = m.group("country").strip()
        found = _exact(country)
        key = fold_key(country)
        if (
            found is not None
            and found.code is not None
            and not found.city
            and len(key.replace(" ", "")) > 3
            and key not in states
            and fold_key(m.group("name"))
        ):
            return m.group("name").strip(" ,"), country
    return None


@lru_cache(maxsize=16384)
def country_from_address(text: str) -> Place | None:
    """The country an address is in ("1 Main St, Dublin 2, Ireland" -> IE), or None."""
    cleaned, _ = clean_text(text, multiline=True)
    if not cleaned or len(cleaned) > MAX_PLACE_TEXT:
        return None
    found = _read_address(_split_commas(cleaned), cleaned, strict=False)
    if found is not None and found.code is not None:
        return found
    places = [p for p in parse_locations(cleaned) if p.code]
    if len({p.code for p in places}) == 1:
        p = places[0]
        return Place(cleaned, p.code, p.city, note=p.note, from_address=True)
    return None
