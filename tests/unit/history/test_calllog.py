"""CallLog: engine events in, one history row per call out, with the right outcome."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from softphone.contacts import Contact, ContactNumber, ContactStore
from softphone.events import CallState, CallStateChanged, Direction, Event
from softphone.history import CallLog, CallQuality, CallRecord, HistoryStore, Outcome
from tests.unit.history.conftest import Clock, incoming, state, stats

IN = Direction.INCOMING
OUT = Direction.OUTGOING
CALLING, RINGING, CONNECTED, ENDED = (
    CallState.CALLING, CallState.RINGING, CallState.CONNECTED, CallState.ENDED,
)


def only_call(history: HistoryStore) -> CallRecord:
    (record,) = history.calls()
    return record


@pytest.mark.parametrize(
    ("events", "outcome", "code"),
    [
        pytest.param(
            [incoming(), state(CONNECTED, IN),
             state(ENDED, IN, 200, "OK", "The other side hung up.")],
            Outcome.ANSWERED, 200, id="incoming answered",
        ),
        pytest.param(
            [incoming(), state(ENDED, IN, 487, "Request Terminated",
                               "The caller hung up before you answered (missed call).")],
            Outcome.MISSED, 487, id="incoming missed",
        ),
        pytest.param(
            [incoming(), state(ENDED, IN, 408, "Request Timeout", "No answer in time.")],
            Outcome.MISSED, 408, id="incoming unanswered until timeout",
        ),
        pytest.param(
            [incoming(), state(ENDED, IN, 603, "Decline", "You declined the call.")],
            Outcome.DECLINED, 603, id="incoming declined",
        ),
        pytest.param(
            [incoming(), state(ENDED, IN, 486, "Busy Here", "You declined the call.")],
            Outcome.DECLINED, 486, id="incoming declined as busy",
        ),
        pytest.param(
            [state(CALLING), state(RINGING, code=180, reason="Ringing"), state(CONNECTED),
             state(ENDED, message="You hung up.")],
            Outcome.ANSWERED, 200, id="outgoing answered",
        ),
        pytest.param(
            [state(CALLING), state(ENDED, code=486, reason="Busy Here",
                                   message="The line is busy.")],
            Outcome.BUSY, 486, id="outgoing busy",
        ),
        pytest.param(
            [state(CALLING), state(RINGING, code=180), state(
                ENDED, code=487, reason="Request Terminated", message="You cancelled the call.")],
            Outcome.CANCELLED, 487, id="outgoing cancelled by us",
        ),
        pytest.param(
            [state(CALLING), state(ENDED, code=487, reason="Request Terminated",
                                   message="The call was cancelled.")],
            Outcome.FAILED, 487, id="outgoing cancelled by the network",
        ),
        pytest.param(
            [state(CALLING), state(ENDED, code=404, reason="Not Found",
                                   message="That number or address does not exist.")],
            Outcome.FAILED, 404, id="outgoing not found",
        ),
        pytest.param(
            [state(CALLING), state(ENDED, code=503, reason="Service Unavailable",
                                   message="The provider is unavailable right now.")],
            Outcome.FAILED, 503, id="outgoing provider down",
        ),
    ],
)
def test_outcomes(
    log: CallLog, history: HistoryStore, events: list[Event], outcome: Outcome, code: int
) -> None:
    for event in events:
        log.handle(event)

    record = only_call(history)
    ended = events[-1]
    assert isinstance(ended, CallStateChanged)
    assert (record.outcome, record.sip_code, record.sip_reason, record.message) == (
        outcome, code, ended.reason, ended.message,
    )
    assert record.ended_at is not None


def test_an_answered_call_has_its_times_and_duration(
    log: CallLog, history: HistoryStore, clock: Clock
) -> None:
    start = clock.now
    log.handle(state(CALLING))
    clock.advance(4)
    log.handle(state(CONNECTED))
    clock.advance(65.5)
    log.handle(state(ENDED, message="The other side hung up."))

    record = only_call(history)
    assert record.direction is OUT
    assert record.started_at == start
    assert record.answered_at == start + timedelta(seconds=4)
    assert record.ended_at == start + timedelta(seconds=69.5)
    assert record.duration == 65.5
    assert (record.account, record.remote_uri, record.number) == (
        "provider", "sip:+12025550143@provider.example", "+12025550143",
    )


def test_the_row_exists_while_the_call_is_going_on(log: CallLog, history: HistoryStore) -> None:
    log.handle(incoming())

    record = only_call(history)
    assert record.outcome is Outcome.IN_PROGRESS
    assert (record.direction, record.remote_name, record.ended_at) == (IN, "Ada", None)


def test_quality_is_the_last_figures_whether_they_come_before_or_after_the_end(
    log: CallLog, history: HistoryStore
) -> None:
    log.handle(state(CALLING))
    log.handle(state(CONNECTED))
    log.handle(stats(mos=4.4))
    log.handle(stats(mos=3.9))
    log.handle(state(ENDED, message="You hung up."))
    log.handle(stats(mos=3.7, codec="PCMU"))  # the final figures, as the stream goes

    assert only_call(history).quality == CallQuality(
        codec="PCMU", mos=3.7, rx_loss_pct=1.0, tx_loss_pct=0.0, jitter_ms=3.5, rtt_ms=42.0
    )


def test_a_reused_call_id_starts_a_new_row(log: CallLog, history: HistoryStore) -> None:
    log.handle(state(CALLING))
    log.handle(state(ENDED, code=486, message="The line is busy."))
    log.handle(state(ENDED, code=486, message="The line is busy."))  # told twice: one call
    log.handle(incoming(remote_uri="sip:bob@example.com", name="Bob"))
    log.handle(stats(mos=4.1))

    second, first = history.calls()
    assert (first.outcome, first.quality) == (Outcome.BUSY, None)
    assert (second.outcome, second.remote_name) == (Outcome.IN_PROGRESS, "Bob")
    assert second.quality is not None and second.quality.mos == 4.1


def test_a_call_first_heard_of_when_it_ends_is_still_recorded(
    log: CallLog, history: HistoryStore
) -> None:
    log.handle(state(ENDED, IN, 487, message="The caller hung up before you answered."))

    assert only_call(history).outcome is Outcome.MISSED


def test_the_contact_is_looked_up_by_number(history: HistoryStore, tmp_path: Path) -> None:
    with ContactStore.open(tmp_path / "contacts.sqlite3", "US") as contacts:
        ada = contacts.add(Contact("Ada Lovelace", numbers=(ContactNumber("(202) 555-0143"),)))
        log = CallLog(history, contacts.lookup_name, "US")

        log.handle(incoming(remote_uri="sip:2025550143@provider.example"))

    record = only_call(history)
    assert (record.contact_id, record.contact_name) == (ada.id, "Ada Lovelace")
    assert record.call_back_target == "+12025550143"


@pytest.mark.parametrize(
    ("remote_uri", "target"),
    [
        ("sip:+12025550143@provider.example;user=phone", "+12025550143"),
        ("sip:2025550143@provider.example", "+12025550143"),
        ("sip:1001@pbx.example", "1001"),
        ("sip:alice@example.com", "sip:alice@example.com"),
        ("sip:5550143@provider.example", "sip:5550143@provider.example"),
        ("sip:anonymous@anonymous.invalid", None),
        ("sip:Restricted@provider.example", None),
        ("", None),
    ],
)
def test_call_back_target(
    log: CallLog, history: HistoryStore, remote_uri: str, target: str | None
) -> None:
    log.handle(incoming(remote_uri=remote_uri))

    assert only_call(history).call_back_target == target


def test_events_from_the_engine_thread_are_written(log: CallLog, history: HistoryStore) -> None:
    events = [state(CALLING), state(CONNECTED), stats(), state(ENDED, message="You hung up.")]
    engine = threading.Thread(target=lambda: [log.handle(event) for event in events])

    engine.start()
    engine.join()

    assert only_call(history).outcome is Outcome.ANSWERED


def test_a_history_that_cannot_be_written_does_not_stop_the_call(
    log: CallLog, history: HistoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    history.close()

    log.handle(state(CALLING))

    assert "could not be written" in caplog.text
