"""Transfer impact assessments: prefilled drafts, sign-off, re-assessment, staleness, summary.

The register already knows the parties, countries, data and mechanisms of a transfer; a new
assessment starts from them (and from the destination's country profile), so the assessor
only answers what the register cannot know. ``TiaInputs`` records what the register said when
the assessment was made; when the register drifts, the assessment is stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Frequency, Regime, Severity, TiaStatus
from transfers_app.domain.formatting import (
    MECHANISM_LABELS,
    REGIME_LABELS,
    ROLE_LABELS,
    TIA_STATUS_LABELS,
    country_label,
    day,
    percent,
)
from transfers_app.domain.models import (
    AuditEntry,
    Entity,
    RegisterSnapshot,
    Tia,
    Transfer,
)
from transfers_app.domain.renewals import next_review
from transfers_app.domain.tia import (
    CONCLUSION_LABELS,
    EEG_GUARANTEES,
    EEG_RATING_LABELS,
    ENFORCEABILITY_LABELS,
    HUMAN_RIGHTS_LABELS,
    USE_CASES,
    EegFinding,
    EegRating,
    LawItem,
    TiaContent,
    TiaInputs,
    TransferDescription,
    progress,
    rosenthal,
    stale_reasons,
    tra_decision,
)
from transfers_app.errors import NotFoundError, TransfersError, ValidationError
from transfers_app.ports import RegisterPort
from transfers_app.ports.files import PdfRenderer
from transfers_app.reference.loader import ReferenceSet
from transfers_app.reference.profiles import CountryProfile, Item, Rating, load_country_profiles
from transfers_app.reports.document import (
    Bullets,
    Fields,
    Para,
    ReportDocument,
    Section,
    Table,
    Tone,
)
from transfers_app.rules.destination import assess_destination
from transfers_app.rules.gaps import Gap, GapCode

CLAUSE_14D = (
    "This assessment is documented under Clause 14(d) of the EU Standard Contractual Clauses "
    "(Decision (EU) 2021/914) and, for UK transfers, as the transfer risk assessment (the "
    "'data protection test' of UK GDPR Art 46(1A)). It is kept available to the competent "
    "supervisory authority on request: for the UK, the Information Commission (formerly the "
    "ICO)."
)

ROSENTHAL_CAVEAT = (
    "Method: the Rosenthal (VISCHER) probability method as summarised in the reference data "
    "(legal-facts.md 5.6). Per legal basis the per-year factors are multiplied; "
    "p(year) = 1 − Π(1 − p(basis)); over N years P = 1 − (1 − p(year))^N; years until a "
    "first case at 90 % = ln 0.1 / ln(1 − p(year)). The method's structure is reconstructed "
    "and unverified [M]: check it against the current VISCHER template."
)

TRA_CAVEAT = (
    "The ICO decision points A–F follow a third-party implementation of the ICO TRA tool and "
    "have not been matched against the ICO template text; the 1–5 risk scale is unverified [M]."
)

_FREQUENCY = {
    Frequency.ONE_OFF: "one-off",
    Frequency.PERIODIC: "periodic",
    Frequency.CONTINUOUS: "continuous",
}


# -- the snapshot of inputs --------------------------------------------------------------------


def compute_inputs(
    covered: Sequence[Transfer],
    importer: Entity,
    onward: Iterable[str],
    reference_version: str,
    on: date,
) -> TiaInputs:
    """What the register says today about the transfers an assessment covers."""

    def union(values: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(set(values)))

    return TiaInputs(
        taken_on=on,
        importer_id=importer.id or 0,
        importer_name=importer.name,
        countries=union(t.destination for t in covered),
        mechanisms=tuple(dict.fromkeys(m.mechanism.value for t in covered for m in t.mechanisms)),
        data_categories=union(c for t in covered for c in t.data_categories),
        data_subjects=union(s for t in covered for s in t.data_subjects),
        subprocessors=union(onward),
        reference_version=reference_version,
        transfer_ids=tuple(sorted(t.id for t in covered if t.id is not None)),
    )


def _onward_of(
    importer_id: int, transfers: Iterable[Transfer], names: Mapping[int, str]
) -> list[str]:
    """The importer's own onward transfers (its subprocessors), as 'Name (CC)'."""
    return [
        f"{names.get(t.importer_id, t.importer_id)} ({t.destination})"
        for t in transfers
        if t.exporter_id == importer_id and t.archived_at is None and t.ended_on is None
    ]


