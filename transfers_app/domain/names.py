"""Name normalisation for finding the same organisation under slightly different names."""

from __future__ import annotations

import re
import unicodedata

# Legal-form words that say nothing about which organisation it is (compared after accents
# are folded, so "A.Ş." arrives here as "a" and "s").
_LEGAL_FORMS = frozenset(
    [
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
        "a",
        "s",
        "aps",
        "pty",
        "pte",
        "kk",
        "sp",
        "zoo",
        "z",
        "o",
        "oo",
        "the",
        "group",
        "holdings",
        "holding",
        "pvt",
        "private",
    ]
)
_CJK_FORMS = ("株式会社", "有限会社", "合同会社")
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
# Latin letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"}
)


def _fold_latin(text: str) -> str:
    """Drop accents from Latin letters only ("łódź" -> "lodz"); other scripts stay intact."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).translate(_FOLD)


def fold(text: str) -> str:
    """Text as a search compares it: case-folded, Latin accents dropped ("Łódź" -> "lodz").

    The one fold of every search in the app (the register, documents, transfers, the audit
    log): what the supplier check matches, a search box finds. ASCII text is returned as it
    is after case-folding (the common case costs one scan).
    """
    text = text.casefold()
    return text if text.isascii() else _fold_latin(unicodedata.normalize("NFKC", text))


def name_key(name: str) -> str:
    """A comparison key: case-folded; Latin accents, legal forms and punctuation dropped."""
    text = _fold_latin(unicodedata.normalize("NFKC", name).casefold())
    for form in _CJK_FORMS:
        text = text.replace(form, " ")
    words = [w for w in _PUNCT.split(text) if w and w not in _LEGAL_FORMS]
    return " ".join(words) or text.strip()


# Words many unrelated organisations share: "Acme Analytics" and "Lumen Analytics" have
# nothing but a word of their trade in common. A match on these alone is no match; compared
# after ``name_key`` (folded, legal forms gone).
GENERIC_WORDS = frozenset(
    [
        "analytics",
        "cloud",
        "services",
        "service",
        "solutions",
        "software",
        "systems",
        "technologies",
        "technology",
        "tech",
        "data",
        "digital",
        "consulting",
        "global",
        "international",
        "hosting",
        "labs",
        "networks",
        "network",
        "partners",
        "platform",
        "platforms",
        "media",
        "online",
        "it",
        "ai",
        "and",
        "of",
        "de",
        "enterprises",
        "industries",
        "europe",
        "uk",
        "usa",
        "us",
        "payments",
        "translation",
        "translations",
        "marketing",
        "security",
        "communications",
        "logistics",
        "financial",
        "health",
    ]
)


def distinctive_words(key: str) -> tuple[list[str], list[str]]:
    """A name key's words split into (distinctive, generic); when every word is generic
    ("Cloud Services") they are all distinctive, as nothing else names the organisation."""
    words = key.split()
    distinctive = [w for w in words if w not in GENERIC_WORDS]
    if not distinctive:
        return words, []
    return distinctive, [w for w in words if w in GENERIC_WORDS]
