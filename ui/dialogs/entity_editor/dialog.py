"""The entity editor: every field of an entity, its processing locations, its transfers (with
what the law requires for each) and its documents.

Built with data (``EntityEditor(ctx, entity)``); ``value()`` returns the validated ``Entity``;
``EntityEditor.edit(parent, ctx, entity_id)`` wraps ``exec()``. Save writes the entity and its
locations in one transaction. Validation messages appear beside each field, and Save stays
disabled until the record is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import (
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import (
    Activity,
    EntityKind,
    Lifecycle,
    Regime,
)
from transfers_app.domain.models import Document, Entity, Location, Transfer
from transfers_app.domain.validation import ensure_valid, problems
from transfers_app.errors import ValidationError
from transfers_app.rules.destination import Certifications
from ui.context import UiContext
from ui.dialogs.entity_editor.choices import (
    ACTIVITY_CHOICES,
    FIELD_LABELS,
    KIND_CHOICES,
    LIFECYCLE_CHOICES,
    LIFECYCLE_DATE,
    REGIME_CHOICES,
    country_choices,
    group_entities,
    human_message,
)
from ui.dialogs.entity_editor.requirements import certifications, regimes_for, requirements_html
from ui.dialogs.record_editor import RecordEditor, settle
from ui.models.entity_tables import EntityDocumentsModel, EntityTransfer, EntityTransfersModel
from ui.widgets.forms import FieldMessages, button_row, save_cancel_row
from ui.widgets.inputs import LazyComboBox, OptionalDateEdit


@dataclass
class _LocationRow:
    country: QComboBox
    activity: QComboBox
    city: QLineEdit
    original: Location | None


class EntityEditor(FieldMessages, RecordEditor[Entity]):
    """Add or edit an entity, with its locations; shows its transfers and documents."""

    noun = "entity"
    aggregate = "entities"
    proposable = True  # a new supplier, in lifecycle "proposed" (see ``_load``)

    def __init__(
        self, ctx: UiContext, entity: Entity | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.original = entity
        self.saved: Entity | None = None
        # A transfer was saved from this editor (straight away, in its own dialog).
        self.transfers_changed = False
        self._transfers: list[Transfer] = []
        self._transfers_loaded = False
        self._documents_loaded = False
        self._errors: dict[str, QLabel] = {}
        self._original_locations: list[Location] = []
        self.setWindowTitle(f"Edit {entity.name}" if entity is not None else "New entity")
        self.setSizeGripEnabled(True)
        self.resize(980, 680)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._details_tab(), "&Details")
        self.tabs.addTab(self._locations_tab(), "&Locations")
        self.tabs.addTab(self._transfers_tab(), "&Transfers")
        self.tabs.addTab(self._documents_tab(), "D&ocuments")
        self.tabs.currentChanged.connect(self._tab_shown)
        if entity is None:
            # A new vendor and its first transfer in one pass: "Add transfer…" saves the
            # entity first and the dialog stays open. Its documents wait for that save.
            self.tabs.setTabEnabled(3, False)
            self.tabs.setTabToolTip(3, "Save the entity first")
            self.tabs.setTabToolTip(2, "Adding a transfer saves the entity first")

        self.general_error = self._error_label("general")
        bottom, self.save_button, self.cancel_button = save_cancel_row(
            self.general_error, self.save, self.reject
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self._load(entity)
        self._initial = self._snapshot()
        self._validate()
        self.name_edit.setFocus()

    # -- building ---------------------------------------------------------------------------------

    def _line(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._changed)
        return edit

    def _details_tab(self) -> QWidget:
        today = self.ctx.today
        self.name_edit = self._line("Trading name, e.g. Stratus Cloud Hosting")
        self.name_edit.setAccessibleName("Name")
        self.legal_name_edit = self._line("As registered, if different")
        self.kind_combo = QComboBox()
        for kind, label in KIND_CHOICES.items():
            self.kind_combo.addItem(label, kind)
        self.kind_combo.currentIndexChanged.connect(self._changed)
        self.registration_edit = self._line("Company number")
        self.address_edit = QPlainTextEdit()
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.address_edit.textChanged.connect(self._changed)
        self.website_edit = self._line("https://")
        self.contact_name_edit = self._line()
        self.contact_email_edit = self._line("privacy@example.com")
        self.parent_combo = LazyComboBox(self._parent_choices)
        self.parent_combo.setMinimumContentsLength(20)
        self.parent_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.parent_combo.currentIndexChanged.connect(self._changed)
        self.owner_edit = self._line("Who answers for this relationship")
        self.lifecycle_combo = QComboBox()
        for lc, label in LIFECYCLE_CHOICES.items():
            self.lifecycle_combo.addItem(label, lc)
        self.lifecycle_combo.currentIndexChanged.connect(self._lifecycle_changed)
        self.date_edits: dict[str, OptionalDateEdit] = {}
        for field in LIFECYCLE_DATE.values():
            edit = OptionalDateEdit(FIELD_LABELS[field], today)
            edit.changed.connect(self._changed)
            self.date_edits[field] = edit
        self.regime_checks: dict[Regime, QCheckBox] = {}
        regimes = QHBoxLayout()
        for regime, label in REGIME_CHOICES.items():
            check = QCheckBox(label)
            check.toggled.connect(self._changed)
            self.regime_checks[regime] = check
            regimes.addWidget(check)
        regimes.addStretch(1)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.textChanged.connect(self._changed)

        identity = QGroupBox("Identity")
        identity.setLayout(
            self._field_form(
                ("&Name *", "name", self.name_edit),
                ("Le&gal name", "legal_name", self.legal_name_edit),
                ("&Kind", "kind", self.kind_combo),
                ("&Registration no.", "registration_number", self.registration_edit),
                ("Address", "address", self.address_edit),
                ("&Website", "website", self.website_edit),
            )
        )

        contact = QGroupBox("Contact")
        contact.setLayout(
            self._field_form(
                ("Contact na&me", "contact_name", self.contact_name_edit),
                ("Contact &email", "contact_email", self.contact_email_edit),
            )
        )

        governance = QGroupBox("Group and lifecycle")
        governance.setLayout(
            self._field_form(
                ("&Parent entity", "parent_id", self.parent_combo),
                ("Owner", "owner", self.owner_edit),
                ("L&ifecycle", "lifecycle", self.lifecycle_combo),
                *((FIELD_LABELS[f], f, edit) for f, edit in self.date_edits.items()),
            )
        )

        ours = QGroupBox("Our own entity")
        ours_layout = QVBoxLayout(ours)
        explain = QLabel(
            "Tick the regimes whose transfer rules bind this entity as an exporter: only for "
            "our own entities."
        )
        explain.setWordWrap(True)
        ours_layout.addWidget(explain)
        ours_layout.addLayout(regimes)
        ours_layout.addWidget(self._error_label("exporter_regimes"))

        notes = QGroupBox("Notes")
        notes_layout = QVBoxLayout(notes)
        notes_layout.addWidget(self.notes_edit)
        notes_layout.addWidget(self._error_label("notes"))

        left = QVBoxLayout()
        left.addWidget(identity)
        left.addWidget(contact)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(governance)
        right.addWidget(ours)
        right.addWidget(notes, 1)
        tab = QWidget()
        columns = QHBoxLayout(tab)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        return tab

    def _locations_tab(self) -> QWidget:
        self._countries = QStandardItemModel(self)
        for label, code in country_choices():
            item = QStandardItem(label)
            item.setData(code, Qt.ItemDataRole.UserRole)
            self._countries.appendRow(item)
        self._location_rows: list[_LocationRow] = []
        self.locations_table = QTableWidget(0, 3)
        self.locations_table.setHorizontalHeaderLabels(["Country", "Activity", "City"])
        self.locations_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.locations_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.locations_table.verticalHeader().setVisible(False)
        header = self.locations_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Sized to its combo box (a cell widget, which ResizeToContents does not measure:
        # the column showed "Heac" for "Headquarters").
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.add_location_button = QPushButton("&Add location")
        self.add_location_button.clicked.connect(lambda: self.add_location())
        self.remove_location_button = QPushButton("&Remove location")
        self.remove_location_button.clicked.connect(self.remove_selected_location)
        buttons = button_row(self.add_location_button, self.remove_location_button)
        explain = QLabel(
            "Where this entity processes the data: each location is a destination the rules assess."
        )
        explain.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(explain)
        layout.addWidget(self.locations_table, 1)
        layout.addWidget(self._error_label("locations"))
        layout.addLayout(buttons)
        return tab

    def _transfers_tab(self) -> QWidget:
        self.transfers_model = EntityTransfersModel(parent=self)
        self.transfers_table = QTableView()
        self.transfers_table.setModel(self.transfers_model)
        self._read_only(self.transfers_table)
        selection = self.transfers_table.selectionModel()
        selection.selectionChanged.connect(lambda *_a: self._transfer_selected())
        selection.selectionChanged.connect(lambda *_a: self._update_transfer_buttons())
        self.transfers_table.doubleClicked.connect(lambda _index: self.edit_transfer())
        self.requirements = QTextBrowser()
        self.requirements.setOpenExternalLinks(True)
        self.requirements.setPlaceholderText("Select a transfer to see what the law requires.")
        self.add_transfer_button = QPushButton("Add trans&fer…")
        self.add_transfer_button.setToolTip(
            "Record a transfer to or from this entity; what the law requires shows as you type"
        )
        self.add_transfer_button.clicked.connect(self.add_transfer)
        self.edit_transfer_button = QPushButton("&Edit…")
        self.edit_transfer_button.setToolTip("Edit the selected transfer (or double-click it)")
        self.edit_transfer_button.clicked.connect(self.edit_transfer)
        self.edit_transfer_button.setEnabled(False)
        saved_at_once = QLabel("Transfers are saved from their own dialog, straight away.")
        saved_at_once.setStyleSheet("color: palette(mid);")
        buttons = button_row(self.add_transfer_button, self.edit_transfer_button)
        buttons.addWidget(saved_at_once)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.transfers_table, 1)
        top_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.requirements)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(splitter)
        self._update_transfer_buttons()
        return tab

    def _documents_tab(self) -> QWidget:
        self.documents_model = EntityDocumentsModel(today=self.ctx.today, parent=self)
        self.documents_table = QTableView()
        self.documents_table.setModel(self.documents_model)
        self._read_only(self.documents_table)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.documents_table)
        return tab

    @staticmethod
    def _read_only(table: QTableView) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

    # -- loading ----------------------------------------------------------------------------------

    def _load(self, e: Entity | None) -> None:
        self.parent_combo.addItem("(no parent)", None)
        if e is None:
            # A proposal is all procurement may save: its lifecycle is fixed.
            proposing = self.ctx.may_propose
            with QSignalBlocker(self.lifecycle_combo):  # no date is implied for a new entity
                self.lifecycle_combo.setCurrentIndex(
                    self.lifecycle_combo.findData(
                        Lifecycle.PROPOSED if proposing else Lifecycle.ACTIVE
                    )
                )
            if proposing:
                # A proposal is dated: the legal team sees how long it has waited.
                self.date_edits["proposed_on"].set_value(self.ctx.today)
                self.lifecycle_combo.setEnabled(False)
                self.lifecycle_combo.setToolTip(
                    "Your role on this register is procurement: you propose suppliers; the "
                    "legal team approves them"
                )
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(EntityKind.VENDOR))
            return
        self.name_edit.setText(e.name)
        self.legal_name_edit.setText(e.legal_name)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(e.kind), 0))
        self.registration_edit.setText(e.registration_number)
        self.address_edit.setPlainText(e.address)
        self.website_edit.setText(e.website)
        self.contact_name_edit.setText(e.contact_name)
        self.contact_email_edit.setText(e.contact_email)
        if e.parent_id is not None:
            names = self.ctx.services.entities.names([e.parent_id])
            self.parent_combo.addItem(names.get(e.parent_id, f"#{e.parent_id}"), e.parent_id)
            self.parent_combo.setCurrentIndex(1)
        self.owner_edit.setText(e.owner)
        with QSignalBlocker(self.lifecycle_combo):
            self.lifecycle_combo.setCurrentIndex(max(self.lifecycle_combo.findData(e.lifecycle), 0))
        for field, edit in self.date_edits.items():
            edit.set_value(getattr(e, field))
        for regime, check in self.regime_checks.items():
            check.setChecked(regime in e.exporter_regimes)
        self.notes_edit.setPlainText(e.notes)
        if e.id is not None:
            self._original_locations = self.ctx.services.entities.locations(e.id)
            for loc in self._original_locations:
                self.add_location(loc)

    def _parent_choices(self) -> list[tuple[str, Any]]:
        me = self.original.id if self.original is not None else None
        return [(name, i) for i, name in group_entities(self.ctx) if i != me]

    def add_location(self, loc: Location | None = None) -> int:
        """Add a location row (a new one when ``loc`` is None); returns its row number."""
        country = QComboBox()
        country.setModel(self._countries)
        country.setAccessibleName("Country")
        country.setCurrentIndex(max(country.findData(loc.country if loc else "US"), 0))
        if loc is None:
            country.setCurrentIndex(-1)
            country.setPlaceholderText("Choose a country…")
        activity = QComboBox()
        activity.setAccessibleName("Activity")
        for act, label in ACTIVITY_CHOICES.items():
            activity.addItem(label, act)
        default = Activity.HEADQUARTERS if not self._location_rows else Activity.HOSTING
        activity.setCurrentIndex(max(activity.findData(loc.activity if loc else default), 0))
        city = QLineEdit(loc.city if loc else "")
        city.setAccessibleName("City")
        city.setPlaceholderText("City (optional)")
        city.setFrame(False)
        row = self.locations_table.rowCount()
        self.locations_table.insertRow(row)
        self.locations_table.setCellWidget(row, 0, country)
        self.locations_table.setCellWidget(row, 1, activity)
        self.locations_table.setCellWidget(row, 2, city)
        header = self.locations_table.horizontalHeader()
        header.resizeSection(1, max(header.sectionSize(1), activity.sizeHint().width() + 8))
        self._location_rows.append(_LocationRow(country, activity, city, loc))
        country.currentIndexChanged.connect(self._changed)
        activity.currentIndexChanged.connect(self._changed)
        city.textChanged.connect(self._changed)
        self.locations_table.selectRow(row)
        if loc is None:
            country.setFocus()
        self._changed()
        return row

    def remove_selected_location(self) -> None:
        rows = self.locations_table.selectionModel().selectedRows()
        if not rows:
            return
        row = rows[0].row()
        self.locations_table.removeRow(row)
        del self._location_rows[row]
        self._changed()

    def location_row(self, row: int) -> _LocationRow:
        return self._location_rows[row]

    # -- lazy tabs ------------------------------------------------------------------------------

    def _tab_shown(self, index: int) -> None:
        if index == 2 and not self._transfers_loaded:
            self._load_transfers()
        elif index == 3 and not self._documents_loaded:
            self._load_documents()

    def _load_transfers(self) -> None:
        self._transfers_loaded = True
        if self.original is None or self.original.id is None:
            return
        me = self.original.id
        self._transfers = self.ctx.services.transfers.of_entity(me)
        self._transfers.sort(key=lambda t: (t.exporter_id != me, t.destination, t.id or 0))
        others = self.ctx.services.entities.names(
            sorted(
                {t.importer_id if t.exporter_id == me else t.exporter_id for t in self._transfers}
            )
        )
        self.transfers_model.set_rows(
            EntityTransfer(t, t.exporter_id == me, self._other_name(t, me, others))
            for t in self._transfers
        )
        table = self.transfers_table
        table.resizeColumnsToContents()
        if self._transfers:
            table.selectRow(0)
        else:
            self.requirements.setPlainText("This entity is not a party to any transfer.")
        self._update_transfer_buttons()

    @staticmethod
    def _other_name(t: Transfer, me: int, names: dict[int, str]) -> str:
        other = t.importer_id if t.exporter_id == me else t.exporter_id
        return names.get(other, f"#{other}")

    def _selected_transfer(self) -> Transfer | None:
        rows = self.transfers_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self._transfers):
            return None
        return self._transfers[rows[0].row()]

    def _update_transfer_buttons(self) -> None:
        saved = self.original is not None and self.original.id is not None
        # A new entity too: adding its first transfer saves it first (``_save_and_stay``).
        self.add_transfer_button.setEnabled(True)
        self.edit_transfer_button.setEnabled(saved and self._selected_transfer() is not None)

    def add_transfer(self) -> Transfer | None:
        """Open the transfer editor with this entity preset: as the exporter if it is one of
        ours, else as the importer. Reloads the tab after a save."""
        if (self.original is None or self.original.id is None) and not self._save_and_stay():
            return None
        from ui.dialogs.transfer_editor import TransferEditor

        assert self.original is not None and self.original.id is not None
        me = self.original.id
        if self.original.is_own:
            saved = TransferEditor.edit(self, self.ctx, exporter_id=me)
        else:
            saved = TransferEditor.edit(self, self.ctx, importer_id=me)
        self._after_transfer_saved(saved)
        return saved

    def _save_and_stay(self) -> bool:
        """Save a new entity and keep the dialog open on it (its first transfer is added in
        the same pass); False, with the problems shown, when it cannot be saved yet."""
        if not self._validate():
            self.tabs.setCurrentIndex(0)
            return False
        saved = self._write_or_say()
        if saved is None or saved.id is None:
            return False
        self.saved = self.original = saved
        # The rows now stand for stored locations (a later Save updates, never adds twice).
        self.locations_table.setRowCount(0)
        self._location_rows.clear()
        self._original_locations = self.ctx.services.entities.locations(saved.id)
        for loc in self._original_locations:
            self.add_location(loc)
        self._mark_clean()
        self.setWindowTitle(f"Edit {saved.name}")
        self.tabs.setTabEnabled(3, True)
        self.tabs.setTabToolTip(3, "")
        self.tabs.setTabToolTip(2, "")
        return True

    def edit_transfer(self) -> Transfer | None:
        """Open the selected transfer in the transfer editor; reload the tab after a save."""
        t = self._selected_transfer()
        if t is None or t.id is None:
            return None
        from ui.dialogs.transfer_editor import TransferEditor

        saved = TransferEditor.edit(self, self.ctx, transfer_id=t.id)
        self._after_transfer_saved(saved)
        return saved

    def _after_transfer_saved(self, saved: Transfer | None) -> None:
        if saved is None:
            return
        self.transfers_changed = True
        self._load_transfers()
        for row, t in enumerate(self._transfers):
            if t.id == saved.id:
                self.transfers_table.selectRow(row)
                break

    def _regimes_for(self, t: Transfer) -> tuple[tuple[Regime, ...], str]:
        """The regimes a transfer is assessed under, and where they come from."""
        services = self.ctx.services
        return regimes_for(t, services.transfers.get, services.entities.get)

    def _certifications(self, importer_id: int) -> Certifications:
        return certifications(self.ctx.services.documents.of_entity(importer_id))

    def _transfer_selected(self) -> None:
        rows = self.transfers_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self._transfers):
            return
        self.requirements.setHtml(self.requirements_html(self._transfers[rows[0].row()]))

    def requirements_html(self, t: Transfer) -> str:
        """What the law requires for ``t`` today, per regime, from the rules."""
        regimes, source = self._regimes_for(t)
        certs = self._certifications(t.importer_id) if regimes else Certifications()
        in_group = None  # the other party's kind is not at hand here
        me = self.original.id if self.original else None
        if me is not None and t.importer_id == me:
            in_group = self.kind_combo.currentData() is EntityKind.GROUP
        return requirements_html(t, regimes, source, certs, self.ctx.ref, self.ctx.today, in_group)

    def _load_documents(self) -> None:
        self._documents_loaded = True
        if self.original is None or self.original.id is None:
            return
        me = self.original.id
        docs: list[Document] = sorted(
            self.ctx.services.documents.of_entity(me),
            key=lambda d: (d.title.casefold(), -d.doc_version),
        )
        self.documents_model.set_rows(docs)
        table = self.documents_table
        table.resizeColumnsToContents()

    # -- state, validation ---------------------------------------------------------------------

    def _lifecycle_changed(self) -> None:
        lifecycle = self.lifecycle_combo.currentData()
        field = LIFECYCLE_DATE.get(Lifecycle(lifecycle)) if lifecycle else None
        if field is not None and self.date_edits[field].value() is None:
            # Moving to a stage dates it today unless the user gives another date.
            self.date_edits[field].set_value(self.ctx.today)
        self._changed()

    def _snapshot(self) -> tuple[Any, ...]:
        fields = self._fields()
        locations = tuple(
            (
                r.country.currentData(),
                r.activity.currentData(),
                r.city.text(),
                r.original.id if r.original else None,
            )
            for r in self._location_rows
        )
        return (tuple(sorted(fields.items(), key=lambda kv: kv[0])), locations)

    def is_dirty(self) -> bool:
        return self._snapshot() != self._initial

    def _fields(self) -> dict[str, Any]:
        regimes = tuple(r for r, check in self.regime_checks.items() if check.isChecked())
        fields: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "legal_name": self.legal_name_edit.text().strip(),
            "kind": EntityKind(self.kind_combo.currentData()),
            "registration_number": self.registration_edit.text().strip(),
            "address": self.address_edit.toPlainText().strip(),
            "contact_name": self.contact_name_edit.text().strip(),
            "contact_email": self.contact_email_edit.text().strip(),
            "website": self.website_edit.text().strip(),
            "parent_id": self.parent_combo.currentData(),
            "owner": self.owner_edit.text().strip(),
            "lifecycle": Lifecycle(self.lifecycle_combo.currentData()),
            "exporter_regimes": regimes,
            "notes": self.notes_edit.toPlainText().strip(),
        }
        for field, edit in self.date_edits.items():
            fields[field] = edit.value()
        return fields

    def _candidate(self) -> Entity:
        fields = self._fields()
        if self.original is not None:
            return replace(self.original, **fields)
        return Entity(**fields)

    def _locations(self, entity_id: int) -> list[Location | None]:
        """The location rows as domain objects (None for a row without a country yet)."""
        out: list[Location | None] = []
        for r in self._location_rows:
            code = r.country.currentData()
            if not code:
                out.append(None)
                continue
            activity = Activity(r.activity.currentData())
            city = r.city.text().strip()
            if r.original is not None:
                out.append(replace(r.original, country=code, activity=activity, city=city))
            else:
                out.append(Location(entity_id, code, activity, city=city))
        return out

    def problems(self) -> list[ValidationError]:
        found = list(problems(self._candidate()))
        entity_id = self.original.id if self.original and self.original.id else 0
        for n, loc in enumerate(self._locations(entity_id), start=1):
            if loc is None:
                found.append(ValidationError("locations", f"Choose the country of location {n}"))
            else:
                found.extend(
                    ValidationError("locations", f"Location {n}: {human_message(p)}")
                    for p in problems(loc)
                )
        return found

    def _changed(self) -> None:
        if hasattr(self, "_initial"):
            self._validate()

    def _validate(self) -> bool:
        found = self.problems()
        by_field: dict[str, list[str]] = {}
        for p in found:
            field = p.field if p.field in self._errors else "general"
            text = p.message if p.field == "locations" else human_message(p)
            by_field.setdefault(field, []).append(text)
        for field, label in self._errors.items():
            text = "\n".join(by_field.get(field, []))
            label.setText(text)
            label.setVisible(bool(text))
        if "locations" in by_field:
            self.tabs.setTabToolTip(1, by_field["locations"][0])
        self._allow_save(bool(found))
        return not found

    def value(self) -> Entity:
        """The entity as edited, validated (raises ``ValidationError`` naming the field)."""
        entity = self._candidate()
        ensure_valid(entity)
        return entity

    # -- saving and closing ---------------------------------------------------------------------

    def _write(self) -> Entity:
        """The entity and its locations, in one transaction."""
        entity = self.value()
        locations = [loc for loc in self._locations(entity.id or 0) if loc is not None]
        return self.ctx.services.entities.save(entity, locations, self._original_locations)

    def _mark_clean(self) -> None:
        self._initial = self._snapshot()

    def _foot_message(self) -> QLabel:
        return self.general_error

    def _read(self, record_id: int) -> Entity:
        return self.ctx.services.entities.get(record_id)

    @classmethod
    def edit(cls, parent: QWidget | None, ctx: UiContext, entity_id: int | None) -> Entity | None:
        """Open the editor on an entity (None: a new one); the saved entity, or None."""
        dialog = settle(
            parent,
            lambda: ctx.services.entities.get(entity_id) if entity_id else None,
            lambda entity: cls(ctx, entity, parent),
        )
        if dialog is None:
            return None
        if dialog.saved is None and dialog.transfers_changed:
            # Nothing changed on the entity, but its transfers did: callers must refresh.
            return dialog.original
        return dialog.saved
