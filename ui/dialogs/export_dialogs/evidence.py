"""The regulator's evidence pack: a readiness check, then one ZIP with the records,
assessments and documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.formatting import day
from transfers_app.domain.models import Transfer
from transfers_app.domain.organisation import OrganisationProfile, profile_problems
from transfers_app.errors import TransfersError
from transfers_app.services.app import AppServices
from transfers_app.services.evidence import PackScope, pack_readiness
from transfers_app.services.open_items import (
    CATEGORIES,
    NO_COUNTRY,
    OTHER,
    UNVERIFIED,
    Finding,
    OpenItemFacts,
    Readiness,
    unit_words,
)
from transfers_app.services.register import StatusReport
from ui import messages
from ui.context import UiContext
from ui.dialogs.document_dialog import from_qdate, to_qdate
from ui.dialogs.export_dialogs.base import (
    LOAD,
    NOTE_STYLE,
    ExportDialogBase,
    ExportJob,
    ask_replace,
    default_folder,
)
from ui.models.exports import (
    FindingsModel,
    worst_first,
)
from ui.models.parties import PartiesModel
from ui.models.rows import SortRole
from ui.widgets.badges import StatusBadgeDelegate
from ui.widgets.forms import ERROR_STYLE
from ui.widgets.inputs import date_display_format

# -- the evidence pack ----------------------------------------------------------------------------

# What the dialog reads in the background: the status, the transfers, the entities' names,
# the facts that date and own the open items, and the organisation's profile.
Loaded = tuple[
    StatusReport, list[Transfer], list[tuple[int, str]], OpenItemFacts, OrganisationProfile
]


def _open_words(ready: Readiness) -> str:
    """What is open, each counted in its own unit: "9 transfers, 1 entity without a country
    and 36 unverified reference facts relied on"."""
    asked = [f for f in ready.findings if f.category not in (OTHER[0], NO_COUNTRY, UNVERIFIED)]
    transfers = {f.transfer_id for f in asked if f.transfer_id is not None}
    entities = {f.entity_id for f in asked if f.transfer_id is None}  # e.g. a document review
    countries, facts = ready.count(NO_COUNTRY), ready.count(UNVERIFIED)
    parts = [
        unit_words("", len(transfers)) if transfers else "",
        f"{unit_words(NO_COUNTRY, len(entities))} (their own items)" if entities else "",
        f"{unit_words(NO_COUNTRY, countries)} without a country" if countries else "",
        f"{facts} unverified reference fact{'s' if facts != 1 else ''} relied on" if facts else "",
    ]
    kept = [p for p in parts if p] or ["nothing"]
    return kept[0] if len(kept) == 1 else f"{', '.join(kept[:-1])} and {kept[-1]}"


