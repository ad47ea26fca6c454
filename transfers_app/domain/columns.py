"""The fields an imported vendor list can fill, a guess of which column is which, and the
mapping (column header -> field) a user confirms, saved as JSON to be used again.

Teams keep their lists with any headers, in English, German, French or Spanish, with typos;
the guess reads the header text first (synonyms, then whole words inside longer headers, then a
typo-tolerant match) and the values second (a column of email addresses is the contact email).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import TypeVar

from transfers_app.domain.enums import EntityKind, Role
from transfers_app.errors import TransfersError

MAPPING_FORMAT = "transfer-register/import-mapping"
MAPPING_VERSION = 1


class MappingError(TransfersError):
    """A mapping file that cannot be used; the message names the file and what is wrong."""


class Field(StrEnum):
    """What a column of an imported list holds. Values are stable: mapping files store them."""

    NAME = "name"
    LEGAL_NAME = "legal_name"
    KIND = "kind"
    ROLE = "role"
    SERVICE = "service"
    PURPOSE = "purpose"
    LOCATIONS = "locations"
    SUPPORT_LOCATIONS = "support_locations"
    ADDRESS = "address"
    DATA_CATEGORIES = "data_categories"
    DATA_SUBJECTS = "data_subjects"
    WEBSITE = "website"
    CONTACT_NAME = "contact_name"
    CONTACT_EMAIL = "contact_email"
    REGISTRATION_NUMBER = "registration_number"
    MECHANISM = "mechanism"
    EXPORTER = "exporter"
    LIFECYCLE = "lifecycle"
    ACTIVE_ON = "active_on"
    OWNER = "owner"
    NOTES = "notes"


LABELS: dict[Field, str] = {
    Field.NAME: "Name",
    Field.LEGAL_NAME: "Legal name",
    Field.KIND: "Kind (vendor, group, customer)",
    Field.ROLE: "Role (processor, subprocessor, controller)",
    Field.SERVICE: "Service",
    Field.PURPOSE: "Purpose",
    Field.LOCATIONS: "Processing locations (countries)",
    Field.SUPPORT_LOCATIONS: "Support / remote access locations",
    Field.ADDRESS: "Address",
    Field.DATA_CATEGORIES: "Data categories",
    Field.DATA_SUBJECTS: "Data subjects",
    Field.WEBSITE: "Website",
    Field.CONTACT_NAME: "Contact name",
    Field.CONTACT_EMAIL: "Contact email",
    Field.REGISTRATION_NUMBER: "Registration number",
    Field.MECHANISM: "Transfer mechanism",
    Field.EXPORTER: "Our entity sending the data",
    Field.LIFECYCLE: "Status (active, proposed, offboarded)",
    Field.ACTIVE_ON: "Start date",
    Field.OWNER: "Internal owner",
    Field.NOTES: "Notes",
}

# Fields that several columns may feed (their values are joined); the others take one column.
REPEATABLE = frozenset(
    {
        Field.LOCATIONS,
        Field.SUPPORT_LOCATIONS,
        Field.DATA_CATEGORIES,
        Field.DATA_SUBJECTS,
        Field.NOTES,
    }
)

# Header words per field: English, then German, French, Spanish. Compared after folding case,
# accents and punctuation, so "Sub-processor" and "subprocessor" are both listed.
_SYNONYM_TEXT: dict[Field, str] = {
    Field.NAME: (
        "name|vendor|vendor name|vendors|supplier|supplier name|suppliers|subprocessor|"
        "subprocessors|sub processor|sub processors|subprocessor name|sub processor name|"
        "subcontractor|subcontractors|sub contractor|sub contractors|"
        "processor|processor name|company|company name|provider|provider name|"
        "service provider|third party|third party name|entity|entity name|organisation|"
        "organization|organisation name|organization name|recipient|recipient name|partner|"
        "unterauftragsverarbeiter|unterauftragnehmer|auftragsverarbeiter|dienstleister|"
        "lieferant|anbieter|firma|unternehmen|empfanger|sous traitant|sous traitants|"
        "sous traitant ulterieur|sous traitants ulterieurs|fournisseur|prestataire|societe|"
        "entreprise|nom|destinataire|proveedor|subencargado|subencargado del tratamiento|"
        "encargado del tratamiento|empresa|nombre|compania"
    ),
    Field.LEGAL_NAME: (
        "legal name|legal entity|legal entity name|registered name|full legal name|"
        "contracting entity name|rechtlicher name|juristische person|firmenname|"
        "raison sociale|denomination sociale|razon social|denominacion social"
    ),
    Field.KIND: (
        "kind|type|vendor type|entity type|supplier type|relationship|party type|typ|art|"
        "type d entite|tipo|tipo de entidad"
    ),
    Field.ROLE: (
        "role|gdpr role|processing role|data protection role|controller processor|rolle|"
        "role rgpd|rol"
    ),
    Field.SERVICE: (
        "service|services|service provided|services provided|product|products|"
        "description of services|service description|processing activity|"
        "processing activities|activity|nature of processing|description|leistung|"
        "dienstleistung|taetigkeit|tatigkeit|beschreibung|service fourni|prestation|"
        "prestations|servicio|servicios|actividad|descripcion"
    ),
    Field.PURPOSE: (
        "purpose|purposes|purpose of processing|processing purpose|zweck|zwecke|"
        "verarbeitungszweck|zweck der verarbeitung|finalite|finalites|finalite du traitement|"
        "finalidad|finalidades|proposito"
    ),
    Field.LOCATIONS: (
        "location|locations|country|countries|processing location|processing locations|"
        "location of processing|country of processing|countries of processing|data location|"
        "data locations|hosting location|hosting country|data centre|data center|"
        "data centre location|data center location|server location|where data is processed|"
        "where is data stored|storage location|region|standort|standorte|land|lander|"
        "verarbeitungsort|ort der verarbeitung|serverstandort|sitz|pays|localisation|"
        "lieu de traitement|lieu d hebergement|pais|paises|ubicacion|localizacion|"
        "lugar de tratamiento"
    ),
    Field.SUPPORT_LOCATIONS: (
        "support location|support locations|support country|remote access|remote access from|"
        "access location|accessed from|follow the sun|supportstandort|fernzugriff|"
        "acces a distance|acceso remoto"
    ),
    Field.ADDRESS: (
        "address|registered address|registered office|office address|company address|"
        "postal address|headquarters|hq|adresse|anschrift|firmensitz|siege|siege social|"
        "direccion|domicilio|domicilio social"
    ),
    Field.DATA_CATEGORIES: (
        "data categories|data category|categories of data|categories of personal data|"
        "personal data|personal data categories|types of data|data types|data processed|"
        "personal data processed|datenkategorien|datenarten|"
        "kategorien personenbezogener daten|personenbezogene daten|categories de donnees|"
        "donnees traitees|donnees personnelles|categorias de datos|datos personales|"
        "datos tratados"
    ),
    Field.DATA_SUBJECTS: (
        "data subjects|data subject|categories of data subjects|data subject categories|"
        "individuals|betroffene|betroffene personen|kategorien betroffener personen|"
        "betroffenenkategorien|personnes concernees|categories de personnes concernees|"
        "interesados|categorias de interesados"
    ),
    Field.WEBSITE: (
        "website|web site|url|web|homepage|webseite|internetseite|site web|site internet|"
        "sitio web|pagina web"
    ),
    Field.CONTACT_NAME: (
        "contact|contact name|contact person|vendor contact|supplier contact|dpo|dpo name|"
        "privacy contact|ansprechpartner|kontakt|kontaktperson|interlocuteur|"
        "contact fournisseur|contacto|persona de contacto"
    ),
    Field.CONTACT_EMAIL: (
        "email|e mail|mail|email address|contact email|contact e mail|dpo email|privacy email|"
        "e mail adresse|kontakt e mail|courriel|adresse e mail|correo|correo electronico"
    ),
    Field.REGISTRATION_NUMBER: (
        "registration number|company number|company registration number|registration no|"
        "reg no|company no|handelsregister|handelsregisternummer|registernummer|hrb|siren|"
        "siret|numero d immatriculation|cif|nif|numero de registro"
    ),
    Field.MECHANISM: (
        "transfer mechanism|transfer mechanisms|safeguard|safeguards|transfer safeguard|"
        "transfer tool|transfer basis|legal basis for transfer|transfer legal basis|mechanism|"
        "sccs|uebermittlungsgrundlage|ubermittlungsgrundlage|garantien|geeignete garantien|"
        "garanties|garanties appropriees|mecanisme de transfert|garantias|"
        "mecanismo de transferencia"
    ),
    Field.EXPORTER: (
        "exporter|data exporter|our entity|group entity|contracting entity|sent by|"
        "sending entity|customer entity|datenexporteur|vertragspartner|exportateur|"
        "exportateur de donnees|entite contractante|exportador|exportador de datos"
    ),
    Field.LIFECYCLE: "status|lifecycle|state|stage|vendor status|zustand|statut|estado",
    Field.ACTIVE_ON: (
        "start date|since|active since|in use since|contract start|contract date|onboarded|"
        "onboarding date|date added|beginn|vertragsbeginn|seit|date de debut|depuis|"
        "fecha de inicio|desde"
    ),
    Field.OWNER: (
        "owner|business owner|internal owner|responsible|accountable|verantwortlich|"
        "verantwortlicher|responsable|propietario"
    ),
    Field.NOTES: (
        "notes|note|comments|comment|remarks|bemerkungen|bemerkung|anmerkungen|kommentar|"
        "notizen|remarques|commentaires|observations|observaciones|notas|comentarios"
    ),
}
SYNONYMS: dict[Field, tuple[str, ...]] = {
    f: tuple(text.split("|")) for f, text in _SYNONYM_TEXT.items()
}

# Below this score a column is left unmapped (the user maps it by hand, or it is ignored).
MIN_SCORE = 75.0

_NON_WORD = re.compile(r"[^0-9a-z]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_NUMBER = re.compile(r"^[#№]?\s*\d+[.)]?$")


def normalise_header(text: str) -> str:
    """Fold case, accents, punctuation: "Sous-traitant ultérieur" -> "sous traitant ulterieur"."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_only).strip()


