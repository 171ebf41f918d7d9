"""The sounds Softphone makes itself: the ringtone and the speaker test's chime.

They are generated rather than shipped as recordings, so there is no licence to check and
they come out at whatever rate the device runs at, with nothing to resample. A sound is
described by a small frozen dataclass that crosses to the PortAudio process (host_process.py)
pickled, and is rendered there once the device's rate is known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RAMP_SECONDS = 0.015
"""Each tone fades in and out over this long: a tone cut at full level clicks."""


@dataclass(frozen=True)
class Note:
    """Sine waves sounding together for `seconds`; no frequencies is a pause."""

    frequencies: tuple[float, ...]
    seconds: float


@dataclass(frozen=True)
class ToneSequence:
    """Notes one after another, every note at the same loudness (`level_dbfs`, RMS)."""

    notes: tuple[Note, ...]
    level_dbfs: float

    @property
    def seconds(self) -> float:
        return sum(note.seconds for note in self.notes)

    def render(self, rate: float) -> np.ndarray:
        """The whole sequence as float32 samples at `rate`, ready to loop: every note starts
        and ends at silence, so the end joins the beginning without a click."""
        return np.concatenate([self._note(note, rate) for note in self.notes]).astype(np.float32)

    def _note(self, note: Note, rate: float) -> np.ndarray:
        count = round(note.seconds * rate)
        if not note.frequencies:
            return np.zeros(count)
        # Equal sines at amplitude a have an RMS of a * sqrt(n / 2).
        amplitude = 10 ** (self.level_dbfs / 20) * math.sqrt(2 / len(note.frequencies))
        t = np.arange(count) / rate
        chord = sum(np.sin(2 * np.pi * hz * t) for hz in note.frequencies)
        return amplitude * chord * _fades(count, round(RAMP_SECONDS * rate))


def _fades(count: int, ramp: int) -> np.ndarray:
    """1 in the middle, raised-cosine ramps from and to 0 at both ends."""
    ramp = min(ramp, count // 2)
    envelope = np.ones(count)
    rise = 0.5 - 0.5 * np.cos(np.pi * np.arange(ramp) / ramp)
    envelope[:ramp] = rise
    envelope[count - ramp :] = rise[::-1]
    return envelope


_RING = Note((440.0, 480.0), 0.4)
RINGTONE = ToneSequence(
    (_RING, Note((), 0.2), _RING, Note((), 2.0)),
    level_dbfs=-12.0,
)
"""A double ring every 3 s in the North American ringback's tones (440 + 480 Hz): heard at once
when a call comes in, recognisably a phone, and mostly quiet between rings."""

CHIME = ToneSequence(
    (Note((523.25,), 0.18), Note((659.25,), 0.18), Note((783.99,), 0.45), Note((), 0.4)),
    level_dbfs=-15.0,
)
"""A rising C major arpeggio, about 0.8 s, then a pause: the speaker test, played once by
ringing it for `CHIME.seconds` (the device stops in the quiet)."""
