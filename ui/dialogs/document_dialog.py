"""The document editor: a new document, a renewal (the next version) or a correction.

Built with data, testable without ``exec()``: fill the widgets, read ``value()``, call
``accept()`` (which saves through the function it was given and stays open on an error).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name
from transfers_app.domain.enums import Derogation, DocumentKind
from transfers_app.domain.formatting import DOCUMENT_KIND_LABELS, day
from transfers_app.domain.models import Document, SccOptions
from transfers_app.domain.renewals import next_review
from transfers_app.domain.validation import problems
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.rules.destination import MODULE_NAMES
from ui import messages
from ui.context import UiContext
from ui.models.parties import PartiesModel
from ui.widgets.forms import FieldMessages, save_cancel_row
from ui.widgets.inputs import date_display_format

Mode = Literal["new", "renew", "edit"]
# Messages that only say a field is still empty: shown once the field is touched.
_ONLY_EMPTY = ("is required", "tick at least one party")
_Index = QModelIndex | QPersistentModelIndex

# What the instrument is usually called, as a hint in the version field.
VERSION_HINTS: dict[DocumentKind, str] = {
    DocumentKind.EU_SCC_2021: "2021/914",
    DocumentKind.UK_IDTA: "A1.0",
    DocumentKind.UK_ADDENDUM: "B1.0",
    DocumentKind.LEGACY_SCC_2001: "2001/497/EC",
    DocumentKind.LEGACY_SCC_2004: "2004/915/EC",
    DocumentKind.LEGACY_SCC_2010: "2010/87/EU",
}
DEROGATION_LABELS: dict[Derogation, str] = {
    Derogation.A: "49(1)(a) explicit consent",
    Derogation.B: "49(1)(b) performance of a contract with the data subject",
    Derogation.C: "49(1)(c) contract in the data subject's interest",
    Derogation.D: "49(1)(d) important reasons of public interest",
    Derogation.E: "49(1)(e) legal claims",
    Derogation.F: "49(1)(f) vital interests",
    Derogation.G: "49(1)(g) public register",
    Derogation.COMPELLING: "49(1) second subparagraph: compelling legitimate interests",
}
# Clause 17 Option 1 / 2: the governing law is that of an EU/EEA member state.
GOVERNING_LAW_CODES = (
    *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
    *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
    *("IS", "LI", "NO"),
)
CLAUSE9_OPTIONS = {
    1: "Option 1: specific prior authorisation",
    2: "Option 2: general written authorisation",
}
CLAUSE17_OPTIONS = {
    1: "Option 1: law of an EU member state that allows third-party beneficiary rights",
    2: "Option 2: law of the member state where the data exporter is established",
}
TITLES: dict[Mode, str] = {
    "new": "New document",
    "renew": "Renew document",
    "edit": "Edit document details",
}
FILE_FILTER = (
    "Signed documents (*.pdf *.docx *.doc *.odt *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"
)


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class OptionalDate(QWidget):
    """A date that may be left empty: a tick box switches the date on."""

    changed = Signal()

    def __init__(self, default: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox()
        self.edit = QDateEdit(to_qdate(default))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(date_display_format())
        self.edit.setEnabled(False)
        self.edit.setMinimumWidth(120)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def set_accessible_name(self, name: str) -> None:
        self.check.setAccessibleName(f"{name}: set")
        self.check.setToolTip(f"Tick to give the {name.lower()}")
        self.edit.setAccessibleName(name)

    def value(self) -> date | None:
        return from_qdate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        if value is not None:
            self.edit.setDate(to_qdate(value))
        self.check.setChecked(value is not None)


class DocumentDialog(FieldMessages, QDialog):
    """Every field of a document, with the problems shown beside the fields."""

    error_style = "color: #b00020;"

    def __init__(
        self,
        ctx: UiContext,
        document: Document | None = None,
        mode: Mode | None = None,
        save: Callable[[Document, Path | None], Document] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.mode: Mode = mode or ("renew" if document is not None else "new")
        self.original = document
        self._save = save
        self.saved: Document | None = None
        self._errors: dict[str, QLabel] = {}
        self.errors = self._errors  # the messages by field, as the tests read them
        self._touched: set[str] = set()
        self._loading = True
        self.setWindowTitle(TITLES[self.mode])
        self.setModal(True)
        self.resize(980, 720)
        self._build()
        self._fill(document)
        self._loading = False
        self._on_kind()
        self._validate()
        self._initial = self._snapshot()

    def _snapshot(self) -> str:
        """What the form says now, to tell whether the user changed anything."""
        try:
            return repr((self.value(), self.file_path()))
        except Exception:  # a half-filled field: certainly a change worth asking about
            return "<unreadable>"

    def is_dirty(self) -> bool:
        return self._snapshot() != self._initial

    def reject(self) -> None:
        """Cancel, Esc or the close button: ask before dropping what the user typed."""
        if self.saved is None and self.is_dirty() and not messages.discard_changes(self):
            return
        super().reject()

    # -- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        intro = QLabel(self._intro_text())
        intro.setWordWrap(True)
        outer.addWidget(intro)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        columns = QHBoxLayout(body)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        # Left: what the document is and who signed it.
        what = QGroupBox("Document")
        form = QFormLayout(what)
        self.kind = QComboBox()
        for kind, label in DOCUMENT_KIND_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.kind.setAccessibleName("Kind")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("e.g. Stratus Cloud Terms - SCCs Module 2")
        self.title_edit.setAccessibleName("Title")
        self.instrument = QLineEdit()
        self.instrument.setAccessibleName("Instrument version")
        self._row(form, "&Kind:", "kind", self.kind)
        self._row(form, "&Title:", "title", self.title_edit)
        self._row(form, "Instrument &version:", "instrument_version", self.instrument)
        left.addWidget(what)

        parties_box = QGroupBox("Parties")
        pv = QVBoxLayout(parties_box)
        self.party_filter = QLineEdit()
        self.party_filter.setPlaceholderText("Find an entity…")
        self.party_filter.setClearButtonEnabled(True)
        self.party_filter.setAccessibleName("Find a party")
        names = sorted(
            self.ctx.services.entities.names().items(),
            key=lambda p: p[1].casefold(),
        )
        checked = set(self.original.party_ids) if self.original else set()
        known = {i for i, _ in names}
        # A party archived since: still listed, so saving does not drop it silently.
        names += [(i, f"#{i} (archived)") for i in sorted(checked - known)]
        self.parties = PartiesModel(names, checked, self)
        self.party_proxy = QSortFilterProxyModel(self)
        self.party_proxy.setSourceModel(self.parties)
        self.party_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.party_list = QListView()
        self.party_list.setModel(self.party_proxy)
        self.party_list.setAccessibleName("Parties")
        self.party_list.setUniformItemSizes(True)
        self.party_list.setMinimumHeight(150)
        self.party_summary = QLabel()
        self.party_summary.setWordWrap(True)
        pv.addWidget(self.party_filter)
        pv.addWidget(self.party_list, 1)
        pv.addWidget(self.party_summary)
        pv.addWidget(self._error_label("party_ids"))
        left.addWidget(parties_box, 1)

        file_box = QGroupBox("Signed file")
        fl = QVBoxLayout(file_box)
        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("no new file (optional)")
        self.file_edit.setAccessibleName("Signed file")
        self.file_button = QPushButton("Choose…")
        self.file_clear = QPushButton("Clear")
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.file_button)
        row.addWidget(self.file_clear)
        fl.addLayout(row)
        self.file_note = QLabel()
        self.file_note.setWordWrap(True)
        fl.addWidget(self.file_note)
        fl.addWidget(self._error_label("file"))
        left.addWidget(file_box)

        notes_box = QGroupBox("Notes")
        nl = QVBoxLayout(notes_box)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setMaximumHeight(70)
        nl.addWidget(self.notes)
        left.addWidget(notes_box)

        # Right: dates, then what only some kinds of document have.
        dates = QGroupBox("Dates and reviews")
        df = QFormLayout(dates)
        today = self.ctx.today
        self.signed = OptionalDate(today)
        self.signed.set_accessible_name("Signed on")
        self.effective = OptionalDate(today)
        self.effective.set_accessible_name("Effective from")
        self.expires = OptionalDate(today)
        self.expires.set_accessible_name("Expires on")
        self.notice = QSpinBox()
        self.notice.setRange(0, 3650)
        self.notice.setSpecialValueText("none")
        self.notice.setSuffix(" days")
        self.notice.setAccessibleName("Notice period")
        self.cycle = QSpinBox()
        self.cycle.setRange(0, 120)
        self.cycle.setSpecialValueText("no review cycle")
        self.cycle.setSuffix(" months")
        self.cycle.setAccessibleName("Review cycle")
        self.review = OptionalDate(today)
        self.review.set_accessible_name("Next review")
        self.review_hint = QLabel()
        self.review_hint.setWordWrap(True)
        self.review_hint.setStyleSheet("color: palette(mid);")
        self._row(df, "&Signed on:", "signed_on", self.signed)
        self._row(df, "&Effective from:", "effective_on", self.effective)
        self._row(df, "E&xpires on:", "expires_on", self.expires)
        self._row(df, "&Notice period:", "notice_period_days", self.notice)
        self._row(df, "&Review cycle:", "review_cycle_months", self.cycle)
        self._row(df, "Next revie&w:", "next_review_on", self.review)
        df.addRow("", self.review_hint)
        right.addWidget(dates)

        self.scc_box = QGroupBox("EU SCCs (Decision 2021/914): module and clause options")
        sf = QFormLayout(self.scc_box)
        self.module = QComboBox()
        self.module.addItem("not stated", None)
        for number, name in MODULE_NAMES.items():
            self.module.addItem(name, number)
        self.module.setAccessibleName("SCC module")
        self.docking = QCheckBox("Clause 7: docking clause included")
        self.clause9 = QComboBox()
        self.clause9.addItem("not chosen", None)
        for number, text in CLAUSE9_OPTIONS.items():
            self.clause9.addItem(text, number)
        self.clause9.setAccessibleName("Clause 9 option")
        self.clause9_period = QLineEdit()
        self.clause9_period.setPlaceholderText("e.g. 30 days")
        self.clause9_period.setAccessibleName("Clause 9 notice period")
        self.clause11 = QCheckBox("Clause 11: independent dispute resolution body")
        self.clause13 = QLineEdit()
        self.clause13.setPlaceholderText("competent supervisory authority")
        self.clause13.setAccessibleName("Clause 13 supervisory authority")
        self.clause17 = QComboBox()
        self.clause17.addItem("not chosen", None)
        for number, text in CLAUSE17_OPTIONS.items():
            self.clause17.addItem(text, number)
        self.clause17.setAccessibleName("Clause 17 option")
        self.governing_law = QComboBox()
        self.governing_law.addItem("not stated", "")
        for code in sorted(GOVERNING_LAW_CODES, key=country_name):
            self.governing_law.addItem(f"{country_name(code)} ({code})", code)
        self.governing_law.setAccessibleName("Governing law")
        self.forum = QLineEdit()
        self.forum.setPlaceholderText("courts of…")
        self.forum.setAccessibleName("Clause 18 forum")
        self._row(sf, "&Module:", "scc_module", self.module)
        sf.addRow("", self.docking)
        self._row(sf, "Clause &9:", "clause9_option", self.clause9)
        sf.addRow("Clause 9 period:", self.clause9_period)
        sf.addRow("", self.clause11)
        sf.addRow("Clause 13 authority:", self.clause13)
        sf.addRow("Clause 17:", self.clause17)
        sf.addRow("Governing law:", self.governing_law)
        sf.addRow("Clause 18 forum:", self.forum)
        right.addWidget(self.scc_box)

        self.art49_box = QGroupBox("Art 49 derogation")
        af = QFormLayout(self.art49_box)
        self.derogation = QComboBox()
        self.derogation.addItem("choose the ground…", None)
        for d, text in DEROGATION_LABELS.items():
            self.derogation.addItem(text, d.value)
        self.derogation.setAccessibleName("Art 49 ground")
        self.justification = QPlainTextEdit()
        self.justification.setAccessibleName("Justification")
        self.justification.setPlaceholderText(
            "Why the transfer is necessary and occasional, and what it is limited to"
        )
        self.justification.setMaximumHeight(90)
        self._row(af, "&Ground:", "derogation", self.derogation)
        self._row(af, "&Justification:", "justification", self.justification)
        right.addWidget(self.art49_box)

        self.dpf_box = QGroupBox("Data Privacy Framework listing")
        pf = QFormLayout(self.dpf_box)
        self.dpf_eu = QCheckBox("EU-US Data Privacy Framework")
        self.dpf_uk = QCheckBox("UK Extension")
        self.dpf_swiss = QCheckBox("Swiss-US Data Privacy Framework")
        self.checked_on = OptionalDate(self.ctx.today)
        self.checked_on.set_accessible_name("Listing checked on")
        pf.addRow("Listed under:", self.dpf_eu)
        pf.addRow("", self.dpf_uk)
        pf.addRow("", self.dpf_swiss)
        self._row(pf, "&Checked on:", "checked_on", self.checked_on)
        right.addWidget(self.dpf_box)
        right.addStretch(1)
        for combo in (
            self.kind,
            self.module,
            self.clause9,
            self.clause17,
            self.governing_law,
            self.derogation,
        ):
            # Long legal option texts must not widen the dialog; the popup shows them whole.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        for combo in (self.clause17, self.derogation):
            combo.currentTextChanged.connect(combo.setToolTip)
        for spin in (self.notice, self.cycle):
            spin.setMaximumWidth(200)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        bottom, self.save_button, _cancel = save_cancel_row(
            self.summary,
            self.accept,
            self.reject,
            save_text="Save new version" if self.mode == "renew" else "",
            save_shortcut=False,
        )
        outer.addLayout(bottom)

        self.kind.currentIndexChanged.connect(lambda _i: self._on_kind())
        self.module.currentIndexChanged.connect(lambda _i: self._on_module())
        self.file_button.clicked.connect(self.choose_file)
        self.file_clear.clicked.connect(lambda: self.set_file(None))
        self.party_filter.textChanged.connect(self.party_proxy.setFilterFixedString)
        self.parties.checked_changed.connect(lambda: self._changed("party_ids"))
        watch: list[tuple[Any, str]] = [
            (self.kind.currentIndexChanged, "kind"),
            (self.title_edit.textChanged, "title"),
            (self.instrument.textChanged, "instrument_version"),
            (self.signed.changed, "signed_on"),
            (self.effective.changed, "effective_on"),
            (self.expires.changed, "expires_on"),
            (self.notice.valueChanged, "notice_period_days"),
            (self.cycle.valueChanged, "review_cycle_months"),
            (self.review.changed, "next_review_on"),
            (self.module.currentIndexChanged, "scc_module"),
            (self.clause9.currentIndexChanged, "clause9_option"),
            (self.derogation.currentIndexChanged, "derogation"),
            (self.justification.textChanged, "justification"),
            (self.checked_on.changed, "checked_on"),
        ]
        for signal, field in watch:
            signal.connect(lambda *_a, f=field: self._changed(f))

    def _intro_text(self) -> str:
        if self.mode == "renew" and self.original is not None:
            return (
                f"A new version of <b>{_escape(self.original.title)}</b> "
                f"(now version {self.original.doc_version}). The current version is kept in "
                "the history, marked superseded; transfers that relied on it move to the new "
                "one. Enter the new dates and, if you have it, the new signed file."
            )
        if self.mode == "edit":
            return (
                "Correct the details of this version. To record a newly signed version, use "
                "Renew instead, so the history keeps both."
            )
        return "A signed contract, certification record or other evidence of a safeguard."

    # -- data in ------------------------------------------------------------------------------

    def _fill(self, doc: Document | None) -> None:
        if doc is None:
            self._update_party_summary()
            self._update_file_note()
            return
        today = self.ctx.today
        self.kind.setCurrentIndex(max(0, self.kind.findData(doc.kind.value)))
        self.title_edit.setText(doc.title)
        self.instrument.setText(doc.instrument_version)
        self.notes.setPlainText(doc.notes)
        self.module.setCurrentIndex(max(0, self.module.findData(doc.scc_module)))
        opts = doc.scc_options or SccOptions()
        self.docking.setChecked(opts.docking_clause)
        self.clause9.setCurrentIndex(max(0, self.clause9.findData(opts.clause9_option)))
        self.clause9_period.setText(opts.clause9_period)
        self.clause11.setChecked(opts.clause11_independent_body)
        self.clause13.setText(opts.clause13_authority)
        self.clause17.setCurrentIndex(max(0, self.clause17.findData(opts.clause17_option)))
        law = self.governing_law.findData(opts.governing_law)
        if law < 0 and opts.governing_law:
            self.governing_law.addItem(opts.governing_law, opts.governing_law)
            law = self.governing_law.count() - 1
        self.governing_law.setCurrentIndex(max(0, law))
        self.forum.setText(opts.clause18_forum)
        if doc.derogation is not None:
            self.derogation.setCurrentIndex(max(0, self.derogation.findData(doc.derogation.value)))
        self.justification.setPlainText(doc.justification)
        self.dpf_eu.setChecked(doc.dpf_eu)
        self.dpf_uk.setChecked(doc.dpf_uk_extension)
        self.dpf_swiss.setChecked(doc.dpf_swiss)
        self.checked_on.set_value(doc.checked_on)
        self.notice.setValue(doc.notice_period_days or 0)
        self.cycle.setValue(doc.review_cycle_months or 0)
        if self.mode == "renew":
            # A renewal is signed anew: today, and for as long a term as the old version had.
            start = doc.effective_on or doc.signed_on
            self.signed.set_value(today)
            self.effective.set_value(today if doc.effective_on else None)
            if doc.expires_on is not None and start is not None:
                self.expires.set_value(today + relativedelta(doc.expires_on, start))
            else:
                self.expires.set_value(None)
            self.review.set_value(None)  # computed from the cycle and the new dates
        else:
            self.signed.set_value(doc.signed_on)
            self.effective.set_value(doc.effective_on)
            self.expires.set_value(doc.expires_on)
            self.review.set_value(doc.next_review_on)
        self._update_party_summary()
        self._update_file_note()

    # -- data out -----------------------------------------------------------------------------

    def current_kind(self) -> DocumentKind:
        # Combo data holds the plain value: Qt would not keep the enum type.
        return DocumentKind(self.kind.currentData())

    def file_path(self) -> Path | None:
        text = self.file_edit.text().strip()
        return Path(text) if text else None

    def set_file(self, path: Path | None) -> None:
        self.file_edit.setText(str(path) if path else "")
        self._changed("file")
        self._update_file_note()

    def choose_file(self) -> None:
        path = messages.open_file(self, "Choose the signed file", None, FILE_FILTER)
        if path is not None:
            self.set_file(path)

    def _review_base(self) -> date:
        last = self.original.last_reviewed_on if self.mode == "edit" and self.original else None
        return last or self.effective.value() or self.signed.value() or self.ctx.today

    def _scc_options(self) -> SccOptions | None:
        module = self.module.currentData()
        clause9 = module in (2, 3)  # Clause 9 (sub-processors) exists in Modules Two and Three
        opts = SccOptions(
            docking_clause=self.docking.isChecked(),
            clause9_option=self.clause9.currentData() if clause9 else None,
            clause9_period=self.clause9_period.text().strip() if clause9 else "",
            clause11_independent_body=self.clause11.isChecked(),
            clause13_authority=self.clause13.text().strip(),
            clause17_option=self.clause17.currentData(),
            governing_law=str(self.governing_law.currentData() or ""),
            clause18_forum=self.forum.text().strip(),
        )
        return None if opts == SccOptions() else opts

    def _derogation(self) -> Derogation | None:
        data = self.derogation.currentData()
        return Derogation(data) if data else None

    def value(self) -> Document:
        """The document as the fields describe it (check ``problems()`` before saving)."""
        kind = self.current_kind()
        scc = kind is DocumentKind.EU_SCC_2021
        art49 = kind is DocumentKind.ART49_DEROGATION
        dpf = kind is DocumentKind.DPF_CERTIFICATION
        cycle = self.cycle.value() or None
        review = self.review.value()
        if review is None and cycle is not None:
            review = next_review(self._review_base(), cycle)
        fields: dict[str, Any] = {
            "kind": kind,
            "title": self.title_edit.text().strip(),
            "party_ids": tuple(sorted(self.parties.checked)),
            "instrument_version": self.instrument.text().strip(),
            "scc_module": self.module.currentData() if scc else None,
            "scc_options": self._scc_options() if scc else None,
            "signed_on": self.signed.value(),
            "effective_on": self.effective.value(),
            "expires_on": self.expires.value(),
            "notice_period_days": self.notice.value() or None,
            "review_cycle_months": cycle,
            "next_review_on": review,
            "derogation": self._derogation() if art49 else None,
            "justification": self.justification.toPlainText().strip() if art49 else "",
            "dpf_eu": dpf and self.dpf_eu.isChecked(),
            "dpf_uk_extension": dpf and self.dpf_uk.isChecked(),
            "dpf_swiss": dpf and self.dpf_swiss.isChecked(),
            "checked_on": self.checked_on.value() if dpf else None,
            "notes": self.notes.toPlainText().strip(),
        }
        if self.original is None:
            return Document(**fields)
        if self.mode == "renew":
            fields.update(file_sha256=None, file_name="", last_reviewed_on=None)
        return replace(self.original, **fields)

    def problems(self) -> list[ValidationError]:
        """What stops the document being saved: the domain's rules, then the editor's own."""
        doc = self.value()
        found = problems(doc)
        if not doc.party_ids:
            found.append(ValidationError("party_ids", "tick at least one party"))
        if doc.kind is DocumentKind.ART49_DEROGATION:
            if doc.derogation is None:
                found.append(ValidationError("derogation", "choose the Art 49 ground"))
            if not doc.justification:
                found.append(
                    ValidationError("justification", "record why the derogation applies (Art 49)")
                )
        path = self.file_path()
        if path is not None and not path.is_file():
            found.append(ValidationError("file", f"{path} is not a readable file"))
        return found

    # -- behaviour ----------------------------------------------------------------------------

    def _on_kind(self) -> None:
        kind = self.current_kind()
        self.scc_box.setVisible(kind is DocumentKind.EU_SCC_2021)
        self.art49_box.setVisible(kind is DocumentKind.ART49_DEROGATION)
        self.dpf_box.setVisible(kind is DocumentKind.DPF_CERTIFICATION)
        self.instrument.setPlaceholderText(VERSION_HINTS.get(kind, "e.g. v2.1"))
        self._on_module()

    def _on_module(self) -> None:
        applies = self.module.currentData() in (2, 3)
        self.clause9.setEnabled(applies)
        self.clause9_period.setEnabled(applies)
        self.clause9.setToolTip("" if applies else "Clause 9 is in Modules Two and Three only")

    def _changed(self, field: str) -> None:
        if self._loading:
            return
        self._touched.add(field)
        if field == "party_ids":
            self._update_party_summary()
        self._validate()

    def _update_party_summary(self) -> None:
        names = self.parties.names()
        self.party_summary.setText(
            f"{len(names)} ticked: {', '.join(names)}" if names else "No party ticked yet."
        )

    def _update_file_note(self) -> None:
        original = self.original
        chosen = self.file_path()
        if chosen is not None:
            text = f"{chosen.name} will be stored with this version."
        elif self.mode == "edit" and original is not None and original.file_name:
            text = f"Keeps the stored file {original.file_name}; choose one to replace it."
        elif self.mode == "renew":
            text = "The new version starts without a file unless you choose one now."
        else:
            text = "You can also attach the file later, or drop it on the document's row."
        self.file_note.setText(text)

    def _validate(self) -> None:
        found = self.problems()
        pending = self._show_messages(found, self._touched, _ONLY_EMPTY, _field_label)
        self.save_button.setEnabled(not found and self.ctx.read_only is None)
        self.summary.setText("Before saving: " + "; ".join(pending) if pending else "")
        if self.ctx.read_only is not None:
            self.summary.setText(
                f"The register is read-only ({self.ctx.read_only}): nothing can be saved"
            )
        doc = self.value()
        if self.review.value() is None and doc.next_review_on is not None:
            self.review_hint.setText(
                f"Next review will be {day(doc.next_review_on)} "
                f"({doc.review_cycle_months} months from {day(self._review_base())})."
            )
        elif doc.review_cycle_months is None:
            self.review_hint.setText("Set a review cycle to have reviews come up in Renewals.")
        else:
            self.review_hint.setText("")

    def accept(self) -> None:
        found = self.problems()
        if found:
            self._touched.update(p.field for p in found)
            self._validate()
            return
        doc = self.value()
        if self._save is not None:
            try:
                self.saved = self._save(doc, self.file_path())
            except (TransfersError, OSError) as exc:
                messages.error(self, f"The document was not saved: {exc}")
                return
        else:
            self.saved = doc
        super().accept()

    @classmethod
    def edit(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        document: Document | None = None,
        mode: Mode | None = None,
    ) -> Document | None:
        """Open the editor; return the saved document, or None if the user cancelled.

        ``document`` None: a new document. Otherwise ``mode`` "renew" (the default) saves a new
        version with ``renew_document``; "edit" corrects this version in place.
        """
        documents = ctx.services.documents
        chosen: Mode = mode or ("renew" if document is not None else "new")

        def save(doc: Document, path: Path | None) -> Document:
            if chosen == "new":
                return documents.add(doc, path)
            assert document is not None
            if chosen == "renew":
                return documents.renew(document, doc, path)
            return documents.update(doc, path)

        dialog = cls(ctx, document, chosen, save, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.saved
        return None


_FIELD_LABELS = {
    "title": "the title",
    "party_ids": "parties:",
    "file": "the file",
    "derogation": "the Art 49 ground:",
    "justification": "the justification:",
}


def _field_label(field: str) -> str:
    return _FIELD_LABELS.get(field, field.replace("_", " ") + ":")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
