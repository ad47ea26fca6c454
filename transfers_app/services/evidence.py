"""The regulator's evidence pack: what goes in it, in which order, and what the cover letter
says about each file.

``plan_pack`` decides every file of the pack (``exports.evidence_pack.write_pack`` writes it):
the cover letter (``cover_letter``), a one-page note on method (``pack_notes``), the register
as PDF and CSV, the transfer records in the Art 30(1)(e) shape, the data map as PDF and SVG,
the assessments of the transfers in scope (current, stale and draft, each marked), the
documents they rely on (expired and invalid ones marked, DPF evidence as evidence), and an
extract of the audit log for the period. The open items come from ``open_items``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from transfers_app.domain.audit_chain import AuditVerification
from transfers_app.domain.enums import DocumentKind, DocumentStatus, TiaStatus
from transfers_app.domain.formatting import (
    DOCUMENT_KIND_LABELS,
    day,
)
from transfers_app.domain.models import Document, Entity, Tia, Transfer
from transfers_app.domain.organisation import OrganisationProfile, Person
from transfers_app.ports.storage import Store
from transfers_app.reports.data_map.graph import build_map, verdicts
from transfers_app.reports.data_map.picture import MapPicture
from transfers_app.reports.document import ReportDocument
from transfers_app.reports.pack import PackEntry, PackPlan, safe_component
from transfers_app.rules.gaps import Gap, GapCode
from transfers_app.services.art30 import ART30_HEADERS, art30_rows
from transfers_app.services.audit import pack_audit_record
from transfers_app.services.cover_letter import Enclosure, LetterFacts, cover_letter
from transfers_app.services.open_items import (
    OpenItemFacts,
    Readiness,
    current_assessments,
    live_from,
    readiness,
)
from transfers_app.services.pack_notes import audit_extract, methodology_note
from transfers_app.services.register import NOT_LIVE, StatusReport
from transfers_app.services.tia import TiaService, split_person


@dataclass(frozen=True, slots=True)
class PackScope:
    """Restrict the pack to transfers live within a date range and/or to some entities."""

    date_from: date | None = None
    date_to: date | None = None
    entity_ids: frozenset[int] = frozenset()

    @property
    def scoped(self) -> bool:
        return bool(self.entity_ids or self.date_from or self.date_to)

    def problem(self) -> str:
        """Why the scope cannot be used ("" when it can)."""
        if self.date_from and self.date_to and self.date_from > self.date_to:
            return (
                f"the start of the date range ({self.date_from.isoformat()}) is after its end "
                f"({self.date_to.isoformat()})"
            )
        return ""

    def transfer_in(self, t: Transfer, starts_on: date | None, on: date) -> bool:
        """Is ``t`` in scope: live at some time in the date range (on ``on`` without one), to
        or from a chosen entity? ``starts_on``: when it is live from if it records no start of
        its own (its importer's active date, ``open_items.live_from``)."""
        if self.entity_ids and not {t.exporter_id, t.importer_id} & self.entity_ids:
            return False
        ranged = self.date_from is not None or self.date_to is not None
        first = self.date_from if ranged else on
        last = self.date_to or on
        start = t.started_on or starts_on
        if start is not None and start > last:
            return False
        return not (first is not None and t.ended_on is not None and t.ended_on < first)

    def transfers_in(
        self, transfers: Iterable[Transfer], entities: Mapping[int, Entity], on: date
    ) -> list[Transfer]:
        """The transfers a pack of this scope holds: in scope (``transfer_in``) and to an
        importer that is neither proposed nor offboarded (the status engine's live
        transfers)."""
        kept = []
        for t in transfers:
            importer = entities.get(t.importer_id)
            if importer is not None and importer.lifecycle in NOT_LIVE:
                continue
            if self.transfer_in(t, live_from(t, entities), on):
                kept.append(t)
        return kept

    def describe(self, names: dict[int, str]) -> str:
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"transfers live between {day(self.date_from, 'the start')} and "
                         f"{day(self.date_to, 'today')}")  # fmt: skip
        if self.entity_ids:
            chosen = sorted(names.get(i, str(i)) for i in self.entity_ids)
            parts.append("entities " + ", ".join(chosen))
        return "; ".join(parts) or "the whole register"

    def empty_text(self, transfers_in_scope: int) -> str:
        """The sentence saying the scope holds no transfer ("" when it holds some)."""
        if transfers_in_scope or not (self.date_from or self.date_to):
            return ""
        return (
            f"No transfer on the register was live between {day(self.date_from, 'the start')} "
            f"and {day(self.date_to, 'today')}: this pack holds no transfer records, "
            "assessments or documents for that period; the register files show the register "
            "as a whole."
        )


