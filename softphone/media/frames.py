"""The one audio format that crosses between the engine and everything that makes or hears sound.

The engine's conference bridge runs at 16 kHz mono in 20 ms frames; every source (WAV file,
microphone pipeline, test tone) and every sink (WAV recorder, speaker pipeline) speaks this
format so that the engine never resamples per endpoint and the audio package never learns SIP.
"""

from __future__ import annotations

from typing import Protocol

CLOCK_RATE = 16_000
FRAME_MS = 20
FRAME_SAMPLES = CLOCK_RATE * FRAME_MS // 1000
FRAME_BYTES = FRAME_SAMPLES * 2  # signed 16-bit little-endian


class FrameSource(Protocol):
    """Produces the audio sent into calls (what the microphone would say).

    `read_frame` runs on the engine's media clock thread every 20 ms: it must fill `out`
    (FRAME_BYTES of int16 little-endian) quickly, without blocking, locking for long or logging.
    """

    def read_frame(self, out: memoryview) -> None: ...


class FrameSink(Protocol):
    """Consumes the audio heard from calls (what the speaker would play).

    `write_frame` runs on the media clock thread with a view that is only valid during the
    call: copy what you keep.
    """

    def write_frame(self, frame: memoryview) -> None: ...


SILENT_FRAME = bytes(FRAME_BYTES)


class Silence:
    """The source used when nothing is attached: the far end hears silence, not a dead stream."""

    def read_frame(self, out: memoryview) -> None:
        out[:] = SILENT_FRAME


class Discard:
    """The sink used when nothing is attached."""

    def write_frame(self, frame: memoryview) -> None:
        return None
