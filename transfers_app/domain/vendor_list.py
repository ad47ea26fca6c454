"""The rows of a vendor list read as register values, with the problems of each cell (row
number and column named): kinds, roles, lifecycles, mechanisms, dates, websites, lists and
locations as teams write them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TypeVar

from transfers_app.domain.columns import Field, Mapping
from transfers_app.domain.enums import EntityKind, Lifecycle, Mechanism, Role
from transfers_app.domain.places import (
    Place,
    country_from_address,
    merge_places,
    parse_locations,
    split_name_and_address,
)
from transfers_app.domain.vendor_table import (
    FORMULA_START,
    MAX_NAME,
    Cell,
    CellProblem,
    Level,
    SourceRow,
    Table,
    any_filled,
    clean_text,
    fold_key,
)


def _words(text: str) -> set[str]:
    return set(fold_key(text).split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


_KIND_WORDS: list[tuple[tuple[str, ...], EntityKind]] = [
    (
        _phrases(
            "group|affiliate|intragroup|intra group|subsidiary|group company|group entity|konzern|"
            "konzerngesellschaft|tochtergesellschaft|filiale|groupe|grupo|internal"
        ),
        EntityKind.GROUP,
    ),
    (_phrases("customer|client|kunde|cliente"), EntityKind.CUSTOMER),
    (
        _phrases(
            "vendor|supplier|processor|subprocessor|sub processor|third party|service provider|"
            "provider|dienstleister|lieferant|auftragsverarbeiter|unterauftragsverarbeiter|"
            "fournisseur|prestataire|sous traitant|proveedor|encargado|subencargado|external"
        ),
        EntityKind.VENDOR,
    ),
]

_ROLE_WORDS: list[tuple[tuple[str, ...], Role]] = [
    (
        _phrases(
            "subprocessor|sub processor|unterauftragsverarbeiter|sous traitant ulterieur|"
            "subencargado|sub encargado"
        ),
        Role.SUBPROCESSOR,
    ),
    (
        _phrases("processor|auftragsverarbeiter|sous traitant|encargado|vendor|service provider"),
        Role.PROCESSOR,
    ),
    (
        _phrases(
            "controller|joint controller|independent controller|verantwortlicher|verantwortliche|"
            "responsable du traitement|responsable de traitement|responsable del tratamiento|"
            "responsable"
        ),
        Role.CONTROLLER,
    ),
]

_LIFECYCLE_WORDS: list[tuple[tuple[str, ...], Lifecycle]] = [
    (
        _phrases(
            "offboarded|terminated|inactive|former|ended|retired|decommissioned|off boarded|"
            "no longer used|beendet|inaktiv|gekundigt|ehemalig|resilie|termine|inactif|terminado|"
            "inactivo|baja"
        ),
        Lifecycle.OFFBOARDED,
    ),
    (
        _phrases(
            "proposed|planned|pending|under review|in review|evaluation|onboarding|prospective|"
            "geplant|in prufung|beantragt|propose|prevu|en cours|propuesto|previsto|pendiente"
        ),
        Lifecycle.PROPOSED,
    ),
    (_phrases("approved|genehmigt|freigegeben|approuve|aprobado"), Lifecycle.APPROVED),
    (
        _phrases(
            "active|live|in use|current|yes|aktiv|in nutzung|ja|actif|en service|oui|activo|"
            "en uso|si"
        ),
        Lifecycle.ACTIVE,
    ),
]


_E = TypeVar("_E", EntityKind, Role, Lifecycle)


def _match_words(text: str, table: list[tuple[tuple[str, ...], _E]]) -> _E | None:
    key = f" {fold_key(text)} "
    if not key.strip():
        return None
    for phrases, value in table:
        for phrase in phrases:
            if f" {phrase} " in key:
                return value
    return None


@lru_cache(maxsize=16384)
def parse_kind(text: str) -> EntityKind | None:
    return _match_words(text, _KIND_WORDS)


@lru_cache(maxsize=16384)
def parse_role(text: str) -> Role | None:
    return _match_words(text, _ROLE_WORDS)


@lru_cache(maxsize=16384)
def parse_lifecycle(text: str) -> Lifecycle | None:
    return _match_words(text, _LIFECYCLE_WORDS)


_MECHANISM_PATTERNS: list[tuple[re.Pattern[str], Mechanism | None]] = [
    (re.compile(r"\bprivacy shield\b"), None),
    (
        re.compile(r"\b(?:uk addendum|addendum|international data transfer addendum|uk sccs?)\b"),
        Mechanism.UK_ADDENDUM,
    ),
    (re.compile(r"\b(?:idta|international data transfer agreement)\b"), Mechanism.UK_IDTA),
    (
        re.compile(
            r"\b(?:(?:19|20)(?:01|04|10) (?:eu )?sccs?|legacy sccs?|old sccs?|model clauses|"
            r"2010 87|2001 497|2004 915)\b"
        ),
        Mechanism.LEGACY_SCC,
    ),
    (
        re.compile(
            r"\b(?:sccs?|eu sccs?|standard contractual clauses?|standard data protection "
            r"clauses?|standardvertragsklauseln|standarddatenschutzklauseln|eu standardvertrags"
            r"klauseln|clauses contractuelles types?|ccts?|clausulas contractuales tipo|"
            r"clausulas tipo|2021 914)\b"
        ),
        Mechanism.EU_SCC,
    ),
    (
        re.compile(
            r"\b(?:dpf|data privacy framework|eu us dpf|privacy framework|"
            r"datenschutzrahmen|cadre de protection des donnees|marco de privacidad)\b"
        ),
        Mechanism.DPF,
    ),
    (
        re.compile(
            r"\b(?:bcrs?|binding corporate rules|verbindliche interne datenschutzvorschriften|"
            r"regles d entreprise contraignantes|normas corporativas vinculantes)\b"
        ),
        Mechanism.BCR,
    ),
    (
        re.compile(
            r"\b(?:adequacy|adequate|adequacy decision|angemessenheitsbeschluss|angemessenheit|"
            r"decision d adequation|adequation|decision de adecuacion|adecuacion|art 45|"
            r"article 45|uk adequacy regulations|data bridge)\b"
        ),
        Mechanism.ADEQUACY,
    ),
    (
        re.compile(
            r"\b(?:art 49|article 49|artikel 49|derogation|derogations|ausnahme|excepcion)\b"
        ),
        Mechanism.DEROGATION,
    ),
]
_NO_MECHANISM = re.compile(
    r"^(?:n a|na|none|not applicable|not required|no transfer|intra eu|within the eu|eu|eea|"
    r"no international transfer|no third country transfer|kein transfer|keine ubermittlung|"
    r"kein drittlandtransfer|pas de transfert|aucun transfert|sin transferencia|"
    r"nicht erforderlich|keine|entfallt|sans objet|aucun|no aplica|ninguno|)$"
)


@lru_cache(maxsize=16384)
def parse_mechanisms(text: str) -> tuple[tuple[Mechanism, ...], str]:
    """The mechanisms a cell names, in order, and a warning ("" if none).

    "SCCs + UK Addendum" -> (EU_SCC, UK_ADDENDUM); "Privacy Shield" is refused with why.
    """
    key = fold_key(text)
    if _NO_MECHANISM.match(key):
        return (), ""
    found: list[tuple[int, Mechanism]] = []
    warning = ""
    taken: list[tuple[int, int]] = []
    for pattern, mech in _MECHANISM_PATTERNS:
        for m in pattern.finditer(key):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            if mech is None:
                warning = (
                    "the EU-US Privacy Shield was invalidated in July 2020 (Schrems II, "
                    "C-311/18): choose the mechanism now relied on"
                )
            else:
                found.append((m.start(), mech))
    mechs = tuple(dict.fromkeys(m for _, m in sorted(found, key=lambda x: x[0])))
    if not mechs and not warning:
        warning = f"'{text}' is not a transfer mechanism the app knows; kept in the notes"
    return mechs, warning


# What a safeguards column says when no mechanism is needed. Not "EU" or "n/a": in a location
# column those are places, or nothing.
_NO_TRANSFER = re.compile(
    r"^(?:no transfer|no international transfer|no third country transfer|not required|"
    r"kein transfer|keine ubermittlung|kein drittlandtransfer|nicht erforderlich|"
    r"pas de transfert|aucun transfert|sin transferencia)$"
)


@lru_cache(maxsize=16384)
def names_a_mechanism(text: str) -> bool:
    """Whether a cell names a transfer mechanism ("Standard Data Protection Clauses (Art. 46
    para. 2 lit. c GDPR)") or says no transfer takes place: what a safeguards column holds."""
    key = fold_key(text)
    return bool(key) and (bool(_NO_TRANSFER.match(key)) or bool(parse_mechanisms(text)[0]))


