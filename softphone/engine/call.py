"""One SIP call: maps pjsua2's invite states to CallStateChanged events and wires its audio."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pjsua2 as pj

from softphone.engine.guard import guarded
from softphone.engine.stats import read_stats
from softphone.engine.transport_errors import transport_failure
from softphone.events import CallState, CallStateChanged, CallStats, Direction
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
        self.account_name = account_name
        self.direction = direction
        self.state: CallState | None = (
            None if direction is Direction.OUTGOING else CallState.INCOMING)
        self.ended_by_us = False
        self.end_message: str | None = None
        self.end_code: int | None = None
        self.audio_index: int | None = None
        self.last_stats: CallStats | None = None
        self.rx_packets_seen = 0
        self.rx_silent_since = time.monotonic()
        self.stats_due = 0.0

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

    def refresh_stats(self) -> CallStats | None:
        """Read the audio stream's figures while it exists; they are kept for the final report."""
        if self.audio_index is not None:
            self.last_stats = read_stats(self, self.call_id, self.audio_index)
        return self.last_stats

    @guarded
    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        info = self.getInfo()
        state = _STATES.get(info.state)
        if state is None or (state is self.state and state is not CallState.RINGING):
            return
        if state is CallState.RINGING and self.audio_index is not None:
            state = CallState.EARLY_MEDIA
        self._announce(state, info)
        if state is CallState.ENDED:
            self.engine.forget_call(self)

    @guarded
    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        info = self.getInfo()
        for media in info.media:
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status in (
                pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD,
            ):
                self.audio_index = media.index
                self.engine.connect_audio(self.getAudioMedia(media.index))
        if self.state is CallState.RINGING and self.audio_index is not None:
            self._announce(CallState.EARLY_MEDIA, info)

    @guarded
    def onStreamDestroyed(self, prm: pj.OnStreamDestroyedParam) -> None:
        """The last moment the stream's figures exist: publish them as the call's final stats."""
        if prm.streamIdx == self.audio_index:
            stats = self.refresh_stats()
            self.audio_index = None
            if stats is not None:
                self.engine.emit(stats)

    def _announce(self, state: CallState, info: pj.CallInfo) -> None:
        self.state = state
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
        return call_failure_message(code)
