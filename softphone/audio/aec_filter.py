"""The linear echo canceller: a partitioned-block frequency-domain Kalman filter.

Why a Kalman filter rather than NLMS with a step-size rule (Speex MDF and its kin): for every
filter partition and frequency it keeps how unsure it is of its echo path estimate. That one number
gives a step size that is large while the filter is unsure and shrinks as it converges (no
hand-tuned schedule), robustness in double talk (the step is divided by the error power, which
near-end speech raises, so the filter holds still), and the power of the echo it has probably not
removed yet, which the suppressor then takes out.

After Enzner & Vary (2006) and Kuech, Mabande & Enzner (2014), "State-space architecture of the
partitioned-block-based acoustic echo controller"; overlap-save, one partition per 10 ms block.
"""

from __future__ import annotations

import numpy as np

from softphone.audio.aec_spectra import (
    BINS,
    BLOCK,
    FFT_SIZE,
    TINY,
    SpectrumHistory,
    power,
    smooth,
)

PARTITIONS = 20  # 200 ms of echo path after the window start: room reverberation beyond it is
#                 weak, and the suppressor handles it
TRANSITION = 0.9999  # how much of the echo path estimate is expected to carry over to the next
#                      block; 1 - TRANSITION**2 is the drift the filter keeps allowing for
ERROR_SMOOTHING = 0.5  # the error power stands for near-end power: short memory, so the filter
#                        stops adapting within a block or two of the near end starting to talk
INITIAL_UNCERTAINTY = 0.1  # before the delay estimator has measured the coupling (-10 dB)
OVERLAP = FFT_SIZE / BLOCK  # each error spectrum covers one block in a two-block transform


class KalmanEchoFilter:
    """Echo path estimate over PARTITIONS blocks of far end, in the frequency domain."""

    def __init__(self) -> None:
        self._weights = np.zeros((PARTITIONS, BINS), np.complex64)
        self._uncertainty = np.full((PARTITIONS, BINS), INITIAL_UNCERTAINTY, np.float32)
        self._error_power = np.zeros(BINS, np.float32)
        self._padded_error = np.zeros(FFT_SIZE, np.float32)

    def echo(self, far: SpectrumHistory, start: int) -> np.ndarray:
        """The echo expected in the newest mic block, from the far-end blocks `start` to
        `start + PARTITIONS - 1` back."""
        return np.fft.irfft((far.spectra(start, PARTITIONS) * self._weights).sum(axis=0))[BLOCK:]

    def adapt(self, far: SpectrumHistory, start: int, error: np.ndarray) -> np.ndarray:
        """Learns from this block's error (mic minus `echo`) and returns the power spectrum of the
        echo the filter expects it left in it, from its uncertainty before this update."""
        self._padded_error[BLOCK:] = error
        error_spectrum = np.fft.rfft(self._padded_error)
        far_power = far.powers(start, PARTITIONS)
        residual_echo = (far_power * self._uncertainty).sum(axis=0)
        smooth(self._error_power, power(error_spectrum), ERROR_SMOOTHING)
        gain = self._uncertainty / (residual_echo + OVERLAP * self._error_power + TINY)
        weights = self._weights + _causal(far.conjugates(start, PARTITIONS)
                                          * (gain * error_spectrum))
        self._uncertainty *= TRANSITION**2 - (TRANSITION**2 / OVERLAP) * gain * far_power
        self._uncertainty += (1 - TRANSITION**2) * power(weights)
        self._weights = TRANSITION * weights
        return residual_echo

    def doubt(self, uncertainty: np.ndarray) -> None:
        """Raises the uncertainty to at least `uncertainty` (per bin): the echo path changed, so
        the filter must learn fast again instead of treating the new echo as near-end speech."""
        np.maximum(self._uncertainty, uncertainty, out=self._uncertainty)

    def move(self, blocks: int, uncertainty: np.ndarray) -> None:
        """Slides the filter's window `blocks` later (earlier if negative) as the echo delay
        moves, keeping what it learned of the overlap; partitions new to it start unsure."""
        weights = np.zeros_like(self._weights)
        spread = np.empty_like(self._uncertainty)
        spread[:] = uncertainty
        kept = PARTITIONS - abs(blocks)
        if kept > 0:
            old, new = (slice(blocks, None), slice(None, kept)) if blocks > 0 else (
                slice(None, kept), slice(-blocks, None))
            weights[new] = self._weights[old]
            spread[new] = self._uncertainty[old]
        self._weights, self._uncertainty = weights, spread


def _causal(updates: np.ndarray) -> np.ndarray:
    """The gradient constraint of overlap-save: each partition's update may only hold one
    block of taps, or the filter learns circular-convolution wrap-around instead of the room."""
    taps = np.fft.irfft(updates, axis=1)
    taps[:, BLOCK:] = 0
    return np.fft.rfft(taps, axis=1)