_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_NUM_DATE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T].*)?$")
_TEXT_DATE_DMY = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})$")
_TEXT_DATE_MDY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    [
        ("january", "jan", "januar", "janvier", "janv", "enero", "ene", "jänner", "janner"),
        ("february", "feb", "februar", "fevrier", "fev", "févr", "febrero"),
        ("march", "mar", "marz", "märz", "mars", "marzo"),
        ("april", "apr", "avril", "avr", "abril", "abr"),
        ("may", "mai", "mayo"),
        ("june", "jun", "juni", "juin", "junio"),
        ("july", "jul", "juli", "juillet", "juil", "julio"),
        ("august", "aug", "aout", "août", "agosto", "ago"),
        ("september", "sep", "sept", "septembre", "septiembre"),
        ("october", "oct", "oktober", "okt", "octobre", "octubre"),
        ("november", "nov", "novembre", "noviembre"),
        ("december", "dec", "dez", "dezember", "decembre", "déc", "diciembre", "dic"),
    ],
    start=1,
):
    for _m in _names:
        _MONTHS[fold_key(_m)] = _n


def day_first_of(values: Iterable[str]) -> bool | None:
    """Whether a column's dd/mm dates are day first (True), month first (False) or unknown."""
    day_first = month_first = False
    for v in values:
        m = _NUM_DATE.match(v.strip())
        if m and m.group(2) in "/-":
            a, b = int(m.group(1)), int(m.group(3))
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
    if day_first != month_first:
        return day_first
    return None


