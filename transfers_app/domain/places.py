"""Places in a vendor list's location cells, resolved as a careful person would: "Germany,
Finland, United States", "USA (US Cloud) or Germany (EU Cloud)", "Deutschland", "Untied
States", "1 Main St, Dublin 2, Ireland", "San Francisco, CA 94105" become ISO 3166-1 codes;
regions ("EU", "Worldwide", "Region chosen by customer") are kept, with the text, for a human
to resolve.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from transfers_app.domain.countries import INTERNATIONAL_ORGS, country_name
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


# Names people type that ISO spells differently (keys are folded by ``fold_key``).
_COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "us": "US",
    "america": "US",
    "the us": "US",
    "the usa": "US",
    "the united states": "US",
    "united states of america": "US",
    "etats unis": "US",
    "eeuu": "US",
    "ee uu": "US",
    "uk": "GB",
    "u k": "GB",
    "the uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "england and wales": "GB",
    "grossbritannien": "GB",
    "angleterre": "GB",
    "inglaterra": "GB",
    "gran bretana": "GB",
    "grande bretagne": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "hollande": "NL",
    "holanda": "NL",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "vietnam": "VN",
    "taiwan": "TW",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "macedonia": "MK",
    "ivory coast": "CI",
    "swaziland": "SZ",
    "burma": "MM",
    "uae": "AE",
    "u a e": "AE",
    "emirates": "AE",
    "dubai": "AE",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "macau": "MO",
    "palestine": "PS",
    "vatican": "VA",
    "cape verde": "CV",
    "east timor": "TL",
    "brunei": "BN",
    "el": "GR",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "polska": "PL",
    "cesko": "CZ",
    "magyarorszag": "HU",
    "espana": "ES",
    "italia": "IT",
    "nederland": "NL",
    "belgie": "BE",
    "belgique": "BE",
    "eire": "IE",
    "hellas": "GR",
    "brasil": "BR",
    "mexico": "MX",
    "nippon": "JP",
    "nihon": "JP",
    "zhongguo": "CN",
    "prc": "CN",
    "mainland china": "CN",
    "bharat": "IN",
    "european patent office": "EPO",
}

# Well-known cities (data centres, business hubs) and their country, in the spellings teams
# use. Ambiguous names (San José, Cambridge) are left out rather than guessed.
_CITY_NAMES: dict[str, str] = {
    "GB": (
        "london|manchester|edinburgh|glasgow|cardiff|belfast|birmingham|leeds|bristol|"
        "reading|slough|newcastle upon tyne"
    ),
    "IE": "dublin|cork|galway|limerick",
    "FR": "paris|lyon|marseille|toulouse|lille|nantes|strasbourg|bordeaux",
    "DE": (
        "berlin|frankfurt|frankfurt am main|frankfurt main|frankfurt a m|hamburg|munich|"
        "munchen|cologne|koln|dusseldorf|stuttgart|nuremberg|nurnberg|leipzig|dresden|"
        "hannover|bonn|karlsruhe|walldorf"
    ),
    "NL": "amsterdam|rotterdam|the hague|den haag|utrecht|eindhoven|groningen",
    "BE": "brussels|bruxelles|brussel|antwerp|antwerpen|ghent",
    "CH": "zurich|geneva|geneve|genf|basel|bern|berne|lausanne|zug",
    "AT": "vienna|wien|graz|linz|salzburg",
    "ES": "madrid|barcelona|valencia|seville|sevilla|malaga",
    "PT": "lisbon|lisboa|porto|oporto",
    "IT": "milan|milano|rome|roma|turin|torino|bologna",
    "GR": "athens|athina|thessaloniki",
    "SE": "stockholm|gothenburg|goteborg|malmo",
    "NO": "oslo|bergen",
    "DK": "copenhagen|kobenhavn|aarhus",
    "FI": "helsinki|espoo|hamina|tampere",
    "EE": "tallinn",
    "LV": "riga",
    "LT": "vilnius",
    "PL": "warsaw|warszawa|krakow|wroclaw|gdansk|lodz|poznan|katowice",
    "CZ": "prague|praha|brno",
    "SK": "bratislava",
    "HU": "budapest",
    "RO": "bucharest|bucuresti|cluj napoca|cluj|iasi",
    "BG": "sofia",
    "HR": "zagreb",
    "SI": "ljubljana",
    "RS": "belgrade|beograd|novi sad",
    "UA": "kyiv|kiev|lviv|kharkiv",
    "BY": "minsk",
    "RU": "moscow|moskva|saint petersburg|st petersburg",
    "TR": "istanbul|ankara|izmir",
    "IL": "tel aviv|tel aviv yafo|haifa",
    "AE": "abu dhabi",
    "SA": "riyadh|jeddah",
    "QA": "doha",
    "EG": "cairo",
    "ZA": "johannesburg|cape town|durban",
    "NG": "lagos",
    "KE": "nairobi",
    "IS": "reykjavik",
    "MT": "valletta",
    "CY": "nicosia|limassol",
    "US": (
        "new york|new york city|nyc|san francisco|los angeles|seattle|chicago|boston|"
        "austin|dallas|houston|atlanta|miami|denver|ashburn|reston|herndon|mountain view|"
        "palo alto|menlo park|redmond|cupertino|sunnyvale|santa clara|san mateo|"
        "salt lake city|phoenix|philadelphia|pittsburgh|des moines|council bluffs|"
        "the dalles|san diego|minneapolis|detroit|nashville|charlotte|raleigh|"
        "washington dc|washington d c|las vegas|san antonio|columbus|silicon valley"
    ),
    "CA": "toronto|montreal|vancouver|ottawa|calgary|quebec city",
    "MX": "mexico city|ciudad de mexico|cdmx|monterrey|guadalajara|queretaro",
    "BR": "sao paulo|rio de janeiro|belo horizonte",
    "AR": "buenos aires|cordoba argentina",
    "CL": "santiago de chile",
    "CO": "bogota|medellin",
    "PE": "lima",
    "UY": "montevideo",
    "IN": (
        "bangalore|bengaluru|mumbai|bombay|chennai|madras|hyderabad|pune|gurgaon|gurugram|"
        "noida|new delhi|delhi|kolkata|ahmedabad"
    ),
    "PH": "manila|makati|cebu|cebu city|quezon city|taguig",
    "MY": "kuala lumpur|penang|cyberjaya",
    "ID": "jakarta",
    "TH": "bangkok",
    "VN": "ho chi minh city|saigon|hanoi",
    "JP": "tokyo|osaka|yokohama",
    "KR": "seoul|busan",
    "CN": "beijing|shanghai|shenzhen|guangzhou|hangzhou",
    "TW": "taipei",
    "PK": "karachi|lahore|islamabad",
    "BD": "dhaka",
    "LK": "colombo",
    "AU": "sydney|melbourne|brisbane|canberra|adelaide",
    "NZ": "auckland|wellington",
}
_CITIES: dict[str, str] = {
    name: code for code, names in _CITY_NAMES.items() for name in names.split("|")
}

# Cloud regions, as providers name them in subprocessor lists.
_CLOUD_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        ["us east 1", "us east 2", "us west 1", "us west 2", "us central1", "us east1", "us west1"],
        "US",
    ),
    **dict.fromkeys(["east us", "east us 2", "west us", "west us 2", "central us"], "US"),
    **dict.fromkeys(["north central us", "south central us"], "US"),
    "eu west 1": "IE",
    "eu west 2": "GB",
    "eu west 3": "FR",
    "eu central 1": "DE",
    "eu central 2": "CH",
    "eu north 1": "SE",
    "eu south 1": "IT",
    "eu south 2": "ES",
    "ap south 1": "IN",
    "ap northeast 1": "JP",
    "ap northeast 2": "KR",
    "ap northeast 3": "JP",
    "ap southeast 1": "SG",
    "ap southeast 2": "AU",
    "ap east 1": "HK",
    "ca central 1": "CA",
    "sa east 1": "BR",
    "me south 1": "BH",
    "me central 1": "AE",
    "af south 1": "ZA",
    "il central 1": "IL",
    "europe west1": "BE",
    "europe west2": "GB",
    "europe west3": "DE",
    "europe west4": "NL",
    "europe west6": "CH",
    "europe west9": "FR",
    "europe north1": "FI",
    "west europe": "NL",
    "north europe": "IE",
    "uk south": "GB",
    "uk west": "GB",
    "france central": "FR",
    "germany west central": "DE",
    "switzerland north": "CH",
}

# Regions and answers that are not a country: a human has to say which countries they mean.
_REGION_WORDS: dict[str, str] = {
    "EU": "eu|e u|european union|europaische union|union europeenne|union europea|ue",
    "EEA": "eea|e e a|european economic area|ewr|eee|eu eea|eu and eea|eu ewr",
    "Europe": "europe|europa|european|continental europe",
    "worldwide": (
        "worldwide|world wide|global|globally|international|weltweit|monde|monde entier|"
        "mondial|mundial|todo el mundo|all countries|anywhere|global follow the sun|"
        "follow the sun"
    ),
    "Asia-Pacific": "apac|asia pacific|asia|asien",
    "EMEA": "emea",
    "the Americas": "americas|north america|nordamerika",
    "Latin America": "latam|latin america|south america|lateinamerika",
    "the Middle East": "middle east|mena",
    "Africa": "africa|afrika|afrique",
    "the Nordics": "nordics|scandinavia|nordic countries",
    "DACH (Germany, Austria, Switzerland)": "dach",
    "Benelux": "benelux",
    "several countries": (
        "multiple|various|several|multiple countries|various countries|several countries|"
        "diverse|divers|varios|verschiedene"
    ),
    "not stated": (
        "tbd|tbc|unknown|n a|not known|unbekannt|inconnu|desconocido|to be confirmed|"
        "to be determined|cloud|the cloud"
    ),
    "'NA': Namibia, North America or not applicable?": "na",
}
_REGIONS: dict[str, str] = {
    word: label for label, words in _REGION_WORDS.items() for word in words.split("|")
}

_CUSTOMER_WORDS = ("customer", "client", "kunde", "cliente", "tenant", "controller")
_CHOICE_WORDS = (
    "choice",
    "choose",
    "chosen",
    "select",
    "elect",
    "option",
    "wahl",
    "gewahlt",
    "ausgewahlt",
    "choix",
    "choisi",
    "eleccion",
    "elegid",
    "seleccion",
    "depend",
    "abhangig",
)

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
    for k, code in _COUNTRY_ALIASES.items():
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


# US states, the District of Columbia and the territories, by postal code (ISO 3166-2:US), as
# a table: loading pycountry's subdivisions for them would cost a tenth of a second per run.
_US_STATE_TEXT = (
    "AK=alaska|AL=alabama|AR=arkansas|AS=american samoa|AZ=arizona|CA=california|"
    "CO=colorado|CT=connecticut|DC=district of columbia|DE=delaware|FL=florida|GA=georgia|"
    "GU=guam|HI=hawaii|IA=iowa|ID=idaho|IL=illinois|IN=indiana|KS=kansas|KY=kentucky|"
    "LA=louisiana|MA=massachusetts|MD=maryland|ME=maine|MI=michigan|MN=minnesota|"
    "MO=missouri|MP=northern mariana islands|MS=mississippi|MT=montana|NC=north carolina|"
    "ND=north dakota|NE=nebraska|NH=new hampshire|NJ=new jersey|NM=new mexico|NV=nevada|"
    "NY=new york|OH=ohio|OK=oklahoma|OR=oregon|PA=pennsylvania|PR=puerto rico|"
    "RI=rhode island|SC=south carolina|SD=south dakota|TN=tennessee|TX=texas|"
    "UM=united states minor outlying islands|UT=utah|VA=virginia|VI=virgin islands u s|"
    "VT=vermont|WA=washington|WI=wisconsin|WV=west virginia|WY=wyoming"
)


@cache
def _us_states() -> tuple[dict[str, str], frozenset[str]]:
    """US state names (folded) -> postal code, and the set of postal codes."""
    names: dict[str, str] = {}
    for pair in _US_STATE_TEXT.split("|"):
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
    for k in _CITIES:
        by_length.setdefault(len(k), []).append(k)
    return by_length


_US_ZIP = re.compile(r"\b([A-Z]{2})\.?\s+(\d{5})(?:-\d{4})?\b")
_US_STATE_ZIP = re.compile(r"\b([A-Za-z][A-Za-z .]+?)\s+(\d{5})(?:-\d{4})?\s*$")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_CA_POSTCODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
_POSTCODE_WORDS = re.compile(r"\b(?:[A-Z]{1,2}-)?\d{3,6}(?:-\d{3,4})?\b|\b\d{2}-\d{3}\b")
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
    if key in _REGIONS:
        return _REGIONS[key]
    words = key.split()
    if any(w.startswith(_CUSTOMER_WORDS) for w in words) and any(
        w.startswith(_CHOICE_WORDS) for w in words
    ):
        return "chosen by the customer"
    if any(w.startswith(("depend", "abhangig")) for w in words):
        return "depends on the case"
    return ""


def _city(key: str) -> str | None:
    if key in _CITIES:
        return _CITIES[key]
    # "10115 Berlin", "Dublin 2", "75008 Paris Cedex", "D02 X285 Dublin"
    stripped = " ".join(
        w for w in key.split() if not any(ch.isdigit() for ch in w) and w != "cedex"
    )
    return _CITIES.get(stripped)


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
        return Place(piece, _COUNTRY_ALIASES[key])
    index = _country_index()
    if key in index:
        return Place(piece, index[key])
    if key in _CLOUD_REGIONS:
        return Place(piece, _CLOUD_REGIONS[key])
    code = _city(key)
    if code is not None:
        return Place(piece, code, city=_title(piece))
    return None


def _title(piece: str) -> str:
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
    """A country (or city) name with a typo: at most one edit in a short name, two in a long one,
    and only when no other country is as close."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

    key = fold_key(piece)
    if len(key) < 5 or len(key) > 40:
        return None
    edits = 1 if len(key) <= 7 else 2 if len(key) <= 13 else 3
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
        codes_found = {_CITIES[h[0]] for h in city_hits}
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


