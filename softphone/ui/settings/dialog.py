"""The Settings dialog: its pages collect a new Config, which is saved to the file (atomically,
comments kept) and then put into effect in the running app; what needs a restart is said.

Every page has `title` and `collect(config) -> Config` (which raises FieldsToCorrect when a
field is wrong); the pages are listed in `_pages`.
"""

from __future__ import annotations

from functools import reduce

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from softphone.config import Config
from softphone.phone import Phone
from softphone.ui.adapter import EngineBridge
from softphone.ui.restart import Restart
from softphone.ui.settings.account_list import AccountList
from softphone.ui.settings.accounts_page import AccountsPage
from softphone.ui.settings.audio_page import AudioPage
from softphone.ui.settings.calls_page import CallsPage
from softphone.ui.settings.checked_row import FieldsToCorrect
from softphone.ui.settings.codecs_page import CodecsPage
from softphone.ui.settings.network_page import NetworkPage
from softphone.ui.settings.saving import Apply, save_settings
from softphone.ui.settings.startup_page import StartupPage


class SettingsDialog(QDialog):
    def __init__(self, config: Config, phone: Phone, bridge: EngineBridge, apply: Apply,
                 restart: Restart | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settings")
        self.config = config
        self.phone = phone
        self.apply_settings = apply
        self.accounts = AccountList(config.accounts, self)
        self.accounts_page = AccountsPage(self.accounts, phone, bridge)
        self.pages = self._pages(config, phone)
        self.tabs = QTabWidget()
        for page in self.pages:
            self.tabs.addTab(page, page.title)
        self.message = QLabel()
        self.message.setObjectName("settings_message")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Apply
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText("&Apply")  # Alt+A, whatever the platform's theme says
        self.ok_button.clicked.connect(self.ok)
        self.apply_button.clicked.connect(self.save)
        self.restart = restart
        # Shown once saved settings wait for a restart (the first-run wizard has none).
        self.restart_button = buttons.addButton("&Restart now",
                                                QDialogButtonBox.ButtonRole.ActionRole)
        self.restart_button.setObjectName("restart_now")
        self.restart_button.setToolTip("Quit and start again, with the new settings in effect")
        self.restart_button.clicked.connect(self.restart_now)
        self.restart_button.setVisible(restart is not None and restart.pending)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def _pages(self, config: Config, phone: Phone) -> list[QWidget]:
        return [self.accounts_page, CodecsPage(self.accounts), AudioPage(config, phone),
                NetworkPage(config, self.accounts, phone), CallsPage(config), StartupPage(config)]

    def save(self) -> bool:
        """Collect, save, store passwords, apply; says what happened. True when the file was
        saved and every password stored."""
        try:
            config = reduce(lambda done, page: page.collect(done), self.pages, self.config)
        except FieldsToCorrect as wrong:
            page = next(page for page in self.pages if page.title == wrong.args[0])
            self.tabs.setCurrentWidget(page)
            self.message.setText(f"Nothing was saved: correct the fields marked on the "
                                 f"{page.title} page first.")
            return False
        saved = save_settings(config, self.accounts, self.apply_settings)
        self.message.setText(" ".join(saved.sentences))
        self.restart_button.setVisible(self.restart is not None and self.restart.pending)
        if saved.config is not None:
            self.config = saved.config
            self.accounts_page.tried.clear()  # what was tried is now what is configured
        return saved.complete

    def restart_now(self) -> None:
        """Unsaved changes are saved first, so nothing typed is lost to the restart."""
        if self.restart is None or not self.save():
            return
        why_not = self.restart.now()
        if why_not is not None:
            self.message.setText(why_not)

    def ok(self) -> None:
        if self.save():
            self.accept()

    def reject(self) -> None:
        """Accounts registered as typed for a test go back to what the saved config says."""
        if self.accounts_page.tried:
            self.phone.reset_accounts(self.accounts_page.tried)
            self.accounts_page.tried.clear()
        super().reject()
