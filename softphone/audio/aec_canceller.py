"""Linear echo cancellation: find the echo delay, then filter the far end over the path after it.

The delay estimator places the Kalman filter's 200 ms window where the echo is (wherever in the
first 400 ms after the reference that is), and watches whether the filter's output is still
coherent with the far end; if it is, the echo path has changed and the filter is told to doubt
what it learned, which makes it re-converge within about a second instead of freezing (to a
Kalman filter a new echo path looks just like near-end speech).
"""

from __future__ import annotations

import numpy as np

from softphone.audio.aec_delay import MAX_LAG_BLOCKS, DelayEstimator
from softphone.audio.aec_filter import PARTITIONS, KalmanEchoFilter
from softphone.audio.aec_spectra import BLOCK, SAMPLE_RATE, SpectrumHistory, TwoBlockSpectrum

LEAD_BLOCKS = 2  # the window starts 20 ms before the most coherent lag, which can trail the direct
#                  path by a block
DOUBT_PER_COUPLING = 3.0  # a doubted partition may pass up to 3x the measured coupling: errs large,
#                           since a filter too sure of itself is the one that stops learning
ECHO_REMAINS = 0.5  # the output keeps half the mic's coherence with the far end: path changed
HEARD = 0.15  # below this mic coherence the far end is hardly heard and the comparison is noise
REACH_BLOCKS = MAX_LAG_BLOCKS + PARTITIONS  # how far back in the far end an echo may come from


class EchoCanceller:
    """Subtracts the estimated echo from each mic block and says how much is probably left."""

    def __init__(self) -> None:
        self._far = SpectrumHistory(REACH_BLOCKS)
        self._mic = TwoBlockSpectrum()
        self._error = TwoBlockSpectrum()
        self._delay = DelayEstimator()
        self._filter = KalmanEchoFilter()
        self._start = 0

    @property
    def delay_ms(self) -> float | None:
        """The echo delay behind the speaker reference; None until the far end has been heard."""
        lag = self._delay.lag
        return None if lag is None else lag * BLOCK * 1000 / SAMPLE_RATE

    def process(self, mic: np.ndarray, far: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Returns the mic block without its estimated echo, and the power spectrum of the echo
        probably still in it (overlap-save scale: one block in a two-block transform)."""
        self._far.push(far)
        lag = self._delay.update(self._far, self._mic.push(mic))
        if lag is not None:
            self._follow(lag)
        error = mic - self._filter.echo(self._far, self._start)
        error_spectrum = self._error.push(error)
        if lag is not None and self._echo_remains(error_spectrum):
            self._filter.doubt(self._doubt())
        return error, self._filter.adapt(self._far, self._start, error)

    def _follow(self, lag: int) -> None:
        start = max(lag - LEAD_BLOCKS, 0)
        if start != self._start:
            self._filter.move(start - self._start, self._doubt())
            self._start = start

    def _echo_remains(self, error_spectrum: np.ndarray) -> bool:
        remains = self._delay.echo_remains(error_spectrum, self._far)
        return self._delay.mic_coherence > HEARD and remains > ECHO_REMAINS

    def _doubt(self) -> np.ndarray:
        return DOUBT_PER_COUPLING * self._delay.coupling()
