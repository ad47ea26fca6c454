"""The demo register's transfer impact assessments, made as an assessor and an approver would
have made them, through the real sign-off (``TiaService.sign_off``): prefilled from the
register and the country profile, answered for each transfer in its own words, submitted,
approved with each unverified fact accepted, and frozen.

Each one could have happened. An assessment approved before the shipped reference data was
researched (25 Nov 2026) was made with the data of its day: a reference version of that date
and the country profile as it stood then (``as_it_stood``: nothing it shows is dated after the
approval). One UK-only IDTA transfer (Australia) meets the UK data protection test in force
since 5 Feb 2026; two transfers from the UK and the EU (the group's US parent, a US cloud
host) get a conclusion under each regime; the parent's assessment is overdue and stale, the
cloud host's is stale (a sub-processor was added after approval), Singapore's IDTA expired
after approval, and the Indian debt collector's assessment is a draft.

Names are fictional. The answers are illustrative: the probabilities of the quantitative
estimate are demo inputs, not estimates of any real authority's behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from dateutil.relativedelta import relativedelta

from transfers_app.domain.enums import Regime
from transfers_app.domain.models import Tia, Transfer
from transfers_app.domain.tia import (
    AccessBasis,
    CategoryRisk,
    Conclusion,
    CountryLaw,
    DataFormat,
    EegFinding,
    EegRating,
    Enforceability,
    Factor,
    HumanRights,
    KeyHolder,
    LawItem,
    Measure,
    MeasureKind,
    Quantitative,
    RegimeConclusion,
    ResidualRisk,
    TiaContent,
)
from transfers_app.ports.storage import Store
from transfers_app.reference.assessment_tests import load_assessment_tests
from transfers_app.reference.loader import ReferenceSet, builtin_bundle, parse_bundle
from transfers_app.reference.profiles import CountryProfile, load_country_profiles
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.tia import TiaService
from transfers_app.services.tia_dates import after as event_after
from transfers_app.services.tia_dates import latest_event

ASSESSOR = "Anita Patel (Privacy Counsel)"
APPROVER = "Maria Santos (General Counsel)"


def _cites_later(bracket: str, on: date, profile: CountryProfile) -> list[str]:
    """The sources a marker cites that are dated after ``on``."""
    out = []
    for ref in re.findall(r"\b([A-Z]{1,2}-\d+)\b", bracket):
        src = profile.source(ref)
        when = latest_event(src.citation.date) if src is not None else None
        if when is not None and when > on:
            out.append(ref)
    return out


def _drop_later_sources(text: str, on: date, profile: CountryProfile) -> str | None:
    """``text`` without citations of sources dated after ``on`` (None: every source of a
    marker is later, so what it supports could not have been known)."""
    dead = False

    def trim(m: re.Match[str]) -> str:
        nonlocal dead
        inner = m.group(1)
        if not re.match(r"^(?:[^;]*\s)?S\s", inner):
            return m.group(0)
        later = _cites_later(inner, on, profile)
        refs = re.findall(r"\b([A-Z]{1,2}-\d+)\b(?:\s*\([^()]*\))?", inner)
        if later and len(later) >= len(set(refs)):
            dead = True
            return m.group(0)
        for ref in later:
            inner = re.sub(rf",?\s*\b{ref}\b(?:\s*\([^()]*\))?", "", inner)
        inner = re.sub(r"^S\s*,\s*", "S ", inner)
        return f"[{inner}]"

    out = re.sub(r"\[([^\[\]]+)\]", trim, text)
    return None if dead else out


# Abbreviations whose full stop ends no sentence.
_ABBREVIATIONS = re.compile(r"\b(Pub\. L|Sen|No|Art|Inc|Ltd|St|cf|e\.g|i\.e|U\.S\.C|s|v|paras?)\.")


def _as_it_stood_text(text: str, on: date, profile: CountryProfile) -> str:
    """The sentences and clauses of ``text`` that could have been written on ``on``: none
    naming a later event or resting only on a later source."""
    guarded = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    parts = re.split(r"(?<=;)\s+|(?<=\.)\s+(?=[A-Z])", guarded)
    kept = []
    for p in parts:
        if event_after(p, on):
            continue
        trimmed = _drop_later_sources(p, on, profile)
        if trimmed is not None:
            kept.append(trimmed)
    return " ".join(kept).strip(" ;").replace("\x00", ".")


def _first_told(word: str, profile: CountryProfile) -> date | None:
    """The day the profile's record of events first dates something it calls ``word``
    ("lapse": the statute was set to lapse on 11 Jun 2026)."""
    found = []
    for item in profile.access_laws:
        if "event" not in item.label.lower():
            continue
        for clause in re.split(r";\s+", item.text):
            if re.search(rf"\b{re.escape(word)}\b", clause, re.IGNORECASE):
                when = latest_event(clause)  # the clause's own day, not one it looks back to
                if when is not None:
                    found.append(when)
    return min(found) if found else None


def _law_as_it_stood(law: LawItem, on: date, profile: CountryProfile) -> LawItem | None:
    """A law as it could have been written on ``on`` (None: it names a later event, or what
    its title names, "Effect of the lapse", first happened later)."""
    if event_after(law.title, on):
        return None
    for word in re.findall(r"[a-z]{5,}", law.title):
        first = _first_told(word, profile)
        if first is not None and first > on:
            return None
    summary = _as_it_stood_text(law.summary, on, profile)
    if not summary.strip():
        return None
    return replace(law, summary=summary, verified=law.verified or "[M" not in summary)


def _country_as_it_stood(c: CountryLaw, on: date) -> CountryLaw:
    profile = load_country_profiles().get(c.country)
    if profile is None:
        return c
    laws = tuple(x for law in c.laws if (x := _law_as_it_stood(law, on, profile)) is not None)
    eeg = tuple(
        replace(
            e,
            notes=(notes := _as_it_stood_text(e.notes, on, profile)),
            verified=e.verified or "[M" not in notes,
        )
        for e in c.eeg
    )
    return replace(c, laws=laws, eeg=eeg)


def as_it_stood(c: TiaContent, on: date, profile_date: date | None) -> TiaContent:
    """The profile part of ``c`` as it could have stood on ``on``: laws that name no later
    event, their text and findings without what was written or published later, dated by the
    reference version of the day (``profile_date``)."""
    main = _country_as_it_stood(CountryLaw(c.destination, None, c.laws, c.eeg), on)
    others = tuple(
        replace(
            _country_as_it_stood(x, on), profile_as_of=profile_date if x.profile_as_of else None
        )
        for x in c.other_countries
    )
    return replace(
        c,
        laws=main.laws,
        eeg=main.eeg,
        other_countries=others,
        profile_as_of=profile_date if c.profile_as_of else None,
    )


def reference_of(on: date) -> ReferenceSet:
    """A reference version that could have been in use on ``on``: the first of its month
    (the shipped rows; the demo assessments that use it cite nothing dated later)."""
    bundle = builtin_bundle()
    first = on.replace(day=1)
    bundle["manifest"] = {
        **bundle["manifest"],
        "version": f"{first:%Y.%m.%d}",
        "as_of": first.isoformat(),
        "changelog": [e for e in bundle["manifest"]["changelog"] if e["date"] <= first.isoformat()],
    }
    return parse_bundle(bundle, origin="demo")


def data_date(ref: ReferenceSet) -> date:
    """The latest day the shipped data speaks for: its research date, the date its version
    names, the assessment tests' and the country profiles' dates. An assessment approved
    earlier could not have used it."""
    days = [ref.as_of, load_assessment_tests().as_of, load_country_profiles().as_of]
    m = re.fullmatch(r"(\d{4})\.(\d{2})\.(\d{2})", ref.version)
    if m is not None:
        days.append(date(int(m[1]), int(m[2]), int(m[3])))
    return max(days)


class DemoAssessments:
    """Makes the demo's assessments on ``store`` as of ``today``."""

    def __init__(self, store: Store, today: date) -> None:
        self.store = store
        self.today = today
        current = ReferenceSource(parse_bundle(builtin_bundle()))
        self.current = TiaService(store, current)
        # The day the shipped reference data and profiles are as of: assessments approved on
        # or after it use them; earlier ones use the data of their day.
        # (A clock set before that day, as in tests, can only take the data as it is.)
        self.data_as_of = min(data_date(current.current), today)
        # Recent approvals fall on the data's day (or today, if that is earlier).
        self.fresh = min(today, max(self.data_as_of, today - relativedelta(days=6)))

    def _service(self, on: date) -> TiaService:
        if on >= self.data_as_of:
            return self.current
        ref = reference_of(on)
        tests = replace(load_assessment_tests(), as_of=ref.as_of)
        return TiaService(self.store, ReferenceSource(ref), tests=tests)

    def _made(
        self,
        t: Transfer,
        drafted: date,
        answers: TiaContent,
        cycle: int,
        approved: date | None,
        submitted: date | None = None,
    ) -> Tia:
        svc = self._service(approved or drafted)
        content = answers
        if drafted < self.data_as_of:
            content = as_it_stood(content, drafted, svc.ref.as_of)
        assert t.id is not None
        draft = svc.draft_for(t.id, drafted, assessor=ASSESSOR)
        saved = svc.create(
            replace(draft, review_cycle_months=cycle, content=_merged(draft.content, content))
        )
        if submitted is not None:
            saved = svc.submit_for_review(saved, on=submitted)
        if approved is None:
            return saved
        accept = [f.key for f in svc.unverified_facts(saved, approved)]
        return svc.sign_off(saved, APPROVER, approved, accept=accept)

    def draft(self, t: Transfer) -> TiaContent:
        assert t.id is not None
        content = self.current.draft_for(t.id, self.today, assessor=ASSESSOR).content
        assert content is not None
        return content

    # -- the five assessments ------------------------------------------------------------------

    def group_parent(self, t: Transfer) -> Tia:
        """UK and EU exporter to the US parent (EU SCCs Module 1 with the UK Addendum):
        approved 13 months ago on a 12-month cycle, so its review is overdue."""
        approved = self.today - relativedelta(months=13)
        drafted = approved - relativedelta(days=20)
        c = self.draft(t)
        d = replace(
            c.description,
            purpose="The group's CRM, website and app back end, run by the parent for the group",
            retention="For the customer relationship, then six years for legal claims",
            transmission_channels="TLS 1.3 between the UK and the parent's US data centre; "
            "group single sign-on for staff",
            minimisation="Only the fields the group CRM and the app back end use",
            data_format=DataFormat.CLEAR,
            key_holder=KeyHolder.IMPORTER,
        )
        answers = replace(
            c,
            description=d,
            communications_provider=False,
            intermediary=False,
            critical_infrastructure=False,
            via_provider=True,
            practice="The parent runs the CRM and the app back end for its own group; it "
            "offers no communication service to the public. Its legal team keeps a log of "
            "government requests and has recorded none for group customer data.",
            eeg=_ratings(c, "ABCD", (EegRating.LARGELY_MET,) * 4),
            review_triggers=(
                "s.702 reauthorisation before its sunset of 20 Apr 2026 (content of any new "
                "statute; the definition of electronic communication service providers; query "
                "rules)",
                "any appeal against the General Court's judgment in Latombe (3 Sep 2025)",
                "PCLOB quorum",
                "any amendment or revocation of EO 14086 or 28 CFR Part 201",
            ),
            problematic_law=False,
            measures=(
                Measure(
                    MeasureKind.TECHNICAL,
                    "TLS 1.3 in transit between the UK and the US data centre",
                    "T2",
                    "",
                    True,
                ),
                Measure(
                    MeasureKind.CONTRACTUAL,
                    "Clause 15 made operational in the intra-group "
                    "agreement: notice of any request to the exporter",
                    "C1",
                    "",
                    True,
                ),
                Measure(
                    MeasureKind.ORGANISATIONAL,
                    "Group procedure for government requests, reviewed by the parent's legal team",
                    "O1",
                    "",
                    True,
                ),
            ),
            procedural_steps="None: the measures add to the SCCs without contradicting them.",
            category_risks=_scores(
                d.data_categories, {"Communications": (3, 2), "Service User": (3, 2)}
            ),
            human_rights=HumanRights.C2,
            human_rights_notes="US law is public and its signals-intelligence powers are limited "
            "by EO 14086 with redress before the Data Protection Review Court. s.702, as "
            "broadened by RISAA, is taken to reach the parent; the data is business contact "
            "and account data of facility operators and tenants, of little interest to "
            "foreign intelligence, so the transfer does not significantly increase the risk.",
            enforceability=Enforceability.D2,
            enforceability_notes="The parent signed the intra-group agreement with the UK "
            "Addendum, which makes the clauses enforceable in the courts of England and Wales; "
            "as the group's parent it answers to those courts through its UK subsidiary.",
            conclusions=(
                RegimeConclusion(
                    Regime.UK,
                    Conclusion.PROCEED_WITH_MEASURES,
                    ResidualRisk.LOW,
                    (
                        "EO 14086 and the Data Protection Review Court stay in place",
                        "requests for the data are notified to the exporter",
                    ),
                    "The data is customer and account data of a business-to-business "
                    "service. s.702 as amended by RISAA is taken to reach the parent; "
                    "its use is limited by EO 14086 (necessity and proportionality), "
                    "with redress before the Data Protection Review Court open to UK "
                    "individuals, and requests are notified to the exporter: the risk "
                    "to the people concerned is low.",
                ),
                RegimeConclusion(
                    Regime.EU,
                    Conclusion.PROCEED_WITH_MEASURES,
                    ResidualRisk.LOW,
                    (
                        "EO 14086 and the Data Protection Review Court stay in place",
                        "Clause 15 notices keep reaching the exporter",
                    ),
                    "s.702 as amended by RISAA is taken to reach the parent, which "
                    "needs the data in the clear; the four guarantees are rated "
                    "largely met, as the Commission found in Implementing Decision "
                    "(EU) 2023/1795 for the safeguards of EO 14086, which apply "
                    "whatever the transfer tool, and the General Court upheld that "
                    "decision in Latombe (3 Sep 2025).",
                ),
            ),
        )
        answers = _reasoned(
            answers,
            {
                "RISAA": (
                    True,
                    "It broadened the definition of 'electronic communication service "
                    "providers' so that more private entities can be compelled to assist under "
                    "s.702. The parent offers no communication service to anyone outside the "
                    "group, but it holds the group's data on its own servers in the United "
                    "States; the assessment does not rely on its falling outside the broadened "
                    "class and takes s.702, as amended, to reach it.",
                ),
            },
        )
        return self._made(t, drafted, answers, 12, approved, approved - relativedelta(days=6))

    def australia(self, t: Transfer) -> Tia:
        """UK-only IDTA to the Australian sister company: approved on the reference data's
        day, under the UK data protection test (ICO TRA tool)."""
        approved = self.fresh
        c = self.draft(t)
        d = replace(
            c.description,
            purpose="Answering UK facility operators' support tickets outside UK hours",
            retention="Ticket history for 24 months",
            transmission_channels="Remote access over the group VPN to the UK support system",
            minimisation="Support staff see the contact record and the ticket, not payment data",
        )
        answers = replace(
            c,
            description=d,
            communications_provider=False,
            intermediary=False,
            critical_infrastructure=False,
            via_provider=True,
            practice="Keystone Access Australia answers support tickets of UK facility "
            "operators; it keeps no copy outside the UK system. It has received no request "
            "from an Australian authority for these records.",
            eeg=_ratings(
                c,
                "ABCD",
                (
                    EegRating.LARGELY_MET,
                    EegRating.PARTLY_MET,
                    EegRating.LARGELY_MET,
                    EegRating.PARTLY_MET,
                ),
            ),
            problematic_law=True,
            measures=(
                Measure(
                    MeasureKind.TECHNICAL,
                    "Access only through the group VPN, logged, to the tickets assigned",
                    "T6",
                    "",
                    True,
                ),
            ),
            category_risks=_scores(d.data_categories, {"Communications": (3, 2)}),
            human_rights=HumanRights.C2,
            human_rights_notes="Australian access powers run through warrants with "
            "oversight by the IGIS and the Commonwealth Ombudsman; TOLA notices and the "
            "Identify and Disrupt Act's warrants are taken to reach what the support staff "
            "see. Facility operators' contact details and support tickets carry little risk, "
            "and the staff see only the tickets assigned to them.",
            enforceability=Enforceability.D1,
            enforceability_notes="The IDTA is governed by the law of England and Wales and the "
            "sister company accepts the jurisdiction of its courts.",
            conclusions=(
                RegimeConclusion(
                    Regime.UK,
                    Conclusion.PROCEED_WITH_MEASURES,
                    ResidualRisk.LOW,
                    (
                        "UK customers' data only; EU data stays in the UK",
                        "access only through the group VPN, to the tickets assigned",
                    ),
                    "TOLA notices and Identify and Disrupt warrants can reach what the "
                    "support staff see, and two guarantees are only partly met; but the "
                    "staff read, over an encrypted VPN, only the tickets assigned to them "
                    "(contact details and support requests of facility operators), keep no "
                    "copy, and the IDTA binds the sister company. Judged reasonably and "
                    "proportionately, the protection is not materially lower.",
                ),
            ),
        )
        answers = _reasoned(
            answers,
            {
                "TOLA": (
                    True,
                    "Its notices go to 'designated communications providers', a class the "
                    "profile describes as effectively everyone in the communications supply "
                    "chain. The sister company provides no communication service, but it is "
                    "not excluded with certainty: the assessment takes a notice as able to "
                    "reach it (a notice may not require a systemic weakness).",
                ),
                "Identify and Disrupt": (
                    True,
                    "Its data disruption, network activity and account takeover warrants act "
                    "on computers and accounts, not through an order to the holder: they "
                    "could reach what the support staff see on their screens in Australia.",
                ),
            },
        )
        return self._made(t, approved, answers, 12, approved, approved)

    def singapore(self, t: Transfer) -> Tia:
        """UK-only IDTA to the Singapore sister company, approved 14 months ago on an
        18-month cycle; the IDTA has since expired."""
        approved = self.today - relativedelta(months=14)
        c = self.draft(t)
        d = replace(
            c.description,
            purpose="Regional sales reporting for the Asia-Pacific sales team",
            data_subjects=("Facility operators", "Business contacts"),
            retention="Monthly sales reports kept for three years",
            transmission_channels="Remote access to the UK reporting system over the group VPN",
            minimisation="Aggregated sales figures; names and contact details of account "
            "holders only where a deal needs them",
        )
        answers = replace(
            c,
            description=d,
            communications_provider=False,
            intermediary=False,
            critical_infrastructure=False,
            via_provider=True,
            practice="Keystone Access Asia reads sales reports for the region; no request from "
            "a Singapore authority has been received.",
            eeg=_ratings(c, "ABCD", (EegRating.LARGELY_MET,) + (EegRating.PARTLY_MET,) * 3),
            problematic_law=True,
            measures=(
                Measure(
                    MeasureKind.ORGANISATIONAL,
                    "Reports reduced to what the regional sales team needs",
                    "T5",
                    "",
                    True,
                ),
                Measure(
                    MeasureKind.CONTRACTUAL,
                    "The sister company notifies the exporter of "
                    "any production order it may lawfully disclose",
                    "C1",
                    "",
                    True,
                ),
            ),
            category_risks=_scores(d.data_categories, {"Transaction": (4, 3)}),
            human_rights=HumanRights.C2,
            human_rights_notes="The police may require documents or data without a court order "
            "for an investigation, and there are limited remedies; but the reports hold "
            "business contact and sales data of facility operators, for which the transfer "
            "does not significantly increase the risk.",
            enforceability=Enforceability.D3,
            enforceability_notes="The IDTA is governed by the law of England and Wales; the "
            "sister company accepts the jurisdiction of the English courts.",
            conclusions=(
                RegimeConclusion(
                    Regime.UK,
                    Conclusion.PROCEED_WITH_MEASURES,
                    ResidualRisk.MEDIUM,
                    ("the reports stay limited to what the sales team needs",),
                    "Production orders can reach the data without a court, so "
                    "the residual risk is medium; the data is business contact and "
                    "sales data.",
                ),
            ),
        )
        answers = _reasoned(
            answers,
            {
                "Internal Security Act": (
                    True,
                    "No public framework says whom its preventive powers can compel; the "
                    "assessment takes them as able to reach any holder of data in Singapore, "
                    "the sister company included.",
                ),
            },
        )
        return self._made(t, approved, answers, 18, approved, approved)

    def cloud_host(self, t: Transfer) -> Tia:
        """UK and EU exporter to a US cloud host (EU SCCs Module 2 with the UK Addendum),
        approved on the reference data's day; a sub-processor recorded afterwards makes it
        stale."""
        approved = self.fresh
        c = self.draft(t)
        d = replace(
            c.description,
            purpose="Hosting the customer platform and its data",
            data_subjects=("Facility operators", "Tenants and permitted users"),
            retention="For the term of the hosting contract, then deleted within 90 days",
            transmission_channels="TLS 1.3 from users to the platform; administrative access "
            "by the exporter over a VPN",
            minimisation="No special-category data is stored on the platform",
        )
        answers = replace(
            c,
            description=d,
            communications_provider=True,
            intermediary=True,
            critical_infrastructure=False,
            via_provider=True,
            uk_method="edpb",
            practice="Stratus publishes a twice-yearly transparency report: it has disclosed no "
            "enterprise customer content to a government in the periods it covers, and it "
            "commits to challenge requests for customer data. Its support team in Bengaluru "
            "and its sub-processor there, Indus Support Services, work on the platform around "
            "the clock and can reach the data in the clear.",
            problematic_law=True,
            measures=(
                Measure(
                    MeasureKind.TECHNICAL,
                    "TLS 1.3 in transit to and from the platform",
                    "T2",
                    "",
                    True,
                ),
                Measure(
                    MeasureKind.CONTRACTUAL,
                    "Stratus states which access laws it is subject "
                    "to and how many requests it received",
                    "C2",
                    "",
                    True,
                ),
                Measure(
                    MeasureKind.CONTRACTUAL,
                    "Stratus reviews each request, challenges "
                    "over-broad ones and discloses the minimum",
                    "C3",
                    "",
                    True,
                ),
                Measure(
                    MeasureKind.ORGANISATIONAL,
                    "Stratus's transparency report, reviewed at each renewal",
                    "O2",
                    "",
                    True,
                ),
            ),
            quantitative=Quantitative(
                period_years=5,
                threshold=0.10,
                bases=(
                    AccessBasis(
                        "FISA s.702",
                        (
                            Factor("Data of foreign-intelligence interest", 0.01),
                            Factor("Sought from Stratus rather than elsewhere", 0.2),
                            Factor("Stratus is compelled and its challenge fails", 0.5),
                        ),
                    ),
                    AccessBasis(
                        "CLOUD Act / SCA warrant",
                        (
                            Factor("Data relevant to a US criminal case", 0.005),
                            Factor(
                                "Sought from Stratus rather than by mutual legal assistance", 0.3
                            ),
                            Factor("Motion to quash fails", 0.5),
                        ),
                    ),
                ),
            ),
            conclusions=(
                RegimeConclusion(
                    Regime.UK,
                    Conclusion.PROCEED_WITH_MEASURES,
                    ResidualRisk.MEDIUM,
                    (
                        "EO 14086 and the Data Protection Review Court stay in place",
                        "Stratus confirms within three months whether and how s.702 was "
                        "reauthorised after its sunset",
                        "Stratus keeps reporting and challenging requests",
                    ),
                    "Stratus can be compelled in the United States as a provider of "
                    "communication services, under powers limited by EO 14086 with "
                    "redress open to UK individuals; in India its support team and Indus "
                    "can be required to furnish the data, with weaker oversight and "
                    "remedies. The data is account and usage data of facility operators "
                    "and tenants and images they submitted, with no special "
                    "category data; judged reasonably and proportionately, and with the "
                    "conditions met, the protection is not materially lower.",
                ),
                RegimeConclusion(
                    Regime.EU,
                    Conclusion.SUSPEND,
                    ResidualRisk.HIGH,
                    (
                        "Stratus ends access to EU customers' data from India (its Bengaluru "
                        "team and Indus), leaving support to its US and Irish teams; the "
                        "assessment is then redone for the United States alone",
                    ),
                    "Stratus needs the data in the clear (EDPB Use Case 6), and Indian "
                    "law that reaches its Bengaluru team and Indus (DPDP s.36, the "
                    "Intermediary Guidelines r.3(1)(j), the 2009 Interception Rules) "
                    "meets neither the guarantee of independent oversight nor that of "
                    "effective remedies: no technical measure closes that gap, so EU "
                    "customers' data may not be reached from India.",
                ),
            ),
        )
        answers = replace(
            answers,
            other_countries=tuple(
                replace(
                    x,
                    practice="Stratus reports no request from an Indian authority for customer "
                    "data in its transparency report; its Bengaluru team and Indus reach the "
                    "platform for support, round the clock.",
                )
                if x.country == "IN"
                else x
                for x in answers.other_countries
            ),
        )
        answers = _reasoned(
            answers,
            {
                "IT Act s.69B": (
                    True,
                    "It collects traffic data on the networks for cyber security: the links "
                    "to Bengaluru are encrypted, so who connects to whom and when can be "
                    "collected there, not the content.",
                ),
                "DPDP s.36": (
                    True,
                    "It can require 'any data fiduciary or intermediary' to furnish "
                    "information. Stratus processes this data for the exporter, but it hosts "
                    "content for others, so it is taken to be reachable as an intermediary.",
                ),
                "IT (Intermediary Guidelines) Rules 2021 r.4(2)": (
                    False,
                    "It binds significant social media intermediaries only; Stratus runs no "
                    "social media service.",
                ),
            },
        )
        return self._made(t, approved, answers, 12, approved, approved)

    def debt_collector(self, t: Transfer) -> Tia:
        """The Indian debt collector still on the 2010 SCCs: a draft, half answered."""
        drafted = self.fresh
        c = self.draft(t)
        answers = replace(
            c,
            description=replace(
                c.description,
                purpose="Collecting overdue accounts of UK and EU customers",
                data_subjects=("Customers with overdue accounts",),
                retention="Until the debt is settled or written off, then one year",
                transmission_channels="SFTP upload of overdue accounts each week",
            ),
            communications_provider=False,
            intermediary=False,
            critical_infrastructure=False,
            via_provider=True,
            practice="Not yet asked: the questionnaire to Meridian on requests it has received "
            "is outstanding.",
        )
        return self._made(t, drafted, answers, 12, None)