class EvidencePackDialog(ExportDialogBase):
    """The regulator's evidence pack: the readiness check first, then the scope, then the ZIP
    (written whole or not at all) behind a progress dialog naming each file."""

    failure_text = "The evidence pack was not written; nothing was left behind."

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.status: StatusReport | None = None
        self.transfers: list[Transfer] = []
        self.facts: OpenItemFacts | None = None
        self.profile = OrganisationProfile()
        self.empty_text = ""
        self.readiness: Readiness | None = None
        self.outcome: tuple[dict[str, Any], Readiness] | None = None
        self.written_to: Path | None = None
        self._findings_key: tuple[Finding, ...] | None = None
        self.setWindowTitle("Evidence pack for the regulator")
        layout = QVBoxLayout(self)

        check = QGroupBox("Readiness check: what an inquiry would find open")
        cv = QVBoxLayout(check)
        self.check_heading = QLabel("Checking the register…")
        self.check_heading.setWordWrap(True)
        self.headline = QGridLayout()
        self.headline.setHorizontalSpacing(10)
        self.headline.setVerticalSpacing(2)
        self.count_labels: dict[str, QLabel] = {}
        rows = [(key, title) for key, title, _ in CATEGORIES] + [OTHER]
        half = (len(rows) + 1) // 2
        big = QFont(self.font())
        big.setBold(True)
        big.setPointSizeF(max(big.pointSizeF(), 9.0) * 1.25)
        for i, (key, title) in enumerate(rows):
            count = QLabel("…")
            count.setFont(big)
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setMinimumWidth(count.fontMetrics().horizontalAdvance("0000"))
            count.setAccessibleName(title)
            text = QLabel(title)
            text.setBuddy(count)
            r, c = i % half, (i // half) * 2
            self.headline.addWidget(count, r, c)
            self.headline.addWidget(text, r, c + 1)
            self.count_labels[key] = count
        self.headline.setColumnStretch(1, 1)
        self.headline.setColumnStretch(3, 1)
        self.findings_model = FindingsModel()
        self.findings_proxy = QSortFilterProxyModel(self)
        self.findings_proxy.setSourceModel(self.findings_model)
        self.findings_proxy.setSortRole(SortRole)
        self.findings_table = QTableView()
        self.findings_table.setModel(self.findings_proxy)
        self.findings_table.setAccessibleName("Open items")
        self.findings_table.setItemDelegateForColumn(
            FindingsModel.SEVERITY, StatusBadgeDelegate(self.findings_table)
        )
        self.findings_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings_table.verticalHeader().setVisible(False)
        self._fit_findings_table()
        self.findings_table.setSortingEnabled(True)
        self.findings_table.sortByColumn(FindingsModel.SEVERITY, Qt.SortOrder.AscendingOrder)
        self.findings_table.selectionModel().selectionChanged.connect(
            lambda _a, _b: self._finding_chosen()
        )
        self.open_note = QLabel()
        self.open_note.setWordWrap(True)
        self.open_note.setStyleSheet(NOTE_STYLE)
        self.open_note.setVisible(False)
        cv.addWidget(self.check_heading)
        cv.addLayout(self.headline)
        cv.addWidget(self.findings_table, 1)
        cv.addLayout(self._build_follow_up())
        cv.addWidget(self.open_note)
        layout.addWidget(check, 1)

        bottom = QHBoxLayout()
        bottom.addWidget(self._build_scope(), 1)
        bottom.addWidget(self._build_pack(), 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status_label)
        buttons, self.export_button = self._action_buttons("Export anyway…")
        layout.addWidget(buttons)
        self.resize(1100, 800)
        self._update()
        self.load()

    def _build_scope(self) -> QGroupBox:
        box = QGroupBox("Scope")
        v = QVBoxLayout(box)
        self.scope_group = QButtonGroup(self)
        self.scope_all = QRadioButton("The whole register")
        self.scope_dates = QRadioButton("Transfers live between")
        self.scope_entities = QRadioButton("Transfers of the chosen entities")
        for b in (self.scope_all, self.scope_dates, self.scope_entities):
            self.scope_group.addButton(b)
        self.scope_all.setChecked(True)
        today = self.ctx.today
        self.date_from = QDateEdit(to_qdate(date(today.year - 1, today.month, 1)))
        self.date_to = QDateEdit(to_qdate(today))
        for edit, name in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_display_format())
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self._scope_changed)
        dates = QHBoxLayout()
        dates.addWidget(self.scope_dates)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("and"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        self.entity_filter = QLineEdit()
        self.entity_filter.setPlaceholderText("Find an entity…")
        self.entity_filter.setClearButtonEnabled(True)
        self.entity_filter.setAccessibleName("Find an entity")
        self.entities_model = PartiesModel([], set(), self)
        self.entities_proxy = QSortFilterProxyModel(self)
        self.entities_proxy.setSourceModel(self.entities_model)
        self.entities_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.entity_list = QListView()
        self.entity_list.setModel(self.entities_proxy)
        self.entity_list.setAccessibleName("Entities in the pack")
        self.entity_list.setUniformItemSizes(True)
        self.entity_list.setMinimumHeight(100)
        self.entity_list.setMaximumHeight(110)  # the open items above need the height more
        self.entity_filter.textChanged.connect(self.entities_proxy.setFilterFixedString)
        self.entities_model.checked_changed.connect(self._entities_ticked)
        self.scope_group.buttonToggled.connect(lambda _b, _on: self._scope_changed())
        v.addWidget(self.scope_all)
        v.addLayout(dates)
        v.addWidget(self.scope_entities)
        v.addWidget(self.entity_filter)
        v.addWidget(self.entity_list, 1)
        return box

    def _build_pack(self) -> QGroupBox:
        box = QGroupBox("The pack")
        v = QVBoxLayout(box)
        form = QFormLayout()
        # A person from the organisation's profile (or a name typed in), never a login.
        self.prepared_by = QComboBox()
        self.prepared_by.setEditable(True)
        self.prepared_by.setAccessibleName("Prepared by")
        self.prepared_by.setToolTip("Who prepares the pack and writes the cover letter")
        form.addRow("&Prepared by:", self.prepared_by)
        self.reference = QLineEdit()
        self.reference.setAccessibleName("Case reference")
        self.reference.setPlaceholderText("e.g. the regulator's reference for the inquiry")
        form.addRow("Case &reference:", self.reference)
        self._add_save_row(
            form, default_folder() / f"evidence-pack-{self.ctx.today.isoformat()}.zip"
        )
        v.addLayout(form)
        contents = QLabel(
            "One ZIP: a cover letter (to the regulator, with the open items and what each file "
            "is), a note on method, the register as PDF and CSV, the transfer records in the "
            "Art 30(1)(e) shape, the data map, the assessments (drafts and stale ones marked), "
            "the documents relied on (expired or invalid ones marked), an extract of the audit "
            "log, and manifest.json with the SHA-256 of every file."
        )
        contents.setWordWrap(True)
        contents.setStyleSheet("color: palette(placeholder-text);")
        v.addWidget(contents)
        self.profile_note = QLabel()
        self.profile_note.setWordWrap(True)
        self.profile_note.setStyleSheet(ERROR_STYLE)
        self.profile_note.setVisible(False)
        self.profile_button = QPushButton("Organisation…")
        self.profile_button.setToolTip("Set the organisation's profile (Settings > Organisation)")
        self.profile_button.setVisible(False)
        self.profile_button.clicked.connect(self._edit_profile)
        v.addWidget(self.profile_note)
        v.addWidget(self.profile_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.ack_check = QCheckBox("I have reviewed the open items")
        self.ack_check.setToolTip("The pack records them; tick to export anyway")
        self.ack_check.toggled.connect(self._update)
        v.addStretch(1)
        v.addWidget(self.ack_check)
        return box

    # -- the readiness check -----------------------------------------------------------------

    def load(self) -> None:
        """Read the status, the transfers and the entities in the background."""
        ctx = self.ctx

        def work(services: AppServices, _job: ExportJob) -> Loaded:
            status = ctx.status(services)
            names = sorted(services.entities.names().items(), key=lambda p: p[1].casefold())
            return (
                status,
                services.transfers.list(),
                names,
                services.open_items.facts(),
                services.organisation.get(),
            )

        self._run("Checking the register", work, None, self._loaded, self._load_failed, key=LOAD)

    @property
    def loaded(self) -> bool:
        return self.readiness is not None

    def _load_failed(self, message: str) -> None:
        self.check_heading.setStyleSheet(ERROR_STYLE)
        self.check_heading.setText(f"Could not check the register: {message}")

    def _loaded(self, data: Loaded) -> None:
        status, transfers, names, facts, profile = data
        self.status, self.transfers, self.facts = status, transfers, facts
        self._show_profile(profile)
        self.entities_model = PartiesModel(names, set(), self)
        self.entities_model.checked_changed.connect(self._entities_ticked)
        self.entities_proxy.setSourceModel(self.entities_model)
        self._scope_changed()

    def scope(self) -> PackScope:
        if self.scope_dates.isChecked():
            return PackScope(from_qdate(self.date_from.date()), from_qdate(self.date_to.date()))
        if self.scope_entities.isChecked():
            return PackScope(entity_ids=frozenset(self.entities_model.checked))
        return PackScope()

    def _entities_ticked(self) -> None:
        if self.entities_model.checked and not self.scope_entities.isChecked():
            self.scope_entities.setChecked(True)  # ticking an entity means "these entities"
        else:
            self._scope_changed()

    def _scope_changed(self, *_args: Any) -> None:
        if self.status is None or self.facts is None:
            return
        scope = self.scope()
        # As the pack computes it: the open gaps of the transfers in scope (and of the chosen
        # entities themselves).
        transfers, ready = pack_readiness(scope, self.status, self.facts)
        self.empty_text = scope.empty_text(len(transfers))
        self._show_readiness(ready)

    def _show_readiness(self, ready: Readiness) -> None:
        self.readiness = ready
        for key, _, n in ready.headline:
            label = self.count_labels[key]
            label.setText(str(n))
            bad = n and key != OTHER[0]
            label.setStyleSheet(ERROR_STYLE if bad else "")
        findings = tuple(worst_first(ready.findings))
        self.findings_model.set_rows(findings)
        if ready.ready:
            self.check_heading.setText(
                f"Nothing open on {day(ready.on)} in what an inquiry asks about first"
                + (f"; {len(findings)} other open gaps are listed below." if findings else ".")
            )
        else:
            self.check_heading.setText(
                f"Open on {day(ready.on)} in what an inquiry asks about first: "
                f"{_open_words(ready)}; worst first below."
            )
        note = (
            "The pack will record these open items: the cover letter lists them with their "
            "owners and target dates and manifest.json carries them, so the regulator sees "
            "what was open on the day."
            if findings
            else ""
        )
        self.open_note.setText("\n".join(t for t in (self.empty_text, note) if t))
        self.open_note.setVisible(bool(findings or self.empty_text))
        if findings != self._findings_key:
            # Different open items: they must be reviewed again before exporting anyway.
            self._findings_key = findings
            self.ack_check.setChecked(False)
        self._update()

    # -- who follows up an open item ---------------------------------------------------------

    def _fit_findings_table(self) -> None:
        """Every column in view without scrolling sideways, down to the dialog's usual width
        on a 1280-pixel screen: the short columns as wide as their contents, the words wrapped
        (rows as tall as they need) and the open item taking the width that is left."""
        table = self.findings_table
        table.setWordWrap(True)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setMinimumHeight(table.fontMetrics().height() * 11)  # a few wrapped rows at once
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        metrics = table.fontMetrics()
        for column in (
            FindingsModel.SEVERITY,
            FindingsModel.REF,
            FindingsModel.SINCE,
            FindingsModel.TARGET,
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Wrapped: wide enough for their longest word, the rest on further lines.
        for column, sample in (
            (FindingsModel.CATEGORY, "Restricted transfers without"),
            (FindingsModel.ENTITY, "Keystone Access Asia"),
            (FindingsModel.OWNER, "Legal - Privacy"),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 12)
        header.setSectionResizeMode(FindingsModel.MESSAGE, QHeaderView.ResizeMode.Stretch)

    def _build_follow_up(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.follow_label = QLabel("Choose an open item to set its owner and target date.")
        # One line that never widens the dialog: the item itself is chosen in the table above.
        self.follow_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.owner_edit = QLineEdit()
        self.owner_edit.setMinimumWidth(self.owner_edit.fontMetrics().averageCharWidth() * 32)
        self.owner_edit.setAccessibleName("Owner")
        self.owner_edit.setPlaceholderText("Owner (default: the entity's or exporter's owner)")
        self.target_check = QCheckBox("Target date:")
        self.target_edit = QDateEdit(to_qdate(self.ctx.today))
        self.target_edit.setCalendarPopup(True)
        self.target_edit.setDisplayFormat(date_display_format())
        self.target_edit.setAccessibleName("Target date")
        self.target_check.toggled.connect(self.target_edit.setEnabled)
        self.follow_button = QPushButton("Save owner and date")
        self.follow_button.clicked.connect(self.save_follow_up)
        row.addWidget(self.follow_label, 1)
        row.addWidget(self.owner_edit)
        row.addWidget(self.target_check)
        row.addWidget(self.target_edit)
        row.addWidget(self.follow_button)
        self._finding_chosen()
        return row

    def chosen_finding(self) -> Finding | None:
        rows = self.findings_table.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.findings_proxy.mapToSource(rows[0])
        return self.findings_model.row(source.row())

    def _finding_chosen(self) -> None:
        f = self.chosen_finding()
        editable = f is not None and f.key is not None
        for w in (self.owner_edit, self.target_check, self.follow_button):
            w.setEnabled(editable)
        if f is None or f.key is None:
            self.follow_label.setText(
                "Choose an open item to set its owner and target date."
                if f is None
                else "A reference fact has no owner or target date."
            )
            self.owner_edit.clear()
            self.target_check.setChecked(False)
            self.target_edit.setEnabled(False)
            return
        self.follow_label.setText(f"Owner and target date of {f.reference} {f.subject}:")
        self.follow_label.setToolTip(f.text())
        self.owner_edit.setText(f.owner)
        self.target_check.setChecked(f.target_on is not None)
        self.target_edit.setEnabled(f.target_on is not None)
        if f.target_on is not None:
            self.target_edit.setDate(to_qdate(f.target_on))

    def save_follow_up(self) -> None:
        """Record the chosen item's owner and target date (audited), then show them."""
        f = self.chosen_finding()
        if f is None or f.key is None or self.facts is None:
            return
        target = from_qdate(self.target_edit.date()) if self.target_check.isChecked() else None
        try:
            saved = self.ctx.services.open_items.set_follow_up(
                f.key, self.owner_edit.text(), target
            )
        except TransfersError as exc:
            messages.error(self, f"The owner and date were not saved.\n\n{exc}")
            return
        follow_ups = dict(self.facts.follow_ups)
        follow_ups[saved.key] = saved
        self.facts = replace(self.facts, follow_ups=follow_ups)
        self._scope_changed()

    # -- the organisation --------------------------------------------------------------------

    def _show_profile(self, profile: OrganisationProfile) -> None:
        self.profile = profile
        chosen = self.prepared_by.currentText()
        self.prepared_by.clear()
        people = [s.name for s in profile.signers] or (
            [profile.dpo_name] if profile.dpo_name else []
        )
        self.prepared_by.addItems(people)
        if chosen and chosen not in people:
            self.prepared_by.setEditText(chosen)
        problems = profile_problems(profile)
        if problems:
            self.profile_note.setText(
                "The cover letter is written in the organisation's name: its profile is "
                + ("not set." if profile.is_empty else f"incomplete ({problems[0]}).")
            )
        self.profile_note.setVisible(bool(problems))
        self.profile_button.setVisible(bool(problems))
        self._update()

    def _edit_profile(self) -> None:
        from ui.dialogs.organisation_dialog import OrganisationDialog

        saved = OrganisationDialog.edit(self, self.ctx.services.organisation)
        if saved is not None:
            self._show_profile(saved)

    # -- the pack ----------------------------------------------------------------------------

    def choose_path(self) -> None:
        suggested = self.path() or default_folder() / "evidence-pack.zip"
        chosen = messages.save_file(
            self, "Save the evidence pack", suggested, "ZIP archive (*.zip)"
        )
        if chosen is None:
            return
        if chosen.suffix.lower() != ".zip":
            chosen = chosen.with_name(f"{chosen.name}.zip")
        self.save_row.set_path(chosen, confirmed=True)

    def blocker(self) -> str:
        """Why the pack cannot be exported yet ("" when it can)."""
        if self.readiness is None:
            return "Checking the register…"
        if self.scope_entities.isChecked() and not self.entities_model.checked:
            return "Tick at least one entity, or choose another scope."
        if self.scope_dates.isChecked() and self.date_from.date() > self.date_to.date():
            return "The start of the date range is after its end."
        if profile_problems(self.profile):
            return "Set the organisation's profile first (Settings > Organisation)."
        if self.path() is None:
            return "Choose where to save the pack."
        if not self.readiness.ready and not self.ack_check.isChecked():
            return "Tick “I have reviewed the open items” to export anyway."
        return ""

    def _update(self) -> None:
        ready = self.readiness is not None and self.readiness.ready
        self.ack_check.setVisible(not ready)
        self.export_button.setText("Export…" if ready else "Export anyway…")
        blocker = self.blocker()
        self.export_button.setEnabled(not blocker and not self.busy)
        self.export_button.setToolTip(blocker)

    def start(self) -> bool:
        path = self.path()
        if path is None or self.blocker() or self.busy:
            return False
        if not ask_replace(self, self.save_row, path):
            return False
        ctx, scope = self.ctx, self.scope()
        prepared_by = self.prepared_by.currentText().strip()
        reference = self.reference.text().strip()

        def work(services: AppServices, job: ExportJob) -> tuple[dict[str, Any], Readiness]:
            status = ctx.status(services)
            return services.exports.evidence_pack(
                path,
                ctx.today,
                scope=scope,
                prepared_by=prepared_by,
                reference=reference,
                progress=job.report,
                status=status,
            )

        def describe(done: int, total: int, what: str) -> str:
            if not what:
                return "Reading the register…"
            step = min(done + 1, total)
            return f"Writing {what} … ({step} of {total})"

        self._say("")
        self.outcome = None
        self._run("Writing the evidence pack", work, describe, lambda r: self._written(path, r))
        self._update()
        return True

    def _written(self, path: Path, result: tuple[dict[str, Any], Readiness]) -> None:
        manifest, _ = result
        self.outcome = result
        self.written_to = path
        self._update()
        files = len(manifest["files"]) + 1  # and the manifest itself
        self._saved(path, f"Wrote the evidence pack ({files} files) to {path}")

    @classmethod
    def run(cls, parent: QWidget | None, ctx: UiContext) -> Path | None:
        dialog = cls(ctx, parent)
        dialog.exec()
        return dialog.written_to
