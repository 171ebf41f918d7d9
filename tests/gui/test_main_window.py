"""The main window: typing, dialling, inline errors, the keypad, Esc, the account state."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from softphone.events import CallState, TransferRequested
from softphone.numbers import DialError, format_as_you_type, parse_target
from softphone.ui.main_window import MainWindow
from softphone.ui.wording import sentence
from tests.gui.conftest import Recorder
from tests.gui.events import call_state, registration


def test_the_number_field_formats_as_the_accounts_country_writes_numbers(
        qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.number, "2025550143")
    assert window.number.text() == format_as_you_type("2025550143", "US") == "(202) 555-0143"


def test_a_pasted_link_is_left_as_it_is(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.number, "tel:+1-202-555-0143")
    assert window.number.text() == "tel:+1-202-555-0143"


def test_enter_dials_the_number_through_the_chosen_account(
        qtbot: QtBot, window: MainWindow, engine: Recorder) -> None:
    qtbot.keyClicks(window.number, "2025550143")
    qtbot.keyClick(window.number, Qt.Key.Key_Return)
    assert engine.calls == [("dial", "provider", "sip:+12025550143@sip.example.net", {})]
    assert window.number.text() == ""
    assert window.session.recent == ["(202) 555-0143"]


def test_an_undiallable_number_is_explained_inline_and_nothing_is_dialled(
        qtbot: QtBot, window: MainWindow, engine: Recorder) -> None:
    qtbot.keyClicks(window.number, "12ab")
    qtbot.keyClick(window.number, Qt.Key.Key_Return)
    with pytest.raises(DialError) as refused:
        parse_target("12ab", "US")
    assert engine.calls == []
    assert window.message.text() == sentence(refused.value)
    assert window.number.text() == "12ab"  # kept, so it can be corrected


def test_the_keypad_types_and_in_a_call_sends_tones(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any) -> None:
    qtbot.mouseClick(window.pad.button("5"), Qt.MouseButton.LeftButton)
    assert window.number.text() == "5"
    deliver(call_state(CallState.CONNECTED, call_id=3))
    qtbot.mouseClick(window.pad.button("#"), Qt.MouseButton.LeftButton)
    assert engine.calls == [("send_dtmf", 3, "#")]


def test_escape_hangs_up_the_call_on_screen(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any) -> None:
    deliver(call_state(CallState.RINGING, call_id=4))
    qtbot.keyClick(window.number, Qt.Key.Key_Escape)
    assert engine.calls == [("hangup", 4)]


def test_the_account_state_follows_registration_events(
        window: MainWindow, deliver: Any) -> None:
    state = window.accounts.state
    deliver(registration(True))
    assert state.text() == "Registered"
    deliver(registration(False, 403, "The provider refused the password.", retry_in=None))
    assert state.text() == "Failed: The provider refused the password."
    deliver(registration(False, 200, "Unregistered."))
    assert state.text() == "Not registered"


def test_a_call_ending_says_why(window: MainWindow, deliver: Any) -> None:
    deliver(call_state(CallState.RINGING))
    deliver(call_state(CallState.ENDED, message="the number is busy"))
    assert window.message.text() == "The number is busy."
    assert not window.call_view.isVisible()


def test_a_declined_transfer_request_leaves_the_number_one_enter_away(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any) -> None:
    deliver(TransferRequested(call_id=1, account="provider", target="+12025550143",
                              accepted=False))
    assert window.number.text() == "+12025550143"
    assert "asked you to call +12025550143" in window.message.text()
    qtbot.keyClick(window.number, Qt.Key.Key_Return)
    assert engine.calls == [("dial", "provider", "sip:+12025550143@sip.example.net", {})]


def test_a_refused_link_brings_the_window_up_to_say_why(
        window: MainWindow, engine: Recorder) -> None:
    window.hide()
    window.dial_text("callto:")
    assert window.isVisible()
    assert window.message.text()
    assert engine.calls == []


def _link_button(window: MainWindow, text: str) -> Any:
    return next(button for button in window.link_question.buttons()
                if button.text().replace("&", "") == text)


def test_a_confirmed_sip_link_is_called_exactly_as_written(
        qtbot: QtBot, window: MainWindow, engine: Recorder) -> None:
    """Its scheme (sips: asks for TLS all the way), port and transport survive the prompt."""
    link = "sips:bob@pbx.example.org:5081;transport=tls"
    window.offer_link(link, confirm=True)
    assert engine.calls == [], "nothing dialled before the user says so"
    assert "bob@pbx.example.org" in window.link_question.text()

    _link_button(window, "Call").click()
    qtbot.waitUntil(lambda: bool(engine.calls))
    assert engine.calls == [("dial", "provider", parse_target(link).value, {})]
    assert engine.calls[0][2].startswith("sips:") and ":5081" in engine.calls[0][2]
    assert window.session.recent == [parse_target(link).value], "recent redials the same URI"


def test_a_cancelled_link_prompt_dials_nothing(
        qtbot: QtBot, window: MainWindow, engine: Recorder) -> None:
    window.offer_link("tel:+1-202-555-0143", confirm=True)
    _link_button(window, "Cancel").click()
    qtbot.waitUntil(lambda: not window.link_question.isVisible())
    assert engine.calls == []
    assert window.number.text() == "+1 202-555-0143", "left in the field, one Enter away"


def test_with_links_set_to_dial_at_once_a_tel_link_is_called_without_a_prompt(
        window: MainWindow, engine: Recorder) -> None:
    window.offer_link("tel:+1-202-555-0143", confirm=False)
    assert engine.calls == [("dial", "provider", "sip:+12025550143@sip.example.net", {})]
    assert window.link_question is None
    assert window.session.recent == ["+1 202-555-0143"]
