"""Every table model of the app passes Qt's model tester, filled from the demo register and
empty, and behind its filter; ObjectRole gives the row's read model, SortRole real values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QDate, QSortFilterProxyModel

from transfers_app.domain.models import NoticeDecision, SubprocessorNotice
from transfers_app.services.notices import NoticeView
from transfers_app.services.open_items import readiness
from transfers_app.services.worklists import (
    AssessmentRow,
    TransferRow,
    assessment_rows,
    transfer_rows,
)
from ui.context import UiContext
from ui.models.assessments import AssessmentFilter, AssessmentsModel
from ui.models.audit import AuditFilter, AuditModel, AuditRow
from ui.models.documents import Column as DocumentColumn
from ui.models.documents import DocumentFilter, DocumentsModel
from ui.models.entity_tables import EntityDocumentsModel, EntityTransfer, EntityTransfersModel
from ui.models.exports import ChangesModel, FindingsModel
from ui.models.import_preview import PreviewModel
from ui.models.notices import NoticesModel, NoticesProxy
from ui.models.parties import PartiesModel
from ui.models.reference import DecisionFilter, DecisionModel
from ui.models.register_model import Column as RegisterColumn
from ui.models.register_model import RegisterModel
from ui.models.renewals import Column as ReminderColumn
from ui.models.renewals import RemindersModel
from ui.models.rows import ObjectRole, SortRole
from ui.models.transfers import TransferFilter, TransfersModel


def _names(ctx: UiContext) -> dict[int, str]:
    return ctx.services.register.store.names.names()


def _notices(ctx: UiContext) -> list[NoticeView]:
    service = ctx.services.notices
    stratus = next(
        e.id for e in ctx.services.register.store.entities.list() if e.name.startswith("Stratus")
    )
    assert stratus is not None
    for name, received in (("Late Backup GmbH", date(2026, 10, 1)), ("Mail AG", ctx.today)):
        notice = SubprocessorNotice(
            processor_id=stratus, subprocessor_name=name, received_on=received, countries=("DE",)
        )
        service.record(notice)
    late = service.views(ctx.today)[0].notice
    service.decide(late, NoticeDecision.OBJECT, "DPO", ctx.today)
    return service.views(ctx.today)


def _transfer_rows(ctx: UiContext) -> list[TransferRow]:
    repo = ctx.services.register.store
    return transfer_rows(repo.transfers.list(), _names(ctx), {}, {}, ctx.today)


def _assessment_rows(ctx: UiContext) -> list[AssessmentRow]:
    repo = ctx.services.register.store
    transfers = {t.id: t for t in repo.transfers.list() if t.id is not None}
    overdue = ctx.status().overdue_assessments()
    return assessment_rows(repo.assessments.list(), transfers, _names(ctx), {}, overdue)


# name -> (model from the demo register, an empty one)
MODELS: dict[str, Callable[[UiContext], tuple[QAbstractItemModel, QAbstractItemModel]]] = {
    "register": lambda c: (
        RegisterModel(c.services.workspace.register_rows(), today=c.today),
        RegisterModel(today=c.today),
    ),
    "transfers": lambda c: (TransfersModel(_transfer_rows(c)), TransfersModel([])),
    "documents": lambda c: (
        DocumentsModel(c.services.register.store.documents.list(), _names(c), c.today),
        DocumentsModel([], {}, c.today),
    ),
    "renewals": lambda c: (
        RemindersModel(c.services.register.reminders(c.today, 365)),
        RemindersModel([]),
    ),
    "assessments": lambda c: (AssessmentsModel(_assessment_rows(c)), AssessmentsModel([])),
    "notices": lambda c: (
        NoticesModel(_notices(c)),
        NoticesModel([]),
    ),
    "audit": lambda c: (
        AuditModel([AuditRow.of(e) for e in c.services.register.store.audit.entries(200)]),
        AuditModel(),
    ),
    "reference": lambda c: (DecisionModel(c.ref.decisions), DecisionModel()),
    "public list changes": lambda c: (
        ChangesModel(c.services.public_list.draft(c.today).changes),
        ChangesModel(),
    ),
    "readiness findings": lambda c: (
        FindingsModel(readiness(c.status()).findings),
        FindingsModel(),
    ),
    "parties": lambda c: (
        PartiesModel(sorted(_names(c).items()), {1, 2}),
        PartiesModel([], set()),
    ),
    "import preview": lambda c: (PreviewModel(), PreviewModel()),
    "entity transfers": lambda c: (
        EntityTransfersModel(
            [
                EntityTransfer(t, t.exporter_id == 8, "x")
                for t in c.services.register.store.transfers.of_entity(8)
            ]
        ),
        EntityTransfersModel(),
    ),
    "entity documents": lambda c: (
        EntityDocumentsModel(c.services.register.store.documents.of_entity(2), c.today),
        EntityDocumentsModel(),
    ),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_passes_the_model_tester(name: str, qtmodeltester: Any, ctx: UiContext) -> None:
    full, empty = MODELS[name](ctx)
    qtmodeltester.check(full)
    qtmodeltester.check(empty)
    if name not in ("import preview",):
        assert full.rowCount() > 0, name


def test_object_role_gives_the_read_model(ctx: UiContext) -> None:
    rows = _transfer_rows(ctx)
    model = TransfersModel(rows)
    assert model.index(0, 3).data(ObjectRole) is rows[0]
    register = RegisterModel(ctx.services.workspace.register_rows(), today=ctx.today)
    assert register.index(0, 0).data(ObjectRole) is register.row_at(0)


def test_sort_role_gives_real_values(ctx: UiContext) -> None:
    docs = DocumentsModel(ctx.services.register.store.documents.list(), _names(ctx), ctx.today)
    signed = docs.index(0, DocumentColumn.SIGNED).data(SortRole)
    assert isinstance(signed, QDate)  # a date, sorted as a date
    assert isinstance(docs.index(0, DocumentColumn.VERSION).data(SortRole), int)
    reminders = RemindersModel(ctx.services.register.reminders(ctx.today, 365))
    assert isinstance(reminders.index(0, ReminderColumn.DUE).data(SortRole), QDate)
    assert isinstance(reminders.index(0, ReminderColumn.DAYS_LEFT).data(SortRole), int)
    register = RegisterModel(
        ctx.services.workspace.with_extras(ctx.services.workspace.register_rows(), ctx.today),
        today=ctx.today,
    )
    due = [register.index(r, RegisterColumn.NEXT_DUE).data(SortRole) for r in range(20)]
    assert any(d is not None for d in due)


@pytest.mark.parametrize(
    ("name", "proxy", "narrow"),
    [
        ("transfers", TransferFilter, lambda p: setattr(p, "status", "gaps")),
        ("documents", DocumentFilter, lambda p: p.set_text("scc")),
        ("assessments", AssessmentFilter, lambda p: setattr(p, "state", "missing")),
        ("notices", NoticesProxy, lambda p: p.set_show_decided(False)),
        ("audit", AuditFilter, lambda p: p.set_criteria("transfers", "", "")),
        ("reference", DecisionFilter, lambda p: p.set_text("japan")),
    ],
)
def test_the_filters_pass_the_model_tester(
    name: str,
    proxy: type[QSortFilterProxyModel],
    narrow: Callable[[Any], None],
    qtmodeltester: Any,
    ctx: UiContext,
) -> None:
    model, _ = MODELS[name](ctx)
    p = proxy()
    p.setSourceModel(model)
    p.setSortRole(SortRole)
    p.beginFilterChange()
    narrow(p)
    p.endFilterChange()
    p.sort(1)
    assert p.rowCount() <= model.rowCount()
    qtmodeltester.check(p)
