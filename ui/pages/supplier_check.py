"""Supplier check: what the law requires for a new supplier, shown as the user types.

Procurement fills in a name, the countries the data would go to, the roles and the regimes;
the verdict (per regime and destination) comes from ``RegisterService.check`` and is only laid
out here. Every user-supplied string is escaped before it reaches the HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from string import ascii_uppercase

from PySide6.QtCore import (
    QMargins,
    QPoint,
    QRect,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import (
    INTERNATIONAL_ORGS,
    country_name,
    is_known_code,
    normalise_code,
)
from transfers_app.domain.enums import DocumentKind, Finding, Mechanism, Regime, Role
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.reference.loader import ReferenceSet
from transfers_app.rules.destination import MODULE_NAMES, Certifications, DestinationAssessment
from transfers_app.services.register import DEFAULT_REGIMES, CheckReport, SimilarEntity
from ui import messages
from ui.context import UiContext
from ui.pages.base import Page

DEBOUNCE_MS = 150
# A similar name at least this close makes "Add to register" ask before adding a duplicate.
DUPLICATE_SCORE = 90.0

# Headline wording and colours per finding: the text carries the meaning, the colour helps.
HEADLINE: dict[Finding, tuple[str, str, str]] = {
    Finding.NOT_RESTRICTED: ("not a restricted transfer", "#1a7f37", "#dcfce7"),
    Finding.ADEQUATE: ("adequate, no safeguard needed", "#1a7f37", "#dcfce7"),
    Finding.ADEQUATE_IF: ("adequate only if the conditions are met", "#9a6700", "#fff4d6"),
    Finding.NOT_ADEQUATE: ("safeguard needed", "#b42318", "#fde4e1"),
    Finding.UNKNOWN: ("not assessed (outside the reference data)", "#57606a", "#eaeef2"),
}
BADGE: dict[Finding, str] = {
    Finding.NOT_RESTRICTED: "OK",
    Finding.ADEQUATE: "ADEQUATE",
    Finding.ADEQUATE_IF: "CONDITIONAL",
    Finding.NOT_ADEQUATE: "ACTION NEEDED",
    Finding.UNKNOWN: "NOT ASSESSED",
}

# Which instruments of the reference data stand behind a safeguard (for its source link).
_INSTRUMENTS: dict[Mechanism, tuple[DocumentKind, ...]] = {
    Mechanism.UK_IDTA: (DocumentKind.UK_IDTA,),
    Mechanism.UK_ADDENDUM: (DocumentKind.EU_SCC_2021, DocumentKind.UK_ADDENDUM),
    Mechanism.EU_SCC: (DocumentKind.EU_SCC_2021,),
    Mechanism.BCR: (DocumentKind.BCR,),
}

ROLE_TEXT = {
    Role.CONTROLLER: "controller",
    Role.PROCESSOR: "processor",
    Role.SUBPROCESSOR: "sub-processor",
}

_CODE_SUFFIX = re.compile(r"\(([A-Za-z]{2,5})\)\s*$")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def destination_choices(extra_orgs: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Every ISO 3166-1 country and international organisation: (code, name), by name."""
    codes = [a + b for a in ascii_uppercase for b in ascii_uppercase]
    out = {code: country_name(code) for code in codes if is_known_code(code)}
    out.update(INTERNATIONAL_ORGS)
    out.update(extra_orgs or {})
    return sorted(out.items(), key=lambda item: item[1].casefold())


def choice_label(code: str, name: str) -> str:
    return f"{name} ({code})"


def parse_destination(text: str) -> str:
    """A destination code from what the user typed or picked: "India (IN)", "India", "in"."""
    match = _CODE_SUFFIX.search(text)
    if match is not None and is_known_code(match.group(1).upper()):
        return match.group(1).upper()
    return normalise_code(text, "country")


# -- rendering (plain functions, so the wording is testable without widgets) --------------------


def _link(url: str, text: str) -> str:
    return f'<a href="{esc(url)}">{esc(text)}</a>'