def parse_date(value: Cell, day_first: bool | None = True) -> date | None:
    """A date from a cell, or None if it is not one (dd.mm.yyyy is always day first)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(value.strip(), day_first)


@lru_cache(maxsize=16384)
def _parse_date_text(text: str, day_first: bool | None) -> date | None:
    if not text:
        return None
    try:
        m = _ISO_DATE.match(text)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _NUM_DATE.match(text)
        if m:
            a, sep, b, y = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
            year = int(y) + (2000 if len(y) == 2 and int(y) < 70 else 1900 if len(y) == 2 else 0)
            if sep == "." or day_first is not False:
                return date(year, b, a)
            return date(year, a, b)
        m = _TEXT_DATE_DMY.match(text)
        if m and fold_key(m.group(2)) in _MONTHS:
            return date(int(m.group(3)), _MONTHS[fold_key(m.group(2))], int(m.group(1)))
        m = _TEXT_DATE_MDY.match(text)
        if m and fold_key(m.group(1)) in _MONTHS:
            return date(int(m.group(3)), _MONTHS[fold_key(m.group(1))], int(m.group(2)))
    except ValueError:  # 31.02.2024
        return None
    return None


_EMAIL_IN = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_EMAIL_ONLY = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?$")


def normalise_website(text: str) -> str | None:
    """ "www.example.com" -> "https://www.example.com"; None if it is not a web address."""
    t = text.strip()
    if not t:
        return ""
    if re.match(r"^https?://\S+$", t, re.IGNORECASE):
        return t
    if _DOMAIN.match(t) and not _EMAIL_ONLY.match(t):
        return f"https://{t}"
    return None


def split_list(text: str) -> tuple[str, ...]:
    """Items of a list cell ("Name; email, IP address" / one per line), in order, distinct."""
    items = re.split(r"\s*(?:\n|;|\||•|,(?![^(]*\)))\s*", text)
    out: dict[str, None] = {}
    for item in items:
        cleaned = item.strip(" -*·\t")
        if cleaned:
            out.setdefault(cleaned, None)
    return tuple(out)


# -- records ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowRecord:
    """One row of the list read into the values the register can take."""

    number: int
    name: str = ""
    legal_name: str = ""
    kind: EntityKind | None = None
    role: Role | None = None
    service: str = ""
    purpose: str = ""
    locations: tuple[Place, ...] = ()
    support_locations: tuple[Place, ...] = ()
    address: str = ""
    address_place: Place | None = None
    data_categories: tuple[str, ...] = ()
    data_subjects: tuple[str, ...] = ()
    website: str = ""
    contact_name: str = ""
    contact_email: str = ""
    registration_number: str = ""
    mechanisms: tuple[Mechanism, ...] = ()
    exporter: str = ""
    lifecycle: Lifecycle | None = None
    active_on: date | None = None
    owner: str = ""
    notes: str = ""
    # Values the register has no field for, or that could not be used, kept as note lines.
    extra_notes: tuple[str, ...] = ()
    problems: tuple[CellProblem, ...] = ()
    # The header of the column each field came from (for messages).
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(p.level is Level.ERROR for p in self.problems)


@dataclass(frozen=True, slots=True)
class ReadResult:
    records: tuple[RowRecord, ...]
    notes: tuple[str, ...]  # about the whole file
    blank_rows: int = 0


def read_records(table: Table, mapping: Mapping) -> ReadResult:
    """Each non-blank row of ``table`` read through ``mapping``."""
    notes = list(table.notes)
    index = {h: i for i, h in enumerate(table.headers)}
    cols: dict[Field, list[int]] = {}
    for header, f in mapping.columns:
        if header in index:
            cols.setdefault(f, []).append(index[header])
    missing = mapping.missing_headers(table.headers)
    if missing:
        notes.append(
            "the mapping names columns that are not in the file: "
            + ", ".join(f"'{h}'" for h in missing)
        )
    day_first: bool | None = True
    if Field.ACTIVE_ON in cols:
        i = cols[Field.ACTIVE_ON][0]
        texts = [r.cells[i] for r in table.rows if isinstance(r.cells[i], str)]
        found = day_first_of(t for t in texts if isinstance(t, str))
        if found is None and any(_NUM_DATE.match(t) for t in texts if isinstance(t, str)):
            notes.append(
                f"dates in '{table.headers[i]}' such as 03/04/2024 are read day first "
                "(3 April 2024)"
            )
        day_first = True if found is None else found
    header_keys = tuple(fold_key(h) for h in table.headers)
    records: list[RowRecord] = []
    blank = 0
    for row in table.rows:
        if not any_filled(row.cells):
            blank += 1
            continue
        if row.cells[0] == table.headers[0] and (
            tuple(fold_key(c) if isinstance(c, str) else "" for c in row.cells) == header_keys
        ):
            notes.append(f"row {row.number} repeats the header and was skipped")
            continue
        records.append(_read_row(row, table.headers, cols, day_first))
    return ReadResult(tuple(records), tuple(notes), blank)


_MULTILINE = frozenset(
    {
        Field.NOTES,
        Field.ADDRESS,
        Field.LOCATIONS,
        Field.SUPPORT_LOCATIONS,
        Field.DATA_CATEGORIES,
        Field.DATA_SUBJECTS,
        Field.SERVICE,
        Field.PURPOSE,
    }
)


def _read_row(
    row: SourceRow, headers: Sequence[str], cols: dict[Field, list[int]], day_first: bool | None
) -> RowRecord:
    n = row.number
    problems: list[CellProblem] = []
    extra: list[str] = []
    columns: dict[str, str] = {}
    removed_in: list[str] = []

    def raw(f: Field) -> list[tuple[str, Cell]]:
        return [(headers[i], row.cells[i]) for i in cols.get(f, ())]

    texts: dict[Field, str] = {}
    cleaned: dict[int, str] = {}  # each mapped cell's text, by column
    for f, indices in cols.items():
        values = []
        for i in indices:
            value, removed = clean_text(row.cells[i], multiline=f in _MULTILINE)
            if removed:
                removed_in.append(headers[i])
            if value:
                values.append(value)
                cleaned[i] = value
                columns.setdefault(f, headers[i])
        texts[f] = "\n".join(values) if f in _MULTILINE else " ".join(values)

    def text(f: Field) -> str:
        return texts.get(f, "")

    def col(f: Field) -> str:
        return columns.get(f) or next((h for h, _ in raw(f)), "")

    def problem(f: Field | None, level: Level, message: str) -> None:
        problems.append(CellProblem(n, col(f) if f else "", level, message))

    name = text(Field.NAME)
    # A list that gives each vendor as "Acme S.A., 38 Avenue John F. Kennedy, L-1855
    # Luxembourg" in one cell: the name is the first part, the rest is its address.
    name_address = ""
    if name:
        raw_name = next(
            (c for c in (row.cells[i] for i in cols.get(Field.NAME, ())) if isinstance(c, str)),
            "",
        )
        split = split_name_and_address(raw_name)
        if split is not None:
            name, name_address = clean_text(split[0])[0], split[1]
            problem(
                Field.NAME,
                Level.WARNING,
                f"the name cell holds an address too: read the name as '{name}' and the "
                f"address as '{name_address}'",
            )
    legal_name = text(Field.LEGAL_NAME)
    if not name and legal_name:
        name = legal_name
    if not name:
        problem(Field.NAME, Level.ERROR, "no name: the row is not imported")
    elif len(name) > MAX_NAME:
        problem(
            Field.NAME,
            Level.ERROR,
            f"the name is {len(name)} characters long (at most {MAX_NAME}): not imported",
        )
    elif name.startswith(FORMULA_START):
        problem(
            Field.NAME,
            Level.WARNING,
            f"the name starts with '{name[0]}' like a spreadsheet formula; kept as plain text",
        )

    kind_text = text(Field.KIND)
    kind = parse_kind(kind_text) if kind_text else None
    role_text = text(Field.ROLE)
    role = parse_role(role_text) if role_text else None
    if kind_text and kind is None:
        problem(Field.KIND, Level.WARNING, f"'{kind_text}' is not a kind the app knows; ignored")
    if role_text and role is None:
        problem(Field.ROLE, Level.WARNING, f"'{role_text}' is not a role the app knows; ignored")
    # A kind column that says "Subprocessor" says the role too.
    if role is None and kind_text and parse_role(kind_text) is Role.SUBPROCESSOR:
        role = Role.SUBPROCESSOR
    if kind is None and role_text:
        kind = parse_kind(role_text) if parse_role(role_text) is not Role.CONTROLLER else None

    locations: list[Place] = []
    support: list[Place] = []
    for f, found in ((Field.LOCATIONS, locations), (Field.SUPPORT_LOCATIONS, support)):
        for i in cols.get(f, ()):
            cell_text = cleaned.get(i, "")
            if not cell_text:
                continue
            places = parse_locations(cell_text)
            found.extend(places)
            for p in places:
                if p.code is None:
                    problems.append(CellProblem(n, headers[i], Level.REVIEW, p.describe()))
                elif p.note:
                    problems.append(CellProblem(n, headers[i], Level.WARNING, p.note))

    address = text(Field.ADDRESS) or name_address
    address_place = country_from_address(address) if address else None
    if address and address_place is None and not locations:
        problem(
            Field.ADDRESS,
            Level.REVIEW,
            "no country found in the address: add the entity's locations by hand",
        )
    elif address_place is not None and address_place.note:
        problem(Field.ADDRESS, Level.WARNING, address_place.note)

    website = ""
    web_text = text(Field.WEBSITE)
    if web_text:
        normalised = normalise_website(web_text)
        if normalised is None:
            problem(Field.WEBSITE, Level.WARNING, "not a web address; kept in the notes instead")
            extra.append(f"Website (as in the file): {web_text}")
        else:
            website = normalised

    contact_name = text(Field.CONTACT_NAME)
    email_text = text(Field.CONTACT_EMAIL)
    contact_email = ""
    emails = _EMAIL_IN.findall(email_text) if email_text else []
    if not emails and contact_name:
        emails = _EMAIL_IN.findall(contact_name)
        if emails:  # "Jane Doe <jane@example.com>" in the contact column
            contact_name = _EMAIL_IN.sub("", contact_name).strip(" <>()[],;:-")
    if emails:
        contact_email = emails[0]
        if len(emails) > 1:
            problem(
                Field.CONTACT_EMAIL,
                Level.WARNING,
                f"{len(emails)} email addresses; the first is the contact, the rest are "
                "in the notes",
            )
            extra.append("Other contact emails: " + ", ".join(emails[1:]))
        if email_text and not contact_name:
            rest = _EMAIL_IN.sub("", email_text).replace("mailto:", "").strip(" <>()[],;:-")
            if rest:
                contact_name = rest
    elif email_text:
        problem(
            Field.CONTACT_EMAIL,
            Level.WARNING,
            f"'{email_text}' is not an email address; kept in the notes",
        )
        extra.append(f"Contact email (as in the file): {email_text}")

    mechanisms: tuple[Mechanism, ...] = ()
    mech_text = text(Field.MECHANISM)
    if mech_text:
        mechanisms, warning = parse_mechanisms(mech_text)
        if warning:
            problem(Field.MECHANISM, Level.WARNING, warning)
        if not mechanisms and warning:
            extra.append(f"Transfer mechanism (as in the file): {mech_text}")

    lifecycle = None
    status_text = text(Field.LIFECYCLE)
    if status_text:
        lifecycle = parse_lifecycle(status_text)
        if lifecycle is None:
            problem(
                Field.LIFECYCLE,
                Level.WARNING,
                f"'{status_text}' is not a status the app knows (active, proposed, approved, "
                "offboarded); kept in the notes",
            )
            extra.append(f"Status (as in the file): {status_text}")

    active_on = None
    for header, cell in raw(Field.ACTIVE_ON) if Field.ACTIVE_ON in cols else ():
        if isinstance(cell, str) and not cell.strip():
            continue
        columns.setdefault(Field.ACTIVE_ON, header)
        active_on = parse_date(cell, day_first)
        if active_on is None:
            problem(
                Field.ACTIVE_ON,
                Level.WARNING,
                f"'{clean_text(cell)[0]}' is not a date; kept in the notes",
            )
            extra.append(f"Start date (as in the file): {clean_text(cell)[0]}")
        break

    categories_text, subjects_text = text(Field.DATA_CATEGORIES), text(Field.DATA_SUBJECTS)
    data_categories = split_list(categories_text) if categories_text else ()
    data_subjects = split_list(subjects_text) if subjects_text else ()

    for header in dict.fromkeys(removed_in):
        problems.append(
            CellProblem(
                n,
                header,
                Level.WARNING,
                "removed invisible or control characters (they can hide or reorder text)",
            )
        )
    return RowRecord(
        number=n,
        name=name,
        legal_name=legal_name if legal_name != name else "",
        kind=kind,
        role=role,
        service=text(Field.SERVICE),
        purpose=text(Field.PURPOSE),
        locations=merge_places(locations),
        support_locations=merge_places(support),
        address=address,
        address_place=address_place,
        data_categories=data_categories,
        data_subjects=data_subjects,
        website=website,
        contact_name=contact_name,
        contact_email=contact_email,
        registration_number=text(Field.REGISTRATION_NUMBER),
        mechanisms=mechanisms,
        exporter=text(Field.EXPORTER),
        lifecycle=lifecycle,
        active_on=active_on,
        owner=text(Field.OWNER),
        notes=text(Field.NOTES),
        extra_notes=tuple(extra),
        problems=tuple(problems),
        columns=columns,
    )
