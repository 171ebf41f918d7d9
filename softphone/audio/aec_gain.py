"""Automatic gain: brings the near-end talker to a steady level, whatever the microphone's gain.

It measures the level only while the near end talks (blocks well above their tracked noise
floor) and the far end does not: while the far end talks, and for as long as its echo can still
ring, what is left after echo suppression could be residual echo, and a meter that took it for a
quiet talker would turn the echo up. The gain moves slowly up and quickly down, so that it
follows the talker and not the syllables, and no block ever clips.
"""

from __future__ import annotations

import math

import numpy as np

from softphone.audio.aec_canceller import REACH_BLOCKS
from softphone.audio.aec_spectra import BLOCK

TARGET_DBFS = -26.0  # active speech level sent into the call: ITU-T P.56's nominal -26 dBov
MAX_GAIN_DB = 24.0  # beyond this a quiet mic mostly gives room noise
MIN_GAIN_DB = -12.0
LEVEL_SMOOTHING = 0.98  # speech level memory: about 0.5 s of talking
ECHO_RINGS_BLOCKS = REACH_BLOCKS  # 600 ms: as long as an echo we cancel can trail its source
RISE_DB = 0.06  # per block: 6 dB/s up, so a pause does not swell the room noise
FALL_DB = 0.3  # per block: 30 dB/s down, so a talker who comes close is caught quickly
LIMIT = 0.9  # peak sample value after gain (-1 dBFS)
RAMP = np.arange(1, BLOCK + 1, dtype=np.float32) / BLOCK

SPEECH_ABOVE_NOISE_DB = 10.0
SILENCE_DBFS = -65.0  # quieter blocks are never speech
NOISE_RISE_DB = 0.02  # per block (2 dB/s): the noise floor creeps up, drops at once


class AutoGain:
    """Per-block gain with a speech-gated level meter and a peak limiter."""

    def __init__(self) -> None:
        self._near = _Talking()
        self._far = _Talking()
        self._echo_rings = 0
        self._speech_power = 10 ** (TARGET_DBFS / 10)
        self._gain_db = 0.0
        self._applied = 1.0

    def process(self, block: np.ndarray, far: np.ndarray) -> np.ndarray:
        """`far` is the speaker reference of the same 10 ms, to know when echo may be about."""
        self._echo_rings = ECHO_RINGS_BLOCKS if self._far(_power(far)) else max(
            self._echo_rings - 1, 0)
        power = _power(block)
        if self._near(power) and not self._echo_rings:
            self._speech_power = (LEVEL_SMOOTHING * self._speech_power
                                  + (1 - LEVEL_SMOOTHING) * power)
        wanted = TARGET_DBFS - 10 * math.log10(self._speech_power)
        wanted = min(max(wanted, MIN_GAIN_DB), MAX_GAIN_DB)
        self._gain_db += min(max(wanted - self._gain_db, -FALL_DB), RISE_DB)
        return self._apply(block, 10 ** (self._gain_db / 20))

    def _apply(self, block: np.ndarray, gain: float) -> np.ndarray:
        """Ramps from the last block's gain to this one's, so gain changes do not click."""
        out = block * (self._applied + (gain - self._applied) * RAMP)
        peak = float(np.max(np.abs(out)))
        if peak > LIMIT:
            out *= LIMIT / peak
            gain *= LIMIT / peak
            self._gain_db = 20 * math.log10(gain)
        self._applied = gain
        return out


class _Talking:
    """Whether a signal carries speech now: its level well above its own noise floor, which
    drops at once to any quieter moment and otherwise creeps up."""

    def __init__(self) -> None:
        self._noise_db = SILENCE_DBFS

    def __call__(self, power: float) -> bool:
        level_db = 10 * math.log10(power + 1e-12)
        self._noise_db = min(self._noise_db + NOISE_RISE_DB, level_db)
        return level_db > max(self._noise_db + SPEECH_ABOVE_NOISE_DB, SILENCE_DBFS)


def _power(block: np.ndarray) -> float:
    return float(np.dot(block, block)) / BLOCK
