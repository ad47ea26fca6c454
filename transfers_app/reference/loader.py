"""Load and validate reference data sets (built in, or a newer bundle the user loaded).

Longer than 800 lines on purpose: the types of the data and the check of each of their fields
sit together, section by section in the order of docs/reference-data.md, so a new field is
added, validated and documented in one pass. The source table and the citations rows make of it
are in ``sources.py`` (re-exported here: ``Citation``, ``Source``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

from dateutil.relativedelta import relativedelta

from transfers_app.domain.countries import register_international_orgs
from transfers_app.domain.enums import DocumentKind, Mechanism, Regime
from transfers_app.domain.formatting import day
from transfers_app.errors import ReferenceDataError
from transfers_app.reference.sources import (
    CITED_TIERS,
    SOURCE_TIERS,
    Citation,
    Source,
    Sourced,
    cite,
    parse_source_table,
    upgrade_format_2,
)

__all__ = [
    "BUNDLE_KEYS",
    "CITED_TIERS",
    "SOURCE_TIERS",
    "ChangeEvent",
    "Citation",
    "Decision",
    "EeaFacts",
    "EvidenceRecheck",
    "Instrument",
    "InstrumentRegime",
    "MechanismRegime",
    "MechanismRule",
    "Memo",
    "MemoSlot",
    "ReferenceSet",
    "RegimeInfo",
    "Regulator",
    "Source",
    "builtin_bundle",
    "builtin_reference",
    "load_reference",
    "parse_bundle",
    "read_bundle_file",
]

BUNDLE_KEYS = (
    "manifest",
    "regimes",
    "eea",
    "decisions",
    "instruments",
    "international_orgs",
    "sources",
)
# Format 2 added the mechanism table and the combination, module and assessment fields;
# format 3 the source table, which rows cite by id (see docs/reference-data.md). Older files
# are upgraded on reading (``_upgrade_format_1``, ``_upgrade_format_2``).
SUPPORTED_FORMAT = 3
READABLE_FORMATS = frozenset({1, 2, 3})
SCOPES = frozenset({"full", "partial", "certified_recipients", "international_org"})
CERTIFICATIONS = frozenset({"dpf_eu", "dpf_uk", "dpf_swiss"})
RECHECK_BASES = frozenset({"policy", "law"})
SCC_MODULES = frozenset({1, 2, 3, 4})

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class Regulator:
    name: str
    valid_from: date | None
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class RegimeInfo(Sourced):
    code: Regime
    name: str
    home: frozenset[str]
    coverage_from: date
    coverage_note: str
    adequacy_basis: str
    tools_basis: str
    assessment_name: str
    assessment_basis: str
    regulators: tuple[Regulator, ...]
    sources: tuple[Source, ...]
    verified: bool
    # The EEA list of eea.json is inside this regime's home area (EU: legal-facts 1).
    home_includes_eea: bool = False
    # A processor-to-controller transfer (SCC Module Four) needs the assessment only where the
    # processor combines the controller's data with data it collected itself (SCC Clauses 14
    # and 15, Module Four; legal-facts 4.2); False where the regime's own law asks for the
    # assessment on every safeguard (UK GDPR Art 46(1A); legal-facts 3.3).
    module_four_assessment_only_if_combined: bool = False
    verification_note: str = ""
    rejected_sources: tuple[Source, ...] = ()

    def regulator_on(self, on: date) -> str:
        for reg in self.regulators:
            if (reg.valid_from is None or reg.valid_from <= on) and (
                reg.valid_until is None or on <= reg.valid_until
            ):
                return reg.name
        return self.regulators[-1].name if self.regulators else ""


@dataclass(frozen=True, slots=True)
class Decision(Sourced):
    id: str
    regime: Regime
    destinations: tuple[str, ...]
    title: str
    reference: str
    adopted_on: date | None
    in_force_from: date
    expires_on: date | None
    scope: str
    requires_certification: str | None
    conditions: tuple[str, ...]
    scope_note: str
    review: str
    eea_incorporated_on: date | None
    advisories: tuple[str, ...]
    sources: tuple[Source, ...]
    verified: bool
    verification_note: str
    applies_to_general_processing: bool = True
    # Weak (T3) sources the research rejected for facts of this row: a record, never cited.
    rejected_sources: tuple[Source, ...] = ()

    def in_force_on(self, on: date) -> bool:
        return self.in_force_from <= on and (self.expires_on is None or on <= self.expires_on)


@dataclass(frozen=True, slots=True)
class InstrumentRegime:
    usable_from: date | None = None
    new_contracts_until: date | None = None
    valid_until: date | None = None
    # Under this regime the instrument counts only together with a document of this kind
    # (the EU SCCs for UK transfers need the UK Addendum); alone it is no safeguard.
    only_with: DocumentKind | None = None
    note: str = ""
    verified: bool = True


@dataclass(frozen=True, slots=True)
class Instrument(Sourced):
    kind: DocumentKind
    reference: str
    current_version: str
    regimes: Mapping[Regime, InstrumentRegime]
    sources: tuple[Source, ...]
    verified: bool
    verification_note: str
    adopted_on: date | None = None
    # The SCC modules (Decision (EU) 2021/914 numbering) the clauses provide: several where
    # the parties choose one (the document records it), one where the instrument fixes the
    # relationship (each legacy decision covered one).
    scc_modules: frozenset[int] = frozenset()
    # This instrument is an addendum to a document of that kind, which carries the clauses
    # (and their module): the UK Addendum amends the EU SCCs.
    addendum_to: DocumentKind | None = None
    rejected_sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class MechanismRegime:
    """How a mechanism that no instrument row describes (adequacy, the DPF, derogations)
    stands under one regime."""

    reference: str = ""
    label: str = ""  # how the list of usable safeguards names it
    note: str = ""
    verified: bool = True
    verification_note: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceRecheck(Sourced):
    """How often the evidence of a mechanism must be checked again (the DPF List entry)."""

    every_months: int
    basis: str  # "policy" (an organisational default) or "law"
    reasoning: str
    sources: tuple[Source, ...] = ()

    def due_after(self, checked_on: date) -> date:
        """The day a check made on ``checked_on`` needs repeating (overdue the day after)."""
        return _months_after(checked_on, self.every_months)


@lru_cache(maxsize=4096)
def _months_after(day: date, months: int) -> date:
    # Keyed by values only: a register has few distinct dates, and relativedelta is slow.
    return day + relativedelta(months=months)


@dataclass(frozen=True, slots=True)
class MechanismRule(Sourced):
    """What the data says about one mechanism: the documents that evidence it, where it can
    make a transfer lawful, and whether it needs a transfer impact / risk assessment."""

    mechanism: Mechanism
    document_kinds: tuple[DocumentKind, ...]
    needs_assessment: bool
    # The regimes under which it can make a transfer lawful: from the row's own ``regimes``
    # or, for a mechanism evidenced by instruments, every regime of those instrument rows.
    regimes: Mapping[Regime, MechanismRegime]
    evidence_recheck: EvidenceRecheck | None
    sources: tuple[Source, ...]
    verified: bool
    verification_note: str
    from_instruments: bool = False
    rejected_sources: tuple[Source, ...] = ()
    # Usable only when the importer belongs to the exporter's group (BCRs, Art 4(20)): never
    # a tool to offer for a third-party vendor.
    within_group_only: bool = False


@dataclass(frozen=True, slots=True)
class ChangeEvent(Sourced):
    """One entry of the manifest's changelog: what changed in the law, when, and its sources."""

    on: date
    event: str
    sources: tuple[Source, ...] = ()
    verified: bool = True
    verification_note: str = ""
    rejected_sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class EeaFacts(Sourced):
    """The sources and verification of the EEA lists (eea.json)."""

    sources: tuple[Source, ...] = ()
    verified: bool = True
    verification_note: str = ""
    rejected_sources: tuple[Source, ...] = ()


