"""Whom each law of a destination can compel, whether it reaches this importer and why, and
whether the law that reaches it is problematic (EDPB Recommendations 01/2020, step 3).

A law's addressee is read from the country profile's own words ("compelled assistance of
'electronic communication service providers'", "any data fiduciary or intermediary",
"obligations on critical infrastructure owners"): the words that name it are quoted in the
reason, so a reader sees what the finding rests on. The importer's side comes from what the
register and the assessor record: its kind and role, whether it provides communication
services, is an intermediary or owns critical infrastructure, whether the data passes through
a provider in the country, and whether the data is encrypted on the way. Where the profile does
not say whom a law compels, or the importer's side is not recorded, the answer is "to be
established"; it is then taken to reach the importer as a precaution, and the reason says so,
until the assessor answers otherwise with reasons (``LawItem.reasoning``).

Problematic law follows from the two findings together: a power that reaches the importer (or
the data in a usable form) and a European Essential Guarantee that it does not fully meet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Role
from transfers_app.domain.tia import (
    EEG_GUARANTEES,
    CountryLaw,
    DataFormat,
    EegRating,
    KeyHolder,
    LawItem,
    MeasureKind,
    TiaContent,
)
from transfers_app.services.tia_analysis import Importer


class Addressee(StrEnum):
    """Whom (or what) a law reaches, as its profile text names it."""

    COMMUNICATIONS = "communications"  # electronic communication, telecom, carriers, hosts
    INTERMEDIARY = "intermediary"  # intermediaries, online platforms, social media
    DATA_FIDUCIARY = "data_fiduciary"  # India: whoever decides the purposes of processing
    KEY_HOLDER = "key_holder"  # whoever holds the data's decryption keys
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure"
    ANY_HOLDER = "any_holder"  # any person or organisation holding data or a computer there
    INTERCEPTION = "interception"  # the data on its way, through the country's networks
    SIGNALS = "signals"  # signals intelligence abroad or in transit, anywhere on the way
    PERMISSION = "permission"  # it permits disclosure, compelling no one
    ANCILLARY = "ancillary"  # it goes with the powers above (a gag order)


class Answer(Enum):
    YES = "Yes"
    NO = "No"
    OPEN = "To be assessed"


@dataclass(frozen=True, slots=True)
class LawReach:
    """One law's finding for this importer."""

    power: bool  # an access power (False: a limit, an oversight body, a remedy, an event)
    answer: Answer
    why: str
    encrypted_transit: bool = False  # reaches the data only on its way, and it is encrypted
    by_assessor: bool = False  # the assessor's own answer and reasoning
    precaution: bool = False  # taken to reach the importer until its reach is established

    @property
    def reaches(self) -> bool:
        return self.answer is Answer.YES

    @property
    def usable(self) -> bool:
        """Does it reach the importer or the data in a form the authority can read?"""
        return self.reaches and not self.encrypted_transit


# -- what kind of item a law is ------------------------------------------------------------------

# Titles of items that are not powers: limits, oversight, remedies, events, case law.
_CONTEXT_TITLE = re.compile(
    r"\b(oversight|PCLOB|redress|sunset|lapse|litigation|queries|aftermath|practice|"
    r"events|constitution|charter|authorised agencies|safeguards|bodies|supervision|"
    r"national security)\b|\bv\.? ",
    re.IGNORECASE,
)
# Titles that name a power whatever else they mention ("Procedures and Safeguards for Lawful
# Interception" is the interception power itself).
_POWER_TITLE = re.compile(r"interception|surveillance|production|retention", re.IGNORECASE)
# Summaries of items that are not powers.
_CONTEXT_TEXT = re.compile(
    r"^(necessity and proportionality|independent oversight|formats and ranks)|"
    r"does not apply|do not apply|struck down|no power to|no legal authority to|"
    r"holds? (that|it)|protection against|is a fundamental right|accepted direct requests",
    re.IGNORECASE,
)

