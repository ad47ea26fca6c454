"""The transfer editor's inputs, laid out: who sends to whom, where and under which law, the
mechanisms, what data and why, dates and notes. Widgets only: the dialog reads and fills
them, and its view state decides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.enums import Access, Frequency, Mechanism, Regime, Role, VolumeBand
from transfers_app.domain.models import Document
from ui.dialogs.entity_editor.choices import REGIME_CHOICES, country_choices
from ui.dialogs.transfer_editor.entity_picker import EntityPicker
from ui.dialogs.transfer_editor.mechanisms import MechanismList
from ui.widgets.forms import FieldMessages, button_row
from ui.widgets.inputs import OptionalDateEdit

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


class TransferFields(FieldMessages, QScrollArea):
    """Every input of the transfer editor, each with the place for its message."""

    def __init__(
        self,
        today: date,
        search: Callable[[str], list[tuple[int, str]]],
        documents_for: Callable[[Mechanism, int | None], list[Document]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._errors: dict[str, QLabel] = {}
        # Parties.
        self.access_combo = self._combo(ACCESS_CHOICES, "Kind of access")
        self.exporter_combo = QComboBox()
        self.exporter_combo.setAccessibleName("Exporter")
        self.exporter_picker = EntityPicker(search, "Type the sender's name…")
        self.exporter_picker.edit.setAccessibleName("Exporter")
        self.exporter_stack = QStackedWidget()
        self.exporter_stack.addWidget(self.exporter_combo)
        self.exporter_stack.addWidget(self.exporter_picker)
        self.exporter_stack.setSizePolicy(self.exporter_combo.sizePolicy())
        self.exporter_stack.setMaximumHeight(self.exporter_combo.sizeHint().height() + 4)
        self.importer = EntityPicker(search, "Type part of the recipient's name…")
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
        parties.setLayout(
            self._field_form(
                ("&Kind of access", "access", self.access_combo),
                ("E&xporter *", "exporter_id", self.exporter_stack),
                ("&Importer *", "importer_id", self.importer),
                ("&Upstream transfer", "parent_transfer_id", self.upstream_combo),
                ("&Roles", "roles", roles_box),
            )
        )
        self._errors["exporter_role"] = self._errors["importer_role"] = self._errors["roles"]

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
        where.setLayout(
            self._field_form(
                ("&Destination *", "destination", self.destination),
                ("Re&gimes", "regimes", regimes_box),
            )
        )

        # Mechanisms, in order.
        mechanisms = MechanismList(documents_for, self._error_label("mechanisms"))
        self.mechanism_list = mechanisms
        # The list's parts, as the form's own (tests and shortcuts reach them here).
        self.mechanisms_table = mechanisms.table
        self.add_mechanism_button = mechanisms.add_button
        self.remove_mechanism_button = mechanisms.remove_button
        self.up_button = mechanisms.up_button
        self.down_button = mechanisms.down_button

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
        flags = button_row(self.special_check, self.criminal_check)
        how = QHBoxLayout()
        how.addWidget(self.frequency_combo, 1)
        volume_label = QLabel("Vo&lume")
        volume_label.setBuddy(self.volume_combo)
        how.addWidget(volume_label)
        how.addWidget(self.volume_combo, 1)
        data = QGroupBox("What data, and why")
        form = self._field_form(
            ("&Service", "service", self.service_edit),
            ("Pu&rpose", "purpose", self.purpose_edit),
        )
        form.addRow(lists)
        form.addRow(flags)
        frequency_label = QLabel("&Frequency")
        frequency_label.setBuddy(self.frequency_combo)
        form.addRow(frequency_label, how)
        data.setLayout(form)

        # Dates and notes.
        self.started_edit = OptionalDateEdit("Start", today)
        self.ended_edit = OptionalDateEdit("End", today)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setAccessibleName("Notes")
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        dates = QGroupBox("Dates and notes")
        dates.setLayout(
            self._field_form(
                ("S&tarts", "started_on", self.started_edit),
                ("&Ends", "ended_on", self.ended_edit),
                ("&Notes", "notes", self.notes_edit),
            )
        )

        body = QWidget()
        column = QVBoxLayout(body)
        for box in (parties, where, mechanisms, data, dates):
            column.addWidget(box)
        column.addStretch(1)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(body)
        self.setMinimumWidth(560)

    @staticmethod
    def _combo(choices: dict[Any, str], name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for value, label in choices.items():
            combo.addItem(label, value)
        return combo

    def _check_list(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setAccessibleName(name)
        widget.setUniformItemSizes(True)
        widget.setMinimumHeight(110)
        widget.setMaximumHeight(150)
        return widget

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
