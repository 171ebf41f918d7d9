"""The phone is killed in the middle of a call: the history file must come through whole, with
the call in it marked as interrupted. (A version with a real SIP call comes with the engine's
history wiring; this one needs no SIP peer.)"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from softphone.history import HistoryStore, Outcome

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.integration
def test_a_call_survives_the_phone_being_killed_mid_call(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    phone = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.history.record_call", str(path)],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert phone.stdout is not None
        ready, _, _ = select.select([phone.stdout], [], [], 20)
        assert ready and phone.stdout.readline() == "in call\n", "the call never started"
        time.sleep(0.5)  # hundreds of statistics writes go by
        phone.send_signal(signal.SIGKILL)
    finally:
        phone.kill()
        phone.wait()
    assert phone.returncode == -signal.SIGKILL

    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with HistoryStore.open(path) as history:
        assert history.recovery is None
        (call,) = history.calls()
    assert call.outcome is Outcome.INTERRUPTED
    assert (call.remote_name, call.number) == ("Ada", "+12025550143")
    assert call.answered_at is not None and call.ended_at is None
    assert call.quality is not None and call.quality.mos == 4.4
