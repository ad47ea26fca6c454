"""The transfer editor's dialog: who sends what to whom, where, under which law, relying on
what.

Built with data (``TransferEditor(ctx, transfer)``, or a new transfer with its exporter or
importer preset); ``value()`` returns the validated ``Transfer``; ``TransferEditor.edit(parent,
ctx, transfer_id=..., exporter_id=..., importer_id=...)`` wraps ``exec()`` and saves. Beside the
form, "What the law requires" follows every change: per regime the destination's finding, the
safeguards that fit (with the SCC module) and whether a TIA/TRA is needed; and the problems the
rules would report for the transfer as it stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QSignalBlocker,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name, is_known_code, normalise_code
from transfers_app.domain.enums import (
    Access,
    EntityKind,
    Frequency,
    Mechanism,
    Regime,
    Role,
    VolumeBand,
)
from transfers_app.domain.models import Document, Entity, MechanismUse, Tia, Transfer
from transfers_app.errors import ValidationError
from transfers_app.rules.destination import (
    NO_CERTS,
    Certifications,
    DestinationAssessment,
)
from transfers_app.rules.gaps import (
    TransferStatus,
)
from transfers_app.services.app import AppServices
from ui.context import UiContext
from ui.dialogs.record_editor import RecordEditor, settle
from ui.dialogs.transfer_editor.form import ROLE_CHOICES, TransferFields
from ui.dialogs.transfer_editor.lookups import RegisterLookups
from ui.dialogs.transfer_editor.requirements import (
    Panel,
    assessments,
    dpf_evidence,
    evaluate,
    requirements_html,
)
from ui.dialogs.transfer_editor.state import (
    TransferFormState,
    best_location,
    default_regimes,
    default_roles,
    documents_for,
    place_messages,
    problems,
    regimes_hint,
    suggested_mechanism,
)
from ui.jobs import Job, Jobs
from ui.widgets.forms import ERROR_STYLE, FieldMessages, save_cancel_row
from ui.widgets.panes import split_panes


class TransferEditor(FieldMessages, RecordEditor[Transfer]):
    """Add or edit a transfer, with what the law requires beside it."""

    noun = "transfer"
    aggregate = "transfers"
    proposable = True  # a proposed supplier's transfers

    def __init__(
        self,
        ctx: UiContext,
        transfer: Transfer | None = None,
        exporter_id: int | None = None,
        importer_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # What the editor reads from the register, read once and kept while it is open.
        self.lookups = RegisterLookups(ctx.services)
        self.original = transfer
        self.saved: Transfer | None = None
        self.state = TransferFormState.of(transfer)
        self._tias: list[Tia] | None = None
        self._tia_error: str | None = None
        # The transfer's assessments are read in the background; a closed editor hears nothing.
        self.jobs = Jobs(self, ctx)
        self.finished.connect(self.jobs.close)
        self.setWindowTitle("Edit transfer" if transfer is not None else "New transfer")
        self.setSizeGripEnabled(True)
        self.resize(1200, 760)

        form = self.form = TransferFields(
            ctx.today, self.lookups.search_entities, self._documents_for
        )
        self._errors = form._errors
        self._connect()
        self.panel = QTextBrowser()
        self.panel.setOpenExternalLinks(True)
        self.panel.setAccessibleName("What the law requires")
        self.panel.setMinimumWidth(340)
        panel_box = QGroupBox("What the law requires")
        panel_layout = QVBoxLayout(panel_box)
        panel_layout.addWidget(self.panel)
        # The transfer's impact assessment: its current one, or a draft prefilled from the
        # register (so only a saved transfer has one).
        self.assessment_button = QPushButton("Assess&ment…")
        saved_transfer = transfer is not None and transfer.id is not None
        self.assessment_button.setEnabled(saved_transfer)
        self.assessment_button.setToolTip(
            "Open this transfer's impact / risk assessment, or start one prefilled from the "
            "register"
            if saved_transfer
            else "Save the transfer first"
        )
        self.assessment_button.clicked.connect(self.open_assessment)
        panel_layout.addWidget(self.assessment_button, 0, Qt.AlignmentFlag.AlignRight)
        splitter = split_panes(form, panel_box, (3, 2), (700, 480))

        self.summary = QLabel()
        self.summary.setObjectName("error-general")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(ERROR_STYLE)
        bottom, self.save_button, self.cancel_button = save_cancel_row(
            self.summary, self.save, self.reject
        )
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._load(transfer, exporter_id, importer_id)
        self._load_tias()
        self.state.loading = False
        self._initial = self._candidate()
        self._changed()
        if self.form.importer.entity_id() is None:
            self.form.importer.setFocus()
        else:
            self.form.destination.setFocus()

    # -- building ---------------------------------------------------------------------------------

    def _touch(self, field: str) -> Callable[..., None]:
        def handler(*_args: object) -> None:
            self.state.touch(field)
            self._changed()

        return handler

    def _connect(self) -> None:
        self.form.mechanism_list.add_requested.connect(lambda: self.add_mechanism())
        self.form.mechanism_list.remove_requested.connect(self._remove_mechanism_at)
        self.form.mechanism_list.move_requested.connect(self._move_mechanism_at)
        self.form.mechanism_list.mechanism_chosen.connect(self._mechanism_changed)
        self.form.mechanism_list.document_chosen.connect(self._document_changed)
        # Every change re-validates and re-reads the rules.
        self.form.access_combo.currentIndexChanged.connect(self._access_changed)
        self.form.exporter_combo.currentIndexChanged.connect(self._exporter_changed)
        self.form.exporter_picker.changed.connect(self._exporter_changed)
        self.form.importer.changed.connect(self._importer_changed)
        self.form.upstream_combo.currentIndexChanged.connect(self._upstream_changed)
        self.form.exporter_role_combo.currentIndexChanged.connect(self._role_changed)
        self.form.importer_role_combo.currentIndexChanged.connect(self._role_changed)
        self.form.destination.currentIndexChanged.connect(self._destination_edited)
        self.form.destination.editTextChanged.connect(self._destination_edited)
        for check in self.form.regime_checks.values():
            check.toggled.connect(self._regimes_toggled)
        self.form.service_edit.textChanged.connect(self._touch("service"))
        self.form.purpose_edit.textChanged.connect(self._touch("purpose"))
        self.form.categories_list.itemChanged.connect(self._touch("data_categories"))
        self.form.subjects_list.itemChanged.connect(self._touch("data_subjects"))
        self.form.special_check.toggled.connect(self._touch("special_category"))
        self.form.criminal_check.toggled.connect(self._touch("criminal_data"))
        self.form.frequency_combo.currentIndexChanged.connect(self._touch("frequency"))
        self.form.volume_combo.currentIndexChanged.connect(self._touch("volume"))
        self.form.started_edit.changed.connect(self._touch("started_on"))
        self.form.ended_edit.changed.connect(self._touch("ended_on"))
        self.form.notes_edit.textChanged.connect(self._touch("notes"))

    # -- the register, read lazily and kept for the dialog's life ------------------------------

    def _entity(self, entity_id: int | None) -> Entity | None:
        return self.lookups.entity(entity_id)

    def _name(self, entity_id: int) -> str:
        return self.lookups.name(entity_id)

    def documents_of(self, entity_id: int | None) -> list[Document]:
        return self.lookups.documents_of(entity_id)

    def open_assessment(self) -> Tia | None:
        """The TIA editor on this transfer's assessment; the panel re-reads what it wrote."""
        from ui.dialogs.tia_editor import TiaEditor

        if self.original is None or self.original.id is None:
            return None
        saved = TiaEditor.edit(self, self.ctx, transfer_id=self.original.id)
        if saved is not None:
            self._load_tias()
        return saved

    def _load_tias(self) -> None:
        """Read the assessments of the transfer being edited on a worker thread: the register
        only lists them all, and a large one has tens of thousands."""
        if self.original is None or self.original.id is None:
            self._tias = []
            return
        transfer_id = self.original.id

        def read(services: AppServices, _job: Job) -> list[Tia]:
            return services.tias.of_transfer(transfer_id)

        self.jobs.start(read, self._tias_loaded, self._tias_failed)

    def _tias_loaded(self, tias: list[Tia]) -> None:
        self._tias = list(tias)
        self._tia_error = None
        self.update_panel()

    def _tias_failed(self, message: str) -> None:
        self._tias = []
        self._tia_error = message  # shown in the panel, never a traceback
        self.update_panel()

    @property
    def tias_loaded(self) -> bool:
        return self._tias is not None

    # -- loading --------------------------------------------------------------------------------

    def _load(self, t: Transfer | None, exporter_id: int | None, importer_id: int | None) -> None:
        own = self.lookups.own_entities()
        for e in own:
            self.form.exporter_combo.addItem(e.name, e.id)
        own_ids = {e.id for e in own}
        for item in self.lookups.catalogue("data_category"):
            self.form._add_check(self.form.categories_list, item.name, item.description, False)
        for item in self.lookups.catalogue("data_subject"):
            self.form._add_check(self.form.subjects_list, item.name, item.description, False)

        if t is None:
            access = Access.STORAGE
            if exporter_id is not None and exporter_id not in own_ids:
                access = Access.ONWARD  # a party that is not ours can only pass data on
            self._set_combo(self.form.access_combo, access)
            self._set_exporter(exporter_id if exporter_id is not None else None, access)
            if importer_id is not None:
                self.form.importer.set_entity(importer_id, self._name(importer_id))
            exporter_role, importer_role = default_roles(access)
            self._set_combo(self.form.exporter_role_combo, exporter_role)
            self._set_combo(self.form.importer_role_combo, importer_role)
            self._fill_upstream(None)
            self._set_destination(None)
            self._default_destination()
            self._apply_default_regimes()
            self._fill_mechanisms()
            return

        self._set_combo(self.form.access_combo, t.access)
        self._set_exporter(t.exporter_id, t.access)
        self.form.importer.set_entity(t.importer_id, self._name(t.importer_id))
        self._fill_upstream(t.parent_transfer_id)
        if self.form.exporter_role_combo.findData(t.exporter_role) < 0:
            self.form.exporter_role_combo.addItem(ROLE_CHOICES[t.exporter_role], t.exporter_role)
        self._set_combo(self.form.exporter_role_combo, t.exporter_role)
        self._set_combo(self.form.importer_role_combo, t.importer_role)
        self._set_destination(t.destination)
        if t.regimes:
            for regime, check in self.form.regime_checks.items():
                check.setChecked(regime in t.regimes)
        else:
            self._apply_default_regimes()
        self.form.service_edit.setText(t.service)
        self.form.purpose_edit.setText(t.purpose)
        for name in t.data_categories:
            self.form._tick(self.form.categories_list, name)
        for name in t.data_subjects:
            self.form._tick(self.form.subjects_list, name)
        self.form.special_check.setChecked(t.special_category)
        self.form.criminal_check.setChecked(t.criminal_data)
        self._set_combo(self.form.frequency_combo, t.frequency)
        self._set_combo(self.form.volume_combo, t.volume)
        self.form.started_edit.set_value(t.started_on)
        self.form.ended_edit.set_value(t.ended_on)
        self.form.notes_edit.setPlainText(t.notes)
        self._fill_mechanisms()

    @staticmethod
    def _set_combo(combo: QComboBox, value: object) -> None:
        combo.setCurrentIndex(max(combo.findData(value), 0))

    def _set_exporter(self, exporter_id: int | None, access: Access) -> None:
        onward = access is Access.ONWARD
        self.form.exporter_stack.setCurrentIndex(1 if onward else 0)
        if exporter_id is None:
            return
        if onward:
            self.form.exporter_picker.set_entity(exporter_id, self._name(exporter_id))
            return
        index = self.form.exporter_combo.findData(exporter_id)
        if index < 0:  # on the register as exporter, though not (or no longer) one of ours
            self.form.exporter_combo.addItem(
                f"{self._name(exporter_id)} (not one of our entities)", exporter_id
            )
            index = self.form.exporter_combo.count() - 1
        self.form.exporter_combo.setCurrentIndex(index)

    def _set_destination(self, code: str | None) -> None:
        with QSignalBlocker(self.form.destination):
            index = self.form.destination.findData(code) if code else -1
            if index < 0 and code:
                self.form.destination.addItem(f"{code} (unknown code)", code)
                index = self.form.destination.count() - 1
            self.form.destination.setCurrentIndex(index)
            if index < 0:
                self.form.destination.setEditText("")

    # -- reading the form -----------------------------------------------------------------------

    def access(self) -> Access:
        return Access(self.form.access_combo.currentData())

    def exporter_id(self) -> int | None:
        if self.access() is Access.ONWARD:
            return self.form.exporter_picker.entity_id()
        data = self.form.exporter_combo.currentData()
        return int(data) if data is not None else None

    def destination_code(self) -> str | None:
        """The destination chosen or typed: a list entry, an ISO code or an English name."""
        text = self.form.destination.currentText().strip()
        if not text:
            return None
        index = self.form.destination.currentIndex()
        if index >= 0 and self.form.destination.itemText(index) == text:
            return str(self.form.destination.itemData(index))
        found = self.form.destination.findText(text, Qt.MatchFlag.MatchFixedString)
        if found >= 0:
            return str(self.form.destination.itemData(found))
        try:
            return normalise_code(text, "destination")
        except ValidationError:
            return None

    def regimes(self) -> tuple[Regime, ...]:
        return tuple(r for r, check in self.form.regime_checks.items() if check.isChecked())

    def default_regimes(self) -> tuple[tuple[Regime, ...], str]:
        """The regimes the transfer has when it names none, and where they come from: an
        onward transfer's come from the start of its chain; others are the exporter's."""
        parent_id = self.form.upstream_combo.currentData()
        return default_regimes(
            self.access(),
            int(parent_id) if parent_id is not None else None,
            self._entity(self.exporter_id()),
            self.lookups.transfer,
            self._entity,
        )

    def _stored_regimes(self) -> tuple[Regime, ...]:
        """What is saved: nothing while the ticks follow the default, so the transfer keeps
        following its exporter (or upstream transfer) if those change later."""
        return self.state.stored_regimes(self.regimes(), self.default_regimes()[0])

    def _candidate(self) -> Transfer:
        parent = self.form.upstream_combo.currentData() if self.access() is Access.ONWARD else None
        volume = self.form.volume_combo.currentData()  # Qt hands back the plain value
        fields: dict[str, Any] = {
            "exporter_id": self.exporter_id() or 0,
            "importer_id": self.form.importer.entity_id() or 0,
            "destination": self.destination_code() or "",
            "access": self.access(),
            "importer_role": Role(self.form.importer_role_combo.currentData()),
            "exporter_role": Role(self.form.exporter_role_combo.currentData()),
            "regimes": self._stored_regimes(),
            "service": self.form.service_edit.text().strip(),
            "purpose": self.form.purpose_edit.text().strip(),
            "data_categories": self.form._checked(self.form.categories_list),
            "data_subjects": self.form._checked(self.form.subjects_list),
            "special_category": self.form.special_check.isChecked(),
            "criminal_data": self.form.criminal_check.isChecked(),
            "frequency": Frequency(self.form.frequency_combo.currentData()),
            "volume": VolumeBand(volume) if volume else None,
            "parent_transfer_id": int(parent) if parent is not None else None,
            "started_on": self.form.started_edit.value(),
            "ended_on": self.form.ended_edit.value(),
            "notes": self.form.notes_edit.toPlainText().strip(),
        }
        return self.state.candidate(fields)

    def problems(self) -> list[ValidationError]:
        """What stops the transfer being saved: the editor's own checks, then the domain's."""
        return problems(
            self._candidate(),
            onward=self.access() is Access.ONWARD,
            has_own_exporters=self.form.exporter_combo.count() > 0,
            importer_text=self.form.importer.edit.text().strip(),
            destination_text=self.form.destination.currentText().strip(),
            regimes=self.regimes(),
        )

    # -- reacting to changes --------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if self.state.loading:
            return
        self._validate()
        self.update_panel()

    def _access_changed(self) -> None:
        access = self.access()
        onward = access is Access.ONWARD
        self.form.exporter_stack.setCurrentIndex(1 if onward else 0)
        if not self.state.loading:
            self.state.touch("access")
            if self.state.roles_auto:
                exporter_role, importer_role = default_roles(access)
                with (
                    QSignalBlocker(self.form.exporter_role_combo),
                    QSignalBlocker(self.form.importer_role_combo),
                ):
                    self._set_combo(self.form.exporter_role_combo, exporter_role)
                    self._set_combo(self.form.importer_role_combo, importer_role)
        self._fill_upstream(self.form.upstream_combo.currentData())
        self.form.upstream_combo.setEnabled(onward)
        self._default_destination()
        self._apply_default_regimes()
        self._changed()

    def _exporter_changed(self, *_args: object) -> None:
        self.state.touch("exporter_id")
        self._fill_upstream(self.form.upstream_combo.currentData())
        self._apply_default_regimes()
        self._changed()

    def _importer_changed(self) -> None:
        self.state.touch("importer_id")
        self.state.keep_documents({d.id for d in self.documents_of(self.form.importer.entity_id())})
        self._fill_mechanisms()
        self._default_destination()
        self._changed()

    def _upstream_changed(self) -> None:
        self.state.touch("parent_transfer_id")
        self._apply_default_regimes()
        self._changed()

    def _role_changed(self) -> None:
        if not self.state.loading:
            self.state.roles_auto = False
            self.state.touch("roles")
        self._changed()

    def _destination_edited(self, *_args: object) -> None:
        if not self.state.loading:
            self.state.destination_auto = False
            self.state.touch("destination")
        self._changed()

    def _regimes_toggled(self) -> None:
        if not self.state.loading:
            self.state.regimes_custom = self.regimes() != self.default_regimes()[0]
            self.state.touch("regimes")
        self._update_regimes_hint()
        self._changed()

    def _apply_default_regimes(self) -> None:
        if not self.state.regimes_custom:
            regimes = self.default_regimes()[0]
            for regime, check in self.form.regime_checks.items():
                with QSignalBlocker(check):
                    check.setChecked(regime in regimes)
        self._update_regimes_hint()

    def _update_regimes_hint(self) -> None:
        default, source = self.default_regimes()
        self.form.regimes_hint.setText(regimes_hint(default, source, self.regimes()))

    def _default_destination(self) -> None:
        """A new transfer goes, until the user says otherwise, where the importer works."""
        if not self.state.destination_auto:
            return
        importer_id = self.form.importer.entity_id()
        if importer_id is None:
            return
        best = best_location(self.lookups.locations_of(importer_id), self.access())
        if best is not None:
            self._set_destination(best.country)

    def _fill_upstream(self, current: object) -> None:
        """The transfers that bring data to the exporter: those it can pass on."""
        exporter_id = self.exporter_id() if self.access() is Access.ONWARD else None
        with QSignalBlocker(self.form.upstream_combo):
            self.form.upstream_combo.clear()
            self.form.upstream_combo.addItem("(none: the chain starts here)", None)
            candidates: list[Transfer] = []
            if exporter_id is not None:
                candidates = [
                    t
                    for t in self.lookups.transfers_of(exporter_id)
                    if t.importer_id == exporter_id
                    and (self.original is None or t.id != self.original.id)
                ]
            for t in candidates:
                label = (
                    f"{self._name(t.exporter_id)} → {self._name(t.importer_id)}, "
                    f"{country_name(t.destination)}"
                )
                if t.service:
                    label += f" · {t.service}"
                self.form.upstream_combo.addItem(label, t.id)
                self.form.upstream_combo.setItemData(
                    self.form.upstream_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole
                )
            index = self.form.upstream_combo.findData(current) if current is not None else -1
            original_parent = self.original.parent_transfer_id if self.original else None
            if index < 0 and current is not None and current == original_parent:
                self.form.upstream_combo.addItem(f"transfer #{current} (not found)", current)
                index = self.form.upstream_combo.count() - 1
            untouched = self.original is None and "parent_transfer_id" not in self.state.touched
            if index < 0 and len(candidates) == 1 and untouched:
                index = 1  # the only transfer it receives
            self.form.upstream_combo.setCurrentIndex(max(index, 0))
        self.form.upstream_combo.setEnabled(self.access() is Access.ONWARD)

    # -- mechanisms -----------------------------------------------------------------------------

    def mechanisms(self) -> list[MechanismUse]:
        return list(self.state.uses)

    def _documents_for(self, mechanism: Mechanism, linked: int | None) -> list[Document]:
        kinds = self.ctx.ref.document_kinds(mechanism)
        return documents_for(kinds, linked, self.documents_of(self.form.importer.entity_id()))

    def _fill_mechanisms(self, select: int | None = None) -> None:
        self.form.mechanism_list.show_uses(self.state.uses, select)

    def mechanism_combo(self, row: int) -> QComboBox:
        return self.form.mechanism_list.mechanism_combo(row)

    def document_combo(self, row: int) -> QComboBox:
        return self.form.mechanism_list.document_combo(row)

    def _mechanism_changed(self, row: int, mechanism: Mechanism) -> None:
        self.state.set_mechanism(row, mechanism)
        self.form.mechanism_list.show_documents(row, self.state.uses[row])
        self._changed()

    def _document_changed(self, row: int, document_id: int | None) -> None:
        self.state.set_document(row, document_id)
        self._changed()

    def suggested_mechanism(self) -> Mechanism:
        """What the rules would list next (see ``state.suggested_mechanism``)."""
        return suggested_mechanism((u.mechanism for u in self.state.uses), self.assessments())

    def add_mechanism(self, mechanism: Mechanism | None = None) -> int:
        """Add a mechanism at the end (the rules' suggestion if none given); its row."""
        row = self.state.add_use(mechanism or self.suggested_mechanism())
        self._fill_mechanisms(select=row)
        self._changed()
        self.mechanism_combo(row).setFocus()
        return row

    def remove_mechanism(self) -> None:
        row = self.form.mechanism_list.selected_row()
        if row is not None:
            self._remove_mechanism_at(row)

    def _remove_mechanism_at(self, row: int) -> None:
        self._fill_mechanisms(select=self.state.remove_use(row))
        self._changed()

    def move_mechanism(self, step: int) -> None:
        row = self.form.mechanism_list.selected_row()
        if row is not None:
            self._move_mechanism_at(row, step)

    def _move_mechanism_at(self, row: int, step: int) -> None:
        moved = self.state.move_use(row, step)
        if moved is not None:
            self._fill_mechanisms(select=moved)
            self._changed()

    # -- validation -----------------------------------------------------------------------------

    def _validate(self) -> bool:
        found = self.problems()
        placed = place_messages(found, self.state.touched, self._errors)
        for label in set(self._errors.values()):
            label.setText("")
        for field, texts in placed.by_field.items():
            label = self._errors[field]
            label.setText("\n".join(filter(None, [label.text(), *texts])))
        for label in set(self._errors.values()):
            label.setVisible(bool(label.text()))
        self.summary.setText(placed.summary)
        self._allow_save(bool(found))
        return not found

    def error_text(self, field: str) -> str:
        """The message shown beside a field ("" when none is shown)."""
        label = self._errors[field]
        return label.text() if not label.isHidden() else ""

    def is_dirty(self) -> bool:
        return self._candidate() != self._initial

    def value(self) -> Transfer:
        """The transfer as edited, validated (raises ``ValidationError`` naming the field)."""
        found = self.problems()
        if found:
            raise found[0]
        return self._candidate()

    # -- the rules ------------------------------------------------------------------------------

    def _dpf_evidence(self) -> tuple[Certifications, Document | None]:
        docs = self.documents_of(self.form.importer.entity_id())
        return dpf_evidence(self.state.uses, docs, self.ctx.today)

    def assessments(self) -> dict[Regime, DestinationAssessment]:
        """What the law requires under each ticked regime, for the destination and roles."""
        code = self.destination_code()
        ref = self.ctx.ref
        certified = code is not None and code in ref.certified_destinations
        importer = self._entity(self.form.importer.entity_id())
        return assessments(
            ref,
            code,
            self.regimes(),
            Role(self.form.exporter_role_combo.currentData()),
            Role(self.form.importer_role_combo.currentData()),
            self._dpf_evidence()[0] if certified else NO_CERTS,
            self.ctx.today,
            None if importer is None else importer.kind is EntityKind.GROUP,
        )

    def evaluate(self) -> TransferStatus | None:
        """The gaps the rules would report for the transfer as entered (None: too little
        entered to judge)."""
        t = self._candidate()
        importer = self._entity(t.importer_id or None)
        docs = list(self.documents_of(importer.id if importer is not None else None))
        known = {d.id for d in docs}
        for use in t.mechanisms:
            if use.document_id is not None and use.document_id not in known:
                linked = self.lookups.document(use.document_id)
                if linked is not None:
                    docs.append(linked)
                    known.add(use.document_id)
        return evaluate(
            self.ctx.ref,
            t,
            self._entity(t.exporter_id or None),
            importer,
            self.regimes(),
            docs,
            self._tias or [],
            self.ctx.today,
        )

    def update_panel(self) -> None:
        bar = self.panel.verticalScrollBar()
        position = bar.value() if bar is not None else 0
        self.panel.setHtml(self.requirements_html())
        if bar is not None:
            bar.setValue(position)

    def requirements_html(self) -> str:
        """The panel: per regime what the destination needs, then the transfer's problems."""
        code = self.destination_code()
        ref = self.ctx.ref
        missing = [
            what
            for what, ok in (
                ("the exporter", self.exporter_id() is not None),
                ("the importer", self.form.importer.entity_id() is not None),
                ("a regime", bool(self.regimes())),
            )
            if not ok
        ]
        return requirements_html(
            Panel(
                today=self.ctx.today,
                code=code,
                exporter_role=Role(self.form.exporter_role_combo.currentData()),
                importer_role=Role(self.form.importer_role_combo.currentData()),
                assessments=self.assessments() if code and is_known_code(code) else {},
                status=self.evaluate() if code and is_known_code(code) else None,
                missing=missing,
                importer=self._entity(self.form.importer.entity_id()),
                tias_read=self._tias is not None,
                tia_error=self._tia_error,
                dpf=self._dpf_evidence() if code in ref.certified_destinations else None,
            )
        )

    # -- saving and closing ---------------------------------------------------------------------

    def _write(self) -> Transfer:
        return self.ctx.services.transfers.save(self.value())

    def _mark_clean(self) -> None:
        self._initial = self._candidate()

    def _foot_message(self) -> QLabel:
        return self.summary

    def _read(self, record_id: int) -> Transfer:
        return self.ctx.services.transfers.get(record_id)

    @classmethod
    def edit(
        cls,
        parent: QWidget | None,
        ctx: UiContext,
        transfer_id: int | None = None,
        exporter_id: int | None = None,
        importer_id: int | None = None,
    ) -> Transfer | None:
        """Open the editor on a transfer (None: a new one, with the exporter or importer
        preset); the saved transfer, or None if nothing was saved."""
        dialog = settle(
            parent,
            lambda: ctx.services.transfers.get(transfer_id) if transfer_id else None,
            lambda transfer: cls(ctx, transfer, exporter_id, importer_id, parent),
        )
        return None if dialog is None else dialog.saved
