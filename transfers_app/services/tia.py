"""Transfer impact assessments: prefilled drafts, sign-off, re-assessment, staleness, summary.

The register already knows the parties, countries, data and mechanisms of a transfer; a new
assessment starts from them (and from the destination's country profile), so the assessor
only answers what the register cannot know. ``TiaInputs`` records what the register said when
the assessment was made; when the register drifts, the assessment is stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NamedTuple, Protocol

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Frequency, Regime, Severity, TiaStatus
from transfers_app.domain.models import (
    AuditEntry,
    Document,
    MechanismUse,
    Tia,
    Transfer,
)
from transfers_app.domain.readmodels import RulesSnapshot, TransferFacts
from transfers_app.domain.renewals import next_review
from transfers_app.domain.tia import (
    EEG_GUARANTEES,
    EegFinding,
    EegRating,
    LawItem,
    TiaContent,
    TiaInputs,
    TransferDescription,
    progress,
    stale_reasons,
)
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.ports.files import PdfRenderer
from transfers_app.ports.storage import Store
from transfers_app.reference.loader import ReferenceSet
from transfers_app.reference.profiles import CountryProfile, Item, Rating, load_country_profiles
from transfers_app.reports.document import ReportDocument
from transfers_app.rules.gaps import Gap, GapCode
from transfers_app.services.organisation import Organisation, organisation_of
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.tia_report import build_report

_FREQUENCY = {
    Frequency.ONE_OFF: "one-off",
    Frequency.PERIODIC: "periodic",
    Frequency.CONTINUOUS: "continuous",
}


# -- the snapshot of inputs --------------------------------------------------------------------


class CoveredTransfer(Protocol):
    """What an assessment's inputs record of a transfer it covers (``Transfer``'s fields)."""

    @property
    def id(self) -> int | None: ...
    @property
    def destination(self) -> str: ...
    @property
    def mechanisms(self) -> tuple[MechanismUse, ...]: ...
    @property
    def data_categories(self) -> tuple[str, ...]: ...
    @property
    def data_subjects(self) -> tuple[str, ...]: ...


class Named(Protocol):
    """An entity's id and name (``Entity``, ``EntityFacts``)."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...


class _Covered(NamedTuple):
    """A covered transfer from the rules' snapshot: its facts and the data it carries."""

    id: int | None
    destination: str
    mechanisms: tuple[MechanismUse, ...]
    data_categories: tuple[str, ...]
    data_subjects: tuple[str, ...]
    importer_id: int


def compute_inputs(
    covered: Sequence[CoveredTransfer],
    importer: Named,
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
    importer_id: int, transfers: Iterable[Transfer | TransferFacts], names: Mapping[int, str]
) -> list[str]:
    """The importer's own onward transfers (its subprocessors), as 'Name (CC)'."""
    return [
        f"{names.get(t.importer_id, t.importer_id)} ({t.destination})"
        for t in transfers
        if t.exporter_id == importer_id and t.archived_at is None and t.ended_on is None
    ]


def stale_gaps(snap: RulesSnapshot, reference_version: str, on: date) -> list[Gap]:
    """A gap for every approved, current assessment whose inputs the register has left behind.

    The data the covered transfers carry comes with the snapshot (``transfer_data``): nothing
    is read per transfer.
    """
    approved = [
        x
        for x in snap.tias
        if x.status is TiaStatus.APPROVED and x.archived_at is None and x.inputs is not None
    ]
    if not approved:
        return []
    by_exporter: dict[int, list[TransferFacts]] = defaultdict(list)
    by_id: dict[int | None, TransferFacts] = {}
    for t in snap.transfers:
        by_exporter[t.exporter_id].append(t)
        by_id[t.id] = t
    names = {i: e.name for i, e in snap.entities.items()}
    out = []
    for tia in approved:
        assert tia.inputs is not None
        live = []
        for i in tia.transfer_ids:
            facts, data = by_id.get(i), snap.transfer_data.get(i)
            if facts is None or data is None:
                continue  # archived (or gone): the snapshot holds live transfers only
            live.append(
                _Covered(
                    facts.id,
                    facts.destination,
                    facts.mechanisms,
                    data.data_categories,
                    data.data_subjects,
                    facts.importer_id,
                )
            )
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


