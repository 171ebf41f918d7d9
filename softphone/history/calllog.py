"""Turns the engine's call events into rows of the call history.

pjsua reuses call ids once a call is over, so a row belongs to an id only from the event that
starts a call until the one that ends it. The final CallStats may come just before or just
after the ENDED event; both reach the row.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from softphone.contacts.model import Contact
from softphone.events import CallState, CallStateChanged, CallStats, Direction, Event, IncomingCall
from softphone.history.model import CallQuality
from softphone.history.outcome import outcome_of
from softphone.history.party import dialable
from softphone.history.store import HistoryStore
from softphone.storage import DatabaseLocked

_log = logging.getLogger(__name__)

Lookup = Callable[[str], Contact | None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _nobody(_: str) -> Contact | None:
    return None


@dataclass
class _LiveCall:
    row: int
    answered_at: datetime | None = None


class CallLog:
    """Feed it every engine event; it records the calls.

    `lookup` finds the contact for a caller (`ContactStore.lookup_name`), `default_country`
    reads numbers in national format, `clock` says what time it is (UTC).
    """

    def __init__(
        self,
        history: HistoryStore,
        lookup: Lookup = _nobody,
        default_country: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._history = history
        self._lookup = lookup
        self._default_country = default_country
        self._clock = clock
        self._live: dict[int, _LiveCall] = {}
        self._ended: dict[int, int] = {}  # call id -> row of the last call that ended with it

    def handle(self, event: Event) -> None:
        """Record what `event` says about a call. A history that can't be written is logged,
        never raised: the call itself must go on. Only DatabaseLocked is raised: nothing was
        written, and handing the same event in again later records it then."""
        try:
            if isinstance(event, IncomingCall):
                self._begin(event.call_id, Direction.INCOMING, event.account, event.remote_uri,
                            event.remote_name)
            elif isinstance(event, CallStateChanged):
                self._on_state(event)
            elif isinstance(event, CallStats):
                self._on_stats(event)
        except DatabaseLocked:
            raise
        except sqlite3.Error:
            _log.exception("the call history could not be written")

    def _on_state(self, event: CallStateChanged) -> None:
        live = self._live.get(event.call_id)
        if live is None:
            if event.state is CallState.ENDED and event.call_id in self._ended:
                return  # the end of a call already recorded
            live = self._begin(event.call_id, event.direction, event.account, event.remote_uri,
                               event.remote_name)
        if event.state is CallState.CONNECTED and live.answered_at is None:
            answered_at = self._clock()
            self._history.answered(live.row, answered_at)
            live.answered_at = answered_at
        elif event.state is CallState.ENDED:
            self._end(event, live)

    def _begin(
        self, call_id: int, direction: Direction, account: str, remote_uri: str, remote_name: str
    ) -> _LiveCall:
        self._ended.pop(call_id, None)
        row = self._history.start(
            direction=direction,
            account=account,
            remote_uri=remote_uri,
            remote_name=remote_name,
            number=dialable(remote_uri, self._default_country),
            contact=self._lookup(remote_uri),
            started_at=self._clock(),
        )
        live = self._live[call_id] = _LiveCall(row)
        return live

    def _end(self, event: CallStateChanged, live: _LiveCall) -> None:
        ended_at = self._clock()
        talked = (ended_at - live.answered_at).total_seconds() if live.answered_at else 0.0
        self._history.finish(
            live.row,
            ended_at=ended_at,
            outcome=outcome_of(event, answered=live.answered_at is not None),
            duration=max(talked, 0.0),  # the wall clock may have been set back mid-call
            sip_code=event.code,
            sip_reason=event.reason,
            message=event.message,
        )
        del self._live[event.call_id]
        self._ended[event.call_id] = live.row

    def _on_stats(self, stats: CallStats) -> None:
        live = self._live.get(stats.call_id)
        row = live.row if live else self._ended.get(stats.call_id)
        if row is not None:
            self._history.set_quality(
                row,
                CallQuality(
                    codec=stats.codec,
                    mos=stats.mos,
                    rx_loss_pct=stats.rx_loss_pct,
                    tx_loss_pct=stats.tx_loss_pct,
                    jitter_ms=stats.jitter_ms,
                    rtt_ms=stats.rtt_ms,
                ),
            )
