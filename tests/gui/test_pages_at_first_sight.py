"""Issue 13: every page right at first sight, at 1280x800 and 1920x1080. A page gets the
window less the side list (about 190 px): 1090 and 1730 px wide."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from support.widgets import PageLoader

from ui.context import UiContext
from ui.models.documents import Column as DocColumn
from ui.models.transfers import Column as TransferColumn
from ui.pages.assessments import AssessmentsPage
from ui.pages.base import TablePage
from ui.pages.documents import DocumentsPage
from ui.pages.register import RegisterPage
from ui.pages.renewals import RenewalsPage
from ui.pages.transfers import TransfersPage
from ui.widgets.tables import MiddleElide

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

SIZES = [(1090, 740), (1730, 1020)]


def shown_page(
    qtbot: QtBot, load_page: PageLoader, page: TablePage[Any], size: tuple[int, int]
) -> None:
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    load_page(page, size)
    qtbot.waitUntil(lambda: page._fitted)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", [DocumentsPage, TransfersPage, AssessmentsPage])
def test_every_column_fits_the_page(
    qtbot: QtBot,
    ctx: UiContext,
    load_page: PageLoader,
    kind: type[TablePage[Any]],
    size: tuple[int, int],
) -> None:
    """The last column ("Worst gap" on Transfers, "File" on Documents) was off the page."""
    page = kind(ctx)
    shown_page(qtbot, load_page, page, size)
    header = page.table.horizontalHeader()
    assert header.length() <= page.table.viewport().width() + 1
    assert not page.table.horizontalScrollBar().isVisible()


def test_two_documents_of_one_kind_are_told_apart(
    qtbot: QtBot, ctx: UiContext, load_page: PageLoader
) -> None:
    """The two IDTAs of Keystone Europe read "IDTA Keystone Europe - Keystone..." and
    "Keystone Access Europe L..." twice: the other party comes first, titles lose their
    middle."""
    page = DocumentsPage(ctx)
    shown_page(qtbot, load_page, page, SIZES[0])
    proxy = page.proxy
    idtas = [
        r for r in range(proxy.rowCount())
        if proxy.index(r, DocColumn.TITLE).data().startswith("IDTA Keystone Europe")
    ]  # fmt: skip
    assert len(idtas) == 2
    parties = [proxy.index(r, DocColumn.PARTIES).data() for r in idtas]
    assert sorted(p.split(",")[0] for p in parties) == [
        "Keystone Access Asia Pte. Ltd.",
        "Keystone Access Australia Pty Ltd",
    ]
    assert all(p.endswith("Keystone Access Europe Ltd") for p in parties)  # ours, last
    delegate = page.table.itemDelegateForColumn(DocColumn.TITLE)
    assert isinstance(delegate, MiddleElide)


def test_the_worst_gap_column_is_on_the_page(
    qtbot: QtBot, ctx: UiContext, load_page: PageLoader
) -> None:
    page = TransfersPage(ctx)
    shown_page(qtbot, load_page, page, SIZES[0])
    header = page.table.horizontalHeader()
    issue = TransferColumn.ISSUE
    assert header.sectionViewportPosition(issue) + 200 <= page.table.viewport().width()


# -- empty states -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        (TransfersPage, "No transfers yet."),
        (DocumentsPage, "No documents yet."),
        (AssessmentsPage, "No assessments yet"),
        (RenewalsPage, "Nothing falls due."),
    ],
)
def test_an_empty_page_says_what_to_do(
    qtbot: QtBot,
    empty_ctx: UiContext,
    load_page: PageLoader,
    kind: type[TablePage[Any]],
    says: str,
) -> None:
    page = kind(empty_ctx)
    page.resize(*SIZES[0])
    page.show()
    load_page(page, SIZES[0], rows=False)
    state = page.empty_state
    assert state is not None
    qtbot.waitUntil(state.isVisible)
    assert says in state.text()


def test_an_empty_register_says_what_to_do_and_a_search_says_it_found_nothing(
    qtbot: QtBot, ctx: UiContext, empty_ctx: UiContext
) -> None:
    empty = RegisterPage(empty_ctx)
    qtbot.addWidget(empty)
    empty.resize(*SIZES[0])
    empty.show()
    qtbot.waitUntil(empty.empty_state.isVisible)
    assert "The register is empty" in empty.empty_state.text()
    assert "Import suppliers" in empty.empty_state.text()
    empty.wait_for_background()
    full = RegisterPage(ctx)
    qtbot.addWidget(full)
    full.resize(*SIZES[0])
    full.show()
    assert not full.empty_state.isVisible()
    full.search.setText("no such supplier anywhere")
    qtbot.waitUntil(full.empty_state.isVisible)
    assert "No entity matches" in full.empty_state.text()
    full.search.clear()
    assert not full.empty_state.isVisible()
    full.wait_for_background()
