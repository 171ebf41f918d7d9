"""Someone is calling: the popup in front of other windows, the ringtone, auto answer."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from softphone.contacts import ContactStore
from softphone.engine import EngineError
from softphone.events import CallState, IncomingCall
from softphone.ui.caller import Caller, contact_of, identify
from softphone.ui.session import Session
from softphone.ui.wording import sentence

DECLINED = 603
ANSWERED_STATES = (CallState.CONNECTING, CallState.CONNECTED)


class Answering(Protocol):
    """The Phone verbs the popup uses."""

    def answer(self, call_id: int) -> None: ...
    def answer_holding_others(self, call_id: int) -> None: ...
    def reject(self, call_id: int, code: int = 486) -> None: ...


class Ringing(Answering, Protocol):
    """The Phone verbs an incoming call sets off."""

    def start_ringing(self) -> None: ...
    def stop_ringing(self) -> None: ...


def caller_of(call: IncomingCall, contacts: ContactStore | None) -> Caller:
    """Who is calling, as a person knows them: the contact's name, else the name the caller
    sent, else the number (formatted), else the SIP address."""
    country = contacts.default_country if contacts is not None else None
    return identify(call.remote_uri, call.remote_name, contact_of(call.remote_uri, contacts),
                    country, call.remote_number)


class IncomingCallPopup(QWidget):
    """A small window kept in front of others until the call is answered, declined or given up
    by the caller; "Answer and hold current" is offered only while another call is going on.
    `answered` fires once Answer (or Answer and hold current) went out; `closed` whenever the
    popup goes, however it went."""

    answered = Signal()
    closed = Signal()

    def __init__(self, phone: Answering, call: IncomingCall, in_call: bool,
                 caller: Caller | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Incoming call")
        self.call_id = call.call_id
        caller = caller or caller_of(call, None)
        self.caller = QLabel(caller.name)
        font = self.caller.font()
        font.setPointSize(16)
        self.caller.setFont(font)
        self.detail = QLabel(f"{caller.number} · to {call.account}" if caller.number
                             else f"to {call.account}")
        buttons = QHBoxLayout()
        self.answer = self._button("Answer", partial(phone.answer, call.call_id), buttons,
                                   answers=True)
        self.answer_holding = self._button(
            "Answer and hold current", partial(phone.answer_holding_others, call.call_id),
            buttons, answers=True)
        self.answer_holding.setVisible(in_call)
        self.decline = self._button("Decline", partial(phone.reject, call.call_id, DECLINED),
                                    buttons)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()  # takes room only when there is something to say
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Incoming call"))
        layout.addWidget(self.caller)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    def present(self) -> None:
        """In front of whatever the user is doing."""
        self.show()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()

    def _button(self, text: str, command: Callable[[], None], row: QHBoxLayout,
                answers: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: self._act(command, answers))
        row.addWidget(button)
        return button

    def _act(self, command: Callable[[], None], answers: bool) -> None:
        """Close once the command is on its way; a refused one (the caller just gave up) is
        said in the popup instead."""
        try:
            command()
        except EngineError as error:
            self.error.setText(sentence(error))
            self.error.show()
            return
        if answers:
            self.answered.emit()
        self.close()


class IncomingCalls(QObject):
    """What an incoming call sets off. With auto answer and no other call, it is answered at
    once; otherwise a popup comes to the front and, unless a call is going on (the engine beeps
    in that call's ear instead), the ringtone plays until no popup is left. `arrived` says who
    is calling (for the tray's notification); `answered` fires when a call was taken here."""

    arrived = Signal(str)
    answered = Signal()

    def __init__(self, phone: Ringing, session: Session, contacts: ContactStore | None = None,
                 auto_answer: bool = False) -> None:
        super().__init__(session)
        self.phone = phone
        self.session = session
        self.contacts = contacts
        self.auto_answer = auto_answer
        self.popups: dict[int, IncomingCallPopup] = {}
        self.ringing = False
        session.bridge.incoming_call.connect(self._incoming)
        session.call_ended.connect(lambda event: self._dismiss(event.call_id))
        session.changed.connect(self._follow)

    def present(self) -> None:
        """The newest caller's popup to the front (the tray notification was clicked)."""
        if self.popups:
            list(self.popups.values())[-1].present()

    def _others(self, call_id: int) -> list[int]:
        """Calls going on besides `call_id` and the callers still waiting for an answer."""
        return [other for other in self.session.calls
                if other != call_id and other not in self.popups]

    def _incoming(self, call: IncomingCall) -> None:
        in_call = bool(self._others(call.call_id))
        if self.auto_answer and not in_call:
            # A caller who already gave up is reported by the call's end, as a missed call.
            with contextlib.suppress(EngineError):
                self.phone.answer(call.call_id)
                self.answered.emit()
            return
        caller = caller_of(call, self.contacts)
        popup = IncomingCallPopup(self.phone, call, in_call, caller)
        popup.closed.connect(lambda: self._dismiss(call.call_id))
        popup.answered.connect(self.answered)
        self.popups[call.call_id] = popup
        popup.present()
        self._ring()
        self.arrived.emit(caller.name)

    def _follow(self) -> None:
        """A call answered elsewhere (another front end, a transfer) needs no popup."""
        for call_id, info in list(self.session.calls.items()):
            if call_id in self.popups and info.state.state in ANSWERED_STATES:
                self._dismiss(call_id)
        self._ring()

    def _dismiss(self, call_id: int) -> None:
        popup = self.popups.pop(call_id, None)
        if popup is not None:
            popup.close()
        self._ring()

    def _ring(self) -> None:
        """Ring while a caller waits and no other call is going on."""
        wanted = bool(self.popups) and not any(
            call_id not in self.popups for call_id in self.session.calls)
        if wanted != self.ringing:
            self.ringing = wanted
            (self.phone.start_ringing if wanted else self.phone.stop_ringing)()
