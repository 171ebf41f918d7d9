"""The ringer and the microphone meter on a real PortAudio device (a JACK dummy server): JACK's
recorder listens to what the ringer plays, and JACK's metronome speaks into the meter."""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from softphone.audio import InputMeter, Ringer
from softphone.audio.levels import SILENCE_DBFS
from softphone.audio.tones import CHIME
from softphone.config import AudioConfig, Config
from softphone.events import EngineProblem, Event
from softphone.phone import Phone
from tests.integration.audio.jack import RATE, JackServer
from tests.integration.audio.test_jack_pipeline import wait_until
from tests.unit.audio.test_ringer import peaks, rms_dbfs, segments

pytestmark = pytest.mark.integration

RECORD_SECONDS = 7  # two whole 3 s cycles wherever the recording starts in one


def record(jack: JackServer, port: str, path: Path, seconds: int) -> np.ndarray:
    recorder = jack.start_helper("jack_rec", "-f", str(path), "-d", str(seconds), port)
    assert recorder.wait(seconds + 10) == 0
    with wave.open(str(path)) as wav:
        assert wav.getframerate() == RATE
        return np.frombuffer(wav.readframes(wav.getnframes()), "<i2") / 32768.0


def test_the_ringtone_plays_on_the_device_in_its_cadence_and_tones(
    jack: JackServer, tmp_path: Path, record_property: Callable[[str, object], None],
) -> None:
    problems: list[str] = []
    ringer = Ringer(problems.append)
    asked = time.perf_counter()
    ringer.start("system")
    returned = time.perf_counter()
    assert wait_until(lambda: ringer.playing_on is not None, timeout=15.0)
    opened = time.perf_counter()
    assert ringer.playing_on is not None and ringer.playing_on.name == "system"
    client = jack.portaudio_client()
    heard = record(jack, f"{client}:out_0", tmp_path / "ring.wav", RECORD_SECONDS)
    ringer.stop()
    assert ringer.wait(10.0)
    assert ringer.playing_on is None
    assert problems == []

    runs = segments(heard)
    whole = runs[1:-1]  # the first and last are cut by the recording
    sounding = [seconds for loud, seconds in whole if loud]
    quiet = [seconds for loud, seconds in whole if not loud]
    assert len(sounding) >= 4
    assert sounding == pytest.approx([0.4] * len(sounding), abs=0.011)
    assert sorted(set(np.round(quiet, 1))) == [0.2, 2.0]
    first_whole_ring = sum(seconds for _, seconds in runs[: 1 + (not runs[1][0])])
    start = round(first_whole_ring * RATE)
    steady = heard[start + 2400 : start + 16800]  # 50 to 350 ms into it
    assert peaks(steady, 2) == pytest.approx([440.0, 480.0], abs=4)
    assert rms_dbfs(steady) == pytest.approx(-12.0, abs=0.3)

    figures = {"start_ringing_returns_ms": round((returned - asked) * 1000, 2),
               "device_open_after_ms": round((opened - asked) * 1000)}
    for name, value in figures.items():
        record_property(name, value)
    print(f"\nringer on the JACK dummy device: {figures}")


def test_a_ringer_device_that_is_not_there_rings_on_the_system_default(
    jack: JackServer, tmp_path: Path,
) -> None:
    problems: list[str] = []
    ringer = Ringer(problems.append)
    ringer.start("USB headset")
    assert wait_until(lambda: ringer.playing_on is not None, timeout=15.0)
    heard = record(jack, f"{jack.portaudio_client()}:out_0", tmp_path / "ring.wav", 4)
    ringer.close()
    assert problems == [
        "No speaker matches 'USB headset'. The speakers are: System default, 0: system "
        "(JACK Audio Connection Kit). The ringtone plays on the system default (system) instead."
    ]
    assert np.abs(heard).max() > 0.3


def test_the_phone_rings_on_the_speaker_when_no_ringer_is_set_and_stops_when_told(
    jack: JackServer, tmp_path: Path,
) -> None:
    """The configured speaker is not plugged in: the ring says so and moves to the system
    default; stopping it lets go of the device."""
    events: list[Event] = []
    phone = Phone(Config(audio=AudioConfig(output_device="Bose", ringer_device="")),
                  events.append)
    phone.start_ringing()
    assert wait_until(lambda: bool(events), timeout=15.0)
    assert events == [EngineProblem(
        "No speaker matches 'Bose'. The speakers are: System default, 0: system "
        "(JACK Audio Connection Kit). The ringtone plays on the system default (system) "
        "instead.")]
    heard = record(jack, f"{jack.portaudio_client()}:out_0", tmp_path / "ring.wav", 4)
    assert np.abs(heard).max() > 0.3
    phone.stop_ringing()
    phone.stop_ringing()
    assert wait_until(lambda: not any(p.startswith("PortAudio") for p in jack.ports()),
                      timeout=10.0)


def test_losing_the_sound_server_mid_ring_is_reported(jack: JackServer) -> None:
    problems: list[str] = []
    reported = threading.Event()

    def note(message: str) -> None:
        problems.append(message)
        reported.set()

    ringer = Ringer(note)
    ringer.start(None)
    assert wait_until(lambda: ringer.playing_on is not None, timeout=15.0)
    jack.kill()
    assert reported.wait(15.0)
    ringer.close()
    assert problems[0] == (
        "The sound device stopped working (system). The ringtone moves to the system default."
    )


def test_the_meter_follows_the_microphone(jack: JackServer) -> None:
    """A metronome beeping as a microphone of its own, then silence on the system input."""
    jack.start_helper("jack_metro", "-n", "beeper", "-f", "880", "-b", "600", "-D", "90")
    assert wait_until(lambda: "beeper:600_bpm" in jack.ports(), timeout=5.0)
    problems: list[str] = []
    levels: list[float] = []
    meter = InputMeter("beeper", levels.append, problems.append)
    meter.start()
    assert wait_until(lambda: len(levels) >= 10, timeout=15.0)
    meter.stop()
    meter.join(10.0)
    assert problems == []
    assert meter.device is not None and meter.device.name == "beeper"
    assert min(levels[2:]) > -20  # a beep in nearly every 50 ms
    quiet: list[float] = []
    meter = InputMeter("system", quiet.append, problems.append)
    meter.start()
    assert wait_until(lambda: len(quiet) >= 5, timeout=15.0)
    meter.stop()
    meter.join(10.0)
    assert max(quiet) == -100.0


def test_the_speaker_test_reports_how_loud_the_device_played_it(jack: JackServer) -> None:
    """The settings' speaker meter: levels of what the device's callback played, as loud as
    the chime is made (RMS -15 dBFS), then silence once the chime is over and the device let
    go."""
    phone = Phone(Config(), lambda event: None)
    problems: list[str] = []
    levels: list[float] = []
    phone.test_output("system", problems.append, levels.append)
    assert wait_until(lambda: levels[-1:] == [SILENCE_DBFS] and len(levels) > 10, timeout=20.0)
    assert problems == []
    assert max(levels) == pytest.approx(CHIME.level_dbfs, abs=1.5)
    sounding = [level for level in levels if level > CHIME.level_dbfs - 6]
    print(f"\nspeaker test: {len(levels)} levels, {len(sounding)} within 6 dB of the chime")
    assert len(sounding) >= 5, levels
