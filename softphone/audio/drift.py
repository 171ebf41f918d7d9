"""Clock drift compensation between a sound card and the engine's 20 ms clock.

A sound card's crystal and the engine's timer never agree exactly: cheap USB headsets are off by
up to 1000 ppm, 3.6 s an hour. Left alone, the ring between them fills up (delay grows) or
runs dry (gaps). Here, as in PulseAudio's and zita-ajbridge's adaptive resamplers, the fill
level is the measurement: a PI controller watches it, smoothed, and nudges the resampling ratio
so the level holds its target. The correction is a continuous ratio change inside the windowed-
sinc resampler, never a dropped or repeated sample, so it makes no click; at 1000 ppm it shifts
pitch by 0.1 %, far below what anyone hears.

The level is read "as of now": the device delivers (or takes) 10 ms blocks, so a plain sample
count jumps by a block at every callback and, sampled every 20 ms against a drifting clock,
beats slowly enough to fool the controller. Adding the time since the device's last callback
(stamped in the ring) gives the level of a continuous stream instead.

Targets follow from the sizes involved, plus a margin for scheduling jitter that grows by 5 ms
after any underrun (up to 60 ms), as adaptive jitter buffers do:

- capture (mic ring, read every 20 ms): a frame, plus a device block that may not have arrived
  yet, plus the margin, measured just before reading;
- playback (speaker ring, written every 20 ms): the margin alone, measured just before writing,
  when the ring is at its lowest.

Stalls are not drift. When the engine thread is held up, pjmedia's clock catches up with quick
ticks afterwards: a capture level spike drains by itself, so capture only skips audio when the
smoothed level stays far too high. A playback backlog does not drain: the device played silence
while the engine was held up, or took nothing while it was held up itself, and either way the
ring is left holding that much audio more than its target. Chasing it at 0.5 % takes seconds
per 10 ms (a 40 ms stall left a call 33 ms later for eight seconds), so playback cuts it at
once, in the frame being written, next to the gap the user already heard. Just before a write,
when the ring is at its lowest, an on-time engine and device keep the level within a few ms of
its target and a late tick only lowers it: half a frame above is a backlog, never jitter.
After a long pause in reading or writing (no call) both start afresh, as at the start, and it
counts as no underrun.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from softphone.audio.resample import Resampler
from softphone.audio.ring import SampleRing

PERIOD = 0.020
"""The engine's frame: how often read and write are called, in seconds."""

SMOOTHING = 0.5  # seconds: averages out callback jitter without lagging the loop
PROPORTIONAL_GAIN = 1.0  # per second: 1 ms of excess level asks for 1000 ppm
INTEGRAL_GAIN = 0.25  # per second squared: with the gain above, critically damped, about 8 s
MAX_CORRECTION = 0.005  # 0.5 %: catches up after a stall, still not a pitch anyone hears
MAX_DRIFT = 0.003  # 3000 ppm: beyond any real clock; stops the integral winding up

MARGIN_STEP = 0.005
MAX_MARGIN = 0.060
EXCESS_LIMIT = 0.080  # smoothed capture level this far above target: a backlog, skip it
BACKLOG_LIMIT = PERIOD / 2  # playback level this far above target before a write: cut it
PAUSE = 0.5  # no frames for this long: the engine paused (no call), not a glitch


class DriftController:
    """PI control of a buffer level (in seconds) through a relative rate correction.

    A positive correction means "consume faster" (capture) or "produce less" (playback):
    either way, the level comes down.
    """

    def __init__(self, target: float, period: float = PERIOD) -> None:
        self.target = target
        self.correction = 0.0
        self._period = period
        self._weight = period / SMOOTHING
        self.smoothed = target
        self._drift = 0.0

    @property
    def drift(self) -> float:
        """The integral term: the clock ratio the loop has learned, 1e-6 = 1 ppm."""
        return self._drift

    def reset(self, level: float) -> None:
        """Start smoothing afresh after the level jumped (priming, a skip), keeping the drift."""
        self.smoothed = level

    def update(self, level: float) -> float:
        self.smoothed += self._weight * (level - self.smoothed)
        error = self.smoothed - self.target
        self._drift = _clamp(self._drift + INTEGRAL_GAIN * error * self._period, MAX_DRIFT)
        self.correction = _clamp(PROPORTIONAL_GAIN * error + self._drift, MAX_CORRECTION)
        return self.correction


def _clamp(value: float, limit: float) -> float:
    return max(-limit, min(limit, value))


class _Elastic(ABC):
    """What both directions share: a ring, a device clock, a margin and the counters."""

    def __init__(self, ring: SampleRing, device_rate: float, device_block: float,
                 margin: float, period: float) -> None:
        self._ring = ring
        self._device_rate = device_rate
        self._device_block = device_block
        self._period = period
        self.margin = margin
        self.controller = DriftController(self._target(), period)
        self.underruns = 0
        self.resyncs = 0
        self._last_frame = 0.0

    @abstractmethod
    def _target(self) -> float:
        """The level the controller holds, from the sizes involved and the margin."""

    def _since_device(self, stamp: float, now: float) -> float:
        """Seconds of the device's current block, clipped to two blocks so that a stalled
        device is not imagined to keep going."""
        return min(max(now - stamp, 0.0), 2 * self._device_block) if stamp else 0.0

    def _paused(self, now: float) -> bool:
        """Whether the engine had stopped calling (and note that it calls now)."""
        paused = now - self._last_frame > PAUSE
        self._last_frame = now
        return paused

    def _widen_margin(self) -> None:
        self.margin = min(self.margin + MARGIN_STEP, MAX_MARGIN)
        self.controller.target = self._target()


