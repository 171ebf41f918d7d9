"""The Contacts tab: search by name or digits, favourites first, one click calls a number."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from softphone.contacts import MOBILE, WORK, Contact, ContactNumber, ContactStore
from softphone.history import HistoryStore
from softphone.ui.adapter import EngineBridge
from softphone.ui.contacts_view import ContactsView
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.gui.books import contacts, history, open_window  # noqa: F401 (fixtures)
from tests.gui.conftest import Recorder


@pytest.fixture
def books_window(qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
                 contacts: ContactStore, history: HistoryStore) -> MainWindow:  # noqa: F811
    contacts.add(Contact("Alice Smith", (ContactNumber("(202) 555-0143", MOBILE),
                                         ContactNumber("202 555 0111", WORK))))
    contacts.add(Contact("Zoe Zimmer", (ContactNumber("+44 20 7946 0018", MOBILE),),
                         favourite=True))
    contacts.add(Contact("Bob Jones", (ContactNumber("(202) 555-0199", WORK),)))
    return open_window(qtbot, engine, bridge, session, contacts, history)


def view_of(window: MainWindow) -> ContactsView:
    assert window.contacts_view is not None
    return window.contacts_view


def test_every_contact_is_listed_one_row_per_number_favourites_first(
        books_window: MainWindow) -> None:
    assert view_of(books_window).rows() == [
        ("★ Zoe Zimmer", "mobile  +44 20 7946 0018"),
        ("Alice Smith", "mobile  (202) 555-0143"),
        ("", "work  202 555 0111"),
        ("Bob Jones", "work  (202) 555-0199"),
    ]
    assert books_window.tabs.tabText(1) == "Contacts"


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


def test_double_clicking_a_number_dials_it_through_the_window(
        qtbot: QtBot, books_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    dialled: list[str] = []
    monkeypatch.setattr(books_window, "dial_text", dialled.append)
    view = view_of(books_window)
    view.list.itemDoubleClicked.emit(view.list.topLevelItem(0), 1)
    assert dialled == ["+442079460018"]
