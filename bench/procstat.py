"""CPU time and peak memory of another process, sampled while it runs.

A process's figures vanish once it exits, and we want them as of the end of the call rather
than after shutdown anyway, so a thread samples every 100 ms and callers pick the samples around
the moments they care about (connected, hang-up).

CPU time is read from the process's CPU-time clock (clock_getcpuclockid(3)): utime + stime of
all its threads, exited ones included, like /proc/PID/stat, but in nanoseconds rather than 10 ms
ticks, which a 1 %-CPU process would need hundreds of seconds to fill meaningfully.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Self

INTERVAL = 0.1
MAX_SAMPLES = 36_000  # an hour at INTERVAL: the loop is bounded even if stop() is never called
CPUCLOCK_SCHED = 2  # the kernel's encoding of clock_getcpuclockid(pid) is (~pid << 3) | 2


@dataclass(frozen=True)
class Sample:
    """One reading: when (perf_counter), CPU seconds used so far, peak RSS so far (kB)."""

    at: float
    cpu_seconds: float
    peak_rss_kb: int


def process_cpu_clock(pid: int) -> int:
    """What clock_getcpuclockid(pid) returns on Linux; Python's time module lacks the call."""
    return (~pid << 3) | CPUCLOCK_SCHED


def read_sample(pid: int) -> Sample | None:
    """CPU seconds of all threads so far and VmHWM; None once the process is gone."""
    try:
        cpu_seconds = time.clock_gettime(process_cpu_clock(pid))
        with open(f"/proc/{pid}/status") as status_file:
            status = status_file.read()
    except OSError:  # EINVAL from the clock, ENOENT from /proc: it has exited
        return None
    peak = next((line.split()[1] for line in status.splitlines()
                 if line.startswith("VmHWM:")), None)
    if peak is None:  # a zombie: its memory is already gone
        return None
    return Sample(time.perf_counter(), cpu_seconds, int(peak))


class ProcSampler:
    """Samples one process every INTERVAL on a thread of its own until stopped or it exits."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sample-{pid}", daemon=True)

    def _run(self) -> None:
        for _ in range(MAX_SAMPLES):
            sample = read_sample(self.pid)
            if sample is None:
                return
            self.samples.append(sample)
            if self._stop.wait(INTERVAL):
                return

    def last_before(self, moment: float) -> Sample:
        """The latest sample taken at or before `moment`."""
        earlier = [sample for sample in self.samples if sample.at <= moment]
        if not earlier:
            raise RuntimeError(f"no sample of process {self.pid} before that moment")
        return earlier[-1]

    def first_after(self, moment: float) -> Sample:
        """The earliest sample taken at or after `moment`."""
        later = [sample for sample in self.samples if sample.at >= moment]
        if not later:
            raise RuntimeError(f"no sample of process {self.pid} after that moment")
        return later[0]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(2 * INTERVAL + 1)


def cpu_percent(start: Sample, end: Sample) -> float:
    """CPU used between two samples, as a percentage of one core over that wall time."""
    return 100 * (end.cpu_seconds - start.cpu_seconds) / (end.at - start.at)
