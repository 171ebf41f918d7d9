"""The framing every echo-control stage shares: 10 ms blocks at 16 kHz, seen two blocks at a time.

A spectrum of the last two blocks is what overlap-save filtering needs (the newest block plus
the history a 10 ms filter partition reaches back into), and it is long enough for a 50 Hz
resolution in the suppressor without waiting for future samples.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16_000
BLOCK = 160  # 10 ms
FFT_SIZE = 2 * BLOCK
BINS = FFT_SIZE // 2 + 1
TINY = 1e-10  # keeps ratios finite in digital silence


class TwoBlockSpectrum:
    """Keeps the last two blocks of one signal and gives their (optionally windowed) spectrum."""

    def __init__(self, window: np.ndarray | None = None) -> None:
        self._samples = np.zeros(FFT_SIZE, np.float32)
        self._window = window

    def push(self, block: np.ndarray) -> np.ndarray:
        self._samples[:BLOCK] = self._samples[BLOCK:]
        self._samples[BLOCK:] = block
        framed = self._samples if self._window is None else self._samples * self._window
        return np.fft.rfft(framed)


class SpectrumHistory:
    """The last `depth` two-block spectra of a signal, newest first, with their conjugates and
    powers worked out once per block instead of once per use.

    Stored twice over in a ring, so that any run of recent blocks is a contiguous view and
    nothing is shifted per block.
    """

    def __init__(self, depth: int) -> None:
        self._depth = depth
        self._newest = depth
        self._framer = TwoBlockSpectrum()
        self._spectra = np.zeros((2 * depth, BINS), np.complex64)
        self._conjugates = np.zeros((2 * depth, BINS), np.complex64)
        self._powers = np.zeros((2 * depth, BINS), np.float32)

    def push(self, block: np.ndarray) -> None:
        spectrum = self._framer.push(block)
        self._newest = (self._newest - 1) % self._depth
        for position in (self._newest, self._newest + self._depth):
            self._spectra[position] = spectrum
            self._conjugates[position] = spectrum.conj()
            self._powers[position] = power(spectrum)

    def spectra(self, start: int, count: int) -> np.ndarray:
        """Blocks `start` to `start + count - 1` back from the newest (0 is the newest)."""
        return self._spectra[self._span(start, count)]

    def conjugates(self, start: int, count: int) -> np.ndarray:
        return self._conjugates[self._span(start, count)]

    def powers(self, start: int, count: int) -> np.ndarray:
        return self._powers[self._span(start, count)]

    def _span(self, start: int, count: int) -> slice:
        assert start + count <= self._depth
        return slice(self._newest + start, self._newest + start + count)


def power(spectrum: np.ndarray) -> np.ndarray:
    """|spectrum|², in the spectrum's precision."""
    return np.abs(spectrum) ** 2


def smooth(average: np.ndarray, value: np.ndarray, memory: float) -> None:
    """Exponential average in place: `memory` of the old value, the rest of the new."""
    average *= memory
    average += (1 - memory) * value