def stale_gaps(
    snap: RegisterSnapshot,
    reference_version: str,
    on: date,
    load_transfer: Callable[[int], Transfer],
) -> list[Gap]:
    """A gap for every approved, current assessment whose inputs the register has left behind.

    The snapshot's transfers are lean (no data categories): the few transfers that approved
    assessments cover are read whole with ``load_transfer``.
    """
    approved = [
        x
        for x in snap.tias
        if x.status is TiaStatus.APPROVED and x.archived_at is None and x.inputs is not None
    ]
    if not approved:
        return []
    by_exporter: dict[int, list[Transfer]] = defaultdict(list)
    for t in snap.transfers:
        by_exporter[t.exporter_id].append(t)
    names = {i: e.name for i, e in snap.entities.items()}
    out = []
    for tia in approved:
        assert tia.inputs is not None
        live = []
        for i in tia.transfer_ids:
            try:
                t = load_transfer(i)
            except NotFoundError:
                continue
            if t.archived_at is None:
                live.append(t)
        if not live:
            continue  # nothing left to assess: the transfer's own status says so
        importer = snap.entities.get(live[0].importer_id)
        if importer is None:
            continue
        now = compute_inputs(
            live,
            importer,
            _onward_of(importer.id or 0, by_exporter.get(importer.id or 0, ()), names),
            reference_version,
            on,
        )
        reasons = stale_reasons(tia.inputs, now)
        if reasons:
            out.append(
                Gap(
                    GapCode.TIA_STALE,
                    Severity.MEDIUM,
                    f"assessment {tia.reference} no longer matches the register: "
                    + "; ".join(reasons),
                    tia.transfer_id,
                    importer.id,
                )
            )
    return out


# -- the service ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str = ""
    ico_registration: str = ""


ORG_NAME = "organisation.name"
ORG_ICO = "organisation.ico_registration"


def organisation_of(repo: RegisterPort) -> Organisation:
    """The organisation that keeps the register (settings), for report headers."""
    return Organisation(repo.get_setting(ORG_NAME) or "", repo.get_setting(ORG_ICO) or "")


