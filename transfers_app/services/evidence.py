"""What a regulator's inquiry would find, and the evidence pack that answers it.

``readiness`` sorts the open gaps into what an inquiry asks about first (legal-facts.md 6.2):
transfers without a mechanism, restricted transfers without a current assessment, expired or
superseded documents, entities without a country, unverified reference facts relied on. The
user proceeds knowingly, and the pack records what was open at the time.

``plan_pack`` decides every file of the pack; ``exports.evidence_pack.write_pack`` writes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from transfers_app.domain.enums import DocumentStatus, Severity, TiaStatus
from transfers_app.domain.formatting import (
    MECHANISM_LABELS,
    REGIME_LABELS,
    ROLE_LABELS,
    country_label,
    day,
)
from transfers_app.domain.models import Document, Entity, Tia, Transfer
from transfers_app.ports.storage import Store
from transfers_app.reports.document import (
    Bullets,
    Fields,
    Para,
    ReportDocument,
    Section,
    Table,
    Tone,
)
from transfers_app.reports.pack import PackEntry, PackPlan, safe_component
from transfers_app.rules.gaps import Gap, GapCode
from transfers_app.services.organisation import Organisation, organisation_of
from transfers_app.services.register import StatusReport
from transfers_app.services.tia import TiaService

REGULATOR = "the Information Commission (formerly the ICO)"

# What an inquiry asks about first, in that order; everything else is "other".
CATEGORIES: tuple[tuple[str, str, frozenset[GapCode]], ...] = (
    (
        "no_mechanism",
        "Transfers without a valid mechanism",
        frozenset({GapCode.NO_SAFEGUARD, GapCode.NO_VALID_MECHANISM, GapCode.WRONG_MECHANISM}),
    ),
    (
        "assessment",
        "Restricted transfers without a current assessment",
        frozenset({GapCode.TIA_MISSING, GapCode.TIA_OVERDUE, GapCode.TIA_STALE}),
    ),
    (
        "documents",
        "Expired, superseded or missing documents",
        frozenset(
            {
                GapCode.DOCUMENT_EXPIRED,
                GapCode.DOCUMENT_SUPERSEDED,
                GapCode.DOCUMENT_NOT_YET_EFFECTIVE,
                GapCode.MISSING_DOCUMENT,
                GapCode.LEGACY_SCC_EXPIRED,
                GapCode.LEGACY_SCC_TOO_LATE,
            }
        ),
    ),
    ("no_country", "Entities without a country", frozenset({GapCode.ENTITY_NO_COUNTRY})),
    (
        "unverified",
        "Unverified reference facts relied on",
        frozenset({GapCode.UNVERIFIED_FACT}),
    ),
)
OTHER = ("other", "Other open gaps")


@dataclass(frozen=True, slots=True)
class Finding:
    category: str
    severity: Severity
    subject: str  # the entity the gap is about
    message: str


@dataclass(frozen=True, slots=True)
class Readiness:
    on: date
    findings: tuple[Finding, ...]

    def count(self, category: str) -> int:
        return sum(1 for f in self.findings if f.category == category)

    @property
    def headline(self) -> tuple[tuple[str, str, int], ...]:
        """(key, title, count) for each category an inquiry asks about, then other gaps."""
        rows = [(k, t, self.count(k)) for k, t, _ in CATEGORIES]
        rows.append((*OTHER, self.count(OTHER[0])))
        return tuple(rows)

    @property
    def ready(self) -> bool:
        """Nothing open in the categories an inquiry asks about first."""
        return all(f.category == OTHER[0] for f in self.findings)


@dataclass(frozen=True, slots=True)
class PackScope:
    """Restrict the pack to transfers live within a date range and/or to some entities."""

    date_from: date | None = None
    date_to: date | None = None
    entity_ids: frozenset[int] = frozenset()

    def transfer_in(self, t: Transfer) -> bool:
        if self.entity_ids and not {t.exporter_id, t.importer_id} & self.entity_ids:
            return False
        if self.date_to is not None and t.started_on is not None and t.started_on > self.date_to:
            return False
        return not (
            self.date_from is not None and t.ended_on is not None and t.ended_on < self.date_from
        )

    def describe(self, names: dict[int, str]) -> str:
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"transfers live between {day(self.date_from, 'the start')} and "
                         f"{day(self.date_to, 'today')}")  # fmt: skip
        if self.entity_ids:
            chosen = sorted(names.get(i, str(i)) for i in self.entity_ids)
            parts.append("entities " + ", ".join(chosen))
        return "; ".join(parts) or "the whole register"


def _category(code: GapCode) -> str:
    for key, _, codes in CATEGORIES:
        if code in codes:
            return key
    return OTHER[0]


def readiness(
    status: StatusReport,
    transfer_ids: set[int] | None = None,
    entity_ids: set[int] | None = None,
) -> Readiness:
    """The open gaps, sorted into what an inquiry asks about (optionally within a scope)."""
    findings = []
    for g in status.gaps:
        if transfer_ids is not None and not _in_scope(g, transfer_ids, entity_ids or set()):
            continue
        subject = status.entity_names.get(g.entity_id or -1, "")
        findings.append(Finding(_category(g.code), g.severity, subject, g.message))
    return Readiness(status.on, tuple(findings))


def _in_scope(g: Gap, transfer_ids: set[int], entity_ids: set[int]) -> bool:
    if g.transfer_id is not None:
        return g.transfer_id in transfer_ids
    return g.entity_id is not None and g.entity_id in entity_ids


# -- Art 30(1)(e) transfer records ---------------------------------------------------------------

ART30_HEADERS = (
    "Transfer",
    "Exporter",
    "Exporter role",
    "Recipient",
    "Recipient role",
    "Third country or international organisation",
    "Regimes",
    "Transfer basis",
    "Safeguard document",
    "Signed",
    "Expires",
    "Assessment",
    "Assessment approved",
    "Onward transfers",
    "Art 49 documentation",
    "Data categories",
    "Data subjects",
    "Purpose",
)


def art30_rows(
    transfers: Sequence[Transfer],
    entities: dict[int, Entity],
    documents: dict[int, Document],
    tias: Sequence[Tia],
    regimes_of: Callable[[Transfer], tuple[str, ...]],
) -> list[tuple[str, ...]]:
    """One row per transfer in the shape of Art 30(1)(e) (and the ICO's documentation list):
    the third country, the basis relied on and the documentation of the safeguards."""
    current_tia: dict[int, Tia] = {}
    for x in tias:
        if x.status is TiaStatus.APPROVED and x.archived_at is None:
            for tid in x.transfer_ids:
                current_tia[tid] = x
    children: dict[int, list[Transfer]] = defaultdict(list)
    for t in transfers:
        children[t.exporter_id].append(t)

    def name(i: int) -> str:
        e = entities.get(i)
        return (e.legal_name or e.name) if e else f"entity {i}"

    rows: list[tuple[str, ...]] = []
    for t in transfers:
        docs = [documents[m.document_id] for m in t.mechanisms if m.document_id in documents]
        primary = docs[0] if docs else None
        derogations = [
            f"Art {d.derogation.value}: {d.justification or 'no justification recorded'}"
            for d in docs
            if d.derogation is not None
        ]
        tia = current_tia.get(t.id or -1)
        onward = [
            f"{name(c.importer_id)} ({c.destination})"
            for c in children.get(t.importer_id, ())
            if c.id != t.id
        ]
        rows.append(
            (
                f"T{t.id}",
                name(t.exporter_id),
                ROLE_LABELS[t.exporter_role],
                name(t.importer_id),
                ROLE_LABELS[t.importer_role],
                country_label(t.destination),
                ", ".join(regimes_of(t)),
                "; ".join(
                    MECHANISM_LABELS.get(m.mechanism, m.mechanism.value) for m in t.mechanisms
                )
                or "none recorded",
                f"{primary.title} (document {primary.id})" if primary else "",
                primary.signed_on.isoformat() if primary and primary.signed_on else "",
                primary.expires_on.isoformat() if primary and primary.expires_on else "",
                tia.reference if tia else "",
                tia.approved_on.isoformat() if tia and tia.approved_on else "",
                "; ".join(onward),
                "; ".join(derogations),
                ", ".join(t.data_categories),
                ", ".join(t.data_subjects),
                t.purpose or t.service,
            )
        )
    return rows


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


def cover_letter(
    org: Organisation,
    on: date,
    scope_text: str,
    entries: Sequence[PackEntry],
    ready: Readiness,
    prepared_by: str,
) -> ReportDocument:
    contents = tuple((e.arcname, e.description) for e in entries)
    headline = tuple((title, str(n)) for _, title, n in ready.headline)
    open_items = tuple(
        (f.severity.value.upper(), f.subject, f.message)
        for f in ready.findings
        if f.category != OTHER[0]
    )
    return ReportDocument(
        title="International transfers: records and evidence",
        subtitle=f"Provided to {REGULATOR}",
        author=org.name or prepared_by,
        subject="Records of international transfers of personal data and their safeguards",
        keywords=("Art 30", "international transfers", "evidence", "ICO", "Information Commission"),
        generated_on=on,
        footer=f"{org.name} · evidence pack of {day(on)}",
        heading=Fields(
            (
                ("Organisation", org.name or "—"),
                ("ICO registration number", org.registration_number or "—"),
                ("Date", day(on)),
                ("Scope", scope_text),
                ("Prepared by", prepared_by or "—"),
            )
        ),
        cover_statement=(
            f"These records are provided to {REGULATOR} on request under UK GDPR Art 30(4) "
            "and Art 31. Transfer assessments are included as kept under Clause 14(d) of the "
            "EU Standard Contractual Clauses and as the UK transfer risk assessments. The "
            "manifest (manifest.json) gives the SHA-256 of every file so their integrity can "
            "be checked."
        ),
        sections=(
            Section(
                "Open items at the time of this pack",
                (
                    Para(
                        "Before this pack was prepared, the register was checked for what an "
                        "inquiry asks about first. These items were open on "
                        f"{day(on)}; they are listed here rather than left out."
                    ),
                    Fields(headline),
                    Table(
                        ("Severity", "Entity", "Open item"),
                        open_items,
                        (1, 2.5, 6),
                        empty_text="No open items in these categories.",
                    ),
                ),
            ),
            Section(
                "Contents",
                (Table(("File", "What it is"), contents, (3, 5)),),
            ),
            Section(
                "Integrity",
                (
                    Para(
                        "Each file's SHA-256 is in manifest.json. On any computer: "
                        "'sha256sum FILE' (Linux), 'shasum -a 256 FILE' (macOS) or "
                        "'Get-FileHash FILE' (Windows PowerShell) prints the value to compare."
                    ),
                    Bullets(
                        (
                            "register/: the register as PDF and CSV",
                            "records/: the transfer records in the Art 30(1)(e) shape",
                            "assessments/: the current transfer impact assessments",
                            "documents/: the current signed safeguard documents",
                        )
                    ),
                    Para(
                        "Prepared with Transfer Register. Legal reference facts the software "
                        "could not verify are marked as such in the documents.",
                        Tone.NOTE,
                    ),
                ),
            ),
        ),
    )


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


def plan_pack(
    store: Store,
    tias: TiaService,
    status: StatusReport,
    on: date,
    renderers: PackRenderers,
    scope: PackScope | None = None,
    prepared_by: str = "",
) -> tuple[PackPlan, Readiness]:
    """Every file of the pack, in order, with where its bytes come from."""
    scope = scope or PackScope()
    ref = tias.ref
    entities = {e.id: e for e in store.entities.list() if e.id is not None}
    names = {i: e.name for i, e in entities.items()}
    transfers = [t for t in store.transfers.list() if scope.transfer_in(t)]
    in_scope = {t.id for t in transfers if t.id is not None}
    documents = {d.id: d for d in store.documents.list() if d.id is not None}
    assessments = store.assessments.list()
    ready = readiness(
        status,
        in_scope if (scope.entity_ids or scope.date_from or scope.date_to) else None,
        set(scope.entity_ids),
    )
    org = organisation_of(store)

    def regimes_of(t: Transfer) -> tuple[str, ...]:
        regimes = t.regimes or (
            entities[t.exporter_id].exporter_regimes if t.exporter_id in entities else ()
        )
        return tuple(REGIME_LABELS[r] for r in regimes)

    entries: list[PackEntry] = []
    rows = art30_rows(transfers, entities, documents, assessments, regimes_of)
    entries.append(
        PackEntry(
            "register/register.pdf",
            "The register: summary, charts and every entity",
            renderers.register_pdf,
        )
    )
    entries.append(
        PackEntry("register/register.csv", "The register as a table (CSV)", renderers.register_csv)
    )
    entries.append(
        PackEntry(
            "records/art30-transfers.csv",
            "Transfer records in the Art 30(1)(e) shape (CSV)",
            lambda: renderers.csv(ART30_HEADERS, rows),
        )
    )

    # Current assessments of the transfers in scope.
    used: set[str] = set()

    def unique(path: str) -> str:
        stem, dot, ext = path.rpartition(".")
        candidate, n = path, 2
        while candidate.casefold() in used:
            candidate = f"{stem}-{n}{dot}{ext}"
            n += 1
        used.add(candidate.casefold())
        return candidate

    importer_of = {t.id: t.importer_id for t in transfers}
    current = [
        x for x in assessments if x.status is TiaStatus.APPROVED and set(x.transfer_ids) & in_scope
    ]
    batches = _Batched(
        [x.id or 0 for x in current],
        lambda tia_id: tias.report(tia_id, on, org),
        renderers.pdf_many or (lambda docs: [renderers.pdf(d) for d in docs]),
    )
    for x in current:
        importer = names.get(importer_of.get(x.transfer_id, -1), "")
        arc = unique(f"assessments/{safe_component(f'{x.reference} {importer}')}.pdf")
        tia_id = x.id or 0
        entries.append(
            PackEntry(
                arc,
                f"Transfer impact assessment {x.reference} ({importer})",
                lambda tia_id=tia_id: batches.get(tia_id),  # type: ignore[misc]
            )
        )

    # Current safeguard documents relied on by the transfers in scope, with their files.
    relied = {m.document_id for t in transfers for m in t.mechanisms if m.document_id}
    for doc_id in sorted(i for i in relied if i is not None):
        d = documents.get(doc_id)
        if d is None or d.status is not DocumentStatus.CURRENT or not d.file_sha256:
            continue
        path = store.documents.file_path(d.file_sha256)
        if path is None:
            continue
        ext = d.file_name.rpartition(".")[2] if "." in d.file_name else "bin"
        arc = unique(f"documents/{safe_component(f'{d.id} {d.title}.{ext}')}")
        entries.append(
            PackEntry(arc, f"{d.title} (document {d.id}, signed {day(d.signed_on)})", source=path)
        )

    scope_text = scope.describe(names)
    letter_entries = list(entries)
    entries.insert(
        0,
        PackEntry(
            "00-cover-letter.pdf",
            "This letter: organisation, date, contents and open items",
            lambda: renderers.pdf(
                cover_letter(org, on, scope_text, letter_entries, ready, prepared_by)
            ),
        ),
    )
    info = (
        ("format", "transfer-register-evidence-pack"),
        ("format_version", 1),
        ("organisation", org.name),
        ("ico_registration_number", org.registration_number),
        ("generated_on", on.isoformat()),
        ("scope", scope_text),
        ("reference_data_version", ref.version),
        ("open_items", {k: n for k, _, n in ready.headline}),
        (
            "open_items_detail",
            [
                {"category": f.category, "severity": f.severity.value, "entity": f.subject,
                 "message": f.message}
                for f in ready.findings
            ],
        ),
    )  # fmt: skip
    return PackPlan(tuple(entries), info), ready
