"""Transfer impact assessments: prefilled drafts, sign-off, re-assessment, staleness, summary.

The register already knows the parties, countries, data and mechanisms of a transfer; a new
assessment starts from them (and from the destination's country profile), so the assessor
only answers what the register cannot know. ``TiaInputs`` records what the register said when
the assessment was made; when the register drifts, the assessment is stale.

Approval freezes the assessment: the document built that day (``tia_report``) is stored with
the record (``Tia.approved_document``, ``reports.codec``) and every later export renders it,
whatever the register or the reference data have become; what has changed since is said
beside it (``status_notes``), never inside it. Approval needs every step answered, a second
person, named people (not roles or logins), and the approver's acceptance of each fact the
assessment relies on that the research could not verify.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import DocumentStatus, Frequency, Regime, TiaStatus
from transfers_app.domain.formatting import REGIME_LABELS, day
from transfers_app.domain.models import (
    AuditEntry,
    Document,
    Entity,
    Tia,
    Transfer,
)
from transfers_app.domain.renewals import is_overdue, next_review
from transfers_app.domain.tia import (
    EEG_GUARANTEES,
    ICO_TRA_TOOL,
    AcceptedFact,
    Conclusion,
    DataFormat,
    EegFinding,
    KeyHolder,
    LogEntry,
    TiaContent,
    TiaInputs,
    TransferDescription,
    progress,
    stale_reasons,
)
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.ports.files import DocxRenderer, PdfRenderer
from transfers_app.ports.storage import Store
from transfers_app.reference.assessment_tests import AssessmentTests, load_assessment_tests
from transfers_app.reference.loader import ReferenceSet
from transfers_app.reference.profiles import load_country_profiles
from transfers_app.reports.codec import document_from_json, document_to_json
from transfers_app.reports.document import ReportDocument
from transfers_app.rules.context import TransferContext
from transfers_app.rules.destination import assess_destination
from transfers_app.services.organisation import Organisation, organisation_of
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.tia_analysis import (
    Importer,
    UnverifiedFact,
    clean,
    fitting_use_cases,
    importer_of,
    regime_tools,
    strip_markers,
)
from transfers_app.services.tia_dates import after as event_after
from transfers_app.services.tia_laws import problematic_overall
from transfers_app.services.tia_prefill import (
    circumstances_text,
    country_law,
    prefill_from_profile,
    profile_content,
)
from transfers_app.services.tia_report import AssessmentFacts, build_report
from transfers_app.services.tia_staleness import compute_inputs, onward_of, stale_gaps
from transfers_app.services.tia_status import (
    StatusReport,
    ToolStatus,
    relevant_events,
    sheet_path,
    status_document,
)
from transfers_app.services.tia_status import notes as status_lines

__all__ = [
    "TiaService",
    "compute_inputs",
    "person_problem",
    "prefill_from_profile",
    "profile_content",
    "stale_gaps",
]

_FREQUENCY = {
    Frequency.ONE_OFF: "one-off",
    Frequency.PERIODIC: "periodic",
    Frequency.CONTINUOUS: "continuous",
}


# -- who signs ---------------------------------------------------------------------------------

# Words that name a role or a department rather than a person ("General Counsel", "Legal").
_ROLE_WORDS = frozenset(
    {
        *("counsel", "officer", "team", "department", "dept", "legal", "privacy", "dpo"),
        *("committee", "board", "office", "compliance", "manager", "director", "head"),
        *("lead", "admin", "administrator", "assessor", "approver"),
    }
)


def person_problem(part: str, value: str) -> str | None:
    """Why ``value`` does not name a person for the sign-off (None when it does): a person is
    named by first and last name, the role optionally in brackets ("Maria Santos (General
    Counsel)"); a role, a department or a computer login is not a signature."""
    name = value.split("(", 1)[0].strip()
    words = [w.strip(".,").lower() for w in name.replace(".", ". ").split()]
    if (
        len([w for w in words if w]) < 2
        or any(w in _ROLE_WORDS for w in words)
        or re.search(r"[@\\\\/_]|\d", name)
    ):
        return (
            f"name the {part} as a person, first and last name with the role in brackets "
            "(e.g. 'Maria Santos (General Counsel)'), not a role or a computer login"
        )
    return None


def split_person(value: str) -> tuple[str, str]:
    """("Maria Santos", "General Counsel") from "Maria Santos (General Counsel)"."""
    name, _, role = value.partition("(")
    return name.strip(), role.rstrip(") ").strip()


