"""The microphone and speaker as the engine's FrameSource and FrameSink.

Three threads touch a pipeline, each with its own job:

- PortAudio's callback thread, in the child process (host_process.py), copies 10 ms blocks
  between the device and the shared rings at the device's rate, and nothing else;
- the engine's media clock thread calls `read_frame` / `write_frame` every 20 ms: resampling
  with drift compensation (drift.py), the processing hook, mute and level meters all run here,
  once per frame, in one place;
- a supervisor thread watches the device, and when it is lost (the child died, or its callbacks
  stopped) hands the engine silence, says so through `on_problem`, and keeps trying the system
  default until a device opens. Reports are delivered from this thread only, so the media
  thread never waits for whoever listens.

Echo cancellation plugs in with `set_processor`. The processor is called on 10 ms frames
(160 samples at 16 kHz, float32 in [-1, 1]), the size WebRTC's APM requires, twice per engine
frame: `process(mic, speaker_reference) -> processed mic`. `speaker_reference` is what the
device really played (silence included when the speaker ran dry), captured in the same device
callback as the microphone and converted to 16 kHz identically, so the echo sits at a constant
lag behind it: the device's own output-to-input path. The arrays are only valid during the call.
"""

from __future__ import annotations

import collections
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from softphone.audio.devices import AudioDevice, AudioDeviceError, DeviceChoice
from softphone.audio.drift import ElasticCapture, ElasticPlayback
from softphone.audio.host import AudioHost, stalled
from softphone.audio.levels import SILENCE_DBFS, dbfs
from softphone.audio.shared import SharedRings, StreamsOpened
from softphone.media.frames import CLOCK_RATE, FRAME_SAMPLES, SILENT_FRAME

PROCESSOR_SAMPLES = CLOCK_RATE // 100  # 10 ms
DEFAULT_MARGIN = 0.010  # seconds of scheduling jitter absorbed before anything underruns

WATCH_INTERVAL = 0.1
RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0)  # between attempts to reopen; the last one repeats

Report = Callable[[str], None]


class Processor(Protocol):
    def process(self, mic: np.ndarray, speaker_reference: np.ndarray) -> np.ndarray: ...


class PassThrough:
    """The processor used until another is set: the microphone as captured."""

    def process(self, mic: np.ndarray, speaker_reference: np.ndarray) -> np.ndarray:
        return mic


class DeviceHost(Protocol):
    """What the pipeline needs of a PortAudio process (AudioHost; a fake one in tests)."""

    rings: SharedRings

    def open(self, input_device: DeviceChoice, output_device: DeviceChoice) -> StreamsOpened: ...

    def alive(self) -> bool: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class PipelineStats:
    """How the pipeline is doing, for diagnostics and tests. Latencies are one-way, in
    seconds: mic is sound at the microphone to the frame handed to the engine, speaker is the
    frame from the engine to sound at the speaker, each including what PortAudio reports for
    the device. Drift is how much faster the device's clock runs than the engine's."""

    microphone: AudioDevice | None = None
    speaker: AudioDevice | None = None
    mic_latency: float = 0.0
    speaker_latency: float = 0.0
    mic_underruns: int = 0
    speaker_underruns: int = 0
    resyncs: int = 0
    mic_drift_ppm: float = 0.0
    speaker_drift_ppm: float = 0.0


class _Session:
    """One open set of streams, seen from the engine side."""

    def __init__(self, host: DeviceHost, opened: StreamsOpened, margin: float) -> None:
        rings = host.rings
        self.host = host
        self.opened = opened
        self.started = time.perf_counter()
        self.capture = ElasticCapture(rings.mic, opened.input_rate, opened.block, margin)
        self.reference = ElasticCapture(rings.played, opened.output_rate, opened.block, margin)
        self.playback = ElasticPlayback(rings.speaker, opened.output_rate, opened.block, margin)

    def devices(self) -> str:
        mic, speaker = self.opened.input, self.opened.output
        return mic.name if mic.index == speaker.index else f"{mic.name} and {speaker.name}"

    def stalled(self, now: float) -> bool:
        rings = self.host.rings
        heartbeats = (rings.mic.last_write_time, rings.speaker.last_read_time)
        return any(stalled(beat, self.started, now) for beat in heartbeats)

    def stats(self) -> PipelineStats:
        return PipelineStats(
            microphone=self.opened.input,
            speaker=self.opened.output,
            mic_latency=self.opened.input_latency + self.capture.latency(),
            speaker_latency=self.opened.output_latency + self.playback.latency(),
            mic_underruns=self.capture.underruns,
            speaker_underruns=self.playback.underruns,
            resyncs=self.capture.resyncs + self.playback.resyncs,
            mic_drift_ppm=self.capture.controller.drift * 1e6,
            speaker_drift_ppm=-self.playback.controller.drift * 1e6,
        )


