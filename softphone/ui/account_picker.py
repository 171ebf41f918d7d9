"""Which account to call through, and how each one stands with its provider."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from softphone.config import AccountConfig
from softphone.ui.session import Session


class AccountPicker(QWidget):
    """A combo box of the configured accounts with the chosen one's registration state."""

    chosen = Signal()

    def __init__(self, accounts: tuple[AccountConfig, ...], session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts: dict[str, AccountConfig] = {}
        self.session = session
        self.combo = QComboBox()
        self.state = QLabel()
        self.state.setObjectName("account_state")
        self.state.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.state, 1)
        self.set_accounts(accounts)
        self.combo.currentIndexChanged.connect(self._show)
        self.combo.currentIndexChanged.connect(self.chosen)
        session.changed.connect(self._show)
        self._show()

    def set_accounts(self, accounts: tuple[AccountConfig, ...]) -> None:
        """The accounts as configured now (Settings may change them); the chosen one stays
        chosen if it is still there."""
        chosen = self.combo.currentText()
        self.accounts = {account.name: account for account in accounts}
        self.combo.clear()
        self.combo.addItems(list(self.accounts))
        self.combo.setEnabled(bool(accounts))
        if not accounts:
            self.combo.addItem("No account: only Test call works")
        elif chosen in self.accounts:
            self.combo.setCurrentText(chosen)

    def choose(self, name: str) -> None:
        """Make `name` the chosen account, if it is (still) one of them."""
        if name in self.accounts:
            self.combo.setCurrentText(name)

    @property
    def current(self) -> AccountConfig | None:
        return self.accounts.get(self.combo.currentText())

    def _show(self) -> None:
        account = self.current
        status = self.session.accounts.get(account.name) if account else None
        self.state.setText(status.text if status else "")
        self.state.setToolTip(self.state.text())
