"""A history store in a fresh folder, a clock the test moves, and engine events as the engine
builds them (softphone/events.py), so the tests feed CallLog exactly what it will get."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from softphone.events import CallState, CallStateChanged, CallStats, Direction, IncomingCall
from softphone.history import CallLog, HistoryStore

ADA_URI = "sip:+12025550143@provider.example"


class Clock:
    """UTC time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def history_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def history(history_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore.open(history_path) as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def log(history: HistoryStore, clock: Clock) -> CallLog:
    return CallLog(history, default_country="US", clock=clock)


def incoming(call_id: int = 0, remote_uri: str = ADA_URI, name: str = "Ada") -> IncomingCall:
    user = remote_uri.partition(":")[2].partition("@")[0]
    return IncomingCall(call_id=call_id, account="provider", remote_uri=remote_uri,
                        remote_name=name, remote_number=user)


def state(
    state: CallState,
    direction: Direction = Direction.OUTGOING,
    code: int = 200,
    reason: str = "OK",
    message: str = "",
    call_id: int = 0,
    remote_uri: str = ADA_URI,
) -> CallStateChanged:
    return CallStateChanged(call_id=call_id, account="provider", direction=direction,
                            state=state, remote_uri=remote_uri, remote_name="Ada", code=code,
                            reason=reason, message=message)


def stats(call_id: int = 0, mos: float = 4.3, codec: str = "G722") -> CallStats:
    return CallStats(call_id=call_id, codec=codec, clock_rate=16000, rx_packets=500,
                     tx_packets=500, rx_lost=5, tx_lost=0, rx_loss_pct=1.0, tx_loss_pct=0.0,
                     jitter_ms=3.5, rtt_ms=42.0, jitter_buffer_ms=40.0, r_factor=88.0, mos=mos)
