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
    DataFormat,
    EegFinding,
    EegRating,
    Enforceability,
    Factor,
    HumanRights,
    KeyHolder,
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

ASSESSOR = "Anita Patel (Privacy Counsel)"
APPROVER = "Maria Santos (General Counsel)"

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DAY_MONTH_YEAR = re.compile(
    r"\b(?:(\d{1,2}) )?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{4})\b"
)
_YEAR = re.compile(r"(?<![\w./§-])((?:19|20)\d{2})(?![\w-])")


def _latest(text: str) -> date | None:
    """The latest date a text mentions (a year alone counts as its first day)."""
    found: list[date] = []
    for d, m, y in _DAY_MONTH_YEAR.findall(text):
        found.append(date(int(y), _MONTHS[m.lower()], int(d) if d else 1))
    found.extend(date(int(y), 1, 1) for y in _YEAR.findall(text))
    return max(found) if found else None


def _source_dates(text: str, profile: CountryProfile) -> list[date]:
    out = []
    for ref in re.findall(r"\b([A-Z]{1,2}-\d+)\b", " ".join(re.findall(r"\[([^\]]+)\]", text))):
        src = profile.source(ref)
        when = _latest(src.citation.date) if src is not None else None
        if when is not None:
            out.append(when)
    return out


def _known_on(fragment: str, on: date, profile: CountryProfile) -> bool:
    """Could this fragment of the profile have been written on ``on``? Not if it, or a source
    it cites, is dated after that day."""
    dates = [d for d in (_latest(fragment), *_source_dates(fragment, profile)) if d]
    return all(d <= on for d in dates)


# Abbreviations whose full stop ends no sentence.
_ABBREVIATIONS = re.compile(r"\b(Pub\. L|Sen|No|Art|Inc|Ltd|St|cf|e\.g|i\.e|U\.S\.C|s|v|paras?)\.")


def _as_it_stood_text(text: str, on: date, profile: CountryProfile) -> str:
    """The sentences and clauses of ``text`` that could have been written on ``on``."""
    guarded = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    parts = re.split(r"(?<=;)\s+|(?<=\.)\s+(?=[A-Z])", guarded)
    kept = [p for p in parts if _known_on(p, on, profile)]
    return " ".join(kept).strip(" ;").replace("\x00", ".")


def as_it_stood(c: TiaContent, on: date, profile: CountryProfile | None) -> TiaContent:
    """The profile part of ``c`` as it could have stood on ``on``: laws and triggers that name
    or cite nothing later, and the assessor's own ratings without the profile's later notes."""
    if profile is None:
        return c
    # A law is shown whole or not at all: one that names or cites a later event is left out.
    laws = tuple(
        law
        for law in c.laws
        if _known_on(law.title, on, profile) and _known_on(law.summary, on, profile)
    )
    triggers = tuple(t for t in c.review_triggers if _known_on(t, on, profile))
    eeg = []
    for e in c.eeg:
        # The profile's rating of its own day is not the assessor's rating of then.
        notes = re.sub(r"^Indicative rating in the country profile: [^.]*\.\s*", "", e.notes)
        eeg.append(replace(e, notes=_as_it_stood_text(notes, on, profile)))
    return replace(c, laws=laws, review_triggers=triggers, eeg=tuple(eeg))


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


