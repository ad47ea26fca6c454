"""The rules read their inputs through Protocols (transfers_app.rules.inputs).

Both the domain's frozen dataclasses and the compact read models storage hands out for a large
register (the NamedTuples of ``transfers_app.domain.readmodels``) satisfy them, and the rules
give the same verdict on either. The module-level assignments are checked by mypy
(``mypy tests/unit/test_rule_inputs.py``): a domain class that stopped satisfying a Protocol
fails the type check.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from transfers_app.domain import enums
from transfers_app.domain.models import Document, Entity, MechanismUse, Tia, Transfer
from transfers_app.domain.readmodels import (
    AssessmentFacts,
    DocumentFacts,
    EntityFacts,
    TransferFacts,
)
from transfers_app.reference.loader import builtin_reference
from transfers_app.rules.context import TransferContext, certifications_of
from transfers_app.rules.gaps import evaluate_transfer
from transfers_app.rules.inputs import (
    AssessmentView,
    DocumentView,
    MechanismUseView,
    PartyView,
    TransferView,
)

TODAY = date(2026, 11, 25)

# -- the domain objects satisfy the Protocols (checked by mypy) ----------------------------------

_party: PartyView = Entity("Acme Ltd", enums.EntityKind.GROUP, id=1)
_use: MechanismUseView = MechanismUse(enums.Mechanism.EU_SCC, 3)
_transfer: TransferView = Transfer(1, 2, "IN", enums.Access.STORAGE, enums.Role.PROCESSOR)
_document: DocumentView = Document(enums.DocumentKind.EU_SCC_2021, "SCCs")
_assessment: AssessmentView = Tia(transfer_id=10)


# -- the read models storage hands out (transfers_app.domain.readmodels) ----------------------


class UseRow(NamedTuple):
    mechanism: enums.Mechanism
    document_id: int | None


_party_row: PartyView = EntityFacts(
    1, "Acme Ltd", enums.EntityKind.GROUP, enums.Lifecycle.ACTIVE, (enums.Regime.UK,)
)
_use_row: MechanismUseView = UseRow(enums.Mechanism.EU_SCC, None)


def _document_row(d: Document) -> DocumentFacts:
    # The facts records carry the domain object's fields of the same names.
    return DocumentFacts._make(getattr(d, f) for f in DocumentFacts._fields)


def _context(rows: bool) -> TransferContext:
    """One UK/EU transfer to India on SCCs + Addendum with a lapsed review and an overdue
    assessment, and a stale DPF entry: as domain objects, or as read models."""
    regimes = (enums.Regime.EU, enums.Regime.UK)
    exporter = Entity("Acme Ltd", enums.EntityKind.GROUP, id=1, exporter_regimes=regimes)
    importer = Entity("Vendor Inc", enums.EntityKind.VENDOR, id=2)
    docs = [
        Document(
            enums.DocumentKind.EU_SCC_2021,
            "SCCs",
            id=3,
            party_ids=(1, 2),
            scc_module=2,
            signed_on=date(2023, 1, 10),
            next_review_on=date(2026, 6, 1),
        ),
        Document(
            enums.DocumentKind.UK_ADDENDUM,
            "Addendum",
            id=4,
            party_ids=(1, 2),
            signed_on=date(2023, 1, 10),
        ),
    ]
    uses = (MechanismUse(enums.Mechanism.EU_SCC, 3), MechanismUse(enums.Mechanism.UK_ADDENDUM, 4))
    transfer = Transfer(
        1, 2, "IN", enums.Access.STORAGE, enums.Role.PROCESSOR, id=10, mechanisms=uses
    )
    tia = Tia(
        transfer_id=10,
        id=7,
        status=enums.TiaStatus.APPROVED,
        approved_on=date(2024, 1, 1),
        next_review_on=date(2025, 1, 1),
    )
    if not rows:
        return TransferContext(
            transfer,
            exporter,
            importer,
            regimes,
            enums.Role.CONTROLLER,
            {3: docs[0], 4: docs[1]},
            docs,
            [tia],
        )
    doc_rows = [_document_row(d) for d in docs]
    return TransferContext(
        transfer=TransferFacts(
            10,
            1,
            2,
            "IN",
            enums.Access.STORAGE,
            enums.Role.PROCESSOR,
            enums.Role.CONTROLLER,
            (),
            None,
            None,
            None,
            uses,
            None,
        ),
        exporter=EntityFacts(
            1, "Acme Ltd", enums.EntityKind.GROUP, enums.Lifecycle.ACTIVE, regimes
        ),
        importer=EntityFacts(2, "Vendor Inc", enums.EntityKind.VENDOR, enums.Lifecycle.ACTIVE, ()),
        regimes=regimes,
        exporter_role=enums.Role.CONTROLLER,
        documents={3: doc_rows[0], 4: doc_rows[1]},
        importer_documents=doc_rows,
        tias=[
            AssessmentFacts(
                7,
                10,
                (),
                enums.TiaStatus.APPROVED,
                date(2024, 1, 1),
                date(2025, 1, 1),
                None,
                None,
                1,
                None,
            )
        ],
    )


def test_the_rules_give_the_same_verdict_on_domain_objects_and_on_read_models() -> None:
    ref = builtin_reference()
    domain = evaluate_transfer(ref, _context(rows=False), TODAY)
    compact = evaluate_transfer(ref, _context(rows=True), TODAY)
    assert compact.gaps == domain.gaps
    assert [r.covered_by for r in compact.results] == [r.covered_by for r in domain.results]
    assert {g.code.value for g in domain.gaps} == {"review_overdue", "tia_overdue"}
    assert [r.covered_by for r in domain.results] == [
        enums.Mechanism.EU_SCC,
        enums.Mechanism.UK_ADDENDUM,
    ]


def test_dpf_evidence_is_read_from_a_read_model_and_returned_as_given() -> None:
    row = _document_row(
        Document(
            enums.DocumentKind.DPF_CERTIFICATION,
            "DPF List entry",
            id=5,
            dpf_eu=True,
            checked_on=date(2026, 1, 5),
        )
    )
    certs, evidence = certifications_of([row], TODAY)
    assert certs.dpf_eu and not certs.dpf_uk_extension
    assert evidence is row
