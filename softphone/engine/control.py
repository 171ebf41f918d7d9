"""In-call control on one SoftCall: hold, mute, DTMF, transfer, recording.

Functions here run on the engine thread (Engine's public methods marshal them there) and change
the call's flags first, then let the engine re-route audio and announce the change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pjsua2 as pj

from softphone.engine.call import SoftCall
from softphone.media.frames import CLOCK_RATE, FRAME_BYTES
from softphone.media.wav import create_private, recording_stopped_message, write_failure

DTMF_DIGITS = frozenset("0123456789*#ABCD")
DTMF_ON_MS = 100
DTMF_OFF_MS = 70
KEY_SPACING_SECONDS = (DTMF_ON_MS + DTMF_OFF_MS) / 1000
INBAND_VOLUME = 0  # pjmedia's default tone level (about -10 dBm0)
# A recording grows by about 32 kB a second; two checks a second apart without growth mean its
# writes are failing. Less free space than a second of audio counts as a full disk.
STALLED_CHECKS = 2
FULL_BELOW_BYTES = 50 * FRAME_BYTES


def hold(call: SoftCall) -> None:
    """Re-INVITE with a=sendonly: the far end hears nothing (or its own music on hold)."""
    call.setHold(pj.CallOpParam(True))


def resume(call: SoftCall) -> None:
    prm = pj.CallOpParam(True)
    prm.opt.flag = pj.PJSUA_CALL_UNHOLD
    call.reinvite(prm)


def set_mute(call: SoftCall, muted: bool) -> None:
    """Mute disconnects the microphone from the call inside the bridge: the stream keeps
    running and the far end hears silence, not a dropped call."""
    call.muted = muted


def check_digits(digits: str) -> str:
    digits = digits.upper().replace(",", "")
    bad = sorted(set(digits) - DTMF_DIGITS)
    if not digits or bad:
        raise ValueError(f"'{digits}' has keys a phone keypad does not have: {''.join(bad)}")
    return digits


def send_dtmf(call: SoftCall, digits: str, method: str) -> None:
    """RFC 4733 telephone-events (what IVRs and voicemail expect), SIP INFO for old PBXs, or
    tones mixed into the audio for gear that only listens."""
    digits = check_digits(digits)
    if method == "rfc4733":
        call.dialDtmf(digits)
    elif method == "info":
        prm = pj.CallSendDtmfParam()
        prm.method = pj.PJSUA_DTMF_METHOD_SIP_INFO
        prm.digits = digits
        prm.duration = DTMF_ON_MS
        call.sendDtmf(prm)
    else:
        _play_tones(call, digits)


def _play_tones(call: SoftCall, digits: str) -> None:
    media = call.audio_media()
    if media is None:
        raise ValueError("The call has no audio yet, so keypad tones cannot be sent.")
    if call.tones is None:
        call.tones = pj.ToneGenerator()
        call.tones.createToneGenerator(CLOCK_RATE, 1)
        call.tones.startTransmit(media)
    sequence = pj.ToneDigitVector()
    for key in digits:
        tone = pj.ToneDigit()
        tone.digit, tone.on_msec, tone.off_msec, tone.volume = (
            key, DTMF_ON_MS, DTMF_OFF_MS, INBAND_VOLUME)
        sequence.append(tone)
    call.tones.playDigits(sequence)


def blind_transfer(call: SoftCall, target_uri: str) -> None:
    """REFER the far end to `target_uri`; the call ends once the new call is answered."""
    call.transfer_target = target_uri
    call.xfer(target_uri, pj.CallOpParam(True))


def attended_transfer(call: SoftCall, consultation: SoftCall) -> None:
    """REFER with Replaces: the far end of `call` takes over our consultation call."""
    call.transfer_target = consultation.getInfo().remoteUri
    call.xferReplaces(consultation, pj.CallOpParam(True))


def start_recording(call: SoftCall, path: str) -> None:
    """Both sides into one WAV: the call's audio and (unless muted) our microphone. The file
    is made readable by the user only before pjsua writes into it (it keeps the mode)."""
    try:
        os.close(create_private(Path(path)))
    except OSError as err:
        raise _refusal(f"{path} cannot be written ({write_failure(err)}).") from None
    recorder = pj.AudioMediaRecorder()
    recorder.createRecorder(path)
    call.recorder = recorder
    call.recording_path = path
    call.recording_size = call.recording_stalls = 0


def check_recording(call: SoftCall) -> str | None:
    """Once a second while recording: pjsua's recorder drops audio without a word when a
    write fails (a full disk), so a file that stopped growing has failed. Such a recording is
    stopped, its header mended, and the sentence for the user returned; the call goes on."""
    path = call.recording_path
    try:
        size, reason = os.stat(path).st_size, None
    except OSError as err:
        size, reason = -1, write_failure(err)
    call.recording_stalls = 0 if size > call.recording_size else call.recording_stalls + 1
    call.recording_size = max(size, call.recording_size)
    if call.recording_stalls < STALLED_CHECKS:
        return None
    if reason is None:
        reason = "the disk is full" if _disk_full(path) else "writing to it failed"
    call.stop_recording()
    return recording_stopped_message(path, reason)


def _disk_full(path: str) -> bool:
    try:
        fs = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except OSError:
        return False
    return fs.f_bavail * fs.f_frsize < FULL_BELOW_BYTES


def _refusal(reason: str) -> pj.Error:
    """An error the engine turns into EngineError(reason), as it does pjsua's own."""
    error = pj.Error()
    error.reason = reason
    return error