@cache
def _synonym_index() -> tuple[dict[str, Field], list[str], list[Field]]:
    exact: dict[str, Field] = {}
    words: list[str] = []
    owners: list[Field] = []
    for f, syns in SYNONYMS.items():
        for s in syns:
            key = normalise_header(s)
            exact.setdefault(key, f)
            words.append(key)
            owners.append(f)
    return exact, words, owners


def score_header(header: str) -> dict[Field, float]:
    """How well ``header`` names each field (0-100), from its text alone."""
    from rapidfuzz import fuzz, process

    key = normalise_header(header)
    if not key:
        return {}
    exact, words, owners = _synonym_index()
    scores: dict[Field, float] = {}

    def hit(f: Field, score: float) -> None:
        scores[f] = max(scores.get(f, 0.0), score)

    if key in exact:
        hit(exact[key], 100.0)
    padded = f" {key} "
    for syn, owner in zip(words, owners, strict=True):
        if syn != key and f" {syn} " in padded:
            # The more words a synonym has, the surer the hit; English puts the head noun
            # last ("Vendor contact email" is an email), so a synonym at the end weighs more.
            n = syn.count(" ") + 1
            hit(owner, min(95.0, 80.0 + 4 * n + (3 if key.endswith(syn) else 0)))
    if len(key) >= 4:
        for _, score, i in process.extract(key, words, scorer=fuzz.ratio, limit=3, score_cutoff=84):
            hit(owners[i], score * 0.9)
    return scores


