"""Engine events as tests construct them, with the fields a test does not care about filled."""

from __future__ import annotations

from softphone.events import (
    CallFlagsChanged,
    CallState,
    CallStateChanged,
    CallStats,
    Direction,
    RegistrationChanged,
)

REMOTE = "sip:+12025550143@sip.example.net"


def call_state(state: CallState, call_id: int = 1, message: str = "") -> CallStateChanged:
    return CallStateChanged(call_id=call_id, account="provider", direction=Direction.OUTGOING,
                            state=state, remote_uri=REMOTE, remote_name="", code=200,
                            reason="OK", message=message)


def flags(call_id: int = 1, *, on_hold: bool = False, remote_hold: bool = False,
          muted: bool = False) -> CallFlagsChanged:
    return CallFlagsChanged(call_id=call_id, on_hold=on_hold, remote_hold=remote_hold,
                            muted=muted, recording=None, conference=False)


def stats(mos: float, call_id: int = 1) -> CallStats:
    return CallStats(call_id=call_id, codec="G722", clock_rate=16000, rx_packets=250,
                     tx_packets=250, rx_lost=0, tx_lost=0, rx_loss_pct=0.0, tx_loss_pct=0.0,
                     jitter_ms=0.3, rtt_ms=0.1, jitter_buffer_ms=40.0, r_factor=93.0, mos=mos)


def registration(registered: bool, code: int = 200, message: str = "Registered.",
                 retry_in: float | None = None) -> RegistrationChanged:
    return RegistrationChanged(account="provider", registered=registered, code=code,
                               reason="OK" if registered else "Forbidden", message=message,
                               retry_in=retry_in)