# -- the service ---------------------------------------------------------------------------------


class TiaFormat(StrEnum):
    """The files an assessment is exported to: PDF to send, Word for lawyers who edit it
    before signing. Both lay out the same document."""

    PDF = "pdf"
    DOCX = "docx"

    @classmethod
    def for_path(cls, path: Path) -> TiaFormat | None:
        """The format a file name asks for by its extension, if it names one."""
        try:
            return cls(path.suffix.lower().lstrip("."))
        except ValueError:
            return None


class TiaService:
    def __init__(
        self,
        store: Store,
        reference: ReferenceSource,
        pdf: PdfRenderer | None = None,
        tests: AssessmentTests | None = None,
        docx: DocxRenderer | None = None,
    ) -> None:
        self.store = store
        self.reference = reference
        # None: this service writes no such file (checks and edits only).
        self.pdf = pdf
        self.docx = docx
        self.tests = tests or load_assessment_tests()

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
            onward_of(importer.id or 0, onward_transfers, names),
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
        exporter = self.store.entities.get(t.exporter_id)
        located = self.store.entities.locations(importer.id or 0)
        locations = sorted({loc.country for loc in located})
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
            data_format=DataFormat.CLEAR,
            key_holder=KeyHolder.IMPORTER,
            storage_locations=tuple(dict.fromkeys([*inputs.countries, *locations])),
            onward_transfers=inputs.subprocessors,
        )
        who = importer_of(importer, t, (loc.activity for loc in located), exporter)
        content = TiaContent(
            description=description,
            destination=t.destination,
            eeg=tuple(EegFinding(g) for g in EEG_GUARANTEES),
            circumstances=circumstances_text(
                who,
                exporter.legal_name or exporter.name,
                covered,
                description.storage_locations,
                inputs.subprocessors,
            ),
            log=(LogEntry(on, assessor.strip(), "Draft started from the register"),)
            if assessor.strip()
            else (),
        )
        content = prefill_from_profile(content, t.destination)
        regimes = tuple(dict.fromkeys(r for x in covered for r in self.regimes_of(x)))
        others = self.third_countries(
            [loc.country for loc in located], t, regimes, on, exclude=t.destination
        )
        content = replace(content, other_countries=tuple(country_law(x) for x in others))
        return Tia(
            transfer_id=t.id or 0,
            status=TiaStatus.DRAFT,
            assessor=assessor,
            title=f"{importer.name}: {country_name(t.destination)}",
            regimes=regimes,
            extra_transfer_ids=tuple(x.id or 0 for x in extra),
            content=content,
            inputs=inputs,
        )

    def third_countries(
        self,
        countries: Iterable[str],
        t: Transfer,
        regimes: Sequence[Regime],
        on: date,
        exclude: str = "",
    ) -> list[str]:
        """Of ``countries``, those a transfer to which needs a safeguard under any of
        ``regimes`` (no adequacy, outside the area): the importer's presence there is a
        transfer whose law the assessment must weigh."""
        exporter = self.store.entities.get(t.exporter_id)
        out = []
        for code in dict.fromkeys(countries):
            if code == exclude or code in out:
                continue
            if any(
                assess_destination(
                    self.ref, regime, code, on, t.importer_role, t.exporter_role
                ).needs_mechanism
                for regime in regimes
            ):
                out.append(code)
        _ = exporter
        return out

    def create(self, tia: Tia) -> Tia:
        return self.store.assessments.add(tia)

    def save(self, tia: Tia) -> Tia:
        """Save edits; an approved assessment edited in place goes back to draft."""
        if tia.id is None:
            return self.store.assessments.add(tia)
        return self.store.assessments.update(tia)

    # what the assessment finds (for the report, the sign-off and the editor)

    def facts(
        self, tia: Tia, on: date, organisation: Organisation | None = None
    ) -> AssessmentFacts:
        """Everything the document of ``tia`` says, read from the register and the reference
        data as on ``on`` (the approval date for an approved revision)."""
        store = self.store
        covered = self.covered(tia)
        t = covered[0]
        exporter = store.entities.get(t.exporter_id)
        importer = store.entities.get(t.importer_id)
        located = store.entities.locations(importer.id or 0)
        importer_docs = [
            d for d in store.documents.of_entity(importer.id or 0) if d.archived_at is None
        ]
        documents: dict[int, Document] = {d.id: d for d in importer_docs if d.id is not None}
        for x in covered:
            for use in x.mechanisms:
                if use.document_id is not None and use.document_id not in documents:
                    with contextlib.suppress(TransfersError):
                        documents[use.document_id] = store.documents.get(use.document_id)
        successors = {d.supersedes_id: d for d in documents.values() if d.supersedes_id}
        ctx = TransferContext(
            transfer=t,
            exporter=exporter,
            importer=importer,
            regimes=tia.regimes,
            exporter_role=t.exporter_role,
            documents=documents,
            importer_documents=sorted(
                importer_docs,
                key=lambda d: (
                    t.exporter_id not in d.party_ids,
                    d.status is DocumentStatus.SUPERSEDED,
                ),
            ),
            tias=(),
            successors=successors,
        )
        who = importer_of(importer, t, (loc.activity for loc in located), exporter)
        history = self.history(tia) if tia.id is not None else [tia]
        group = self._group_countries(exporter)
        return AssessmentFacts(
            tia=tia,
            on=on,
            organisation=organisation or self.organisation(),
            exporter=exporter,
            importer_entity=importer,
            importer=who,
            transfers=tuple(covered),
            exporter_names={x.exporter_id: store.entities.get(x.exporter_id).name for x in covered},
            tools=regime_tools(self.ref, ctx, tia.regimes, on, documents),
            tests=self.tests,
            profile=load_country_profiles().get(t.destination),
            reference=self.ref,
            history=tuple(history),
            locations=tuple(located),
            category_words={
                x.name: x.description for x in store.settings.catalogue("data_category")
            },
            group_countries=group,
            exporter_locations=tuple(
                dict.fromkeys(x.country for x in store.entities.locations(exporter.id or 0))
            ),
        )

    def _group_countries(self, exporter: Entity) -> tuple[str, ...]:
        """The countries the companies of the exporter's group are in (its own alone when it
        belongs to no group on the register)."""
        root = exporter.parent_id or exporter.id
        if root is None:
            return ()
        members = [e for e in self.store.entities.list() if e.id == root or e.parent_id == root]
        return tuple(
            sorted({x.country for e in members for x in self.store.entities.locations(e.id or 0)})
        )

    def importer(self, tia: Tia) -> Importer:
        """The importer as the reasoning names it (its kind, role, service, activities)."""
        t = self.store.transfers.get(tia.transfer_id)
        entity = self.store.entities.get(t.importer_id)
        located = self.store.entities.locations(entity.id or 0)
        exporter = self.store.entities.get(t.exporter_id)
        return importer_of(entity, t, (loc.activity for loc in located), exporter)

    def unverified_facts(self, tia: Tia, on: date) -> list[UnverifiedFact]:
        """The facts ``tia`` relies on that the research could not verify, each of which the
        approver must accept (``approve(accept=...)``)."""
        return self.facts(tia, on).unverified

    def unaccepted(self, tia: Tia, approver: str, on: date) -> list[UnverifiedFact]:
        """Those the approver has not accepted (yet) for this revision."""
        c = tia.content or TiaContent()
        name = approver.strip().casefold()
        return [
            f
            for f in self.unverified_facts(tia, on)
            if (a := c.acceptance(f.key)) is None or a.accepted_by.strip().casefold() != name
        ]

    # sign-off

    def sign_off_problems(self, tia: Tia, approver: str, on: date | None = None) -> list[str]:
        """What stands before approval, in words: every step answered, coherent conclusions,
        a second person, and people named as people."""
        problems: list[str] = []
        if tia.content is None:
            return ["the assessment has no content yet"]
        c = tia.content
        uk = Regime.UK in tia.regimes
        assessed = self._assessed_regimes(tia, on)
        problems.extend(f"{s.title}: {s.missing}" for s in progress(c, uk, assessed) if not s.done)
        if uk and c.uk_method != ICO_TRA_TOOL:
            test = self.tests.for_regime(Regime.UK, on or date.max)
            method = test.method(c.uk_method) if test is not None else None
            if method is None:
                problems.append(f"UK method: '{c.uk_method}' is not a method of the UK test")
            elif not method.available_for(c.destination):
                problems.append(
                    f"UK method: {method.name} is available only for "
                    + ", ".join(country_name(x) for x in method.only_for)
                )
        problems.extend(self._coherence(tia, assessed))
        if on is not None:
            problems.extend(self._register_problems(tia, on))
        if not approver.strip():
            problems.append("name the approver")
        elif approver.strip().casefold() == tia.assessor.strip().casefold():
            problems.append("the approver must be someone other than the assessor")
        elif (why := person_problem("approver", approver)) is not None:
            problems.append(why)
        if not tia.assessor.strip():
            problems.append("name the assessor")
        elif (why := person_problem("assessor", tia.assessor)) is not None:
            problems.append(why)
        if on is not None:
            late = [e for e in c.log if e.on > on]
            if late:
                problems.append(
                    f"the change log has an entry dated after the approval ({day(late[0].on)}: "
                    f"{late[0].event}): approve on or after it"
                )
        return problems

    def _register_problems(self, tia: Tia, on: date) -> list[str]:
        """The assessment against the register and its own findings: every third country where
        the importer stores or accesses the data has its law assessed, every onward transfer
        the register records is in the assessment, every law's reach is answered, and the
        answer on problematic law follows from the laws and guarantees."""
        c = tia.content or TiaContent()
        out: list[str] = []
        try:
            covered = self.covered(tia)
        except TransfersError:
            return out
        t = covered[0]
        importer = self.store.entities.get(t.importer_id)
        located = [x.country for x in self.store.entities.locations(importer.id or 0)]
        assessed = {x.country for x in c.countries if x.country}
        for code in self.third_countries(located, t, tia.regimes, on):
            if code not in assessed:
                out.append(
                    f"destination law: {country_name(code)} (where the importer stores or "
                    "accesses the data, without adequacy) has no assessment of its law: add it"
                )
        onward = self.inputs_for(covered, on).subprocessors
        missing = [o for o in onward if o not in c.description.onward_transfers]
        if missing:
            out.append(
                "onward transfers: the register records "
                + ", ".join(missing)
                + ", not in the assessment: describe "
                + ("it" if len(missing) == 1 else "them")
                + " in step 1 and assess the countries"
            )
        who = importer_of(
            importer,
            t,
            (loc.activity for loc in self.store.entities.locations(importer.id or 0)),
            self.store.entities.get(t.exporter_id),
        )
        derived = problematic_overall(c, who)
        if derived is not None and c.problematic_law is not None and derived != c.problematic_law:
            out.append(
                "problematic law: the answer '"
                + ("Yes" if c.problematic_law else "No")
                + "' does not follow from the laws that reach the importer and the guarantees "
                "as rated: correct the ratings or the laws' reach, or the answer"
            )
        return out

    def _assessed_regimes(self, tia: Tia, on: date | None) -> tuple[Regime, ...]:
        """The regimes whose tool calls for the assessment (each needs its own conclusion);
        all of them when the register cannot say."""
        if on is None:
            return tia.regimes
        try:
            tools = self.facts(tia, on).tools
        except TransfersError:
            return tia.regimes
        needing = tuple(x.regime for x in tools if x.needs_assessment)
        return needing or tia.regimes

    def _coherence(self, tia: Tia, assessed: Sequence[Regime]) -> list[str]:
        """The EDPB's use cases against the facts (legal-facts 5.3a): a use case is claimed only
        where its conditions hold; data in the clear at the importer with problematic law
        leaves no effective technical measure, so an EU or Swiss 'proceed' cannot stand."""
        c = tia.content or TiaContent()
        out = []
        fitting = {u.code for u in fitting_use_cases(c.description, self.tests)}
        for m in c.measures:
            if m.use_case and m.use_case not in fitting:
                row = self.tests.use_cases.get(m.use_case)
                title = row.title if row is not None else m.use_case
                out.append(
                    f"measure '{m.description}': EDPB Use Case {m.use_case[2:]} ({title}) does "
                    "not fit the recorded facts (the state of the data at the importer, who "
                    "holds the keys): remove the use case or correct the facts"
                )
        if c.description.data_format is DataFormat.CLEAR and c.problematic_law:
            for regime in assessed:
                if regime is Regime.UK:
                    continue  # the UK test weighs the risk as a whole (Art 46(7)-(8))
                if c.conclusion_for(regime).conclusion in (
                    Conclusion.PROCEED,
                    Conclusion.PROCEED_WITH_MEASURES,
                ):
                    out.append(
                        f"{regime.value} conclusion: the importer has the data in the clear and "
                        "problematic law applies, for which the EDPB found no effective "
                        "technical measure (Use Case 6 or 7): conclude 'do not start, or "
                        "suspend', rely on an Art 49 derogation, or revisit whether the law "
                        "impinges on this transfer"
                    )
        return out

    def approve(self, tia: Tia, approver: str, on: date, accept: Iterable[str] = ()) -> Tia:
        """Sign off: every step answered, a second person approves (and accepts by key each
        unverified fact the assessment relies on), the next review follows the cycle, the
        register's current state becomes the basis, and the document as approved is frozen
        with the record."""
        approver = approver.strip()
        problems = self.sign_off_problems(tia, approver, on)
        if problems:
            raise ValidationError("sign-off", "; ".join(problems))
        assert tia.content is not None
        content = _accept(tia.content, self.unverified_facts(tia, on), accept, approver, on)
        left = self.unaccepted(replace(tia, content=content), approver, on)
        if left:
            raise ValidationError(
                "sign-off",
                f"approval refused: {split_person(approver)[0]} has not accepted {len(left)} fact"
                f"{'s' if len(left) != 1 else ''} the assessment relies on that could not be "
                "independently verified: " + "; ".join(f.statement for f in left),
            )
        cycle = tia.review_cycle_months or 12
        content = replace(
            content,
            log=(*content.log, LogEntry(on, approver, f"Approved revision {tia.revision}")),
        )
        with self.store.transaction():
            fresh = self.inputs_for(self.covered(tia), on)
            approved = replace(
                tia,
                status=TiaStatus.APPROVED,
                approver=approver,
                approved_on=on,
                next_review_on=self.review_due(tia, on, cycle),
                inputs=fresh,
                content=content,
            )
            frozen = build_report(self.facts(approved, on))
            return self.save(replace(approved, approved_document=document_to_json(frozen)))

    def review_due(self, tia: Tia, on: date, cycle: int) -> date:
        """The next review: the cycle from ``on``, brought forward to the day a tool relied on
        expires or is due for its own review, where that comes first (a review after the tool
        has lapsed would come too late)."""
        due = next_review(on, cycle)
        try:
            tools = self.facts(tia, on).tools
        except TransfersError:
            return due
        for x in tools:
            if not x.needs_assessment:
                continue
            for when in (x.expires_on, x.review_on):
                if when is not None and on < when < due:
                    due = when
        return due

    def submit_for_review(self, tia: Tia, on: date | None = None) -> Tia:
        c = tia.content or TiaContent()
        if on is not None and tia.assessor.strip():
            c = replace(c, log=(*c.log, LogEntry(on, tia.assessor.strip(), "Submitted for review")))
        return self.save(replace(tia, status=TiaStatus.IN_REVIEW, content=c))

    def reassess(self, tia: Tia, on: date, why: str, by: str = "") -> Tia:
        """Reopen an approved assessment: a new draft revision with the current inputs; the
        approved one stays in force (and in the history) until the new one is approved."""
        if tia.status is not TiaStatus.APPROVED:
            raise ValidationError("status", "only an approved assessment can be reassessed")
        if not why.strip():
            raise ValidationError("reason", "say why the assessment is reopened")
        inputs = self.inputs_for(self.covered(tia), on)
        who = by.strip() or tia.assessor.strip()
        c = tia.content or TiaContent()
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
            approved_document=None,
            content=replace(
                c,
                accepted=(),  # the next approver accepts for the next revision
                log=(LogEntry(on, who, f"Reassessment opened: {why.strip()}"),),
            ),
        )
        return self.store.assessments.add(new)

    def approve_revision(
        self, tia: Tia, approver: str, on: date, accept: Iterable[str] = ()
    ) -> Tia:
        """Approve a revision and supersede the earlier approved one, in one transaction."""
        with self.store.transaction() as tx:
            saved = self.approve(tia, approver, on, accept)
            for old in tx.assessments.history(saved.series_id or saved.id or 0):
                if old.id != saved.id and old.status is TiaStatus.APPROVED:
                    tx.assessments.update(replace(old, status=TiaStatus.SUPERSEDED))
            return saved

    def sign_off(self, tia: Tia, approver: str, on: date, accept: Iterable[str] = ()) -> Tia:
        """What the app calls: approve, superseding any earlier approved revision."""
        return self.approve_revision(tia, approver, on, accept)

    def history(self, tia: Tia) -> list[Tia]:
        """Every revision of ``tia``'s series, oldest first."""
        return self.series(tia.series_id or tia.id or 0)

    def series(self, series_id: int) -> list[Tia]:
        """Every revision of the series (its first revision's id), oldest first; [] if none."""
        return self.store.assessments.history(series_id)

    def change_log(self, tia: Tia) -> list[AuditEntry]:
        """The storage audit of every revision (who wrote what, by computer login)."""
        out: list[AuditEntry] = []
        for rev in self.history(tia):
            if rev.id is not None:
                out.extend(self.store.audit.entries(limit=200, table="tias", record_id=rev.id))
        return sorted(out, key=lambda a: (a.at, a.id or 0))

    # what has changed since approval (said beside the frozen document, never in it)

    def status(self, tia: Tia, on: date) -> StatusReport:
        """An approved revision as at ``on``: why it no longer matches the register, whether its
        review is overdue, any tool relied on that is no longer valid or expires soon, and what
        changed in the law since approval that bears on the transfer."""
        t = self.store.transfers.get(tia.transfer_id)
        importer = self.store.names.names([t.importer_id]).get(t.importer_id, "")
        empty = StatusReport(tia, on, importer, t.destination, (), None, None, (), ())
        if tia.status is not TiaStatus.APPROVED or tia.approved_on is None:
            return empty
        stale = self.stale_reasons(tia, on)
        reference = None
        if tia.inputs is not None and tia.inputs.reference_version != self.ref.version:
            reference = (tia.inputs.reference_version, self.ref.version)
            stale = [x for x in stale if not x.startswith("legal reference data changed")]
        overdue = tia.next_review_on if is_overdue(tia.next_review_on, on) else None
        try:
            facts = self.facts(tia, on)
        except TransfersError:
            return replace(empty, stale=tuple(stale), reference_change=reference,
                           overdue_since=overdue)  # fmt: skip
        soon = max(tia.next_review_on or on, on + timedelta(days=90))
        tools = []
        for x in facts.assessed:
            titles = " and ".join(f"'{title}'" for title, _ in x.dated)
            expiring = x.valid and x.expires_on is not None and on <= x.expires_on <= soon
            if not x.valid or expiring:
                tools.append(
                    ToolStatus(
                        REGIME_LABELS[x.regime].removesuffix(" GDPR"),
                        x.name,
                        titles,
                        x.invalid_after,
                        x.valid,
                        x.expires_on,
                        x.replacements,
                    )
                )
        return StatusReport(
            tia,
            on,
            importer,
            t.destination,
            tuple(stale),
            reference,
            overdue,
            tuple(tools),
            tuple(self._law_changes(tia, facts, on)),
        )

    def _law_changes(self, tia: Tia, facts: AssessmentFacts, on: date) -> list[str]:
        """What changed in the law between the approval and ``on`` that bears on the transfer:
        a new test for a regime, the reference data's events for the regimes and countries
        assessed, and the events the country profiles record since."""
        assert tia.approved_on is not None
        since = tia.approved_on
        out = []
        for x in facts.assessed:
            was = self.tests.for_regime(x.regime, since)
            now = self.tests.for_regime(x.regime, on)
            if was is not None and now is not None and was.id != now.id:
                out.append(
                    f"{REGIME_LABELS[x.regime]}: from {day(now.valid_from)} the test is "
                    f"{now.name} (protection '{now.standard}'), in place of the test this "
                    f"assessment applied ({was.name})."
                )
        c = tia.content or TiaContent()
        countries = [x.country for x in c.countries if x.country] or [facts.destination]
        out.extend(
            relevant_events(
                self.ref.changelog,
                since,
                on,
                [r.value for r in tia.regimes],
                countries,
                self.ref.as_of,
            )
        )
        profiles = load_country_profiles()
        for code in countries:
            profile = profiles.get(code)
            if profile is None or profile.as_of <= since:
                continue
            for item in profile.access_laws:
                text = f"{item.label}: {item.text} {item.marker}"
                if event_after(text, since):
                    marker = item.marker if item.marker.startswith("[") else ""
                    # Only what a source supports: a clause resting on the research's memory
                    # alone ([M]) is a note about what it could not verify, not a fact.
                    clauses = re.split(r"(?<=;)\s+|(?<=\])\.?\s+(?=[A-Z])", f"{item.text} {marker}")
                    kept = [x for x in clauses if "[S " in x or "[M" not in x]
                    words = clean(strip_markers(" ".join(kept))).rstrip(" ;.")
                    if not words:
                        continue
                    unverified = len(kept) < len(clauses) or any("[M" in x for x in kept)
                    status = (
                        f" (some details not independently verified as of {day(profile.as_of)})"
                        if unverified
                        else ""
                    )
                    out.append(f"{country_name(code)}, {item.label}: {words}{status}.")
        return out

    def status_notes(self, tia: Tia, on: date) -> list[str]:
        """For an approved revision: what ``status`` finds, as the lines printed beside the
        document; [] when none applies."""
        return status_lines(self.status(tia, on))

    def status_sheet(self, tia_id: int, on: date) -> ReportDocument | None:
        """The dated status sheet of an approved revision, to go beside the document as
        approved (the evidence pack encloses it); None when there is nothing to say."""
        report = self.status(self.store.assessments.get(tia_id), on)
        if report.empty:
            return None
        org = self.organisation().name
        return status_document(report, org or report.importer)

    def export_status(self, tia_id: int, on: date, document: Path, fmt: TiaFormat) -> Path | None:
        """Write the status sheet beside ``document`` (``NAME.status-YYYY-MM-DD.EXT``), in the
        document's format; None (and no file) when there is nothing to say."""
        sheet = self.status_sheet(tia_id, on)
        if sheet is None:
            return None
        path = sheet_path(document, on)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt is TiaFormat.DOCX:
            if self.docx is None:
                raise TransfersError("Word export is not available here: no Word renderer")
            return self.docx.write(sheet, path)
        if self.pdf is None:
            raise TransfersError("PDF export is not available here: no PDF renderer was given")
        self.pdf.write(sheet, path, invariant=True)
        return path

    # the summary document

    def organisation(self) -> Organisation:
        return organisation_of(self.store)

    def approved_document(self, tia: Tia) -> ReportDocument | None:
        """The document as approved (None: not approved, or approved before documents were
        kept)."""
        if tia.approved_document is None:
            return None
        return document_from_json(tia.approved_document)

    def export_pdf(self, tia_id: int, on: date, path: Path) -> Path:
        """Write the assessment's summary PDF (atomically: no half-written file on failure)."""
        return self.export(tia_id, on, path, TiaFormat.PDF)

    def export(self, tia_id: int, on: date, path: Path, fmt: TiaFormat) -> Path:
        """Write the assessment as ``fmt`` (atomically). An approved revision is the document
        as approved; a draft is built from today's register."""
        tia = self.store.assessments.get(tia_id)
        frozen = self.approved_document(tia)
        document = frozen or self.report(tia_id, on, self.organisation())
        if fmt is TiaFormat.DOCX:
            if self.docx is None:
                raise TransfersError("Word export is not available here: no Word renderer")
            path.parent.mkdir(parents=True, exist_ok=True)
            return self.docx.write(document, path)
        if self.pdf is None:
            raise TransfersError("PDF export is not available here: no PDF renderer was given")
        path.parent.mkdir(parents=True, exist_ok=True)
        # The document as approved, to the byte: the same file however often it is made.
        self.pdf.write(document, path, invariant=frozen is not None)
        return path

    def report(
        self, tia_id: int, on: date, organisation: Organisation | None = None
    ) -> ReportDocument:
        """The document: as approved for an approved (or superseded) revision that kept it,
        else built from the register and the reference data as on ``on``."""
        tia = self.store.assessments.get(tia_id)
        frozen = self.approved_document(tia)
        if frozen is not None:
            return frozen
        when = tia.approved_on if tia.status is TiaStatus.APPROVED and tia.approved_on else on
        return build_report(self.facts(tia, when, organisation))


def _accept(
    c: TiaContent,
    facts: Sequence[UnverifiedFact],
    keys: Iterable[str],
    approver: str,
    on: date,
) -> TiaContent:
    """``c`` with the approver's acceptance of each fact named in ``keys`` recorded."""
    wanted = set(keys)
    if not wanted:
        return c
    kept = [a for a in c.accepted if a.key not in wanted]
    new = [
        AcceptedFact(f.key, f.statement, f.as_of, approver, on) for f in facts if f.key in wanted
    ]
    return replace(c, accepted=(*kept, *new))
