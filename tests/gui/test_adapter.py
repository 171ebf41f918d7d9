"""Events from the engine's thread arrive as signals on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from softphone.events import EngineProblem
from softphone.ui.adapter import EngineBridge


def test_an_event_from_another_thread_is_emitted_on_the_gui_thread(
        qtbot: QtBot, bridge: EngineBridge) -> None:
    seen: list[tuple[object, bool]] = []
    bridge.engine_problem.connect(
        lambda event: seen.append((event, QThread.currentThread() is bridge.thread())))
    problem = EngineProblem("the network went away")
    with qtbot.waitSignals([bridge.event, bridge.engine_problem], timeout=2000):
        threading.Thread(target=bridge.deliver, args=(problem,)).start()
    assert seen == [(problem, True)]
