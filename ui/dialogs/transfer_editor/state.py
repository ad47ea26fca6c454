"""The transfer editor's view state, without a widget: what the form holds beyond its inputs
(which fields were touched, what still follows a default, the mechanisms in order), what stops
the transfer being saved, and how each message is shown. Testable without Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from transfers_app.domain.enums import (
    Access,
    Activity,
    DocumentKind,
    DocumentStatus,
    Finding,
    Mechanism,
    Regime,
    Role,
)
from transfers_app.domain.formatting import MECHANISM_LABELS
from transfers_app.domain.models import Document, Entity, Location, MechanismUse, Transfer
from transfers_app.domain.validation import problems as domain_problems
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.rules.destination import DestinationAssessment
from ui.dialogs.field_words import field_message

# How validation messages name the fields they mention.
FIELD_LABELS = {
    "exporter_id": "Exporter",
    "importer_id": "Importer",
    "destination": "Destination",
    "access": "Kind of access",
    "exporter_role": "Exporter role",
    "importer_role": "Importer role",
    "regimes": "Regimes",
    "parent_transfer_id": "Upstream transfer",
    "started_on": "Start",
    "ended_on": "End",
    "mechanisms": "Mechanisms",
    "service": "Service",
}
# Where a location's activity suggests the destination, per kind of access (best first).
DESTINATION_HINTS = {
    Access.STORAGE: (Activity.HOSTING, Activity.BACKUP, Activity.HEADQUARTERS),
    Access.REMOTE_ACCESS: (Activity.SUPPORT, Activity.FOLLOW_THE_SUN, Activity.HEADQUARTERS),
    Access.ONWARD: (Activity.HOSTING, Activity.SUPPORT, Activity.HEADQUARTERS),
}
REQUIRED = "is required"


def human_message(error: ValidationError) -> str:
    """A validation message that names its field in words, e.g. "Importer is required"."""
    return field_message(error, FIELD_LABELS)


def default_roles(access: Access) -> tuple[Role, Role]:
    """The exporter's and the importer's roles a new transfer starts with: an onward transfer
    is a processor's to its subprocessor; others a controller's to its processor."""
    if access is Access.ONWARD:
        return Role.PROCESSOR, Role.SUBPROCESSOR
    return Role.CONTROLLER, Role.PROCESSOR


def best_location(locations: Sequence[Location], access: Access) -> Location | None:
    """The importer's location a new transfer most likely goes to, for this kind of access."""
    if not locations:
        return None
    order = DESTINATION_HINTS[access]
    return min(
        locations,
        key=lambda loc: order.index(loc.activity) if loc.activity in order else len(order),
    )


def default_regimes(
    access: Access,
    parent_id: int | None,
    exporter: Entity | None,
    get_transfer: Callable[[int], Transfer],
    entity: Callable[[int], Entity | None],
) -> tuple[tuple[Regime, ...], str]:
    """The regimes a transfer has when it names none, and where they come from: an onward
    transfer's come from the start of its chain; others are the exporter's."""
    if access is Access.ONWARD and parent_id is not None:
        seen: set[int] = set()
        current: int | None = parent_id
        while current is not None and current not in seen:
            seen.add(current)
            try:
                up = get_transfer(current)
            except TransfersError:
                break
            if up.regimes:
                return up.regimes, "of the upstream transfer"
            if up.parent_transfer_id is None:
                first = entity(up.exporter_id)
                if first is not None and first.exporter_regimes:
                    return first.exporter_regimes, f"of {first.name}, upstream"
                break
            current = up.parent_transfer_id
    if exporter is not None and exporter.exporter_regimes:
        return exporter.exporter_regimes, f"of the exporter, {exporter.name}"
    return (), ""


def regimes_hint(default: tuple[Regime, ...], source: str, ticked: tuple[Regime, ...]) -> str:
    names = ", ".join(r.value for r in default)
    if not default:
        return (
            "The exporter is not one of our entities: tick the regimes this transfer is "
            "assessed under."
        )
    if ticked == default:
        return f"Following the regimes {source} ({names})."
    return f"Set for this transfer; the regimes {source} are {names}."


def documents_for(
    kinds: Iterable[DocumentKind], linked: int | None, documents: Iterable[Document]
) -> list[Document]:
    """The importer's documents a mechanism line may link: current ones of a kind that
    evidences the mechanism (``ReferenceSet.document_kinds``), and the one it links already."""
    kinds = frozenset(kinds)
    return [
        d
        for d in documents
        if d.kind in kinds and (d.status is DocumentStatus.CURRENT or d.id == linked)
    ]


def suggested_mechanism(
    listed: Iterable[Mechanism], assessments: Mapping[Regime, DestinationAssessment]
) -> Mechanism:
    """What the rules would list next: the first safeguard that fits a regime needing one
    and is not listed yet; adequacy where the destination is adequate."""
    have = set(listed)
    for a in assessments.values():
        if a.finding is Finding.ADEQUATE and Mechanism.ADEQUACY not in have:
            return Mechanism.ADEQUACY
        certified = a.decision is not None and a.decision.requires_certification
        if certified and a.finding is Finding.ADEQUATE_IF and Mechanism.DPF not in have:
            return Mechanism.DPF
        if a.needs_mechanism:
            for s in a.safeguards:
                if s.mechanism not in have and s.mechanism is not Mechanism.DEROGATION:
                    return s.mechanism
    return Mechanism.EU_SCC if Mechanism.EU_SCC not in have else Mechanism.ADEQUACY