def _list(items: Iterable[str]) -> str:
    rows = "".join(f"<li>{item}</li>" for item in items)
    return f"<ul style='margin-top:0'>{rows}</ul>" if rows else ""


def headline(a: DestinationAssessment) -> str:
    return f"{a.regime.value} → {country_name(a.destination)}: {HEADLINE[a.finding][0]}"


def render_assessment(a: DestinationAssessment, ref: ReferenceSet) -> str:
    text, colour, background = HEADLINE[a.finding]
    place = f"{country_name(a.destination)}"
    parts = [
        f"<h3 style='margin-bottom:2px'>"
        f"<span style='background-color:{background}; color:{colour}'>"
        f"&nbsp;{BADGE[a.finding]}&nbsp;</span>&nbsp; "
        f"{esc(a.regime.value)} → {esc(place)}: "
        f"<span style='color:{colour}'>{esc(text)}</span></h3>",
        f"<p style='margin-top:2px'>{esc(a.reason)}</p>",
    ]
    info = ref.regimes.get(a.regime)
    if a.decision is not None:
        d = a.decision
        source = f" ({_link(d.source_urls[0], 'source')})" if d.source_urls else " (no source link)"
        flag = "" if d.verified else " <b style='color:#b42318'>[UNVERIFIED]</b>"
        parts.append(f"<p><b>Legal reference:</b> {esc(d.reference)}{source}{flag}</p>")
    elif a.restricted and info is not None and info.tools_basis:
        links = ", ".join(
            _link(url, f"source {i}") for i, url in enumerate(info.source_urls[:2], start=1)
        )
        parts.append(
            f"<p><b>Legal basis:</b> {esc(info.tools_basis)}{f' ({links})' if links else ''}</p>"
        )
    if a.safeguards:
        title = "Fallback safeguards" if a.finding is Finding.ADEQUATE_IF else "Safeguards that fit"
        module = (
            f" &nbsp;·&nbsp; SCC module: <b>{esc(MODULE_NAMES[a.scc_module])}</b>"
            if a.scc_module in MODULE_NAMES
            else ""
        )
        items = []
        for s in a.safeguards:
            sources = []
            for kind in _INSTRUMENTS.get(s.mechanism, ()):
                inst = ref.instruments.get(kind)
                if inst is not None and inst.source_urls:
                    sources.append(_link(inst.source_urls[0], "source"))
            extra = f" ({', '.join(sources)})" if sources else ""
            note = f"<br><span style='color:#57606a'>{esc(s.note)}</span>" if s.note else ""
            items.append(
                f"<b>{esc(s.label)}</b>{extra}<br>"
                f"<span style='color:#57606a'><i>{esc(s.reference)}</i></span>{note}"
            )
        parts.append(f"<p style='margin-bottom:0'><b>{title}</b>{module}</p>{_list(items)}")
    if a.restricted and a.finding is not Finding.UNKNOWN:
        name = a.assessment_name or "transfer assessment"
        if a.tia_required:
            answer = f"<b style='color:#b42318'>yes</b>: {esc(name)}"
        else:
            answer = f"no, while the adequacy finding applies ({esc(name)} not needed)"
        parts.append(f"<p><b>Transfer assessment (TIA/TRA) required:</b> {answer}</p>")
    if a.conditions:
        parts.append(
            "<p style='margin-bottom:0'><b>Conditions to verify</b></p>"
            + _list(esc(c) for c in a.conditions)
        )
    if a.advisories:
        parts.append(
            "<p style='margin-bottom:0'><b>Good to know</b></p>"
            + _list(esc(n) for n in a.advisories)
        )
    if a.unverified:
        parts.append(
            "<p style='margin-bottom:0; color:#9a3412'><b>UNVERIFIED facts relied on</b> "
            "(check them before relying on this verdict)</p>"
            + _list(
                f"<span style='color:#9a3412'>UNVERIFIED: {esc(u)}</span>" for u in a.unverified
            )
        )
    if a.regulator:
        parts.append(f"<p><b>Regulator:</b> {esc(a.regulator)}</p>")
    return "".join(parts)


