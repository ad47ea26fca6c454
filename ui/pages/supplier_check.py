"""Supplier check: what the law requires for a new supplier, shown as the user types.

Procurement fills in a name, the countries the data would go to, the roles and the regimes;
the verdict (per regime and destination) comes from ``RegisterService.check`` and is only laid
out here. Every user-supplied string is escaped before it reaches the HTML.
"""

from __future__ import annotations

from PySide6.QtCore import (
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.countries import (
    country_name,
)
from transfers_app.domain.enums import Regime, Role
from transfers_app.errors import TransfersError
from transfers_app.rules.destination import Certifications
from transfers_app.services.register import DEFAULT_REGIMES, CheckReport
from ui import messages
from ui.context import UiContext
from ui.pages.base import Page
from ui.pages.supplier_report import (
    ROLE_TEXT,
    destination_choices,
    esc,
    render_report,
    render_similar,
)
from ui.widgets.country_picker import CountryPicker

DEBOUNCE_MS = 150
# A similar name at least this close makes "Add to register" ask before adding a duplicate.
DUPLICATE_SCORE = 90.0


class SupplierCheckPage(Page):
    title = "Supplier check"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: CheckReport | None = None
        self.html = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.update_verdict)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Supplier name, e.g. Acme Translation Ltd")
        self.name_edit.setAccessibleName("Supplier name")
        self.name_edit.setClearButtonEnabled(True)
        self.service_edit = QLineEdit()
        self.service_edit.setPlaceholderText("What they would do, e.g. cloud hosting (optional)")
        self.countries = CountryPicker(destination_choices(ctx.ref.international_orgs))
        self.importer_role = QComboBox()
        for role in (Role.PROCESSOR, Role.SUBPROCESSOR, Role.CONTROLLER):
            self.importer_role.addItem(ROLE_TEXT[role].capitalize(), role.value)
        self.exporter_role = QComboBox()
        for role in (Role.CONTROLLER, Role.PROCESSOR):
            self.exporter_role.addItem(f"We are {ROLE_TEXT[role]}", role.value)
        self.exporter = QComboBox()
        self.exporter.setToolTip("Our entity that would send the data (for the proposed transfer)")
        self.regime_boxes = {r: QCheckBox(r.value) for r in Regime}
        self.regime_boxes[Regime.UK].setToolTip("UK GDPR / DPA 2018")
        self.regime_boxes[Regime.EU].setToolTip("EU/EEA GDPR")
        self.regime_boxes[Regime.CH].setToolTip("Swiss revised FADP")
        self.regime_hint = QLabel()
        self.regime_hint.setStyleSheet("color: #57606a;")
        self.dpf_eu = QCheckBox("EU-US Data Privacy Framework")
        self.dpf_uk = QCheckBox("UK Extension to the EU-US DPF")
        self.dpf_uk.setToolTip("Only importers certified under the EU-US DPF can join it")
        self.dpf_swiss = QCheckBox("Swiss-US Data Privacy Framework")
        self.dpf_uk.setEnabled(False)
        self.categories = QListWidget()
        self.categories.setAccessibleName("Data categories")
        self.categories.setMaximumHeight(170)
        self.add_button = QPushButton("Add to register as proposed")
        self.add_button.setToolTip(
            "Create the supplier, its locations and one proposed transfer per country"
        )
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_to_register)
        self.reset_button = QPushButton("Clear")
        self.reset_button.clicked.connect(self.new_record)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Supplier &name:", self.name_edit)
        form.addRow("Service:", self.service_edit)
        form.addRow("&Countries:", self.countries)
        form.addRow("Supplier's &role:", self.importer_role)
        form.addRow("Our role:", self.exporter_role)
        form.addRow("Exporting entity:", self.exporter)
        regime_row = QHBoxLayout()
        for box in self.regime_boxes.values():
            regime_row.addWidget(box)
        regime_row.addStretch(1)
        regime_col = QVBoxLayout()
        regime_col.setSpacing(0)
        regime_col.addLayout(regime_row)
        regime_col.addWidget(self.regime_hint)
        form.addRow("Regimes:", regime_col)
        dpf_col = QVBoxLayout()
        dpf_col.setSpacing(2)
        dpf_col.addWidget(self.dpf_eu)
        uk_row = QHBoxLayout()
        uk_row.setContentsMargins(20, 0, 0, 0)
        uk_row.addWidget(self.dpf_uk)
        dpf_col.addLayout(uk_row)
        dpf_col.addWidget(self.dpf_swiss)
        form.addRow("Certified under:", dpf_col)
        form.addRow("Data categories:", self.categories)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)

        intro = QLabel(
            "<b>Before signing a new supplier</b>: what the law requires for the data to go "
            "where the supplier is, and whether it is already on the register."
        )
        intro.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(intro)
        left_layout.addLayout(form)
        left_layout.addLayout(buttons)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(380)

        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Verdict")
        self.browser.anchorClicked.connect(self.follow_link)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([440, 760])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self._load_register_choices()
        self._set_default_regimes()
        self.name_edit.textChanged.connect(self.schedule)
        self.service_edit.textChanged.connect(self._update_buttons)
        self.countries.changed.connect(self.schedule)
        self.importer_role.currentIndexChanged.connect(self.schedule)
        self.exporter_role.currentIndexChanged.connect(self.schedule)
        for box in self.regime_boxes.values():
            box.toggled.connect(self.schedule)
        self.dpf_eu.toggled.connect(self._dpf_toggled)
        self.dpf_uk.toggled.connect(self.schedule)
        self.dpf_swiss.toggled.connect(self.schedule)
        self.update_verdict()

    # -- inputs --------------------------------------------------------------------------------

    def _load_register_choices(self) -> None:
        services = self.ctx.services
        chosen = set(self.selected_categories())
        self.categories.clear()
        for item in services.settings.catalogue("data_category"):
            row = QListWidgetItem(item.name)
            row.setToolTip(item.description)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = item.name in chosen
            row.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.categories.addItem(row)
        current = self.exporter.currentData()
        self.exporter.clear()
        for e in services.entities.own():
            self.exporter.addItem(e.name, e.id)
        if self.exporter.count() == 0:
            self.exporter.addItem("(no entity of ours on the register)", None)
        index = self.exporter.findData(current)
        self.exporter.setCurrentIndex(max(index, 0))

    def _set_default_regimes(self) -> None:
        own = self.ctx.services.register.exporter_regimes()
        chosen = set(own or DEFAULT_REGIMES)
        for regime, box in self.regime_boxes.items():
            box.blockSignals(True)
            box.setChecked(regime in chosen)
            box.blockSignals(False)
        self.regime_hint.setText(
            "Those of our entities on the register" if own else "Default: UK and EU"
        )

    def _dpf_toggled(self, checked: bool) -> None:
        # The UK Extension is an extension of the EU-US DPF: no certification without it.
        if not checked:
            self.dpf_uk.setChecked(False)
        self.dpf_uk.setEnabled(checked)
        self.schedule()

    def selected_regimes(self) -> list[Regime]:
        return [r for r, box in self.regime_boxes.items() if box.isChecked()]

    def selected_categories(self) -> list[str]:
        out = []
        for i in range(self.categories.count()):
            item = self.categories.item(i)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(item.text())
        return out

    def certifications(self) -> Certifications:
        return Certifications(
            self.dpf_eu.isChecked(),
            self.dpf_eu.isChecked() and self.dpf_uk.isChecked(),
            self.dpf_swiss.isChecked(),
        )

    def _roles(self) -> tuple[Role, Role]:
        # Combo boxes hand enum members back as their plain values.
        return (
            Role(self.importer_role.currentData() or Role.PROCESSOR),
            Role(self.exporter_role.currentData() or Role.CONTROLLER),
        )

    # -- the verdict ---------------------------------------------------------------------------

    def schedule(self) -> None:
        """Recompute the verdict once the user pauses typing (a debounce)."""
        self._update_buttons()
        self._timer.start()

    def _update_buttons(self) -> None:
        ok = bool(self.name_edit.text().strip()) and bool(self.countries.codes())
        self.add_button.setEnabled(ok and bool(self.selected_regimes()))

    def update_verdict(self) -> None:
        """Run the check now and show the verdict (the debounce timer ends here too)."""
        self._timer.stop()
        self._update_buttons()
        name = self.name_edit.text().strip()
        codes = self.countries.codes()
        regimes = self.selected_regimes()
        importer_role, exporter_role = self._roles()
        self.report = None
        try:
            if not codes or not regimes:
                self._show_incomplete(name, codes, regimes)
                return
            report = self.ctx.services.register.check(
                name,
                codes,
                importer_role,
                self.ctx.today,
                exporter_role=exporter_role,
                regimes=regimes,
                certs=self.certifications(),
            )
        except TransfersError as exc:
            self._show(f"<p style='color:#b42318'><b>Cannot run the check:</b> {esc(exc)}</p>")
            return
        self.report = report
        self._show(render_report(report, self.ctx.ref, importer_role, exporter_role))

    def _show_incomplete(self, name: str, codes: list[str], regimes: list[Regime]) -> None:
        parts = []
        if name:
            parts.append(f"<h2>Supplier check: {esc(name)}</h2>")
        else:
            parts.append(
                "<h2>Supplier check</h2><p>Type the supplier's name and pick the countries "
                "where it would hold or access the data. The verdict appears here as you "
                "type.</p>"
            )
        if not regimes:
            parts.append(
                "<p style='color:#b42318'><b>Tick at least one regime</b> (UK, EU or CH) to "
                "see what the law requires.</p>"
            )
        elif not codes:
            parts.append(
                "<p style='color:#b42318'><b>Add at least one country</b> (or an international "
                "organisation such as the EPO) to see what the law requires.</p>"
            )
        if name:
            parts.append(render_similar(self.ctx.services.register.similar_entities(name)))
        self._show("".join(parts))

    def _show(self, body: str) -> None:
        self.html = f"<html><body>{body}</body></html>"
        self.browser.setHtml(self.html)

    def follow_link(self, url: QUrl) -> None:
        if url.scheme() == "entity":
            try:
                entity_id = int(url.path())
            except ValueError:
                return
            self.open_entity.emit(entity_id)
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    # -- add to the register -------------------------------------------------------------------

    def add_to_register(self) -> None:
        name = self.name_edit.text().strip()
        codes = self.countries.codes()
        importer_role, _ = self._roles()
        regimes = self.selected_regimes()
        if not name or not codes:
            messages.error(self, "Give the supplier's name and at least one country first.")
            return
        similar = self.ctx.services.register.similar_entities(name)
        close = [s for s in similar if s.score >= DUPLICATE_SCORE]
        if close and not messages.confirm(
            self,
            f"<p>Already on the register: <b>{esc(close[0].name)}</b> "
            f"(match {close[0].score:.0f}%).</p><p>Add <b>{esc(name)}</b> as a new proposed "
            "supplier anyway?</p>",
        ):
            return
        exporter = self.exporter.currentData()
        try:
            supplier = self.ctx.services.workspace.add_proposed_supplier(
                name,
                codes,
                importer_role,
                self.selected_categories(),
                self.ctx.today,
                service_text=self.service_edit.text().strip(),
                exporter_id=exporter if isinstance(exporter, int) else None,
                regimes=regimes,
            )
        except TransfersError as exc:
            messages.error(self, f"<p>Not added: {esc(exc)}</p>")
            return
        self.changed.emit()
        self.update_verdict()
        places = ", ".join(country_name(c) for c in codes)
        transfers = (
            f"one proposed transfer per country ({esc(places)})"
            if self.exporter.currentData() is not None
            else f"its locations ({esc(places)}); no transfer, as no entity of ours is on "
            "the register"
        )
        messages.info(
            self,
            f"<p><b>{esc(supplier.name)}</b> is on the register as a <b>proposed</b> supplier, "
            f"with {transfers}.</p><p>Its transfers start when you set a start date in the "
            "register.</p>",
        )

    # -- Page ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._load_register_choices()
        self.update_verdict()

    def apply_filter(self, **criteria: object) -> None:
        """Pre-fill the check: ``name`` and ``countries`` (codes or names)."""
        name = criteria.get("name")
        if isinstance(name, str):
            self.name_edit.setText(name)
        countries = criteria.get("countries")
        if isinstance(countries, list | tuple):
            self.countries.set_codes([])
            for c in countries:
                self.countries.add_country(str(c))
        self.update_verdict()

    def edit_controls(self) -> list[QWidget]:
        return [self.add_button]

    def focus_search(self) -> bool:
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        return True

    def new_record(self) -> bool:
        """Start a new check: clear the form."""
        self.name_edit.clear()
        self.service_edit.clear()
        self.countries.set_codes([])
        self.countries.edit.clear()
        self.importer_role.setCurrentIndex(0)
        self.exporter_role.setCurrentIndex(0)
        for box in (self.dpf_eu, self.dpf_swiss):
            box.setChecked(False)
        for i in range(self.categories.count()):
            item = self.categories.item(i)
            if item is not None:
                item.setCheckState(Qt.CheckState.Unchecked)
        self._set_default_regimes()
        self.update_verdict()
        self.name_edit.setFocus()
        return True
