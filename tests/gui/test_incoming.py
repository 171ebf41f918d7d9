"""The incoming call popup answers, declines, or answers and holds the current call."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from softphone.events import CallState, IncomingCall
from softphone.ui.incoming import IncomingCallPopup
from softphone.ui.main_window import MainWindow
from tests.gui.conftest import Recorder
from tests.gui.events import call_state

CALL = IncomingCall(call_id=7, account="provider", remote_uri="sip:+442079460958@example.net",
                    remote_name="", remote_number="+442079460958")


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


def test_the_window_shows_the_popup_and_closes_it_when_the_caller_gives_up(
        qtbot: QtBot, window: MainWindow, deliver: Any) -> None:
    deliver(CALL)
    popup = window.popups[7]
    assert popup.isVisible()
    deliver(call_state(CallState.ENDED, call_id=7))
    qtbot.waitUntil(lambda: 7 not in window.popups)
