"""Records for the storage contract tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from transfers_app.domain import enums
from transfers_app.domain.models import (
    Document,
    Entity,
    Location,
    MechanismUse,
    SccOptions,
    SubprocessorNotice,
    Tia,
    Transfer,
)
from transfers_app.domain.tia import (
    CategoryRisk,
    LawItem,
    Measure,
    MeasureKind,
    TiaContent,
    TiaInputs,
    TransferDescription,
)
from transfers_app.ports.storage import Store

TODAY = date(2026, 11, 25)
ACTOR = "alice.auditor"

# Makes an empty store of the adapter under test (the ``new_store`` fixture).
StoreFactory = Callable[[], Store]


def own_entity(name: str = "Keystone Europe Ltd") -> Entity:
    return Entity(
        name=name, kind=enums.EntityKind.GROUP, exporter_regimes=(enums.Regime.UK, enums.Regime.EU)
    )


def vendor(name: str = "Stratus Cloud Hosting, Inc.", **changes: Any) -> Entity:
    full = Entity(
        name=name,
        kind=enums.EntityKind.VENDOR,
        legal_name=f"{name} (legal)",
        registration_number="C-12345",
        address="1 Market Street, San Francisco",
        contact_name="Dana Privacy",
        contact_email="privacy@stratus.example",
        website="https://stratus.example",
        notes="hosting for the customer portal",
        lifecycle=enums.Lifecycle.ACTIVE,
        proposed_on=date(2024, 1, 10),
        approved_on=date(2024, 2, 1),
        active_on=date(2024, 3, 1),
        owner="IT",
    )
    return replace(full, **changes)


def parties(store: Store) -> tuple[Entity, Entity]:
    """Our exporting entity and a US vendor, saved."""
    return store.entities.add(own_entity()), store.entities.add(vendor())


def transfer(exporter: Entity, importer: Entity, **changes: Any) -> Transfer:
    assert exporter.id is not None and importer.id is not None
    full = Transfer(
        exporter_id=exporter.id,
        importer_id=importer.id,
        destination="US",
        access=enums.Access.STORAGE,
        importer_role=enums.Role.PROCESSOR,
        exporter_role=enums.Role.CONTROLLER,
        regimes=(enums.Regime.EU,),
        service="Customer portal hosting",
        purpose="hosting",
        data_categories=("Contact details", "Account data"),
        data_subjects=("Customers",),
        special_category=False,
        criminal_data=False,
        frequency=enums.Frequency.CONTINUOUS,
        volume=enums.VolumeBand.UNDER_100K,
        mechanisms=(MechanismUse(enums.Mechanism.DPF), MechanismUse(enums.Mechanism.EU_SCC)),
        started_on=date(2024, 3, 1),
        notes="primary region us-east",
    )
    return replace(full, **changes)


def scc(party_ids: tuple[int, ...], **changes: Any) -> Document:
    full = Document(
        kind=enums.DocumentKind.EU_SCC_2021,
        title="Stratus SCCs (Module 2)",
        party_ids=party_ids,
        instrument_version="2021/914",
        scc_module=2,
        scc_options=SccOptions(
            docking_clause=True, clause9_option=2, clause9_period="30 days", governing_law="IE"
        ),
        signed_on=date(2024, 2, 20),
        effective_on=date(2024, 3, 1),
        expires_on=date(2027, 3, 1),
        notice_period_days=90,
        review_cycle_months=12,
        next_review_on=date(2027, 1, 15),
        last_reviewed_on=date(2026, 1, 15),
        notes="signed by both parties",
    )
    return replace(full, **changes)


def dpf(party_ids: tuple[int, ...], checked_on: date | None) -> Document:
    return Document(
        kind=enums.DocumentKind.DPF_CERTIFICATION,
        title="Stratus DPF listing",
        party_ids=party_ids,
        dpf_eu=True,
        dpf_uk_extension=True,
        checked_on=checked_on,
    )


def derogation(party_ids: tuple[int, ...]) -> Document:
    return Document(
        kind=enums.DocumentKind.ART49_DEROGATION,
        title="One-off transfer for a contract",
        party_ids=party_ids,
        derogation=enums.Derogation.B,
        justification="necessary for the performance of the contract",
    )


def location(entity: Entity, country: str = "US", city: str = "Ashburn") -> Location:
    assert entity.id is not None
    return Location(entity.id, country, enums.Activity.HOSTING, city=city)


def assessment(t: Transfer, **changes: Any) -> Tia:
    assert t.id is not None
    full = Tia(
        transfer_id=t.id,
        status=enums.TiaStatus.APPROVED,
        assessor="Alice",
        approver="Bob",
        approved_on=date(2026, 1, 10),
        next_review_on=date(2027, 1, 10),
        review_cycle_months=12,
        title="Stratus hosting TIA",
        regimes=(enums.Regime.EU, enums.Regime.UK),
        content=TiaContent(
            description=TransferDescription(
                purpose="hosting",
                data_categories=("Contact details",),
                storage_locations=("US",),
            ),
            destination="US",
            profile_as_of=date(2026, 1, 1),
            laws=(LawItem("FISA 702", "surveillance of non-US persons", ("50 U.S.C. 1881a",)),),
            measures=(Measure(MeasureKind.TECHNICAL, "encryption at rest", "T1", "UC1", True),),
            category_risks=(CategoryRisk("Contact details", 2, 1),),
            conclusion_text="transfer may proceed",
        ),
        inputs=TiaInputs(
            taken_on=date(2026, 1, 10),
            importer_id=t.importer_id,
            importer_name="Stratus Cloud Hosting, Inc.",
            countries=("US",),
            mechanisms=("dpf", "eu_scc"),
            data_categories=("Account data", "Contact details"),
            data_subjects=("Customers",),
            subprocessors=(),
            reference_version="2026-12-07",
            transfer_ids=(t.id,),
        ),
        change_note="first assessment",
    )
    return replace(full, **changes)


def notice(processor: Entity, **changes: Any) -> SubprocessorNotice:
    assert processor.id is not None
    full = SubprocessorNotice(
        processor_id=processor.id,
        subprocessor_name="Nimbus Backup Ltd",
        received_on=date(2026, 11, 1),
        countries=("IE", "US"),
        service="backups",
        notice_period_days=30,
        objection_deadline=date(2026, 12, 1),
        notes="by email",
    )
    return replace(full, **changes)
