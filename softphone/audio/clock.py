"""A 20 ms tick on its own thread, for driving a pipeline the way the engine's media clock does
when there is no engine (the microphone test, the tests and benchmarks)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from softphone.media.frames import FRAME_MS


class FrameClock:
    """Calls `tick()` every `period` seconds on an absolute schedule, so that a late tick is
    followed by quick ones and the average rate stays exact, as pjmedia's clock does."""

    def __init__(self, tick: Callable[[], None], period: float = FRAME_MS / 1000) -> None:
        self._tick = tick
        self._period = period
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="frame-clock", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()

    def _run(self) -> None:
        due = time.perf_counter()
        while not self._stopping.is_set():
            self._tick()
            due += self._period
            self._stopping.wait(max(due - time.perf_counter(), 0.0))
