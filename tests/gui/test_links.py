"""Click-to-call from another program: the desktop entry is installed into a throwaway XDG
home, `gio open tel:...` starts `softphone LINK` as a browser would, and the link reaches the
app already running, which shows the number and asks; nothing is dialled without the user."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.gui.x_display import find_window, press, x_display
from tests.integration.softphone_cli import REPO, write_config

pytestmark = pytest.mark.integration


@pytest.fixture
def desktop_env(tmp_path: Path) -> dict[str, str]:
    if shutil.which("gio") is None:
        pytest.skip("gio is not installed (Debian: libglib2.0-bin)")
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_RUNTIME_DIR": str(runtime),
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_DATA_DIRS"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "softphone", "install-desktop"], env=env, check=True,
                   capture_output=True, timeout=60)
    return env


class RunningApp:
    """The app in a subprocess, reporting what its window shows as JSON lines."""

    def __init__(self, env: dict[str, str], config: Path, seconds: float) -> None:
        self.lines: list[dict[str, str]] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.gui.gui_links", str(config), str(seconds)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(lambda line: line.get("ready"))

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("{"):
                self.lines.append(json.loads(line))

    def wait_for(self, wanted, timeout: float = 20.0) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in self.lines if wanted(line)), None)
            if found is not None:
                return found
            time.sleep(0.05)
        self.process.kill()
        raise AssertionError(f"not shown within {timeout} s: {self.lines}\n"
                             f"{self.process.stderr.read()[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(15)


def test_a_clicked_tel_link_reaches_the_running_app_which_asks_first(tmp_path, desktop_env):
    config = write_config(tmp_path / "config.toml", [{
        "name": "trunk", "username": "1001", "domain": "127.0.0.1:5999", "register": False,
        "default_country": "US"}])
    app = RunningApp(desktop_env, config, 25)
    try:
        opened = subprocess.run(["gio", "open", "tel:+1-202-555-0143"], env=desktop_env,
                                capture_output=True, text=True, timeout=30)
        assert opened.returncode == 0, opened.stderr
        prompt = app.wait_for(lambda line: "prompt" in line)
        assert "Call +1 202-555-0143?" in prompt["prompt"]
        assert prompt["number"] == "+1 202-555-0143"

        refused = subprocess.run([sys.executable, "-m", "softphone", "mailto:ada@example.com"],
                                 env=desktop_env, capture_output=True, text=True, timeout=30)
        assert refused.returncode == 0, "handed over to the running app"
        message = app.wait_for(lambda line: "can't be called" in line.get("message", ""))
        assert "mailto" in message["message"]
        assert not any(line.get("calls", "0") != "0" for line in app.lines), "nothing dialled"
    finally:
        app.stop()


def test_one_app_listens_and_a_crashed_apps_socket_is_taken_over(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two starts at once: the second finds the first listening and must hand over to it;
    a socket file left by a crash (nobody answers) is taken over."""
    from softphone.ui.links import LinkServer, server_path

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    first, second = LinkServer(), LinkServer()
    assert first.listen()
    assert not second.listen(), "the first app answers: no second app"
    first._server.close()
    Path(server_path()).write_text("")  # what a killed app leaves behind
    assert second.listen()
    second._server.close()


def test_a_clicked_link_is_called_by_the_real_app_once_the_user_says_call(
        tmp_path, desktop_env, sipp_uas):
    """The app as `softphone` starts it, on a real X display: `gio open` runs the installed
    entry's command, which hands the link to the app; its question shows the number and
    nothing goes out until Call is pressed, then the INVITE reaches the far end."""
    far_end = sipp_uas("answer_echo")
    config = write_config(tmp_path / "config.toml", [{
        "name": "trunk", "username": "1001", "domain": f"127.0.0.1:{far_end.port}",
        "register": False, "default_country": "US"}])
    with x_display(desktop_env) as env:
        app = subprocess.Popen([sys.executable, "-m", "softphone", "--config", str(config)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
        try:
            find_window(env, "Softphone")
            opened = subprocess.run(["gio", "open", "tel:+1-202-555-0143"], env=env,
                                    capture_output=True, text=True, timeout=30)
            assert opened.returncode == 0, opened.stderr
            question = find_window(env, "Call this number\\?")
            time.sleep(1.0)  # were anything dialled unasked, it would reach the far end now
            assert "INVITE" not in far_end.messages(), "dialled before the user said so"
            press(env, question, "Return")  # Call is the default button
            deadline = time.monotonic() + 20
            while "INVITE sip:+12025550143@" not in far_end.messages():
                assert time.monotonic() < deadline, far_end.messages()
                time.sleep(0.1)
        finally:
            app.terminate()
            _, errors = app.communicate(timeout=30)
    assert app.returncode == 0, errors[-3000:]
