"""The Contacts tab: search the address book by name or digits, call a number with one click;
add, edit, star and delete contacts; import address book files and export vCards.

Dialogs are opened with `open()`, never `exec()`: calls and their events go on while one is
up, and tests answer them like a user does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from softphone.contacts import Contact, ContactStore, ImportReport, UnknownContact, export_vcard
from softphone.ui.call_button import row_call_button
from softphone.ui.contact_editor import ContactEditor, new_contact_for
from softphone.ui.contacts_import import IMPORT_FILTER, ImportJob, ImportReportDialog
from softphone.ui.wording import sentence

SHOWN_LIMIT = 200
TARGET = Qt.ItemDataRole.UserRole  # what a row dials ("" for a contact with nothing to dial)
CONTACT = Qt.ItemDataRole.UserRole + 1  # the contact a row belongs to
FIRST = Qt.ItemDataRole.UserRole + 2  # the contact's first row: its name and star
STAR, NAME, NUMBER, CALL = range(4)


def numbers_of(contact: Contact) -> list[tuple[str, str]]:
    """(what to show, what to dial) for each of the contact's numbers and SIP addresses."""
    rows = [(f"{number.label}  {number.typed}", number.e164 or number.typed.strip())
            for number in contact.numbers]
    return rows + [(uri, uri) for uri in contact.sip_uris]


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _rows_of(contact: Contact) -> list[QTreeWidgetItem]:
    """A row per number (one without, for a contact with nothing to dial); the name on the
    first."""
    rows = []
    for index, (shown, target) in enumerate(numbers_of(contact) or [("", "")]):
        item = QTreeWidgetItem(["", contact.display_name if index == 0 else "", shown])
        item.setData(0, TARGET, target)
        item.setData(0, CONTACT, contact)
        item.setData(0, FIRST, index == 0)
        rows.append(item)
    return rows


