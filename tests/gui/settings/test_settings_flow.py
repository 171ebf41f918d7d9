"""Settings on the real engine: "Test registration" against a real Kamailio with the right
and a wrong password."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.integration.lines import PASSWORD
from tests.integration.softphone_cli import REPO, write_config
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST

pytestmark = pytest.mark.integration


def run_flow(tmp_path: Path, *args: str) -> dict[str, dict[str, Any]]:
    """The app in its own process, with its folders (history, config) in the test's."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("SOFTPHONE_PASSWORD", None)
    run = subprocess.run([sys.executable, "-m", "tests.gui.settings.settings_flow", *args],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    steps = {step["step"]: step for step in (
        json.loads(text) for text in run.stdout.splitlines() if text.startswith("{"))}
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    return steps


@pytest.mark.parametrize(("password", "shown"), [
    (PASSWORD, "Registered"),
    ("not-the-password", "Wrong username or password"),
])
def test_test_registration_with_a_real_provider(
        tmp_path: Path, make_kamailio: Callable[..., Kamailio], password: str,
        shown: str) -> None:
    provider = make_kamailio()  # users 1001 and 1002, digest auth
    config = write_config(tmp_path / "config.toml", [])
    steps = run_flow(tmp_path, "registration", str(config), f"{HOST}:{provider.port}",
                     password)
    assert steps["tested"]["shown"].startswith(shown)
    assert config.read_text() == "\n", "only tried: nothing saved after Cancel"
