"""Reference data: the adequacy decisions and data bridges the rules read, and loading a newer set.

The table model and its filter are in ``ui.models.reference``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Regime
from transfers_app.domain.formatting import day
from transfers_app.errors import TransfersError
from transfers_app.reference.loader import Citation, Decision, ReferenceSet, read_bundle_file
from ui import messages
from ui.context import UiContext
from ui.models.reference import (
    CERT_TEXT,
    SCOPE_TEXT,
    Column,
    DecisionFilter,
    DecisionModel,
    esc,
    first_citation,
)
from ui.models.rows import ObjectRole
from ui.pages.base import Page


def render_citation(c: Citation) -> str:
    """ "Title, Publisher, date" with the address under it (a link), never a bare address."""
    title = f"<a href='{esc(c.url)}'>{esc(c.title)}</a>" if c.url else esc(c.title)
    rest = c.text()[len(c.title) :]
    address = f"<br><span style='color:#57606a'>{esc(c.url)}</span>" if c.url else ""
    return f"{title}{esc(rest)}{address}"


def render_sources(d: Decision) -> str:
    """The row's citations (T1/T2), numbered in the order to cite them; the unrated addresses
    of an older reference file apart, plainly labelled. Weak (T3) sources are not shown."""
    parts: list[str] = []
    if d.citations:
        items = "".join(f"<li>{render_citation(c)}</li>" for c in d.citations)
        parts.append(f"<p style='margin-bottom:0'><b>Sources</b></p><ol>{items}</ol>")
    else:
        parts.append("<p><b>Sources:</b> no official or reputable source to cite.</p>")
    unrated = d.unrated_sources
    if unrated:
        items = "".join(f"<li>{esc(s.title)}</li>" for s in unrated)
        parts.append(
            "<p style='margin-bottom:0'><b>Unrated sources</b> (from a reference file "
            "written before sources were rated; not checked, never cited)</p>"
            f"<ul style='color:#57606a'>{items}</ul>"
        )
    return "".join(parts)


def render_decision(d: Decision) -> str:
    def para(label: str, value: str) -> str:
        return f"<p><b>{label}:</b> {value}</p>" if value else ""

    def items(values: Sequence[str]) -> str:
        return "<ul style='margin-top:0'>" + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ul>"

    dest = ", ".join(f"{esc(country_name(c))} ({esc(c)})" for c in d.destinations)
    verified = (
        "verified against the cited sources"
        if d.verified
        else "<b style='color:#b42318'>UNVERIFIED</b>"
        + (f": {esc(d.verification_note)}" if d.verification_note else "")
    )
    facts = [
        ("Destinations", dest),
        ("Adopted", day(d.adopted_on, "")),
        ("In force from", day(d.in_force_from)),
        ("Expires", day(d.expires_on, "no end date")),
        ("Scope", esc(SCOPE_TEXT.get(d.scope, d.scope))),
        (
            "Only for recipients certified under",
            esc(CERT_TEXT.get(d.requires_certification, d.requires_certification))
            if d.requires_certification
            else "",
        ),
        (
            "Incorporated into the EEA Agreement",
            day(d.eea_incorporated_on, ""),
        ),
    ]
    rows = "".join(
        f"<tr><td style='color:#57606a; padding-right:12px'>{label}:</td><td>{value}</td></tr>"
        for label, value in facts
        if value
    )
    parts = [
        f"<h3>{esc(d.title)}</h3>",
        f"<p style='color:#57606a'>{esc(d.regime.value)} · {esc(d.reference)}</p>",
        f"<table cellspacing='0' cellpadding='1'>{rows}</table>",
        para("Scope note", esc(d.scope_note)),
    ]
    if d.conditions:
        parts.append("<p style='margin-bottom:0'><b>Conditions</b></p>" + items(d.conditions))
    parts.append(para("Review", esc(d.review)))
    if d.advisories:
        parts.append("<p style='margin-bottom:0'><b>Advisories</b></p>" + items(d.advisories))
    if not d.applies_to_general_processing:
        parts.append(
            "<p><i>Not used by the rules for ordinary processing (e.g. law-enforcement "
            "data).</i></p>"
        )
    parts.append(para("Status", verified))
    parts.append(render_sources(d))
    return "".join(parts)


class ReferencePage(Page):
    title = "Reference data"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.header = QLabel()
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.header.setFont(font)
        self.header.setWordWrap(True)
        self.subheader = QLabel()
        self.subheader.setWordWrap(True)
        self.subheader.setStyleSheet("color: #57606a;")
        self.regime_filter = QComboBox()
        self.regime_filter.setAccessibleName("Regime")
        self.regime_filter.addItem("All regimes", None)
        for regime in Regime:
            self.regime_filter.addItem(regime.value, regime.value)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search destination, reference, scope…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search reference data")
        self.count_label = QLabel()
        self.load_button = QPushButton("Load newer reference file…")
        self.load_button.setToolTip(
            "Validate a reference-data file and use it if it is newer than the data in use"
        )
        self.load_button.clicked.connect(self.load_reference_file)

        self.model = DecisionModel(parent=self)
        self.proxy = DecisionFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.REFERENCE, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for col, sample in (
            (Column.REGIME, "Regime ▲"),
            (Column.DESTINATIONS, "Austria, Belgium, Bul"),
            (Column.IN_FORCE_FROM, "In force from"),
            (Column.EXPIRES, "no end date"),
            (Column.SCOPE, "Certified recipients"),
            (Column.VERIFIED, "UNVERIFIED"),
            (Column.SOURCE, "European Commission (EUR-Lex)"),
        ):
            self.table.setColumnWidth(col, self.fontMetrics().horizontalAdvance(sample) + 24)
        self.table.sortByColumn(Column.REGIME, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self.open_source)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._open_url)
        self.detail.setAccessibleName("Decision details")

        self.regime_filter.currentIndexChanged.connect(self._regime_changed)
        self.search.textChanged.connect(self._search_changed)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Regime:"))
        bar.addWidget(self.regime_filter)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(self.load_button)
        # The detail pane sits below: the table keeps the full width for the references.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([440, 260])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.subheader)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.refresh()

    @property
    def ref(self) -> ReferenceSet:
        return self.ctx.ref

    # -- showing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        ref = self.ref
        current = self.selected_decision()
        self.header.setText(ref.age_text(self.ctx.today))
        unverified = sum(1 for d in ref.decisions if not d.verified)
        source = "built into the app" if ref.origin == "built-in" else f"loaded from {ref.origin}"
        official, secondary = len(ref.sources_of_tier("T1")), len(ref.sources_of_tier("T2"))
        unrated = len(ref.sources_of_tier("unrated"))
        rated = f"cites {official} official and {secondary} reputable secondary sources"
        if unrated:
            rated += f"; {unrated} sources unrated (never cited)"
        self.subheader.setText(
            f"{len(ref.decisions)} adequacy decisions and data bridges "
            f"({unverified} UNVERIFIED), {len(ref.instruments)} transfer instruments; "
            f"{source}. {ref.source or 'Origin of the data not stated'}; {rated}."
        )
        self.model.set_decisions(ref.decisions)
        self._update_count()
        if current is not None:
            self.select_decision(current.id)
        else:
            self._show_detail(None)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total}" if shown != total else f"{total} rows")

    def _regime_changed(self) -> None:
        # Combo boxes hand enum members back as their plain values.
        data = self.regime_filter.currentData()
        self.proxy.set_regime(Regime(data) if data else None)
        self._update_count()

    def _search_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def selected_decision(self) -> Decision | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        found = rows[0].data(ObjectRole)
        return found if isinstance(found, Decision) else None

    def select_decision(self, decision_id: str) -> bool:
        for row in range(self.proxy.rowCount()):
            d = self.proxy.index(row, 0).data(ObjectRole)
            if isinstance(d, Decision) and d.id == decision_id:
                self.table.selectRow(row)
                return True
        self._show_detail(None)
        return False

    def _selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show_detail(self.selected_decision())

    def _show_detail(self, d: Decision | None) -> None:
        if d is None:
            self.detail.setHtml(
                "<p style='color:#57606a'>Select a row to see its scope, conditions, review "
                "and sources. Double-click a row to open its source.</p>"
            )
        else:
            self.detail.setHtml(render_decision(d))

    def open_source(self, index: QModelIndex) -> None:
        d = index.data(ObjectRole)
        cited = first_citation(d) if isinstance(d, Decision) else None
        if cited is not None and cited.url:
            QDesktopServices.openUrl(QUrl(cited.url))

    def _open_url(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    # -- loading a newer file ------------------------------------------------------------------

    def load_reference_file(self) -> bool:
        """Ask for a reference file, validate it and use it if it is not older; True if loaded."""
        path = messages.open_file(
            self, "Load newer reference file", Path.home(), "Reference data (*.json);;All files (*)"
        )
        if path is None:
            return False
        return self.load_file(path)

    def load_file(self, path: Path) -> bool:
        current = self.ref
        try:
            new = read_bundle_file(path)
        except TransfersError as exc:
            messages.error(self, f"<p>The reference file was not loaded.</p><p>{esc(exc)}</p>")
            return False
        # The same research date with an earlier version is older too (the rules would keep
        # using the data in use).
        if new.freshness < current.freshness:
            messages.error(
                self,
                f"<p>{esc(path.name)} is as of {day(new.as_of)} (version "
                f"{esc(new.version)}), older than the data in use "
                f"({day(current.as_of)}, version {esc(current.version)}): "
                "not loaded.</p>",
            )
            return False
        # Written whole (temporary file, then rename), like ``transfers-app reference load``.
        target = self.ctx.paths.reference / f"reference-{new.as_of.isoformat()}-{new.version}.json"
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            self.ctx.paths.ensure()
            tmp.write_text(json.dumps(dict(new.raw), ensure_ascii=False, indent=2), "utf-8")
            tmp.replace(target)
        except (OSError, TransfersError) as exc:
            tmp.unlink(missing_ok=True)
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            messages.error(self, f"<p>Cannot write {esc(target)}: {esc(reason)}</p>")
            return False
        self.ctx.services.reference.load(self.ctx.paths.reference)
        self.refresh()
        self.changed.emit()
        messages.info(
            self,
            f"<p>Loaded reference data <b>{esc(new.version)}</b> (as of "
            f"{day(new.as_of)}).</p><p>Saved as {esc(target)}; the rules use it "
            "from now on.</p>",
        )
        return True

    # -- Page ----------------------------------------------------------------------------------

    def apply_filter(self, **criteria: Any) -> None:
        """``regime`` (UK/EU/CH) and ``search`` text."""
        regime = criteria.get("regime")
        if regime is not None:
            index = self.regime_filter.findData(Regime(regime).value)
            self.regime_filter.setCurrentIndex(max(index, 0))
        search = criteria.get("search")
        if isinstance(search, str):
            self.search.setText(search)

    def edit_controls(self) -> list[QWidget]:
        return [self.load_button]

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True