def _in_words(piece: str) -> list[Place]:
    """Country, city or region names inside free text ("Servers in Germany")."""
    words = piece.split()
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
            if short and not original.isupper():
                continue
            if key in index or (short and key.replace(" ", "") in _codes()):
                code = index.get(key) or _codes()[key.replace(" ", "")]
                hit = Place(piece, code, note=f"found '{original}' in '{piece}'")
            elif key in _CITIES:
                hit = Place(piece, _CITIES[key], city=original, note=f"found '{original}'")
            elif key in _REGIONS and (len(key) > 3 or original.isupper()):
                hit = Place(piece, None, region=_REGIONS[key])
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


def _address_place(parts: Sequence[str], text: str) -> Place | None:
    """The country of an address: the last part that names one (a country, a US state and
    ZIP, a UK postcode, a well-known city); its city if one of the parts is a known one."""
    us = _us_address(text)
    country: str | None = us.code if us else None
    note = us.note if us else ""
    if country is None:
        for part in reversed(parts):
            found = _exact(part)
            if found is None and _UK_POSTCODE.search(part.upper()):
                found = Place(part, "GB")
            if found is None and len(fold_key(part)) >= 5 and not _STREET.search(part):
                found = _fuzzy(part)
            if found is not None and found.code:
                country, note = found.code, found.note
                break
    if country is None:
        return None
    city = ""
    for part in parts:
        code = _city(fold_key(part))
        if code == country:
            city = _title(part)
            break
    return Place(text, country, city=city, note=note, from_address=True)


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
    whole = (_exact(text) or _us_address(text)) if "\n" not in text else None
    if whole is not None:
        found: list[Place] = [whole]
        if whole.code == "US" and not whole.city and any(ch.isdigit() for ch in text):
            parts = [p for p in _split_top(text)[0::2] if p.strip()]
            found = [_address_place(parts, text) or whole]
        return merge_places(found)
    region = _region_of(fold_key(text))
    if region and not _PAREN.match(text):
        return (Place(text, None, region=region),)
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
        address = _address_place([p for p, _ in pending], text)
        if address is not None:
            keep = [x for p, found in pending if p not in unresolved for x in found]
            places = [address, *[x for x in keep if x.code != address.code]]
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


@lru_cache(maxsize=16384)
def country_from_address(text: str) -> Place | None:
    """The country an address is in ("1 Main St, Dublin 2, Ireland" -> IE), or None."""
    cleaned, _ = clean_text(text, multiline=True)
    if not cleaned or len(cleaned) > MAX_PLACE_TEXT:
        return None
    parts = [p for p in re.split(r"\s*(?:\n|,|;)\s*", cleaned) if p.strip()]
    found = _address_place(parts, cleaned)
    if found is not None:
        return found
    places = [p for p in parse_locations(cleaned) if p.code]
    if len({p.code for p in places}) == 1:
        p = places[0]
        return Place(cleaned, p.code, p.city, note=p.note, from_address=True)
    return None
