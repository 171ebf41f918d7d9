"""A phone that stays up and takes calls, for tests that throw things at it for a while.

Run as `python -m tests.integration.reliability.answering_phone CONFIG --answer USER ...
[--log FILE]`: registers every configured account, answers calls from the --answer users and
declines (603) everyone else, as a person would decline strangers, and prints every engine
event as a JSON line (the records of `softphone listen --json`). Ends cleanly on SIGTERM, or
after --max-seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import signal
import sys
import threading
import time
from pathlib import Path

from softphone.config import load_config
from softphone.engine import EngineError
from softphone.events import Event, IncomingCall
from softphone.headless import event_record
from softphone.phone import Phone

DECLINE = 603


def serve(phone: Phone, events: queue.SimpleQueue[Event], answer: set[str],
          stop: threading.Event, max_seconds: float) -> None:
    deadline = time.monotonic() + max_seconds
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            event = events.get(timeout=0.2)
        except queue.Empty:
            continue
        print(json.dumps(event_record(event)), flush=True)
        if isinstance(event, IncomingCall):
            with contextlib.suppress(EngineError):  # the caller may have given up already
                if event.remote_number in answer:
                    phone.answer(event.call_id)
                else:
                    phone.reject(event.call_id, DECLINE)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("config", type=Path)
    parser.add_argument("--answer", action="append", default=[], metavar="USER")
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    events: queue.SimpleQueue[Event] = queue.SimpleQueue()
    config = load_config(args.config)
    phone = Phone(config, events.put, log_file=args.log)
    phone.start()
    try:
        for account in config.accounts:
            phone.enable_account(account.name)
        serve(phone, events, set(args.answer), stop, args.max_seconds)
    finally:
        phone.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
