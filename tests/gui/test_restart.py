"""Restart now, as a person does it: the real `softphone` on an Xvfb display, Settings by
Ctrl+comma, a new SIP port typed on the Network page, Alt+A to apply (the dialog says it waits
for a restart and offers it), Alt+R. The app quits and its successor, started only once the
old one let go of its ports and link socket, answers SIP on the new port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from softphone.ui.restart import relaunch_command
from tests.gui.x_display import find_window, press, x_display
from tests.integration.softphone_cli import REPO, write_config
from tests.peers.ports import HOST, free_port, sip_answers

pytestmark = pytest.mark.integration

START_SECONDS = 30.0


def apps_with(config: Path) -> list[int]:
    """Every running process started with this config (the successor is not our child)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if entry.name.isdigit() and str(config).encode() in command:
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.1)


def test_restart_now_brings_the_new_network_settings_into_effect(tmp_path: Path) -> None:
    old_port, new_port = free_port(), free_port()
    config = write_config(tmp_path / "config.toml", [{
        "name": "trunk", "username": "1001", "domain": f"{HOST}:{free_port()}",
        "register": False, "default_country": "US"}], {"sip_port": old_port})
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_RUNTIME_DIR": str(runtime),
           "PYTHONPATH": str(REPO), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    with x_display(env) as shown:
        first = subprocess.Popen([sys.executable, "-m", "softphone", "--config", str(config)],
                                 env=shown, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True)
        try:
            window = find_window(shown, "Softphone", START_SECONDS)
            assert sip_answers(HOST, old_port)
            press(shown, window, "ctrl+comma")
            settings = find_window(shown, "Settings")
            for key in ("ctrl+Tab", "ctrl+Tab", "ctrl+Tab", "Tab", "ctrl+a"):  # SIP port
                press(shown, settings, key)
            subprocess.run(["xdotool", "type", str(new_port)], env=shown, check=True,
                           timeout=10)
            press(shown, settings, "alt+a")
            wait_for(lambda: f"sip_port = {new_port}" in config.read_text(), 10,
                     "the new port saved")
            press(shown, settings, "alt+r")
            assert first.wait(30) == 0, first.stderr.read()[-3000:]
            wait_for(lambda: sip_answers(HOST, new_port), START_SECONDS,
                     "the successor answering on the new port")
            successors = apps_with(config)
            assert len(successors) == 1 and successors[0] != first.pid, successors
            assert not sip_answers(HOST, old_port), "the old port is let go of"
        finally:
            for pid in apps_with(config):
                os.kill(pid, signal.SIGTERM)
            wait_for(lambda: not apps_with(config), 30, "every app of this test gone")


@pytest.mark.parametrize(("frozen", "config", "expected"), [
    (False, None, [sys.executable, "-m", "softphone"]),
    (False, Path("/home/ada/phone.toml"),
     [sys.executable, "-m", "softphone", "--config", "/home/ada/phone.toml"]),
    (True, None, [sys.executable]),  # the one-folder build's executable is the app
])
def test_the_successor_starts_as_this_app_did_without_its_link(
        monkeypatch: pytest.MonkeyPatch, frozen: bool, config: Path | None,
        expected: list[str]) -> None:
    monkeypatch.setattr(sys, "frozen", frozen, raising=False)
    assert relaunch_command(config) == expected
