"""The first start: a short wizard, so that the first success takes under a minute.

Three steps: the provider account (the Settings form; leave it empty to skip), the sound
devices (the Settings audio page), and the built-in echo test call, where the user hears
themself. Finishing saves the config and cancelling saves it as it was: either way the file
then exists and the wizard does not come back.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from softphone.audio import AudioDeviceError
from softphone.config import Config
from softphone.echo_line import EchoLineError
from softphone.engine import EngineError
from softphone.events import CallState, CallStateChanged
from softphone.phone import Phone
from softphone.ui.adapter import EngineBridge
from softphone.ui.settings.account_form import TEXT_FIELDS, AccountForm
from softphone.ui.settings.account_list import AccountList
from softphone.ui.settings.audio_page import AudioPage
from softphone.ui.settings.saving import Apply, save_settings
from softphone.ui.wording import STATE_WORDS, sentence

SUGGESTED_NAME = "provider"
CONNECTED_WORDS = "Connected: say something, and you hear yourself a moment later."


def is_first_run(config: Config) -> bool:
    """No config file yet and no account: a new user (a --config file that is missing but
    named counts too, as saving creates it)."""
    return config.path is not None and not config.path.exists() and not config.accounts


class AccountStep(QWizardPage):
    """The provider account, or nothing: the echo test needs no provider."""

    def __init__(self, form: AccountForm, accounts: AccountList) -> None:
        super().__init__()
        self.setTitle("Your provider account")
        self.setSubTitle("Enter the SIP account your provider gave you, or leave it empty to "
                         "skip: the echo test works without one, and Settings can add it later.")
        self.form = form
        self.accounts = accounts
        layout = QVBoxLayout(self)
        layout.addWidget(form)

    @property
    def skipped(self) -> bool:
        """Nothing typed but the suggested name."""
        typed = [self.form.inputs[key].text().strip() for key, *_ in TEXT_FIELDS
                 if key != "name"]
        return not any(typed) and not self.form.password.text()

    def validatePage(self) -> bool:
        """Next keeps a typed account only when every field is right (problems are shown)."""
        self.accounts.reset()
        if self.skipped:
            return True
        account = self.form.account()
        if account is None:
            return False
        self.accounts.put(account, self.form.password.text())
        return True


class DevicesStep(QWizardPage):
    """The Settings audio page: each device picked and tried; Next uses them for the echo
    test."""

    def __init__(self, config: Config, phone: Phone) -> None:
        super().__init__()
        self.setTitle("Microphone and speaker")
        self.setSubTitle("Pick and try your microphone and speaker (the system's are used "
                         "unless you choose others).")
        self.config = config
        self.phone = phone
        self.audio = AudioPage(config, phone)
        layout = QVBoxLayout(self)
        layout.addWidget(self.audio)

    def validatePage(self) -> bool:
        """Devices that cannot be opened are said on the page and the step stays."""
        audio = self.audio.collect(self.config).audio
        if audio == self.config.audio:
            return True
        try:
            self.phone.use_devices(audio.input_device or None, audio.output_device or None)
        except AudioDeviceError as error:
            self.audio.message.setText(sentence(error))
            return False
        return True


class EchoTestStep(QWizardPage):
    """One click calls the built-in echo line through the real engine."""

    def __init__(self, phone: Phone, bridge: EngineBridge) -> None:
        super().__init__()
        self.setTitle("Test call")
        self.setSubTitle("Call the built-in echo line: what you say comes back to you, so you "
                         "hear the whole path work.")
        self.phone = phone
        self.call_id: int | None = None
        self.call_button = QPushButton("Call the echo test")
        self.call_button.setObjectName("echo_call")
        self.call_button.clicked.connect(self.call)
        self.hang_up_button = QPushButton("Hang up")
        self.hang_up_button.setObjectName("echo_hang_up")
        self.hang_up_button.clicked.connect(self.hang_up)
        self.hang_up_button.setEnabled(False)
        self.state = QLabel()
        self.state.setObjectName("echo_state")
        self.state.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.call_button)
        buttons.addWidget(self.hang_up_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.state)
        layout.addStretch(1)
        bridge.call_state_changed.connect(self._call_state)

    def call(self) -> None:
        self.state.setText("Calling…")
        try:
            self.call_id = self.phone.dial_echo_test()
        except (EngineError, EchoLineError) as error:
            self.state.setText(sentence(error))
            return
        self.call_button.setEnabled(False)
        self.hang_up_button.setEnabled(True)

    def hang_up(self) -> None:
        if self.call_id is not None:
            # It may have ended by itself meanwhile: its end is shown as it arrives.
            with contextlib.suppress(EngineError):
                self.phone.hangup(self.call_id)

    def _call_state(self, event: CallStateChanged) -> None:
        if event.call_id != self.call_id:
            return
        if event.state is CallState.CONNECTED:
            self.state.setText(CONNECTED_WORDS)
        elif event.state is CallState.ENDED:
            self.state.setText(sentence(event.message) if event.message else "Call ended.")
            self.call_id = None
            self.call_button.setEnabled(True)
            self.hang_up_button.setEnabled(False)
        else:
            self.state.setText(STATE_WORDS[event.state])


class FirstRunWizard(QWizard):
    def __init__(self, config: Config, phone: Phone, bridge: EngineBridge, apply: Apply,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Softphone")
        self.setObjectName("first_run")
        self.config = config
        self.phone = phone
        self.apply_settings = apply
        self.accounts = AccountList((), self)
        self.form = AccountForm(phone, bridge)
        self.form.inputs["name"].setText(SUGGESTED_NAME)
        self.tried: set[str] = set()
        self.form.tried.connect(self.tried.add)
        self.account_step = AccountStep(self.form, self.accounts)
        self.devices_step = DevicesStep(config, phone)
        self.echo_step = EchoTestStep(phone, bridge)
        for page in (self.account_step, self.devices_step, self.echo_step):
            self.addPage(page)

    def done(self, result: int) -> None:
        """Finish saves what was set up; Cancel saves the config as it was, so the wizard
        does not come back either way (Settings can do all of it later)."""
        self.echo_step.hang_up()
        if result != QWizard.DialogCode.Accepted:
            self.phone.reset_accounts(self.tried)
            self.accounts.reset()
        config = self.devices_step.audio.collect(
            replace(self.config, accounts=tuple(self.accounts.accounts)))
        saved = save_settings(config, self.accounts, self.apply_settings)
        if not saved.complete:
            QMessageBox.warning(self, "Softphone", " ".join(saved.sentences))
        super().done(result)
