"""The tray icon says how the phone stands and its menu follows the calls."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from softphone.events import CallState
from softphone.ui.main_window import MainWindow
from softphone.ui.tray import Tray
from tests.gui.conftest import Recorder
from tests.gui.events import call_state, registration


def test_the_icon_and_menu_follow_registration_and_calls(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any) -> None:
    tray = Tray(window, window.session, QApplication.quit)
    assert tray.toolTip() == "Softphone: not registered"
    assert not tray.hang_up.isVisible()
    deliver(registration(True))
    assert tray.toolTip() == "Softphone: registered"
    deliver(call_state(CallState.CONNECTED, call_id=2))
    assert tray.toolTip() == "Softphone: in a call"
    assert tray.hang_up.isVisible()
    tray.hang_up.trigger()
    assert engine.calls == [("hangup", 2)]


def test_recent_numbers_redial(qtbot: QtBot, window: MainWindow, engine: Recorder) -> None:
    tray = Tray(window, window.session, QApplication.quit)
    qtbot.keyClicks(window.number, "+44 20 7946 0958")
    qtbot.keyClick(window.number, Qt.Key.Key_Return)
    [recent] = tray.recent.actions()
    assert recent.text() == "+44 20 7946 0958"
    recent.trigger()
    assert [call[2] for call in engine.calls] == ["sip:+442079460958@sip.example.net"] * 2
