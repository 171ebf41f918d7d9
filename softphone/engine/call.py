"""One SIP call: maps pjsua2's invite states to CallStateChanged events and wires its audio."""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pjsua2 as pj

from softphone.engine.encryption import negotiated_srtp
from softphone.engine.guard import guarded
from softphone.engine.sdp import renumber_telephone_events
from softphone.engine.stats import read_stats
from softphone.engine.transport_errors import transport_failure
from softphone.events import (
    CallFlagsChanged,
    CallState,
    CallStateChanged,
    CallStats,
    Direction,
    DtmfReceived,
    TransferProgress,
    TransferRequested,
)
from softphone.media.wav import repair_wav_header
from softphone.sipstatus import call_failure_message

if TYPE_CHECKING:
    from softphone.engine.engine import Engine

_STATES = {
    pj.PJSIP_INV_STATE_CALLING: CallState.CALLING,
    pj.PJSIP_INV_STATE_INCOMING: CallState.INCOMING,
    pj.PJSIP_INV_STATE_EARLY: CallState.RINGING,
    pj.PJSIP_INV_STATE_CONNECTING: CallState.CONNECTING,
    pj.PJSIP_INV_STATE_CONFIRMED: CallState.CONNECTED,
    pj.PJSIP_INV_STATE_DISCONNECTED: CallState.ENDED,
}
_LIVE_MEDIA = (
    pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD, pj.PJSUA_CALL_MEDIA_LOCAL_HOLD,
)
_DTMF_METHODS = {
    pj.PJSUA_DTMF_METHOD_RFC2833: "rfc4733",
    pj.PJSUA_DTMF_METHOD_SIP_INFO: "info",
}
NOT_ACCEPTABLE = 488
# A 488 may be about codecs or about encryption; when the account insists either way, the
# likelier reason is named.
SRTP_REFUSED = {
    "mandatory": "The other side could not agree on audio settings: this account requires "
                 'encrypted audio (srtp = "mandatory") and the other side may not support it.',
    "off": "The other side could not agree on audio settings: it may accept only encrypted "
           'audio, which this account has switched off (srtp = "off").',
}
_NAME_ADDR = re.compile(r'^\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^<]*?))\s*<(?P<uri>[^>]*)>')
_USER = re.compile(r"^(?:sips?:(?P<user>[^@;?]+)[^@?]*@|tel:(?P<number>[^;?]+))",
                   re.IGNORECASE)


def split_remote(remote: str) -> tuple[str, str, str]:
    """(display name, URI, user part) from a From/To value like '"Bob" <sip:+1555@host>'."""
    match = _NAME_ADDR.match(remote)
    name, uri = ("", remote.strip())
    if match:
        name = (match["quoted"] if match["quoted"] is not None else match["bare"]).strip()
        uri = match["uri"]
    user = _USER.match(uri)
    return name, uri, (user["user"] or user["number"]) if user else ""


