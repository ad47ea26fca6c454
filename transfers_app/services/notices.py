"""Sub-processor change notices (Art 28(2) GDPR; EU SCCs Clause 9(a) Option 2).

Under general written authorisation a processor must tell us in advance of any new or
replaced sub-processor, giving us the chance to object. This service records such a notice
with the last day to object, and our decision:

- **accept**: the sub-processor goes on the register in one transaction: the entity (or the
  one already there under the same name, ignoring case, accents and legal forms), its
  locations, and one onward transfer per country for each live transfer in which the
  processor processes data for us (exporter the processor, importer the sub-processor,
  importer role sub-processor, upstream transfer the processor's; the regimes follow that
  upstream chain, as for every onward transfer). A replaced sub-processor's transfers from
  that processor end on the day of acceptance.
- **object** / **terminate**: the decision is recorded (with who and when) and nothing else
  changes: what follows (the processor's answer, ending the contract) is a matter for the
  contract.

The notice period comes from the processor's contract: the notice period of its DPA on the
register; failing that the period written into Clause 9 of its EU SCCs ("30 days"); failing
both, 30 days.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from transfers_app.domain.countries import normalise_code
from transfers_app.domain.enums import (
    Access,
    Activity,
    DocumentKind,
    DocumentStatus,
    EntityKind,
    Frequency,
    Lifecycle,
    Regime,
    Role,
)
from transfers_app.domain.formatting import day
from transfers_app.domain.models import (
    Document,
    Entity,
    Location,
    NoticeDecision,
    SubprocessorNotice,
    Transfer,
)
from transfers_app.domain.names import name_key
from transfers_app.domain.renewals import Reminder, days_left_text
from transfers_app.domain.validation import ensure_valid
from transfers_app.errors import ValidationError
from transfers_app.ports.storage import Store

DEFAULT_NOTICE_DAYS = 30
DECISION_LABELS: dict[NoticeDecision, str] = {
    NoticeDecision.ACCEPT: "Accepted",
    NoticeDecision.OBJECT: "Objected",
    NoticeDecision.TERMINATE: "Terminated",
}
_PROCESSING = frozenset({Role.PROCESSOR, Role.SUBPROCESSOR})
_DAYS = re.compile(r"^\s*(\d{1,3})\s*(?:calendar\s+)?days?\b", re.IGNORECASE)


def objection_deadline(received_on: date, notice_period_days: int) -> date:
    """The last day to object: the notice period counted in calendar days from receipt."""
    if notice_period_days < 0:
        raise ValidationError("notice_period_days", "must not be negative")
    return received_on + timedelta(days=notice_period_days)


# The notice dialog's name for the days-left wording ('in 3 days', 'today', '2 days overdue').
days_text = days_left_text


@dataclass(frozen=True, slots=True)
class NoticePeriod:
    days: int
    source: str  # where the period comes from, in words, for the user to check


@dataclass(frozen=True, slots=True)
class NoticeView:
    """One notice as a list shows it, with the names and the day's deadline state."""

    notice: SubprocessorNotice
    processor: str
    subprocessor: str
    replaces: str
    on: date

    @property
    def days_left(self) -> int | None:
        return self.notice.days_left(self.on)

    @property
    def overdue(self) -> bool:
        return self.notice.is_overdue(self.on)

    @property
    def deadline_text(self) -> str:
        """The deadline and, while undecided, how long is left ("in 5 days", "3 days overdue")."""
        n = self.notice
        deadline = day(n.objection_deadline)
        left = self.days_left
        if n.decision is not None or left is None:
            return deadline
        return f"{deadline} ({days_text(left)})"

    @property
    def decision_text(self) -> str:
        n = self.notice
        if n.decision is None:
            return "Awaiting decision: late" if self.overdue else "Awaiting decision"
        return f"{DECISION_LABELS[n.decision]} by {n.decided_by} on {day(n.decided_on)}"


@dataclass(frozen=True, slots=True)
class Decided:
    """What a decision did to the register."""

    notice: SubprocessorNotice
    subprocessor: Entity | None = None
    created_entity: bool = False
    locations_added: tuple[Location, ...] = ()
    transfers_added: tuple[Transfer, ...] = ()
    transfers_ended: tuple[Transfer, ...] = ()

    @property
    def summary(self) -> str:
        n = self.notice
        assert n.decision is not None
        head = f"{DECISION_LABELS[n.decision]}: {n.subprocessor_name}"
        if n.decision is not NoticeDecision.ACCEPT or self.subprocessor is None:
            return f"{head} (decision recorded; the register is unchanged)."
        made = "added to the register" if self.created_entity else "already on the register"
        parts = [f"{head} {made}"]
        if self.locations_added:
            parts.append(f"{len(self.locations_added)} location(s) added")
        parts.append(f"{len(self.transfers_added)} onward transfer(s) recorded")
        if self.transfers_ended:
            parts.append(f"{len(self.transfers_ended)} transfer(s) of the replaced one ended")
        return "; ".join(parts) + "."


