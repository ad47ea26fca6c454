"""Load and validate reference data sets (built in, or a newer bundle the user loaded)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from transfers_app.domain.countries import register_international_orgs
from transfers_app.domain.enums import DocumentKind, Regime
from transfers_app.errors import ReferenceDataError

BUNDLE_KEYS = ("manifest", "regimes", "eea", "decisions", "instruments", "international_orgs")
SUPPORTED_FORMAT = 1
SCOPES = frozenset({"full", "partial", "certified_recipients", "international_org"})
CERTIFICATIONS = frozenset({"dpf_eu", "dpf_uk", "dpf_swiss"})


@dataclass(frozen=True, slots=True)
class Regulator:
    name: str
    valid_from: date | None
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class RegimeInfo:
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
    source_urls: tuple[str, ...]
    verified: bool

    def regulator_on(self, on: date) -> str:
        for reg in self.regulators:
            if (reg.valid_from is None or reg.valid_from <= on) and (
                reg.valid_until is None or on <= reg.valid_until
            ):
                return reg.name
        return self.regulators[-1].name if self.regulators else ""


@dataclass(frozen=True, slots=True)
class Decision:
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
    source_urls: tuple[str, ...]
    verified: bool
    verification_note: str
    applies_to_general_processing: bool = True

    def in_force_on(self, on: date) -> bool:
        return self.in_force_from <= on and (self.expires_on is None or on <= self.expires_on)


@dataclass(frozen=True, slots=True)
class InstrumentRegime:
    usable_from: date | None = None
    new_contracts_until: date | None = None
    valid_until: date | None = None
    only_with: DocumentKind | None = None
    note: str = ""
    verified: bool = True


@dataclass(frozen=True, slots=True)
class Instrument:
    kind: DocumentKind
    reference: str
    current_version: str
    regimes: Mapping[Regime, InstrumentRegime]
    source_urls: tuple[str, ...]
    verified: bool
    verification_note: str
    adopted_on: date | None = None


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
    origin: str = "built-in"
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    _index: dict[tuple[Regime, str], tuple[Decision, ...]] = field(default_factory=dict, repr=False)
    _certified: frozenset[str] = field(default=frozenset(), repr=False)

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

    def __hash__(self) -> int:
        return id(self)

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

    def age_text(self, today: date) -> str:
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
        return (
            f"legal reference data {self.version} (as of {self.as_of.isoformat()}, {when}){stale}"
        )


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


def _regime(value: Any, where: str) -> Regime:
    try:
        return Regime(value)
    except ValueError:
        raise ReferenceDataError(f"{where}: unknown regime {value!r} (use EU, UK or CH)") from None


def _parse_regimes(rows: Iterable[Mapping[str, Any]]) -> dict[Regime, RegimeInfo]:
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
            source_urls=_strs(row.get("source_urls"), f"{where}.source_urls"),
            verified=bool(row.get("verified", False)),
        )
    missing = set(Regime) - set(out)
    if missing:
        raise ReferenceDataError(f"regimes: missing {', '.join(sorted(missing))}")
    return out


def _parse_decisions(rows: Iterable[Mapping[str, Any]], known: set[str]) -> tuple[Decision, ...]:
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
        sources = _strs(row.get("source_urls"), f"{where}.source_urls")
        if not sources:
            raise ReferenceDataError(f"{where}.source_urls: at least one source is required")
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
                source_urls=sources,
                verified=bool(row.get("verified", False)),
                verification_note=_str(row, "verification_note", where, required=False),
                applies_to_general_processing=bool(row.get("applies_to_general_processing", True)),
            )
        )
    return tuple(out)


def _parse_instruments(rows: Iterable[Mapping[str, Any]]) -> dict[DocumentKind, Instrument]:
    out: dict[DocumentKind, Instrument] = {}
    for i, row in enumerate(rows):
        where = f"instruments[{i}]"
        try:
            kind = DocumentKind(str(row.get("kind") or row.get("id")))
        except ValueError:
            raise ReferenceDataError(f"{where}.kind: unknown kind {row.get('kind')!r}") from None
        regimes: dict[Regime, InstrumentRegime] = {}
        for code, spec in (row.get("regimes") or {}).items():
            w = f"{where}.regimes.{code}"
            only_with = spec.get("only_with")
            try:
                only = DocumentKind(only_with) if only_with else None
            except ValueError:
                raise ReferenceDataError(f"{w}.only_with: unknown kind {only_with!r}") from None
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
        out[kind] = Instrument(
            kind=kind,
            reference=_str(row, "reference", where),
            current_version=_str(row, "current_version", where, required=False),
            regimes=regimes,
            source_urls=_strs(row.get("source_urls"), f"{where}.source_urls"),
            verified=bool(row.get("verified", False)),
            verification_note=_str(row, "verification_note", where, required=False),
            adopted_on=_date(row.get("adopted_on"), f"{where}.adopted_on"),
        )
    return out


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
    missing = [k for k in BUNDLE_KEYS if k not in bundle]
    if missing:
        raise ReferenceDataError(f"reference file lacks section(s): {', '.join(missing)}")
    manifest = bundle["manifest"]
    fmt = manifest.get("format")
    if fmt != SUPPORTED_FORMAT:
        raise ReferenceDataError(
            f"manifest.format: this app reads format {SUPPORTED_FORMAT}, the file is {fmt!r}"
        )
    orgs_rows = bundle["international_orgs"].get("international_orgs") or []
    orgs = {
        _str(o, "code", "international_orgs"): _str(o, "name", "international_orgs")
        for o in orgs_rows
    }
    eea = bundle["eea"]
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

    changelog = tuple(
        (_req_date(e.get("date"), f"manifest.changelog[{i}].date"), str(e.get("event", "")))
        for i, e in enumerate(manifest.get("changelog") or [])
    )
    return ReferenceSet(
        version=_str(manifest, "version", "manifest"),
        as_of=_req_date(manifest.get("as_of"), "manifest.as_of"),
        title=_str(manifest, "title", "manifest", required=False),
        source=_str(manifest, "source", "manifest", required=False),
        changelog=changelog,
        regimes=_parse_regimes(bundle["regimes"].get("regimes") or []),
        eu_members=eu,
        efta_eea_members=efta,
        outermost_regions=frozenset(eea.get("outermost_regions") or []),
        octs=frozenset(eea.get("octs") or []),
        decisions=_parse_decisions(bundle["decisions"].get("decisions") or [], _Known()),
        instruments=_parse_instruments(bundle["instruments"].get("instruments") or []),
        international_orgs=orgs,
        origin=origin,
        raw=bundle,
    )


def builtin_bundle() -> dict[str, Any]:
    data = resources.files("transfers_app.reference") / "data"
    return {key: json.loads((data / f"{key}.json").read_text("utf-8")) for key in BUNDLE_KEYS}


@cache
def builtin_reference() -> ReferenceSet:
    return parse_bundle(builtin_bundle(), origin="built-in")


def read_bundle_file(path: Path) -> ReferenceSet:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ReferenceDataError(f"cannot read reference file {path}: {exc.strerror}") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
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
        if candidate.as_of >= best.as_of:
            best = candidate
    return best