# -- the pack ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PackRenderers:
    """How the pack's generated files are rendered (injected: the service decides what, the
    exports render)."""

    pdf: Callable[[ReportDocument], bytes]
    csv: Callable[[Sequence[str], Sequence[Sequence[str]]], bytes]
    register_pdf: Callable[[], bytes]
    register_csv: Callable[[], bytes]
    # Many documents at once (on every core); by default one after the other.
    pdf_many: Callable[[Sequence[ReportDocument]], list[bytes]] | None = None
    # The data map drawn as PDF and as SVG (None: the pack has no data map).
    map_pdf: Callable[[MapPicture], bytes] | None = None
    map_svg: Callable[[MapPicture], bytes] | None = None


@dataclass(frozen=True, slots=True)
class PackRequest:
    """What the person asked for: the scope, their case reference, who prepares the pack (a
    name; "" : the profile's first signer) and to whom ("" : the profile's addressee)."""

    scope: PackScope = PackScope()
    reference: str = ""
    prepared_by: Person | None = None
    addressee: str = ""


class _Batched:
    """PDFs rendered a batch at a time, in the order the pack asks for them: the workers stay
    busy, and between batches the user can still cancel."""

    def __init__(
        self,
        ids: Sequence[int],
        build: Callable[[int], ReportDocument],
        render_many: Callable[[Sequence[ReportDocument]], list[bytes]],
        size: int = 12,
    ) -> None:
        self.order = {tia_id: i for i, tia_id in enumerate(ids)}
        self.ids = list(ids)
        self.build = build
        self.render_many = render_many
        self.size = size
        self.ready: dict[int, bytes] = {}

    def get(self, tia_id: int) -> bytes:
        if tia_id not in self.ready:
            start = self.order[tia_id]
            batch = self.ids[start : start + self.size]
            pdfs = self.render_many([self.build(i) for i in batch])
            self.ready.update(zip(batch, pdfs, strict=True))
        return self.ready.pop(tia_id)


class _Names:
    """Paths inside the pack, unique whatever the case (Windows and macOS ignore it)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, path: str) -> str:
        stem, dot, ext = path.rpartition(".")
        candidate, n = path, 2
        while candidate.casefold() in self.used:
            candidate = f"{stem}-{n}{dot}{ext}"
            n += 1
        self.used.add(candidate.casefold())
        return candidate


class _MapOnce:
    """The pack's data map, built when its first file is written and kept for the second."""

    def __init__(
        self,
        store: Store,
        status: StatusReport,
        transfers: Sequence[Transfer],
        on: date,
        organisation: str,
    ) -> None:
        self.store, self.status, self.transfers, self.on = store, status, transfers, on
        self.organisation = organisation
        self.picture: MapPicture | None = None

    def get(self) -> MapPicture:
        if self.picture is None:
            data = build_map(self.transfers, self.store.queries.register_rows(), self.on)
            note = ""
            if data.truncated:
                note = (
                    f"The {data.shown_importers:,} busiest of {data.importers:,} importers are "
                    "drawn; every transfer is in records/art30-transfers.csv."
                )
            self.picture = MapPicture(
                f"{self.organisation} · data map of transfers of personal data as of "
                f"{day(self.on)}",
                f"{data.transfers:,} live transfers from {len(data.sources):,} exporters to "
                f"{data.importers:,} importers in {data.countries:,} countries, each with its "
                f"status on {day(self.on)}",
                data,
                verdicts(self.status, data.transfer_ids()),
                note,
            )
        return self.picture