class TiaService:
    def __init__(
        self, repo: RegisterPort, ref: ReferenceSet, pdf: PdfRenderer | None = None
    ) -> None:
        self.repo = repo
        self.ref = ref
        self.pdf = pdf  # None: this service writes no PDF (checks and edits only)

    # inputs and staleness

    def _covered(self, tia: Tia) -> list[Transfer]:
        return [self.repo.get_transfer(i) for i in tia.transfer_ids]

    def inputs_for(self, transfers: Sequence[Transfer], on: date) -> TiaInputs:
        if not transfers:
            raise ValidationError("transfer", "an assessment covers at least one transfer")
        importers = {t.importer_id for t in transfers}
        if len(importers) > 1:
            raise ValidationError(
                "transfers", "one assessment covers transfers to one importer only"
            )
        importer = self.repo.get_entity(transfers[0].importer_id)
        onward_transfers = self.repo.transfers_of(importer.id or 0)
        ids = {t.importer_id for t in onward_transfers}
        names = self.repo.names_of(sorted(ids))
        return compute_inputs(
            transfers,
            importer,
            _onward_of(importer.id or 0, onward_transfers, names),
            self.ref.version,
            on,
        )

    def stale_reasons(self, tia: Tia, on: date) -> list[str]:
        if tia.inputs is None:
            return []
        live = [t for t in self._covered(tia) if t.archived_at is None]
        if not live:
            return ["the transfers it covers have been archived"]
        return stale_reasons(tia.inputs, self.inputs_for(live, on))

    def regimes_of(self, t: Transfer) -> tuple[Regime, ...]:
        if t.regimes:
            return t.regimes
        return self.repo.get_entity(t.exporter_id).exporter_regimes

    # drafting

    def draft_for(
        self,
        transfer_id: int,
        on: date,
        assessor: str = "",
        extra_transfer_ids: Sequence[int] = (),
    ) -> Tia:
        """A new draft assessment prefilled from the register and the country profile."""
        t = self.repo.get_transfer(transfer_id)
        extra = [self.repo.get_transfer(i) for i in extra_transfer_ids]
        covered = [t, *extra]
        inputs = self.inputs_for(covered, on)
        importer = self.repo.get_entity(t.importer_id)
        locations = sorted({loc.country for loc in self.repo.locations_of(importer.id or 0)})
        special = []
        if any(x.special_category for x in covered):
            special.append("special-category data (Art 9)")
        if any(x.criminal_data for x in covered):
            special.append("criminal-offence data (Art 10)")
        description = TransferDescription(
            purpose="; ".join(dict.fromkeys(x.purpose for x in covered if x.purpose)),
            nature_of_processing="; ".join(dict.fromkeys(x.service for x in covered if x.service)),
            data_categories=inputs.data_categories,
            data_subjects=inputs.data_subjects,
            special_categories=", ".join(special),
            volume=str(t.volume.value) if t.volume else "",
            frequency=_FREQUENCY[t.frequency],
            storage_locations=tuple(dict.fromkeys([*inputs.countries, *locations])),
            onward_transfers=inputs.subprocessors,
        )
        content = TiaContent(
            description=description,
            destination=t.destination,
            eeg=tuple(EegFinding(g) for g in EEG_GUARANTEES),
        )
        content = prefill_from_profile(content, t.destination)
        regimes = tuple(dict.fromkeys(r for x in covered for r in self.regimes_of(x)))
        name = importer.name
        return Tia(
            transfer_id=t.id or 0,
            status=TiaStatus.DRAFT,
            assessor=assessor,
            title=f"{name}: {country_name(t.destination)}",
            regimes=regimes,
            extra_transfer_ids=tuple(x.id or 0 for x in extra),
            content=content,
            inputs=inputs,
        )

    def create(self, tia: Tia) -> Tia:
        return self.repo.add_tia(tia)

    def save(self, tia: Tia) -> Tia:
        """Save edits; an approved assessment edited in place goes back to draft."""
        if tia.id is None:
            return self.repo.add_tia(tia)
        return self.repo.update_tia(tia)

    def sign_off_problems(self, tia: Tia, approver: str) -> list[str]:
        problems: list[str] = []
        if tia.content is None:
            return ["the assessment has no content yet"]
        uk = Regime.UK in tia.regimes
        problems.extend(f"{s.title}: {s.missing}" for s in progress(tia.content, uk) if not s.done)
        if not approver.strip():
            problems.append("name the approver")
        elif approver.strip().casefold() == tia.assessor.strip().casefold():
            problems.append("the approver must be someone other than the assessor")
        if not tia.assessor.strip():
            problems.append("name the assessor")
        return problems

    def approve(self, tia: Tia, approver: str, on: date) -> Tia:
        """Sign off: every step answered, a second person approves, the next review is set
        from the review cycle and the register's current state becomes the basis."""
        problems = self.sign_off_problems(tia, approver)
        if problems:
            raise ValidationError("sign-off", "; ".join(problems))
        cycle = tia.review_cycle_months or 12
        with self.repo.transaction():
            fresh = self.inputs_for(self._covered(tia), on)
            approved = replace(
                tia,
                status=TiaStatus.APPROVED,
                approver=approver.strip(),
                approved_on=on,
                next_review_on=next_review(on, cycle),
                inputs=fresh,
            )
            return self.save(approved)

    def submit_for_review(self, tia: Tia) -> Tia:
        return self.save(replace(tia, status=TiaStatus.IN_REVIEW))

    def reassess(self, tia: Tia, on: date, why: str) -> Tia:
        """Reopen an approved assessment: a new draft revision with the current inputs; the
        approved one stays in force (and in the history) until the new one is approved."""
        if tia.status is not TiaStatus.APPROVED:
            raise ValidationError("status", "only an approved assessment can be reassessed")
        if not why.strip():
            raise ValidationError("reason", "say why the assessment is reopened")
        inputs = self.inputs_for(self._covered(tia), on)
        new = replace(
            tia,
            id=None,
            status=TiaStatus.DRAFT,
            approver="",
            approved_on=None,
            next_review_on=None,
            inputs=inputs,
            change_note=why.strip(),
            revision=tia.revision + 1,
            series_id=tia.series_id or tia.id,
            version=0,
        )
        return self.repo.add_tia(new)

    def approve_revision(self, tia: Tia, approver: str, on: date) -> Tia:
        """Approve a revision and supersede the earlier approved one, in one transaction."""
        with self.repo.transaction():
            saved = self.approve(tia, approver, on)
            for old in self.repo.tia_history(saved.series_id or saved.id or 0):
                if old.id != saved.id and old.status is TiaStatus.APPROVED:
                    self.repo.update_tia(replace(old, status=TiaStatus.SUPERSEDED))
            return saved

    def sign_off(self, tia: Tia, approver: str, on: date) -> Tia:
        """What the app calls: approve, superseding any earlier approved revision."""
        return self.approve_revision(tia, approver, on)

    def history(self, tia: Tia) -> list[Tia]:
        return self.repo.tia_history(tia.series_id or tia.id or 0)

    def change_log(self, tia: Tia) -> list[AuditEntry]:
        out: list[AuditEntry] = []
        for rev in self.history(tia):
            if rev.id is not None:
                out.extend(self.repo.audit_log(limit=200, table="tias", record_id=rev.id))
        return sorted(out, key=lambda a: (a.at, a.id or 0))

    # the summary document

    def organisation(self) -> Organisation:
        return organisation_of(self.repo)

    def export_pdf(self, tia_id: int, on: date, path: Path) -> Path:
        """Write the assessment's summary PDF (atomically: no half-written file on failure)."""
        if self.pdf is None:
            raise TransfersError("PDF export is not available here: no PDF renderer was given")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.pdf.write(self.report(tia_id, on, self.organisation()), path)
        return path

    def report(
        self, tia_id: int, on: date, organisation: Organisation | None = None
    ) -> ReportDocument:
        tia = self.repo.get_tia(tia_id)
        return build_report(self, tia, on, organisation or Organisation())


