"""The ringtone and chime as generated, the loop that plays them in the PortAudio process, and
the ringer's behaviour when no device will open (every machine can show that; the JACK test in
tests/integration/audio/test_ringer.py hears the real thing)."""

from __future__ import annotations

import itertools
import sys
import threading

import numpy as np
import pytest

import softphone.audio.host
import softphone.audio.ringer
from softphone.audio import AudioDeviceError, InputMeter, Ringer
from softphone.audio.host import AudioHost
from softphone.audio.host_process import SoundPlayer
from softphone.audio.ring import SampleRing
from softphone.audio.tones import CHIME, RINGTONE, Note, ToneSequence

RATE = 48_000


def segments(samples: np.ndarray, rate: float = RATE) -> list[tuple[bool, float]]:
    """(sounding?, seconds) runs, judged on 5 ms windows."""
    window = round(rate * 0.005)
    loud = np.abs(samples[: len(samples) // window * window]).reshape(-1, window).max(axis=1)
    sounding = loud > 0.01
    runs: list[tuple[bool, float]] = []
    for value in sounding:
        if runs and runs[-1][0] == value:
            runs[-1] = (value, runs[-1][1] + 0.005)
        else:
            runs.append((bool(value), 0.005))
    return runs


def peaks(samples: np.ndarray, count: int, rate: float = RATE) -> list[float]:
    power = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    found: list[float] = []
    for index in np.argsort(power)[::-1]:
        if all(abs(freqs[index] - hz) > 10 for hz in found):
            found.append(float(freqs[index]))
        if len(found) == count:
            break
    return sorted(found)


def rms_dbfs(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples.astype(np.float64) ** 2)))


# The sounds ----------------------------------------------------------------------------------


def test_the_ringtone_is_a_double_ring_every_three_seconds() -> None:
    ring = RINGTONE.render(RATE)
    assert len(ring) == 3 * RATE
    runs = segments(ring)
    assert [sounding for sounding, _ in runs] == [True, False, True, False]
    assert [seconds for _, seconds in runs] == pytest.approx([0.4, 0.2, 0.4, 2.0], abs=0.011)


def test_the_ringtone_rings_in_440_and_480_hz_at_minus_12_dbfs_without_clipping() -> None:
    ring = RINGTONE.render(RATE)
    steady = ring[round(0.05 * RATE) : round(0.35 * RATE)]  # inside the first ring, no fades
    assert peaks(steady, 2) == pytest.approx([440.0, 480.0], abs=4)
    assert rms_dbfs(steady) == pytest.approx(-12.0, abs=0.2)
    assert np.abs(ring).max() <= 0.51  # two sines at 0.25 each: the loudest it can get
    assert ring.dtype == np.float32


def test_the_ringtone_loops_without_a_click() -> None:
    """Every tone fades in and out, so the jump where the loop starts again, and where each
    ring starts and stops, is no bigger than the steps inside the tone."""
    ring = RINGTONE.render(RATE)
    looped = np.concatenate([ring, ring])
    steps = np.abs(np.diff(looped))
    inside = steps[round(0.1 * RATE) : round(0.3 * RATE)].max()
    assert steps.max() <= inside * 1.01
    assert abs(ring[0]) < 1e-6 and abs(ring[-1]) < 1e-6


def test_the_ringtone_is_rendered_at_whatever_rate_the_device_runs() -> None:
    ring = RINGTONE.render(44_100)
    assert len(ring) == 3 * 44_100
    assert peaks(ring[2205:15435], 2, rate=44_100) == pytest.approx([440.0, 480.0], abs=4)


def test_the_chime_rises_through_three_notes_then_leaves_a_pause() -> None:
    chime = CHIME.render(RATE)
    note_edges = np.cumsum([0.0] + [note.seconds for note in CHIME.notes])
    heard = [peaks(chime[round((a + 0.03) * RATE) : round((b - 0.03) * RATE)], 1)[0]
             for a, b in itertools.pairwise(note_edges[:4])]
    assert heard == pytest.approx([523.25, 659.25, 783.99], abs=6)
    assert not np.any(chime[round(note_edges[3] * RATE) :])  # the pause the test stops in
    assert rms_dbfs(chime[round(0.03 * RATE) : round(0.15 * RATE)]) == pytest.approx(-15, abs=0.2)


# The loop in the PortAudio process ------------------------------------------------------------


def sound_player(sound: np.ndarray, loop: bool) -> SoundPlayer:
    return SoundPlayer(sound, loop, SampleRing.allocate(1 << 16))


