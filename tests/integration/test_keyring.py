"""Passwords in a real Secret Service (GNOME Keyring on a private D-Bus session): stored with
`softphone password`, read by `softphone call` to register, never written anywhere else; a
keyring that is locked is reported as such."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.lines import NUMBER, PASSWORD
from tests.integration.softphone_cli import REPO

pytestmark = pytest.mark.integration

KEYRING_SESSION = """
{unlock}
"$@"
"""


@pytest.fixture
def keyring_home(tmp_path: Path) -> Path:
    for tool in ("dbus-run-session", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: dbus, gnome-keyring)")
    return tmp_path


def in_keyring_session(home: Path, command: list[str], stdin: str = "",
                       unlocked: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `command` inside its own D-Bus session with a GNOME Keyring daemon."""
    unlock = ('echo -n "login-pass" | gnome-keyring-daemon --unlock --components=secrets '
              '>/dev/null' if unlocked else
              "gnome-keyring-daemon --start --components=secrets >/dev/null")
    script = home / "session.sh"
    script.write_text(KEYRING_SESSION.format(unlock=unlock))
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(REPO),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}
    env.pop("SOFTPHONE_PASSWORD", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return subprocess.run(["dbus-run-session", "--", "bash", str(script), *command], env=env,
                          input=stdin, capture_output=True, text=True, timeout=90)


def test_password_stored_in_the_keyring_registers_the_account(keyring_home, line, tone):
    phone = line("answer_echo")
    config = phone.config
    softphone = [sys.executable, "-m", "softphone"]
    heard = keyring_home / "heard.wav"
    script = (f"{' '.join(softphone)} password provider && "
              f"{' '.join(softphone)} call '{NUMBER}' --config {config} --play {tone} "
              f"--record {heard} --json")
    result = in_keyring_session(keyring_home, ["bash", "-c", script], stdin=PASSWORD + "\n")

    assert result.returncode == 0, result.stdout + result.stderr
    assert '"registered": true' in result.stdout
    assert "stored in the keyring" in result.stdout
    ours = [keyring_home / name for name in ("data", "config", ".local", ".config", ".cache")]
    files = [p for folder in ours if folder.exists() for p in folder.rglob("*") if p.is_file()]
    assert any(p.parent.name == "keyrings" for p in files), "the keyring holds it"
    leaked = [p for p in files if PASSWORD.encode() in p.read_bytes()]
    assert leaked == [], f"the password is in plain text in {leaked}"


def test_a_locked_keyring_is_reported_not_bypassed(keyring_home, line):
    """The login keyring holds the password, but this session has not unlocked it (and has no
    prompter to ask): the call stops with the advice to unlock it, nothing is dialled."""
    phone = line("answer_echo")
    stored = in_keyring_session(keyring_home, [sys.executable, "-m", "softphone", "password",
                                               "provider"], stdin=PASSWORD + "\n")
    assert stored.returncode == 0, stored.stdout + stored.stderr

    result = in_keyring_session(
        keyring_home,
        [sys.executable, "-m", "softphone", "call", NUMBER, "--config", str(phone.config)],
        unlocked=False)

    assert result.returncode == 2, result.stdout + result.stderr
    assert "The system keyring is locked, so it cannot read the password" in result.stderr
    assert "Unlock it" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert phone.far_end.messages() == "", "nothing was dialled"
