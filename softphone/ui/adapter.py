"""The one place engine events cross into Qt.

The engine calls `deliver` on its own thread; widgets must only be touched on the GUI thread.
`deliver` emits a signal that is connected to `_dispatch` with a queued connection, so every
signal widgets see is emitted on the thread the bridge lives on (the GUI thread), whatever
thread the event came from.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from softphone.events import (
    AudioLevels,
    CallFlagsChanged,
    CallStateChanged,
    CallStats,
    DtmfReceived,
    EngineProblem,
    Event,
    IncomingCall,
    RegistrationChanged,
    TransferProgress,
    TransferRequested,
)


class EngineBridge(QObject):
    """Re-emits engine events as Qt signals on the GUI thread: `event` for every event, and
    one typed signal per event class for widgets that care about one kind."""

    event = Signal(object)
    registration_changed = Signal(object)
    call_state_changed = Signal(object)
    incoming_call = Signal(object)
    call_stats = Signal(object)
    call_flags_changed = Signal(object)
    dtmf_received = Signal(object)
    transfer_progress = Signal(object)
    transfer_requested = Signal(object)
    audio_levels = Signal(object)
    engine_problem = Signal(object)

    _received = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._typed = {
            RegistrationChanged: self.registration_changed,
            CallStateChanged: self.call_state_changed,
            IncomingCall: self.incoming_call,
            CallStats: self.call_stats,
            CallFlagsChanged: self.call_flags_changed,
            DtmfReceived: self.dtmf_received,
            TransferProgress: self.transfer_progress,
            TransferRequested: self.transfer_requested,
            AudioLevels: self.audio_levels,
            EngineProblem: self.engine_problem,
        }
        self._received.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    def deliver(self, event: Event) -> None:
        """The Phone's `on_event` callback: safe to call from any thread."""
        self._received.emit(event)

    @Slot(object)
    def _dispatch(self, event: Event) -> None:
        self.event.emit(event)
        typed = self._typed.get(type(event))
        if typed is not None:  # an event kind newer than this bridge still reaches `event`
            typed.emit(event)
