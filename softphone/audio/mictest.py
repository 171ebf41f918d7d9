"""The microphone test: record a few seconds, play them back.

It runs through the same pipeline a call uses (16 kHz, the same resampling and buffering), so
what a person hears back is what the far end would hear from them, not a studio-quality
recording that hides a problem.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from softphone.audio.clock import FrameClock
from softphone.audio.devices import DeviceChoice
from softphone.audio.levels import SILENCE_DBFS, dbfs
from softphone.audio.stream import AudioPipeline
from softphone.media.frames import CLOCK_RATE, FRAME_MS, FRAME_SAMPLES

PLAYBACK_TAIL = 0.3  # seconds of silence after the recording: what is still in the buffers


@dataclass(frozen=True)
class MicTestResult:
    recording: np.ndarray
    """What was recorded: int16, 16 kHz mono, as a call would send it."""
    peak_dbfs: float
    level_dbfs: float


def mic_test(
    input_device: DeviceChoice = None,
    output_device: DeviceChoice = None,
    seconds: float = 3.0,
    on_phase: Callable[[str], None] | None = None,
) -> MicTestResult:
    """Record `seconds` from the microphone, then play them on the speaker.

    `on_phase("recording")` and `on_phase("playing")` say when to speak and when to listen.
    Raises AudioDeviceError when a device cannot be opened.
    """
    tell = on_phase or (lambda phase: None)
    frames = math.ceil(seconds * 1000 / FRAME_MS)
    with AudioPipeline(input_device, output_device) as pipeline:
        tell("recording")
        recording = _run(pipeline, np.zeros(frames * FRAME_SAMPLES, np.int16))
        tell("playing")
        tail = np.zeros(round(PLAYBACK_TAIL * CLOCK_RATE), np.int16)
        _run(pipeline, np.concatenate([recording, tail]))
    samples = recording / 32768.0
    peak = float(np.abs(samples).max(initial=0.0))
    return MicTestResult(
        recording=recording,
        peak_dbfs=max(20 * math.log10(peak), SILENCE_DBFS) if peak else SILENCE_DBFS,
        level_dbfs=dbfs(samples),
    )


def _run(pipeline: AudioPipeline, playing: np.ndarray) -> np.ndarray:
    """Drive the pipeline as the engine would, frame by frame, for as long as `playing` lasts:
    play it, and return what the microphone heard meanwhile."""
    frames = len(playing) // FRAME_SAMPLES
    heard = np.zeros(frames * FRAME_SAMPLES, np.int16)
    counter = itertools.count()
    done = threading.Event()

    def tick() -> None:
        index = next(counter)
        if index >= frames:
            done.set()
            return
        part = slice(index * FRAME_SAMPLES, (index + 1) * FRAME_SAMPLES)
        pipeline.write_frame(memoryview(playing[part]).cast("B"))
        pipeline.read_frame(memoryview(heard[part]).cast("B"))

    clock = FrameClock(tick)
    clock.start()
    done.wait()
    clock.stop()
    return heard
