"""Settings → Accounts: the provider accounts in order (the first is the default), each added,
edited (with its password and a registration test) or removed."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.config import Config
from softphone.phone import Phone
from softphone.ui.adapter import EngineBridge
from softphone.ui.settings.account_form import AccountForm
from softphone.ui.settings.account_list import AccountList


class AccountEditor(QDialog):
    """The form in a dialog; OK keeps the account in the list only when every field is right
    (what was typed stays on screen with the problems shown)."""

    def __init__(self, form: AccountForm, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = form
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        layout.addWidget(buttons)

    def _ok(self) -> None:
        if self.form.account() is not None:
            self.accept()


class AccountsPage(QWidget):
    title = "Accounts"

    def __init__(self, accounts: AccountList, phone: Phone, bridge: EngineBridge,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.phone = phone
        self.bridge = bridge
        self.tried: set[str] = set()  # registered as typed: put back if the dialog is cancelled
        self.editor: AccountEditor | None = None
        self.list = QListWidget()
        self.list.setObjectName("accounts")
        self.list.itemDoubleClicked.connect(lambda _: self.edit())
        self.buttons = {name: QPushButton(text) for name, text in (
            ("add", "Add…"), ("edit", "Edit…"), ("remove", "Remove…"),
            ("up", "Move up"), ("down", "Move down"))}
        for name, button in self.buttons.items():
            button.setObjectName(name)
        self.buttons["add"].clicked.connect(self.add)
        self.buttons["edit"].clicked.connect(self.edit)
        self.buttons["remove"].clicked.connect(self.remove)
        self.buttons["up"].clicked.connect(lambda: self._move(-1))
        self.buttons["down"].clicked.connect(lambda: self._move(1))
        self._lay_out()
        accounts.changed.connect(self._show)
        self.list.currentRowChanged.connect(self._enable)
        self._show()

    def collect(self, config: Config) -> Config:
        return replace(config, accounts=tuple(self.accounts.accounts))

    @property
    def selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def add(self) -> None:
        self._open_editor(None)

    def edit(self) -> None:
        if self.selected is not None:
            self._open_editor(self.selected)

    def remove(self) -> None:
        """Asks first: the account's password is deleted from the keyring on save too."""
        name = self.selected
        if name is None:
            return
        question = QMessageBox(
            QMessageBox.Icon.Question, "Remove account",
            f"Remove the account '{name}'? Its password is deleted from the system keyring "
            "when you save.", parent=self)
        remove = question.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        question.addButton(QMessageBox.StandardButton.Cancel)
        question.finished.connect(
            lambda _: self.accounts.remove(name) if question.clickedButton() is remove else None)
        question.open()

    def _open_editor(self, name: str | None) -> None:
        account = next((a for a in self.accounts.accounts if a.name == name), None)
        taken = set(self.accounts.names()) - {name}
        form = AccountForm(self.phone, self.bridge, taken)
        form.load(account)
        form.tried.connect(self.tried.add)
        self.editor = AccountEditor(form, "Edit account" if account else "Add account", self)
        self.editor.accepted.connect(lambda: self.accounts.put(form.account(),
                                                               form.password.text()))
        self.editor.open()

    def _move(self, step: int) -> None:
        name = self.selected
        if name is not None:
            self.accounts.move(name, step)
            self.list.setCurrentRow(self.accounts.names().index(name))

    def _show(self) -> None:
        row = self.list.currentRow()
        self.list.clear()
        for index, account in enumerate(self.accounts.accounts):
            default = " (default)" if index == 0 else ""
            self.list.addItem(f"{account.name}{default} — {account.username}@{account.domain}")
            self.list.item(index).setData(Qt.ItemDataRole.UserRole, account.name)
        self.list.setCurrentRow(min(max(row, 0), self.list.count() - 1))
        self._enable()

    def _enable(self) -> None:
        chosen = self.selected is not None
        for name in ("edit", "remove", "up", "down"):
            self.buttons[name].setEnabled(chosen)

    def _lay_out(self) -> None:
        side = QVBoxLayout()
        for button in self.buttons.values():
            side.addWidget(button)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(side)
