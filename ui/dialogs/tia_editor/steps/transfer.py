"""Step 1, the transfer (EDPB step 1, ICO Q1, SCC Annex I.B): prefilled from the register."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from transfers_app.domain.models import Tia
from transfers_app.domain.tia import DataFormat, KeyHolder, TransferDescription
from ui.dialogs.tia_editor.state import DATA_FORMAT_LABELS, KEY_HOLDER_LABELS, split_list
from ui.dialogs.tia_editor.steps.base import StepPage, set_combo


class TransferStep(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_edit = self._line("Title", "e.g. Stratus Cloud Hosting: United States")
        self.covered_label: QLabel = self._rich()
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
        self.key_combo = self._choice(KEY_HOLDER_LABELS, "Who holds the keys")
        self.transit_check = self._check(
            "The data only passes through the destination (decrypted outside it)"
        )
        self.protected_check = self._check(
            "The destination's law shields the importer from access (a protected recipient)"
        )
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
        self._row(how, "State at the importer", "format", self.format_combo)
        self._row(how, "Keys held by", "key_holder", self.key_combo)
        how.addRow("", self.transit_check)
        how.addRow("", self.protected_check)
        self._row(how, "Channels", "channels", self.channels_edit)
        self._row(how, "Locations", "locations", self.locations_edit)
        self._row(how, "Onward transfers", "onward", self.onward_edit)
        self._row(how, "Minimisation", "minimisation", self.minimisation_edit)
        self._lay_out(
            self._intro(
                "EDPB step 1 (know your transfer), ICO Q1 and SCC Annex I.B. Prefilled from the "
                "register: complete what the register cannot know. Changing it here does not "
                "change the register. * needed before approval."
            ),
            self._box("What, why and about whom", what),
            self._box("How the data travel and where they end up", how),
        )

    def fill(self, tia: Tia, d: TransferDescription, covered_html: str) -> None:
        self.title_edit.setText(tia.title)
        self.covered_label.setText(covered_html)
        self.purpose_edit.setPlainText(d.purpose)
        self.nature_edit.setText(d.nature_of_processing)
        self.categories_edit.setText(", ".join(d.data_categories))
        self.subjects_edit.setText(", ".join(d.data_subjects))
        self.special_edit.setText(d.special_categories)
        self.vulnerable_check.setChecked(d.vulnerable_subjects)
        self.volume_edit.setText(d.volume)
        self.frequency_edit.setText(d.frequency)
        self.retention_edit.setText(d.retention)
        set_combo(self.format_combo, d.data_format)
        set_combo(self.key_combo, d.key_holder)
        self.transit_check.setChecked(d.transit_only)
        self.protected_check.setChecked(d.protected_recipient)
        self.channels_edit.setText(d.transmission_channels)
        self.locations_edit.setText(", ".join(d.storage_locations))
        self.onward_edit.setPlainText("\n".join(d.onward_transfers))
        self.minimisation_edit.setPlainText(d.minimisation)

    def title(self) -> str:
        return self.title_edit.text().strip()

    def categories(self) -> tuple[str, ...]:
        return split_list(self.categories_edit.text())

    def description(self) -> TransferDescription:
        return TransferDescription(
            purpose=self.purpose_edit.toPlainText().strip(),
            nature_of_processing=self.nature_edit.text().strip(),
            data_categories=self.categories(),
            data_subjects=split_list(self.subjects_edit.text()),
            special_categories=self.special_edit.text().strip(),
            vulnerable_subjects=self.vulnerable_check.isChecked(),
            volume=self.volume_edit.text().strip(),
            frequency=self.frequency_edit.text().strip(),
            retention=self.retention_edit.text().strip(),
            data_format=DataFormat(self.format_combo.currentData()),
            key_holder=KeyHolder(self.key_combo.currentData()),
            transit_only=self.transit_check.isChecked(),
            protected_recipient=self.protected_check.isChecked(),
            transmission_channels=self.channels_edit.text().strip(),
            storage_locations=tuple(c.upper() for c in split_list(self.locations_edit.text())),
            onward_transfers=split_list(self.onward_edit.toPlainText(), "\n"),
            minimisation=self.minimisation_edit.toPlainText().strip(),
        )
