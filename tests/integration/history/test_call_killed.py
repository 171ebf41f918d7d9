"""The call history survives the process being killed in the middle of a real call."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from softphone.history import CallFilter, HistoryStore, Outcome

pytestmark = pytest.mark.integration


def test_history_is_consistent_after_sigkill_mid_call(line, tmp_path, monkeypatch):
    data_home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    phone = line("answer_echo")
    run = phone.call("--history", "--duration", "30")
    run.wait_for_state("connected")
    run.process.kill()
    run.finish(10)

    path = data_home / "softphone" / "history.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with HistoryStore.open(path) as history:
        calls = history.calls(CallFilter.ALL)
    assert len(calls) == 1, calls
    assert calls[0].outcome is Outcome.INTERRUPTED
    assert calls[0].call_back_target == "+12025550143"  # typed as NUMBER, kept as E.164


def test_a_finished_call_is_in_the_history_with_its_quality(line, tmp_path, monkeypatch):
    data_home: Path = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    phone = line("answer_echo")
    outcome = phone.call("--history", "--duration", "3").finish()
    assert outcome.returncode == 0, outcome

    with HistoryStore.open(data_home / "softphone" / "history.sqlite3") as history:
        (call,) = history.calls(CallFilter.ALL)
    assert call.outcome is Outcome.ANSWERED
    assert call.duration >= 2
    assert call.quality is not None and call.quality.mos > 4
