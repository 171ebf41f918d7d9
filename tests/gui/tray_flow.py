"""Runs the desktop app on the real engine under offscreen Qt and uses its tray menu as a
person would click it. Offscreen Qt has no tray host, so the app is told there is one: the
icon and its menu are the app's own, only nobody can see them.

    python -m tests.gui.tray_flow CONFIG favourite|do_not_disturb [--log FILE]

favourite: once registered, click the first favourite in the tray menu, wait for "Connected",
hang up from the tray menu. do_not_disturb: once registered, switch Do Not Disturb on from the
menu, then wait for a call (the test makes one) to show up in History as missed.

Prints one JSON object per step, {"event": step, ...what was shown}, the way the CLI prints
its events, so the test can follow the run with tests.integration.softphone_cli.Softphone.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from softphone.ui.app import Desktop
from softphone.ui.tray import Tray
from tests.gui.gui_flow import run_desktop, wait_for


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("config", type=Path)
    parser.add_argument("flow", choices=("favourite", "do_not_disturb"))
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    if args.log:
        logging.basicConfig(filename=args.log, level=logging.INFO)
    flow = dial_a_favourite if args.flow == "favourite" else miss_a_call
    return run_desktop(args.config, lambda app, desktop: in_the_tray(app, desktop, flow),
                       tray=True, on_timeout=report_timeout)


def in_the_tray(app: QApplication, desktop: Desktop,
                flow: Callable[[QApplication, Desktop, Tray], None]) -> None:
    assert desktop.tray is not None
    report("registered", tooltip=desktop.tray.toolTip())
    flow(app, desktop, desktop.tray)


def report_timeout(desktop: Desktop, error: TimeoutError) -> None:
    report("timeout", error=str(error), message=desktop.window.message.text())


def dial_a_favourite(app: QApplication, desktop: Desktop, tray: Tray) -> None:
    tray.menu.aboutToShow.emit()
    favourites = tray.favourites.actions()
    report("favourites", shown=[action.text() for action in favourites])
    favourites[0].trigger()
    window = desktop.window
    wait_for(app, lambda: window.call_view.state.text() == "Connected")
    report("call", shown=window.call_view.state.text(), who=window.call_view.who.text(),
           tooltip=tray.toolTip())
    tray.menu.aboutToShow.emit()
    tray.hang_up.trigger()
    wait_for(app, lambda: not desktop.session.calls)
    report("ended", shown=window.message.text())


def miss_a_call(app: QApplication, desktop: Desktop, tray: Tray) -> None:
    tray.do_not_disturb.trigger()
    report("do_not_disturb", checked=tray.do_not_disturb.isChecked(), tooltip=tray.toolTip())
    view = desktop.window.history_view
    assert view is not None
    wait_for(app, lambda: view.list.topLevelItemCount() > 0)
    row = view.list.topLevelItem(0)
    report("history", row=[row.text(column) for column in range(5)], tooltip=tray.toolTip(),
           message=desktop.window.message.text(), popups=len(desktop.incoming.popups))


def report(step: str, **shown: Any) -> None:
    print(json.dumps({"event": step, **shown}), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