# The words of a summary that name whom a law reaches, by kind of addressee (the first match
# of each is quoted in the reason).
_ADDRESSEES: tuple[tuple[Addressee, re.Pattern[str]], ...] = (
    (
        Addressee.COMMUNICATIONS,
        re.compile(
            r"\"?electronic communication service providers\"?(?: \(ECSPs\))?|"
            r"the ECSP definition|"
            r"providers of ECS or remote computing service|"
            r"\"?designated communications providers\"?|"
            r"[Cc]arriers and carriage service providers|"
            r"(?:telecom(?:munications)?|internet) (?:and internet )?providers|"
            r"communications companies|network operators|licensed operators|"
            r"data centres, VPS, cloud and VPN providers|"
            r"the other side's providers|US providers|providers operating in [A-Z]\w+|"
            r"subscriber/toll records|stored communications|telecommunications data|"
            r"\boperators\b"
        ),
    ),
    (
        Addressee.INTERMEDIARY,
        re.compile(
            r"(?:[Ss]ignificant social media )?[Ii]ntermediar(?:y|ies)|online platforms",
        ),
    ),
    (Addressee.DATA_FIDUCIARY, re.compile(r"any data fiduciary")),
    (Addressee.KEY_HOLDER, re.compile(r"decryption key holders|decryption support")),
    (Addressee.CRITICAL_INFRASTRUCTURE, re.compile(r"critical infrastructure owners")),
    (
        Addressee.ANY_HOLDER,
        re.compile(
            r"any (?:document, thing or data|information [^;]*? in any computer resource)|"
            r"data on a computer[^;]*?elsewhere\"?|"
            r"[Cc]omputer access(?: and other)? warrants|"
            r"(?:summons|order) to produce documents(?: and electronic records)?|"
            r"produce documents and electronic records|"
            r"entities serving [A-Z]\w+ users|"
            r"[Aa]ny organisation or citizen|[Aa]ll citizens, organisations and enterprises|"
            r"relevant (?:organs, )?organisations(?: and (?:citizens|individuals))?|"
            r"private companies and other legal persons|"
            r"search, seizure and (?:examination|production)[^;]*|"
            r"disclosure of computer data with a court warrant"
        ),
    ),
    (
        Addressee.SIGNALS,
        re.compile(r"[Ss]ignals intelligence[^;]*?(?:abroad|in transit)[^;)]*\)?"),
    ),
    (
        Addressee.INTERCEPTION,
        re.compile(
            r"[Ll]awful [Ii]nterception of [Mm]essages|interception of communications|"
            r"access to content \(warrants\)|intercept, monitor or decrypt|wiretap\w*|"
            r"[Ii]nterception (?:only )?(?:on|by|with)[^;,]*"
        ),
    ),
    (
        Addressee.PERMISSION,
        re.compile(r"may disclose [^;]*?without consent|disclose voluntarily|may ask businesses"),
    ),
    (Addressee.ANCILLARY, re.compile(r"non-disclosure orders|[Gg]ag orders?")),
)
# Words saying the addressee was widened beyond the providers it names: the importer's own
# answer that it provides no such service is then not enough on its own.
_BROADENED = re.compile(r"broadened|more private entities|effectively everyone", re.IGNORECASE)


def is_power(law: LawItem) -> bool:
    """Is this item an access power (rather than a limit, an oversight body or an event)?"""
    title, text = law.title, law.summary
    if title == "Redress":
        return False
    if _CONTEXT_TEXT.search(text.strip()):
        return False
    if _POWER_TITLE.search(title):
        return True
    return not _CONTEXT_TITLE.search(title)


def addressees(law: LawItem) -> list[tuple[Addressee, str]]:
    """Whom the law reaches, each with the words of the profile that say so."""
    text = f"{law.title}: {law.summary}"
    text = re.sub(r"\s*\[[^\[\]]*\]", "", text)  # source markers are not words of the law
    out: list[tuple[Addressee, str]] = []
    for kind, pattern in _ADDRESSEES:
        m = pattern.search(text)
        if m is not None:
            out.append((kind, m.group(0).replace('"', "").strip().rstrip(",;")))
    return out


# -- the importer's side ---------------------------------------------------------------------------


def encrypted_in_transit(c: TiaContent) -> bool:
    """A technical measure in place that encrypts the data in transit (catalogue T2, or a VPN
    or TLS named in the transmission channels)."""
    if any(m.kind is MeasureKind.TECHNICAL and m.in_place and m.code == "T2" for m in c.measures):
        return True
    return bool(re.search(r"\b(TLS|VPN|SFTP|IPsec)\b", c.description.transmission_channels))


