"""Step 3, the destination's law (EDPB step 3, Clause 14(b)): the laws and practices that
reach the importer, the four European Essential Guarantees, and whether problematic law
applies. The laws come prefilled from the destination's country profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from transfers_app.domain.tia import (
    EEG_GUARANTEES,
    EEG_RATING_LABELS,
    EegFinding,
    EegRating,
    LawItem,
    TiaContent,
)
from ui.dialogs.tia_editor.state import (
    PROBLEMATIC_LAW_LABELS,
    PROVIDER_LABELS,
    TODO_COLOUR,
    esc,
    from_yes_no,
    laws_header_html,
    split_list,
    yes_no,
)
from ui.dialogs.tia_editor.steps.base import StepPage, set_combo
from ui.widgets.forms import button_row

# (applies, why) of a law for this importer: the assessor's reasoning where written, else the
# service's reasoning from what the law reaches and what the importer is.
Reasoner = Callable[[LawItem], tuple[bool, str]]


def _no_reasoning(law: LawItem) -> tuple[bool, str]:
    return law.applies, law.reasoning


class LawStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._laws: list[LawItem] = []
        self._reasoner: Reasoner = _no_reasoning
        self._filling = False  # the detail form is being filled from its table row
        self._destination = ""
        self._profile_as_of: date | None = None
        self.destination_label = self._rich()
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
        law_buttons = button_row(self.add_law_button, self.remove_law_button)

        self.law_title_edit = self._line("Law or practice")
        self.law_summary_edit = self._text("What it allows", 3)
        self.law_sources_edit = self._text("Sources", 2, "One URL or citation per line")
        self.law_reasoning_edit = self._text(
            "Why", 2, "Why it does or does not reach this importer (its kind, its sector)"
        )
        self.law_applies_check = self._check("Reaches this importer and this data")
        self.law_verified_check = self._check("Verified against a source")
        # Edits of the chosen law go back to its row (and from there to ``edited``).
        self.law_title_edit.textChanged.connect(self._law_edited)
        self.law_summary_edit.textChanged.connect(self._law_edited)
        self.law_sources_edit.textChanged.connect(self._law_edited)
        self.law_reasoning_edit.textChanged.connect(self._law_edited)
        self.law_applies_check.toggled.connect(self._applies_toggled)
        self.law_verified_check.toggled.connect(self._law_edited)
        detail = self._form()
        self._row(detail, "Law or practice", "law_title", self.law_title_edit)
        self._row(detail, "What it allows", "law_summary", self.law_summary_edit)
        self._row(detail, "Sources", "law_sources", self.law_sources_edit)
        self._row(detail, "Why", "law_reasoning", self.law_reasoning_edit)
        checks = button_row(self.law_applies_check, self.law_verified_check)
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
        self.provider_combo = self._choice(
            PROVIDER_LABELS, "Is the importer a provider of communication services?"
        )
        self.provider_combo.currentIndexChanged.connect(self._provider_changed)
        importer = self._form()
        self._row(importer, "Communications provider", "provider", self.provider_combo)
        context = self._form()
        self._row(context, "Circumstances", "circumstances", self.circumstances_edit)
        self._row(context, "Practice", "practice", self.practice_edit)
        self._row(context, "Problematic law applies? *", "problematic", self.problematic_combo)

        self._lay_out(
            self.destination_label,
            self._box(
                "The importer (which laws reach it depends on what it is)",
                self._intro(
                    "Many access laws compel only providers of electronic communication "
                    "services, telecoms or other communications providers (e.g. US FISA s.702, "
                    "the Australian TOLA Act): say whether the importer is one."
                ),
                importer,
            ),
            self._box(
                "Laws and practices relevant to the importer (Clause 14(b)(ii))",
                self.laws_table,
                law_buttons,
                self.law_detail,
            ),
            self._box("The four European Essential Guarantees (EDPB 02/2020) *", grid),
            self._box("Circumstances, practice and the answer", context),
        )

    # -- filling and reading ---------------------------------------------------------------

    def set_reasoner(self, reasoner: Reasoner) -> None:
        self._reasoner = reasoner

    def provider(self) -> bool | None:
        return from_yes_no(str(self.provider_combo.currentData()))

    def _provider_changed(self, *_args: object) -> None:
        self._fill_laws(select=self._law_row())
        self.edited.emit()

    def fill(self, c: TiaContent, destination: str) -> None:
        self._destination = destination
        with QSignalBlocker(self.provider_combo):
            set_combo(self.provider_combo, yes_no(c.communications_provider))
        self._profile_as_of = c.profile_as_of
        self._laws = list(c.laws)
        self._fill_laws()
        eeg = {e.guarantee: e for e in c.eeg}
        for letter in EEG_GUARANTEES:
            finding = eeg.get(letter, EegFinding(letter))
            set_combo(self.eeg_combos[letter], finding.rating)
            self.eeg_notes[letter].setPlainText(finding.notes)
        self.circumstances_edit.setPlainText(c.circumstances)
        self.practice_edit.setPlainText(c.practice)
        set_combo(self.problematic_combo, yes_no(c.problematic_law))

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self._fill_laws(select=self._law_row())
        self._law_selected()

    @property
    def destination(self) -> str:
        return self._destination

    @property
    def profile_as_of(self) -> date | None:
        return self._profile_as_of

    def laws(self) -> tuple[LawItem, ...]:
        return tuple(law for law in self._laws if law.title or law.summary)

    def eeg(self, before: tuple[EegFinding, ...] = ()) -> tuple[EegFinding, ...]:
        """The four findings; a note the assessor left as the profile wrote it keeps the
        profile's verification flag."""
        was = {e.guarantee: e for e in before}
        out = []
        for letter in EEG_GUARANTEES:
            notes = self.eeg_notes[letter].toPlainText().strip()
            old = was.get(letter)
            verified = old.verified if old is not None and old.notes == notes else True
            out.append(
                EegFinding(
                    letter, EegRating(self.eeg_combos[letter].currentData()), notes, verified
                )
            )
        return tuple(out)

    def problematic_law(self) -> bool | None:
        return from_yes_no(str(self.problematic_combo.currentData()))

    # -- the laws table --------------------------------------------------------------------

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
        self.destination_label.setText(
            laws_header_html(self._destination, self._profile_as_of, unverified, len(self._laws))
        )

    def _fill_law_row(self, row: int, law: LawItem) -> None:
        table = self.laws_table
        reaches, why = self._reasoner(law)
        applies = QTableWidgetItem("applies" if reaches else "does not")
        applies.setToolTip(why)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        applies.setFlags(flags)
        applies.setCheckState(Qt.CheckState.Checked if reaches else Qt.CheckState.Unchecked)
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
            reaches, why = self._reasoner(law) if law else (False, "")
            self.law_reasoning_edit.setPlainText(law.reasoning if law else "")
            self.law_reasoning_edit.setPlaceholderText(why)
            self.law_applies_check.setChecked(reaches)
            self.law_verified_check.setChecked(law.verified if law else False)
        finally:
            self._filling = False
        self.law_detail.setEnabled(law is not None)
        self.remove_law_button.setEnabled(self.editable and law is not None)

    def _law_edited(self, *_args: object) -> None:
        if self._filling:
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
            reasoning=self.law_reasoning_edit.toPlainText().strip(),
        )
        if law == self._laws[row]:
            return
        self._laws[row] = law
        with QSignalBlocker(self.laws_table):
            self._fill_law_row(row, law)
        self.edited.emit()

    def _overruled(self, law: LawItem, applies: bool) -> LawItem:
        """The law with the assessor's answer: their own words where the reasoning they have
        no longer fits it."""
        reaches, _ = self._reasoner(law)
        if applies == reaches and not law.reasoning:
            return replace(law, applies=applies)
        why = law.reasoning or (
            "The assessor considers that it reaches this importer."
            if applies
            else "The assessor considers that it does not reach this importer."
        )
        return replace(law, applies=applies, reasoning=why)

    def _applies_toggled(self, applies: bool) -> None:
        if self._filling:
            return
        row = self._law_row()
        if row is None:
            return
        law = self._overruled(self._laws[row], applies)
        if law == self._laws[row]:
            return
        self._laws[row] = law
        self._law_selected()
        with QSignalBlocker(self.laws_table):
            self._fill_law_row(row, law)
        self.edited.emit()

    def _law_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or not 0 <= item.row() < len(self._laws):
            return
        applies = item.checkState() == Qt.CheckState.Checked
        law = self._laws[item.row()]
        if self._reasoner(law)[0] == applies:
            return
        self._laws[item.row()] = self._overruled(law, applies)
        with QSignalBlocker(self.laws_table):
            item.setText("applies" if applies else "does not")
        if item.row() == self._law_row():
            self._filling = True
            self.law_applies_check.setChecked(applies)
            self._filling = False
        self.edited.emit()

    def add_law(self) -> None:
        """A new law or practice, chosen for editing below the table."""
        self._laws.append(LawItem(title="", verified=True, applies=True))
        self._fill_laws(select=len(self._laws) - 1)
        self.law_title_edit.setFocus()
        self.edited.emit()

    def remove_law(self) -> None:
        row = self._law_row()
        if row is None:
            return
        del self._laws[row]
        self._fill_laws(select=row)
        self.edited.emit()
