"""The tray icon says how the phone stands (state, Do Not Disturb, a badge for missed calls)
and its menu dials favourites and recent numbers, switches Do Not Disturb and follows the calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from softphone.config import load_config
from softphone.contacts import Contact, ContactNumber, ContactStore
from softphone.events import CallState, Direction, IncomingCall
from softphone.history import HistoryStore, Outcome
from softphone.ui.adapter import EngineBridge
from softphone.ui.do_not_disturb import DoNotDisturb
from softphone.ui.incoming import IncomingCalls
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from softphone.ui.tray import Tray
from softphone.ui.tray_icon import BADGE_COLOUR
from tests.gui.books import contacts, history, open_window  # noqa: F401 (fixtures)
from tests.gui.conftest import Recorder
from tests.gui.events import call_state, registration
from tests.gui.test_history_view import record
from tests.integration.conftest import kamailio, sipp_uac  # noqa: F401 (fixtures)
from tests.integration.lines import NUMBER, PASSWORD, USER, Line, account
from tests.integration.softphone_cli import Outcome as Run
from tests.integration.softphone_cli import Softphone, write_config
from tests.peers.kamailio import Kamailio
from tests.peers.sipp import SippUAC

ICON_SIZE = 64
BADGE_CENTRE_X = round(ICON_SIZE * 0.7)  # inside the disc, beside the digit
BADGE_LOWER_Y = round(ICON_SIZE * 0.52)  # inside the disc, below the digit
REGISTERED_GREEN = QColor("#1f7a4d")
DND_INDIGO = QColor("#4b3f8c")
CONFIG = """# my provider
[[account]]
name = "provider"
username = "1001"
domain = "sip.example.net"
"""


def image_of(tray: Tray) -> QImage:
    return tray.icon().pixmap(ICON_SIZE, ICON_SIZE).toImage()


def close_to(colour: QColor, expected: QColor, tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(
        colour.getRgb()[:3], expected.getRgb()[:3], strict=True))


def test_the_icon_and_menu_follow_registration_and_calls(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any) -> None:
    tray = Tray(window, window.session, QApplication.quit)
    assert tray.toolTip() == "Softphone: not registered"
    assert not tray.hang_up.isVisible()
    deliver(registration(True))
    assert tray.toolTip() == "Softphone: registered"
    assert close_to(image_of(tray).pixelColor(8, 32), REGISTERED_GREEN)
    deliver(call_state(CallState.CONNECTED, call_id=2))
    assert tray.toolTip() == "Softphone: in a call"
    assert tray.hang_up.isVisible()
    tray.hang_up.trigger()
    assert engine.calls == [("hangup", 2)]


def test_recent_numbers_redial(qtbot: QtBot, window: MainWindow, engine: Recorder) -> None:
    tray = Tray(window, window.session, QApplication.quit)
    qtbot.keyClicks(window.number, "+44 20 7946 0958")
    qtbot.keyClick(window.number, Qt.Key.Key_Return)
    tray.menu.aboutToShow.emit()
    [recent] = tray.recent.actions()
    assert recent.text() == "+44 20 7946 0958"
    recent.trigger()
    assert [call[2] for call in engine.calls] == ["sip:+442079460958@sip.example.net"] * 2


def test_favourites_dial_with_one_click(
        qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
        contacts: ContactStore, history: HistoryStore) -> None:  # noqa: F811
    contacts.add(Contact("Ada Lovelace", (ContactNumber("+44 20 7946 0958", "mobile"),
                                          ContactNumber("(202) 555-0143", "work")),
                         favourite=True))
    contacts.add(Contact("Charles Babbage", (ContactNumber("+44 20 7946 0000"),)))
    window = open_window(qtbot, engine, bridge, session, contacts, history)
    tray = Tray(window, session, QApplication.quit, contacts=contacts)
    assert [action.text() for action in tray.favourites.actions()] == [
        "Ada Lovelace (mobile): +44 20 7946 0958", "Ada Lovelace (work): +1 202-555-0143"]
    tray.favourites.actions()[1].trigger()
    assert engine.calls[-1][:3] == ("dial", "provider", "sip:+12025550143@sip.example.net")

    contacts.add(Contact("Grace Hopper", (ContactNumber("sip:grace@example.net", "other"),),
                         favourite=True))
    tray.menu.aboutToShow.emit()  # the menu is read again each time it opens
    assert tray.favourites.actions()[-1].text() == "Grace Hopper: sip:grace@example.net"


def test_do_not_disturb_is_switched_from_the_menu_and_saved(
        qtbot: QtBot, window: MainWindow, engine: Recorder, deliver: Any,
        tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    switch = DoNotDisturb(window.phone, path)
    tray = Tray(window, window.session, QApplication.quit, do_not_disturb=switch)
    deliver(registration(True))
    assert not tray.do_not_disturb.isChecked()

    tray.do_not_disturb.trigger()
    assert engine.calls == [("set_do_not_disturb", True)]
    assert tray.do_not_disturb.isChecked()
    assert tray.toolTip() == "Softphone: registered\nDo Not Disturb is on"
    assert close_to(image_of(tray).pixelColor(8, 32), DND_INDIGO)
    assert load_config(path).calls.do_not_disturb
    assert path.read_text().startswith(CONFIG), "the rest of the file is as the user wrote it"

    tray.do_not_disturb.trigger()
    assert engine.calls[-1] == ("set_do_not_disturb", False)
    assert tray.toolTip() == "Softphone: registered"
    assert not load_config(path).calls.do_not_disturb


def test_a_config_file_that_does_not_load_is_not_written_over(
        qtbot: QtBot, window: MainWindow, engine: Recorder, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + 'transport = "sctp"\n')
    problem = DoNotDisturb(window.phone, path).set(True)
    assert problem is not None
    assert problem.startswith("Do Not Disturb is on until Softphone quits: it could not be "
                              "saved in the settings (")
    assert engine.calls == [("set_do_not_disturb", True)]
    assert path.read_text() == CONFIG + 'transport = "sctp"\n'


def test_missed_calls_badge_the_icon_until_the_history_tab_is_seen(
        qtbot: QtBot, engine: Recorder, bridge: EngineBridge, session: Session,
        contacts: ContactStore, history: HistoryStore, deliver: Any) -> None:  # noqa: F811
    record(history, Direction.INCOMING, Outcome.MISSED, "+12025550199", minutes_ago=5)
    record(history, Direction.INCOMING, Outcome.MISSED, "+12025550198", minutes_ago=3)
    window = open_window(qtbot, engine, bridge, session, contacts, history)
    tray = Tray(window, session, QApplication.quit)
    deliver(registration(True))
    assert tray.toolTip() == "Softphone: registered\n2 missed calls"
    image = image_of(tray)
    assert close_to(image.pixelColor(BADGE_CENTRE_X, BADGE_LOWER_Y), BADGE_COLOUR)
    digit = [image.pixelColor(x, y) for x in range(BADGE_CENTRE_X - 6, BADGE_CENTRE_X + 7)
             for y in range(8, 22)]
    assert any(close_to(colour, QColor("white"), 40) for colour in digit), "the count shows"

    assert window.history_view is not None
    window.tabs.setCurrentWidget(window.history_view)
    assert tray.toolTip() == "Softphone: registered"
    assert close_to(image_of(tray).pixelColor(BADGE_CENTRE_X, BADGE_LOWER_Y),
                    REGISTERED_GREEN)


def test_left_click_shows_or_hides_the_window(qtbot: QtBot, window: MainWindow) -> None:
    tray = Tray(window, window.session, QApplication.quit)
    tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert not window.isVisible()
    tray.menu.aboutToShow.emit()
    assert tray.show_window.text() == "Show window"
    tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert window.isVisible()
    tray.menu.aboutToShow.emit()
    assert tray.show_window.text() == "Hide window"


def test_clicking_the_call_notification_brings_up_the_popup(
        qtbot: QtBot, window: MainWindow, deliver: Any) -> None:
    incoming = IncomingCalls(Recorder(), window.session)  # type: ignore[arg-type]
    tray = Tray(window, window.session, QApplication.quit, incoming=incoming)
    deliver(IncomingCall(call_id=3, account="provider", remote_uri="sip:200@example.net",
                         remote_name="Reception", remote_number="200"))
    popup = incoming.popups[3]
    popup.hide()
    tray.messageClicked.emit()
    assert popup.isVisible()
    popup.close()


def run_tray_flow(tmp_path: Path, config: Path, flow: str,
                  monkeypatch: pytest.MonkeyPatch) -> Softphone:
    """tests/gui/tray_flow.py in a process of its own (one pjsua endpoint per process), its
    contacts and history in the test's folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    return Softphone(tmp_path, [str(config), flow], PASSWORD,
                     module="tests.gui.tray_flow").start()


