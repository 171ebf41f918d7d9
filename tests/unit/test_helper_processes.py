"""The helper processes start the way a frozen build starts them: its executable again, with
the hidden `--run-module` switch (the frozen build itself is tested in tests/packaging)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import softphone.audio.host
from softphone.audio import list_devices
from softphone.echo_line import EchoLine
from softphone.helper_processes import HELPER_MODULES, RUN_MODULE, helper_command


@pytest.fixture
def frozen_like(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What a frozen build looks like to helper_command: sys.frozen set, and sys.executable a
    program that takes softphone's arguments (here it runs `python -m softphone`)."""
    launcher = tmp_path / "softphone"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m softphone "$@"\n')
    launcher.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(launcher))
    return launcher


def test_from_python_a_helper_is_python_dash_m() -> None:
    assert helper_command("softphone.echo_service") == [
        sys.executable, "-m", "softphone.echo_service"]


def test_the_echo_service_starts_through_the_switch(frozen_like: Path) -> None:
    assert helper_command("softphone.echo_service")[:2] == [str(frozen_like), RUN_MODULE]
    line = EchoLine()
    try:
        account = line.start()  # raises EchoLineError unless the service said it listens
    finally:
        line.stop()
    assert account.domain.startswith("127.0.0.1:")


def test_the_audio_host_starts_through_the_switch(
        frozen_like: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(softphone.audio.host, "CHILD_COMMAND",
                        helper_command("softphone.audio.host_process"))
    list_devices()  # raises AudioDeviceError unless the child attached and answered


def test_the_switch_runs_only_the_helpers() -> None:
    result = subprocess.run([sys.executable, "-m", "softphone", RUN_MODULE, "os"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert all(module in result.stderr for module in HELPER_MODULES)
