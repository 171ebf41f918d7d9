"""Hand the call on screen to someone else: blind (to a number) or attended (to another call).

The panel only says what the user chose; the call view turns that into Phone commands.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from softphone.contacts import ContactStore
from softphone.events import TransferProgress
from softphone.sipstatus import call_failure_message
from softphone.ui.contacts_view import numbers_of
from softphone.ui.session import CallInfo

TARGET = Qt.ItemDataRole.UserRole  # what an entry of the number box dials
CALL = Qt.ItemDataRole.UserRole  # the call id of an entry of the other-call box


def transfer_words(event: TransferProgress) -> str:
    """What the far end reports about the call it placed for us, as a person says it."""
    if not event.final:
        return "Transferring…"
    if 200 <= event.code < 300:
        return "Transferred"
    return f"Transfer failed: {call_failure_message(event.code)}"


class TransferPanel(QWidget):
    """A number box (type one, or pick a recent number or a contact's) with Transfer, and,
    when there is another call, "Complete transfer" to connect the two calls."""

    blind = Signal(str)  # the text to transfer to, as typed
    attended = Signal(int)  # the other call to connect this one with

    def __init__(self, contacts: ContactStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contacts = contacts
        self.target = QComboBox()
        self.target.setObjectName("transfer_target")
        self.target.setEditable(True)
        self.target.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target.lineEdit().setPlaceholderText("Number, or a recent one or a contact")
        self.target.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.target.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.target.lineEdit().returnPressed.connect(self._blind)
        self.transfer_button = QPushButton("Transfer")
        self.transfer_button.setObjectName("transfer_blind")
        self.transfer_button.setToolTip("Hand this call to the number; your part ends when "
                                        "they answer")
        self.transfer_button.clicked.connect(self._blind)
        self.other = QComboBox()
        self.other.setObjectName("transfer_other")
        self.complete_button = QPushButton("Complete transfer")
        self.complete_button.setObjectName("transfer_attended")
        self.complete_button.setToolTip("Connect this call with the other one and leave both")
        self.complete_button.clicked.connect(self._attended)
        self.status = QLabel()
        self.status.setObjectName("transfer_status")
        self._lay_out()

    def fill_targets(self, recent: list[str]) -> None:
        """Recent numbers, then every contact's numbers, keeping what is typed. Called when
        the panel opens rather than on every change, so typing is never disturbed."""
        typed = self.target.currentText()
        self.target.clear()
        for number in recent:
            self.target.addItem(number, number)
        for contact in self.contacts.all() if self.contacts else []:
            for shown, target in numbers_of(contact):
                self.target.addItem(f"{contact.display_name} — {shown.strip()}", target)
        self.target.setEditText(typed)

    def show_calls(self, others: list[CallInfo], status: str) -> None:
        """The other calls an attended transfer can connect to (the choice is kept while it
        lasts), and how the last transfer of this call went."""
        entries = [(f"{info.who} ({info.status})", info.call_id) for info in others]
        shown = [(self.other.itemText(i), self.other.itemData(i, CALL))
                 for i in range(self.other.count())]
        if entries != shown:
            chosen = self.other.currentData(CALL)
            self.other.clear()
            for text, call_id in entries:
                self.other.addItem(text, call_id)
            self.other.setCurrentIndex(max(self.other.findData(chosen, CALL), 0))
        for widget in (self.other, self.complete_button):
            widget.setVisible(bool(others))
        self.status.setText(status)

    def _blind(self) -> None:
        """A picked entry dials its number; typed text is sent as typed."""
        text = self.target.currentText().strip()
        index = self.target.findText(text, Qt.MatchFlag.MatchExactly)
        chosen = self.target.itemData(index, TARGET) if index >= 0 else None
        if text:
            self.blind.emit(chosen or text)

    def _attended(self) -> None:
        if self.other.currentIndex() >= 0:
            self.attended.emit(self.other.currentData(CALL))

    def _lay_out(self) -> None:
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Transfer to"), 0, 0)
        layout.addWidget(self.target, 0, 1)
        layout.addWidget(self.transfer_button, 0, 2)
        layout.addWidget(self.other, 1, 1)
        layout.addWidget(self.complete_button, 1, 2)
        layout.addWidget(self.status, 2, 0, 1, 3)