def steps_of(outcome: Run) -> dict[str, dict[str, Any]]:
    return {event["event"]: event for event in outcome.events}


@pytest.mark.integration
def test_a_favourite_in_the_tray_menu_is_dialled_and_connects(
        tmp_path: Path, line: Callable[..., Line], monkeypatch: pytest.MonkeyPatch) -> None:
    setup = line("answer_echo")
    with ContactStore.open(tmp_path / "data" / "softphone" / "contacts.sqlite3", "US") as book:
        book.add(Contact("Ada Lovelace", (ContactNumber(NUMBER, "work"),), favourite=True))
        book.add(Contact("Charles Babbage", (ContactNumber("+44 20 7946 0000"),)))
    outcome = run_tray_flow(tmp_path, setup.config, "favourite", monkeypatch).finish(90)

    assert outcome.returncode == 0, outcome
    steps = steps_of(outcome)
    assert steps["favourites"]["shown"] == ["Ada Lovelace: +1 202-555-0143"]
    assert steps["call"]["shown"] == "Connected", outcome
    assert steps["call"]["who"] == "Ada Lovelace", "named from the contacts"
    assert steps["call"]["tooltip"] == "Softphone: in a call"
    assert steps["ended"]["shown"] == "You hung up."


@pytest.mark.integration
def test_with_do_not_disturb_from_the_tray_a_caller_hears_busy_and_is_listed_as_missed(
        tmp_path: Path, kamailio: Kamailio, sipp_uac: Callable[..., SippUAC],  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path / "config.toml", [account(kamailio)])
    run = run_tray_flow(tmp_path, config, "do_not_disturb", monkeypatch)
    switched = run.wait_for("do_not_disturb", timeout=40)
    assert switched["checked"]
    assert switched["tooltip"] == "Softphone: registered\nDo Not Disturb is on"
    assert load_config(config).calls.do_not_disturb, "saved for the next start"
    caller = sipp_uac("uac_call", kamailio.port, USER)
    caller.wait(20)
    outcome = run.finish(60)

    assert outcome.returncode == 0, outcome
    codes = [code for code in caller.received_codes() if code >= 180]
    assert codes and set(codes) == {486}, caller.messages()
    missed = steps_of(outcome)["history"]
    assert missed["row"][0] == "↙ In" and missed["row"][4] == "Missed", missed
    assert missed["tooltip"].endswith("\n1 missed call"), "the tray icon has the badge"
    assert missed["message"] == "Missed while Do Not Disturb was on (the caller heard busy)."
    assert missed["popups"] == 0, "nothing popped up"