def render_similar(similar: Iterable[SimilarEntity]) -> str:
    hits = list(similar)
    if not hits:
        return "<h3>Already on the register</h3><p>No similar name on the register.</p>"
    items = [
        f"<a href='entity:{hit.entity_id}'>{esc(hit.name)}</a> "
        f"<span style='color:#57606a'>(match {hit.score:.0f}%)</span>"
        for hit in hits
    ]
    return (
        "<h3>Already on the register</h3>"
        "<p style='margin-bottom:0'>Similar names (click to open the record):</p>" + _list(items)
    )


def render_report(
    report: CheckReport, ref: ReferenceSet, importer_role: Role, exporter_role: Role
) -> str:
    regimes = ", ".join(dict.fromkeys(a.regime.value for a in report.assessments))
    parts = [
        f"<h2>Supplier check: {esc(report.name) or '<i>(no name yet)</i>'}</h2>",
        f"<p style='color:#57606a'>As of {report.on.isoformat()} &nbsp;·&nbsp; "
        f"regimes {esc(regimes)} &nbsp;·&nbsp; the supplier acts as "
        f"{ROLE_TEXT[importer_role]}, we act as {ROLE_TEXT[exporter_role]}</p>",
    ]
    parts.append(render_summary(report.assessments))
    parts.append(render_similar(report.similar))
    for a in report.assessments:
        parts.append("<hr>")
        parts.append(render_assessment(a, ref))
    return "".join(parts)


def render_summary(assessments: Iterable[DestinationAssessment]) -> str:
    """One line per regime and destination, before the details."""
    rows = []
    for a in assessments:
        text, colour, background = HEADLINE[a.finding]
        rows.append(
            f"<tr><td>{esc(a.regime.value)} exporter</td>"
            f"<td>{esc(country_name(a.destination))} ({esc(a.destination)})</td>"
            f"<td style='background-color:{background}; color:{colour}'>"
            f"<b>{BADGE[a.finding]}</b></td>"
            f"<td style='color:{colour}'>{esc(text.capitalize())}</td></tr>"
        )
    return (
        "<table cellspacing='0' cellpadding='4' style='margin-bottom:6px'>"
        "<tr><th align='left'>From</th><th align='left'>To</th>"
        "<th align='left' colspan='2'>Verdict</th></tr>" + "".join(rows) + "</table>"
    )


# -- widgets -------------------------------------------------------------------------------------


