"""The Contacts tab: search the address book by name or digits, call a number with one click."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from softphone.contacts import Contact, ContactStore

SHOWN_LIMIT = 200
TARGET = Qt.ItemDataRole.UserRole  # what a row dials


def numbers_of(contact: Contact) -> list[tuple[str, str]]:
    """(what to show, what to dial) for each of the contact's numbers and SIP addresses."""
    rows = [(f"{number.label}  {number.typed}", number.e164 or number.typed.strip())
            for number in contact.numbers]
    return rows + [(uri, uri) for uri in contact.sip_uris]


class ContactsView(QWidget):
    """One row per number, the contact's name on its first; favourites (★) come first."""

    def __init__(self, store: ContactStore, dial: Callable[[str], None]) -> None:
        super().__init__()
        self.store = store
        self._dial = dial
        self.search = QLineEdit()
        self.search.setObjectName("contact_search")
        self.search.setPlaceholderText("Search by name or number")
        self.search.setClearButtonEnabled(True)
        self.list = QTreeWidget()
        self.list.setObjectName("contacts")
        self.list.setHeaderLabels(["Name", "Number", ""])
        self.list.setRootIsDecorated(False)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self.refresh)
        self.list.itemDoubleClicked.connect(lambda item, _column: self._call(item))
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for contact in self.store.search(self.search.text(), SHOWN_LIMIT):
            name = ("★ " if contact.favourite else "") + contact.display_name
            for index, (shown, target) in enumerate(numbers_of(contact)):
                item = QTreeWidgetItem(self.list, [name if index == 0 else "", shown])
                item.setData(0, TARGET, target)
                button = QPushButton("Call")
                button.setToolTip(f"Call {target}")
                button.clicked.connect(lambda _=False, item=item: self._call(item))
                self.list.setItemWidget(item, 2, button)

    def showEvent(self, event: QShowEvent) -> None:
        """Contacts may have been imported (`softphone contacts import`) since the last look."""
        super().showEvent(event)
        self.refresh()

    def rows(self) -> list[tuple[str, str]]:
        """(name column, number column) of every row, as shown."""
        return [(self.list.topLevelItem(i).text(0), self.list.topLevelItem(i).text(1))
                for i in range(self.list.topLevelItemCount())]

    def call_button(self, row: int) -> QPushButton:
        widget = self.list.itemWidget(self.list.topLevelItem(row), 2)
        assert isinstance(widget, QPushButton)
        return widget

    def _call(self, item: QTreeWidgetItem) -> None:
        self._dial(item.data(0, TARGET))
