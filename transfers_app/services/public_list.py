"""The public sub-processor list: what customers are told, and what changed since they were told.

Who is on the list (the rule, decided here once): every entity that, on the given date,
receives a live transfer of personal data as **processor or sub-processor** in a chain that
starts at one of our own entities. That is

- our direct processors (the exporter is one of our entities), whatever their kind: a group
  company that processes for us is a sub-processor to our customers as much as a vendor is;
- their sub-processors recorded on the register (onward transfers whose upstream chain starts
  at one of our entities, e.g. those created when we accept a sub-processor notice), shown
  with the processor that engaged them.

Left out: proposed and offboarded entities (not engaged yet / any more), archived records,
transfers not started or already ended on the date, controllers (group companies or advisers
receiving data for their own purposes) and transfers whose chain does not start with us.

Each entry gives the name (and legal name when it differs), the services, the countries where
the entity processes (its processing locations on the register; the transfers' destinations
when it has none recorded) and the safeguards relied on, in plain words.

``publish`` keeps each published version whole (table ``publications``, kind "public_list"),
so the change log (added, removed, changed location, changed purpose) is always against what
customers were actually shown. Customers must be told of these changes: under general written
authorisation (Art 28(2) GDPR; EU SCCs Clause 9(a) Option 2) they may object to a new or
replaced sub-processor.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Lifecycle, Mechanism, Regime, Role
from transfers_app.domain.formatting import REGIME_LABELS, SAFEGUARD_WORDS
from transfers_app.domain.models import Entity, Publication, Transfer
from transfers_app.errors import TransfersError
from transfers_app.ports.files import PublicListRenderer
from transfers_app.ports.storage import Store
from transfers_app.reports.public_list import (
    ChangeKind,
    ListChange,
    PublicEntry,
    PublicList,
    PublicListReport,
)
from transfers_app.rules.gaps import RegimeResult, TransferStatus
from transfers_app.services.organisation import ORG_NAME, organisation_of
from transfers_app.services.register import StatusReport

PUBLIC_LIST = "public_list"
SCHEMA = 1

NO_SAFEGUARD = "No safeguard recorded"

_PROCESSING_ROLES = frozenset({Role.PROCESSOR, Role.SUBPROCESSOR})
_ENGAGED = frozenset({Lifecycle.APPROVED, Lifecycle.ACTIVE})


# -- building the list ------------------------------------------------------------------------


def _root_exporter(t: Transfer, by_id: dict[int, Transfer]) -> int:
    """The exporter at the start of a transfer's chain of upstream transfers."""
    root, seen = t, {t.id}
    while root.parent_transfer_id is not None:
        parent = by_id.get(root.parent_transfer_id)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        root = parent
    return root.exporter_id


# What an entry says under a regime whose transfer no mechanism makes lawful on the date:
# publishing such a list needs an explicit confirmation (``PublishNeedsConfirmation``).
NOT_SAFEGUARDED = "No valid safeguard in place"
NOT_RESTRICTED = "None needed (not a restricted transfer)"
# The DPF under the UK's and Switzerland's rules is their own part of the framework.
_DPF_UNDER = {
    Regime.UK: "UK Extension to the EU-U.S. Data Privacy Framework",
    Regime.CH: "Swiss-U.S. Data Privacy Framework certification",
}


def _regime_words(result: RegimeResult) -> str:
    if result.covered_by is not None:
        if result.covered_by is Mechanism.DPF and result.assessment.regime in _DPF_UNDER:
            return _DPF_UNDER[result.assessment.regime]
        return SAFEGUARD_WORDS[result.covered_by]
    if not result.assessment.restricted:
        return NOT_RESTRICTED
    return NOT_SAFEGUARDED


def _by_regime(
    ts: list[Transfer], verdicts: dict[int, TransferStatus]
) -> tuple[tuple[str, str], ...]:
    """Per regime, what the entry's transfers rest on (each wording once, in order)."""
    words: dict[str, dict[str, None]] = {}
    for t in ts:
        st = verdicts.get(t.id or -1)
        for r in st.results if st is not None else ():
            label = REGIME_LABELS[r.assessment.regime]
            words.setdefault(label, {})[_regime_words(r)] = None
    return tuple((label, "; ".join(w)) for label, w in words.items())


