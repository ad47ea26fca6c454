"""What the law requires for a transfer to a destination, per exporter regime, on a date.

Pure functions over the reference data (``ReferenceSet``); nothing here knows about storage.
The structure follows GDPR / UK GDPR Chapter V: a restricted transfer needs an adequacy finding
(Art 45 / UK Art 45A / Swiss Annex 1 DPO), else an appropriate safeguard (Art 46) with a
transfer assessment, else a derogation (Art 49).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import DocumentKind, Finding, Mechanism, Regime, Role
from transfers_app.domain.formatting import DOCUMENT_KIND_LABELS, with_dates
from transfers_app.reference.assessment_tests import load_assessment_tests
from transfers_app.reference.loader import Decision, MemoSlot, ReferenceSet

MODULE_NAMES = {
    1: "Module One (controller to controller)",
    2: "Module Two (controller to processor)",
    3: "Module Three (processor to processor)",
    4: "Module Four (processor to controller)",
}

CERT_LABEL = {
    "dpf_eu": "the EU-US Data Privacy Framework",
    "dpf_uk": "the UK Extension to the EU-US Data Privacy Framework",
    "dpf_swiss": "the Swiss-US Data Privacy Framework",
}


@lru_cache(maxsize=1024)
def assessment_name_on(regime: Regime, on: date, fallback: str) -> str:
    """What the transfer assessment is called under ``regime`` on ``on``: the name of the test
    in force that day (``reference/data/assessment_tests.json``; the UK "data protection test"
    only from 5 Feb 2026), else ``fallback`` (the regime row's ``assessment_name``)."""
    test = load_assessment_tests().for_regime(regime, on)
    return test.short_name if test is not None else fallback


def scc_module(exporter_role: Role, importer_role: Role) -> int:
    """SCC module from the roles (Decision (EU) 2021/914, section I; legal-facts 4.2)."""
    exporter_is_controller = exporter_role is Role.CONTROLLER
    importer_is_controller = importer_role is Role.CONTROLLER
    if exporter_is_controller:
        return 1 if importer_is_controller else 2
    return 4 if importer_is_controller else 3


class Certifications(NamedTuple):
    """Which Data Privacy Framework lists the importer is on (a NamedTuple: cheap to hash,
    as it is part of the cache key of every assessment)."""

    dpf_eu: bool = False
    dpf_uk_extension: bool = False
    dpf_swiss: bool = False

    def has(self, cert: str) -> bool:
        return {
            "dpf_eu": self.dpf_eu,
            # The UK Extension is an extension of the EU-US DPF: it requires both.
            "dpf_uk": self.dpf_eu and self.dpf_uk_extension,
            "dpf_swiss": self.dpf_swiss,
        }[cert]


NO_CERTS = Certifications()


@dataclass(frozen=True, slots=True)
class Safeguard:
    mechanism: Mechanism
    label: str
    reference: str
    scc_module: int | None = None
    needs_assessment: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class DestinationAssessment:
    regime: Regime
    destination: str
    on: date
    restricted: bool
    finding: Finding
    reason: str
    decision: Decision | None
    safeguards: tuple[Safeguard, ...]
    scc_module: int | None
    tia_required: bool
    assessment_name: str
    conditions: tuple[str, ...]
    advisories: tuple[str, ...]
    unverified: tuple[str, ...]
    regulator: str
    # The dates ``reason`` and ``advisories`` name (ISO in them, as the command line prints).
    dates: tuple[date, ...] = ()

    @property
    def needs_mechanism(self) -> bool:
        return self.finding in (Finding.NOT_ADEQUATE, Finding.ADEQUATE_IF)

    def words(self, text: str) -> str:
        """``reason`` or one of the ``advisories`` as the app shows it: its dates written by
        ``formatting.day``."""
        return with_dates(text, self.dates)


def _other_regime_decisions(
    ref: ReferenceSet, regime: Regime, destination: str, on: date
) -> list[str]:
    out = []
    for other in Regime:
        if other is regime:
            continue
        d = ref.decision_for(other, destination, on)
        if d is not None:
            out.append(f"{other.value}: {d.reference}")
    return out


def _available(ref: ReferenceSet, kind: DocumentKind, regime: Regime, on: date) -> bool:
    inst = ref.instruments.get(kind)
    if inst is None or regime not in inst.regimes:
        return False
    spec = inst.regimes[regime]
    if spec.usable_from is not None and on < spec.usable_from:
        return False
    if spec.new_contracts_until is not None and on > spec.new_contracts_until:
        return False
    return not (spec.valid_until is not None and on > spec.valid_until)


# How the list of usable safeguards words each tool an instrument row describes (words only:
# which tools are usable, their references, notes and modules come from the data). A note of
# None is the instrument row's note for the regime.
_WORDING: dict[Mechanism, tuple[str, str | None]] = {
    Mechanism.UK_IDTA: ("UK International Data Transfer Agreement (IDTA)", ""),
    Mechanism.UK_ADDENDUM: ("EU SCCs 2021, {module}, with the UK Addendum", ""),
    Mechanism.EU_SCC: ("EU SCCs 2021, {module}", None),
    Mechanism.LEGACY_SCC: ("Standard contractual clauses ({reference})", ""),
    Mechanism.BCR: (
        "Binding corporate rules (intra-group only)",
        "Only for an importer in the same group bound by approved BCRs.",
    ),
}


def _safeguards(
    ref: ReferenceSet, regime: Regime, module: int, on: date, importer_in_group: bool | None
) -> tuple[list[Safeguard], list[str]]:
    """The Art 46 tools (and Art 49 as last resort) usable for new contracts on ``on``, in
    the order of the data's mechanism table; a tool the data keeps to transfers inside a
    group (BCRs) only when the importer may be in the exporter's group (``None``: unknown)."""
    out: list[Safeguard] = []
    unverified: list[str] = []

    def ref_of(kind: DocumentKind) -> str:
        inst = ref.instruments[kind]
        spec = inst.regimes.get(regime)
        if spec is not None and not spec.verified:
            unverified.append(
                f"{inst.reference} ({regime.value}): {spec.note or inst.verification_note}"
            )
        return inst.reference

    partners = ref.partners_under(regime)
    for m, rule in ref.mechanisms.items():
        if m not in ref.mechanisms_under(regime) or m in partners:
            continue  # not a tool of this regime, or not one on its own (bare EU SCCs, UK)
        if rule.within_group_only and importer_in_group is False:
            continue  # BCRs bind the group's members, never a third party
        if not rule.from_instruments:
            spec = rule.regimes[regime]
            if not spec.label:
                continue  # adequacy and the DPF are findings, not safeguards to conclude
            if not spec.verified:
                unverified.append(spec.verification_note or f"{spec.label}: unverified")
            out.append(
                Safeguard(
                    m,
                    spec.label,
                    spec.reference,
                    needs_assessment=rule.needs_assessment,
                    note=spec.note,
                )
            )
            continue
        label, note = _WORDING.get(m, ("", ""))
        for kind in rule.document_kinds:
            inst = ref.instruments.get(kind)
            if inst is None or not _available(ref, kind, regime, on):
                continue
            amends = inst.addendum_to
            if amends is not None and not _available(ref, amends, regime, on):
                continue
            carrier = ref.instruments[amends] if amends is not None else inst
            if carrier.scc_modules and module not in carrier.scc_modules:
                continue  # the clauses do not provide the relationship of these parties
            reference = f"{ref_of(amends)} + {ref_of(kind)}" if amends is not None else ref_of(kind)
            out.append(
                Safeguard(
                    m,
                    label.format(module=MODULE_NAMES[module], reference=inst.reference)
                    if label
                    else DOCUMENT_KIND_LABELS[kind],
                    reference,
                    scc_module=module if carrier.scc_modules else None,
                    needs_assessment=rule.needs_assessment,
                    note=inst.regimes[regime].note if note is None else note,
                )
            )
    return out, unverified


_ASSESSMENTS: MemoSlot[
    tuple[Regime, str, date, Role, Role, Certifications, bool | None], DestinationAssessment
] = MemoSlot("assess_destination", maxsize=65536)


def assess_destination(
    ref: ReferenceSet,
    regime: Regime,
    destination: str,
    on: date,
    importer_role: Role = Role.PROCESSOR,
    exporter_role: Role = Role.CONTROLLER,
    certs: Certifications = NO_CERTS,
    importer_in_group: bool | None = None,
) -> DestinationAssessment:
    """The assessment for this regime, destination, date, roles and certifications.

    ``importer_in_group``: whether the importer belongs to the exporter's group (False for a
    supplier: tools the data keeps to transfers inside a group are not offered); None when
    it is not known.

    Memoised on the reference set (``ReferenceSet.memo``): a register has many transfers but
    few distinct combinations, and the results go when the set does.
    """
    memo = ref.memo(_ASSESSMENTS)
    key = (regime, destination, on, importer_role, exporter_role, certs, importer_in_group)
    found = memo.get(key)
    if found is None:
        found = memo.put(
            key,
            _assess(
                ref, regime, destination, on, importer_role, exporter_role, certs,
                importer_in_group,
            ),
        )  # fmt: skip
    return found


def _assess(
    ref: ReferenceSet,
    regime: Regime,
    destination: str,
    on: date,
    importer_role: Role = Role.PROCESSOR,
    exporter_role: Role = Role.CONTROLLER,
    certs: Certifications = NO_CERTS,
    importer_in_group: bool | None = None,
) -> DestinationAssessment:
    info = ref.regimes[regime]
    place = country_name(destination)
    module = scc_module(exporter_role, importer_role)
    regulator = info.regulator_on(on)
    unverified: list[str] = [] if info.verified else [f"{info.name}: regime data unverified"]
    assessment_name = assessment_name_on(regime, on, info.assessment_name)

    dates: list[date] = []  # the dates the advisories name

    def result(**kw: object) -> DestinationAssessment:
        base: dict[str, object] = dict(
            dates=tuple(dates),
            regime=regime,
            destination=destination,
            on=on,
            decision=None,
            safeguards=(),
            scc_module=None,
            tia_required=False,
            assessment_name=assessment_name,
            conditions=(),
            advisories=(),
            unverified=tuple(unverified),
            regulator=regulator,
        )
        base.update(kw)
        return DestinationAssessment(**base)  # type: ignore[arg-type]

    if on < info.coverage_from:
        return result(
            restricted=True,
            finding=Finding.UNKNOWN,
            reason=f"The reference data does not cover {regime.value} transfers on "
            f"{on.isoformat()} (it starts {info.coverage_from.isoformat()}). "
            f"{info.coverage_note}".strip(),
            dates=(on, info.coverage_from),
        )

    in_home = destination in info.home
    if info.home_includes_eea and destination in ref.eea:
        applies = ref.efta_eea_members.get(destination)
        in_home = applies is None or applies <= on
    if in_home:
        return result(
            restricted=False,
            finding=Finding.NOT_RESTRICTED,
            reason=f"{place} is inside the {info.name} area: not a restricted transfer; no "
            "transfer mechanism is needed.",
        )

    decision = ref.decision_for(regime, destination, on)
    conditions: list[str] = []
    advisories: list[str] = []
    if decision is not None:
        conditions.extend(decision.conditions)
        advisories.extend(decision.advisories)
        if not decision.verified:
            unverified.append(
                f"{decision.reference}: {decision.verification_note or 'not verified'}"
            )
        if decision.expires_on is not None:
            dates.append(decision.expires_on)
            advisories.append(
                f"{decision.reference} expires on {decision.expires_on.isoformat()} unless "
                "extended."
            )
    safeguards, sg_unverified = _safeguards(ref, regime, module, on, importer_in_group)
    if module == 4 and info.module_four_assessment_only_if_combined:
        conditions.append(
            "Module Four: SCC Clauses 14 and 15, and so the transfer impact assessment, apply "
            "only where you combine the personal data received from the controller with "
            "personal data you collected in the EU."
        )

    if decision is not None and decision.requires_certification:
        cert = decision.requires_certification
        recheck = ref.evidence_recheck(DocumentKind.DPF_CERTIFICATION)
        every = f"; re-check at least every {recheck.every_months} months" if recheck else ""
        if certs.has(cert):
            return result(
                restricted=True,
                finding=Finding.ADEQUATE_IF,
                decision=decision,
                reason=f"{place}: adequate for this importer as it is certified under "
                f"{CERT_LABEL[cert]} ({decision.reference}), while its listing is "
                "active.",
                safeguards=tuple(s for s in safeguards if s.mechanism is not Mechanism.DEROGATION),
                scc_module=module,
                conditions=(
                    *conditions,
                    "Confirm the importer is on the Data Privacy Framework List with active "
                    f"status and that the data are covered{every}.",
                ),
                advisories=(
                    *advisories,
                    "A fallback safeguard (listed) is recommended in case the certification "
                    "or the framework falls away.",
                ),
                unverified=tuple(unverified + sg_unverified),
            )
        unverified.extend(sg_unverified)
        return result(
            restricted=True,
            finding=Finding.NOT_ADEQUATE,
            decision=decision,
            reason=f"{place}: adequacy covers only recipients certified under "
            f"{CERT_LABEL[cert]} ({decision.reference}); this importer is not "
            "certified, so an appropriate safeguard and a transfer assessment are "
            "needed.",
            safeguards=tuple(safeguards),
            scc_module=module,
            tia_required=True,
            conditions=tuple(conditions),
            advisories=tuple(advisories),
            unverified=tuple(unverified),
        )

    if decision is not None and decision.scope == "partial":
        return result(
            restricted=True,
            finding=Finding.ADEQUATE_IF,
            decision=decision,
            reason=f"{place}: adequate only within the scope of {decision.reference}: "
            f"{decision.scope_note or '; '.join(decision.conditions)}",
            safeguards=tuple(s for s in safeguards if s.mechanism is not Mechanism.DEROGATION),
            scc_module=module,
            conditions=tuple(conditions),
            advisories=tuple(advisories),
            unverified=tuple(unverified + sg_unverified),
        )

    if decision is not None:
        return result(
            restricted=True,
            finding=Finding.ADEQUATE,
            decision=decision,
            reason=f"{place}: adequate for {info.name} transfers ({decision.reference}); no "
            "further safeguard or transfer assessment is needed.",
            conditions=tuple(conditions),
            advisories=tuple(advisories),
        )

    others = _other_regime_decisions(ref, regime, destination, on)
    extra = ""
    if others:
        extra = (
            f" Note: {place} is adequate under another regime ({'; '.join(others)}), "
            f"which does not help a {regime.value} exporter."
        )
    unverified.extend(sg_unverified)
    return result(
        restricted=True,
        finding=Finding.NOT_ADEQUATE,
        dates=(on, *dates),
        reason=f"{place}: no {info.name} adequacy finding in force on {on.isoformat()}; an "
        f"appropriate safeguard ({info.tools_basis or 'Art 46'}) and a "
        f"{assessment_name or 'transfer assessment'} are needed, or an Art 49 "
        f"derogation as a last resort.{extra}",
        safeguards=tuple(safeguards),
        scc_module=module,
        tia_required=True,
        conditions=tuple(conditions),
        advisories=tuple(advisories),
        unverified=tuple(unverified),
    )
