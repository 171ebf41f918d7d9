"""Where the echo sits in time: the lag at which the microphone is most coherent with the far end.

The I/O layer aligns the speaker reference as well as it can, but what is left (device buffers,
the air, the room) is 10 to 200 ms and unknown. An adaptive filter long enough to cover every
possible delay converges slowly and spends its work on taps that stay zero; so the delay is found
first and the filter only covers the echo path after it. Magnitude-squared coherence between the
microphone and each delayed far-end block finds it within half a second of far-end speech, and
near-end speech lowers the coherence without moving its peak.

The same statistics answer a second question for the filter's controller: is the echo canceller's
output still as coherent with the far end as the microphone is (the echo path changed, or the
filter has not converged), or not (it is converged, and whatever is left is near-end speech)?
"""

from __future__ import annotations

import numpy as np

from softphone.audio.aec_spectra import BINS, TINY, SpectrumHistory, power, smooth

MAX_LAG_BLOCKS = 40  # 400 ms: the 200 ms the I/O layer may leave, plus room for long device paths
SMOOTHING = 0.98  # about 0.5 s of memory at 10 ms blocks
COHERENCE_BINS = slice(8, 128, 2)  # 400 Hz to 4 kHz, where speech has its energy; every other bin
EVALUATE_EVERY = 5  # blocks between peak searches: the delay moves slowly, the search is the cost
MIN_COHERENCE = 0.1  # weaker than this: the far end is silent or not heard, keep the last estimate
FIRST_AFTER_BLOCKS = 50  # coherence from a few blocks is close to 1 at every lag: wait for 0.5 s
#                          of far-end sound before the first estimate
SOUND_POWER = 1e-8  # per bin (-80 dBFS): a far-end block quieter than this is silence
TAKE_OVER = 1.5  # a lag next to the current one must be this much more coherent to replace it


class DelayEstimator:
    """Tracks the echo delay in whole blocks, and how strongly the far end reaches the mic."""

    def __init__(self) -> None:
        bands = len(range(BINS)[COHERENCE_BINS])
        self._cross = np.zeros((MAX_LAG_BLOCKS, bands), np.complex64)
        self._far_power = np.full(BINS, TINY, np.float32)
        # The far end's smoothed power as it was `lag` blocks ago, lined up with `_cross`.
        self._far_power_then = np.full((MAX_LAG_BLOCKS, BINS), TINY, np.float32)
        self._mic_power = np.full(BINS, TINY, np.float32)
        self._coherence = np.zeros(MAX_LAG_BLOCKS, np.float32)
        self._error_cross = np.zeros(bands, np.complex64)
        self._error_power = np.full(bands, TINY, np.float32)
        self._blocks = 0
        self._heard = 0
        self.lag: int | None = None

    def update(self, far: SpectrumHistory, mic_spectrum: np.ndarray) -> int | None:
        """Takes the newest block of each side; returns the echo delay in blocks, if known."""
        bands = COHERENCE_BINS
        self._cross *= SMOOTHING
        self._cross += ((1 - SMOOTHING) * mic_spectrum[bands]) * far.conjugates(
            0, MAX_LAG_BLOCKS)[:, bands]
        newest = far.powers(0, 1)[0]
        smooth(self._far_power, newest, SMOOTHING)
        self._heard += bool(newest.mean() > SOUND_POWER)
        self._far_power_then[1:] = self._far_power_then[:-1]
        self._far_power_then[0] = self._far_power
        smooth(self._mic_power, power(mic_spectrum), SMOOTHING)
        self._blocks += 1
        if self._heard >= FIRST_AFTER_BLOCKS and self._blocks % EVALUATE_EVERY == 0:
            self._search()
        return self.lag

    def coupling(self) -> np.ndarray:
        """Mic power over far-end power at the echo delay, per bin: an upper bound for how much
        of the far end any part of the echo path passes, used to size the filter's doubt."""
        assert self.lag is not None
        return self._mic_power / self._far_power_then[self.lag]

    def echo_remains(self, error_spectrum: np.ndarray, far: SpectrumHistory) -> float:
        """How coherent the canceller's output still is with the far end, relative to the mic:
        about 1 when the filter removes nothing, near 0 once it removes the echo. Near-end speech
        lowers both coherences, so double talk does not read as a changed echo path."""
        assert self.lag is not None
        bands = COHERENCE_BINS
        error = error_spectrum[bands]
        self._error_cross *= SMOOTHING
        self._error_cross += ((1 - SMOOTHING) * error) * far.conjugates(self.lag, 1)[0, bands]
        smooth(self._error_power, power(error), SMOOTHING)
        coherence = power(self._error_cross) / (self._far_power_then[self.lag, bands]
                                                * self._error_power)
        return float(coherence.mean()) / max(float(self._coherence[self.lag]), TINY)

    @property
    def mic_coherence(self) -> float:
        """Coherence between the mic and the far end at the echo delay (0 before one is found)."""
        return 0.0 if self.lag is None else float(self._coherence[self.lag])

    def _search(self) -> None:
        bands = COHERENCE_BINS
        self._coherence = (power(self._cross)
                           / (self._far_power_then[:, bands] * self._mic_power[bands])).mean(axis=1)
        best = int(np.argmax(self._coherence))
        if self._coherence[best] < MIN_COHERENCE:
            return
        if (self.lag is None or abs(best - self.lag) > 1
                or self._coherence[best] > TAKE_OVER * self._coherence[self.lag]):
            self.lag = best