# -- country profiles ---------------------------------------------------------------------------


def prefill_from_profile(content: TiaContent, destination: str) -> TiaContent:
    """Start the destination section from the shipped country profile, where there is one:
    its access laws and redress (with sources, unverified facts flagged), its indicative
    ratings against the four guarantees and its review triggers. The assessor edits them."""
    profile = load_country_profiles().get(destination)
    if profile is None:
        return content
    return profile_content(content, profile)


_RATINGS = {
    Rating.LARGELY_MET: EegRating.LARGELY_MET,
    Rating.PARTLY_MET: EegRating.PARTLY_MET,
    Rating.NOT_MET: EegRating.NOT_MET,
    Rating.OPEN: EegRating.OPEN,
}


def _law(title: str, item: Item) -> LawItem:
    return LawItem(
        title=title,
        summary=item.text,
        sources=tuple(dict.fromkeys(r.url or r.ref for r in item.refs)),
        verified=item.verified,
    )


def profile_content(content: TiaContent, profile: CountryProfile) -> TiaContent:
    laws = [_law(x.label or "Access law", x) for x in profile.access_laws]
    laws.extend(_law("Redress", x) for x in profile.redress)
    eeg = []
    for e in profile.eeg:
        note = e.facts.text
        if e.rating_qualifier:
            note = f"Profile rating: {e.rating.value} {e.rating_qualifier}. {note}"
        eeg.append(EegFinding(e.letter, _RATINGS.get(e.rating, EegRating.OPEN), note))
    return replace(
        content,
        profile_as_of=profile.as_of,
        laws=tuple(laws),
        eeg=tuple(eeg) or content.eeg,
        review_triggers=tuple(x.text for x in profile.review_triggers),
    )


# -- report -----------------------------------------------------------------------------------


def _yes_no(v: bool | None, unanswered: str = "Not answered") -> str:
    return unanswered if v is None else ("Yes" if v else "No")


def _action(a: AuditEntry) -> str:
    return {"create": "Created", "update": "Edited", "archive": "Archived"}.get(
        a.action, a.action.capitalize()
    )


