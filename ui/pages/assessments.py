"""Assessments: the transfer impact / risk assessments, and the transfers that lack one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import TiaStatus
from transfers_app.domain.models import Tia, Transfer
from transfers_app.rules.gaps import GapCode
from transfers_app.services.register import RegisterService
from ui.context import UiContext
from ui.models.rows import RowsTableModel
from ui.pages.base import Page
from ui.pages.transfers import fit_columns
from ui.widgets.tables import BackgroundLoader, attach_model

SortRole = Qt.ItemDataRole.UserRole + 1
ObjectRole = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex
_RED = QColor("#b00020")

STATUS_LABELS = {
    TiaStatus.DRAFT: "draft",
    TiaStatus.IN_REVIEW: "in review",
    TiaStatus.APPROVED: "approved",
    TiaStatus.SUPERSEDED: "superseded",
}
STATE_CHOICES = [("", "All assessments"), ("missing", "Missing"), ("overdue", "Review overdue")]


def date_key(d: date | None) -> QDate:
    """A date as Qt sorts it (a Python date would reach Qt as an opaque object);
    a missing date sorts after every real one."""
    d = d or date.max
    return QDate(d.year, d.month, d.day)


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    """An assessment on file, or (``tia`` None) a transfer that needs one and has none."""

    transfer_id: int
    exporter: str
    importer: str
    importer_id: int
    destination: str  # ISO code
    tia: Tia | None
    overdue: bool
    reason: str = ""  # why an assessment is needed (missing rows)

    @property
    def missing(self) -> bool:
        return self.tia is None

    @property
    def state(self) -> str:
        if self.tia is None:
            return "missing"
        return "overdue" if self.overdue else self.tia.status.value

    @property
    def transfer_text(self) -> str:
        return f"{self.exporter} → {self.importer}"

    @property
    def destination_text(self) -> str:
        return f"{country_name(self.destination)} ({self.destination})"


def build_rows(
    tias: list[Tia],
    transfers: dict[int, Transfer],
    names: dict[int, str],
    missing: dict[int, str],
    today: date,
) -> list[AssessmentRow]:
    """Rows for every assessment, then one per transfer in ``missing`` that has none."""

    def name(entity_id: int) -> str:
        return names.get(entity_id, f"#{entity_id} (archived)")

    rows: list[AssessmentRow] = []
    assessed: set[int] = set()
    for tia in tias:
        t = transfers.get(tia.transfer_id)
        if t is None:
            continue  # its transfer was archived
        assessed.add(tia.transfer_id)
        rows.append(
            AssessmentRow(
                transfer_id=tia.transfer_id,
                exporter=name(t.exporter_id),
                importer=name(t.importer_id),
                importer_id=t.importer_id,
                destination=t.destination,
                tia=tia,
                overdue=(
                    tia.status is not TiaStatus.SUPERSEDED
                    and tia.next_review_on is not None
                    and tia.next_review_on < today
                ),
            )
        )
    for transfer_id, reason in missing.items():
        t = transfers.get(transfer_id)
        if t is None or transfer_id in assessed:
            continue
        rows.append(
            AssessmentRow(
                transfer_id=transfer_id,
                exporter=name(t.exporter_id),
                importer=name(t.importer_id),
                importer_id=t.importer_id,
                destination=t.destination,
                tia=None,
                overdue=False,
                reason=reason,
            )
        )
    return rows


class Column(IntEnum):
    ID = 0
    TRANSFER = 1
    DESTINATION = 2
    STATUS = 3
    ASSESSOR = 4
    APPROVER = 5
    APPROVED = 6
    NEXT_REVIEW = 7
    FLAG = 8


HEADERS = {
    Column.ID: "TIA",
    Column.TRANSFER: "Transfer",
    Column.DESTINATION: "Destination",
    Column.STATUS: "Status",
    Column.ASSESSOR: "Assessor",
    Column.APPROVER: "Approver",
    Column.APPROVED: "Approved",
    Column.NEXT_REVIEW: "Next review",
    Column.FLAG: "Attention",
}


class AssessmentsModel(RowsTableModel[AssessmentRow]):
    headers = HEADERS

    def __init__(self, rows: list[AssessmentRow], parent: Any = None) -> None:
        super().__init__(rows, parent)
        self.haystack = [
            " ".join(
                (
                    r.transfer_text,
                    r.destination_text,
                    r.tia.assessor if r.tia else "",
                    r.tia.approver if r.tia else "",
                    r.state,
                )
            ).casefold()
            for r in rows
        ]

    def cell(self, r: AssessmentRow, column: int, role: int) -> Any:
        col = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == SortRole:
            return self._sort_value(r, col)
        attention = r.missing or r.overdue
        if role == Qt.ItemDataRole.ForegroundRole and attention and col is Column.FLAG:
            return QBrush(_RED)
        if role == Qt.ItemDataRole.ForegroundRole and r.overdue and col is Column.NEXT_REVIEW:
            return QBrush(_RED)
        if role == Qt.ItemDataRole.FontRole and attention and col is Column.FLAG:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col is Column.TRANSFER:
            return f"{r.transfer_text} ({r.destination_text})" + (
                f"\n{r.reason}" if r.missing else ""
            )
        if role == Qt.ItemDataRole.ToolTipRole and r.missing:
            return r.reason
        return None

    @staticmethod
    def _display(r: AssessmentRow, col: Column) -> str:
        tia = r.tia
        if col is Column.ID:
            return f"TIA #{tia.id}" if tia else "none"
        if col is Column.TRANSFER:
            return r.transfer_text
        if col is Column.DESTINATION:
            return r.destination_text
        if col is Column.FLAG:
            return "MISSING" if r.missing else "OVERDUE" if r.overdue else ""
        if tia is None:
            return "missing" if col is Column.STATUS else ""
        if col is Column.STATUS:
            return STATUS_LABELS[tia.status]
        if col is Column.ASSESSOR:
            return tia.assessor
        if col is Column.APPROVER:
            return tia.approver
        if col is Column.APPROVED:
            return tia.approved_on.isoformat() if tia.approved_on else ""
        return tia.next_review_on.isoformat() if tia.next_review_on else ""

    @classmethod
    def _sort_value(cls, r: AssessmentRow, col: Column) -> Any:
        tia = r.tia
        if col is Column.ID:
            return (tia.id or 0) if tia else 0
        if col is Column.APPROVED:
            return date_key(tia.approved_on if tia else None)
        if col is Column.NEXT_REVIEW:
            return date_key(tia.next_review_on if tia else None)
        if col is Column.FLAG:
            return 0 if r.missing else 1 if r.overdue else 2
        return cls._display(r, col).casefold()


class AssessmentFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.state = ""
        self.text = ""
        self.setSortRole(SortRole)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, AssessmentsModel):
            return True
        r = model.row(source_row)
        if self.state == "missing" and not r.missing:
            return False
        if self.state == "overdue" and not r.overdue:
            return False
        return all(word in model.haystack[source_row] for word in self.text.split())


class AssessmentsPage(Page):
    title = "Assessments"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self._fitted = False  # columns narrowed to the page's width once, when first shown
        # The assessments and their status are read in a background thread.
        self._loader = BackgroundLoader(ctx, self._rows_arrived, self._load_failed, self)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search transfer, country, assessor…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search assessments")
        self.state = QComboBox()
        self.state.setAccessibleName("Show")
        for value, label in STATE_CHOICES:
            self.state.addItem(label, value)
        self.summary = QLabel()
        top.addWidget(self.search, 1)
        top.addWidget(self.state)
        top.addWidget(self.summary)
        layout.addLayout(top)
        intro = QLabel(
            "Transfer impact / risk assessments on file, and the transfers whose safeguard "
            "needs one but have none (MISSING). Double-click a row to open the importer."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: palette(mid);")
        layout.addWidget(intro)

        self.table = QTableView()
        self.model = AssessmentsModel([], self)
        self.proxy = AssessmentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.FLAG, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)

        self.search.textChanged.connect(self._filters_changed)
        self.state.currentIndexChanged.connect(self._filters_changed)
        self.table.doubleClicked.connect(self._open)

    def showEvent(self, event: Any) -> None:
        if not self._loaded and not self._loader.busy:
            self.refresh()
        super().showEvent(event)
        if not self._fitted:
            self._fitted = fit_columns(
                self.table, {Column.TRANSFER: 300, Column.ASSESSOR: 80, Column.APPROVER: 80}
            )

    def refresh(self) -> None:
        """Read the assessments and the status in the background; the rows follow."""
        self.summary.setText("Loading…")
        self._loader.start(self._read)

    def _load_failed(self, message: str) -> None:
        self.summary.setText(f"The assessments could not be read: {message}")

    def wait_for_background(self, msecs: int = -1) -> bool:
        """Wait for the background read and show its rows (tests, and before closing)."""
        return self._loader.wait(msecs)

    def _read(self, service: RegisterService) -> list[AssessmentRow]:
        """The page's rows, read on a worker thread with ``service`` (its own connection)."""
        ctx = self.ctx
        repo = service.repo
        report = ctx.status(service)
        missing: dict[int, str] = {}
        for g in report.gaps:
            if g.code is GapCode.TIA_MISSING and g.transfer_id is not None:
                missing.setdefault(g.transfer_id, g.message)
        transfers = {t.id: t for t in repo.list_transfers() if t.id is not None}
        names = {i: n for i, n, _ in repo.entity_names()}
        return build_rows(repo.list_tias(), transfers, names, missing, ctx.today)

    def _rows_arrived(self, rows: list[AssessmentRow]) -> None:
        self.model = AssessmentsModel(rows, self)
        attach_model(self.table, self.proxy, self.model)
        if not self._loaded:
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            header.resizeSection(Column.TRANSFER, min(header.sectionSize(Column.TRANSFER), 400))
        self._loaded = True
        n_missing = sum(1 for r in rows if r.missing)
        n_overdue = sum(1 for r in rows if r.overdue)
        on_file = len(rows) - n_missing
        self.summary.setText(f"{on_file} on file, {n_overdue} review overdue, {n_missing} missing")

    def _filters_changed(self, *_args: Any) -> None:
        self.proxy.beginFilterChange()
        self.proxy.state = str(self.state.currentData() or "")
        self.proxy.text = self.search.text().strip().casefold()
        self.proxy.endFilterChange()

    def apply_filter(self, **criteria: Any) -> None:
        """``state``: "missing", "overdue" or None (all); ``search`` (or ``text``).

        Before the rows have arrived, the criteria are applied when they do."""
        if not self._loaded:
            if not self._loader.busy:
                self.refresh()
            self._loader.then(lambda: self.apply_filter(**criteria))
            return
        state = str(criteria.get("state") or "").lower()
        self.state.setCurrentIndex(max(0, self.state.findData(state)))
        text = criteria.get("search", criteria.get("text"))
        self.search.setText(str(text) if text else "")
        tia_id = criteria.get("tia_id")
        if tia_id is not None:
            for row in range(self.proxy.rowCount()):
                r = self.proxy.index(row, 0).data(ObjectRole)
                if isinstance(r, AssessmentRow) and r.tia is not None and r.tia.id == tia_id:
                    self.table.selectRow(row)
                    break

    def focus_search(self) -> bool:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        return True

    def _open(self, index: QModelIndex) -> None:
        r = index.data(ObjectRole)
        if isinstance(r, AssessmentRow):
            self.open_entity.emit(r.importer_id)