class AudioPipeline:
    """A microphone and a speaker behind the engine's FrameSource / FrameSink interface.

    `start()` opens the chosen devices (None or "System default" follows the system), raising
    AudioDeviceError with the choices when they cannot be found or opened. After that, nothing
    the devices do raises into the engine: a lost device means silence, a report through
    `on_problem`, and a switch to the system default as soon as one opens (`on_recovered`).
    Opening takes about 0.4 s (a PortAudio process starts, then the device): do it off the
    engine's thread.

    `margin` is how late (in seconds) the engine's or the device's clock may tick before a
    buffer runs dry; it grows by itself after an underrun (see drift.py).
    """

    def __init__(
        self,
        input_device: DeviceChoice = None,
        output_device: DeviceChoice = None,
        *,
        on_problem: Report | None = None,
        on_recovered: Report | None = None,
        margin: float = DEFAULT_MARGIN,
        host_factory: Callable[[], DeviceHost] = AudioHost,
    ) -> None:
        self._choices = (input_device, output_device)
        self._on_problem = on_problem or _ignore
        self._on_recovered = on_recovered or _ignore
        self._margin = margin
        self._host_factory = host_factory
        self._session: _Session | None = None
        self._processor: Processor = PassThrough()
        self.muted = False
        self._levels = (SILENCE_DBFS, SILENCE_DBFS)
        self._reports: collections.deque[str] = collections.deque()
        self._closing = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, name="audio-supervisor",
                                            daemon=True)
        self._mic = np.zeros(FRAME_SAMPLES, np.float32)
        self._reference = np.zeros(FRAME_SAMPLES, np.float32)
        self._processed = np.zeros(FRAME_SAMPLES, np.float32)
        self._speaker = np.zeros(FRAME_SAMPLES, np.float32)

    # Life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        self._session = self._open(*self._choices)
        self._supervisor.start()

    def close(self) -> None:
        """Stop watching, let go of the devices; frames are silence from here on."""
        self._closing.set()
        if self._supervisor.is_alive() and threading.current_thread() is not self._supervisor:
            self._supervisor.join()  # (a report handler may close us from the supervisor)
        session, self._session = self._session, None
        if session:
            session.host.stop()

    def __enter__(self) -> AudioPipeline:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # Settings and readings (any thread) --------------------------------------------------

    def set_processor(self, processor: Processor | None) -> None:
        """Process the microphone from the next frame on; None goes back to pass-through."""
        self._processor = processor or PassThrough()

    def levels(self) -> tuple[float, float]:
        """(microphone, speaker) in dBFS over the last frame. The microphone is read as
        captured, before processing and mute, so a muted person still sees they are heard."""
        return self._levels

    def stats(self) -> PipelineStats:
        session = self._session
        return session.stats() if session else PipelineStats()

    # The engine's frame thread -----------------------------------------------------------

    def read_frame(self, out: memoryview) -> None:
        session = self._session
        if session is None:
            self._levels = (SILENCE_DBFS, self._levels[1])
            out[:] = SILENT_FRAME
            return
        now = time.perf_counter()
        session.capture.read(self._mic, now)  # silence while it fills up
        session.reference.read(self._reference, now)
        self._levels = (dbfs(self._mic), self._levels[1])
        processed = self._process()  # even when muted: echo cancellers must keep adapting
        if self.muted:
            out[:] = SILENT_FRAME
            return
        pcm = np.frombuffer(out, "<i2")
        np.copyto(pcm, np.clip(np.rint(processed * 32768.0), -32768, 32767), casting="unsafe")

    def write_frame(self, frame: memoryview) -> None:
        np.multiply(np.frombuffer(frame, "<i2"), 1 / 32768, out=self._speaker)
        self._levels = (self._levels[0], dbfs(self._speaker))
        session = self._session
        if session is not None:
            session.playback.write(self._speaker, time.perf_counter())

    def _process(self) -> np.ndarray:
        processor = self._processor
        try:
            for start in range(0, FRAME_SAMPLES, PROCESSOR_SAMPLES):
                part = slice(start, start + PROCESSOR_SAMPLES)
                self._processed[part] = processor.process(self._mic[part], self._reference[part])
        except Exception as error:  # a failing processor must not silence the call
            self._processor = PassThrough()
            self._reports.append(
                f"Audio processing stopped working and was switched off ({error})."
            )
            return self._mic
        return self._processed

    # The supervisor thread ---------------------------------------------------------------

    def _open(self, input_device: DeviceChoice, output_device: DeviceChoice) -> _Session:
        host = self._host_factory()
        try:
            return _Session(host, host.open(input_device, output_device), self._margin)
        except BaseException:
            host.stop()
            raise

    def _supervise(self) -> None:
        while not self._closing.wait(WATCH_INTERVAL):
            self._deliver_reports()
            session = self._session
            if session and (not session.host.alive() or session.stalled(time.perf_counter())):
                self._lose(session)
                self._reopen()

    def _deliver_reports(self) -> None:
        while self._reports:
            self._on_problem(self._reports.popleft())

    def _lose(self, session: _Session) -> None:
        self._session = None
        self._on_problem(
            f"The sound device stopped working ({session.devices()}). The call goes on in "
            "silence while Softphone switches to the system default device."
        )
        session.host.stop()

    def _reopen(self) -> None:
        """Try the system default until it opens or the pipeline closes."""
        for attempt in itertools.count():
            delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
            if self._closing.wait(delay):
                return
            self._deliver_reports()
            try:
                session = self._open(None, None)
            except AudioDeviceError as error:
                if attempt == 0:
                    self._on_problem(f"{error} Softphone keeps trying to open a sound device.")
                continue
            self._session = session
            self._on_recovered(f"Sound is working again, on {session.devices()}.")
            return


def _ignore(message: str) -> None:
    return None