def _values_suggest(values: Iterable[str]) -> Field | None:
    """The field a column's values plainly belong to, whatever its header says: email
    addresses, web addresses, transfer mechanisms ("Standard Data Protection Clauses", "No
    transfer"); None for anything else."""
    # Imported here: vendor_list reads the cells with the fields defined in this module.
    from transfers_app.domain.vendor_list import names_a_mechanism

    sample = [v.strip() for v in values if v and v.strip()][:50]
    if len(sample) < 2:
        return None
    if sum(1 for v in sample if _EMAIL.match(v)) >= 0.6 * len(sample):
        return Field.CONTACT_EMAIL
    if sum(1 for v in sample if _URL.match(v)) >= 0.6 * len(sample):
        return Field.WEBSITE
    if sum(1 for v in sample if names_a_mechanism(v)) >= 0.6 * len(sample):
        return Field.MECHANISM
    return None


def _numbers(values: Iterable[str]) -> bool:
    sample = [v.strip() for v in values if v and v.strip()]
    return bool(sample) and all(_NUMBER.match(v) for v in sample)


# What a column whose values are plainly of one kind may still be, whatever its header says:
# "Details of sub-sub processors" full of links is not the vendor's name.
_ALLOWED_BY_VALUES: dict[Field, frozenset[Field]] = {
    Field.CONTACT_EMAIL: frozenset({Field.CONTACT_EMAIL, Field.CONTACT_NAME, Field.NOTES}),
    Field.WEBSITE: frozenset({Field.WEBSITE, Field.NOTES}),
    Field.MECHANISM: frozenset({Field.MECHANISM, Field.NOTES}),
}


