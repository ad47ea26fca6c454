"""Sub-processor change notices: the deadline to object, and decisions that change the register
(accepting puts the sub-processor and its onward transfers on it, all at once or not at all).

The service on the in-memory store (``tests/fakes``), the demo register loaded into it; the
command at the end runs end to end on SQLite."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from support.stores import demo_memory, entity_named

from db import SqliteStore, open_db
from transfers_app.cli import main
from transfers_app.domain.enums import Access, DocumentKind, EntityKind, Lifecycle, Regime, Role
from transfers_app.domain.models import NoticeDecision, SubprocessorNotice
from transfers_app.errors import ValidationError
from transfers_app.ports.storage import Store
from transfers_app.reference import builtin_reference
from transfers_app.services.notices import DEFAULT_NOTICE_DAYS, NoticeService, objection_deadline
from transfers_app.services.public_list import PublicListService
from transfers_app.services.reference import ReferenceSource
from transfers_app.services.register import RegisterService

TODAY = date(2026, 11, 25)
STRATUS = "Stratus Cloud Hosting, Inc."
INDUS = "Indus Support Services Pvt. Ltd."


@pytest.fixture
def repo() -> Store:
    return demo_memory()


@pytest.fixture
def svc(repo: Store) -> NoticeService:
    return NoticeService(repo)


def eid(repo: Store, name: str) -> int:
    found = entity_named(repo, name).id
    assert found is not None
    return found


def notice(repo: Store, **kw: Any) -> SubprocessorNotice:
    fields: dict[str, Any] = {
        "processor_id": eid(repo, STRATUS),
        "subprocessor_name": "Nimbus Backup GmbH",
        "received_on": date(2026, 11, 10),
        "countries": ("DE", "CH"),
        "service": "Offsite backups",
    }
    fields.update(kw)
    return SubprocessorNotice(**fields)


def counts(repo: Store) -> tuple[int, int, int]:
    now = repo.queries.counts()
    return now.entities, now.locations, now.transfers


# -- the deadline to object --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "deadline"),
    [
        (date(2026, 11, 10), 30, date(2026, 12, 10)),
        (date(2027, 1, 31), 30, date(2027, 3, 2)),  # over a 28-day February
        (date(2028, 1, 31), 30, date(2028, 3, 1)),  # over a leap February
        (date(2026, 12, 31), 1, date(2027, 1, 1)),  # over the year end
        (date(2026, 4, 30), 31, date(2026, 5, 31)),
        (date(2026, 11, 10), 0, date(2026, 11, 10)),  # no notice period: the same day
    ],
)
def test_objection_deadline_counts_calendar_days(received: date, days: int, deadline: date) -> None:
    assert objection_deadline(received, days) == deadline


def test_a_negative_period_names_the_field() -> None:
    with pytest.raises(ValidationError, match="notice_period_days"):
        objection_deadline(TODAY, -1)


def test_the_period_comes_from_the_dpa_then_clause_9_then_30_days(
    repo: Store, svc: NoticeService
) -> None:
    lumen = eid(repo, "Lumen Analytics GmbH")
    # The Lumen DPA on the register states no notice period, and Lumen has no SCCs.
    assert svc.notice_period(lumen, TODAY).days == DEFAULT_NOTICE_DAYS
    assert "default" in svc.notice_period(lumen, TODAY).source
    dpa = next(d for d in repo.documents.of_entity(lumen) if d.kind is DocumentKind.DPA)
    repo.documents.update(replace(dpa, notice_period_days=14))
    period = svc.notice_period(lumen, TODAY)
    assert period.days == 14 and "Lumen Analytics DPA (Art 28)" in period.source
    saved = svc.record(notice(repo, processor_id=lumen, received_on=date(2027, 2, 20)))
    assert saved.notice_period_days == 14 and saved.objection_deadline == date(2027, 3, 6)
    # Stratus's SCCs choose Clause 9 Option 2 with "30 days" written in.
    stratus = eid(repo, STRATUS)
    scc = next(d for d in repo.documents.of_entity(stratus) if d.kind is DocumentKind.EU_SCC_2021)
    assert scc.scc_options is not None
    repo.documents.update(
        replace(scc, scc_options=replace(scc.scc_options, clause9_period="45 days"))
    )
    assert svc.notice_period(stratus, TODAY).days == 45
    assert "Clause 9" in svc.notice_period(stratus, TODAY).source
    # A period the notice states overrides the contract's.
    given = svc.record(notice(repo, notice_period_days=10))
    assert given.objection_deadline == date(2026, 11, 20)


def test_record_normalises_and_is_audited(repo: Store, svc: NoticeService) -> None:
    saved = svc.record(
        notice(repo, subprocessor_name="  Nimbus Backup GmbH ", countries=("de", "Switzerland"))
    )
    assert saved.id is not None and saved.version == 1
    assert saved.subprocessor_name == "Nimbus Backup GmbH" and saved.countries == ("DE", "CH")
    assert saved.objection_deadline == date(2026, 12, 10) and saved.decision is None
    assert repo.notices.get(saved.id) == saved
    assert repo.audit.entries(table="subprocessor_notices")[0].action == "create"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subprocessor_name": "  "}, "subprocessor_name"),
        ({"countries": ()}, "countries"),
        ({"countries": ("XX",)}, "countries"),
        ({"notice_period_days": 400}, "notice_period_days"),
    ],
)
def test_record_names_the_field_of_a_problem(
    repo: Store, svc: NoticeService, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        svc.record(notice(repo, **change))
    assert caught.value.field == field
    assert repo.notices.list() == []


def test_a_notice_cannot_replace_its_own_processor(repo: Store, svc: NoticeService) -> None:
    with pytest.raises(ValidationError, match="replaces_id: must differ from the processor"):
        svc.record(notice(repo, replaces_id=eid(repo, STRATUS)))


# -- accepting ---------------------------------------------------------------------------------


def test_accept_puts_the_subprocessor_its_locations_and_transfers_on_the_register(
    repo: Store, svc: NoticeService
) -> None:
    before = counts(repo)
    n = svc.record(notice(repo))
    done = svc.decide(n, NoticeDecision.ACCEPT, "A. Patel (DPO)", TODAY)
    assert done.created_entity and done.subprocessor is not None
    sub = repo.entities.get(done.subprocessor.id or 0)
    assert sub.name == "Nimbus Backup GmbH" and sub.kind is EntityKind.VENDOR
    assert sub.lifecycle is Lifecycle.ACTIVE and sub.active_on == TODAY
    assert sorted(loc.country for loc in repo.entities.locations(sub.id or 0)) == ["CH", "DE"]
    stratus = eid(repo, STRATUS)
    upstream = next(t for t in repo.transfers.of_entity(stratus) if t.importer_id == stratus)
    onward = [t for t in repo.transfers.of_entity(sub.id or 0) if t.importer_id == sub.id]
    assert sorted(t.destination for t in onward) == ["CH", "DE"]
    for t in onward:
        assert t.exporter_id == stratus and t.exporter_role is Role.PROCESSOR
        assert t.importer_role is Role.SUBPROCESSOR and t.access is Access.ONWARD
        assert t.parent_transfer_id == upstream.id and t.regimes == ()
        assert t.service == "Offsite backups" and t.started_on == TODAY
        assert t.data_categories == upstream.data_categories
    assert counts(repo) == (before[0] + 1, before[1] + 2, before[2] + 2)
    saved = repo.notices.get(n.id or 0)
    assert saved.decision is NoticeDecision.ACCEPT and saved.subprocessor_id == sub.id
    assert saved.decided_by == "A. Patel (DPO)" and saved.decided_on == TODAY
    # The regimes are those of the upstream chain (our UK entity: UK and EU GDPR).
    report = RegisterService(repo, ReferenceSource(builtin_reference())).status(TODAY)
    judged = {s.transfer.id: s for s in report.statuses}
    for t in onward:
        assert {r.assessment.regime for r in judged[t.id].results} == {Regime.UK, Regime.EU}
    # Customers must now be told: the public list has it, engaged by Stratus.
    entry = next(e for e in PublicListService(repo).build(TODAY).entries if e.entity_id == sub.id)
    assert entry.engaged_by == (STRATUS,) and entry.purpose == "Offsite backups"
    assert "Nimbus Backup GmbH added to the register" in done.summary


def test_a_failure_half_way_through_accepting_leaves_nothing(
    repo: Store, svc: NoticeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = svc.record(notice(repo, replaces_id=eid(repo, INDUS)))
    before = counts(repo)
    audit_before = len(repo.audit.entries(limit=10_000))
    real = repo.transfers.add
    calls: list[int] = []

    def second_fails(t: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError("destination", "the disk is full (simulated)")
        return real(t)

    monkeypatch.setattr(repo.transfers, "add", second_fails)
    with pytest.raises(ValidationError, match="simulated"):
        svc.decide(n, NoticeDecision.ACCEPT, "DPO", TODAY)
    assert len(calls) == 2  # the entity, its locations and one transfer had been written
    assert counts(repo) == before
    assert len(repo.audit.entries(limit=10_000)) == audit_before
    assert not any(e.name == "Nimbus Backup GmbH" for e in repo.entities.list())
    assert repo.notices.get(n.id or 0).decision is None
    indus = eid(repo, INDUS)
    assert all(t.ended_on is None for t in repo.transfers.of_entity(indus))
    # Once the failure is gone the same decision goes through.
    monkeypatch.setattr(repo.transfers, "add", real)
    assert svc.decide(n, NoticeDecision.ACCEPT, "DPO", TODAY).created_entity


def test_a_replacement_ends_the_replaced_subprocessors_transfers(
    repo: Store, svc: NoticeService
) -> None:
    indus, stratus = eid(repo, INDUS), eid(repo, STRATUS)
    n = svc.record(notice(repo, replaces_id=indus, countries=("DE",)))
    done = svc.decide(n, NoticeDecision.ACCEPT, "DPO", TODAY)
    assert len(done.transfers_ended) == 1
    ended = repo.transfers.get(done.transfers_ended[0].id or 0)
    assert ended.importer_id == indus and ended.exporter_id == stratus
    assert ended.ended_on == TODAY and "replaced by Nimbus Backup GmbH" in ended.notes
    # The change log customers get the next day: one added, one removed.
    public = PublicListService(repo)
    names = {e.name for e in public.build(TODAY + timedelta(days=1)).entries}
    assert "Nimbus Backup GmbH" in names and INDUS not in names


def test_accept_links_an_entity_already_on_the_register_by_its_name(
    repo: Store, svc: NoticeService
) -> None:
    indus = eid(repo, INDUS)
    before = counts(repo)
    n = svc.record(notice(repo, subprocessor_name="indus support services", countries=("IN",)))
    done = svc.decide(n, NoticeDecision.ACCEPT, "DPO", TODAY)
    assert not done.created_entity and done.subprocessor is not None
    assert done.subprocessor.id == indus and repo.notices.get(n.id or 0).subprocessor_id == indus
    # Its location and its onward transfer from Stratus were already there: nothing doubled.
    assert done.locations_added == () and done.transfers_added == ()
    assert counts(repo) == before


def test_accept_from_a_processor_without_transfers_uses_our_regimes(
    repo: Store, svc: NoticeService
) -> None:
    coastline = eid(repo, "Coastline Print & Mail Ltd")
    n = svc.record(
        notice(repo, processor_id=coastline, subprocessor_name="Ink Partners", countries=("US",))
    )
    done = svc.decide(n, NoticeDecision.ACCEPT, "DPO", TODAY)
    (t,) = done.transfers_added
    assert t.parent_transfer_id is None and set(t.regimes) == {Regime.UK, Regime.EU}


def test_the_processor_itself_is_not_its_own_subprocessor(repo: Store, svc: NoticeService) -> None:
    n = svc.record(notice(repo, subprocessor_name="STRATUS CLOUD HOSTING"))
    with pytest.raises(ValidationError, match="is the processor itself"):
        svc.decide(n, NoticeDecision.ACCEPT, "DPO", TODAY)
    assert repo.notices.get(n.id or 0).decision is None


# -- objecting, terminating, validation -----------------------------------------------------------


@pytest.mark.parametrize("decision", [NoticeDecision.OBJECT, NoticeDecision.TERMINATE])
def test_object_and_terminate_record_the_decision_only(
    repo: Store, svc: NoticeService, decision: NoticeDecision
) -> None:
    n = svc.record(notice(repo, replaces_id=eid(repo, INDUS)))
    before = counts(repo)
    done = svc.decide(n, decision, "General Counsel", TODAY)
    assert counts(repo) == before
    assert all(t.ended_on is None for t in repo.transfers.of_entity(eid(repo, INDUS)))
    saved = repo.notices.get(n.id or 0)
    assert saved.decision is decision and saved.decided_by == "General Counsel"
    assert "register is unchanged" in done.summary
    assert repo.audit.entries(table="subprocessor_notices")[0].action == "update"


def test_decision_validation_names_the_field(repo: Store, svc: NoticeService) -> None:
    n = svc.record(notice(repo))
    with pytest.raises(ValidationError) as caught:
        svc.decide(n, NoticeDecision.ACCEPT, "  ", TODAY)
    assert caught.value.field == "decided_by"
    with pytest.raises(ValidationError) as caught:
        svc.decide(n, NoticeDecision.OBJECT, "DPO", date(2026, 11, 9))
    assert caught.value.field == "decided_on"
    with pytest.raises(ValidationError) as caught:
        svc.decide(n, "maybe", "DPO", TODAY)  # type: ignore[arg-type]
    assert caught.value.field == "decision"
    assert repo.notices.get(n.id or 0).decision is None
    svc.decide(n, NoticeDecision.OBJECT, "DPO", TODAY)
    with pytest.raises(ValidationError, match="already decided: objected by DPO on 25 Nov 2026"):
        svc.decide(n, NoticeDecision.ACCEPT, "DPO", TODAY)


def test_overdue_notices_show_in_the_reminders(repo: Store, svc: NoticeService) -> None:
    late = svc.record(notice(repo, received_on=date(2026, 10, 1)))  # deadline 31 Oct
    soon = svc.record(notice(repo, subprocessor_name="Soon GmbH", received_on=date(2026, 11, 20)))
    assert [n.id for n in svc.overdue(TODAY)] == [late.id]
    reminders = svc.reminders(TODAY, 30)
    assert [(r.what, r.days_left, r.record) for r in reminders] == [
        ("objection", -25, f"notice {late.id}"),
        ("objection", 25, f"notice {soon.id}"),
    ]
    assert reminders[0].overdue and reminders[0].parties == STRATUS
    assert svc.reminders(TODAY, 10) == reminders[:1]
    views = svc.views(TODAY)
    assert views[0].deadline_text == "31 Oct 2026 (25 days overdue)"
    assert views[0].decision_text == "Awaiting decision: late"
    assert views[1].deadline_text == "20 Dec 2026 (in 25 days)"
    svc.decide(late, NoticeDecision.OBJECT, "DPO", TODAY)
    assert svc.overdue(TODAY) == []
    assert [r.record for r in svc.reminders(TODAY, 30)] == [f"notice {soon.id}"]
    assert svc.views(TODAY)[-1].decision_text == "Objected by DPO on 25 Nov 2026"


def test_hostile_names_are_kept_as_written(repo: Store, svc: NoticeService) -> None:
    hostile = "<b>R&D</b> | *株式会社テスト* شركة\nŁódź İstanbul"
    n = svc.record(notice(repo, subprocessor_name=hostile, service="<script>alert(1)</script>"))
    done = svc.decide(n, NoticeDecision.ACCEPT, "DPO", TODAY)
    assert done.subprocessor is not None
    assert repo.entities.get(done.subprocessor.id or 0).name == hostile
    assert svc.entity_named(hostile) == repo.entities.get(done.subprocessor.id or 0)


def test_the_reminders_command_lists_undecided_deadlines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--data-dir", str(tmp_path / "home")]
    assert main([*home, "demo"], today=TODAY) == 0
    database = open_db(tmp_path / "home" / "register.db")
    repo = SqliteStore(database, actor="t")
    NoticeService(repo).record(notice(repo, received_on=date(2026, 10, 1)))
    database.conn.close()
    capsys.readouterr()
    assert main([*home, "reminders", "--within", "30"], today=TODAY) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "Nimbus" in x)
    assert line.startswith("  2026-10-31 (  OVERDUE 25d)")
    assert "last day to object to sub-processor 'Nimbus Backup GmbH' - " + STRATUS in line