def _flag(value: bool | None, yes: str, no: str, unknown: str) -> tuple[Answer, str]:
    if value is True:
        return Answer.YES, yes
    if value is False:
        return Answer.NO, no
    return Answer.OPEN, unknown


def _holds_clear(c: TiaContent) -> bool:
    d = c.description
    return d.data_format is DataFormat.CLEAR or d.key_holder is KeyHolder.IMPORTER


class _Judge:
    """The findings for one importer and one country."""

    def __init__(self, c: TiaContent, importer: Importer, country: str, main: bool) -> None:
        self.c = c
        self.importer = importer
        self.country = country
        self.place = country_name(country)
        self.main = main  # the destination (else a country the importer also works from)
        self.encrypted = encrypted_in_transit(c)

    @property
    def name(self) -> str:
        return self.importer.name

    def held(self) -> str:
        """How the importer has the data in the country, in words."""
        if not self.main:
            return f"{self.name} also stores or accesses the data from {self.place}"
        if self.importer.remote:
            return f"{self.name}'s staff in {self.place} reach the data by remote access"
        return f"{self.name} holds the data in {self.place}"

    def one(self, kind: Addressee, words: str, broadened: bool) -> tuple[Answer, str, bool]:
        """(answer, reason, whether only encrypted data in transit is reached)."""
        c, name = self.c, self.name
        quoted = f"'{words}'"
        if kind is Addressee.COMMUNICATIONS and not re.search(
            r"provider|operator|carrier|compan", words, re.IGNORECASE
        ):
            # the profile names what the law obtains ("subscriber/toll records"), not whom
            quoted = f"communications providers, for '{words}'"
        if kind is Addressee.COMMUNICATIONS:
            if broadened and c.communications_provider is not True:
                return (
                    Answer.OPEN,
                    f"It is addressed to {quoted}, a class the law widens beyond the providers "
                    f"it names; whether {name} ({self.importer.activity_words}) falls within "
                    "it is not established.",
                    False,
                )
            answer, why = _flag(
                c.communications_provider,
                f"It is addressed to {quoted}; {name} provides such services "
                f"({self.importer.activity_words}), so it can be compelled.",
                f"It is addressed to {quoted}; {name} provides no such service "
                f"({self.importer.activity_words}), so it cannot be compelled under it.",
                f"It is addressed to {quoted}; whether {name} "
                f"({self.importer.activity_words}) is one is not established.",
            )
            return answer, why, False
        kinds = {
            Addressee.INTERMEDIARY: (
                c.intermediary,
                f"It binds {quoted}; ",
                f"{name} hosts or passes on content for others, so it is bound.",
                f"{name} hosts or passes on no content for others, so it is not bound.",
                f"whether {name} is one for this data is not established.",
            ),
            Addressee.CRITICAL_INFRASTRUCTURE: (
                c.critical_infrastructure,
                f"Its obligations fall on {quoted}; ",
                f"{name} owns critical infrastructure.",
                f"{name} owns none.",
                f"whether {name} is one is not established.",
            ),
        }
        if kind in kinds:
            value, lead, yes, no, unknown = kinds[kind]
            answer, why = _flag(value, lead + yes, lead + no, lead + unknown)
            return answer, why, False
        if kind is Addressee.DATA_FIDUCIARY:
            if self.importer.role is Role.CONTROLLER:
                return (
                    Answer.YES,
                    f"It can require {quoted} to furnish information; {name} decides why and "
                    "how it uses the data, so it is a data fiduciary for it.",
                    False,
                )
            return (
                Answer.OPEN,
                f"It can require {quoted} to furnish information; {name} processes this data "
                "for the exporter, so whether it can be required to furnish it is to be "
                "established.",
                False,
            )
        if kind is Addressee.KEY_HOLDER:
            if _holds_clear(c):
                return (
                    Answer.YES,
                    f"It binds {quoted}; {name} holds the data in the clear or its keys.",
                    False,
                )
            return Answer.NO, f"It binds {quoted}; {name} holds no key to the data.", False
        if kind is Addressee.ANY_HOLDER:
            return (
                Answer.YES,
                f"It reaches {quoted}, whoever holds it: {self.held()}.",
                False,
            )
        if kind is Addressee.PERMISSION:
            return (
                Answer.YES,
                f"It compels no one but permits disclosure ({quoted}): {name} could disclose "
                "the data it holds without breaking local law; the clauses forbid it.",
                False,
            )
        if kind is Addressee.SIGNALS:
            return self._transit(quoted, needs_local=False)
        if kind is Addressee.INTERCEPTION:
            return self._transit(quoted, needs_local=True)
        return Answer.OPEN, f"Whom it reaches ({quoted}) is not established.", False

    def _transit(self, quoted: str, needs_local: bool) -> tuple[Answer, str, bool]:
        c = self.c
        shield = (
            " The data is encrypted on the way, so what can be collected is ciphertext."
            if self.encrypted
            else " The data is not encrypted on the way."
        )
        if needs_local:
            if c.via_provider is False:
                return (
                    Answer.NO,
                    f"It works through the networks in {self.place} ({quoted}); the data does "
                    "not pass through a provider there.",
                    False,
                )
            if c.via_provider is None:
                return (
                    Answer.OPEN,
                    f"It works through the networks in {self.place} ({quoted}); whether the "
                    "data passes through a provider there is not established.",
                    False,
                )
            return (
                Answer.YES,
                f"It works through the networks in {self.place} ({quoted}), and the data "
                "passes through a provider there." + shield,
                self.encrypted,
            )
        return (
            Answer.YES,
            f"It compels no one; it collects data on its way ({quoted})." + shield,
            self.encrypted,
        )


