"""File > Connect to team register…: a register on a PostgreSQL server, shared by the team.

The address is one URL (what a register's owner sends round: ``postgresql://server/database``)
and its parts, kept in step both ways: server, port, database, user. "Test connection" opens,
checks and closes; Connect opens it for the window (``value()``: the new ``UiContext``). Both
run in the background: a server that does not answer keeps nothing waiting but the dialog.

Passwords: libpq reads the PostgreSQL password file (``~/.pgpass``, ``PGPASSFILE``); when the
server asks for one it does not give, the dialog asks (``ask_password``) and hands it to the
connection. It is held by this dialog while it is open and by the register's connections,
never written, never shown.

``reopen(registers, address)`` is the start of the app on the team register the user was on:
a password asked if need be and, if the server cannot be used, the choice to try again, to
connect to another or to open the register file instead.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from transfers_app.domain.team_register import (
    DEFAULT_PORT,
    AddressError,
    TeamRegister,
    password_in,
)
from transfers_app.errors import PasswordRequired, StorageError, TransfersError
from ui import messages
from ui.context import Registers, UiContext
from ui.jobs import Job, Jobs

INTRO = (
    "A team register is kept on a PostgreSQL server and shared by everyone who works on it. "
    "Ask its owner for its address, <i>postgresql://server/database</i>, and paste it below, "
    "or fill in the parts."
)
PASSWORDS = (
    "Passwords come from your PostgreSQL password file (~/.pgpass). If the server asks for "
    "one it does not give, you will be asked; it is used for this session and never saved."
)
ERROR_STYLE = "color: #b42318"


def password_prompt(error: PasswordRequired, address: TeamRegister) -> str:
    """What the password prompt says (never a password)."""
    user = address.user or _login_name()
    first = (
        "The server refused that password."
        if error.rejected
        else f"The server of {address.dbname} on {address.server} asks for a password."
    )
    return (
        f"{first}\n\nPassword of the database user {user}:\n(used for this session only, "
        "never saved)"
    )


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "your login name"


class ConnectDialog(QDialog):
    def __init__(
        self,
        registers: Registers,
        current: TeamRegister | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to team register")
        self.registers = registers
        self.jobs = Jobs(self)
        self._password: str | None = None  # the one the user typed, for this dialog's tries
        self._password_for: tuple[str, int | None, str] = ("", None, "")
        self._opened: UiContext | None = None
        self._syncing = False
        self._options: tuple[tuple[str, str], ...] = ()  # the URL's other parameters (sslmode)
        layout = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.recent = QComboBox()
        self.recent.setAccessibleName("Recent team registers")
        self._recent = registers.recent()
        for address in self._recent:
            self.recent.addItem(address.label(), address.url)
        self.recent.activated.connect(self._pick_recent)
        if self._recent:
            form.addRow("&Recent:", self.recent)
        self.url = QLineEdit()
        self.url.setPlaceholderText("postgresql://server/database")
        self.url.setClearButtonEnabled(True)
        form.addRow("&Address:", self.url)
        self.host = QLineEdit()
        self.host.setPlaceholderText("this computer")
        self.port = QLineEdit()
        self.port.setValidator(QIntValidator(1, 65535, self.port))
        self.port.setPlaceholderText(str(DEFAULT_PORT))
        self.port.setMaximumWidth(80)
        self.port.setAccessibleName("Port")
        port_label = QLabel("&Port:")
        port_label.setBuddy(self.port)
        server_row = QHBoxLayout()
        server_row.addWidget(self.host, 1)
        server_row.addWidget(port_label)
        server_row.addWidget(self.port)
        server_label = QLabel("&Server:")
        server_label.setBuddy(self.host)
        form.addRow(server_label, server_row)
        self.dbname = QLineEdit()
        form.addRow("&Database:", self.dbname)
        self.user = QLineEdit()
        self.user.setPlaceholderText(f"{_login_name()} (your login name)")
        form.addRow("&User:", self.user)
        layout.addLayout(form)
        note = QLabel(PASSWORDS)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.status = QLabel()
        self.status.setObjectName("connect-status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        # Test on the left, apart from the buttons that close the dialog.
        self.test_button = QPushButton("&Test connection")
        self.connect_button = QPushButton("&Connect")
        self.connect_button.setDefault(True)
        buttons = QDialogButtonBox()
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.test_button.clicked.connect(self.test)
        self.connect_button.clicked.connect(self.connect_register)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.url.textEdited.connect(self._url_edited)
        for edit in (self.host, self.port, self.dbname, self.user):
            edit.textEdited.connect(self._parts_edited)
        start = current or (self._recent[0] if self._recent else None)
        if start is not None:
            self.show_address(start)
        self.setMinimumWidth(600)

    # -- the address, as a URL and as its parts ------------------------------------------------

    def show_address(self, address: TeamRegister) -> None:
        self._syncing = True
        try:
            self.url.setText(address.url)
            self._show_parts(address)
        finally:
            self._syncing = False

    def _show_parts(self, address: TeamRegister) -> None:
        self.host.setText(address.host)
        self.port.setText("" if address.port is None else str(address.port))
        self.dbname.setText(address.dbname)
        self.user.setText(address.user)
        self._options = address.options

    def _pick_recent(self, index: int) -> None:
        if 0 <= index < len(self._recent):
            self.show_address(self._recent[index])
            self._say("")

    def _url_edited(self, text: str) -> None:
        if self._syncing:
            return
        try:
            address = TeamRegister.parse(text)
        except AddressError:
            return  # half typed: the parts keep what they had until it reads
        written = password_in(text)
        if written is not None:
            self._password, self._password_for = written, _account(address)
        self._forget_password_unless_for(address)
        self._syncing = True
        try:
            self._show_parts(address)
            if written is not None:  # not left on the screen
                self.url.setText(address.url)
        finally:
            self._syncing = False
        if written is not None:
            self._say(
                "The password in the address was taken out of it: it is used for this "
                "connection only and never saved."
            )

    def _parts_edited(self, *_: object) -> None:
        if self._syncing:
            return
        try:
            address = self._from_parts()
        except AddressError:
            return
        self._forget_password_unless_for(address)
        self._syncing = True
        try:
            self.url.setText(address.url)
        finally:
            self._syncing = False

    def _forget_password_unless_for(self, address: TeamRegister) -> None:
        """A password belongs to one user on one server: another address forgets it."""
        if self._password is not None and _account(address) != self._password_for:
            self._password = None

    def _from_parts(self) -> TeamRegister:
        port = self.port.text().strip()
        return TeamRegister(
            self.dbname.text().strip(),
            self.host.text().strip(),
            int(port) if port else None,
            self.user.text().strip(),
            self._options,
        )

    def address(self) -> TeamRegister:
        """The address as the fields give it (``AddressError`` names the part at fault)."""
        return self._from_parts()

    # -- test and connect ------------------------------------------------------------------------

    def test(self) -> None:
        self._run(self.registers.check, "Testing the connection…", self._tested)

    def connect_register(self) -> None:
        self._run(self.registers.team, "Connecting…", self._connected)

    def _run(
        self,
        action: Callable[[TeamRegister, str | None], object],
        doing: str,
        done: Callable[[object], None],
    ) -> None:
        try:
            address = self.address()
        except AddressError as exc:
            self._say(str(exc), error=True)
            return
        password = self._password

        def work(job: Job) -> object:
            try:
                result = action(address, password)
            except TransfersError as exc:  # shown in the dialog; the current register stays
                return exc
            if job.cancelled and isinstance(result, UiContext):
                result.close()  # the dialog was closed meanwhile: nothing is left open
            return result

        def finished(result: object) -> None:
            self._busy(False)
            if isinstance(result, PasswordRequired):
                self._ask_password(result, address, lambda: self._run(action, doing, done))
            elif isinstance(result, TransfersError):
                self._say(_failure(result, address), error=True)
            else:
                done(result)

        self._busy(True)
        self._say(doing)
        self.jobs.start_plain(work, finished, key="connect")

    def _ask_password(
        self, error: PasswordRequired, address: TeamRegister, again: Callable[[], None]
    ) -> None:
        password = messages.ask_password(self, password_prompt(error, address))
        if password is None:
            self._password = None
            self._say(f"Not connected: {error}.", error=True)
            return
        self._password, self._password_for = password, _account(address)
        again()

    def _tested(self, result: object) -> None:
        self._say(str(result))

    def _connected(self, result: object) -> None:
        if isinstance(result, UiContext):
            self._opened = result
            self._password = None
            self.accept()

    def _busy(self, busy: bool) -> None:
        for widget in (self.test_button, self.connect_button, self.url, self.recent):
            widget.setEnabled(not busy)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

    def value(self) -> UiContext | None:
        """The register opened by Connect (None: not connected)."""
        return self._opened

    def done(self, result: int) -> None:
        self.jobs.close()
        self._password = None
        super().done(result)

    @classmethod
    def run(
        cls, parent: QWidget | None, registers: Registers, current: TeamRegister | None = None
    ) -> UiContext | None:
        """Ask, connect: the team register opened, or None (cancelled)."""
        dialog = cls(registers, current, parent)
        dialog.exec()
        return dialog.value()


def _account(address: TeamRegister) -> tuple[str, int | None, str]:
    return (address.host, address.port, address.user)


def _failure(error: TransfersError, address: TeamRegister) -> str:
    """Why the register was not opened, and that the window stays where it was."""
    text = str(error).rstrip()
    end = "" if text.endswith((".", "?", "!")) else "."
    return f"Not connected to {address.dbname}: {text[:1].lower()}{text[1:]}{end}"


def reopen(registers: Registers, address: TeamRegister) -> UiContext | None:
    """The team register the user was on when the app last closed, at start; None: quit."""
    password: str | None = None
    while True:
        try:
            return registers.team(address, password)
        except PasswordRequired as exc:
            password = messages.ask_password(None, password_prompt(exc, address))
            if password is not None:
                continue
            problem: StorageError = exc
        except StorageError as exc:
            problem = exc
        choice = messages.choose(
            None,
            f"The team register {address.label()} could not be opened.\n\n{problem}",
            ["Try again", "Connect to another…", "Open my register file instead", "Quit"],
        )
        password = None
        if choice == 0:
            continue
        if choice == 1:
            opened = ConnectDialog.run(None, registers, address)
            if opened is not None:
                return opened
            continue
        if choice == 2:
            try:
                return registers.file()
            except StorageError as exc:  # a damaged or locked file: said, and asked again
                messages.error(None, f"The register file could not be opened.\n\n{exc}")
                continue
        return None
