"""Settings → Network: the local ports and address, the certificates TLS accounts trust, and
what gets audio through a NAT (STUN servers, a TURN relay with its password in the keyring).

Each field is checked by the config file's rules, its problem shown under it. The engine is
built with these, so they take effect at the next start (the app says so when they change).
*Test* asks each STUN server which address it sees us at, on a thread (a server that does not
answer takes seconds to give up on), the answers coming back to the GUI thread as a signal.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from softphone.config import TURN_TRANSPORTS, Config, ConfigError, NetworkConfig, parse_field
from softphone.credentials import TURN_CREDENTIAL
from softphone.phone import Phone
from softphone.ui.settings.account_list import AccountList
from softphone.ui.settings.checked_row import (
    FieldsToCorrect,
    add_checked_row,
    read_fields,
    show_problem,
)
from softphone.ui.wording import sentence

# (key, label, placeholder, tooltip); the order is the form's.
TEXT_FIELDS = (
    ("bind_address", "Network address", "all of this computer's addresses",
     "Calls use only this local IP address, e.g. a VPN's"),
    ("ca_file", "Trusted certificates", "the system's",
     "A CA bundle (PEM) that TLS accounts trust instead of the system's: for a provider or "
     "PBX whose certificate a private authority signed"),
    ("stun_servers", "STUN servers", "none, e.g. stun.example.net:3478",
     "Behind a router that gives the audio another port number, each call asks a STUN server "
     "which address and port it saw. An unreachable one holds up every call by seconds."),
    ("turn_server", "TURN relay", "none, e.g. turn.example.net:3478",
     "If calls have one-way audio, the audio goes through this relay"),
    ("turn_username", "Relay username", "", "The user name the relay gave you"),
)
LOCAL_FIELDS = ("bind_address", "ca_file")
TESTING = "Asking…"
LIST_SEPARATORS = re.compile(r"[\s,;]+")


class _Answers(QObject):
    """What the STUN test's thread found, delivered on the GUI thread. Without a parent, so a
    thread still holding it after the page is gone emits into nothing."""

    said = Signal(str)


class NetworkPage(QWidget):
    title = "Network"

    def __init__(self, config: Config, secrets: AccountList, phone: Phone,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.secrets = secrets
        self.phone = phone
        self.stun_test = QPushButton("Test")
        self.stun_test.setObjectName("test_stun")
        self.stun_test.setToolTip("Ask each STUN server which address it sees you at")
        self.stun_test.clicked.connect(self.test_stun_servers)
        self.stun_status = QLabel()
        self.stun_status.setObjectName("stun_status")
        self.stun_status.setWordWrap(True)
        self.stun_status.hide()  # no empty line under the field until there is an answer
        self._answers = _Answers()
        self._answers.said.connect(self._stun_answered)
        self.inputs: dict[str, QLineEdit | QSpinBox | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        self.password = QLineEdit()
        self.password.setObjectName("turn_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        network = config.network
        self.password.setPlaceholderText(
            "unchanged (stored in the system keyring)" if network.turn_server else
            "stored in the system keyring, never in the file")
        self._lay_out(network)

    def collect(self, config: Config) -> Config:
        """The page's fields as [network]; raises FieldsToCorrect, with each problem shown under
        its field, when one is wrong. A typed relay password waits with the accounts' for the
        keyring, so it is stored only once the file is saved."""
        values = read_fields(self.inputs, self.errors, self._read)
        if values is None:
            raise FieldsToCorrect(self.title)
        if self.password.text() and values["turn_server"]:  # typed, then the relay cleared
            self.secrets.passwords[TURN_CREDENTIAL] = self.password.text()
            self.password.clear()
            self.password.setPlaceholderText("unchanged (stored in the system keyring)")
        return replace(config, network=replace(config.network, **values))

    @staticmethod
    def _read(key: str, widget: QLineEdit | QSpinBox | QComboBox) -> Any:
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        text = widget.text().strip()
        if key == "stun_servers":
            return parse_field("network", key, [item for item in LIST_SEPARATORS.split(text)
                                                if item])
        return parse_field("network", key, text) if text else ""

    def _lay_out(self, network: NetworkConfig) -> None:
        local, nat = QFormLayout(), QFormLayout()
        self._add(local, "sip_port", "SIP port", self._spin(
            (0, 65535), network.sip_port, "Any free port",
            "The local port for SIP over UDP and TCP (TLS uses the next one)"))
        self._add(local, "rtp_port", "First audio (RTP) port", self._spin(
            (1024, 65535), network.rtp_port, "",
            "Calls take local ports for their audio from here up"))
        for key, label, placeholder, tip in TEXT_FIELDS:
            line = QLineEdit(", ".join(network.stun_servers) if key == "stun_servers"
                             else getattr(network, key))
            line.setPlaceholderText(placeholder)
            line.setToolTip(tip)
            self._add(local if key in LOCAL_FIELDS else nat, key, label, line,
                      self.stun_test if key == "stun_servers" else None)
            if key == "stun_servers":
                nat.addRow("", self.stun_status)
        self._offer_browsing(self.inputs["ca_file"])
        nat.addRow("Relay password", self.password)
        transport = QComboBox()
        transport.addItems(list(TURN_TRANSPORTS))
        transport.setCurrentText(network.turn_transport)
        transport.setToolTip("How the relay is reached: tcp gets through firewalls that block "
                             "UDP")
        self._add(nat, "turn_transport", "Reach the relay over", transport)
        relay = self.inputs["turn_server"]
        relay.textChanged.connect(self._relay_named)
        self._relay_named(relay.text())
        note = QLabel("These settings take effect the next time Softphone starts: once they "
                      "are saved, Restart now does it.")
        note.setObjectName("network_note")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        for title, form in (("This computer", local), ("Behind a router (NAT)", nat)):
            group = QGroupBox(title)
            group.setLayout(form)
            layout.addWidget(group)
        layout.addWidget(note)
        layout.addStretch(1)

    def test_stun_servers(self) -> None:
        """Each server in the field as typed (checked as the file would be first)."""
        try:
            servers = self._read("stun_servers", self.inputs["stun_servers"])
        except ConfigError as error:
            show_problem(self.errors["stun_servers"], sentence(error.message))
            return
        show_problem(self.errors["stun_servers"], "")
        if not servers:
            self._say("No STUN server is set: calls rely on the provider for the address the "
                      "router gives them.")
            return
        self.stun_test.setEnabled(False)
        self._say(TESTING)
        answers, phone = self._answers, self.phone
        threading.Thread(target=_ask_each, args=(phone, servers, answers), name="stun-test",
                         daemon=True).start()

    def _stun_answered(self, text: str) -> None:
        self._say(text)
        self.stun_test.setEnabled(True)

    def _say(self, text: str) -> None:
        self.stun_status.setText(text)
        self.stun_status.show()

    def _relay_named(self, server: str) -> None:
        """The relay's user, password and transport mean something only with a relay."""
        for widget in (self.inputs["turn_username"], self.password,
                       self.inputs["turn_transport"]):
            widget.setEnabled(bool(server.strip()))

    def _add(self, form: QFormLayout, key: str, label: str,
             widget: QLineEdit | QSpinBox | QComboBox, beside: QWidget | None = None) -> None:
        self.errors[key] = add_checked_row(form, label, widget, key, beside)
        self.inputs[key] = widget

    def _offer_browsing(self, line: QLineEdit) -> None:
        """A folder button inside the field picks the file, which can also be typed."""
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon)
        browse = line.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
        browse.setObjectName("browse_ca_file")
        browse.setToolTip("Choose the file")
        browse.triggered.connect(lambda: self._browse(line))

    def _browse(self, line: QLineEdit) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Trusted certificates", line.text(), "Certificates (*.pem *.crt);;All files (*)")
        if chosen:
            line.setText(chosen)

    @staticmethod
    def _spin(bounds: tuple[int, int], value: int, special: str, tip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(*bounds)
        spin.setValue(value)
        spin.setSpecialValueText(special)
        spin.setToolTip(tip)
        return spin


def _ask_each(phone: Phone, servers: tuple[str, ...], answers: _Answers) -> None:
    """On a thread: one line per server, what it saw or why it could not say."""
    answers.said.emit("\n".join(phone.test_stun_server(server) for server in servers))
