"""The TIA editor: a transfer impact / risk assessment, step by step, with its sign-off.

Built with data (``TiaEditor(service, tia, today)``: a saved assessment, or an unsaved draft
that ``TiaService.draft_for`` prefilled from the register and the destination's country
profile); ``value()`` returns the validated ``Tia`` as edited; ``TiaEditor.edit(parent, ctx,
tia_id=..., transfer_id=...)`` opens a transfer's current assessment (or starts a draft) and
wraps ``exec()``.

The steps follow the EDPB's six steps, with the ICO transfer risk assessment for UK transfers
and the optional quantitative estimate; the list on the left says which are done and what is
left. Save keeps the dialog open (an assessment is written over several sittings); sign-off is
four-eyes (``TiaService.sign_off_problems``); an approved revision is read-only and reopened
with Reassess, which starts the next revision.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.formatting import (
    MECHANISM_LABELS,
    REGIME_LABELS,
    ROLE_LABELS,
    TIA_STATUS_LABELS,
    country_label,
    day,
    percent,
)
from transfers_app.domain.models import Tia, Transfer
from transfers_app.domain.renewals import is_overdue, next_review
from transfers_app.domain.tia import (
    CONCLUSION_LABELS,
    EEG_GUARANTEES,
    EEG_RATING_LABELS,
    ENFORCEABILITY_LABELS,
    HUMAN_RIGHTS_LABELS,
    USE_CASES,
    AccessBasis,
    CategoryRisk,
    Conclusion,
    DataFormat,
    EegFinding,
    EegRating,
    Enforceability,
    Factor,
    HumanRights,
    LawItem,
    Measure,
    MeasureKind,
    Quantitative,
    ResidualRisk,
    StepProgress,
    TiaContent,
    TransferDescription,
    progress,
    rosenthal,
    tra_decision,
)
from transfers_app.domain.validation import problems
from transfers_app.errors import TransfersError
from transfers_app.reference.profiles import load_country_profiles
from transfers_app.rules.destination import assess_destination
from transfers_app.services.tia import ROSENTHAL_CAVEAT, TRA_CAVEAT, TiaService
from ui import messages
from ui.context import UiContext
from ui.widgets.forms import FieldMessages
from ui.widgets.widget_table import WidgetTable

esc = html.escape

# The pages of the editor: key, title in the step list, the progress() steps it answers.
STEPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("transfer", "1  The transfer", ("describe",)),
    ("tool", "2  Transfer tool", ("tool",)),
    ("law", "3  Destination law", ("law",)),
    ("measures", "4  Supplementary measures", ("measures",)),
    ("procedure", "5  Procedure and review", ("procedure", "review")),
    ("tra", "UK transfer risk assessment", ("tra",)),
    ("quantitative", "Quantitative estimate", ()),
    ("conclusion", "Conclusion", ("conclusion",)),
    ("signoff", "Sign-off", ()),
)
STEP_KEYS = tuple(key for key, _, _ in STEPS)

DATA_FORMAT_LABELS = {
    DataFormat.CLEAR: "In the clear",
    DataFormat.PSEUDONYMISED: "Pseudonymised (the key stays with the exporter)",
    DataFormat.ENCRYPTED: "Encrypted (the importer holds no key)",
}
MEASURE_KIND_LABELS = {
    MeasureKind.TECHNICAL: "Technical",
    MeasureKind.CONTRACTUAL: "Contractual",
    MeasureKind.ORGANISATIONAL: "Organisational",
}
KIND_OF_CODE = {
    "T": MeasureKind.TECHNICAL,
    "C": MeasureKind.CONTRACTUAL,
    "O": MeasureKind.ORGANISATIONAL,
}
RESIDUAL_LABELS = {
    ResidualRisk.UNRATED: "Not rated",
    ResidualRisk.LOW: "Low",
    ResidualRisk.MEDIUM: "Medium",
    ResidualRisk.HIGH: "High",
}
# Yes / no questions that may be unanswered: "" is unanswered.
PROBLEMATIC_LAW_LABELS = {
    "": "Not answered",
    "yes": "Yes: law or practice in the destination may impinge on the safeguard",
    "no": "No: nothing in the destination's law or practice reaches this transfer",
}
EXCEPTIONS_LABELS = {
    "": "Not answered",
    "yes": "Yes: the Art 49 exceptions cover all the significant-risk data",
    "no": "No: some significant-risk data is not covered",
}
WARNING_STYLE = (
    "QLabel { background: #fff4ce; color: #4d3800; border: 1px solid #e0c060; "
    "border-radius: 4px; padding: 6px; }"
)
NOTE_STYLE = (
    "QLabel { background: #e8f0fb; color: #1d3557; border: 1px solid #b8cbe6; "
    "border-radius: 4px; padding: 6px; }"
)
DONE_COLOUR = "#1b5e20"
TODO_COLOUR = "#8a4b00"
MUTED_STYLE = "color: #57606a;"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


def _from_yes_no(key: str) -> bool | None:
    return None if not key else key == "yes"


def _lock(widget: QWidget, editable: bool) -> None:
    """Read-only text stays readable (and copyable); other inputs are turned off."""
    if isinstance(widget, QLineEdit | QPlainTextEdit | QAbstractSpinBox):
        widget.setReadOnly(not editable)
        if isinstance(widget, QLineEdit):
            widget.setCursorPosition(0)  # show the start of a long text, not its end
    else:
        widget.setEnabled(editable)


def split_list(text: str, separator: str = ",") -> tuple[str, ...]:
    """The non-empty entries of a comma- (or line-) separated list, each once, in order."""
    parts = (p.strip() for p in text.split(separator))
    return tuple(dict.fromkeys(p for p in parts if p))


@cache
def measure_catalogue() -> dict[str, tuple[str, str, bool]]:
    """Catalogue code -> (measure, what it helps with, verified), from the country profiles."""
    return {m.code: (m.measure, m.helps, m.verified) for m in load_country_profiles().measures}


def _use_case_of(helps: str) -> str:
    found = re.search(r"\bUC[1-7]\b", helps)
    return found.group(0) if found else ""


def current_tia(tias: Iterable[Tia], transfer_id: int) -> Tia | None:
    """The assessment a transfer's "Assessment…" opens: the newest revision covering it that
    is not superseded (a draft reassessment before the approved revision it will replace)."""
    covering = [
        t
        for t in tias
        if t.archived_at is None
        and t.status is not TiaStatus.SUPERSEDED
        and transfer_id in t.transfer_ids
    ]
    if not covering:
        return None
    return max(covering, key=lambda t: (t.revision, t.id or 0))


def last_assessor(tias: Iterable[Tia]) -> str:
    """Who assessed last on this register: the likely assessor of a new draft."""
    named = [t for t in tias if t.assessor.strip()]
    return max(named, key=lambda t: t.id or 0).assessor if named else ""


def open_or_draft(
    service: TiaService, today: date, tia_id: int | None = None, transfer_id: int | None = None
) -> Tia:
    """The assessment ``tia_id``, else the transfer's current one, else a new prefilled
    draft for the transfer (not saved yet)."""
    if tia_id is not None:
        return service.repo.get_tia(tia_id)
    if transfer_id is None:
        raise ValueError("an assessment or a transfer is needed")
    tias = service.repo.list_tias()
    found = current_tia(tias, transfer_id)
    if found is not None and found.id is not None:
        return service.repo.get_tia(found.id)
    return service.draft_for(transfer_id, today, assessor=last_assessor(tias))


@dataclass
class _MeasureRow:
    kind: QComboBox
    code: QComboBox
    description: QLineEdit
    use_case: QComboBox
    in_place: QCheckBox
    catalogue_text: str = ""  # the description the code filled in (replaced on a new code)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.kind, self.code, self.description, self.use_case, self.in_place)


@dataclass
class _RiskRow:
    category: QLineEdit
    inherent: QSpinBox
    residual: QSpinBox

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.category, self.inherent, self.residual)


@dataclass
class _BasisRow:
    name: QLineEdit
    result: QLabel
    factors: list[Factor]
    notes: str = ""

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name,)


@dataclass
class _FactorRow:
    label: QLineEdit
    probability: QDoubleSpinBox

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.label, self.probability)


class TiaEditor(FieldMessages, QDialog):
    """Edit one assessment, step by step, and sign it off."""

    def __init__(
        self, service: TiaService, tia: Tia, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.repo = service.repo
        self.today = today
        self.tia = tia
        # The last assessment written from this dialog (None: nothing was written).
        self.saved: Tia | None = None
        self._errors: dict[str, QLabel] = {}
        self._inputs: list[QWidget] = []  # every input that read-only mode turns off
        self._loading = True
        self._filling = False  # a detail form is being filled from its table row
        self._editable = True
        self._prefilled = False
        self._uk = False
        self._laws: list[LawItem] = []
        self._transfers: list[Transfer] = []
        self._stale: list[str] = []
        self._history: list[Tia] = []
        self._current_basis: int | None = None
        self.setWindowTitle("Transfer impact assessment")
        self.setSizeGripEnabled(True)
        self.resize(1240, 780)

        # Top: what this is, and the warnings that matter before anything else.
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.stale_banner = self._banner("stale", WARNING_STYLE)
        self.note_banner = self._banner("note", NOTE_STYLE)

        # Left: the steps with their progress; right: one page per step.
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progress-summary")
        self.steps = QListWidget()
        self.steps.setAccessibleName("Steps")
        self.steps.setWordWrap(True)
        self.steps.setSpacing(2)
        self.steps.setMinimumWidth(250)
        self.steps.setMaximumWidth(320)
        self.pages = QStackedWidget()
        builders: dict[str, Callable[[], QWidget]] = {
            "transfer": self._transfer_page,
            "tool": self._tool_page,
            "law": self._law_page,
            "measures": self._measures_page,
            "procedure": self._procedure_page,
            "tra": self._tra_page,
            "quantitative": self._quantitative_page,
            "conclusion": self._conclusion_page,
            "signoff": self._signoff_page,
        }
        for key, title, _ in STEPS:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.steps.addItem(item)
            self.pages.addWidget(self._scroll(builders[key]()))
        self.steps.currentRowChanged.connect(self.pages.setCurrentIndex)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.progress_label)
        left_column.addWidget(self.steps, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([270, 950])
        splitter.setChildrenCollapsible(False)

        # Bottom: export, messages, save and close.
        self.export_button = QPushButton("Export &PDF…")
        self.export_button.clicked.connect(self.export_pdf)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("&Save")
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.note_banner)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._load(tia)
        self.steps.setCurrentRow(0)

    # -- small builders -------------------------------------------------------------------------

    @staticmethod
    def _banner(name: str, style: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"banner-{name}")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setStyleSheet(style)
        label.setVisible(False)
        return label

    @staticmethod
    def _scroll(page: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        return scroll

    @staticmethod
    def _form() -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return form

    @staticmethod
    def _intro(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(MUTED_STYLE)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setOpenExternalLinks(True)
        return label

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._changed)
        self._inputs.append(edit)
        return edit

    def _text(self, name: str, lines: int = 3, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 14)
        edit.textChanged.connect(self._changed)
        self._inputs.append(edit)
        return edit

    def _choice(self, choices: dict[Any, str], name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for value, label in choices.items():
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self._changed)
        self._inputs.append(combo)
        return combo

    def _check(self, text: str) -> QCheckBox:
        check = QCheckBox(text)
        check.toggled.connect(self._changed)
        self._inputs.append(check)
        return check

    def _button(self, text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: slot())
        if tip:
            button.setToolTip(tip)
        self._inputs.append(button)
        return button

    @staticmethod
    def _box(title: str, *parts: QWidget | QFormLayout | QHBoxLayout | QGridLayout) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        for part in parts:
            if isinstance(part, QWidget):
                column.addWidget(part)
            else:
                column.addLayout(part)
        return box

    @staticmethod
    def _page(*parts: QWidget) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        for part in parts:
            column.addWidget(part)
        column.addStretch(1)
        return page

    @staticmethod
    def _set(combo: QComboBox, value: object) -> None:
        combo.setCurrentIndex(max(combo.findData(value), 0))

    # -- 1 the transfer ---------------------------------------------------------------------------

    def _transfer_page(self) -> QWidget:
        self.title_edit = self._line("Title", "e.g. Stratus Cloud Hosting: United States")
        self.covered_label = QLabel()
        self.covered_label.setWordWrap(True)
        self.covered_label.setTextFormat(Qt.TextFormat.RichText)
        self.purpose_edit = self._text("Purpose", 2, "Why the data go to the importer")
        self.nature_edit = self._line("Nature of the processing", "e.g. Cloud hosting")
        self.categories_edit = self._line(
            "Data categories", "Comma-separated, e.g. Contact, Identity, Technical"
        )
        self.subjects_edit = self._line(
            "Data subjects", "Comma-separated, e.g. Customers, Employees"
        )
        self.special_edit = self._line(
            "Sensitive data", "Which special-category or criminal-offence data, if any"
        )
        self.vulnerable_check = self._check("Children or otherwise vulnerable people (ICO Q1)")
        self.volume_edit = self._line("Volume", "e.g. 100k-1M people")
        self.frequency_edit = self._line("Frequency", "e.g. continuous")
        self.retention_edit = self._line("Retention", "How long the importer keeps the data")
        self.format_combo = self._choice(DATA_FORMAT_LABELS, "Format of the data")
        self.channels_edit = self._line("Transmission channels", "e.g. TLS 1.3 over the internet")
        self.locations_edit = self._line(
            "Storage and access locations", "ISO codes, comma-separated, e.g. US, IE, IN"
        )
        self.onward_edit = self._text("Onward transfers", 3, "One per line: Name (country)")
        self.minimisation_edit = self._text(
            "Data minimisation", 2, "Is the transfer adequate, relevant and limited?"
        )
        what = self._form()
        self._row(what, "&Title", "title", self.title_edit)
        what.addRow("Covers", self.covered_label)
        self._row(what, "P&urpose *", "purpose", self.purpose_edit)
        self._row(what, "Nature of processing", "nature", self.nature_edit)
        self._row(what, "Data &categories *", "data_categories", self.categories_edit)
        self._row(what, "Data &subjects *", "data_subjects", self.subjects_edit)
        self._row(what, "Sensitive data", "special", self.special_edit)
        what.addRow("", self.vulnerable_check)
        how = self._form()
        self._row(how, "Volume", "volume", self.volume_edit)
        self._row(how, "Frequency", "frequency", self.frequency_edit)
        self._row(how, "Retention", "retention", self.retention_edit)
        self._row(how, "Format", "format", self.format_combo)
        self._row(how, "Channels", "channels", self.channels_edit)
        self._row(how, "Locations", "locations", self.locations_edit)
        self._row(how, "Onward transfers", "onward", self.onward_edit)
        self._row(how, "Minimisation", "minimisation", self.minimisation_edit)
        return self._page(
            self._intro(
                "EDPB step 1 (know your transfer), ICO Q1 and SCC Annex I.B. Prefilled from the "
                "register: complete what the register cannot know. Changing it here does not "
                "change the register. * needed before approval."
            ),
            self._box("What, why and about whom", what),
            self._box("How the data travel and where they end up", how),
        )

    # -- 2 the transfer tool ----------------------------------------------------------------------

    def _tool_page(self) -> QWidget:
        self.tool_view = QTextBrowser()
        self.tool_view.setAccessibleName("Mechanisms on the register")
        self.tool_view.setOpenExternalLinks(True)
        self.tool_view.setMinimumHeight(260)
        self.tool_notes_edit = self._text(
            "Notes on the transfer tool",
            5,
            "e.g. the SCC module and the annexes checked, the docking clause, the UK Addendum",
        )
        return self._page(
            self._intro(
                "EDPB step 2: the mechanisms come from the register (edit the transfer to change "
                "them). Note here what was checked about them."
            ),
            self._box("On the register", self.tool_view),
            self._box("Notes", self.tool_notes_edit),
        )

    def _tool_html(self) -> str:
        parts = [
            "<p><b>Assessed under:</b> "
            + esc(", ".join(REGIME_LABELS[r] for r in self._regimes) or "no regime")
            + "</p>"
        ]
        names = self.repo.names_of(
            sorted({i for t in self._transfers for i in (t.exporter_id, t.importer_id)})
        )
        for t in self._transfers:
            exporter = names.get(t.exporter_id, f"#{t.exporter_id}")
            importer = names.get(t.importer_id, f"#{t.importer_id}")
            parts.append(
                f"<h4 style='margin-bottom:2px'>Transfer {t.id}: {esc(exporter)} → "
                f"{esc(importer)} ({esc(country_label(t.destination))})</h4>"
                f"<p style='margin-top:0; color:#57606a'>{esc(ROLE_LABELS[t.exporter_role])} to "
                f"{esc(ROLE_LABELS[t.importer_role])}"
                + (f" · {esc(t.service)}" if t.service else "")
                + "</p>"
            )
            if not t.mechanisms:
                parts.append("<p style='color:#b3261e'><b>No mechanism recorded.</b></p>")
                continue
            rows = []
            for pos, use in enumerate(t.mechanisms):
                doc_text = "no document linked"
                if use.document_id is not None:
                    try:
                        doc = self.repo.get_document(use.document_id)
                        expires = (
                            f"expires {day(doc.expires_on)}" if doc.expires_on else "no expiry date"
                        )
                        doc_text = f"{esc(doc.title)} (signed {esc(day(doc.signed_on))}, {expires})"
                    except TransfersError:
                        doc_text = f"document #{use.document_id} (not found)"
                rows.append(
                    f"<li><b>{'Primary' if pos == 0 else 'Fallback'}:</b> "
                    f"{esc(MECHANISM_LABELS.get(use.mechanism, use.mechanism.value))} — "
                    f"{doc_text}</li>"
                )
            parts.append("<ul style='margin-top:0'>" + "".join(rows) + "</ul>")
            findings = []
            for regime in self._regimes:
                try:
                    a = assess_destination(
                        self.service.ref,
                        regime,
                        t.destination,
                        self.today,
                        t.importer_role,
                        t.exporter_role,
                    )
                except TransfersError:
                    continue
                line = f"<b>{esc(REGIME_LABELS[regime])}:</b> {esc(a.reason.rstrip('.'))}"
                if a.decision is not None:
                    line += f" ({esc(a.decision.reference)})"
                if a.needs_mechanism and a.scc_module:
                    line += f"; SCC Module {a.scc_module} fits these roles"
                findings.append(f"<li>{line}</li>")
            if findings:
                parts.append(
                    "<p style='margin-bottom:0'>What the law requires today:</p>"
                    "<ul style='margin-top:0'>" + "".join(findings) + "</ul>"
                )
        return "".join(parts)

    # -- 3 destination law ------------------------------------------------------------------------

    def _law_page(self) -> QWidget:
        self.destination_label = QLabel()
        self.destination_label.setWordWrap(True)
        self.destination_label.setTextFormat(Qt.TextFormat.RichText)
        self.laws_table = QTableWidget(0, 4)
        self.laws_table.setAccessibleName("Laws and practices")
        self.laws_table.setHorizontalHeaderLabels(
            ["Applies", "Law or practice", "Source check", "What it allows"]
        )
        self.laws_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.laws_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.laws_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.laws_table.setWordWrap(False)
        self.laws_table.verticalHeader().setVisible(False)
        self.laws_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.laws_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 240)
        self.laws_table.setMinimumHeight(220)
        self.laws_table.itemChanged.connect(self._law_item_changed)
        self.laws_table.itemSelectionChanged.connect(self._law_selected)
        self.add_law_button = self._button("&Add law", self.add_law)
        self.remove_law_button = self._button("&Remove law", self.remove_law)
        law_buttons = QHBoxLayout()
        law_buttons.addWidget(self.add_law_button)
        law_buttons.addWidget(self.remove_law_button)
        law_buttons.addStretch(1)

        self.law_title_edit = self._line("Law or practice")
        self.law_summary_edit = self._text("What it allows", 3)
        self.law_sources_edit = self._text("Sources", 2, "One URL or citation per line")
        self.law_applies_check = self._check("Reaches this importer and this data")
        self.law_verified_check = self._check("Verified against a source")
        # Edits of the chosen law go back to its row (and from there to _changed).
        self.law_title_edit.textChanged.connect(self._law_edited)
        self.law_summary_edit.textChanged.connect(self._law_edited)
        self.law_sources_edit.textChanged.connect(self._law_edited)
        self.law_applies_check.toggled.connect(self._law_edited)
        self.law_verified_check.toggled.connect(self._law_edited)
        detail = self._form()
        self._row(detail, "Law or practice", "law_title", self.law_title_edit)
        self._row(detail, "What it allows", "law_summary", self.law_summary_edit)
        self._row(detail, "Sources", "law_sources", self.law_sources_edit)
        checks = QHBoxLayout()
        checks.addWidget(self.law_applies_check)
        checks.addWidget(self.law_verified_check)
        checks.addStretch(1)
        detail.addRow("", checks)
        self.law_detail = QWidget()
        self.law_detail.setLayout(detail)

        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        self.eeg_combos: dict[str, QComboBox] = {}
        self.eeg_notes: dict[str, QPlainTextEdit] = {}
        for row, (letter, title) in enumerate(EEG_GUARANTEES.items()):
            caption = QLabel(f"<b>{letter}.</b> {esc(title)}")
            caption.setWordWrap(True)
            caption.setTextFormat(Qt.TextFormat.RichText)
            caption.setMinimumWidth(200)
            caption.setMaximumWidth(260)
            combo = self._choice(EEG_RATING_LABELS, f"Guarantee {letter} rating")
            notes = self._text(f"Guarantee {letter} findings", 4)
            caption.setBuddy(combo)
            self.eeg_combos[letter] = combo
            self.eeg_notes[letter] = notes
            grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(combo, row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(notes, row, 2)

        self.circumstances_edit = self._text(
            "Specific circumstances",
            3,
            "Clause 14(b)(i): length of the chain, actors involved, channels, sector, "
            "format of the data",
        )
        self.practice_edit = self._text(
            "Practical experience",
            3,
            "The importer's experience of requests, transparency reports, case law",
        )
        self.problematic_combo = self._choice(PROBLEMATIC_LAW_LABELS, "Does problematic law apply?")
        context = self._form()
        self._row(context, "Circumstances", "circumstances", self.circumstances_edit)
        self._row(context, "Practice", "practice", self.practice_edit)
        self._row(context, "Problematic law applies? *", "problematic", self.problematic_combo)

        return self._page(
            self.destination_label,
            self._box(
                "Laws and practices relevant to the importer (Clause 14(b)(ii))",
                self.laws_table,
                law_buttons,
                self.law_detail,
            ),
            self._box("The four European Essential Guarantees (EDPB 02/2020) *", grid),
            self._box("Circumstances, practice and the answer", context),
        )

    def _fill_laws(self, select: int | None = None) -> None:
        table = self.laws_table
        with QSignalBlocker(table):
            table.setRowCount(len(self._laws))
            for row, law in enumerate(self._laws):
                self._fill_law_row(row, law)
        if self._laws:
            table.selectRow(min(select or 0, len(self._laws) - 1))
        else:
            self._law_selected()
        unverified = sum(1 for law in self._laws if not law.verified)
        profile = (
            f" · country profile as of {esc(day(self._profile_as_of))}"
            if self._profile_as_of
            else " · no country profile shipped for this destination: add the laws yourself"
        )
        flagged = (
            f" · <b style='color:{TODO_COLOUR}'>{unverified} of {len(self._laws)} marked "
            "UNVERIFIED</b>: check them against a source before relying on them"
            if unverified
            else ""
        )
        self.destination_label.setText(
            f"<b>Destination: {esc(country_label(self._destination))}</b>{profile}{flagged}"
        )

    def _fill_law_row(self, row: int, law: LawItem) -> None:
        table = self.laws_table
        applies = QTableWidgetItem("applies" if law.applies else "does not")
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        applies.setFlags(flags)
        applies.setCheckState(Qt.CheckState.Checked if law.applies else Qt.CheckState.Unchecked)
        title = QTableWidgetItem(law.title or "(untitled)")
        title.setToolTip(law.title)
        check = QTableWidgetItem("sourced" if law.verified else "UNVERIFIED")
        if not law.verified:
            check.setForeground(QBrush(QColor(TODO_COLOUR)))
            font = check.font()
            font.setBold(True)
            check.setFont(font)
            check.setToolTip("The reference data marks this unverified: check it against a source")
        summary = QTableWidgetItem(law.summary.replace("\n", " "))
        summary.setToolTip(law.summary)
        for column, item in enumerate((applies, title, check, summary)):
            if column:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            table.setItem(row, column, item)

    def _law_row(self) -> int | None:
        rows = self.laws_table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _law_selected(self) -> None:
        row = self._law_row()
        law = self._laws[row] if row is not None and row < len(self._laws) else None
        self._filling = True
        try:
            self.law_title_edit.setText(law.title if law else "")
            self.law_summary_edit.setPlainText(law.summary if law else "")
            self.law_sources_edit.setPlainText("\n".join(law.sources) if law else "")
            self.law_applies_check.setChecked(law.applies if law else False)
            self.law_verified_check.setChecked(law.verified if law else False)
        finally:
            self._filling = False
        self.law_detail.setEnabled(law is not None)
        self.remove_law_button.setEnabled(self._editable and law is not None)

    def _law_edited(self, *_args: object) -> None:
        if self._filling or self._loading:
            return
        row = self._law_row()
        if row is None:
            return
        law = LawItem(
            title=self.law_title_edit.text().strip(),
            summary=self.law_summary_edit.toPlainText().strip(),
            sources=split_list(self.law_sources_edit.toPlainText(), "\n"),
            verified=self.law_verified_check.isChecked(),
            applies=self.law_applies_check.isChecked(),
        )
        if law == self._laws[row]:
            return
        self._laws[row] = law
        with QSignalBlocker(self.laws_table):
            self._fill_law_row(row, law)
        self._changed()

    def _law_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or not 0 <= item.row() < len(self._laws):
            return
        applies = item.checkState() == Qt.CheckState.Checked
        law = self._laws[item.row()]
        if law.applies == applies:
            return
        self._laws[item.row()] = replace(law, applies=applies)
        with QSignalBlocker(self.laws_table):
            item.setText("applies" if applies else "does not")
        if item.row() == self._law_row():
            self._filling = True
            self.law_applies_check.setChecked(applies)
            self._filling = False
        self._changed()

    def add_law(self) -> None:
        """A new law or practice, chosen for editing below the table."""
        self._laws.append(LawItem(title="", verified=True, applies=True))
        self._fill_laws(select=len(self._laws) - 1)
        self.law_title_edit.setFocus()
        self._changed()

    def remove_law(self) -> None:
        row = self._law_row()
        if row is None:
            return
        del self._laws[row]
        self._fill_laws(select=row)
        self._changed()

    # -- 4 measures -------------------------------------------------------------------------------

    def _measures_page(self) -> QWidget:
        self.measures_answer = QLabel()
        self.measures_answer.setWordWrap(True)
        self.measures_answer.setTextFormat(Qt.TextFormat.RichText)
        self.measures_table: WidgetTable[_MeasureRow] = WidgetTable(
            ["Kind", "Catalogue", "Measure", "EDPB use case", "In place"], stretch=(2,)
        )
        self.measures_table.setAccessibleName("Supplementary measures")
        self.measures_table.setMinimumHeight(240)
        self.measures_table.edited.connect(self._changed)
        self.measures_table.itemSelectionChanged.connect(self._measure_selected)
        self.add_measure_button = self._button("&Add measure", lambda: self.add_measure())
        self.remove_measure_button = self._button("&Remove measure", self.remove_measure)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_measure_button)
        buttons.addWidget(self.remove_measure_button)
        buttons.addStretch(1)
        self.measure_help = QLabel()
        self.measure_help.setWordWrap(True)
        self.measure_help.setTextFormat(Qt.TextFormat.RichText)
        self.measure_help.setStyleSheet(MUTED_STYLE)
        return self._page(
            self._intro(
                "EDPB step 4: the supplementary measures that bring the protection up to the "
                "EU / UK standard where the destination's law impinges on the safeguard. Pick a "
                "measure from the catalogue (it fills the text, which you can adapt) and say "
                "which EDPB Annex 2 use case it relies on."
            ),
            self.measures_answer,
            self._box("Measures", self.measures_table, buttons, self.measure_help),
        )

    def add_measure(self, m: Measure | None = None) -> int:
        """A measure row (a new, empty one when ``m`` is None); its row number."""
        kind = QComboBox()
        kind.setAccessibleName("Kind")
        for k, label in MEASURE_KIND_LABELS.items():
            kind.addItem(label, k)
        code = QComboBox()
        code.setAccessibleName("Catalogue code")
        code.addItem("—", "")
        for c, (text, _helps, _verified) in measure_catalogue().items():
            short = text if len(text) <= 48 else text[:47].rstrip() + "…"
            code.addItem(f"{c}  {short}", c)
            code.setItemData(code.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        code.setMinimumContentsLength(12)
        code.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        description = QLineEdit()
        description.setAccessibleName("Measure")
        description.setPlaceholderText("What is done, by whom")
        use_case = QComboBox()
        use_case.setAccessibleName("EDPB use case")
        use_case.addItem("—", "")
        for uc, (text, effect, verified) in USE_CASES.items():
            use_case.addItem(f"{uc}  {text}", uc)
            note = f"{uc}: {text}. EDPB: {effect}" + ("" if verified else " (unverified)")
            use_case.setItemData(use_case.count() - 1, note, Qt.ItemDataRole.ToolTipRole)
        use_case.setMinimumContentsLength(10)
        use_case.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        in_place = QCheckBox()
        in_place.setAccessibleName("In place")
        in_place.setToolTip("Ticked: implemented. Unticked: still planned")
        row = _MeasureRow(kind, code, description, use_case, in_place)
        if m is not None:
            self._set(kind, m.kind)
            self._set(code, m.code)
            description.setText(m.description)
            self._set(use_case, m.use_case)
            in_place.setChecked(m.in_place)
            if m.code in measure_catalogue():
                row.catalogue_text = measure_catalogue()[m.code][0]
        code.currentIndexChanged.connect(lambda _i, r=row: self._code_chosen(r))
        use_case.currentIndexChanged.connect(self._measure_selected)
        for w in row.widgets():
            _lock(w, self._editable)
        number = self.measures_table.add_row(row, row.widgets(), select=m is None)
        if m is None:
            code.setFocus()
        return number

    def _code_chosen(self, row: _MeasureRow) -> None:
        """A catalogue code fills the kind, the text (unless the assessor wrote their own)
        and the use case the catalogue names."""
        found = measure_catalogue().get(str(row.code.currentData() or ""))
        if found is None:
            return
        text, helps, _verified = found
        self._set(
            row.kind, KIND_OF_CODE.get(str(row.code.currentData())[:1], MeasureKind.TECHNICAL)
        )
        current = row.description.text().strip()
        if not current or current == row.catalogue_text:
            row.description.setText(text)
            row.description.setCursorPosition(0)
        row.catalogue_text = text
        use_case = _use_case_of(helps)
        if use_case and not row.use_case.currentData():
            self._set(row.use_case, use_case)
        self._measure_selected()

    def remove_measure(self) -> None:
        self.measures_table.remove_selected()
        self._measure_selected()

    def _measure_selected(self, *_args: object) -> None:
        row = self.measures_table.selected_row()
        self.remove_measure_button.setEnabled(self._editable and row is not None)
        if row is None:
            self.measure_help.setText("")
            return
        r = self.measures_table.row_owner(row)
        parts = []
        found = measure_catalogue().get(str(r.code.currentData() or ""))
        if found is not None:
            text, helps, verified = found
            parts.append(
                f"<b>{esc(str(r.code.currentData()))}</b>: {esc(text)}. Helps with: "
                f"{esc(helps)}" + ("" if verified else " <b>(UNVERIFIED)</b>")
            )
        uc = str(r.use_case.currentData() or "")
        if uc in USE_CASES:
            text, effect, verified = USE_CASES[uc]
            colour = "#b3261e" if effect.startswith("no") else DONE_COLOUR
            parts.append(
                f"<b>{uc}</b> {esc(text)}: EDPB finds <b style='color:{colour}'>"
                f"{esc(effect)}</b>" + ("" if verified else " (conditions UNVERIFIED)")
            )
        self.measure_help.setText("<br>".join(parts))

    # -- 5 procedure and review -------------------------------------------------------------------

    def _procedure_page(self) -> QWidget:
        self.procedural_edit = self._text(
            "Procedural steps",
            4,
            "EDPB step 5: e.g. no clause contradicting the SCCs; whether the supervisory "
            "authority must be consulted",
        )
        self.triggers_list = QListWidget()
        self.triggers_list.setAccessibleName("Review triggers")
        self.triggers_list.setWordWrap(True)
        self.triggers_list.setMinimumHeight(160)
        self.triggers_list.itemChanged.connect(self._changed)
        self.triggers_list.itemSelectionChanged.connect(self._trigger_selected)
        self.trigger_edit = self._line("New review trigger", "An event that reopens the assessment")
        self.trigger_edit.returnPressed.connect(self.add_trigger)
        self.add_trigger_button = self._button("A&dd", self.add_trigger)
        self.remove_trigger_button = self._button("Re&move", self.remove_trigger)
        add_row = QHBoxLayout()
        add_row.addWidget(self.trigger_edit, 1)
        add_row.addWidget(self.add_trigger_button)
        add_row.addWidget(self.remove_trigger_button)
        self.cycle_spin = QSpinBox()
        self.cycle_spin.setAccessibleName("Review cycle")
        self.cycle_spin.setRange(1, 60)
        self.cycle_spin.setSuffix(" months")
        self.cycle_spin.valueChanged.connect(self._changed)
        self._inputs.append(self.cycle_spin)
        self.next_review_label = QLabel()
        cycle = QHBoxLayout()
        cycle.addWidget(self.cycle_spin)
        cycle.addWidget(self.next_review_label, 1)
        cycle_label = QLabel("Review &cycle")
        cycle_label.setBuddy(self.cycle_spin)
        cycle_form = self._form()
        cycle_form.addRow(cycle_label, cycle)
        return self._page(
            self._box("Procedural steps (EDPB step 5)", self.procedural_edit),
            self._box(
                "Re-evaluation (EDPB step 6): what reopens the assessment *",
                self.triggers_list,
                add_row,
                self._intro("Double-click a trigger to edit it."),
            ),
            self._box("Periodic review", cycle_form),
        )

    def _trigger_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)
        return item

    def add_trigger(self) -> None:
        text = self.trigger_edit.text().strip()
        if not text:
            self.trigger_edit.setFocus()
            return
        self.triggers_list.addItem(self._trigger_item(text))
        self.trigger_edit.clear()
        self._changed()

    def remove_trigger(self) -> None:
        row = self.triggers_list.currentRow()
        if row < 0:
            return
        self.triggers_list.takeItem(row)
        self._changed()

    def _trigger_selected(self) -> None:
        self.remove_trigger_button.setEnabled(
            self._editable and self.triggers_list.currentRow() >= 0
        )

    def triggers(self) -> tuple[str, ...]:
        items = (self.triggers_list.item(i) for i in range(self.triggers_list.count()))
        return tuple(dict.fromkeys(t for i in items if i is not None and (t := i.text().strip())))

    # -- UK transfer risk assessment -----------------------------------------------------------

    def _tra_page(self) -> QWidget:
        self.risks_table: WidgetTable[_RiskRow] = WidgetTable(
            ["Category of personal data", "Inherent risk (1–5)", "After safeguards (1–5)"],
            stretch=(0,),
        )
        self.risks_table.setAccessibleName("Risk scores")
        self.risks_table.setMinimumHeight(200)
        self.risks_table.edited.connect(self._changed)
        self.add_risk_button = self._button("&Add category", lambda: self.add_risk())
        self.remove_risk_button = self._button("&Remove", self.risks_table.remove_selected)
        self.fill_risks_button = self._button(
            "Take the categories from step 1",
            self.fill_risks,
            "Add a row for every data category of step 1 that has none",
        )
        buttons = QHBoxLayout()
        for b in (self.add_risk_button, self.remove_risk_button, self.fill_risks_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.large_check = self._check("Large organisation (Q3)")
        self.volume_check = self._check("High volume of data or people (Q3)")
        sizes = QHBoxLayout()
        sizes.addWidget(self.large_check)
        sizes.addWidget(self.volume_check)
        sizes.addStretch(1)

        self.human_rights_combo = self._choice(HUMAN_RIGHTS_LABELS, "Q4 human rights")
        self.human_rights_notes = self._line("Q4 notes", "Why")
        self.enforce_combo = self._choice(ENFORCEABILITY_LABELS, "Q5 enforceability")
        self.enforce_notes = self._line("Q5 notes", "Why")
        self.exceptions_combo = self._choice(EXCEPTIONS_LABELS, "Q6 exceptions")
        questions = self._form()
        self._row(questions, "Q4 Human rights", "human_rights", self.human_rights_combo)
        questions.addRow("", self.human_rights_notes)
        self._row(questions, "Q5 Enforceability", "enforceability", self.enforce_combo)
        questions.addRow("", self.enforce_notes)
        self._row(questions, "Q6 Exceptions", "exceptions", self.exceptions_combo)

        self.decision_label = QLabel()
        self.decision_label.setObjectName("tra-decision")
        self.decision_label.setWordWrap(True)
        self.decision_label.setTextFormat(Qt.TextFormat.RichText)
        caveat = self._intro(esc(TRA_CAVEAT))
        return self._page(
            self._intro(
                "The ICO's transfer risk assessment (UK GDPR Art 46(1A), the 'data protection "
                "test'): score the harm each category of data could do to people (Q2), then "
                "answer Q3 to Q6. The decision follows as you answer."
            ),
            self._box("Q2 Risk of harm per category of data", self.risks_table, buttons, sizes),
            self._box("Q4 to Q6", questions),
            self._box("Decision", self.decision_label, caveat),
        )

    def add_risk(self, risk: CategoryRisk | None = None) -> int:
        category = QLineEdit(risk.category if risk else "")
        category.setAccessibleName("Category")
        category.setPlaceholderText("Category of data")
        spins = []
        for name, value in (
            ("Inherent risk", risk.inherent if risk else 0),
            ("Residual risk", risk.residual if risk else 0),
        ):
            spin = QSpinBox()
            spin.setAccessibleName(name)
            spin.setRange(0, 5)
            spin.setSpecialValueText("not scored")
            spin.setValue(value)
            spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
            spins.append(spin)
        row = _RiskRow(category, spins[0], spins[1])
        for w in row.widgets():
            _lock(w, self._editable)
        number = self.risks_table.add_row(row, row.widgets(), select=risk is None)
        if risk is None:
            category.setFocus()
        return number

    def fill_risks(self) -> None:
        have = {r.category.text().strip().casefold() for r in self.risks_table.rows()}
        for category in split_list(self.categories_edit.text()):
            if category.casefold() not in have:
                self.add_risk(CategoryRisk(category))

    def risk_row(self, category: str) -> _RiskRow:
        for r in self.risks_table.rows():
            if r.category.text().strip() == category:
                return r
        raise KeyError(category)

    # -- quantitative estimate -----------------------------------------------------------------

    def _quantitative_page(self) -> QWidget:
        self.quant_check = self._check(
            "Make a quantitative estimate of prohibited lawful access (optional)"
        )
        self.period_spin = QSpinBox()
        self.period_spin.setAccessibleName("Assessment period")
        self.period_spin.setRange(1, 50)
        self.period_spin.setSuffix(" years")
        self.period_spin.valueChanged.connect(self._changed)
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setAccessibleName("Threshold")
        self.threshold_spin.setRange(0.1, 99.9)
        self.threshold_spin.setDecimals(1)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.valueChanged.connect(self._changed)
        self._inputs += [self.period_spin, self.threshold_spin]
        for spin in (self.period_spin, self.threshold_spin):
            spin.setMinimumWidth(120)
            spin.setMaximumWidth(160)
        settings = self._form()
        settings.addRow("Period", self.period_spin)
        settings.addRow("Acceptable probability over the period", self.threshold_spin)

        self.bases_table: WidgetTable[_BasisRow] = WidgetTable(
            ["Legal basis of access", "Per year"], stretch=(0,)
        )
        self.bases_table.setAccessibleName("Legal bases")
        self.bases_table.setMinimumHeight(150)
        self.bases_table.edited.connect(self._changed)
        self.bases_table.itemSelectionChanged.connect(self._basis_selected)
        self.add_basis_button = self._button("Add &basis", lambda: self.add_basis())
        self.remove_basis_button = self._button("Remove basis", self.remove_basis)
        basis_buttons = QHBoxLayout()
        basis_buttons.addWidget(self.add_basis_button)
        basis_buttons.addWidget(self.remove_basis_button)
        basis_buttons.addStretch(1)
        self.factors_title = QLabel("Factors")
        self.factors_table: WidgetTable[_FactorRow] = WidgetTable(
            ["Factor (each must happen for access)", "Probability per year"], stretch=(0,)
        )
        self.factors_table.setAccessibleName("Factors")
        self.factors_table.setMinimumHeight(150)
        self.factors_table.edited.connect(self._factors_edited)
        self.add_factor_button = self._button("Add &factor", lambda: self.add_factor())
        self.remove_factor_button = self._button("Remove factor", self.remove_factor)
        factor_buttons = QHBoxLayout()
        factor_buttons.addWidget(self.add_factor_button)
        factor_buttons.addWidget(self.remove_factor_button)
        factor_buttons.addStretch(1)
        bases_column = QVBoxLayout()
        bases_column.addWidget(self.bases_table)
        bases_column.addLayout(basis_buttons)
        factors_column = QVBoxLayout()
        factors_column.addWidget(self.factors_title)
        factors_column.addWidget(self.factors_table)
        factors_column.addLayout(factor_buttons)
        columns = QHBoxLayout()
        columns.addLayout(bases_column, 1)
        columns.addLayout(factors_column, 1)

        self.quant_result = QLabel()
        self.quant_result.setObjectName("quantitative-result")
        self.quant_result.setWordWrap(True)
        self.quant_result.setTextFormat(Qt.TextFormat.RichText)
        self.quant_body = QWidget()
        body = QVBoxLayout(self.quant_body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self._box("Settings", settings))
        body.addWidget(self._box("Legal bases and their factors", columns))
        body.addWidget(self._box("Result", self.quant_result, self._intro(esc(ROSENTHAL_CAVEAT))))
        self.quant_check.toggled.connect(self._quant_toggled)
        return self._page(
            self._intro(
                "The Rosenthal method: for each legal basis on which an authority could obtain "
                "the data, the probabilities that each condition is met in a year are "
                "multiplied; the result over the period is compared with the organisation's "
                "threshold. It supports the assessment; it does not replace it."
            ),
            self.quant_check,
            self.quant_body,
        )

    def _quant_toggled(self, on: bool) -> None:
        self.quant_body.setEnabled(on)

    def add_basis(self, basis: AccessBasis | None = None) -> int:
        name = QLineEdit(basis.name if basis else "")
        name.setAccessibleName("Legal basis")
        name.setPlaceholderText("e.g. FISA s.702")
        result = QLabel()
        row = _BasisRow(
            name, result, list(basis.factors) if basis else [], basis.notes if basis else ""
        )
        _lock(name, self._editable)
        number = self.bases_table.add_row(row, (name, result), select=True)
        if basis is None:
            name.setFocus()
        return number

    def remove_basis(self) -> None:
        self.bases_table.remove_selected()
        self._basis_selected()

    def _basis_selected(self) -> None:
        row = self.bases_table.selected_row()
        self._current_basis = row
        self._filling = True
        try:
            self.factors_table.clear_rows()
            if row is not None:
                basis = self.bases_table.row_owner(row)
                for f in basis.factors:
                    self._factor_row(f)
                self.factors_title.setText(
                    f"Factors of “{basis.name.text().strip() or 'the basis'}”"
                )
            else:
                self.factors_title.setText("Factors (choose a legal basis)")
        finally:
            self._filling = False
        has = row is not None and self._editable
        self.add_factor_button.setEnabled(has)
        self.remove_factor_button.setEnabled(has)
        self.remove_basis_button.setEnabled(has)

    def _factor_row(self, f: Factor | None = None) -> int:
        label = QLineEdit(f.label if f else "")
        label.setAccessibleName("Factor")
        label.setPlaceholderText("e.g. the authority seeks this data from the importer")
        probability = QDoubleSpinBox()
        probability.setAccessibleName("Probability")
        probability.setRange(0.0, 100.0)
        probability.setDecimals(3)
        probability.setSuffix(" %")
        probability.setValue((f.probability if f else 0.0) * 100)
        row = _FactorRow(label, probability)
        for w in row.widgets():
            _lock(w, self._editable)
        return self.factors_table.add_row(row, row.widgets(), select=f is None)

    def add_factor(self, label: str = "", probability: float = 0.0) -> int:
        """A factor of the chosen basis (``probability`` per year, 0..1); its row."""
        if self.bases_table.selected_row() is None:
            return -1
        row = self._factor_row(Factor(label, probability) if label or probability else None)
        self._factors_edited()
        return row

    def remove_factor(self) -> None:
        self.factors_table.remove_selected()

    def _factors_edited(self) -> None:
        if self._filling:
            return
        row = self._current_basis
        if row is None or row >= len(self.bases_table.rows()):
            return
        self.bases_table.row_owner(row).factors = [
            Factor(f.label.text().strip(), round(f.probability.value() / 100, 7))
            for f in self.factors_table.rows()
        ]
        self._changed()

    def _quantitative(self) -> Quantitative | None:
        if not self.quant_check.isChecked():
            return None
        return Quantitative(
            period_years=self.period_spin.value(),
            threshold=round(self.threshold_spin.value() / 100, 6),
            bases=tuple(
                AccessBasis(b.name.text().strip(), tuple(b.factors), b.notes)
                for b in self.bases_table.rows()
            ),
        )

    # -- conclusion -------------------------------------------------------------------------------

    def _conclusion_page(self) -> QWidget:
        self.findings_label = QLabel()
        self.findings_label.setWordWrap(True)
        self.findings_label.setTextFormat(Qt.TextFormat.RichText)
        self.conclusion_combo = self._choice(CONCLUSION_LABELS, "Conclusion")
        self.residual_combo = self._choice(RESIDUAL_LABELS, "Residual risk")
        self.reasoning_edit = self._text(
            "Reasoning", 6, "Why the protection is (or is not) essentially equivalent"
        )
        self.art49_edit = self._text(
            "Art 49 fallback", 3, "A derogation to rely on if the transfer cannot proceed"
        )
        form = self._form()
        self._row(form, "C&onclusion *", "conclusion", self.conclusion_combo)
        self._row(form, "Residual &risk *", "residual_risk", self.residual_combo)
        self._row(form, "Reasoning", "reasoning", self.reasoning_edit)
        self._row(form, "Art 49 fallback", "art49", self.art49_edit)
        return self._page(
            self._box("What the steps found", self.findings_label),
            self._box("Conclusion", form),
        )

    def _findings_html(self, c: TiaContent) -> str:
        rows = [
            "Problematic law: "
            + esc(PROBLEMATIC_LAW_LABELS[_yes_no(c.problematic_law)].split(":")[0].lower())
        ]
        in_place = sum(1 for m in c.measures if m.in_place)
        rows.append(
            f"Supplementary measures: {len(c.measures)} ({in_place} in place, "
            f"{len(c.measures) - in_place} planned)"
        )
        if self._uk:
            d = tra_decision(c)
            rows.append(
                "UK TRA: " + esc(d.outcome or "open") + f" <small>({esc(d.explanation)})</small>"
            )
        if c.quantitative is not None and c.quantitative.bases:
            r = rosenthal(c.quantitative)
            rows.append(
                f"Quantitative estimate: {esc(percent(r.cumulative))} over {r.period_years} "
                + (
                    "years, within the threshold"
                    if r.within_threshold
                    else "years, ABOVE the threshold"
                )
            )
        return "<ul style='margin:0'>" + "".join(f"<li>{r}</li>" for r in rows) + "</ul>"

    # -- sign-off ---------------------------------------------------------------------------------

    def _signoff_page(self) -> QWidget:
        self.reference_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.assessor_edit = self._line("Assessor", "Who made the assessment")
        self.approver_edit = QLineEdit()
        self.approver_edit.setAccessibleName("Approver")
        self.approver_edit.setPlaceholderText("Someone other than the assessor")
        self.approver_edit.textChanged.connect(self._changed)
        self.approved_label = QLabel()
        self.next_label = QLabel()
        self.snapshot_label = QLabel()
        form = self._form()
        form.addRow("Reference", self.reference_label)
        form.addRow("Status", self.status_label)
        self._row(form, "&Assessor *", "assessor", self.assessor_edit)
        self._row(form, "A&pprover *", "approver", self.approver_edit)
        form.addRow("Approved on", self.approved_label)
        form.addRow("Next review", self.next_label)
        form.addRow("Register snapshot", self.snapshot_label)

        self.problems_label = QLabel()
        self.problems_label.setObjectName("sign-off-problems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.RichText)
        self.submit_button = QPushButton("Submit for re&view")
        self.submit_button.setToolTip("Save and mark the assessment as waiting for approval")
        self.submit_button.clicked.connect(self.submit_for_review)
        self.approve_button = QPushButton("Appro&ve")
        self.approve_button.clicked.connect(self.approve)
        actions = QHBoxLayout()
        actions.addWidget(self.submit_button)
        actions.addWidget(self.approve_button)
        actions.addStretch(1)

        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Why reassess")
        self.reason_edit.setPlaceholderText(
            "Why it is reopened, e.g. a new onward transfer to India"
        )
        self.reason_edit.textChanged.connect(self._update_reassess)
        self.reassess_button = QPushButton("&Reassess")
        self.reassess_button.setToolTip(
            "Start the next revision as a draft; this one stays in force until it is approved"
        )
        self.reassess_button.clicked.connect(self.reassess)
        reassess_row = QHBoxLayout()
        reassess_row.addWidget(self.reason_edit, 1)
        reassess_row.addWidget(self.reassess_button)
        self.reassess_box = self._box("Reassess", reassess_row)

        self.history_table = QTableWidget(0, 5)
        self.history_table.setAccessibleName("Revisions")
        self.history_table.setHorizontalHeaderLabels(
            ["Revision", "Status", "Approved", "Approver", "Why"]
        )
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.verticalHeader().setVisible(False)
        self.history_table.setMinimumHeight(110)
        self.history_table.setMaximumHeight(220)
        header = self.history_table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        return self._page(
            self._box("Sign-off (four eyes)", form, self.problems_label, actions),
            self.reassess_box,
            self._box("Revisions", self.history_table),
        )

    # -- loading ----------------------------------------------------------------------------------

    def _content_of(self, tia: Tia) -> tuple[TiaContent, bool]:
        """The content to edit, and whether it had to be prefilled (an assessment recorded
        without its content starts from the register and the country profile)."""
        if tia.content is not None:
            return tia.content, False
        try:
            draft = self.service.draft_for(
                tia.transfer_id, self.today, extra_transfer_ids=tia.extra_transfer_ids
            )
        except TransfersError:
            draft = Tia(tia.transfer_id)
        if draft.content is not None:
            return draft.content, True
        return TiaContent(eeg=tuple(EegFinding(g) for g in EEG_GUARANTEES)), True

    def _load(self, tia: Tia) -> None:
        """Show ``tia`` in every widget (also after a save, an approval or a reassessment)."""
        self._loading = True
        try:
            self.tia = tia
            self._transfers = []
            for transfer_id in tia.transfer_ids:
                with contextlib.suppress(TransfersError):
                    self._transfers.append(self.repo.get_transfer(transfer_id))
            regimes = tia.regimes
            if not regimes and self._transfers:
                try:
                    regimes = self.service.regimes_of(self._transfers[0])
                except TransfersError:
                    regimes = ()
            self._regimes: tuple[Regime, ...] = regimes
            self._uk = Regime.UK in regimes
            content, self._prefilled = self._content_of(tia)
            self._editable = tia.status in (TiaStatus.DRAFT, TiaStatus.IN_REVIEW)
            self._fill(tia, content)
            self._stale = self._read_stale(tia)
            self._history = self._read_history(tia)
            self._apply_status()
        finally:
            self._loading = False
        self._initial = self._candidate()
        self._changed()

    def _read_stale(self, tia: Tia) -> list[str]:
        if tia.id is None:
            return []
        try:
            return self.service.stale_reasons(tia, self.today)
        except TransfersError as exc:
            return [str(exc)]

    def _read_history(self, tia: Tia) -> list[Tia]:
        if tia.id is None:
            return []
        try:
            return self.service.history(tia)
        except TransfersError:
            return [tia]

    def _fill(self, tia: Tia, c: TiaContent) -> None:
        d = c.description
        self.title_edit.setText(tia.title)
        names = self.repo.names_of(
            sorted({i for t in self._transfers for i in (t.exporter_id, t.importer_id)})
        )
        self.covered_label.setText(
            "<br>".join(
                f"Transfer {t.id}: {esc(names.get(t.exporter_id, '?'))} → "
                f"{esc(names.get(t.importer_id, '?'))} ({esc(country_label(t.destination))})"
                for t in self._transfers
            )
            or "<i>the transfer is no longer on the register</i>"
        )
        self.purpose_edit.setPlainText(d.purpose)
        self.nature_edit.setText(d.nature_of_processing)
        self.categories_edit.setText(", ".join(d.data_categories))
        self.subjects_edit.setText(", ".join(d.data_subjects))
        self.special_edit.setText(d.special_categories)
        self.vulnerable_check.setChecked(d.vulnerable_subjects)
        self.volume_edit.setText(d.volume)
        self.frequency_edit.setText(d.frequency)
        self.retention_edit.setText(d.retention)
        self._set(self.format_combo, d.data_format)
        self.channels_edit.setText(d.transmission_channels)
        self.locations_edit.setText(", ".join(d.storage_locations))
        self.onward_edit.setPlainText("\n".join(d.onward_transfers))
        self.minimisation_edit.setPlainText(d.minimisation)

        self.tool_view.setHtml(self._tool_html())
        self.tool_notes_edit.setPlainText(c.tool_notes)

        self._destination = c.destination or (
            self._transfers[0].destination if self._transfers else ""
        )
        self._profile_as_of = c.profile_as_of
        self._laws = list(c.laws)
        self._fill_laws()
        eeg = {e.guarantee: e for e in c.eeg}
        for letter in EEG_GUARANTEES:
            finding = eeg.get(letter, EegFinding(letter))
            self._set(self.eeg_combos[letter], finding.rating)
            self.eeg_notes[letter].setPlainText(finding.notes)
        self.circumstances_edit.setPlainText(c.circumstances)
        self.practice_edit.setPlainText(c.practice)
        self._set(self.problematic_combo, _yes_no(c.problematic_law))

        self.measures_table.clear_rows()
        for m in c.measures:
            self.add_measure(m)
        self.procedural_edit.setPlainText(c.procedural_steps)
        self.triggers_list.clear()
        for trigger in c.review_triggers:
            self.triggers_list.addItem(self._trigger_item(trigger))
        self.trigger_edit.clear()
        self.cycle_spin.setValue(tia.review_cycle_months or 12)

        self.risks_table.clear_rows()
        scored = {r.category.casefold() for r in c.category_risks}
        for r in c.category_risks:
            self.add_risk(r)
        if self._uk:
            # Every category of the transfer gets a row to score; unscored rows are not kept.
            for category in d.data_categories:
                if category.casefold() not in scored:
                    self.add_risk(CategoryRisk(category))
        self.large_check.setChecked(c.large_organisation)
        self.volume_check.setChecked(c.high_volume)
        self._set(self.human_rights_combo, c.human_rights)
        self.human_rights_notes.setText(c.human_rights_notes)
        self._set(self.enforce_combo, c.enforceability)
        self.enforce_notes.setText(c.enforceability_notes)
        self._set(self.exceptions_combo, _yes_no(c.exceptions_apply))
        self.risks_table.clearSelection()

        q = c.quantitative
        self.quant_check.setChecked(q is not None)
        self.quant_body.setEnabled(q is not None)
        self.period_spin.setValue(q.period_years if q else 5)
        self.threshold_spin.setValue((q.threshold if q else 0.10) * 100)
        self.bases_table.clear_rows()
        for b in q.bases if q else ():
            self.add_basis(b)
        if self.bases_table.rows():
            self.bases_table.selectRow(0)
        self._basis_selected()

        self._set(self.conclusion_combo, c.conclusion)
        self._set(self.residual_combo, c.residual_risk)
        self.reasoning_edit.setPlainText(c.conclusion_text)
        self.art49_edit.setPlainText(c.art49_fallback)

        self.assessor_edit.setText(tia.assessor)
        self.approver_edit.setText(tia.approver)
        self.reason_edit.clear()

    def _apply_status(self) -> None:
        """What the status allows: an approved or superseded revision is read-only."""
        tia = self.tia
        editable = self._editable
        for w in self._inputs:
            _lock(w, editable)
        rows: list[_MeasureRow | _RiskRow | _FactorRow] = [
            *self.measures_table.rows(),
            *self.risks_table.rows(),
            *self.factors_table.rows(),
        ]
        for r in rows:
            for w in r.widgets():
                _lock(w, editable)
        for basis in self.bases_table.rows():
            _lock(basis.name, editable)
        self._fill_laws(select=self._law_row())
        for i in range(self.triggers_list.count()):
            item = self.triggers_list.item(i)
            if item is not None:
                item.setFlags(self._trigger_item("").flags())
        self.quant_body.setEnabled(self.quant_check.isChecked())
        self.approver_edit.setReadOnly(not editable)
        self._law_selected()
        self._measure_selected()
        self._basis_selected()
        self._trigger_selected()
        tra = self.steps.item(STEP_KEYS.index("tra"))
        if tra is not None:
            tra.setHidden(not self._uk)

        status = TIA_STATUS_LABELS[tia.status]
        regimes = ", ".join(REGIME_LABELS[r] for r in self._regimes) or "no regime"
        reference = tia.reference if tia.id is not None else "New assessment (not saved yet)"
        self.header.setText(
            f"<span style='font-size:large'><b>{esc(reference)}</b> · {esc(tia.title)}</span>"
            f"<br><span style='color:#57606a'>{esc(status)} · {esc(regimes)}"
            + (f" · revision {tia.revision}" if tia.revision > 1 else "")
            + "</span>"
        )
        self.setWindowTitle(f"Transfer impact assessment — {tia.title or reference}")
        if self._stale:
            action = (
                "Reassess it (Sign-off)."
                if tia.status is TiaStatus.APPROVED
                else "Review the steps: approval takes a new snapshot of the register."
            )
            self.stale_banner.setText(
                "<b>⚠ This assessment no longer matches the register:</b> "
                + esc("; ".join(self._stale))
                + f". {action}"
            )
        self.stale_banner.setVisible(bool(self._stale))
        notes = []
        if tia.status is TiaStatus.APPROVED:
            notes.append(
                f"Approved on {esc(day(tia.approved_on))} by {esc(tia.approver)}: this revision "
                "is read-only. To change it, Reassess on the Sign-off step."
            )
        elif tia.status is TiaStatus.SUPERSEDED:
            notes.append("Superseded by a later revision: read-only, kept for the record.")
        if self._prefilled:
            notes.append(
                "This assessment was recorded without its content: the steps show what the "
                "register and the country profile say today."
            )
        self.note_banner.setText(" ".join(notes))
        self.note_banner.setVisible(bool(notes))

        self.reference_label.setText(esc(reference))
        self.status_label.setText(esc(status))
        self.approved_label.setText(
            f"{day(tia.approved_on)} by {tia.approver}" if tia.approved_on else "not yet"
        )
        snapshot = tia.inputs
        self.snapshot_label.setText(
            f"taken {day(snapshot.taken_on)}, reference data {snapshot.reference_version}"
            if snapshot
            else "none yet"
        )
        self.reassess_box.setVisible(tia.status is TiaStatus.APPROVED)
        self.submit_button.setVisible(editable)
        self.approve_button.setVisible(editable)
        self._fill_history()
        self._update_reassess()

    def _fill_history(self) -> None:
        table = self.history_table
        table.setRowCount(len(self._history))
        for row, rev in enumerate(self._history):
            why = rev.change_note or ("First assessment" if rev.revision == 1 else "—")
            cells = (
                f"v{rev.revision}" + (" (this one)" if rev.id == self.tia.id else ""),
                TIA_STATUS_LABELS[rev.status],
                day(rev.approved_on),
                rev.approver or "—",
                why,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)

    # -- reading the widgets -------------------------------------------------------------------

    def _content(self) -> TiaContent:
        description = TransferDescription(
            purpose=self.purpose_edit.toPlainText().strip(),
            nature_of_processing=self.nature_edit.text().strip(),
            data_categories=split_list(self.categories_edit.text()),
            data_subjects=split_list(self.subjects_edit.text()),
            special_categories=self.special_edit.text().strip(),
            vulnerable_subjects=self.vulnerable_check.isChecked(),
            volume=self.volume_edit.text().strip(),
            frequency=self.frequency_edit.text().strip(),
            retention=self.retention_edit.text().strip(),
            data_format=DataFormat(self.format_combo.currentData()),
            transmission_channels=self.channels_edit.text().strip(),
            storage_locations=tuple(c.upper() for c in split_list(self.locations_edit.text())),
            onward_transfers=split_list(self.onward_edit.toPlainText(), "\n"),
            minimisation=self.minimisation_edit.toPlainText().strip(),
        )
        measures = tuple(
            Measure(
                kind=MeasureKind(r.kind.currentData()),
                description=r.description.text().strip(),
                code=str(r.code.currentData() or ""),
                use_case=str(r.use_case.currentData() or ""),
                in_place=r.in_place.isChecked(),
            )
            for r in self.measures_table.rows()
            if r.description.text().strip() or r.code.currentData()
        )
        risks = tuple(
            CategoryRisk(r.category.text().strip(), r.inherent.value(), r.residual.value())
            for r in self.risks_table.rows()
            if r.category.text().strip() and (r.inherent.value() or r.residual.value())
        )
        return TiaContent(
            description=description,
            tool_notes=self.tool_notes_edit.toPlainText().strip(),
            destination=self._destination,
            profile_as_of=self._profile_as_of,
            laws=tuple(law for law in self._laws if law.title or law.summary),
            practice=self.practice_edit.toPlainText().strip(),
            circumstances=self.circumstances_edit.toPlainText().strip(),
            eeg=tuple(
                EegFinding(
                    letter,
                    EegRating(self.eeg_combos[letter].currentData()),
                    self.eeg_notes[letter].toPlainText().strip(),
                )
                for letter in EEG_GUARANTEES
            ),
            problematic_law=_from_yes_no(str(self.problematic_combo.currentData())),
            measures=measures,
            procedural_steps=self.procedural_edit.toPlainText().strip(),
            review_triggers=self.triggers(),
            category_risks=risks,
            large_organisation=self.large_check.isChecked(),
            high_volume=self.volume_check.isChecked(),
            human_rights=HumanRights(self.human_rights_combo.currentData()),
            human_rights_notes=self.human_rights_notes.text().strip(),
            enforceability=Enforceability(self.enforce_combo.currentData()),
            enforceability_notes=self.enforce_notes.text().strip(),
            exceptions_apply=_from_yes_no(str(self.exceptions_combo.currentData())),
            quantitative=self._quantitative(),
            conclusion=Conclusion(self.conclusion_combo.currentData()),
            residual_risk=ResidualRisk(self.residual_combo.currentData()),
            conclusion_text=self.reasoning_edit.toPlainText().strip(),
            art49_fallback=self.art49_edit.toPlainText().strip(),
        )

    def _candidate(self) -> Tia:
        if not self._editable:
            return self.tia  # read-only: nothing to change
        return replace(
            self.tia,
            title=self.title_edit.text().strip(),
            assessor=self.assessor_edit.text().strip(),
            review_cycle_months=self.cycle_spin.value(),
            regimes=self._regimes,
            content=self._content(),
        )

    def value(self) -> Tia:
        """The assessment as edited, validated (raises ``ValidationError`` naming the field)."""
        tia = self._candidate()
        found = problems(tia)
        if found:
            raise found[0]
        return tia

    def is_dirty(self) -> bool:
        return self._editable and self._candidate() != self._initial

    def error_text(self, field: str) -> str:
        """The message shown beside a field ("" when none is shown)."""
        label = self._errors[field]
        return label.text() if not label.isHidden() else ""

    def approver(self) -> str:
        return self.approver_edit.text().strip()

    def sign_off_problems(self) -> list[str]:
        """What still stands in the way of approval (empty: Approve is enabled)."""
        if not self._editable:
            return []
        return self.service.sign_off_problems(self._candidate(), self.approver())

    # -- reacting to edits ---------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        tia = self._candidate()
        content = tia.content if tia.content is not None else self._content()
        self._update_steps(content)
        self._update_tra(content)
        self._update_quantitative(content.quantitative)
        self.measures_answer.setText(self._measures_answer(content))
        self.findings_label.setText(self._findings_html(content))
        self.next_label.setText(self._next_review_text())
        self.next_review_label.setText(self._next_review_text())
        self._update_signoff()
        dirty = self.is_dirty()
        self.save_button.setEnabled(self._editable and (dirty or tia.id is None))
        self.save_button.setToolTip(
            "Save the assessment (Ctrl+S)" if self.save_button.isEnabled() else "Nothing to save"
        )
        self.export_button.setEnabled(tia.id is not None and not dirty)
        self.export_button.setToolTip(
            "Save the assessment first: the PDF is made from the saved assessment"
            if tia.id is None or dirty
            else "Save the assessment as a PDF summary"
        )
        title = self.windowTitle().removesuffix(" *")
        self.setWindowTitle(title + (" *" if dirty else ""))

    def step_progress(self) -> dict[str, StepProgress]:
        content = self._candidate().content or self._content()
        return {s.key: s for s in progress(content, self._uk)}

    def _update_steps(self, content: TiaContent) -> None:
        found = {s.key: s for s in progress(content, self._uk)}
        done = sum(1 for s in found.values() if s.done)
        self.progress_label.setText(f"<b>{done} of {len(found)} steps done</b>")
        problems_left = self.sign_off_problems()
        for row, (key, title, keys) in enumerate(STEPS):
            item = self.steps.item(row)
            if item is None:
                continue
            colour: str | None = None
            if keys:
                todo = [found[k] for k in keys if k in found and not found[k].done]
                if todo:
                    text = f"○  {title}\nTo do: " + "; ".join(s.missing for s in todo)
                    colour = TODO_COLOUR
                else:
                    text = f"✓  {title}\nDone"
                    colour = DONE_COLOUR
            elif key == "quantitative":
                q = content.quantitative
                if q is None:
                    text = f"·  {title}\nOptional, not made"
                elif not q.bases:
                    text = f"·  {title}\nAdd a legal basis"
                else:
                    r = rosenthal(q)
                    within = "within" if r.within_threshold else "ABOVE"
                    text = (
                        f"·  {title}\n{percent(r.cumulative)} over {r.period_years} years: "
                        f"{within} the threshold"
                    )
            else:  # sign-off
                status = self.tia.status
                if status is TiaStatus.APPROVED:
                    text = f"✓  {title}\nApproved {day(self.tia.approved_on)}"
                    colour = DONE_COLOUR
                elif status is TiaStatus.SUPERSEDED:
                    text = f"·  {title}\nSuperseded"
                elif problems_left:
                    n = len(problems_left)
                    text = f"○  {title}\n{n} thing{'s' if n != 1 else ''} before approval"
                    colour = TODO_COLOUR
                else:
                    text = f"●  {title}\nReady for approval"
                    colour = DONE_COLOUR
            item.setText(text)
            item.setToolTip(text.replace("\n", ": ", 1))
            item.setForeground(QBrush(QColor(colour)) if colour else QBrush())

    def step_text(self, key: str) -> str:
        item = self.steps.item(STEP_KEYS.index(key))
        return item.text() if item is not None else ""

    def step_done(self, key: str) -> bool:
        return self.step_text(key).startswith("✓")

    def step_visible(self, key: str) -> bool:
        item = self.steps.item(STEP_KEYS.index(key))
        return item is not None and not item.isHidden()

    def show_step(self, key: str) -> None:
        self.steps.setCurrentRow(STEP_KEYS.index(key))

    def _measures_answer(self, c: TiaContent) -> str:
        if c.problematic_law is None:
            return (
                f"<span style='color:{TODO_COLOUR}'>Step 3 does not say yet whether problematic "
                "law applies.</span>"
            )
        if c.problematic_law:
            return (
                f"<b style='color:{TODO_COLOUR}'>Problematic law applies</b> (step 3): record "
                "the measures that address it."
            )
        return (
            f"<span style='color:{DONE_COLOUR}'>No problematic law applies</span> (step 3): "
            "measures are optional."
        )

    def _update_tra(self, c: TiaContent) -> None:
        d = tra_decision(c)
        level = {
            "": "none needed" if d.harm else "—",
            "level_1": "level 1",
            "level_2": "level 2",
            "level_3": "level 3",
        }[d.investigation.value]
        significant = {None: "not yet known", True: "yes", False: "no"}[d.significant_risk]
        outcome = d.outcome or "open"
        colour = DONE_COLOUR if d.outcome == "proceed" else "#b3261e" if d.outcome else TODO_COLOUR
        self.decision_label.setText(
            f"<p style='margin:0'><b>Outcome: <span style='color:{colour}'>"
            f"{esc(outcome.upper())}</span></b> — {esc(d.explanation)}</p>"
            "<p style='margin-top:4px'>"
            f"Harm risk (decision A): <b>{esc(d.harm or 'not scored')}</b> · "
            f"Investigation (decision B): <b>{esc(level)}</b> · "
            f"Significant-risk data (decision E): <b>{esc(significant)}</b></p>"
        )

    def _update_quantitative(self, q: Quantitative | None) -> None:
        if q is None:
            self.quant_result.setText("No estimate made (optional).")
            return
        r = rosenthal(q)
        bases = self.bases_table.rows()
        for basis, estimate in zip(bases, r.bases, strict=False):
            basis.result.setText(percent(estimate.per_year))
        if self._current_basis is not None and self._current_basis < len(bases):
            name = bases[self._current_basis].name.text().strip() or "the basis"
            self.factors_title.setText(f"Factors of “{name}”")
        if not q.bases:
            self.quant_result.setText("Add a legal basis of access and its factors.")
            return
        if r.years_at_90 is None:
            years = "never (no basis has a chance of access)"
        else:
            years = f"{r.years_at_90:,.0f} years"
        verdict = (
            f"<b style='color:{DONE_COLOUR}'>WITHIN the threshold</b>"
            if r.within_threshold
            else "<b style='color:#b3261e'>ABOVE the threshold</b>"
        )
        self.quant_result.setText(
            "<table cellspacing='0' cellpadding='2'>"
            f"<tr><td>Probability per year</td><td><b>{percent(r.per_year)}</b></td></tr>"
            f"<tr><td>Over {r.period_years} years</td><td><b>{percent(r.cumulative)}</b></td></tr>"
            "<tr><td>At least one case with 90 % probability within&nbsp;</td>"
            f"<td><b>{esc(years)}</b></td></tr>"
            f"<tr><td>Threshold</td><td>{percent(r.threshold)} over {r.period_years} years: "
            f"{verdict}</td></tr></table>"
        )

    def _next_review_text(self) -> str:
        tia = self.tia
        if tia.status is TiaStatus.APPROVED and tia.next_review_on is not None:
            late = " (OVERDUE)" if is_overdue(tia.next_review_on, self.today) else ""
            return f"{day(tia.next_review_on)}{late}"
        months = self.cycle_spin.value()
        return f"set on approval: {day(next_review(self.today, months))} if approved today"

    def _update_signoff(self) -> None:
        if not self._editable:
            self.problems_label.setText("")
            for field in ("assessor", "approver"):
                self._errors[field].setVisible(False)
            return
        found = self.sign_off_problems()
        beside = {
            "name the assessor": "assessor",
            "name the approver": "approver",
            "the approver must be someone other than the assessor": "approver",
        }
        for field in ("assessor", "approver"):
            texts = [p for p in found if beside.get(p) == field]
            label = self._errors[field]
            label.setText("; ".join(t[:1].upper() + t[1:] for t in texts))
            label.setVisible(bool(texts))
        rest = [p for p in found if p not in beside]
        if found:
            self.problems_label.setText(
                f"<p style='margin-bottom:0; color:{TODO_COLOUR}'><b>Before approval:</b></p>"
                "<ul style='margin-top:0'>"
                + "".join(f"<li>{esc(p)}</li>" for p in rest)
                + "".join(f"<li>{esc(p)}</li>" for p in found if p in beside)
                + "</ul>"
            )
        else:
            self.problems_label.setText(
                f"<p style='color:{DONE_COLOUR}'><b>Ready for approval.</b> Approving records "
                "the approver and today's date, sets the next review from the cycle and takes "
                "a snapshot of the register.</p>"
            )
        self.approve_button.setEnabled(not found)
        self.approve_button.setToolTip(
            "Approve the assessment"
            if not found
            else "Everything listed under 'Before approval' must be answered first"
        )
        self.submit_button.setEnabled(self.tia.status is TiaStatus.DRAFT)

    def _update_reassess(self, *_args: object) -> None:
        self.reassess_button.setEnabled(
            self.tia.status is TiaStatus.APPROVED and bool(self.reason_edit.text().strip())
        )

    # -- writing -------------------------------------------------------------------------------

    def _written(self, saved: Tia, note: str) -> None:
        """A write succeeded: show the record as stored, keep the step in view."""
        step = self.steps.currentRow()
        self.saved = saved
        self._load(saved)
        self.steps.setCurrentRow(step)
        self.message.setStyleSheet(f"color: {DONE_COLOUR};")
        self.message.setText(note)

    def _failed(self, what: str, exc: Exception) -> None:
        messages.error(self, f"{what}\n\n{exc}")

    def save(self) -> Tia | None:
        """Write the edits; the dialog stays open."""
        if not self._editable:
            return None
        try:
            saved = self.service.save(self.value())
        except TransfersError as exc:
            self._failed("The assessment was not saved.", exc)
            return None
        self._written(saved, f"Saved {saved.reference}.")
        return saved

    def submit_for_review(self) -> Tia | None:
        if self.tia.status is not TiaStatus.DRAFT:
            return None
        try:
            saved = self.service.submit_for_review(self.value())
        except TransfersError as exc:
            self._failed("The assessment was not submitted.", exc)
            return None
        self._written(saved, f"{saved.reference} is waiting for approval.")
        return saved

    def approve(self) -> Tia | None:
        """Sign off (four eyes): only when nothing is missing."""
        found = self.sign_off_problems()
        if found or not self._editable:
            if found:
                messages.error(self, "Not approved yet:\n\n" + "\n".join(f"• {p}" for p in found))
            return None
        try:
            saved = self.service.sign_off(self.value(), self.approver(), self.today)
        except TransfersError as exc:
            self._failed("The assessment was not approved.", exc)
            return None
        self._written(
            saved,
            f"Approved {saved.reference}; next review {day(saved.next_review_on)}.",
        )
        return saved

    def reassess(self) -> Tia | None:
        """Start the next revision (a draft); the approved one stays in force meanwhile."""
        why = self.reason_edit.text().strip()
        if self.tia.status is not TiaStatus.APPROVED or not why:
            return None
        try:
            new = self.service.reassess(self.tia, self.today, why)
        except TransfersError as exc:
            self._failed("The assessment was not reopened.", exc)
            return None
        self._written(new, f"Started {new.reference} as a draft: {why}")
        self.steps.setCurrentRow(0)
        return new

    def export_pdf(self) -> Path | None:
        """Save the saved assessment's summary as a PDF (asks where)."""
        tia = self.tia
        if tia.id is None:
            return None
        suggested = Path.home() / f"{tia.reference}.pdf"
        chosen = messages.save_file(
            self, "Export the assessment as PDF", suggested, "PDF document (*.pdf)"
        )
        if chosen is None:
            return None
        path = chosen
        if path.suffix.lower() != ".pdf":
            path = path.with_name(f"{path.name}.pdf")
        try:
            written = self.service.export_pdf(tia.id, self.today, path)
        except ImportError:
            messages.error(
                self,
                "PDF export is not available in this version of the app (its PDF renderer is "
                "missing). Nothing was written.",
            )
            return None
        except OSError as exc:
            messages.error(self, f"Could not write {path}:\n{exc.strerror or exc}")
            return None
        except TransfersError as exc:
            messages.error(self, f"The PDF was not made.\n\n{exc}")
            return None
        self.message.setStyleSheet(f"color: {DONE_COLOUR};")
        self.message.setText(f"Saved the PDF to {written}")
        return written

    # -- closing -------------------------------------------------------------------------------

    def reject(self) -> None:
        """Close, Esc or the window's close button: ask before dropping unsaved edits."""
        if self.is_dirty() and not messages.discard_changes(self):
            return
        super().reject()

    @classmethod
    def edit(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        tia_id: int | None = None,
        transfer_id: int | None = None,
    ) -> Tia | None:
        """Open an assessment (``tia_id``), or a transfer's current one, or a new prefilled
        draft for it; the last assessment written, or None if nothing was."""
        service = ctx.tias
        try:
            tia = open_or_draft(service, ctx.today, tia_id, transfer_id)
        except TransfersError as exc:
            messages.error(parent, str(exc))
            return None
        dialog = cls(service, tia, ctx.today, parent)
        dialog.exec()
        return dialog.saved
