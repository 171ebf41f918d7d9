"""The pipeline's engine side: frames, mute, meters, the processing hook and device loss, with
a stand-in for the PortAudio process whose device callback the test runs by hand."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

import softphone.audio.host as audio_host
import softphone.audio.stream as stream
from softphone.audio.devices import AudioDevice, AudioDeviceError, DeviceChoice
from softphone.audio.levels import SILENCE_DBFS
from softphone.audio.shared import SHARED_BYTES, SharedRings, StreamsOpened
from softphone.audio.stream import AudioPipeline, PipelineStats
from softphone.media.frames import FRAME_BYTES, FRAME_SAMPLES

RATE = 48_000
BLOCK = 480
HEADSET = AudioDevice(3, "USB headset", "ALSA", 1, 2, RATE, True, True)


class FakeHost:
    """The PortAudio process, minus the process: rings in private memory, and `callback` doing
    what the duplex stream's callback does. With `loopback`, the microphone hears exactly what
    the speaker plays in the same callback."""

    def __init__(self, loopback: bool = False, refuse: str | None = None) -> None:
        self.rings = SharedRings(bytearray(SHARED_BYTES), "fake")
        self.loopback = loopback
        self.refuse = refuse
        self.running = True
        self.opened_with: tuple[DeviceChoice, DeviceChoice] | None = None
        self._sample = 0

    def open(self, input_device: DeviceChoice, output_device: DeviceChoice) -> StreamsOpened:
        if self.refuse:
            raise AudioDeviceError(self.refuse)
        self.opened_with = (input_device, output_device)
        return StreamsOpened(HEADSET, HEADSET, RATE, RATE, 0.005, 0.008, BLOCK / RATE)

    def alive(self) -> bool:
        return self.running

    def stop(self) -> None:
        self.running = False

    def callback(self, mic_tone_hz: float = 1000.0) -> np.ndarray:
        now = time.perf_counter()
        played = np.zeros(BLOCK, np.float32)
        self.rings.speaker.read_into(played, now)
        numbers = np.arange(self._sample, self._sample + BLOCK)
        self._sample += BLOCK
        mic = played if self.loopback else tone(mic_tone_hz, numbers / RATE, 0.25)
        self.rings.mic.write(mic, now)
        self.rings.played.write(played, now)
        return played


def tone(hz: float, seconds: np.ndarray, amplitude: float) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * hz * seconds)).astype(np.float32)


def speaker_frame(index: int, hz: float = 700.0, amplitude: float = 0.5) -> memoryview:
    seconds = np.arange(index * FRAME_SAMPLES, (index + 1) * FRAME_SAMPLES) / 16_000
    pcm = np.round(tone(hz, seconds, amplitude) * 32767).astype("<i2")
    return memoryview(pcm.tobytes())


class Exchange:
    """Runs frames the way the engine and a device would, interleaved: two 10 ms callbacks,
    then one 20 ms write and read."""

    def __init__(self, pipeline: AudioPipeline, host: FakeHost) -> None:
        self.pipeline = pipeline
        self.host = host
        self.heard: list[np.ndarray] = []
        self.played: list[np.ndarray] = []
        self._frames = 0

    def run(self, frames: int, speaker_hz: float = 700.0) -> np.ndarray:
        """Returns what the engine heard in these frames (float, full scale 1)."""
        out = bytearray(FRAME_BYTES)
        start = len(self.heard)
        for _ in range(frames):
            self.played += [self.host.callback(), self.host.callback()]
            self.pipeline.write_frame(speaker_frame(self._frames, speaker_hz))
            self.pipeline.read_frame(memoryview(out))
            self.heard.append(np.frombuffer(out, "<i2") / 32768.0)
            self._frames += 1
        return np.concatenate(self.heard[start:])


def peak_hz(samples: np.ndarray, rate: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


@pytest.fixture
def fast_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The supervisor looks and retries every few ms instead of every 100 ms to 5 s."""
    monkeypatch.setattr(stream, "WATCH_INTERVAL", 0.01)
    monkeypatch.setattr(stream, "RETRY_DELAYS", (0.01,))


