"""A single-producer/single-consumer ring of float32 samples for the PortAudio callback.

The callback must never wait for the engine thread, so there is no lock: the producer owns the
write counter, the consumer owns the read counter, and each only reads the other's. Counters
count samples since the start and never wrap (int64 lasts millions of years at 192 kHz), so
`write - read` is the fill level with no full/empty ambiguity; the position in the array is the
counter modulo the capacity, a power of two.

The ring lives in any buffer (a private one, or shared memory that the PortAudio process writes
into and the engine side reads). A counter is published after the samples it covers, with one
aligned 8-byte store: x86-64 keeps stores in order and such a store is never torn; on weakly
ordered CPUs (ARM) the interpreter work between the two stores is what keeps them ordered in
practice, not a fence.

Each side also stamps the time of its last transfer (`time.perf_counter`, one clock for every
process on Linux, macOS and Windows) so the other side can tell where the device's clock is
between its 10 ms blocks (see drift.py) and whether the device has stopped.
"""

from __future__ import annotations

import mmap

import numpy as np

Buffer = bytearray | memoryview | mmap.mmap

_WRITTEN, _READ, _DROPPED, _STARVED = range(4)
_COUNTERS = 4
_WRITE_TIME, _READ_TIME = range(2)
_TIMES = 2
_HEADER_BYTES = 8 * (_COUNTERS + _TIMES)


class SampleRing:
    """float32 samples passed from one producer thread or process to one consumer."""

    def __init__(self, buffer: Buffer, capacity: int, offset: int = 0) -> None:
        """View `SampleRing.nbytes(capacity)` bytes of `buffer` at `offset` as a ring.

        The memory is used as it is (shared memory arrives zeroed, which is an empty ring).
        """
        if capacity <= 0 or capacity & (capacity - 1):
            raise ValueError(f"capacity must be a power of two, not {capacity}")
        self.capacity = capacity
        self._mask = capacity - 1
        self._counters = np.frombuffer(buffer, np.int64, _COUNTERS, offset)
        self._times = np.frombuffer(buffer, np.float64, _TIMES, offset + 8 * _COUNTERS)
        self._samples = np.frombuffer(buffer, np.float32, capacity, offset + _HEADER_BYTES)

    @staticmethod
    def nbytes(capacity: int) -> int:
        return _HEADER_BYTES + 4 * capacity

    @classmethod
    def allocate(cls, capacity: int) -> SampleRing:
        """A ring in private memory (tests, and anything not crossing processes)."""
        return cls(bytearray(cls.nbytes(capacity)), capacity)

    # Either side -------------------------------------------------------------------------

    def available(self) -> int:
        """Samples written and not yet read."""
        return int(self._counters[_WRITTEN] - self._counters[_READ])

    @property
    def written(self) -> int:
        """Samples ever written: zero until the producer has started."""
        return int(self._counters[_WRITTEN])

    @property
    def dropped(self) -> int:
        """Samples the producer could not fit (the consumer fell behind)."""
        return int(self._counters[_DROPPED])

    @property
    def starved(self) -> int:
        """Times the consumer asked for more than there was, after the producer had started."""
        return int(self._counters[_STARVED])

    @property
    def last_write_time(self) -> float:
        return float(self._times[_WRITE_TIME])

    @property
    def last_read_time(self) -> float:
        return float(self._times[_READ_TIME])

    # Producer side ------------------------------------------------------------------------

    def write(self, samples: np.ndarray, now: float) -> int:
        """Append what fits of `samples` and return how many; the rest is counted as dropped."""
        written = int(self._counters[_WRITTEN])
        count = min(len(samples), self.capacity - (written - int(self._counters[_READ])))
        self._copy_in(written & self._mask, samples[:count])
        self._counters[_WRITTEN] = written + count
        self._times[_WRITE_TIME] = now
        if count < len(samples):
            self._counters[_DROPPED] += len(samples) - count
        return count

    def _copy_in(self, start: int, samples: np.ndarray) -> None:
        first = min(len(samples), self.capacity - start)
        self._samples[start : start + first] = samples[:first]
        self._samples[: len(samples) - first] = samples[first:]

    # Consumer side ------------------------------------------------------------------------

    def read_into(self, out: np.ndarray, now: float) -> int:
        """Fill `out` with the oldest samples and return how many there were.

        A shortfall is filled with silence, and counted once the producer has started: a device
        callback always needs a full block, and it must not wait.
        """
        read = int(self._counters[_READ])
        count = min(len(out), int(self._counters[_WRITTEN]) - read)
        self._copy_out(read & self._mask, out[:count])
        self._counters[_READ] = read + count
        self._times[_READ_TIME] = now
        if count < len(out):
            out[count:] = 0.0
            if self._counters[_WRITTEN]:
                self._counters[_STARVED] += 1
        return count

    def _copy_out(self, start: int, out: np.ndarray) -> None:
        first = min(len(out), self.capacity - start)
        out[:first] = self._samples[start : start + first]
        out[first:] = self._samples[: len(out) - first]

    def skip(self, count: int) -> None:
        """Discard up to `count` of the oldest samples (resynchronising after a stall)."""
        self._counters[_READ] += min(count, self.available())