def build_list(
    entities: dict[int, Entity],
    transfers: list[Transfer],
    locations: dict[int, list[str]],
    on: date,
    organisation: str = "",
    verdicts: dict[int, TransferStatus] | None = None,
) -> PublicList:
    """The list on ``on`` from the register's records (see the module's rule); with the
    status engine's ``verdicts`` (by transfer id), each entry's safeguard per regime."""
    own = {i for i, e in entities.items() if e.is_own and e.archived_at is None}
    by_id = {t.id: t for t in transfers if t.id is not None}
    in_scope: dict[int, list[Transfer]] = defaultdict(list)
    for t in transfers:
        if t.importer_role not in _PROCESSING_ROLES or not t.is_live_on(on):
            continue
        importer = entities.get(t.importer_id)
        if importer is None or importer.archived_at is not None:
            continue
        if importer.lifecycle not in _ENGAGED:
            continue
        if _root_exporter(t, by_id) not in own:
            continue
        in_scope[t.importer_id].append(t)
    entries = []
    for entity_id, ts in in_scope.items():
        e = entities[entity_id]
        services = tuple(dict.fromkeys(s for t in ts if (s := (t.service or t.purpose).strip())))
        codes = locations.get(entity_id) or [t.destination for t in ts]
        countries = tuple(sorted(dict.fromkeys(codes), key=lambda c: country_name(c).casefold()))
        words = [SAFEGUARD_WORDS[u.mechanism] for t in ts for u in t.mechanisms]
        safeguards = tuple(dict.fromkeys(words)) or (NO_SAFEGUARD,)
        engaged_by: tuple[str, ...] = ()
        if not any(t.exporter_id in own for t in ts):
            engaged_by = tuple(
                dict.fromkeys(
                    entities[t.exporter_id].display_name for t in ts if t.exporter_id in entities
                )
            )
        legal = e.legal_name.strip()
        entries.append(
            PublicEntry(
                entity_id=entity_id,
                name=e.display_name,
                legal_name=legal if legal and legal != e.display_name else "",
                services=services,
                countries=countries,
                safeguards=safeguards,
                engaged_by=engaged_by,
                by_regime=_by_regime(ts, verdicts) if verdicts is not None else (),
            )
        )
    entries.sort(key=lambda x: (x.name.casefold(), x.entity_id))
    return PublicList(on, organisation, tuple(entries))


def compare(previous: PublicList | None, current: PublicList) -> tuple[ListChange, ...]:
    """Added, removed, changed location and changed purpose, in the list's order."""
    if previous is None:
        return tuple(
            ListChange(ChangeKind.ADDED, e.entity_id, e.name, e.countries, (), "", e.purpose)
            for e in current.entries
        )
    before = {e.entity_id: e for e in previous.entries}
    now = {e.entity_id: e for e in current.entries}
    out: list[ListChange] = []
    for e in current.entries:
        old = before.get(e.entity_id)
        if old is None:
            out.append(
                ListChange(ChangeKind.ADDED, e.entity_id, e.name, e.countries, (), "", e.purpose)
            )
            continue
        if set(old.countries) != set(e.countries):
            out.append(
                ListChange(
                    ChangeKind.LOCATION,
                    e.entity_id,
                    e.name,
                    tuple(c for c in e.countries if c not in old.countries),
                    tuple(c for c in old.countries if c not in e.countries),
                    ", ".join(old.country_names),
                    ", ".join(e.country_names),
                )
            )
        if old.purpose != e.purpose:
            out.append(
                ListChange(
                    ChangeKind.PURPOSE, e.entity_id, e.name, before=old.purpose, after=e.purpose
                )
            )
    removed = [e for e in previous.entries if e.entity_id not in now]
    out.extend(
        ListChange(ChangeKind.REMOVED, e.entity_id, e.name, (), e.countries, e.purpose)
        for e in removed
    )
    return tuple(out)


# -- stored form --------------------------------------------------------------------------------


def _entry_to_plain(e: PublicEntry) -> dict[str, Any]:
    return {
        "entity_id": e.entity_id,
        "name": e.name,
        "legal_name": e.legal_name,
        "services": list(e.services),
        "countries": list(e.countries),
        "safeguards": list(e.safeguards),
        "engaged_by": list(e.engaged_by),
        "by_regime": [list(pair) for pair in e.by_regime],
    }


