"""Drives the command layer (softphone.phone.Phone) through a scripted sequence, for the
features that have no single CLI flag: conferences, transfers, call waiting.

Run as `python -m tests.integration.phone_script CONFIG SCRIPT.json [--log FILE]`; prints every
engine event as a JSON line (the same records as `softphone call --json`) and exits 0 when the
whole script ran. A step is one dict:

    {"play": "a.wav", "record": "b.wav"}     attach audio (before calls, or any time)
    {"dial": "TEXT", "as": "a"}              call what a person would type
    {"wait": "incoming", "as": "b"}          the next incoming call gets the name "b"
    {"wait": "connected", "call": "a"}       any call state, or on_hold/resumed/ended
    {"answer": "b"} {"hangup": "a"} {"hold": "a"} {"resume": "a"}
    {"answer_holding": "b"}                  hold every other call, then answer
    {"mute": "a"} {"unmute": "a"}
    {"merge": ["a", "b"]} {"split": "a"} {"record_call": "a", "path": "call.wav"}
    {"leave_conference": false}              hang up every participant (true: join them)
    {"transfer": "a", "to": "TEXT"} {"transfer_attended": "a", "with": "b"}
    {"sleep": 1.5}
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from softphone.config import load_config
from softphone.events import CallFlagsChanged, CallStateChanged, Event, IncomingCall
from softphone.headless import event_record
from softphone.media.wav import WavRecorder, WavSource
from softphone.phone import Phone

STEP_TIMEOUT = 15.0


class Script:
    def __init__(self, phone: Phone, events: queue.SimpleQueue[Event]) -> None:
        self.phone = phone
        self.events = events
        self.seen: list[Event] = []
        self.calls: dict[str, int] = {}
        self.recorders: list[WavRecorder] = []

    def run(self, steps: list[dict[str, Any]]) -> None:
        for step in steps:
            self.step(step)

    def step(self, step: dict[str, Any]) -> None:
        if "play" in step or "record" in step:
            self._attach(step)
        elif "dial" in step:
            self.calls[step["as"]] = self.phone.dial(step["dial"])
        elif "wait" in step:
            self._wait(step)
        elif "sleep" in step:
            self.pump(step["sleep"])
        elif "answer_holding" in step:
            self.phone.answer_holding_others(self.calls[step["answer_holding"]])
        elif "mute" in step:
            self.phone.set_mute(self.calls[step["mute"]], True)
        elif "unmute" in step:
            self.phone.set_mute(self.calls[step["unmute"]], False)
        elif "record_call" in step:
            self.phone.start_recording(self.calls[step["record_call"]], step["path"])
        elif "leave_conference" in step:
            self.phone.leave_conference(join_others=step["leave_conference"])
        elif "merge" in step:
            self.phone.merge([self.calls[name] for name in step["merge"]])
        elif "transfer" in step:
            self.phone.transfer(self.calls[step["transfer"]], step["to"])
        elif "transfer_attended" in step:
            self.phone.transfer_attended(self.calls[step["transfer_attended"]],
                                         self.calls[step["with"]])
        else:
            verb, name = next(iter(step.items()))
            getattr(self.phone, verb)(self.calls[name])

    def _attach(self, step: dict[str, Any]) -> None:
        source = WavSource(Path(step["play"])) if step.get("play") else None
        sink = WavRecorder(Path(step["record"])) if step.get("record") else None
        if sink:
            self.recorders.append(sink)
        self.phone.attach_audio(source, sink)

    def _wait(self, step: dict[str, Any]) -> None:
        what = step["wait"]
        deadline = time.monotonic() + step.get("timeout", STEP_TIMEOUT)
        if what == "incoming":
            self.calls[step["as"]] = self._wait_for(self._unnamed_incoming, deadline, what)
            return
        call = self.calls[step["call"]]
        self._wait_for(lambda: self._reached(call, what), deadline, f"{step['call']} {what}")

    def _unnamed_incoming(self) -> int | None:
        named = set(self.calls.values())
        return next((e.call_id for e in self.seen
                     if isinstance(e, IncomingCall) and e.call_id not in named), None)

    def _reached(self, call: int, what: str) -> bool:
        if what in ("on_hold", "resumed"):
            flags = [e for e in self.seen if isinstance(e, CallFlagsChanged) and e.call_id == call]
            return bool(flags) and flags[-1].on_hold == (what == "on_hold")
        return any(isinstance(e, CallStateChanged) and e.call_id == call and e.state.value == what
                   for e in self.seen)

    def _wait_for(self, condition: Callable[[], Any], deadline: float, what: str) -> Any:
        while not (result := condition()):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            self._take_events(min(deadline - time.monotonic(), 0.1))
        return result

    def pump(self, seconds: float) -> None:
        """Let events flow (and be printed) for a while."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            self._take_events(remaining)

    def _take_events(self, timeout: float) -> None:
        try:
            event = self.events.get(timeout=max(timeout, 0.001))
        except queue.Empty:
            return
        self.seen.append(event)
        print(json.dumps(event_record(event)), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("config", type=Path)
    parser.add_argument("script", type=Path)
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    events: queue.SimpleQueue[Event] = queue.SimpleQueue()
    config = load_config(args.config)
    phone = Phone(config, events.put, log_file=args.log)
    script = Script(phone, events)
    phone.start()
    try:
        for account in config.accounts:
            phone.enable_account(account.name)
        script.run(json.loads(args.script.read_text()))
    finally:
        phone.shutdown()
        script.pump(0.1)
        for recorder in script.recorders:
            recorder.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
