"""Audit log: every change to the register, filterable, with before and after side by side.

The repository keeps each change as JSON of the record before and after; the page parses them
once per refresh, computes which fields changed, and only lays the result out.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    Qt,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.audit_chain import AuditVerification
from transfers_app.domain.models import AuditEntry
from transfers_app.services.audit import parse_record, verification_lines
from ui.context import UiContext
from ui.jobs import Jobs
from ui.models.audit import (
    ACTION_DONE,
    BOOKKEEPING,
    TABLE_TEXT,
    AuditFilter,
    AuditModel,
    AuditRow,
    Column,
    entity_ids,
    esc,
    field_label,
    when_text,
)
from ui.pages.base import Page
from ui.widgets.inputs import SearchBox
from ui.widgets.tables import select_row_where, setup_list_table

LIMIT = 1000
# Bookkeeping fields that change on every save: shown, but not listed as "what changed".
CHANGED_BG = "#fff3c4"
BOOKKEEPING_BG = "#f1f3f5"


def render_entry(row: AuditRow, only_changed: bool = False) -> str:
    e = row.entry
    what = TABLE_TEXT.get(e.table, e.table)
    done = ACTION_DONE.get(e.action, e.action)
    title = f"{esc(what.capitalize())} {esc(row.record_text)}: {esc(done)}"
    parts = [
        f"<h3>{title}</h3>",
        f"<p style='color:#57606a'>{esc(when_text(e.at))} by {esc(e.actor)}</p>",
    ]
    if row.before is None and row.after is None:
        text = e.after or e.before or "(no details recorded)"
        parts.append(f"<p>{esc(text)}</p>")
        return "".join(parts)
    changed = row.changed_fields
    if row.before is not None and row.after is not None:
        if changed:
            names = ", ".join(esc(field_label(f)) for f in changed)
            parts.append(f"<p><b>Changed:</b> {names}</p>")
        else:
            parts.append("<p>No field changed apart from bookkeeping.</p>")
    head = "style='background-color:#eaeef2' align='left'"
    rows = [
        f"<tr><th {head} width='22%'>Field</th><th {head} width='39%'>Before</th>"
        f"<th {head} width='39%'>After</th></tr>"
    ]
    # What changed first, then the rest of the record; fields empty on both sides are left out.
    ordered = sorted(
        row.changes, key=lambda c: (not c.changed or c.field in BOOKKEEPING, c.field in BOOKKEEPING)
    )
    for c in ordered:
        if (only_changed and not c.changed) or (c.before == c.after == "—"):
            continue
        if c.changed:
            bookkeeping = c.field in BOOKKEEPING
            mark = "" if bookkeeping else " <b>(changed)</b>"
            rows.append(
                f"<tr style='background-color:{BOOKKEEPING_BG if bookkeeping else CHANGED_BG}'>"
                f"<td><b>{esc(field_label(c.field))}</b>{mark}</td>"
                f"<td><s>{esc(c.before)}</s></td><td><b>{esc(c.after)}</b></td></tr>"
            )
        else:
            rows.append(
                f"<tr><td>{esc(field_label(c.field))}</td>"
                f"<td>{esc(c.before)}</td><td>{esc(c.after)}</td></tr>"
            )
    parts.append(
        "<table width='100%' cellspacing='0' cellpadding='3' border='0'>"
        + "".join(rows)
        + "</table>"
    )
    return "".join(parts)


class AuditPage(Page):
    title = "Audit log"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.jobs = Jobs(self, ctx)
        self.header = QLabel()
        self.header.setWordWrap(True)
        # The tamper-evident chain, checked in the background (every entry is read).
        self.chain_label = QLabel()
        self.chain_label.setObjectName("audit-chain")
        self.chain_label.setWordWrap(True)
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verification: AuditVerification | None = None
        self.table_filter = QComboBox()
        self.table_filter.setAccessibleName("Record type")
        self.action_filter = QComboBox()
        self.action_filter.setAccessibleName("Action")
        self.search = SearchBox("Search who, record number or name…", "Search the audit log")
        self.count_label = QLabel()
        self.only_changed = QCheckBox("Only changed fields")
        self.only_changed.toggled.connect(self._show_selected)

        self.model = AuditModel(parent=self)
        self.proxy = AuditFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        setup_list_table(
            self.table,
            self.proxy,
            Column.WHEN,
            self.fontMetrics().height() + 8,
            Qt.SortOrder.DescendingOrder,
        )
        for col, sample in (
            (Column.WHEN, "2026-11-25 14:21:48"),
            (Column.WHO, "someone.long"),
            (Column.TABLE, "assessment"),
            (Column.RECORD, "#12 Stratus Cloud Hosting"),
            (Column.ACTION, "restore"),
        ):
            self.table.setColumnWidth(col, self.fontMetrics().horizontalAdvance(sample) + 24)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Change details")
        self.detail.setOpenLinks(False)

        self.table_filter.currentIndexChanged.connect(self._filter_changed)
        self.action_filter.currentIndexChanged.connect(self._filter_changed)
        self.search.textChanged.connect(self._filter_changed)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("What:"))
        bar.addWidget(self.table_filter)
        bar.addWidget(QLabel("Action:"))
        bar.addWidget(self.action_filter)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.only_changed)
        detail_layout.addWidget(self.detail, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 340])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.chain_label)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.refresh()

    # -- loading and filtering -----------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_row()
        entries = self.ctx.services.audit.entries(LIMIT)
        ids = entity_ids(parse_record(r) for e in entries for r in (e.before, e.after))
        names = self.ctx.services.entities.names(sorted(ids)) if ids else {}
        rows = [AuditRow.of(e, names) for e in entries]
        self.model.set_rows(rows)
        total = self.ctx.services.audit.counts().audit_entries
        shown = f"the latest {LIMIT:,} of {total:,}" if total > len(rows) else f"all {total:,}"
        self.header.setText(
            f"<b>Every change to the register</b>, newest first: {shown} changes. "
            "Select a row to see the record before and after."
        )
        self._fill_combo(self.table_filter, "All records", sorted({e.table for e in entries}))
        self._fill_combo(self.action_filter, "All actions", sorted({e.action for e in entries}))
        self._filter_changed()
        if selected is not None and selected.entry.id is not None:
            self.select_entry(selected.entry.id)
        else:
            self._show_detail(None)
        self.verify_chain()

    def verify_chain(self) -> None:
        """Check every link of the audit chain in the background; the line above the table
        says whether it holds."""
        self.chain_label.setText("Checking the audit trail's hash chain…")
        self.chain_label.setStyleSheet("")
        self.jobs.start(
            lambda services, _job: services.audit.verify(),
            self._chain_checked,
            self._chain_failed,
            key="verify",
        )

    def _chain_checked(self, result: AuditVerification) -> None:
        self.verification = result
        lines = verification_lines(result)
        if result.intact:
            self.chain_label.setStyleSheet("color: #1a7f37")
            self.chain_label.setText(" ".join(lines))
        else:
            self.chain_label.setStyleSheet("color: #b42318; font-weight: bold")
            self.chain_label.setText(" ".join(lines[:2]))
        self.chain_label.setToolTip("\n".join(lines))

    def _chain_failed(self, message: str) -> None:
        self.chain_label.setStyleSheet("color: #b42318")
        self.chain_label.setText(f"The audit trail could not be checked: {message}")

    def wait_for_background(self, msecs: int = -1) -> bool:
        """Wait for the chain check and show its result (tests)."""
        return self.jobs.wait(msecs)

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str, values: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, "")
        for value in values:
            combo.addItem(TABLE_TEXT.get(value, value), value)
        index = combo.findData(current) if current else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _filter_changed(self) -> None:
        self.proxy.set_criteria(
            str(self.table_filter.currentData() or ""),
            str(self.action_filter.currentData() or ""),
            self.search.text(),
        )
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total} rows")
        self._show_selected()

    # -- the detail pane -----------------------------------------------------------------------

    def selected_row(self) -> AuditRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        return self.model.row(source.row()) if source.isValid() else None

    def select_entry(self, audit_id: int) -> bool:
        if select_row_where(
            self.table,
            lambda entry: isinstance(entry, AuditEntry) and entry.id == audit_id,
            scroll=False,
        ):
            return True
        self._show_detail(None)
        return False

    def _selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        self._show_detail(self.selected_row())

    def _show_detail(self, row: AuditRow | None) -> None:
        if row is None:
            self.detail.setHtml(
                "<p style='color:#57606a'>Select a change to see the record before and after, "
                "with the changed fields highlighted.</p>"
            )
        else:
            self.detail.setHtml(render_entry(row, self.only_changed.isChecked()))

    # -- Page ----------------------------------------------------------------------------------

    def apply_filter(self, **criteria: Any) -> None:
        """``table`` (entities, transfers, ...), ``action`` and ``search`` text."""
        for key, combo in (("table", self.table_filter), ("action", self.action_filter)):
            value = criteria.get(key)
            if isinstance(value, str):
                combo.setCurrentIndex(max(combo.findData(value), 0))
        search = criteria.get("search")
        if isinstance(search, str | int):
            self.search.setText(str(search))

    def focus_search(self) -> bool:
        return self.search.take_focus()
