"""Gap detection (transfers_app.rules.gaps.evaluate_transfer) as a table of register scenarios.

Each scenario is a small register (exporter, importer, documents, TIAs, one transfer) built from
the domain dataclasses, evaluated on a date. Expected outcomes follow
/work/shared/reference/legal-facts.md (sections 2-4 and 8).

Longer than 800 lines on purpose: one table of scenarios reads best in one file, each scenario
beside the legal fact it checks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypedDict

import pytest
from _pytest.mark import ParameterSet

from transfers_app.domain import enums
from transfers_app.domain.models import Document, Entity, MechanismUse, Tia, Transfer
from transfers_app.reference.loader import builtin_reference
from transfers_app.rules.gaps import GapCode, TransferContext, TransferStatus, evaluate_transfer
from transfers_app.services.tia_analysis import regime_tools

EU, UK, CH = enums.Regime.EU, enums.Regime.UK, enums.Regime.CH
C, P = enums.Role.CONTROLLER, enums.Role.PROCESSOR
G = GapCode
CRIT, HIGH, MED, LOW = (
    enums.Severity.CRITICAL,
    enums.Severity.HIGH,
    enums.Severity.MEDIUM,
    enums.Severity.LOW,
)
TODAY = date(2026, 11, 25)

EXPORTER_ID, IMPORTER_ID, TRANSFER_ID = 1, 2, 10


# ---------------------------------------------------------------------------------------------
# Register building blocks
# ---------------------------------------------------------------------------------------------


def doc(kind: enums.DocumentKind, doc_id: int, title: str = "", **kw: object) -> Document:
    return Document(
        kind=kind,
        title=title or f"{kind.value} #{doc_id}",
        id=doc_id,
        party_ids=(EXPORTER_ID, IMPORTER_ID),
        **kw,  # type: ignore[arg-type]
    )


SIGNED = date(2023, 1, 10)
SCC_M1 = doc(enums.DocumentKind.EU_SCC_2021, 101, "SCCs Module 1", scc_module=1, signed_on=SIGNED)
SCC_M2 = doc(enums.DocumentKind.EU_SCC_2021, 102, "SCCs Module 2", scc_module=2, signed_on=SIGNED)
SCC_M4 = doc(enums.DocumentKind.EU_SCC_2021, 104, "SCCs Module 4", scc_module=4, signed_on=SIGNED)
SCC_M2_EXPIRED = doc(
    enums.DocumentKind.EU_SCC_2021,
    105,
    "Old DPA SCCs",
    scc_module=2,
    signed_on=SIGNED,
    expires_on=date(2025, 12, 31),
)
SCC_M2_FUTURE = doc(
    enums.DocumentKind.EU_SCC_2021,
    106,
    "Next year's SCCs",
    scc_module=2,
    signed_on=date(2026, 11, 1),
    effective_on=date(2027, 1, 1),
)
SCC_M2_REVIEW_DUE = doc(
    enums.DocumentKind.EU_SCC_2021,
    107,
    "SCCs due for review",
    scc_module=2,
    signed_on=SIGNED,
    next_review_on=date(2026, 6, 1),
)
SCC_M2_UNSIGNED = doc(enums.DocumentKind.EU_SCC_2021, 108, "Unsigned SCCs", scc_module=2)
SCC_M2_SUPERSEDED = doc(
    enums.DocumentKind.EU_SCC_2021,
    109,
    "SCCs v1",
    scc_module=2,
    signed_on=SIGNED,
    status=enums.DocumentStatus.SUPERSEDED,
)
ADDENDUM = doc(enums.DocumentKind.UK_ADDENDUM, 111, "UK Addendum", signed_on=SIGNED)
IDTA = doc(enums.DocumentKind.UK_IDTA, 112, "IDTA", signed_on=SIGNED)
BCR = doc(enums.DocumentKind.BCR, 113, "Group BCRs", signed_on=SIGNED)
LEGACY_2010 = doc(enums.DocumentKind.LEGACY_SCC_2010, 121, "2010 SCCs", signed_on=date(2019, 5, 1))
LEGACY_2010_EU_LATE = doc(
    enums.DocumentKind.LEGACY_SCC_2010,
    122,
    "2010 SCCs signed late (EU)",
    signed_on=date(2021, 9, 27),
)
LEGACY_2010_UK_LAST = doc(
    enums.DocumentKind.LEGACY_SCC_2010,
    123,
    "2010 SCCs signed on last day",
    signed_on=date(2022, 9, 21),
)
LEGACY_2010_UK_LATE = doc(
    enums.DocumentKind.LEGACY_SCC_2010,
    124,
    "2010 SCCs signed late (UK)",
    signed_on=date(2022, 9, 22),
)
DEROG_BARE = doc(
    enums.DocumentKind.ART49_DEROGATION, 131, "Derogation (no letter)", signed_on=SIGNED
)
DEROG_OK = doc(
    enums.DocumentKind.ART49_DEROGATION,
    132,
    "Derogation 49(1)(b)",
    signed_on=SIGNED,
    derogation=enums.Derogation.B,
    justification="Occasional booking for the traveller.",
)


def dpf(
    doc_id: int, checked: date, *, eu: bool = False, uk: bool = False, swiss: bool = False
) -> Document:
    return doc(
        enums.DocumentKind.DPF_CERTIFICATION,
        doc_id,
        "DPF List entry",
        dpf_eu=eu,
        dpf_uk_extension=uk,
        dpf_swiss=swiss,
        checked_on=checked,
    )


def tia(
    status: enums.TiaStatus = enums.TiaStatus.APPROVED,
    approved: date | None = date(2021, 6, 1),
    review: date | None = date(2027, 6, 1),
    tia_id: int = 1,
) -> Tia:
    return Tia(
        transfer_id=TRANSFER_ID,
        id=tia_id,
        status=status,
        approved_on=approved if status is enums.TiaStatus.APPROVED else None,
        next_review_on=review,
    )


TIA_OK = tia()
TIA_DRAFT = tia(enums.TiaStatus.DRAFT, approved=None, review=None)
TIA_OVERDUE = tia(review=date(2026, 6, 1))


@dataclass(frozen=True)
class Reg:
    """One transfer on a small register."""

    dest: str
    regimes: tuple[enums.Regime, ...]
    mechanisms: tuple[enums.Mechanism | tuple[enums.Mechanism, int], ...] = ()
    docs: tuple[Document, ...] = ()
    tias: tuple[Tia, ...] = ()
    exporter_role: enums.Role = C
    importer_role: enums.Role = P
    importer_kind: enums.EntityKind = enums.EntityKind.VENDOR

    def context(self) -> TransferContext:
        uses = tuple(
            MechanismUse(m[0], m[1]) if isinstance(m, tuple) else MechanismUse(m)
            for m in self.mechanisms
        )
        exporter = Entity(
            "Acme Ltd", enums.EntityKind.GROUP, id=EXPORTER_ID, exporter_regimes=self.regimes
        )
        importer = Entity("Vendor Inc", self.importer_kind, id=IMPORTER_ID)
        transfer = Transfer(
            exporter_id=EXPORTER_ID,
            importer_id=IMPORTER_ID,
            destination=self.dest,
            access=enums.Access.STORAGE,
            importer_role=self.importer_role,
            id=TRANSFER_ID,
            exporter_role=self.exporter_role,
            mechanisms=uses,
        )
        current = [
            d
            for d in self.docs
            if d.status is enums.DocumentStatus.CURRENT and d.archived_at is None
        ]
        return TransferContext(
            transfer=transfer,
            exporter=exporter,
            importer=importer,
            regimes=self.regimes,
            exporter_role=self.exporter_role,
            documents={d.id: d for d in self.docs if d.id is not None},
            importer_documents=current,
            tias=self.tias,
        )


def evaluate(reg: Reg, on: date) -> TransferStatus:
    return evaluate_transfer(builtin_reference(), reg.context(), on)


@dataclass(frozen=True)
class Want:
    covered: dict[enums.Regime, enums.Mechanism | None]
    gaps: tuple[tuple[enums.Regime, GapCode, enums.Severity], ...] = ()
    message_has: dict[GapCode, str] = field(default_factory=dict)


def case(reg: Reg, on: date, want: Want, id: str) -> ParameterSet:
    return pytest.param(reg, on, want, id=id)


M = enums.Mechanism
SCC2 = (M.EU_SCC,)


class _Where(TypedDict):
    dest: str
    regimes: tuple[enums.Regime, ...]


IN_EU: _Where = {"dest": "IN", "regimes": (EU,)}
IN_UK: _Where = {"dest": "IN", "regimes": (UK,)}

SCENARIOS = [
    # --- fully compliant ---------------------------------------------------------------------
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: M.EU_SCC}),
        id="compliant: EU->IN SCC Module 2 + approved TIA",
    ),
    case(
        Reg(dest="IN", regimes=(UK,), mechanisms=(M.UK_IDTA,), docs=(IDTA,), tias=(TIA_OK,)),
        TODAY,
        Want({UK: M.UK_IDTA}),
        id="compliant: UK->IN IDTA + TRA",
    ),
    case(
        Reg(
            dest="IN",
            regimes=(EU, UK),
            mechanisms=(M.EU_SCC, M.UK_ADDENDUM),
            docs=(SCC_M2, ADDENDUM),
            tias=(TIA_OK,),
        ),
        TODAY,
        Want({EU: M.EU_SCC, UK: M.UK_ADDENDUM}),
        id="compliant: EU+UK exporter, EU SCCs + UK Addendum",
    ),
    case(
        Reg(
            dest="US",
            regimes=(EU,),
            mechanisms=(M.DPF,),
            docs=(dpf(141, date(2026, 1, 1), eu=True),),
        ),
        TODAY,
        Want({EU: M.DPF}),
        id="compliant: EU->US DPF, no TIA needed",
    ),
    case(
        Reg(
            dest="US",
            regimes=(UK,),
            mechanisms=(M.DPF,),
            docs=(dpf(142, date(2026, 1, 1), eu=True, uk=True),),
        ),
        TODAY,
        Want({UK: M.DPF}),
        id="compliant: UK->US DPF with UK Extension",
    ),
    case(
        Reg(
            dest="US",
            regimes=(CH,),
            mechanisms=(M.DPF,),
            docs=(dpf(143, date(2026, 1, 1), swiss=True),),
        ),
        TODAY,
        Want({CH: M.DPF}),
        id="compliant: CH->US Swiss-US DPF",
    ),
    case(
        Reg(**IN_EU, mechanisms=(M.DEROGATION,), docs=(DEROG_OK,)),
        TODAY,
        Want({EU: M.DEROGATION}),
        id="compliant: documented Art 49(1)(b), no TIA",
    ),
    case(
        Reg(
            **IN_EU,
            mechanisms=(M.BCR,),
            docs=(BCR,),
            tias=(TIA_OK,),
            importer_kind=enums.EntityKind.GROUP,
        ),
        TODAY,
        Want({EU: M.BCR}),
        id="compliant: BCRs to a group entity",
    ),
    case(
        Reg(dest="DE", regimes=(EU,)), TODAY, Want({EU: None}), id="compliant: EU->DE needs nothing"
    ),
    case(
        Reg(dest="CH", regimes=(EU,)),
        TODAY,
        Want({EU: M.ADEQUACY}),
        id="compliant: EU->CH adequacy",
    ),
    case(
        Reg(dest="JP", regimes=(EU,), mechanisms=(M.ADEQUACY,)),
        TODAY,
        Want({EU: M.ADEQUACY}),
        id="compliant: EU->JP partial adequacy, scope confirmed",
    ),
    case(
        Reg(dest="GB", regimes=(EU,), mechanisms=(M.ADEQUACY,)),
        date(2024, 1, 1),
        Want({EU: M.ADEQUACY}),
        id="compliant: EU->GB 2024 under 2021/1772",
    ),
    case(
        Reg(dest="GB", regimes=(EU,), mechanisms=(M.ADEQUACY,)),
        date(2032, 1, 1),
        Want({EU: None}, ((EU, G.WRONG_MECHANISM, CRIT),)),
        id="WRONG_MECHANISM: EU->GB adequacy after 2031-12-27 expiry",
    ),
    # --- an adequacy finding the reference data marks unverified (Swiss Annex 1 tail) -------
    case(
        Reg(dest="MC", regimes=(CH,), mechanisms=(M.ADEQUACY,)),
        TODAY,
        Want({CH: M.ADEQUACY}, ((CH, G.UNVERIFIED_FACT, LOW),), {G.UNVERIFIED_FACT: "unverified"}),
        id="UNVERIFIED_FACT: CH->MC adequacy from the unverified Annex 1 tail",
    ),
    # --- Module Four (Clauses 14/15 only where EU processor combines data) -------------------
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M4,), exporter_role=P, importer_role=C),
        TODAY,
        Want({EU: M.EU_SCC}, ((EU, G.TIA_MISSING, LOW),), {G.TIA_MISSING: "Module Four"}),
        id="Module Four P->C under EU: TIA only if data are combined (low)",
    ),
    case(
        Reg(
            **IN_UK,
            mechanisms=(M.UK_ADDENDUM,),
            docs=(SCC_M4, ADDENDUM),
            exporter_role=P,
            importer_role=C,
        ),
        TODAY,
        Want({UK: M.UK_ADDENDUM}, ((UK, G.TIA_MISSING, HIGH),)),
        id="Module Four P->C under UK: TRA still needed",
    ),
    # --- NO_SAFEGUARD ------------------------------------------------------------------------
    case(
        Reg(**IN_EU),
        TODAY,
        Want({EU: None}, ((EU, G.NO_SAFEGUARD, CRIT),)),
        id="NO_SAFEGUARD: EU->IN nothing listed",
    ),
    case(
        Reg(dest="EPO", regimes=(UK,)),
        TODAY,
        Want({UK: None}, ((UK, G.NO_SAFEGUARD, CRIT),)),
        id="NO_SAFEGUARD: UK->EPO nothing listed",
    ),
    case(
        Reg(dest="GB", regimes=(EU,)),
        date(2032, 1, 1),
        Want({EU: None}, ((EU, G.NO_SAFEGUARD, CRIT),)),
        id="NO_SAFEGUARD: EU->GB after 2031-12-27 expiry",
    ),
    case(
        Reg(dest="US", regimes=(EU,)),
        TODAY,
        Want({EU: None}, ((EU, G.NO_SAFEGUARD, CRIT),)),
        id="NO_SAFEGUARD: EU->US uncertified importer",
    ),
    # --- WRONG_MECHANISM ---------------------------------------------------------------------
    case(
        Reg(dest="BR", regimes=(UK,), mechanisms=(M.ADEQUACY,)),
        TODAY,
        Want({UK: None}, ((UK, G.WRONG_MECHANISM, CRIT),), {G.WRONG_MECHANISM: "adequacy"}),
        id="WRONG_MECHANISM: UK->BR relies on adequacy",
    ),
    case(
        Reg(dest="BR", regimes=(EU, UK), mechanisms=(M.ADEQUACY,)),
        TODAY,
        Want({EU: M.ADEQUACY, UK: None}, ((UK, G.WRONG_MECHANISM, CRIT),)),
        id="WRONG_MECHANISM: EU+UK->BR adequacy fine for EU only",
    ),
    case(
        Reg(dest="BR", regimes=(EU,), mechanisms=(M.ADEQUACY,)),
        date(2026, 1, 25),
        Want({EU: None}, ((EU, G.WRONG_MECHANISM, CRIT),)),
        id="WRONG_MECHANISM: EU->BR adequacy the day before the decision",
    ),
    case(
        Reg(
            dest="US",
            regimes=(UK,),
            mechanisms=(M.DPF,),
            docs=(dpf(144, date(2026, 6, 1), eu=True),),
        ),
        TODAY,
        Want({UK: None}, ((UK, G.WRONG_MECHANISM, CRIT),), {G.WRONG_MECHANISM: "UK Extension"}),
        id="WRONG_MECHANISM: UK->US DPF without UK Extension",
    ),
    case(
        Reg(**IN_EU, mechanisms=(M.DPF,)),
        TODAY,
        Want({EU: None}, ((EU, G.WRONG_MECHANISM, CRIT),)),
        id="WRONG_MECHANISM: DPF for India",
    ),
    case(
        Reg(**IN_EU, mechanisms=(M.BCR,), docs=(BCR,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: None}, ((EU, G.WRONG_MECHANISM, CRIT),), {G.WRONG_MECHANISM: "group"}),
        id="WRONG_MECHANISM: BCRs to a third-party vendor",
    ),
    case(
        Reg(**IN_EU, mechanisms=((M.EU_SCC, 112),), docs=(IDTA,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: None}, ((EU, G.WRONG_MECHANISM, CRIT),)),
        id="WRONG_MECHANISM: EU SCCs linked to an IDTA document",
    ),
    # --- WRONG_MODULE ------------------------------------------------------------------------
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M1,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: None}, ((EU, G.WRONG_MODULE, CRIT),), {G.WRONG_MODULE: "Module 2"}),
        id="WRONG_MODULE: Module 1 SCCs for controller->processor",
    ),
    case(
        Reg(**IN_UK, mechanisms=(M.UK_ADDENDUM,), docs=(SCC_M1, ADDENDUM), tias=(TIA_OK,)),
        TODAY,
        Want({UK: None}, ((UK, G.WRONG_MODULE, CRIT),)),
        id="WRONG_MODULE: Addendum on Module 1 SCCs for C->P",
    ),
    # --- UK_BARE_EU_SCC ----------------------------------------------------------------------
    case(
        Reg(**IN_UK, mechanisms=SCC2, docs=(SCC_M2,), tias=(TIA_OK,)),
        TODAY,
        Want({UK: None}, ((UK, G.UK_BARE_EU_SCC, CRIT),)),
        id="UK_BARE_EU_SCC: UK regime, only EU SCCs listed",
    ),
    case(
        Reg(dest="IN", regimes=(EU, UK), mechanisms=SCC2, docs=(SCC_M2,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: M.EU_SCC, UK: None}, ((UK, G.UK_BARE_EU_SCC, CRIT),)),
        id="UK_BARE_EU_SCC: EU+UK exporter, EU side fine",
    ),
    # --- LEGACY_SCC_EXPIRED ------------------------------------------------------------------
    case(
        Reg(**IN_EU, mechanisms=(M.LEGACY_SCC,), docs=(LEGACY_2010,), tias=(TIA_OK,)),
        date(2022, 12, 27),
        Want({EU: M.LEGACY_SCC}),
        id="legacy 2010 SCCs (2019) EU valid 2022-12-27",
    ),
    case(
        Reg(**IN_EU, mechanisms=(M.LEGACY_SCC,), docs=(LEGACY_2010,), tias=(TIA_OK,)),
        date(2022, 12, 28),
        Want({EU: None}, ((EU, G.LEGACY_SCC_EXPIRED, CRIT),)),
        id="LEGACY_SCC_EXPIRED: EU 2022-12-28",
    ),
    case(
        Reg(**IN_UK, mechanisms=(M.LEGACY_SCC,), docs=(LEGACY_2010,), tias=(TIA_OK,)),
        date(2024, 3, 21),
        Want({UK: M.LEGACY_SCC}),
        id="legacy 2010 SCCs (2019) UK valid 2024-03-21",
    ),
    case(
        Reg(**IN_UK, mechanisms=(M.LEGACY_SCC,), docs=(LEGACY_2010,), tias=(TIA_OK,)),
        date(2024, 3, 22),
        Want({UK: None}, ((UK, G.LEGACY_SCC_EXPIRED, CRIT),)),
        id="LEGACY_SCC_EXPIRED: UK 2024-03-22",
    ),
    case(
        Reg(
            dest="IN",
            regimes=(EU, UK),
            mechanisms=(M.LEGACY_SCC,),
            docs=(LEGACY_2010,),
            tias=(TIA_OK,),
        ),
        date(2023, 6, 1),
        Want({EU: None, UK: M.LEGACY_SCC}, ((EU, G.LEGACY_SCC_EXPIRED, CRIT),)),
        id="LEGACY_SCC_EXPIRED: 2023 EU expired, UK still valid",
    ),
    # --- LEGACY_SCC_TOO_LATE -----------------------------------------------------------------
    case(
        Reg(**IN_UK, mechanisms=(M.LEGACY_SCC,), docs=(LEGACY_2010_UK_LATE,), tias=(TIA_OK,)),
        date(2023, 1, 1),
        Want({UK: None}, ((UK, G.LEGACY_SCC_TOO_LATE, CRIT),)),
        id="LEGACY_SCC_TOO_LATE: UK signed 2022-09-22",
    ),
    case(
        Reg(**IN_UK, mechanisms=(M.LEGACY_SCC,), docs=(LEGACY_2010_UK_LAST,), tias=(TIA_OK,)),
        date(2023, 1, 1),
        Want({UK: M.LEGACY_SCC}),
        id="UK legacy signed 2022-09-21 still fine",
    ),
    case(
        Reg(**IN_EU, mechanisms=(M.LEGACY_SCC,), docs=(LEGACY_2010_EU_LATE,), tias=(TIA_OK,)),
        date(2022, 1, 1),
        Want({EU: None}, ((EU, G.LEGACY_SCC_TOO_LATE, CRIT),)),
        id="LEGACY_SCC_TOO_LATE: EU signed 2021-09-27",
    ),
    # --- document dates ----------------------------------------------------------------------
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2_EXPIRED,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: None}, ((EU, G.DOCUMENT_EXPIRED, CRIT),)),
        id="DOCUMENT_EXPIRED: SCCs expired 2025-12-31",
    ),
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2_FUTURE,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: None}, ((EU, G.DOCUMENT_NOT_YET_EFFECTIVE, CRIT),)),
        id="DOCUMENT_NOT_YET_EFFECTIVE: SCCs effective 2027",
    ),
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2_UNSIGNED,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: None}, ((EU, G.MISSING_DOCUMENT, CRIT),)),
        id="MISSING_DOCUMENT: SCCs never signed",
    ),
    case(
        Reg(**IN_EU, mechanisms=SCC2, tias=(TIA_OK,)),
        TODAY,
        Want({EU: None}, ((EU, G.MISSING_DOCUMENT, CRIT),)),
        id="MISSING_DOCUMENT: no SCCs on the register",
    ),
    case(
        Reg(**IN_EU, mechanisms=((M.EU_SCC, 109),), docs=(SCC_M2_SUPERSEDED,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: None}, ((EU, G.DOCUMENT_SUPERSEDED, CRIT),)),
        id="DOCUMENT_SUPERSEDED: linked to a superseded version",
    ),
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2_REVIEW_DUE,), tias=(TIA_OK,)),
        TODAY,
        Want({EU: M.EU_SCC}, ((EU, G.REVIEW_OVERDUE, MED),)),
        id="REVIEW_OVERDUE: SCC review was due 2026-06-01",
    ),
    # --- DPF evidence freshness --------------------------------------------------------------
    case(
        Reg(
            dest="US",
            regimes=(EU,),
            mechanisms=(M.DPF,),
            docs=(dpf(145, date(2025, 10, 25), eu=True),),
        ),
        TODAY,
        Want({EU: M.DPF}, ((EU, G.DPF_NOT_RECHECKED, MED),)),
        id="DPF_NOT_RECHECKED: checked 13 months before",
    ),
    case(
        Reg(
            dest="US",
            regimes=(EU,),
            mechanisms=(M.DPF,),
            docs=(dpf(146, date(2025, 11, 25), eu=True),),
        ),
        TODAY,
        Want({EU: M.DPF}),
        id="DPF checked exactly 12 months before: fine",
    ),
    case(
        Reg(
            dest="US",
            regimes=(EU,),
            mechanisms=(M.DPF,),
            docs=(dpf(147, date(2025, 12, 25), eu=True),),
        ),
        TODAY,
        Want({EU: M.DPF}),
        id="DPF checked 11 months before: fine",
    ),
    # --- derogations -------------------------------------------------------------------------
    case(
        Reg(**IN_EU, mechanisms=(M.DEROGATION,), docs=(DEROG_BARE,)),
        TODAY,
        Want({EU: None}, ((EU, G.DEROGATION_UNDOCUMENTED, CRIT),)),
        id="DEROGATION_UNDOCUMENTED: no letter, no justification",
    ),
    # --- TIAs --------------------------------------------------------------------------------
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2,), tias=(TIA_DRAFT,)),
        TODAY,
        Want({EU: M.EU_SCC}, ((EU, G.TIA_MISSING, HIGH),), {G.TIA_MISSING: "draft"}),
        id="TIA_MISSING: SCCs with only a draft TIA",
    ),
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2,)),
        TODAY,
        Want({EU: M.EU_SCC}, ((EU, G.TIA_MISSING, HIGH),)),
        id="TIA_MISSING: SCCs with no TIA",
    ),
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2,), tias=(TIA_OVERDUE,)),
        TODAY,
        Want({EU: M.EU_SCC}, ((EU, G.TIA_OVERDUE, MED),)),
        id="TIA_OVERDUE: review due 2026-06-01",
    ),
    case(
        Reg(
            **IN_EU,
            mechanisms=SCC2,
            docs=(SCC_M2,),
            tias=(TIA_OVERDUE, tia(approved=date(2026, 7, 1), tia_id=2)),
        ),
        TODAY,
        Want({EU: M.EU_SCC}),
        id="newest approved TIA counts",
    ),
    case(
        Reg(dest="US", regimes=(EU,), mechanisms=(M.EU_SCC,), docs=(SCC_M2,)),
        TODAY,
        Want({EU: M.EU_SCC}, ((EU, G.TIA_MISSING, HIGH),)),
        id="TIA_MISSING: EU->US on SCCs, uncertified importer",
    ),
    # --- primary invalid, fallback covers (severities capped at medium) ----------------------
    case(
        Reg(
            **IN_EU, mechanisms=(M.LEGACY_SCC, M.EU_SCC), docs=(LEGACY_2010, SCC_M2), tias=(TIA_OK,)
        ),
        TODAY,
        Want({EU: M.EU_SCC}, ((EU, G.LEGACY_SCC_EXPIRED, MED), (EU, G.PRIMARY_INVALID, MED))),
        id="PRIMARY_INVALID: expired legacy SCCs, fallback EU SCCs",
    ),
    case(
        Reg(
            **IN_EU,
            mechanisms=((M.EU_SCC, 105), M.DEROGATION),
            docs=(SCC_M2_EXPIRED, DEROG_OK),
            tias=(TIA_OK,),
        ),
        TODAY,
        Want({EU: M.DEROGATION}, ((EU, G.DOCUMENT_EXPIRED, MED), (EU, G.PRIMARY_INVALID, MED))),
        id="PRIMARY_INVALID: expired SCCs, fallback derogation",
    ),
    case(
        Reg(
            dest="US",
            regimes=(UK,),
            mechanisms=(M.DPF, M.UK_IDTA),
            docs=(dpf(148, date(2026, 6, 1), eu=True), IDTA),
            tias=(TIA_OK,),
        ),
        TODAY,
        Want({UK: M.UK_IDTA}, ((UK, G.WRONG_MECHANISM, MED), (UK, G.PRIMARY_INVALID, MED))),
        id="PRIMARY_INVALID: UK->US DPF without extension, IDTA fallback",
    ),
    case(
        Reg(
            **IN_EU,
            mechanisms=(M.EU_SCC, (M.LEGACY_SCC, 121)),
            docs=(SCC_M2, LEGACY_2010),
            tias=(TIA_OK,),
        ),
        TODAY,
        Want({EU: M.EU_SCC}, ((EU, G.LEGACY_SCC_EXPIRED, MED),)),
        id="valid primary, broken fallback: problem reported, no PRIMARY_INVALID",
    ),
    # --- nothing valid at all ----------------------------------------------------------------
    case(
        Reg(
            **IN_EU,
            mechanisms=(M.LEGACY_SCC, M.DEROGATION),
            docs=(LEGACY_2010, DEROG_BARE),
            tias=(TIA_OK,),
        ),
        TODAY,
        Want(
            {EU: None},
            (
                (EU, G.LEGACY_SCC_EXPIRED, CRIT),
                (EU, G.DEROGATION_UNDOCUMENTED, HIGH),
                (EU, G.NO_VALID_MECHANISM, CRIT),
            ),
        ),
        id="NO_VALID_MECHANISM: every listed mechanism fails",
    ),
    # --- outside the reference data ----------------------------------------------------------
    case(
        Reg(**IN_EU, mechanisms=SCC2, docs=(SCC_M2,)),
        date(2020, 6, 1),
        Want({EU: None}, ((EU, G.NOT_ASSESSABLE, LOW),)),
        id="NOT_ASSESSABLE: EU on 2020-06-01",
    ),
]


@pytest.mark.parametrize(("reg", "on", "want"), SCENARIOS)
def test_gap_scenarios(reg: Reg, on: date, want: Want) -> None:
    status = evaluate(reg, on)
    covered = {r.assessment.regime: r.covered_by for r in status.results}
    assert covered == want.covered
    got = Counter((g.regime, g.code, g.severity) for g in status.gaps)
    assert got == Counter(want.gaps), [g.message for g in status.gaps]
    for code, text in want.message_has.items():
        assert any(text in g.message for g in status.gaps if g.code is code)
    for g in status.gaps:
        assert g.transfer_id == TRANSFER_ID
    expected_worst = min((s for _, _, s in want.gaps), key=lambda s: s.rank, default=None)
    assert status.worst == expected_worst


def test_every_gap_code_the_rules_produce_is_in_the_table() -> None:
    """ENTITY_NO_COUNTRY and ARCHIVED_PARTY are raised by the register service."""
    wants = [p.values[2] for p in SCENARIOS]
    seen = {code for w in wants if isinstance(w, Want) for _, code, _ in w.gaps}
    assert len(wants) == len(SCENARIOS) and all(isinstance(w, Want) for w in wants)
    # Found by the status service, not by the rules for one transfer:
    assert seen == set(GapCode) - {
        GapCode.ENTITY_NO_COUNTRY,
        GapCode.ARCHIVED_PARTY,
        GapCode.TIA_STALE,
    }


# ---------------------------------------------------------------------------------------------
# The same register on different dates
# ---------------------------------------------------------------------------------------------

LEGACY_REGISTER = Reg(**IN_EU, mechanisms=(M.LEGACY_SCC,), docs=(LEGACY_2010,), tias=(TIA_OK,))


@pytest.mark.parametrize(
    ("on", "covered", "codes"),
    [
        pytest.param(date(2021, 6, 27), None, {G.NOT_ASSESSABLE}, id="2021-06-27 before coverage"),
        pytest.param(date(2021, 6, 30), M.LEGACY_SCC, set(), id="2021-06-30 legacy fine"),
        pytest.param(date(2022, 12, 27), M.LEGACY_SCC, set(), id="2022-12-27 last valid day"),
        pytest.param(date(2022, 12, 28), None, {G.LEGACY_SCC_EXPIRED}, id="2022-12-28 expired"),
        pytest.param(TODAY, None, {G.LEGACY_SCC_EXPIRED}, id="today expired"),
    ],
)
def test_same_register_past_dates(
    on: date, covered: enums.Mechanism | None, codes: set[GapCode]
) -> None:
    status = evaluate(LEGACY_REGISTER, on)
    (result,) = status.results
    assert result.covered_by is covered
    assert {g.code for g in status.gaps} == codes


def test_past_and_today_differ_for_eu_gb() -> None:
    reg = Reg(dest="GB", regimes=(EU,), mechanisms=(M.ADEQUACY,))
    assert evaluate(reg, date(2024, 1, 1)).gaps == ()
    assert evaluate(reg, TODAY).gaps == ()
    assert [g.code for g in evaluate(reg, date(2032, 1, 1)).gaps] == [G.WRONG_MECHANISM]


def test_tia_approved_after_the_date_does_not_count() -> None:
    """A TIA approved in 2026 did not exist in 2024: the 2024 view shows it missing."""
    reg = Reg(
        **IN_EU,
        mechanisms=SCC2,
        docs=(SCC_M2,),
        tias=(tia(approved=date(2026, 3, 1), review=date(2027, 3, 1)),),
    )
    assert evaluate(reg, TODAY).gaps == ()
    assert [g.code for g in evaluate(reg, date(2024, 1, 1)).gaps] == [G.TIA_MISSING]


# ---------------------------------------------------------------------------------------------
# Details a user reads in the gap list
# ---------------------------------------------------------------------------------------------


def test_single_failing_mechanism_says_nothing_else_covers() -> None:
    status = evaluate(Reg(dest="BR", regimes=(UK,), mechanisms=(M.ADEQUACY,)), TODAY)
    (gap,) = status.gaps
    assert "Brazil" in gap.message
    assert "nothing else covers" in gap.message
    assert gap.entity_id == IMPORTER_ID


def test_dpf_not_rechecked_due_date() -> None:
    status = evaluate(
        Reg(
            dest="US",
            regimes=(EU,),
            mechanisms=(M.DPF,),
            docs=(dpf(149, date(2025, 10, 25), eu=True),),
        ),
        TODAY,
    )
    (gap,) = status.gaps
    assert gap.due_on == date(2026, 10, 25)
    assert gap.document_id == 149
    assert "2025-10-25" in gap.message


def test_legacy_expired_names_the_end_date() -> None:
    status = evaluate(LEGACY_REGISTER, date(2023, 1, 1))
    (gap,) = status.gaps
    assert gap.due_on == date(2022, 12, 27)
    assert "2010/87/EU" in gap.message


def test_an_expired_document_gap_carries_its_date_and_shows_it_as_the_app_writes_dates() -> None:
    titled = replace(SCC_M2_EXPIRED, title="SCCs signed 2024-03-01")
    reg = Reg(**IN_EU, mechanisms=SCC2, docs=(titled,), tias=(TIA_OK,))
    gap = next(g for g in evaluate(reg, TODAY).gaps if g.code is G.DOCUMENT_EXPIRED)
    assert gap.dates == (date(2025, 12, 31),) and gap.last_valid_on == date(2025, 12, 31)
    # The command line and the CSV/JSON files print the message: ISO dates.
    assert "'SCCs signed 2024-03-01' expired on 2025-12-31" in gap.message
    # Pages, PDFs and letters show ``text``: the app's date words; the title stays as typed.
    assert "'SCCs signed 2024-03-01' expired on 31 Dec 2025" in gap.text()
    # The assessment's words on the tool say the same, and date its end from the field.
    (tool,) = regime_tools(builtin_reference(), reg.context(), (EU,), TODAY, {105: titled})
    assert tool.invalid_after == date(2025, 12, 31)
    assert "'SCCs signed 2024-03-01' expired on 31 Dec 2025" in tool.status


def test_legacy_clauses_end_on_the_deadline_the_gap_carries() -> None:
    (gap,) = evaluate(LEGACY_REGISTER, date(2023, 1, 1)).gaps
    assert gap.last_valid_on == date(2022, 12, 27)
    assert "after 27 Dec 2022" in gap.text() and "after 2022-12-27" in gap.message
    ctx = LEGACY_REGISTER.context()
    (tool,) = regime_tools(builtin_reference(), ctx, (EU,), date(2023, 1, 1), {121: LEGACY_2010})
    assert tool.invalid_after == date(2022, 12, 27)


def test_dpf_evidence_checked_after_the_day_does_not_date_the_end_of_the_tool() -> None:
    """The evidence was checked only after the day assessed: the tool did not end that day
    (the message names the day, which an earlier reading of the text took for its end)."""
    evidence = dpf(150, date(2026, 12, 1), eu=True)
    reg = Reg(dest="US", regimes=(EU,), mechanisms=((M.DPF, 150),), docs=(evidence,))
    gap = next(g for g in evaluate(reg, TODAY).gaps if g.code is G.DOCUMENT_SUPERSEDED)
    assert "checked only after 2026-11-25" in gap.message and gap.last_valid_on is None
    (tool,) = regime_tools(builtin_reference(), reg.context(), (EU,), TODAY, {150: evidence})
    assert not tool.valid and tool.invalid_after is None
    assert "checked only after 25 Nov 2026" in tool.status


def test_uk_regime_uses_the_tra_name() -> None:
    status = evaluate(Reg(**IN_UK, mechanisms=(M.UK_IDTA,), docs=(IDTA,)), TODAY)
    (gap,) = status.gaps
    assert gap.code is G.TIA_MISSING
    assert "TRA" in gap.message or "data protection test" in gap.message


# ---------------------------------------------------------------------------------------------
# Partial adequacy must be recorded; legacy clauses must match the relationship
# ---------------------------------------------------------------------------------------------


def test_partial_adequacy_with_nothing_recorded_asks_for_scope_confirmation() -> None:
    """Japan's decision covers only APPI business operators: the register must say it relies
    on it (legal-facts 2.1: partial-scope destinations force a scope confirmation per vendor)."""
    silent = evaluate(Reg(dest="JP", regimes=(EU,)), TODAY)
    (gap,) = silent.gaps
    assert (gap.code, gap.severity) == (G.NO_SAFEGUARD, HIGH)
    assert "scope" in gap.message
    recorded = evaluate(Reg(dest="JP", regimes=(EU,), mechanisms=(M.ADEQUACY,)), TODAY)
    assert recorded.gaps == ()


def test_legacy_controller_clauses_for_a_processor_are_the_wrong_set() -> None:
    """2001/497/EC clauses are controller-to-controller; a processor needed 2010/87/EU."""
    c2c = doc(enums.DocumentKind.LEGACY_SCC_2001, 131, "2001 SCCs", signed_on=date(2019, 5, 1))
    reg = Reg(dest="IN", regimes=(EU,), mechanisms=((M.LEGACY_SCC, 131),), docs=(c2c,))
    codes = {g.code for g in evaluate(reg, date(2021, 7, 1)).gaps}
    assert G.WRONG_MODULE in codes
    right = Reg(
        dest="IN",
        regimes=(EU,),
        mechanisms=((M.LEGACY_SCC, 121),),
        docs=(LEGACY_2010,),
        tias=(tia(approved=date(2020, 1, 1), review=date(2022, 1, 1)),),
    )
    assert G.WRONG_MODULE not in {g.code for g in evaluate(right, date(2021, 7, 1)).gaps}
