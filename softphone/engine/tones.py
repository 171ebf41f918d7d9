"""Local indication tones played to our own speaker: the call-waiting beep.

ITU-T E.180 leaves the cadence to each country; this is the common 440 Hz beep, repeated so a
person on a call notices a second caller without it drowning the conversation.
"""

from __future__ import annotations

import pjsua2 as pj

from softphone.media.frames import CLOCK_RATE

CALL_WAITING_HZ = 440
CALL_WAITING_ON_MS = 300
CALL_WAITING_OFF_MS = 3700


class CallWaitingTone:
    """Plays into the device port (the speaker) only; the far ends never hear it."""

    def __init__(self, speaker: pj.AudioMedia) -> None:
        self._speaker = speaker
        self._generator: pj.ToneGenerator | None = None

    @property
    def playing(self) -> bool:
        return self._generator is not None

    def start(self) -> None:
        if self._generator is not None:
            return
        tone = pj.ToneDesc()
        tone.freq1, tone.freq2 = CALL_WAITING_HZ, 0
        tone.on_msec, tone.off_msec, tone.volume = CALL_WAITING_ON_MS, CALL_WAITING_OFF_MS, 0
        cadence = pj.ToneDescVector()
        cadence.append(tone)
        self._generator = pj.ToneGenerator()
        self._generator.createToneGenerator(CLOCK_RATE, 1)
        self._generator.startTransmit(self._speaker)
        self._generator.play(cadence, True)

    def stop(self) -> None:
        """Dropping the generator removes it from the bridge (it must go before libDestroy)."""
        self._generator = None