def build_report(svc: TiaService, tia: Tia, on: date, org: Organisation) -> ReportDocument:
    repo = svc.repo
    c = tia.content or TiaContent()
    d = c.description
    covered = svc._covered(tia)
    t = covered[0]
    exporter = repo.get_entity(t.exporter_id)
    importer = repo.get_entity(t.importer_id)
    uk = Regime.UK in tia.regimes
    stale = svc.stale_reasons(tia, on) if tia.status is TiaStatus.APPROVED else []

    heading = Fields(
        (
            ("Assessment", tia.reference),
            ("Status", TIA_STATUS_LABELS[tia.status]),
            ("Regimes", ", ".join(REGIME_LABELS[r] for r in tia.regimes) or "—"),
            ("Exporter", exporter.legal_name or exporter.name),
            ("Importer", importer.legal_name or importer.name),
            ("Destination", country_label(c.destination or t.destination)),
            ("Assessor", tia.assessor or "—"),
            ("Approver", tia.approver or "—"),
            ("Approved on", day(tia.approved_on)),
            ("Next review", day(tia.next_review_on)),
        )
    )
    sections: list[Section] = []

    # 1. Transfer description (Annex I.B)
    transfers_rows = tuple(
        (
            f"T{x.id}",
            f"{repo.get_entity(x.exporter_id).name} → {importer.name}",
            country_label(x.destination),
            ROLE_LABELS[x.importer_role],
            x.service or "—",
        )
        for x in covered
    )
    blocks: list[object] = [
        Fields(
            (
                ("Purpose", d.purpose or "—"),
                ("Nature of the processing", d.nature_of_processing or "—"),
                ("Categories of personal data", ", ".join(d.data_categories) or "—"),
                ("Categories of data subjects", ", ".join(d.data_subjects) or "—"),
                ("Sensitive data", d.special_categories or "None"),
                ("Vulnerable data subjects", _yes_no(d.vulnerable_subjects)),
                ("Frequency", d.frequency or "—"),
                ("Volume", d.volume or "—"),
                ("Retention", d.retention or "—"),
                ("Format of the data", d.data_format.value),
                ("Transmission channels", d.transmission_channels or "—"),
                (
                    "Storage and access locations",
                    ", ".join(map(country_label, d.storage_locations)) or "—",
                ),
                ("Data minimisation", d.minimisation or "—"),
            )
        ),
        Table(
            ("Transfer", "Parties", "Destination", "Importer role", "Service"),
            transfers_rows,
            (1, 4, 2.2, 1.6, 3),
            caption="Transfers covered by this assessment",
        ),
        Table(
            ("Onward transfer / sub-processor",),
            tuple((o,) for o in d.onward_transfers),
            caption="Onward transfers and sub-processors",
        ),
    ]
    sections.append(Section("Transfer description", tuple(blocks)))  # type: ignore[arg-type]

    # 2. Transfer tool
    tool_rows = []
    for x in covered:
        for pos, m in enumerate(x.mechanisms):
            doc = repo.get_document(m.document_id) if m.document_id else None
            tool_rows.append(
                (
                    f"T{x.id}",
                    ("Primary" if pos == 0 else "Fallback"),
                    MECHANISM_LABELS.get(m.mechanism, m.mechanism.value),
                    doc.title if doc else "—",
                    day(doc.signed_on) if doc else "—",
                    day(doc.expires_on) if doc else "—",
                )
            )
    findings = []
    for r in tia.regimes:
        a = assess_destination(svc.ref, r, t.destination, on, t.importer_role, t.exporter_role)
        ref = ""
        if a.decision is not None and a.decision.reference not in a.reason:
            ref = f" ({a.decision.reference})"
        line = f"{REGIME_LABELS[r]}: {a.reason}{ref}"
        if a.scc_module:
            line += f"; SCC Module {a.scc_module} applies to these roles"
        findings.append(line)
    sections.append(
        Section(
            "Transfer tool",
            (
                Table(
                    ("Transfer", "Use", "Mechanism", "Document", "Signed", "Expires"),
                    tuple(tool_rows),
                    (1, 1.3, 2, 4, 1.5, 1.5),
                    empty_text="No mechanism recorded on the register.",
                ),
                Bullets(tuple(findings)),
                Para(c.tool_notes or "No further notes on the transfer tool."),
            ),
        )
    )

    # 3. Data risk (ICO Q2)
    risk_rows = tuple(
        (r.category, str(r.inherent or "—"), str(r.residual or "—")) for r in c.category_risks
    )
    decision = tra_decision(c)
    risk_blocks: list[object] = [
        Table(
            ("Category of personal data", "Inherent risk (1–5)", "Residual risk (1–5)"),
            risk_rows,
            (4, 2, 2),
            empty_text="Categories not scored.",
        ),
        Fields(
            (
                ("Sensitive data", d.special_categories or "None"),
                ("Vulnerable data subjects", _yes_no(d.vulnerable_subjects)),
                ("Harm risk (decision A)", decision.harm or "not scored"),
                ("Investigation level (decision B)", decision.investigation.value or "none needed"),
            )
        ),
    ]
    if uk:
        risk_blocks.append(Para(TRA_CAVEAT, Tone.NOTE))
    sections.append(Section("Risk of the data", tuple(risk_blocks)))  # type: ignore[arg-type]

    # 4. Destination law and practice
    law_rows = []
    flagged = []
    # Sources are numbered once, like footnotes: the same page is often cited by many rows.
    source_no: dict[str, int] = {}
    for i, law in enumerate(c.laws):
        if not law.verified:
            flagged.append(i)
        refs = [source_no.setdefault(src, len(source_no) + 1) for src in law.sources]
        law_rows.append(
            (
                law.title + ("" if law.verified else " [unverified]"),
                law.summary,
                "Yes" if law.applies else "No",
                " ".join(f"[{n}]" for n in refs) or "—",
            )
        )
    eeg_rows = tuple(
        (
            f"{e.guarantee}. {EEG_GUARANTEES.get(e.guarantee, '')}",
            EEG_RATING_LABELS[e.rating],
            e.notes,
        )
        for e in c.eeg
    )
    dest_blocks: list[object] = [
        Para(
            f"Destination: {country_label(c.destination)}."
            + (f" Country profile as of {day(c.profile_as_of)}." if c.profile_as_of else "")
        ),
        Table(
            ("Law or practice", "What it allows", "Applies", "Sources"),
            tuple(law_rows),
            (2.2, 6.2, 0.9, 1.3),
            caption="Laws and practices relevant to the importer (Clause 14(b)(ii))",
            flagged=tuple(flagged),
        ),
        Table(
            ("No.", "Source"),
            tuple((f"[{n}]", src) for src, n in source_no.items()),
            (0.6, 9),
            caption="Sources consulted",
            empty_text="No sources recorded.",
        ),
        Table(
            ("European Essential Guarantee", "Rating", "Findings"),
            eeg_rows,
            (3.5, 1.4, 5),
            caption="Assessment against the European Essential Guarantees (EDPB 02/2020)",
        ),
        Fields(
            (
                ("Specific circumstances (Clause 14(b)(i))", c.circumstances or "—"),
                ("Practical experience and sources", c.practice or "—"),
                ("Problematic legislation applies", _yes_no(c.problematic_law)),
            )
        ),
    ]
    if flagged:
        dest_blocks.append(
            Para(
                f"{len(flagged)} of the facts above are marked unverified in the reference "
                "profile: check them against a source before relying on them.",
                Tone.WARNING,
            )
        )
    sections.append(Section("Destination law and practice", tuple(dest_blocks)))  # type: ignore[arg-type]

    # 5. Enforceability and human rights (ICO Q4, Q5)
    sections.append(
        Section(
            "Enforceability and human rights",
            (
                Fields(
                    (
                        ("Human rights (Q4)", HUMAN_RIGHTS_LABELS[c.human_rights]),
                        ("Notes", c.human_rights_notes or "—"),
                        ("Enforceability (Q5)", ENFORCEABILITY_LABELS[c.enforceability]),
                        ("Notes", c.enforceability_notes or "—"),
                        (
                            "Exceptions for significant-risk data (Q6)",
                            _yes_no(
                                c.exceptions_apply,
                                "Not needed"
                                if decision.significant_risk is False
                                else "Not answered",
                            ),
                        ),
                        ("TRA outcome", decision.outcome or "open"),
                        ("Reasoning", decision.explanation),
                    )
                ),
            ),
        )
    )

    # 6. Supplementary measures
    measure_rows = tuple(
        (
            m.kind.value.capitalize(),
            m.code or "—",
            m.description,
            (f"{m.use_case}: {USE_CASES[m.use_case][0]}" if m.use_case in USE_CASES else "—"),
            "In place" if m.in_place else "Planned",
        )
        for m in c.measures
    )
    sections.append(
        Section(
            "Supplementary measures",
            (
                Table(
                    ("Kind", "Code", "Measure", "EDPB use case", "State"),
                    measure_rows,
                    (1.9, 0.8, 5, 3, 1.1),
                    flagged=tuple(i for i, m in enumerate(c.measures) if not m.in_place),
                ),
                Para(
                    "Procedural steps: " + (c.procedural_steps or "none needed."),
                ),
            ),
        )
    )

    # 7. Quantitative estimate (optional)
    if c.quantitative is not None and c.quantitative.bases:
        q = c.quantitative
        res = rosenthal(q)
        rows = []
        for b, est in zip(q.bases, res.bases, strict=True):
            factors = "; ".join(f"{f.label} {percent(f.probability)}" for f in b.factors)
            rows.append((b.name, factors or "—", percent(est.per_year)))
        years = "never" if res.years_at_90 is None else f"{res.years_at_90:,.0f} years"
        sections.append(
            Section(
                "Quantitative estimate of prohibited lawful access",
                (
                    Table(
                        ("Legal basis", "Per-year factors", "Per year"),
                        tuple(rows),
                        (2.5, 6, 1.4),
                    ),
                    Fields(
                        (
                            ("Probability per year", percent(res.per_year)),
                            (f"Probability over {q.period_years} years", percent(res.cumulative)),
                            ("At least one case, with 90 % probability, within", years),
                            (
                                "Organisation's threshold",
                                f"{percent(q.threshold)} over {q.period_years} years",
                            ),
                            (
                                "Result",
                                "Within the threshold"
                                if res.within_threshold
                                else "ABOVE the threshold",
                            ),
                        )
                    ),
                    Para(ROSENTHAL_CAVEAT, Tone.NOTE),
                ),
            )
        )

    # 8. Conclusion
    conclusion_blocks: list[object] = [
        Fields(
            (
                ("Conclusion", CONCLUSION_LABELS[c.conclusion]),
                ("Residual risk", c.residual_risk.value or "not rated"),
                ("Reasoning", c.conclusion_text or "—"),
                ("Art 49 fallback", c.art49_fallback or "None"),
            )
        )
    ]
    if stale:
        conclusion_blocks.append(
            Para(
                "This assessment no longer matches the register and must be reviewed: "
                + "; ".join(stale)
                + ".",
                Tone.WARNING,
            )
        )
    sections.append(Section("Conclusion and residual risk", tuple(conclusion_blocks)))  # type: ignore[arg-type]

    # 9. Sign-off, review triggers, change log
    log_rows = tuple(
        (
            a.at.strftime("%d %b %Y %H:%M"),
            a.actor,
            f"{_action(a)} revision {_revision_of(a)}",
        )
        for a in svc.change_log(tia)
    )
    revisions = tuple(
        (
            f"v{r.revision}",
            TIA_STATUS_LABELS[r.status],
            day(r.approved_on),
            r.approver or "—",
            r.change_note or ("First assessment" if r.revision == 1 else "—"),
        )
        for r in svc.history(tia)
    )
    sections.append(
        Section(
            "Sign-off, review and change log",
            (
                Fields(
                    (
                        ("Assessor", tia.assessor or "—"),
                        ("Approver", tia.approver or "—"),
                        ("Approved on", day(tia.approved_on)),
                        ("Review cycle", f"{tia.review_cycle_months or 12} months"),
                        ("Next review", day(tia.next_review_on)),
                        (
                            "Register snapshot taken",
                            day(tia.inputs.taken_on if tia.inputs else None),
                        ),
                        (
                            "Reference data",
                            tia.inputs.reference_version if tia.inputs else svc.ref.version,
                        ),
                    )
                ),
                Para("Events that reopen this assessment (EDPB step 6):"),
                Bullets(
                    tuple(c.review_triggers)
                    or (
                        "Change of law in the destination, of importer, or of the data transferred",
                    )
                ),
                Table(
                    ("Revision", "Status", "Approved", "Approver", "Why"),
                    revisions,
                    (1, 1.4, 1.5, 2, 5),
                    caption="Revisions",
                ),
                Table(("When", "Who", "What"), log_rows, (2, 2.5, 5), caption="Change log"),
            ),
        )
    )

    draft = tia.status is not TiaStatus.APPROVED
    org_name = org.name or (exporter.legal_name or exporter.name)
    return ReportDocument(
        title="Transfer impact assessment",
        subtitle=f"{tia.title or importer.name} — {tia.reference}",
        author=tia.assessor or org_name,
        subject=(
            f"Transfer impact assessment {tia.reference}: {importer.name} "
            f"({c.destination or t.destination})"
        ),
        keywords=("TIA", "transfer risk assessment", "Clause 14", tia.reference),
        generated_on=on,
        footer=f"{org_name} · {tia.reference} · record version {tia.version}",
        heading=heading,
        sections=tuple(sections),
        draft=draft,
        cover_statement=CLAUSE_14D,
    )


def _revision_of(a: AuditEntry) -> str:
    import json

    try:
        body = json.loads(a.after or a.before or "{}")
    except ValueError:
        return "?"
    return str(body.get("revision", "?"))
