"""The in-call level meters, from the real pipeline on a JACK device: levels come while a call
is there to show them (here the built-in echo line, our own voice looped speaker → microphone)
and stop between calls, so an idle app does not wake its window ten times a second."""

from __future__ import annotations

import time

import pytest

from softphone.config import Config
from softphone.events import AudioLevels, CallState, CallStateChanged, Event
from softphone.phone import Phone
from tests.integration.audio.jack import JackServer
from tests.integration.audio.test_jack_pipeline import wait_until

pytestmark = pytest.mark.integration

METER_HZ = 20
QUIET_SECONDS = 1.0


def levels(events: list[Event]) -> list[AudioLevels]:
    return [event for event in events if isinstance(event, AudioLevels)]


def reached(events: list[Event], state: CallState) -> bool:
    return any(isinstance(event, CallStateChanged) and event.state is state for event in events)


def test_levels_come_during_a_call_and_stop_between_calls(jack: JackServer) -> None:
    events: list[Event] = []
    phone = Phone(Config(), events.append)
    phone.start()
    try:
        phone.use_devices(meter_hz=METER_HZ)
        jack.loop_back()
        time.sleep(QUIET_SECONDS)
        assert levels(events) == [], "no call: nobody looks at the meters"

        call = phone.dial_echo_test()
        assert wait_until(lambda: reached(events, CallState.CONNECTED), timeout=15.0)
        assert wait_until(lambda: len(levels(events)) >= METER_HZ, timeout=10.0)
        phone.hangup(call)
        assert wait_until(lambda: reached(events, CallState.ENDED), timeout=10.0)
        time.sleep(2 / METER_HZ)  # a reading taken just before the end may still arrive
        during = len(levels(events))
        time.sleep(QUIET_SECONDS)
        assert len(levels(events)) == during, "the meters stop with the call"
    finally:
        phone.shutdown()