class NoticeService:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def actor(self) -> str:
        """Who is audited as deciding (the computer's account, not a person's name)."""
        return self._store.actor

    @property
    def default_decider(self) -> str:
        """The name a decision is recorded under unless the user types another: the person
        who prepares for the organisation (its profile), never the computer's login."""
        person = self._store.organisation.get().preparer
        return person.name if person is not None else ""

    # -- the notice period -----------------------------------------------------------------------

    def notice_period(self, processor_id: int, on: date) -> NoticePeriod:
        """The processor's contractual notice period for sub-processor changes on ``on``."""
        docs = [
            d
            for d in self._store.documents.of_entity(processor_id)
            if d.status is DocumentStatus.CURRENT and d.archived_at is None
        ]
        # Documents in force on the day first, then the most recently signed.
        docs.sort(key=lambda d: (not d.in_force_on(on), -(d.signed_on or date.min).toordinal()))
        for d in docs:
            if d.kind is DocumentKind.DPA and d.notice_period_days is not None:
                return NoticePeriod(d.notice_period_days, f"the DPA ‘{d.title}’")
        for d in docs:
            days = _clause9_days(d)
            if days is not None:
                return NoticePeriod(days, f"Clause 9 of the SCCs ‘{d.title}’")
        return NoticePeriod(
            DEFAULT_NOTICE_DAYS,
            "the default (no notice period in the processor's DPA or SCCs on the register)",
        )

    # -- recording -------------------------------------------------------------------------------

    def record(self, notice: SubprocessorNotice) -> SubprocessorNotice:
        """Save a new notice; its deadline is the receipt date plus the notice period (the
        contract's when the notice gives none)."""
        if notice.id is not None:
            raise ValidationError("id", "this notice is already recorded")
        if notice.decision is not None:
            raise ValidationError("decision", "record the notice first, then decide on it")
        processor = self._store.entities.get(notice.processor_id)
        if processor.archived_at is not None:
            raise ValidationError("processor_id", f"'{processor.name}' is archived")
        countries = tuple(dict.fromkeys(normalise_code(c, "countries") for c in notice.countries))
        period = notice.notice_period_days
        if period is None:
            period = self.notice_period(notice.processor_id, notice.received_on).days
        prepared = replace(
            notice,
            subprocessor_name=notice.subprocessor_name.strip(),
            service=notice.service.strip(),
            countries=countries,
            notice_period_days=period,
            objection_deadline=objection_deadline(notice.received_on, period)
            if 0 <= period <= 365
            else None,
        )
        ensure_valid(prepared)
        return self._store.notices.add(prepared)

    # -- deciding ----------------------------------------------------------------------------------

    def decide(
        self, notice: SubprocessorNotice, decision: NoticeDecision, by: str, on: date
    ) -> Decided:
        """Record the decision on ``notice``; accepting puts the sub-processor on the register.

        Everything happens in one transaction: a failure leaves the register and the notice
        as they were.
        """
        if notice.id is None:
            raise ValidationError("id", "record the notice before deciding on it")
        try:
            decision = NoticeDecision(decision)
        except ValueError:
            raise ValidationError(
                "decision", f"{decision!r} is not a decision: accept, object or terminate"
            ) from None
        current = self._store.notices.get(notice.id)
        if current.decision is not None:
            raise ValidationError(
                "decision",
                f"this notice was already decided: {DECISION_LABELS[current.decision].lower()} "
                f"by {current.decided_by} on {day(current.decided_on)}",
            )
        decided = replace(notice, decision=decision, decided_by=by.strip(), decided_on=on)
        ensure_valid(decided)
        with self._store.transaction():
            if decision is not NoticeDecision.ACCEPT:
                return Decided(self._store.notices.update(decided))
            result = self._accept(decided, on)
            saved = self._store.notices.update(
                replace(decided, subprocessor_id=result.subprocessor_id)
            )
            return Decided(
                saved,
                result.entity,
                result.created,
                result.locations,
                result.added,
                result.ended,
            )

    def _accept(self, n: SubprocessorNotice, on: date) -> _Accepted:
        assert n.id is not None
        processor = self._store.entities.get(n.processor_id)
        assert processor.id is not None
        entity, created = self._subprocessor_entity(n, processor, on)
        assert entity.id is not None
        sub_id = entity.id
        have = {loc.country for loc in self._store.entities.locations(sub_id)}
        locations = tuple(
            self._store.entities.add_location(Location(sub_id, cc, Activity.HOSTING))
            for cc in n.countries
            if cc not in have
        )
        source = f"sub-processor notice #{n.id} from {processor.name}, accepted by {n.decided_by}"
        upstream = [
            t
            for t in self._store.transfers.of_entity(processor.id)
            if t.importer_id == processor.id
            and t.importer_role in _PROCESSING
            and (t.ended_on is None or t.ended_on >= on)
        ]
        # Without an upstream transfer on the register there is no chain to inherit the
        # regimes from: those of our own entities apply (the processor works for us).
        regimes = () if upstream else _own_regimes(self._store.entities.own())
        existing = {
            (t.exporter_id, t.destination, t.access, t.parent_transfer_id): t
            for t in self._store.transfers.of_entity(sub_id)
            if t.importer_id == sub_id
        }
        added: list[Transfer] = []
        parents: list[Transfer | None] = [*upstream] or [None]
        for parent in parents:
            for cc in n.countries:
                key = (processor.id, cc, Access.ONWARD, parent.id if parent else None)
                found = existing.get(key)
                if found is not None:
                    if found.ended_on is not None and found.ended_on < on:
                        added.append(
                            self._store.transfers.update(
                                replace(found, ended_on=None, notes=_note(found.notes, source))
                            )
                        )
                    continue
                added.append(
                    self._store.transfers.add(
                        Transfer(
                            exporter_id=processor.id,
                            importer_id=sub_id,
                            destination=cc,
                            access=Access.ONWARD,
                            importer_role=Role.SUBPROCESSOR,
                            exporter_role=Role.PROCESSOR,
                            regimes=regimes,
                            service=n.service,
                            data_categories=parent.data_categories if parent else (),
                            data_subjects=parent.data_subjects if parent else (),
                            special_category=parent.special_category if parent else False,
                            criminal_data=parent.criminal_data if parent else False,
                            frequency=parent.frequency if parent else Frequency.CONTINUOUS,
                            parent_transfer_id=parent.id if parent else None,
                            started_on=on,
                            notes=f"Recorded from {source} on {on.isoformat()}. Record the "
                            "processor's safeguard with the sub-processor (e.g. SCCs Module 3).",
                        )
                    )
                )
        ended: list[Transfer] = []
        if n.replaces_id is not None:
            why = f"Ended: replaced by {entity.name} ({source})."
            for t in self._store.transfers.of_entity(n.replaces_id):
                if t.importer_id != n.replaces_id or t.exporter_id != processor.id:
                    continue
                if t.ended_on is not None and t.ended_on <= on:
                    continue
                end = on if t.started_on is None or t.started_on <= on else t.started_on
                ended.append(
                    self._store.transfers.update(
                        replace(t, ended_on=end, notes=_note(t.notes, why))
                    )
                )
        return _Accepted(sub_id, entity, created, locations, tuple(added), tuple(ended))

    def _subprocessor_entity(
        self, n: SubprocessorNotice, processor: Entity, on: date
    ) -> tuple[Entity, bool]:
        """The entity the notice names: the one linked, one with the same name key, or new."""
        found: Entity | None = None
        if n.subprocessor_id is not None:
            found = self._store.entities.get(n.subprocessor_id)
        else:
            found = self.entity_named(n.subprocessor_name)
        if found is not None:
            if found.id == processor.id:
                raise ValidationError(
                    "subprocessor_name", f"'{n.subprocessor_name}' is the processor itself"
                )
            if found.archived_at is not None:
                found = self._store.entities.restore(found)
            if found.lifecycle is not Lifecycle.ACTIVE:
                found = self._store.entities.update(
                    replace(
                        found,
                        lifecycle=Lifecycle.ACTIVE,
                        active_on=found.active_on or on,
                        offboarded_on=None,
                    )
                )
            return found, False
        created = self._store.entities.add(
            Entity(
                name=n.subprocessor_name.strip(),
                kind=EntityKind.VENDOR,
                lifecycle=Lifecycle.ACTIVE,
                active_on=on,
                owner=processor.owner,
                notes=f"Sub-processor of {processor.name}: accepted on {on.isoformat()} by "
                f"{n.decided_by} (sub-processor notice #{n.id}).",
            )
        )
        return created, True

    def entity_named(self, name: str) -> Entity | None:
        """The live entity with this name or legal name, ignoring case, Latin accents,
        punctuation and legal forms ("Nimbus Backup GmbH" is "nimbus backup, gmbh")."""
        key = name_key(name)
        if not key.strip():
            return None
        for hit in self._store.names.with_key_prefix(key, 50):
            e = self._store.entities.get(hit.entity_id)
            if key in (name_key(e.name), name_key(e.legal_name) if e.legal_name else ""):
                return e
        return None

    def processors(self) -> list[tuple[int, str]]:
        """(id, name) of the entities that may send us a notice: those receiving a transfer
        as processor or sub-processor, in name order (every vendor and group company on a
        register that records no such transfer yet)."""
        entities = {e.id: e for e in self._store.entities.list() if e.id is not None}
        ids = {
            t.importer_id
            for t in self._store.transfers.list()
            if t.importer_role in _PROCESSING and t.importer_id in entities
        }
        if not ids:
            ids = {i for i, e in entities.items() if e.kind is not EntityKind.CUSTOMER}
        chosen = [entities[i] for i in ids if not entities[i].is_own]
        chosen.sort(key=lambda e: (name_key(e.name), e.id or 0))
        return [(e.id, e.name) for e in chosen if e.id is not None]

    def subprocessors_of(self, processor_id: int, on: date) -> list[tuple[int, str]]:
        """(id, name) of the processor's sub-processors on the register (importers of its
        transfers not ended by ``on``): what a new one may replace."""
        ids = {
            t.importer_id
            for t in self._store.transfers.of_entity(processor_id)
            if t.exporter_id == processor_id and (t.ended_on is None or t.ended_on >= on)
        }
        names = self._store.names.names(sorted(ids))
        return sorted(names.items(), key=lambda kv: (name_key(kv[1]), kv[0]))

    # -- lists and reminders -----------------------------------------------------------------------

    def views(self, on: date) -> list[NoticeView]:
        """Every notice with its names; undecided ones first, nearest deadline first."""
        notices = self._store.notices.list()
        ids = {
            i
            for n in notices
            for i in (n.processor_id, n.subprocessor_id, n.replaces_id)
            if i is not None
        }
        names = self._store.names.names(sorted(ids))
        out = [
            NoticeView(
                n,
                names.get(n.processor_id, f"#{n.processor_id}"),
                names.get(n.subprocessor_id, n.subprocessor_name)
                if n.subprocessor_id is not None
                else n.subprocessor_name,
                names.get(n.replaces_id, f"#{n.replaces_id}") if n.replaces_id is not None else "",
                on,
            )
            for n in notices
        ]
        out.sort(
            key=lambda v: (
                v.notice.decision is not None,
                v.notice.objection_deadline or date.max,
                -(v.notice.id or 0),
            )
        )
        return out

    def overdue(self, on: date) -> list[SubprocessorNotice]:
        """Undecided notices whose objection deadline has passed."""
        return [n for n in self._store.notices.list() if n.is_overdue(on)]

    def reminders(self, on: date, within_days: int) -> list[Reminder]:
        """Objection deadlines of undecided notices within ``within_days`` (or past)."""
        out = []
        for v in self.views(on):
            n, left = v.notice, v.days_left
            if n.decision is not None or left is None or left > within_days:
                continue
            assert n.objection_deadline is not None
            out.append(
                Reminder(
                    n.objection_deadline,
                    "objection",
                    f"last day to object to sub-processor '{n.subprocessor_name}'",
                    v.processor,
                    f"notice {n.id}",
                    left,
                )
            )
        return out


@dataclass(frozen=True, slots=True)
class _Accepted:
    subprocessor_id: int
    entity: Entity
    created: bool
    locations: tuple[Location, ...]
    added: tuple[Transfer, ...]
    ended: tuple[Transfer, ...]


def _clause9_days(d: Document) -> int | None:
    """The notice period written into Clause 9(a) Option 2 of EU SCCs ("30 days")."""
    if d.kind is not DocumentKind.EU_SCC_2021 or d.scc_options is None:
        return None
    if d.scc_options.clause9_option != 2:
        return None
    m = _DAYS.match(d.scc_options.clause9_period)
    return int(m.group(1)) if m else None


def _own_regimes(own: Sequence[Entity]) -> tuple[Regime, ...]:
    return tuple(dict.fromkeys(r for e in own for r in e.exporter_regimes))


def _note(existing: str, line: str) -> str:
    return f"{existing.rstrip()}\n{line}".strip()
