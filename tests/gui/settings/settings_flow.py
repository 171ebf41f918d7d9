"""Runs the desktop app on the real engine under offscreen Qt and uses Settings and the
first-run wizard like a person; one JSON object per step on stdout (pjsua allows one endpoint
per process, hence a process).

    python -m tests.gui.settings.settings_flow registration CONFIG DOMAIN PASSWORD
        Settings → Accounts → Add…, types the account and PASSWORD, presses Test registration.
    python -m tests.gui.settings.settings_flow first-run
        A new user's start (XDG_CONFIG_HOME holds no softphone/config.toml): skips the
        account, calls the echo test, finishes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from softphone.config import load_config
from softphone.ui.app import Desktop
from softphone.ui.first_run import is_first_run
from tests.gui.gui_flow import report, run_desktop, wait_for

REGISTERING = "Registering…"


def registration(app: QApplication, desktop: Desktop, domain: str, password: str) -> None:
    desktop.open_settings()
    page = desktop.settings.accounts_page
    page.buttons["add"].click()
    form = page.editor.form
    for key, value in (("name", "provider"), ("username", "1001"), ("domain", domain),
                       ("default_country", "US")):
        form.inputs[key].setText(value)
    form.password.setText(password)
    form.test_button.click()
    wait_for(app, lambda: form.status.text() not in ("", REGISTERING))
    report("tested", form.status.text(), window=desktop.window.accounts.state.text())
    page.editor.reject()
    desktop.settings.reject()


def first_run(app: QApplication, desktop: Desktop) -> None:
    wizard = desktop.first_run
    report("wizard", wizard.windowTitle() if wizard and wizard.isVisible() else "not shown")
    wizard.next()  # the account step, left empty: skipped
    wizard.next()  # the devices step
    step = wizard.echo_step
    step.call_button.click()
    wait_for(app, lambda: step.state.text().startswith("Connected"))
    report("echo", step.state.text())
    wizard.accept()
    config = load_config(desktop.config.path)
    report("finished", "saved" if desktop.config.path.exists() else "no file",
           again=str(is_first_run(config)))


def main(mode: str, *args: str) -> int:
    if mode == "registration":
        return run_desktop(Path(args[0]), lambda app, desktop: registration(
            app, desktop, *args[1:]), registered=False)
    return run_desktop(None, first_run, registered=False)  # None: the user's, not there


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main(*sys.argv[1:]))
