"""Callers are named from the contacts wherever a call is shown: the in-call header (with the
number under the name), the call list and the history, and an unknown number can be added to
the contacts from the call."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from softphone.contacts import Contact, ContactNumber, ContactStore
from softphone.events import CallState, Direction
from softphone.history import HistoryStore, Outcome
from softphone.ui.adapter import EngineBridge
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.gui.books import contacts, history, open_window  # noqa: F401 (fixtures)
from tests.gui.conftest import Recorder
from tests.gui.events import call_state
from tests.gui.test_history_view import record

ADA = Contact("Ada Lovelace", (ContactNumber("(202) 555-0143", "mobile"),))


def incoming(state: CallState, call_id: int = 1, uri: str = "sip:2025550143@sip.example.net",
             name: str = "") -> Any:
    """A caller ID in national digits, as providers often send it."""
    return replace(call_state(state, call_id), direction=Direction.INCOMING, remote_uri=uri,
                   remote_name=name)


@pytest.fixture
def books_window(qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
                 contacts: ContactStore, history: HistoryStore) -> MainWindow:  # noqa: F811
    contacts.add(ADA)
    return open_window(qtbot, engine, bridge, session, contacts, history)


def test_a_caller_in_the_contacts_is_shown_by_name_with_the_number_under_it(
        books_window: MainWindow, deliver: Any) -> None:
    view = books_window.call_view
    deliver(incoming(CallState.CONNECTED))
    assert view.who.text() == "Ada Lovelace"
    assert view.number.text() == "+1 202-555-0143" and view.number.isVisible()
    assert not view.add_contact_button.isVisible(), "she is a contact already"


def test_the_call_list_names_each_caller_with_the_number_under_it(
        books_window: MainWindow, deliver: Any) -> None:
    view = books_window.call_view
    deliver(incoming(CallState.CONNECTED, call_id=1))
    deliver(incoming(CallState.RINGING, call_id=2, uri="sip:+442079460018@sip.example.net",
                     name="Front desk"))
    assert [view.calls.item(row).text() for row in range(view.calls.count())] == [
        "Ada Lovelace — Connected\n+1 202-555-0143",
        "Front desk — Ringing…\n+44 20 7946 0018",
    ]


def test_a_number_alone_is_not_repeated_under_itself(
        books_window: MainWindow, deliver: Any) -> None:
    view = books_window.call_view
    deliver(incoming(CallState.CONNECTED, uri="sip:+442079460018@sip.example.net"))
    assert view.who.text() == "+44 20 7946 0018"
    assert view.number.isHidden()


def test_an_unknown_caller_is_added_to_the_contacts_from_the_call(
        qtbot: QtBot, books_window: MainWindow, contacts: ContactStore,  # noqa: F811
        deliver: Any) -> None:
    view = books_window.call_view
    deliver(incoming(CallState.CONNECTED, uri="sip:+442079460018@sip.example.net",
                     name="Front desk"))
    assert view.add_contact_button.isVisible()
    view.add_contact_button.click()
    assert books_window.contacts_view is not None
    editor = books_window.contacts_view.editor
    assert editor is not None and editor.isVisible()
    assert (editor.name.text(), editor.numbers.rows[0].field.text()) == ("Front desk",
                                                                         "+442079460018")
    editor.name.setText("Grace Hopper")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert [contact.name for contact in contacts.all()] == ["Ada Lovelace", "Grace Hopper"]
    assert view.who.text() == "Grace Hopper", "the call is named at once"
    assert view.number.text() == "+44 20 7946 0018"
    assert not view.add_contact_button.isVisible()


def test_a_withheld_caller_cannot_be_added(books_window: MainWindow, deliver: Any) -> None:
    deliver(incoming(CallState.CONNECTED, uri="sip:anonymous@anonymous.invalid"))
    assert not books_window.call_view.add_contact_button.isVisible()


def test_the_echo_test_is_named_as_such(books_window: MainWindow, deliver: Any) -> None:
    deliver(replace(call_state(CallState.CONNECTED), account="echo-test"))
    view = books_window.call_view
    assert view.who.text() == "Echo test" and view.number.isHidden()
    assert not view.add_contact_button.isVisible()


def test_history_names_a_caller_added_to_the_contacts_after_the_call(
        books_window: MainWindow, contacts: ContactStore,  # noqa: F811
        history: HistoryStore) -> None:  # noqa: F811
    record(history, Direction.INCOMING, Outcome.MISSED, "+442079460018", "FRONT DESK")
    record(history, Direction.OUTGOING, Outcome.ANSWERED, "+12025550143", talked=5,
           minutes_ago=5)
    view = books_window.history_view
    assert view is not None
    view.reload()
    names = [view.list.topLevelItem(row).text(1) for row in range(2)]
    assert names == ["FRONT DESK", "Ada Lovelace"], "Ada was a contact before, never stored"
    contacts.add(Contact("Grace Hopper", (ContactNumber("+44 20 7946 0018"),)))
    view.reload()
    assert view.list.topLevelItem(0).text(1) == "Grace Hopper"
    view.list.setCurrentItem(view.list.topLevelItem(0))
    assert not view.to_contacts.isEnabled(), "already a contact"


def test_history_asks_the_contacts_once_per_number_each_time_it_is_read(
        books_window: MainWindow, contacts: ContactStore,  # noqa: F811
        history: HistoryStore, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    started = datetime.now(UTC)
    for index in range(120):
        history.start(direction=Direction.INCOMING, account="provider",
                      remote_uri="sip:x@sip.example.net", remote_name="",
                      number=f"+1202555{120 + index % 40:04d}", contact=None, started_at=started)
    asked: list[str] = []
    lookup = contacts.lookup_name
    monkeypatch.setattr(contacts, "lookup_name", lambda key: asked.append(key) or lookup(key))
    view = books_window.history_view
    assert view is not None
    view.reload()
    assert view.list.topLevelItemCount() == 120
    assert sorted(asked) == sorted(f"+1202555{index:04d}" for index in range(120, 160))
    assert [view.list.topLevelItem(row).text(1) for row in range(120)].count(
        "Ada Lovelace") == 3


def test_a_sip_address_is_shown_once(books_window: MainWindow, deliver: Any) -> None:
    deliver(incoming(CallState.CONNECTED, uri="sip:alice@example.com"))
    view = books_window.call_view
    assert view.who.text() == "alice@example.com" and view.number.isHidden()
    assert view.add_contact_button.isVisible(), "a SIP address can be a contact's too"