def _assessment_status(tia: Tia, stale: dict[int, str], overdue: frozenset[int]) -> str:
    """What the letter says of an enclosed assessment that is not approved and current, in
    the status engine's words (``overdue``: the assessments whose review it reports overdue;
    so the letter, the Assessments page and the register documents agree)."""
    if tia.status is not TiaStatus.APPROVED:
        words = "in review" if tia.status is TiaStatus.IN_REVIEW else "a draft"
        return f"DRAFT: not approved (it is {words})"
    notes = []
    reasons = stale.get(tia.id or -1)
    if reasons:
        notes.append(f"STALE: no longer matches the register ({reasons})")
    if tia.id in overdue and tia.next_review_on is not None:
        notes.append(f"REVIEW OVERDUE: due on {day(tia.next_review_on)}")
    return "; ".join(notes)


def _stale_reasons(status: StatusReport, tias: Sequence[Tia]) -> dict[int, str]:
    """The status engine's word on each stale assessment: tia id -> why."""
    out: dict[int, str] = {}
    marker = "no longer matches the register: "
    for g in status.gaps:
        if g.code is not GapCode.TIA_STALE:
            continue
        for x in tias:
            if g.transfer_id in x.transfer_ids and f"assessment {x.reference} " in g.message:
                out[x.id or -1] = g.message.partition(marker)[2] or g.message
    return out


def _document_words(d: Document, gaps: Sequence[Gap], on: date) -> tuple[str, str, bool]:
    """(what the document is, its status, whether it is current) as the letter says them."""
    if d.kind is DocumentKind.DPF_CERTIFICATION:
        what = (
            f"{d.title} (document {d.id}): evidence of the importer's Data Privacy Framework "
            f"certification, checked on {day(d.checked_on, 'no date recorded')}"
        )
    else:
        signed = f"signed {day(d.signed_on)}" if d.signed_on else "no signing date recorded"
        kind = DOCUMENT_KIND_LABELS.get(d.kind, d.kind.value)
        what = f"{d.title} (document {d.id}, {kind}, {signed})"
    notes: list[str] = []
    if d.status is DocumentStatus.SUPERSEDED:
        notes.append("SUPERSEDED by a later version")
    if d.expires_on is not None and d.expires_on < on:
        notes.append(f"EXPIRED on {day(d.expires_on)}")
    invalid = [
        f"{g.regime.value} transfers after {day(g.due_on)}"
        for g in gaps
        if g.code is GapCode.LEGACY_SCC_EXPIRED and g.regime is not None and g.due_on
    ]
    if invalid:
        notes.append("NOT VALID for " + " or ".join(dict.fromkeys(invalid)) + " (legacy SCCs)")
    if any(g.code is GapCode.LEGACY_SCC_TOO_LATE for g in gaps):
        notes.append("NOT VALID: signed after the last day legacy SCCs could be used")
    if any(g.code is GapCode.WRONG_MODULE for g in gaps):
        notes.append("DEFECTIVE: the SCC module does not fit the parties' roles")
    if any(g.code is GapCode.DOCUMENT_NOT_YET_EFFECTIVE for g in gaps):
        notes.append("NOT YET IN EFFECT")
    if d.kind is DocumentKind.DPF_CERTIFICATION and any(
        g.code is GapCode.DPF_NOT_RECHECKED for g in gaps
    ):
        notes.append("RE-CHECK OVERDUE")
    current = not notes
    if d.kind is DocumentKind.DPF_CERTIFICATION:
        notes.insert(0, "Evidence" + (", current" if current else ""))
    return what, "; ".join(notes), current


def pack_readiness(
    scope: PackScope, status: StatusReport, facts: OpenItemFacts
) -> tuple[list[Transfer], Readiness]:
    """The transfers a pack of ``scope`` holds on the status report's date, and the open items
    its letter lists: those of the transfers in scope and of the chosen entities, and the
    unverified facts the enclosed assessments rely on."""
    transfers = scope.transfers_in(facts.transfers.values(), facts.entities, status.on)
    in_scope = {t.id for t in transfers if t.id is not None}
    ready = readiness(
        status, in_scope if scope.scoped else None, set(scope.entity_ids), facts, in_scope
    )
    return transfers, ready


