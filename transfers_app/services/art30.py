"""The transfer records in the shape of Art 30(1)(e) UK GDPR / GDPR (and the ICO's documentation
list): one row per transfer, for the evidence pack's ``records/art30-transfers.csv``.

Art 30(1)(e) records transfers that take place: so the rows are the transfers live on the
pack's date, exactly the ones the status report judges (a proposed or offboarded recipient, a
transfer not started or already ended, an archived record: left out). What each row says about
the basis of the transfer is the status engine's verdict, not a reading of its own:

- the basis per regime (the mechanism that makes the transfer lawful under that regime's rules
  on the date, or "no valid safeguard"), worded as the register PDF words it;
- every document each regime relies on, with its signed, effective and expiry dates (ISO), a
  lapsed one marked "expired", DPF evidence as a listing checked on a date;
- the assessment in force on the date and where the transfer stands with it in the words of
  the status report ("missing", "not needed", "stale", "approved"...).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from transfers_app.domain.formatting import (
    MECHANISM_LABELS,
    REGIME_LABELS,
    ROLE_LABELS,
    TIA_STATE_LABELS,
    country_label,
)
from transfers_app.domain.models import Document, Entity, Transfer
from transfers_app.rules.gaps import Gap
from transfers_app.services.register import StatusReport
from transfers_app.services.register_export import document_text, safeguard_basis

ART30_HEADERS = (
    "Transfer",
    "Exporter",
    "Exporter role",
    "Recipient",
    "Recipient role",
    "Third country or international organisation",
    "Regimes",
    "Transfer basis",
    "Mechanisms recorded",
    "Safeguard documents",
    "Assessment",
    "Assessment status",
    "Assessment approved",
    "Onward transfers",
    "Art 49 documentation",
    "Data categories",
    "Data subjects",
    "Purpose",
)


def _iso(d: date) -> str:
    return d.isoformat()


def art30_rows(
    status: StatusReport,
    transfers: Sequence[Transfer],
    entities: dict[int, Entity],
    documents: dict[int, Document],
) -> list[tuple[str, ...]]:
    """One row per transfer of ``transfers`` that is live on the report's date (see the
    module), in the order given."""
    on = status.on
    judged = {s.transfer.id: s for s in status.statuses}
    gaps: dict[int, list[Gap]] = defaultdict(list)
    for g in status.gaps:
        if g.transfer_id is not None:
            gaps[g.transfer_id].append(g)
    children: dict[int, list[Transfer]] = defaultdict(list)
    for t in transfers:
        children[t.exporter_id].append(t)

    def name(i: int) -> str:
        e = entities.get(i)
        return (e.legal_name or e.name) if e else f"entity {i}"

    rows: list[tuple[str, ...]] = []
    for t in transfers:
        st = judged.get(t.id)
        if st is None or t.id is None:
            continue
        basis: list[str] = []
        docs: list[str] = []
        for r in st.results:
            regime = REGIME_LABELS[r.assessment.regime]
            basis.append(f"{regime}: {safeguard_basis(r)}")
            docs.extend(f"{regime}: {document_text(d, on, _iso)}" for d in r.documents)
        recorded = [documents[m.document_id] for m in t.mechanisms if m.document_id in documents]
        derogations = [
            f"Art {d.derogation.value}: {d.justification or 'no justification recorded'}"
            for d in recorded
            if d.derogation is not None
        ]
        tia = st.assessment
        onward = [
            f"{name(c.importer_id)} ({c.destination})"
            for c in children.get(t.importer_id, ())
            if c.id != t.id and c.id in judged
        ]
        rows.append(
            (
                f"T{t.id}",
                name(t.exporter_id),
                ROLE_LABELS[t.exporter_role],
                name(t.importer_id),
                ROLE_LABELS[t.importer_role],
                country_label(t.destination),
                ", ".join(REGIME_LABELS[r.assessment.regime] for r in st.results),
                "; ".join(basis),
                "; ".join(
                    MECHANISM_LABELS.get(m.mechanism, m.mechanism.value) for m in t.mechanisms
                )
                or "none recorded",
                "; ".join(docs),
                tia.reference if tia else "",
                TIA_STATE_LABELS[status.tia_state(st, gaps.get(t.id, ()))],
                tia.approved_on.isoformat() if tia and tia.approved_on else "",
                "; ".join(onward),
                "; ".join(derogations),
                ", ".join(t.data_categories),
                ", ".join(t.data_subjects),
                t.purpose or t.service,
            )
        )
    return rows