def _reasoned(c: TiaContent, answers: dict[str, tuple[bool, str]]) -> TiaContent:
    """The assessor's own answer on whether a law reaches the importer, and why, for the laws
    whose reach the profile leaves open (keyed by the start of the law's title)."""

    def answer(laws: tuple[LawItem, ...]) -> tuple[LawItem, ...]:
        out = []
        for law in laws:
            hit = next((v for k, v in answers.items() if law.title.startswith(k)), None)
            out.append(law if hit is None else replace(law, applies=hit[0], reasoning=hit[1]))
        return tuple(out)

    return replace(
        c,
        laws=answer(c.laws),
        other_countries=tuple(replace(x, laws=answer(x.laws)) for x in c.other_countries),
    )


def _rated(country: CountryLaw, letters: str, ratings: Sequence[EegRating]) -> CountryLaw:
    by = dict(zip(letters, ratings, strict=True))
    return replace(
        country, eeg=tuple(replace(e, rating=by.get(e.guarantee, e.rating)) for e in country.eeg)
    )


def _merged(draft: TiaContent | None, answers: TiaContent) -> TiaContent:
    """The answers, keeping the draft's log (who started it, and when)."""
    return replace(answers, log=draft.log if draft is not None else ())


def _ratings(c: TiaContent, letters: str, ratings: Sequence[EegRating]) -> tuple[EegFinding, ...]:
    by = dict(zip(letters, ratings, strict=True))
    return tuple(replace(e, rating=by.get(e.guarantee, e.rating)) for e in c.eeg) or tuple(
        EegFinding(g, r) for g, r in by.items()
    )


def _scores(
    categories: Iterable[str], higher: dict[str, tuple[int, int]]
) -> tuple[CategoryRisk, ...]:
    """The ICO tool's scores: 2 before and 1 after safeguards unless said otherwise."""
    return tuple(CategoryRisk(cat, *higher.get(cat, (2, 1))) for cat in categories)
