"""The engine side's handle on a PortAudio process (see host_process.py for why there is one).

The child is `python -m softphone.audio.host_process`, not a multiprocessing "spawn": spawn
re-runs the parent's main script in the child, which for the `softphone` command means
importing the whole app and pjsua2 (50 MB instead of 32) and, for a script without an
`if __name__ == "__main__"` guard, starting itself again. Messages are pickled over the child's
stdin and stdout; a reader thread turns replies into a queue, so waiting for one can time out
on every platform (Windows cannot poll pipes).

Starting one costs 0.2 to 0.3 s (a fresh interpreter importing numpy and sounddevice): done when
a pipeline starts or recovers and when devices are listed, never per frame. A frozen build
(PyInstaller) has no `python -m`: `helper_command` gives its executable's way to run the child.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

import softphone
from softphone.audio.devices import AudioDevice, AudioDeviceError, DeviceChoice
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
from softphone.audio.tones import ToneSequence
from softphone.helper_processes import helper_command

CHILD_COMMAND = helper_command("softphone.audio.host_process")
START_TIMEOUT = 10.0  # a loaded machine importing numpy for the first time
REPLY_TIMEOUT = 10.0  # opening a Bluetooth headset can take seconds
STOP_TIMEOUT = 2.0
START_GRACE = 3.0  # a device may take this long to deliver its first block (Bluetooth)
STALL_LIMIT = 1.0  # no callback for this long: the device is gone
_GONE = object()  # what the reader queues when the child's stdout closes


class AudioHost:
    """One PortAudio child process with the rings it shares with us."""

    def __init__(self) -> None:
        self.rings = SharedRings.create()
        try:
            self._process = subprocess.Popen(
                [*CHILD_COMMAND, self.rings.name],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_child_environment(),
            )
            self._replies: queue.Queue[Any] = queue.Queue()
            threading.Thread(target=self._read_replies, name="audio-host-replies",
                             daemon=True).start()
            if not isinstance(self._receive(START_TIMEOUT), Attached):
                raise AudioDeviceError("The sound system did not start properly.")
        except BaseException:
            self.stop()
            raise
        finally:
            self.rings.forget_name()

    def open(self, input_device: DeviceChoice, output_device: DeviceChoice) -> StreamsOpened:
        """Open and start the streams; AudioDeviceError says why not."""
        opened: StreamsOpened = self._request(OpenStreams(input_device, output_device))
        return opened

    def play(self, output_device: DeviceChoice, sound: ToneSequence, loop: bool) -> DeviceOpened:
        """Play `sound` on the device until the process stops (once, then silence, unless
        `loop`); AudioDeviceError says why not."""
        opened: DeviceOpened = self._request(PlaySound(output_device, sound, loop))
        return opened

    def open_input(self, input_device: DeviceChoice) -> DeviceOpened:
        """Record from the device into `rings.mic`, with no speaker; AudioDeviceError says
        why not."""
        opened: DeviceOpened = self._request(OpenInput(input_device))
        return opened

    def list_devices(self) -> list[AudioDevice]:
        listing: DeviceList = self._request(ListDevices())
        return listing.devices

    def alive(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        """End the process: by closing its stdin, then by force if it is stuck in a driver."""
        process = getattr(self, "_process", None)
        if process is None:
            return
        try:
            process.stdin.close()  # type: ignore[union-attr]
            process.wait(STOP_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait(STOP_TIMEOUT)
        process.stdout.close()  # type: ignore[union-attr]

    def _request(self, request: Request) -> Any:
        try:
            pickle.dump(request, self._process.stdin)
            self._process.stdin.flush()  # type: ignore[union-attr]
        except OSError:
            raise AudioDeviceError("The sound system stopped unexpectedly.") from None
        reply = self._receive(REPLY_TIMEOUT)
        if isinstance(reply, Refused):
            raise AudioDeviceError(reply.message)
        return reply

    def _receive(self, timeout: float) -> Any:
        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            raise AudioDeviceError(
                f"The sound system did not answer within {timeout:.0f} s."
            ) from None
        if reply is _GONE:
            raise AudioDeviceError("The sound system stopped unexpectedly.")
        return reply

    def _read_replies(self) -> None:
        try:
            while True:
                self._replies.put(pickle.load(self._process.stdout))  # type: ignore[arg-type]
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            self._replies.put(_GONE)


def stalled(last_callback: float, opened: float, now: float) -> bool:
    """Whether a stream opened at `opened` (perf_counter) has gone quiet: a process can stay
    alive with its device gone (a JACK server that vanishes simply stops calling back), so
    the callbacks' time stamps in the rings are what tell."""
    return now - max(last_callback, opened + START_GRACE - STALL_LIMIT) > STALL_LIMIT


def _child_environment() -> dict[str, str]:
    """Ours, with this package importable even when it was found through sys.path tricks."""
    root = str(Path(softphone.__file__).resolve().parent.parent)
    paths = [root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def list_devices() -> list[AudioDevice]:
    """Every microphone and speaker the system has now (a fresh look each call)."""
    host = AudioHost()
    try:
        return host.list_devices()
    finally:
        host.stop()
