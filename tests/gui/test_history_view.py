"""The History tab: all or missed calls, call back, delete, clear, the missed-call count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from softphone.config import AccountConfig
from softphone.contacts import ContactStore
from softphone.events import CallState, Direction
from softphone.history import CallQuality, HistoryStore, Outcome
from softphone.ui.adapter import EngineBridge
from softphone.ui.history_view import ACCOUNT as ACCOUNT_COLUMN
from softphone.ui.history_view import HistoryView
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.gui.books import contacts, history, open_window  # noqa: F401 (fixtures)
from tests.gui.conftest import ACCOUNT, Recorder
from tests.gui.events import call_state

NOW = datetime.now(UTC)


def record(store: HistoryStore, direction: Direction, outcome: Outcome, number: str | None,
           name: str = "", minutes_ago: int = 0, talked: float = 0.0,
           account: str = "provider") -> int:
    started = NOW - timedelta(minutes=minutes_ago)
    row = store.start(direction=direction, account=account,
                      remote_uri=f"sip:{number or 'anonymous'}@sip.example.net",
                      remote_name=name, number=number, contact=None, started_at=started)
    if outcome is Outcome.ANSWERED:
        store.answered(row, started + timedelta(seconds=2))
    store.finish(row, ended_at=started + timedelta(seconds=2 + talked), outcome=outcome,
                 duration=talked, sip_code=200, sip_reason="OK", message="")
    return row


@pytest.fixture
def books_window(qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
                 contacts: ContactStore, history: HistoryStore) -> MainWindow:  # noqa: F811
    record(history, Direction.OUTGOING, Outcome.ANSWERED, "+12025550143", "Alice",
           minutes_ago=30, talked=125)
    record(history, Direction.INCOMING, Outcome.MISSED, "+12025550199", "Bob", minutes_ago=20)
    record(history, Direction.INCOMING, Outcome.MISSED, None, minutes_ago=10)
    record(history, Direction.OUTGOING, Outcome.BUSY, "+442079460018", minutes_ago=25)
    return open_window(qtbot, engine, bridge, session, contacts, history)


def view_of(window: MainWindow) -> HistoryView:
    assert window.history_view is not None
    return window.history_view


def rows(view: HistoryView) -> list[list[str]]:
    return [[view.list.topLevelItem(i).text(column) for column in (0, 1, 3, 4)]
            for i in range(view.list.topLevelItemCount())]


def test_calls_are_listed_newest_first_with_direction_duration_and_outcome(
        books_window: MainWindow) -> None:
    assert rows(view_of(books_window)) == [
        ["↙ In", "Withheld number", "", "Missed"],
        ["↙ In", "Bob", "", "Missed"],
        ["↗ Out", "+44 20 7946 0018", "", "Busy"],  # a number without a name, readable
        ["↗ Out", "Alice", "2:05", "Answered"],
    ]


def test_the_missed_filter_shows_only_missed_calls(books_window: MainWindow) -> None:
    view = view_of(books_window)
    view.filter.setCurrentIndex(1)
    assert [row[-1] for row in rows(view)] == ["Missed", "Missed"]
    view.filter.setCurrentIndex(0)
    assert len(rows(view)) == 4


def test_call_back_dials_the_calls_number(
        qtbot: QtBot, books_window: MainWindow, engine: Recorder) -> None:
    view = view_of(books_window)
    view.list.setCurrentItem(view.list.topLevelItem(0))
    assert not view.call_back.isEnabled()  # a withheld number cannot be called back
    view.list.setCurrentItem(view.list.topLevelItem(1))
    qtbot.mouseClick(view.call_back, Qt.MouseButton.LeftButton)
    assert engine.calls == [("dial", "provider", "sip:+12025550199@sip.example.net", {})]
    assert books_window.tabs.currentIndex() == 0


def test_double_click_calls_back_through_the_window(
        books_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    dialled: list[str] = []
    monkeypatch.setattr(books_window, "dial_text", dialled.append)
    view = view_of(books_window)
    item = view.list.topLevelItem(3)
    view.list.setCurrentItem(item)
    view.list.itemDoubleClicked.emit(item, 1)
    assert dialled == ["+12025550143"]


def test_the_tab_counts_unseen_missed_calls_until_it_is_opened(
        books_window: MainWindow, history: HistoryStore) -> None:  # noqa: F811
    tabs = books_window.tabs
    assert tabs.tabText(2) == "History (2)"
    tabs.setCurrentIndex(2)
    assert tabs.tabText(2) == "History"
    assert history.unseen_missed() == 0


def test_a_call_that_ends_shows_up_after_the_writer_had_time(
        qtbot: QtBot, books_window: MainWindow, history: HistoryStore,  # noqa: F811
        deliver: Any) -> None:
    view = view_of(books_window)
    record(history, Direction.INCOMING, Outcome.MISSED, "+12025550100", "Carol")
    deliver(call_state(CallState.ENDED, call_id=4))
    qtbot.waitUntil(lambda: len(rows(view)) == 5, timeout=3000)
    assert rows(view)[0][1] == "Carol"
    assert books_window.tabs.tabText(2) == "History (3)"


def test_delete_removes_the_selected_call_and_clear_all_asks_first(
        qtbot: QtBot, books_window: MainWindow, history: HistoryStore,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = view_of(books_window)
    view.list.setCurrentItem(view.list.topLevelItem(1))
    qtbot.mouseClick(view.delete, Qt.MouseButton.LeftButton)
    assert [row[1] for row in rows(view)] == ["Withheld number", "+44 20 7946 0018", "Alice"]
    answers = iter([False, True])
    monkeypatch.setattr(view, "confirm", lambda _question: next(answers))
    qtbot.mouseClick(view.clear_all, Qt.MouseButton.LeftButton)
    assert len(rows(view)) == 3  # "No": nothing forgotten
    qtbot.mouseClick(view.clear_all, Qt.MouseButton.LeftButton)
    assert rows(view) == [] and history.calls() == []


def test_reloading_never_marks_a_call_in_progress_as_interrupted(
        books_window: MainWindow, history: HistoryStore) -> None:  # noqa: F811
    """The view reads the store opened once at start; only opening it again would do that."""
    row = history.start(direction=Direction.OUTGOING, account="provider",
                        remote_uri="sip:+12025550100@sip.example.net", remote_name="",
                        number="+12025550100", contact=None, started_at=NOW)
    view_of(books_window).reload()
    assert rows(view_of(books_window))[0][-1] == "In progress"
    assert (found := history.get(row)) is not None and found.outcome is Outcome.IN_PROGRESS


def test_a_rows_tooltip_says_how_the_call_sounded(
        books_window: MainWindow, history: HistoryStore) -> None:  # noqa: F811
    row = record(history, Direction.OUTGOING, Outcome.ANSWERED, "+12025550100", talked=60)
    history.set_quality(row, CallQuality(codec="G722", mos=4.2, rx_loss_pct=0.0,
                                         tx_loss_pct=0.0, jitter_ms=0.3, rtt_ms=20.0))
    view = view_of(books_window)
    view.reload()
    tooltip = view.list.topLevelItem(0).toolTip(1)
    assert "Sound: good (MOS 4.2, G722)" in tooltip
    assert "Loss in/out 0.0% / 0.0%, jitter 0.3 ms, round trip 20 ms" in tooltip
    assert "Account: provider" in tooltip


def test_incoming_and_outgoing_filters(books_window: MainWindow) -> None:
    view = view_of(books_window)
    view.filter.setCurrentText("Incoming")
    assert [row[0] for row in rows(view)] == ["↙ In"] * 2
    view.filter.setCurrentText("Outgoing")
    assert [row[1] for row in rows(view)] == ["+44 20 7946 0018", "Alice"]


def test_search_narrows_the_list_by_name_or_digits(
        qtbot: QtBot, books_window: MainWindow) -> None:
    view = view_of(books_window)
    qtbot.keyClicks(view.search, "bob")
    assert [row[1] for row in rows(view)] == ["Bob"]
    view.search.setText("7946")
    assert [row[1] for row in rows(view)] == ["+44 20 7946 0018"]


def test_each_callable_row_has_a_one_click_call_button(
        qtbot: QtBot, books_window: MainWindow, engine: Recorder) -> None:
    view = view_of(books_window)
    assert view.call_button(0) is None, "a withheld number has nothing to call"
    button = view.call_button(1)
    assert button is not None and button.toolTip() == "Call +1 202-555-0199"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert engine.calls == [("dial", "provider", "sip:+12025550199@sip.example.net", {})]
    assert books_window.tabs.currentIndex() == 0


def test_a_failed_call_shows_its_sip_code(
        books_window: MainWindow, history: HistoryStore) -> None:  # noqa: F811
    row = history.start(direction=Direction.OUTGOING, account="provider",
                        remote_uri="sip:+12025550100@sip.example.net", remote_name="",
                        number="+12025550100", contact=None, started_at=NOW)
    history.finish(row, ended_at=NOW, outcome=Outcome.FAILED, duration=0, sip_code=503,
                   sip_reason="Service Unavailable", message="The provider is unavailable.")
    view = view_of(books_window)
    view.reload()
    first = view.list.topLevelItem(0)
    assert first.text(4) == "Failed (503)"
    assert "SIP 503 Service Unavailable" in first.toolTip(1)


def test_calls_back_through_the_account_the_call_was_on(
        qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
        contacts: ContactStore, history: HistoryStore) -> None:  # noqa: F811
    """With two accounts the Account column shows, and a call back uses the call's own."""
    office = AccountConfig(name="office", username="200", domain="pbx.example.org",
                           default_country="US")
    record(history, Direction.INCOMING, Outcome.MISSED, "+12025550199", account="office")
    record(history, Direction.INCOMING, Outcome.MISSED, "+12025550143", minutes_ago=5)
    window = open_window(qtbot, engine, bridge, session, contacts, history,
                         (ACCOUNT, office))
    view = view_of(window)
    assert not view.list.isColumnHidden(ACCOUNT_COLUMN)
    assert view.list.topLevelItem(0).text(ACCOUNT_COLUMN) == "office"
    qtbot.mouseClick(view.call_button(0), Qt.MouseButton.LeftButton)
    assert engine.calls == [("dial", "office", "sip:+12025550199@pbx.example.org", {})]
    assert window.accounts.current == office, "the picker shows the account it went through"


def test_with_one_account_there_is_no_account_column(books_window: MainWindow) -> None:
    assert view_of(books_window).list.isColumnHidden(ACCOUNT_COLUMN)