class SoftCall(pj.Call):
    """A call the engine keeps alive (dropping the last reference would hang it up silently)."""

    def __init__(
        self, engine: Engine, account: pj.Account, account_name: str, direction: Direction,
        call_id: int = pj.PJSUA_INVALID_ID,
    ) -> None:
        super().__init__(account, call_id)
        self.engine = engine
        self.account = account
        self.account_name = account_name
        self.direction = direction
        self.state: CallState | None = (
            None if direction is Direction.OUTGOING else CallState.INCOMING)
        self.ended_by_us = False
        self.end_message: str | None = None
        self.end_code: int | None = None
        self.audio_index: int | None = None
        self.srtp: str | None = None  # the audio's crypto suite, None while it is plain RTP
        self.srtp_mode = engine.account_config(self).srtp  # the account's off/optional/mandatory
        self.last_stats: CallStats | None = None
        self.rx_packets_seen = 0
        self.rx_silent_since = time.monotonic()
        self.stats_due = 0.0
        self.muted = False
        self.on_hold = False
        self.remote_hold = False
        self.in_conference = False
        self.recorder: pj.AudioMediaRecorder | None = None
        self.recording_path: str | None = None
        self.recording_size = 0  # the file's size at the last check, and checks without growth
        self.recording_stalls = 0
        self.tones: pj.ToneGenerator | None = None
        self.transfer_target: str | None = None
        self.screened = False  # refused before anyone saw it: no events
        self._announced_flags: tuple[object, ...] = (False, False, False, None, False)

    @property
    def call_id(self) -> int:
        return self.getId()

    def hang_up(self, code: int = 0, message: str | None = None, cause: int | None = None) -> None:
        """End the call from our side: CANCEL, reject or BYE, whichever its state needs.

        `message` and `cause` (a SIP-style code) say why when it is not the user's choice, so
        the ended event reports e.g. 408 for a far end that went silent."""
        self.ended_by_us = True
        self.end_message = self.end_message or message
        self.end_code = self.end_code or cause
        prm = pj.CallOpParam(True)
        if code:
            prm.statusCode = code
        self.hangup(prm)

    def audio_media(self) -> pj.AudioMedia | None:
        """The call's port in the conference bridge, while it has live audio."""
        return self.getAudioMedia(self.audio_index) if self.audio_index is not None else None

    def flags(self) -> CallFlagsChanged:
        return CallFlagsChanged(
            call_id=self.call_id, on_hold=self.on_hold, remote_hold=self.remote_hold,
            muted=self.muted, recording=self.recording_path, conference=self.in_conference,
        )

    def announce_flags(self) -> None:
        """Tell front ends about hold/mute/recording/conference, once per actual change (a
        plain connected call starts with all of them off and says nothing)."""
        flags = self.flags()
        values = (flags.on_hold, flags.remote_hold, flags.muted, flags.recording,
                  flags.conference)
        if values != self._announced_flags:
            self._announced_flags = values
            self.engine.emit(flags)

    def refresh_stats(self) -> CallStats | None:
        """Read the audio stream's figures while it exists; they are kept for the final report."""
        if self.audio_index is not None:
            self.last_stats = read_stats(self, self.call_id, self.audio_index, self.srtp)
        return self.last_stats

    @guarded
    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        info = self.getInfo()
        state = _STATES.get(info.state)
        if state is None or (state is self.state and state is not CallState.RINGING):
            return
        if state is CallState.RINGING and self.audio_index is not None:
            state = CallState.EARLY_MEDIA
        self.engine.adopt_call(self)  # a call pjsua placed for a transfer gets its id only now
        self._announce(state, info)
        if state is CallState.ENDED:
            self.stop_recording()
            self.tones = None
            self.engine.forget_call(self)
        self.engine.calls_changed()

    @guarded
    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        """Fires after every offer/answer (answer, hold, resume): re-route audio each time."""
        info = self.getInfo()
        audio = next((m for m in info.media if m.type == pj.PJMEDIA_TYPE_AUDIO), None)
        status = audio.status if audio is not None else pj.PJSUA_CALL_MEDIA_NONE
        live = status in _LIVE_MEDIA and audio.audioConfSlot >= 0
        self.audio_index = audio.index if live else None
        self.srtp = negotiated_srtp(self, audio.index) if live else None  # each offer/answer
        self.on_hold = status == pj.PJSUA_CALL_MEDIA_LOCAL_HOLD
        self.remote_hold = status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD
        self.engine.route_audio()
        if self.state is CallState.RINGING and self.audio_index is not None:
            self._announce(CallState.EARLY_MEDIA, info)
        if self.state is CallState.CONNECTED:
            self.announce_flags()

    @guarded
    def onCallSdpCreated(self, prm: pj.OnCallSdpCreatedParam) -> None:
        if not prm.remSdp.wholeSdp:  # only our offers; answers follow the offer's numbering
            prm.sdp.wholeSdp = renumber_telephone_events(prm.sdp.wholeSdp)

    @guarded
    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        """Arrives on the media thread: hand it to the engine thread before it goes out."""
        method = _DTMF_METHODS.get(prm.method, "rfc4733")
        event = DtmfReceived(call_id=self.call_id, digit=prm.digit, method=method)
        self.engine.post(lambda: self.engine.emit(event))

    @guarded
    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:
        """NOTIFYs about the call the far end placed for our transfer; once it is answered our
        part is done and this call ends, as a desk phone does after a transfer."""
        accepted = 200 <= prm.statusCode < 300
        final = prm.finalNotify or prm.statusCode >= 200
        message = ("Transferred." if accepted else "Transferring…" if not final
                   else f"The transfer failed: {call_failure_message(prm.statusCode)}")
        self.engine.emit(TransferProgress(call_id=self.call_id, code=prm.statusCode,
                                          reason=prm.reason, final=final, message=message))
        if final:
            prm.cont = False
        if accepted and final:
            self.engine.after(0, lambda: self._end_after_transfer())

    def _end_after_transfer(self) -> None:
        if self.state is not CallState.ENDED:
            self.hang_up(message=f"Transferred to {self.transfer_target or 'the other party'}.")

    @guarded
    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:
        """The far end asks us to call someone else (REFER); the account's policy decides.

        pjsua must answer the REFER inside this callback, so "ask" cannot wait for a person:
        it declines (603) and tells the UI, which may offer to place that call itself."""
        policy = self.engine.account_config(self).incoming_transfers
        accepted = policy == "accept"
        if accepted:
            new_call = SoftCall(self.engine, self.account, self.account_name,
                                Direction.OUTGOING)
            self.engine.adopt_call(new_call)  # our reference keeps it alive, not pjsua's
            prm.newCall = new_call
        else:
            prm.statusCode = 603
        self.engine.emit(TransferRequested(call_id=self.call_id, account=self.account_name,
                                           target=prm.dstUri, accepted=accepted))

    @guarded
    def onCallReplaced(self, prm: pj.OnCallReplacedParam) -> None:
        """An attended transfer to us: the new call takes this one's place; keep it alive."""
        new_call = SoftCall(self.engine, self.account, self.account_name, self.direction,
                            prm.newCallId)
        self.engine.adopt_call(new_call)
        prm.newCall = new_call

    @guarded
    def onStreamDestroyed(self, prm: pj.OnStreamDestroyedParam) -> None:
        """The last moment the stream's figures exist: publish them as the call's final stats.
        A re-INVITE (hold, resume) also recreates the stream, under a new bridge slot: the
        keypad's tone generator was linked to the old one and goes (the next key makes a new
        one), while the recording goes on, since routing links it to whatever slot the call
        has; it stops when the call ends."""
        if prm.streamIdx == self.audio_index:
            stats = self.refresh_stats()
            self.audio_index = None
            self.tones = None
            if stats is not None:
                self.engine.emit(stats)

    def stop_recording(self) -> None:
        """Close the file (dropping pjsua's recorder does) and make its header match what is
        in it: after a failed write (a full disk) pjsua leaves the sizes at zero."""
        path, self.recording_path = self.recording_path, None
        self.recorder = None
        if path is not None:
            with contextlib.suppress(OSError):  # moved or deleted meanwhile: nothing to mend
                repair_wav_header(Path(path))

    def _announce(self, state: CallState, info: pj.CallInfo) -> None:
        self.state = state
        if self.screened:
            return
        code, reason = info.lastStatusCode, info.lastReason
        if state is CallState.ENDED and self.end_code:
            code, reason = self.end_code, self.end_message or reason
        name, uri, _ = split_remote(info.remoteUri)
        self.engine.emit(
            CallStateChanged(
                call_id=info.id, account=self.account_name, direction=self.direction,
                state=state, remote_uri=uri, remote_name=name, code=code, reason=reason,
                message=self._message(state, code, reason, info.connectDuration.sec),
            )
        )

    def _message(self, state: CallState, code: int, reason: str, talk_seconds: int) -> str:
        if state is not CallState.ENDED:
            return {
                CallState.CALLING: "Calling…",
                CallState.INCOMING: "Incoming call",
                CallState.RINGING: "Ringing…",
                CallState.EARLY_MEDIA: "Ringing (the network is playing a message)…",
                CallState.CONNECTING: "Connecting…",
                CallState.CONNECTED: "Connected",
            }[state]
        if self.end_message:
            return self.end_message
        if talk_seconds or code < 300:
            who = "You" if self.ended_by_us else "The other side"
            return f"{who} hung up."
        if self.ended_by_us:
            return "You cancelled the call." if self.direction is Direction.OUTGOING else (
                "You declined the call.")
        failure = transport_failure(0, reason)
        if failure is not None:
            return failure.message
        if self.direction is Direction.INCOMING:
            return "The caller hung up before you answered (missed call)."
        if code == NOT_ACCEPTABLE and self.srtp_mode in SRTP_REFUSED:
            return SRTP_REFUSED[self.srtp_mode]
        return call_failure_message(code)