class ElasticCapture(_Elastic):
    """Fixed engine-rate frames out of a ring that a device fills on its own clock."""

    def __init__(self, ring: SampleRing, device_rate: float, device_block: float,
                 margin: float, rate: float = 16_000, period: float = PERIOD) -> None:
        self._resampler = Resampler(device_rate, rate)
        super().__init__(ring, device_rate, device_block, margin, period)
        self._scratch = np.zeros(ring.capacity, np.float32)
        self._primed = False

    def _target(self) -> float:
        return self._period + self._device_block + self.margin

    def level(self, now: float) -> float:
        """Seconds of captured audio not yet read, counting the block the device is filling."""
        ring = self._ring
        return ring.available() / self._device_rate + self._since_device(ring.last_write_time, now)

    def latency(self) -> float:
        """Mean age of a frame's samples when handed over, not counting the device's own: the
        resampler's next output sits its lookahead behind the oldest sample in the ring."""
        return self.controller.target + self._resampler.lookahead - self._period / 2

    def read(self, out: np.ndarray, now: float) -> bool:
        """Fill `out` with the next frame; False (and silence) while there is none to give."""
        if self._paused(now):
            self._primed = False
        level = self.level(now)
        if not self._primed:
            if not self._prime(level):
                out[:] = 0.0
                return False
            level = self.controller.target
        elif self.controller.smoothed > self.controller.target + EXCESS_LIMIT:
            self.resyncs += 1
            level = self._skip_to(self.controller.target, level)
        step = self._resampler.nominal_step * (1.0 + self.controller.update(level))
        needed = self._resampler.input_needed(len(out), step)
        if self._ring.available() < needed:
            self._underrun()
            out[:] = 0.0
            return False
        inputs = self._scratch[:needed]
        self._ring.read_into(inputs, now)
        out[:] = self._resampler.process(inputs, step, len(out))
        return True

    def _prime(self, level: float) -> bool:
        """Start once the target is there, plus the resampler's lookahead to fill; what piled
        up beyond it (before reading began) is dropped."""
        start = self.controller.target + self._resampler.lookahead
        if self._ring.available() / self._device_rate < start:
            return False
        self._primed = True
        self._skip_to(start, level)
        return True

    def _skip_to(self, wanted: float, level: float) -> float:
        self._ring.skip(max(round((level - wanted) * self._device_rate), 0))
        self.controller.reset(self.controller.target)
        return self.controller.target

    def _underrun(self) -> None:
        """Wait for a full target's worth again, with more margin than before."""
        self.underruns += 1
        self._primed = False
        self._widen_margin()


class ElasticPlayback(_Elastic):
    """Fixed engine-rate frames into a ring that a device empties on its own clock."""

    def __init__(self, ring: SampleRing, device_rate: float, device_block: float,
                 margin: float, rate: float = 16_000, period: float = PERIOD) -> None:
        self._resampler = Resampler(rate, device_rate)
        super().__init__(ring, device_rate, device_block, margin, period)
        self._starved_seen = ring.starved
        longest_gap = MAX_MARGIN + self._resampler.lookahead + 2 * device_block
        self._silence = np.zeros(round(longest_gap * device_rate) + 1, np.float32)

    def _target(self) -> float:
        return self.margin

    def level(self, now: float) -> float:
        """Seconds of audio queued for the device, less what it has played of its block:
        negative when the device is already short."""
        ring = self._ring
        return ring.available() / self._device_rate - self._since_device(ring.last_read_time, now)

    def latency(self) -> float:
        """Mean time a sample waits in the ring before the device takes it."""
        return self.controller.target + self._period / 2 + self._resampler.lookahead

    def write(self, frame: np.ndarray, now: float) -> None:
        if self._paused(now):
            self._starved_seen = self._ring.starved  # silence between calls is no underrun
        self._notice_starvation()
        level = self.level(now)
        if self._ring.available() == 0:
            level = self._pad_to_target(level, now)
        backlog = self._backlog(level)
        if backlog:
            level = self.controller.target
        step = self._resampler.nominal_step * (1.0 + self.controller.update(level))
        self._ring.write(self._resampler.process(frame, step)[backlog:], now)

    def _backlog(self, level: float) -> int:
        """Device samples to leave out of this frame so the level is back at its target (all
        of the frame, and more from the next, after a long stall); 0 within the limit. The
        resampler still takes the whole frame, so its own output stays continuous."""
        excess = level - self.controller.target
        if excess <= max(BACKLOG_LIMIT, self._device_block):
            return 0
        self.resyncs += 1
        self.controller.reset(self.controller.target)
        return round(excess * self._device_rate)

    def _notice_starvation(self) -> None:
        starved = self._ring.starved
        if starved > self._starved_seen:
            self.underruns += starved - self._starved_seen
            self._starved_seen = starved
            self._widen_margin()

    def _pad_to_target(self, level: float, now: float) -> float:
        """An empty ring (start, or after the device starved): queue silence so the device has
        the margin's worth before this frame, and the controller starts from there. The
        resampler holds back its lookahead from the first frame: that is silence too."""
        wanted = self.controller.target + self._resampler.lookahead
        gap = round((wanted - level) * self._device_rate)
        self._ring.write(self._silence[:gap], now)
        self.controller.reset(self.controller.target)
        return self.controller.target