class Reports:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.recoveries: list[str] = []
        self._changed = threading.Condition()

    def problem(self, message: str) -> None:
        with self._changed:
            self.problems.append(message)
            self._changed.notify_all()

    def recovered(self, message: str) -> None:
        with self._changed:
            self.recoveries.append(message)
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[], bool]) -> None:
        with self._changed:
            assert self._changed.wait_for(condition, timeout=5.0)


@pytest.fixture
def reports() -> Reports:
    return Reports()


def pipeline_with(hosts: Iterator[FakeHost], reports: Reports) -> AudioPipeline:
    return AudioPipeline("headset", "headset", on_problem=reports.problem,
                         on_recovered=reports.recovered, host_factory=lambda: next(hosts))


@pytest.fixture
def host() -> FakeHost:
    return FakeHost()


@pytest.fixture
def pipeline(host: FakeHost, reports: Reports) -> Iterator[AudioPipeline]:
    with pipeline_with(iter([host]), reports) as started:
        yield started


def test_the_engine_hears_the_microphone(pipeline: AudioPipeline, host: FakeHost) -> None:
    heard = Exchange(pipeline, host).run(100)[-16_000:]
    assert peak_hz(heard, 16_000) == pytest.approx(1000.0, abs=2.0)
    assert np.abs(heard).max() == pytest.approx(0.25, abs=0.005)
    assert pipeline.levels()[0] == pytest.approx(-15.05, abs=0.1)  # a 0.25 sine, RMS
    assert host.opened_with == ("headset", "headset")


def test_the_speaker_plays_what_the_engine_writes(pipeline: AudioPipeline, host: FakeHost) -> None:
    exchange = Exchange(pipeline, host)
    exchange.run(100)
    played = np.concatenate(exchange.played)[-RATE:]
    assert peak_hz(played, RATE) == pytest.approx(700.0, abs=2.0)
    assert np.abs(played).max() == pytest.approx(0.5, abs=0.005)
    assert pipeline.levels()[1] == pytest.approx(-9.03, abs=0.1)


def test_mute_sends_silence_while_the_meter_still_shows_the_voice(
    pipeline: AudioPipeline, host: FakeHost
) -> None:
    exchange = Exchange(pipeline, host)
    exchange.run(20)
    pipeline.muted = True
    assert not exchange.run(10).any()
    assert pipeline.levels()[0] == pytest.approx(-15.05, abs=0.1)
    pipeline.muted = False
    assert np.abs(exchange.run(10)).max() == pytest.approx(0.25, abs=0.005)


class Recorder:
    """A processor that keeps what it was given and halves the microphone."""

    def __init__(self) -> None:
        self.blocks: list[tuple[np.ndarray, np.ndarray]] = []

    def process(self, mic: np.ndarray, speaker_reference: np.ndarray) -> np.ndarray:
        self.blocks.append((mic.copy(), speaker_reference.copy()))
        return mic * 0.5


def test_the_processor_gets_10ms_blocks_with_the_played_speaker_aligned(reports: Reports) -> None:
    """The device hears exactly what it plays: the reference must then equal the microphone,
    sample for sample, whatever the buffering on the way."""
    host = FakeHost(loopback=True)
    recorder = Recorder()
    with pipeline_with(iter([host]), reports) as pipeline:
        pipeline.set_processor(recorder)
        heard = Exchange(pipeline, host).run(100)
    assert all(mic.shape == ref.shape == (160,) for mic, ref in recorder.blocks)
    assert all(mic.dtype == ref.dtype == np.float32 for mic, ref in recorder.blocks)
    assert len(recorder.blocks) == 200
    mics = np.concatenate([mic for mic, _ in recorder.blocks])
    refs = np.concatenate([ref for _, ref in recorder.blocks])
    assert np.abs(refs[-16_000:]).max() == pytest.approx(0.5, abs=0.005)
    np.testing.assert_array_equal(mics, refs)
    assert np.abs(heard[-16_000:]).max() == pytest.approx(0.25, abs=0.005)  # halved