def guess_columns(
    headers: Sequence[str], samples: Sequence[Sequence[str]] = ()
) -> dict[str, Field]:
    """The likeliest field of each column (columns left out are ignored).

    ``samples`` are a few values per column (same order as ``headers``): they name the columns
    whose header says nothing, and overrule a header whose column plainly holds something
    else (links, email addresses, transfer mechanisms). Each field goes to its best column;
    only the repeatable fields (locations, notes, data categories and subjects) may take
    several.
    """
    by_values = [_values_suggest(column) for column in samples]
    candidates: list[tuple[float, int, Field]] = []
    for i, h in enumerate(headers):
        kind = by_values[i] if i < len(by_values) else None
        allowed = _ALLOWED_BY_VALUES.get(kind) if kind is not None else None
        for f, score in score_header(h).items():
            if score >= MIN_SCORE and (allowed is None or f in allowed):
                candidates.append((score, -i, f))
    candidates.sort(reverse=True)
    chosen: dict[int, Field] = {}
    taken: set[Field] = set()
    for _score, neg_i, f in candidates:
        i = -neg_i
        if i in chosen or (f in taken and f not in REPEATABLE):
            continue
        chosen[i] = f
        taken.add(f)
    for i, suggested in enumerate(by_values):
        if i < len(headers) and i not in chosen and suggested and suggested not in taken:
            chosen[i] = suggested
            taken.add(suggested)
    if Field.NAME not in taken and headers and 0 not in chosen:
        # Most lists start with the name; after a column of row numbers ("#"), the next.
        numbered = _numbers(samples[0]) if samples else False
        first = 1 if numbered and len(headers) > 1 and 1 not in chosen else 0
        if not (numbered and first == 0):
            chosen[first] = Field.NAME
    return {headers[i]: chosen[i] for i in sorted(chosen)}


