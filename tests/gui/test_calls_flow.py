"""Several calls through the window on the real engine, a real provider and real far ends:
record, add a call, merge into a conference, leave it; and a blind transfer."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import baresip  # noqa: F401 (fixture)
from tests.integration.lines import PASSWORD, ROUTED_PREFIX, USER, account
from tests.integration.softphone_cli import REPO, write_config
from tests.peers.baresip import Baresip
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST
from tests.peers.sipp import SippUAS

pytestmark = pytest.mark.integration

FIRST, SECOND = "(202) 555-0143", "(202) 555-0111"


def run_flow(tmp_path: Path, *args: str) -> dict[str, dict[str, Any]]:
    """gui_calls in a subprocess, with the user's data folder (history, recordings) in
    tmp_path; its steps by name."""
    env = {**os.environ, "SOFTPHONE_PASSWORD": PASSWORD, "QT_QPA_PLATFORM": "offscreen",
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    run = subprocess.run([sys.executable, "-m", "tests.gui.gui_calls", *args], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=120)
    steps = {step["step"]: step for step in (
        json.loads(text) for text in run.stdout.splitlines() if text.startswith("{"))}
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr[-3000:]}"
    return steps


def test_two_calls_recorded_merged_and_hung_up_from_the_call_view(
        tmp_path: Path, sipp_uas: Callable[..., SippUAS],
        make_kamailio: Callable[..., Kamailio]) -> None:
    far_ends = sipp_uas("answer_echo", calls=2)
    provider = make_kamailio({USER: PASSWORD}, {ROUTED_PREFIX: (HOST, far_ends.port)})
    config = write_config(tmp_path / "config.toml", [account(provider)])

    steps = run_flow(tmp_path, "conference", str(config), FIRST, SECOND)

    assert steps["call"]["who"] == "+1 202-555-0111", "the second call is the one shown"
    folder = tmp_path / "data" / "softphone" / "recordings"
    [recording] = folder.iterdir()
    assert steps["recording"]["shown"] == "● Recording"
    assert steps["recording"]["file"] == f"Recording to {recording}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d \+12025550143\.wav", recording.name)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    header = recording.read_bytes()[:12]
    assert header[:4] == b"RIFF" and header[8:] == b"WAVE", "a WAV, closed when the call ended"
    assert steps["add_call"] == {
        "step": "add_call", "focus": "True",
        "shown": "+1 202-555-0143 is on hold. Type the second number and press Call."}
    first, second = steps["two_calls"]["shown"].split(" | ")
    assert first.startswith("+1 202-555-0143 — On hold") and second == "+1 202-555-0111 — Connected"
    assert steps["merged"]["shown"] == "Conference with 2 others"
    assert steps["merged"]["rows"] == "+1 202-555-0143 — Connected | +1 202-555-0111 — Connected"
    assert sorted(steps["leave"]["buttons"].split(" | ")) == [
        "Cancel", "Connect them", "Hang up all"]
    assert steps["ended"]["shown"] == "You hung up."
    assert far_ends.wait(15) == 0, "both far ends got their BYE and the scenario ran to its end"
    assert "a=sendonly" in far_ends.messages(), "Add call really put the first call on hold"


def test_blind_transfer_from_the_call_view_says_how_it_went(
        tmp_path: Path, sipp_uas: Callable[..., SippUAS], make_kamailio: Callable[..., Kamailio],
        baresip: Callable[..., Baresip]) -> None:  # noqa: F811
    """baresip (1002) takes our call and our REFER, and calls the SIPp line itself."""
    line = sipp_uas("answer_echo")
    provider = make_kamailio({USER: PASSWORD, "1002": "secret1002"},
                             {ROUTED_PREFIX: (HOST, line.port)})
    alice = baresip(register=(provider.port, "1002", "secret1002"), user="1002")
    config = write_config(tmp_path / "config.toml", [account(provider)])

    steps = run_flow(tmp_path, "transfer", str(config), "1002", FIRST)

    assert steps["transfer"]["shown"] == "Transferring…"
    progress = steps["ended"]["progress"].split(" | ")
    assert progress[-1] == "Transferred" and set(progress[:-1]) == {"Transferring…"}, progress
    assert steps["ended"]["shown"] == f"Transferred to sip:+12025550143@{HOST}:{provider.port}."
    invite = line.messages().split("INVITE sip:")[1]
    assert "+12025550143" in invite and "1002" in invite.split("\n\n")[0], invite
    alice.hangup()