def test_a_failing_processor_is_switched_off_and_reported(
    pipeline: AudioPipeline, host: FakeHost, reports: Reports
) -> None:
    class Broken:
        def process(self, mic: np.ndarray, speaker_reference: np.ndarray) -> np.ndarray:
            raise RuntimeError("filter diverged")

    exchange = Exchange(pipeline, host)
    exchange.run(10)
    pipeline.set_processor(Broken())
    assert np.abs(exchange.run(10)[-FRAME_SAMPLES:]).max() == pytest.approx(0.25, abs=0.005)
    reports.wait_for(lambda: bool(reports.problems))
    assert reports.problems == [
        "Audio processing stopped working and was switched off (filter diverged)."
    ]


def test_a_lost_device_means_silence_a_report_and_then_the_system_default(
    reports: Reports, fast_watch: None
) -> None:
    first, second = FakeHost(), FakeHost()
    with pipeline_with(iter([first, second]), reports) as pipeline:
        assert Exchange(pipeline, first).run(10).any()
        first.running = False  # the child died
        reports.wait_for(lambda: bool(reports.problems))
        silent = Exchange(pipeline, first).run(5)
        assert not silent.any()
        assert pipeline.levels()[0] == SILENCE_DBFS
        reports.wait_for(lambda: bool(reports.recoveries))
        assert np.abs(Exchange(pipeline, second).run(20)[-FRAME_SAMPLES:]).max() > 0.2
    assert reports.problems == [
        "The sound device stopped working (USB headset). The call goes on in silence while "
        "Softphone switches to the system default device."
    ]
    assert reports.recoveries == ["Sound is working again, on USB headset."]
    assert second.opened_with == (None, None)
    assert not first.running and not second.running  # both processes ended


def test_a_device_whose_callbacks_stop_is_lost(
    reports: Reports, fast_watch: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audio_host, "START_GRACE", 0.2)
    monkeypatch.setattr(audio_host, "STALL_LIMIT", 0.1)
    first, second = FakeHost(), FakeHost()
    with pipeline_with(iter([first, second]), reports):
        reports.wait_for(lambda: bool(reports.problems))  # no callback ever came
    assert "stopped working" in reports.problems[0]
    assert not first.running


def test_while_no_device_opens_it_says_so_once_and_keeps_trying(
    reports: Reports, fast_watch: None
) -> None:
    missing = "No microphone was found on this computer."
    hosts = [FakeHost()] + [FakeHost(refuse=missing) for _ in range(3)] + [FakeHost()]
    with pipeline_with(iter(hosts), reports):
        hosts[0].running = False
        reports.wait_for(lambda: bool(reports.recoveries))
    assert reports.problems[1:] == [
        "No microphone was found on this computer. Softphone keeps trying to open a sound device."
    ]
    assert not any(h.running for h in hosts)


def test_start_refuses_a_device_it_cannot_open(reports: Reports) -> None:
    host = FakeHost(refuse="No microphone matches 'headset'.")
    pipeline = pipeline_with(iter([host]), reports)
    with pytest.raises(AudioDeviceError, match="No microphone matches 'headset'"):
        pipeline.start()
    assert not host.running


def test_frames_are_silence_before_start_and_after_close(host: FakeHost, reports: Reports) -> None:
    pipeline = pipeline_with(iter([host]), reports)
    out = bytearray(b"\x01" * FRAME_BYTES)
    pipeline.read_frame(memoryview(out))
    assert out == bytes(FRAME_BYTES)
    pipeline.start()
    Exchange(pipeline, host).run(10)
    pipeline.close()
    out[:] = b"\x01" * FRAME_BYTES
    pipeline.read_frame(memoryview(out))
    assert out == bytes(FRAME_BYTES)
    assert pipeline.stats() == PipelineStats()


def test_stats_give_one_way_latencies_including_the_devices(
    pipeline: AudioPipeline, host: FakeHost
) -> None:
    Exchange(pipeline, host).run(50)
    stats = pipeline.stats()
    assert stats.microphone == stats.speaker == HEADSET
    # 20 ms frame + 10 ms block + 10 ms margin - 10 ms (half a frame) + 1.1 ms resampler + 5 ms
    assert stats.mic_latency == pytest.approx(0.0361, abs=0.0005)
    # 10 ms margin + 10 ms (half a frame) + 1.1 ms resampler + 8 ms device
    assert stats.speaker_latency == pytest.approx(0.0291, abs=0.0005)
    assert stats.mic_underruns == stats.speaker_underruns == stats.resyncs == 0
