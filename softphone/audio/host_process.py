"""The PortAudio process: the only code that imports sounddevice, and what runs the device
callbacks.

It lives in a child process because PortAudio cannot be trusted to fail gently: when a JACK
server goes away, stopping or closing a stream waits for ten minutes (a lost wake-up in
pa_jack.c) and `Pa_Terminate` aborts the process; drivers hang or crash in ways no Python code
can catch. A child can simply be killed and replaced; the call in the parent goes on.

The child opens at most one set of streams in its life and leaves with `os._exit`, never
through PortAudio's clean-up, which is exactly the part that hangs or aborts; the operating
system and the sound server let go of a dead process's devices.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any, BinaryIO

import numpy as np

from softphone.audio.devices import AudioDevice, AudioDeviceError, find_device, scan
from softphone.audio.ring import SampleRing
from softphone.audio.shared import (
    Attached,
    DeviceList,
    DeviceOpened,
    ListDevices,
    OpenInput,
    OpenStreams,
    PlaySound,
    Refused,
    Request,
    SharedRings,
    StreamsOpened,
)

BLOCK_SECONDS = 0.010
"""Callback size: small enough to keep latency low, large enough for Python to keep up."""

Reply = StreamsOpened | DeviceOpened | DeviceList | Refused
Handler = Callable[[Any], Reply]


def main() -> None:
    """Entry point of the child: `python -m softphone.audio.host_process RINGS_NAME`.

    Requests arrive pickled on stdin, replies leave pickled on what was stdout; stdout itself
    then points at stderr, so nothing a library prints can corrupt the replies.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = os.fdopen(0, "rb")
    status = 0
    try:
        rings = SharedRings.attach(sys.argv[1])
        _send(replies, Attached())
        handle = _handler(rings)
        while True:
            _send(replies, handle(pickle.load(requests)))
    except (EOFError, OSError):
        pass  # the parent is gone or has let go of us
    except Exception:
        traceback.print_exc()  # a bug: say what on stderr; the parent sees us gone
        status = 1
    finally:
        os._exit(status)


def _send(replies: BinaryIO, reply: object) -> None:
    pickle.dump(reply, replies)
    replies.flush()


def _handler(rings: SharedRings) -> Handler:
    try:
        import sounddevice
    except OSError as error:  # sounddevice raises OSError when libportaudio is missing
        refusal = Refused(
            f"The sound library could not be loaded ({error}). "
            "On Debian or Ubuntu, install it with: apt install libportaudio2"
        )
        return lambda request: refusal
    return DeviceStreams(sounddevice, rings).handle


class DeviceStreams:
    """The streams of one child: for a call, a duplex stream when one device does both
    directions (one clock for mic and speaker), otherwise one stream each; or a single stream
    that plays a sound or records for a level meter."""

    def __init__(self, sounddevice: ModuleType, rings: SharedRings) -> None:
        self._sd = sounddevice
        self._rings = rings
        self._streams: list[Any] = []

    def handle(self, request: Request) -> Reply:
        if isinstance(request, ListDevices):
            return DeviceList(scan(self._sd))
        if self._streams:
            return Refused("This sound process already has its devices open.")
        try:
            if isinstance(request, PlaySound):
                return self._play_sound(request)
            if isinstance(request, OpenInput):
                return self._record(request)
            return self._open(request)
        except AudioDeviceError as error:
            return Refused(str(error))
        except self._sd.PortAudioError as error:
            return Refused(f"The sound device could not be started: {error}.")

    def _open(self, request: OpenStreams) -> StreamsOpened:
        devices = scan(self._sd)
        mic = find_device(devices, request.input, "input")
        speaker = find_device(devices, request.output, "output")
        if mic.index == speaker.index:
            self._streams = [self._stream(self._sd.Stream, mic, self._duplex)]
            latency = self._streams[0].latency
        else:
            self._streams = [
                self._stream(self._sd.InputStream, mic, self._capture),
                self._stream(self._sd.OutputStream, speaker, self._play),
            ]
            latency = (self._streams[0].latency, self._streams[1].latency)
        for stream in self._streams:
            stream.start()
        first, last = self._streams[0], self._streams[-1]
        return StreamsOpened(mic, speaker, first.samplerate, last.samplerate,
                             _believable(latency[0]), _believable(latency[1]), BLOCK_SECONDS)

    def _play_sound(self, request: PlaySound) -> DeviceOpened:
        speaker = find_device(scan(self._sd), request.output, "output")
        sound = SoundPlayer(request.sound.render(speaker.default_samplerate), request.loop,
                            self._rings.played)
        return self._start_one(self._sd.OutputStream, speaker, sound.fill)

    def _record(self, request: OpenInput) -> DeviceOpened:
        mic = find_device(scan(self._sd), request.input, "input")
        return self._start_one(self._sd.InputStream, mic, self._capture)

    def _start_one(self, kind: Any, device: AudioDevice,
                   callback: Callable[..., None]) -> DeviceOpened:
        self._streams = [self._stream(kind, device, callback)]
        self._streams[0].start()
        return DeviceOpened(device, self._streams[0].samplerate)

    def _stream(self, kind: Any, device: AudioDevice, callback: Callable[..., None]) -> Any:
        rate = device.default_samplerate
        return kind(device=device.index, samplerate=rate, blocksize=round(rate * BLOCK_SECONDS),
                    channels=1, dtype="float32", latency="low", callback=callback)

    # Callbacks: on PortAudio's thread. Copies between rings only: nothing allocated for the
    # samples, no locks, no logging.

    def _duplex(self, indata: np.ndarray, outdata: np.ndarray, *_: Any) -> None:
        now = time.perf_counter()
        self._rings.mic.write(indata[:, 0], now)
        self._rings.speaker.read_into(outdata[:, 0], now)
        self._rings.played.write(outdata[:, 0], now)

    def _capture(self, indata: np.ndarray, *_: Any) -> None:
        self._rings.mic.write(indata[:, 0], time.perf_counter())

    def _play(self, outdata: np.ndarray, *_: Any) -> None:
        now = time.perf_counter()
        self._rings.speaker.read_into(outdata[:, 0], now)
        self._rings.played.write(outdata[:, 0], now)


class SoundPlayer:
    """Feeds a rendered sound to an output callback, over and over or once then silence, and
    passes on what it played (`played`): its time stamps tell the parent the device is alive."""

    def __init__(self, samples: np.ndarray, loop: bool, played: SampleRing) -> None:
        self._samples = samples
        self._loop = loop and len(samples) > 0
        self._played = played
        self._position = 0

    def fill(self, outdata: np.ndarray, *_: Any) -> None:
        """On PortAudio's thread: copies only."""
        self._copy(outdata[:, 0])
        self._played.write(outdata[:, 0], time.perf_counter())

    def _copy(self, out: np.ndarray) -> None:
        filled = 0
        while filled < len(out):
            if self._position == len(self._samples):
                if not self._loop:
                    out[filled:] = 0.0
                    return
                self._position = 0
            count = min(len(out) - filled, len(self._samples) - self._position)
            out[filled : filled + count] = self._samples[self._position : self._position + count]
            filled += count
            self._position += count


def _believable(latency: float) -> float:
    """PortAudio's figure, unless it is nonsense: its JACK backend reports 89478 s for a client
    that publishes no latency. Unknown counts as nothing."""
    return latency if 0.0 <= latency < 1.0 else 0.0


if __name__ == "__main__":
    main()
