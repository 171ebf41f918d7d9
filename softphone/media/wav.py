"""WAV files as call audio: `--play` feeds one into a call, `--record` keeps what was heard."""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import struct
import threading
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soxr

from softphone.media.frames import CLOCK_RATE, FRAME_BYTES, SILENT_FRAME

HEADER_BYTES = 44


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


def wav_header(data_bytes: int) -> bytes:
    """The canonical 44-byte header of a 16 kHz mono 16-bit WAV holding `data_bytes`."""
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16,
                       1, 1, CLOCK_RATE, CLOCK_RATE * 2, 2, 16, b"data", data_bytes)


def create_private(path: Path) -> int:
    """Open `path` for writing, emptied, readable by the user only (a call is private): the
    mode is set at creation and again for a file that was already there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def repair_wav_header(path: Path) -> None:
    """Make the sizes in a canonical WAV header match the audio actually in the file.

    A recorder whose writes failed (a full disk) never fills them in (pjmedia's leaves zeros),
    and players then refuse the file. Rewriting eight bytes in place needs no free space, so
    whatever audio reached the disk stays playable. Whole samples only; anything that is not a
    canonical 44-byte header is left alone."""
    with open(path, "r+b") as wav:
        header = wav.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or header[:4] != b"RIFF" or header[36:40] != b"data":
            return
        data_bytes = (os.fstat(wav.fileno()).st_size - HEADER_BYTES) & ~1
        wav.seek(4)
        wav.write(struct.pack("<I", 36 + data_bytes))
        wav.seek(40)
        wav.write(struct.pack("<I", data_bytes))


class WavRecorder:
    """Records what the call sounds like to a 16 kHz mono WAV, readable by the user only.

    The media thread only appends a copy of each frame to a queue; a writer thread does the
    file I/O so a slow disk never stalls the audio clock. A write that fails (a full disk)
    stops the recording, not the call: `on_problem` gets a sentence and the file keeps what
    was written, with a header that says so.
    """

    def __init__(self, path: Path, on_problem: Callable[[str], None] | None = None) -> None:
        self._path = path
        self._on_problem = on_problem
        try:
            self._file = os.fdopen(create_private(path), "wb")
            self._file.write(wav_header(0))
        except OSError as err:
            raise WavError(f"{path}: cannot be written ({err.strerror})") from None
        self._failed = False
        self._queue: collections.deque[bytes] = collections.deque()
        self._closed = threading.Event()
        self._writer = threading.Thread(target=self._write_loop, name="wav-writer", daemon=True)
        self._writer.start()

    def write_frame(self, frame: memoryview) -> None:
        if not self._failed:
            self._queue.append(bytes(frame))

    def close(self) -> None:
        """Write what is left and finish the file header; safe to call twice."""
        if not self._closed.is_set():
            self._closed.set()
            self._writer.join()
            self._drain()
            with contextlib.suppress(OSError):  # the failure was reported when it happened
                self._file.close()
            with contextlib.suppress(OSError):
                repair_wav_header(self._path)

    def _write_loop(self) -> None:
        while not self._closed.wait(0.2):
            self._drain()

    def _drain(self) -> None:
        try:
            while self._queue and not self._failed:
                self._file.write(self._queue.popleft())
            self._file.flush()
        except OSError as err:
            self._failed = True
            self._queue.clear()
            if self._on_problem is not None:
                self._on_problem(recording_stopped_message(self._path, write_failure(err)))


def write_failure(err: OSError) -> str:
    """Why a recording could not be written, in words."""
    return "the disk is full" if err.errno in (errno.ENOSPC, errno.EDQUOT) else (
        err.strerror or str(err))


def recording_stopped_message(path: Path | str, reason: str) -> str:
    return (f"The recording stopped: {path} could not be written ({reason}). The call goes on, "
            "and what was recorded until then is kept.")
