"""The running app, as links reach it: prints JSON lines for what the window shows when a
later `softphone LINK` (started by `gio open` from the desktop entry) hands a link over.

    python -m tests.gui.gui_links CONFIG SECONDS
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from softphone.config import load_config
from softphone.ui.app import Desktop
from softphone.ui.links import LinkServer


def main(config: str, seconds: float) -> int:
    app = QApplication([sys.argv[0]])
    desktop = Desktop(load_config(Path(config)))
    desktop.start()
    links = LinkServer()
    links.received.connect(desktop.open_link)
    links.listen()
    print(json.dumps({"ready": True}), flush=True)
    shown: set[str] = set()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            window = desktop.window
            question = window.link_question
            for kind, text in (("prompt", question.text() if question else ""),
                               ("message", window.message.text()),
                               ("calls", str(len(desktop.session.calls)))):
                if text and f"{kind}:{text}" not in shown:
                    shown.add(f"{kind}:{text}")
                    print(json.dumps({kind: text, "number": window.number.text()}), flush=True)
            time.sleep(0.02)
    finally:
        desktop.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
