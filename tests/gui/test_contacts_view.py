"""The Contacts tab: search by name or digits, favourites first, one click calls a number;
new, edit, star and delete contacts; "Add to contacts" from the History tab."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from softphone.contacts import MOBILE, WORK, Contact, ContactNumber, ContactStore
from softphone.events import Direction
from softphone.history import HistoryStore, Outcome
from softphone.ui.adapter import EngineBridge
from softphone.ui.contact_editor import ContactEditor
from softphone.ui.contacts_view import SHOWN_LIMIT, ContactsView
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.gui.books import contacts, history, open_window  # noqa: F401 (fixtures)
from tests.gui.conftest import Recorder

ALICE = Contact("Alice Smith", (ContactNumber("(202) 555-0143", MOBILE),
                                ContactNumber("202 555 0111", WORK)))
ZOE = Contact("Zoe Zimmer", (ContactNumber("+44 20 7946 0018", MOBILE),), favourite=True)
BOB = Contact("Bob Jones", (ContactNumber("(202) 555-0199", WORK),))


@pytest.fixture
def books_window(qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
                 contacts: ContactStore, history: HistoryStore) -> MainWindow:  # noqa: F811
    for contact in (ALICE, ZOE, BOB):
        contacts.add(contact)
    return open_window(qtbot, engine, bridge, session, contacts, history)


def view_of(window: MainWindow) -> ContactsView:
    assert window.contacts_view is not None
    return window.contacts_view


def select(view: ContactsView, *rows: int) -> None:
    view.list.clearSelection()
    for row in rows:
        view.list.topLevelItem(row).setSelected(True)


def answer(box: QMessageBox | None, text: str) -> None:
    """Click the button labelled `text`, as the user would."""
    assert box is not None and box.isVisible()
    [button] = [button for button in box.buttons() if button.text().replace("&", "") == text]
    button.click()


def editor_of(view: ContactsView) -> ContactEditor:
    assert view.editor is not None and view.editor.isVisible()
    return view.editor


def names(store: ContactStore) -> list[str]:
    return [contact.name for contact in store.all()]


def test_every_contact_is_listed_one_row_per_number_favourites_first(
        books_window: MainWindow) -> None:
    view = view_of(books_window)
    assert view.rows() == [
        ("Zoe Zimmer", "mobile  +44 20 7946 0018"),
        ("Alice Smith", "mobile  (202) 555-0143"),
        ("", "work  202 555 0111"),
        ("Bob Jones", "work  (202) 555-0199"),
    ]
    assert [view.star_button(row).text() for row in (0, 1, 3)] == ["★", "☆", "☆"]
    assert books_window.tabs.tabText(1) == "Contacts"


def test_a_contact_with_nothing_to_call_is_still_listed(
        books_window: MainWindow, contacts: ContactStore) -> None:  # noqa: F811
    contacts.add(Contact("Nora Mail", emails=("nora@example.com",)))
    view = view_of(books_window)
    view.refresh()
    assert ("Nora Mail", "") in view.rows()
    row = view.rows().index(("Nora Mail", ""))
    assert view.list.itemWidget(view.list.topLevelItem(row), 3) is None  # no Call button


def test_a_long_list_says_that_searching_finds_the_rest(
        books_window: MainWindow, contacts: ContactStore) -> None:  # noqa: F811
    view = view_of(books_window)
    assert view.more.isHidden()
    with contacts.batch():
        for i in range(SHOWN_LIMIT):
            contacts.add(Contact(f"Person {i:03d}", emails=(f"p{i}@example.com",)))
    view.refresh()
    assert len(view.rows()) == SHOWN_LIMIT + 1  # 200 contacts; Alice has two numbers
    assert view.more.isVisibleTo(view)
    view.search.setText("person 150")
    assert view.rows() == [("Person 150", "")]
    assert view.more.isHidden()


def test_search_finds_by_part_of_a_name_and_by_digits(
        qtbot: QtBot, books_window: MainWindow) -> None:
    view = view_of(books_window)
    qtbot.keyClicks(view.search, "smi")
    assert [name for name, _ in view.rows()] == ["Alice Smith", ""]
    view.search.clear()
    qtbot.keyClicks(view.search, "0199")
    assert view.rows() == [("Bob Jones", "work  (202) 555-0199")]
    view.search.setText("nobody")
    assert view.rows() == []


def test_a_numbers_call_button_dials_it_and_shows_the_phone_tab(
        qtbot: QtBot, books_window: MainWindow, engine: Recorder) -> None:
    books_window.tabs.setCurrentIndex(1)
    view = view_of(books_window)
    qtbot.mouseClick(view.call_button(2), Qt.MouseButton.LeftButton)
    assert engine.calls == [("dial", "provider", "sip:+12025550111@sip.example.net", {})]
    assert books_window.tabs.currentIndex() == 0


def test_the_star_makes_a_contact_a_favourite_and_moves_it_up(
        qtbot: QtBot, books_window: MainWindow, contacts: ContactStore) -> None:  # noqa: F811
    view = view_of(books_window)
    qtbot.mouseClick(view.star_button(3), Qt.MouseButton.LeftButton)  # Bob
    assert [name for name, _ in view.rows() if name] == ["Bob Jones", "Zoe Zimmer",
                                                         "Alice Smith"]
    assert view.star_button(0).text() == "★"
    assert [c.name for c in contacts.all() if c.favourite] == ["Bob Jones", "Zoe Zimmer"]
    qtbot.mouseClick(view.star_button(1), Qt.MouseButton.LeftButton)  # Zoe, no longer
    assert [name for name, _ in view.rows() if name] == ["Bob Jones", "Alice Smith",
                                                         "Zoe Zimmer"]


def test_double_clicking_a_contact_opens_it_for_editing(
        qtbot: QtBot, books_window: MainWindow, engine: Recorder,
        contacts: ContactStore) -> None:  # noqa: F811
    view = view_of(books_window)
    view.list.itemDoubleClicked.emit(view.list.topLevelItem(2), 2)  # Alice's second number
    editor = editor_of(view)
    assert editor.name.text() == "Alice Smith"
    editor.name.setText("Alice Smith-Jones")
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    assert "Alice Smith-Jones" in names(contacts)
    assert view.rows()[1] == ("Alice Smith-Jones", "mobile  (202) 555-0143")
    assert [c.name for c in view.selected_contacts()] == ["Alice Smith-Jones"]
    assert view.status.text() == "Saved Alice Smith-Jones."
    assert engine.calls == []  # editing never dials


def test_new_contact_is_added_and_listed(
        qtbot: QtBot, books_window: MainWindow, contacts: ContactStore) -> None:  # noqa: F811
    view = view_of(books_window)
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    editor = editor_of(view)
    qtbot.keyClicks(editor.name, "Carol King")
    qtbot.keyClicks(editor.numbers.rows[0].field, "202-555-0100")
    qtbot.keyClick(editor.numbers.rows[0].field, Qt.Key.Key_Return)  # Enter saves
    assert not editor.isVisible()
    assert ("Carol King", "other  202-555-0100") in view.rows()


def test_cancel_changes_nothing(
        qtbot: QtBot, books_window: MainWindow, contacts: ContactStore) -> None:  # noqa: F811
    view = view_of(books_window)
    select(view, 3)
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    editor = editor_of(view)
    editor.name.setText("Robert")
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert names(contacts) == ["Zoe Zimmer", "Alice Smith", "Bob Jones"]


def test_delete_asks_first_and_deletes_every_selected_contact(
        qtbot: QtBot, books_window: MainWindow, contacts: ContactStore) -> None:  # noqa: F811
    view = view_of(books_window)
    assert not view.delete_button.isEnabled()
    select(view, 1)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert view.question is not None
    assert view.question.text() == "Delete Alice Smith? This cannot be undone."
    answer(view.question, "Cancel")
    assert names(contacts) == ["Zoe Zimmer", "Alice Smith", "Bob Jones"]

    select(view, 2, 3)  # Alice's second number and Bob
    qtbot.keyClick(view.list, Qt.Key.Key_Delete)
    assert view.question.text() == "Delete 2 contacts? This cannot be undone."
    answer(view.question, "Delete")
    assert names(contacts) == ["Zoe Zimmer"]
    assert view.rows() == [("Zoe Zimmer", "mobile  +44 20 7946 0018")]
    assert view.status.text() == "Deleted 2 contacts."


def test_the_context_menu_offers_what_can_be_done_with_the_contact(
        books_window: MainWindow, contacts: ContactStore) -> None:  # noqa: F811
    view = view_of(books_window)
    select(view, 3)
    menu = view.menu_for(view.list.topLevelItem(3))
    actions = {action.text(): action for action in menu.actions() if action.text()}
    assert list(actions) == ["Call work  (202) 555-0199", "Edit…", "Add to favourites",
                             "Delete…", "Export selected…", "New contact…", "Import…"]
    actions["Add to favourites"].trigger()
    assert contacts.get(3).favourite
    assert [action.text() for action in view.menu_for(None).actions()] == [
        "New contact…", "Import…"]


def record_call(history: HistoryStore, number: str, name: str) -> None:  # noqa: F811
    started = datetime.now(UTC)
    row = history.start(direction=Direction.INCOMING, account="provider",
                        remote_uri=f"sip:{number}@sip.example.net", remote_name=name,
                        number=number, contact=None, started_at=started)
    history.finish(row, ended_at=started, outcome=Outcome.MISSED, duration=0, sip_code=487,
                   sip_reason="Request Terminated", message="")


def test_add_to_contacts_from_the_history_fills_in_the_callers_number(
        qtbot: QtBot, books_window: MainWindow, contacts: ContactStore,  # noqa: F811
        history: HistoryStore) -> None:  # noqa: F811
    record_call(history, "+12025550100", "Carol")
    calls = books_window.history_view
    assert calls is not None
    calls.reload()
    assert not calls.to_contacts.isEnabled()
    calls.list.setCurrentItem(calls.list.topLevelItem(0))
    assert calls.to_contacts.isEnabled()
    qtbot.mouseClick(calls.to_contacts, Qt.MouseButton.LeftButton)
    editor = editor_of(view_of(books_window))
    assert (editor.name.text(), editor.numbers.rows[0].field.text()) == ("Carol",
                                                                         "+12025550100")
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    assert contacts.lookup_name("+12025550100").name == "Carol"
    calls.list.setCurrentItem(calls.list.topLevelItem(0))
    assert not calls.to_contacts.isEnabled(), "Carol is a contact now"

    view_of(books_window).add_to_contacts("+12025550100")  # again: no second Carol
    assert editor_of(view_of(books_window)).contact_id == contacts.lookup_name(
        "+12025550100").id


def test_a_withheld_number_cannot_be_added(
        books_window: MainWindow, history: HistoryStore) -> None:  # noqa: F811
    started = datetime.now(UTC)
    history.start(direction=Direction.INCOMING, account="provider", remote_uri="sip:anonymous@x",
                  remote_name="", number=None, contact=None, started_at=started)
    calls = books_window.history_view
    assert calls is not None
    calls.reload()
    calls.list.setCurrentItem(calls.list.topLevelItem(0))
    assert not calls.to_contacts.isEnabled()
