"""Dialogs of the sub-processor notices page: record a notice, decide on one.

Built with data, testable without ``exec()``: fill the widgets, read ``value()``, call
``accept()`` (which saves through the service and stays open on an error). ``record`` and
``decide`` wrap ``exec()`` for the page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name, normalise_code
from transfers_app.domain.formatting import day
from transfers_app.domain.models import NoticeDecision, SubprocessorNotice
from transfers_app.domain.renewals import days_until, relative_days
from transfers_app.domain.validation import problems
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.services.notices import (
    DEFAULT_NOTICE_DAYS,
    Decided,
    NoticeService,
    days_text,
    objection_deadline,
)
from ui import messages
from ui.context import UiContext
from ui.widgets.forms import FieldMessages, save_cancel_row
from ui.widgets.inputs import date_display_format

DEADLINE_RULE = (
    "The last day to object is the day the notice was received plus the notice period: the "
    "one in the processor's DPA on the register, else the period in Clause 9 of its EU SCCs, "
    f"else {DEFAULT_NOTICE_DAYS} days."
)
# Messages that only say a field is still empty: shown once the field is touched.
_ONLY_EMPTY = ("is required", "give at least one country")


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def _plain(widget: QWidget) -> None:
    """Every label shows its text as written: names like ``<b>R&D</b>`` are not markup."""
    for label in widget.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)


def _date_edit(value: date, name: str) -> QDateEdit:
    edit = QDateEdit(to_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_display_format())
    edit.setAccessibleName(name)
    edit.setMinimumWidth(130)
    return edit


def _stacked(field: QWidget, hint: QLabel) -> QWidget:
    """A field with its hint under it, as one form cell."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(field)
    column.addWidget(hint)
    return box


