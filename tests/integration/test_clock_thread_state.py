"""pjmedia's clock thread keeps one Python thread state for a call's length, instead of one
made and freed for every 20 ms frame, and gives it back when the clock stops: calls one after
another leave the count where it was (engine/thread_state.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.integration.softphone_cli import REPO

pytestmark = pytest.mark.integration

CALLS = 3


def test_the_clock_thread_holds_one_state_per_call_and_none_after() -> None:
    run = subprocess.run([sys.executable, "-m", "tests.integration.clock_thread_states",
                          str(CALLS)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    counts = json.loads(run.stdout)
    print(counts)

    assert counts["during"] == [counts["idle"] + 1] * CALLS, "held for the call's length"
    assert counts["after"] == [counts["idle"]] * CALLS, "none left behind by ended clocks"
