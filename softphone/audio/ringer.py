"""Ringing: a sound played over and over on one device until it is stopped.

Whoever starts and stops a ring is usually the GUI thread, which must not wait for a PortAudio
process to start (0.2 to 0.5 s) nor for a driver that hangs while letting go. So each ring has
a thread of its own that opens the device, holds the process for as long as the ring lasts and
stops it; `start` and `stop` only hand over to it and return at once.

A device that cannot be opened, or that stops working mid-ring, is reported in a sentence
through `on_problem`, and the ring moves to the system default: a call must be heard even when
the headset it was meant to ring in has been unplugged.

`on_level` hears how loud what the device really played was (its own output, as its callback
passed it on), so the settings' meter shows the test sound reaching the device, not merely
being sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from softphone.audio.devices import AudioDevice, AudioDeviceError, DeviceChoice, is_system_default
from softphone.audio.host import STOP_TIMEOUT, AudioHost, stalled
from softphone.audio.levels import SILENCE_DBFS, dbfs
from softphone.audio.meter import METER_HZ
from softphone.audio.ring import SampleRing
from softphone.audio.tones import RINGTONE, ToneSequence

WATCH_INTERVAL = 1.0 / METER_HZ  # how often a ring checks its process and measures its level
RETRY_DELAY = 2.0  # between attempts to open the system default when nothing would open

Report = Callable[[str], None]
Level = Callable[[float], None]


class Ringer:
    """Plays a sound in a loop on one device at a time; starting again replaces the ring."""

    def __init__(self, on_problem: Report | None = None,
                 host_factory: Callable[[], AudioHost] = AudioHost,
                 on_level: Level | None = None) -> None:
        self._on_problem = on_problem or (lambda message: None)
        self._on_level = on_level
        self._host_factory = host_factory
        self._lock = threading.Lock()
        self._ring: _Ring | None = None

    def start(self, device: DeviceChoice, sound: ToneSequence = RINGTONE,
              seconds: float | None = None, fall_back: bool = True) -> None:
        """Ring on `device` (None or "System default": the system's) until `stop`, or for
        `seconds` from when the device opens. Without `fall_back`, a device that cannot be
        opened is only reported (a test of that very device must not sound somewhere else)."""
        ring = _Ring(device, sound, seconds, fall_back, self._on_problem, self._on_level,
                     self._host_factory)
        with self._lock:
            previous, self._ring = self._ring, ring
            ring.start()
        if previous is not None:
            previous.cancel()

    def stop(self) -> None:
        """End the ring, if there is one; returns at once (the process stops behind it)."""
        with self._lock:
            ring = self._ring
        if ring is not None:
            ring.cancel()

    def close(self) -> None:
        """Stop, and wait (boundedly) for the process to be gone: for shutting down."""
        self.stop()
        self.wait(2 * STOP_TIMEOUT + 1.0)

    def wait(self, timeout: float) -> bool:
        """Wait until the ring started last has ended (stopped, or its time was up) and let go
        of its device; False if it still goes on after `timeout` seconds."""
        with self._lock:
            ring = self._ring
        if ring is not None:
            ring.join(timeout)
        return ring is None or not ring.is_alive()

    @property
    def playing_on(self) -> AudioDevice | None:
        """The device the ring sounds on: None while it opens and once it has ended."""
        ring = self._ring
        return ring.playing_on if ring is not None else None


class _Ring(threading.Thread):
    def __init__(self, device: DeviceChoice, sound: ToneSequence, seconds: float | None,
                 fall_back: bool, on_problem: Report, on_level: Level | None,
                 host_factory: Callable[[], AudioHost]) -> None:
        super().__init__(name="ringer", daemon=True)
        self._device = device
        self._sound = sound
        self._seconds = seconds
        self._deadline = None if seconds is None else time.monotonic() + seconds
        self._sounded = False  # the time limit counts from the first sound, once it comes
        self._fall_back = fall_back
        self._on_problem = on_problem
        self._on_level = on_level
        self._host_factory = host_factory
        self._cancelled = threading.Event()
        self.playing_on: AudioDevice | None = None

    def cancel(self) -> None:
        self._cancelled.set()

    def run(self) -> None:
        """Open the device and ring; on failure, keep trying the system default."""
        choice = self._device
        missing: AudioDeviceError | None = None  # why the device asked for would not open
        retrying = False  # the system default would not open either: said once, tried again
        while not self._over():
            try:
                host, device = self._open(choice)
            except AudioDeviceError as error:
                if not self._fall_back:
                    self._on_problem(str(error))
                    return
                if not is_system_default(choice):
                    missing, choice = error, None
                    continue
                if not retrying:
                    self._on_problem(f"The ringtone cannot play: {error}")
                retrying = True
                if self._wait(RETRY_DELAY):
                    return
                continue
            if missing is not None:
                self._on_problem(f"{missing} The ringtone plays on the system default "
                                 f"({device.name}) instead.")
            missing, retrying = None, False
            if not self._hold(host, device):
                return
            self._on_problem(self._lost(device))
            if not self._fall_back or self._wait(RETRY_DELAY):
                return
            choice = None

    def _open(self, choice: DeviceChoice) -> tuple[AudioHost, AudioDevice]:
        host = self._host_factory()
        try:
            return host, host.play(choice, self._sound, loop=True).device
        except BaseException:
            host.stop()
            raise

    def _hold(self, host: AudioHost, device: AudioDevice) -> bool:
        """Ring until cancelled or the time is up (False), or until the device is lost (True)."""
        if self._seconds is not None and not self._sounded:
            self._deadline = time.monotonic() + self._seconds
        self._sounded = True
        self.playing_on = device
        played, opened = host.rings.played, time.perf_counter()
        samples = np.zeros(played.capacity, np.float32) if self._on_level else None
        try:
            while not self._wait(WATCH_INTERVAL):
                self._measure(played, samples)
                if not host.alive() or stalled(played.last_write_time, opened,
                                               time.perf_counter()):
                    return True
            return False
        finally:
            self.playing_on = None
            host.stop()
            if self._on_level is not None:
                self._on_level(SILENCE_DBFS)  # silent again

    def _measure(self, played: SampleRing, samples: np.ndarray | None) -> None:
        """What the device played since last time: its level when someone listens, else only
        its time stamps matter (the ring is emptied so they keep coming)."""
        if samples is None or self._on_level is None:
            played.skip(played.available())
            return
        count = played.read_into(samples[: played.available()], time.perf_counter())
        if count:
            self._on_level(dbfs(samples[:count]))

    def _wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, less if the deadline comes first; True once it is over."""
        if self._deadline is not None:
            seconds = min(seconds, max(self._deadline - time.monotonic(), 0.0))
        self._cancelled.wait(seconds)
        return self._over()

    def _over(self) -> bool:
        return self._cancelled.is_set() or (
            self._deadline is not None and time.monotonic() >= self._deadline
        )

    def _lost(self, device: AudioDevice) -> str:
        lost = f"The sound device stopped working ({device.name})."
        if not self._fall_back:
            return lost
        return f"{lost} The ringtone moves to the system default."
