"""Reports as plain data (JSON-ready dicts): the shapes documented in the README."""

from __future__ import annotations

from typing import Any

from transfers_app.domain.countries import country_name
from transfers_app.services.register import CheckReport, StatusReport


def check_to_json(report: CheckReport) -> dict[str, Any]:
    return {
        "name": report.name,
        "as_of": report.on.isoformat(),
        "regimes_from_register": report.regimes_from_register,
        "assessments": [
            {
                "regime": a.regime.value,
                "destination": a.destination,
                "destination_name": country_name(a.destination),
                "restricted": a.restricted,
                "finding": a.finding.value,
                "adequacy": None
                if a.decision is None
                else {
                    "reference": a.decision.reference,
                    "title": a.decision.title,
                    "scope": a.decision.scope,
                    "in_force_from": a.decision.in_force_from.isoformat(),
                    "expires_on": a.decision.expires_on.isoformat()
                    if a.decision.expires_on
                    else None,
                    "sources": [c.as_json() for c in a.decision.citations],
                    "verified": a.decision.verified,
                },
                "reason": a.reason,
                "scc_module": a.scc_module,
                "safeguards": [
                    {
                        "mechanism": s.mechanism.value,
                        "label": s.label,
                        "reference": s.reference,
                        "scc_module": s.scc_module,
                        "needs_assessment": s.needs_assessment,
                        "note": s.note,
                    }
                    for s in a.safeguards
                ],
                "tia_required": a.tia_required,
                "assessment_name": a.assessment_name,
                "conditions": list(a.conditions),
                "advisories": list(a.advisories),
                "unverified_facts": list(a.unverified),
                "regulator": a.regulator,
            }
            for a in report.assessments
        ],
        "similar_on_register": [
            {"id": s.entity_id, "name": s.name, "score": s.score, "why": s.why}
            for s in report.similar
        ],
    }


def status_to_json(report: StatusReport) -> dict[str, Any]:
    return {
        "as_of": report.on.isoformat(),
        "transfers_assessed": report.transfers_assessed,
        "transfers_without_gaps": report.compliant_transfers,
        "counts": {
            s.value: report.count(s)
            for s in sorted({g.severity for g in report.gaps}, key=lambda s: s.rank)
        },
        "gaps": [
            {
                "severity": g.severity.value,
                "code": g.code.value,
                "regime": g.regime.value if g.regime else None,
                "transfer_id": g.transfer_id,
                "entity_id": g.entity_id,
                "entity": report.entity_names.get(g.entity_id or -1),
                "document_id": g.document_id,
                "due_on": g.due_on.isoformat() if g.due_on else None,
                "message": g.message,
            }
            for g in report.gaps
        ],
    }
