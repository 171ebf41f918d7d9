"""One provider account's fields, checked by the config file's own rules, with each problem
shown under its field; "Test registration" tries the account as typed with the running engine.

Used by the Accounts page's editor and by the first-run wizard.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.config import (
    DTMF_METHODS,
    SRTP_MODES,
    TRANSFER_POLICIES,
    TRANSPORTS,
    AccountConfig,
    parse_field,
)
from softphone.credentials import CredentialError
from softphone.engine import EngineError
from softphone.events import RegistrationChanged
from softphone.phone import Phone
from softphone.ui.adapter import EngineBridge
from softphone.ui.settings.checked_row import add_checked_row, read_fields
from softphone.ui.wording import sentence

Input = QLineEdit | QComboBox | QCheckBox

# (key, label, placeholder or choices, tooltip); the order is the form's. Text fields with a
# None default are optional: left empty, they are not written to the file.
TEXT_FIELDS = (
    ("name", "Name", "provider", "Your name for the account; also its keyring entry"),
    ("username", "Username", "1001", "The user part of your SIP address, without @domain"),
    ("domain", "Domain", "sip.example.net", "The provider's SIP domain, host[:port]"),
    ("display_name", "Display name", "Ada Lovelace", "Shown to the people you call"),
    ("registrar", "Registrar", "sip:sip.example.net:5060 (optional)",
     "Where to register, if not the domain"),
    ("proxy", "Outbound proxy", "sip:proxy.example.net (optional)", ""),
    ("auth_username", "Auth username", "(optional) if not the username", ""),
    ("caller_id", "Caller ID", "+15550001001 (optional)",
     "Asked of the provider with P-Preferred-Identity"),
    ("default_country", "Default country", "US (optional)",
     "How national numbers like (202) 555-0143 are read: a two-letter code"),
)
CHOICE_FIELDS = (
    ("transport", "Transport", TRANSPORTS),
    ("dtmf_method", "Keypad (DTMF)", DTMF_METHODS),
    ("incoming_transfers", "Incoming transfers", TRANSFER_POLICIES),
    ("srtp", "Encryption (SRTP)", SRTP_MODES),
)
CHECK_FIELDS = (
    ("register", "Register with the provider"),
    ("verify_server", "Verify the server's TLS certificate"),
    ("calls_from_provider_only", "Accept calls from the provider only"),
)
OPTIONAL = {spec.name for spec in fields(AccountConfig) if spec.default is None}


class AccountForm(QWidget):
    """`account()` is the typed account when every field is right, else None with the problems
    shown; `tried` carries the name of an account registered by "Test registration"."""

    tried = Signal(str)

    def __init__(self, phone: Phone, bridge: EngineBridge, taken: set[str] = frozenset(),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phone = phone
        self.taken = set(taken)
        self.base = AccountConfig(name="", username="", domain="")
        self.inputs: dict[str, Input] = {}
        self.errors: dict[str, QLabel] = {}
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.test_button = QPushButton("Test registration")
        self.test_button.setObjectName("test_registration")
        self.test_button.clicked.connect(self.test)
        self.status = QLabel()
        self.status.setObjectName("registration_status")
        self.status.setWordWrap(True)
        self._testing: str | None = None
        self._lay_out()
        bridge.registration_changed.connect(self._registration)
        self.load(None)

    def load(self, account: AccountConfig | None) -> None:
        """Show an account to edit (its name then stays: it is the keyring entry), or a new
        one's defaults."""
        self.base = account or AccountConfig(name="", username="", domain="")
        for key, widget in self.inputs.items():
            value = getattr(self.base, key)
            if isinstance(widget, QCheckBox):
                widget.setChecked(value)
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(value)
            else:
                widget.setText(value or "")
        self.inputs["name"].setReadOnly(account is not None)
        self.inputs["name"].setToolTip(
            "The name is the account's keyring entry: to rename it, add a new account and "
            "remove this one" if account else TEXT_FIELDS[0][3])
        self.password.clear()
        self.password.setPlaceholderText(
            "unchanged (stored in the system keyring)" if account else
            "stored in the system keyring, never in the file")
        self.status.clear()
        for label in self.errors.values():
            label.hide()

    def account(self) -> AccountConfig | None:
        """Every field checked by config.py's rules; problems are shown under their fields."""
        values = read_fields(self.inputs, self.errors, self._read, self._name_problem)
        return None if values is None else replace(self.base, **values)

    def _name_problem(self, key: str, value: Any) -> str:
        return ("Another account already has this name." if key == "name" and value in self.taken
                else "")

    def _read(self, key: str, widget: Input) -> Any:
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        text = widget.currentText() if isinstance(widget, QComboBox) else widget.text().strip()
        if key in OPTIONAL and not text:
            return None
        return parse_field("account", key, text)

    def test(self) -> None:
        """Register the account as typed (with the typed password, else the stored one); the
        answer comes back as a RegistrationChanged for its name."""
        account = self.account()
        if account is None:
            self.status.setText("Correct the fields marked above first.")
            return
        self._testing = account.name
        self.status.setText("Registering…")
        try:
            self.phone.try_registration(account, self.password.text() or None)
        except (CredentialError, EngineError) as error:
            self._testing = None
            self.status.setText(sentence(error))
            return
        self.tried.emit(account.name)
        if not account.register:
            self._testing = None
            self.status.setText("Set up without registering (register is off).")

    def _registration(self, event: RegistrationChanged) -> None:
        if event.account != self._testing:
            return
        self.status.setText("Registered" if event.registered else sentence(event.message))
        self._testing = None

    def _lay_out(self) -> None:
        form = QFormLayout()
        for key, label, placeholder, tip in TEXT_FIELDS:
            line = QLineEdit()
            line.setPlaceholderText(placeholder)
            line.setToolTip(tip)
            self._add(form, key, label, line)
        form.addRow("Password", self.password)
        for key, label, choices in CHOICE_FIELDS:
            combo = QComboBox()
            combo.addItems(list(choices))
            self._add(form, key, label, combo)
        for key, label in CHECK_FIELDS:
            self._add(form, key, "", QCheckBox(label))
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)

    def _add(self, form: QFormLayout, key: str, label: str, widget: Input) -> None:
        self.errors[key] = add_checked_row(form, label, widget, key)
        self.inputs[key] = widget
