"""Name normalisation for finding the same organisation under slightly different names."""

from __future__ import annotations

import re
import unicodedata

# Legal-form words that say nothing about which organisation it is.
_LEGAL_FORMS = {
    "ltd",
    "limited",
    "plc",
    "llc",
    "llp",
    "lp",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "se",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "aps",
    "pty",
    "pte",
    "kk",
    "sp",
    "zoo",
    "z",
    "oo",
    "aş",
    "a.ş",
    "the",
    "group",
    "holdings",
    "holding",
    "株式会社",
    "有限会社",
    "合同会社",
}
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)


def name_key(name: str) -> str:
    """A comparison key: case-folded, accents kept, legal forms and punctuation dropped."""
    text = unicodedata.normalize("NFKC", name).casefold()
    for form in ("株式会社", "有限会社", "合同会社"):
        text = text.replace(form, " ")
    words = [w for w in _PUNCT.split(text) if w and w not in _LEGAL_FORMS]
    return " ".join(words) or text.strip()
