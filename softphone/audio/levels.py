"""Loudness for level meters, in dB relative to full scale."""

from __future__ import annotations

import math

import numpy as np

SILENCE_DBFS = -100.0
"""What silence reads as: a finite floor, so a meter can draw it and compare with it."""


def dbfs(samples: np.ndarray) -> float:
    """RMS level of float samples in [-1, 1] (a full-scale square wave is 0 dBFS, a sine -3)."""
    power = float(np.dot(samples, samples)) / max(len(samples), 1)
    return max(10.0 * math.log10(power), SILENCE_DBFS) if power > 0.0 else SILENCE_DBFS
