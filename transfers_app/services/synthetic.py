"""A synthetic register of N entities for scale testing (``transfers-app demo --entities N``).

Deterministic for a given seed: a realistic mix of destination countries, mechanisms and
dates, with a share of gaps (expired documents, legacy SCCs, missing TIAs, no mechanism).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from transfers_app.domain import enums
from transfers_app.domain.models import Document, Entity, Location, MechanismUse, Tia, Transfer
from transfers_app.errors import ValidationError

# Weighted destinations: where a European SME's vendors typically process data.
COUNTRIES = [
    ("US", 34),
    ("GB", 10),
    ("DE", 8),
    ("IE", 6),
    ("NL", 5),
    ("FR", 4),
    ("IN", 8),
    ("PH", 3),
    ("JP", 2),
    ("CA", 3),
    ("AU", 3),
    ("SG", 3),
    ("BR", 2),
    ("TR", 1),
    ("CN", 2),
    ("IL", 1),
    ("KR", 1),
    ("PL", 2),
    ("CH", 1),
    ("ZA", 1),
]
EEA_OR_ADEQUATE = {"GB", "DE", "IE", "NL", "FR", "PL", "CH", "JP", "CA", "IL", "KR"}
WORDS = [
    "Acme",
    "Northwind",
    "Blue",
    "Harbor",
    "Quantum",
    "Vertex",
    "Nimbus",
    "Atlas",
    "Orion",
    "Cedar",
    "Summit",
    "Pioneer",
    "Lumen",
    "Stratus",
    "Meridian",
    "Aurora",
    "Beacon",
    "Falcon",
    "Granite",
    "Helix",
    "Kestrel",
    "Lattice",
    "Mosaic",
    "Nova",
    "Pinnacle",
    "Zenith",
    "Łódź",
    "İstanbul",
    "Sakura",
    "Müller",
    "Øresund",
    "Café",
    "東京",
    "Señor",
]
TRADES = [
    "Cloud",
    "Payments",
    "Analytics",
    "Marketing",
    "Support",
    "Hosting",
    "Data",
    "Software",
    "Collections",
    "Logistics",
    "Security",
    "Mail",
    "Media",
    "Labs",
]
SUFFIX = {
    "US": "Inc.",
    "GB": "Ltd",
    "DE": "GmbH",
    "IE": "Ltd",
    "NL": "B.V.",
    "FR": "SAS",
    "IN": "Pvt. Ltd.",
    "PH": "Inc.",
    "JP": "K.K.",
    "CA": "Inc.",
    "AU": "Pty Ltd",
    "SG": "Pte. Ltd.",
    "BR": "Ltda.",
    "TR": "A.Ş.",
    "CN": "Co., Ltd.",
    "IL": "Ltd",
    "KR": "Co., Ltd.",
    "PL": "sp. z o.o.",
    "CH": "AG",
    "ZA": "(Pty) Ltd",
}
CATEGORIES = [
    "Identity",
    "Contact",
    "Communications",
    "Service User",
    "Image",
    "Transaction",
    "Technical",
    "Platform Usage",
    "Marketing",
]


@dataclass
class SyntheticRegister:
    entities: list[Entity] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    tias: list[Tia] = field(default_factory=list)


def generate(n: int, seed: int, today: date) -> SyntheticRegister:
    """Build (not save) a register of ``n`` entities with ids assigned from 1."""
    if n < 4:
        raise ValidationError(
            "--entities", "a synthetic register needs at least 4 entities (our own group)"
        )
    rng = random.Random(seed)
    out = SyntheticRegister()
    codes = [c for c, _ in COUNTRIES]
    weights = [w for _, w in COUNTRIES]
    ids: Iterator[int] = iter(range(1, 10**9))
    doc_ids: Iterator[int] = iter(range(1, 10**9))
    tr_ids: Iterator[int] = iter(range(1, 10**9))
    tia_ids: Iterator[int] = iter(range(1, 10**9))
    loc_ids: Iterator[int] = iter(range(1, 10**9))

    def day(lo: int, hi: int) -> date:
        return today + timedelta(days=rng.randint(lo, hi))

    parent = Entity(id=next(ids), name="Synthetic Group, Inc.", kind=enums.EntityKind.GROUP)
    own = Entity(
        id=next(ids),
        name="Synthetic Europe Ltd",
        kind=enums.EntityKind.GROUP,
        parent_id=parent.id,
        exporter_regimes=(enums.Regime.UK, enums.Regime.EU),
    )
    group = [
        parent,
        own,
        Entity(
            id=next(ids),
            name="Synthetic Australia Pty Ltd",
            kind=enums.EntityKind.GROUP,
            parent_id=parent.id,
        ),
        Entity(
            id=next(ids),
            name="Synthetic Asia Pte. Ltd.",
            kind=enums.EntityKind.GROUP,
            parent_id=parent.id,
        ),
    ]
    out.entities.extend(group)
    for e, cc in zip(group, ["US", "GB", "AU", "SG"], strict=True):
        assert e.id is not None
        out.locations.append(Location(e.id, cc, enums.Activity.HEADQUARTERS, id=next(loc_ids)))
    assert own.id is not None
    for i in range(n - 4):
        cc = rng.choices(codes, weights)[0]
        name = f"{rng.choice(WORDS)} {rng.choice(TRADES)} {i + 1} {SUFFIX[cc]}"
        lifecycle = (
            enums.Lifecycle.ACTIVE
            if rng.random() < 0.9
            else rng.choice(
                [enums.Lifecycle.PROPOSED, enums.Lifecycle.APPROVED, enums.Lifecycle.OFFBOARDED]
            )
        )
        e = Entity(
            id=next(ids),
            name=name,
            kind=enums.EntityKind.VENDOR,
            lifecycle=lifecycle,
            website=f"https://vendor{i + 1}.example",
            owner="Legal",
        )
        assert e.id is not None
        out.entities.append(e)
        out.locations.append(Location(e.id, cc, enums.Activity.HOSTING, id=next(loc_ids)))
        if rng.random() < 0.2:
            out.locations.append(
                Location(
                    e.id, rng.choices(codes, weights)[0], enums.Activity.SUPPORT, id=next(loc_ids)
                )
            )
        role = enums.Role.PROCESSOR if rng.random() < 0.85 else enums.Role.CONTROLLER
        module = 2 if role is enums.Role.PROCESSOR else 1
        signed = day(-5 * 365, -30)
        mechs: list[MechanismUse] = []
        gap = rng.random()
        if cc in EEA_OR_ADEQUATE:
            mechs.append(MechanismUse(enums.Mechanism.ADEQUACY))
        elif gap < 0.03:
            pass  # nothing on file
        else:
            if cc == "US" and rng.random() < 0.6:
                did = next(doc_ids)
                out.documents.append(
                    Document(
                        id=did,
                        kind=enums.DocumentKind.DPF_CERTIFICATION,
                        title=f"DPF listing - {name}",
                        party_ids=(e.id,),
                        dpf_eu=True,
                        dpf_uk_extension=rng.random() < 0.85,
                        signed_on=signed,
                        checked_on=day(-500, -5),
                        series_id=did,
                    )
                )
                mechs.append(MechanismUse(enums.Mechanism.DPF, did))
            did = next(doc_ids)
            legacy = gap < 0.08
            expires = day(-200, 900) if rng.random() < 0.3 else None
            start = date(2019, 3, 1) if legacy else signed
            if expires is not None and expires < start:
                expires = start + timedelta(days=365 * 3)  # a contract ends after it is signed
            out.documents.append(
                Document(
                    id=did,
                    kind=enums.DocumentKind.LEGACY_SCC_2010
                    if legacy
                    else enums.DocumentKind.EU_SCC_2021,
                    title=f"{'2010 SCCs' if legacy else 'SCCs'} - {name}",
                    party_ids=(own.id, e.id),
                    instrument_version="2010/87/EU" if legacy else "2021/914",
                    scc_module=None if legacy else module,
                    signed_on=start,
                    expires_on=expires,
                    notice_period_days=90 if expires else None,
                    review_cycle_months=12,
                    next_review_on=day(-120, 365),
                    series_id=did,
                )
            )
            if not legacy:
                aid = next(doc_ids)
                out.documents.append(
                    Document(
                        id=aid,
                        kind=enums.DocumentKind.UK_ADDENDUM,
                        title=f"UK Addendum - {name}",
                        party_ids=(own.id, e.id),
                        instrument_version="B1.0",
                        signed_on=signed,
                        series_id=aid,
                    )
                )
                mechs.append(MechanismUse(enums.Mechanism.UK_ADDENDUM, aid))
                mechs.append(MechanismUse(enums.Mechanism.EU_SCC, did))
            else:
                mechs.append(MechanismUse(enums.Mechanism.LEGACY_SCC, did))
        tid = next(tr_ids)
        out.transfers.append(
            Transfer(
                id=tid,
                exporter_id=own.id,
                importer_id=e.id,
                destination=cc,
                access=rng.choice(
                    [enums.Access.STORAGE, enums.Access.STORAGE, enums.Access.REMOTE_ACCESS]
                ),
                importer_role=role,
                service=rng.choice(TRADES) + " services",
                data_categories=tuple(rng.sample(CATEGORIES, rng.randint(1, 4))),
                mechanisms=tuple(mechs),
                started_on=signed,
            )
        )
        if cc not in EEA_OR_ADEQUATE and mechs and rng.random() < 0.75:
            approved = day(-700, -10)
            out.tias.append(
                Tia(
                    tid,
                    id=next(tia_ids),
                    status=enums.TiaStatus.APPROVED,
                    assessor="Synthetic",
                    approver="Synthetic",
                    approved_on=approved,
                    next_review_on=approved + timedelta(days=365),
                )
            )
    return out