class DemoAssessments:
    """Makes the demo's assessments on ``store`` as of ``today``."""

    def __init__(self, store: Store, today: date) -> None:
        self.store = store
        self.today = today
        current = ReferenceSource(parse_bundle(builtin_bundle()))
        self.current = TiaService(store, current)
        # The day the shipped reference data and profiles are as of: assessments approved on
        # or after it use them; earlier ones use the data of their day.
        self.data_as_of = max(current.current.as_of, load_country_profiles().as_of)
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
            profile = load_country_profiles().get(content.destination)
            content = replace(
                as_it_stood(content, drafted, profile),
                profile_as_of=svc.ref.as_of if profile is not None else None,
            )
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
            practice="The parent runs the CRM and the app back end for its own group; it "
            "offers no communication service to the public. Its legal team keeps a log of "
            "government requests and has recorded none for group customer data.",
            eeg=_ratings(
                c,
                "ABCD",
                (
                    EegRating.LARGELY_MET,
                    EegRating.LARGELY_MET,
                    EegRating.PARTLY_MET,
                    EegRating.PARTLY_MET,
                ),
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
            "by EO 14086 with redress before the Data Protection Review Court; the parent is "
            "not a provider of communication services, so the programmes that compel such "
            "providers do not reach this data. For facility operators and tenants the transfer "
            "does not significantly increase the risk.",
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
                        "the parent offers no communication service to the public",
                        "requests for the data are notified to the exporter",
                    ),
                    "The data is ordinary customer and account data of a "
                    "business-to-business service, held by a group company that "
                    "the provider-focused programmes do not reach.",
                ),
                RegimeConclusion(
                    Regime.EU,
                    Conclusion.PROCEED_WITH_MEASURES,
                    ResidualRisk.LOW,
                    (
                        "the parent offers no communication service to the public",
                        "Clause 15 notices keep reaching the exporter",
                    ),
                    "EU customers' data goes to the parent for the same purposes; "
                    "the laws that could compel disclosure do not reach it as a "
                    "group company, and the data is encrypted on the way.",
                ),
            ),
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
            practice="Keystone Access Australia answers support tickets of UK facility "
            "operators; it keeps no copy outside the UK system. It has received no request "
            "from an Australian authority for these records.",
            eeg=_ratings(c, "ABCD", (EegRating.LARGELY_MET,) * 2 + (EegRating.PARTLY_MET,) * 2),
            problematic_law=False,
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
            human_rights=HumanRights.C1,
            human_rights_notes="Australian access powers run through warrants with "
            "independent oversight (IGIS, Commonwealth Ombudsman); the capability notices of "
            "the TOLA Act are addressed to communications providers, which the sister company "
            "is not. Facility operators' contact details and tickets carry little risk.",
            enforceability=Enforceability.D1,
            enforceability_notes="The IDTA is governed by the law of England and Wales and the "
            "sister company accepts the jurisdiction of its courts.",
            conclusions=(
                RegimeConclusion(
                    Regime.UK,
                    Conclusion.PROCEED,
                    ResidualRisk.LOW,
                    ("UK customers' data only; EU data stays in the UK",),
                    "Remote reading of support tickets by a group company whose "
                    "staff are bound by the IDTA.",
                ),
            ),
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
            uk_method="edpb",
            practice="Stratus publishes a twice-yearly transparency report: it has disclosed no "
            "enterprise customer content to a government in the periods it covers, and it "
            "commits to challenge requests for customer data. The laws that reach it as a "
            "provider are limited by EO 14086 (necessity and proportionality) with redress "
            "before the Data Protection Review Court; weighed with that record, they do not "
            "impinge on the clauses for this data.",
            problematic_law=False,
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
                        "Stratus keeps reporting and challenging requests",
                    ),
                    "Stratus can be compelled as a provider of communication "
                    "services, but the powers are limited by EO 14086 with redress "
                    "open to UK individuals; for account and usage data of "
                    "facility operators and tenants, protection taken as a whole "
                    "is not materially lower.",
                ),
                RegimeConclusion(
                    Regime.EU,
                    Conclusion.PROCEED_WITH_MEASURES,
                    ResidualRisk.MEDIUM,
                    (
                        "EO 14086 and the Data Protection Review Court stay in place",
                        "the Court of Justice does not set aside, in C-703/25 P, the "
                        "findings on US law that the assessment relies on",
                    ),
                    "The assessment of US law and practice, not a technical "
                    "measure, carries this conclusion: Stratus needs the data in "
                    "the clear to host the platform.",
                ),
            ),
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
                retention="Until the debt is settled or written off, then one year",
                transmission_channels="SFTP upload of overdue accounts each week",
            ),
            communications_provider=False,
            practice="Not yet asked: the questionnaire to Meridian on requests it has received "
            "is outstanding.",
        )
        return self._made(t, drafted, answers, 12, None)


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