class ContactsView(QWidget):
    """One row per number, the contact's name and star on its first; favourites come first.

    While an import runs (on its own thread and connection) the list can be read and searched,
    but not changed: the import holds the file's write lock until it ends. `changed` fires
    after contacts were saved, deleted or imported here: other views name callers by them.
    """

    changed = Signal()

    def __init__(self, store: ContactStore, dial: Callable[[str], None]) -> None:
        super().__init__()
        self.store = store
        self._dial = dial
        self.editor: ContactEditor | None = None
        self.question: QMessageBox | None = None
        self.notice: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self.report: ImportReportDialog | None = None
        self.job: ImportJob | None = None
        self.search = QLineEdit()
        self.search.setObjectName("contact_search")
        self.search.setPlaceholderText("Search by name or number")
        self.search.setClearButtonEnabled(True)
        self.list = QTreeWidget()
        self.list.setObjectName("contacts")
        self.list.setHeaderLabels(["", "Name", "Number", ""])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.list.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.more = QLabel(f"Only the first {SHOWN_LIMIT} contacts are listed; search to find "
                           "the others.")
        self.new_button = QPushButton("New contact")
        self.edit_button = QPushButton("Edit…")
        self.delete_button = QPushButton("Delete")
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Add the contacts in a vCard file or a Google or Outlook "
                                      "CSV export; contacts you already have are not repeated")
        self.export_button = QPushButton("Export all…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the import can't tell how far it got
        self.status = QLabel()
        self.status.setObjectName("contacts_status")
        self.status.setWordWrap(True)
        self._lay_out()
        self._connect()
        self.refresh()

    def refresh(self) -> None:
        """Read the list again, keeping the selected contacts selected."""
        self._show({contact.id for contact in self.selected_contacts()})

    def _show(self, selected: set[int | None]) -> None:
        """The list read again, with the rows of the contacts `selected` selected. The tree's
        signals wait meanwhile: each row selected would otherwise scan every row again."""
        contacts = self.store.search(self.search.text(), SHOWN_LIMIT)
        self.list.blockSignals(True)
        self.list.clear()
        # Rows go in all at once: each one added to the tree by itself makes the columns
        # measure every row again, which takes seconds for a few hundred.
        rows = [row for contact in contacts for row in _rows_of(contact)]
        self.list.addTopLevelItems(rows)
        for item in rows:
            self._add_buttons(item)
            if item.data(0, CONTACT).id in selected:
                item.setSelected(True)
        self.list.blockSignals(False)
        self.more.setVisible(len(contacts) == SHOWN_LIMIT)
        self._enable()

    def showEvent(self, event: QShowEvent) -> None:
        """Read again on showing: the file may have been changed outside this window."""
        super().showEvent(event)
        self.refresh()

    def rows(self) -> list[tuple[str, str]]:
        """(name column, number column) of every row, as shown."""
        return [(item.text(NAME), item.text(NUMBER)) for item in self._items()]

    def call_button(self, row: int) -> QPushButton:
        widget = self.list.itemWidget(self.list.topLevelItem(row), CALL)
        assert isinstance(widget, QPushButton)
        return widget

    def star_button(self, row: int) -> QToolButton:
        widget = self.list.itemWidget(self.list.topLevelItem(row), STAR)
        assert isinstance(widget, QToolButton)
        return widget

    @property
    def importing(self) -> bool:
        return self.job is not None

    def selected_contacts(self) -> list[Contact]:
        """Each contact with a selected row, once, in list order."""
        found: dict[int | None, Contact] = {}
        for item in self._items():
            if item.isSelected():
                contact = item.data(0, CONTACT)
                found.setdefault(contact.id, contact)
        return list(found.values())

    def new_contact(self, contact: Contact | None = None) -> None:
        self._open_editor(contact)

    def edit_selected(self) -> None:
        contacts = self.selected_contacts()
        if contacts:
            self._open_editor(contacts[0])

    def add_to_contacts(self, target: str, name: str = "") -> None:
        """From a call: the contact this number already belongs to opens for editing (so it is
        never added twice); otherwise a new contact with the number filled in."""
        self._open_editor(self.store.lookup_name(target) or new_contact_for(target, name))

    def delete_selected(self) -> None:
        """Asks first; the list is left as it was unless the user says Delete."""
        contacts = self.selected_contacts()
        if not contacts or self.importing:
            return
        what = contacts[0].display_name if len(contacts) == 1 else _plural(len(contacts),
                                                                           "contact")
        question = QMessageBox(QMessageBox.Icon.Question, "Delete contacts?",
                               f"Delete {what}? This cannot be undone.", parent=self)
        delete = question.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        question.setDefaultButton(question.addButton(QMessageBox.StandardButton.Cancel))
        question.finished.connect(lambda _: self._delete(contacts)
                                  if question.clickedButton() is delete else None)
        self.question = question
        question.open()

    def toggle_favourite(self, contact: Contact) -> None:
        self._change(lambda: self.store.update(replace(contact, favourite=not contact.favourite)))

    def choose_import(self) -> None:
        dialog = self._file_dialog("Import contacts", IMPORT_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: self.import_file(Path(path)))
        dialog.open()

    def import_file(self, path: Path) -> None:
        """Start importing `path`; the report (or why nothing was imported) follows."""
        if self.importing:
            return
        self.job = ImportJob(self.store, path)
        self.job.done.connect(self._imported)
        self.job.failed.connect(self._import_failed)
        self.status.setText(f"Importing {path.name}… The new contacts are listed once it "
                            "has finished.")
        self._enable()
        self.job.start()

    def choose_export(self) -> None:
        """The selected contacts, or all of them when none is selected."""
        ids = [contact.id for contact in self.selected_contacts() if contact.id is not None]
        title = f"Export {_plural(len(ids), 'contact')}" if ids else "Export all contacts"
        dialog = self._file_dialog(title, "vCard (*.vcf)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("vcf")
        dialog.selectFile("contacts.vcf")
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path), ids or None))
        dialog.open()

    def export_to(self, path: Path, ids: list[int] | None = None) -> None:
        """Write a vCard 3.0 file (what every address book reads) of the contacts `ids`, or of
        all contacts; a file already there is replaced only by a complete one."""
        try:
            contacts = self.store.all() if ids is None else [self.store.get(i) for i in ids]
            written = export_vcard(contacts, path)
        except (OSError, sqlite3.Error, UnknownContact) as error:
            self._tell(f"The contacts could not be exported to {path}: "
                       f"{getattr(error, 'strerror', None) or error}. Nothing was written there.")
            return
        self.status.setText(f"Exported {_plural(written, 'contact')} to {path}.")

    def menu_for(self, item: QTreeWidgetItem | None) -> QMenu:
        """The right-click menu of `item` (None: the empty space below the rows)."""
        menu = QMenu(self)
        writable = not self.importing
        if item is not None:
            contact: Contact = item.data(0, CONTACT)
            if item.data(0, TARGET):
                menu.addAction(f"Call {item.text(NUMBER).strip()}", lambda: self._call(item))
            menu.addAction("Edit…", lambda: self._open_editor(contact)).setEnabled(writable)
            star = "Remove from favourites" if contact.favourite else "Add to favourites"
            menu.addAction(star, lambda: self.toggle_favourite(contact)).setEnabled(writable)
            menu.addAction("Delete…", self.delete_selected).setEnabled(writable)
            menu.addAction("Export selected…", self.choose_export)
            menu.addSeparator()
        menu.addAction("New contact…", self.new_contact).setEnabled(writable)
        menu.addAction("Import…", self.choose_import).setEnabled(writable)
        return menu

    def _add_buttons(self, item: QTreeWidgetItem) -> None:
        """The star on a contact's first row, a Call button on each row that has a number."""
        if item.data(0, FIRST):
            self.list.setItemWidget(item, STAR, self._star(item.data(0, CONTACT)))
        target = item.data(0, TARGET)
        if target:
            self.list.setItemWidget(item, CALL,
                                   row_call_button(target, lambda: self._call(item)))

    def _star(self, contact: Contact) -> QToolButton:
        star = QToolButton()
        star.setAutoRaise(True)
        star.setText("★" if contact.favourite else "☆")
        star.setToolTip("Remove from favourites" if contact.favourite else "Add to favourites")
        star.setEnabled(not self.importing)
        star.clicked.connect(lambda: self.toggle_favourite(contact))
        return star

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount())]

    def _call(self, item: QTreeWidgetItem) -> None:
        self._dial(item.data(0, TARGET))

    def _open_editor(self, contact: Contact | None) -> None:
        if self.importing:
            self._tell("Contacts are being imported; add or change contacts once the import "
                       "has finished.")
            return
        self.editor = ContactEditor(self.store, contact, self)
        self.editor.accepted.connect(self._saved)
        self.editor.open()

    def _saved(self) -> None:
        saved = self.editor.saved if self.editor else None
        if saved is not None:
            self.changed.emit()
            self.status.setText(f"Saved {saved.display_name}.")
            self._show({saved.id})

    def _delete(self, contacts: list[Contact]) -> None:
        def delete() -> None:
            with self.store.batch():
                for contact in contacts:
                    self.store.delete(contact.id)
        if self._change(delete):
            self.status.setText(f"Deleted {_plural(len(contacts), 'contact')}.")

    def _change(self, change: Callable[[], object]) -> bool:
        """Write to the address book and show the result; a failure is said, not raised."""
        try:
            change()
        except UnknownContact:
            self.status.setText("That contact had been deleted meanwhile.")
        except sqlite3.Error as error:
            self.status.setText(f"The address book could not be changed: {sentence(error)}")
        else:
            self.changed.emit()
            self.refresh()
            return True
        self.refresh()
        return False

    def _imported(self, report: ImportReport) -> None:
        self.job = None
        self.changed.emit()
        self.status.setText(report.summary)
        self.refresh()
        self.report = ImportReportDialog(report, self)
        self.report.open()

    def _import_failed(self, message: str) -> None:
        self.job = None
        self.status.setText(message)
        self._enable()
        self._tell(message)

    def _tell(self, message: str) -> None:
        self.notice = QMessageBox(QMessageBox.Icon.Warning, "Contacts", message, parent=self)
        self.notice.open()

    def _file_dialog(self, title: str, name_filter: str) -> QFileDialog:
        self.file_dialog = QFileDialog(self, title, str(Path.home()), name_filter)
        return self.file_dialog

    def _enable(self) -> None:
        writable = not self.importing
        chosen = self.selected_contacts()
        self.new_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and len(chosen) == 1)
        self.delete_button.setEnabled(writable and bool(chosen))
        self.import_button.setEnabled(writable)
        self.export_button.setText("Export selected…" if chosen else "Export all…")
        self.export_button.setEnabled(bool(chosen) or self.store.count() > 0)
        self.progress.setVisible(self.importing)
        for item in self._items():
            star = self.list.itemWidget(item, STAR)
            if star is not None:
                star.setEnabled(writable)

    def _connect(self) -> None:
        self.search.textChanged.connect(self.refresh)
        self.list.itemDoubleClicked.connect(lambda item, _column: self._open_editor(
            item.data(0, CONTACT)))
        self.list.itemSelectionChanged.connect(self._enable)
        self.list.customContextMenuRequested.connect(self._show_menu)
        self.list.installEventFilter(self)
        self.new_button.clicked.connect(lambda: self.new_contact())
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.choose_import)
        self.export_button.clicked.connect(self.choose_export)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The Delete key on the list deletes the selected contacts (after asking)."""
        if (watched is self.list and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.matches(QKeySequence.StandardKey.Delete)):
            self.delete_selected()
            return True
        return super().eventFilter(watched, event)

    def _show_menu(self, position: QPoint) -> None:
        self.menu_for(self.list.itemAt(position)).popup(self.list.viewport().mapToGlobal(position))

    def _lay_out(self) -> None:
        edits = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button):
            edits.addWidget(button)
        edits.addStretch(1)
        for button in (self.import_button, self.export_button):
            edits.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.more)
        layout.addLayout(edits)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
