"""Soak: many short calls back to back, then 8 at once, through Kamailio with digest auth
to a SIPp far end that answers at once. Prints whether every call connected and ended, and
what the process holds before and after (RSS, open file descriptors, threads), so a leak shows
as growth.

    python -m bench.soak [--calls 300] [--parallel 4] [--again N] [--json]

Most of the RSS growth is not a leak: pjsip keeps each call's SIP transactions (and their
memory pools) for the RFC 3261 wait timers, up to 32 s, so calls at ~30 a second build up a
plateau that later calls reuse. `--again N` shows it: N more rounds of as many calls, each
after a rest longer than those timers; the RSS stays where the first round took it.

The pjsua2-python wheel is built with PJSUA_MAX_CALLS = 4, so one Softphone holds at most 4
calls. "8 at once" is two Softphone processes (this one and a second started for the moment,
`--second-phone`) with 4 calls each, all 8 up together through the same provider and far end.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from bench.call_bench import NUMBER, REPO, ROUTED_PREFIX, USERS, our_account, running_phone
from bench.peers import InstantAnswerUAS
from softphone.config import AccountConfig, CallsConfig, Config, NetworkConfig
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
REST_SECONDS = 40.0  # longer than pjsip's longest transaction wait timer (32 s)


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


def round_of_calls(phone: Phone, tracker: CallTracker, at_once: int,
                   while_up: Callable[[bool], bool] = lambda connected: connected) -> bool:
    """Dial `at_once` calls, wait until all are up, hang them all up, wait until all ended.
    `while_up(connected)` runs while they are up and may do more (the second phone's part)."""
    try:
        call_ids = [phone.dial(NUMBER) for _ in range(at_once)]
    except EngineError as err:
        tracker.failures.append(str(err))
        return False
    connected = while_up(tracker.wait(call_ids, CallState.CONNECTED))
    for call_id in call_ids:
        with contextlib.suppress(EngineError):  # a call that failed has ended already
            phone.hangup(call_id)
    ended = tracker.wait(call_ids, CallState.ENDED)
    tracker.forget(call_ids)
    return connected and ended


def soak_config(account: AccountConfig) -> Config:
    return Config(accounts=(account,), network=NetworkConfig(bind_address=HOST),
                  calls=CallsConfig(max_calls=MAX_CALLS))


class SecondPhone:
    """Another Softphone process (`--second-phone`) with its own engine, for the calls beyond
    the 4 one process can hold. Driven over its stdin and stdout, one line a step."""

    def __init__(self, account: AccountConfig, parallel: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.soak", "--second-phone",
             json.dumps(dataclasses.asdict(account)), "--parallel", str(parallel)],
            cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.expect("registered")

    def expect(self, word: str) -> dict[str, Any]:
        line = self._process.stdout.readline()
        reply = json.loads(line) if line.startswith("{") else {"said": line.strip()}
        if reply.get("said") != word:
            raise RuntimeError(f"the second phone said {reply} instead of {word!r}")
        return reply

    def tell(self, word: str) -> None:
        self._process.stdin.write(word + "\n")
        self._process.stdin.flush()

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._process.stdin.close()
        self._process.stdout.close()


def run(calls: int, parallel: int, again: int, workdir: Path) -> dict[str, Any]:
    far_end_port = free_port()
    # SIPp counts a call it gave up on (an unexpected message) against -m too: leave it room.
    total = 2 * (WARM_UP_CALLS + (1 + again) * calls + 2 * parallel)
    with Kamailio(workdir / "kamailio", USERS, {ROUTED_PREFIX: (HOST, far_end_port)}) as provider, \
            InstantAnswerUAS(workdir / "sipp", total, far_end_port):
        account = our_account(provider)
        events: queue.SimpleQueue[tuple[float, Event]] = queue.SimpleQueue()
        with running_phone(soak_config(account), events) as phone:
            tracker = CallTracker(events)
            for _ in range(WARM_UP_CALLS):
                round_of_calls(phone, tracker, 1)
            before = process_figures()
            started = time.monotonic()
            sequential_ok = sum(round_of_calls(phone, tracker, 1) for _ in range(calls))
            sequential_s = time.monotonic() - started
            after_sequential = process_figures()
            time.sleep(RELEASE_SECONDS)
            together = calls_in_two_phones(phone, tracker, account, parallel)
            after = process_figures()
            rounds_again = [call_again(phone, tracker, calls) for _ in range(again)]
    return {"calls": calls, "calls_ok": sequential_ok, "seconds": round(sequential_s, 1),
            "parallel": parallel, **together, "before": before,
            "after_sequential": after_sequential, "after": after, "again": rounds_again,
            "failures": tracker.failures[:10]}


def call_again(phone: Phone, tracker: CallTracker, calls: int) -> dict[str, Any]:
    """Rest until pjsip has let every earlier transaction go, then as many calls again."""
    time.sleep(REST_SECONDS)
    calls_ok = sum(round_of_calls(phone, tracker, 1) for _ in range(calls))
    return {"calls_ok": calls_ok, **process_figures()}


def calls_in_two_phones(phone: Phone, tracker: CallTracker, account: AccountConfig,
                        parallel: int) -> dict[str, Any]:
    """`parallel` calls in the second phone, then as many here, all up at the same moment
    before any is hung up."""
    second = SecondPhone(account, parallel)
    try:
        second.tell("dial")
        theirs_up = second.expect("connected")["ok"]

        def hang_up_theirs(ours_up: bool) -> bool:
            second.tell("hangup")
            return ours_up

        ours_ok = round_of_calls(phone, tracker, parallel, hang_up_theirs)
        theirs = second.expect("ended")
    finally:
        second.stop()
    tracker.failures += [f"second phone: {failure}" for failure in theirs["failures"]]
    return {"together": 2 * parallel, "together_ok": ours_ok and theirs_up and theirs["ok"],
            "second_phone": theirs["figures"]}


def second_phone(account_fields: str, parallel: int, commands: IO[str]) -> None:
    """The second phone's side: register, then on "dial" put `parallel` calls up, say so, and
    on "hangup" end them and report."""
    account = AccountConfig(**json.loads(account_fields))
    events: queue.SimpleQueue[tuple[float, Event]] = queue.SimpleQueue()
    with running_phone(soak_config(account), events) as phone:
        say({"said": "registered"})
        tracker = CallTracker(events)
        commands.readline()  # "dial"

        def up_until_told(connected: bool) -> bool:
            say({"said": "connected", "ok": connected})
            commands.readline()  # "hangup"
            return connected

        ok = round_of_calls(phone, tracker, parallel, up_until_told)
        say({"said": "ended", "ok": ok, "figures": process_figures(),
             "failures": tracker.failures})


def say(reply: dict[str, Any]) -> None:
    print(json.dumps(reply), flush=True)


def render(result: dict[str, Any]) -> str:
    lines = [
        f"{result['calls_ok']}/{result['calls']} calls back to back connected and ended "
        f"({result['seconds']} s); {result['together']} at once ({result['parallel']} in each "
        "of two processes): "
        f"{'all connected and ended' if result['together_ok'] else 'FAILED'}",
        *(f"  failed: {failure}" for failure in result["failures"]),
        f"{'':24}{'before':>10}{'after seq.':>12}{'after all':>11}{'growth':>9}",
    ]
    for key, label in (("rss_mb", "RSS MB"), ("fds", "open fds"), ("threads", "OS threads"),
                       ("python_threads", "Python threads")):
        values = [result[phase][key] for phase in ("before", "after_sequential", "after")]
        lines.append(f"  {label:22}{values[0]:>10.1f}{values[1]:>12.1f}{values[2]:>11.1f}"
                     f"{values[2] - values[0]:>+9.1f}")
    for number, again in enumerate(result["again"], start=1):
        lines.append(f"  again ({number}) after {REST_SECONDS:.0f} s of rest: {again['calls_ok']}/"
                     f"{result['calls']} calls, RSS {again['rss_mb']:.1f} MB, {again['fds']} fds, "
                     f"{again['threads']} OS threads")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--parallel", type=int, default=4, choices=range(1, 5))
    parser.add_argument("--again", type=int, default=0, metavar="N",
                        help="N more rounds of calls, each after a rest")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--second-phone", metavar="ACCOUNT_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.second_phone:
        second_phone(args.second_phone, args.parallel, sys.stdin)
        return
    with tempfile.TemporaryDirectory(prefix="softphone-soak-") as workdir:
        result = run(args.calls, args.parallel, args.again, Path(workdir))
    print(json.dumps(result, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
