"""The History tab: recent calls, all, missed, incoming or outgoing, searched by name or
number; call back with one click (through the account the call was on), delete, clear.

The view reads the one HistoryStore the app opened at start (see Desktop), while the Phone's
HistoryWriter writes the same file from its own thread; a finished call shows up after a short
delay, once the writer has had time to write it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from softphone.contacts import Contact, ContactStore
from softphone.events import Direction
from softphone.history import CallFilter, CallRecord, HistoryStore, Outcome
from softphone.numbers import display_number
from softphone.storage import StorageError
from softphone.ui.call_button import row_call_button
from softphone.ui.caller import contact_of
from softphone.ui.session import Session
from softphone.ui.wording import elapsed, quality_label, sentence

RELOAD_DELAY_MS = 500
SHOWN_LIMIT = 500
RECORD = Qt.ItemDataRole.UserRole
MISSED_COLOUR = QColor("#c62828")

OUTCOME_WORDS = {
    Outcome.IN_PROGRESS: "In progress",
    Outcome.ANSWERED: "Answered",
    Outcome.MISSED: "Missed",
    Outcome.DECLINED: "Declined",
    Outcome.BUSY: "Busy",
    Outcome.CANCELLED: "Cancelled",
    Outcome.FAILED: "Failed",
    Outcome.INTERRUPTED: "Cut off",
}
FILTERS = (("All calls", CallFilter.ALL), ("Missed", CallFilter.MISSED),
           ("Incoming", CallFilter.INCOMING), ("Outgoing", CallFilter.OUTGOING))
HEADERS = ("", "Who", "When", "Duration", "Outcome", "Account", "")
WHO, ACCOUNT, CALL = 1, 5, 6


def party(record: CallRecord, contact: Contact | None = None) -> str:
    """The contact's name as it is now (a caller added to the contacts after the call is named
    too), else as it was at the time of the call, else what the caller sent, else the number."""
    shown = ((contact.display_name if contact else "") or record.contact_name
             or record.remote_name or record.number)
    return display_number(shown) if shown else "Withheld number"


def when(started: datetime, now: datetime | None = None) -> str:
    """Local time: only the time today, the day this year, else the date."""
    local = started.astimezone()
    now = now or datetime.now().astimezone()
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if local.year == now.year:
        return local.strftime("%d %b %H:%M")
    return local.strftime("%d %b %Y")


def row_texts(record: CallRecord, contact: Contact | None = None) -> list[str]:
    arrow = "↙ In" if record.direction is Direction.INCOMING else "↗ Out"
    duration = elapsed(record.duration) if record.outcome is Outcome.ANSWERED else ""
    return [arrow, party(record, contact), when(record.started_at), duration,
            outcome_text(record), record.account]


def outcome_text(record: CallRecord) -> str:
    """A failed call names its SIP code, the figure a provider's support will ask for."""
    words = OUTCOME_WORDS[record.outcome]
    if record.outcome is Outcome.FAILED and record.sip_code:
        return f"{words} ({record.sip_code})"
    return words


def details(record: CallRecord) -> str:
    """The row's tooltip: the address, the account, how the call ended and how it sounded."""
    lines = [record.remote_uri, f"Account: {record.account}", record.message]
    if record.sip_code and record.outcome not in (Outcome.ANSWERED, Outcome.IN_PROGRESS):
        lines.append(f"SIP {record.sip_code} {record.sip_reason}".rstrip())
    if (quality := record.quality) is not None:
        rtt = f", round trip {quality.rtt_ms:.0f} ms" if quality.rtt_ms is not None else ""
        lines += [f"Sound: {quality_label(quality.mos)} (MOS {quality.mos:.1f}, {quality.codec})",
                  f"Loss in/out {quality.rx_loss_pct:.1f}% / {quality.tx_loss_pct:.1f}%, "
                  f"jitter {quality.jitter_ms:.1f} ms{rtt}"]
    return "\n".join(line for line in lines if line)


def tab_title(unseen_missed: int) -> str:
    return f"History ({unseen_missed})" if unseen_missed else "History"


