"""The phone's side of the crash test, run as its own process: it records a call through
CallLog, says "in call" on stdout, then keeps writing the call's statistics (as the engine
does every 2 s, only much faster) so that the kill lands in the middle of writes.

    python -m tests.integration.history.record_call HISTORY_FILE
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from softphone.events import CallState, CallStateChanged, CallStats, Direction
from softphone.history import CallLog, HistoryStore

CALL_ID = 0


def call_state(state: CallState) -> CallStateChanged:
    return CallStateChanged(call_id=CALL_ID, account="provider", direction=Direction.OUTGOING,
                            state=state, remote_uri="sip:+12025550143@provider.example",
                            remote_name="Ada", code=200, reason="OK", message="")


def call_stats(packets: int) -> CallStats:
    return CallStats(call_id=CALL_ID, codec="G722", clock_rate=16000, rx_packets=packets,
                     tx_packets=packets, rx_lost=0, tx_lost=0, rx_loss_pct=0.0,
                     tx_loss_pct=0.0, jitter_ms=1.0, rtt_ms=20.0, jitter_buffer_ms=40.0,
                     r_factor=92.0, mos=4.4)


def main(path: Path) -> None:
    log = CallLog(HistoryStore.open(path), default_country="US")
    log.handle(call_state(CallState.CALLING))
    log.handle(call_state(CallState.CONNECTED))
    log.handle(call_stats(0))
    print("in call", flush=True)
    for packets in itertools.count(50, 50):
        log.handle(call_stats(packets))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
