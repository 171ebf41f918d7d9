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
                 parent: QWidget | None = None) -> None:
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
        self.ok_button.clicked.connect(self.ok)
        self.apply_button.clicked.connect(self.save)
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
        if saved.config is not None:
            self.config = saved.config
            self.accounts_page.tried.clear()  # what was tried is now what is configured
        return saved.complete

    def ok(self) -> None:
        if self.save():
            self.accept()

    def reject(self) -> None:
        """Accounts registered as typed for a test go back to what the saved config says."""
        if self.accounts_page.tried:
            self.phone.reset_accounts(self.accounts_page.tried)
            self.accounts_page.tried.clear()
        super().reject()
