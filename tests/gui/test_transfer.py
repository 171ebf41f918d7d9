"""Transfer from the call view: blind to a typed, recent or contact's number, attended to the
other call, and what the far end reports about it, in words."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from softphone.contacts import MOBILE, Contact, ContactNumber, ContactStore
from softphone.events import CallState, TransferProgress
from softphone.history import HistoryStore
from softphone.ui.adapter import EngineBridge
from softphone.ui.main_window import MainWindow
from softphone.ui.session import Session
from tests.gui.books import contacts, history, open_window  # noqa: F401 (fixtures)
from tests.gui.call_engine import CallEngine, engine  # noqa: F401 (fixture)
from tests.gui.events import call_state

TRANSFERRED_TO = "sip:+12025550199@sip.example.net"


def progress(code: int, final: bool) -> TransferProgress:
    return TransferProgress(call_id=1, code=code, reason="", final=final, message="")


def open_transfer(window: MainWindow, deliver: Any) -> None:
    deliver(call_state(CallState.CONNECTED))
    window.call_view.transfer_button.click()
    assert window.call_view.transfer.isVisible()


def test_blind_transfer_to_a_typed_number_and_its_progress_in_words(
        qtbot: QtBot, window: MainWindow, engine: CallEngine, deliver: Any) -> None:  # noqa: F811
    open_transfer(window, deliver)
    panel = window.call_view.transfer
    assert not panel.complete_button.isVisible(), "no other call to connect with"
    qtbot.keyClicks(panel.target.lineEdit(), "(202) 555-0199")
    panel.transfer_button.click()
    assert engine.calls == [("transfer", 1, TRANSFERRED_TO)]
    assert panel.status.text() == "Transferring…"
    deliver(progress(100, final=False))
    assert panel.status.text() == "Transferring…"
    deliver(progress(486, final=True))
    assert panel.status.text() == "Transfer failed: The line is busy."
    deliver(progress(200, final=True))
    assert panel.status.text() == "Transferred"


def test_a_number_that_cannot_be_dialled_is_refused_before_any_transfer(
        qtbot: QtBot, window: MainWindow, engine: CallEngine, deliver: Any) -> None:  # noqa: F811
    open_transfer(window, deliver)
    panel = window.call_view.transfer
    qtbot.keyClicks(panel.target.lineEdit(), "not a number")
    panel.transfer_button.click()
    assert engine.calls == []
    assert window.message.text() == ("'not a number' contains letters that are not part of a "
                                     "vanity number such as 1-800-FLOWERS.")
    assert panel.status.text() == ""


def test_a_recent_number_or_a_contacts_number_can_be_picked(
        qtbot: QtBot, bridge: EngineBridge, session: Session, engine: CallEngine,  # noqa: F811
        contacts: ContactStore, history: HistoryStore, deliver: Any) -> None:  # noqa: F811
    contacts.add(Contact("Bob Jones", (ContactNumber("(202) 555-0199", MOBILE),)))
    window = open_window(qtbot, engine, bridge, session, contacts, history)
    session.remember("(202) 555-0111")
    open_transfer(window, deliver)
    target = window.call_view.transfer.target
    assert [target.itemText(i) for i in range(target.count())] == [
        "(202) 555-0111", "Bob Jones — mobile  (202) 555-0199"]
    target.setCurrentIndex(1)
    window.call_view.transfer.transfer_button.click()
    assert engine.calls == [("transfer", 1, TRANSFERRED_TO)]


def test_complete_transfer_connects_the_held_call_with_the_one_on_screen(
        window: MainWindow, engine: CallEngine, deliver: Any) -> None:  # noqa: F811
    view = window.call_view
    deliver(call_state(CallState.CONNECTED, call_id=1))
    deliver(call_state(CallState.CONNECTED, call_id=2))
    view.transfer_button.click()
    panel = view.transfer
    assert panel.complete_button.isVisible()
    assert [panel.other.itemText(i) for i in range(panel.other.count())] == [
        "+1 202-555-0143 (Connected)"]
    panel.complete_button.click()
    assert engine.calls == [("transfer_attended", 1, 2)]
    assert panel.status.text() == "Transferring…"
