"""ISO 3166-1 countries (via pycountry) plus the international organisations the law names."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import pycountry

from transfers_app.errors import ValidationError

# International organisations are destinations in their own right (Art 44 GDPR). Their codes
# have three or more letters so they never clash with ISO alpha-2 codes. The reference data
# carries the same list with sources; these are the codes the rules recognise.
INTERNATIONAL_ORGS: dict[str, str] = {
    "EPO": "European Patent Organisation",
    "EUI": "EU institutions, bodies, offices and agencies",
}


def register_international_orgs(orgs: dict[str, str] | Mapping[str, str]) -> None:
    """Accept the international organisations a (newer) reference data set names."""
    for code, name in orgs.items():
        if len(code) >= 3 and code not in INTERNATIONAL_ORGS:
            INTERNATIONAL_ORGS[code] = name
            _name_index.cache_clear()
            country_name.cache_clear()


# Common codes and names people type that ISO spells differently.
_ALIASES = {
    "UK": "GB",
    "EL": "GR",  # EU's own code for Greece
    "USA": "US",
    "UNITED STATES OF AMERICA": "US",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
    "SOUTH KOREA": "KR",
    "KOREA": "KR",
    "TURKEY": "TR",
    "RUSSIA": "RU",
    "VIETNAM": "VN",
    "EUROPEAN PATENT OFFICE": "EPO",
}


@cache
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                index[value.upper()] = c.alpha_2
        index[c.alpha_3] = c.alpha_2
    for code, name in INTERNATIONAL_ORGS.items():
        index[name.upper()] = code
    return index


def is_known_code(code: str) -> bool:
    if code in INTERNATIONAL_ORGS:
        return True
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def normalise_code(text: str, field: str = "country") -> str:
    """Turn a code or English name into a destination code, or raise naming the field."""
    raw = text.strip()
    if not raw:
        raise ValidationError(field, "is empty; give an ISO 3166-1 alpha-2 code such as US")
    key = raw.upper()
    key = _ALIASES.get(key, key)
    if is_known_code(key):
        return key
    found = _name_index().get(key)
    if found is not None:
        return found
    raise ValidationError(
        field,
        f"unknown country code {raw!r}: use an ISO 3166-1 alpha-2 code (e.g. US, DE, IN) "
        f"or an international organisation ({', '.join(sorted(INTERNATIONAL_ORGS))})",
    )


@cache
def country_name(code: str) -> str:
    if code in INTERNATIONAL_ORGS:
        return INTERNATIONAL_ORGS[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)