def plan_pack(
    store: Store,
    tias: TiaService,
    status: StatusReport,
    on: date,
    renderers: PackRenderers,
    request: PackRequest,
    org: OrganisationProfile,
    facts: OpenItemFacts,
    regulator: str,
    audit: AuditVerification | None = None,
) -> tuple[PackPlan, Readiness]:
    """Every file of the pack, in order, with where its bytes come from."""
    scope = request.scope
    ref = tias.ref
    entities = {i: e for i, e in facts.entities.items() if e.archived_at is None}
    names = {i: e.name for i, e in facts.entities.items()}
    transfers, ready = pack_readiness(scope, status, facts)
    in_scope = {t.id for t in transfers if t.id is not None}
    documents = dict(facts.documents)
    preparer = request.prepared_by or org.preparer or Person(org.display_name)
    scope_text = scope.describe(names)
    unique = _Names()

    entries: list[PackEntry] = []
    letter: list[Enclosure] = []

    def add(entry: PackEntry, status_text: str = "", current: bool | None = None) -> None:
        entries.append(entry)
        ok = not status_text if current is None else current
        letter.append(Enclosure(entry.arcname, entry.description, status_text, ok))

    methodology = methodology_note(org, ref, on, regulator)
    add(
        PackEntry(
            "01-methodology.pdf",
            "How the register is kept and checked, the reference data it rests on, and what "
            "\u201cunverified\u201d means (one page)",
            lambda: renderers.pdf(methodology),
        )
    )
    register_what = f"the register as a whole on {day(on)}" if scope.scoped else "the register"
    add(
        PackEntry(
            "register/register.pdf",
            f"The register: summary, charts and every entity ({register_what})",
            renderers.register_pdf,
        )
    )
    add(
        PackEntry(
            "register/register.csv",
            f"The register as a table (CSV; {register_what})",
            renderers.register_csv,
        )
    )
    rows = art30_rows(status, transfers, entities, documents)
    add(
        PackEntry(
            "records/art30-transfers.csv",
            f"Transfer records in the Art 30(1)(e) shape (CSV): the {len(rows)} transfers in "
            f"scope that are live on {day(on)}",
            lambda: renderers.csv(ART30_HEADERS, rows),
        )
    )
    picture = _MapOnce(store, status, transfers, on, org.display_name)
    map_pdf, map_svg = renderers.map_pdf, renderers.map_svg
    if map_pdf is not None:
        add(
            PackEntry(
                "data-map/data-map.pdf",
                f"The data map on {day(on)}: who sends personal data to whom and where, on "
                "which mechanism, each transfer coloured by its status (PDF)",
                lambda: map_pdf(picture.get()),
            )
        )
    if map_svg is not None:
        add(
            PackEntry(
                "data-map/data-map.svg",
                "The same data map as a drawing that scales for print (SVG)",
                lambda: map_svg(picture.get()),
            )
        )

    # The assessments of the transfers in scope: current, stale or draft, each as it is.
    enclosed = current_assessments(facts.tias, in_scope)
    stale = _stale_reasons(status, enclosed)
    overdue = status.overdue_assessments()
    importer_of = {t.id: t.importer_id for t in facts.transfers.values()}
    batches = _Batched(
        [x.id or 0 for x in enclosed],
        lambda tia_id: tias.report(tia_id, on, org),
        renderers.pdf_many or (lambda docs: [renderers.pdf(d) for d in docs]),
    )
    for x in enclosed:
        importer = names.get(importer_of.get(x.transfer_id, -1), "")
        arc = unique(f"assessments/{safe_component(f'{x.reference} {importer}')}.pdf")
        if x.status is TiaStatus.APPROVED:
            by = split_person(x.approver)[0]
            when = f"approved on {day(x.approved_on)}" + (f" by {by}" if by else "")
        else:
            when = "not approved"
        tia_id = x.id or 0
        add(
            PackEntry(
                arc,
                f"Transfer impact assessment {x.reference} ({importer}; transfer "
                f"{', '.join(f'T{i}' for i in x.transfer_ids)}), {when}",
                lambda tia_id=tia_id: batches.get(tia_id),  # type: ignore[misc]
            ),
            _assessment_status(x, stale, overdue),
        )

    # The documents the transfers in scope rely on, with their signed files.
    doc_gaps: dict[int, list[Gap]] = defaultdict(list)
    for g in status.gaps:
        if g.document_id is not None and (g.transfer_id is None or g.transfer_id in in_scope):
            doc_gaps[g.document_id].append(g)
    relied = sorted({m.document_id for t in transfers for m in t.mechanisms if m.document_id})
    not_enclosed: list[tuple[str, str]] = []
    for doc_id in relied:
        d = documents.get(doc_id)
        if d is None:
            continue
        what, status_text, current = _document_words(d, doc_gaps.get(doc_id, ()), on)
        path = store.documents.file_path(d.file_sha256) if d.file_sha256 else None
        if path is None:
            why = (
                "no signed copy is on the register"
                if not d.file_sha256
                else "its file is not in this register's file store"
            )
            not_enclosed.append((what, why + (f"; {status_text}" if status_text else "")))
            continue
        ext = d.file_name.rpartition(".")[2] if "." in d.file_name else "bin"
        arc = unique(f"documents/{safe_component(f'{d.id} {d.title}.{ext}')}")
        add(PackEntry(arc, what, source=path), status_text, current)

    # What changed on the register in the period.
    start = scope.date_from
    end = scope.date_to or on
    logged = store.audit.entries(limit=AUDIT_LIMIT)
    audit_rows = audit_extract(logged, start, end)
    # When the log begins, if the period starts before it (and the whole log was read).
    began = min((e.at.date() for e in logged), default=None)
    if began is not None and (len(logged) == AUDIT_LIMIT or (start is not None and began <= start)):
        began = None
    period = f"between {day(start)} and {day(end)}" if start else f"up to {day(end)}"
    add(
        PackEntry(
            "audit/audit-log.csv",
            _audit_words(len(audit_rows), period, began),
            lambda: renderers.csv(AUDIT_HEADERS, audit_rows),
        )
    )

    empty = scope.empty_text(len(in_scope))
    facts_for_letter = LetterFacts(
        org=org,
        on=on,
        regulator=regulator,
        addressee=request.addressee or org.addressee,
        reference=request.reference,
        preparer=preparer,
        scope_text=scope_text,
        transfers_in_scope=len(in_scope),
        empty_range=empty,
        ready=ready,
        enclosures=tuple(letter),
        not_enclosed=tuple(not_enclosed),
        audit=audit,
    )
    entries.insert(
        0,
        PackEntry(
            "00-cover-letter.pdf",
            "This letter: who provides the pack and to whom, the open items and the contents",
            lambda: renderers.pdf(cover_letter(facts_for_letter)),
        ),
    )
    status_of = {e.path: e.status for e in letter}
    info = (
        ("format", "transfer-register-evidence-pack"),
        ("format_version", 2),
        ("organisation", org.display_name),
        ("registration_number", org.registration_number),
        ("regulator", regulator),
        ("reference", request.reference),
        ("prepared_by", preparer.line()),
        ("generated_on", on.isoformat()),
        ("scope", scope_text),
        ("transfers_in_scope", len(in_scope)),
        ("reference_data_version", ref.version),
        ("open_items", {k: n for k, _, n in ready.headline}),
        (
            "open_items_detail",
            [
                {"category": f.category, "severity": f.severity.value, "ref": f.reference,
                 "entity": f.subject, "message": f.message,
                 "open_since": f.open_since.isoformat() if f.open_since else None,
                 "owner": f.owner,
                 "target_on": f.target_on.isoformat() if f.target_on else None}
                for f in ready.findings
            ],
        ),
        ("enclosure_status", {path: s for path, s in status_of.items() if s}),
        ("audit_trail", None if audit is None else pack_audit_record(audit)),
    )  # fmt: skip
    return PackPlan(tuple(entries), info), ready


def _audit_words(n: int, period: str, began: date | None) -> str:
    """What the extract holds; ``began``: the day the log begins, if the period starts before."""
    since = f"; the register's audit log begins on {day(began)}" if began else ""
    if not n:
        return f"Extract of the audit log: no change to the register was recorded {period}{since}"
    changes = "the one change" if n == 1 else f"the {n:,} changes"
    return (
        f"Extract of the audit log: {changes} to the register {period} (when, which record, "
        f"what changed){since}"
    )


# The newest audit entries read for the extract (the period's are kept).
AUDIT_LIMIT = 200_000
AUDIT_HEADERS = ("When (UTC)", "Record", "Record id", "Action", "What changed")
