"""Driving a pipeline as pjsua's media clock does, for the JACK tests and measurements: one
thread, every 20 ms on its own clock, writes the call's audio and reads the microphone."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from softphone.audio import AudioPipeline
from softphone.audio.clock import FrameClock
from softphone.media.frames import CLOCK_RATE, FRAME_BYTES, FRAME_SAMPLES

Signal = Callable[[np.ndarray], np.ndarray]  # sample numbers -> int16 samples

CLICK_LOUDNESS = 1000  # int16: where a click starts


def tone(hz: float, amplitude: float = 0.3) -> Signal:
    return lambda n: np.round(amplitude * 32767 * np.sin(2 * np.pi * hz * n / CLOCK_RATE))


def clicks(every: float = 0.5) -> Signal:
    """A 2 ms burst of 2 kHz every `every` seconds: sharp enough to time to the sample."""
    burst = np.hanning(32) * np.sin(2 * np.pi * 2000 * np.arange(32) / CLOCK_RATE) * 16000
    period = round(every * CLOCK_RATE)

    def make(n: np.ndarray) -> np.ndarray:
        into = n % period
        return np.where(into < len(burst), burst[np.minimum(into, len(burst) - 1)], 0.0)

    return make


class Engine:
    """Writes `signal` to the pipeline and reads the microphone, every 20 ms, and times itself:
    `cpu` holds the thread CPU seconds each frame's write and read took."""

    def __init__(self, pipeline: AudioPipeline, signal: Signal) -> None:
        self._pipeline = pipeline
        self._signal = signal
        self._clock = FrameClock(self._tick)
        self._count = 0
        self._stall = 0.0
        self.sent: list[np.ndarray] = []
        self.heard: list[tuple[float, np.ndarray]] = []
        self.cpu: list[float] = []
        self.errors: list[BaseException] = []

    def __enter__(self) -> Engine:
        self._clock.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._clock.stop()

    def stall(self, seconds: float) -> None:
        """Hold the next tick up, as a busy machine holds pjmedia's clock thread; the ticks
        after it come quickly until the clock has caught up."""
        self._stall = seconds

    def _tick(self) -> None:
        if self._stall:
            time.sleep(self._stall)
            self._stall = 0.0
        try:
            numbers = np.arange(self._count * FRAME_SAMPLES, (self._count + 1) * FRAME_SAMPLES)
            self._count += 1
            frame = self._signal(numbers).astype("<i2")
            out = bytearray(FRAME_BYTES)
            started = time.thread_time()
            self._pipeline.write_frame(memoryview(frame.tobytes()))
            self._pipeline.read_frame(memoryview(out))
            self.cpu.append(time.thread_time() - started)
            self.sent.append(frame)
            self.heard.append((time.perf_counter(), np.frombuffer(out, "<i2").copy()))
        except BaseException as error:  # the engine thread would die: the test must see it
            self.errors.append(error)
            raise

    def heard_since(self, moment: float) -> np.ndarray:
        frames = [frame for at, frame in self.heard if at >= moment]
        return np.concatenate(frames) / 32768.0 if frames else np.zeros(0)

    @property
    def seconds_sent(self) -> float:
        """The engine's clock: seconds of audio written so far."""
        return self._count * FRAME_SAMPLES / CLOCK_RATE

    def click_delays(self, after: float = 2.0, before: float = float("inf")) -> np.ndarray:
        """Seconds from each click written to its return (the speaker looped to the mic), for
        the clicks written between `after` and `before` seconds on the engine's clock (by
        default leaving out the first two), and never the last ones that may not be back."""
        sent = np.concatenate(self.sent)
        heard = np.concatenate([frame for _, frame in self.heard])
        last = min(before * CLOCK_RATE, len(sent) - CLOCK_RATE // 2)
        starts = [s for s in _onsets(sent) if after * CLOCK_RATE <= s < last]
        return np.array([_first_loud(heard[start:]) for start in starts]) / CLOCK_RATE


def _onsets(samples: np.ndarray) -> list[int]:
    """Where each click starts: a loud sample after at least 0.1 s of quiet."""
    loud = np.flatnonzero(np.abs(samples) > CLICK_LOUDNESS)
    gaps = np.diff(loud, prepend=-CLOCK_RATE)
    return [int(i) for i in loud[gaps > CLOCK_RATE // 10]]


def _first_loud(samples: np.ndarray) -> int:
    return int(np.flatnonzero(np.abs(samples) > CLICK_LOUDNESS)[0])
