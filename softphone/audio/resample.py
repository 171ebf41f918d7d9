"""Streaming sample-rate conversion between the device's rate and the engine's 16 kHz.

A windowed-sinc interpolator evaluated at arbitrary input positions, so one stage does both the
fixed rate change (48 kHz, 44.1 kHz, whatever the device gives) and the small, changing ratio
correction that drift compensation needs. Chosen over `soxr` by `bench/resample_bench.py`
(20 ms frames, 48 kHz <-> 16 kHz, on the 2-core test machine):

- soxr HQ costs 6 µs a frame but, streaming steady frames, holds back 36 ms (MQ 38 ms; LQ 20 ms
  and -13 dB at 7 kHz; QQ does not filter aliases at all), and python-soxr cannot change the
  ratio while streaming, so drift would need a second stage on top;
- this filter costs 30 to 50 µs a frame each way (well under 1 % of the frame) and holds back
  only its lookahead, 1.1 ms.

The kernel spans 16 zero crossings of the lower rate's sinc each side, Kaiser-windowed (beta
8.6), cut off at 92 % of the lower Nyquist: flat to 6 kHz, -2 dB at 7 kHz (the top of G.722's
band), aliases from 8.5 kHz up attenuated by 60 dB and more. Coefficients come from a table of
4096 phases per sample, nearest phase, so any ratio costs the same; the phase rounding is a
timing error of 1/8192 sample at most: about -70 dB at 7 kHz, far lower in the speech band.

State (the last input samples and the fractional read position) carries across calls, so
output in 20 ms pieces equals output in one piece: no clicks at frame boundaries.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ZERO_CROSSINGS = 16
CUTOFF = 0.92
KAISER_BETA = 8.6
PHASES = 4096


def _kernel_table(scale: float, taps: int) -> np.ndarray:
    """table[p, k]: the weight of tap k for an output p / PHASES past the tap's sample.

    `scale` is the cut-off as a fraction of the input Nyquist; time is in input samples.
    """
    half = taps // 2
    offsets = np.arange(PHASES + 1)[:, None] / PHASES + (half - 1 - np.arange(taps))[None, :]
    reach = ZERO_CROSSINGS / scale
    inside = np.clip(1.0 - (offsets / reach) ** 2, 0.0, None)
    window = np.i0(KAISER_BETA * np.sqrt(inside)) / np.i0(KAISER_BETA) * (inside > 0)
    return (scale * np.sinc(scale * offsets) * window).astype(np.float32)


class Resampler:
    """Converts a stream from `rate_in` to `rate_out`, with the ratio adjustable per call.

    `step` is how many input samples one output advances: `nominal_step` exactly, or a little
    more or less to absorb clock drift. Output sample j of a call is the input interpolated at
    `position + j * step`.
    """

    def __init__(self, rate_in: float, rate_out: float, max_input: int = 8192) -> None:
        self.rate_in = rate_in
        self.rate_out = rate_out
        self.nominal_step = rate_in / rate_out
        scale = CUTOFF * min(1.0, rate_out / rate_in)
        self._half = math.ceil(ZERO_CROSSINGS / scale)
        self._taps = 2 * self._half
        self._table = _kernel_table(scale, self._taps)
        # Input not yet behind every future output, preceded by silence as history.
        self._buffer = np.zeros(max_input + self._taps, np.float32)
        self._windows = sliding_window_view(self._buffer, self._taps)  # row i: taps from i
        self._filled = self._half - 1
        self._position = float(self._half - 1)

    @property
    def lookahead(self) -> float:
        """Seconds of input that must arrive after a sample before it can be output."""
        return self._half / self.rate_in

    def input_needed(self, outputs: int, step: float) -> int:
        """How many more input samples `outputs` outputs at `step` require."""
        last = self._position + (outputs - 1) * step
        return max(0, math.floor(last) + self._half + 1 - self._filled)

    def process(
        self, samples: np.ndarray, step: float, max_outputs: int | None = None
    ) -> np.ndarray:
        """Take `samples` in and return every output they complete (at most `max_outputs`)."""
        end = self._filled + len(samples)
        if end > len(self._buffer):
            raise ValueError(f"{len(samples)} samples at once is more than this resampler holds")
        self._buffer[self._filled : end] = samples
        self._filled = end
        ready = max(0, math.ceil((end - self._half - self._position) / step))
        count = ready if max_outputs is None else min(ready, max_outputs)
        output = self._interpolate(count, step)
        self._advance(count * step)
        return output

    def _interpolate(self, count: int, step: float) -> np.ndarray:
        positions = self._position + step * np.arange(count)
        whole = np.floor(positions)
        phase = np.rint((positions - whole) * PHASES).astype(np.intp)
        weights = np.take(self._table, phase, axis=0)
        windows = self._windows[whole.astype(np.intp) - (self._half - 1)]
        return np.einsum("ij,ij->i", windows, weights)

    def _advance(self, distance: float) -> None:
        """Move the read position on and drop input that no future output reaches."""
        self._position += distance
        keep_from = max(0, math.floor(self._position) - (self._half - 1))
        kept = self._filled - keep_from
        self._buffer[:kept] = self._buffer[keep_from : self._filled]
        self._filled = kept
        self._position -= keep_from
