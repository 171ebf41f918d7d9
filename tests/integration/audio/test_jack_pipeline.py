"""The pipeline on a real PortAudio device: a JACK dummy server, driven the way the engine
drives it (one thread, every 20 ms, on its own clock), with the speaker wired back into the
microphone so that what is written comes back to be read."""

from __future__ import annotations

import subprocess
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from softphone.audio import (
    AudioDeviceError,
    AudioPipeline,
    PipelineStats,
    find_device,
    list_devices,
    mic_test,
)
from softphone.audio.drift import BACKLOG_LIMIT, MARGIN_STEP
from softphone.media.frames import CLOCK_RATE, FRAME_SAMPLES
from tests.integration.audio.engine import Engine, clicks, tone
from tests.integration.audio.jack import JackServer

pytestmark = pytest.mark.integration


def spectrum_around(samples: np.ndarray, hz: float,
                    rate: float = CLOCK_RATE) -> tuple[float, float]:
    """(peak frequency, dB of everything more than 20 Hz away from `hz`, relative to all)."""
    power = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    elsewhere = power[np.abs(freqs - hz) > 20].sum()
    return float(freqs[np.argmax(power)]), float(10 * np.log10(elsewhere / power.sum()))


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_audio_flows_both_ways_for_20_seconds_without_an_underrun(jack: JackServer) -> None:
    problems: list[str] = []
    with AudioPipeline(on_problem=problems.append) as pipeline:
        jack.loop_back()
        started = time.perf_counter()
        with Engine(pipeline, tone(1000.0)) as engine:
            time.sleep(20.0)
        stats = pipeline.stats()
    assert not engine.errors
    assert problems == []
    assert stats.mic_underruns == stats.speaker_underruns == stats.resyncs == 0
    assert len(engine.heard) == pytest.approx(1000, abs=5)  # the engine's clock kept time
    heard = engine.heard_since(started + 10.0)  # the last ten seconds
    peak, rest_db = spectrum_around(heard, 1000.0)
    assert peak == pytest.approx(1000.0, abs=1.0)
    assert rest_db < -60  # no gaps, no clicks: a gap would spread energy everywhere
    assert np.sqrt(np.mean(heard**2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.01)
    assert stats.microphone is not None and stats.microphone.name == "system"


def test_round_trip_through_the_device_is_steady_and_short(
    jack: JackServer, record_property: Callable[[str, object], None]
) -> None:
    with AudioPipeline() as pipeline:
        jack.loop_back()
        with Engine(pipeline, clicks()) as engine:
            delays = steady_delays(pipeline, engine)
        stats = pipeline.stats()
    # Drift control breathes with the scheduling jitter: the delay wanders a little, never slips.
    assert delays.max() - delays.min() <= 0.003
    round_trip = float(delays.mean())
    report(record_property, stats, round_trip)
    # The pipeline's own one-way estimates add up to what was measured (JACK's loop is part of
    # the output latency PortAudio reports).
    assert round_trip == pytest.approx(stats.mic_latency + stats.speaker_latency, abs=0.004)
    assert stats.mic_latency <= 0.060
    assert stats.speaker_latency <= 0.060


def glitches(stats: PipelineStats) -> int:
    return stats.mic_underruns + stats.speaker_underruns + stats.resyncs


def steady_delays(pipeline: AudioPipeline, engine: Engine, attempts: int = 3) -> np.ndarray:
    """Click delays over 4 s in which the pipeline counted no glitch.

    A loaded CI machine once held the device up for 40 ms mid-measurement: a glitch, which
    the next test shows costs a moment and no lasting delay. The steadiness held to here is
    the one between glitches, so a window with one is measured again after the pipeline has
    settled, at most `attempts` times."""
    time.sleep(2.0)
    for _ in range(attempts):
        seen, start = glitches(pipeline.stats()), engine.seconds_sent
        time.sleep(4.5)  # the last click written in the window is back by then
        if glitches(pipeline.stats()) == seen:
            return engine.click_delays(start, start + 4.0)
        time.sleep(3.0)
    pytest.fail(f"the pipeline glitched in each of {attempts} windows: {pipeline.stats()}")


@pytest.mark.parametrize("held_up", ["engine", "sound server"])
def test_a_stall_costs_a_moment_not_a_lasting_delay(jack: JackServer, held_up: str) -> None:
    """40 ms without the engine's clock (pjmedia then catches up) or without the device: the
    speaker ring is left holding 40 ms too much. Drift control alone would take eight seconds
    to play it out, the call that much later all the while; the pipeline cuts it at once,
    leaving at most BACKLOG_LIMIT to drain, and adds a margin step for the underrun."""
    with AudioPipeline() as pipeline:
        jack.loop_back()
        with Engine(pipeline, clicks()) as engine:
            time.sleep(3.5)
            stalled_at = engine.seconds_sent
            if held_up == "engine":
                engine.stall(0.040)
            else:
                jack.hold(0.040)
            time.sleep(3.0)
        stats = pipeline.stats()
    assert glitches(stats) > 0  # the stall was one
    before = engine.click_delays(before=stalled_at)
    a_second_later = engine.click_delays(stalled_at + 1.0)
    assert len(before) >= 3 and len(a_second_later) >= 3
    assert a_second_later.max() - before.mean() <= MARGIN_STEP + BACKLOG_LIMIT


def report(record_property: Callable[[str, object], None], stats: PipelineStats,
           round_trip: float) -> None:
    figures = {
        "round_trip_ms": round(round_trip * 1000, 1),
        "mic_latency_ms": round(stats.mic_latency * 1000, 1),
        "speaker_latency_ms": round(stats.speaker_latency * 1000, 1),
    }
    for name, value in figures.items():
        record_property(name, value)
    print(f"\nlatency on the JACK dummy device: {figures}")


def test_losing_the_sound_server_mid_call_keeps_frames_coming_and_recovers(
    jack: JackServer,
) -> None:
    problems: list[str] = []
    recovered = threading.Event()
    pipeline = AudioPipeline(on_problem=problems.append,
                             on_recovered=lambda message: recovered.set())
    with pipeline, Engine(pipeline, tone(1000.0)) as engine:
        jack.loop_back()
        time.sleep(1.0)
        assert np.abs(engine.heard_since(time.perf_counter() - 0.3)).max() > 0.25
        jack.kill()
        assert wait_until(lambda: bool(problems), timeout=5.0)
        lost_at = time.perf_counter()
        time.sleep(1.0)
        assert not engine.heard_since(lost_at).any()  # silence, and frames keep coming
        assert len(engine.heard_since(lost_at)) >= 45 * FRAME_SAMPLES

        jack.start()
        assert recovered.wait(15.0)
        jack.loop_back()
        assert wait_until(
            lambda: np.abs(engine.heard_since(time.perf_counter() - 0.2)).max(initial=0) > 0.25,
            timeout=5.0,
        )
    assert not engine.errors
    assert problems[0] == (
        "The sound device stopped working (system). The call goes on in silence while "
        "Softphone switches to the system default device."
    )


def test_a_different_microphone_and_speaker_each_get_their_own_stream(jack: JackServer) -> None:
    """PortAudio shows each JACK client as a device: a beeper becomes a microphone of its own,
    the system one stays the speaker."""
    jack.start_helper("jack_metro", "-n", "beeper", "-f", "880", "-b", "600", "-D", "90")
    assert wait_until(lambda: "beeper:600_bpm" in jack.ports(), timeout=5.0)
    with AudioPipeline("beeper", "system") as pipeline:
        started = time.perf_counter()
        with Engine(pipeline, tone(500.0)) as engine:
            time.sleep(3.0)
        stats = pipeline.stats()
    assert stats.microphone is not None and stats.microphone.name == "beeper"
    assert stats.speaker is not None and stats.speaker.name == "system"
    assert spectrum_around(engine.heard_since(started + 1.0), 880.0)[0] == pytest.approx(880, abs=2)
    # Two streams starting at once on a loaded 2-core machine may miss one block at start-up;
    # steady flow without underruns is what the 20 s test holds to.
    assert stats.mic_underruns + stats.speaker_underruns <= 1, stats
    assert stats.mic_latency < 0.060  # not the 89478 s PortAudio reports for the beeper


def test_the_jack_device_is_listed_and_found(jack: JackServer) -> None:
    devices = list_devices()
    system = find_device(devices, None, "input")
    assert (system.name, system.hostapi) == ("system", "JACK Audio Connection Kit")
    assert system.default_samplerate == 48_000
    assert find_device(devices, "SYSTEM", "output") == system
    with pytest.raises(AudioDeviceError, match=r"The speakers are: System default, 0: system"):
        find_device(devices, "Bose", "output")


def test_the_microphone_test_records_and_plays_back(jack: JackServer, tmp_path: Path) -> None:
    """A beep plays into the microphone while it records; JACK's recorder listens to the
    speaker while the recording plays back."""
    played_back = tmp_path / "speaker.wav"
    recorders: list[subprocess.Popen[bytes]] = []

    def on_phase(phase: str) -> None:
        client = jack.portaudio_client()
        if phase == "recording":
            jack.start_helper("jack_metro", "-n", "beeper", "-f", "880", "-b", "600", "-D", "90")
            assert wait_until(lambda: "beeper:600_bpm" in jack.ports(), timeout=5.0)
            jack.connect("beeper:600_bpm", f"{client}:in_0")
        else:
            recorders.append(jack.start_helper("jack_rec", "-f", str(played_back), "-d", "3",
                                               f"{client}:out_0"))

    result = mic_test(seconds=2.0, on_phase=on_phase)
    assert len(result.recording) == 2 * CLOCK_RATE
    assert spectrum_around(result.recording / 32768.0, 880.0)[0] == pytest.approx(880, abs=2)
    assert result.level_dbfs > -30
    assert recorders[0].wait(10) == 0
    with wave.open(str(played_back)) as wav:
        speaker = np.frombuffer(wav.readframes(wav.getnframes()), "<i2") / 32768.0
    played = speaker[: 2 * 48_000]  # the recording's two seconds, played at the device's rate
    # ±5 Hz: jack_rec's start is not aligned with the playback, so the window may cut beeps
    # (seen: 884 Hz on a loaded machine); a wrong rate anywhere would be off by 9% or more.
    assert spectrum_around(played, 880.0, rate=48_000)[0] == pytest.approx(880, abs=5)
