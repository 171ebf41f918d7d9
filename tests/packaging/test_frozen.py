"""The one-folder build (dist/softphone/, made by packaging/build.sh) run as a user without
Python would: the commands, both helper processes (the PortAudio host and the echo service are
the frozen executable again, with --run-module), a call through a real provider, the keyring,
the desktop entry and the window.

Runs only with SOFTPHONE_FROZEN_TEST=1 (see conftest.py):
    bash packaging/build.sh && SOFTPHONE_FROZEN_TEST=1 .venv/bin/python -m pytest tests/packaging
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.integration.audio.jack import JackServer
from tests.integration.lines import NUMBER, PASSWORD
from tests.integration.test_keyring import in_keyring_session
from tests.peers.ports import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """A user with no config, a private runtime dir, and nothing from the checkout's Python."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_RUNTIME_DIR": str(runtime)}
    for name in ("PYTHONPATH", "SOFTPHONE_PASSWORD", "DISPLAY", "WAYLAND_DISPLAY",
                 "XDG_DATA_DIRS"):
        env.pop(name, None)
    return env


def run(frozen: Path, env: dict[str, str], *args: str,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(frozen), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def with_jack(env: dict[str, str], jack: JackServer) -> dict[str, str]:
    """The frozen PortAudio host finds the test's JACK server by its name."""
    return {**env, "JACK_DEFAULT_SERVER": jack.name, "JACK_NO_AUDIO_RESERVATION": "1"}


def json_events(stdout: str) -> list[dict[str, Any]]:
    """`--json` output: every line an event, nothing else (scripts parse it line by line)."""
    stray = [line for line in stdout.splitlines() if not line.startswith("{")]
    assert not stray, f"--json printed more than events: {stray}"
    return [json.loads(line) for line in stdout.splitlines()]


def test_help_lists_the_commands(frozen, home):
    result = run(frozen, home, "--help")

    assert result.returncode == 0, result.stderr
    assert "call" in result.stdout and "install-desktop" in result.stdout


def test_devices_come_from_the_frozen_audio_host(frozen, home, jack):
    result = run(frozen, with_jack(home, jack), "devices")

    assert result.returncode == 0, result.stderr
    assert "system [JACK Audio Connection Kit]" in result.stdout, result.stdout


def test_the_echo_test_call_hears_itself(frozen, home, jack):
    result = run(frozen, with_jack(home, jack), "call", "echo", "--duration", "3", "--json")

    assert result.returncode == 0, result.stderr
    events = json_events(result.stdout)
    states = [event["state"] for event in events if event["event"] == "call_state"]
    assert states[-2:] == ["connected", "ended"], states
    assert not [event for event in events if event["event"] == "problem"], events
    echoed = [event["rx_packets"] for event in events if event["event"] == "stats"]
    assert echoed and echoed[-1] > 50, events  # the frozen echo service sent our audio back


def test_a_call_through_the_provider_registers_with_digest_auth(frozen, home, line):
    phone = line("answer_echo")

    result = run(frozen, {**home, "SOFTPHONE_PASSWORD": PASSWORD}, "call", NUMBER,
                 "--config", str(phone.config), "--duration", "2", "--json")

    assert result.returncode == 0, result.stderr
    ended = [event for event in json_events(result.stdout)
             if event["event"] == "call_state" and event["state"] == "ended"]
    assert ended and ended[-1]["code"] == 200, result.stdout


def test_the_password_goes_into_the_secret_service_keyring(frozen, home, tmp_path):
    for tool in ("dbus-run-session", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: dbus, gnome-keyring)")
    script = (f"{frozen} password provider && {frozen} password provider --delete && "
              f"! {frozen} password provider --delete")
    result = in_keyring_session(tmp_path, ["bash", "-c", script], stdin=PASSWORD + "\n")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "stored in the keyring" in result.stdout and "removed" in result.stdout


def test_install_desktop_points_the_entry_at_the_frozen_executable(frozen, home):
    for tool in ("desktop-file-validate", "xdg-mime"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: desktop-file-utils, xdg-utils)")
    result = run(frozen, home, "install-desktop")

    assert result.returncode == 0, result.stderr
    assert "Note:" not in result.stderr, result.stderr  # xdg-mime and friends ran cleanly
    data = Path(home["XDG_DATA_HOME"])
    entry = data / "applications" / "softphone.desktop"
    validate = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                              text=True, timeout=30)
    assert validate.returncode == 0 and validate.stdout == "", validate.stdout
    assert f"Exec={frozen} %u\n" in entry.read_text()
    assert (data / "icons/hicolor/scalable/apps/softphone.svg").is_file()
    query = subprocess.run(["xdg-mime", "query", "default", "x-scheme-handler/tel"],
                           env=home, capture_output=True, text=True, timeout=30)
    assert query.stdout.strip() == "softphone.desktop"


def test_the_window_starts_takes_a_link_and_quits_on_sigterm(frozen, home):
    env = {**home, "QT_QPA_PLATFORM": "offscreen"}
    socket = Path(home["XDG_RUNTIME_DIR"]) / "softphone" / "app.sock"
    app = subprocess.Popen([str(frozen)], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: socket.exists() or app.poll() is not None, 30, "the app's socket")
        assert app.poll() is None, app.communicate()

        handed = run(frozen, env, "tel:+12025550143")  # a second start hands its link over
        assert handed.returncode == 0, handed.stderr

        app.send_signal(signal.SIGTERM)
        _, stderr = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
