"""Tests for softphone.headless: events as JSON records and as lines for a person."""

from __future__ import annotations

import dataclasses
import io
import json
import typing

import pytest

from softphone.events import (
    AudioLevels,
    CallFlagsChanged,
    CallState,
    CallStateChanged,
    CallStats,
    Direction,
    DtmfReceived,
    EngineProblem,
    Event,
    IncomingCall,
    RegistrationChanged,
    TransferProgress,
    TransferRequested,
)
from softphone.headless import Reporter, event_record

STATS = CallStats(
    call_id=3, codec="G722", clock_rate=16000, rx_packets=250, tx_packets=249, rx_lost=0,
    tx_lost=4, rx_loss_pct=0.0, tx_loss_pct=1.58, jitter_ms=0.34, rtt_ms=12.4,
    jitter_buffer_ms=40.0, r_factor=91.7, mos=4.387,
)
EVENTS: dict[type, Event] = {
    RegistrationChanged: RegistrationChanged(
        account="provider", registered=False, code=503, reason="Service Unavailable",
        message="The provider is unavailable right now. Trying again in 5 s.", retry_in=5.2,
    ),
    CallStateChanged: CallStateChanged(
        call_id=3, account="provider", direction=Direction.OUTGOING,
        state=CallState.EARLY_MEDIA, remote_uri="sip:+15551234@host", remote_name="Bob",
        code=183, reason="Session Progress",
        message="Ringing (the network is playing a message)…",
    ),
    IncomingCall: IncomingCall(call_id=4, account="provider", remote_uri="sip:bob@host",
                               remote_name="Bob", remote_number="bob"),
    CallStats: STATS,
    CallFlagsChanged: CallFlagsChanged(call_id=3, on_hold=True, remote_hold=False, muted=True,
                                       recording="/tmp/call.wav", conference=False),
    DtmfReceived: DtmfReceived(call_id=3, digit="5", method="rfc4733"),
    TransferProgress: TransferProgress(call_id=3, code=200, reason="OK", final=True,
                                       message="Transferred."),
    TransferRequested: TransferRequested(call_id=3, account="provider",
                                         target="sip:+15559876@host", accepted=False),
    AudioLevels: AudioLevels(input_dbfs=-32.5, output_dbfs=-120.0),
    EngineProblem: EngineProblem("Call 3 ended by RTP timeout."),
}
NAMES = {
    RegistrationChanged: "registration",
    CallStateChanged: "call_state",
    IncomingCall: "incoming_call",
    CallStats: "stats",
    CallFlagsChanged: "call_flags",
    DtmfReceived: "dtmf",
    TransferProgress: "transfer",
    TransferRequested: "transfer_request",
    AudioLevels: "levels",
    EngineProblem: "problem",
}
ALL_EVENTS = pytest.mark.parametrize("event", EVENTS.values(), ids=lambda e: type(e).__name__)


def test_every_event_type_has_a_sample() -> None:
    assert set(EVENTS) == set(typing.get_args(Event)) == set(NAMES)


@ALL_EVENTS
def test_event_record_is_named_and_json_ready(event: Event) -> None:
    record = event_record(event)
    assert record["event"] == NAMES[type(event)]
    assert json.loads(json.dumps(record)) == record
    assert list(record) == ["event", *(field.name for field in dataclasses.fields(event))]


def test_event_record_turns_enums_into_their_values() -> None:
    assert event_record(EVENTS[CallStateChanged]) == {
        "event": "call_state", "call_id": 3, "account": "provider", "direction": "outgoing",
        "state": "early_media", "remote_uri": "sip:+15551234@host", "remote_name": "Bob",
        "code": 183, "reason": "Session Progress",
        "message": "Ringing (the network is playing a message)…",
    }


@pytest.mark.parametrize("state", list(CallState))
@pytest.mark.parametrize("direction", list(Direction))
def test_every_call_state_and_direction_is_a_string(state: CallState,
                                                    direction: Direction) -> None:
    event = dataclasses.replace(EVENTS[CallStateChanged], state=state, direction=direction)
    record = json.loads(json.dumps(event_record(event)))
    assert (record["state"], record["direction"]) == (state.value, direction.value)


def report(as_json: bool, event: Event) -> str:
    out = io.StringIO()
    Reporter(as_json, out).event(event)
    return out.getvalue()


@ALL_EVENTS
def test_json_reporter_prints_one_record_per_line(event: Event) -> None:
    assert report(True, event) == json.dumps(event_record(event)) + "\n"


@pytest.mark.parametrize(
    "kind", [RegistrationChanged, CallStateChanged, EngineProblem, TransferProgress])
def test_human_reporter_prints_the_message(kind: type) -> None:
    event = EVENTS[kind]
    assert report(False, event) == event.message + "\n"


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        (IncomingCall, "Incoming call from Bob"),
        (CallFlagsChanged, "Call on hold (muted, recording)"),
        (DtmfReceived, "The other side pressed 5"),
        (TransferRequested,
         "Declined: the other side asked you to call sip:+15559876@host"),
    ],
)
def test_human_reporter_describes_events_without_a_message(kind: type, line: str) -> None:
    assert report(False, EVENTS[kind]) == line + "\n"


@pytest.mark.parametrize("kind", [CallStats, AudioLevels])
def test_human_reporter_keeps_quiet_about_figures(kind: type) -> None:
    assert report(False, EVENTS[kind]) == ""


def final_stats(as_json: bool, stats: CallStats | None) -> str:
    out = io.StringIO()
    Reporter(as_json, out).final_stats(stats)
    return out.getvalue()


@pytest.mark.parametrize(
    ("rtt_ms", "rtt_text"), [(12.4, "12 ms"), (0.1, "0 ms"), (None, "n/a")]
)
def test_final_stats_for_a_person(rtt_ms: float | None, rtt_text: str) -> None:
    stats = dataclasses.replace(STATS, rtt_ms=rtt_ms)
    assert final_stats(False, stats) == (
        "Quality: MOS 4.39 (G722), loss in/out 0.0%/1.6%, jitter 0.3 ms, "
        f"RTT {rtt_text}; audio not encrypted\n"
    )


def test_final_stats_say_when_the_audio_was_encrypted() -> None:
    stats = dataclasses.replace(STATS, srtp="AES_CM_128_HMAC_SHA1_80")
    assert final_stats(False, stats).endswith("; audio encrypted (AES_CM_128_HMAC_SHA1_80)\n")


def test_final_stats_are_not_repeated_in_json() -> None:
    """JSON output had every stats event as it came; the last one is the final figure."""
    assert final_stats(True, STATS) == ""


@pytest.mark.parametrize("as_json", [False, True])
def test_no_final_stats_prints_nothing(as_json: bool) -> None:
    assert final_stats(as_json, None) == ""
