"""An incoming call: the popup (answer, decline, answer and hold current), the ringtone while
a caller waits and nothing else goes on, auto answer, and the caller's name from the contacts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from softphone.contacts import Contact, ContactNumber, ContactStore
from softphone.events import CallState, CallStateChanged, Direction, IncomingCall
from softphone.ui.incoming import IncomingCallPopup, IncomingCalls
from softphone.ui.session import Session
from tests.gui.books import contacts  # noqa: F401 (fixture)
from tests.gui.conftest import Recorder
from tests.gui.events import call_state

CALL = IncomingCall(call_id=7, account="provider", remote_uri="sip:+442079460958@example.net",
                    remote_name="", remote_number="+442079460958")
RINGING = [("start_ringing",)]


def incoming_state(state: CallState, call_id: int = 7) -> CallStateChanged:
    return CallStateChanged(call_id=call_id, account="provider", direction=Direction.INCOMING,
                            state=state, remote_uri=CALL.remote_uri, remote_name="", code=180,
                            reason="Ringing", message="")


@pytest.fixture
def phone() -> Recorder:
    return Recorder()


@pytest.fixture
def made() -> Iterator[list[IncomingCalls]]:
    """Popups still open when a test ends are closed: they are top-level windows."""
    handlers: list[IncomingCalls] = []
    yield handlers
    for handler in handlers:
        for popup in list(handler.popups.values()):
            popup.close()


def calls_of(session: Session, phone: Recorder, made: list[IncomingCalls],
             **settings: Any) -> IncomingCalls:
    """The app's incoming-call handling, as the Desktop sets it up."""
    handler = IncomingCalls(phone, session, **settings)  # type: ignore[arg-type]
    made.append(handler)
    return handler


@pytest.mark.parametrize(("button", "expected"), [
    ("answer", ("answer", 7)),
    ("decline", ("reject", 7, 603)),
    ("answer_holding", ("answer_holding_others", 7)),
])
def test_each_button_calls_its_phone_verb(qtbot: QtBot, button: str,
                                          expected: tuple[Any, ...]) -> None:
    phone = Recorder()
    popup = IncomingCallPopup(phone, CALL, in_call=True)  # type: ignore[arg-type]
    qtbot.addWidget(popup)
    popup.present()
    qtbot.mouseClick(getattr(popup, button), Qt.MouseButton.LeftButton)
    assert phone.calls == [expected]
    assert not popup.isVisible()


def test_answer_and_hold_is_offered_only_during_a_call(qtbot: QtBot) -> None:
    popup = IncomingCallPopup(Recorder(), CALL, in_call=False)  # type: ignore[arg-type]
    qtbot.addWidget(popup)
    popup.present()
    assert popup.answer.isVisible()
    assert not popup.answer_holding.isVisible()
    assert popup.caller.text() == "+44 20 7946 0958"
    assert popup.detail.text() == "to provider"


def test_the_popup_rings_until_the_caller_gives_up(
        qtbot: QtBot, session: Session, phone: Recorder, deliver: Any,
        made: list[IncomingCalls]) -> None:
    incoming = calls_of(session, phone, made)
    with qtbot.waitSignal(incoming.arrived) as arrived:
        deliver(CALL)
    popup = incoming.popups[7]
    assert popup.isVisible() and popup.isWindow()
    assert popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert arrived.args == ["+44 20 7946 0958"]
    deliver(incoming_state(CallState.RINGING))
    assert phone.calls == RINGING, "one ring, however often the session changes"
    deliver(incoming_state(CallState.ENDED))
    assert 7 not in incoming.popups and not popup.isVisible()
    assert phone.calls == [*RINGING, ("stop_ringing",)]


def test_answering_stops_the_ring_and_brings_up_the_window(
        qtbot: QtBot, session: Session, phone: Recorder, deliver: Any,
        made: list[IncomingCalls]) -> None:
    incoming = calls_of(session, phone, made)
    deliver(CALL)
    with qtbot.waitSignal(incoming.answered):
        qtbot.mouseClick(incoming.popups[7].answer, Qt.MouseButton.LeftButton)
    assert phone.calls == [*RINGING, ("answer", 7), ("stop_ringing",)]
    assert not incoming.popups


def test_a_call_answered_elsewhere_closes_its_popup(
        qtbot: QtBot, session: Session, phone: Recorder, deliver: Any,
        made: list[IncomingCalls]) -> None:
    incoming = calls_of(session, phone, made)
    deliver(CALL)
    deliver(incoming_state(CallState.CONNECTED))
    assert not incoming.popups
    assert phone.calls == [*RINGING, ("stop_ringing",)]


def test_during_a_call_the_engine_beeps_instead_of_the_ringtone(
        qtbot: QtBot, session: Session, phone: Recorder, deliver: Any,
        made: list[IncomingCalls]) -> None:
    incoming = calls_of(session, phone, made)
    deliver(call_state(CallState.CONNECTED, call_id=2))
    deliver(CALL)
    popup = incoming.popups[7]
    assert popup.answer_holding.isVisible()
    assert phone.calls == []
    deliver(call_state(CallState.ENDED, call_id=2))
    assert phone.calls == RINGING, "the conversation ended while the caller still waits"


def test_the_popup_names_the_caller_from_the_contacts(
        qtbot: QtBot, session: Session, phone: Recorder, deliver: Any,
        made: list[IncomingCalls], contacts: ContactStore) -> None:  # noqa: F811
    contacts.add(Contact("Grace Hopper", (ContactNumber("020 7946 0958", "work"),)))
    incoming = calls_of(session, phone, made, contacts=contacts)
    with qtbot.waitSignal(incoming.arrived) as arrived:
        deliver(CALL)
    assert arrived.args == ["Grace Hopper"]
    popup = incoming.popups[7]
    assert popup.caller.text() == "Grace Hopper"
    assert popup.detail.text() == "+44 20 7946 0958 · to provider"


def test_auto_answer_takes_the_call_at_once_unless_another_call_is_going_on(
        qtbot: QtBot, session: Session, phone: Recorder, deliver: Any,
        made: list[IncomingCalls]) -> None:
    incoming = calls_of(session, phone, made, auto_answer=True)
    with qtbot.waitSignal(incoming.answered):
        deliver(CALL)
    assert phone.calls == [("answer", 7)]
    assert not incoming.popups
    deliver(incoming_state(CallState.CONNECTED))
    deliver(IncomingCall(call_id=8, account="provider", remote_uri="sip:200@example.net",
                         remote_name="Reception", remote_number="200"))
    assert phone.calls == [("answer", 7)], "a second caller waits for a person"
    assert incoming.popups[8].answer_holding.isVisible()


def test_clicking_the_notification_brings_the_popup_back(
        qtbot: QtBot, session: Session, phone: Recorder, deliver: Any,
        made: list[IncomingCalls]) -> None:
    incoming = calls_of(session, phone, made)
    deliver(CALL)
    popup = incoming.popups[7]
    popup.hide()
    incoming.present()
    assert popup.isVisible()