class HistoryView(QWidget):
    """`changed` fires after each reload; `title` is then what the tab should say."""

    changed = Signal()

    def __init__(self, store: HistoryStore, dial: Callable[[str, str], None],
                 session: Session | None = None,
                 add_contact: Callable[[str, str], None] | None = None,
                 contacts: ContactStore | None = None) -> None:
        """`dial(target, account)` calls back. `add_contact(number, name)` opens the contact
        editor for a caller not in the contacts; without it there is no "Add to contacts"
        button. Callers are named from `contacts` as they are when the list is read."""
        super().__init__()
        self.store = store
        self.contacts = contacts
        self._dial = dial
        self._add_contact = add_contact
        self.unseen = 0
        self.named: dict[str, Contact | None] = {}  # number -> its contact, as last read
        self.status = QLabel()
        self.status.setObjectName("history_status")
        self.status.setWordWrap(True)
        self.status.hide()
        self.filter = QComboBox()
        self.filter.setObjectName("history_filter")
        for text, which in FILTERS:
            self.filter.addItem(text, which)
        self.search = QLineEdit()
        self.search.setObjectName("history_search")
        self.search.setPlaceholderText("Search by name or number")
        self.search.setClearButtonEnabled(True)
        self.list = QTreeWidget()
        self.list.setObjectName("history")
        self.list.setHeaderLabels(list(HEADERS))
        self.list.setRootIsDecorated(False)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setSectionResizeMode(WHO, QHeaderView.ResizeMode.Stretch)
        self.list.header().setStretchLastSection(False)  # the room is for who, not the button
        self.call_back = QPushButton("Call back")
        self.delete = QPushButton("Delete")
        self.to_contacts = QPushButton("Add to contacts")
        self.to_contacts.setVisible(add_contact is not None)
        self.clear_all = QPushButton("Clear all")
        self._lay_out()
        self.filter.currentIndexChanged.connect(self.reload)
        self.search.textChanged.connect(self.reload)
        self.list.itemDoubleClicked.connect(lambda *_: self._call_back())
        self.list.itemSelectionChanged.connect(self._enable)
        self.call_back.clicked.connect(self._call_back)
        self.delete.clicked.connect(self._delete)
        self.to_contacts.clicked.connect(self._to_contacts)
        self.clear_all.clicked.connect(self._clear)
        if session is not None:
            session.call_ended.connect(self._call_ended)
        self.reload()

    @property
    def title(self) -> str:
        return tab_title(self.unseen)

    def reload(self) -> None:
        """Read the calls again; when the list is on screen its missed calls count as seen.
        A file another program holds locked is said above the list, which stays as it was
        (and the missed calls unseen) until a later reload gets through."""
        self._say("")
        if self.isVisible():
            self._attempt(self.store.mark_missed_seen, "")
        self._attempt(self._read, "The list shows the calls as they were.")

    def _read(self) -> None:
        self.unseen = self.store.unseen_missed()
        records = self.store.calls(self.filter.currentData(), text=self.search.text(),
                                   limit=SHOWN_LIMIT)
        numbers = {record.number for record in records if record.number}
        self.named = {number: contact_of(number, self.contacts) for number in numbers}
        self.list.clear()
        for record in records:
            contact = self.named.get(record.number) if record.number else None
            item = QTreeWidgetItem(self.list, row_texts(record, contact))
            item.setData(0, RECORD, record)
            for column in range(self.list.columnCount()):
                item.setToolTip(column, details(record))
            if record.outcome is Outcome.MISSED:
                item.setForeground(4, QBrush(MISSED_COLOUR))
            if record.call_back_target:
                self.list.setItemWidget(item, CALL, row_call_button(
                    display_number(record.call_back_target),
                    lambda record=record: self._call(record)))
        # One account says nothing a column could; several, and which one is worth seeing.
        self.list.setColumnHidden(ACCOUNT, len({record.account for record in records}) < 2)
        self._enable()
        self.changed.emit()

    def selected(self) -> CallRecord | None:
        items = self.list.selectedItems()
        return items[0].data(0, RECORD) if items else None

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Clear the history?", question)
        return answer == QMessageBox.StandardButton.Yes

    def showEvent(self, event: QShowEvent) -> None:
        """Opening the tab (or the window with the tab open) shows the missed calls: seen."""
        super().showEvent(event)
        self.reload()

    def _call_ended(self, _event: object) -> None:
        """The writer thread records the end after this event: read it a moment later."""
        QTimer.singleShot(RELOAD_DELAY_MS, self, self.reload)

    def call_button(self, row: int) -> QPushButton | None:
        widget = self.list.itemWidget(self.list.topLevelItem(row), CALL)
        return widget if isinstance(widget, QPushButton) else None

    def _call_back(self) -> None:
        record = self.selected()
        if record is not None:
            self._call(record)

    def _call(self, record: CallRecord) -> None:
        """Back through the account the call was on: the number the other side knows."""
        if record.call_back_target:
            self._dial(record.call_back_target, record.account)

    def _delete(self) -> None:
        record = self.selected()
        if record is not None and self._attempt(lambda: self.store.delete(record.id),
                                                "The call was not deleted."):
            self.reload()

    def _clear(self) -> None:
        if self.confirm("Forget every call in the history? This cannot be undone.") and \
                self._attempt(self.store.clear, "Nothing was forgotten."):
            self.reload()

    def _attempt(self, action: Callable[[], object], outcome: str) -> bool:
        """Run a read or a change of the history; a failure is said (what went wrong, then
        `outcome`), never raised into Qt."""
        try:
            action()
        except (StorageError, sqlite3.Error) as error:
            self._say(f"{sentence(error)} {outcome}".strip())
            return False
        return True

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _to_contacts(self) -> None:
        record = self.selected()
        if record is not None and record.number and self._add_contact is not None:
            self._add_contact(record.number, record.remote_name)

    def _enable(self) -> None:
        record = self.selected()
        self.call_back.setEnabled(record is not None and bool(record.call_back_target))
        self.delete.setEnabled(record is not None)
        self.to_contacts.setEnabled(record is not None and bool(record.number)
                                    and self.named.get(record.number or "") is None)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.call_back, self.delete, self.to_contacts):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_all)
        filters = QHBoxLayout()
        filters.addWidget(self.filter)
        filters.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
