"""Runs the desktop app on the real engine under offscreen Qt and uses it like a person.

`dial`: wait for the account to register, type NUMBER, press Enter, wait for "Connected",
press Esc, find the call at the top of History. `answer`: wait to be registered, and when the
incoming-call popup comes up press its Answer, wait for "Connected", wait for the caller to
hang up, find the call in History.

Prints one JSON object per step ({"step": ..., "shown": what the window showed}) so the test
in the parent process can check them (and drive the far end between steps); pjsua allows one
endpoint per process, hence a process. `run_desktop` is the scaffolding every such script
(gui_calls, tray_flow, settings/settings_flow) shares.

    python -m tests.gui.gui_flow CONFIG dial NUMBER
    python -m tests.gui.gui_flow CONFIG answer
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
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from softphone.config import load_config
from softphone.ui.app import Desktop

STEP_TIMEOUT = 15.0


def main(config: str, flow: str, *args: str) -> int:
    return run_desktop(Path(config), lambda app, desktop: to_history(app, desktop, flow, *args))


def to_history(app: QApplication, desktop: Desktop, flow: str, *args: str) -> None:
    """The flow, then what the window shows once the call is over."""
    window = desktop.window
    report("account", window.accounts.state.text())
    FLOWS[flow](app, desktop, *args)
    wait_for(app, lambda: not desktop.session.calls)
    report("ended", window.message.text())
    history = window.history_view.list
    wait_for(app, lambda: history.topLevelItemCount() > 0)
    top = history.topLevelItem(0)
    report("history", top.text(4), who=top.text(1), direction=top.text(0))


def dial(app: QApplication, desktop: Desktop, number: str) -> None:
    window = desktop.window
    QTest.keyClicks(window.number, number)
    report("typed", window.number.text())
    QTest.keyClick(window.number, Qt.Key.Key_Return)
    wait_for(app, lambda: window.call_view.state.text() == "Connected")
    report("call", window.call_view.state.text(), who=window.call_view.who.text())
    QTest.keyClick(window.number, Qt.Key.Key_Escape)


def answer(app: QApplication, desktop: Desktop) -> None:
    """The far end hangs up by itself once it has seen the call answered."""
    wait_for(app, lambda: bool(desktop.incoming.popups))
    popup = next(iter(desktop.incoming.popups.values()))
    report("popup", popup.caller.text(), on_top=str(popup.isVisible()))
    QTest.mouseClick(popup.answer, Qt.MouseButton.LeftButton)
    wait_for(app, lambda: desktop.window.call_view.state.text() == "Connected")
    report("call", desktop.window.call_view.state.text(), popups=str(len(desktop.incoming.popups)))


FLOWS: dict[str, Callable[..., None]] = {"dial": dial, "answer": answer}


def report_timeout(desktop: Desktop, error: TimeoutError) -> None:
    report("timeout", str(error), message=desktop.window.message.text())


def run_desktop(config: Path | None, body: Callable[[QApplication, Desktop], None], *,
                tray: bool = False, registered: bool = True,
                on_timeout: Callable[[Desktop, TimeoutError], None] = report_timeout) -> int:
    """What every GUI flow script shares: the app on the real engine (`config` None: the
    user's own, as a first start finds it), signed in first unless `registered` is False,
    `body` run, a step that never came reported by `on_timeout` (exit status 1), and the
    engine shut down whatever happened. Offscreen Qt has no tray host; `tray` tells the app
    there is one, so its icon and menu exist (only nobody can see them)."""
    app = QApplication([sys.argv[0]])
    if tray:
        QSystemTrayIcon.isSystemTrayAvailable = staticmethod(lambda: True)  # type: ignore[method-assign]
    desktop = Desktop(load_config(config))
    desktop.start()
    try:
        if registered:
            wait_for(app, lambda: desktop.session.any_registered)
        body(app, desktop)
    except TimeoutError as error:
        on_timeout(desktop, error)
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