class TiaService:
    def __init__(
        self, store: Store, reference: ReferenceSource, pdf: PdfRenderer | None = None
    ) -> None:
        self.store = store
        self.reference = reference
        self.pdf = pdf  # None: this service writes no PDF (checks and edits only)

    @property
    def ref(self) -> ReferenceSet:
        """The reference data in use (a new draft starts from it)."""
        return self.reference.current

    # reads

    def get(self, tia_id: int) -> Tia:
        """With its content."""
        return self.store.assessments.get(tia_id)

    def assessments(self) -> list[Tia]:
        """The live assessments by id, without their content."""
        return self.store.assessments.list()

    def of_transfer(self, transfer_id: int) -> list[Tia]:
        """The live assessments made for this transfer (without their content)."""
        return [x for x in self.store.assessments.list() if x.transfer_id == transfer_id]

    def transfers(self, ids: Iterable[int]) -> dict[int, Transfer]:
        """The transfers of these ids that are on the register (archived ones too)."""
        return self.store.transfers.get_many(ids)

    def names(self, ids: Iterable[int]) -> dict[int, str]:
        return self.store.names.names(sorted(set(ids)))

    def documents(self, ids: Iterable[int]) -> dict[int, Document | None]:
        """The documents of these ids (None for one that cannot be read)."""
        out: dict[int, Document | None] = {}
        for i in ids:
            if i not in out:
                try:
                    out[i] = self.store.documents.get(i)
                except TransfersError:
                    out[i] = None
        return out

    # inputs and staleness

    def covered(self, tia: Tia) -> list[Transfer]:
        """The transfers it covers (NotFoundError if one is not on the register)."""
        return [self.store.transfers.get(i) for i in tia.transfer_ids]

    def inputs_for(self, transfers: Sequence[Transfer], on: date) -> TiaInputs:
        if not transfers:
            raise ValidationError("transfer", "an assessment covers at least one transfer")
        importers = {t.importer_id for t in transfers}
        if len(importers) > 1:
            raise ValidationError(
                "transfers", "one assessment covers transfers to one importer only"
            )
        importer = self.store.entities.get(transfers[0].importer_id)
        onward_transfers = self.store.transfers.of_entity(importer.id or 0)
        ids = {t.importer_id for t in onward_transfers}
        names = self.store.names.names(sorted(ids))
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
        live = [t for t in self.covered(tia) if t.archived_at is None]
        if not live:
            return ["the transfers it covers have been archived"]
        return stale_reasons(tia.inputs, self.inputs_for(live, on))

    def regimes_of(self, t: Transfer) -> tuple[Regime, ...]:
        if t.regimes:
            return t.regimes
        return self.store.entities.get(t.exporter_id).exporter_regimes

    # drafting

    def draft_for(
        self,
        transfer_id: int,
        on: date,
        assessor: str = "",
        extra_transfer_ids: Sequence[int] = (),
    ) -> Tia:
        """A new draft assessment prefilled from the register and the country profile."""
        t = self.store.transfers.get(transfer_id)
        extra = [self.store.transfers.get(i) for i in extra_transfer_ids]
        covered = [t, *extra]
        inputs = self.inputs_for(covered, on)
        importer = self.store.entities.get(t.importer_id)
        locations = sorted({loc.country for loc in self.store.entities.locations(importer.id or 0)})
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
        return self.store.assessments.add(tia)

    def save(self, tia: Tia) -> Tia:
        """Save edits; an approved assessment edited in place goes back to draft."""
        if tia.id is None:
            return self.store.assessments.add(tia)
        return self.store.assessments.update(tia)

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
        with self.store.transaction():
            fresh = self.inputs_for(self.covered(tia), on)
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
        inputs = self.inputs_for(self.covered(tia), on)
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
        return self.store.assessments.add(new)

    def approve_revision(self, tia: Tia, approver: str, on: date) -> Tia:
        """Approve a revision and supersede the earlier approved one, in one transaction."""
        with self.store.transaction() as tx:
            saved = self.approve(tia, approver, on)
            for old in tx.assessments.history(saved.series_id or saved.id or 0):
                if old.id != saved.id and old.status is TiaStatus.APPROVED:
                    tx.assessments.update(replace(old, status=TiaStatus.SUPERSEDED))
            return saved

    def sign_off(self, tia: Tia, approver: str, on: date) -> Tia:
        """What the app calls: approve, superseding any earlier approved revision."""
        return self.approve_revision(tia, approver, on)

    def history(self, tia: Tia) -> list[Tia]:
        """Every revision of ``tia``'s series, oldest first."""
        return self.series(tia.series_id or tia.id or 0)

    def series(self, series_id: int) -> list[Tia]:
        """Every revision of the series (its first revision's id), oldest first; [] if none."""
        return self.store.assessments.history(series_id)

    def change_log(self, tia: Tia) -> list[AuditEntry]:
        out: list[AuditEntry] = []
        for rev in self.history(tia):
            if rev.id is not None:
                out.extend(self.store.audit.entries(limit=200, table="tias", record_id=rev.id))
        return sorted(out, key=lambda a: (a.at, a.id or 0))

    # the summary document

    def organisation(self) -> Organisation:
        return organisation_of(self.store)

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
        tia = self.store.assessments.get(tia_id)
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
