"""Audio helpers: write test tones, read recordings back, and measure what was heard."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

SILENCE_DBFS = -50.0


def sine(hz: float, seconds: float, rate: int, amplitude: float = 0.3) -> np.ndarray:
    """A float sine in [-1, 1]."""
    t = np.arange(round(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * hz * t)


def write_tone_wav(
    path: Path, hz: float, seconds: float, rate: int = 16000, amplitude: float = 0.3
) -> Path:
    """A 16-bit mono sine WAV, the format every peer here can play."""
    pcm = np.round(sine(hz, seconds, rate, amplitude) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """16-bit PCM WAV as float mono in [-1, 1] (stereo is averaged) and its rate."""
    with wave.open(str(path), "rb") as source:
        if source.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM is supported")
        channels = source.getnchannels()
        rate = source.getframerate()
        frames = source.readframes(source.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768
    return samples.reshape(-1, channels).mean(axis=1), rate


def rms_dbfs(samples: np.ndarray) -> float:
    """Loudness relative to full scale; -inf for digital silence or no samples."""
    if samples.size == 0:
        return float("-inf")
    rms = float(np.sqrt(np.mean(np.square(samples))))
    return 20 * np.log10(rms) if rms > 0 else float("-inf")


def non_silent(samples: np.ndarray, rate: int, frame_seconds: float = 0.02) -> np.ndarray:
    """The frames louder than SILENCE_DBFS, joined: call set-up and jitter leave silent gaps."""
    size = max(1, int(rate * frame_seconds))
    frames = samples[: samples.size // size * size].reshape(-1, size)
    loud = [frame for frame in frames if rms_dbfs(frame) > SILENCE_DBFS]
    return np.concatenate(loud) if loud else np.empty(0)


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    """The strongest frequency in the non-silent part; 0.0 when everything is silent."""
    sound = non_silent(samples, rate)
    if sound.size < 2:
        return 0.0
    spectrum = np.abs(np.fft.rfft(sound * np.hanning(sound.size)))
    spectrum[0] = 0.0
    return float(np.fft.rfftfreq(sound.size, 1 / rate)[np.argmax(spectrum)])


def tone_level_db(samples: np.ndarray, rate: int, hz: float, width: float = 15.0) -> float:
    """Energy within ±width Hz of `hz`, in dB relative to the whole spectrum's energy: near 0
    for the only tone present, very negative for a tone that is absent."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size))) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1 / rate)
    band = spectrum[(freqs > hz - width) & (freqs < hz + width)].sum()
    return float(10 * np.log10(band / spectrum.sum() + 1e-12))