def problems(
    t: Transfer,
    *,
    onward: bool,
    has_own_exporters: bool,
    importer_text: str,
    destination_text: str,
    regimes: tuple[Regime, ...],
) -> list[ValidationError]:
    """What stops the transfer being saved: the editor's own checks (in words that fit what
    the user typed), then the domain's."""
    found: list[ValidationError] = []
    if not t.exporter_id:
        if not onward and not has_own_exporters:
            found.append(
                ValidationError(
                    "exporter_id",
                    "none of our entities is marked as an exporter: tick its regimes "
                    "in the entity editor first",
                )
            )
        else:
            found.append(ValidationError("exporter_id", REQUIRED))
    if not t.importer_id:
        found.append(
            ValidationError(
                "importer_id", f"'{importer_text}' is not on the register; choose a name"
            )
            if importer_text
            else ValidationError("importer_id", REQUIRED)
        )
    if not t.destination:
        found.append(
            ValidationError("destination", f"'{destination_text}' is not a country or organisation")
            if destination_text
            else ValidationError("destination", REQUIRED)
        )
    if not regimes:
        found.append(
            ValidationError(
                "regimes",
                "tick at least one: the rules assess a transfer under the UK, EU or Swiss regime",
            )
        )
    seen: set[MechanismUse] = set()
    for n, use in enumerate(t.mechanisms, start=1):
        if use in seen:
            found.append(
                ValidationError(
                    "mechanisms",
                    f"line {n} repeats {MECHANISM_LABELS[use.mechanism]} with the same document",
                )
            )
        seen.add(use)
    for p in domain_problems(t):
        if p.field == "importer_id" and not t.importer_id:
            continue  # said above, in words that fit
        if p.field == "destination" and not t.destination:
            continue
        found.append(p)
    return found


@dataclass(frozen=True, slots=True)
class Messages:
    """Where each problem is shown: beside its field, or in the summary under the form."""

    by_field: dict[str, list[str]]
    pending: list[str]

    @property
    def summary(self) -> str:
        return "Before saving: " + "; ".join(self.pending) if self.pending else ""


def place_messages(
    found: Sequence[ValidationError], touched: set[str], fields: Iterable[str]
) -> Messages:
    """A "required" waits in the summary until its field is touched (a new form is not a
    wall of red); problems of fields without a place go to the summary too."""
    known = set(fields)
    by_field: dict[str, list[str]] = {}
    pending: list[str] = []
    for p in found:
        where = p.field if p.field in known else "general"
        waiting = p.message == REQUIRED and where not in touched
        if waiting or where == "general":
            pending.append(human_message(p))
        else:
            by_field.setdefault(where, []).append(human_message(p))
    return Messages(by_field, pending)


@dataclass
class TransferFormState:
    """What the editor holds beside its inputs.

    ``touched``: the fields the user changed (a "required" is shown beside them); the three
    ``*_auto``/``custom`` flags: whether the destination, the roles and the regimes still
    follow their defaults; ``uses``: the mechanisms in order, the first primary.
    """

    original: Transfer | None
    uses: list[MechanismUse] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    regimes_custom: bool = False
    destination_auto: bool = True
    roles_auto: bool = True
    loading: bool = True

    @classmethod
    def of(cls, original: Transfer | None) -> TransferFormState:
        return cls(
            original,
            uses=list(original.mechanisms) if original is not None else [],
            regimes_custom=bool(original and original.regimes),
            destination_auto=original is None,
            roles_auto=original is None,
        )

    def touch(self, name: str) -> None:
        """The user changed ``name`` (nothing while the form is being filled)."""
        if not self.loading:
            self.touched.add(name)

    # -- mechanisms ------------------------------------------------------------------------

    def add_use(self, mechanism: Mechanism) -> int:
        self.uses.append(MechanismUse(mechanism))
        self.touch("mechanisms")
        return len(self.uses) - 1

    def remove_use(self, row: int) -> int:
        """Remove line ``row``; the line to select after it."""
        del self.uses[row]
        self.touch("mechanisms")
        return min(row, len(self.uses) - 1)

    def move_use(self, row: int, step: int) -> int | None:
        """Move line ``row`` up (-1) or down (+1); its new row, or None if it cannot move."""
        if not 0 <= row + step < len(self.uses):
            return None
        uses = self.uses
        uses[row], uses[row + step] = uses[row + step], uses[row]
        self.touch("mechanisms")
        return row + step

    def set_mechanism(self, row: int, mechanism: Mechanism) -> None:
        """A new mechanism on a line drops the document linked for the old one."""
        self.uses[row] = MechanismUse(mechanism, None)
        self.touch("mechanisms")

    def set_document(self, row: int, document_id: int | None) -> None:
        self.uses[row] = replace(self.uses[row], document_id=document_id)
        self.touch("mechanisms")

    def keep_documents(self, ids: set[int | None]) -> None:
        """A document linked for another importer does not belong to this one."""
        self.uses = [
            u if u.document_id is None or u.document_id in ids else replace(u, document_id=None)
            for u in self.uses
        ]

    # -- what is saved ---------------------------------------------------------------------

    def stored_regimes(
        self, ticked: tuple[Regime, ...], default: tuple[Regime, ...]
    ) -> tuple[Regime, ...]:
        """Nothing while the ticks follow the default, so the transfer keeps following its
        exporter (or upstream transfer) if those change later."""
        if not self.regimes_custom and ticked == default:
            return ()
        return ticked

    def candidate(self, fields: dict[str, Any]) -> Transfer:
        """The transfer the form describes (``fields``: every field but the mechanisms)."""
        fields = {**fields, "mechanisms": tuple(self.uses)}
        if self.original is not None:
            return replace(self.original, **fields)
        return Transfer(**fields)