class Memo(Generic[_K, _V]):
    """A bounded memo of results derived from one reference set (the oldest entry goes first
    when it is full). Owned by the ``ReferenceSet``: the results die with it."""

    __slots__ = ("_data", "maxsize")

    def __init__(self, maxsize: int) -> None:
        self._data: dict[_K, _V] = {}
        self.maxsize = maxsize

    def get(self, key: _K) -> _V | None:
        return self._data.get(key)

    def put(self, key: _K, value: _V) -> _V:
        data = self._data
        if len(data) >= self.maxsize:
            try:
                del data[next(iter(data))]
            except (RuntimeError, KeyError, StopIteration):
                data.clear()  # another thread changed it meanwhile: start afresh
        data[key] = value
        return value

    def __len__(self) -> int:
        return len(self._data)


class MemoSlot(Generic[_K, _V]):
    """Names one memo a rule keeps on each reference set (typed: the slot fixes the key and
    value types of the memo it hands out)."""

    __slots__ = ("maxsize", "name")

    def __init__(self, name: str, maxsize: int) -> None:
        self.name = name
        self.maxsize = maxsize


@dataclass(frozen=True, eq=False)
class ReferenceSet:
    version: str
    as_of: date
    title: str
    source: str
    changelog: tuple[tuple[date, str], ...]
    regimes: Mapping[Regime, RegimeInfo]
    eu_members: frozenset[str]
    efta_eea_members: Mapping[str, date | None]
    outermost_regions: frozenset[str]
    octs: frozenset[str]
    decisions: tuple[Decision, ...]
    instruments: Mapping[DocumentKind, Instrument]
    international_orgs: Mapping[str, str]
    mechanisms: Mapping[Mechanism, MechanismRule] = field(default_factory=dict)
    # The source table, every tier, in the data's order (rows hold their own sources).
    sources: Mapping[str, Source] = field(default_factory=dict)
    changes: tuple[ChangeEvent, ...] = ()
    eea_facts: EeaFacts = field(default_factory=EeaFacts)
    international_org_sources: Mapping[str, tuple[Source, ...]] = field(default_factory=dict)
    origin: str = "built-in"
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    _index: dict[tuple[Regime, str], tuple[Decision, ...]] = field(default_factory=dict, repr=False)
    _certified: frozenset[str] = field(default=frozenset(), repr=False)
    _memos: dict[MemoSlot[Any, Any], Memo[Any, Any]] = field(default_factory=dict, repr=False)
    _applies: dict[Regime, frozenset[Mechanism]] = field(default_factory=dict, repr=False)
    _by_kind: dict[DocumentKind, Mechanism] = field(default_factory=dict, repr=False)
    _specific: dict[Regime, tuple[Mechanism, ...]] = field(default_factory=dict, repr=False)
    _partners: dict[Regime, dict[Mechanism, Mechanism]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[tuple[Regime, str], list[Decision]] = {}
        for d in self.decisions:
            if not d.applies_to_general_processing:
                continue
            for dest in d.destinations:
                index.setdefault((d.regime, dest), []).append(d)
        certified = frozenset(
            dest for d in self.decisions if d.requires_certification for dest in d.destinations
        )
        object.__setattr__(self, "_certified", certified)
        for key, rows in index.items():
            self._index[key] = tuple(sorted(rows, key=lambda r: r.in_force_from, reverse=True))
        for m, rule in self.mechanisms.items():
            for kind in rule.document_kinds:
                self._by_kind[kind] = m
        for regime in Regime:
            self._applies[regime] = frozenset(
                m for m, rule in self.mechanisms.items() if regime in rule.regimes
            )
            # Tools that exist only for this regime (the IDTA and the Addendum for the UK).
            self._specific[regime] = tuple(
                m
                for m, rule in self.mechanisms.items()
                if rule.from_instruments and set(rule.regimes) == {regime}
            )
            self._partners[regime] = self._partners_of(regime)

    def _partners_of(self, regime: Regime) -> dict[Mechanism, Mechanism]:
        """Mechanisms none of whose instruments counts alone under ``regime``, each with the
        mechanism of the instrument it needs (``only_with``)."""
        out: dict[Mechanism, Mechanism] = {}
        for m, rule in self.mechanisms.items():
            specs = [
                spec
                for kind in rule.document_kinds
                if (spec := self.instrument_spec(kind, regime)) is not None
            ]
            if specs and all(spec.only_with is not None for spec in specs):
                needed = specs[0].only_with
                partner = self._by_kind.get(needed) if needed is not None else None
                if partner is not None:
                    out[m] = partner
        return out

    def __hash__(self) -> int:
        return id(self)

    def memo(self, slot: MemoSlot[_K, _V]) -> Memo[_K, _V]:
        """This set's memo for ``slot`` (made on first use; it lives and dies with the set)."""
        found = self._memos.get(slot)
        if found is None:
            found = self._memos[slot] = Memo(slot.maxsize)
        return found

    # -- mechanisms ---------------------------------------------------------------------------

    def mechanisms_under(self, regime: Regime) -> frozenset[Mechanism]:
        """The mechanisms that can make a transfer lawful under ``regime``."""
        return self._applies.get(regime, frozenset())

    def mechanism_of(self, kind: DocumentKind) -> Mechanism | None:
        """The mechanism a document of this kind evidences (None: not a transfer tool)."""
        return self._by_kind.get(kind)

    def document_kinds(self, mechanism: Mechanism) -> tuple[DocumentKind, ...]:
        """The document kinds that evidence ``mechanism``."""
        rule = self.mechanisms.get(mechanism)
        return rule.document_kinds if rule is not None else ()

    def partners_under(self, regime: Regime) -> Mapping[Mechanism, Mechanism]:
        """Mechanisms that count under ``regime`` only together with another, mapped to it
        (the EU SCCs to the UK Addendum under UK law)."""
        return self._partners.get(regime, {})

    def specific_to(self, regime: Regime) -> tuple[Mechanism, ...]:
        """Mechanisms whose instruments serve this regime alone, in the data's order."""
        return self._specific.get(regime, ())

    def instrument_spec(self, kind: DocumentKind, regime: Regime) -> InstrumentRegime | None:
        inst = self.instruments.get(kind)
        return inst.regimes.get(regime) if inst is not None else None

    def evidence_recheck(self, kind: DocumentKind) -> EvidenceRecheck | None:
        """How often evidence of this kind must be checked again (the DPF List entry)."""
        m = self._by_kind.get(kind)
        rule = self.mechanisms.get(m) if m is not None else None
        return rule.evidence_recheck if rule is not None else None

    @property
    def certified_destinations(self) -> frozenset[str]:
        """Destinations where adequacy depends on the recipient's certification (DPF)."""
        return self._certified

    @property
    def eea(self) -> frozenset[str]:
        return self.eu_members | frozenset(self.efta_eea_members) | self.outermost_regions

    def decision_for(self, regime: Regime, destination: str, on: date) -> Decision | None:
        """The decision in force for this regime, destination and date (latest wins)."""
        for d in self._index.get((regime, destination), ()):
            if d.in_force_on(on):
                return d
        return None

    def decisions_for(self, regime: Regime, destination: str) -> tuple[Decision, ...]:
        return self._index.get((regime, destination), ())

    def age_days(self, today: date) -> int:
        return (today - self.as_of).days

    @property
    def freshness(self) -> tuple[date, tuple[int, ...]]:
        """Orders reference sets: the later research date, then the later version (a set
        revised without new research, e.g. its sources re-rated, is newer than the last)."""
        return self.as_of, tuple(int(n) for n in re.findall(r"\d+", self.version))

    def sources_of_tier(self, tier: str) -> tuple[Source, ...]:
        """The sources of the table with this tier, in the data's order."""
        return tuple(s for s in self.sources.values() if s.tier == tier)

    def age_text(self, today: date, show: Callable[[date], str] = day) -> str:
        """The data's version and age; ``show`` writes the date (the app's words by default,
        ISO on the command line like every date it prints)."""
        days = self.age_days(today)
        if days <= 0:
            when = "today"
        elif days == 1:
            when = "1 day old"
        elif days < 60:
            when = f"{days} days old"
        else:
            when = f"{days // 30} months old"
        stale = " - check for a newer reference file" if days > 180 else ""
        return f"Legal reference data {self.version} (as of {show(self.as_of)}, {when}){stale}"


def _date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ReferenceDataError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReferenceDataError(f"{where}: {value!r} is not a date YYYY-MM-DD") from None


def _req_date(value: Any, where: str) -> date:
    d = _date(value, where)
    if d is None:
        raise ReferenceDataError(f"{where}: a date is required")
    return d


def _str(obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = obj.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ReferenceDataError(f"{where}.{key}: expected text, got {value!r}")
    if required and not value:
        raise ReferenceDataError(f"{where}.{key}: is required")
    return value


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ReferenceDataError(f"{where}: expected a list of text")
    return tuple(value)


def _bool(obj: Mapping[str, Any], key: str, where: str, default: bool | None = None) -> bool:
    """A true/false field; ``default`` None makes it required."""
    value = obj.get(key)
    if value is None:
        if default is None:
            raise ReferenceDataError(f"{where}.{key}: is required (true or false)")
        return default
    if not isinstance(value, bool):
        raise ReferenceDataError(f"{where}.{key}: expected true or false, got {value!r}")
    return value


def _kind(value: Any, where: str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        raise ReferenceDataError(f"{where}: unknown document kind {value!r}") from None


def _regime(value: Any, where: str) -> Regime:
    try:
        return Regime(value)
    except ValueError:
        raise ReferenceDataError(f"{where}: unknown regime {value!r} (use EU, UK or CH)") from None


def _parse_regimes(
    rows: Iterable[Mapping[str, Any]], table: Mapping[str, Source]
) -> dict[Regime, RegimeInfo]:
    out: dict[Regime, RegimeInfo] = {}
    for i, row in enumerate(rows):
        where = f"regimes[{i}]"
        code = _regime(row.get("code"), f"{where}.code")
        regulators = tuple(
            Regulator(
                name=_str(r, "name", f"{where}.regulators[{j}]"),
                valid_from=_date(r.get("from"), f"{where}.regulators[{j}].from"),
                valid_until=_date(r.get("until"), f"{where}.regulators[{j}].until"),
            )
            for j, r in enumerate(row.get("regulators") or [])
        )
        verified = bool(row.get("verified", False))
        note = _str(row, "verification_note", where, required=False)
        sources, rejected = cite(row, where, table, verified=verified, note=note)
        out[code] = RegimeInfo(
            code=code,
            name=_str(row, "name", where),
            home=frozenset(_strs(row.get("home"), f"{where}.home")),
            coverage_from=_req_date(row.get("coverage_from"), f"{where}.coverage_from"),
            coverage_note=_str(row, "coverage_note", where, required=False),
            adequacy_basis=_str(row, "adequacy_basis", where, required=False),
            tools_basis=_str(row, "tools_basis", where, required=False),
            assessment_name=_str(row, "assessment_name", where, required=False),
            assessment_basis=_str(row, "assessment_basis", where, required=False),
            regulators=regulators,
            sources=sources,
            verified=verified,
            home_includes_eea=_bool(row, "home_includes_eea", where),
            module_four_assessment_only_if_combined=_bool(
                row, "module_four_assessment_only_if_combined", where
            ),
            verification_note=note,
            rejected_sources=rejected,
        )
    missing = set(Regime) - set(out)
    if missing:
        raise ReferenceDataError(f"regimes: missing {', '.join(sorted(missing))}")
    return out


def _parse_decisions(
    rows: Iterable[Mapping[str, Any]], known: set[str], table: Mapping[str, Source]
) -> tuple[Decision, ...]:
    out: list[Decision] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        where = f"decisions[{i}]"
        ident = _str(row, "id", where)
        where = f"decisions[{i}] ({ident})"
        if ident in seen:
            raise ReferenceDataError(f"{where}: duplicate id")
        seen.add(ident)
        scope = _str(row, "scope", where)
        if scope not in SCOPES:
            raise ReferenceDataError(f"{where}.scope: {scope!r} is not one of {sorted(SCOPES)}")
        cert = row.get("requires_certification")
        if cert is not None and cert not in CERTIFICATIONS:
            raise ReferenceDataError(f"{where}.requires_certification: unknown {cert!r}")
        dests = _strs(row.get("destinations"), f"{where}.destinations")
        if not dests:
            raise ReferenceDataError(f"{where}.destinations: at least one destination is required")
        for dest in dests:
            if dest not in known:
                raise ReferenceDataError(f"{where}.destinations: unknown code {dest!r}")
        verified = bool(row.get("verified", False))
        note = _str(row, "verification_note", where, required=False)
        sources, rejected = cite(row, where, table, verified=verified, note=note, required=True)
        in_force = _req_date(row.get("in_force_from"), f"{where}.in_force_from")
        expires = _date(row.get("expires_on"), f"{where}.expires_on")
        if expires is not None and expires < in_force:
            raise ReferenceDataError(f"{where}: expires_on is before in_force_from")
        out.append(
            Decision(
                id=ident,
                regime=_regime(row.get("regime"), f"{where}.regime"),
                destinations=dests,
                title=_str(row, "title", where),
                reference=_str(row, "reference", where),
                adopted_on=_date(row.get("adopted_on"), f"{where}.adopted_on"),
                in_force_from=in_force,
                expires_on=expires,
                scope=scope,
                requires_certification=cert,
                conditions=_strs(row.get("conditions"), f"{where}.conditions"),
                scope_note=_str(row, "scope_note", where, required=False),
                review=_str(row, "review", where, required=False),
                eea_incorporated_on=_date(
                    row.get("eea_incorporated_on"), f"{where}.eea_incorporated_on"
                ),
                advisories=_strs(row.get("advisories"), f"{where}.advisories"),
                sources=sources,
                verified=verified,
                verification_note=note,
                applies_to_general_processing=bool(row.get("applies_to_general_processing", True)),
                rejected_sources=rejected,
            )
        )
    return tuple(out)


def _parse_instruments(
    rows: Iterable[Mapping[str, Any]], table: Mapping[str, Source]
) -> dict[DocumentKind, Instrument]:
    out: dict[DocumentKind, Instrument] = {}
    for i, row in enumerate(rows):
        where = f"instruments[{i}]"
        try:
            kind = DocumentKind(str(row.get("kind") or row.get("id")))
        except ValueError:
            raise ReferenceDataError(f"{where}.kind: unknown kind {row.get('kind')!r}") from None
        where = f"instruments[{i}] ({kind.value})"
        if kind in out:
            raise ReferenceDataError(f"{where}: a second row for the same kind")
        regimes: dict[Regime, InstrumentRegime] = {}
        for code, spec in (row.get("regimes") or {}).items():
            w = f"{where}.regimes.{code}"
            only_with = spec.get("only_with")
            only = _kind(only_with, f"{w}.only_with") if only_with else None
            regimes[_regime(code, w)] = InstrumentRegime(
                usable_from=_date(spec.get("usable_from"), f"{w}.usable_from"),
                new_contracts_until=_date(
                    spec.get("new_contracts_until"), f"{w}.new_contracts_until"
                ),
                valid_until=_date(spec.get("valid_until"), f"{w}.valid_until"),
                only_with=only,
                note=_str(spec, "note", w, required=False),
                verified=bool(spec.get("verified", True)),
            )
        modules = row.get("scc_modules") or []
        if (
            not isinstance(modules, list)
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in modules)
            or not set(modules) <= SCC_MODULES
            or len(set(modules)) != len(modules)
        ):
            raise ReferenceDataError(
                f"{where}.scc_modules: expected a list of distinct module numbers 1-4, "
                f"got {modules!r}"
            )
        addendum_to = row.get("addendum_to")
        verified = bool(row.get("verified", False))
        note = _str(row, "verification_note", where, required=False)
        sources, rejected = cite(row, where, table, verified=verified, note=note)
        out[kind] = Instrument(
            kind=kind,
            reference=_str(row, "reference", where),
            current_version=_str(row, "current_version", where, required=False),
            regimes=regimes,
            sources=sources,
            verified=verified,
            verification_note=note,
            adopted_on=_date(row.get("adopted_on"), f"{where}.adopted_on"),
            scc_modules=frozenset(modules),
            addendum_to=_kind(addendum_to, f"{where}.addendum_to") if addendum_to else None,
            rejected_sources=rejected,
        )
    # A combination must name an instrument the data describes.
    for kind, inst in out.items():
        if inst.addendum_to is not None and (
            inst.addendum_to not in out or inst.addendum_to is kind
        ):
            raise ReferenceDataError(
                f"instruments ({kind.value}).addendum_to: {inst.addendum_to.value!r} has no "
                "instrument row of its own"
            )
        for regime, spec in inst.regimes.items():
            partner = spec.only_with
            if partner is None:
                continue
            if partner not in out or regime not in out[partner].regimes:
                raise ReferenceDataError(
                    f"instruments ({kind.value}).regimes.{regime.value}.only_with: "
                    f"{partner.value!r} has no {regime.value} row in the data"
                )
    return out


def _parse_recheck(value: Any, where: str, table: Mapping[str, Source]) -> EvidenceRecheck | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ReferenceDataError(f"{where}: expected an object")
    months = value.get("every_months")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 120:
        raise ReferenceDataError(
            f"{where}.every_months: expected a whole number of months from 1 to 120, got {months!r}"
        )
    basis = _str(value, "basis", where)
    if basis not in RECHECK_BASES:
        raise ReferenceDataError(
            f"{where}.basis: {basis!r} is not one of {sorted(RECHECK_BASES)} (say whether "
            "the period is the law's or an organisational default)"
        )
    sources, _ = cite(value, where, table, verified=None)
    if basis == "law" and not sources:
        raise ReferenceDataError(
            f"{where}.sources: a period the law sets needs at least one source"
        )
    return EvidenceRecheck(
        every_months=months,
        basis=basis,
        reasoning=_str(value, "reasoning", where),
        sources=sources,
    )


def _parse_mechanisms(
    rows: Iterable[Mapping[str, Any]],
    instruments: Mapping[DocumentKind, Instrument],
    table: Mapping[str, Source],
) -> dict[Mechanism, MechanismRule]:
    out: dict[Mechanism, MechanismRule] = {}
    owner: dict[DocumentKind, Mechanism] = {}
    for i, row in enumerate(rows):
        where = f"mechanisms[{i}]"
        try:
            mechanism = Mechanism(str(row.get("mechanism")))
        except ValueError:
            raise ReferenceDataError(
                f"{where}.mechanism: unknown mechanism {row.get('mechanism')!r}"
            ) from None
        where = f"mechanisms[{i}] ({mechanism.value})"
        if mechanism in out:
            raise ReferenceDataError(f"{where}: a second row for the same mechanism")
        kinds = tuple(
            _kind(k, f"{where}.document_kinds")
            for k in _strs(row.get("document_kinds"), f"{where}.document_kinds")
        )
        for kind in kinds:
            if kind in owner:
                raise ReferenceDataError(
                    f"{where}.document_kinds: {kind.value!r} already evidences "
                    f"{owner[kind].value!r}"
                )
            owner[kind] = mechanism
        verified = _bool(row, "verified", where, default=False)
        note = _str(row, "verification_note", where, required=False)
        sources, rejected = cite(row, where, table, verified=verified, note=note, required=True)
        described = [instruments[k] for k in kinds if k in instruments]
        given = row.get("regimes")
        specs: dict[Regime, MechanismRegime] = {}
        if described:
            # One source of truth: where an instrument can be used is its row's business.
            if given is not None:
                raise ReferenceDataError(
                    f"{where}.regimes: leave it out, the instrument rows of "
                    f"{', '.join(i.kind.value for i in described)} say where it applies"
                )
            for inst in described:
                for regime in inst.regimes:
                    specs.setdefault(regime, MechanismRegime())
        else:
            if not isinstance(given, Mapping) or not given:
                raise ReferenceDataError(
                    f"{where}.regimes: required (no instrument row describes this mechanism)"
                )
            for code, spec in given.items():
                w = f"{where}.regimes.{code}"
                if not isinstance(spec, Mapping):
                    raise ReferenceDataError(f"{w}: expected an object")
                specs[_regime(code, w)] = MechanismRegime(
                    reference=_str(spec, "reference", w, required=False),
                    label=_str(spec, "label", w, required=False),
                    note=_str(spec, "note", w, required=False),
                    verified=_bool(spec, "verified", w, default=True),
                    verification_note=_str(spec, "verification_note", w, required=False),
                )
        out[mechanism] = MechanismRule(
            mechanism=mechanism,
            document_kinds=kinds,
            needs_assessment=_bool(row, "needs_assessment", where),
            regimes=specs,
            evidence_recheck=_parse_recheck(
                row.get("evidence_recheck"), f"{where}.evidence_recheck", table
            ),
            sources=sources,
            verified=verified,
            verification_note=note,
            from_instruments=bool(described),
            rejected_sources=rejected,
            within_group_only=_bool(row, "within_group_only", where, default=False),
        )
    missing = [m.value for m in Mechanism if m not in out]
    if missing:
        raise ReferenceDataError(f"mechanisms: no row for {', '.join(missing)}")
    for kind, inst in instruments.items():
        if kind not in owner:
            raise ReferenceDataError(
                f"instruments ({kind.value}): no mechanism lists it in document_kinds"
            )
        if inst.addendum_to is not None and inst.addendum_to not in owner:
            raise ReferenceDataError(
                f"instruments ({kind.value}).addendum_to: no mechanism lists "
                f"{inst.addendum_to.value!r}"
            )
    return out


def _upgrade_format_1(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """A format-1 file as format 2: it predates the mechanism table and the combination,
    module and assessment fields, which describe the tools themselves rather than dated
    findings; they are taken from the built-in set. Everything the file states is kept."""
    new: dict[str, Any] = copy.deepcopy(dict(bundle))
    builtin = builtin_bundle()
    new["manifest"]["format"] = 2
    instruments = new["instruments"]
    if "mechanisms" not in instruments:
        # The built-in rows cite the built-in source table: bring the sources they cite.
        instruments["mechanisms"] = builtin["instruments"]["mechanisms"]
        cited = {
            i
            for row in instruments["mechanisms"]
            for i in [*row.get("sources", []), *row.get("rejected_sources", [])]
        }
        table = new.setdefault("sources", {}).setdefault("sources", [])
        have = {s.get("id") for s in table if isinstance(s, Mapping)}
        table.extend(
            s for s in builtin["sources"]["sources"] if s["id"] in cited and s["id"] not in have
        )
    rows = {r.get("kind"): r for r in builtin["instruments"]["instruments"]}
    for row in instruments.get("instruments") or []:
        known = rows.get(row.get("kind") or row.get("id"), {})
        for key in ("scc_modules", "addendum_to"):
            if key not in row and key in known:
                row[key] = known[key]
    regime_rows = {r.get("code"): r for r in builtin["regimes"]["regimes"]}
    for row in new["regimes"].get("regimes") or []:
        known = regime_rows.get(row.get("code"), {})
        for key in ("home_includes_eea", "module_four_assessment_only_if_combined"):
            if key not in row:
                row[key] = known.get(key, False)
    return new


def parse_bundle(bundle: Mapping[str, Any], origin: str = "built-in") -> ReferenceSet:
    """Validate a whole reference set; raise ReferenceDataError naming the row and field."""
    try:
        return _parse_bundle(bundle, origin)
    except ReferenceDataError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        # A section of the wrong shape (a list where an object belongs, a missing key...).
        raise ReferenceDataError(
            f"the file does not have the reference-data layout ({type(exc).__name__}: {exc}); "
            "see docs/reference-data.md"
        ) from None


def _parse_bundle(bundle: Mapping[str, Any], origin: str) -> ReferenceSet:
    if not isinstance(bundle, Mapping):
        raise ReferenceDataError("a reference file must hold one JSON object")
    manifest = bundle.get("manifest")
    fmt = manifest.get("format") if isinstance(manifest, Mapping) else None
    # The source table came with format 3; an older file has none (it is built on upgrading).
    needed = BUNDLE_KEYS if fmt == SUPPORTED_FORMAT else BUNDLE_KEYS[:-1]
    missing = [k for k in needed if k not in bundle]
    if missing:
        raise ReferenceDataError(f"reference file lacks section(s): {', '.join(missing)}")
    if isinstance(fmt, bool) or fmt not in READABLE_FORMATS:
        raise ReferenceDataError(
            f"manifest.format: this app reads formats 1 to {SUPPORTED_FORMAT}, the file is {fmt!r}"
        )
    if fmt == 1:
        bundle = _upgrade_format_1(bundle)
    if fmt in (1, 2):
        bundle = upgrade_format_2(bundle)
    manifest = bundle["manifest"]
    table = parse_source_table(bundle["sources"].get("sources"))
    orgs_rows = bundle["international_orgs"].get("international_orgs") or []
    orgs: dict[str, str] = {}
    org_sources: dict[str, tuple[Source, ...]] = {}
    for i, o in enumerate(orgs_rows):
        code = _str(o, "code", f"international_orgs[{i}]")
        where = f"international_orgs[{i}] ({code})"
        orgs[code] = _str(o, "name", where)
        org_sources[code], _ = cite(o, where, table, verified=None)
    eea = bundle["eea"]
    eea_verified = bool(eea.get("verified", False))
    eea_note = _str(eea, "verification_note", "eea", required=False)
    eea_sources, eea_rejected = cite(eea, "eea", table, verified=eea_verified, note=eea_note)
    eu = frozenset(c["code"] for c in eea.get("eu_members") or [])
    efta = {
        c["code"]: _date(c.get("gdpr_applies_from"), f"eea.efta_eea_members.{c['code']}")
        for c in eea.get("efta_eea_members") or []
    }
    if len(eu) < 1:
        raise ReferenceDataError("eea.eu_members: the list is empty")
    from transfers_app.domain.countries import is_known_code

    known = {c for c in [*eu, *efta] if is_known_code(c)}
    if len(known) != len(eu) + len(efta):
        bad = sorted(c for c in [*eu, *efta] if not is_known_code(c))
        raise ReferenceDataError(f"eea: unknown country codes {bad}")

    class _Known(set[str]):
        def __contains__(self, code: object) -> bool:
            return isinstance(code, str) and (code in orgs or is_known_code(code))

    changes = _parse_changelog(manifest.get("changelog") or [], table)
    instruments = _parse_instruments(bundle["instruments"].get("instruments") or [], table)
    return ReferenceSet(
        version=_str(manifest, "version", "manifest"),
        as_of=_req_date(manifest.get("as_of"), "manifest.as_of"),
        title=_str(manifest, "title", "manifest", required=False),
        source=_str(manifest, "source", "manifest", required=False),
        changelog=tuple((c.on, c.event) for c in changes),
        regimes=_parse_regimes(bundle["regimes"].get("regimes") or [], table),
        eu_members=eu,
        efta_eea_members=efta,
        outermost_regions=frozenset(eea.get("outermost_regions") or []),
        octs=frozenset(eea.get("octs") or []),
        decisions=_parse_decisions(bundle["decisions"].get("decisions") or [], _Known(), table),
        instruments=instruments,
        mechanisms=_parse_mechanisms(
            bundle["instruments"].get("mechanisms") or [], instruments, table
        ),
        international_orgs=orgs,
        sources=table,
        changes=changes,
        eea_facts=EeaFacts(eea_sources, eea_verified, eea_note, eea_rejected),
        international_org_sources=org_sources,
        origin=origin,
        raw=bundle,
    )


def _parse_changelog(
    entries: Iterable[Mapping[str, Any]], table: Mapping[str, Source]
) -> tuple[ChangeEvent, ...]:
    out: list[ChangeEvent] = []
    for i, e in enumerate(entries):
        where = f"manifest.changelog[{i}]"
        on = _req_date(e.get("date"), f"{where}.date")
        verified = _bool(e, "verified", where, default=True)
        note = _str(e, "verification_note", where, required=False)
        sources, rejected = cite(e, where, table, verified=verified, note=note)
        out.append(
            ChangeEvent(
                on=on,
                event=_str(e, "event", where),
                sources=sources,
                verified=verified,
                verification_note=note,
                rejected_sources=rejected,
            )
        )
    return tuple(out)


def builtin_bundle() -> dict[str, Any]:
    data = resources.files("transfers_app.reference") / "data"
    return {key: json.loads((data / f"{key}.json").read_text("utf-8")) for key in BUNDLE_KEYS}


@cache
def builtin_reference() -> ReferenceSet:
    return parse_bundle(builtin_bundle(), origin="built-in")


_NOT_A_BUNDLE = (
    "not a reference data file: reference data is the JSON file published for the app "
    "(UTF-8 text, see docs/reference-data.md)"
)


def read_bundle_file(path: Path) -> ReferenceSet:
    """A reference set from a file; any file that is not one (binary, another encoding, not
    JSON, JSON of another layout) is a ReferenceDataError naming the file, never a crash."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReferenceDataError(f"cannot read reference file {path}: {exc.strerror}") from None
    if b"\x00" in raw[:4096]:
        raise ReferenceDataError(f"{path.name}: {_NOT_A_BUNDLE}; this one is a binary file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(
            f"{path.name}: {_NOT_A_BUNDLE}; this one is not UTF-8 text "
            f"(byte 0x{raw[exc.start]:02x} at position {exc.start})"
        ) from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            f"{_NOT_A_BUNDLE}"
        ) from None
    except RecursionError:
        raise ReferenceDataError(f"{path.name}: {_NOT_A_BUNDLE}; nested too deeply") from None
    try:
        return parse_bundle(obj, origin=str(path))
    except ReferenceDataError as exc:
        raise ReferenceDataError(f"{path.name}: {exc}") from None


def load_reference(user_dir: Path | None = None) -> ReferenceSet:
    """The newest valid set: the built-in one, or a loaded bundle in ``user_dir`` if newer."""
    best = _newest(user_dir)
    # Destinations the newer data knows (an international organisation) become valid codes.
    register_international_orgs(best.international_orgs)
    return best


def _newest(user_dir: Path | None) -> ReferenceSet:
    best = builtin_reference()
    if user_dir is None or not user_dir.is_dir():
        return best
    for path in sorted(user_dir.glob("*.json")):
        try:
            candidate = read_bundle_file(path)
        except ReferenceDataError:
            continue  # a broken file never replaces working data; `reference load` reports it
        if candidate.freshness >= best.freshness:
            best = candidate
    return best
