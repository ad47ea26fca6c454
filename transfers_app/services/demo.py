"""The built-in demo register, modelled on the seed organisation's situation.

A UK company (subject to UK GDPR, and to EU GDPR for its EU customers under Art 3(2)) in a
US-headquartered group with sister entities in Australia and Singapore, and the kinds of
service providers its privacy policy names: payments, marketing, analytics, IT infrastructure,
customer service, debt collection. Names are fictional; dates are relative to the day it is
loaded so the demo always has something due. Some gaps are deliberate.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from transfers_app.domain.enums import (
    Access,
    Activity,
    Derogation,
    DocumentKind,
    EntityKind,
    Frequency,
    Lifecycle,
    Mechanism,
    Regime,
    Role,
    VolumeBand,
)
from transfers_app.domain.models import (
    CatalogueItem,
    Document,
    Entity,
    Location,
    MechanismUse,
    SccOptions,
    Transfer,
)
from transfers_app.domain.organisation import OrganisationProfile, Person
from transfers_app.errors import StorageError, TransfersError
from transfers_app.ports.files import PdfRenderer
from transfers_app.ports.storage import Store, UnitOfWork
from transfers_app.reports.document import Fields, Para, ReportDocument, Section
from transfers_app.reports.pack import safe_component
from transfers_app.services.demo_tias import DemoAssessments

# The demo's organisation: fictional throughout (the ".example" addresses, the "(demo)"
# registration number), set through the same profile as a real one; its people are the demo
# assessments' assessor and approver.
DEMO_ORGANISATION = OrganisationProfile(
    name="Keystone Access Europe Limited",
    legal_name="Keystone Access Europe Limited",
    address="102B The Green, Twickenham, United Kingdom",
    registration_number="ZX000000 (demo)",
    dpo_name="Daniel Okafor",
    dpo_email="dpo@keystone-europe.example",
    eu_representative="Example EU Representative Ltd (demo), Dublin, Ireland",
    signers=(
        Person("Maria Santos", "General Counsel", "maria.santos@keystone-europe.example"),
        Person("Anita Patel", "Privacy Counsel", "anita.patel@keystone-europe.example"),
    ),
)

# The seed policy's own categories (shared/seeds): what this organisation collects.
DATA_CATEGORIES = [
    ("Identity", "First and last name"),
    ("Contact", "Address, email, telephone; organisation, position and location of engagement"),
    ("Communications", "Information contained in communications with us"),
    (
        "Service User",
        "Tenant identifiers, storage unit information and activity, access "
        "records, authorised end users, app geolocation",
    ),
    ("Image", "Photographs or images submitted or collected from the public domain"),
    (
        "Transaction",
        "Financial institution, bank account and card details, payment records, purchase history",
    ),
    ("Technical", "IP address, device identifiers, login credentials, browser and OS details"),
    ("Platform Usage", "How the site and app are used: access history, time on pages"),
    ("Marketing", "Marketing preferences and records of past campaigns"),
]
DATA_SUBJECTS = [
    ("Facility operators", "Customers obtaining our products and services"),
    ("Tenants and permitted users", "Users of facilities equipped with our smart-entry technology"),
    ("Website and app users", "Visitors of our websites and users of our mobile app"),
    ("Enquirers and correspondents", "People who contact us with enquiries"),
    ("Business contacts", "Officers, employees, contractors and agents of partners and suppliers"),
]


def seed_catalogues(uow: UnitOfWork) -> None:
    uow.settings.add_catalogue_items(
        [CatalogueItem("data_category", n, d) for n, d in DATA_CATEGORIES]
        + [CatalogueItem("data_subject", n, d) for n, d in DATA_SUBJECTS]
    )


def refuse_if_filled(tx: UnitOfWork, what: str) -> None:
    """Inside the transaction that fills an empty register: refuse if someone else filled it
    since it was found empty."""
    if tx.queries.counts().entities:
        raise TransfersError(
            f"the register was filled by another program (another demo load?) while {what} "
            "was starting: it loads only into an empty register, so nothing was changed"
        )


def load_demo(store: Store, today: date, pdf: PdfRenderer | None = None) -> int:
    """Load the demo register into an empty database; return the number of entities.

    With ``pdf``, each signed document gets a one-page demo copy of its signed file."""
    if store.queries.counts().entities:
        raise TransfersError(
            "the register is not empty: the demo loads only into an empty "
            "register (use --data-dir to start a separate one)"
        )

    def ago(years: int = 0, months: int = 0, days: int = 0) -> date:
        return today - relativedelta(years=years, months=months, days=days)

    def ahead(years: int = 0, months: int = 0, days: int = 0) -> date:
        return today + relativedelta(years=years, months=months, days=days)

    owner = "Legal - Privacy"
    names: dict[int, str] = {}
    with tempfile.TemporaryDirectory() as tmp, store.transaction() as tx:
        # Asked again inside the transaction, which holds the write lock: a second demo load
        # started at the same time waits for the first, then finds it done.
        refuse_if_filled(tx, "the demo")
        files = Path(tmp)
        seed_catalogues(tx)

        def ent(
            name: str,
            kind: EntityKind,
            country: str,
            activity: Activity = Activity.HEADQUARTERS,
            city: str = "",
            *more: tuple[str, Activity, str],
            **kw: object,
        ) -> Entity:
            e = tx.entities.add(Entity(name=name, kind=kind, owner=owner, **kw))
            assert e.id is not None
            names[e.id] = e.legal_name or e.name
            tx.entities.add_location(Location(e.id, country, activity, city=city))
            for cc, act, c in more:
                tx.entities.add_location(Location(e.id, cc, act, city=c))
            return e

        parent = ent(
            "Keystone Access Group, Inc.",
            EntityKind.GROUP,
            "US",
            Activity.HEADQUARTERS,
            "Atlanta, GA",
            legal_name="Keystone Access Group, Inc.",
            registration_number="DE 5512907",
            website="https://keystone.example",
            notes="Ultimate parent; operates the group website and app back end.",
        )
        uk = ent(
            "Keystone Access Europe Ltd",
            EntityKind.GROUP,
            "GB",
            Activity.HEADQUARTERS,
            "Twickenham",
            legal_name="Keystone Access Europe Limited",
            registration_number="08123456",
            address="102B The Green, Twickenham, United Kingdom",
            contact_name="Privacy team",
            contact_email="privacy@keystone-europe.example",
            parent_id=parent.id,
            exporter_regimes=(Regime.UK, Regime.EU),
            notes="Our exporting entity. Registered with the ICO (now the Information "
            "Commission); EU GDPR applies to its EU customers under Art 3(2).",
        )
        au = ent(
            "Keystone Access Australia Pty Ltd",
            EntityKind.GROUP,
            "AU",
            Activity.HEADQUARTERS,
            "Sydney",
            parent_id=parent.id,
        )
        sg = ent(
            "Keystone Access Asia Pte. Ltd.",
            EntityKind.GROUP,
            "SG",
            Activity.HEADQUARTERS,
            "Singapore",
            parent_id=parent.id,
        )
        assert uk.id and parent.id and au.id and sg.id

        def doc(title: str, kind: DocumentKind, parties: list[int], **kw: object) -> Document:
            new = Document(kind=kind, title=title, party_ids=tuple(parties), **kw)
            copy = (
                demo_copy(new, [names[p] for p in parties], files, pdf)
                if pdf is not None and kw.get("signed_on")
                else None
            )
            try:
                d = tx.documents.add(new, copy)
            except StorageError:  # a register without a file store: the record alone
                d = tx.documents.add(new)
            assert d.id is not None
            return d

        def transfer(
            importer: Entity,
            dest: str,
            role: Role,
            service: str,
            cats: list[str],
            mechs: list[tuple[Mechanism, Document | None]],
            access: Access = Access.STORAGE,
            exporter: Entity = uk,
            **kw: object,
        ) -> Transfer:
            assert importer.id and exporter.id
            return tx.transfers.add(
                Transfer(
                    exporter_id=exporter.id,
                    importer_id=importer.id,
                    destination=dest,
                    access=access,
                    importer_role=role,
                    service=service,
                    data_categories=tuple(cats),
                    mechanisms=tuple(MechanismUse(m, d.id if d else None) for m, d in mechs),
                    **kw,
                )
            )

        # Who keeps the register, for report headers and the regulator's cover letter.
        tx.organisation.save(DEMO_ORGANISATION)
        # The assessments, made through the real sign-off on days that could have happened.
        assessments = DemoAssessments(store, today)

        scc = SccOptions(
            docking_clause=True,
            clause9_option=2,
            clause9_period="30 days",
            clause13_authority="Data Protection Commission (Ireland)",
            clause17_option=1,
            governing_law="IE",
            clause18_forum="Ireland",
        )

        # Intra-group: UK -> US parent on EU SCCs Module One + UK Addendum, TIA overdue.
        igta = doc(
            "Intra-group data transfer agreement (EU SCCs Module 1)",
            DocumentKind.EU_SCC_2021,
            [uk.id, parent.id],
            instrument_version="2021/914",
            scc_module=1,
            scc_options=scc,
            signed_on=ago(3, 2),
            effective_on=ago(3, 2),
            review_cycle_months=24,
            next_review_on=ahead(0, 7),
        )
        igta_uk = doc(
            "UK Addendum to the intra-group agreement",
            DocumentKind.UK_ADDENDUM,
            [uk.id, parent.id],
            instrument_version="B1.0",
            signed_on=ago(3, 2),
            review_cycle_months=24,
            next_review_on=ahead(0, 7),
        )
        t = transfer(
            parent,
            "US",
            Role.CONTROLLER,
            "Group CRM, website and app back end",
            [
                "Identity",
                "Contact",
                "Communications",
                "Service User",
                "Technical",
                "Platform Usage",
            ],
            [(Mechanism.UK_ADDENDUM, igta_uk), (Mechanism.EU_SCC, igta)],
            data_subjects=(
                "Facility operators",
                "Tenants and permitted users",
                "Website and app users",
            ),
            volume=VolumeBand.UNDER_1M,
            started_on=ago(3, 2),
        )
        assessments.group_parent(t)

        # Sister entities: Australia on the IDTA (current), Singapore on an expired IDTA.
        idta_au = doc(
            "IDTA Keystone Europe - Keystone Australia",
            DocumentKind.UK_IDTA,
            [uk.id, au.id],
            instrument_version="A1.0",
            signed_on=ago(2, 6),
            expires_on=ahead(0, 1, 15),
            notice_period_days=30,
            review_cycle_months=12,
            next_review_on=ahead(0, 2),
        )
        t = transfer(
            au,
            "AU",
            Role.CONTROLLER,
            "Regional customer support (APAC)",
            ["Identity", "Contact", "Communications"],
            [(Mechanism.UK_IDTA, idta_au)],
            access=Access.REMOTE_ACCESS,
            data_subjects=("Facility operators",),
            started_on=ago(2, 6),
            regimes=(Regime.UK,),
            notes="UK customers only: EU data stays in the UK.",
        )
        assessments.australia(t)
        idta_sg = doc(
            "IDTA Keystone Europe - Keystone Asia",
            DocumentKind.UK_IDTA,
            [uk.id, sg.id],
            instrument_version="A1.0",
            signed_on=ago(3),
            expires_on=ago(0, 0, 20),
            review_cycle_months=12,
            next_review_on=ago(0, 2),
        )
        t = transfer(
            sg,
            "SG",
            Role.CONTROLLER,
            "Regional sales reporting",
            ["Identity", "Contact", "Transaction"],
            [(Mechanism.UK_IDTA, idta_sg)],
            access=Access.REMOTE_ACCESS,
            started_on=ago(3),
            regimes=(Regime.UK,),
        )
        assessments.singapore(t)

        # Payments: US, DPF with UK Extension, SCC fallback. Compliant.
        pay = ent(
            "Northwind Payments, Inc.",
            EntityKind.VENDOR,
            "US",
            Activity.HOSTING,
            "Ashburn, VA",
            ("IE", Activity.BACKUP, "Dublin"),
            website="https://northwind-pay.example",
            lifecycle=Lifecycle.ACTIVE,
            active_on=ago(2),
        )
        assert pay.id
        dpf = doc(
            "DPF List entry - Northwind Payments",
            DocumentKind.DPF_CERTIFICATION,
            [pay.id],
            dpf_eu=True,
            dpf_uk_extension=True,
            checked_on=ago(0, 4),
            signed_on=ago(2),
        )
        dpa = doc(
            "Northwind DPA with EU SCCs Module 2",
            DocumentKind.EU_SCC_2021,
            [uk.id, pay.id],
            instrument_version="2021/914",
            scc_module=2,
            scc_options=scc,
            signed_on=ago(2),
            review_cycle_months=24,
            next_review_on=ahead(1),
        )
        add = doc(
            "Northwind UK Addendum",
            DocumentKind.UK_ADDENDUM,
            [uk.id, pay.id],
            instrument_version="B1.0",
            signed_on=ago(2),
        )
        transfer(
            pay,
            "US",
            Role.PROCESSOR,
            "Card payment processing",
            ["Identity", "Contact", "Transaction"],
            [(Mechanism.DPF, dpf), (Mechanism.UK_ADDENDUM, add), (Mechanism.EU_SCC, dpa)],
            volume=VolumeBand.UNDER_100K,
            started_on=ago(2),
        )

        # Marketing: US, EU DPF only (no UK Extension) - fallback Addendum covers UK; TIA missing.
        mkt = ent(
            "Brightwave Marketing Cloud LLC",
            EntityKind.VENDOR,
            "US",
            Activity.HOSTING,
            "Denver, CO",
            active_on=ago(1, 3),
        )
        assert mkt.id
        dpf_m = doc(
            "DPF List entry - Brightwave",
            DocumentKind.DPF_CERTIFICATION,
            [mkt.id],
            dpf_eu=True,
            checked_on=ago(1, 3),
            signed_on=ago(1, 3),
        )
        scc_m = doc(
            "Brightwave SCCs Module 2",
            DocumentKind.EU_SCC_2021,
            [uk.id, mkt.id],
            instrument_version="2021/914",
            scc_module=2,
            signed_on=ago(1, 3),
        )
        add_m = doc(
            "Brightwave UK Addendum",
            DocumentKind.UK_ADDENDUM,
            [uk.id, mkt.id],
            instrument_version="B1.0",
            signed_on=ago(1, 3),
        )
        transfer(
            mkt,
            "US",
            Role.PROCESSOR,
            "Email campaigns and newsletters",
            ["Identity", "Contact", "Marketing"],
            [(Mechanism.DPF, dpf_m), (Mechanism.UK_ADDENDUM, add_m), (Mechanism.EU_SCC, scc_m)],
            data_subjects=("Facility operators", "Enquirers and correspondents"),
            started_on=ago(1, 3),
        )

        # Analytics: Germany - inside the EEA for EU, adequate for the UK. Compliant.
        ana = ent("Lumen Analytics GmbH", EntityKind.VENDOR, "DE", Activity.HOSTING, "Frankfurt")
        assert ana.id
        dpa_a = doc(
            "Lumen Analytics DPA (Art 28)",
            DocumentKind.DPA,
            [uk.id, ana.id],
            signed_on=ago(1, 8),
            review_cycle_months=12,
            next_review_on=ahead(0, 4),
        )
        transfer(
            ana,
            "DE",
            Role.PROCESSOR,
            "Website and app analytics",
            ["Technical", "Platform Usage"],
            [(Mechanism.ADEQUACY, None)],
            started_on=ago(1, 8),
        )
        _ = dpa_a

        # Hosting: US on SCCs + Addendum, TIA current, SCC review overdue; onward to India.
        host = ent(
            "Stratus Cloud Hosting, Inc.",
            EntityKind.VENDOR,
            "US",
            Activity.HOSTING,
            "Seattle, WA",
            ("IE", Activity.BACKUP, "Dublin"),
            ("IN", Activity.FOLLOW_THE_SUN, "Bengaluru"),
        )
        assert host.id
        scc_h = doc(
            "Stratus Cloud Terms - SCCs Module 2",
            DocumentKind.EU_SCC_2021,
            [uk.id, host.id],
            instrument_version="2021/914",
            scc_module=2,
            scc_options=scc,
            signed_on=ago(2, 4),
            review_cycle_months=12,
            next_review_on=ago(0, 1, 10),
        )
        add_h = doc(
            "Stratus UK Addendum",
            DocumentKind.UK_ADDENDUM,
            [uk.id, host.id],
            instrument_version="B1.0",
            signed_on=ago(2, 4),
        )
        th = transfer(
            host,
            "US",
            Role.PROCESSOR,
            "Cloud hosting of the customer platform",
            ["Identity", "Contact", "Service User", "Image", "Technical"],
            [(Mechanism.UK_ADDENDUM, add_h), (Mechanism.EU_SCC, scc_h)],
            volume=VolumeBand.UNDER_1M,
            started_on=ago(2, 4),
        )
        sub = ent(
            "Indus Support Services Pvt. Ltd.",
            EntityKind.VENDOR,
            "IN",
            Activity.SUPPORT,
            "Bengaluru",
            notes="Stratus subprocessor: 24x7 infrastructure support.",
        )
        assert sub.id and th.id
        scc_sub = doc(
            "Stratus - Indus SCCs Module 3",
            DocumentKind.EU_SCC_2021,
            [host.id, sub.id],
            instrument_version="2021/914",
            scc_module=3,
            signed_on=ago(2),
        )
        transfer(
            sub,
            "IN",
            Role.SUBPROCESSOR,
            "Infrastructure support (onward)",
            ["Technical"],
            [(Mechanism.EU_SCC, scc_sub)],
            access=Access.ONWARD,
            exporter=host,
            exporter_role=Role.PROCESSOR,
            parent_transfer_id=th.id,
            started_on=ago(2),
        )
        # The hosting assessment covers the onward transfer to India and Stratus's own team
        # there (remote access from India is a transfer whose law it weighs).
        assessments.cloud_host(th)

        # Customer service: Philippines, IDTA + SCCs, but no TIA yet.
        cs = ent(
            "Helpdesk Partners Philippines, Inc.",
            EntityKind.VENDOR,
            "PH",
            Activity.SUPPORT,
            "Manila",
        )
        assert cs.id
        idta_cs = doc(
            "Helpdesk Partners IDTA",
            DocumentKind.UK_IDTA,
            [uk.id, cs.id],
            instrument_version="A1.0",
            signed_on=ago(0, 8),
            review_cycle_months=12,
            next_review_on=ahead(0, 4),
        )
        scc_cs = doc(
            "Helpdesk Partners SCCs Module 2",
            DocumentKind.EU_SCC_2021,
            [uk.id, cs.id],
            instrument_version="2021/914",
            scc_module=2,
            signed_on=ago(0, 8),
        )
        transfer(
            cs,
            "PH",
            Role.PROCESSOR,
            "Customer service desk (first line)",
            ["Identity", "Contact", "Communications", "Service User"],
            [(Mechanism.UK_IDTA, idta_cs), (Mechanism.EU_SCC, scc_cs)],
            access=Access.REMOTE_ACCESS,
            started_on=ago(0, 8),
        )

        # Debt collection: India, still on the 2010 SCCs (legacy, past their deadlines).
        debt = ent(
            "Meridian Recovery Services Pvt. Ltd.",
            EntityKind.VENDOR,
            "IN",
            Activity.HOSTING,
            "Pune",
        )
        assert debt.id
        old = doc(
            "Meridian collection agreement (2010 SCCs)",
            DocumentKind.LEGACY_SCC_2010,
            [uk.id, debt.id],
            instrument_version="2010/87/EU",
            signed_on=date(2019, 5, 2),
        )
        td = transfer(
            debt,
            "IN",
            Role.PROCESSOR,
            "Collection of overdue accounts",
            ["Identity", "Contact", "Transaction"],
            [(Mechanism.LEGACY_SCC, old)],
            started_on=date(2019, 5, 2),
        )
        assessments.debt_collector(td)

        # Translation: Japan (APPI adequacy, private sector only).
        jp = ent(
            "株式会社サクラ翻訳",
            EntityKind.VENDOR,
            "JP",
            Activity.HOSTING,
            "東京",
            legal_name="Sakura Honyaku Kabushiki Kaisha",
        )
        assert jp.id
        transfer(
            jp,
            "JP",
            Role.PROCESSOR,
            "Translation of customer correspondence",
            ["Communications"],
            [(Mechanism.ADEQUACY, None)],
            frequency=Frequency.PERIODIC,
            started_on=ago(1),
        )

        # Software development in Łódź (EEA).
        pl = ent(
            "Łódź Software House sp. z o.o.", EntityKind.VENDOR, "PL", Activity.SUPPORT, "Łódź"
        )
        assert pl.id
        transfer(
            pl,
            "PL",
            Role.PROCESSOR,
            "App development and maintenance",
            ["Technical", "Service User"],
            [(Mechanism.ADEQUACY, None)],
            access=Access.REMOTE_ACCESS,
            started_on=ago(1, 6),
        )

        # Overflow call centre in İstanbul with nothing on file: the worst gap.
        tr = ent(
            "İstanbul Çağrı Merkezi A.Ş.", EntityKind.VENDOR, "TR", Activity.SUPPORT, "İstanbul"
        )
        assert tr.id
        transfer(
            tr,
            "TR",
            Role.PROCESSOR,
            "Overflow telephone support",
            ["Identity", "Contact", "Communications"],
            [],
            access=Access.REMOTE_ACCESS,
            started_on=ago(0, 3),
        )

        # Survey tool in Brazil: adequate for the EU since 2026, not approved for the UK.
        br = ent("Pampas Data Labs Ltda.", EntityKind.VENDOR, "BR", Activity.HOSTING, "São Paulo")
        assert br.id
        transfer(
            br,
            "BR",
            Role.PROCESSOR,
            "Customer satisfaction surveys",
            ["Identity", "Contact", "Marketing"],
            [(Mechanism.ADEQUACY, None)],
            started_on=ago(0, 6),
        )

        # Canada: PIPEDA adequacy for a commercial organisation.
        ca = ent("Maple Mail Services Inc.", EntityKind.VENDOR, "CA", Activity.HOSTING, "Toronto")
        assert ca.id
        transfer(
            ca,
            "CA",
            Role.PROCESSOR,
            "Transactional email delivery",
            ["Identity", "Contact"],
            [(Mechanism.ADEQUACY, None)],
            started_on=ago(1, 1),
        )

        # A one-off legal-claim transfer to US counsel under Art 49(1)(e).
        law = ent("Hartley & Crane LLP", EntityKind.VENDOR, "US", Activity.HEADQUARTERS, "New York")
        assert law.id
        der = doc(
            "Art 49(1)(e) record - US litigation support",
            DocumentKind.ART49_DEROGATION,
            [uk.id, law.id],
            derogation=Derogation.E,
            signed_on=ago(0, 2),
            justification="Disclosure to US counsel necessary to defend a claim filed in "
            "the US District Court; limited to the claimant's records.",
        )
        transfer(
            law,
            "US",
            Role.CONTROLLER,
            "Defence of a legal claim",
            ["Identity", "Communications"],
            [(Mechanism.DEROGATION, der)],
            frequency=Frequency.ONE_OFF,
            started_on=ago(0, 2),
        )

        # Proposed supplier, not yet signed: listed, no transfer live yet.
        prop = ent(
            "Quanta Insight AI, Inc.",
            EntityKind.VENDOR,
            "US",
            Activity.HOSTING,
            "Austin, TX",
            lifecycle=Lifecycle.PROPOSED,
            proposed_on=ago(0, 0, 10),
        )
        transfer(
            prop,
            "US",
            Role.PROCESSOR,
            "Support-ticket summarisation (pilot)",
            ["Communications"],
            [],
            started_on=ahead(0, 2),
        )

        # A vendor recorded without any location yet.
        tx.entities.add(
            Entity(
                name="Coastline Print & Mail Ltd",
                kind=EntityKind.VENDOR,
                owner=owner,
                lifecycle=Lifecycle.APPROVED,
                approved_on=ago(0, 1),
                notes="Printing of postal reminders; location to be confirmed.",
            )
        )
        # A customer acting as controller.
        ent(
            "Storage Depot Europe B.V.",
            EntityKind.CUSTOMER,
            "NL",
            Activity.HEADQUARTERS,
            "Rotterdam",
            notes="Facility operator; we process tenant data on its behalf.",
        )
    store.audit.note("demo", "loaded the built-in demo register")
    return store.queries.counts().entities


def demo_copy(doc: Document, parties: list[str], folder: Path, pdf: PdfRenderer) -> Path:
    """A one-page stand-in for the signed file, so the demo's documents open and travel in the
    evidence pack. It says plainly that it is not a real agreement."""
    body = ReportDocument(
        title=doc.title,
        subtitle="Demo copy: not a real agreement",
        author="Transfer Register demo",
        subject=doc.title,
        keywords=("demo",),
        generated_on=doc.signed_on or date(2026, 1, 1),
        footer="Transfer Register demo register",
        heading=Fields(
            (
                ("Document", doc.kind.value.replace("_", " ").upper()),
                ("Parties", "; ".join(parties)),
                ("Signed", doc.signed_on.isoformat() if doc.signed_on else "—"),
                ("Version", doc.instrument_version or "—"),
            )
        ),
        sections=(
            Section(
                "About this file",
                (
                    Para(
                        "This page stands in for the signed agreement in the demo register of a "
                        "fictional group. Attach the real signed file to each document of your "
                        "own register."
                    ),
                ),
            ),
        ),
        number_sections=False,
    )
    path = folder / f"{safe_component(doc.title)}.pdf"
    path.write_bytes(pdf.render(body, invariant=True))
    return path
