"""The popup that says someone is calling."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from softphone.engine import EngineError
from softphone.events import IncomingCall
from softphone.numbers import display_number
from softphone.ui.wording import sentence

DECLINED = 603


class Answering(Protocol):
    """The Phone verbs the popup uses."""

    def answer(self, call_id: int) -> None: ...
    def answer_holding_others(self, call_id: int) -> None: ...
    def reject(self, call_id: int, code: int = 486) -> None: ...


class IncomingCallPopup(QWidget):
    """A small window kept in front of others until the call is answered, declined or given up
    by the caller; "Answer and hold current" is offered only while another call is going on."""

    def __init__(self, phone: Answering, call: IncomingCall, in_call: bool) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Incoming call")
        self.call_id = call.call_id
        self.caller = QLabel(
            call.remote_name or display_number(call.remote_number) or call.remote_uri)
        font = self.caller.font()
        font.setPointSize(16)
        self.caller.setFont(font)
        number = display_number(call.remote_number) if call.remote_name else ""
        self.detail = QLabel(f"{number} · to {call.account}" if number else f"to {call.account}")
        buttons = QHBoxLayout()
        self.answer = self._button("Answer", partial(phone.answer, call.call_id), buttons)
        self.answer_holding = self._button(
            "Answer and hold current", partial(phone.answer_holding_others, call.call_id),
            buttons)
        self.answer_holding.setVisible(in_call)
        self.decline = self._button("Decline", partial(phone.reject, call.call_id, DECLINED),
                                    buttons)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
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

    def _button(self, text: str, command: Callable[[], None], row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: self._act(command))
        row.addWidget(button)
        return button

    def _act(self, command: Callable[[], None]) -> None:
        """Close once the command is on its way; a refused one (the caller just gave up) is
        said in the popup instead."""
        try:
            command()
        except EngineError as error:
            self.error.setText(sentence(error))
            return
        self.close()