def _entry_from_plain(d: dict[str, Any]) -> PublicEntry:
    return PublicEntry(
        entity_id=int(d["entity_id"]),
        name=str(d.get("name", "")),
        legal_name=str(d.get("legal_name", "")),
        services=tuple(d.get("services", ())),
        countries=tuple(d.get("countries", ())),
        safeguards=tuple(d.get("safeguards", ())),
        engaged_by=tuple(d.get("engaged_by", ())),
        # Versions published before the list said it per regime have none.
        by_regime=tuple((str(r), str(w)) for r, w in d.get("by_regime", ())),
    )


def _change_to_plain(c: ListChange) -> dict[str, Any]:
    return {
        "kind": c.kind.value,
        "entity_id": c.entity_id,
        "name": c.name,
        "countries_added": list(c.countries_added),
        "countries_removed": list(c.countries_removed),
        "before": c.before,
        "after": c.after,
    }


def _change_from_plain(d: dict[str, Any]) -> ListChange:
    return ListChange(
        ChangeKind(d["kind"]),
        int(d["entity_id"]),
        str(d.get("name", "")),
        tuple(d.get("countries_added", ())),
        tuple(d.get("countries_removed", ())),
        str(d.get("before", "")),
        str(d.get("after", "")),
    )


def to_content(report: PublicListReport) -> str:
    pl = report.public_list
    return json.dumps(
        {
            "schema": SCHEMA,
            "as_of": pl.as_of.isoformat(),
            "organisation": pl.organisation,
            "dpo_name": pl.dpo_name,
            "dpo_email": pl.dpo_email,
            "entries": [_entry_to_plain(e) for e in pl.entries],
            "changes": [_change_to_plain(c) for c in report.changes],
            "previous_on": report.previous_on.isoformat() if report.previous_on else None,
            "published_by": report.published_by,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def from_publication(pub: Publication) -> PublicListReport:
    """A published version as it was published (its list and its change log)."""
    raw = json.loads(pub.content)
    pl = PublicList(
        date.fromisoformat(raw.get("as_of") or pub.published_on.isoformat()),
        str(raw.get("organisation", "")),
        tuple(_entry_from_plain(e) for e in raw.get("entries", ())),
        str(raw.get("dpo_name", "")),
        str(raw.get("dpo_email", "")),
    )
    previous = raw.get("previous_on")
    return PublicListReport(
        pl,
        pub.published_on,
        tuple(_change_from_plain(c) for c in raw.get("changes", ())),
        date.fromisoformat(previous) if previous else None,
        True,
        pub.published_by,
    )


# -- the service ------------------------------------------------------------------------------


class PublishNeedsConfirmation(TransfersError):
    """Publishing a list on which an entry has no valid safeguard under some regime: it is
    published only when the user confirms (``force``)."""

    def __init__(self, on: date, entries: tuple[str, ...]) -> None:
        self.entries = entries
        n = len(entries)
        super().__init__(
            f"publishing: {n} entr{'y has' if n == 1 else 'ies have'} no valid safeguard on "
            f"{on.isoformat()}: {'; '.join(entries)}; nothing was written or published"
        )


def unsafeguarded(public_list: PublicList) -> tuple[str, ...]:
    """The entries without a valid safeguard under some regime: "Name (UK GDPR, EU GDPR)"."""
    out = []
    for e in public_list.entries:
        regimes = [label for label, words in e.by_regime if NOT_SAFEGUARDED in words]
        if regimes or e.safeguards == (NO_SAFEGUARD,):
            out.append(f"{e.display_name} ({', '.join(regimes) or 'no safeguard recorded'})")
    return tuple(out)


class PublicListService:
    def __init__(self, store: Store, status: Callable[[date], StatusReport] | None = None) -> None:
        self._store = store
        # The status engine: what each entry's transfers rest on, per regime, on the date.
        self._status = status

    def build(self, on: date) -> PublicList:
        """The list as the register stands, for ``on``."""
        store = self._store
        entities = {e.id: e for e in store.entities.list() if e.id is not None}
        locations: dict[int, list[str]] = defaultdict(list)
        for loc in store.entities.locations():
            locations[loc.entity_id].append(loc.country)
        organisation = store.settings.get(ORG_NAME) or ""
        verdicts = None
        if self._status is not None:
            verdicts = {
                s.transfer.id: s for s in self._status(on).statuses if s.transfer.id is not None
            }
        built = build_list(entities, store.transfers.list(), locations, on, organisation, verdicts)
        # Objections go to the DPO the organisation's profile names (none: the contract's
        # address, see ``objection_text``).
        profile = organisation_of(store)
        return replace(
            built, dpo_name=profile.dpo_name.strip(), dpo_email=profile.dpo_email.strip()
        )

    def last_published(self, on: date | None = None) -> PublicListReport | None:
        """The version last published (on or before ``on``), as it was published."""
        pub = self._store.publications.last(PUBLIC_LIST, on)
        return from_publication(pub) if pub is not None else None

    def changes_since_last(self, on: date) -> tuple[ListChange, ...]:
        """What the list on ``on`` changes against the last published version: what
        customers must be notified of. Everything is "added" when nothing was published."""
        last = self.last_published(on)
        return compare(last.public_list if last else None, self.build(on))

    def draft(self, on: date) -> PublicListReport:
        """The list on ``on`` with its changes since the last publication, not published.

        When nothing changed since the last publication this is that version again (its
        date as "last updated", its change log), marked published.
        """
        last = self.last_published(on)
        current = self.build(on)
        changes = compare(last.public_list if last else None, current)
        if last is not None and not changes:
            return PublicListReport(
                current, last.last_updated, last.changes, last.previous_on, True
            )
        return PublicListReport(current, on, changes, last.last_updated if last else None, False)

    def publish(self, on: date, published_by: str = "") -> PublicListReport:
        """Record the list on ``on`` as published (with its change log) by ``published_by``
        (a person's name, never a login), in one transaction."""
        who = published_by.strip()
        with self._store.transaction() as tx:
            last = self.last_published(on)
            current = self.build(on)
            changes = compare(last.public_list if last else None, current)
            report = PublicListReport(
                current, on, changes, last.last_updated if last else None, True, who
            )
            tx.publications.add(Publication(PUBLIC_LIST, on, to_content(report), actor=who))
        return report

    def write(
        self,
        renderer: PublicListRenderer,
        fmt: str,
        path: Path,
        on: date,
        *,
        published_by: str | None = None,
        force: bool = False,
    ) -> PublicListReport:
        """Write the list on ``on`` to ``path`` as ``fmt`` ("html" or "md"); with
        ``published_by`` (who publishes: a person's name, "" when none is known) also record it
        as the version customers are shown. File and record together, or
        neither: the file is written whole (a temporary file, then renamed) inside the
        transaction that records the version, so a file that cannot be written publishes
        nothing. Publishing a list with an entry that has no valid safeguard raises
        ``PublishNeedsConfirmation`` (naming the entries) unless ``force``."""
        if fmt not in PUBLIC_LIST_FORMATS:
            raise TransfersError(f"format: {fmt!r} is not one of html, md")
        publish = published_by is not None
        if publish and not force and (unsafe := unsafeguarded(self.build(on))):
            raise PublishNeedsConfirmation(on, unsafe)
        render = renderer.html if fmt == "html" else renderer.markdown
        with self._store.transaction():
            report = self.draft(on) if published_by is None else self.publish(on, published_by)
            _write_whole(Path(path), render(report))
        return report


# -- the file -----------------------------------------------------------------------------------

# The list's file formats: "html" (a standalone page) and "md" (Markdown), by their names.
PUBLIC_LIST_FORMATS: dict[str, str] = {"html": "HTML page", "md": "Markdown"}
_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def public_list_format_for(path: Path) -> str | None:
    """The format a file name asks for by its extension, if any."""
    return _SUFFIXES.get(path.suffix.lower())


def _write_whole(path: Path, text: str) -> None:
    if path.is_dir():
        raise TransfersError(f"cannot write {path}: it is a folder; give a file name")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise TransfersError(f"cannot write {path}: {exc.strerror or exc}") from None
