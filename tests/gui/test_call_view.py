"""The in-call view renders what the engine says about calls."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from softphone.events import AudioLevels, CallState
from softphone.ui.main_window import MainWindow
from tests.gui.conftest import Recorder
from tests.gui.events import call_state, flags, stats


def test_states_in_the_words_a_person_uses(window: MainWindow, deliver: Any) -> None:
    view = window.call_view
    deliver(call_state(CallState.CALLING))
    assert view.isVisible()
    assert view.who.text() == "+1 202-555-0143"
    assert view.state.text() == "Calling…"
    deliver(call_state(CallState.EARLY_MEDIA))
    assert view.state.text().startswith("Early media")
    assert view.timer.text() == ""
    deliver(call_state(CallState.CONNECTED))
    assert view.state.text() == "Connected"
    assert view.timer.text() == "0:00"


def test_hold_and_mute_follow_the_flags(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any) -> None:
    view = window.call_view
    deliver(call_state(CallState.CONNECTED))
    qtbot.mouseClick(view.hold_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.mute_button, Qt.MouseButton.LeftButton)
    assert engine.calls == [("hold", 1), ("set_mute", 1, True)]
    deliver(flags(on_hold=True, muted=True))
    assert view.state.text() == "On hold"
    assert view.hold_button.isChecked() and view.hold_button.text() == "Resume"
    assert view.mute_button.isChecked()
    deliver(flags(remote_hold=True))
    assert view.state.text() == "Held by the other side"
    assert not view.hold_button.isChecked()


def test_the_quality_badge_shows_mos_with_details_in_the_tooltip(
        window: MainWindow, deliver: Any) -> None:
    deliver(call_state(CallState.CONNECTED))
    deliver(stats(4.41))
    assert window.call_view.quality.text() == "MOS 4.4 · excellent"
    assert "G722" in window.call_view.quality.toolTip()
    deliver(stats(3.2))
    assert window.call_view.quality.text() == "MOS 3.2 · poor"


def test_several_calls_are_listed_to_switch_between(
        window: MainWindow, engine: Recorder, deliver: Any) -> None:
    view = window.call_view
    deliver(call_state(CallState.CONNECTED, call_id=1))
    assert not view.calls.isVisible()
    deliver(call_state(CallState.RINGING, call_id=2))
    assert view.calls.count() == 2 and view.calls.isVisible()
    view.calls.setCurrentRow(0)
    assert view.current_id == 1
    view.hang_up_button.click()
    assert engine.calls == [("hangup", 1)]
    deliver(call_state(CallState.ENDED, call_id=1))
    assert view.current_id == 2 and not view.calls.isVisible()


def test_resume_on_a_held_call_holds_the_call_being_talked_on(
        window: MainWindow, engine: Recorder, deliver: Any) -> None:
    view = window.call_view
    deliver(call_state(CallState.CONNECTED, call_id=1))
    deliver(flags(call_id=1, on_hold=True))
    deliver(call_state(CallState.CONNECTED, call_id=2))
    assert view.current_id == 2, "a call just connected is the one shown"
    view.calls.setCurrentRow(0)
    assert view.hold_button.text() == "Resume"
    view.hold_button.click()
    assert engine.calls == [("hold", 2), ("resume", 1)]


def test_add_call_holds_this_one_and_points_at_the_number_field(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any) -> None:
    view = window.call_view
    deliver(call_state(CallState.CONNECTED, call_id=1))
    window.tabs.setFocus()
    view.add_button.click()
    assert engine.calls == [("hold", 1)]
    assert window.message.text() == ("+1 202-555-0143 is on hold. Type the second number "
                                     "and press Call.")
    assert window.number.hasFocus()
    qtbot.keyClicks(window.number, "202 555 0111")
    qtbot.keyClick(window.number, Qt.Key.Key_Return)
    assert engine.calls[-1][:2] == ("dial", "provider")
    deliver(call_state(CallState.CALLING, call_id=2))
    assert view.current_id == 2 and view.calls.count() == 2


def test_escape_hangs_up_the_call_picked_in_the_list(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any) -> None:
    deliver(call_state(CallState.CONNECTED, call_id=1))
    deliver(call_state(CallState.CONNECTED, call_id=2))
    window.call_view.calls.setCurrentRow(0)
    qtbot.keyClick(window.number, Qt.Key.Key_Escape)
    assert engine.calls == [("hangup", 1)]


def test_the_quality_details_name_codec_loss_jitter_round_trip_and_mos(
        window: MainWindow, deliver: Any) -> None:
    deliver(call_state(CallState.CONNECTED))
    deliver(stats(4.1))
    details = window.call_view.quality.toolTip().splitlines()
    assert details == ["Codec G722 (16 kHz)", "Loss in/out 0.0% / 0.0%",
                       "Jitter 0.3 ms, jitter buffer 40 ms", "Round trip 0 ms",
                       "R factor 93, MOS 4.10"]
    assert window.call_view.quality.text() == "MOS 4.1 · good"


def test_level_meters_appear_with_the_first_levels_and_follow_them(
        window: MainWindow, deliver: Any) -> None:
    view = window.call_view
    deliver(call_state(CallState.CONNECTED))
    assert not view.meters.isVisible(), "no bars before the sound pipeline measures anything"
    deliver(AudioLevels(input_dbfs=-21.0, output_dbfs=float("-inf")))
    assert view.meters.isVisible()
    assert (view.microphone.level, view.speaker.level) == (-21.0, -60.0)
    assert view.microphone.toolTip() == "-21 dBFS" and view.speaker.toolTip() == "Silent"
