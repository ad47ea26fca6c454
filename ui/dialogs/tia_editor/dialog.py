"""The TIA editor's dialog: a transfer impact / risk assessment, step by step, with its
sign-off.

Built with data (``TiaEditor(service, tia, today)``: a saved assessment, or an unsaved draft
that ``TiaService.draft_for`` prefilled from the register and the destination's country
profile); ``value()`` returns the validated ``Tia`` as edited; ``TiaEditor.edit(parent, ctx,
tia_id=..., transfer_id=...)`` opens a transfer's current assessment (or starts a draft) and
wraps ``exec()``.

The steps follow the EDPB's six steps, with the ICO transfer risk assessment for UK transfers
and the optional quantitative estimate, one page each (``steps``); the list on the left says
which are done and what is left (``state``). Save keeps the dialog open (an assessment is
written over several sittings); sign-off is four-eyes (``TiaService.sign_off_problems``); an
approved revision is read-only and reopened with Reassess, which starts the next revision.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import Regime, TiaStatus
from transfers_app.domain.formatting import day
from transfers_app.domain.models import Tia, Transfer
from transfers_app.domain.tia import (
    EEG_GUARANTEES,
    EegFinding,
    LawItem,
    StepProgress,
    TiaContent,
    progress,
)
from transfers_app.domain.validation import problems
from transfers_app.errors import TransfersError
from transfers_app.services.tia import TiaFormat, TiaService
from transfers_app.services.tia_analysis import (
    Importer,
    UnverifiedFact,
    fitting_use_cases,
)
from transfers_app.services.tia_laws import law_reach
from ui import messages
from ui.context import UiContext
from ui.dialogs.tia_editor.state import (
    DONE_COLOUR,
    STEP_KEYS,
    STEPS,
    covered_html,
    findings_html,
    header_html,
    measures_answer,
    next_review_text,
    notes_text,
    open_or_draft,
    reference_text,
    sign_off,
    stale_html,
    step_lines,
    tool_html,
    tra_html,
)
from ui.dialogs.tia_editor.steps.base import NOTE_STYLE, WARNING_STYLE, StepPage
from ui.dialogs.tia_editor.steps.conclusion import ConclusionStep
from ui.dialogs.tia_editor.steps.law import LawStep
from ui.dialogs.tia_editor.steps.measures import MeasuresStep
from ui.dialogs.tia_editor.steps.procedure import ProcedureStep
from ui.dialogs.tia_editor.steps.quantitative import QuantitativeStep
from ui.dialogs.tia_editor.steps.signoff import SignOffStep
from ui.dialogs.tia_editor.steps.tool import ToolStep
from ui.dialogs.tia_editor.steps.tra import TraStep
from ui.dialogs.tia_editor.steps.transfer import TransferStep


class TiaEditor(QDialog):
    """Edit one assessment, step by step, and sign it off."""

    def __init__(
        self,
        service: TiaService,
        tia: Tia,
        today: date,
        parent: QWidget | None = None,
        read_only: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.today = today
        self.tia = tia
        # Why the register cannot be changed (None: it can): every revision is shown read-only.
        self.read_only = read_only
        # The last assessment written from this dialog (None: nothing was written).
        self.saved: Tia | None = None
        self._loading = True
        self._editable = True
        self._prefilled = False
        self._uk = False
        self._regimes: tuple[Regime, ...] = ()
        self._transfers: list[Transfer] = []
        self._stale: list[str] = []
        self._history: list[Tia] = []
        self._base = TiaContent()
        self._importer: Importer | None = None
        self._unverified: list[UnverifiedFact] = []
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
        self.transfer_page = TransferStep()
        self.tool_page = ToolStep()
        self.law_page = LawStep()
        self.measures_page = MeasuresStep()
        self.procedure_page = ProcedureStep()
        self.tra_page = TraStep(self.transfer_page.categories)
        self.quantitative_page = QuantitativeStep()
        self.conclusion_page = ConclusionStep()
        self.signoff_page = SignOffStep()
        self.step_pages: dict[str, StepPage] = {
            "transfer": self.transfer_page,
            "tool": self.tool_page,
            "law": self.law_page,
            "measures": self.measures_page,
            "procedure": self.procedure_page,
            "tra": self.tra_page,
            "quantitative": self.quantitative_page,
            "conclusion": self.conclusion_page,
            "signoff": self.signoff_page,
        }
        # Every field's message, whichever page it is on (``error_text``).
        self._errors: dict[str, QLabel] = {}
        for key, title, _ in STEPS:
            page = self.step_pages[key]
            self._errors.update(page._errors)
            page.edited.connect(self._changed)
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.steps.addItem(item)
            self.pages.addWidget(self._scroll(page))
        self.steps.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.signoff_page.submit_button.clicked.connect(self.submit_for_review)
        self.signoff_page.approve_button.clicked.connect(self.approve)
        self.signoff_page.reassess_button.clicked.connect(self.reassess)
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
        self.export_button = QPushButton("Export PDF or &Word…")
        self.export_button.clicked.connect(self.export_document)
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
        """Show ``tia`` in every page (also after a save, an approval or a reassessment)."""
        self._loading = True
        try:
            self.tia = tia
            try:
                found = self.service.transfers(tia.transfer_ids)
            except TransfersError:
                found = {}
            self._transfers = [found[i] for i in tia.transfer_ids if i in found]
            regimes = tia.regimes
            if not regimes and self._transfers:
                try:
                    regimes = self.service.regimes_of(self._transfers[0])
                except TransfersError:
                    regimes = ()
            self._regimes = regimes
            self._uk = Regime.UK in regimes
            content, self._prefilled = self._content_of(tia)
            self._base = content
            self._editable = self.read_only is None and tia.status in (
                TiaStatus.DRAFT,
                TiaStatus.IN_REVIEW,
            )
            self._prepare(tia, content)
            self._fill(tia, content)
            self._stale = self._read_stale(tia)
            self._history = self._read_history(tia)
            self._apply_status()
        finally:
            self._loading = False
        self._initial = self._candidate()
        self._changed()

    def _prepare(self, tia: Tia, content: TiaContent) -> None:
        """What the pages need from the register and the reference data: the importer (for the
        laws' reasoning), the regimes assessed with their tests, the UK methods."""
        try:
            self._importer = self.service.importer(tia)
        except TransfersError:
            self._importer = None
        self.law_page.set_reasoner(self._reason)
        tests = {}
        for regime in self._regimes:
            test = self.service.tests.for_regime(regime, tia.approved_on or self.today)
            if test is not None:
                tests[regime] = f"{test.name}: {test.standard}"
        self.conclusion_page.set_regimes(self._assessed(tia), tests)
        uk = self.service.tests.for_regime(Regime.UK, tia.approved_on or self.today)
        destination = content.destination or (
            self._transfers[0].destination if self._transfers else ""
        )
        methods = [(m.id, m.name) for m in uk.methods if m.available_for(destination)] if uk else []
        self.tra_page.set_methods(
            methods or [("ico_tra_tool", "the ICO's TRA tool")], content.uk_method
        )

    def _assessed(self, tia: Tia) -> tuple[Regime, ...]:
        """The regimes whose tool calls for the assessment, each concluded on its own."""
        if tia.id is None and not self._transfers:
            return self._regimes
        try:
            tools = self.service.facts(replace(tia, regimes=self._regimes), self.today).tools
        except TransfersError:
            return self._regimes
        return tuple(x.regime for x in tools if x.needs_assessment) or self._regimes

    def _reason(self, law: LawItem) -> tuple[bool, str]:
        if self._importer is None:
            return law.applies, law.reasoning
        c = replace(
            self._base,
            communications_provider=self.law_page.provider(),
            measures=self.measures_page.measures(),
        )
        reach = law_reach(law, c, self._importer, self.law_page.destination or c.destination)
        return reach.reaches, reach.why

    def _read_stale(self, tia: Tia) -> list[str]:
        """What has changed since approval (said beside the document as approved)."""
        if tia.id is None:
            return []
        try:
            return self.service.status_notes(tia, self.today)
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
        names = self.service.names(
            i for t in self._transfers for i in (t.exporter_id, t.importer_id)
        )
        self.transfer_page.fill(tia, c.description, covered_html(self._transfers, names))
        documents = self.service.documents(
            use.document_id
            for t in self._transfers
            for use in t.mechanisms
            if use.document_id is not None
        )
        register = tool_html(
            self.service.ref, self.today, self._regimes, self._transfers, names, documents
        )
        self.tool_page.fill(register, c.tool_notes)
        destination = c.destination or (self._transfers[0].destination if self._transfers else "")
        self.law_page.fill(c, destination)
        self.measures_page.fill(c.measures)
        self.procedure_page.fill(
            c.procedural_steps, c.review_triggers, tia.review_cycle_months or 12
        )
        self.tra_page.fill(c, self._uk)
        self.quantitative_page.fill(c.quantitative)
        self.conclusion_page.fill(c)
        self.signoff_page.fill(tia)

    def _apply_status(self) -> None:
        """What the status allows: an approved or superseded revision is read-only."""
        tia = self.tia
        for page in self.step_pages.values():
            page.set_editable(self._editable)
        tra = self.steps.item(STEP_KEYS.index("tra"))
        if tra is not None:
            tra.setHidden(not self._uk)
        self.header.setText(header_html(tia, self._regimes))
        self.setWindowTitle(f"Transfer impact assessment — {tia.title or reference_text(tia)}")
        self.stale_banner.setText(stale_html(tia, self._stale))
        self.stale_banner.setVisible(bool(self._stale))
        notes = notes_text(tia, self._prefilled)
        self.note_banner.setText(notes)
        self.note_banner.setVisible(bool(notes))
        self.signoff_page.show_record(tia, self._history, self._editable)

    # -- reading the pages ---------------------------------------------------------------------

    def _content(self) -> TiaContent:
        law = self.law_page
        # What no page edits (the accepted facts, the log) is kept as loaded.
        return replace(
            self._base,
            description=self.transfer_page.description(),
            tool_notes=self.tool_page.notes(),
            destination=law.destination,
            profile_as_of=law.profile_as_of,
            laws=law.laws(),
            practice=law.practice_edit.toPlainText().strip(),
            circumstances=law.circumstances_edit.toPlainText().strip(),
            eeg=law.eeg(self._base.eeg),
            problematic_law=law.problematic_law(),
            communications_provider=law.provider(),
            measures=self.measures_page.measures(),
            procedural_steps=self.procedure_page.procedural_steps(),
            review_triggers=self.procedure_page.triggers(),
            quantitative=self.quantitative_page.quantitative(),
            **self.tra_page.answers(),
            **self.conclusion_page.answers(),
        )

    def _candidate(self) -> Tia:
        if not self._editable:
            return self.tia  # read-only: nothing to change
        return replace(
            self.tia,
            title=self.transfer_page.title(),
            assessor=self.signoff_page.assessor(),
            review_cycle_months=self.procedure_page.cycle_spin.value(),
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
        return self.signoff_page.approver()

    def triggers(self) -> tuple[str, ...]:
        return self.procedure_page.triggers()

    def sign_off_problems(self) -> list[str]:
        """What still stands in the way of approval (empty: Approve is enabled)."""
        if not self._editable:
            return []
        tia = self._candidate()
        found = self.service.sign_off_problems(tia, self.approver(), self.today)
        ticked = set(self.signoff_page.accepted_keys())
        left = [f for f in self._unverified if f.key not in ticked]
        if left:
            found.append(
                f"the approver must accept each fact not independently verified ({len(left)} "
                "not accepted)"
            )
        return found

    def _read_unverified(self, tia: Tia) -> list[UnverifiedFact]:
        if not tia.transfer_ids:
            return []
        try:
            return self.service.unverified_facts(tia, tia.approved_on or self.today)
        except TransfersError:
            return []

    # -- reacting to edits ---------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        tia = self._candidate()
        content = tia.content if tia.content is not None else self._content()
        self._unverified = self._read_unverified(tia)
        self.signoff_page.show_facts(
            self._unverified,
            content.accepted,
            self.approver() if self._editable else tia.approver,
            self._editable,
        )
        self.measures_page.set_fitting(
            {u.code for u in fitting_use_cases(content.description, self.service.tests)}
        )
        found = self.sign_off_problems()
        self._update_steps(content, found)
        self.tra_page.decision_label.setText(tra_html(content))
        self.quantitative_page.show_result(content.quantitative)
        self.measures_page.measures_answer.setText(measures_answer(content))
        self.conclusion_page.findings_label.setText(findings_html(content, self._uk))
        next_text = next_review_text(self.tia, self.today, self.procedure_page.cycle_spin.value())
        self.signoff_page.next_label.setText(next_text)
        self.procedure_page.next_review_label.setText(next_text)
        self.signoff_page.show_sign_off(
            sign_off(found) if self._editable else None, self.tia.status
        )
        dirty = self.is_dirty()
        self.save_button.setEnabled(self._editable and (dirty or tia.id is None))
        if self.read_only is not None:
            tip = f"The register is read-only ({self.read_only}): nothing can be saved"
        else:
            tip = (
                "Save the assessment (Ctrl+S)"
                if self.save_button.isEnabled()
                else "Nothing to save"
            )
        self.save_button.setToolTip(tip)
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
        return {s.key: s for s in progress(content, self._uk, self.conclusion_page.regimes)}

    def _update_steps(self, content: TiaContent, problems_left: list[str]) -> None:
        found = {s.key: s for s in progress(content, self._uk, self.conclusion_page.regimes)}
        done = sum(1 for s in found.values() if s.done)
        self.progress_label.setText(f"<b>{done} of {len(found)} steps done</b>")
        for row, line in enumerate(step_lines(found, content, self.tia, problems_left)):
            item = self.steps.item(row)
            if item is None:
                continue
            item.setText(line.text)
            item.setToolTip(line.text.replace("\n", ": ", 1))
            item.setForeground(QBrush(QColor(line.colour)) if line.colour else QBrush())

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
            saved = self.service.submit_for_review(self.value(), on=self.today)
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
            saved = self.service.sign_off(
                self.value(),
                self.approver(),
                self.today,
                accept=self.signoff_page.accepted_keys(),
            )
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
        why = self.signoff_page.reason()
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

    def export_document(self) -> Path | None:
        """Save the saved assessment as a PDF, or as a Word document to edit before signing
        (asks where; the file name's extension chooses, PDF when it names neither)."""
        tia = self.tia
        if tia.id is None:
            return None
        suggested = Path.home() / f"{tia.reference}.pdf"
        chosen = messages.save_file(
            self,
            "Export the assessment",
            suggested,
            "PDF document (*.pdf);;Word document (*.docx)",
        )
        if chosen is None:
            return None
        fmt = TiaFormat.for_path(chosen)
        path = chosen if fmt is not None else chosen.with_name(f"{chosen.name}.pdf")
        fmt = fmt or TiaFormat.PDF
        what = "Word document" if fmt is TiaFormat.DOCX else "PDF"
        try:
            written = self.service.export(tia.id, self.today, path, fmt)
        except ImportError:
            messages.error(
                self,
                f"{what} export is not available in this version of the app (its renderer is "
                "missing). Nothing was written.",
            )
            return None
        except OSError as exc:
            messages.error(self, f"Could not write {path}:\n{exc.strerror or exc}")
            return None
        except TransfersError as exc:
            messages.error(self, f"The {what} was not made.\n\n{exc}")
            return None
        self.message.setStyleSheet(f"color: {DONE_COLOUR};")
        self.message.setText(f"Saved the {what} to {written}")
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
        service = ctx.services.tias
        try:
            tia = open_or_draft(service, ctx.today, tia_id, transfer_id)
        except TransfersError as exc:
            messages.error(parent, str(exc))
            return None
        dialog = cls(service, tia, ctx.today, parent, read_only=ctx.read_only)
        dialog.exec()
        return dialog.saved
