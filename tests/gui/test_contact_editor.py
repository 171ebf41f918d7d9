"""The contact editor: what is typed is saved whole, what is wrong is said next to its field,
and nothing typed is lost when saving fails."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from softphone.contacts import MOBILE, OTHER, WORK, Contact, ContactNumber, ContactStore
from softphone.ui.contact_editor import CUSTOM, ContactEditor, EntryRow, new_contact_for
from tests.gui.books import contacts  # noqa: F401 (fixture)


def open_editor(qtbot: QtBot, store: ContactStore, contact: Contact | None = None
                ) -> ContactEditor:
    editor = ContactEditor(store, contact)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def type_into(qtbot: QtBot, row: EntryRow, text: str) -> None:
    """As a user does: type, then leave the field."""
    row.field.clear()
    qtbot.keyClicks(row.field, text)
    row.field.editingFinished.emit()


def save(qtbot: QtBot, editor: ContactEditor) -> None:
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def test_a_new_contact_is_saved_with_everything_typed(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    editor = open_editor(qtbot, contacts)
    assert editor.windowTitle() == "New contact"
    qtbot.keyClicks(editor.name, "Grace Hopper")
    qtbot.keyClicks(editor.organisation, "US Navy")
    type_into(qtbot, editor.numbers.rows[0], "(202) 555-0143")
    editor.numbers.rows[0].picker.setCurrentText(MOBILE)
    qtbot.mouseClick(editor.numbers.add_button, Qt.MouseButton.LeftButton)
    type_into(qtbot, editor.numbers.rows[1], "1001")
    picker = editor.numbers.rows[1].picker
    picker.activated.emit(picker.findText(CUSTOM))  # "custom…" empties the label to type one
    assert picker.currentText() == ""
    qtbot.keyClicks(picker.lineEdit(), "Desk")
    type_into(qtbot, editor.sip_uris.rows[0], "sip:grace@navy.example")
    type_into(qtbot, editor.emails.rows[0], "grace@navy.example")
    editor.favourite.setChecked(True)
    qtbot.keyClicks(editor.notes, "COBOL")
    save(qtbot, editor)

    assert editor.result() == QDialog.DialogCode.Accepted
    [stored] = contacts.all()
    assert stored == editor.saved
    assert (stored.name, stored.organisation, stored.favourite, stored.notes) == (
        "Grace Hopper", "US Navy", True, "COBOL")
    assert [(n.typed, n.label, n.e164) for n in stored.numbers] == [
        ("(202) 555-0143", MOBILE, "+12025550143"), ("1001", "Desk", None)]
    assert stored.sip_uris == ("sip:grace@navy.example",)
    assert stored.emails == ("grace@navy.example",)


def test_a_number_that_cannot_be_read_is_flagged_in_words_and_not_saved(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    editor = open_editor(qtbot, contacts)
    qtbot.keyClicks(editor.name, "Ada")
    row = editor.numbers.rows[0]
    type_into(qtbot, row, "555-0143")
    assert row.problem.isVisibleTo(editor)
    assert row.problem.text() == ("'555-0143' is too short to be a full phone number; if it is "
                                  "a local number, add the area code.")
    save(qtbot, editor)
    assert editor.isVisible() and contacts.all() == []
    assert editor.error.text() == "Correct or remove the entries marked in red, then save again."
    assert (editor.name.text(), row.field.text()) == ("Ada", "555-0143")  # nothing lost

    qtbot.keyClicks(row.field, "0")  # typing again clears the mark until the field is left
    assert not row.problem.isVisibleTo(editor)
    type_into(qtbot, row, "202 555 0143")
    assert not row.problem.isVisibleTo(editor)
    save(qtbot, editor)
    assert [contact.numbers[0].e164 for contact in contacts.all()] == ["+12025550143"]


@pytest.mark.parametrize(("entries", "text", "problem"), [
    ("sip_uris", "1001", "'1001' is not a SIP address; write it as sip:user@example.com."),
    ("emails", "ada at example", "'ada at example' is not an e-mail address; write it as "
                                 "name@example.com."),
    ("numbers", "+99 123", "'+99 123' does not start with a country code that exists."),
])
def test_addresses_that_are_not_addresses_are_flagged(
        qtbot: QtBot, contacts: ContactStore, entries: str, text: str,  # noqa: F811
        problem: str) -> None:
    editor = open_editor(qtbot, contacts)
    qtbot.keyClicks(editor.name, "Ada")
    row = getattr(editor, entries).rows[0]
    type_into(qtbot, row, text)
    assert row.problem.text() == problem
    save(qtbot, editor)
    assert editor.isVisible() and contacts.all() == []


def test_a_contact_needs_a_name_or_something_to_call(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    editor = open_editor(qtbot, contacts)
    type_into(qtbot, editor.emails.rows[0], "someone@example.com")
    qtbot.keyClicks(editor.notes, "met at the fair")
    save(qtbot, editor)
    assert editor.error.text() == "Give the contact a name, or at least a number to call."
    assert editor.isVisible() and contacts.all() == []
    type_into(qtbot, editor.numbers.rows[0], "+44 20 7946 0958")
    save(qtbot, editor)
    [stored] = contacts.all()
    assert (stored.display_name, stored.notes) == ("someone@example.com", "met at the fair")


def test_editing_shows_the_contact_and_saves_the_changes(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    ada = contacts.add(Contact("Ada Lovelace", (ContactNumber("(202) 555-0143", MOBILE),
                                                ContactNumber("+44 20 7946 0958", "fax")),
                               emails=("ada@example.com",)))
    editor = open_editor(qtbot, contacts, ada)
    assert editor.windowTitle() == "Edit Ada Lovelace"
    assert [(row.field.text(), row.picker.currentText()) for row in editor.numbers.rows] == [
        ("(202) 555-0143", MOBILE), ("+44 20 7946 0958", "fax")]
    qtbot.mouseClick(editor.numbers.rows[0].remove, Qt.MouseButton.LeftButton)
    editor.numbers.rows[0].picker.setCurrentText("Business")  # folded to what it means
    editor.name.setText("Ada King")
    save(qtbot, editor)
    assert contacts.get(ada.id) == Contact(
        "Ada King", (ContactNumber("+44 20 7946 0958", WORK, "+442079460958"),),
        emails=("ada@example.com",), id=ada.id)


def test_removing_the_last_row_leaves_an_empty_one_to_type_in(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    editor = open_editor(qtbot, contacts, new_contact_for("sip:bob@example.com", "Bob"))
    assert [row.field.text() for row in editor.sip_uris.rows] == ["sip:bob@example.com"]
    qtbot.mouseClick(editor.sip_uris.rows[0].remove, Qt.MouseButton.LeftButton)
    assert [row.field.text() for row in editor.sip_uris.rows] == [""]
    assert editor.sip_uris.entries() == []


def test_a_number_from_an_import_that_cannot_be_dialled_is_flagged_on_opening(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    imported = contacts.add(Contact("Old Friend", (ContactNumber("555-0143"),)))
    assert imported.numbers[0].problem is not None
    editor = open_editor(qtbot, contacts, imported)
    assert editor.numbers.rows[0].problem.isVisibleTo(editor)
    assert editor.numbers.rows[0].picker.currentText() == OTHER


def test_a_contact_deleted_meanwhile_is_added_back_on_a_second_save(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    bob = contacts.add(Contact("Bob", (ContactNumber("(202) 555-0199"),)))
    editor = open_editor(qtbot, contacts, bob)
    contacts.delete(bob.id)
    editor.name.setText("Bob Jones")
    save(qtbot, editor)
    assert editor.isVisible()
    assert "deleted meanwhile" in editor.error.text()
    save(qtbot, editor)
    assert [contact.name for contact in contacts.all()] == ["Bob Jones"]


def test_a_store_that_fails_keeps_the_dialog_and_what_was_typed(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    editor = open_editor(qtbot, contacts)
    qtbot.keyClicks(editor.name, "Carol")
    contacts.close()  # the file is gone from under the window: every write fails
    save(qtbot, editor)
    assert editor.isVisible() and editor.name.text() == "Carol"
    assert editor.error.text().startswith("The contact could not be saved (")
    assert editor.error.text().endswith("Everything you typed is still here; try Save again.")


def test_a_number_from_a_call_fills_in_a_new_contact(
        qtbot: QtBot, contacts: ContactStore) -> None:  # noqa: F811
    editor = open_editor(qtbot, contacts, new_contact_for("+12025550100", " Carol "))
    assert editor.windowTitle() == "New contact"
    assert (editor.name.text(), editor.numbers.rows[0].field.text()) == ("Carol", "+12025550100")
    save(qtbot, editor)
    assert [contact.numbers[0].e164 for contact in contacts.all()] == ["+12025550100"]
