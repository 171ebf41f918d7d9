"""Settings → Codecs: for each account, which codecs to offer and in what order (the provider
picks the first it supports, so wideband G.722 first gives the best sound where it can)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.config import CODECS, Config
from softphone.ui.settings.account_list import AccountList


class CodecsPage(QWidget):
    title = "Codecs"

    def __init__(self, accounts: AccountList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.account = QComboBox()
        self.account.setObjectName("codec_account")
        self.codecs = QListWidget()
        self.codecs.setObjectName("codecs")
        self.up = QPushButton("Move up")
        self.down = QPushButton("Move down")
        self.note = QLabel()
        self.note.setObjectName("codecs_note")
        self.note.setStyleSheet("color: #c62828;")
        self._lay_out()
        self.account.currentTextChanged.connect(self._show_codecs)
        self.codecs.itemChanged.connect(self._store)
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        accounts.changed.connect(self._show_accounts)
        self._show_accounts()

    def collect(self, config: Config) -> Config:
        return replace(config, accounts=tuple(self.accounts.accounts))

    def _show_accounts(self) -> None:
        chosen = self.account.currentText()
        names = self.accounts.names()
        self.account.blockSignals(True)
        self.account.clear()
        self.account.addItems(names)
        self.account.setCurrentText(chosen if chosen in names else (names[0] if names else ""))
        self.account.blockSignals(False)
        self._show_codecs()

    def _show_codecs(self) -> None:
        """The account's codecs first, in its order and ticked; the others after, unticked."""
        name = self.account.currentText()
        account = next((a for a in self.accounts.accounts if a.name == name), None)
        enabled = account.codecs if account else ()
        self.codecs.blockSignals(True)
        self.codecs.clear()
        for codec in (*enabled, *(c for c in CODECS if c not in enabled)):
            item = QListWidgetItem(codec)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if codec in enabled
                               else Qt.CheckState.Unchecked)
            self.codecs.addItem(item)
        self.codecs.blockSignals(False)
        for widget in (self.codecs, self.up, self.down):
            widget.setEnabled(account is not None)

    def _move(self, step: int) -> None:
        row = self.codecs.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.codecs.count():
            return
        self.codecs.blockSignals(True)
        self.codecs.insertItem(other, self.codecs.takeItem(row))
        self.codecs.blockSignals(False)
        self._store()
        self.codecs.setCurrentRow(other)

    def _store(self) -> None:
        """At least one codec stays on: with none, no call could be set up."""
        ticked = tuple(self.codecs.item(row).text() for row in range(self.codecs.count())
                       if self.codecs.item(row).checkState() == Qt.CheckState.Checked)
        if not ticked:
            self.note.setText("At least one codec must stay on.")
            self._show_codecs()
            return
        self.note.clear()
        row = self.codecs.currentRow()
        self.accounts.set_codecs(self.account.currentText(), ticked)  # the list is redrawn
        self.codecs.setCurrentRow(row)

    def _lay_out(self) -> None:
        side = QVBoxLayout()
        side.addWidget(self.up)
        side.addWidget(self.down)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.codecs, 1)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Account"))
        layout.addWidget(self.account)
        layout.addWidget(QLabel("Codecs offered, best first (tick to use):"))
        layout.addLayout(row)
        layout.addWidget(self.note)
