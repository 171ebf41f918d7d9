"""The echo test line's far end: answers every call and sends back what it hears.

Run by EchoLine as `python -m softphone.echo_service`. It prints `listening HOST:PORT` once
ready and exits when its stdin closes (the phone quit or died) or after MAX_LIFETIME.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import sys
import threading

from softphone.config import AccountConfig, NetworkConfig
from softphone.echo_line import READY_PREFIX
from softphone.engine import Engine, EngineError
from softphone.events import Event, IncomingCall
from softphone.media.frames import FRAME_BYTES, SILENT_FRAME

MAX_LIFETIME = 3600.0
MAX_ECHO_FRAMES = 10  # 200 ms: enough to ride out scheduling jitter, short enough to converse


class EchoLoop:
    """Source and sink in one: every frame heard is sent back on the next clock tick."""

    def __init__(self) -> None:
        self._frames: collections.deque[bytes] = collections.deque(maxlen=MAX_ECHO_FRAMES)

    def write_frame(self, frame: memoryview) -> None:
        self._frames.append(bytes(frame))

    def read_frame(self, out: memoryview) -> None:
        out[:FRAME_BYTES] = self._frames.popleft() if self._frames else SILENT_FRAME


def _watch_stdin(stop: threading.Event) -> None:
    sys.stdin.read()
    stop.set()


def main() -> int:
    events: queue.SimpleQueue[Event] = queue.SimpleQueue()
    engine = Engine(NetworkConfig(bind_address="127.0.0.1"), events.put)
    engine.start()
    stop = threading.Event()
    try:
        engine.add_account(AccountConfig(name="echo", username="echo", domain="127.0.0.1",
                                         register=False), None)
        loop = EchoLoop()
        engine.attach_audio(loop, loop)
        print(f"{READY_PREFIX}{engine.local_address('echo')}", flush=True)
        threading.Thread(target=_watch_stdin, args=(stop,), daemon=True).start()
        _answer_until(stop, engine, events)
    finally:
        engine.shutdown()
    return 0


def _answer_until(stop: threading.Event, engine: Engine, events: queue.SimpleQueue[Event]) -> None:
    deadline = threading.Timer(MAX_LIFETIME, stop.set)
    deadline.daemon = True
    deadline.start()
    while not stop.is_set():
        try:
            event = events.get(timeout=0.2)
        except queue.Empty:
            continue
        if isinstance(event, IncomingCall):
            with contextlib.suppress(EngineError):  # the caller gave up before we answered
                engine.answer(event.call_id)
    deadline.cancel()


if __name__ == "__main__":
    sys.exit(main())
