"""The engine's sound device: one AudioMediaPort that every call connects to.

pjsua2 runs on its null device here, so this port plays the role a sound card plays in a
normal pjsua build: what it produces is "the microphone", what it receives is "the speaker".
Front ends swap its source and sink (WAV files, the sounddevice pipeline) at any time.

Frames are copied through the `std::vector` memory directly: converting the SWIG ByteVector to
and from Python objects costs about 0.4 ms a frame, direct access a few microseconds.
"""

from __future__ import annotations

import ctypes

import pjsua2 as pj

from softphone.engine.guard import guarded
from softphone.engine.thread_state import ClockThreadState
from softphone.media.frames import (
    CLOCK_RATE,
    FRAME_BYTES,
    FRAME_MS,
    SILENT_FRAME,
    Discard,
    FrameSink,
    FrameSource,
    Silence,
)

_SILENCE = memoryview(SILENT_FRAME)
# Frame callbacks come on the bridge's clock thread; the engine starts and stops that clock.
CLOCK_THREAD = ClockThreadState()
_FRAME_ARRAY = ctypes.c_char * FRAME_BYTES
_AUDIO = pj.PJMEDIA_FRAME_TYPE_AUDIO  # a module global, not an attribute of the SWIG module


def _vector_memory(vector: pj.ByteVector) -> memoryview:
    """A writable view of a frame's worth of a std::vector<unsigned char>'s storage.

    The first member of a std::vector is the pointer to its data in libstdc++, libc++ and MSVC
    alike, so reading one pointer at the wrapped object's address finds the samples.
    """
    data = ctypes.c_void_p.from_address(int(vector.this)).value
    return memoryview(_FRAME_ARRAY.from_address(data)).cast("B")


def audio_format() -> pj.MediaFormatAudio:
    fmt = pj.MediaFormatAudio()
    fmt.init(pj.PJMEDIA_FORMAT_PCM, CLOCK_RATE, 1, FRAME_MS * 1000, 16)
    return fmt


class DevicePort(pj.AudioMediaPort):
    """Bridges 20 ms frames between the conference bridge and a FrameSource/FrameSink."""

    # The bridge removes a port asynchronously, so a frame callback can still arrive while
    # Python is tearing the instance down; these class-level fallbacks answer it with silence.
    source: FrameSource = Silence()
    sink: FrameSink = Discard()

    def __init__(self) -> None:
        super().__init__()
        self.source: FrameSource = Silence()
        self.sink: FrameSink = Discard()
        self.createPort("device", audio_format())

    def attach(self, source: FrameSource | None, sink: FrameSink | None) -> None:
        """Swap endpoints; a single attribute store each, so the media thread never sees half."""
        self.source = source or Silence()
        self.sink = sink or Discard()

    @guarded
    def onFrameRequested(self, frame: pj.MediaFrame) -> None:
        CLOCK_THREAD.hold()
        buf = frame.buf  # each read of the attribute makes a new SWIG proxy
        buf.resize(FRAME_BYTES)
        self.source.read_frame(_vector_memory(buf))
        frame.size = FRAME_BYTES
        frame.type = _AUDIO

    @guarded
    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        """The bridge passes an empty frame when nothing is connected (on hold, between
        calls): the sink still gets 20 ms of silence so its clock keeps running."""
        CLOCK_THREAD.hold()
        if frame.type == _AUDIO and frame.size == FRAME_BYTES:
            self.sink.write_frame(_vector_memory(frame.buf))
        else:
            self.sink.write_frame(_SILENCE)
