"""The dialog that adds or edits one contact.

Each number, SIP address and e-mail is checked when the user leaves its field and again on
Save, and what is wrong is said next to the field in words. A contact is only saved whole and
valid; whatever goes wrong (a bad number, a full disk, the contact deleted meanwhile), the dialog
stays open with everything that was typed in it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from softphone.contacts import HOME, MOBILE, OTHER, WORK, Contact, ContactNumber, UnknownContact
from softphone.contacts.matching import normalised
from softphone.contacts.model import normalise_label
from softphone.contacts.store import ContactStore
from softphone.numbers import DialError, parse_target
from softphone.storage import DatabaseLocked
from softphone.ui.wording import sentence

LABELS = (MOBILE, HOME, WORK, OTHER)
CUSTOM = "custom…"
PROBLEM_STYLE = "color: #c62828;"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")

Check = Callable[[str], str | None]


def number_problem(country: str | None) -> Check:
    """What is wrong with a typed number, read as the store will read it (None: nothing)."""
    def check(text: str) -> str | None:
        problem = normalised(ContactNumber(text), country).problem
        return sentence(problem) if problem else None
    return check


def sip_problem(text: str) -> str | None:
    try:
        target = parse_target(text)
    except DialError as error:
        return sentence(error)
    if target.kind != "sip":
        return f"'{text}' is not a SIP address; write it as sip:user@example.com."
    return None


def email_problem(text: str) -> str | None:
    if _EMAIL.fullmatch(text):
        return None
    return f"'{text}' is not an e-mail address; write it as name@example.com."


class LabelPicker(QComboBox):
    """mobile, home, work or other, or any label the user types ("custom…" clears the field
    for that); the spellings other address books use are folded into the usual ones."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItems([*LABELS, CUSTOM])
        self.setToolTip("Pick a label, or type one of your own")
        self.setCurrentText(label)
        self.activated.connect(self._picked)

    @property
    def label(self) -> str:
        text = self.currentText().strip()
        return OTHER if text in ("", CUSTOM) else normalise_label(text)

    def _picked(self, index: int) -> None:
        if self.itemText(index) == CUSTOM:
            self.setEditText("")
            self.lineEdit().setPlaceholderText("type a label")
            self.setFocus()


class EntryRow(QWidget):
    """One value (with its label picker for numbers), a button that removes it, and the
    reason it can't be saved, when there is one, underneath."""

    def __init__(self, value: str, label: str | None, check: Check, placeholder: str) -> None:
        super().__init__()
        self._check = check
        self.field = QLineEdit(value)
        self.field.setPlaceholderText(placeholder)
        self.picker = LabelPicker(label) if label is not None else None
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove")
        self.problem = QLabel()
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        self.problem.hide()
        line = QHBoxLayout()
        if self.picker is not None:
            line.addWidget(self.picker)
        line.addWidget(self.field, 1)
        line.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(line)
        layout.addWidget(self.problem)
        self.field.editingFinished.connect(self.validate)
        self.field.textEdited.connect(lambda _: self.problem.hide())

    @property
    def value(self) -> str:
        return self.field.text().strip()

    def validate(self) -> bool:
        """Show what is wrong with the value (an empty one is simply left out); True if fine."""
        problem = self._check(self.value) if self.value else None
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)
        return problem is None


class EntryList(QWidget):
    """Several values of one kind, one row each, always at least one row to type in."""

    def __init__(self, add_text: str, check: Check, placeholder: str, labelled: bool) -> None:
        super().__init__()
        self._check = check
        self._placeholder = placeholder
        self._labelled = labelled
        self.rows: list[EntryRow] = []
        self._rows = QVBoxLayout()
        self._rows.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(lambda: self.add_row().field.setFocus())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def fill(self, entries: list[tuple[str, str]]) -> None:
        for value, label in entries or [("", OTHER)]:
            self.add_row(value, label)

    def add_row(self, value: str = "", label: str = OTHER) -> EntryRow:
        row = EntryRow(value, label if self._labelled else None, self._check, self._placeholder)
        row.remove.clicked.connect(lambda: self._remove(row))
        self.rows.append(row)
        self._rows.addWidget(row)
        return row

    def entries(self) -> list[tuple[str, str]]:
        """(value, label) of each row that has a value, in order."""
        return [(row.value, row.picker.label if row.picker else OTHER)
                for row in self.rows if row.value]

    def validate(self) -> bool:
        return all([row.validate() for row in self.rows])  # every row shows its problem

    def _remove(self, row: EntryRow) -> None:
        self.rows.remove(row)
        row.deleteLater()
        if not self.rows:
            self.add_row()


