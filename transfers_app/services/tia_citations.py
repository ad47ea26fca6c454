"""A country-profile source as a bibliography cites it: a title (not a research descriptor),
a publisher (not a web domain), a date where the entry gives one, and the address of the
original where the entry names one (an official court or legislature page beside a
commentary on it).

The profile keeps each source as the research wrote it ("UDLAP Observatorio Global summary of
US-2 (...)", "Crowell & Moring (Judicial Redress Act designations, Jan 2017)", "... (same
Gazette publication as IN-6)"); the research's own ids and notes are for the research, never
for a reader. Nothing is added that the entry does not hold: a title comes from the entry or
the words of its own address, a date from the entry, an official address from its links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from transfers_app.reference.profiles import CountryProfile, Source
from transfers_app.reference.sources import Citation

# Hosts of courts, legislatures, gazettes and governments: an original, where a source lists
# one beside a secondary copy.
_OFFICIAL = re.compile(
    r"(?:^|\.)(?:europa\.eu|gov|gov\.[a-z]{2}|gc\.ca|govt\.nz|nic\.in|agc\.gov\.sg|"
    r"legislation\.gov\.[a-z]{2})$"
)
# The institution behind an official host, for the publisher.
_INSTITUTIONS = {
    "curia.europa.eu": "Court of Justice of the European Union",
    "eur-lex.europa.eu": "EUR-Lex (Publications Office of the European Union)",
}
# Publishers the research named by their web domain.
_DOMAIN_PUBLISHERS = {
    "crowell.com": "Crowell & Moring",
    "observatorioglobal.udlap.mx": "UDLAP Observatorio Global",
    "legitquest.com": "LegitQuest",
    "clearinghouse.net": "Civil Rights Litigation Clearinghouse",
}
# A content-management host standing in for the publisher's own (the same page).
_HOSTS = {"prod.hsf-prod.magnolia-platform.com": "www.herbertsmithfreehills.com"}
_ID = re.compile(r"\b[A-Z]{2}-\d+\b")
_DATE = re.compile(
    r"\b(?:\d{1,2} )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}\b"
)


def _official(url: str) -> bool:
    return bool(url) and bool(_OFFICIAL.search(urlsplit(url).netloc.lower()))


def _address(url: str) -> str:
    """``url`` over https, on the publisher's own host."""
    parts = urlsplit(url)
    host = _HOSTS.get(parts.netloc, parts.netloc)
    rest = url.split(parts.netloc, 1)[1] if parts.netloc else ""
    return f"https://{host}{rest}" if host else url


def _slug_title(url: str) -> str:
    """The title a page's own address spells ("a-key-intelligence-law-expires-..."), or ""."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    words = [w for w in re.split(r"[-_]+", re.sub(r"\.\w+$", "", last)) if w]
    if len(words) < 4 or not all(w.isalpha() for w in words):
        return ""
    text = " ".join(words)
    text = re.sub(r"\bnon u s\b", "non-U.S.", text)
    text = re.sub(
        r"\b(january|february|march|april|june|july|august|september|october|november|"
        r"december)\b",
        lambda m: m.group(1).capitalize(),
        text,
    )
    return text[:1].upper() + text[1:]


def _publisher(publisher: str, host: str) -> str:
    bare = host.removeprefix("www.")
    if publisher in (host, bare) or re.fullmatch(r"[\w.-]+\.[a-z]{2,}", publisher):
        return _DOMAIN_PUBLISHERS.get(bare, _DOMAIN_PUBLISHERS.get(publisher, publisher))
    return publisher


def profile_citation(src: Source, profile: CountryProfile | None) -> Citation:
    """``src`` (T1 or T2) as the bibliography cites it."""
    title, publisher, when = src.citation.title, src.citation.publisher, src.citation.date
    url, tier = src.url or "", src.tier.value
    # The original, where the entry lists one beside a commentary on it.
    if not _official(url):
        for link in src.links:
            if _official(link.url):
                host = urlsplit(link.url).netloc
                if link.label:
                    title = f"{title} ({link.label})"
                publisher = _INSTITUTIONS.get(host, publisher)
                url, tier = link.url, "T1"
                break
    host = urlsplit(url).netloc
    publisher = _publisher(publisher, host)
    # A descriptor in place of a title: "Publisher (what it says, date)" or "... of US-2 (...)".
    descriptor = bool(_ID.search(title)) or title.startswith(f"{publisher} (")
    if not when:  # a date the entry gives outside the words it quotes
        entry = re.sub(r'"[^"]*"', "", src.text.split(" \u2014 ")[0])
        found = _DATE.findall(re.sub(r'"[^"]*"', "", title)) or _DATE.findall(entry)
        when = found[-1] if found else ""
    if descriptor:
        own = _slug_title(url)
        if own:
            title = own
        else:
            title = re.sub(r"\s*\([^()]*\b[A-Z]{2}-\d+\b[^()]*\)", "", title)
            if profile is not None:
                title = _ID.sub(
                    lambda m: s.citation.title if (s := profile.source(m.group(0))) else "",
                    title,
                )
            if title.startswith(f"{publisher} (") and title.endswith(")"):
                title = title[len(publisher) + 2 : -1]
    # The publisher said twice ("... Singapore Statutes Online. Singapore Statutes Online").
    short = re.sub(r"\s*\(.*\)$", "", publisher)
    if short and title.endswith(short) and title != short:
        title = title[: -len(short)].rstrip(" .,;:")
    return Citation(title.strip(), publisher.strip(), when, _address(url) if url else "", tier)
