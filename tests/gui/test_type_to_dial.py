"""Typing a number anywhere in the window dials it; Ctrl+K goes to the Contacts search."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from softphone.contacts import MOBILE, Contact, ContactNumber, ContactStore
from softphone.events import CallState
from softphone.history import HistoryStore
from softphone.ui.adapter import EngineBridge
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.gui.books import contacts, history, open_window  # noqa: F401 (fixtures)
from tests.gui.conftest import Recorder
from tests.gui.events import call_state

# "2" would jump the list's type-ahead to a row starting with it, were the key the list's.
ALICE = Contact("2nd line", (ContactNumber("(202) 555-0143", MOBILE),))


@pytest.fixture
def books_window(qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
                 contacts: ContactStore, history: HistoryStore) -> MainWindow:  # noqa: F811
    contacts.add(ALICE)
    window = open_window(qtbot, engine, bridge, session, contacts, history)
    window.activateWindow()
    return window


def test_digits_typed_on_the_contacts_list_go_to_the_number_field(
        qtbot: QtBot, books_window: MainWindow) -> None:
    books_window.tabs.setCurrentWidget(books_window.contacts_view)
    contact_list = books_window.contacts_view.list
    contact_list.setFocus()
    contact_list.clearSelection()
    qtbot.keyClicks(contact_list, "2025550143")
    assert books_window.tabs.currentIndex() == 0, "the Phone tab shows what is being dialled"
    assert books_window.number.text() == "(202) 555-0143"
    assert contact_list.selectedItems() == [], "the list's own type-ahead did not get them"


def test_enter_after_typing_on_a_button_calls(
        qtbot: QtBot, books_window: MainWindow, engine: Recorder) -> None:
    qtbot.keyClicks(books_window.test_button, "+442079460018")
    assert QApplication.focusWidget() is books_window.number
    qtbot.keyClick(books_window.number, Qt.Key.Key_Return)
    assert engine.calls == [("dial", "provider", "sip:+442079460018@sip.example.net", {})]


def test_text_entries_keep_their_digits(qtbot: QtBot, books_window: MainWindow) -> None:
    search = books_window.contacts_view.search
    books_window.tabs.setCurrentWidget(books_window.contacts_view)
    qtbot.keyClicks(search, "0143")
    assert search.text() == "0143"
    assert books_window.number.text() == ""
    assert books_window.tabs.currentWidget() is books_window.contacts_view


def test_keys_with_ctrl_or_alt_are_left_to_shortcuts(
        qtbot: QtBot, books_window: MainWindow) -> None:
    qtbot.keyClick(books_window.test_button, "1", Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(books_window.test_button, "2", Qt.KeyboardModifier.AltModifier)
    assert books_window.number.text() == ""


def test_in_a_connected_call_typed_digits_send_tones(
        qtbot: QtBot, books_window: MainWindow, engine: Recorder, deliver: Any) -> None:
    deliver(call_state(CallState.CONNECTED, call_id=5))
    qtbot.keyClicks(books_window.contacts_view.list, "1#")
    assert engine.calls == [("send_dtmf", 5, "1"), ("send_dtmf", 5, "#")]


def test_ctrl_k_opens_the_contacts_search_with_its_text_selected(
        qtbot: QtBot, books_window: MainWindow) -> None:
    search = books_window.contacts_view.search
    search.setText("alice")
    books_window.number.setFocus()
    qtbot.keyClick(books_window.number, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert books_window.tabs.currentWidget() is books_window.contacts_view
    assert QApplication.focusWidget() is search
    assert search.selectedText() == "alice", "typing replaces the old search"
