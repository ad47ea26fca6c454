"""Settings ▸ Organisation: the organisation that keeps the register (its profile).

Built with the profile and the service's check (``OrganisationService.problems``): each
problem is shown beside its field, Save is enabled only when there is none, ``value()`` is the
profile as filled in. ``edit`` runs it and saves through the service.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.organisation import FIELD_LABELS, OrganisationProfile, Person
from transfers_app.errors import TransfersError, ValidationError
from transfers_app.services.organisation import OrganisationService
from ui import messages
from ui.widgets.forms import ERROR_STYLE, FieldMessages, save_cancel_row

Check = Callable[[OrganisationProfile], list[ValidationError]]
MAX_SIGNERS = 6
# What an untouched, still empty field says: it keeps quiet until the user has been there.
REQUIRED = "is required"


class _SignerRow:
    """One signer: name, role and email, with their messages under them."""

    def __init__(self, grid: QGridLayout, row: int, person: Person, number: int) -> None:
        self.name = QLineEdit(person.name)
        self.role = QLineEdit(person.role)
        self.email = QLineEdit(person.email)
        for edit, what in ((self.name, "name"), (self.role, "role"), (self.email, "email")):
            edit.setAccessibleName(f"Signer {number} {what}")
            edit.setPlaceholderText(what.capitalize())
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.remove = QPushButton("Remove")
        self.remove.setAccessibleName(f"Remove signer {number}")
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.role, row, 1)
        grid.addWidget(self.email, row, 2)
        grid.addWidget(self.remove, row, 3)
        grid.addWidget(self.message, row + 1, 0, 1, 4)

    def value(self) -> Person:
        return Person(self.name.text().strip(), self.role.text().strip(), self.email.text().strip())

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.role, self.email, self.remove, self.message)


class OrganisationDialog(QDialog, FieldMessages):
    """The organisation's profile, validated as it is typed."""

    def __init__(
        self,
        profile: OrganisationProfile,
        check: Check,
        parent: QWidget | None = None,
        *,
        intro: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Organisation")
        self._check = check
        self._original = profile
        self._errors: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        layout = QVBoxLayout(self)
        if intro:
            note = QLabel(intro)
            note.setWordWrap(True)
            layout.addWidget(note)
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        rows: list[tuple[str, str, QWidget]] = []
        for field in FIELD_LABELS:
            if field == "signers":
                continue
            value = getattr(profile, field)
            edit: QLineEdit | QPlainTextEdit
            if field in ("address", "addressee"):
                edit = QPlainTextEdit(value)
                edit.setTabChangesFocus(True)
                edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
                edit.textChanged.connect(lambda f=field: self._edited(f))
            else:
                edit = QLineEdit(value)
                edit.textEdited.connect(lambda _t, f=field: self._edited(f))
            edit.setAccessibleName(FIELD_LABELS[field])
            self.edits[field] = edit
            rows.append((f"{FIELD_LABELS[field]}:", field, edit))
        self.edits["registration_number"].setToolTip(
            "The registration (data protection fee) number with the Information Commission, "
            "formerly the ICO"
        )
        self.edits["eu_representative"].setToolTip(
            "The representative in the EU under Art 27 GDPR, if the organisation has one"
        )
        self.edits["addressee"].setToolTip(
            "Who regulator letters go to; empty: the regulator, as the reference data names it"
        )
        addressee = self.edits["addressee"]
        assert isinstance(addressee, QPlainTextEdit)
        addressee.setPlaceholderText("Empty: the regulator, as the reference data names it")
        layout.addLayout(self._field_form(*rows))

        box = QGroupBox("People who prepare and sign regulator letters (the first by default)")
        self.signer_grid = QGridLayout(box)
        for i, stretch in enumerate((2, 2, 3)):  # an email is the longest
            self.signer_grid.setColumnStretch(i, stretch)
        self.no_signers = QLabel(
            "Nobody yet: add the people who prepare and sign letters to the regulator. Until "
            "then the data protection officer prepares and signs them."
        )
        self.no_signers.setWordWrap(True)
        self.signer_grid.addWidget(self.no_signers, 0, 0, 1, 4)
        self.signer_rows: list[_SignerRow] = []
        for person in profile.signers:
            self._add_signer(person)
        self.add_signer_button = QPushButton("Add a signer")
        self.add_signer_button.clicked.connect(lambda: self._add_signer(Person(""), edited=True))
        column = QVBoxLayout()
        column.addWidget(box)
        column.addWidget(self.add_signer_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(column)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(ERROR_STYLE)
        foot, self.save_button, self.cancel_button = save_cancel_row(
            self.summary, self.accept, self.reject
        )
        layout.addLayout(foot)
        if intro:  # offered on first start: the profile may wait
            self.cancel_button.setText("Later")
        self.resize(720, 0)
        self._validate()

    # -- the signers ----------------------------------------------------------------------------

    def _add_signer(self, person: Person, edited: bool = False) -> None:
        number = len(self.signer_rows) + 1
        row = _SignerRow(self.signer_grid, 2 * (number - 1), person, number)
        for edit in (row.name, row.role, row.email):
            edit.textEdited.connect(lambda _t, n=number: self._edited(f"signers[{n}]"))
        row.remove.clicked.connect(lambda _c=False, r=row: self._remove_signer(r))
        self.signer_rows.append(row)
        if edited:
            self._edited(f"signers[{number}]")
            row.name.setFocus()
        self._sync_signers()

    def _remove_signer(self, row: _SignerRow) -> None:
        people = [r.value() for r in self.signer_rows if r is not row]
        for r in self.signer_rows:
            for w in r.widgets():
                self.signer_grid.removeWidget(w)
                w.deleteLater()
        self.signer_rows = []
        for person in people:
            self._add_signer(person)
        self._touched.add("signers")
        self._sync_signers()
        self._validate()

    def _sync_signers(self) -> None:
        self.no_signers.setVisible(not self.signer_rows)
        if hasattr(self, "add_signer_button"):
            self.add_signer_button.setEnabled(len(self.signer_rows) < MAX_SIGNERS)

    # -- the value ---------------------------------------------------------------------------

    def current(self) -> OrganisationProfile:
        """The profile as filled in now (valid or not)."""
        values: dict[str, str] = {}
        for field, edit in self.edits.items():
            text = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
            values[field] = text.strip()
        signers = tuple(r.value() for r in self.signer_rows)
        return OrganisationProfile(**values, signers=signers)

    def value(self) -> OrganisationProfile | None:
        """The profile as filled in, or None while the check finds a problem."""
        profile = self.current()
        return None if self._check(profile) else profile

    def _edited(self, field: str) -> None:
        self._touched.add(field)
        self._validate()

    def _validate(self) -> bool:
        found = self._check(self.current())
        pending = self._show_messages(
            [p for p in found if not p.field.startswith("signers[")],
            self._touched,
            {REQUIRED},
            lambda f: FIELD_LABELS.get(f, f),
        )
        for i, row in enumerate(self.signer_rows, start=1):
            texts = [
                f"{p.field.split('.')[-1].capitalize()} {p.message}"
                for p in found
                if p.field.startswith(f"signers[{i}].")
            ]
            shown = bool(texts) and (f"signers[{i}]" in self._touched or any(
                REQUIRED not in t for t in texts
            ))  # fmt: skip
            row.message.setText("; ".join(texts) if shown else "")
            row.message.setVisible(shown)
            if texts and not shown:
                pending.append(f"Signer {i}: {'; '.join(texts)}")
        self.summary.setText(("To save, fill in: " + "; ".join(pending)) if pending else "")
        self.save_button.setEnabled(not found)
        self.save_button.setToolTip("" if not found else "Complete the fields marked first")
        return not found

    def accept(self) -> None:
        if self._validate():
            super().accept()

    def reject(self) -> None:
        if self.current() != self._original and not messages.discard_changes(self):
            return
        super().reject()

    @classmethod
    def edit(
        cls, parent: QWidget | None, service: OrganisationService, intro: str = ""
    ) -> OrganisationProfile | None:
        """Show the profile; on Save write it (audited). The saved profile, or None."""
        dialog = cls(service.get(), service.problems, parent, intro=intro)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        profile = dialog.value()
        if profile is None:
            return None
        try:
            return service.save(profile)
        except TransfersError as exc:
            messages.error(parent, f"The organisation's profile was not saved.\n\n{exc}")
            return None
