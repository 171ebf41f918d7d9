"""The accounts as the Settings dialog is editing them, shared by the Accounts and Codecs pages.

Nothing here reaches the file or the keyring until the dialog saves: typed passwords wait in
`passwords` (the Network page's TURN relay password too, under its keyring name), removed
accounts' keyring entries in `removed`, so Cancel really cancels.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from softphone.config import AccountConfig
from softphone.credentials import CredentialError, delete_password, set_password


class AccountList(QObject):
    """The edited accounts in order (the first is the default); `changed` after any edit."""

    changed = Signal()

    def __init__(self, accounts: tuple[AccountConfig, ...],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.accounts = list(accounts)
        self.passwords: dict[str, str] = {}
        self.removed: set[str] = set()

    def names(self) -> list[str]:
        return [account.name for account in self.accounts]

    def put(self, account: AccountConfig, password: str = "") -> None:
        """Add an account, or replace the one with its name; a typed password waits here."""
        names = self.names()
        if account.name in names:
            self.accounts[names.index(account.name)] = account
        else:
            self.accounts.append(account)
        self.removed.discard(account.name)
        if password:
            self.passwords[account.name] = password
        self.changed.emit()

    def reset(self, accounts: tuple[AccountConfig, ...] = ()) -> None:
        """Start over from `accounts`, forgetting typed passwords and removals."""
        self.accounts = list(accounts)
        self.passwords.clear()
        self.removed.clear()
        self.changed.emit()

    def remove(self, name: str) -> None:
        self.accounts = [account for account in self.accounts if account.name != name]
        self.passwords.pop(name, None)
        self.removed.add(name)
        self.changed.emit()

    def move(self, name: str, step: int) -> None:
        """Up (-1) or down (+1); the account at the top is the one calls use by default."""
        index = self.names().index(name)
        other = index + step
        if 0 <= other < len(self.accounts):
            self.accounts[index], self.accounts[other] = self.accounts[other], self.accounts[index]
            self.changed.emit()

    def set_codecs(self, name: str, codecs: tuple[str, ...]) -> None:
        index = self.names().index(name)
        self.accounts[index] = replace(self.accounts[index], codecs=codecs)
        self.changed.emit()

    def store_secrets(self) -> tuple[set[str], list[str]]:
        """Put typed passwords into the keyring and delete removed accounts' entries, after
        the file is saved. Returns the accounts whose password changed (to register again)
        and the keyring's sentences for what could not be done; those passwords stay typed,
        so saving again retries them."""
        stored: set[str] = set()
        problems: list[str] = []
        for name, password in list(self.passwords.items()):
            try:
                set_password(name, password)
            except CredentialError as error:
                problems.append(str(error))
                continue
            stored.add(name)
            del self.passwords[name]
        for name in sorted(self.removed):
            try:
                delete_password(name, missing_ok=True)
            except CredentialError as error:
                problems.append(str(error))
                continue
            self.removed.discard(name)
        return stored, problems