class ContactEditor(QDialog):
    """Saves into `store` itself, so that a failure keeps the dialog (and what was typed) open;
    `saved` is the stored contact once it closed with Save. A `contact` without an id (say, a
    number from the history) is a new contact with those details filled in."""

    def __init__(self, store: ContactStore, contact: Contact | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        contact = contact or Contact("")
        self.store = store
        self.contact_id = contact.id
        self.saved: Contact | None = None
        self.setWindowTitle("New contact" if contact.id is None else
                            f"Edit {contact.display_name}")
        self.name = QLineEdit(contact.name)
        self.organisation = QLineEdit(contact.organisation)
        self.numbers = EntryList("Add number", number_problem(store.default_country),
                                 "+1 202 555 0143, 020 7946 0958, 1001", labelled=True)
        self.numbers.fill([(number.typed, number.label) for number in contact.numbers])
        self.sip_uris = EntryList("Add SIP address", sip_problem, "sip:alice@example.com",
                                  labelled=False)
        self.sip_uris.fill([(uri, OTHER) for uri in contact.sip_uris])
        self.emails = EntryList("Add e-mail", email_problem, "alice@example.com",
                                labelled=False)
        self.emails.fill([(email, OTHER) for email in contact.emails])
        self.favourite = QCheckBox("★ Favourite (listed first)")
        self.favourite.setChecked(contact.favourite)
        self.notes = QPlainTextEdit(contact.notes)
        self.error = QLabel()
        self.error.setObjectName("editor_error")
        self.error.setStyleSheet(PROBLEM_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        for row in self.numbers.rows + self.sip_uris.rows + self.emails.rows:
            row.validate()  # an imported number that can't be dialled is flagged at once

    def typed(self) -> Contact:
        """The contact as the fields now say."""
        return Contact(
            id=self.contact_id,
            name=self.name.text().strip(),
            organisation=self.organisation.text().strip(),
            numbers=tuple(ContactNumber(value, label) for value, label in self.numbers.entries()),
            sip_uris=tuple(value for value, _ in self.sip_uris.entries()),
            emails=tuple(value for value, _ in self.emails.entries()),
            favourite=self.favourite.isChecked(),
            notes=self.notes.toPlainText().strip(),
        )

    def accept(self) -> None:
        """Save, or say why not and stay open."""
        contact = self.typed()
        problem = self._problem(contact)
        if problem is None:
            problem = self._store(contact)
        self.error.setText(problem or "")
        if problem is None:
            super().accept()

    def _problem(self, contact: Contact) -> str | None:
        lists = (self.numbers, self.sip_uris, self.emails)
        if not all([entries.validate() for entries in lists]):
            return "Correct or remove the entries marked in red, then save again."
        if not (contact.name or contact.organisation or contact.numbers or contact.sip_uris):
            return "Give the contact a name, or at least a number to call."
        return None

    def _store(self, contact: Contact) -> str | None:
        try:
            self.saved = (self.store.add(contact) if contact.id is None
                          else self.store.update(contact))
        except UnknownContact:
            self.contact_id = None
            self.setWindowTitle("New contact")
            return ("This contact was deleted meanwhile. Press Save again to add it back as a "
                    "new contact.")
        except DatabaseLocked as error:
            return (f"The contact was not saved: {sentence(error)} Everything you typed is "
                    "still here; press Save again once that program lets go of it.")
        except (sqlite3.Error, OSError) as error:
            return (f"The contact could not be saved ({error}). Everything you typed is still "
                    "here; try Save again.")
        return None

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Organisation", self.organisation)
        form.addRow("Numbers", self.numbers)
        form.addRow("SIP addresses", self.sip_uris)
        form.addRow("E-mail", self.emails)
        form.addRow("", self.favourite)
        form.addRow("Notes", self.notes)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)


def new_contact_for(target: str, name: str = "") -> Contact:
    """What "Add to contacts" fills in for the number or SIP address of a call."""
    try:
        is_sip = parse_target(target).kind == "sip"
    except DialError:
        is_sip = False
    if is_sip:
        return Contact(name.strip(), sip_uris=(target,))
    return Contact(name.strip(), numbers=(ContactNumber(target),))
