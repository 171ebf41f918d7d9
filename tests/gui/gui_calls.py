"""Runs the desktop app on the real engine under offscreen Qt and handles several calls like a
person would, pressing the call view's buttons. One JSON line per step, as gui_flow prints.

    python -m tests.gui.gui_calls conference CONFIG FIRST SECOND
        call FIRST, press Record, Add call, call SECOND, Merge calls, Leave and Hang up all
    python -m tests.gui.gui_calls transfer CONFIG FIRST TARGET
        call FIRST, Transfer… to TARGET, until the call ends
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from softphone.ui.app import Desktop
from tests.gui.gui_flow import report, run_desktop, wait_for


def conference(app: QApplication, desktop: Desktop, first: str, second: str) -> None:
    window, view = desktop.window, desktop.window.call_view
    call(app, desktop, first)
    view.record_button.click()
    wait_for(app, view.recording_sign.isVisible)
    report("recording", view.recording_sign.text(), file=view.recording_sign.toolTip())
    view.add_button.click()
    report("add_call", window.message.text(), focus=str(window.number.hasFocus()))
    first_id = view.current_id
    wait_for(app, lambda: flag(desktop, first_id, "on_hold"))
    call(app, desktop, second)
    report("two_calls", " | ".join(view.calls.item(i).text() for i in range(view.calls.count())))
    view.merge_button.click()
    wait_for(app, lambda: len(view.conference.rows_shown()) == 2 and all(
        row[2] == "Connected" for row in view.conference.rows_shown()))
    report("merged", view.conference.title.text(),
           rows=" | ".join(f"{who} — {state}" for _, who, state in view.conference.rows_shown()))
    view.conference.leave_button.click()
    question = view.conference.question
    assert question is not None
    report("leave", question.text(), buttons=" | ".join(b.text() for b in question.buttons()))
    next(b for b in question.buttons() if b.text() == "Hang up all").click()
    wait_for(app, lambda: not desktop.session.calls)
    report("ended", window.message.text())


def transfer(app: QApplication, desktop: Desktop, first: str, target: str) -> None:
    window, view = desktop.window, desktop.window.call_view
    call(app, desktop, first)
    said: list[str] = []
    desktop.bridge.transfer_progress.connect(lambda _: said.append(view.transfer.status.text()))
    view.transfer_button.click()
    QTest.keyClicks(view.transfer.target.lineEdit(), target)
    view.transfer.transfer_button.click()
    report("transfer", view.transfer.status.text())
    wait_for(app, lambda: not desktop.session.calls)
    report("ended", window.message.text(), progress=" | ".join(said))


def call(app: QApplication, desktop: Desktop, number: str) -> None:
    """Type the number, press Enter, wait until the call view shows the new call connected."""
    window, view = desktop.window, desktop.window.call_view
    before = set(desktop.session.calls)
    QTest.keyClicks(window.number, number)
    QTest.keyClick(window.number, Qt.Key.Key_Return)
    wait_for(app, lambda: view.current_id not in before and view.state.text() == "Connected")
    report("call", view.state.text(), who=view.who.text())


def flag(desktop: Desktop, call_id: int | None, name: str) -> bool:
    info = desktop.session.calls.get(call_id) if call_id is not None else None
    return bool(info and info.flags and getattr(info.flags, name))


FLOWS: dict[str, Callable[[QApplication, Desktop, str, str], None]] = {
    "conference": conference, "transfer": transfer}


def main(flow: str, config: str, first: str, second: str) -> int:
    return run_desktop(Path(config), lambda app, desktop: FLOWS[flow](app, desktop, first, second))


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main(*sys.argv[1:]))