class FlowLayout(QLayout):
    """Lays its items out left to right, wrapping to the next line (the chips)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), test_only=True)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, test_only=False)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _do_layout(self, rect: QRect, test_only: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            next_x = x + hint.width() + self._spacing
            if next_x - self._spacing > rect.right() and line_height > 0:
                x = rect.x()
                y += line_height + self._spacing
                next_x = x + hint.width() + self._spacing
                line_height = 0
            if not test_only:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x = next_x
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class CountryPicker(QWidget):
    """A searchable multi-select of destinations: type, pick from the list, see chips."""

    changed = Signal()

    def __init__(self, choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels = {code: choice_label(code, name) for code, name in choices}
        self._codes: list[str] = []
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Type a country or organisation, e.g. India, US, EPO")
        self.edit.setAccessibleName("Add a country")
        self.edit.setClearButtonEnabled(True)
        # The page ranks the suggestions itself (a code or a name's start first: "indi" offers
        # India before British Indian Ocean Territory), so the completer shows them unfiltered.
        self.suggestion_model = QStringListModel(self)
        self.completer = QCompleter(self.suggestion_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated.connect(self._picked)
        self.edit.textEdited.connect(self._suggest)
        self.edit.returnPressed.connect(self._entered)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add the country typed on the left")
        self.add_button.clicked.connect(self._entered)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318;")
        self.error.setVisible(False)
        self.chips = QWidget()
        self.chips_layout = FlowLayout(self.chips)
        self.empty = QLabel("No country chosen yet.")
        self.empty.setStyleSheet("color: #57606a;")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.empty)
        layout.addWidget(self.chips)

    def codes(self) -> list[str]:
        return list(self._codes)

    def suggestions(self, text: str, limit: int = 40) -> list[str]:
        """The destinations that match ``text``, best first: the code, then a name starting
        with it, then a word of a name starting with it, then a name containing it."""
        needle = text.strip().casefold()
        if not needle:
            return []
        ranked: list[tuple[int, str]] = []
        for code, label in self._labels.items():
            name = label.casefold()
            if code.casefold() == needle:
                rank = 0
            elif name.startswith(needle):
                rank = 1
            elif any(word.startswith(needle) for word in name.split()):
                rank = 2
            elif needle in name:
                rank = 3
            else:
                continue
            ranked.append((rank, label))
        ranked.sort(key=lambda item: (item[0], item[1].casefold()))
        return [label for _, label in ranked[:limit]]

    def _suggest(self, text: str) -> None:
        found = self.suggestions(text)
        self.suggestion_model.setStringList(found)
        if found:
            self.completer.complete()
        elif (popup := self.completer.popup()) is not None:
            popup.hide()

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def add_country(self, text: str) -> bool:
        """Add a destination from a code, a name or a picked label; False (and a message) if
        it is not a country or organisation the app knows."""
        if not text.strip():
            return False
        try:
            code = parse_destination(text)
        except ValidationError as exc:
            self.error.setText(f"Unknown country {text.strip()!r}: {exc.message.split(': ')[-1]}")
            self.error.setVisible(True)
            return False
        self.error.setVisible(False)
        self.error.clear()
        if code not in self._codes:
            self._codes.append(code)
            self._rebuild()
            self.changed.emit()
        return True

    def remove_country(self, code: str) -> None:
        if code in self._codes:
            self._codes.remove(code)
            self._rebuild()
            self.changed.emit()

    def set_codes(self, codes: Iterable[str]) -> None:
        self._codes = list(dict.fromkeys(codes))
        self.error.setVisible(False)
        self._rebuild()
        self.changed.emit()

    def _label(self, code: str) -> str:
        return self._labels.get(code) or choice_label(code, country_name(code))

    def _rebuild(self) -> None:
        while (item := self.chips_layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        for code in self._codes:
            chip = QToolButton()
            chip.setText(f"{self._label(code)}  ✕")
            chip.setToolTip(f"Remove {self._label(code)}")
            chip.setAccessibleName(f"Remove {self._label(code)}")
            chip.setAutoRaise(False)
            chip.setStyleSheet(
                "QToolButton { border: 1px solid palette(mid); border-radius: 9px; "
                "padding: 2px 8px; background: palette(alternate-base); }"
                "QToolButton:hover { background: palette(midlight); }"
            )
            chip.clicked.connect(lambda _=False, c=code: self.remove_country(c))
            self.chips_layout.addWidget(chip)
        self.empty.setVisible(not self._codes)
        self.chips.setVisible(bool(self._codes))
        self.chips_layout.invalidate()
        self.chips.updateGeometry()

    def _picked(self, text: str) -> None:
        if self.add_country(text):
            # The line edit puts the completion into itself after this slot: clear it after.
            QTimer.singleShot(0, self.edit.clear)

    def _entered(self) -> None:
        text = self.edit.text()
        if self.add_country(text):
            self.edit.clear()


class SupplierCheckPage(Page):
    title = "Supplier check"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: CheckReport | None = None
        self.html = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.update_verdict)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Supplier name, e.g. Acme Translation Ltd")
        self.name_edit.setAccessibleName("Supplier name")
        self.name_edit.setClearButtonEnabled(True)
        self.service_edit = QLineEdit()
        self.service_edit.setPlaceholderText("What they would do, e.g. cloud hosting (optional)")
        self.countries = CountryPicker(destination_choices(ctx.service.ref.international_orgs))
        self.importer_role = QComboBox()
        for role in (Role.PROCESSOR, Role.SUBPROCESSOR, Role.CONTROLLER):
            self.importer_role.addItem(ROLE_TEXT[role].capitalize(), role.value)
        self.exporter_role = QComboBox()
        for role in (Role.CONTROLLER, Role.PROCESSOR):
            self.exporter_role.addItem(f"We are {ROLE_TEXT[role]}", role.value)
        self.exporter = QComboBox()
        self.exporter.setToolTip("Our entity that would send the data (for the proposed transfer)")
        self.regime_boxes = {r: QCheckBox(r.value) for r in Regime}
        self.regime_boxes[Regime.UK].setToolTip("UK GDPR / DPA 2018")
        self.regime_boxes[Regime.EU].setToolTip("EU/EEA GDPR")
        self.regime_boxes[Regime.CH].setToolTip("Swiss revised FADP")
        self.regime_hint = QLabel()
        self.regime_hint.setStyleSheet("color: #57606a;")
        self.dpf_eu = QCheckBox("EU-US Data Privacy Framework")
        self.dpf_uk = QCheckBox("UK Extension to the EU-US DPF")
        self.dpf_uk.setToolTip("Only importers certified under the EU-US DPF can join it")
        self.dpf_swiss = QCheckBox("Swiss-US Data Privacy Framework")
        self.dpf_uk.setEnabled(False)
        self.categories = QListWidget()
        self.categories.setAccessibleName("Data categories")
        self.categories.setMaximumHeight(170)
        self.add_button = QPushButton("Add to register as proposed")
        self.add_button.setToolTip(
            "Create the supplier, its locations and one proposed transfer per country"
        )
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_to_register)
        self.reset_button = QPushButton("Clear")
        self.reset_button.clicked.connect(self.new_record)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Supplier &name:", self.name_edit)
        form.addRow("Service:", self.service_edit)
        form.addRow("&Countries:", self.countries)
        form.addRow("Supplier's &role:", self.importer_role)
        form.addRow("Our role:", self.exporter_role)
        form.addRow("Exporting entity:", self.exporter)
        regime_row = QHBoxLayout()
        for box in self.regime_boxes.values():
            regime_row.addWidget(box)
        regime_row.addStretch(1)
        regime_col = QVBoxLayout()
        regime_col.setSpacing(0)
        regime_col.addLayout(regime_row)
        regime_col.addWidget(self.regime_hint)
        form.addRow("Regimes:", regime_col)
        dpf_col = QVBoxLayout()
        dpf_col.setSpacing(2)
        dpf_col.addWidget(self.dpf_eu)
        uk_row = QHBoxLayout()
        uk_row.setContentsMargins(20, 0, 0, 0)
        uk_row.addWidget(self.dpf_uk)
        dpf_col.addLayout(uk_row)
        dpf_col.addWidget(self.dpf_swiss)
        form.addRow("Certified under:", dpf_col)
        form.addRow("Data categories:", self.categories)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)

        intro = QLabel(
            "<b>Before signing a new supplier</b>: what the law requires for the data to go "
            "where the supplier is, and whether it is already on the register."
        )
        intro.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(intro)
        left_layout.addLayout(form)
        left_layout.addLayout(buttons)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(380)

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Verdict")
        self.browser.anchorClicked.connect(self.follow_link)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([440, 760])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self._load_register_choices()
        self._set_default_regimes()
        self.name_edit.textChanged.connect(self.schedule)
        self.service_edit.textChanged.connect(self._update_buttons)
        self.countries.changed.connect(self.schedule)
        self.importer_role.currentIndexChanged.connect(self.schedule)
        self.exporter_role.currentIndexChanged.connect(self.schedule)
        for box in self.regime_boxes.values():
            box.toggled.connect(self.schedule)
        self.dpf_eu.toggled.connect(self._dpf_toggled)
        self.dpf_uk.toggled.connect(self.schedule)
        self.dpf_swiss.toggled.connect(self.schedule)
        self.update_verdict()

    # -- inputs --------------------------------------------------------------------------------

    def _load_register_choices(self) -> None:
        repo = self.ctx.service.repo
        chosen = set(self.selected_categories())
        self.categories.clear()
        for item in repo.catalogue("data_category"):
            row = QListWidgetItem(item.name)
            row.setToolTip(item.description)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = item.name in chosen
            row.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.categories.addItem(row)
        current = self.exporter.currentData()
        self.exporter.clear()
        for e in repo.own_entities():
            self.exporter.addItem(e.name, e.id)
        if self.exporter.count() == 0:
            self.exporter.addItem("(no entity of ours on the register)", None)
        index = self.exporter.findData(current)
        self.exporter.setCurrentIndex(max(index, 0))

    def _set_default_regimes(self) -> None:
        own = self.ctx.service.exporter_regimes()
        chosen = set(own or DEFAULT_REGIMES)
        for regime, box in self.regime_boxes.items():
            box.blockSignals(True)
            box.setChecked(regime in chosen)
            box.blockSignals(False)
        self.regime_hint.setText(
            "Those of our entities on the register" if own else "Default: UK and EU"
        )

    def _dpf_toggled(self, checked: bool) -> None:
        # The UK Extension is an extension of the EU-US DPF: no certification without it.
        if not checked:
            self.dpf_uk.setChecked(False)
        self.dpf_uk.setEnabled(checked)
        self.schedule()

    def selected_regimes(self) -> list[Regime]:
        return [r for r, box in self.regime_boxes.items() if box.isChecked()]

    def selected_categories(self) -> list[str]:
        out = []
        for i in range(self.categories.count()):
            item = self.categories.item(i)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(item.text())
        return out

    def certifications(self) -> Certifications:
        return Certifications(
            self.dpf_eu.isChecked(),
            self.dpf_eu.isChecked() and self.dpf_uk.isChecked(),
            self.dpf_swiss.isChecked(),
        )

    def _roles(self) -> tuple[Role, Role]:
        # Combo boxes hand enum members back as their plain values.
        return (
            Role(self.importer_role.currentData() or Role.PROCESSOR),
            Role(self.exporter_role.currentData() or Role.CONTROLLER),
        )

    # -- the verdict ---------------------------------------------------------------------------

    def schedule(self) -> None:
        """Recompute the verdict once the user pauses typing (a debounce)."""
        self._update_buttons()
        self._timer.start()

    def _update_buttons(self) -> None:
        ok = bool(self.name_edit.text().strip()) and bool(self.countries.codes())
        self.add_button.setEnabled(ok and bool(self.selected_regimes()))

    def update_verdict(self) -> None:
        """Run the check now and show the verdict (the debounce timer ends here too)."""
        self._timer.stop()
        self._update_buttons()
        name = self.name_edit.text().strip()
        codes = self.countries.codes()
        regimes = self.selected_regimes()
        importer_role, exporter_role = self._roles()
        self.report = None
        try:
            if not codes or not regimes:
                self._show_incomplete(name, codes, regimes)
                return
            report = self.ctx.service.check(
                name,
                codes,
                importer_role,
                self.ctx.today,
                exporter_role=exporter_role,
                regimes=regimes,
                certs=self.certifications(),
            )
        except TransfersError as exc:
            self._show(f"<p style='color:#b42318'><b>Cannot run the check:</b> {esc(exc)}</p>")
            return
        self.report = report
        self._show(render_report(report, self.ctx.service.ref, importer_role, exporter_role))

    def _show_incomplete(self, name: str, codes: list[str], regimes: list[Regime]) -> None:
        parts = []
        if name:
            parts.append(f"<h2>Supplier check: {esc(name)}</h2>")
        else:
            parts.append(
                "<h2>Supplier check</h2><p>Type the supplier's name and pick the countries "
                "where it would hold or access the data. The verdict appears here as you "
                "type.</p>"
            )
        if not regimes:
            parts.append(
                "<p style='color:#b42318'><b>Tick at least one regime</b> (UK, EU or CH) to "
                "see what the law requires.</p>"
            )
        elif not codes:
            parts.append(
                "<p style='color:#b42318'><b>Add at least one country</b> (or an international "
                "organisation such as the EPO) to see what the law requires.</p>"
            )
        if name:
            parts.append(render_similar(self.ctx.service.similar_entities(name)))
        self._show("".join(parts))

    def _show(self, body: str) -> None:
        self.html = f"<html><body>{body}</body></html>"
        self.browser.setHtml(self.html)

    def follow_link(self, url: QUrl) -> None:
        if url.scheme() == "entity":
            try:
                entity_id = int(url.path())
            except ValueError:
                return
            self.open_entity.emit(entity_id)
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    # -- add to the register -------------------------------------------------------------------

    def add_to_register(self) -> None:
        name = self.name_edit.text().strip()
        codes = self.countries.codes()
        importer_role, _ = self._roles()
        regimes = self.selected_regimes()
        if not name or not codes:
            messages.error(self, "Give the supplier's name and at least one country first.")
            return
        close = [s for s in self.ctx.service.similar_entities(name) if s.score >= DUPLICATE_SCORE]
        if close and not messages.confirm(
            self,
            f"<p>Already on the register: <b>{esc(close[0].name)}</b> "
            f"(match {close[0].score:.0f}%).</p><p>Add <b>{esc(name)}</b> as a new proposed "
            "supplier anyway?</p>",
        ):
            return
        exporter = self.exporter.currentData()
        try:
            supplier = self.ctx.workspace.add_proposed_supplier(
                name,
                codes,
                importer_role,
                self.selected_categories(),
                self.ctx.today,
                service_text=self.service_edit.text().strip(),
                exporter_id=exporter if isinstance(exporter, int) else None,
                regimes=regimes,
            )
        except TransfersError as exc:
            messages.error(self, f"<p>Not added: {esc(exc)}</p>")
            return
        self.changed.emit()
        self.update_verdict()
        places = ", ".join(country_name(c) for c in codes)
        transfers = (
            f"one proposed transfer per country ({esc(places)})"
            if self.exporter.currentData() is not None
            else f"its locations ({esc(places)}); no transfer, as no entity of ours is on "
            "the register"
        )
        messages.info(
            self,
            f"<p><b>{esc(supplier.name)}</b> is on the register as a <b>proposed</b> supplier, "
            f"with {transfers}.</p><p>Its transfers start when you set a start date in the "
            "register.</p>",
        )

    # -- Page ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._load_register_choices()
        self.update_verdict()

    def apply_filter(self, **criteria: object) -> None:
        """Pre-fill the check: ``name`` and ``countries`` (codes or names)."""
        name = criteria.get("name")
        if isinstance(name, str):
            self.name_edit.setText(name)
        countries = criteria.get("countries")
        if isinstance(countries, list | tuple):
            self.countries.set_codes([])
            for c in countries:
                self.countries.add_country(str(c))
        self.update_verdict()

    def focus_search(self) -> bool:
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        return True

    def new_record(self) -> bool:
        """Start a new check: clear the form."""
        self.name_edit.clear()
        self.service_edit.clear()
        self.countries.set_codes([])
        self.countries.edit.clear()
        self.importer_role.setCurrentIndex(0)
        self.exporter_role.setCurrentIndex(0)
        for box in (self.dpf_eu, self.dpf_swiss):
            box.setChecked(False)
        for i in range(self.categories.count()):
            item = self.categories.item(i)
            if item is not None:
                item.setCheckState(Qt.CheckState.Unchecked)
        self._set_default_regimes()
        self.update_verdict()
        self.name_edit.setFocus()
        return True
