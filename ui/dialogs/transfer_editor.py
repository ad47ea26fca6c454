"""The transfer editor: who sends what to whom, where, under which law, relying on what.

Built with data (``TransferEditor(ctx, transfer)``, or a new transfer with its exporter or
importer preset); ``value()`` returns the validated ``Transfer``; ``TransferEditor.edit(parent,
ctx, transfer_id=..., exporter_id=..., importer_id=...)`` wraps ``exec()`` and saves. Beside the
form, "What the law requires" follows every change: per regime the destination's finding, the
safeguards that fit (with the SCC module) and whether a TIA/TRA is needed; and the problems the
rules would report for the transfer as it stands.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QSignalBlocker,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import country_name, is_known_code, normalise_code
from transfers_app.domain.enums import (
    Access,
    Activity,
    DocumentStatus,
    Finding,
    Frequency,
    Lifecycle,
    Mechanism,
    Regime,
    Role,
    Severity,
    VolumeBand,
)
from transfers_app.domain.formatting import DOCUMENT_KIND_LABELS, MECHANISM_LABELS
from transfers_app.domain.models import Document, Entity, MechanismUse, Tia, Transfer
from transfers_app.domain.names import name_key
from transfers_app.domain.validation import problems
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.rules.destination import (
    MODULE_NAMES,
    NO_CERTS,
    Certifications,
    DestinationAssessment,
    assess_destination,
    scc_module,
)
from transfers_app.rules.gaps import (
    EXPECTED_KIND,
    GapCode,
    TransferContext,
    TransferStatus,
    certifications_of,
    evaluate_transfer,
)
from transfers_app.services.register import RegisterService
from ui import messages
from ui.context import UiContext
from ui.dialogs.entity_editor import (
    REGIME_CHOICES,
    OptionalDateEdit,
    country_choices,
)
from ui.jobs import Job, Jobs
from ui.widgets.forms import ERROR_STYLE, FieldMessages

ACCESS_CHOICES = {
    Access.STORAGE: "Storage: the data are held there",
    Access.REMOTE_ACCESS: "Remote access: the data are viewed or handled from there",
    Access.ONWARD: "Onward transfer: an importer passes the data on",
}
ROLE_CHOICES = {
    Role.CONTROLLER: "Controller",
    Role.PROCESSOR: "Processor",
    Role.SUBPROCESSOR: "Subprocessor",
}
FREQUENCY_CHOICES = {
    Frequency.CONTINUOUS: "Continuous",
    Frequency.PERIODIC: "Periodic",
    Frequency.ONE_OFF: "One-off",
}
VOLUME_CHOICES: dict[VolumeBand | None, str] = {
    None: "Not stated",
    VolumeBand.UNDER_1K: "Fewer than 1,000 people",
    VolumeBand.UNDER_10K: "1,000 to 10,000 people",
    VolumeBand.UNDER_100K: "10,000 to 100,000 people",
    VolumeBand.UNDER_1M: "100,000 to 1 million people",
    VolumeBand.OVER_1M: "More than 1 million people",
}
# Plain words for each finding, and the colour its badge is drawn in (the words carry the
# meaning; colour only helps).
FINDING_WORDS = {
    Finding.NOT_RESTRICTED: ("NOT RESTRICTED", "no transfer mechanism is needed", "#1b5e20"),
    Finding.ADEQUATE: ("ADEQUATE", "adequate: no safeguard or assessment needed", "#1b5e20"),
    Finding.ADEQUATE_IF: (
        "ADEQUATE IF IN SCOPE",
        "adequate only within the decision's scope; otherwise a safeguard",
        "#8a5a00",
    ),
    Finding.NOT_ADEQUATE: ("NOT ADEQUATE", "not adequate: a safeguard is needed", "#b3261e"),
    Finding.UNKNOWN: ("UNKNOWN", "the reference data does not cover this date", "#8a5a00"),
}
SEVERITY_COLOURS = {
    Severity.CRITICAL: ("#8b0000", "#fde2e2"),
    Severity.HIGH: ("#9a3b00", "#fdebd8"),
    Severity.MEDIUM: ("#6b5300", "#fdf5d0"),
    Severity.LOW: ("#24496b", "#e2edf8"),
}
# How validation messages name the fields they mention.
FIELD_LABELS = {
    "exporter_id": "Exporter",
    "importer_id": "Importer",
    "destination": "Destination",
    "access": "Kind of access",
    "exporter_role": "Exporter role",
    "importer_role": "Importer role",
    "regimes": "Regimes",
    "parent_transfer_id": "Upstream transfer",
    "started_on": "Start",
    "ended_on": "End",
    "mechanisms": "Mechanisms",
    "service": "Service",
}
# Where a location's activity suggests the destination, per kind of access (best first).
DESTINATION_HINTS = {
    Access.STORAGE: (Activity.HOSTING, Activity.BACKUP, Activity.HEADQUARTERS),
    Access.REMOTE_ACCESS: (Activity.SUPPORT, Activity.FOLLOW_THE_SUN, Activity.HEADQUARTERS),
    Access.ONWARD: (Activity.HOSTING, Activity.SUPPORT, Activity.HEADQUARTERS),
}
REQUIRED = "is required"
SUGGESTIONS = 30
esc = html.escape


def human_message(error: ValidationError) -> str:
    """A validation message that names its field in words, e.g. "Importer is required"."""
    text = error.message
    for key, label in FIELD_LABELS.items():
        if key != error.field and "_" in key:
            text = text.replace(key, label.lower())
    label = FIELD_LABELS.get(error.field, error.field.replace("_", " ").capitalize())
    if text.startswith(("is ", "must ")) or text[:1].isdigit():
        return f"{label} {text}"
    return f"{label}: {text}"


def _fmt(d: date | None) -> str:
    return d.strftime("%d %b %Y") if d is not None else "—"


def _items(rows: Sequence[str]) -> str:
    return "<ul style='margin-top:0; margin-bottom:4px'>" + "".join(rows) + "</ul>" if rows else ""


class EntityPicker(QWidget):
    """Choose an entity by typing part of its name: a line edit whose completer asks the
    register for at most a few dozen matches per keystroke, so a register of 100,000 entities
    never fills a combo box."""

    changed = Signal()

    def __init__(
        self,
        search: Callable[[str], list[tuple[int, str]]],
        placeholder: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._choices: dict[str, int] = {}
        self._id: int | None = None
        self._label = ""
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.suggestions = QStringListModel(self)
        self.completer = QCompleter(self.suggestions, self)
        # The register ranks the matches; the completer shows them as they come.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated.connect(self.pick)
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._finished)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def entity_id(self) -> int | None:
        return self._id

    def set_entity(self, entity_id: int | None, name: str = "") -> None:
        """Show an entity as chosen (None: nothing chosen), without asking the register."""
        self._id = entity_id
        self._label = name if entity_id is not None else ""
        with QSignalBlocker(self.edit):
            self.edit.setText(self._label)
        self.changed.emit()

    def offered(self) -> list[str]:
        """The suggestions on offer for the text typed."""
        return self.suggestions.stringList()

    def pick(self, label: str) -> None:
        """Choose one of the suggestions on offer (what the completer's popup does)."""
        entity_id = self._choices.get(label)
        if entity_id is None:
            return
        self._id, self._label = entity_id, label
        with QSignalBlocker(self.edit):
            self.edit.setText(label)
        self.changed.emit()

    def _typed(self, text: str) -> None:
        if self._id is not None and text != self._label:
            self._id = None
            self.changed.emit()
        found = self._search(text)
        labels: list[str] = []
        counts: dict[str, int] = {}
        for _, name in found:
            counts[name] = counts.get(name, 0) + 1
        self._choices = {}
        for entity_id, name in found:
            label = name if counts[name] == 1 else f"{name} (#{entity_id})"
            self._choices[label] = entity_id
            labels.append(label)
        self.suggestions.setStringList(labels)
        if labels and self.edit.hasFocus():
            self.completer.complete()
        elif (popup := self.completer.popup()) is not None:
            popup.hide()

    def _finished(self) -> None:
        """Leaving the field with a name typed in full chooses that entity."""
        if self._id is not None:
            return
        text = self.edit.text().strip().casefold()
        for label in self._choices:
            if label.casefold() == text:
                self.pick(label)
                return


class TransferEditor(FieldMessages, QDialog):
    """Add or edit a transfer, with what the law requires beside it."""

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
        self.repo = ctx.service.repo
        self.original = transfer
        self.saved: Transfer | None = None
        self._errors: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self._entities: dict[int, Entity | None] = {}
        self._documents: dict[int, list[Document]] = {}
        self._tias: list[Tia] | None = None
        self._tia_error: str | None = None
        self._uses: list[MechanismUse] = []
        self._regimes_custom = bool(transfer and transfer.regimes)
        self._destination_auto = transfer is None
        self._roles_auto = transfer is None
        self._loading = True
        # The transfer's assessments are read in the background; a closed editor hears nothing.
        self.jobs = Jobs(self, ctx)
        self.finished.connect(self.jobs.close)
        self.setWindowTitle("Edit transfer" if transfer is not None else "New transfer")
        self.setSizeGripEnabled(True)
        self.resize(1200, 760)

        form = self._build_form()
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
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(form)
        splitter.addWidget(panel_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 480])
        splitter.setChildrenCollapsible(False)

        self.summary = QLabel()
        self.summary.setObjectName("error-general")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert save is not None and cancel is not None
        self.save_button = save
        self.cancel_button = cancel
        self.save_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._load(transfer, exporter_id, importer_id)
        self._load_tias()
        self._loading = False
        self._initial = self._candidate()
        self._changed()
        if self.importer.entity_id() is None:
            self.importer.setFocus()
        else:
            self.destination.setFocus()

    # -- building ---------------------------------------------------------------------------------

    @staticmethod
    def _form() -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return form

    @staticmethod
    def _combo(choices: dict[Any, str], name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for value, label in choices.items():
            combo.addItem(label, value)
        return combo

    def _touch(self, field: str) -> Callable[..., None]:
        def handler(*_args: object) -> None:
            if not self._loading:
                self._touched.add(field)
            self._changed()

        return handler

    def _build_form(self) -> QWidget:
        # Parties.
        self.access_combo = self._combo(ACCESS_CHOICES, "Kind of access")
        self.exporter_combo = QComboBox()
        self.exporter_combo.setAccessibleName("Exporter")
        self.exporter_picker = EntityPicker(self._search_entities, "Type the sender's name…")
        self.exporter_picker.edit.setAccessibleName("Exporter")
        self.exporter_stack = QStackedWidget()
        self.exporter_stack.addWidget(self.exporter_combo)
        self.exporter_stack.addWidget(self.exporter_picker)
        self.exporter_stack.setSizePolicy(self.exporter_combo.sizePolicy())
        self.exporter_stack.setMaximumHeight(self.exporter_combo.sizeHint().height() + 4)
        self.importer = EntityPicker(self._search_entities, "Type part of the recipient's name…")
        self.importer.edit.setAccessibleName("Importer")
        self.upstream_combo = QComboBox()
        self.upstream_combo.setAccessibleName("Upstream transfer")
        self.exporter_role_combo = self._combo(
            {Role.CONTROLLER: "Controller", Role.PROCESSOR: "Processor"}, "Exporter role"
        )
        self.importer_role_combo = self._combo(ROLE_CHOICES, "Importer role")
        roles = QHBoxLayout()
        roles.setContentsMargins(0, 0, 0, 0)
        roles.addWidget(QLabel("exporter"))
        roles.addWidget(self.exporter_role_combo, 1)
        roles.addWidget(QLabel("importer"))
        roles.addWidget(self.importer_role_combo, 1)
        roles_box = QWidget()
        roles_box.setLayout(roles)

        parties = QGroupBox("Who sends to whom")
        form = self._form()
        self._row(form, "&Kind of access", "access", self.access_combo)
        self._row(form, "E&xporter *", "exporter_id", self.exporter_stack)
        self._row(form, "&Importer *", "importer_id", self.importer)
        self._row(form, "&Upstream transfer", "parent_transfer_id", self.upstream_combo)
        self._row(form, "&Roles", "roles", roles_box)
        self._errors["exporter_role"] = self._errors["importer_role"] = self._errors["roles"]
        parties.setLayout(form)

        # Where, and under which law.
        self._countries = QStandardItemModel(self)
        for label, code in country_choices():
            item = QStandardItem(label)
            item.setData(code, Qt.ItemDataRole.UserRole)
            self._countries.appendRow(item)
        self.destination = QComboBox()
        self.destination.setEditable(True)
        self.destination.setModel(self._countries)
        self.destination.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.destination.setAccessibleName("Destination")
        self.destination.setMaxVisibleItems(15)
        line = self.destination.lineEdit()
        assert line is not None
        line.setPlaceholderText("Type a country or organisation, e.g. India, US, EPO")
        completer = self.destination.completer()
        assert completer is not None
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.regime_checks: dict[Regime, QCheckBox] = {}
        regimes = QHBoxLayout()
        regimes.setContentsMargins(0, 0, 0, 0)
        for regime, label in REGIME_CHOICES.items():
            check = QCheckBox(label)
            check.setAccessibleName(f"Regime {regime.value}")
            self.regime_checks[regime] = check
            regimes.addWidget(check)
        regimes.addStretch(1)
        self.regimes_hint = QLabel()
        self.regimes_hint.setWordWrap(True)
        self.regimes_hint.setStyleSheet("color: palette(mid);")
        regimes_box = QWidget()
        regimes_column = QVBoxLayout(regimes_box)
        regimes_column.setContentsMargins(0, 0, 0, 0)
        regimes_column.setSpacing(2)
        regimes_column.addLayout(regimes)
        regimes_column.addWidget(self.regimes_hint)

        where = QGroupBox("Where, and under which law")
        form = self._form()
        self._row(form, "&Destination *", "destination", self.destination)
        self._row(form, "Re&gimes", "regimes", regimes_box)
        where.setLayout(form)

        # Mechanisms, in order.
        self.mechanisms_table = QTableWidget(0, 2)
        self.mechanisms_table.setHorizontalHeaderLabels(["Mechanism", "Signed document"])
        self.mechanisms_table.setAccessibleName("Mechanisms")
        self.mechanisms_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mechanisms_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.mechanisms_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mechanisms_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mechanisms_table.setMinimumHeight(120)
        self.mechanisms_table.itemSelectionChanged.connect(self._update_mechanism_buttons)
        self.add_mechanism_button = QPushButton("&Add")
        self.add_mechanism_button.setToolTip("Add a mechanism (the one the rules suggest first)")
        self.add_mechanism_button.clicked.connect(lambda: self.add_mechanism())
        self.remove_mechanism_button = QPushButton("Remo&ve")
        self.remove_mechanism_button.clicked.connect(self.remove_mechanism)
        self.up_button = QPushButton("Move u&p")
        self.up_button.clicked.connect(lambda: self.move_mechanism(-1))
        self.down_button = QPushButton("Move do&wn")
        self.down_button.clicked.connect(lambda: self.move_mechanism(1))
        buttons = QHBoxLayout()
        for b in (
            self.add_mechanism_button,
            self.remove_mechanism_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        mechanisms = QGroupBox("Mechanisms relied on (the first is primary, then fallbacks)")
        mech_layout = QVBoxLayout(mechanisms)
        mech_layout.addWidget(self.mechanisms_table, 1)
        mech_layout.addWidget(self._error_label("mechanisms"))
        mech_layout.addLayout(buttons)

        # What data.
        self.service_edit = QLineEdit()
        self.service_edit.setPlaceholderText("e.g. Cloud hosting of the customer platform")
        self.service_edit.setAccessibleName("Service")
        self.purpose_edit = QLineEdit()
        self.purpose_edit.setPlaceholderText("Why the data go there")
        self.purpose_edit.setAccessibleName("Purpose")
        self.categories_list = self._check_list("Data categories")
        self.subjects_list = self._check_list("Data subjects")
        self.special_check = QCheckBox("Special-category data (Art 9)")
        self.criminal_check = QCheckBox("Criminal-offence data (Art 10)")
        self.frequency_combo = self._combo(FREQUENCY_CHOICES, "Frequency")
        self.volume_combo = self._combo(VOLUME_CHOICES, "Volume")
        lists = QHBoxLayout()
        for title, widget in (
            ("Data categories", self.categories_list),
            ("Data subjects", self.subjects_list),
        ):
            column = QVBoxLayout()
            caption = QLabel(title)
            caption.setBuddy(widget)
            column.addWidget(caption)
            column.addWidget(widget)
            lists.addLayout(column)
        flags = QHBoxLayout()
        flags.addWidget(self.special_check)
        flags.addWidget(self.criminal_check)
        flags.addStretch(1)
        how = QHBoxLayout()
        how.addWidget(self.frequency_combo, 1)
        volume_label = QLabel("Vo&lume")
        volume_label.setBuddy(self.volume_combo)
        how.addWidget(volume_label)
        how.addWidget(self.volume_combo, 1)
        data = QGroupBox("What data, and why")
        form = self._form()
        self._row(form, "&Service", "service", self.service_edit)
        self._row(form, "Pu&rpose", "purpose", self.purpose_edit)
        form.addRow(lists)
        form.addRow(flags)
        frequency_label = QLabel("&Frequency")
        frequency_label.setBuddy(self.frequency_combo)
        form.addRow(frequency_label, how)
        data.setLayout(form)

        # Dates and notes.
        today = self.ctx.today
        self.started_edit = OptionalDateEdit("Start", today)
        self.ended_edit = OptionalDateEdit("End", today)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setAccessibleName("Notes")
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        dates = QGroupBox("Dates and notes")
        form = self._form()
        self._row(form, "S&tarts", "started_on", self.started_edit)
        self._row(form, "&Ends", "ended_on", self.ended_edit)
        self._row(form, "&Notes", "notes", self.notes_edit)
        dates.setLayout(form)

        body = QWidget()
        column = QVBoxLayout(body)
        for box in (parties, where, mechanisms, data, dates):
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        scroll.setMinimumWidth(560)

        # Every change re-validates and re-reads the rules.
        self.access_combo.currentIndexChanged.connect(self._access_changed)
        self.exporter_combo.currentIndexChanged.connect(self._exporter_changed)
        self.exporter_picker.changed.connect(self._exporter_changed)
        self.importer.changed.connect(self._importer_changed)
        self.upstream_combo.currentIndexChanged.connect(self._upstream_changed)
        self.exporter_role_combo.currentIndexChanged.connect(self._role_changed)
        self.importer_role_combo.currentIndexChanged.connect(self._role_changed)
        self.destination.currentIndexChanged.connect(self._destination_edited)
        self.destination.editTextChanged.connect(self._destination_edited)
        for check in self.regime_checks.values():
            check.toggled.connect(self._regimes_toggled)
        self.service_edit.textChanged.connect(self._touch("service"))
        self.purpose_edit.textChanged.connect(self._touch("purpose"))
        self.categories_list.itemChanged.connect(self._touch("data_categories"))
        self.subjects_list.itemChanged.connect(self._touch("data_subjects"))
        self.special_check.toggled.connect(self._touch("special_category"))
        self.criminal_check.toggled.connect(self._touch("criminal_data"))
        self.frequency_combo.currentIndexChanged.connect(self._touch("frequency"))
        self.volume_combo.currentIndexChanged.connect(self._touch("volume"))
        self.started_edit.changed.connect(self._touch("started_on"))
        self.ended_edit.changed.connect(self._touch("ended_on"))
        self.notes_edit.textChanged.connect(self._touch("notes"))
        return scroll

    def _check_list(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setAccessibleName(name)
        widget.setUniformItemSizes(True)
        widget.setMinimumHeight(110)
        widget.setMaximumHeight(150)
        return widget

    # -- the register, read lazily and kept for the dialog's life ------------------------------

    def _search_entities(self, text: str) -> list[tuple[int, str]]:
        """Live entities whose name (or legal name) starts with the text, then those with a
        word starting with every word typed: indexed queries, a few dozen rows at most."""
        key = name_key(text)
        if not key:
            return []
        hits = dict(self.repo.entities_with_key_prefix(key, SUGGESTIONS))
        ranked = sorted(hits.items(), key=lambda kv: (kv[1].casefold(), kv[0]))
        words = [w for w in key.split() if len(w) >= 2]
        if len(hits) < SUGGESTIONS and words:
            more: list[int] = []
            for entity_id, nk, lk in self.repo.entities_with_word_prefixes(words, 500):
                if entity_id in hits:
                    continue
                have = f"{nk} {lk}".split()
                if all(any(h.startswith(w) for h in have) for w in words):
                    more.append(entity_id)
                if len(more) >= SUGGESTIONS - len(hits):
                    break
            names = self.repo.names_of(more)
            ranked += sorted(
                ((i, names[i]) for i in more if i in names), key=lambda kv: kv[1].casefold()
            )
        return ranked

    def _entity(self, entity_id: int | None) -> Entity | None:
        if entity_id is None:
            return None
        if entity_id not in self._entities:
            try:
                self._entities[entity_id] = self.repo.get_entity(entity_id)
            except TransfersError:
                self._entities[entity_id] = None
        return self._entities[entity_id]

    def _name(self, entity_id: int) -> str:
        e = self._entity(entity_id)
        return e.name if e is not None else f"#{entity_id}"

    def documents_of(self, entity_id: int | None) -> list[Document]:
        if entity_id is None:
            return []
        if entity_id not in self._documents:
            self._documents[entity_id] = self.repo.documents_of(entity_id)
        return self._documents[entity_id]

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

        def read(service: RegisterService, _job: Job) -> list[Tia]:
            return [x for x in service.repo.list_tias() if x.transfer_id == transfer_id]

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
        own = self.repo.own_entities()
        for e in own:
            assert e.id is not None
            self._entities[e.id] = e
            self.exporter_combo.addItem(e.name, e.id)
        own_ids = {e.id for e in own}
        for item in self.repo.catalogue("data_category"):
            self._add_check(self.categories_list, item.name, item.description, False)
        for item in self.repo.catalogue("data_subject"):
            self._add_check(self.subjects_list, item.name, item.description, False)

        if t is None:
            access = Access.STORAGE
            if exporter_id is not None and exporter_id not in own_ids:
                access = Access.ONWARD  # a party that is not ours can only pass data on
            self._set_combo(self.access_combo, access)
            self._set_exporter(exporter_id if exporter_id is not None else None, access)
            if importer_id is not None:
                self.importer.set_entity(importer_id, self._name(importer_id))
            onward = access is Access.ONWARD
            self._set_combo(self.exporter_role_combo, Role.PROCESSOR if onward else Role.CONTROLLER)
            self._set_combo(
                self.importer_role_combo, Role.SUBPROCESSOR if onward else Role.PROCESSOR
            )
            self._fill_upstream(None)
            self._set_destination(None)
            self._default_destination()
            self._apply_default_regimes()
            self._fill_mechanisms()
            return

        self._set_combo(self.access_combo, t.access)
        self._set_exporter(t.exporter_id, t.access)
        self.importer.set_entity(t.importer_id, self._name(t.importer_id))
        self._fill_upstream(t.parent_transfer_id)
        if self.exporter_role_combo.findData(t.exporter_role) < 0:
            self.exporter_role_combo.addItem(ROLE_CHOICES[t.exporter_role], t.exporter_role)
        self._set_combo(self.exporter_role_combo, t.exporter_role)
        self._set_combo(self.importer_role_combo, t.importer_role)
        self._set_destination(t.destination)
        if t.regimes:
            for regime, check in self.regime_checks.items():
                check.setChecked(regime in t.regimes)
        else:
            self._apply_default_regimes()
        self.service_edit.setText(t.service)
        self.purpose_edit.setText(t.purpose)
        for name in t.data_categories:
            self._tick(self.categories_list, name)
        for name in t.data_subjects:
            self._tick(self.subjects_list, name)
        self.special_check.setChecked(t.special_category)
        self.criminal_check.setChecked(t.criminal_data)
        self._set_combo(self.frequency_combo, t.frequency)
        self._set_combo(self.volume_combo, t.volume)
        self.started_edit.set_value(t.started_on)
        self.ended_edit.set_value(t.ended_on)
        self.notes_edit.setPlainText(t.notes)
        self._uses = list(t.mechanisms)
        self._fill_mechanisms()

    @staticmethod
    def _set_combo(combo: QComboBox, value: object) -> None:
        combo.setCurrentIndex(max(combo.findData(value), 0))

    @staticmethod
    def _add_check(widget: QListWidget, name: str, tip: str, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        item.setToolTip(tip or name)
        widget.addItem(item)
        return item

    def _tick(self, widget: QListWidget, name: str) -> None:
        for row in range(widget.count()):
            item = widget.item(row)
            if item is not None and item.text() == name:
                item.setCheckState(Qt.CheckState.Checked)
                return
        # A name no longer in the catalogue stays on the transfer.
        self._add_check(widget, name, "Not in the catalogue", True)

    @staticmethod
    def _checked(widget: QListWidget) -> tuple[str, ...]:
        out = []
        for row in range(widget.count()):
            item = widget.item(row)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(item.text())
        return tuple(out)

    def check_item(self, widget: QListWidget, name: str, on: bool = True) -> None:
        """Tick (or untick) an entry of a data list by its name."""
        for row in range(widget.count()):
            item = widget.item(row)
            if item is not None and item.text() == name:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                return
        raise KeyError(name)

    def _set_exporter(self, exporter_id: int | None, access: Access) -> None:
        onward = access is Access.ONWARD
        self.exporter_stack.setCurrentIndex(1 if onward else 0)
        if exporter_id is None:
            return
        if onward:
            self.exporter_picker.set_entity(exporter_id, self._name(exporter_id))
            return
        index = self.exporter_combo.findData(exporter_id)
        if index < 0:  # on the register as exporter, though not (or no longer) one of ours
            self.exporter_combo.addItem(
                f"{self._name(exporter_id)} (not one of our entities)", exporter_id
            )
            index = self.exporter_combo.count() - 1
        self.exporter_combo.setCurrentIndex(index)

    def _set_destination(self, code: str | None) -> None:
        with QSignalBlocker(self.destination):
            index = self.destination.findData(code) if code else -1
            if index < 0 and code:
                self.destination.addItem(f"{code} (unknown code)", code)
                index = self.destination.count() - 1
            self.destination.setCurrentIndex(index)
            if index < 0:
                self.destination.setEditText("")

    # -- reading the form -----------------------------------------------------------------------

    def access(self) -> Access:
        return Access(self.access_combo.currentData())

    def exporter_id(self) -> int | None:
        if self.access() is Access.ONWARD:
            return self.exporter_picker.entity_id()
        data = self.exporter_combo.currentData()
        return int(data) if data is not None else None

    def destination_code(self) -> str | None:
        """The destination chosen or typed: a list entry, an ISO code or an English name."""
        text = self.destination.currentText().strip()
        if not text:
            return None
        index = self.destination.currentIndex()
        if index >= 0 and self.destination.itemText(index) == text:
            return str(self.destination.itemData(index))
        found = self.destination.findText(text, Qt.MatchFlag.MatchFixedString)
        if found >= 0:
            return str(self.destination.itemData(found))
        try:
            return normalise_code(text, "destination")
        except ValidationError:
            return None

    def regimes(self) -> tuple[Regime, ...]:
        return tuple(r for r, check in self.regime_checks.items() if check.isChecked())

    def default_regimes(self) -> tuple[tuple[Regime, ...], str]:
        """The regimes the transfer has when it names none, and where they come from: an
        onward transfer's come from the start of its chain; others are the exporter's."""
        parent_id = self.upstream_combo.currentData()
        if self.access() is Access.ONWARD and parent_id is not None:
            seen: set[int] = set()
            current: int | None = int(parent_id)
            while current is not None and current not in seen:
                seen.add(current)
                try:
                    up = self.repo.get_transfer(current)
                except TransfersError:
                    break
                if up.regimes:
                    return up.regimes, "of the upstream transfer"
                if up.parent_transfer_id is None:
                    exporter = self._entity(up.exporter_id)
                    if exporter is not None and exporter.exporter_regimes:
                        return exporter.exporter_regimes, f"of {exporter.name}, upstream"
                    break
                current = up.parent_transfer_id
        exporter = self._entity(self.exporter_id())
        if exporter is not None and exporter.exporter_regimes:
            return exporter.exporter_regimes, f"of the exporter, {exporter.name}"
        return (), ""

    def _stored_regimes(self) -> tuple[Regime, ...]:
        """What is saved: nothing while the ticks follow the default, so the transfer keeps
        following its exporter (or upstream transfer) if those change later."""
        ticked = self.regimes()
        if not self._regimes_custom and ticked == self.default_regimes()[0]:
            return ()
        return ticked

    def _candidate(self) -> Transfer:
        parent = self.upstream_combo.currentData() if self.access() is Access.ONWARD else None
        volume = self.volume_combo.currentData()  # Qt hands back the plain value
        fields: dict[str, Any] = {
            "exporter_id": self.exporter_id() or 0,
            "importer_id": self.importer.entity_id() or 0,
            "destination": self.destination_code() or "",
            "access": self.access(),
            "importer_role": Role(self.importer_role_combo.currentData()),
            "exporter_role": Role(self.exporter_role_combo.currentData()),
            "regimes": self._stored_regimes(),
            "service": self.service_edit.text().strip(),
            "purpose": self.purpose_edit.text().strip(),
            "data_categories": self._checked(self.categories_list),
            "data_subjects": self._checked(self.subjects_list),
            "special_category": self.special_check.isChecked(),
            "criminal_data": self.criminal_check.isChecked(),
            "frequency": Frequency(self.frequency_combo.currentData()),
            "volume": VolumeBand(volume) if volume else None,
            "parent_transfer_id": int(parent) if parent is not None else None,
            "mechanisms": tuple(self._uses),
            "started_on": self.started_edit.value(),
            "ended_on": self.ended_edit.value(),
            "notes": self.notes_edit.toPlainText().strip(),
        }
        if self.original is not None:
            return replace(self.original, **fields)
        return Transfer(**fields)

    def problems(self) -> list[ValidationError]:
        """What stops the transfer being saved: the editor's own checks, then the domain's."""
        t = self._candidate()
        found: list[ValidationError] = []
        if not t.exporter_id:
            if self.access() is not Access.ONWARD and self.exporter_combo.count() == 0:
                found.append(
                    ValidationError(
                        "exporter_id",
                        "none of our entities is marked as an exporter: tick its regimes "
                        "in the entity editor first",
                    )
                )
            else:
                found.append(ValidationError("exporter_id", REQUIRED))
        if not t.importer_id:
            text = self.importer.edit.text().strip()
            found.append(
                ValidationError("importer_id", f"'{text}' is not on the register; choose a name")
                if text
                else ValidationError("importer_id", REQUIRED)
            )
        if not t.destination:
            text = self.destination.currentText().strip()
            found.append(
                ValidationError("destination", f"'{text}' is not a country or organisation")
                if text
                else ValidationError("destination", REQUIRED)
            )
        if not self.regimes():
            found.append(
                ValidationError(
                    "regimes",
                    "tick at least one: the rules assess a transfer under the UK, EU or "
                    "Swiss regime",
                )
            )
        seen: set[MechanismUse] = set()
        for n, use in enumerate(t.mechanisms, start=1):
            if use in seen:
                found.append(
                    ValidationError(
                        "mechanisms",
                        f"line {n} repeats {MECHANISM_LABELS[use.mechanism]} with the "
                        "same document",
                    )
                )
            seen.add(use)
        for p in problems(t):
            if p.field == "importer_id" and not t.importer_id:
                continue  # said above, in words that fit
            if p.field == "destination" and not t.destination:
                continue
            found.append(p)
        return found

    # -- reacting to changes --------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self._validate()
        self.update_panel()

    def _access_changed(self) -> None:
        access = self.access()
        onward = access is Access.ONWARD
        self.exporter_stack.setCurrentIndex(1 if onward else 0)
        if not self._loading:
            self._touched.add("access")
            if self._roles_auto:
                with (
                    QSignalBlocker(self.exporter_role_combo),
                    QSignalBlocker(self.importer_role_combo),
                ):
                    self._set_combo(
                        self.exporter_role_combo, Role.PROCESSOR if onward else Role.CONTROLLER
                    )
                    self._set_combo(
                        self.importer_role_combo, Role.SUBPROCESSOR if onward else Role.PROCESSOR
                    )
        self._fill_upstream(self.upstream_combo.currentData())
        self.upstream_combo.setEnabled(onward)
        self._default_destination()
        self._apply_default_regimes()
        self._changed()

    def _exporter_changed(self, *_args: object) -> None:
        if not self._loading:
            self._touched.add("exporter_id")
        self._fill_upstream(self.upstream_combo.currentData())
        self._apply_default_regimes()
        self._changed()

    def _importer_changed(self) -> None:
        if not self._loading:
            self._touched.add("importer_id")
        importer_docs = {d.id for d in self.documents_of(self.importer.entity_id())}
        # A document linked for another importer does not belong to this one.
        self._uses = [
            u
            if u.document_id is None or u.document_id in importer_docs
            else replace(u, document_id=None)
            for u in self._uses
        ]
        self._fill_mechanisms()
        self._default_destination()
        self._changed()

    def _upstream_changed(self) -> None:
        if not self._loading:
            self._touched.add("parent_transfer_id")
        self._apply_default_regimes()
        self._changed()

    def _role_changed(self) -> None:
        if not self._loading:
            self._roles_auto = False
            self._touched.add("roles")
        self._changed()

    def _destination_edited(self, *_args: object) -> None:
        if not self._loading:
            self._destination_auto = False
            self._touched.add("destination")
        self._changed()

    def _regimes_toggled(self) -> None:
        if not self._loading:
            self._regimes_custom = self.regimes() != self.default_regimes()[0]
            self._touched.add("regimes")
        self._update_regimes_hint()
        self._changed()

    def _apply_default_regimes(self) -> None:
        if not self._regimes_custom:
            regimes = self.default_regimes()[0]
            for regime, check in self.regime_checks.items():
                with QSignalBlocker(check):
                    check.setChecked(regime in regimes)
        self._update_regimes_hint()

    def _update_regimes_hint(self) -> None:
        default, source = self.default_regimes()
        names = ", ".join(r.value for r in default)
        if not default:
            text = (
                "The exporter is not one of our entities: tick the regimes this transfer is "
                "assessed under."
            )
        elif self.regimes() == default:
            text = f"Following the regimes {source} ({names})."
        else:
            text = f"Set for this transfer; the regimes {source} are {names}."
        self.regimes_hint.setText(text)

    def _default_destination(self) -> None:
        """A new transfer goes, until the user says otherwise, where the importer works."""
        if not self._destination_auto:
            return
        importer_id = self.importer.entity_id()
        if importer_id is None:
            return
        locations = self.repo.locations_of(importer_id)
        if not locations:
            return
        order = DESTINATION_HINTS[self.access()]
        best = min(
            locations,
            key=lambda loc: order.index(loc.activity) if loc.activity in order else len(order),
        )
        self._set_destination(best.country)

    def _fill_upstream(self, current: object) -> None:
        """The transfers that bring data to the exporter: those it can pass on."""
        exporter_id = self.exporter_id() if self.access() is Access.ONWARD else None
        with QSignalBlocker(self.upstream_combo):
            self.upstream_combo.clear()
            self.upstream_combo.addItem("(none: the chain starts here)", None)
            candidates: list[Transfer] = []
            if exporter_id is not None:
                candidates = [
                    t
                    for t in self.repo.transfers_of(exporter_id)
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
                self.upstream_combo.addItem(label, t.id)
                self.upstream_combo.setItemData(
                    self.upstream_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole
                )
            index = self.upstream_combo.findData(current) if current is not None else -1
            original_parent = self.original.parent_transfer_id if self.original else None
            if index < 0 and current is not None and current == original_parent:
                self.upstream_combo.addItem(f"transfer #{current} (not found)", current)
                index = self.upstream_combo.count() - 1
            untouched = self.original is None and "parent_transfer_id" not in self._touched
            if index < 0 and len(candidates) == 1 and untouched:
                index = 1  # the only transfer it receives
            self.upstream_combo.setCurrentIndex(max(index, 0))
        self.upstream_combo.setEnabled(self.access() is Access.ONWARD)

    # -- mechanisms -----------------------------------------------------------------------------

    def mechanisms(self) -> list[MechanismUse]:
        return list(self._uses)

    def _documents_for(self, mechanism: Mechanism, linked: int | None) -> list[Document]:
        kinds = EXPECTED_KIND.get(mechanism, set())
        return [
            d
            for d in self.documents_of(self.importer.entity_id())
            if d.kind in kinds and (d.status is DocumentStatus.CURRENT or d.id == linked)
        ]

    def _fill_mechanisms(self, select: int | None = None) -> None:
        table = self.mechanisms_table
        table.setRowCount(len(self._uses))
        for row, use in enumerate(self._uses):
            combo = QComboBox()
            combo.setAccessibleName(f"Mechanism {row + 1}")
            for m, label in MECHANISM_LABELS.items():
                combo.addItem(label, m)
            self._set_combo(combo, use.mechanism)
            combo.currentIndexChanged.connect(lambda _i, r=row: self._mechanism_changed(r))
            docs = QComboBox()
            docs.setAccessibleName(f"Document {row + 1}")
            docs.currentIndexChanged.connect(lambda _i, r=row: self._document_changed(r))
            table.setCellWidget(row, 0, combo)
            table.setCellWidget(row, 1, docs)
            self._fill_documents(row)
        table.setVerticalHeaderLabels(
            ["1 (primary)" if i == 0 else str(i + 1) for i in range(len(self._uses))]
        )
        if select is not None and 0 <= select < len(self._uses):
            table.selectRow(select)
        self._update_mechanism_buttons()

    def _fill_documents(self, row: int) -> None:
        use = self._uses[row]
        combo = self.document_combo(row)
        with QSignalBlocker(combo):
            combo.clear()
            if use.mechanism is Mechanism.ADEQUACY:
                combo.addItem("no document needed", None)
                combo.setEnabled(False)
                return
            combo.setEnabled(True)
            docs = self._documents_for(use.mechanism, use.document_id)
            combo.addItem(
                "(not linked: the rules look for a fitting document)"
                if docs
                else "(none of this kind on the register for the importer)",
                None,
            )
            for d in docs:
                label = f"{d.title} — {DOCUMENT_KIND_LABELS[d.kind]}"
                if d.doc_version > 1:
                    label += f", v{d.doc_version}"
                if d.status is not DocumentStatus.CURRENT:
                    label += " (superseded)"
                combo.addItem(label, d.id)
                combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
            index = combo.findData(use.document_id) if use.document_id is not None else 0
            if index < 0:  # linked to a document the importer is not a party to
                combo.addItem(f"document #{use.document_id}", use.document_id)
                index = combo.count() - 1
            combo.setCurrentIndex(index)

    def mechanism_combo(self, row: int) -> QComboBox:
        widget = self.mechanisms_table.cellWidget(row, 0)
        assert isinstance(widget, QComboBox)
        return widget

    def document_combo(self, row: int) -> QComboBox:
        widget = self.mechanisms_table.cellWidget(row, 1)
        assert isinstance(widget, QComboBox)
        return widget

    def _mechanism_changed(self, row: int) -> None:
        mechanism = Mechanism(self.mechanism_combo(row).currentData())
        self._uses[row] = MechanismUse(mechanism, None)
        self._fill_documents(row)
        self._touched.add("mechanisms")
        self._changed()

    def _document_changed(self, row: int) -> None:
        data = self.document_combo(row).currentData()
        self._uses[row] = replace(self._uses[row], document_id=int(data) if data else None)
        self._touched.add("mechanisms")
        self._changed()

    def suggested_mechanism(self) -> Mechanism:
        """What the rules would list next: the first safeguard that fits a regime needing one
        and is not listed yet; adequacy where the destination is adequate."""
        listed = {u.mechanism for u in self._uses}
        assessments = self.assessments()
        for a in assessments.values():
            if a.finding is Finding.ADEQUATE and Mechanism.ADEQUACY not in listed:
                return Mechanism.ADEQUACY
            certified = a.decision is not None and a.decision.requires_certification
            if certified and a.finding is Finding.ADEQUATE_IF and Mechanism.DPF not in listed:
                return Mechanism.DPF
            if a.needs_mechanism:
                for s in a.safeguards:
                    if s.mechanism not in listed and s.mechanism is not Mechanism.DEROGATION:
                        return s.mechanism
        return Mechanism.EU_SCC if Mechanism.EU_SCC not in listed else Mechanism.ADEQUACY

    def add_mechanism(self, mechanism: Mechanism | None = None) -> int:
        """Add a mechanism at the end (the rules' suggestion if none given); its row."""
        self._uses.append(MechanismUse(mechanism or self.suggested_mechanism()))
        row = len(self._uses) - 1
        self._fill_mechanisms(select=row)
        self._touched.add("mechanisms")
        self._changed()
        self.mechanism_combo(row).setFocus()
        return row

    def _selected_mechanism(self) -> int | None:
        model = self.mechanisms_table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return rows[0].row() if rows else None

    def remove_mechanism(self) -> None:
        row = self._selected_mechanism()
        if row is None:
            return
        del self._uses[row]
        self._fill_mechanisms(select=min(row, len(self._uses) - 1))
        self._touched.add("mechanisms")
        self._changed()

    def move_mechanism(self, step: int) -> None:
        row = self._selected_mechanism()
        if row is None or not 0 <= row + step < len(self._uses):
            return
        uses = self._uses
        uses[row], uses[row + step] = uses[row + step], uses[row]
        self._fill_mechanisms(select=row + step)
        self._touched.add("mechanisms")
        self._changed()

    def _update_mechanism_buttons(self) -> None:
        row = self._selected_mechanism()
        self.remove_mechanism_button.setEnabled(row is not None)
        self.up_button.setEnabled(row is not None and row > 0)
        self.down_button.setEnabled(row is not None and row < len(self._uses) - 1)

    # -- validation -----------------------------------------------------------------------------

    def _validate(self) -> bool:
        found = self.problems()
        by_field: dict[str, list[str]] = {}
        pending: list[str] = []
        for p in found:
            field = p.field if p.field in self._errors else "general"
            waiting = p.message == REQUIRED and field not in self._touched
            if waiting or field == "general":
                pending.append(human_message(p))
            else:
                by_field.setdefault(field, []).append(human_message(p))
        for label in set(self._errors.values()):
            label.setText("")
        for field, texts in by_field.items():
            label = self._errors[field]
            label.setText("\n".join(filter(None, [label.text(), *texts])))
        for label in set(self._errors.values()):
            label.setVisible(bool(label.text()))
        self.summary.setText("Before saving: " + "; ".join(pending) if pending else "")
        self.save_button.setEnabled(not found)
        self.save_button.setToolTip(
            "Fix the problems shown in red first" if found else "Save the transfer (Ctrl+S)"
        )
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
        """The importer's DPF status: from the evidence linked to a DPF line, else from its
        newest certification evidence on the register."""
        for use in self._uses:
            if use.mechanism is Mechanism.DPF and use.document_id is not None:
                linked = [
                    d
                    for d in self.documents_of(self.importer.entity_id())
                    if d.id == use.document_id
                ]
                if linked:
                    return certifications_of(linked, self.ctx.today)
        return certifications_of(self.documents_of(self.importer.entity_id()), self.ctx.today)

    def assessments(self) -> dict[Regime, DestinationAssessment]:
        """What the law requires under each ticked regime, for the destination and roles."""
        code = self.destination_code()
        if not code or not is_known_code(code):
            return {}
        ref = self.ctx.service.ref
        certs = self._dpf_evidence()[0] if code in ref.certified_destinations else NO_CERTS
        importer_role = Role(self.importer_role_combo.currentData())
        exporter_role = Role(self.exporter_role_combo.currentData())
        return {
            regime: assess_destination(
                ref, regime, code, self.ctx.today, importer_role, exporter_role, certs
            )
            for regime in self.regimes()
        }

    def evaluate(self) -> TransferStatus | None:
        """The gaps the rules would report for the transfer as entered (None: too little
        entered to judge)."""
        t = self._candidate()
        exporter = self._entity(t.exporter_id or None)
        importer = self._entity(t.importer_id or None)
        regimes = self.regimes()
        if exporter is None or importer is None or not regimes or not is_known_code(t.destination):
            return None
        docs = list(self.documents_of(importer.id))
        known = {d.id for d in docs}
        for use in t.mechanisms:
            if use.document_id is not None and use.document_id not in known:
                try:
                    docs.append(self.repo.get_document(use.document_id))
                    known.add(use.document_id)
                except TransfersError:
                    pass
        documents = {d.id: d for d in docs if d.id is not None}
        successors = {d.supersedes_id: d for d in docs if d.supersedes_id is not None}
        party = [d for d in docs if importer.id in d.party_ids and d.archived_at is None]
        # Prefer documents the exporter also signed, as the register's status does.
        party.sort(
            key=lambda d: (t.exporter_id not in d.party_ids, d.status is DocumentStatus.SUPERSEDED)
        )
        context = TransferContext(
            transfer=t,
            exporter=exporter,
            importer=importer,
            regimes=regimes,
            exporter_role=t.exporter_role,
            documents=documents,
            importer_documents=party,
            tias=self._tias or [],
            successors=successors,
        )
        return evaluate_transfer(self.ctx.service.ref, context, self.ctx.today)

    def update_panel(self) -> None:
        bar = self.panel.verticalScrollBar()
        position = bar.value() if bar is not None else 0
        self.panel.setHtml(self.requirements_html())
        if bar is not None:
            bar.setValue(position)

    def requirements_html(self) -> str:
        """The panel: per regime what the destination needs, then the transfer's problems."""
        code = self.destination_code()
        if not code or not is_known_code(code):
            return (
                "<p>Choose the destination: the rules then show, for each regime, whether the "
                "transfer needs a safeguard, which ones fit and whether a transfer assessment "
                "is needed.</p>"
            )
        ref = self.ctx.service.ref
        importer_role = Role(self.importer_role_combo.currentData())
        exporter_role = Role(self.exporter_role_combo.currentData())
        module = scc_module(exporter_role, importer_role)
        place = f"{country_name(code)} ({code})"
        parts = [
            f"<h3 style='margin-bottom:2px'>Transfer to {esc(place)}</h3>",
            f"<p style='color:#57606a; margin-top:0'>On {_fmt(self.ctx.today)} · "
            f"{esc(exporter_role.value)} to {esc(importer_role.value)} · SCC "
            f"{esc(MODULE_NAMES[module])}</p>",
        ]
        status = self.evaluate()
        parts.append(self._status_html(status))
        if code in ref.certified_destinations:
            parts.append(self._dpf_html())
        assessments = self.assessments()
        if not assessments:
            parts.append("<p>Tick a regime to see what it requires.</p>")
        for regime, a in assessments.items():
            parts.append(self._assessment_html(regime, a))
        return "".join(parts)

    def _status_html(self, status: TransferStatus | None) -> str:
        if status is None:
            missing = [
                what
                for what, ok in (
                    ("the exporter", self.exporter_id() is not None),
                    ("the importer", self.importer.entity_id() is not None),
                    ("a regime", bool(self.regimes())),
                )
                if not ok
            ]
            return (
                "<p style='color:#57606a'><i>Choose "
                + esc(" and ".join(missing) or "the parties")
                + " to see the problems the rules would report.</i></p>"
            )
        parts = ["<h4 style='margin-bottom:2px'>This transfer as entered</h4>"]
        covered = []
        for result in status.results:
            regime = esc(result.assessment.regime.value)
            if result.covered_by is not None:
                by = esc(MECHANISM_LABELS[result.covered_by])
                covered.append(f"{regime}: <span style='color:#1b5e20'>covered by {by}</span>")
            elif result.assessment.finding is Finding.NOT_RESTRICTED:
                covered.append(f"{regime}: not a restricted transfer")
            else:
                covered.append(f"{regime}: <b style='color:#b3261e'>not covered</b>")
        parts.append("<p style='margin-top:0'>" + "; ".join(covered) + "</p>")
        gaps = list(status.gaps)
        if self._tias is None or self._tia_error is not None:
            # Not read (yet): the assessment is judged once they are in.
            gaps = [g for g in gaps if g.code not in (GapCode.TIA_MISSING, GapCode.TIA_OVERDUE)]
        if self._tias is None:
            parts.append("<p style='color:#57606a'><i>Reading its assessments…</i></p>")
        elif self._tia_error is not None:
            parts.append(
                "<p style='color:#9a3412'>Its assessments could not be read "
                f"({esc(self._tia_error)}): the TIA/TRA is not judged here.</p>"
            )
        if gaps:
            rows = []
            for g in sorted(gaps, key=lambda g: g.severity.rank):
                fg, bg = SEVERITY_COLOURS[g.severity]
                where = f"{g.regime.value}: " if g.regime is not None else ""
                rows.append(
                    f"<li><span style='color:{fg}; background-color:{bg}'>"
                    f"&nbsp;<b>{g.severity.value.upper()}</b>&nbsp;</span> "
                    f"{esc(where + g.message)}</li>"
                )
            parts.append(
                f"<p style='margin-bottom:0'>Problems the rules would report "
                f"({len(gaps)}):</p>" + _items(rows)
            )
        else:
            parts.append("<p style='color:#1b5e20'><b>No problems:</b> the rules find none.</p>")
        importer = self._entity(status.transfer.importer_id)
        if importer is not None and importer.lifecycle in (
            Lifecycle.PROPOSED,
            Lifecycle.OFFBOARDED,
        ):
            parts.append(
                f"<p style='color:#57606a'>The importer is {esc(importer.lifecycle.value)}: the "
                "register counts this transfer only while the importer is approved or active."
                "</p>"
            )
        if not status.transfer.is_live_on(self.ctx.today):
            parts.append(
                "<p style='color:#57606a'>Not live today (it starts later or has ended); the "
                "rules are applied as of today.</p>"
            )
        return "".join(parts)

    def _dpf_html(self) -> str:
        certs, evidence = self._dpf_evidence()
        if evidence is None:
            return (
                "<p><b>DPF evidence:</b> none on the register for this importer, so the Data "
                "Privacy Framework does not cover it. Add the certification evidence as a "
                "document if it is listed.</p>"
            )
        lists = [
            name
            for name, on in (
                ("EU-US DPF", certs.dpf_eu),
                ("UK Extension", certs.dpf_eu and certs.dpf_uk_extension),
                ("Swiss-US DPF", certs.dpf_swiss),
            )
            if on
        ]
        checked = _fmt(evidence.checked_on) if evidence.checked_on else "never"
        return (
            f"<p><b>DPF evidence:</b> {esc(evidence.title)} (checked {esc(checked)}): "
            f"{esc(', '.join(lists) or 'on no list')}.</p>"
        )

    def _assessment_html(self, regime: Regime, a: DestinationAssessment) -> str:
        badge, words, colour = FINDING_WORDS[a.finding]
        parts = [
            f"<h4 style='margin-bottom:2px'>{esc(REGIME_CHOICES[regime])}: "
            f"<span style='color:{colour}'>{badge}</span></h4>",
            f"<p style='margin-top:0'><b style='color:{colour}'>{esc(words.capitalize())}.</b> "
            f"{esc(a.reason)}</p>",
        ]
        if a.needs_mechanism and a.safeguards:
            title = (
                "Fallback safeguards" if a.finding is Finding.ADEQUATE_IF else "Safeguards that fit"
            )
            rows = [
                f"<li><b>{esc(s.label)}</b><br><small style='color:#57606a'>"
                f"{esc(s.reference)}{'<br>' + esc(s.note) if s.note else ''}</small></li>"
                for s in a.safeguards
            ]
            parts.append(f"<p style='margin-bottom:0'>{title}:</p>" + _items(rows))
        if a.needs_mechanism and a.scc_module is not None:
            parts.append(f"<p>SCC module: <b>{esc(MODULE_NAMES[a.scc_module])}</b></p>")
        if a.restricted and a.finding is not Finding.UNKNOWN:
            name = a.assessment_name or "transfer assessment"
            answer = (
                f"<b style='color:#b3261e'>needed</b> ({esc(name)})"
                if a.tia_required
                else f"not needed while the adequacy finding applies ({esc(name)})"
            )
            parts.append(f"<p>TIA / TRA: {answer}</p>")
        if a.conditions:
            parts.append(
                "<p style='margin-bottom:0'>Conditions:</p>"
                + _items([f"<li>{esc(c)}</li>" for c in a.conditions])
            )
        if a.advisories:
            parts.append(
                "<p style='margin-bottom:0; color:#57606a'>Good to know:</p>"
                + _items([f"<li><small>{esc(n)}</small></li>" for n in a.advisories])
            )
        if a.unverified:
            parts.append(
                f"<p style='color:#9a3412'><small>Relies on {len(a.unverified)} fact(s) the "
                "reference data marks unverified: " + esc("; ".join(a.unverified)) + "</small></p>"
            )
        return "".join(parts)

    # -- saving and closing ---------------------------------------------------------------------

    def save(self) -> Transfer | None:
        """Write the transfer; close on success, stay open with a message on an error."""
        if not self._validate():
            return None
        if self.original is not None and not self.is_dirty():
            self.accept()  # nothing changed: nothing to write
            return None
        repo = self.repo
        try:
            transfer = self.value()
            saved = (
                repo.add_transfer(transfer)
                if transfer.id is None
                else repo.update_transfer(transfer)
            )
        except TransfersError as exc:
            messages.error(self, f"The transfer was not saved.\n\n{exc}")
            return None
        self.saved = saved
        self._initial = self._candidate()
        self.accept()
        return saved

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: ask before dropping unsaved edits."""
        if self.saved is None and self.is_dirty() and not messages.discard_changes(self):
            return
        super().reject()

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
        try:
            transfer = ctx.service.repo.get_transfer(transfer_id) if transfer_id else None
        except TransfersError as exc:
            messages.error(parent, str(exc))
            return None
        dialog = cls(ctx, transfer, exporter_id, importer_id, parent)
        dialog.exec()
        return dialog.saved
