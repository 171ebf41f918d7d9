"""What the engine side and the PortAudio process share: three rings in shared memory, and
the messages on the pipe between them.

The memory is a plain mapping rather than `multiprocessing.shared_memory`: numpy views stay
valid for as long as anyone holds them and the mapping goes away with the last one, so the
engine thread may still be finishing a frame on a ring while the process behind it is being
replaced. On POSIX it is a file in /dev/shm (or the temp folder), unlinked as soon as the child
has mapped it, so nothing is left behind even if both processes are killed; on Windows, a named
mapping with no file.
"""

from __future__ import annotations

import mmap
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass

from softphone.audio.devices import AudioDevice, DeviceChoice
from softphone.audio.ring import SampleRing
from softphone.audio.tones import ToneSequence

RING_CAPACITY = 1 << 16  # 1.4 s at 48 kHz: a stall is survived, never a steady state
_RING_BYTES = SampleRing.nbytes(RING_CAPACITY)
SHARED_BYTES = 3 * _RING_BYTES


class SharedRings:
    """mic: device to engine. speaker: engine to device. played: what the device really
    played, written in the same callback as mic, so echo cancellation sees the two aligned."""

    def __init__(self, memory: mmap.mmap, name: str) -> None:
        self.name = name
        self.mic = SampleRing(memory, RING_CAPACITY, 0)
        self.speaker = SampleRing(memory, RING_CAPACITY, _RING_BYTES)
        self.played = SampleRing(memory, RING_CAPACITY, 2 * _RING_BYTES)

    @classmethod
    def create(cls) -> SharedRings:
        if sys.platform == "win32":
            name = f"softphone-audio-{secrets.token_hex(8)}"
            return cls(mmap.mmap(-1, SHARED_BYTES, tagname=name), name)
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
        fd, path = tempfile.mkstemp(prefix="softphone-audio-", dir=folder)
        try:
            os.ftruncate(fd, SHARED_BYTES)
            return cls(mmap.mmap(fd, SHARED_BYTES), path)
        finally:
            os.close(fd)

    @classmethod
    def attach(cls, name: str) -> SharedRings:
        if sys.platform == "win32":
            return cls(mmap.mmap(-1, SHARED_BYTES, tagname=name), name)
        fd = os.open(name, os.O_RDWR)
        try:
            return cls(mmap.mmap(fd, SHARED_BYTES), name)
        finally:
            os.close(fd)

    def forget_name(self) -> None:
        """Once both sides have it mapped, the name is no longer needed (POSIX)."""
        if sys.platform != "win32":
            os.unlink(self.name)


# Engine side -> PortAudio process ---------------------------------------------------------


@dataclass(frozen=True)
class OpenStreams:
    input: DeviceChoice
    output: DeviceChoice


@dataclass(frozen=True)
class ListDevices:
    pass


@dataclass(frozen=True)
class PlaySound:
    """Play `sound` on one device, on its own (no microphone): the ringtone, a test sound."""

    output: DeviceChoice
    sound: ToneSequence
    loop: bool


@dataclass(frozen=True)
class OpenInput:
    """Record from one device into the mic ring, on its own: the microphone's level meter."""

    input: DeviceChoice


Request = OpenStreams | ListDevices | PlaySound | OpenInput


# PortAudio process -> engine side ---------------------------------------------------------


@dataclass(frozen=True)
class Attached:
    """The child has mapped the rings (sent once, first)."""


@dataclass(frozen=True)
class StreamsOpened:
    input: AudioDevice
    output: AudioDevice
    input_rate: float
    output_rate: float
    input_latency: float
    """Seconds PortAudio reports between sound at the microphone and our callback."""
    output_latency: float
    block: float
    """Seconds per callback."""


@dataclass(frozen=True)
class DeviceOpened:
    """The one device of a PlaySound or OpenInput is running."""

    device: AudioDevice
    rate: float


@dataclass(frozen=True)
class DeviceList:
    devices: list[AudioDevice]


@dataclass(frozen=True)
class Refused:
    message: str
