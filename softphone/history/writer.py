"""Keeps the call history from the engine's events on a thread of its own.

SQLite writes with synchronous=FULL wait for the disk; the engine thread that emits the events
must never wait for that, so events are queued here and written by one thread that owns both
database connections (sqlite3 connections belong to the thread that opened them).

Another program may hold a file locked (a second Softphone, a database tool left open). Then
the events wait in the queue, stamped with the time they happened, and are written once the
lock is gone; the user hears about it when it starts, when it ends, and if Softphone closes
while the lock is still held.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from softphone.contacts.store import ContactStore
from softphone.events import CallStateChanged, CallStats, Event, IncomingCall
from softphone.history.calllog import CallLog
from softphone.history.store import HistoryStore
from softphone.storage import BUSY_TIMEOUT_SECONDS, DatabaseLocked, StorageError

_log = logging.getLogger(__name__)
_CLOSE = object()
RECORDED = (CallStateChanged, CallStats, IncomingCall)
RETRY_SECONDS = 1.0
T = TypeVar("T")
Stamped = tuple[datetime, Event]


class HistoryWriter:
    """`submit` from any thread; `close` writes what is queued and lets the files go."""

    def __init__(self, on_problem: Callable[[str], None], default_country: str | None = None,
                 history_path: Path | None = None, contacts_path: Path | None = None) -> None:
        self._on_problem = on_problem
        self._broken = False
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._paths = (history_path, contacts_path)
        self._country = default_country
        self._give_up_at = float("inf")  # set by close: how long a lock may still be waited out
        self._locked: str | None = None  # what is locked, while it is
        self._happened_at = datetime.now(UTC)  # of the event being written
        self._thread = threading.Thread(target=self._run, name="history", daemon=True)
        self._thread.start()

    def submit(self, event: Event) -> None:
        if isinstance(event, RECORDED) and not self._broken:
            self._queue.put((datetime.now(UTC), event))

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued; a lock still held after `timeout` is given up on (and the
        user told), after SQLite's own wait for it at most."""
        self._give_up_at = time.monotonic() + timeout
        self._queue.put(_CLOSE)
        self._thread.join(timeout + BUSY_TIMEOUT_SECONDS + RETRY_SECONDS)

    def _run(self) -> None:
        try:
            stores = self._when_unlocked(self._open_stores)
        except StorageError as err:
            self._broken = True
            _log.exception("the call history cannot be opened")
            self._on_problem(f"Calls are not being recorded in the history: {err}")
            return
        if stores is None:
            return
        with stores[0] as history, stores[1] as contacts:
            for store in (history, contacts):
                if store.recovery is not None:
                    self._on_problem(store.recovery.message)
            log = CallLog(history, contacts.lookup_name, self._country,
                          clock=lambda: self._happened_at)
            while (item := self._queue.get()) is not _CLOSE:
                if not self._write(log, item):
                    return

    def _open_stores(self) -> tuple[HistoryStore, ContactStore]:
        history_path, contacts_path = self._paths
        history = HistoryStore.open(history_path)
        try:
            return history, ContactStore.open(contacts_path, self._country)
        except BaseException:
            history.close()
            raise

    def _write(self, log: CallLog, item: Stamped) -> bool:
        """False when a lock outlasted closing and the rest was given up."""
        self._happened_at, event = item

        def write() -> bool:
            log.handle(event)
            return True

        return self._when_unlocked(write) is not None

    def _when_unlocked(self, attempt: Callable[[], T]) -> T | None:
        """attempt(), again every RETRY_SECONDS while another program holds a file locked;
        None when Softphone is closing and the lock has outlasted its patience."""
        while True:
            try:
                result = attempt()
            except DatabaseLocked as err:
                if self._locked is None:
                    self._locked = str(err)
                    self._on_problem(f"Calls wait to be written to the history: {err}. "
                                     "They are kept and written as soon as it is free.")
                if time.monotonic() >= self._give_up_at:
                    self._on_problem(f"Softphone closed while {err}: the calls still waiting "
                                     "were not written to the history.")
                    return None
                time.sleep(RETRY_SECONDS)
                continue
            if self._locked is not None:
                self._locked = None
                self._on_problem("The call history is free again: the calls that waited "
                                 "are being written.")
            return result
