"""WAV files as call audio: `--play` feeds one into a call, `--record` keeps what was heard."""

from __future__ import annotations

import collections
import threading
import wave
from pathlib import Path

import numpy as np
import soxr

from softphone.media.frames import CLOCK_RATE, FRAME_BYTES, SILENT_FRAME


class WavError(Exception):
    """A WAV file that cannot be played or written, with the reason in words."""


def load_wav(path: Path) -> np.ndarray:
    """Read any PCM WAV as mono int16 at the engine rate, so playback is a plain copy."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            raw = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise WavError(f"{path}: no such file") from None
    except OSError as err:
        raise WavError(f"{path}: cannot be read ({err.strerror})") from None
    except (wave.Error, EOFError) as err:
        raise WavError(f"{path}: not a PCM WAV file ({err})") from None
    if width not in (1, 2, 3, 4):
        raise WavError(f"{path}: unsupported sample width of {width} bytes")
    whole = len(raw) - len(raw) % (width * channels)  # a recording cut off mid-frame
    if width == 2 and channels == 1 and rate == CLOCK_RATE:
        return np.frombuffer(raw[:whole], "<i2").copy()
    samples = _to_float(raw[:whole], width).reshape(-1, channels).mean(axis=1)
    if rate != CLOCK_RATE:
        samples = soxr.resample(samples, rate, CLOCK_RATE, quality="HQ")
    return np.clip(np.round(samples * 32768), -32768, 32767).astype("<i2")


def _to_float(raw: bytes, width: int) -> np.ndarray:
    if width == 1:
        return (np.frombuffer(raw, np.uint8).astype(np.float64) - 128) / 128
    if width == 2:
        return np.frombuffer(raw, "<i2") / 32768
    if width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        padded = np.zeros((len(bytes3), 4), np.uint8)
        padded[:, 1:] = bytes3
        return padded.view("<i4").ravel() / 2**31
    return np.frombuffer(raw, "<i4") / 2**31


class WavSource:
    """Plays a WAV once into the call, then silence, and says when it has finished."""

    def __init__(self, path: Path) -> None:
        self._pcm = load_wav(path).tobytes()
        self._pos = 0

    @property
    def finished(self) -> bool:
        return self._pos >= len(self._pcm)

    def read_frame(self, out: memoryview) -> None:
        chunk = self._pcm[self._pos : self._pos + FRAME_BYTES]
        self._pos += FRAME_BYTES
        out[: len(chunk)] = chunk
        if len(chunk) < FRAME_BYTES:
            out[len(chunk) :] = SILENT_FRAME[len(chunk) :]


class WavRecorder:
    """Records what the call sounds like to a 16 kHz mono WAV.

    The media thread only appends a copy of each frame to a queue; a writer thread does the
    file I/O so a slow disk never stalls the audio clock.
    """

    def __init__(self, path: Path) -> None:
        try:
            # Opened here, not by wave: a failed wave.open leaves a half-built writer whose
            # destructor prints a traceback.
            self._file = open(path, "wb")  # noqa: SIM115 (open for the whole call)
        except OSError as err:
            raise WavError(f"{path}: cannot be written ({err.strerror})") from None
        self._wav = wave.open(self._file, "wb")  # noqa: SIM115
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(CLOCK_RATE)
        self._queue: collections.deque[bytes] = collections.deque()
        self._closed = threading.Event()
        self._writer = threading.Thread(target=self._write_loop, name="wav-writer", daemon=True)
        self._writer.start()

    def write_frame(self, frame: memoryview) -> None:
        self._queue.append(bytes(frame))

    def close(self) -> None:
        """Write what is left and finish the file header; safe to call twice."""
        if not self._closed.is_set():
            self._closed.set()
            self._writer.join()
            self._drain()
            self._wav.close()
            self._file.close()

    def _write_loop(self) -> None:
        while not self._closed.wait(0.2):
            self._drain()

    def _drain(self) -> None:
        while self._queue:
            self._wav.writeframesraw(self._queue.popleft())
