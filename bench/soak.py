"""Soak: many short calls back to back, then several at once, through Kamailio with digest auth
to a SIPp far end that answers at once. Prints whether every call connected and ended, and
what the process holds before and after (RSS, open file descriptors, threads), so a leak shows
as growth.

    python -m bench.soak [--calls 300] [--parallel 4] [--json]

At most 4 calls at once: the pjsua2-python wheel is built with PJSUA_MAX_CALLS = 4.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.call_bench import NUMBER, ROUTED_PREFIX, USERS, our_account, running_phone
from bench.peers import InstantAnswerUAS
from softphone.config import CallsConfig, Config, NetworkConfig
from softphone.engine import EngineError
from softphone.events import CallState, CallStateChanged, Event
from softphone.phone import Phone
from tests.peers.kamailio import Kamailio
from tests.peers.ports import HOST, free_port

WARM_UP_CALLS = 5
MAX_CALLS = 4
# pjsua frees a call's slot a moment after announcing DISCONNECTED; with every slot about to be
# used at once, give the last sequential call that moment.
RELEASE_SECONDS = 0.5
CALL_TIMEOUT = 15.0


def process_figures() -> dict[str, float]:
    """This process's resident memory (MB), open descriptors and threads, from /proc."""
    status = Path("/proc/self/status").read_text()
    rss_kb = next(int(line.split()[1]) for line in status.splitlines()
                  if line.startswith("VmRSS:"))
    return {"rss_mb": rss_kb / 1024, "fds": len(os.listdir("/proc/self/fd")),
            "threads": len(os.listdir("/proc/self/task")),
            "python_threads": threading.active_count()}


class CallTracker:
    """States seen per call id, fed from the engine's events (any thread)."""

    def __init__(self, events: queue.SimpleQueue[tuple[float, Event]]) -> None:
        self._events = events
        self.states: dict[int, list[CallState]] = defaultdict(list)
        self.failures: list[str] = []

    def wait(self, call_ids: list[int], state: CallState) -> bool:
        """True once every call reached `state`; False if one ended first or time ran out."""
        deadline = time.monotonic() + CALL_TIMEOUT
        while not all(state in self.states[call_id] for call_id in call_ids):
            if any(CallState.ENDED in self.states[c] for c in call_ids) and (
                    state is not CallState.ENDED):
                return False
            try:
                _, event = self._events.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                return False
            if isinstance(event, CallStateChanged):
                self.states[event.call_id].append(event.state)
                if event.state is CallState.ENDED and CallState.CONNECTED not in (
                        self.states[event.call_id]):
                    self.failures.append(f"{event.code} {event.message}")
        return True

    def forget(self, call_ids: list[int]) -> None:
        """pjsua reuses call ids: a finished call's states must not count for the next."""
        for call_id in call_ids:
            self.states.pop(call_id, None)


def round_of_calls(phone: Phone, tracker: CallTracker, at_once: int) -> bool:
    try:
        call_ids = [phone.dial(NUMBER) for _ in range(at_once)]
    except EngineError as err:
        tracker.failures.append(str(err))
        return False
    connected = tracker.wait(call_ids, CallState.CONNECTED)
    for call_id in call_ids:
        with contextlib.suppress(EngineError):  # a call that failed has ended already
            phone.hangup(call_id)
    ended = tracker.wait(call_ids, CallState.ENDED)
    tracker.forget(call_ids)
    return connected and ended


def run(calls: int, parallel: int, workdir: Path) -> dict[str, Any]:
    far_end_port = free_port()
    # SIPp counts a call it gave up on (an unexpected message) against -m too: leave it room.
    total = 2 * (WARM_UP_CALLS + calls + parallel)
    with Kamailio(workdir / "kamailio", USERS, {ROUTED_PREFIX: (HOST, far_end_port)}) as provider, \
            InstantAnswerUAS(workdir / "sipp", total, far_end_port):
        config = Config(accounts=(our_account(provider),),
                        network=NetworkConfig(bind_address=HOST),
                        calls=CallsConfig(max_calls=MAX_CALLS))
        events: queue.SimpleQueue[tuple[float, Event]] = queue.SimpleQueue()
        with running_phone(config, events) as phone:
            tracker = CallTracker(events)
            for _ in range(WARM_UP_CALLS):
                round_of_calls(phone, tracker, 1)
            before = process_figures()
            started = time.monotonic()
            sequential_ok = sum(round_of_calls(phone, tracker, 1) for _ in range(calls))
            sequential_s = time.monotonic() - started
            after_sequential = process_figures()
            time.sleep(RELEASE_SECONDS)
            parallel_ok = round_of_calls(phone, tracker, parallel)
            after = process_figures()
    return {"calls": calls, "calls_ok": sequential_ok, "seconds": round(sequential_s, 1),
            "parallel": parallel, "parallel_ok": parallel_ok, "before": before,
            "after_sequential": after_sequential, "after": after,
            "failures": tracker.failures[:10]}


def render(result: dict[str, Any]) -> str:
    lines = [
        f"{result['calls_ok']}/{result['calls']} calls back to back connected and ended "
        f"({result['seconds']} s); {result['parallel']} at once: "
        f"{'all connected and ended' if result['parallel_ok'] else 'FAILED'}",
        *(f"  failed: {failure}" for failure in result["failures"]),
        f"{'':24}{'before':>10}{'after seq.':>12}{'after all':>11}{'growth':>9}",
    ]
    for key, label in (("rss_mb", "RSS MB"), ("fds", "open fds"), ("threads", "OS threads"),
                       ("python_threads", "Python threads")):
        values = [result[phase][key] for phase in ("before", "after_sequential", "after")]
        lines.append(f"  {label:22}{values[0]:>10.1f}{values[1]:>12.1f}{values[2]:>11.1f}"
                     f"{values[2] - values[0]:>+9.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--parallel", type=int, default=4, choices=range(1, 5))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="softphone-soak-") as workdir:
        result = run(args.calls, args.parallel, Path(workdir))
    print(json.dumps(result, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
