"""One status engine: every view of the register says the same about what is overdue, stale,
expired or missing.

Each view is computed the way its page or file computes it (the register page's rows, the
reminders, the Transfers and Assessments work lists, the dashboard's figures, the register
export's lines) on the demo register and on a synthetic one, on several dates, and compared
with the status report and with each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import pytest
from fakes.memory_store import MemoryStore
from support.stores import DEMO_DAY, ENGINES, DemoRegisters, release_register

from exports import file_adapters
from transfers_app.domain.enums import Severity, TiaState
from transfers_app.domain.formatting import SEVERITY_LABELS, TIA_STATE_LABELS
from transfers_app.domain.readmodels import DueKind
from transfers_app.ports.storage import Store
from transfers_app.reference import builtin_reference
from transfers_app.rules.gaps import Gap, GapCode
from transfers_app.services import register_export as rx
from transfers_app.services.app import AppServices
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import StatusReport
from transfers_app.services.setup import SetupService
from transfers_app.services.worklists import assessment_rows, transfer_rows
from transfers_app.services.workspace import Workspace
from ui.pages.dashboard import summarize

DATES = (DEMO_DAY, date(2027, 6, 1), date(2025, 6, 1), date(2019, 6, 1))


def services(store: Store, on: date) -> AppServices:
    return AppServices.build(store, ReferenceSource(builtin_reference()), file_adapters(), on)


@pytest.fixture(scope="module", params=ENGINES)
def demo(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_registers: DemoRegisters,
) -> Iterator[Store]:
    """The demo register on each engine (the tests only read it)."""
    store = demo_registers.open(request.param, tmp_path_factory.mktemp("demo") / "r", request)
    yield store
    release_register(store, request)


@pytest.fixture(scope="module")
def synthetic() -> Store:
    store = MemoryStore(actor="t")
    SetupService(store).generate(300, 7, DEMO_DAY)
    return store


def check_views_agree(store: Store, on: date) -> StatusReport:
    s = services(store, on)
    report = s.register.status(on)
    gaps_of: dict[int | None, list[GapCode]] = defaultdict(list)
    for g in report.gaps:
        gaps_of[g.transfer_id].append(g.code)
    overdue_gap_records = {
        (g.document_id, g.due_on)
        for g in report.gaps
        if g.due_on is not None and g.due_on < on and g.code is not GapCode.TIA_OVERDUE
    }

    # Reminders: each overdue one is a gap of the status, and each gap with a passed date is
    # an overdue reminder (the reminders a day-per-record list, the gaps per regime).
    reminders = s.register.reminders(on, 100_000)
    for r in reminders:
        kind, number = r.record_of() or ("", 0)
        if not r.overdue:
            continue
        if kind == "tia":
            covered = s.tias.get(number).transfer_ids
            assert any(GapCode.TIA_OVERDUE in gaps_of[t] for t in covered), r
        else:
            assert (number, r.due_on) in overdue_gap_records, r
    overdue_records = {(r.record, r.due_on) for r in reminders if r.overdue}
    for doc_id, due_on in overdue_gap_records:
        assert (f"document {doc_id}", due_on) in overdue_records, (doc_id, due_on)
    assert {r.record for r in reminders if r.overdue and r.what == "tia_review"} == {
        f"tia {i}" for i in report.overdue_assessments()
    }

    # The register page: an entity overdue there has a gap there (never beside "OK"), and its
    # date is the earliest the reminders give for the transfers it receives.
    worst = Workspace.worst_by_entity(report)
    rows = s.workspace.register_rows(on=on, report=report)
    earliest: dict[int, date] = {}
    for d in report.open_dues():
        assert d.entity_id is not None
        earliest[d.entity_id] = min(d.due_on, earliest.get(d.entity_id, date.max))
    for row in rows:
        assert row.next_due == earliest.get(row.entity_id), row.name
        if row.next_due is not None and row.next_due < on:
            assert row.entity_id in worst, f"{row.name}: overdue beside an OK badge"

    # The Transfers work list: a transfer is overdue when one of its dates has passed.
    statuses = {st.transfer.id: st for st in report.statuses}
    transfer_gaps: dict[int, list[Gap]] = defaultdict(list)
    for g in report.gaps:
        if g.transfer_id is not None:
            transfer_gaps[g.transfer_id].append(g)
    regimes = {
        i: tuple(r.assessment.regime for r in st.results)
        for i, st in statuses.items()
        if i is not None
    }
    listed = s.transfers.list()
    names = s.entities.names()
    due_by_transfer = report.next_due_by_transfer()
    for trow in transfer_rows(listed, names, regimes, transfer_gaps, on):
        due = due_by_transfer.get(trow.transfer.id or 0)
        assert trow.overdue == (due is not None and due.due_on < on), trow.transfer.id

    # The Assessments work list: overdue exactly where the status has the review overdue.
    missing = {g.transfer_id: g.message for g in report.gaps if g.code is GapCode.TIA_MISSING}
    stale = {g.transfer_id: g.message for g in report.gaps if g.code is GapCode.TIA_STALE}
    transfers = {t.id: t for t in listed if t.id is not None}
    for a in assessment_rows(
        s.tias.assessments(),
        transfers,
        names,
        {k: v for k, v in missing.items() if k is not None},
        report.overdue_assessments(),
        {k: v for k, v in stale.items() if k is not None},
    ):
        if a.overdue:
            assert GapCode.TIA_OVERDUE in gaps_of[a.transfer_id], a
            st = statuses[a.transfer_id]
            assert st.assessment is not None and a.tia is not None
            assert st.assessment.id == a.tia.id

    # The dashboard's figures.
    dash = summarize(report, reminders)
    assert dash.overdue == sum(1 for r in reminders if r.overdue)
    assert dash.transfers == report.transfers_assessed == len(statuses)

    # The register export: status, TIA state and next due per transfer line.
    data = rx.gather(store, s.register, on, report)
    lines = rx.register_lines(data)
    states = []
    for line in lines:
        if line.transfer_id is None or line.transfer_id not in statuses:
            continue
        st = statuses[line.transfer_id]
        own = transfer_gaps.get(line.transfer_id, [])
        entity_gaps = [
            g for g in report.gaps if g.transfer_id is None and g.entity_id == line.entity_id
        ]
        worst_gap = min((g.severity for g in own + entity_gaps), key=lambda x: x.rank, default=None)
        assert line.status == (SEVERITY_LABELS[worst_gap] if worst_gap else rx.NO_GAPS)
        due = due_by_transfer.get(line.transfer_id)
        assert line.next_due == (due.due_on if due else None)
        if line.next_due is not None and line.next_due < on:
            assert line.status != rx.NO_GAPS
        state = report.tia_state(st, own)
        assert line.tia_status == TIA_STATE_LABELS[state]
        states.append(state)
    missing_count = sum(1 for x in states if x in (TiaState.MISSING, TiaState.DRAFT))
    assert dash.tias_missing == missing_count
    summary = rx.summarize(data, lines)
    assert summary.tias_missing == missing_count
    assert summary.overdue_lines == sum(
        1 for line in lines if line.transfer_id is not None and line.next_due and line.next_due < on
    )
    return report


@pytest.mark.parametrize("on", DATES, ids=str)
def test_every_view_of_the_demo_register_agrees(demo: Store, on: date) -> None:
    check_views_agree(demo, on)


@pytest.mark.parametrize("on", DATES[:3], ids=str)
def test_every_view_of_a_synthetic_register_agrees(synthetic: Store, on: date) -> None:
    report = check_views_agree(synthetic, on)
    assert report.transfers_assessed > 100 and report.gaps  # the comparison had material


def test_the_demo_today_shows_what_used_to_disagree(demo: Store) -> None:
    """The cases found before the engine decided alone: the exporter shown overdue beside an
    OK badge (its importers' dates), a review reminder of an assessment the status did not
    judge, a DPA's review counted overdue though no transfer rests on it."""
    later = date(2027, 6, 1)
    s = services(demo, later)
    report = s.register.status(later)
    rows = {r.name: r for r in s.workspace.register_rows(on=later, report=report)}
    assert rows["Keystone Access Europe Ltd"].next_due is None
    # The Lumen DPA (Art 28) is not a transfer mechanism: its review is not a transfer's due.
    assert rows["Lumen Analytics GmbH"].next_due is None
    # Keystone Asia's IDTA expired and nothing covers the transfer: the assessment is not
    # judged, so its review is neither a gap nor a reminder.
    reminders = s.register.reminders(later, 100_000)
    asia = s.tias.get(3)
    assert f"tia {asia.id}" not in {r.record for r in reminders}
    assert asia.id not in report.overdue_assessments()


def test_a_passed_notice_day_lapses_and_is_never_overdue(demo: Store) -> None:
    """The last day to give notice on the Australian IDTA (10 Dec 2026) is a reminder until
    then; the day after, it lapses (the IDTA runs to its expiry), nowhere overdue."""
    before = services(demo, DEMO_DAY).register.reminders(DEMO_DAY, 30)
    assert any(r.what == "notice" and not r.overdue for r in before)
    after = date(2026, 12, 11)
    report = services(demo, after).register.status(after)
    assert not [d for d in report.open_dues() if d.what is DueKind.NOTICE]
    assert all(r.what != "notice" for r in report.reminders(100_000))


def test_the_dashboard_counts_the_engines_missing_assessments(demo: Store) -> None:
    s = services(demo, DEMO_DAY)
    report = s.register.status(DEMO_DAY)
    dash = summarize(report, s.register.reminders(DEMO_DAY, 3660))
    assert dash.tias_missing == 3  # Brightwave (UK), Helpdesk Partners, Indus
    assert dash.critical_gaps == report.count(Severity.CRITICAL)
