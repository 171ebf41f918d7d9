"""The soak of issue 7, as `bench/soak.py` runs it (in a process of its own, as a user's phone
would be): 300 short calls back to back through Kamailio with digest auth, then 8 at once
(4 in each of two phones, the wheel's limit per process). Every call must connect and end, and
what the phone holds afterwards must not have grown with the calls."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.integration.conftest import Figure, require
from tests.integration.softphone_cli import REPO
from tests.peers.kamailio import kamailio_binary
from tests.peers.sipp import sipp_binary

pytestmark = pytest.mark.integration

CALLS = 300
# pjsip keeps each call's transactions for its 32 s wait timers: 300 calls in ~10 s build a
# plateau of ~15 MB here (`python -m bench.soak --again 2` shows later rounds reuse it). A
# leak of a call's memory pools (~200 KB each) would cross this bound within the 300 calls.
MAX_RSS_GROWTH_MB = 40
SOAK_TIMEOUT = 300


def test_300_calls_back_to_back_and_8_at_once_leave_nothing_behind(figure: Figure) -> None:
    for binary in (kamailio_binary, sipp_binary):
        require(binary)
    run = subprocess.run([sys.executable, "-m", "bench.soak", "--calls", str(CALLS), "--json"],
                         cwd=REPO, capture_output=True, text=True, timeout=SOAK_TIMEOUT)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    before, after = result["before"], result["after"]
    figure("calls_ok", f"{result['calls_ok']}/{CALLS}, 8 at once: {result['together_ok']}")
    for key, unit in (("rss_mb", " MB"), ("fds", ""), ("threads", "")):
        figure(key.removesuffix("_mb"), f"{before[key]:.1f} -> {after[key]:.1f}{unit}")

    assert result["failures"] == []
    assert result["calls_ok"] == CALLS
    assert result["together"] == 8 and result["together_ok"]
    assert after["fds"] == before["fds"], "a descriptor per call would leak"
    assert after["threads"] == before["threads"]
    assert after["python_threads"] == before["python_threads"]
    assert after["rss_mb"] - before["rss_mb"] < MAX_RSS_GROWTH_MB, result