@dataclass(frozen=True, slots=True)
class Mapping:
    """Which column holds which field, and what rows without a kind, role or exporter get.

    Columns are named by their header text, so a mapping fits the next export of the same
    list even when its columns were reordered.
    """

    columns: tuple[tuple[str, Field], ...] = ()
    kind: EntityKind = EntityKind.VENDOR
    role: Role = Role.PROCESSOR
    # Our entity that sends the data, by name, for rows without an exporter column.
    exporter: str = ""

    @classmethod
    def guess(cls, headers: Sequence[str], samples: Sequence[Sequence[str]] = ()) -> Mapping:
        return cls(columns=tuple(guess_columns(headers, samples).items()))

    def field_of(self, header: str) -> Field | None:
        for h, f in self.columns:
            if h == header:
                return f
        return None

    def headers_for(self, f: Field) -> list[str]:
        return [h for h, g in self.columns if g is f]

    def with_column(self, header: str, f: Field | None, order: Sequence[str] = ()) -> Mapping:
        """This mapping with ``header`` mapped to ``f`` (None: ignored). A field that takes
        one column is taken away from the column that had it. ``order`` keeps file order."""
        cols = [
            (h, g)
            for h, g in self.columns
            if h != header and not (f is not None and g is f and f not in REPEATABLE)
        ]
        if f is not None:
            cols.append((header, f))
        if order:
            pos = {h: i for i, h in enumerate(order)}
            cols.sort(key=lambda c: pos.get(c[0], len(pos)))
        return replace(self, columns=tuple(cols))

    def missing_headers(self, headers: Sequence[str]) -> list[str]:
        present = set(headers)
        return [h for h, _ in self.columns if h not in present]

    # -- JSON ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, object]:
        return {
            "format": MAPPING_FORMAT,
            "version": MAPPING_VERSION,
            "columns": {h: f.value for h, f in self.columns},
            "kind": self.kind.value,
            "role": self.role.value,
            "exporter": self.exporter,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: object, source: str = "mapping") -> Mapping:
        if not isinstance(data, dict):
            raise MappingError(f"{source}: a mapping is a JSON object with a 'columns' object")
        if data.get("format", MAPPING_FORMAT) != MAPPING_FORMAT:
            raise MappingError(f"{source}: not an import mapping (format {data.get('format')!r})")
        version = data.get("version", MAPPING_VERSION)
        if not isinstance(version, int) or version > MAPPING_VERSION:
            raise MappingError(
                f"{source}: mapping version {version!r} is newer than this app understands"
            )
        raw = data.get("columns")
        if not isinstance(raw, dict) or not raw:
            raise MappingError(
                f"{source}: 'columns' must map column headers to fields, e.g. "
                '{"Vendor": "name", "Country": "locations"}'
            )
        by_value = {f.value: f for f in Field}
        cols: list[tuple[str, Field]] = []
        for header, value in raw.items():
            if value in (None, "", "ignore"):
                continue
            if not isinstance(value, str) or value not in by_value:
                raise MappingError(
                    f"{source}: column {header!r} maps to {value!r}, which is not a field; "
                    f"use one of {', '.join(sorted(by_value))} (or null to ignore it)"
                )
            cols.append((str(header), by_value[value]))
        singles = [f for f in Field if f not in REPEATABLE]
        for f in singles:
            hs = [h for h, g in cols if g is f]
            if len(hs) > 1:
                raise MappingError(
                    f"{source}: {f.value!r} is given by several columns ({', '.join(hs)}); "
                    "it takes one"
                )
        kind = _enum_value(EntityKind, data.get("kind", EntityKind.VENDOR.value), "kind", source)
        role = _enum_value(Role, data.get("role", Role.PROCESSOR.value), "role", source)
        exporter = data.get("exporter") or ""
        if not isinstance(exporter, str):
            raise MappingError(f"{source}: 'exporter' must be the name of one of our entities")
        return cls(columns=tuple(cols), kind=kind, role=role, exporter=exporter.strip())

    @classmethod
    def from_json(cls, text: str, source: str = "mapping") -> Mapping:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(
                f"{source} is not valid JSON (line {exc.lineno}: {exc.msg})"
            ) from None
        return cls.from_dict(data, source)


_E = TypeVar("_E", EntityKind, Role)


def _enum_value(enum: type[_E], value: object, name: str, source: str) -> _E:
    try:
        return enum(str(value))
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise MappingError(f"{source}: {name} {value!r} is not one of {allowed}") from None


def header_set_key(headers: Sequence[str]) -> str:
    """The same list exported again (columns reordered, case changed) has the same key."""
    return " | ".join(sorted(normalise_header(h) for h in headers if normalise_header(h)))
