"""Runs the desktop app on the real engine under offscreen Qt and uses it like a person: wait
for the account to register, type NUMBER, press Enter, wait for "Connected", press Esc.

Prints one JSON object per step ({"step": ..., "shown": what the window showed}) so the test
in the parent process can check them; pjsua allows one endpoint per process, hence a process.

    python -m tests.gui.gui_flow CONFIG NUMBER
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from softphone.config import load_config
from softphone.ui.app import Desktop

STEP_TIMEOUT = 15.0


def main(config: str, number: str) -> int:
    app = QApplication([sys.argv[0]])
    desktop = Desktop(load_config(Path(config)))
    window = desktop.window
    desktop.start()
    try:
        wait_for(app, lambda: desktop.session.any_registered)
        report("account", window.accounts.state.text())
        QTest.keyClicks(window.number, number)
        report("typed", window.number.text())
        QTest.keyClick(window.number, Qt.Key.Key_Return)
        wait_for(app, lambda: window.call_view.state.text() == "Connected")
        report("call", window.call_view.state.text(), who=window.call_view.who.text())
        QTest.keyClick(window.number, Qt.Key.Key_Escape)
        wait_for(app, lambda: not desktop.session.calls)
        report("ended", window.message.text())
    except TimeoutError as error:
        report("timeout", str(error), message=window.message.text())
        return 1
    finally:
        desktop.shutdown()
    return 0


def wait_for(app: QApplication, condition: Callable[[], bool]) -> None:
    """Run the event loop (the engine's events arrive through it) until `condition` holds."""
    deadline = time.monotonic() + STEP_TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {STEP_TIMEOUT} s for {condition.__code__.co_names}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def report(step: str, shown: str, **more: str) -> None:
    print(json.dumps({"step": step, "shown": shown, **more}), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main(*sys.argv[1:]))
