"""Helpers shared by the unit tests: real WAV files written with the standard library."""

from __future__ import annotations

import gc
import sys
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

WavWriter = Callable[..., Path]


def pcm_bytes(frames: np.ndarray, width: int) -> bytes:
    """Float samples in [-1, 1], shaped (frames, channels), as interleaved little-endian PCM
    of `width` bytes per sample (8-bit WAV is unsigned, wider ones signed)."""
    full_scale = 2 ** (8 * width - 1) - 1
    ints = np.round(frames * full_scale).astype(np.int64)
    if width == 1:
        return (ints + 128).astype(np.uint8).tobytes()
    return ints.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :width].tobytes()


@pytest.fixture
def write_wav(tmp_path: Path) -> WavWriter:
    """write_wav(samples, rate=16000, width=2, name="audio.wav"): a PCM WAV in tmp_path.

    `samples` is 1-D for mono or (frames, channels) for more channels.
    """

    def write(samples: np.ndarray, rate: int = 16000, width: int = 2,
              name: str = "audio.wav") -> Path:
        samples = np.asarray(samples, dtype=np.float64)
        frames = samples if samples.ndim == 2 else samples[:, np.newaxis]
        path = tmp_path / name
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(frames.shape[1])
            wav.setsampwidth(width)
            wav.setframerate(rate)
            wav.writeframes(pcm_bytes(frames, width))
        return path

    return write


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[sys.UnraisableHookArgs]]:
    """Exceptions raised where Python can only print them (in __del__), caught during the test
    instead of failing the session wherever the garbage collector happens to run."""
    caught: list[sys.UnraisableHookArgs] = []
    monkeypatch.setattr(sys, "unraisablehook", caught.append)
    yield caught
    gc.collect()
