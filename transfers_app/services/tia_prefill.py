"""How a new assessment starts: from the destination's country profile and from what the
register knows of the transfer, in words that fit this transfer (its data subjects, the
importer's kind and role, where the data goes), so that no two assessments open with the same
paragraph. The assessor edits everything."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Access, Frequency
from transfers_app.domain.models import Transfer
from transfers_app.domain.tia import (
    EEG_GUARANTEES,
    CountryLaw,
    EegFinding,
    EegRating,
    LawItem,
    TiaContent,
)
from transfers_app.reference.profiles import CountryProfile, Item, Rating, load_country_profiles
from transfers_app.services.tia_analysis import Importer, strip_markers

_FREQUENCY_WORDS = {
    Frequency.ONE_OFF: "once",
    Frequency.PERIODIC: "periodically",
    Frequency.CONTINUOUS: "continuously",
}
_RATINGS = {
    Rating.LARGELY_MET: EegRating.LARGELY_MET,
    Rating.PARTLY_MET: EegRating.PARTLY_MET,
    Rating.NOT_MET: EegRating.NOT_MET,
    Rating.OPEN: EegRating.OPEN,
}


def prefill_from_profile(content: TiaContent, destination: str) -> TiaContent:
    """Start the destination section from the shipped country profile, where there is one:
    its access laws and redress (with sources, unverified facts flagged), its indicative
    ratings against the four guarantees and its review triggers. The assessor edits them."""
    profile = load_country_profiles().get(destination)
    if profile is None:
        return content
    return profile_content(content, profile)


def _law(title: str, item: Item) -> LawItem:
    # The row's marker cell goes with the text: the report turns "[S US-1]" into "[n]".
    marker = item.marker if "[" in item.marker and item.marker not in item.text else ""
    return LawItem(
        title=title,
        summary=f"{item.text} {marker}".strip(),
        sources=tuple(dict.fromkeys(r.url or r.ref for r in item.refs)),
        verified=item.verified,
    )


def _laws_and_findings(
    profile: CountryProfile,
) -> tuple[tuple[LawItem, ...], tuple[EegFinding, ...]]:
    """The profile's access laws and redress, and its findings against the four guarantees:
    its facts, with the profile's indicative rating as the starting rating (the assessor rates;
    the profile's own comments on its rating stay in the profile)."""
    laws: list[LawItem] = []
    for x in profile.access_laws:
        title = x.label or "Access law"
        if re.match(r"r\.\s?\d", title) and laws:
            # A rule of the instrument in the row above ("r.4(2)" under "... Rules 2021
            # r.3(1)(j)"): named in full, so the row stands on its own.
            act = re.sub(r"\s+r\.\s?\S+$", "", laws[-1].title)
            title = f"{act} {title}" if act != laws[-1].title else title
        laws.append(_law(title, x))
    laws.extend(_law("Redress", x) for x in profile.redress)
    eeg = tuple(
        EegFinding(e.letter, _RATINGS.get(e.rating, EegRating.OPEN), e.facts.text, e.facts.verified)
        for e in profile.eeg
    )
    return tuple(laws), eeg


def profile_content(content: TiaContent, profile: CountryProfile) -> TiaContent:
    laws, eeg = _laws_and_findings(profile)
    return replace(
        content,
        profile_as_of=profile.as_of,
        laws=laws,
        eeg=eeg or content.eeg,
        review_triggers=tuple(strip_markers(x.text) for x in profile.review_triggers),
    )


def country_law(country: str) -> CountryLaw:
    """Another third country's law, started from its profile (empty where there is none)."""
    profile = load_country_profiles().get(country)
    if profile is None:
        return CountryLaw(country, eeg=tuple(EegFinding(g) for g in EEG_GUARANTEES))
    laws, eeg = _laws_and_findings(profile)
    return CountryLaw(country, profile.as_of, laws, eeg)


def _listing(items: Sequence[str], empty: str) -> str:
    items = [x for x in items if x]
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def circumstances_text(
    importer: Importer,
    exporter: str,
    covered: Sequence[Transfer],
    locations: Sequence[str],
    onward: Sequence[str],
) -> str:
    """SCC Clause 14(b)(i) for this transfer: who receives what about whom, where, how
    often, and who else in the chain sees it."""
    t = covered[0]
    cats = _listing(sorted({c for x in covered for c in x.data_categories}), "personal")
    cats = cats.lower() + " data"
    subjects = _listing(sorted({s for x in covered for s in x.data_subjects}), "")
    about = f" about {subjects.lower()}" if subjects else ""
    place = country_name(t.destination)
    how = {
        Access.STORAGE: f"holds the data in {place}",
        Access.REMOTE_ACCESS: f"reaches the data by remote access from {place}",
        Access.ONWARD: f"receives the data onward in {place}",
    }[t.access]
    where = [country_name(c) for c in locations if c != t.destination]
    elsewhere = f"; it also stores or accesses it in {_listing(where, '')}" if where else ""
    chain = (
        f"It passes the data on to {_listing(list(onward), '')}, so the chain has "
        f"{len(onward) + 2} actors."
        if onward
        else "It uses no sub-processor for this data, so the chain has two actors."
    )
    special = (
        " It includes special-category data." if any(x.special_category for x in covered) else ""
    )
    return (
        f"{importer.name}, {importer.phrase}, receives {cats}{about} from {exporter} "
        f"{_FREQUENCY_WORDS[t.frequency]} and {how}{elsewhere}. {chain}{special}"
    )
