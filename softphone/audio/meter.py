"""The microphone's level with no call: what the settings show while a person tests their
microphone. A PortAudio process records from the one device into the mic ring (no speaker is
opened, so nothing can feed back), and a thread reads what arrived a few times a second and
reports its loudness.

Like the ringer, everything that waits (starting the process, opening the device, stopping it)
happens on that thread: `start` and `stop` return at once, so the GUI thread may call them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from softphone.audio.devices import AudioDevice, AudioDeviceError, DeviceChoice
from softphone.audio.host import AudioHost, stalled
from softphone.audio.levels import dbfs

METER_HZ = 20.0  # a meter that moves smoothly to the eye

Report = Callable[[str], None]


class InputMeter:
    """Reports the microphone's RMS level in dBFS through `on_level`, `hz` times a second,
    from `start` until `stop`; a device that cannot be opened or stops working is reported
    through `on_problem` in a sentence, and ends the metering."""

    def __init__(self, device: DeviceChoice, on_level: Callable[[float], None],
                 on_problem: Report, hz: float = METER_HZ,
                 host_factory: Callable[[], AudioHost] = AudioHost) -> None:
        self._device = device
        self._on_level = on_level
        self._on_problem = on_problem
        self._interval = 1.0 / hz
        self._host_factory = host_factory
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="input-meter", daemon=True)
        self.device: AudioDevice | None = None
        """The microphone being measured, once it is open."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            host = self._host_factory()
            try:
                self.device = host.open_input(self._device).device
            except BaseException:
                host.stop()
                raise
        except AudioDeviceError as error:
            self._on_problem(str(error))
            return
        try:
            self._measure(host, self.device)
        finally:
            host.stop()

    def _measure(self, host: AudioHost, device: AudioDevice) -> None:
        ring = host.rings.mic
        samples = np.zeros(ring.capacity, np.float32)
        opened = time.perf_counter()
        while not self._stopped.wait(self._interval):
            if not host.alive() or stalled(ring.last_write_time, opened, time.perf_counter()):
                self._on_problem(f"The microphone stopped working ({device.name}).")
                return
            count = ring.read_into(samples[: ring.available()], time.perf_counter())
            if count:
                self._on_level(dbfs(samples[:count]))
