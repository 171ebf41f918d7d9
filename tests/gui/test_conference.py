"""Merging calls from the call view, the participant list, and leaving the conference."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from softphone.events import CallState, CallStateChanged
from softphone.ui.conference import HANG_UP_COLUMN, SPLIT_COLUMN
from softphone.ui.main_window import MainWindow
from tests.gui.call_engine import CallEngine, engine  # noqa: F401 (fixture)
from tests.gui.events import call_state, flags

ALICE = "sip:+12025550111@sip.example.net"


def state(call_id: int, remote: str = ALICE) -> CallStateChanged:
    return replace(call_state(CallState.CONNECTED, call_id=call_id), remote_uri=remote)


def conference_of(deliver: Any, *call_ids: int) -> None:
    for call_id in call_ids:
        deliver(replace(flags(call_id=call_id), conference=True))


@pytest.fixture
def two_calls(window: MainWindow, deliver: Any) -> MainWindow:
    deliver(call_state(CallState.CONNECTED, call_id=1))
    deliver(state(2))
    return window


def test_merge_joins_the_connected_calls_and_lists_them(
        two_calls: MainWindow, engine: CallEngine, deliver: Any) -> None:  # noqa: F811
    view = two_calls.call_view
    assert not view.conference.isVisible()
    assert view.merge_button.isVisible() and view.merge_button.isEnabled()
    view.merge_button.click()
    assert engine.calls == [("merge", [1, 2])]
    conference_of(deliver, 1, 2)
    assert view.conference.isVisible()
    assert view.conference.title.text() == "Conference with 2 others"
    assert view.conference.rows_shown() == [(1, "+1 202-555-0143", "Connected"),
                                            (2, "+1 202-555-0111", "Connected")]
    assert not view.merge_button.isEnabled(), "everyone is in already"
    deliver(state(3, "sip:+12025550122@sip.example.net"))
    assert view.merge_button.isEnabled(), "a third call can be added"


def test_each_participant_can_be_split_off_or_hung_up(
        two_calls: MainWindow, engine: CallEngine, deliver: Any) -> None:  # noqa: F811
    conference = two_calls.call_view.conference
    conference_of(deliver, 1, 2)
    conference.button(0, SPLIT_COLUMN).click()
    conference.button(1, HANG_UP_COLUMN).click()
    assert engine.calls == [("split", 1), ("hangup", 2)]
    deliver(flags(call_id=1))
    assert conference.rows_shown() == [(2, "+1 202-555-0111", "Connected")]
    assert conference.title.text() == "Conference with 1 other person"
    deliver(call_state(CallState.ENDED, call_id=2))
    assert not conference.isVisible()


@pytest.mark.parametrize(("answer", "expected"), [
    ("Connect them", [("transfer_attended", 1, 2)]),
    ("Hang up all", [("hangup", 1), ("hangup", 2)]),
    ("Cancel", []),
])
def test_leave_asks_whether_to_hang_up_all_or_connect_the_two_others(
        two_calls: MainWindow, engine: CallEngine, deliver: Any,  # noqa: F811
        answer: str, expected: list[tuple[object, ...]]) -> None:
    conference = two_calls.call_view.conference
    conference_of(deliver, 1, 2)
    engine.members = [1, 2]
    conference.leave_button.click()
    question = conference.question
    assert question is not None and question.isVisible()
    assert "connect +1 202-555-0143 and +1 202-555-0111" in question.informativeText()
    [button] = [b for b in question.buttons() if b.text() == answer]
    button.click()
    assert engine.calls == expected


def test_with_three_others_leaving_can_only_hang_up(
        two_calls: MainWindow, engine: CallEngine, deliver: Any) -> None:  # noqa: F811
    deliver(state(3, "sip:+12025550122@sip.example.net"))
    conference_of(deliver, 1, 2, 3)
    two_calls.call_view.conference.leave_button.click()
    question = two_calls.call_view.conference.question
    assert question is not None
    assert [b.text() for b in question.buttons()
            if question.buttonRole(b) != QMessageBox.ButtonRole.RejectRole] == ["Hang up all"]
