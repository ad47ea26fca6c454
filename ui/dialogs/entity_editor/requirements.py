"""What the law requires for one of an entity's transfers, per regime, as the rules say today
(shown on the entity editor's Transfers tab). Qt-free."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import DocumentKind, Regime
from transfers_app.domain.formatting import MECHANISM_LABELS, day
from transfers_app.domain.models import Document, Entity, Transfer
from transfers_app.errors import TransfersError
from transfers_app.reference.loader import ReferenceSet
from transfers_app.rules.destination import MODULE_NAMES, Certifications, assess_destination
from ui.dialogs.entity_editor.choices import FINDING_LABELS, REGIME_CHOICES


def regimes_for(
    t: Transfer,
    get_transfer: Callable[[int], Transfer],
    get_entity: Callable[[int], Entity],
) -> tuple[tuple[Regime, ...], str]:
    """The regimes a transfer is assessed under, and where they come from: its own, those
    of the start of its chain, or its exporter's."""
    root, seen = t, {t.id}
    while not root.regimes and root.parent_transfer_id is not None:
        try:
            parent = get_transfer(root.parent_transfer_id)
        except TransfersError:
            break
        if parent.id in seen:
            break
        seen.add(parent.id)
        root = parent
    if root.regimes:
        return root.regimes, "set on the transfer" if root is t else "of the upstream transfer"
    try:
        exporter = get_entity(root.exporter_id)
    except TransfersError:
        return (), ""
    return exporter.exporter_regimes, f"of the exporter, {exporter.name}"


def certifications(documents: Sequence[Document]) -> Certifications:
    """The DPF lists the importer's certification evidence puts it on."""
    docs = [d for d in documents if d.kind is DocumentKind.DPF_CERTIFICATION]
    return Certifications(
        dpf_eu=any(d.dpf_eu for d in docs),
        dpf_uk_extension=any(d.dpf_uk_extension for d in docs),
        dpf_swiss=any(d.dpf_swiss for d in docs),
    )


def requirements_html(
    t: Transfer,
    regimes: tuple[Regime, ...],
    source: str,
    certs: Certifications,
    ref: ReferenceSet,
    today: date,
    importer_in_group: bool | None = None,
) -> str:
    """What the law requires for ``t`` on ``today``, per regime (``source``: where the
    regimes come from), from the rules; ``importer_in_group`` as in ``assess_destination``."""
    esc = html.escape
    where = f"{country_name(t.destination)} ({t.destination})"
    parts = [f"<h3>Transfer to {esc(where)}: what the law requires on {day(today)}</h3>"]
    recorded = ", ".join(MECHANISM_LABELS[m.mechanism] for m in t.mechanisms)
    parts.append(
        f"<p>Roles: exporter {esc(t.exporter_role.value)}, importer "
        f"{esc(t.importer_role.value)}. Mechanisms recorded: "
        f"<b>{esc(recorded or 'none')}</b>.</p>"
    )
    if not regimes:
        parts.append(
            "<p>No regime to assess: the exporter is not one of our entities and the "
            "transfer names no regime (UK, EU or CH).</p>"
        )
        return "".join(parts)
    for regime in regimes:
        a = assess_destination(
            ref,
            regime,
            t.destination,
            today,
            t.importer_role,
            t.exporter_role,
            certs,
            importer_in_group,
        )
        finding, colour = FINDING_LABELS[a.finding]
        parts.append(
            f"<h4>{esc(REGIME_CHOICES[regime])} <small>(regimes {esc(source)})</small></h4>"
            f"<p><b style='color:{colour}'>{esc(finding)}</b><br>{esc(a.words(a.reason))}</p>"
        )
        if a.conditions:
            items = "".join(f"<li>{esc(c)}</li>" for c in a.conditions)
            parts.append(f"<p>Conditions of the decision:</p><ul>{items}</ul>")
        if a.needs_mechanism and a.safeguards:
            items = "".join(
                f"<li><b>{esc(s.label)}</b><br><small>{esc(s.reference)}"
                + (f"<br>{esc(s.note)}" if s.note else "")
                + "</small></li>"
                for s in a.safeguards
            )
            parts.append(f"<p>Safeguards that would do:</p><ul>{items}</ul>")
        if a.needs_mechanism and a.scc_module is not None:
            parts.append(f"<p>SCC module: <b>{esc(MODULE_NAMES[a.scc_module])}</b></p>")
        if a.needs_mechanism:
            required = "required" if a.tia_required else "not required"
            parts.append(
                f"<p>{esc(a.assessment_name)}: <b>{required}</b>. "
                f"Regulator: {esc(a.regulator)}.</p>"
            )
    return "".join(parts)
