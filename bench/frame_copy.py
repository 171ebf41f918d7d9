"""The audio frame copy path on its own: direct vector memory vs SWIG conversions.

Every 20 ms the engine's port copies one 640-byte frame out of a pjsua2 ByteVector (what the
call sends us) and one into another (what we send). Going through SWIG's sequence protocol costs
a Python call per byte; `port._vector_memory` copies through the vector's storage instead. This
times both ways on a real `pj.ByteVector` and `pj.MediaFrame`, which need no endpoint.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from types import SimpleNamespace

import pjsua2 as pj

from softphone.engine.port import DevicePort, _vector_memory
from softphone.media.frames import FRAME_BYTES

REPEATS = 5
FAST_CALLS = 20_000
SLOW_CALLS = 200  # bytes(vector) takes ~0.4 ms a call


class Loop:
    """Source and sink at once: plays one fixed frame and keeps a copy of what it hears,
    as any real sink must (the view it is given is only borrowed)."""

    def __init__(self) -> None:
        self.frame = bytes(range(256)) * 2 + bytes(FRAME_BYTES - 512)
        self.heard = bytearray(FRAME_BYTES)

    def read_frame(self, out: memoryview) -> None:
        out[:] = self.frame

    def write_frame(self, frame: memoryview) -> None:
        self.heard[:] = frame


def per_call_us(fn: Callable[[], object], number: int) -> float:
    """Best of REPEATS rounds of `number` calls, in µs per call (the least disturbed round)."""
    rounds = timeit.Timer(fn).repeat(repeat=REPEATS, number=number)
    return min(rounds) / number * 1e6


def stand_in_port(loop: Loop, media_frame: pj.MediaFrame) -> SimpleNamespace:
    """What DevicePort's frame callbacks use of their port, since a real one needs a running
    endpoint. The callbacks swallow exceptions (they are guarded), so one round trip checks
    that they really ran: the frame we sent must be the frame we heard."""
    port = SimpleNamespace(source=loop, sink=loop)
    DevicePort.onFrameRequested(port, media_frame)
    DevicePort.onFrameReceived(port, media_frame)
    if loop.heard != loop.frame:
        raise RuntimeError("DevicePort's frame callbacks did not run on the stand-in port")
    return port


def measure(scale: float = 1.0) -> dict[str, float]:
    """µs per 640-byte frame each way, direct and through SWIG, and the speed-ups.

    `port_*` time DevicePort's whole frame callbacks on a real MediaFrame (all but the C++ to
    Python hop). `scale` shrinks the call counts for a quick run.
    """
    vector = pj.ByteVector()
    vector.resize(FRAME_BYTES)
    loop, media_frame = Loop(), pj.MediaFrame()
    port = stand_in_port(loop, media_frame)
    fast, slow = max(1, int(FAST_CALLS * scale)), max(1, int(SLOW_CALLS * scale))

    def read_direct() -> None:
        loop.write_frame(_vector_memory(vector))

    def write_direct() -> None:
        loop.read_frame(_vector_memory(vector))

    figures = {
        "read_direct_us": per_call_us(read_direct, fast),
        "read_swig_us": per_call_us(lambda: bytes(vector), slow),
        "write_direct_us": per_call_us(write_direct, fast),
        "write_swig_us": per_call_us(lambda: pj.ByteVector(loop.frame), fast // 10),
        "port_requested_us": per_call_us(
            lambda: DevicePort.onFrameRequested(port, media_frame), fast
        ),
        "port_received_us": per_call_us(
            lambda: DevicePort.onFrameReceived(port, media_frame), fast
        ),
    }
    figures["read_speedup"] = figures["read_swig_us"] / figures["read_direct_us"]
    figures["write_speedup"] = figures["write_swig_us"] / figures["write_direct_us"]
    return figures
