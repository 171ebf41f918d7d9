"""Broken local state during real calls: the history file locked by another program, a disk
that fills up while recording, and files only the user may read. What a person notices: the
call goes on, a sentence says what happened, and nothing that was written is lost."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import wave
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from softphone.history.model import Outcome
from softphone.history.store import HistoryStore
from tests.integration.lines import NUMBER, PASSWORD, TONE_HZ
from tests.integration.softphone_cli import Outcome as Run
from tests.integration.softphone_cli import Softphone, start_script
from tests.peers.ports import wait_until
from tests.peers.tones import dominant_frequency

pytestmark = pytest.mark.integration

SMALL_DISK = "64k"  # two seconds of a 16 kHz recording

HOLD_LOCK = """\
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode=EXCLUSIVE")  # readers and writers are all shut out
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


class LockHolder:
    """Another process holding an exclusive lock on a SQLite file until `release()`."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where `softphone` keeps history and contacts in this test (inherited by the CLI)."""
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home / "softphone"


@pytest.fixture
def locked_history(data_home: Path) -> Iterator[LockHolder]:
    """The history file exists (an earlier run made it) and another program locks it."""
    HistoryStore.open(data_home / "history.sqlite3").close()
    holder = LockHolder(data_home / "history.sqlite3")
    yield holder
    holder.stop()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tiny filesystem of its own (tmpfs) that a recording fills within seconds."""
    if os.geteuid() != 0:
        pytest.skip("a small filesystem to fill needs root (mount -t tmpfs)")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK},mode=0700",
                           "tmpfs", str(mount)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)


def problems(outcome: Run) -> list[str]:
    return [event["message"] for event in outcome.of("problem")]


def wait_for_problem(phone: Softphone, words: str, timeout: float = 20) -> str:
    """The first problem event saying `words`, waiting for it if need be."""
    def said() -> str | None:
        return next((event["message"] for event in phone.events
                     if event["event"] == "problem" and words in event["message"]), None)

    wait_until(lambda: said() is not None, timeout, f"a problem saying {words!r}")
    return said()


def history_calls(data_home: Path) -> list:
    with HistoryStore.open(data_home / "history.sqlite3") as history:
        return history.calls()


def test_a_history_locked_mid_call_is_written_once_the_lock_goes(line, data_home,
                                                                  locked_history):
    phone = line("answer_echo").call("--history", "--duration", "30")
    phone.wait_for_state("connected")
    wait_for_problem(phone, "is locked by another program")
    released_at = datetime.now().astimezone()
    locked_history.release()
    wait_for_problem(phone, "The call history is free again")
    phone.interrupt()
    outcome = phone.finish()

    assert outcome.returncode == 0, outcome
    [call] = history_calls(data_home)
    assert call.outcome is Outcome.ANSWERED, call
    assert call.answered_at < released_at, "stamped when it happened, not when written"
    assert call.duration > 0


def test_a_history_locked_all_along_is_reported_and_the_call_still_works(line, data_home,
                                                                         locked_history):
    outcome = line("answer_echo").call("--history", "--duration", "1").finish(60)

    assert outcome.returncode == 0, outcome
    assert outcome.states()[-2:] == ["connected", "ended"], outcome
    said = problems(outcome)
    assert any("is locked by another program" in text for text in said), outcome
    assert any("were not written to the history" in text for text in said), outcome
    locked_history.release()
    assert history_calls(data_home) == [], "nothing half-written behind the lock"


def test_history_contacts_and_the_engine_log_are_readable_by_the_user_only(line, data_home):
    run = line("answer_echo").call("--history", "--duration", "1")
    outcome = run.finish()

    assert outcome.returncode == 0, outcome
    assert stat.S_IMODE(data_home.stat().st_mode) == 0o700
    files = sorted(data_home.iterdir())
    assert {path.name for path in files} >= {"history.sqlite3", "contacts.sqlite3"}, files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert "Call" in run.log_path.read_text(), "the log names the calls made"
    assert stat.S_IMODE(run.log_path.stat().st_mode) == 0o600


def recorded_tone(path: Path) -> tuple[float, float]:
    """(seconds of audio, its dominant frequency) of a WAV that must open as one."""
    with wave.open(str(path)) as wav:
        rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames, "<i2").astype(np.float64) / 32768
    return len(samples) / rate, dominant_frequency(samples, rate)


def test_a_full_disk_stops_the_cli_recording_not_the_call(line, tone, small_disk):
    heard = small_disk / "heard.wav"
    phone = line("answer_echo").call("--play", str(tone), "--record", str(heard),
                                     "--duration", "30")
    phone.wait_for_state("connected")
    problem = wait_for_problem(phone, "The recording stopped")
    stats_then = len(phone.events)
    wait_until(lambda: any(event["event"] == "stats" for event in phone.events[stats_then:]),
               10, "stats after the recording stopped: the call goes on")
    phone.interrupt()
    outcome = phone.finish()

    assert outcome.returncode == 0, outcome
    assert outcome.ended()["message"] == "You hung up.", outcome
    assert problem == (
        f"The recording stopped: {heard} could not be written (the disk is full). The call "
        "goes on, and what was recorded until then is kept.")
    seconds, hz = recorded_tone(heard)
    assert seconds > 1.0
    assert hz == pytest.approx(TONE_HZ, abs=10)
    assert stat.S_IMODE(heard.stat().st_mode) == 0o600


def test_a_full_disk_stops_the_call_recording_not_the_call(tmp_path, line, tone, small_disk):
    """The engine's recorder (the window's Record button): pjsua drops audio silently when
    its writes fail, so the engine notices the file has stopped growing."""
    recording = small_disk / "call.wav"
    phone = line("answer_echo")
    run = start_script(tmp_path, phone.config, [
        {"play": str(tone)},
        {"dial": NUMBER, "as": "a"}, {"wait": "connected", "call": "a"},
        {"record_call": "a", "path": str(recording)}, {"sleep": 12},
        {"hangup": "a"}, {"wait": "ended", "call": "a"},
    ], PASSWORD)
    problem = wait_for_problem(run, "The recording stopped", 30)
    seconds, hz = recorded_tone(recording)  # complete as soon as it is reported
    outcome = run.finish(40)

    assert outcome.returncode == 0, outcome
    assert problem.startswith(f"The recording stopped: {recording} could not be "
                              "written (the disk is full)."), problem
    said_at = next(i for i, event in enumerate(outcome.events) if event["event"] == "problem"
                   and event["message"] == problem)
    assert "ended" not in [event.get("state") for event in outcome.events[:said_at]], outcome
    assert outcome.of("call_flags")[-1]["recording"] is None, outcome
    assert outcome.ended()["message"] == "You hung up.", outcome
    assert seconds > 1.0
    assert hz == pytest.approx(TONE_HZ, abs=10)
    assert stat.S_IMODE(recording.stat().st_mode) == 0o600
