"""The whole path with the real engine: the window dials a real provider and far end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.integration.lines import NUMBER, PASSWORD, Line
from tests.integration.softphone_cli import REPO


@pytest.mark.integration
def test_typing_a_number_and_pressing_enter_connects_the_call(
        line: Callable[..., Line], monkeypatch: pytest.MonkeyPatch) -> None:
    setup = line("answer_echo")
    monkeypatch.setenv("SOFTPHONE_PASSWORD", PASSWORD)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    run = subprocess.run([sys.executable, "-m", "tests.gui.gui_flow", str(setup.config), NUMBER],
                         cwd=REPO, env=os.environ, capture_output=True, text=True, timeout=90)
    steps = {step["step"]: step for step in (
        json.loads(text) for text in run.stdout.splitlines() if text.startswith("{"))}
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    assert steps["account"]["shown"] == "Registered"
    assert steps["typed"]["shown"] == "(202) 555-0143"
    assert steps["call"] == {"step": "call", "shown": "Connected", "who": "+1 202-555-0143"}
    assert steps["ended"]["shown"] == "You hung up."