def law_reach(
    law: LawItem,
    c: TiaContent,
    importer: Importer,
    country: str = "",
    others: Sequence[LawItem] = (),
) -> LawReach:
    """Whether ``law`` of ``country`` (the destination when empty) reaches the importer, and
    why: the assessor's own answer where written, else the finding from its addressee. Where
    neither the profile nor the answers settle it, the law is taken to reach the importer as a
    precaution, and the reason says so (the assessor may answer otherwise, with reasons)."""
    found = _law_reach(law, c, importer, country, others)
    if found.answer is not Answer.OPEN:
        return found
    return LawReach(
        found.power,
        Answer.YES,
        f"{found.why.rstrip('.')}: until it is, the assessment takes it as reaching "
        f"{importer.name}, as a precaution.",
        precaution=True,
    )


def _law_reach(
    law: LawItem, c: TiaContent, importer: Importer, country: str, others: Sequence[LawItem]
) -> LawReach:
    """The finding before the precaution: ``Answer.OPEN`` where nothing settles it."""
    power = is_power(law)
    if law.reasoning.strip():
        answer = Answer.YES if law.applies else Answer.NO
        return LawReach(power, answer, law.reasoning.strip(), by_assessor=True)
    if not power:
        return LawReach(False, Answer.NO, "")
    main = not country or country == c.destination
    judge = _Judge(c, importer, country or c.destination, main)
    found = addressees(law)
    broadened = bool(_BROADENED.search(law.summary))
    if not found:
        return LawReach(
            True,
            Answer.OPEN,
            f"The profile does not say whom it compels; whether it reaches {importer.name} is "
            "not established.",
        )
    results = []
    for kind, words in found:
        if kind is Addressee.ANCILLARY:
            continue
        results.append(judge.one(kind, words, broadened))
    if not results:  # only ancillary: it follows the powers beside it
        reaching = [
            other.title
            for other in others
            if other is not law
            and is_power(other)
            and not addressees_only_ancillary(other)
            and _law_reach(other, c, importer, country, others).usable
        ]
        if reaching:
            return LawReach(
                True,
                Answer.YES,
                f"It goes with an order under the powers that reach {importer.name} "
                f"({', '.join(reaching[:3])}), and can stop it telling the exporter.",
            )
        return LawReach(
            True,
            Answer.NO,
            f"It goes with an order under a power; none of those recorded reaches "
            f"{importer.name} in a form it could be ordered to hand over.",
        )
    yes = [r for r in results if r[0] is Answer.YES]
    open_ = [r for r in results if r[0] is Answer.OPEN]
    if yes:
        usable = [r for r in yes if not r[2]]
        chosen = usable or yes
        why = " ".join(dict.fromkeys(r[1] for r in chosen))
        return LawReach(True, Answer.YES, why, encrypted_transit=not usable)
    if open_:
        return LawReach(True, Answer.OPEN, " ".join(dict.fromkeys(r[1] for r in open_)))
    return LawReach(True, Answer.NO, " ".join(dict.fromkeys(r[1] for r in results)))