class NoticeDialog(QDialog, FieldMessages):
    """Record a processor's notice of a new or replaced sub-processor."""

    def __init__(
        self, ctx: UiContext, service: NoticeService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.saved: SubprocessorNotice | None = None
        self._errors = {}
        self._touched: set[str] = set()
        self.setWindowTitle("Record a sub-processor notice")
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        intro = QLabel(
            "A processor tells us it will engage a new sub-processor, or replace one "
            "(Art 28(2) GDPR). Record the notice here; decide on it before the last day to "
            "object."
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)
        form = QFormLayout()
        outer.addLayout(form)

        self.processor = QComboBox()
        self.processor.setAccessibleName("Processor")
        for entity_id, name in service.processors():
            self.processor.addItem(name, entity_id)
        self._row(form, "&Processor:", "processor_id", self.processor)

        self.name = QLineEdit()
        self.name.setAccessibleName("Sub-processor name")
        self.name.setPlaceholderText("as the notice names it")
        self.name_hint = QLabel()
        self.name_hint.setWordWrap(True)
        self._row(form, "&Sub-processor:", "subprocessor_name", _stacked(self.name, self.name_hint))

        self.countries = QLineEdit()
        self.countries.setAccessibleName("Countries")
        self.countries.setPlaceholderText("codes or names, separated by commas: DE, CH")
        self.countries_hint = QLabel()
        self._row(form, "&Countries:", "countries", _stacked(self.countries, self.countries_hint))

        self.service_edit = QLineEdit()
        self.service_edit.setAccessibleName("Service")
        self.service_edit.setPlaceholderText("what it will do, e.g. offsite backups")
        self._row(form, "Ser&vice:", "service", self.service_edit)

        self.replaces = QComboBox()
        self.replaces.setAccessibleName("Replaces")
        self._row(form, "&Replaces:", "replaces_id", self.replaces)

        self.received = _date_edit(ctx.today, "Received on")
        self._row(form, "R&eceived on:", "received_on", self.received)

        period_box = QWidget()
        period_row = QHBoxLayout(period_box)
        period_row.setContentsMargins(0, 0, 0, 0)
        self.use_contract = QCheckBox("from the contract")
        self.use_contract.setChecked(True)
        self.use_contract.setToolTip(DEADLINE_RULE)
        self.period = QSpinBox()
        self.period.setRange(0, 365)
        self.period.setSuffix(" days")
        self.period.setAccessibleName("Notice period")
        self.period.setEnabled(False)
        period_row.addWidget(self.period)
        period_row.addWidget(self.use_contract)
        period_row.addStretch(1)
        self._row(form, "Notice &period:", "notice_period_days", period_box)
        self.period_source = QLabel()
        self.period_source.setWordWrap(True)
        self.period_source.setObjectName("period-source")
        form.addRow("", self.period_source)

        self.deadline = QLabel()
        self.deadline.setObjectName("deadline")
        font = self.deadline.font()
        font.setBold(True)
        self.deadline.setFont(font)
        self._row(form, "Last day to object:", "objection_deadline", self.deadline)

        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setFixedHeight(self.fontMetrics().height() * 4)
        form.addRow("&Notes:", self.notes)

        rule = QLabel(DEADLINE_RULE)
        rule.setWordWrap(True)
        outer.addWidget(rule)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        bottom, self.save_button, _cancel = save_cancel_row(
            self.summary, self.accept, self.reject, save_text="Record notice", save_shortcut=False
        )
        outer.addLayout(bottom)

        self.processor.currentIndexChanged.connect(lambda _i: self._on_processor())
        self.received.dateChanged.connect(lambda _d: self._on_period_basis())
        self.use_contract.toggled.connect(lambda _on: self._on_period_basis())
        self.period.valueChanged.connect(lambda _v: self._changed("notice_period_days"))
        self.name.textChanged.connect(lambda _t: self._changed("subprocessor_name"))
        self.countries.textChanged.connect(lambda _t: self._changed("countries"))
        self.replaces.currentIndexChanged.connect(lambda _i: self._changed("replaces_id"))
        _plain(self)
        self._on_processor()

    # -- reading the form -----------------------------------------------------------------------

    def processor_id(self) -> int | None:
        value = self.processor.currentData()
        return int(value) if value is not None else None

    def _country_codes(self) -> tuple[tuple[str, ...], list[ValidationError]]:
        codes: list[str] = []
        errors: list[ValidationError] = []
        for part in self.countries.text().replace(";", ",").split(","):
            if not part.strip():
                continue
            try:
                codes.append(normalise_code(part, "countries"))
            except ValidationError:
                errors.append(ValidationError("countries", f"{part.strip()!r} is not a country"))
        return tuple(dict.fromkeys(codes)), errors

    def value(self) -> SubprocessorNotice:
        """The notice as filled in, its deadline computed (not saved)."""
        codes, _ = self._country_codes()
        received = from_qdate(self.received.date())
        period = self.period.value()
        replaces = self.replaces.currentData()
        return SubprocessorNotice(
            processor_id=self.processor_id() or 0,
            subprocessor_name=self.name.text().strip(),
            received_on=received,
            replaces_id=int(replaces) if replaces is not None else None,
            countries=codes,
            service=self.service_edit.text().strip(),
            notice_period_days=period,
            objection_deadline=objection_deadline(received, period),
            notes=self.notes.toPlainText().strip(),
        )

    def problems(self) -> list[ValidationError]:
        found = list(problems(self.value()))
        _, bad = self._country_codes()
        found = [p for p in found if p.field != "countries" or not bad] + bad
        if self.processor_id() is None:
            found.insert(0, ValidationError("processor_id", "choose the processor"))
        return found

    # -- reacting ---------------------------------------------------------------------------------

    def _on_processor(self) -> None:
        self.replaces.blockSignals(True)
        self.replaces.clear()
        self.replaces.addItem("Nobody: a new sub-processor", None)
        pid = self.processor_id()
        if pid is not None:
            for entity_id, name in self.service.subprocessors_of(pid, self.ctx.today):
                self.replaces.addItem(name, entity_id)
        self.replaces.blockSignals(False)
        self._on_period_basis()

    def _on_period_basis(self) -> None:
        pid = self.processor_id()
        contract = self.use_contract.isChecked()
        self.period.setEnabled(not contract)
        if contract and pid is not None:
            period = self.service.notice_period(pid, from_qdate(self.received.date()))
            self.period.blockSignals(True)
            self.period.setValue(period.days)
            self.period.blockSignals(False)
            self.period_source.setText(f"{period.days} days, from {period.source}.")
        elif contract:
            self.period_source.setText("")
        else:
            self.period_source.setText("Entered by hand: the contract's period is not used.")
        self._validate()

    def _changed(self, field: str) -> None:
        self._touched.add(field)
        self._validate()

    def _validate(self) -> None:
        found = self.problems()
        pending = self._show_messages(
            found, self._touched, _ONLY_EMPTY, lambda field: field.replace("_", " ")
        )
        self.save_button.setEnabled(not found and self.ctx.read_only is None)
        self.summary.setText("Before recording: " + "; ".join(pending) if pending else "")
        if self.ctx.read_only is not None:
            self.summary.setText(
                f"The register is read-only ({self.ctx.read_only}): nothing can be saved"
            )
        n = self.value()
        if n.objection_deadline is not None:
            when = relative_days(days_until(n.objection_deadline, self.ctx.today))
            self.deadline.setText(f"{day(n.objection_deadline)} ({when})")
        codes, _ = self._country_codes()
        self.countries_hint.setText(", ".join(country_name(c) for c in codes))
        existing = self.service.entity_named(n.subprocessor_name) if n.subprocessor_name else None
        self.name_hint.setText(
            f"Already on the register as ‘{existing.name}’: accepting links to it."
            if existing is not None
            else ""
        )
        self.name_hint.setVisible(existing is not None)
        self.countries_hint.setVisible(bool(codes))

    def accept(self) -> None:
        found = self.problems()
        if found:
            self._touched.update(p.field for p in found)
            self._validate()
            return
        notice = self.value()
        if self.use_contract.isChecked():
            notice = replace(notice, notice_period_days=None, objection_deadline=None)
        try:
            self.saved = self.service.record(notice)
        except TransfersError as exc:
            messages.error(self, f"The notice was not recorded: {exc}")
            return
        super().accept()

    @classmethod
    def record(
        cls, parent: QWidget | None, ctx: UiContext, service: NoticeService
    ) -> SubprocessorNotice | None:
        """Open the dialog; the recorded notice, or None if the user cancelled."""
        dialog = cls(ctx, service, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.saved
        return None


class DecisionDialog(QDialog, FieldMessages):
    """Accept, object or terminate, with who decided and when."""

    def __init__(
        self,
        ctx: UiContext,
        service: NoticeService,
        notice: SubprocessorNotice,
        processor: str,
        replaces: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.notice = notice
        self.processor_name = processor
        self.replaces_name = replaces
        self.result_: Decided | None = None
        self._errors = {}
        self.setWindowTitle("Decide on a sub-processor notice")
        self.setMinimumWidth(540)
        outer = QVBoxLayout(self)
        where = ", ".join(country_name(c) for c in notice.countries)
        left = notice.days_left(ctx.today)
        head = QLabel()
        head.setWordWrap(True)
        head.setText(
            f"{processor} intends to engage {notice.subprocessor_name} ({where})"
            + (f" for {notice.service}" if notice.service else "")
            + (f", replacing {replaces}" if replaces else "")
            + f"\nLast day to object: {day(notice.objection_deadline)}"
            + (f" ({days_text(left)})" if left is not None and left <= 0 else "")
            + "."
        )
        head.setObjectName("notice-summary")
        outer.addWidget(head)

        self.choice = QButtonGroup(self)
        self.radios: dict[NoticeDecision, QRadioButton] = {}
        texts = {
            NoticeDecision.ACCEPT: "&Accept: put the sub-processor on the register",
            NoticeDecision.OBJECT: "&Object: tell the processor we object",
            NoticeDecision.TERMINATE: "&Terminate: end the contract with the processor",
        }
        for i, (decision, text) in enumerate(texts.items()):
            radio = QRadioButton(text)
            radio.setAccessibleName(decision.value)
            self.choice.addButton(radio, i)
            self.radios[decision] = radio
            outer.addWidget(radio)
        self.radios[NoticeDecision.ACCEPT].setChecked(True)
        self.effect = QLabel()
        self.effect.setObjectName("decision-effect")
        self.effect.setWordWrap(True)
        outer.addWidget(self.effect)

        form = QFormLayout()
        outer.addLayout(form)
        self.by = QLineEdit(service.default_decider)
        self.by.setAccessibleName("Decided by")
        self._row(form, "Decided &by:", "decided_by", self.by)
        self.on = _date_edit(ctx.today, "Decided on")
        self._row(form, "Decided &on:", "decided_on", self.on)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record decision")
        outer.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        _plain(self)
        self.choice.idToggled.connect(lambda _i, _on: self._validate())
        self.by.textChanged.connect(lambda _t: self._validate())
        self.on.dateChanged.connect(lambda _d: self._validate())
        self._validate()

    def decision(self) -> NoticeDecision:
        return next(d for d, r in self.radios.items() if r.isChecked())

    def set_decision(self, decision: NoticeDecision) -> None:
        self.radios[decision].setChecked(True)

    def value(self) -> tuple[NoticeDecision, str, date]:
        return self.decision(), self.by.text().strip(), from_qdate(self.on.date())

    def problems(self) -> list[ValidationError]:
        decision, by, on = self.value()
        decided = replace(self.notice, decision=decision, decided_by=by, decided_on=on)
        return problems(decided)

    def _validate(self) -> None:
        found = self.problems()
        by_field = {p.field: p.message for p in found}
        for field, label in self._errors.items():
            text = by_field.get(field, "")
            label.setText(text)
            label.setVisible(bool(text))
        self.ok_button.setEnabled(not found)
        n = self.notice
        if self.decision() is NoticeDecision.ACCEPT:
            existing = (
                None
                if n.subprocessor_id is not None
                else self.service.entity_named(n.subprocessor_name)
            )
            who = (
                f"links ‘{existing.name}’, already on the register,"
                if existing is not None
                else f"adds ‘{n.subprocessor_name}’ to the register"
            )
            text = (
                f"Accepting {who} with its locations and one onward transfer per country from "
                f"‘{self.processor_name}’ (importer role sub-processor, the regimes of the "
                "processor's own transfers)."
            )
            if self.replaces_name:
                text += (
                    f" The transfers from ‘{self.processor_name}’ to ‘{self.replaces_name}’ "
                    "end on the day decided."
                )
        else:
            text = "Only the decision is recorded; the register is not changed."
        self.effect.setText(text)

    def accept(self) -> None:
        if self.problems():
            self._validate()
            return
        decision, by, on = self.value()
        try:
            self.result_ = self.service.decide(self.notice, decision, by, on)
        except TransfersError as exc:
            messages.error(self, f"The decision was not recorded: {exc}")
            return
        super().accept()

    @classmethod
    def decide(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        service: NoticeService,
        notice: SubprocessorNotice,
        processor: str,
        replaces: str = "",
    ) -> Decided | None:
        dialog = cls(ctx, service, notice, processor, replaces, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_
        return None