def play_blocks(player: SoundPlayer, blocks: int, size: int) -> np.ndarray:
    out = np.empty((size, 1), np.float32)
    played = []
    for _ in range(blocks):
        out[:] = np.nan  # whatever the device buffer held before
        player.fill(out, size)
        played.append(out[:, 0].copy())
    return np.concatenate(played)


def test_a_looped_sound_repeats_seamlessly_across_device_blocks() -> None:
    sound = np.arange(1, 1001, dtype=np.float32)  # not a multiple of the block size
    played = play_blocks(sound_player(sound, loop=True), blocks=7, size=480)
    assert np.array_equal(played, np.tile(sound, 4)[: 7 * 480])


def test_what_was_played_is_passed_on_with_its_time() -> None:
    """The parent reads the time stamps to know the device still calls back."""
    played = SampleRing.allocate(1 << 12)
    player = SoundPlayer(np.arange(1, 1001, dtype=np.float32), True, played)
    out = np.empty((480, 1), np.float32)
    player.fill(out, 480)
    passed_on = np.empty(480, np.float32)
    assert played.read_into(passed_on, 0.0) == 480
    assert np.array_equal(passed_on, out[:, 0])
    assert played.last_write_time > 0


def test_a_sound_played_once_is_followed_by_silence() -> None:
    sound = np.arange(1, 1001, dtype=np.float32)
    played = play_blocks(sound_player(sound, loop=False), blocks=4, size=480)
    assert np.array_equal(played[:1000], sound)
    assert not played[1000:].any()


def test_an_empty_sound_is_silence_even_when_looped() -> None:
    played = play_blocks(sound_player(np.zeros(0, np.float32), loop=True), blocks=2, size=480)
    assert not played.any()


# The ringer when nothing opens -----------------------------------------------------------------


def test_asking_the_child_to_play_on_a_missing_device_is_refused_by_name() -> None:
    host = AudioHost()
    try:
        with pytest.raises(AudioDeviceError, match="speaker"):
            host.play("no such speaker, surely", RINGTONE, loop=True)
        assert host.alive()
    finally:
        host.stop()


def test_a_test_sound_on_a_missing_device_is_reported_and_not_played_elsewhere() -> None:
    problems: list[str] = []
    opened: list[AudioHost] = []

    def host() -> AudioHost:
        opened.append(AudioHost())
        return opened[-1]

    ringer = Ringer(problems.append, host_factory=host)
    ringer.start("no such speaker, surely", CHIME, CHIME.seconds, fall_back=False)
    ringer.close()
    assert len(problems) == 1 and "speaker" in problems[0]
    assert len(opened) == 1  # no second try on the system default
    assert ringer.playing_on is None
    assert not any(host.alive() for host in opened)


def test_when_no_sound_system_starts_the_ringer_says_so_once_and_keeps_trying(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(softphone.audio.host, "CHILD_COMMAND",
                        [sys.executable, "-c", "import sys; sys.exit(3)"])
    monkeypatch.setattr(softphone.audio.ringer, "RETRY_DELAY", 0.01)
    problems: list[str] = []
    attempts = threading.Semaphore(0)

    def host() -> AudioHost:
        attempts.release()
        return AudioHost()

    ringer = Ringer(problems.append, host_factory=host)
    ringer.start("USB headset")
    for _ in range(4):  # the headset, then the system default again and again
        assert attempts.acquire(timeout=20)
    ringer.close()
    assert problems == ["The ringtone cannot play: The sound system stopped unexpectedly."]


def test_stopping_is_harmless_when_nothing_rings_and_when_said_twice() -> None:
    ringer = Ringer()
    ringer.stop()
    ringer.start("no such speaker, surely", fall_back=False)
    ringer.stop()
    ringer.stop()
    ringer.close()
    assert ringer.playing_on is None


def test_a_ring_with_a_time_limit_ends_by_itself_even_when_nothing_opens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(softphone.audio.host, "CHILD_COMMAND",
                        [sys.executable, "-c", "import sys; sys.exit(3)"])
    monkeypatch.setattr(softphone.audio.ringer, "RETRY_DELAY", 0.01)
    ringer = Ringer()
    ringer.start(None, ToneSequence((Note((440.0,), 0.1),), -20.0), seconds=0.5)
    assert ringer.wait(20)


# The microphone meter when nothing opens -------------------------------------------------------


def test_metering_a_missing_microphone_says_which_kind_of_device_is_missing() -> None:
    problems: list[str] = []
    levels: list[float] = []
    meter = InputMeter("no such microphone, surely", levels.append, problems.append)
    meter.start()
    meter.join(20)
    assert len(problems) == 1 and "microphone" in problems[0]
    assert levels == []
    assert meter.device is None