def addressees_only_ancillary(law: LawItem) -> bool:
    found = addressees(law)
    return bool(found) and all(k is Addressee.ANCILLARY for k, _ in found)


# -- problematic law -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problematic:
    """Whether problematic law reaches the transfer in one country, and the reasoning."""

    country: str
    answer: bool | None  # None: a law's reach or a guarantee is still to be assessed
    reasoning: str
    reaching: tuple[str, ...]  # the powers that reach the importer or the data usably
    shortfalls: tuple[str, ...]  # the guarantees not fully met, in words


_SHORT = {
    EegRating.PARTLY_MET: "partly met",
    EegRating.NOT_MET: "not met",
    EegRating.OPEN: "open",
}


def _names(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def problematic(country: CountryLaw, c: TiaContent, importer: Importer) -> Problematic:
    """Problematic law in ``country``: a power reaching the importer (or the data in a form an
    authority can read) that does not meet all four European Essential Guarantees."""
    reach = [(law, law_reach(law, c, importer, country.country, country.laws)) for law in
             country.laws]  # fmt: skip
    powers = [(law, r) for law, r in reach if r.power]
    reaching = tuple(law.title for law, r in powers if r.usable)
    ciphertext = tuple(law.title for law, r in powers if r.reaches and not r.usable)
    ratings = {e.guarantee: e.rating for e in country.eeg}
    unrated = [g for g in EEG_GUARANTEES if ratings.get(g, EegRating.NOT_ASSESSED)
               is EegRating.NOT_ASSESSED]  # fmt: skip
    shortfalls = tuple(
        f"{g} ({EEG_GUARANTEES[g][:1].lower()}{EEG_GUARANTEES[g][1:]}: {_SHORT[r]})"
        for g, r in sorted(ratings.items())
        if r in _SHORT
    )
    place = country_name(country.country)
    name = importer.name
    if reaching and unrated:
        return Problematic(
            country.country,
            None,
            f"Not yet decided: {_names(reaching)} reach {name}, and guarantee"
            f"{'s' if len(unrated) > 1 else ''} {_names(unrated)} "
            f"{'are' if len(unrated) > 1 else 'is'} still to be rated.",
            reaching,
            shortfalls,
        )
    transit = (
        f" {_names(ciphertext)} reach{'es' if len(ciphertext) == 1 else ''} the data only on "
        "its way, encrypted."
        if ciphertext
        else ""
    )
    if not reaching:
        return Problematic(
            country.country,
            False,
            f"No: none of the access powers of {place} recorded here reaches {name} or the "
            f"data in a form an authority could read.{transit}",
            reaching,
            shortfalls,
        )
    verb = "reaches" if len(reaching) == 1 else "reach"
    if shortfalls:
        return Problematic(
            country.country,
            True,
            f"Yes: {_names(reaching)} {verb} {name}, and the guarantee"
            f"{'s' if len(shortfalls) > 1 else ''} of {_names(shortfalls)} "
            f"{'are' if len(shortfalls) > 1 else 'is'} not fully met for "
            f"{'it' if len(reaching) == 1 else 'them'}: the law may impinge on the safeguard."
            + transit,
            reaching,
            shortfalls,
        )
    return Problematic(
        country.country,
        False,
        f"No: {_names(reaching)} {verb} {name}, but the four guarantees are rated largely met "
        f"for {'it' if len(reaching) == 1 else 'them'}: law that respects the essence of the "
        "rights and does not exceed what is necessary and proportionate does not impinge on "
        "the safeguard." + transit,
        reaching,
        shortfalls,
    )


def problematic_overall(c: TiaContent, importer: Importer) -> bool | None:
    """Problematic law in any country assessed (None while one is undecided)."""
    found = [problematic(x, c, importer).answer for x in c.countries if x.country]
    if any(a is True for a in found):
        return True
    if any(a is None for a in found):
        return None
    return False if found else None
