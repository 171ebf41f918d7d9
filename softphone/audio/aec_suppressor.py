"""Takes out what the linear canceller left behind (residual echo) and steady background noise.

One spectral gain covers both, so the two never fight: a Wiener gain against the sum of the
residual echo the Kalman filter expects and a tracked noise floor, with the decision-directed
smoothing that keeps it from warbling. The gain is applied as a short linear-phase filter rather
than by overlap-add of frames, which costs 4 ms of delay instead of a whole 10 ms block.

The gain floors differ on purpose: echo may be pushed down by 60 dB, since the far end should
never hear itself, but noise only by 20 dB, since deeper cuts make the line sound dead between
words and make what is left pump.
"""

from __future__ import annotations

import numpy as np

from softphone.audio.aec_spectra import (
    BINS,
    BLOCK,
    FFT_SIZE,
    TINY,
    TwoBlockSpectrum,
    power,
    smooth,
)

FILTER_TAPS = 129  # 8 ms linear-phase gain filter: about 125 Hz resolution
DELAY_SAMPLES = FILTER_TAPS // 2  # 4 ms
RESIDUAL_ECHO_MARGIN = 2.0  # the filter's own residual estimate is optimistic; the suppressor's
#                             window also sees two blocks where the filter's error sees one
DECISION_DIRECTED = 0.9  # share of the last block's speech estimate in this one's: steadier gains,
#                          so what is left of noise and echo does not warble
ECHO_FLOOR = 0.001  # -60 dB
NOISE_FLOOR = 0.1  # -20 dB
POWER_SMOOTHING = 0.9  # for the noise tracker only; the gain itself uses each block's power
NOISE_RISE = 1.002  # per block (0.9 dB/s): the noise floor follows rising noise, not speech
NOISE_BIAS = 2.0  # the minimum of a fluctuating spectrum sits about 3 dB under its mean


class Suppressor:
    """Applies the residual-echo and noise gain to one block at a time, DELAY_SAMPLES late."""

    def __init__(self) -> None:
        self._analysis = TwoBlockSpectrum(np.hanning(FFT_SIZE).astype(np.float32))
        self._history = np.zeros(BLOCK + FILTER_TAPS - 1, np.float32)
        self._taper = np.hanning(FILTER_TAPS + 2)[1:-1].astype(np.float32)
        self._smoothed_power: np.ndarray | None = None
        self._noise = np.zeros(BINS, np.float32)
        self._last_gain = np.ones(BINS, np.float32)
        self._last_snr = np.zeros(BINS, np.float32)

    def process(self, block: np.ndarray, residual_echo: np.ndarray | None,
                suppress_noise: bool) -> np.ndarray:
        """`residual_echo` is the canceller's estimate for this block, or None with echo
        cancellation off. Whatever is switched off, the block comes out DELAY_SAMPLES late, so the
        stream's timing does not jump when a switch is flipped."""
        self._history[:-BLOCK] = self._history[BLOCK:]
        self._history[-BLOCK:] = block
        psd = power(self._analysis.push(block))
        self._track_noise(psd)
        if residual_echo is None and not suppress_noise:
            return self._history[DELAY_SAMPLES:DELAY_SAMPLES + BLOCK].copy()
        echo = 0.0 if residual_echo is None else RESIDUAL_ECHO_MARGIN * residual_echo
        noise = NOISE_BIAS * self._noise if suppress_noise else 0.0
        gain = self._gain(psd, echo, noise)
        return np.convolve(self._history, self._gain_filter(gain), "valid")

    def _track_noise(self, psd: np.ndarray) -> None:
        """Minimum tracking: the noise floor drops at once to any quieter moment and creeps up
        otherwise, so speech and echo bursts barely lift it."""
        if self._smoothed_power is None:
            self._smoothed_power = psd.copy()
            self._noise = psd + TINY
            return
        smooth(self._smoothed_power, psd, POWER_SMOOTHING)
        self._noise = np.minimum(self._noise * NOISE_RISE, self._smoothed_power + TINY)

    def _gain(self, psd: np.ndarray, echo: np.ndarray | float,
              noise: np.ndarray | float) -> np.ndarray:
        """Wiener gain on the decision-directed speech-to-interference ratio (Ephraim & Malah),
        floored by how much of the interference is echo and how much noise."""
        interference = echo + noise + TINY
        snr = psd / interference
        prior = (DECISION_DIRECTED * self._last_gain**2 * self._last_snr
                 + (1 - DECISION_DIRECTED) * np.maximum(snr - 1, 0))
        floor = (ECHO_FLOOR * echo + NOISE_FLOOR * noise + TINY) / interference
        gain = np.maximum(prior / (1 + prior), floor).astype(np.float32)
        self._last_gain, self._last_snr = gain, snr
        return gain

    def _gain_filter(self, gain: np.ndarray) -> np.ndarray:
        """The zero-phase response of `gain`, cut to FILTER_TAPS and delayed to be causal."""
        response = np.fft.irfft(gain)
        centred = np.concatenate((response[-DELAY_SAMPLES:], response[:DELAY_SAMPLES + 1]))
        return centred * self._taper
