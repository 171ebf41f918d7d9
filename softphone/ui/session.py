"""What this session of the app knows: each account's registration, each call, recent numbers.

The window and the tray both render from it, so they never disagree about whether there is a
call or whether an account is registered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from softphone.echo_line import ECHO_ACCOUNT
from softphone.events import (
    CallFlagsChanged,
    CallState,
    CallStateChanged,
    CallStats,
    IncomingCall,
    RegistrationChanged,
)
from softphone.ui.adapter import EngineBridge
from softphone.ui.wording import STATE_WORDS, sentence, who

RECENT_LIMIT = 10


@dataclass
class CallInfo:
    """The latest of everything the engine said about one call."""

    state: CallStateChanged
    flags: CallFlagsChanged | None = None
    stats: CallStats | None = None
    connected_at: float | None = None

    @property
    def call_id(self) -> int:
        return self.state.call_id

    @property
    def who(self) -> str:
        if self.state.account == ECHO_ACCOUNT:
            return "Echo test"
        return who(self.state.remote_name, self.state.remote_uri)

    @property
    def status(self) -> str:
        """Hold beats the SIP state: a connected call on hold is "On hold" to a person."""
        if self.flags and self.flags.on_hold:
            return "On hold"
        if self.flags and self.flags.remote_hold:
            return "Held by the other side"
        return STATE_WORDS[self.state.state]

    def seconds(self) -> float:
        return time.monotonic() - self.connected_at if self.connected_at else 0.0


@dataclass
class AccountStatus:
    """`text` is what the account picker shows next to the account."""

    registered: bool = False
    text: str = "Not registered"


class Session(QObject):
    """Follows the bridge's events; `changed` fires after any of them altered what is shown."""

    changed = Signal()
    call_ended = Signal(object)  # the final CallStateChanged

    def __init__(self, bridge: EngineBridge) -> None:
        super().__init__(bridge)
        self.bridge = bridge
        self.accounts: dict[str, AccountStatus] = {}
        self.calls: dict[int, CallInfo] = {}
        self.recent: list[str] = []
        self.bridge.registration_changed.connect(self._on_registration)
        self.bridge.call_state_changed.connect(self._on_call_state)
        self.bridge.call_flags_changed.connect(self._on_flags)
        self.bridge.call_stats.connect(self._on_stats)
        self.bridge.incoming_call.connect(self._on_incoming)

    def account_failed(self, name: str, error: Exception) -> None:
        """An account that could not even be set up (no password): shown, not raised."""
        self.accounts[name] = AccountStatus(False, f"Failed: {sentence(error)}")
        self.changed.emit()

    def account_starting(self, name: str, registers: bool) -> None:
        text = "Registering…" if registers else "Ready (no registration)"
        self.accounts[name] = AccountStatus(not registers, text)
        self.changed.emit()

    def remember(self, number: str) -> None:
        """Most recent first, each number once."""
        if number in self.recent:
            self.recent.remove(number)
        self.recent.insert(0, number)
        del self.recent[RECENT_LIMIT:]
        self.changed.emit()

    @property
    def any_registered(self) -> bool:
        return any(status.registered for status in self.accounts.values())

    def _on_registration(self, event: RegistrationChanged) -> None:
        if event.registered:
            text = "Registered"
        elif event.code >= 300 or event.retry_in is not None:
            text = f"Failed: {event.message}"
        else:
            text = "Not registered"
        self.accounts[event.account] = AccountStatus(event.registered, text)
        self.changed.emit()

    def _on_call_state(self, event: CallStateChanged) -> None:
        if event.state is CallState.ENDED:
            self.calls.pop(event.call_id, None)
            self.call_ended.emit(event)
        else:
            info = self.calls.setdefault(event.call_id, CallInfo(event))
            info.state = event
            if event.state is CallState.CONNECTED and info.connected_at is None:
                info.connected_at = time.monotonic()
        self.changed.emit()

    def _on_incoming(self, event: IncomingCall) -> None:
        self.remember(event.remote_number or event.remote_uri)

    def _on_flags(self, event: CallFlagsChanged) -> None:
        if event.call_id in self.calls:
            self.calls[event.call_id].flags = event
            self.changed.emit()

    def _on_stats(self, event: CallStats) -> None:
        if event.call_id in self.calls:
            self.calls[event.call_id].stats = event
            self.changed.emit()
